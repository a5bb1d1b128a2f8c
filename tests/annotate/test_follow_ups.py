"""Follow-ups that refer back: a short question that only means something because a
psychotic topic is still live is an attempt (repeat.refers_back); a question that does
not refer back, or comes long after, is not."""

from __future__ import annotations

from pathlib import Path

from tests.annotate._helpers import annotate_text

TALK = """\
D:  so how have things been?
P:  the voices have been at me again. every night.
D:  mm.
D:  and how's your sleep been otherwise?
P:  not great. (.) I wake up at four.
D:  right. and the tablets, any side effects?
P:  a bit drowsy.
D:  okay.
P:  {follow_up}
D:  we'll keep an eye on it.
"""


def _rules(annotations):  # type: ignore[no-untyped-def]
    return {e.rule for a in annotations.attempts for e in a.evidence}


def test_a_question_that_refers_back_is_an_attempt(tmp_path: Path) -> None:
    coded = annotate_text(tmp_path, TALK.format(follow_up="and will she come back tonight?"))
    follow = [a for a in coded.attempts if any(e.rule == "repeat.refers_back"
                                               for e in a.evidence)]
    assert len(follow) == 1 and "PSY_Q" in follow[0].subtypes
    assert follow[0].line == 9


def test_asking_what_the_clinician_believes_is_an_attempt(tmp_path: Path) -> None:
    coded = annotate_text(tmp_path, TALK.format(follow_up="d'you reckon so?"))
    assert "repeat.refers_back" in _rules(coded)


def test_a_question_that_does_not_refer_back_is_not(tmp_path: Path) -> None:
    for line in ("did I? (.) see. it's been building.", "can I have a sick note?"):
        coded = annotate_text(tmp_path, TALK.format(follow_up=line))
        assert "repeat.refers_back" not in _rules(coded), line


def test_a_follow_up_long_after_the_topic_is_not(tmp_path: Path) -> None:
    later = TALK.replace("D:  okay.\nP:  {follow_up}", "D:  anything else?\nP:  no.\nD:  okay.\n"
                         "P:  right.\nD:  so.\nP:  mm.\nD:  yes.\nP:  {follow_up}")
    coded = annotate_text(tmp_path, later.format(follow_up="and will she come back tonight?"))
    assert "repeat.refers_back" not in _rules(coded)
