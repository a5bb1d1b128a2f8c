"""Re-anchoring after transcript edits: kept, moved, fuzzy and orphaned — and nothing lost."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cakit.formats import read
from cakit.store import TranscriptText, reanchor

from ._fixtures import BASE, CHAT, insert_before, write


def _text(path: Path) -> TranscriptText:
    return TranscriptText.of(read(path).transcript)


def _anchors(text: TranscriptText) -> dict[str, object]:
    """One anchor per utterance, keyed by its quote (unique in BASE)."""
    return {" ".join(words): text.anchor(k) for k, words in enumerate(text.words)}


@pytest.mark.parametrize("name,content", [("base.txt", BASE), ("base.cha", CHAT)])
def test_store_reanchor_same_hash_keeps_everything(tmp_path: Path, name: str,
                                                   content: str) -> None:
    text = _text(write(tmp_path, name, content))
    report = reanchor(_anchors(text), text)  # type: ignore[arg-type]
    assert report.counts == {"kept": len(text.words), "moved": 0, "fuzzy": 0, "orphaned": 0}
    assert all(r.anchor == r.previous for r in report.results)
    assert not report.changed


def test_store_reanchor_lines_inserted_before_moves_every_record(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    before = _text(path)
    anchors = _anchors(before)
    path.write_text(insert_before(BASE, ["Dr:   good morning.", "P:    morning doctor."]),
                    encoding="utf-8")
    after = _text(path)
    report = reanchor(anchors, after)  # type: ignore[arg-type]
    assert report.counts == {"kept": 0, "moved": len(anchors), "fuzzy": 0, "orphaned": 0}
    for result in report.results:
        # each record follows its own words: two utterances and two lines further down
        assert result.anchor.quote == result.previous.quote
        assert result.anchor.line == result.previous.line + 2
        number = int(result.previous.utterance[1:])
        assert result.anchor.utterance == f"u{number + 2}"
        assert result.anchor.sha256 == after.sha256


def test_store_reanchor_word_changed_inside_is_fuzzy_and_rest_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    before = _text(path)
    anchors = _anchors(before)
    edited = BASE.replace("so much I stay in my room all day", "so much I stay in my flat all day")
    path.write_text(edited, encoding="utf-8")
    report = reanchor(anchors, _text(path))  # type: ignore[arg-type]
    assert report.counts == {"kept": len(anchors) - 1, "moved": 0, "fuzzy": 1, "orphaned": 0}
    fuzzy = next(r for r in report.results if r.outcome == "fuzzy")
    assert fuzzy.key == "the voices scare me so much i stay in my room all day"
    assert fuzzy.anchor.quote == "the voices scare me so much i stay in my flat all day"
    assert fuzzy.anchor.status == "fuzzy"
    assert fuzzy.anchor.utterance == fuzzy.previous.utterance


def test_store_reanchor_utterance_deleted_orphans_it_and_moves_later(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    before = _text(path)
    anchors = _anchors(before)
    deleted_line = "P:    not bad. I've been going to the gym with my brother.\n"
    path.write_text(BASE.replace(deleted_line, ""), encoding="utf-8")
    report = reanchor(anchors, _text(path))  # type: ignore[arg-type]
    by_key = report.by_key()
    orphan = by_key["not bad i've been going to the gym with my brother"]
    assert orphan.outcome == "orphaned"
    assert orphan.anchor.status == "orphaned"
    assert orphan.anchor.quote == orphan.previous.quote  # kept as it was, not deleted
    # u1-u3 come before the deleted u4: kept; u5… come after: moved up one line
    assert [by_key[" ".join(before.words[k])].outcome for k in range(3)] == ["kept"] * 3
    later = [by_key[" ".join(before.words[k])] for k in range(4, len(before.words))]
    assert all(r.outcome == "moved" and r.anchor.line == r.previous.line - 1 for r in later)
    assert report.counts == {"kept": 3, "moved": len(anchors) - 4, "fuzzy": 0, "orphaned": 1}
    assert len(report.results) == len(anchors)  # nothing lost


#: BASE with a second "mm." (line 6), like the one that answers the van (line 13).
_TWO_MMS = BASE.replace("Dr:   that's good to hear.\n", "Dr:   that's good to hear.\nDr:   mm.\n")


@pytest.mark.parametrize("line,like", [
    (13, "mm"),  # a short turn said elsewhere too: found word for word at line 6
    (11, "okay so how's your appetite been"),  # a like question: a close (fuzzy) match
])
def test_store_reanchor_deleted_turn_is_orphaned_not_put_on_a_like_turn(
        tmp_path: Path, line: int, like: str) -> None:
    """An audit deleted a decided turn and found its decision re-anchored to whichever like
    turn took over its utterance id or resembled it: a turn nobody reviewed. A place is
    found only where some of the stored context is beside it."""
    path = write(tmp_path, "t.txt", _TWO_MMS)
    before = _text(path)
    decided = before.anchor(before.utterance_at_line(line))  # type: ignore[arg-type]
    lines = _TWO_MMS.splitlines(keepends=True)
    path.write_text("".join(lines[:line - 1] + lines[line:]), encoding="utf-8")
    after = _text(path)
    assert like in {" ".join(words) for words in after.words}  # the like turn is there
    result = reanchor({"decided": decided}, after).by_key()["decided"]
    assert result.outcome == "orphaned"
    assert result.anchor == replace(decided, status="orphaned")  # kept as it was


def test_store_reanchor_uses_context_to_choose_between_equal_quotes(tmp_path: Path) -> None:
    text = "P:    I hear them.\nDr:   mm.\nP:    at night mostly.\nDr:   mm.\nP:    and at work.\n"
    path = write(tmp_path, "t.txt", text)
    before = _text(path)
    second_mm = before.anchor(3)
    assert second_mm.quote == "mm" and second_mm.before.endswith("at night mostly")
    path.write_text(insert_before(text, ["Dr:   mm."]), encoding="utf-8")
    report = reanchor({"second": second_mm}, _text(path))
    result = report.by_key()["second"]
    assert result.outcome == "moved"
    assert result.anchor.utterance == "u5"  # the "mm." after "at night mostly", not the first


def test_store_reanchor_chat_utterance_inserted_before(tmp_path: Path) -> None:
    path = write(tmp_path, "t.cha", CHAT)
    before = _text(path)
    anchors = _anchors(before)
    edited = CHAT.replace("*DOC:\thow have you", "*DOC:\thello again .\n*DOC:\thow have you")
    path.write_text(edited, encoding="utf-8")
    report = reanchor(anchors, _text(path))  # type: ignore[arg-type]
    assert report.counts == {"kept": 0, "moved": len(anchors), "fuzzy": 0, "orphaned": 0}
    assert all(r.anchor.line == r.previous.line + 1 for r in report.results)


def test_store_reanchor_orphan_found_again_when_text_returns(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    anchors = _anchors(_text(path))
    line = "P:    not bad. I've been going to the gym with my brother.\n"
    path.write_text(BASE.replace(line, ""), encoding="utf-8")
    first = reanchor(anchors, _text(path))  # type: ignore[arg-type]
    orphaned = {r.key: r.anchor for r in first.results}
    path.write_text(BASE, encoding="utf-8")
    second = reanchor(orphaned, _text(path))
    result = second.by_key()["not bad i've been going to the gym with my brother"]
    assert result.outcome in ("moved", "kept") and result.anchor.status != "orphaned"
    assert result.anchor.utterance == "u4"


def test_store_reanchor_the_same_bytes_read_otherwise_are_not_kept_blindly(
        tmp_path: Path) -> None:
    """A review found anchors with the transcript's own hash "kept" even when a newer
    reader splits the same bytes into other utterances (a Word line break, a pause typed
    "(0.5s)"): an anchor's `u12` may then be other talk. The layer's fingerprints tell,
    and such anchors are placed by the alignment."""
    from cakit.store.alignment import Alignment

    text = _text(write(tmp_path, "t.txt", BASE))
    read_before = list(text.fingerprints)
    read_before[16] = "0badf00d"  # the old reader read utterance 17 otherwise
    alignment = Alignment.between(text.sha256, read_before, text.fingerprints)
    assert not alignment.unchanged
    elsewhere = replace(text.anchor(16), quote="words the old reader saw here")
    assert reanchor({"x": elsewhere}, text).by_key()["x"].outcome == "kept"  # no record
    result = reanchor({"x": elsewhere}, text, alignment=alignment).by_key()["x"]
    assert result.outcome == "orphaned"
    same = text.anchor(3)  # an utterance both readers read alike stays where it is
    assert reanchor({"y": same}, text, alignment=alignment).by_key()["y"].outcome == "kept"
