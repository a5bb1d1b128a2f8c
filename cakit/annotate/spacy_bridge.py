"""The codebook compiled for matching, run on Docs built from cakit's own tokens.

spaCy objects never leave this module: callers pass lists of lower-case words and get
plain `Hit`s back. One Doc is built per consultation with `Doc(vocab, words=…)` from all
its turns' words, so spaCy never re-tokenizes the transcript and hit positions map back to
each turn by offset. The pipeline is `spacy.blank("en")`: no model is downloaded;
inflections are expanded by the compiler (`inflect.py`).

Three matchers, chosen by measurement (this codebook):
  * phrases → spaCy `PhraseMatcher` on LOWER, one pattern Doc per inflected variant
    (≈1 µs a turn on a consultation's Doc; the token `Matcher` with the same patterns took
    ≈3 ms a turn);
  * raw `tokens` patterns → spaCy `Matcher` (only what a codebook author adds);
  * `near` slot patterns → a small proximity matcher here: spaCy's `{0,n}` wildcard
    quantifiers multiply matcher states and cost milliseconds per turn.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cakit._quick_init import quick_init
from cakit.annotate.codebook import Codebook, Pattern
from cakit.annotate.inflect import CLOSED, inflections
from cakit.errors import CodebookError
from cakit.model import Diagnostic, SourceSpan

#: A phrase whose inflected variants would exceed this many Docs is matched word-exactly.
MAX_VARIANTS = 256


@dataclass(frozen=True, slots=True)
class Hit:
    """One pattern match: which group/name it belongs to, and the word span [start, end)."""

    group: str  # lex | stop | frame | phase
    name: str  # category, frame name, or phase-cue index
    pattern: Pattern
    start: int
    end: int


quick_init(Hit)  # several per turn


@lru_cache(maxsize=1)
def blank_english() -> Any:
    """spaCy's blank English pipeline, made once per process and shared by every compiled
    codebook (a parent process makes it before forking workers, which then only compile)."""
    import spacy

    return spacy.blank("en")


def _forms(word: str, exact: bool) -> tuple[str, ...]:
    if exact or word in CLOSED or not word.replace("'", "").replace("-", "").isalpha():
        return (word,)
    return inflections(word)


def phrase_variants(pattern: Pattern) -> list[tuple[str, ...]]:
    """Every inflected word sequence a phrase pattern stands for."""
    options = [_forms(word, pattern.exact) for word in pattern.words]
    total = 1
    for option in options:
        total *= len(option)
    if total > MAX_VARIANTS:
        return [pattern.words]
    return list(itertools.product(*options))


def slot_forms(slot: tuple[str, ...], exact: bool) -> frozenset[str]:
    forms: set[str] = set()
    for word in slot:
        forms.update(_forms(word, exact))
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class _Near:
    group: str
    name: str
    pattern: Pattern
    slots: tuple[frozenset[str], ...]
    order: int  # position in the codebook: hits at one word come out in this order


#: words in nearly every consultation: a slot made of them is a poor key
COMMON_WORDS = CLOSED | frozenset(
    """get gets got getting go goes going gone went come comes came coming see sees saw seen
    know knows knew think thinks thought say says said tell tells told like want wants take
    takes took make makes made look looks feel feels felt time people thing things just
    really well right yeah okay oh mean good day night now then back still much more way
    can't don't won't""".split()
)


def _key_slot(slots: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The slot least likely to be in a turn, so a near pattern is tried only in turns
    holding one of its words: each function word counts 3, each other common word 1, a
    rarer word 0 (one "it" in a slot puts it in most turns); then the fewest forms.
    Which slot is the key never changes what matches, only how often it is tried."""
    return min(slots, key=lambda slot: (
        sum(3 if word in CLOSED else 1 if word in COMMON_WORDS else 0 for word in slot), len(slot)))


class CompiledCodebook:
    """A codebook ready to match."""

    def __init__(self, codebook: Codebook) -> None:
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.codebook = codebook
        self.nlp = blank_english()
        self._doc = Doc
        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        self.tokens = Matcher(vocab, validate=True)
        self._keys: dict[int, tuple[str, str, Pattern]] = {}
        self._near_by_key: dict[str, list[_Near]] = {}
        self._has_token_patterns = False
        problems: list[Diagnostic] = []
        near_order: list[_Near] = []

        def add(group: str, name: str, pattern: Pattern) -> None:
            key = f"{group}|{name}|{pattern.id}"
            if pattern.kind == "near":
                slots = tuple(slot_forms(slot, pattern.exact) for slot in pattern.slots)
                near = _Near(group, name, pattern, slots, len(self._keys) + len(near_order))
                near_order.append(near)
                for word in _key_slot(slots):
                    self._near_by_key.setdefault(word, []).append(near)
                return
            try:
                if pattern.kind == "phrase":
                    docs = [Doc(vocab, words=list(words)) for words in phrase_variants(pattern)]
                    self.phrases.add(key, docs)
                else:
                    self.tokens.add(key, [[dict(token) for token in pattern.tokens]])
                    self._has_token_patterns = True
            except Exception as exc:  # spaCy's MatchPatternError, ValueError …
                problems.append(Diagnostic(
                    "CK403", "error", f"pattern {pattern.id} cannot be compiled: {exc}",
                    SourceSpan(codebook.source, pattern.line, pattern.col),
                ))
                return
            self._keys[vocab.strings[key]] = (group, name, pattern)

        for category in codebook.lexicon:
            for pattern in category.patterns:
                add("lex", category.name, pattern)
        for pattern in codebook.stoplist:
            add("stop", "stop", pattern)
        for frame in codebook.frames:
            for pattern in frame.patterns:
                add("frame", frame.name, pattern)
        for index, cue in enumerate(codebook.phases):
            for pattern in cue.patterns:
                add("phase", str(index), pattern)
        if problems:
            raise CodebookError(f"{codebook.source}: patterns that spaCy rejects", problems)
        self._near_keys = frozenset(self._near_by_key)

    def match(self, words: list[str]) -> list[Hit]:
        """Every pattern hit in a sequence of lower-case words."""
        return self.match_turns([words])[0]

    def match_turns(self, turns: Sequence[list[str]]) -> list[list[Hit]]:
        """Every pattern hit in each of several word sequences (a consultation's turns).

        spaCy runs once, on one Doc of all the words: making a Doc costs more than matching
        it, so one Doc per turn was the annotator's largest single cost. Matches that run
        from one turn into the next are dropped; within a turn the hits, and their order,
        are those of a Doc made of that turn alone (tests/annotate/test_near_matching.py).
        """
        found: list[list[Hit]] = [[] for _ in turns]
        starts: list[int] = []
        words: list[str] = []
        for turn in turns:
            starts.append(len(words))
            words.extend(turn)
        if words:
            keys = self._keys
            doc = self._doc(self.nlp.vocab, words=words)
            matches = list(self.phrases(doc))
            if self._has_token_patterns:
                matches += self.tokens(doc)
            bounds = [*starts, len(words)]
            for match_id, start, end in matches:
                # the last turn starting at or before the match holds it (an empty turn
                # shares its offset with the turn after it, which comes later)
                k = bisect_right(starts, start) - 1
                if end > bounds[k + 1]:
                    continue  # runs into the next turn
                group, name, pattern = keys[match_id]
                offset = starts[k]
                found[k].append(Hit(group, name, pattern, start - offset, end - offset))
        for k, turn in enumerate(turns):
            if turn:
                self._near(turn, found[k])
        return found

    def _near(self, words: list[str], hits: list[Hit]) -> None:
        """Add the proximity-pattern hits of one turn to `hits`."""
        if self._near_keys.isdisjoint(words):
            return
        present = set(words)
        count = len(words)
        tried: set[int] = set()
        near_hits: list[tuple[int, int, Hit]] = []
        for word in self._near_keys.intersection(present):
            for near in self._near_by_key[word]:
                if near.order in tried:
                    continue
                tried.add(near.order)
                slots = near.slots
                for slot in slots:
                    if slot.isdisjoint(present):
                        break
                else:
                    first = slots[0]
                    for position, candidate in enumerate(words):
                        if candidate in first:
                            end = _match_slots(words, count, position, slots, 1,
                                               near.pattern.gap)
                            if end:
                                near_hits.append((position, near.order, Hit(
                                    near.group, near.name, near.pattern, position, end)))
        if near_hits:
            near_hits.sort(key=lambda item: (item[0], item[1]))
            hits.extend(hit for _, _, hit in near_hits)


def _match_slots(
    words: list[str], count: int, position: int, slots: tuple[frozenset[str], ...], slot: int,
    gap: int,
) -> int:
    """End of the shortest match of slots[slot:] after `position`, or 0 (with backtracking)."""
    if slot == len(slots):
        return position + 1
    wanted = slots[slot]
    last = min(count, position + gap + 2)
    for next_position in range(position + 1, last):
        if words[next_position] in wanted:
            end = _match_slots(words, count, next_position, slots, slot + 1, gap)
            if end:
                return end
    return 0


__all__ = ["CompiledCodebook", "Hit", "blank_english", "phrase_variants"]
