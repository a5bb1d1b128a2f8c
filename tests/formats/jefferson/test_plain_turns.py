"""The Jefferson tokenizer's shortcut for plain turns (words, final . , ? !, timed pauses)
gives exactly what the full mark-by-mark reading gives: same transcript and diagnostics on
every Jefferson file we have and on generated turns full of the words the shortcut must
still classify (laugh particles, breaths, fillers, sounds, capitals, xxx)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import cakit.formats.jefferson.tokens as tokens
from cakit.formats import read
from cakit.formats.jefferson.reader import parse_jefferson
from cakit.model import ParseResult
from tests.conftest import DEMO, REPO

NEVER = re.compile(r"(?!x)x")
WORDS = ["yes", "I", "don't", "know", "NO", "REALly", "ha", "huh", "heh", "hah", "hh", "hhh",
         "um", "er", "uh", "mm", "xxx", "tsk", "OK", "TV", "he", "hear", "them", "hahaha",
         "Hello", "h", "hm", "hmm", "they're", "voices", "I'm"]
MARKS = ["", "", "", ".", ",", "?", "!"]
PAUSES = ["(.)", "(0.5)", "(1)", "(2.25)"]


def _both_ways(read_once, monkeypatch: pytest.MonkeyPatch) -> tuple[ParseResult, ParseResult]:  # type: ignore[no-untyped-def]
    fast = read_once()
    with monkeypatch.context() as patch:
        patch.setattr(tokens, "PLAIN_TURN", NEVER)
        full = read_once()
    return fast, full


def _jefferson_files() -> list[Path]:
    folders = [DEMO, REPO / "tests" / "data"]
    return sorted(path for folder in folders for path in folder.rglob("*")
                  if path.suffix in (".txt", ".docx") and "gold" not in path.parts)


def test_shortcut_matches_full_reading_on_every_jefferson_file(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _jefferson_files()
    assert len(files) >= 20
    different = []
    for path in files:
        fast, full = _both_ways(lambda path=path: read(path), monkeypatch)
        if fast.transcript != full.transcript or fast.diagnostics != full.diagnostics:
            different.append(path.name)
    assert different == []


def test_shortcut_matches_full_reading_on_generated_turns(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(25)
    lines = []
    for k in range(400):
        items = []
        for _ in range(rng.randint(1, 9)):
            if rng.random() < 0.15:
                items.append(rng.choice(PAUSES))
            else:
                items.append(rng.choice(WORDS) + rng.choice(MARKS))
        speaker = "Dr" if k % 2 else "P"
        lines.append(f"{speaker}:  " + "  ".join(items))
        if rng.random() < 0.2:  # a continuation line
            lines.append("     " + " ".join(rng.choice(WORDS) for _ in range(3)))
    taken = 0
    for start in range(0, len(lines), 20):
        chunk = lines[start:start + 20]
        fast, full = _both_ways(lambda chunk=chunk: parse_jefferson(chunk, source="<gen>"),
                                monkeypatch)
        assert fast.transcript == full.transcript, chunk
        assert fast.diagnostics == full.diagnostics, chunk
        taken += sum(1 for u in fast.transcript.utterances
                     if tokens.PLAIN_TURN.match(u.content))
    assert taken > 300  # the shortcut really was exercised


def test_shortcut_reads_pauses_and_intonation() -> None:
    result = parse_jefferson(["P:  well (.) I heard them (0.5) again?"])
    utterance = result.transcript.utterances[0]
    assert [t.clean for t in utterance.tokens] == ["well", "I", "heard", "them", "again"]
    assert [(e.kind, e.value, e.label) for e in utterance.events] == [
        ("pause", 0.1, "micro"), ("pause", 0.5, "timed"), ("intonation", None, "rise")]
