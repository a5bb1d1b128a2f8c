"""One test per rule of CODEBOOK §6.6 (uptake order), plus the patient-side guards.

Every transcript here is invented; each isolates one rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotate._helpers import FIRST, OPENING, after_opening, annotate_text, attempt_at, r1


def _uptake(tmp_path: Path, attempt: str, *responses: str) -> tuple[str, str | None]:
    lines = [f"P:  {attempt}"]
    for response in responses:
        lines.append(response)
    annotations = annotate_text(tmp_path, OPENING + "\n".join(lines) + "\n")
    found = attempt_at(annotations, FIRST)
    response = r1(annotations, found.id)
    return response.uptake, response.uptake_subtype


@pytest.mark.parametrize(
    ("attempt", "response", "expected"),
    [
        # postpone frame → CLOSE_DOWN (CLOSE_POSTPONE)
        ("the neighbours are spying on me again.", "D:  let's leave that for now.",
         ("CLOSE_DOWN", "CLOSE_POSTPONE")),
        # closing talk with no tie → CLOSE_DOWN
        ("the neighbours are spying on me again.", "D:  right, I'll see you in two months.",
         ("CLOSE_DOWN", None)),
        # repair request, no tie → CLARIFY
        ("the neighbours are spying on me again.", "D:  sorry, who do you mean?",
         ("CLARIFY", None)),
        # tie + challenge frame → CHALLENGE
        ("the neighbours are spying on me again.", "D:  nobody is spying on you.",
         ("CHALLENGE", None)),
        # medication lexicon as R1 → MEDICATION_FRAME
        ("the neighbours are spying on me again.", "D:  are you still taking the risperidone?",
         ("MEDICATION_FRAME", None)),
        # tie + exploration → ENGAGE_EXPLORE
        ("the neighbours are spying on me again.", "D:  tell me more about that.",
         ("ENGAGE", "ENGAGE_EXPLORE")),
        # tie + empathy → ENGAGE_EMPATHY
        ("the neighbours are spying on me again.", "D:  that must be really frightening.",
         ("ENGAGE", "ENGAGE_EMPATHY")),
        # tie + topography → ENGAGE_TOPOGRAPHY
        ("the neighbours are spying on me again.", "D:  how often is that happening?",
         ("ENGAGE", "ENGAGE_TOPOGRAPHY")),
        # tie + formulation → ENGAGE_FORMULATE
        ("the neighbours are spying on me again.",
         "D:  so it feels like they're keeping an eye on everything you do?",
         ("ENGAGE", "ENGAGE_FORMULATE")),
        # minimal tokens only → ACKNOWLEDGE
        ("the neighbours are spying on me again.", "D:  mm.", ("ACKNOWLEDGE", None)),
        # no tie + shift marker / other domain → TOPIC_SHIFT
        ("the neighbours are spying on me again.", "D:  okay so how's your appetite?",
         ("TOPIC_SHIFT", None)),
        # tie + reassurance → INFO_REASSURE
        ("the neighbours are spying on me again.", "D:  don't worry about that.",
         ("INFO_REASSURE", None)),
    ],
)
def test_uptake_rules(tmp_path: Path, attempt: str, response: str,
                      expected: tuple[str, str | None]) -> None:
    assert _uptake(tmp_path, attempt, response) == expected


def test_question_back_only_for_questions(tmp_path: Path) -> None:
    asked = _uptake(tmp_path, "why do the voices only come at night?", "D:  what do you think?")
    assert asked == ("QUESTION_BACK", None)
    told = _uptake(tmp_path, "the voices only come at night.", "D:  what do you think?")
    assert told[0] != "QUESTION_BACK"


@pytest.mark.parametrize(("attempt", "response", "expected"), [
    # a wh- question that hands the patient's own question back (codebook 1.11)
    ("who keeps putting thoughts in my head?", "D:  hm. who do you think is doing it?",
     ("QUESTION_BACK", None)),
    ("why do the voices only come at night?", "D:  why do you think the voices come then?",
     ("QUESTION_BACK", None)),
    # reattributing the experience to the illness, normalising it, disputing it
    ("the neighbours are spying on me again.", "D:  Dave, that's the anxiety talking.",
     ("CHALLENGE", None)),
    ("the bus drivers are watching me, they flash their lights at me.",
     "D:  people flash their lights all the time though.", ("CHALLENGE", None)),
    ("my wife's been swapped for someone else.", "D:  well, she looks like Mary to me.",
     ("CHALLENGE", None)),
    ("the floods are my fault, I caused them.", "D:  you're not responsible for the weather.",
     ("CHALLENGE", None)),
    ("the number seven follows me everywhere, it's meant for me.",
     "D:  that sounds like a coincidence.", ("CHALLENGE", None)),
    # the opening unit after a filler-only one still frames the turn as medication
    ("the neighbours are spying on me again.",
     "D:  u:m. (.) I think we'll keep the risperidone where it is.", ("MEDICATION_FRAME", None)),
    # a physical check-up is another domain
    ("the neighbours are spying on me again.", "D:  okay. I'd like to weigh you today.",
     ("TOPIC_SHIFT", None)),
])
def test_uptake_cues_of_codebook_1_11(tmp_path: Path, attempt: str, response: str,
                                      expected: tuple[str, str | None]) -> None:
    assert _uptake(tmp_path, attempt, response) == expected


@pytest.mark.parametrize(("attempt", "response", "not_expected"), [
    # echoes and questions are not challenges, however close their words
    ("there are too many coincidences, the number plates are all meant for me.",
     "D:  too many coincidences. tell me more about the number plates.", "CHALLENGE"),
    ("the number seven follows me everywhere, it's meant for me.",
     "D:  tell me more, what makes it feel like more than a coincidence?", "CHALLENGE"),
    ("I can hear people talking about me all the time.",
     "D:  people talking about you all the time, that must be exhausting.", "CHALLENGE"),
    ("the neighbours are spying on me again.", "D:  do people talk about you all the time?",
     "CHALLENGE"),
    ("the voices keep me up all night.",
     "D:  is that the stress talking, do you think? tell me about the voices.", "CHALLENGE"),
    ("I can hear my dead mother talking to me.",
     "D:  it seems normal to me to hear a loved one after they die. what does she say?",
     "CHALLENGE"),
    # "weigh" on the mind is no weighing scale; a question about sleep is no returned one
    ("the neighbours are spying on me again.", "D:  that must weigh on you, living with that.",
     "TOPIC_SHIFT"),
    ("are they going to hurt me, doctor?", "D:  how do you think you've been sleeping lately?",
     "QUESTION_BACK"),
])
def test_near_misses_of_the_codebook_1_11_cues(tmp_path: Path, attempt: str, response: str,
                                                not_expected: str) -> None:
    assert _uptake(tmp_path, attempt, response)[0] != not_expected


def test_answer_to_a_question_engages(tmp_path: Path) -> None:
    uptake = _uptake(
        tmp_path, "why do the voices only come at night?",
        "D:  I think the voices come when you're tired and stressed, the illness makes your "
        "brain produce them and night is when you're on your own with it.",
    )
    assert uptake == ("ENGAGE", "ENGAGE_ANSWER")


def test_no_clinician_in_window_is_no_uptake(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + "P:  the voices tell me I'm useless.\nM:  he's been really upset.\n"
    )
    attempt = attempt_at(annotations, FIRST)
    response = r1(annotations, attempt.id)
    assert response.uptake == "NO_UPTAKE" and response.turn_id is None
    assert annotations.sequence(attempt.id).outcome == "NO_UPTAKE"  # type: ignore[union-attr]


def test_window_ends_at_third_clinician_turn(tmp_path: Path) -> None:
    text = OPENING + (
        "P:  the voices tell me I'm useless.\n"
        "D:  mm.\nP:  every day.\nD:  right.\nP:  yeah.\nD:  okay.\nP:  mm.\n"
        "D:  and how's your appetite?\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST)
    ranks = [r.rank for r in annotations.responses_to(attempt.id)]
    assert ranks == [1, 2, 3]


@pytest.mark.parametrize(
    "idiom",
    [
        "I keep missing your voice mail, sorry.",
        "I left a voice note for my sister.",
        "my hearing aid needs a new battery.",
        "I'll see you next week then.",
        "oh my God, the buses were awful.",
        "thank God the rent's paid.",
        "I was dying to get out of the house.",
        "work's been mad busy.",
        "it drives me mad when the bus is late.",
        "I was just killing time in town.",
        "I did the maths in my head.",
        "I got chips from the chip shop.",
        "they put a microchip in the dog.",
        "I got the follow-up letter.",
        "I've been watching telly all week.",
        "I saw my mum at the weekend.",
        "I signed the form at reception.",
        "he's a hell of a driver.",
    ],
)
def test_stop_list_idioms_never_produce_an_attempt(tmp_path: Path, idiom: str) -> None:
    annotations = after_opening(tmp_path, idiom, "right.")
    assert annotations.attempts == (), idiom


@pytest.mark.parametrize(
    "utterance",
    [
        "the voices have stopped since the new tablets.",
        "I don't hear the voices any more.",
        "nobody's following me now, that's all gone.",
        "I never see things that aren't there.",
    ],
)
def test_absent_polarity_is_not_an_attempt(tmp_path: Path, utterance: str) -> None:
    annotations = after_opening(tmp_path, utterance, "good.")
    assert annotations.attempts == (), utterance


def test_reported_speech_about_someone_else_is_not_an_attempt(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + "P:  my cousin hears voices, it's been hard on my auntie.\nD:  oh.\n"
    )
    assert annotations.attempts == ()
    tied = annotate_text(
        tmp_path, OPENING + "P:  my cousin hears voices and I hear them too.\nD:  oh.\n", "u.txt"
    )
    assert [a.line for a in tied.attempts] == [FIRST]


def test_research_camera_in_the_opening_is_not_persecution(tmp_path: Path) -> None:
    text = (
        "D:  hello, come in. this is the camera for the research study.\n"
        "P:  is the camera watching me?\n"
        "D:  only for the recording, you can forget it's there.\n"
        "P:  okay.\n"
        "D:  so how have you been?\n"
    )
    annotations = annotate_text(tmp_path, text)
    assert annotations.attempts == ()


@pytest.mark.parametrize(
    ("utterance", "subtype"),
    [
        ("why are they following me?", "PSY_Q"),  # wh-initial
        ("are they following me because of the money?", "PSY_Q"),  # auxiliary inversion
        ("they're following me, aren't they?", "PSY_Q"),  # tag question
        ("they're following me?", "PSY_Q"),  # declarative + rising intonation
        ("they're following me¿", "PSY_Q"),  # weak rise
        ("can I ask, is somebody following me", "PSY_Q"),  # question frame, no mark
        ("they're following me everywhere I go.", "PSY_ASSERT"),
    ],
)
def test_question_detection(tmp_path: Path, utterance: str, subtype: str) -> None:
    annotations = after_opening(tmp_path, utterance)
    assert subtype in attempt_at(annotations, FIRST).subtypes


def test_question_detection_from_chat_ca_arrows(tmp_path: Path) -> None:
    text = (
        "@UTF8\n@Begin\n@Languages:\teng\n"
        "@Participants:\tDOC Ann Therapist, PAT Bob Participant\n@Options:\tCA\n"
        "@ID:\teng|t|DOC|||||Therapist|||\n@ID:\teng|t|PAT|||||Participant|||\n"
        "*DOC:\thello come in ⇘ how have you been ⇗\n"
        "*PAT:\tthey're following me ⇗\n"
        "*DOC:\tmm ⇘\n@End\n"
    )
    annotations = annotate_text(tmp_path, text, "t.cha")
    assert attempt_at(annotations, 9).subtypes == ("PSY_Q",)


@pytest.mark.parametrize(
    "utterance",
    [
        "I heard them again last night.",
        "I keep hearing them at night.",
        "someone followed me home from the shop.",
        "there's a car following me every morning.",
        "I'm being followed when I go out.",
    ],
)
def test_inflected_forms_match(tmp_path: Path, utterance: str) -> None:
    annotations = after_opening(tmp_path, utterance)
    assert [a.line for a in annotations.attempts] == [FIRST], utterance


@pytest.mark.parametrize(("utterance", "attempt"), [
    # persecution.being_done takes only the participles it lists (codebook 1.12)
    ("I've been watching the snooker a lot with my grandad.", False),
    ("we've been following the Euros on the radio in the car.", False),
    ("I've been watched every time I leave the flat.", True),
    ("my phone's been hacked and they read everything.", True),
    # the weak entries "a sign" and "signs" match only themselves
    ("I've been signed off work for another month.", False),
    ("can you sign my sick note before I go?", False),
    ("I keep getting signs, they're meant for me.", True),
    # a phone is not a medium: targeted adverts and ordinary calls are not reference
    ("my phone's listening to me, I mentioned holidays and now it's all adverts for Spain.",
     False),
    ("I went to pick the phone up to ring my mum and then remembered.", False),
    ("my phone's been tapped, they hear every call.", True),
    ("the telly is talking about me again.", True),
    # panic, ordinary sounds and ordinary messages are not psychotic content
    ("my chest goes tight when I'm anxious.", False),
    ("my heart was going like the clappers after the stairs.", False),
    ("I can hear him snoring from downstairs.", False),
    ("I heard it on the radio this morning, the buses are on strike.", False),
    ("I got a message from the council about my bins.", False),
    ("he keeps messaging me about the fiver I owe him.", False),
    ("my brain's gone mushy, like porridge.", True),
    ("my heart's gone, there's nothing in there.", True),
    ("the staff send me signals with the colours they wear.", True),
    ("the way the cups are laid out, it's a message meant for me.", True),
    ("I can hear them laughing at me through the wall.", True),
    # ordinary faith, relapse signs and night noises
    ("I talk to God when I pray, it's a comfort.", False),
    ("I believe in God but I don't go to church.", False),
    ("I know my early warning signs now, not sleeping is the first.", False),
    ("I heard a bang in the night and it was the shelf falling down.", False),
    ("I'm God, I made the sea and the hills.", True),
    # from a second review of these patterns
    ("my heart was monitored for 24 hours.", False),
    ("my daughter sends me messages on WhatsApp.", False),
    ("my chest gets squeezed when I'm anxious.", False),
    ("my head went blank in the exam.", False),
    ("I hear music every night from the pub.", False),
    ("I'm the heir to my dad's farm.", False),
    ("my GP wants me sectioned, I think I need it.", False),
    ("it felt like the world ended.", False),
    ("I am God's child and I pray every day.", False),
])
def test_everyday_senses_left_out_by_codebook_1_12(tmp_path: Path, utterance: str,
                                                  attempt: bool) -> None:
    annotations = after_opening(tmp_path, utterance)
    assert bool(annotations.attempts) is attempt, utterance


@pytest.mark.parametrize("utterance", [
    "there's talking in the pipes when I run the bath.",
    "there are words in the hum of the fridge, nasty ones.",
    "they narrate everything, every single thing I do all day.",
    "I smell burning everywhere I go, even at my sister's.",
    "the police are in on it as well now.",
    "my brothers want me dead so they get the house.",
    "the mic's in the ceiling of my bathroom.",
    "somebody strokes my hair when I'm lying in bed.",
    "that's not my husband, it's a copy of him.",
    "the whole town's staged for me, like props in a play.",
    "it's like being a puppet, every move.",
    "my spine feels like it's being unzipped at night.",
    "strangers can tell what I'm thinking on the bus.",
    "I've discovered a cure for diabetes and nobody will listen.",
])
def test_patients_idiom_of_codebook_1_12(tmp_path: Path, utterance: str) -> None:
    """One invented turn per family of the idiom patterns codebook 1.12 added; codebook
    1.11 codes none of them."""
    annotations = after_opening(tmp_path, utterance)
    assert [a.line for a in annotations.attempts] == [FIRST], utterance


@pytest.mark.parametrize("utterance", [
    "my little man has been poorly all week.",
    "the dentist says my teeth need pulling.",
    "they've got a plan to get me back to work in May.",
    "my world ended when my husband died.",
    "I'm going to the theatre with my sister on Friday.",
    "my hip's been replaced and it's much better.",
    "I can't smell a thing since I had covid.",
    "I told him what I thought of his cooking.",
    "I've got spiders on the ceiling every autumn.",
    "I put stuff in my tea to sweeten it.",
    "I've been set a target at work.",
    # from a review of the first draft of these patterns, which coded each of them
    "I'm self-employed now so I answer to nobody, which suits me.",
    "I get panicky going out when I'm on my own.",
    "he narrates all the nature programmes, I love his voice.",
    "I went to reception and there was no one there.",
    "I work at a nursery, I'm with the little people all day.",
    "somebody's pulling my leg, surely.",
    "my hair gets blown everywhere on the seafront.",
    "my husband can't smell anything since covid.",
    "my landlord wants me gone by March.",
    "I'm planning to kill two birds with one stone.",
    "I got them framed at the shop on the high street.",
    "it was a blessing in disguise, losing that job.",
    "they have switched my tablets again.",
    "I was wearing my face mask on the bus.",
    "I used to play a flight simulation game.",
    "I'm all propped up on pillows at night.",
    "when my husband died I felt like the world stopped.",
    "I watch a different reality show every night.",
    "I thought it was a public holiday.",
    "I was the passenger in my husband's car when we crashed.",
    "I've got power of attorney for my mum.",
    "my nephew is the heir to the farm.",
    "I found a cure for my hiccups, a spoon of sugar.",
    "my brain gets zapped when I forget my sertraline.",
    "my daughter calls every night when I'm alone.",
])
def test_near_misses_of_the_idiom_patterns(tmp_path: Path, utterance: str) -> None:
    """Everyday senses of the words the idiom patterns use, which they leave out."""
    annotations = after_opening(tmp_path, utterance)
    assert annotations.attempts == (), utterance


def test_emotion_alone_is_not_an_attempt(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + "P:  I've been really scared about my exams.\nD:  mm.\n"
    )
    assert annotations.attempts == ()


def test_expanded_answer_to_a_closed_check_is_an_attempt(tmp_path: Path) -> None:
    text = OPENING + (
        "D:  are you still hearing the voices?\n"
        "P:  yeah, they tell me I'm worthless and they laugh when I try to sleep, I'm exhausted.\n"
        "D:  mm.\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST + 1)
    assert attempt.initiative == "expanded_answer"
    assert "PSY_EMO" in attempt.subtypes
    assert annotations.elicited == ()


def test_repair_oi(tmp_path: Path) -> None:
    text = OPENING + "D:  any thoughts going round and round?\nP:  sorry?\nD:  worrying thoughts.\n"
    annotations = annotate_text(tmp_path, text)
    assert [r.line for r in annotations.repairs] == [FIRST + 1]
    assert annotations.attempts == ()


def test_every_annotation_carries_evidence_producer_and_status(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path,
        OPENING + "P:  why do the voices only come at night?\n    (1.2)\n"
        "D:  u:m what do you think?\n",
    )
    attempt = attempt_at(annotations, FIRST)
    assert attempt.producer.startswith("auto:") and attempt.status == "proposed"
    assert attempt.evidence and all(e.rule and e.line for e in attempt.evidence)
    assert any(e.text == "voices" or "voices" in e.text for e in attempt.evidence)
    response = r1(annotations, attempt.id)
    assert response.evidence and response.producer.startswith("auto:")
    assert any(e.rule.startswith("hesitate.gap") for e in response.evidence)


def test_gap_is_none_without_timing_never_zero(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + "P:  the voices tell me I'm useless.\nD:  what do they say?\n"
    )
    attempt = attempt_at(annotations, FIRST)
    assert r1(annotations, attempt.id).gap_before_s is None
    latched = annotate_text(
        tmp_path,
        OPENING + "P:  the voices tell me I'm useless.=\nD:  =what do they say?\n",
        "l.txt",
    )
    assert r1(latched, attempt_at(latched, FIRST).id).gap_before_s == 0.0


@pytest.mark.parametrize(
    ("response", "hesitate"),
    [
        ("    (1.2)\nD:  what do they say?", True),  # timed gap ≥ 1.0 s
        ("    (0.4)\nD:  what do they say?", False),
        ("D:  u:m (.) what (.) do they say?", True),  # filler + two micropauses
        ("D:  wh- what do they say?", False),  # cut-off alone scores 1 (< 2)
        ("D:  .hh erm wh- what do they say?", True),  # filler + in-breath + cut-off
    ],
)
def test_hesitate_thresholds(tmp_path: Path, response: str, hesitate: bool) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + f"P:  the voices tell me I'm useless.\n{response}\n"
    )
    attempt = attempt_at(annotations, FIRST)
    assert ("HESITATE" in r1(annotations, attempt.id).modifiers) is hesitate


@pytest.mark.parametrize(
    "response",
    ["D:  heh heh what do they say?", "D:  £what do they say£", "D:  ((smiles)) what do they say?",
     "D:  what do they s(h)ay?", "D:  $what do they say$"],
)
def test_smile_laugh_cues(tmp_path: Path, response: str) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + f"P:  the voices tell me I'm useless.\n{response}\n"
    )
    attempt = attempt_at(annotations, FIRST)
    assert "SMILE_LAUGH" in r1(annotations, attempt.id).modifiers


@pytest.mark.parametrize(
    ("carer", "code"),
    [
        ("M:  heh heh", "CARER_LAUGH"),
        ("M:  heh don't be silly, there's nothing there.", "CARER_DISMISS"),
        ("M:  he's been really scared, doctor.", "CARER_SUPPORT"),
        ("M:  they tell him he's useless, the voices, every night.", "CARER_ANSWER_FOR"),
        ("M:  shall I open the window?", "CARER_OTHER"),
    ],
)
def test_carer_codes(tmp_path: Path, carer: str, code: str) -> None:
    text = OPENING + f"P:  the voices tell me I'm useless every night.\n{carer}\nD:  mm.\n"
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST)
    assert [c.code for c in annotations.carer_responses_to(attempt.id)] == [code]
    assert annotations.sequence(attempt.id).carer_first  # type: ignore[union-attr]


def test_symptom_check_inside_medication_talk_is_medcheck(tmp_path: Path) -> None:
    text = OPENING + (
        "D:  and you're taking the olanzapine every day?\n"
        "P:  yes.\n"
        "D:  and is it helping with the voices?\n"
        "P:  a bit.\n"
    )
    annotations = annotate_text(tmp_path, text)
    assert [m.line for m in annotations.medchecks] == [FIRST + 2]
    assert annotations.attempts == ()


@pytest.mark.parametrize(("utterance", "attempt"), [
    # "not" belongs to the clause before the comma; the experience after it stands
    ("I'm not ill, it's them doing it to me.", True),
    ("it's not them doing it to me.", False),
    # a pattern holding its own negation is not undone by "any more" after it
    ("my body doesn't feel like mine any more.", True),
    ("I used to hear voices but not any more.", False),
])
def test_negation_scope(tmp_path: Path, utterance: str, attempt: bool) -> None:
    annotations = after_opening(tmp_path, utterance, "okay.")
    assert (FIRST in [found.line for found in annotations.attempts]) is attempt


def test_a_question_about_what_they_do_takes_the_attempt_up(tmp_path: Path) -> None:
    """'they do' points back at the people in the attempt: exploring, not a topic shift."""
    annotations = annotate_text(tmp_path, OPENING + (
        "P:  the lads next door keep getting in my head at night.\n"
        "D:  what is it they do, when they get in?\n"
        "P:  they pick up what I'm thinking.\n"
    ))
    attempt = attempt_at(annotations, FIRST)
    assert r1(annotations, attempt.id).uptake == "ENGAGE"
