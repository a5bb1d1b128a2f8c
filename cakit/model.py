"""The transcript model: frozen values every reader produces and every other step consumes.

Both readers (CHAT/CHAT-CA and Jefferson) build the same model, so the annotator, the
reporter and the writers never need to know where a transcript came from. Every node keeps
the physical line and column it was read from *before* any normalisation, so errors,
excerpts and annotations can point at the line an analyst would cite.

Hot-path types (`Token`, `Event`) store `line`/`col` as plain integers and build a
`SourceSpan` on demand: a real corpus has hundreds of thousands of tokens, and one object
per token instead of two is the difference between a fast and a slow reader.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from cakit._quick_init import quick_init

Role = Literal["clinician", "patient", "carer", "other", "unknown"]
ROLES: tuple[Role, ...] = ("clinician", "patient", "carer", "other", "unknown")

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where something was read: source path and 1-based line and column (inclusive start)."""

    source: str
    line: int
    col: int = 1
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}"


class Feature(enum.IntFlag):
    """CA delivery features of a token; one bit each so a token carries any combination.

    The same bits are produced from Jefferson marks and from CHAT-CA glyphs (see
    `cakit.notation`), which is what lets the annotator ignore the source format.
    """

    NONE = 0
    EMPHASIS = enum.auto()  # underline / stress
    LOUD = enum.auto()  # CAPITALS / ◉
    QUIET = enum.auto()  # °…°
    VERY_QUIET = enum.auto()  # °°…°°
    FAST = enum.auto()  # >…< / ∆…∆
    SLOW = enum.auto()  # <…> / ∇…∇
    STRETCHED = enum.auto()  # wo::rd
    CUTOFF = enum.auto()  # wor- / wor⤆
    SMILE = enum.auto()  # £…£ / $…$ / ☺…☺
    LAUGH = enum.auto()  # w(h)ord / Ἡ
    CREAKY = enum.auto()  # #…# / ⁎…⁎
    TREMULOUS = enum.auto()  # ~…~
    UNCERTAIN = enum.auto()  # (word) / ⁇…⁇
    PITCH_UP = enum.auto()  # ↑
    PITCH_DOWN = enum.auto()  # ↓
    PITCH_RESET = enum.auto()  # ↻
    HARDENING = enum.auto()  # ⁑
    CONSTRICTION = enum.auto()  # ∾
    HURRIED_START = enum.auto()  # ⤇ / Jefferson "<" before a word
    BLOCKING = enum.auto()  # ≠
    WHISPER = enum.auto()  # ∬
    SINGING = enum.auto()  # ∮
    LOW_PITCH = enum.auto()  # ▁
    HIGH_PITCH = enum.auto()  # ▔
    BREATHY = enum.auto()  # ♋
    YAWN = enum.auto()  # Ϋ
    PRECISE = enum.auto()  # §
    SEGMENT_REPETITION = enum.auto()  # ↫
    INBREATH = enum.auto()  # ∙ inside a word
    ACCENT = enum.auto()  # GAT 2 capitals: focus accent, not loudness


def feature_names(bits: int) -> tuple[str, ...]:
    """Names of the features set in `bits`, lower-case, in declaration order."""
    return tuple(
        member.name.lower()
        for member in Feature
        if member.value and bits & member.value and member.name is not None
    )


TokenKind = Literal[
    "word",  # ordinary spoken word
    "filler",  # &-uh, u:m, er
    "fragment",  # &+fr, cut-off word part
    "nonword",  # &~gaga
    "untranscribed",  # xxx yyy www, Jefferson ( )
    "omission",  # 0word
]


@dataclass(frozen=True, slots=True)
class Token:
    """One spoken item.

    `text` is the item exactly as written (CA marks included); `clean` is the orthographic
    form used for matching and counting (marks stripped, shortenings expanded, lower-cased
    only by the consumers that want it).
    """

    text: str
    clean: str
    kind: str
    line: int
    col: int
    features: int = 0
    form: str = ""  # CHAT form marker ("c", "fp", "s:fra" …), empty when none

    def has(self, feature: Feature) -> bool:
        return bool(self.features & feature)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return feature_names(self.features)

    @property
    def is_spoken(self) -> bool:
        """True for items that count as words (not untranscribed, not omitted)."""
        return self.kind in ("word", "filler", "fragment", "nonword")


EventKind = Literal[
    "pause",  # (.) (0.5); value = seconds (micro = 0.1), label = micro|short|medium|long|timed
    "overlap",  # label = top_begin|top_end|bottom_begin|bottom_end|begin|end; number = index
    "latch",  # = ≡ ≈ ≋; label = start|end
    "breath",  # .hh hh ∙hh; label = in|out
    "laugh",  # laugh particle (heh, hah) as its own item
    "comment",  # ((text)) &=text [% text]; label = the description
    "intonation",  # . , ? ¿ and CA arrows; label = contour name
    "terminator",  # CHAT utterance terminator; label = its name
    "linker",  # CHAT utterance linker (++ +^ +< +, +" +≈ +≋)
    "separator",  # , ; : „ ‡ (non-CA)
    "scoped",  # [/] [: x] [*] …; label = code; scope = token range it covers
    "group",  # < > ‹ › 〔 〕 ; label = begin|end|phon_begin|…
    "quote",  # “ ”; label = begin|end
    "bullet",  # inline media bullet; media = times
    "long_feature",  # &{l=X &}l=X &{n=X &}n=X
    "interposed",  # &*MOT:yeah
    "mark",  # a standalone CA mark with no word (e.g. a lone ° or > in CA-lite)
    "action",  # 0 (action without speech)
    "sound",  # tch, pt (clicks, lip smacks)
]


@dataclass(frozen=True, slots=True)
class MediaTime:
    """A media bullet: start and end in milliseconds."""

    start_ms: int
    end_ms: int

    @property
    def duration_s(self) -> float:
        return (self.end_ms - self.start_ms) / 1000.0


@dataclass(frozen=True, slots=True)
class Event:
    """Anything in an utterance that is not a spoken word: pauses, overlaps, marks, codes.

    `index` is the number of tokens that precede the event in its utterance, so tokens and
    events merge back into source order. `inword` marks events whose glyph sits inside a
    token's text (`butt⌈er⌉`); writers that emit token text verbatim skip them.
    """

    kind: str
    text: str
    index: int
    line: int
    col: int
    label: str = ""
    value: float | None = None
    number: int = 0
    scope: tuple[int, int] | None = None
    media: MediaTime | None = None
    inword: bool = False
    link: str = ""  # pairing id shared by the two halves of an overlap or latch


@dataclass(frozen=True, slots=True)
class DependentTier:
    """A `%tier` line. `items` is filled for tiers cakit parses (`%mor`, `%gra`)."""

    name: str
    text: str
    line: int
    col: int
    items: tuple[str, ...] = ()
    media: tuple[MediaTime, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Utterance:
    """One main-tier line (CHAT `*SPK:`) or one labelled Jefferson line with its continuations."""

    id: str
    index: int
    speaker: str
    line: int
    col: int
    end_line: int
    content: str  # the logical content after the speaker label, continuation lines joined
    tokens: tuple[Token, ...] = ()
    events: tuple[Event, ...] = ()
    terminator: str = ""
    media: MediaTime | None = None
    tiers: tuple[DependentTier, ...] = ()
    tokenized: bool = True

    @property
    def words(self) -> tuple[str, ...]:
        """Clean forms of the spoken tokens."""
        return tuple(token.clean for token in self.tokens if token.is_spoken)

    def tier(self, name: str) -> DependentTier | None:
        for tier in self.tiers:
            if tier.name == name:
                return tier
        return None

    def items(self) -> Iterator[Token | Event]:
        """Tokens and events merged back into source order."""
        event_iter = iter(self.events)
        pending = next(event_iter, None)
        for position, token in enumerate(self.tokens):
            while pending is not None and pending.index <= position:
                yield pending
                pending = next(event_iter, None)
            yield token
        while pending is not None:
            yield pending
            pending = next(event_iter, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """A header line (`@Name:\\tvalue`, or a Jefferson header-block `Key: value`).

    `position` is the number of utterances before it, so mid-file headers (`@Comment`,
    gems, `@New Episode`) keep their place in the talk.
    """

    name: str
    value: str
    line: int
    position: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """A silence between utterances, attached to no speaker (a pause on its own line)."""

    text: str
    duration: float | None
    line: int
    col: int
    position: int  # number of utterances before the gap
    media: MediaTime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantId:
    """The ten fields of a CHAT `@ID` header."""

    language: str = ""
    corpus: str = ""
    code: str = ""
    age: str = ""
    sex: str = ""
    group: str = ""
    ses: str = ""
    role: str = ""
    education: str = ""
    custom: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """A speaker: its code as written, an optional name, and its cakit role."""

    code: str
    role: Role
    name: str = ""
    label_role: str = ""  # the role as the source wrote it (CHAT role, Jefferson label)
    line: int = 0
    id: ParticipantId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """A maximal run of talk by one speaker (docs/codebook.md).

    A minimal back-channel by another speaker in overlap does not end a turn: its utterance
    indices are kept in `backchannels`.
    """

    id: str
    index: int
    speaker: str
    role: Role
    utterances: tuple[int, ...]
    line: int
    end_line: int
    backchannels: tuple[int, ...] = ()


# the generated frozen __init__ costs 35-40% more; readers make one of these per word,
# mark, line or turn
for _hot in (Token, Event, DependentTier, Utterance, MediaTime, Turn):
    quick_init(_hot)


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript:
    """One consultation as read from one file."""

    id: str
    source: str
    format: str
    sha256: str
    headers: tuple[Header, ...] = ()
    participants: tuple[Participant, ...] = ()
    utterances: tuple[Utterance, ...] = ()
    gaps: tuple[Gap, ...] = ()
    turns: tuple[Turn, ...] = ()
    options: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    line_count: int = 0

    def participant(self, code: str) -> Participant | None:
        for participant in self.participants:
            if participant.code == code:
                return participant
        return None

    def role_of(self, speaker: str) -> Role:
        participant = self.participant(speaker)
        return participant.role if participant else "unknown"

    def meta(self, key: str, default: str = "") -> str:
        for name, value in self.metadata:
            if name == key:
                return value
        return default

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    @property
    def is_ca(self) -> bool:
        return "CA" in self.options or self.format == "jefferson"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in an input, with a stable code and the exact place it was found.

    `str()` gives the compiler-style `path:line:col: CODE message`, then the offending
    source line, a caret under the column and the hint — clickable in most terminals and
    editors.
    """

    code: str
    severity: Severity
    message: str
    span: SourceSpan
    hint: str = ""
    source_line: str = ""

    def __str__(self) -> str:
        head = f"{self.span}: {self.code} {self.message}"
        parts = [head]
        if self.source_line:
            shown = self.source_line.replace("\t", " ").replace("\x15", "•")
            if len(shown) > 200:
                start = max(0, self.span.col - 100)
                shown = shown[start : start + 200]
                caret_col = self.span.col - start
            else:
                caret_col = self.span.col
            parts.append(f"    {shown}")
            parts.append("    " + " " * max(0, caret_col - 1) + "^")
        if self.hint:
            parts.append(f"    hint: {self.hint}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "source": self.span.source,
            "line": self.span.line,
            "col": self.span.col,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a reader returns in collect mode: the transcript and every diagnostic found."""

    transcript: Transcript
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")
