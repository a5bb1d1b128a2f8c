"""Repeats tied by a shared content word (CODEBOOK §6.4 step 6; cakit.annotate.threads):
the word must be one of the thread's referents, never one of the commonest words of any
conversation."""

from __future__ import annotations

from pathlib import Path

from tests.annotate._helpers import annotate_text

ATTEMPT = """\
Dr:   how have things been?
P:    the men in the van have been watching my flat again.
Dr:   okay. let's go through your tablets now.
P:    {later}
Dr:   okay.
"""


def _attempt_lines(tmp_path: Path, later: str) -> list[int]:
    return [a.line for a in annotate_text(tmp_path, ATTEMPT.format(later=later)).attempts]


def test_repeat_everyday_shared_word_is_not_a_repeat(tmp_path: Path) -> None:
    # shares only "have" with the attempt: once enough to make it a PSY_REPEAT
    assert _attempt_lines(tmp_path, "I still have to take the bus on Tuesdays though") == [2]


def test_repeat_topic_word_still_ties_a_repeat(tmp_path: Path) -> None:
    assert _attempt_lines(tmp_path, "but the flat still feels wrong to me though") == [2, 4]
    coded = annotate_text(tmp_path, ATTEMPT.format(
        later="but the flat still feels wrong to me though"))
    assert coded.attempts[1].evidence[0].rule == "thread.names_referent"
    assert coded.attempts[1].evidence[0].text.startswith("flat → thread 1 (line 2:")
    assert "PSY_REPEAT" in coded.attempts[1].subtypes


def test_a_referent_does_not_reopen_an_engaged_topic(tmp_path: Path) -> None:
    later = "the flat still feels wrong to me though"
    engaged = ATTEMPT.replace(
        "Dr:   okay. let's go through your tablets now.\n",
        "Dr:   that sounds frightening, living with that.\nP:    it is.\n"
        "Dr:   okay. let's go through your tablets now.\n")
    assert engaged != ATTEMPT
    coded = annotate_text(tmp_path, engaged.format(later=later))
    assert coded.responses[0].uptake == "ENGAGE"
    assert [a.line for a in coded.attempts] == [2]
    # the same turn after a shift alone is a repeat
    assert _attempt_lines(tmp_path, later) == [2, 4]


def test_a_referent_names_an_older_topic_while_another_is_expanded(tmp_path: Path) -> None:
    talk = ATTEMPT.format(later="I hear voices at night, a man and a woman.") + (
        "P:    but the flat still feels wrong to me though.\n")
    coded = annotate_text(tmp_path, talk)
    assert [a.line for a in coded.attempts] == [2, 4, 6]
    assert coded.attempts[2].evidence[0].rule == "thread.names_referent"
    assert "thread 1 (line 2" in coded.attempts[2].evidence[0].text
