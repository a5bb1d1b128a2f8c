"""The Jefferson reader: plain-text (or Word) transcripts → the `Transcript` model.

Jefferson transcripts have no fixed file format, so the reader accepts the layouts analysts
actually use: printed line numbers or none, analyst arrows, any common speaker-label style
(`Dr:`, `PSY:`, `Pt:`, `Mum:`; `DOC<TAB>` without a colon for known labels), turns that run
over indented continuation lines, pauses on their own line, a header block (`Title: …`,
`Date: …`, ended by a blank line) and manual phase marks (`((phase: pre-closing))`).

Everything keeps the physical line and column it was read from, before line numbers and
labels are stripped, so excerpts and diagnostics cite the line an analyst would cite.
Overlap brackets are paired across speakers by the column they are printed in, as a reader
of the transcript pairs them by eye.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cakit._quick_init import quick_init
from cakit.formats._diag import Collector, ErrorMode
from cakit.formats.jefferson.marks import LOOSE_PAUSE, Content, Convention, pause_reading
from cakit.formats.jefferson.roles import (
    RoleLookup,
    normalise_label,
    resolve_role,
    role_from_description,
)
from cakit.formats.jefferson.tokens import tokenize_turn
from cakit.model import (
    Diagnostic,
    Event,
    Gap,
    Header,
    MediaTime,
    ParseResult,
    Participant,
    ParticipantId,
    Role,
    Transcript,
    Utterance,
)
from cakit.turns import derive_turns, turn_breaks

_ARROW = r"(?:→|->|⇒|➔|►|⟶)"
_NUMBER = re.compile(rf"^[ \t]*(?:{_ARROW}[ \t]*)?\d{{1,6}}(?:[.:)](?=\s|$))?(?=\s|$)")
_NUMBERED_PREFIX = re.compile(
    rf"^[ \t]*(?:{_ARROW}[ \t]*)?\d{{1,6}}(?:[.:)](?=\s|$))?(?:[ \t]+|$)(?:{_ARROW}(?:[ \t]+|$))?"
)
_PLAIN_PREFIX = re.compile(rf"^[ \t]*(?:{_ARROW}(?:[ \t]+|$))?")
#: One word of a speaker label: `Dr`, `Pt.`, `Mum/Dad`, `Pt<2>`, or a quoted `"Dr"`. A `/`
#: joins two words and `<…>` closes right after a letter, so talk opening with a mark
#: (`<slow>`, `>fast<`) never starts a label.
_LABEL_WORD = r"""(?:[A-Za-z](?:[\w'’.\-]|/(?=\w)|<\w{1,6}>){0,24}|"[A-Za-z][\w'’.\-]{0,24}")"""
_LABEL = re.compile(
    rf"(?P<label>{_LABEL_WORD}(?: {_LABEL_WORD}){{0,2}}?)[ \t]*:(?=\s|$)"
)
#: A label opening with a quoted word is one only before a name: `"Dr" Smith:`, not the
#: reported speech of `"no" she said: …`.
_QUOTED_NAME = re.compile(r'"[^"]+" [A-Z]')
_BARE_LABEL = re.compile(r"(?P<label>[A-Za-z][\w'.]{0,14})(?=\t|  )")
_GAP = re.compile(rf"^\s*(\((?:\.{{1,3}}|-{{1,3}})\)|{LOOSE_PAUSE}|\.{{3,}}|…)\s*"
                  r"(?:\(\((?P<media>media [^()]*)\)\)\s*)?$")
_SPECIAL_HEADER = re.compile(
    r"^\s*\(\(\s*(?P<name>phase|@[A-Za-z][A-Za-z ]*?)\s*:\s*(?P<value>.*?)\s*\)\)\s*$", re.I
)
_HEADER_LINE = re.compile(
    r"^(?P<key>[A-Za-z][A-Za-z0-9 _/()&.'-]{0,40}?)[ \t]*:[ \t]*(?P<value>.*)$"
)
_DECLARATION = re.compile(
    r"^\s*(?P<label>[A-Za-z][\w.'-]{0,20})\s*(?:=|:|–|—|-|\()\s*(?P<desc>[^)]+?)\)?\s*$"
)

#: cakit's own declaration, written by the Jefferson writer (docs/convert.md):
#: `DOC = Anna_Smith, clinician (Doctor)` — code, optional name, cakit role, CHAT role.
CAKIT_DECLARATION = re.compile(
    r"^\s*(?P<label>[A-Za-z][\w.'-]{0,20})\s*=\s*(?:(?P<name>[^,;()=]+?),\s*)?"
    r"(?P<role>clinician|patient|carer|other|unknown)(?:\s*\((?P<chat>[\w'-]+)\))?\s*$"
)
#: A media bullet as the Jefferson writer keeps it: `((media 00:01.000-00:02.500))`.
_MEDIA_MARK = re.compile(
    r"^media (?:(?P<h1>\d+):)?(?P<m1>\d{2}):(?P<s1>\d{2})\.(?P<f1>\d{3})"
    r"-(?:(?P<h2>\d+):)?(?P<m2>\d{2}):(?P<s2>\d{2})\.(?P<f2>\d{3})$"
)

#: Header-block keys that mark the first paragraph as metadata rather than talk.
HEADER_KEYS = frozenset(
    """title date time transcriber transcribed_by transcription key participants speakers
    recording recorded duration length location setting source file consultation id notes
    note comment comments language corpus project study site clinic extract excerpt session
    interviewer conventions audio video media version transcript type recording_date
    transcription_key key_to_speakers""".split()
)
_DECLARING_KEYS = frozenset({"participants", "speakers", "key to speakers", "key_to_speakers"})


@dataclass(slots=True)
class _Turn:
    """An utterance under construction: its labelled line and continuation lines."""

    label: str
    speaker: str
    line: int
    col: int
    segments: list[tuple[int, int, str]] = field(default_factory=list)  # line, col, text
    #: the column (TABs expanded) where its label is printed
    label_column: int = 0


@dataclass(frozen=True, slots=True)
class _Line:
    """A physical line after line numbers and analyst arrows are taken off."""

    number: int  # 1-based physical line
    text: str  # the whole physical line
    start: int  # 0-based index where the content starts
    rest: str  # text[start:], kept: every step of the layout pass reads it
    lead: int  # blanks at the start of `rest` (its length when the line is blank)

    @property
    def col(self) -> int:
        return self.start + 1


quick_init(_Line)  # one per physical line


def parse_jefferson(
    lines: list[str],
    *,
    source: str = "<string>",
    errors: ErrorMode = "collect",
    roles: Mapping[str, Role] | None = None,
    convention: Convention = "jefferson",
    tokenize: bool = True,
    sha256: str = "",
    stem: str = "",
    underline: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    diagnostics: Sequence[Diagnostic] = (),
    metadata: Sequence[tuple[str, str]] = (),
) -> ParseResult:
    """Read a Jefferson transcript given as physical lines.

    Args:
        lines: the physical lines (paragraphs, for a Word file), without line ends.
        source: path used in diagnostics and spans.
        errors: "raise" stops at the first error (`ParseError`); "collect" keeps going.
        roles: speaker label → role from the corpus (`cakit.yaml`) or `--roles`; any case.
        convention: "jefferson" or "gat2" (capitals mark accent; GAT 2 pauses and spans).
        tokenize: False reads speakers, lines and turns only.
        sha256: hash of the source bytes, recorded on the transcript.
        stem: transcript id (the file name without suffix).
        underline: physical line → underlined character ranges (0-based, end exclusive),
            from a Word file; the words they cover get `Feature.EMPHASIS`.
        diagnostics: problems found before parsing (decoding, the Word container).
        metadata: extra metadata pairs to record (e.g. the container format).

    Raises:
        ParseError: in "raise" mode, on the first error.
    """
    diag = Collector(source, lines, errors)
    diag.extend(list(diagnostics))
    reader = _Reader(lines, diag, roles or {}, convention, tokenize, underline or {})
    reader.run()
    return reader.finish(source=source, sha256=sha256, stem=stem, metadata=metadata)


class _Reader:
    def __init__(
        self,
        lines: list[str],
        diag: Collector,
        roles: Mapping[str, Role],
        convention: Convention,
        tokenize: bool,
        underline: Mapping[int, Sequence[tuple[int, int]]],
    ) -> None:
        self.lines = lines
        self.diag = diag
        self.overrides = roles
        self.convention = convention
        self.tokenize = tokenize
        self.underline = underline
        self.headers: list[Header] = []
        self.turns: list[_Turn] = []
        self.gaps: list[Gap] = []
        self.declared: dict[str, Role] = {}
        self.names: dict[str, str] = {}
        self.chat_roles: dict[str, str] = {}  # label → CHAT role from a cakit declaration
        self.participants: dict[str, Participant] = {}  # normalised label → participant
        self.body_start = 0
        self.lookups: dict[str, RoleLookup] = {}

    # -- layout ----------------------------------------------------------------------------
    def run(self) -> None:
        lines = self.lines
        if not any(line.strip() for line in lines):
            self.diag.add("CK310", "error", "transcript has no content", 1, 1)
            return
        # the header block can only be the first paragraph (and the blank line after it)
        first = next(k for k, line in enumerate(lines) if line.strip())
        end = first
        while end < len(lines) and lines[end].strip():
            end += 1
        head = lines[: end + 1]
        self.body_start = self._header_block(head, _PLAIN_PREFIX)
        numbered_file = not self.body_start and self._numbered(lines)
        if numbered_file:
            self.body_start = self._header_block(head, _NUMBERED_PREFIX)
        # the body's numbering decides the prefix (counted above when it is the whole file)
        numbered = self._numbered(lines[self.body_start :]) if self.body_start else numbered_file
        prefix = _NUMBERED_PREFIX if numbered else _PLAIN_PREFIX
        body = _body_lines(lines, self.body_start, prefix)
        matches = [_LABEL.match(entry.rest, entry.lead) for entry in body]
        base_col = self._label_column(body, matches)
        current: _Turn | None = None
        pending_pauses: list[_Line] = []
        for entry, match in zip(body, matches, strict=True):
            rest = entry.rest
            # the first character rules out most lines before their patterns are tried
            opener = rest[entry.lead]
            special = _SPECIAL_HEADER.match(rest) if opener == "(" else None
            if special:
                self._flush_pauses(pending_pauses, current, continuing=False)
                name = special.group("name")
                name = "phase" if name.lower() == "phase" else name[1:].strip()
                self.headers.append(Header(name=name, value=special.group("value"),
                                           line=entry.number, position=len(self.turns)))
                current = None
                continue
            if opener in "(.…" and _GAP.match(rest):
                pending_pauses.append(entry)
                continue
            label = self._label(entry, match, base_col)
            if label is not None:
                self._flush_pauses(pending_pauses, current, continuing=False)
                name, label_start, content_start = label
                current = self._start_turn(entry, name, label_start, content_start)
                continue
            if current is None:
                self._flush_pauses(pending_pauses, current, continuing=False)
                self.diag.add("CK303", "warning", "line has no speaker label and no turn to "
                              "continue", entry.number, entry.col,
                              hint="start each turn with a speaker label such as 'Dr:' or 'P:'")
                self.headers.append(Header(name="note", value=rest.strip(), line=entry.number,
                                           position=len(self.turns)))
                continue
            self._flush_pauses(pending_pauses, current, continuing=True)
            if visual_column(entry.text, entry.start + entry.lead + 1) <= current.label_column:
                self.diag.add("CK314", "warning", "line has no speaker label and is not "
                              f"indented: read as more of {current.label}'s turn",
                              entry.number, entry.col, hint="start it with its speaker's "
                              "label, or indent it under the talk above")
            current.segments.append((entry.number, entry.start + entry.lead + 1, rest.strip()))
        self._flush_pauses(pending_pauses, current, continuing=False)

    @staticmethod
    def _numbered(lines: list[str]) -> bool:
        """True when most non-blank lines start with a printed line number."""
        non_blank = [line for line in lines if line.strip()]
        count = sum(1 for line in non_blank if _NUMBER.match(line))
        return count >= 0.5 * len(non_blank) and (count >= 2 or count == len(non_blank) > 0)

    def _speaks_below(self, key: str, after: int) -> bool:
        """Whether `key` labels talk after the header block ("Interpreter: Tran Minh Duc"
        under Title and Date is a header unless an `Interpreter:` speaks below)."""
        label = re.compile(rf"^\s*(?:\d+\s+)?{re.escape(key)}(?::|\t|  )")
        return any(label.match(line) for line in self.lines[after:])

    def _header_block(self, head: list[str], prefix: re.Pattern[str]) -> int:
        """Read a leading `Key: value` block ended by a blank line; returns the body start.

        `head` is the first paragraph of the file and the blank line after it, read with
        `prefix` taken off each line. Lines are read one at a time and the first line of
        talk ends the search, so a file that opens with talk costs a line or two.
        """
        entries: list[tuple[str, str, int, bool]] = []  # key, value, line, continuation
        known = False
        first: int | None = None
        end: int | None = None
        for k, text in enumerate(head):
            entry = _strip(k, text, prefix)
            rest = entry.rest
            if not rest.strip():
                if first is None:
                    continue
                end = k
                break
            if first is None:
                first = k
            match = _HEADER_LINE.match(rest.strip())
            if entry.text[:1] in " \t" and entries and not match:
                entries.append(("", rest.strip(), entry.number, True))
                continue
            if not match:
                if k == first:
                    entries.append(("Title", rest.strip(), entry.number, False))
                    continue
                if ":" in rest:  # a label of talk, or a header cakit cannot read
                    return 0
                # a sentence about the transcript ("Line numbers count from the talk."):
                # a note of the header block, when the block has a header cakit knows
                entries.append(("note", rest.strip(), entry.number, False))
                continue
            key = match.group("key").strip()
            normal = key.lower().replace(" ", "_")
            if normal in HEADER_KEYS:
                known = True
            elif resolve_role(key, self.overrides).how != "unknown" and (
                    not known or self._speaks_below(key, _paragraph_end(head, k, prefix))):
                return 0  # talk: a role's label, or a label that speaks below
            entries.append((key, match.group("value").strip(), entry.number, False))
        if end is None:  # no blank line ends the paragraph: it is talk, not a header block
            return 0
        if not known:
            return 0
        headers: list[Header] = []
        for key, value, line, continuation in entries:
            if continuation and headers:
                last = headers[-1]
                headers[-1] = replace(last, value=f"{last.value} {value}".strip())
            else:
                headers.append(Header(name=key, value=value, line=line, position=0))
        self.headers.extend(headers)
        for header in headers:
            if header.name.lower() in _DECLARING_KEYS:
                self._declarations(header.value)
        return end

    def _declarations(self, value: str) -> None:
        """`Participants: Dr = consultant psychiatrist; P = patient; M = mother`."""
        for part in value.split(";") if ";" in value else re.split(r"[;,]", value):
            if self._cakit_declaration(part):
                continue
            match = _DECLARATION.match(part)
            if not match:
                continue
            label = normalise_label(match.group("label"))
            description = match.group("desc").strip()
            role = role_from_description(description)
            if role is not None:
                self.declared[label] = role
                self.lookups.clear()
            # "Dr Okafor (psychiatrist)" names Dr Okafor; the parenthesis gives the role
            self.names[label] = re.sub(r"\s*\(.*$", "", description).strip() or description

    def _cakit_declaration(self, part: str) -> bool:
        """Read `DOC = Anna_Smith, clinician (Doctor)`; False if `part` is not that form."""
        match = CAKIT_DECLARATION.match(part)
        if match is None:
            return False
        label = normalise_label(match.group("label"))
        self.declared[label] = match.group("role")  # type: ignore[assignment]
        self.lookups.clear()
        self.names[label] = (match.group("name") or "").strip()
        self.chat_roles[label] = match.group("chat") or ""
        return True

    def _label_column(self, body: list[_Line], matches: list[re.Match[str] | None]) -> int:
        """The column where speaker labels start (the most common column of known labels).

        `matches` holds the `_LABEL` match of each body line.
        """
        columns: Counter[int] = Counter()
        first_cols: list[int] = []
        for entry, match in zip(body, matches, strict=True):
            col = entry.start + entry.lead + 1
            first_cols.append(col)
            if match and self._lookup(match.group("label")).how != "unknown":
                columns[col] += 1
        if columns:
            return columns.most_common(1)[0][0]
        return min(first_cols) if first_cols else 1

    def _lookup(self, label: str) -> RoleLookup:
        """The role of a label (cached: a transcript repeats a handful of labels)."""
        found = self.lookups.get(label)
        if found is None:
            found = resolve_role(label, self.overrides, self.declared)
            self.lookups[label] = found
        return found

    def _label(
        self, entry: _Line, match: re.Match[str] | None, base_col: int
    ) -> tuple[str, int, int] | None:
        """(label, label start, content start) for a labelled line, else None.

        `match` is the line's `_LABEL` match.
        """
        rest = entry.rest
        lead = entry.lead
        indented = entry.start + lead > base_col
        if match:
            label = match.group("label").strip()
            how = self._lookup(label).how
            if how != "unknown" or (not indented and _looks_like_label(label, rest, match)):
                return label, entry.start + lead, entry.start + _skip_blanks(rest, match.end())
        if not indented:
            bare = _BARE_LABEL.match(rest, lead)
            if bare and self._lookup(bare.group("label")).how not in ("unknown", "ambiguous"):
                return (bare.group("label"), entry.start + lead,
                        entry.start + _skip_blanks(rest, bare.end()))
        return None

    def _start_turn(self, entry: _Line, label: str, label_start: int, content: int) -> _Turn:
        key = normalise_label(label)
        participant = self.participants.get(key)
        if participant is None:
            lookup = self._lookup(label)
            if lookup.how == "unknown":
                self.diag.add(
                    "CK301", "error", f"unknown speaker label {label!r}: cakit never guesses a "
                    "speaker's role", entry.number, label_start + 1,
                    hint=f"map it in the project's cakit.yaml (roles: {{{label}: "
                    "clinician}; roles are clinician, patient, carer, other) or pass --roles",
                )
            elif lookup.how == "ambiguous":
                self.diag.add(
                    "CK302", "error", f"speaker label {label!r} is ambiguous ({lookup.detail})",
                    entry.number, label_start + 1,
                    hint=f"say who {label!r} is in the project's cakit.yaml "
                    f"(roles: {{{label}: carer}}), in the header (Participants: {label} = "
                    "mother) or with --roles",
                )
            # a cakit declaration (`DOC = Anna_Smith, clinician (Doctor)`) gives a CHAT name
            # and role, kept in `id`; a free description (`Dr = consultant`) does not
            declared = ParticipantId(role=self.chat_roles[key]) if key in self.chat_roles \
                else None
            participant = Participant(code=label, role=lookup.role, name=self.names.get(key, ""),
                                      label_role=label, line=entry.number, id=declared)
            self.participants[key] = participant
        turn = _Turn(label, participant.code, entry.number, content + 1,
                     label_column=visual_column(entry.text, label_start + 1))
        text = entry.text[content:].rstrip()
        turn.segments.append((entry.number, content + 1, text))
        self.turns.append(turn)
        return turn

    def _flush_pauses(
        self, pending: list[_Line], current: _Turn | None, *, continuing: bool
    ) -> None:
        """Pauses on their own line: inside the turn if the turn goes on, else gaps."""
        for entry in pending:
            col = entry.start + entry.lead + 1
            text, media = _gap_media(entry.rest.strip())
            if continuing and current is not None:
                current.segments.append((entry.number, col, text))
                continue
            reading = pause_reading(text)
            self.gaps.append(Gap(text=text, duration=reading[0] if reading else None,
                                 line=entry.number, col=col, position=len(self.turns),
                                 media=media))
        pending.clear()

    # -- assembling ------------------------------------------------------------------------
    def finish(
        self, *, source: str, sha256: str, stem: str, metadata: Sequence[tuple[str, str]]
    ) -> ParseResult:
        diag = self.diag
        if not self.turns and any(line.strip() for line in self.lines):
            diag.add("CK310", "error", "no speaker lines found", self.body_start + 1, 1,
                     hint="each turn starts with a speaker label such as 'Dr:' or 'P:'")
        utterances = [self._utterance(index, turn) for index, turn in enumerate(self.turns)]
        if self.tokenize:
            utterances = _pair_overlaps(utterances, self.lines, diag)
            utterances = _pair_latches(utterances)
        participants = tuple(self.participants.values())
        role_by_code = {p.code: p.role for p in participants}
        turns = derive_turns(utterances, lambda code: role_by_code.get(code, "unknown"),
                             turn_breaks(self.gaps, self.headers))
        headers = sorted(self.headers, key=lambda h: h.line)
        meta = tuple((h.name, h.value) for h in headers if h.position == 0 and h.name != "note")
        transcript = Transcript(
            id=stem or Path(source).stem,
            source=source,
            format="jefferson",
            sha256=sha256,
            headers=tuple(headers),
            participants=participants,
            utterances=tuple(utterances),
            gaps=tuple(self.gaps),
            turns=turns,
            metadata=meta + tuple(metadata),
            diagnostics=tuple(diag.items),
            line_count=len(self.lines),
        )
        return ParseResult(transcript, tuple(diag.items))

    def _utterance(self, index: int, turn: _Turn) -> Utterance:
        segments = turn.segments
        end_line = segments[-1][0]
        underlined: set[int] = set()
        if len(segments) == 1 and not self.underline:  # most turns: one line, no Word marks
            line, col, joined = segments[0]
            content = Content(joined, (0,), (line,), (col,))
        else:
            texts: list[str] = []
            starts: list[int] = []
            offset = 0
            for line, col, text in segments:
                starts.append(offset)
                for start, end in self.underline.get(line, ()):
                    for position in range(max(start, col - 1), min(end, col - 1 + len(text))):
                        underlined.add(offset + position - (col - 1))
                texts.append(text)
                offset += len(text) + 1
            joined = " ".join(texts)
            content = Content(joined, tuple(starts), tuple(segment[0] for segment in segments),
                              tuple(segment[1] for segment in segments))
        if not self.tokenize:
            return Utterance(id=f"u{index + 1}", index=index, speaker=turn.speaker,
                             line=turn.line, col=turn.col, end_line=end_line, content=joined,
                             tokenized=False)
        result = tokenize_turn(content, diag=self.diag, convention=self.convention,
                               underlined=frozenset(underlined) if underlined else _NONE)
        # only a `((media …))` comment holds a bullet: without the word, no event is one
        events, media = _media_bullet(result.events) if "media" in joined \
            else (result.events, None)
        if not result.tokens and not events:
            self.diag.add("CK308", "warning", f"{turn.label}: turn has no talk", turn.line,
                          turn.col, hint="an empty turn; remove the label or transcribe it")
        return Utterance(id=f"u{index + 1}", index=index, speaker=turn.speaker, line=turn.line,
                         col=turn.col, end_line=end_line, content=joined,
                         tokens=tuple(result.tokens), events=tuple(events), media=media)


_NONE: frozenset[int] = frozenset()


def _media_bullet(events: Sequence[Event]) -> tuple[list[Event], MediaTime | None]:
    """The events without a `((media …))` comment, and the bullet it carried."""
    kept: list[Event] = []
    media: MediaTime | None = None
    for event in events:
        match = _MEDIA_MARK.match(event.label) if event.kind == "comment" else None
        if match is None or media is not None:
            kept.append(event)
            continue
        media = MediaTime(_ms(match, "1"), _ms(match, "2"))
    return kept, media


def _gap_media(text: str) -> tuple[str, MediaTime | None]:
    """A pause line without its `((media …))` mark, and the bullet the mark carried."""
    gap = _GAP.match(text)
    found = _MEDIA_MARK.match(gap.group("media")) if gap and gap.group("media") else None
    if gap is None or not gap.group("media"):
        return text, None
    return gap.group(1), MediaTime(_ms(found, "1"), _ms(found, "2")) if found else None


def _ms(match: re.Match[str], end: str) -> int:
    hours = int(match.group("h" + end) or 0)
    minutes = int(match.group("m" + end))
    return ((hours * 60 + minutes) * 60 + int(match.group("s" + end))) * 1000 + int(
        match.group("f" + end))


def _strip(index: int, text: str, prefix: re.Pattern[str]) -> _Line:
    """The line with its printed number and analyst arrow (if `prefix` takes them) cut off."""
    match = prefix.match(text) or _PLAIN_PREFIX.match(text)
    start = match.end() if match else 0
    rest = text[start:]
    return _Line(index + 1, text, start, rest, len(rest) - len(rest.lstrip()))


def _paragraph_end(head: list[str], start: int, prefix: re.Pattern[str]) -> int:
    """The index of the first blank line at or after `start` (`len(head)` if none)."""
    for index in range(start, len(head)):
        if not _strip(index, head[index], prefix).rest.strip():
            return index
    return len(head)


def _body_lines(lines: list[str], body_start: int, prefix: re.Pattern[str]) -> list[_Line]:
    """The lines from `body_start` on that hold something besides a line number."""
    stripped = (_strip(index, lines[index], prefix) for index in range(body_start, len(lines)))
    return [entry for entry in stripped if entry.lead < len(entry.rest)]


def _skip_blanks(text: str, start: int) -> int:
    """The index of the first character at or after `start` that is no space or TAB."""
    return len(text) - len(text[start:].lstrip(" \t"))


def _looks_like_label(label: str, rest: str, match: re.Match[str]) -> bool:
    """An unknown word before a colon is a label only if it looks like one.

    Stretched words ("so: I", "we:ll") are talk: a label has no Jefferson marks, is short,
    and its colon is followed by a space or the end of the line.
    """
    if len(label) > 25 or label.lower() in {"so", "well", "and", "but", "oh", "yeah", "no"}:
        return False
    if label.startswith('"') and not _QUOTED_NAME.match(label):
        return False
    return match.end() >= len(rest) or rest[match.end()] in " \t"


def visual_column(line: str, col: int) -> int:
    """The column a reader sees (TABs expanded to 8) of the 1-based character column."""
    return len(line[: max(col - 1, 0)].expandtabs(8)) + 1


@dataclass(slots=True)
class _Group:
    link: str
    column: int
    first_line: int
    last_utterance: int
    speakers: set[str]
    members: list[tuple[int, int]]


def _pair_overlaps(
    utterances: list[Utterance], lines: list[str], diag: Collector
) -> list[Utterance]:
    """Pair overlap onsets across speakers by the column their `[` is printed in.

    A `[` joins the group of an earlier `[` from another speaker printed within two columns
    of it (a third speaker's `[` at the same column joins too: three-party overlap). A `]`
    takes the link of the last open onset of its speaker. Unpaired onsets are reported.
    """
    groups: list[_Group] = []
    links: dict[tuple[int, int], str] = {}
    counter = 0
    open_by_speaker: dict[str, list[str]] = {}
    for u_index, utterance in enumerate(utterances):
        for e_index, event in enumerate(utterance.events):
            if event.kind != "overlap":
                continue
            if event.label == "begin":
                text = lines[event.line - 1] if 0 < event.line <= len(lines) else ""
                column = visual_column(text, event.col)
                best: _Group | None = None
                for group in reversed(groups):
                    if u_index - group.last_utterance > 4:
                        break
                    if (
                        abs(group.column - column) <= 2
                        and utterance.speaker not in group.speakers
                        and group.first_line < event.line
                        and (best is None or abs(group.column - column)
                             < abs(best.column - column))
                    ):
                        best = group
                if best is None:
                    counter += 1
                    best = _Group(f"ov{counter}", column, event.line, u_index,
                                  {utterance.speaker}, [])
                    groups.append(best)
                best.members.append((u_index, e_index))
                best.speakers.add(utterance.speaker)
                best.last_utterance = u_index
                open_by_speaker.setdefault(utterance.speaker, []).append(best.link)
            elif event.label == "end":
                stack = open_by_speaker.get(utterance.speaker)
                if stack:
                    links[(u_index, e_index)] = stack.pop()
                else:
                    diag.add("CK306", "warning", "']' closes an overlap that was never opened",
                             event.line, event.col,
                             hint="each ']' ends talk that started with '['")
    paired = {group.link for group in groups if len(group.members) > 1}
    for group in groups:
        if group.link in paired:
            for member in group.members:
                links[member] = group.link
        else:
            u_index, e_index = group.members[0]
            event = utterances[u_index].events[e_index]
            diag.add("CK305", "warning", "overlap onset '[' is not aligned with a '[' of "
                     "another speaker", event.line, event.col,
                     hint="print the '[' of both speakers in the same column (±2)")
    for key in [key for key, link in links.items() if link not in paired]:
        del links[key]
    return _apply_links(utterances, links)


def _pair_latches(utterances: list[Utterance]) -> list[Utterance]:
    """Give a latch `=` at the end of a line the link of the `=` that opens a later line."""
    links: dict[tuple[int, int], str] = {}
    pending: list[tuple[int, int]] = []
    counter = 0
    for u_index, utterance in enumerate(utterances):
        for e_index, event in enumerate(utterance.events):
            if event.kind != "latch":
                continue
            if event.label == "start":
                pending = [p for p in pending if u_index - p[0] <= 4 and p[0] < u_index]
                if pending:
                    counter += 1
                    link = f"lt{counter}"
                    links[pending.pop()] = link
                    links[(u_index, e_index)] = link
            elif event.label == "end":
                pending.append((u_index, e_index))
    return _apply_links(utterances, links)


def _apply_links(
    utterances: list[Utterance], links: Mapping[tuple[int, int], str]
) -> list[Utterance]:
    if not links:
        return utterances
    by_utterance: dict[int, dict[int, str]] = {}
    for (u_index, e_index), link in links.items():
        by_utterance.setdefault(u_index, {})[e_index] = link
    result = list(utterances)
    for u_index, changes in by_utterance.items():
        events: list[Event] = list(result[u_index].events)
        for e_index, link in changes.items():
            events[e_index] = replace(events[e_index], link=link)
        result[u_index] = replace(result[u_index], events=tuple(events))
    return result


__all__ = ["parse_jefferson", "visual_column"]
