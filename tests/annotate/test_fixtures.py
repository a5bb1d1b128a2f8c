"""The invented mini fixtures of CODEBOOK §6.9, end to end through reader and annotator."""

from __future__ import annotations

from pathlib import Path

from tests.annotate._helpers import FIRST, OPENING, annotate_text, attempt_at, r1


def test_fixture_1_question_hesitation_question_back_deflected(tmp_path: Path) -> None:
    text = OPENING + (
        "P:  why do the voices only come at night?\n"
        "    (1.4)\n"
        "D:  u:m (.) what do you think?\n"
        "P:  I don't know.\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST)
    assert attempt.subtypes == ("PSY_Q",)
    assert "voices" in attempt.categories
    response = r1(annotations, attempt.id)
    assert response.uptake == "QUESTION_BACK"
    assert "HESITATE" in response.modifiers
    assert response.gap_before_s == 1.4
    assert annotations.sequence(attempt.id).outcome == "DEFLECTED"  # type: ignore[union-attr]


def test_fixture_2_assert_then_shift(tmp_path: Path) -> None:
    # the silence on its own line, with the label written again, ends the clinician's turn
    # (turns.py): R1 is the acknowledgement, R2 the shift, as CODEBOOK §6.9 lists them
    gapped = annotate_text(tmp_path, OPENING + (
        "P:  they were following me again on Tuesday.\n"
        "D:  mm.\n"
        "    (0.8)\n"
        "D:  okay so how's your sleep been?\n"
    ), "gapped.txt")
    attempt = attempt_at(gapped, FIRST)
    assert "PSY_ASSERT" in attempt.subtypes and "persecution" in attempt.categories
    uptakes = [r.uptake for r in sorted(gapped.responses_to(attempt.id), key=lambda r: r.rank)]
    assert uptakes[:2] == ["ACKNOWLEDGE", "TOPIC_SHIFT"]
    assert gapped.sequence(attempt.id).outcome == "SHIFTED"  # type: ignore[union-attr]

    # one clinician turn with the pause inside it: the turn as a whole shifts the topic
    merged = annotate_text(tmp_path, OPENING + (
        "P:  they were following me again on Tuesday.\n"
        "D:  mm. (0.8) okay so how's your sleep been?\n"
    ), "merged.txt")
    attempt = attempt_at(merged, FIRST)
    assert r1(merged, attempt.id).uptake == "TOPIC_SHIFT"
    assert merged.sequence(attempt.id).outcome == "SHIFTED"  # type: ignore[union-attr]

    split = annotate_text(tmp_path, OPENING + (
        "P:  they were following me again on Tuesday.\n"
        "D:  mm.\n"
        "P:  yeah.\n"
        "D:  okay so how's your sleep been?\n"
    ), "split.txt")
    attempt = attempt_at(split, FIRST)
    uptakes = [r.uptake for r in sorted(split.responses_to(attempt.id), key=lambda r: r.rank)]
    assert uptakes[:2] == ["ACKNOWLEDGE", "TOPIC_SHIFT"]
    assert split.sequence(attempt.id).outcome == "SHIFTED"  # type: ignore[union-attr]


def test_fixture_3_late_question_carer_laugh_postpone_closed(tmp_path: Path) -> None:
    text = OPENING + (
        "D:  any voices at the moment?\n"
        "P:  no.\n"
        "D:  and you're taking the olanzapine every night?\n"
        "P:  yes.\n"
        "D:  good, we'll keep the dose the same then.\n"
        "P:  okay.\n"
        "D:  I'll see you in three months then.\n"
        "P:  can I ask (.) is the telly really talking to me?\n"
        "M:  heh heh\n"
        "D:  £we can talk about that next time£ (.) take care.\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST + 7)
    assert attempt.subtypes == ("PSY_Q",) and "reference" in attempt.categories
    assert attempt.late and attempt.phase == "PRE_CLOSING"
    response = r1(annotations, attempt.id)
    assert (response.uptake, response.uptake_subtype) == ("CLOSE_DOWN", "CLOSE_POSTPONE")
    assert "SMILE_LAUGH" in response.modifiers
    carers = annotations.carer_responses_to(attempt.id)
    assert [c.code for c in carers] == ["CARER_LAUGH"]
    sequence = annotations.sequence(attempt.id)
    assert sequence is not None
    assert sequence.outcome == "CLOSED"
    assert sequence.carer_first and sequence.joint_laughter and sequence.late


def test_fixture_4_emotion_empathy_engaged(tmp_path: Path) -> None:
    text = OPENING + (
        "P:  the voices scare me so much I stay in my room.\n"
        "D:  that sounds really frightening. what do they say to you?\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST)
    assert "PSY_EMO" in attempt.subtypes
    response = r1(annotations, attempt.id)
    assert (response.uptake, response.uptake_subtype) == ("ENGAGE", "ENGAGE_EMPATHY")
    assert annotations.sequence(attempt.id).outcome == "ENGAGED_IMMEDIATE"  # type: ignore[union-attr]


def test_fixture_5_medication_frame(tmp_path: Path) -> None:
    text = OPENING + (
        "P:  I still hear the man's voice.\n"
        "D:  and are you taking the olanzapine every night?\n"
    )
    annotations = annotate_text(tmp_path, text)
    attempt = attempt_at(annotations, FIRST)
    assert attempt.subtypes == ("PSY_ASSERT",)
    assert r1(annotations, attempt.id).uptake == "MEDICATION_FRAME"
    assert annotations.sequence(attempt.id).outcome == "MEDICATION_ONLY"  # type: ignore[union-attr]


def test_fixture_6_repeat_chain(tmp_path: Path) -> None:
    filler = "".join(
        f"D:  and how's the {topic} been?\nP:  {answer}\n"
        for topic, answer in [
            ("appetite", "fine, eating okay."), ("weekend", "quiet, watched football."),
            ("flat", "it's cold but alright."), ("college", "I've stopped going."),
            ("money", "tight as usual."), ("cooking", "mostly toast."),
            ("walking", "I go round the park."), ("gym", "not been."),
            ("shopping", "my sister helps."), ("church", "I went on Sunday."),
            ("volunteering", "still on Fridays."), ("smoking", "cut down a bit."),
            ("drinking", "hardly any."), ("dentist", "booked in."),
            ("energy", "low in the mornings."),
        ]
    )
    text = OPENING + (
        "P:  they were following me again on Tuesday.\n"
        "D:  mm.\n"
        "    (0.8)\n"
        "D:  okay so how's your sleep been?\n"
        "P:  not great.\n"
    ) + filler + "D:  okay.\nP:  but what about them following me?\nD:  what do you mean?\n"
    annotations = annotate_text(tmp_path, text)
    first = attempt_at(annotations, FIRST)
    last_line = len(text.splitlines()) - 1
    repeat = attempt_at(annotations, last_line)
    assert repeat.chain_id == first.chain_id
    assert repeat.attempt_index == 2 and first.attempt_index == 1
    assert "PSY_REPEAT" in repeat.subtypes and "PSY_Q" in repeat.subtypes


def test_fixture_7_elicited_is_not_an_attempt(tmp_path: Path) -> None:
    annotations = annotate_text(tmp_path, OPENING + "D:  any voices lately?\nP:  no.\n")
    assert annotations.attempts == ()
    assert [e.line for e in annotations.elicited] == [FIRST + 1]


def test_fixture_8_idiom_is_not_an_attempt(tmp_path: Path) -> None:
    annotations = annotate_text(
        tmp_path, OPENING + "P:  I keep missing your voice mail, I'll see you Tuesday.\n"
    )
    assert annotations.attempts == ()
