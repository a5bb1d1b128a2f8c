"""Repeats tied by a shared content word (CODEBOOK §6.4 step 6): the word must belong to
the attempt's topic, never be one of the commonest words of any conversation."""

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
