"""Transcript → Jefferson text: numbered lines, an aligned speaker column, aligned overlaps.

Any transcript renders, whichever notation it was read from: every feature and event is
written back as its Jefferson mark (from the table `cakit.notation.MARKS`), features
Jefferson has no mark for as their CHAT-CA glyph (which the Jefferson reader also reads),
and CHAT-only items (groups, scoped codes, bullets) are left out. Lines keep the source's
line structure: one output line per source line of talk, gaps and phase marks on lines of
their own, so `render_lines` can also give each output line the physical source line it
came from (`cakit show` prints those numbers).

Overlap brackets are re-aligned: the `[` of paired onsets are padded so they sit in the same
column, which is how a reader (and the Jefferson reader) pairs them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cakit.formats._order import talk_lines
from cakit.formats.jefferson.marks import (
    GAT_INTONATION,
    INTONATION,
    SOUNDS,
    UNTIMED_PAUSE,
    pause_reading,
)
from cakit.formats.jefferson.shape import ordered_items, word_shape
from cakit.model import (
    Event,
    Feature,
    Gap,
    Header,
    MediaTime,
    Participant,
    Role,
    Token,
    Transcript,
    Utterance,
)
from cakit.notation import (
    INTONATION_TO_JEFFERSON,
    JEFFERSON_PREFIX_MARKS,
    JEFFERSON_SPAN_MARKS,
    written_mark,
)

_SPAN_BITS = 0
for _bit, _, _ in JEFFERSON_SPAN_MARKS:
    _SPAN_BITS |= _bit
#: The Jefferson cut-off mark (`wor-`).
_CUTOFF = written_mark("jefferson", Feature.CUTOFF).mark


_STRUCTURAL = frozenset({"UTF8", "Begin", "End", "PID", "Font", "Window", "ID", "Options",
                         "Color words", "Languages"})
_CONTROL = dict.fromkeys(range(0x20), None)
_GAT_SPAN = re.compile(r"<<[^<>]*>|\(h+\)", re.I)


def laugh_letters(text: str) -> str:
    """The letters of a laugh particle as written, without `(h)` or GAT 2 span labels."""
    return "".join(ch for ch in _GAT_SPAN.sub("", text) if ch.isalpha() and ch != "Ἡ")


@dataclass(frozen=True, slots=True)
class JeffersonLine:
    """One rendered line of a transcript body.

    `source_line` is the physical line it was rendered from; `label` is empty on
    continuation, gap and phase lines; `kind` is talk, gap or header.
    """

    number: int
    source_line: int
    kind: str
    speaker: str
    role: Role
    label: str
    content: str


@dataclass(slots=True)
class _Chunk:
    pre: str = ""
    body: str = ""
    close: str = ""
    post: str = ""
    pad: int = 0
    anchor: str = ""
    anchor_offset: int = 0
    is_token: bool = False

    def render(self) -> str:
        return self.pre + self.body + self.close + self.post


@dataclass(slots=True)
class _Row:
    source_line: int
    kind: str
    speaker: str = ""
    role: Role = "unknown"
    label: str = ""
    chunks: list[_Chunk] = field(default_factory=list)


def to_jefferson(transcript: Transcript) -> str:
    """The transcript as Jefferson text with continuous line numbers.

    A header block (`Key: value` lines, then a blank line) comes first when the transcript
    has metadata; body lines are numbered 1… with the numbers right-aligned.
    """
    head = header_block(transcript)
    rows = render_lines(transcript, media=True)
    width = len(str(len(rows))) if rows else 1
    label_width = max((len(row.label) for row in rows), default=0) + 1
    out = list(head)
    if head:
        out.append("")
    for row in rows:
        label = f"{row.label}:" if row.label else ""
        out.append(f"{row.number:>{width}}  {label:<{label_width}}  {row.content}".rstrip())
    return "\n".join(out) + "\n"


def header_block(transcript: Transcript) -> list[str]:
    """`Key: value` lines for the transcript's metadata (header block)."""
    lines: list[str] = []
    first_line = transcript.utterances[0].line if transcript.utterances else 1 << 30
    has_participants = False
    for header in transcript.headers:
        if header.position != 0 or header.name in _STRUCTURAL or header.name in ("phase",
                                                                               "note"):
            continue
        if transcript.format == "jefferson" and header.line >= first_line:
            continue
        if header.name == "Participants" and transcript.format == "jefferson":
            has_participants = True
        elif header.name == "Participants":
            continue
        value = " ".join(header.value.translate(_CONTROL).split())
        lines.append(f"{header.name}: {value}".rstrip())
    if transcript.participants and not has_participants and transcript.format != "jefferson":
        labels = speaker_labels(transcript)
        declared = [_declaration(p, labels[p.code]) for p in transcript.participants]
        known = {labels[p.code] for p in transcript.participants}
        for speaker in dict.fromkeys(u.speaker for u in transcript.utterances):
            if labels[speaker] not in known:  # talk by an undeclared speaker
                known.add(labels[speaker])
                declared.append(f"{labels[speaker]} = unknown")
        lines.append(f"Participants: {'; '.join(declared)}")
    return lines


def speaker_labels(transcript: Transcript) -> dict[str, str]:
    """Each speaker code's label (`jefferson_label`), kept apart: CABNC files use both
    `STU` and `(STU)`, which would both become `STU` and so one speaker; a code that is a
    label already keeps it, and the other gets a number (`STU2`)."""
    codes = dict.fromkeys([*(p.code for p in transcript.participants),
                           *(u.speaker for u in transcript.utterances)])
    labels: dict[str, str] = {}
    used: set[str] = set()
    for code in sorted(codes, key=lambda c: jefferson_label(c) != c):
        label = base = jefferson_label(code)
        number = 2
        while label in used:
            label, number = f"{base}{number}", number + 1
        labels[code] = label
        used.add(label)
    return labels


def jefferson_label(code: str) -> str:
    """A speaker code as a label the Jefferson reader reads back: `(STU)` → `STU`,
    `0` → `X0` (CHAT codes are kept as they are)."""
    label = re.sub(r"[^\w'.-]+", "", code)
    return label if label[:1].isalpha() else f"X{label}"


def _declaration(participant: Participant, label: str) -> str:
    """`DOC = Anna_Smith, clinician (Doctor)`: label, CHAT name, cakit role, CHAT role."""
    name = f"{participant.name}, " if participant.name else ""
    chat_role = participant.label_role
    return f"{label} = {name}{participant.role}" + (
        f" ({chat_role})" if chat_role else "")


def media_mark(media: MediaTime) -> str:
    """A media bullet as Jefferson can hold it: `((media 00:01.000-00:02.500))`."""
    return f"((media {_clock(media.start_ms)}-{_clock(media.end_ms)}))"


def _clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    head = f"{hours}:{minutes:02d}" if hours else f"{minutes:02d}"
    return f"{head}:{seconds:02d}.{millis:03d}"


def scoped_overlap_links(transcript: Transcript) -> dict[tuple[int, int], str]:
    """(utterance index, event index) → link for CHAT `[>]` … `[<]` pairs.

    A `[>]` pairs with the next `[<]` by another speaker; a `[<]` without one gets a link
    of its own (it is still an overlap, just not aligned).
    """
    links: dict[tuple[int, int], str] = {}
    waiting: list[tuple[str, str]] = []  # (speaker, link) of unpaired [>]
    for utterance in transcript.utterances:
        for e_index, event in enumerate(utterance.events):
            if event.kind != "scoped" or event.label not in ("<", ">") or not event.scope:
                continue
            key = (utterance.index, e_index)
            if event.label == ">":
                link = f"s{utterance.index}.{e_index}"
                waiting.append((utterance.speaker, link))
                links[key] = link
                continue
            partner = next((w for w in waiting if w[0] != utterance.speaker), None)
            if partner is not None:
                waiting.remove(partner)
            links[key] = partner[1] if partner else f"s{utterance.index}.{e_index}"
    return links


def render_lines(transcript: Transcript, *, media: bool = False,
                 bullet: Callable[[MediaTime], str] = media_mark) -> list[JeffersonLine]:
    """The body as rendered lines (numbered 1…), overlaps aligned, in source order.

    `media` adds each media bullet as `bullet` writes it: by default a `((media …))` mark
    (for files); `cakit show` passes readable times (`[00:33.9–00:44.3]`); excerpts leave
    bullets out."""
    roles = {p.code: p.role for p in transcript.participants}
    labels = speaker_labels(transcript)
    links = scoped_overlap_links(transcript)
    elements: list[tuple[int, int, object]] = []
    first_line = transcript.utterances[0].line if transcript.utterances else 1 << 30
    for utterance, line in zip(transcript.utterances, talk_lines(transcript), strict=True):
        elements.append((line, 1, utterance))
    for gap in transcript.gaps:
        elements.append((gap.line, 0, gap))
    for header in transcript.headers:
        if header.name in _STRUCTURAL:
            continue
        if header.name == "phase" or header.position > 0 or (
            transcript.format == "jefferson" and header.name == "note"
        ) or (header.line > first_line and transcript.format == "jefferson"):
            elements.append((header.line, 0, header))
    elements.sort(key=lambda element: (element[0], element[1]))
    rows: list[_Row] = []
    for _, _, element in elements:
        if isinstance(element, Utterance):
            rows.extend(_utterance_rows(element, roles.get(element.speaker, "unknown"),
                                        transcript, links, media=media, bullet=bullet,
                                        label=labels[element.speaker]))
        elif isinstance(element, Gap):
            chunks = [_Chunk(body=gap_text(element))]
            if media and element.media is not None:
                chunks.append(_Chunk(body=bullet(element.media)))
            rows.append(_Row(element.line, "gap", chunks=chunks))
        elif isinstance(element, Header):
            rows.append(_Row(element.line, "header", chunks=[_Chunk(body=_header_text(element))]))
    _align(rows)
    return [
        JeffersonLine(
            number=number, source_line=row.source_line, kind=row.kind, speaker=row.speaker,
            role=row.role, label=row.label, content=_join(row.chunks),
        )
        for number, row in enumerate(rows, start=1)
    ]


def utterance_texts(transcript: Transcript) -> dict[int, str]:
    """Each utterance (by index) in Jefferson notation on one line, as `to_jefferson`
    writes it but without the column alignment of overlaps and without media bullets: the
    text an ELAN annotation holds, which cakit reads back as Jefferson."""
    roles = {p.code: p.role for p in transcript.participants}
    links = scoped_overlap_links(transcript)
    return {
        utterance.index: " ".join(" ".join(_join(row.chunks).split()) for row in rows).strip()
        for utterance in transcript.utterances
        for rows in [_utterance_rows(utterance, roles.get(utterance.speaker, "unknown"),
                                     transcript, links)]
    }


def gap_text(gap: Gap) -> str:
    """A silence on a line of its own as Jefferson writes it: `(1.2)`, `(.)`."""
    return _pause_text(gap.text, gap.duration, "timed")


def _header_text(header: Header) -> str:
    value = " ".join(header.value.translate(_CONTROL).split())
    if header.name == "phase":
        return f"((phase: {value}))"
    if header.name == "note":
        return value
    return f"((@{header.name}: {value}))"


def _join(chunks: Iterable[_Chunk]) -> str:
    parts: list[str] = []
    for index, chunk in enumerate(chunks):
        if index:
            parts.append(" ")
        parts.append(" " * chunk.pad)
        parts.append(chunk.render())
    return "".join(parts)


# --- one utterance ------------------------------------------------------------------------


class _UtteranceWriter:
    """Lays out one utterance's items over its source lines."""

    def __init__(self, utterance: Utterance, role: Role, transcript: Transcript,
                 label: str) -> None:
        self.utterance = utterance
        self.label = label
        self.role = role
        self.rows: list[_Row] = []
        self.open = 0  # span features currently open
        self.last_token: _Chunk | None = None
        self.pending = ""
        self.pending_anchor = ""
        self.pending_anchor_offset = 0
        self.row: _Row | None = None
        self.previous_intonation_index = -1
        self.scoped_open: dict[int, str] = {}  # token index → link of a [>]/[<] starting there
        self.scoped_close: set[int] = set()  # token indices a [>]/[<] scope ends after
        self.position = 0  # index of the next token

    def row_for(self, line: int) -> _Row:
        if self.row is None or (line > self.row.source_line):
            if self.row is not None:
                self.flush_pending()
            first = self.row is None
            self.row = _Row(line, "talk", self.utterance.speaker, self.role,
                            self.label if first else "")
            self.rows.append(self.row)
        return self.row

    def flush_pending(self) -> None:
        if self.pending and self.row is not None:
            self.row.chunks.append(_Chunk(pre=self.pending, anchor=self.pending_anchor,
                                          anchor_offset=self.pending_anchor_offset))
            self.pending = ""
            self.pending_anchor = ""

    def add(self, chunk: _Chunk, line: int) -> None:
        row = self.row_for(line)
        if self.pending:
            if self.pending_anchor:
                chunk.anchor = self.pending_anchor
                chunk.anchor_offset = self.pending_anchor_offset
            chunk.pre = self.pending + chunk.pre
            self.pending = ""
            self.pending_anchor = ""
        row.chunks.append(chunk)

    def glue_after(self, text: str, line: int) -> None:
        row = self.row_for(line)
        if self.pending:
            self.flush_pending()
        if row.chunks:
            row.chunks[-1].post += text
        else:
            row.chunks.append(_Chunk(body=text))

    def glue_before(self, text: str, anchor: str = "") -> None:
        if anchor and not self.pending_anchor:
            self.pending_anchor = anchor
            self.pending_anchor_offset = len(self.pending)
        self.pending += text

    def close_spans(self, keep: int) -> None:
        closing = self.open & ~keep
        if not closing or self.last_token is None:
            self.open &= keep
            return
        for bit, _, closer in reversed(JEFFERSON_SPAN_MARKS):
            if closing & bit:
                self.last_token.close += closer
        self.open &= keep

    def token(self, token: Token) -> None:
        position = self.position
        self.position += 1
        if position in self.scoped_open:
            self.row_for(token.line)
            self.glue_before("[", anchor=self.scoped_open[position])
        self._token(token)
        if position in self.scoped_close:
            self.glue_after("]", token.line)

    def _token(self, token: Token) -> None:
        if token.kind == "omission":
            return  # a CHAT `0word` was not said; Jefferson has no mark for it (CK420)
        features = token.features
        wanted = features & _SPAN_BITS
        if token.kind == "untranscribed":
            # `( )` takes no glued marks: spans already open stay open, none opens on it
            wanted &= self.open & ~Feature.UNCERTAIN
        if wanted & Feature.VERY_QUIET:
            wanted &= ~Feature.QUIET
        self.close_spans(wanted)
        self.row_for(token.line)
        pre = ""
        numeric = token.clean[:1].isdigit()
        for bit, opener, _ in JEFFERSON_SPAN_MARKS:
            if wanted & bit and not self.open & bit:
                # `(0)` would read as a pause: an uncertain number opens with `(?`
                pre += "(?" if bit == Feature.UNCERTAIN and numeric else opener
        self.open |= wanted
        if token.kind == "untranscribed":
            self.flush_pending()  # `[( )` would not read back as unclear talk
        for bit, mark in JEFFERSON_PREFIX_MARKS:
            if features & bit and token.kind != "untranscribed":
                pre += mark
        if numeric and pre.endswith(("£", "$")):
            pre += " "  # `£9` reads as a price: smile voice opens on a number apart
        if token.kind == "untranscribed":
            body = "( )"
        else:
            body = word_shape(token)
            if features & (Feature.LOUD | Feature.ACCENT):
                body = body.upper()
            if features & Feature.CUTOFF or token.kind == "fragment":
                body += _CUTOFF  # a CHAT `&+fr` fragment is a word cut off: `fr-`
        chunk = _Chunk(pre=pre, body=body, is_token=True)
        self.add(chunk, token.line)
        self.last_token = chunk

    def event(self, event: Event) -> None:
        kind = event.kind
        label = event.label
        line = event.line
        if kind == "overlap":
            if label.endswith("begin"):
                self.row_for(line)
                self.glue_before("[[" if event.text == "[[" else "[", anchor=event.link)
            else:
                self.glue_after("]]" if event.text == "]]" else "]", line)
        elif kind == "latch":
            if label == "start":
                self.row_for(line)
                self.glue_before("=")
            else:
                self.glue_after("=", line)
        elif kind == "intonation":
            mark = INTONATION_TO_JEFFERSON.get(label, "")
            if INTONATION.get(event.text) == label or GAT_INTONATION.get(event.text) == label:
                mark = event.text
            if mark:
                self.glue_after(mark, line)
                self.previous_intonation_index = event.index
        elif kind == "terminator":
            mark = {"period": ".", "question": "?", "exclamation": "!"}.get(label, "")
            if mark and self.previous_intonation_index != event.index:
                self.glue_after(mark, line)
        elif kind == "separator" and label == "comma":
            self.glue_after(",", line)
        elif kind == "pause":
            self.add(_Chunk(body=_pause_text(event.text, event.value, label)), line)
        elif kind == "comment":
            if event.text.startswith("<<"):
                return
            self.add(_Chunk(body=f"(({' '.join(label.replace('_', ' ').split())}))"), line)
        elif kind == "breath":
            self.add(_Chunk(body=_breath_text(event)), line)
        elif kind == "laugh":
            letters = laugh_letters(event.text)
            if set(letters.lower()) <= {"h"}:
                self.add(_Chunk(body="(h)"), line)
            else:
                self.add(_Chunk(body=letters), line)
        elif kind == "sound":
            letters = "".join(ch for ch in event.text if ch.isalpha())
            if letters.lower() not in SOUNDS:
                letters = "pt" if label == "lip_smack" else "tch"
            self.add(_Chunk(body=letters), line)
        elif kind == "interposed":
            said = label.split(":", 1)[1] if ":" in label and event.text.startswith("&*") else label
            self.add(_Chunk(body="{" + said.replace("_", " ") + "}"), line)
        elif kind == "mark" and event.text.strip() and not event.text.startswith("&"):
            if any(ch in event.text for ch in "°£$#~<>()[]{}=_*"):
                return
            self.add(_Chunk(body=event.text), line)

    def finish(self) -> list[_Row]:
        self.close_spans(0)
        if self.row is None:
            self.row_for(self.utterance.line)
        self.flush_pending()
        return self.rows


def _utterance_rows(
    utterance: Utterance, role: Role, transcript: Transcript,
    links: dict[tuple[int, int], str] | None = None, *, media: bool = False,
    bullet: Callable[[MediaTime], str] = media_mark, label: str = "",
) -> list[_Row]:
    writer = _UtteranceWriter(utterance, role, transcript,
                              label or jefferson_label(utterance.speaker))
    if not utterance.tokenized:
        row = writer.row_for(utterance.line)
        row.chunks.append(_Chunk(body=" ".join(utterance.content.split())))
        return writer.rows
    for e_index, event in enumerate(utterance.events):
        link = (links or {}).get((utterance.index, e_index))
        if link is not None and event.scope and event.scope[1] > event.scope[0]:
            writer.scoped_open[event.scope[0]] = link
            writer.scoped_close.add(event.scope[1] - 1)
    for item in ordered_items(utterance):
        if isinstance(item, Token):
            writer.token(item)
        else:
            writer.event(item)
    rows = writer.finish()
    if media and utterance.media is not None:
        # not on a line that is only a pause: the reader takes such a line for a gap
        row = next((r for r in reversed(rows)
                    if pause_reading(_join(r.chunks).strip()) is None), rows[0])
        row.chunks.append(_Chunk(body=bullet(utterance.media)))
    return rows


def _pause_text(text: str, value: float | None, label: str) -> str:
    """The pause as written when it is a Jefferson pause, else `(.)` or `(1.5)`."""
    stripped = text.strip()
    if pause_reading(stripped) is not None and not stripped.startswith("(-"):
        return stripped
    if label == "untimed":  # a pause of no stated length (a BNC <pause> tag)
        return f"(({UNTIMED_PAUSE}))"
    if label == "micro" or value is None:
        return "(.)"
    if label == "medium" and stripped == "(..)":
        return "(..)"
    return f"({value:.1f})" if round(value * 10) == value * 10 else f"({value:g})"


def _breath_text(event: Event) -> str:
    letters = "".join(ch for ch in event.text if ch.isalpha())
    if event.label == "in":
        return "." + (letters or "hh")
    return letters if len(letters) >= 2 and set(letters.lower()) == {"h"} else "hh"


# --- overlap alignment --------------------------------------------------------------------


def _align(rows: list[_Row]) -> None:
    """Pad chunks so that the `[` of each paired overlap sits in one column."""
    anchors: dict[str, list[tuple[int, int]]] = {}
    for r_index, row in enumerate(rows):
        for c_index, chunk in enumerate(row.chunks):
            if chunk.anchor:
                anchors.setdefault(chunk.anchor, []).append((r_index, c_index))
    groups = [members for members in anchors.values() if len({m[0] for m in members}) > 1]
    if not groups:
        return
    label_width = max((len(row.label) for row in rows), default=0)
    groups.sort(key=lambda members: min(members))
    for _ in range(50):
        changed = False
        for members in groups:
            columns = [_column(rows[r], c, label_width) for r, c in members]
            target = max(columns)
            for (r, c), column in zip(members, columns, strict=True):
                if column < target:
                    rows[r].chunks[c].pad += target - column
                    changed = True
        changed = _apart(rows, groups, label_width) or changed
        if not changed:
            return


#: How far back (in rows) the reader looks for an overlap group a `[` could join, with some
#: room: it looks back four utterances (`cakit.formats.jefferson.reader._pair_overlaps`).
_REACH_ROWS = 8


def _apart(rows: list[_Row], groups: list[list[tuple[int, int]]], label_width: int) -> bool:
    """Move an overlap whose first `[` the reader would take into an earlier, different
    overlap (within two columns of its `[`, by a speaker not in it) three columns to the
    right of it: back-to-back overlaps of three speakers were read as one three-party
    overlap and an unpaired `[`. True when something moved."""
    moved = False
    for k, members in enumerate(groups):
        first_row, first_chunk = min(members)
        speaker = rows[first_row].speaker
        column = _column(rows[first_row], first_chunk, label_width)
        for earlier in groups[:k]:
            if first_row - max(r for r, _ in earlier) > _REACH_ROWS or \
                    speaker in {rows[r].speaker for r, _ in earlier}:
                continue
            other = max(_column(rows[r], c, label_width) for r, c in earlier)
            if abs(other - column) <= 2:
                rows[first_row].chunks[first_chunk].pad += other + 3 - column
                moved = True
                break
    return moved


def _column(row: _Row, chunk_index: int, label_width: int) -> int:
    column = label_width
    for index, chunk in enumerate(row.chunks):
        if index:
            column += 1
        column += chunk.pad
        if index == chunk_index:
            return column + chunk.anchor_offset
        column += len(chunk.render())
    return column


__all__ = ["JeffersonLine", "header_block", "laugh_letters", "media_mark", "render_lines",
           "scoped_overlap_links", "to_jefferson"]


def coincident_onsets(transcript: Transcript) -> int:
    """Overlap onsets at the same word as an earlier onset (`⌊terrible⌈`, `⌈⌊Ye:h`): one
    Jefferson `[` or `[[` stands before the word for all of them."""
    extra = 0
    for utterance in transcript.utterances:
        seen: set[int] = set()
        for event in utterance.events:
            if event.kind == "overlap" and event.label.endswith("begin"):
                extra += event.index in seen
                seen.add(event.index)
    return extra


def jefferson_losses(transcript: Transcript) -> list[str]:
    """What a Jefferson rendering of `transcript` leaves out, one phrase per kind."""
    tiers = sum(len(u.tiers) for u in transcript.utterances)
    codes = sum(1 for u in transcript.utterances for e in u.events
                if e.kind == "scoped" and e.label not in ("<", ">"))
    dropped = sorted({h.name for h in transcript.headers if h.name in _STRUCTURAL
                      and h.name not in ("UTF8", "Begin", "End")})
    shared = coincident_onsets(transcript)
    ids = sum(1 for p in transcript.participants if p.id is not None and (
        p.id.age or p.id.sex or p.id.ses or p.id.group or p.id.education or p.id.custom))
    inner = sum(max(0, sum(1 for e in u.events if e.kind == "bullet") - 1)
                for u in transcript.utterances)
    kinds = Counter(t.kind for u in transcript.utterances for t in u.tokens)
    losses = [
        f"{tiers} dependent tier{'s' if tiers != 1 else ''} (%mor, %gra, %com …)" if tiers
        else "",
        f"{codes} scoped code{'s' if codes != 1 else ''} ([/], [: x], [*] …)" if codes else "",
        f"{shared} overlap onset{'s' if shared != 1 else ''} sharing a word with another "
        "onset (one [[ marks both)" if shared else "",
        f"@ID details (age, sex, SES …) of {ids} participant{'s' if ids != 1 else ''}"
        if ids else "",
        f"header{'s' if len(dropped) != 1 else ''} {', '.join('@' + n for n in dropped)}"
        if dropped else "",
        f"{inner} media bullet{'s' if inner != 1 else ''} inside utterances (each utterance "
        "keeps one time, from its first bullet to its last)" if inner else "",
        f"{kinds['omission']} omitted word{'s' if kinds['omission'] != 1 else ''} (0word: "
        "not said, so not written)" if kinds["omission"] else "",
        f"the marking of {kinds['nonword']} nonword{'s' if kinds['nonword'] != 1 else ''} "
        "(&~: written as words)" if kinds["nonword"] else "",
    ]
    return [loss for loss in losses if loss]
