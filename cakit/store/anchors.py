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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from cakit.model import Transcript, Turn, Utterance

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
    _by_id: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _turn_of: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    _turn_by_id: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, transcript: Transcript) -> TranscriptText:
        """Index a transcript (pure: the transcript is not changed)."""
        text = cls(
            sha256=transcript.sha256, source=transcript.source,
            utterance_ids=tuple(u.id for u in transcript.utterances),
            words=tuple(_utterance_words(u) for u in transcript.utterances),
            lines=tuple((u.line, u.end_line) for u in transcript.utterances),
            turns=transcript.turns, utterances=transcript.utterances,
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


def _utterance_number(utterance_id: str) -> int:
    digits = "".join(ch for ch in utterance_id if ch.isdigit())
    return int(digits) if digits else 0


def _context_score(text: TranscriptText, index: int, start: int, end: int,
                   anchor: Anchor) -> int:
    """How many context words around a candidate match the anchor's stored context."""
    candidate = text.anchor(index, start, end)
    score = 0
    stored_before = reversed(anchor.before.split())
    found_before = reversed(candidate.before.split())
    for stored, found in zip(stored_before, found_before, strict=False):
        if stored != found:
            break
        score += 1
    for stored, found in zip(anchor.after.split(), candidate.after.split(), strict=False):
        if stored != found:
            break
        score += 1
    return score


def _has_context(anchor: Anchor) -> bool:
    return bool(anchor.before or anchor.after)


def _placed(text: TranscriptText, index: int, start: int, end: int, anchor: Anchor) -> bool:
    """Whether a candidate place has some of the anchor's stored context beside it."""
    return not _has_context(anchor) or _context_score(text, index, start, end, anchor) > 0


def context_fits(anchor: Anchor, text: TranscriptText, utterance_id: str) -> bool:
    """Whether utterance `utterance_id` of the current transcript (all of it) stands where
    the anchor's stored context says its talk stood."""
    index = text.index_of(utterance_id)
    return index is not None and _placed(text, index, 0, len(text.words[index]), anchor)


def locate(anchor: Anchor, text: TranscriptText, *,
           threshold: float = FUZZY_THRESHOLD) -> tuple[Outcome, Anchor]:
    """Where an anchor is in the current transcript (pure; see `reanchor`).

    Order: same hash → kept; the quote in the same utterance → kept (same offsets and
    lines) or moved; the quote elsewhere, best context first, then nearest → moved; the
    most similar utterance with a difflib ratio ≥ `threshold` → fuzzy; else orphaned (the
    anchor is returned unchanged but for its status).

    Outside the same hash, a place counts only where some of the stored context is
    found next to it (`_context_score` ≥ 1): an utterance id is only a position, and "no",
    "mm" or "okay so how's your sleep been" recur, so without it the decision on a
    deleted turn would land on whichever like turn took its id or resembles it — a turn
    nobody reviewed. An anchor stored without context (a one-utterance transcript) needs
    none.
    """
    if anchor.sha256 == text.sha256 and anchor.status != "orphaned":
        return "kept", anchor
    quote = anchor.words
    if quote:
        index = text.index_of(anchor.utterance)
        if index is not None:
            offsets = [offset for offset in _find(text.words[index], quote)
                       if _placed(text, index, offset, offset + len(quote), anchor)]
            if offsets:
                offset = min(offsets, key=lambda k: abs(k - anchor.start))
                found = replace(text.anchor(index, offset, offset + len(quote)),
                                status=anchor.status if anchor.status == "fuzzy" else "ok")
                same = (found.start, found.end, found.line, found.end_line) == (
                    anchor.start, anchor.end, anchor.line, anchor.end_line)
                if same:
                    return "kept", found
                return "moved", replace(found, status="moved")
        old_number = _utterance_number(anchor.utterance)
        best: tuple[int, int, int, int] | None = None
        for k, words in enumerate(text.words):
            for offset in _find(words, quote):
                score = _context_score(text, k, offset, offset + len(quote), anchor)
                if score == 0 and _has_context(anchor):
                    continue
                distance = abs(_utterance_number(text.utterance_ids[k]) - old_number)
                key = (-score, distance, k, offset)
                if best is None or key < best:
                    best = key  # best context first, then nearest to the old place
        if best is not None:
            _, _, k, offset = best
            return "moved", replace(text.anchor(k, offset, offset + len(quote)), status="moved")
    target = " ".join(quote)
    best_ratio = 0.0
    best_index: int | None = None
    old_number = _utterance_number(anchor.utterance)
    for k, words in enumerate(text.words):
        candidate = " ".join(words)
        matcher = difflib.SequenceMatcher(None, target, candidate, autojunk=False)
        if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
            continue
        ratio = matcher.ratio()
        if ratio < threshold or not _placed(text, k, 0, len(words), anchor):
            continue
        closer = best_index is not None and ratio == best_ratio and abs(
            _utterance_number(text.utterance_ids[k]) - old_number
        ) < abs(_utterance_number(text.utterance_ids[best_index]) - old_number)
        if ratio > best_ratio or closer:
            best_ratio, best_index = ratio, k
    if best_index is not None:
        return "fuzzy", replace(text.anchor(best_index), status="fuzzy")
    return "orphaned", replace(anchor, status="orphaned")


def reanchor(anchors: Mapping[str, Anchor] | Iterable[tuple[str, Anchor]], text: TranscriptText,
             *, threshold: float = FUZZY_THRESHOLD) -> ReanchorReport:
    """Re-anchor every anchor of a layer against the current transcript (pure).

    Args:
        anchors: record key → its stored anchor.
        text: the current transcript, indexed.
        threshold: the difflib ratio a fuzzy match needs.

    Returns:
        One result per anchor (kept, moved, fuzzy or orphaned) and the counts.
    """
    items: Sequence[tuple[str, Anchor]] = (
        list(anchors.items()) if isinstance(anchors, Mapping) else list(anchors)
    )
    results = []
    for key, anchor in items:
        outcome, found = locate(anchor, text, threshold=threshold)
        results.append(Reanchored(key=key, outcome=outcome, anchor=found, previous=anchor))
    return ReanchorReport(results=tuple(results))
