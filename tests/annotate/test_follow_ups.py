"""Topic threads (cakit.annotate.threads): a short question or claim that only means
something because a psychotic topic is still live is an attempt on that topic's thread; a
turn that does not refer back, or comes long after, is not."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    follow = [a for a in coded.attempts if any(e.rule == "thread.refers_back"
                                               for e in a.evidence)]
    assert len(follow) == 1 and "PSY_Q" in follow[0].subtypes
    assert follow[0].line == 9


def test_asking_what_the_clinician_believes_is_an_attempt(tmp_path: Path) -> None:
    coded = annotate_text(tmp_path, TALK.format(follow_up="d'you reckon so?"))
    assert "thread.asks_view" in _rules(coded)


def test_a_claim_that_the_experience_persists_is_an_attempt(tmp_path: Path) -> None:
    for line in ("but they're still there though.", "°but it keeps on.° (.) every night."):
        coded = annotate_text(tmp_path, TALK.format(follow_up=line))
        persists = [a for a in coded.attempts if a.line == 9]
        assert persists and persists[0].evidence[0].rule == "thread.persists", line
        assert "PSY_ASSERT" in persists[0].subtypes
        # the thread's first attempt was not engaged with: this one repeats it
        assert "PSY_REPEAT" in persists[0].subtypes, line


def test_the_evidence_names_the_thread_it_refers_back_to(tmp_path: Path) -> None:
    coded = annotate_text(tmp_path, TALK.format(follow_up="and will she come back tonight?"))
    follow = next(a for a in coded.attempts if a.line == 9)
    assert "thread 1 (line 2: voices" in follow.evidence[0].text
    assert follow.chain_id == coded.attempts[0].chain_id


def test_an_answer_to_a_question_is_not_a_claim_unless_it_resists(tmp_path: Path) -> None:
    asked = TALK.replace("D:  okay.\nP:  {follow_up}", "D:  and are you eating alright?\n"
                         "P:  {follow_up}")
    coded = annotate_text(tmp_path, asked.format(follow_up="it's still the same, yeah."))
    assert [a.line for a in coded.attempts] == [2]
    coded = annotate_text(tmp_path, asked.format(follow_up="but they're still there though."))
    assert [a.line for a in coded.attempts] == [2, 9]


@pytest.mark.parametrize("line", [
    # questions that do not point back
    "did I? (.) see. it's been building.", "can I have a sick note?",
    # claims without "but", without "they"/"it" pointing back, or without a word saying
    # the experience goes on
    "still a bit tired though.", "the bus was late again.", "they're fine, the kids.",
    "you know it's still a bit sore.", "but he's still at work, my son.",
    "but it was lovely, the wedding.",
])
def test_a_turn_that_does_not_refer_back_is_not_an_attempt(tmp_path: Path, line: str) -> None:
    coded = annotate_text(tmp_path, TALK.format(follow_up=line))
    assert [a.line for a in coded.attempts] == [2]


def test_a_follow_up_long_after_the_topic_is_not(tmp_path: Path) -> None:
    later = TALK.replace("D:  okay.\nP:  {follow_up}", "D:  anything else?\nP:  no.\nD:  okay.\n"
                         "P:  right.\nD:  so.\nP:  mm.\nD:  yes.\nP:  {follow_up}")
    coded = annotate_text(tmp_path, later.format(follow_up="and will she come back tonight?"))
    assert "thread.refers_back" not in _rules(coded)


def test_without_an_open_thread_nothing_refers_back(tmp_path: Path) -> None:
    quiet = TALK.replace("the voices have been at me again. every night.", "not bad, ta.")
    for line in ("but they're still there though.", "and will she come back tonight?"):
        assert annotate_text(tmp_path, quiet.format(follow_up=line)).attempts == (), line


def test_a_word_of_habit_is_not_persistence(tmp_path: Path) -> None:
    # "always" and "every" say how often, not that the experience goes on
    for line in ("he always open it and open it.", "she does every Tuesday."):
        coded = annotate_text(tmp_path, TALK.format(follow_up=line))
        assert [a.line for a in coded.attempts] == [2], line


CASCADE = """\
Dr:   how have things been?
P:    the men in the van have been watching my flat again.
Dr:   okay. let's go through your tablets now.
P:    but the flat still feels wrong to me though.
Dr:   I'll write to your GP about the dose.
P:    the flat still feels wrong at bedtime though.
Dr:   we'll look at the tablets again next month.
P:    I keep thinking about the flat still though.
Dr:   the nurse will ring you on Friday.
P:    the men in the van were watching my flat again yesterday.
Dr:   okay.
"""


def test_a_thread_kept_alive_by_follow_ups_alone_takes_no_more_than_the_codebook_allows(
        tmp_path: Path) -> None:
    """An outside review: one false attempt in a CHILDES conversation opened a thread, and a
    child's questions naming the same toys made 12 follow-ups in a row on it. After
    `follow_ups_in_a_row` (2) follow-ups, the next turn on the thread needs evidence of its
    own; here the lexicon still sees the men in the van watching the flat."""
    coded = annotate_text(tmp_path, CASCADE)
    by_line = {a.line: a.evidence[0].rule for a in coded.attempts}
    followed = [line for line, rule in sorted(by_line.items()) if rule.startswith("thread.")]
    assert followed == [4, 6], by_line
    assert 8 not in by_line  # a third follow-up in a row
    assert 10 in by_line and not by_line[10].startswith("thread.")


def test_the_follow_up_cap_is_a_codebook_threshold(tmp_path: Path) -> None:
    from cakit.annotate.codebook import default_codebook_path

    text = default_codebook_path().read_text(encoding="utf-8")
    assert "  follow_ups_in_a_row: 2 " in text
    wider = tmp_path / "codebook.yaml"
    wider.write_text(text.replace("  follow_ups_in_a_row: 2 ", "  follow_ups_in_a_row: 5 "),
                     encoding="utf-8")
    coded = annotate_text(tmp_path, CASCADE, codebook=wider)
    assert 8 in {a.line for a in coded.attempts}
