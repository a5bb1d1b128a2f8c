"""Anchors: where a stored annotation points in a transcript, and how it follows edits.

An anchor names the transcript version (sha256), the utterance (`u12`), a token range
inside it (start inclusive, end exclusive), the quoted words, a few words of context on
each side, and the source lines. The quote, not the line number, is what identifies the
place: line numbers change whenever a transcriber inserts a line above.

`reanchor()` is a pure function: given the anchors of a layer and the current transcript,
it says for each one whether it is kept (same place), moved (found at another place),
fuzzy (only a close match, a human should look) or orphaned (nowhere; kept and listed,
never deleted).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from cakit._quick_init import quick_init
from cakit.model import Transcript, Turn, Utterance
from cakit.store.alignment import Alignment, fingerprint

AnchorStatus = Literal["ok", "moved", "fuzzy", "orphaned"]
ANCHOR_STATUSES: tuple[str, ...] = ("ok", "moved", "fuzzy", "orphaned")
Outcome = Literal["kept", "moved", "fuzzy", "orphaned"]
OUTCOMES: tuple[Outcome, ...] = ("kept", "moved", "fuzzy", "orphaned")

#: Words of context stored on each side of a quote.
CONTEXT_WORDS = 4
#: Words of a turn's opening that identify it in a stable id.
ID_WORDS = 8
#: difflib ratio at or above which an edited utterance still counts as the same one.
FUZZY_THRESHOLD = 0.8
#: Utterances an edited stretch may span and still be taken as the anchor's own place
#: without its stored context (a turn rewritten with its neighbours).
_LOCAL_EDIT = 3
#: How far from its even place in a long edited stretch an utterance is looked for.
_NEAR = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """A place in one version of a transcript (see the module docstring)."""

    sha256: str
    utterance: str
    start: int
    end: int
    quote: str
    before: str = ""
    after: str = ""
    line: int = 0
    end_line: int = 0
    status: str = "ok"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.quote.split())

    def to_dict(self) -> dict[str, object]:
        return {"sha256": self.sha256, "utterance": self.utterance, "start": self.start,
                "end": self.end, "quote": self.quote, "before": self.before,
                "after": self.after, "line": self.line, "end_line": self.end_line,
                "status": self.status}


quick_init(Anchor)  # one per stored code, read back on every warm run


def _utterance_words(utterance: Utterance) -> tuple[str, ...]:
    """The words anchors count in: clean token forms, lower-cased.

    An utterance with no tokens (only `&=laughs`, or read without tokenizing) falls back to
    its content split on spaces, so it can still be quoted and found again.
    """
    words = tuple(t.clean.lower() for t in utterance.tokens if t.clean)
    if words:
        return words
    return tuple(w.lower() for w in utterance.content.split())


@dataclass(frozen=True, slots=True)
class TranscriptText:
    """The words of every utterance and turn of a transcript, indexed for anchoring.

    Built once per transcript; every anchoring step reads from it.
    """

    sha256: str
    source: str
    utterance_ids: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    lines: tuple[tuple[int, int], ...]
    turns: tuple[Turn, ...]
    utterances: tuple[Utterance, ...]
    #: each utterance's `alignment.fingerprint`, stored in coder layers to align versions
    fingerprints: tuple[str, ...] = ()
    _by_id: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _turn_of: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    _turn_by_id: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, transcript: Transcript) -> TranscriptText:
        """Index a transcript (pure: the transcript is not changed)."""
        words = tuple(_utterance_words(u) for u in transcript.utterances)
        text = cls(
            sha256=transcript.sha256, source=transcript.source,
            utterance_ids=tuple(u.id for u in transcript.utterances), words=words,
            lines=tuple((u.line, u.end_line) for u in transcript.utterances),
            turns=transcript.turns, utterances=transcript.utterances,
            fingerprints=tuple(fingerprint(w) for w in words),
        )
        text._by_id.update({uid: k for k, uid in enumerate(text.utterance_ids)})
        for t, turn in enumerate(transcript.turns):
            text._turn_by_id[turn.id] = t
            for index in turn.utterances:
                text._turn_of[index] = t
        return text

    def index_of(self, utterance_id: str) -> int | None:
        return self._by_id.get(utterance_id)

    def turn(self, turn_id: str | None) -> Turn | None:
        position = self._turn_by_id.get(turn_id or "")
        return None if position is None else self.turns[position]

    def turn_of_utterance(self, index: int) -> Turn | None:
        position = self._turn_of.get(index)
        return None if position is None else self.turns[position]

    def turn_words(self, turn: Turn) -> tuple[str, ...]:
        out: list[str] = []
        for index in turn.utterances:
            out.extend(self.words[index])
        return tuple(out)

    def utterance_at_line(self, line: int) -> int | None:
        """Index of the utterance whose lines contain `line` (None when no utterance does)."""
        for index, (first, last) in enumerate(self.lines):
            if first <= line <= last:
                return index
        return None

    def anchor(self, index: int, start: int = 0, end: int | None = None) -> Anchor:
        """An anchor on utterance `index`, tokens [start, end) (default: all of them)."""
        words = self.words[index]
        stop = len(words) if end is None else end
        before = self._context_before(index, start)
        after = self._context_after(index, stop)
        first, last = self.lines[index]
        return Anchor(sha256=self.sha256, utterance=self.utterance_ids[index], start=start,
                      end=stop, quote=" ".join(words[start:stop]), before=before, after=after,
                      line=first, end_line=last)

    def turn_anchor(self, turn: Turn) -> Anchor:
        """An anchor on a turn: its first utterance, all tokens."""
        return self.anchor(turn.utterances[0])

    def _context_before(self, index: int, start: int) -> str:
        words: list[str] = list(self.words[index][:start])
        k = index - 1
        while len(words) < CONTEXT_WORDS and k >= 0:
            words = list(self.words[k]) + words
            k -= 1
        return " ".join(words[-CONTEXT_WORDS:])

    def _context_after(self, index: int, end: int) -> str:
        words: list[str] = list(self.words[index][end:])
        k = index + 1
        while len(words) < CONTEXT_WORDS and k < len(self.words):
            words.extend(self.words[k])
            k += 1
        return " ".join(words[:CONTEXT_WORDS])


@dataclass(frozen=True, slots=True)
class Reanchored:
    """One anchor after re-anchoring: the new anchor and what happened to it."""

    key: str
    outcome: Outcome
    anchor: Anchor
    previous: Anchor


@dataclass(frozen=True, slots=True)
class ReanchorReport:
    """Per-record results and the counts the CLI prints after an edit."""

    results: tuple[Reanchored, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    def by_key(self) -> dict[str, Reanchored]:
        return {result.key: result for result in self.results}

    @property
    def changed(self) -> bool:
        return any(r.anchor != r.previous for r in self.results)


def _find(words: tuple[str, ...], quote: tuple[str, ...]) -> list[int]:
    """Every offset where `quote` occurs in `words`."""
    size = len(quote)
    if size == 0 or size > len(words):
        return []
    first = quote[0]
    return [k for k in range(len(words) - size + 1)
            if words[k] == first and words[k:k + size] == quote]


#: Utterance ids that give the utterance's place (`u12` is the twelfth), which the
#: alignment of versions relies on; a reader plug-in naming them otherwise gets the
#: context rules instead.
_POSITIONAL = re.compile(r"u[1-9]\d*")


def utterance_number(utterance_id: str) -> int:
    digits = "".join(ch for ch in utterance_id if ch.isdigit())
    return int(digits) if digits else 0


def _context_sides(text: TranscriptText, index: int, start: int, end: int,
                   anchor: Anchor) -> tuple[int, int]:
    """How many of the anchor's stored context words are found, nearest first, before and
    after a candidate place (tokens [start, end) of utterance `index`)."""
    candidate = text.anchor(index, start, end)
    before = 0
    for stored, found in zip(reversed(anchor.before.split()),
                             reversed(candidate.before.split()), strict=False):
        if stored != found:
            break
        before += 1
    after = 0
    for stored, found in zip(anchor.after.split(), candidate.after.split(), strict=False):
        if stored != found:
            break
        after += 1
    return before, after


def _placed(text: TranscriptText, index: int, start: int, end: int, anchor: Anchor) -> bool:
    """Whether a candidate place stands where the anchor's talk stood: the stored context
    of one side (before or after) is found beside it in full. One shared word is not
    enough — "P: no." followed by "Dr: okay." recurs — nor is a side the anchor did not
    store (the first or last utterance). An anchor stored without context (a transcript
    of one utterance) needs none."""
    stored_before, stored_after = len(anchor.before.split()), len(anchor.after.split())
    if not stored_before and not stored_after:
        return True
    before, after = _context_sides(text, index, start, end, anchor)
    return (stored_before > 0 and before == stored_before) or (
        stored_after > 0 and after == stored_after)


def _edited_around(text: TranscriptText, index: int, start: int, end: int,
                   anchor: Anchor) -> bool:
    """Whether the utterance holding a found quote has words around it that were not
    around it before (the transcriber added talk to the decided turn), rather than the
    stored context (two utterances joined into one)."""
    words = text.words[index]
    head, tail = words[:start], words[end:]
    before, after = tuple(anchor.before.split()), tuple(anchor.after.split())
    k = min(len(head), len(before))
    if head and (k == 0 or head[-k:] != before[-k:]):
        return True
    k = min(len(tail), len(after))
    return bool(tail) and (k == 0 or tail[:k] != after[:k])


def context_fits(anchor: Anchor, text: TranscriptText, utterance_id: str) -> bool:
    """Whether utterance `utterance_id` of the current transcript (all of it) stands where
    the anchor's stored context says its talk stood."""
    index = text.index_of(utterance_id)
    return index is not None and _placed(text, index, 0, len(text.words[index]), anchor)


def locate(anchor: Anchor, text: TranscriptText, *, threshold: float = FUZZY_THRESHOLD,
           alignment: Alignment | None = None) -> tuple[Outcome, Anchor]:
    """Where an anchor is in the current transcript (pure; see `reanchor`).

    Order: same hash → kept; the quote in the same utterance → kept (same offsets and
    lines) or moved; the quote elsewhere, best context first, then nearest → moved; the
    most similar utterance with a difflib ratio ≥ `threshold` → fuzzy; else orphaned (the
    anchor is returned unchanged but for its status).

    Outside the same hash, a place counts only where one side of the stored context is
    found beside it in full (`_placed`): an utterance id is only a position, and "no",
    "mm" or "okay so how's your sleep been" recur, so without it the decision on a
    deleted turn would land on whichever like turn took its id or resembles it — a turn
    nobody reviewed. And a quote found whole in an utterance that now holds other words
    around it (talk added to the decided turn) is fuzzy, not kept: the coder decided on
    less than is there now.

    With an `alignment` of the layer's version to this one (`cakit.store.alignment`), the
    place comes from it: the same utterance, else the edited stretch it belongs to, else
    talk inserted elsewhere that is no other old utterance's counterpart — never a like
    utterance that is the counterpart of another. An anchor orphaned in an earlier version
    is looked for only in talk inserted since the layer's version: the utterances that
    were there then were already found not to be its talk.
    """
    if anchor.sha256 == text.sha256 and anchor.status != "orphaned" and (
            alignment is None or alignment.unchanged):
        return "kept", anchor
    if alignment is not None and _POSITIONAL.fullmatch(anchor.utterance):
        return _aligned(anchor, text, alignment, threshold)
    quote = anchor.words
    if quote:
        index = text.index_of(anchor.utterance)
        if index is not None:
            offsets = [offset for offset in _find(text.words[index], quote)
                       if _placed(text, index, offset, offset + len(quote), anchor)]
            if offsets:
                offset = min(offsets, key=lambda k: abs(k - anchor.start))
                return _found(text, index, offset, len(quote), anchor)
        old_number = utterance_number(anchor.utterance)
        best: tuple[int, int, int, int] | None = None
        for k, words in enumerate(text.words):
            for offset in _find(words, quote):
                if not _placed(text, k, offset, offset + len(quote), anchor):
                    continue
                score = sum(_context_sides(text, k, offset, offset + len(quote), anchor))
                distance = abs(utterance_number(text.utterance_ids[k]) - old_number)
                key = (-score, distance, k, offset)
                if best is None or key < best:
                    best = key  # best context first, then nearest to the old place
        if best is not None:
            _, _, k, offset = best
            return _found(text, k, offset, len(quote), anchor)
    return _closest(anchor, text, range(len(text.words)), threshold, placed_only=True)


def _closest(anchor: Anchor, text: TranscriptText, candidates: Sequence[int],
             threshold: float, *, placed_only: bool = False,
             free: Collection[int] = ()) -> tuple[Outcome, Anchor]:
    """The candidate utterance most like the anchor's quote (difflib ratio ≥ `threshold`,
    ties to the nearest; with `placed_only`, only where `_placed`, but for those in `free`)
    → fuzzy; none → orphaned."""
    target = " ".join(anchor.words)
    best_ratio = 0.0
    best_index: int | None = None
    old_number = utterance_number(anchor.utterance)
    for k in candidates:
        matcher = difflib.SequenceMatcher(None, target, " ".join(text.words[k]),
                                          autojunk=False)
        if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
            continue
        ratio = matcher.ratio()
        if ratio < threshold or (placed_only and k not in free and not _placed(
                text, k, 0, len(text.words[k]), anchor)):
            continue
        closer = best_index is not None and ratio == best_ratio and abs(
            utterance_number(text.utterance_ids[k]) - old_number
        ) < abs(utterance_number(text.utterance_ids[best_index]) - old_number)
        if ratio > best_ratio or closer:
            best_ratio, best_index = ratio, k
    if best_index is not None:
        return "fuzzy", replace(text.anchor(best_index), status="fuzzy")
    return "orphaned", replace(anchor, status="orphaned")


def _aligned(anchor: Anchor, text: TranscriptText, alignment: Alignment, threshold: float
             ) -> tuple[Outcome, Anchor]:
    """`locate` with the alignment of the layer's version to this one."""
    quote = anchor.words
    # an anchor of an older version (orphaned then) is no utterance of the layer's version
    old = utterance_number(anchor.utterance) - 1 if anchor.sha256 == alignment.sha256 else -1
    same = alignment.equal.get(old)
    if same is not None and alignment.lone(old) and not _placed(
            text, same, 0, len(text.words[same]), anchor):
        same = None  # a lone like utterance amid other talk is not proof of the same place
    if same is not None and (offsets := _find(text.words[same], quote)):
        return _found(text, same, min(offsets, key=lambda k: abs(k - anchor.start)),
                      len(quote), anchor)
    own, others = alignment.candidates(old)
    # its edited stretch as it is when the edit is local (a turn and its neighbours);
    # in a long one (the file replaced by another) and elsewhere (moved talk), only beside
    # its stored context: short turns ("P: no.") recur in any consultation. The context
    # is checked only where the quote is (it builds an anchor: not for every utterance),
    # and a long stretch only near where the utterance would fall in it.
    free = set(own) if len(own) <= _LOCAL_EDIT else set()
    if len(own) > _NEAR:
        own = alignment.near(old, _NEAR)

    def fits(k: int, start: int = 0, end: int | None = None) -> bool:
        return k in free or _placed(text, k, start, len(text.words[k]) if end is None
                                    else end, anchor)

    for k in (*own, *others):
        offsets = [o for o in _find(text.words[k], quote) if fits(k, o, o + len(quote))]
        if offsets:
            return _found(text, k, min(offsets, key=lambda o: abs(o - anchor.start)),
                          len(quote), anchor)
    return _closest(anchor, text, (*own, *others), threshold, placed_only=True, free=free)


def _found(text: TranscriptText, index: int, offset: int, size: int, anchor: Anchor
           ) -> tuple[Outcome, Anchor]:
    """The outcome of a quote found word for word at tokens [offset, offset + size) of
    utterance `index`: fuzzy when talk was added around it, kept when nothing moved,
    else moved."""
    found = text.anchor(index, offset, offset + size)
    if _edited_around(text, index, offset, offset + size, anchor):
        return "fuzzy", replace(text.anchor(index), status="fuzzy")
    same = (found.utterance, found.start, found.end, found.line, found.end_line) == (
        anchor.utterance, anchor.start, anchor.end, anchor.line, anchor.end_line)
    # a decision still to check (fuzzy) stays so until the coder decides again
    if same:
        return "kept", replace(found, status="fuzzy" if anchor.status == "fuzzy" else "ok")
    return "moved", replace(found, status="fuzzy" if anchor.status == "fuzzy" else "moved")


def reanchor(anchors: Mapping[str, Anchor] | Iterable[tuple[str, Anchor]], text: TranscriptText,
             *, threshold: float = FUZZY_THRESHOLD, alignment: Alignment | None = None
             ) -> ReanchorReport:
    """Re-anchor every anchor of a layer against the current transcript (pure).

    Args:
        anchors: record key → its stored anchor.
        text: the current transcript, indexed.
        threshold: the difflib ratio a fuzzy match needs.
        alignment: the layer's version aligned with this one, when the layer recorded
            its utterances' fingerprints (it places the anchors of that version).

    Returns:
        One result per anchor (kept, moved, fuzzy or orphaned) and the counts.
    """
    items: Sequence[tuple[str, Anchor]] = (
        list(anchors.items()) if isinstance(anchors, Mapping) else list(anchors)
    )
    results = []
    for key, anchor in items:
        outcome, found = locate(anchor, text, threshold=threshold, alignment=alignment)
        results.append(Reanchored(key=key, outcome=outcome, anchor=found, previous=anchor))
    return ReanchorReport(results=tuple(results))
