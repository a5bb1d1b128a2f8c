"""The proximity (`near`) matcher against a brute-force reading of its definition.

A near pattern matches at position p when p's word is in slot 0 and each later slot has a
word at most `gap` words after the previous slot's word; of the chains starting at p the
earliest (position by position) is reported. The matcher skips patterns whose rarest slot
is absent from the turn; this test makes sure that shortcut never changes a result.
"""

from __future__ import annotations

import itertools
import random

import pytest

from cakit.annotate import annotator_for
from cakit.annotate.spacy_bridge import CompiledCodebook, slot_forms


@pytest.fixture(scope="module")
def compiled() -> CompiledCodebook:
    return annotator_for(None).compiled


def _brute_force(compiled: CompiledCodebook, words: list[str]) -> list[tuple[str, int, int]]:
    found: list[tuple[int, int, tuple[str, int, int]]] = []
    patterns = [pattern for category in compiled.codebook.lexicon for pattern in category.patterns]
    patterns += list(compiled.codebook.stoplist)
    patterns += [pattern for frame in compiled.codebook.frames for pattern in frame.patterns]
    patterns += [pattern for cue in compiled.codebook.phases for pattern in cue.patterns]
    nears = [pattern for pattern in patterns if pattern.kind == "near"]
    for order, pattern in enumerate(nears):
        slots = [slot_forms(slot, pattern.exact) for slot in pattern.slots]
        places = [[k for k, word in enumerate(words) if word in slot] for slot in slots]
        for start in places[0]:
            for chain in itertools.product(*places[1:]):
                previous, ok = start, True
                for position in chain:
                    if not previous < position <= previous + pattern.gap + 1:
                        ok = False
                        break
                    previous = position
                if ok:
                    found.append((start, order, (pattern.id, start, previous + 1)))
                    break
    return [hit for _, _, hit in sorted(found)]


def _near_hits(compiled: CompiledCodebook, words: list[str]) -> list[tuple[str, int, int]]:
    return [(hit.pattern.id, hit.start, hit.end) for hit in compiled.match(words)
            if hit.pattern.kind == "near"]


def test_near_matcher_equals_brute_force_on_random_turns(compiled: CompiledCodebook) -> None:
    nears = [p for c in compiled.codebook.lexicon for p in c.patterns if p.kind == "near"]
    vocabulary = sorted({word for pattern in nears for slot in pattern.slots for word in slot})
    fillers = ["i", "it", "the", "and", "mm", "yeah", "really", "then"]
    rng = random.Random(20261125)
    matched = 0
    for turn in range(1500):
        words = [rng.choice(vocabulary + fillers) for _ in range(rng.randint(1, 14))]
        if turn % 2:  # every other turn is built around one pattern's slots, gaps and all
            words = []
            for slot in rng.choice(nears).slots:
                words += [rng.choice(fillers) for _ in range(rng.randint(0, 3))]
                words.append(rng.choice(slot))
        expected = _brute_force(compiled, words)
        assert _near_hits(compiled, words) == expected, words
        matched += bool(expected)
    assert matched > 250  # the sample really exercises the matcher


def test_near_pattern_needs_every_slot(compiled: CompiledCodebook) -> None:
    words = "i keep hearing them at night".split()
    assert _brute_force(compiled, words) == _near_hits(compiled, words)
    assert _near_hits(compiled, ["hearing"]) == _brute_force(compiled, ["hearing"])


def test_one_doc_for_many_turns_gives_each_turn_its_own_hits(compiled: CompiledCodebook) -> None:
    """`match_turns` runs spaCy once over all the turns; each turn must get exactly the hits
    (and order) a Doc of that turn alone gives, and nothing may match across two turns."""
    from cakit.annotate.views import build_views
    from cakit.formats import read
    from tests.conftest import DEMO

    turns: list[list[str]] = []
    for path in sorted(DEMO.glob("*.txt")):
        views = build_views(read(path).transcript, compiled, compiled.codebook)
        turns += [list(view.words) for view in views]
    turns[3:3] = [[], []]  # empty turns share an offset with the next one
    turns.append([])

    def key(hits: list) -> list[tuple[str, str, int, int]]:  # type: ignore[type-arg]
        return [(h.group, h.pattern.id, h.start, h.end) for h in hits]

    together = compiled.match_turns(turns)
    assert [key(hits) for hits in together] == [key(compiled.match(turn)) for turn in turns]
    assert sum(len(hits) for hits in together) > 800

    split = compiled.match_turns([["i", "hear"], ["voices", "at", "night"]])
    alone = compiled.match_turns([["i", "hear", "voices", "at", "night"]])
    assert any(h.name == "voices" and h.end - h.start > 1 for h in alone[0])
    assert not any(h.name == "voices" and h.end - h.start > 1 for hits in split for h in hits)
