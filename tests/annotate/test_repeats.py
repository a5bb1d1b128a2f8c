"""Repeats tied by a shared content word (CODEBOOK §6.4 step 6; cakit.annotate.threads):
the word must be one of the thread's referents, never one of the commonest words of any
conversation."""

from __future__ import annotations

import re
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


# -- the thread is the repeat chain ----------------------------------------------------------

def _thread_named(text: str) -> str:
    """The chain id of the thread an evidence text names ("… → thread 2 (line …" → c2)."""
    found = re.search(r"→ (?:re-raises )?thread (\d+)", text)
    assert found is not None, text
    return f"c{found.group(1)}"


def test_the_chain_is_the_thread_the_evidence_names(tmp_path: Path) -> None:
    # two topics; the last turn names a referent of the first while the second is open
    talk = ATTEMPT.format(later="I hear voices at night, a lady singing.") + (
        "P:    but the flat still feels wrong to me though.\n")
    coded = annotate_text(tmp_path, talk)
    assert [(a.line, a.chain_id, a.attempt_index) for a in coded.attempts] == [
        (2, "c1", 1), (4, "c2", 1), (6, "c1", 2)]
    named = coded.attempts[2].evidence[0]
    assert named.rule == "thread.names_referent"
    assert _thread_named(named.text) == coded.attempts[2].chain_id
    assert "PSY_REPEAT" in coded.attempts[2].subtypes
    assert "PSY_REPEAT" not in coded.attempts[1].subtypes


def test_a_turn_referring_back_to_an_engaged_topic_re_raises_it(tmp_path: Path) -> None:
    # the clinician engaged with the camera; the patient asks again: a new chain that
    # re-raises the first (CODEBOOK 6.4 step 6), not a repeat on a closed one
    talk = (
        "Dr:   how have things been?\n"
        "P:    there's a camera in the smoke alarm and they watch me through it.\n"
        "Dr:   that sounds really frightening, tell me more about the camera.\n"
        "P:    it's been there since March.\n"
        "Dr:   okay. let's go through your tablets now.\n"
        "P:    but they're still there though.\n"
        "Dr:   mm.\n")
    coded = annotate_text(tmp_path, talk)
    assert coded.responses[0].uptake == "ENGAGE"
    first, again = coded.attempts
    assert again.line == 6 and again.evidence[0].rule == "thread.persists"
    assert (first.chain_id, again.chain_id) == ("c1", "c2")
    assert again.re_raised and not first.re_raised
    assert "PSY_REPEAT" not in again.subtypes
    assert "→ re-raises thread 1 (line 2" in again.evidence[0].text


def test_attempts_sharing_only_an_everyday_word_are_two_chains(tmp_path: Path) -> None:
    # "night" and "man" are all the two attempts share: two topics, no repeat
    talk = (
        "Dr:   how have things been?\n"
        "P:    a man's voice talks to me at night from the ceiling.\n"
        "Dr:   right, and are you sleeping?\n"
        "P:    no. I see a man in black at the end of my bed every night.\n"
        "Dr:   okay.\n")
    coded = annotate_text(tmp_path, talk)
    assert [a.line for a in coded.attempts] == [2, 4]
    assert [a.chain_id for a in coded.attempts] == ["c1", "c2"]
    assert all("PSY_REPEAT" not in a.subtypes for a in coded.attempts)


def test_a_question_pointing_back_joins_the_live_chain(tmp_path: Path) -> None:
    # "is it real?" names no topic of its own: it asks about the one just raised
    talk = ATTEMPT.format(later="do you think it's real?")
    coded = annotate_text(tmp_path, talk)
    assert [(a.line, a.chain_id, a.attempt_index) for a in coded.attempts] == [
        (2, "c1", 1), (4, "c1", 2)]
    assert "PSY_REPEAT" in coded.attempts[1].subtypes


def test_an_everyday_word_does_not_fold_an_older_topic_into_the_open_one(tmp_path: Path) -> None:
    # the last turn names the flat (thread 1) and shares only everyday words with the
    # voices still open: it re-raises the flat, it does not expand the voices
    talk = ATTEMPT.format(later="I hear voices at night, a lady singing.") + (
        "P:    but the flat still feels wrong to me at night though.\n")
    coded = annotate_text(tmp_path, talk)
    assert [(a.line, a.chain_id) for a in coded.attempts] == [(2, "c1"), (4, "c2"), (6, "c1")]
    assert coded.attempts[2].evidence[0].rule == "thread.names_referent"
