"""Consultation phases (CODEBOOK §4.4–4.6)."""

from __future__ import annotations

from pathlib import Path

from tests.annotate._helpers import annotate_text

CONSULTATION = """\
D:  hello, come in, have a seat.
P:  hello doctor.
D:  so how have you been since I last saw you?
P:  okay, I've been going to the day centre and seeing my sister at weekends.
D:  that's good. and how's your sleep?
P:  better than before.
D:  any voices at the moment?
P:  no.
D:  anyone bothering you or following you?
P:  no.
D:  and you're taking the olanzapine every night?
P:  yes.
D:  any side effects from the tablets, any stiffness?
P:  a bit drowsy in the mornings.
D:  we could think about reducing the dose a little.
P:  okay.
D:  right, I'll see you in three months then. is there anything else?
P:  why do the voices come back at night though?
D:  we can talk about that next time.
P:  okay.
D:  take care, bye.
P:  bye.
"""


def _phases(tmp_path: Path, text: str, name: str = "c.txt") -> dict[int, str]:
    annotations = annotate_text(tmp_path, text, name)
    return {turn.line: turn.phase for turn in annotations.turns}


def test_phase_order_and_anchors(tmp_path: Path) -> None:
    phases = _phases(tmp_path, CONSULTATION)
    assert phases[1] == "OPENING"
    assert phases[3] == "PROBLEM_HISTORY"  # "how have you been" anchors history
    assert phases[7] == "EXAMINATION"  # symptom checks
    assert phases[15] == "TREATMENT"  # medication plan
    assert phases[17] == "PRE_CLOSING"  # first arrangement by the clinician
    assert phases[21] == "CLOSING"  # first farewell
    order = ["OPENING", "PROBLEM_HISTORY", "EXAMINATION", "TREATMENT", "PRE_CLOSING", "CLOSING"]
    seen = [order.index(phases[line]) for line in sorted(phases)]
    assert seen[0] == 0 and seen[-1] == 5


def test_a_medication_review_with_a_drug_name_nobody_listed(tmp_path: Path) -> None:
    """"Zelvorin" is in no lexicon: the review question itself marks the treatment talk."""
    review = CONSULTATION.replace(
        "D:  and you're taking the olanzapine every night?\nP:  yes.\n"
        "D:  any side effects from the tablets, any stiffness?\nP:  a bit drowsy in the mornings."
        "\nD:  we could think about reducing the dose a little.\nP:  okay.\n",
        "D:  now, how are you getting on with the Zelvorin?\nP:  alright.\n"
        "D:  and are you taking it every day?\nP:  mostly, yeah.\n"
        "D:  good, good. keep you on that then.\nP:  okay.\n")
    assert review != CONSULTATION
    phases = _phases(tmp_path, review)
    assert [phases[line] for line in (11, 13, 15)] == ["TREATMENT"] * 3


def test_asking_what_has_been_the_matter_opens_the_history(tmp_path: Path) -> None:
    """A follow-up that starts with "how are you?" (a greeting as much as a question) and
    goes on "what's been the matter?" has its history from there (codebook 1.13), not
    after some later "how's your sleep"."""
    opening = CONSULTATION.replace(
        "D:  so how have you been since I last saw you?\n"
        "P:  okay, I've been going to the day centre and seeing my sister at weekends.\n"
        "D:  that's good. and how's your sleep?\nP:  better than before.\n",
        "D:  now then. how are you?\nP:  not very well, doctor.\n"
        "D:  no? what's been the matter?\nP:  I can't get warm and I can't face my food.\n")
    assert opening != CONSULTATION
    phases = _phases(tmp_path, opening)
    assert phases[5] == "PROBLEM_HISTORY", phases
    assert phases[1] == "OPENING"


def test_late_attempt_does_not_reopen_pre_closing(tmp_path: Path) -> None:
    annotations = annotate_text(tmp_path, CONSULTATION)
    attempt = next(a for a in annotations.attempts if a.line == 18)
    assert attempt.phase == "PRE_CLOSING" and attempt.late
    assert annotations.phase_at_line(19) == "PRE_CLOSING"


def test_unknown_without_any_cue(tmp_path: Path) -> None:
    text = "D:  mm.\nP:  yeah.\nD:  right.\nP:  okay.\n"
    annotations = annotate_text(tmp_path, text)
    assert {turn.phase for turn in annotations.turns} == {"UNKNOWN"}
    assert [span.phase for span in annotations.phases] == ["UNKNOWN"]


def test_jefferson_phase_comments_override(tmp_path: Path) -> None:
    text = (
        "((phase: opening))\n"
        "D:  hello.\nP:  hello.\n"
        "((phase: treatment))\n"
        "D:  how have you been?\nP:  fine.\n"
        "((phase: closing))\n"
        "D:  any voices?\nP:  no.\n"
    )
    annotations = annotate_text(tmp_path, text)
    phases = {turn.line: turn.phase for turn in annotations.turns}
    assert phases == {2: "OPENING", 3: "OPENING", 5: "TREATMENT", 6: "TREATMENT",
                      8: "CLOSING", 9: "CLOSING"}
    assert all(span.manual for span in annotations.phases)


def test_chat_gems_override(tmp_path: Path) -> None:
    text = (
        "@UTF8\n@Begin\n@Languages:\teng\n"
        "@Participants:\tDOC Ann Therapist, PAT Bob Participant\n@Options:\tCA\n"
        "@ID:\teng|t|DOC|||||Therapist|||\n@ID:\teng|t|PAT|||||Participant|||\n"
        "@Bg:\tEXAMINATION\n*DOC:\thello .\n*PAT:\thello .\n@Eg:\tEXAMINATION\n"
        "@Bg:\tPRE_CLOSING\n*DOC:\thow have you been ?\n*PAT:\tfine .\n@Eg:\tPRE_CLOSING\n@End\n"
    )
    annotations = annotate_text(tmp_path, text, "g.cha")
    assert [turn.phase for turn in annotations.turns] == [
        "EXAMINATION", "EXAMINATION", "PRE_CLOSING", "PRE_CLOSING"]
