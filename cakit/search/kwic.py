"""Hits as a concordance: each hit turn with the words that matched, and its context.

A hit becomes a `KwicHit`: the turns of the hit (one, or one per step of `A >> B`, with
the turns between them) and up to N turns of context on either side, each as a `Line`
(its physical line numbers, speaker, role, phase, codes and talk). The talk is the
transcript's own lines as excerpts show them (`cakit.report.lines`: the Jefferson source
lines, or the Jefferson rendering of CHAT), joined into one line, and `spans` marks the
characters of what the query found in it: the matched words, and the marks of the CA
features it asked for (laughter, pauses, overlap brackets …).

De-identification is the excerpts' own (`Deidentifier.lines` over the same lines, the
consultation id made a keyed pseudonym), done here, so nothing identifying reaches a
renderer; the highlighted spans are carried across the replacements.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cakit.annotations import ConsultationAnnotations
from cakit.model import Event, Feature, Token, Transcript, Utterance
from cakit.report.deid import Deidentifier
from cakit.report.lines import SourceView, source_view
from cakit.search.index import QUESTION_CONTOURS, Unit, overlap_roles, spoken
from cakit.search.match import COMPARE, CorpusIndex, Hit, phrase_starts
from cakit.search.query import Mark, Node, Query, Regex, Timed, Words, terms

Source = tuple[Transcript, ConsultationAnnotations]
_LAUGH_WORDS = re.compile(r"\b(laugh|chuckl|giggl|snigger|titter|cackl)", re.IGNORECASE)
_SMILE_WORDS = re.compile(r"\b(smil|grin)", re.IGNORECASE)
_BULLET = re.compile("\x15[^\x15]*\x15")
#: how far past the last item found an event's mark may be looked for
_EVENT_REACH = 40
_BITS: dict[str, int] = {
    "laugh": int(Feature.LAUGH), "smile": int(Feature.SMILE), "cutoff": int(Feature.CUTOFF),
    "stretch": int(Feature.STRETCHED), "inbreath": int(Feature.INBREATH),
    "loud": int(Feature.LOUD), "soft": int(Feature.QUIET | Feature.VERY_QUIET),
    "pitch": int(Feature.PITCH_UP | Feature.PITCH_DOWN | Feature.PITCH_RESET
                 | Feature.LOW_PITCH | Feature.HIGH_PITCH),
}


@dataclass(frozen=True, slots=True)
class Line:
    """One turn as shown: `part` is `hit`, `between` (inside an `A >> B` hit) or
    `before`/`after` (context); `step` is which step of the query a hit turn matched."""

    part: str
    step: int
    line: int
    end_line: int
    speaker: str
    role: str
    phase: str
    turn_id: str
    backchannel: bool
    codes: tuple[str, ...]
    text: str
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def is_hit(self) -> bool:
        return self.part == "hit"

    def pieces(self) -> Iterator[tuple[str, bool]]:
        """The text cut at the spans: (piece, highlighted)."""
        cursor = 0
        for start, end in self.spans:
            if start > cursor:
                yield self.text[cursor:start], False
            yield self.text[start:end], True
            cursor = end
        if cursor < len(self.text):
            yield self.text[cursor:], False

    @property
    def left(self) -> str:
        """The text before the first highlighted span (all of it when none)."""
        return self.text[: self.spans[0][0]] if self.spans else ""

    @property
    def key(self) -> str:
        """From the first highlighted span to the last (the whole text when none)."""
        return self.text[self.spans[0][0]: self.spans[-1][1]] if self.spans else self.text

    @property
    def right(self) -> str:
        return self.text[self.spans[-1][1]:] if self.spans else ""


@dataclass(frozen=True, slots=True)
class KwicHit:
    """One hit with its context, ready to render (already de-identified when asked)."""

    number: int
    consultation: str
    #: the transcript's path, empty when de-identified (a file name may identify)
    file: str
    lines: tuple[Line, ...]

    @property
    def hit_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.is_hit)

    @property
    def phase(self) -> str:
        return self.hit_lines[0].phase if self.hit_lines else "UNKNOWN"


@dataclass
class KwicBuilder:
    """Builds `KwicHit`s from hits; `sources[i]` is the transcript and codes of
    `index.files[i]`. Each transcript's display lines are made once."""

    index: CorpusIndex
    sources: Sequence[Source]
    query: Query
    context: int = 1
    deid: Deidentifier | None = None
    #: per file of the index, its consultation's key in the run (`consultation_keys`);
    #: the consultation id when empty
    keys: Sequence[str] = ()
    _views: dict[int, SourceView] = field(default_factory=dict)
    _overlaps: dict[int, dict[tuple[int, int], str]] = field(default_factory=dict)

    def build(self, hits: Sequence[Hit], *, first_number: int = 1) -> list[KwicHit]:
        return [self.hit(hit, number) for number, hit in enumerate(hits, first_number)]

    def hit(self, hit: Hit, number: int) -> KwicHit:
        index = self.index
        file = index.file_of[hit.units[0]]
        transcript, annotations = self.sources[file]
        before, _ = index.neighbours(hit.units[0], self.context, 0)
        _, after = index.neighbours(hit.units[-1], 0, self.context)
        lines = [self.line(file, unit, "before", -1) for unit in before]
        for step, unit in enumerate(hit.units):
            if step:
                lines += [self.line(file, between, "between", -1)
                          for between in range(hit.units[step - 1] + 1, unit)]
            lines.append(self.line(file, unit, "hit", step))
        lines += [self.line(file, unit, "after", -1) for unit in after]
        key = self.keys[file] if self.keys else annotations.id
        if self.deid is not None:
            consultation = self.deid.identifier(key, file=transcript.source)
            path = ""
        else:
            consultation, path = key, self.index.files[file].path
        return KwicHit(number, consultation, path, tuple(lines))

    def view(self, file: int) -> SourceView:
        if file not in self._views:
            self._views[file] = source_view(self.sources[file][0])
        return self._views[file]

    def line(self, file: int, number: int, part: str, step: int) -> Line:
        unit = self.index.units[number]
        original, speaker = self._talk(file, unit)
        spans: list[tuple[int, int]] = []
        if step >= 0:
            spans = self._spans(file, unit, self.query.steps[step], original)
        text = original
        if self.deid is not None:
            text, spans, speaker = self._deidentified(file, unit, original, spans, speaker)
        return Line(part=part, step=step, line=unit.line, end_line=unit.end_line,
                    speaker=speaker, role=unit.role, phase=unit.phase, turn_id=unit.turn_id,
                    backchannel=unit.backchannel, codes=tuple(sorted(unit.codes)), text=text,
                    spans=tuple(spans))

    # -- talk ----------------------------------------------------------------------------

    def _rows(self, file: int, unit: Unit) -> list[tuple[int, str, int]]:
        """(line number, text, label width) of the unit's lines as excerpts show them."""
        return [(row.number, row.text, row.label_end)
                for row in self.view(file).between(unit.line, unit.end_line)
                if row.kind == "talk" and row.speaker == unit.speaker]

    def _talk(self, file: int, unit: Unit) -> tuple[str, str]:
        rows = self._rows(file, unit)
        if not rows:  # the view does not show it: the model's own text
            utterances = self.sources[file][0].utterances
            text = " ".join(_BULLET.sub("", utterances[i].content).strip()
                            for i in unit.utterances)
            return " ".join(text.split()), unit.speaker
        return _joined(rows), unit.speaker

    def _deidentified(self, file: int, unit: Unit, original: str,
                      spans: list[tuple[int, int]], speaker: str
                      ) -> tuple[str, list[tuple[int, int]], str]:
        deid = self.deid
        assert deid is not None
        transcript, annotations = self.sources[file]
        rows = self._rows(file, unit)
        file_name, consultation = transcript.source, annotations.id
        label = f"{speaker}:"
        shown = deid.text(label, file=file_name, consultation=consultation, line=unit.line,
                          skip=len(label))[:-1]
        if rows:
            texts = deid.lines(rows, file=file_name, consultation=consultation)
            new_rows = []
            for (number, old, label_end), new in zip(rows, texts, strict=True):
                new_rows.append((number, new, _mapped(old, new)(label_end)))
            text = _joined(new_rows)
        else:
            text = deid.text(original, file=file_name, consultation=consultation,
                             line=unit.line)
        if text != original and spans:
            move = _mapped(original, text)
            spans = [(move(start), max(move(start), move(end))) for start, end in spans]
            spans = [(start, end) for start, end in spans if end > start]
        return text, spans, shown

    # -- what matched ----------------------------------------------------------------------

    def _spans(self, file: int, unit: Unit, node: Node, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` holding what the step's (not negated) terms found."""
        transcript = self.sources[file][0]
        wanted_words = self._word_positions(unit, node)
        if file not in self._overlaps:
            self._overlaps[file] = overlap_roles(transcript)
        wanted = _ItemTest(node, self._overlaps[file])
        spans: list[tuple[int, int]] = []
        cursor = 0
        lowered = text.lower()
        word = 0
        for u_index in unit.utterances:
            utterance = transcript.utterances[u_index]
            # pauses before the unit's first word are the silence before it (gap)
            leading = u_index == unit.utterances[0]
            for position, item in _items(utterance):
                if isinstance(item, Token):
                    leading = False
                    found = _find_token(text, lowered, item, cursor)
                    hit = word in wanted_words or wanted.token(item)
                    word += 1
                else:
                    found = _find_event(text, item, cursor)
                    hit = wanted.event(item, u_index, position, leading)
                if found is None:
                    continue
                if hit:
                    spans.append(found)
                cursor = found[1]
        return _merged(spans, text)

    def _word_positions(self, unit: Unit, node: Node) -> set[int]:
        positions: set[int] = set()
        for term, negated in terms(node):
            if negated:
                continue
            if isinstance(term, Words):
                forms = [frozenset(self.index.forms(w, term.inflect)) for w in term.words]
                for start in phrase_starts(unit, forms):
                    positions.update(range(start, start + len(forms)))
            elif isinstance(term, Regex):
                positions.update(_regex_positions(unit, term.pattern))
        return positions


def _joined(rows: Sequence[tuple[int, str, int]]) -> str:
    return " ".join(part for part in (text[label_end:].strip()
                                      for _, text, label_end in rows) if part)


def _items(utterance: Utterance) -> Iterator[tuple[int, Token | Event]]:
    """(token position, token) and (event index, event) in source order, spoken tokens
    only (the words the index holds, in its order)."""
    words = dict(spoken(utterance))
    events = utterance.events
    at = 0
    for position in range(len(utterance.tokens)):
        while at < len(events) and events[at].index <= position:
            yield at, events[at]
            at += 1
        if position in words:
            yield position, words[position]
    while at < len(events):
        yield at, events[at]
        at += 1


def _find_token(text: str, lowered: str, token: Token, cursor: int) -> tuple[int, int] | None:
    start = text.find(token.text, cursor)
    if start >= 0:
        return start, start + len(token.text)
    match = _whole_word(token.clean.lower()).search(lowered, cursor)
    return (match.start(), match.end()) if match else None


@lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")


def _find_event(text: str, event: Event, cursor: int) -> tuple[int, int] | None:
    if event.inword or not event.text.strip() or event.kind in ("bullet", "scoped"):
        return None
    for mark in (event.text, *_rendered(event)):
        start = text.find(mark, cursor, cursor + _EVENT_REACH + len(mark))
        if start >= 0:
            return start, start + len(mark)
    return None


def _rendered(event: Event) -> tuple[str, ...]:
    """How the Jefferson rendering of a CHAT transcript writes an event's mark."""
    from cakit.notation import INTONATION_TO_JEFFERSON

    kind, label = event.kind, event.label
    if kind == "overlap":
        return ("[[", "[") if label.endswith("begin") else ("]]", "]")
    if kind == "latch":
        return ("=",)
    if kind == "intonation":
        mark = INTONATION_TO_JEFFERSON.get(label, "")
        return (mark,) if mark else ()
    if kind == "terminator":
        mark = {"period": ".", "question": "?", "exclamation": "!"}.get(label, "")
        return (mark,) if mark else ()
    if kind == "comment":
        return (f"(({' '.join(label.replace('_', ' ').split())}))",)
    if kind == "breath":
        return (".hh", "hh")
    return ()


def _regex_positions(unit: Unit, pattern: str) -> set[int]:
    starts = []
    offset = 0
    for word in unit.words:
        starts.append(offset)
        offset += len(word) + 1
    positions: set[int] = set()
    for match in re.finditer(pattern, " ".join(unit.words), re.IGNORECASE):
        for number, start in enumerate(starts):
            end = start + len(unit.words[number])
            if start < match.end() and match.start() < end:
                positions.add(number)
    return positions


class _ItemTest:
    """Which tokens and events of a unit carry the CA features a step asks for."""

    def __init__(self, node: Node, overlaps: dict[tuple[int, int], str]) -> None:
        self.bits = 0
        self.keys: set[str] = set()
        self.bounds: list[tuple[str, Callable[[float], bool]]] = []
        self.overlaps = overlaps
        for term, negated in terms(node):
            if negated:
                continue
            if isinstance(term, Mark):
                self.keys.add(term.key)
                if term.key in _BITS:
                    self.bits |= _BITS[term.key]
                elif term.key.startswith("flag:"):
                    self.bits |= int(Feature[term.key[5:].upper()])
            elif isinstance(term, Timed):
                self.bounds.append((term.name, _bound(COMPARE[term.op], term.seconds)))

    def token(self, token: Token) -> bool:
        return bool(self.bits and token.features & self.bits)

    def event(self, event: Event, u_index: int, e_index: int, leading: bool) -> bool:
        keys = self.keys
        kind = event.kind
        if kind == "pause":
            if "pause" in keys or ("micropause" in keys and event.label == "micro"):
                return True
            if leading and "gap" in keys:
                return True
            return event.value is not None and any(
                (name == "pause" or leading) and test(event.value)
                for name, test in self.bounds)
        if kind == "laugh":
            return "laugh" in keys
        if kind == "comment":
            return ("laugh" in keys and bool(_LAUGH_WORDS.search(event.label))) or (
                "smile" in keys and bool(_SMILE_WORDS.search(event.label)))
        if kind == "breath":
            return ("inbreath" if event.label == "in" else "outbreath") in keys
        if kind == "latch":
            return "latch" in keys
        if kind in ("intonation", "terminator"):
            return "question" in keys and event.label in QUESTION_CONTOURS
        if kind == "overlap" and event.label.endswith("begin"):
            role = self.overlaps.get((u_index, e_index))
            return "overlap" in keys or (role is not None and f"overlap:{role}" in keys)
        return False


def _bound(compare: Callable[[float, float], bool], bound: float) -> Callable[[float], bool]:
    return lambda value: compare(value, bound)


def _merged(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sorted spans, those that overlap or only spaces part joined (a phrase is one)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and (start <= out[-1][1] or not text[out[-1][1]:start].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _mapped(old: str, new: str) -> Callable[[int], int]:
    """Maps an offset in `old` to the offset of the same place in `new` (which differs
    from it by replacements): inside a replaced stretch, to its start or end."""
    if old == new:
        return lambda offset: offset
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def move(offset: int) -> int:
        for tag, a_start, a_end, b_start, b_end in blocks:
            if offset < a_end or (offset == a_end and tag == "equal"):
                if tag == "equal":
                    return b_start + (offset - a_start)
                return b_start if offset <= a_start else b_end
        return len(new)

    return move


__all__ = ["KwicBuilder", "KwicHit", "Line", "Source"]
