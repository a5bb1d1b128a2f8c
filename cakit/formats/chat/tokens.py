"""CHAT main-tier content → tokens and events (the CHAT manual: words, events, CA marks).

Every whitespace-separated item of the source becomes a `Token` or an `Event` that keeps
its text as written, so the CHAT writer can emit the tier again item by item. Marks glued
to words (overlap glyphs, CA delimiters, Jefferson habits found in CA-lite files) are taken
out of the clean form and recorded as token features or `inword` events: `⌈2 two ⌉2`
gives the word `two` and an indexed overlap, never a word `2`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cakit.formats._diag import Collector
from cakit.formats._lines import LogicalLine
from cakit.model import Event, Feature, MediaTime, Severity, Token
from cakit.notation import (
    CA_ATTACHED,
    CA_GLUED_INTONATION,
    CA_INTONATION,
    CA_LATCH,
    CA_OVERLAP,
    CA_PAIRED,
    COMBINING_LOW_LINE,
    INBREATH_BODY,
    LAUGH_PARTICLE,
    OUTBREATH,
    event_labels,
    glued_marks,
    pause_value,
)

_SCAN = re.compile(
    r"(?P<bnc><(?P<tag>pause|unclear|laugh|laughing|shouting|singing|whispering|yawn|sigh|"
    r"cough|clears throat|sneeze|crying)(?: dur=(?P<dur>\d+(?:\.\d+)?))? ?>)(?!\s*\[)"
    r"|(?P<bullet>\x15[^\x15]*\x15?)"
    r"|(?P<bracket>\[[^\[\]\x15]*\]?)"
    r"|(?P<comment>\(\([^()]*\)\)[^\s\[\x15]*)"
    r"|(?P<item>[^\s\[\x15]+)"
)
_BULLET = re.compile(r"^\x15(\d+)_(\d+)-?\x15$")
_PAUSE_ANY = re.compile(r"\((?:\.{1,3}|\d+(?::\d+)?\.\d*)\)")
# Plain words: letters and inner apostrophes. Ἡ (laugh) and Ϋ (yawn) are letters to
# Unicode but CA glyphs to CHAT, so words containing them take the slow path.
_PLAIN = re.compile(r"[^\W\d_ἩΫˈˌ]+(?:'[^\W\d_ἩΫˈˌ]+)*'?\Z")
_DIGIT = re.compile(r"\d")
#: `&=pt`, `&=tch` …: Jefferson's lip smacks and clicks as cakit writes them in CHAT.
_SOUNDS = event_labels("sound", "chat")
#: Languages whose orthography writes tones or homonym numbers with digits (E220).
DIGIT_LANGUAGES = frozenset({"zho", "cym", "vie", "tha", "nan", "yue", "min", "hak"})
#: Form markers a compound (`ice+cream`) may carry; others mark single words only (E203).
_COMPOUND_FORMS = frozenset({"c", "n", "f", "s", "z"})

TERMINATORS: dict[str, str] = {
    ".": "period",
    "?": "question",
    "!": "exclamation",
    "+...": "trail_off",
    "+..?": "trail_off_question",
    "+/.": "interruption",
    "+//.": "self_interruption",
    "+/?": "interrupted_question",
    "+//?": "self_interrupted_question",
    "+!?": "broken_question",
    "+\"/.": "quotation_follows",
    "+\".": "quotation_precedes",
    "+.": "break_for_coding",
    "≋": "technical_break",
    "≈": "no_break",
}
LINKERS: dict[str, str] = {
    '+"': "quotation_follows",
    "++": "other_completion",
    "+^": "quick_uptake",
    "+<": "lazy_overlap",
    "+,": "self_completion",
    "+≈": "no_break",
    "+≋": "technical_break",
}
SEPARATORS: dict[str, str] = {
    ",": "comma",
    ";": "semicolon",
    ":": "colon",
    "„": "tag",
    "‡": "vocative",
}
FORM_MARKERS = frozenset({
    "a", "b", "c", "d", "e", "f", "fp", "g", "i", "k", "l", "ls", "lp", "n", "o", "p", "q", "sas",
    "si", "sl", "t", "u", "wp", "x"
})
#: Scoped annotations: text inside [ ] → code. Anything else is E312 (unknown marker).
_SCOPED = re.compile(
    r"^\[(?P<code>///|//\?|//|/-|/\?|/|::|:|\*|\?|!!|!|=!|=\?|=|\+|-|%|#|x|<\d?|>\d?|\^c|e|"
    r"\^\S*)"
    r"(?P<rest>(?:\s.*)?)\]$",
    re.S,
)
RETRACE_CODES = frozenset({"/", "//", "///", "/-", "/?", "//?", "e"})
#: Token kinds that may not take a `[: replacement]`, with their TalkBank codes.
_NO_REPLACEMENT = {"fragment": "E387", "nonword": "E388", "filler": "E389"}
_UNTRANSCRIBED = {"xxx": "unintelligible", "yyy": "phonetic", "www": "untranscribed"}
_ILLEGAL_UNTRANSCRIBED = re.compile(r"^(?:xx|yy|ww|[xX]{2,}|[yY]{2,}|[wW]{3,})$")
_ACRONYMS = frozenset({"OK", "TV", "GP", "NHS", "CBT", "CPN", "BBC", "UK", "USA", "MI5", "CCTV"})
#: Jefferson punctuation glued to a word: intonation in CA mode (`cakit.notation`).
_GLUED_PUNCT = CA_GLUED_INTONATION


# Feature bits and glyph tables as plain ints: IntFlag arithmetic costs about a microsecond
# an operation, and the tokenizer does several for every CA word.
_CUTOFF = int(Feature.CUTOFF)
_EMPHASIS = int(Feature.EMPHASIS)
_FAST = int(Feature.FAST)
_INBREATH = int(Feature.INBREATH)
_LAUGH = int(Feature.LAUGH)
_LOUD = int(Feature.LOUD)
_QUIET = int(Feature.QUIET)
_SEGMENT_REPETITION = int(Feature.SEGMENT_REPETITION)
_SLOW = int(Feature.SLOW)
_SMILE = int(Feature.SMILE)
_STRETCHED = int(Feature.STRETCHED)
_UNCERTAIN = int(Feature.UNCERTAIN)
_VERY_QUIET = int(Feature.VERY_QUIET)
_PAIRED: dict[str, int] = CA_PAIRED
_ATTACHED: dict[str, int] = CA_ATTACHED

@dataclass(slots=True)
class MainTier:
    """What the tokenizer found on one main tier."""

    tokens: list[Token] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    terminator: str = ""
    media: MediaTime | None = None
    open_spans: int = 0
    retraced: set[int] = field(default_factory=set)  # token indices inside retraces
    replacements: dict[int, int] = field(default_factory=dict)  # token index → words
    separators: list[tuple[int, ...]] = field(default_factory=list)  # open groups per separator
    retraced_groups: set[int] = field(default_factory=set)
    #: `&{l=X` / `&}l=X` marks for the reader to pair across utterances:
    #: (is_begin, "l" or "n", label, line, col)
    long_features: list[tuple[bool, str, str, int, int]] = field(default_factory=list)
    #: only transcribed words, commas, a terminator and maybe a bullet (the fast path's)
    plain: bool = False

    @property
    def separator_count(self) -> int:
        """%mor-alignable separators (comma, tag, vocative) outside retraced groups."""
        return sum(1 for groups in self.separators if not self.retraced_groups.intersection(groups))


class _State:
    """Mutable scan state for one utterance."""

    __slots__ = (
        "ca", "diag", "features", "group_stack", "language", "languages",
        "last_group", "last_was_group_end", "last_was_token", "ll", "offset0", "out",
        "outside", "overlaps", "quotes", "retraces", "uncertain",
    )

    def __init__(
        self, ca: bool, diag: Collector, ll: LogicalLine, offset0: int,
        languages: tuple[str, ...] = (),
    ) -> None:
        self.ca = ca
        self.diag = diag
        self.ll = ll
        self.offset0 = offset0
        self.out = MainTier()
        self.features = 0  # paired CA spans currently open
        self.uncertain = False
        self.group_stack: list[int] = []
        self.last_group: tuple[int, int] | None = None
        self.last_was_group_end = False
        self.last_was_token = False
        self.languages = languages
        self.language = languages[0] if languages else ""  # changed by a [- lang] precode
        self.quotes: list[tuple[int, int]] = []  # open “ (line, col)
        self.retraces: list[tuple[int, str, int, int]] = []  # (tokens before, code, line, col)
        self.outside = 0  # letters of the last cleaned word outside ↫…↫ segments
        self.overlaps = False  # any overlap glyph seen (E348 check)


def tokenize_main(
    content: str, offset0: int, ll: LogicalLine, *, ca: bool, diag: Collector,
    languages: tuple[str, ...] = (),
) -> MainTier:
    """Tokenize one main tier's content (the text after `*SPK:\\t`).

    `languages` are the file's `@Languages`, first the default: they decide which words
    may contain digits (E220) and what a bare `@s` switches to (E248/E249).
    """
    single = len(ll.starts) == 1
    first_line = ll.first_line
    if single and _SIMPLE.match(content) and (not ca or not _CA_MARKED_WORD.search(content)):
        simple = _simple(content, offset0, first_line, diag, ll)
        if simple is not None:
            return simple
    state = _State(ca, diag, ll, offset0, languages)
    matches = list(_SCAN.finditer(content))
    last = len(matches) - 1
    plain = _PLAIN.match
    tokens = state.out.tokens
    for number, match in enumerate(matches):
        kind = match.lastgroup
        text = match.group()
        offset = match.start()
        if single:
            line, col = first_line, offset0 + offset + 1
        else:
            line, col = ll.position(offset0 + offset)
        if (
            kind == "item" and plain(text) and not state.uncertain
            and not (text[0] in "xXyYwW" and (text.lower() in _UNTRANSCRIBED
                                              or _ILLEGAL_UNTRANSCRIBED.match(text)))
            and not (ca and (text[0] in "hH" or (len(text) > 1 and text.isupper())))
        ):
            # the common case, a plain word: no marks, nothing to strip or check (in CA
            # mode, capitals and h-words may be loudness, laughter or breath: not here)
            tokens.append(Token(text, text, "word", line, col, state.features))
            state.last_was_group_end = False
            state.last_was_token = True
            continue
        if kind == "item":
            _item(state, text, line, col, number == last, matches, number)
        elif kind == "bracket":
            _bracket(state, text, line, col)
        elif kind == "bullet":
            _bullet(state, text, line, col)
        elif kind == "bnc":
            _bnc_tag(state, text, match.group("tag"), match.group("dur"), line, col)
        else:  # ((comment)) written Jefferson-style inside CHAT (CA-lite habit)
            _comment(state, text, line, col, offset0 + offset)
    out = state.out
    out.media = _talk_time(out.events, len(tokens))
    if state.features:
        if state.features & _EMPHASIS:
            diag.add("E356", "warning" if ca else "error", "underline begun but not ended in "
                     "this utterance", *ll.position(offset0),
                     hint="end the underline with U+0002 U+0002")
        out.open_spans = state.features & ~_EMPHASIS
    if state.group_stack:
        diag.add("E345", "error", "group '<' is never closed with '>'",
                 *(ll.position(offset0)), hint="close the group before its annotation")
    if state.retraces or state.quotes or state.overlaps or not out.tokens:
        _check_structure(state, matches, offset0)
    return out


_FRAME_EVENTS = frozenset({"terminator", "bullet", "linker"})


#: Most CHILDES utterances are plain words (maybe with commas between them), one
#: terminator and maybe a bullet.
_SIMPLE = re.compile(
    r"(?:[A-Za-z]+(?:'[A-Za-z]+)*'? (?:, )?)+[.?!](?: \x15\d+_\d+\x15)?\Z")


#: what CA mode reads differently in a plain utterance: capitals (loud), words starting
#: with h (laughter, out-breaths) and commas (intonation); without them the fast path holds
_CA_MARKED_WORD = re.compile(r"(?:^| )(?:[hH]|\S*[A-Z]\S*[A-Z])|,")


def _simple(
    content: str, offset0: int, line: int, diag: Collector, ll: LogicalLine
) -> MainTier | None:
    """The fast path for a plain utterance; None sends it through the full tokenizer
    (untranscribed markers are plain-looking but need their own checks)."""
    out = MainTier(plain=True)
    tokens = out.tokens
    column = offset0 + 1
    parts = content.split(" ")
    bullet = parts.pop() if parts[-1].startswith("\x15") else ""
    terminator = parts.pop()
    for word in parts:
        if word[0] in "xXyYwW" and (word.lower() in _UNTRANSCRIBED
                                     or _ILLEGAL_UNTRANSCRIBED.match(word)):
            return None
    for word in parts:
        if word == ",":
            out.separators.append(())
            out.events.append(Event("separator", ",", len(tokens), line, column,
                                    label="comma"))
        else:
            tokens.append(Token(word, word, "word", line, column, 0))
        column += len(word) + 1
    out.terminator = terminator
    out.events.append(Event("terminator", terminator, len(tokens), line, column,
                            label=TERMINATORS[terminator]))
    if bullet:
        state = _State(False, diag, ll, offset0)
        state.out = out
        _bullet(state, bullet, line, column + len(terminator) + 1)
        out.media = _talk_time(out.events, len(tokens))
    return out


def _check_structure(state: _State, matches: list[re.Match[str]], offset0: int) -> None:
    """Utterance-level rules: retraces need what they retrace, quotes and overlaps close."""
    out = state.out
    diag = state.diag
    tokens = out.tokens
    for before, code, line, col in state.retraces:
        if before < len(tokens):
            continue
        # Only non-speech (&=event, pauses) after the retrace: nothing replaces the retraced
        # words. A retrace at the very end (the speaker stopped) is common in CHILDES and
        # accepted by CLAN CHECK, so that case is only a warning.
        speechless = any(
            e.index >= before and e.kind not in _FRAME_EVENTS and e.kind != "scoped"
            and e.kind != "group" for e in out.events
        )
        diag.add("E370", "error" if speechless else "warning",
                 f"retrace [{code}] is not followed by the material it retraces"
                 + (" (only non-speech follows)" if speechless else ""), line, col,
                 hint="a retrace marks words that are then said again or corrected; write "
                 "the words after it, or remove the marker")
    for line, col in state.quotes:
        diag.add("E242", "error", "opening quotation mark “ is never closed", line, col,
                 hint="close the quotation with ” in the same utterance")
    if state.overlaps:
        _check_overlaps(out.events, diag)
    if not tokens and matches and all(
        (e.kind in _FRAME_EVENTS or (e.kind == "scoped" and e.label in ("postcode", "precode")))
        for e in out.events
    ) and out.terminator:
        line, col = state.ll.position(offset0)
        diag.add("E306", "error", "utterance has a terminator but no content", line, col,
                 hint="transcribe what was said, or write 0 . for an action without speech")


def _check_overlaps(events: list[Event], diag: Collector) -> None:
    """E348: an overlap ⌈ or ⌊ opened in this utterance and not closed in it."""
    open_marks: dict[tuple[str, int], Event] = {}
    for event in events:
        if event.kind != "overlap":
            continue
        side, _, edge = event.label.partition("_")
        key = (side, event.number)
        if edge == "begin":
            open_marks[key] = event
        else:
            open_marks.pop(key, None)
    for event in open_marks.values():
        closer = "⌉" if event.label.startswith("top") else "⌋"
        diag.add("E348", "warning", f"overlap {event.text} is not closed in this utterance",
                 event.line, event.col, hint=f"close the overlap with {closer} (with the same "
                 "index)")


def _event(state: _State, kind: str, text: str, line: int, col: int, **fields: object) -> None:
    state.out.events.append(
        Event(kind, text, len(state.out.tokens), line, col, **fields)  # type: ignore[arg-type]
    )
    state.last_was_group_end = False
    if kind not in ("bullet", "overlap", "quote", "group", "scoped"):
        state.last_was_token = False


def _bullet(state: _State, text: str, line: int, col: int) -> None:
    match = _BULLET.match(text)
    if not match:
        state.diag.add("E360", "error", "malformed media bullet", line, col,
                       hint="a bullet is •start_end• in milliseconds")
        return
    start, end = int(match.group(1)), int(match.group(2))
    media = MediaTime(start, end)
    if text.endswith("-\x15"):
        state.diag.add("E360", "warning", "old-style skip bullet (trailing '-')", line, col,
                       hint="drop the '-' before the closing bullet mark")
    if start >= end:
        state.diag.add("E701", "error", f"bullet start {start} is not before end {end}",
                       line, col, hint="a bullet is •start_end• with start < end (ms)")
    if (len(match.group(1)) > 1 and match.group(1).startswith("0")) or (
        len(match.group(2)) > 1 and match.group(2).startswith("0")
    ):
        state.diag.add("E748", "error", "bullet time has a leading zero", line, col,
                       hint="write bullet times as plain milliseconds: 12, not 012")
    _event(state, "bullet", text, line, col, media=media)


#: Events that are the speaker's own sound, so a segment holding one has talk to time.
_VOCAL = frozenset({"laugh", "breath", "sound", "action"})


def _talk_time(events: list[Event], tokens: int) -> MediaTime | None:
    """An utterance's time from its bullets (`tokens`: how many tokens it has).

    Each bullet times the segment of talk before it (CA transcripts time the segments of
    a long turn), so the utterance runs from its first bullet to its last. None when it
    has no bullet, or when words follow its last bullet (their time is not known).

    A bullet whose segment holds no talk — no word, laugh, breath or other sound, only
    pauses or transcriber's comments — times something else: CABNC writes the gap after
    a turn as a line `(.7) •610608_612054•` under it, or `((Tape 002004 starts))` with its
    time, and taking it in would end the turn in the silence, or in the next speaker's
    talk. Such bullets are left out, unless no segment has talk.
    """
    spans: list[tuple[MediaTime, bool]] = []
    start, other = 0, False  # where the segment's tokens start; a non-pause event in it
    for event in events:
        if event.kind == "bullet" and event.media is not None:
            spans.append((event.media, event.index > start or other))
            start, other = event.index, False
        elif event.kind in _VOCAL:
            other = True
    if not spans or tokens > start:
        return None
    timed = [media for media, talk in spans if talk] or [media for media, _ in spans]
    return MediaTime(min(m.start_ms for m in timed), max(m.end_ms for m in timed))


def _bnc_tag(state: _State, text: str, tag: str, duration: str | None, line: int,
             col: int) -> None:
    """A British National Corpus tag left in a converted transcript (CABNC has hundreds):
    `<pause>` is a pause (timed when the tag gives seconds), `<unclear>` unintelligible
    speech (as `xxx`), and vocal events such as `<laugh>` or `<cough>` non-verbal events
    (as `&=laughs`); never the words "pause", "unclear" or "laugh"."""
    if tag == "pause":
        _event(state, "pause", text, line, col,
               value=None if duration is None else float(duration),
               label="untimed" if duration is None else "timed")
    elif tag == "unclear":
        state.out.tokens.append(Token(text, "xxx", "untranscribed", line, col, state.features))
        state.last_was_group_end = False
        state.last_was_token = True
    else:
        _event(state, "comment", text, line, col, label=tag)
    state.diag.add("CK206", "warning", f"BNC tag <{tag}> read as CHAT would write it", line,
                   col, hint="CHAT writes (.) (..) (1.5) for pauses, xxx for unclear speech, "
                   "&=laughs for events")


def _comment(state: _State, text: str, line: int, col: int, offset: int) -> None:
    inner_end = text.rfind("))")
    description = text[2:inner_end].strip()
    _event(state, "comment", text[: inner_end + 2], line, col, label=description)
    if state.ca:
        state.diag.add("CK201", "warning", "Jefferson '((…))' comment inside CHAT", line, col,
                       hint="CHAT writes non-verbal events as &=description")
    rest = text[inner_end + 2 :]
    if rest:  # the comment may wrap onto a continuation line: locate the rest afresh
        _item(state, rest, *state.ll.position(offset + inner_end + 2), False, [], 0)


def _bracket(state: _State, text: str, line: int, col: int) -> None:
    if not text.endswith("]"):
        if not text[1:].strip(" .?!"):
            state.diag.add("E314", "error", "'[' with no annotation in it", line, col,
                           hint="annotations look like [: word] or [/]; delete a stray '['")
        else:
            state.diag.add("E312", "error", "'[' is never closed with ']'", line, col,
                           hint="annotations look like [: word] or [/]")
        return
    match = _SCOPED.match(text)
    if not match:
        state.diag.add("E312", "error", f"unknown annotation {text!r}", line, col,
                       hint="known: [/] [//] [: x] [* x] [= x] [+ x] [- x] [% x] [?] [!] [<] [>]")
        return
    code = match.group("code")
    rest = match.group("rest").strip()
    out = state.out
    if code in ("-",) and not out.tokens and not out.events:
        _event(state, "scoped", text, line, col, label="precode")
        if rest:
            state.language = rest
            if state.languages and rest not in state.languages:
                state.diag.add("E755", "error", f"utterance language {rest!r} is not declared "
                               "in @Languages", line, col,
                               hint=f"add {rest} to @Languages, or fix the precode")
        return
    if code in ("+",):
        _event(state, "scoped", text, line, col, label="postcode")
        return
    if code in ("%", "=", "=!", "=?", "*", "?", "!", "!!", "^c", "#", "x", "e") or code.startswith(
        ("<", ">", "^")
    ) or code in RETRACE_CODES or code in (":", "::"):
        scope = None
        if state.last_was_group_end and state.last_group is not None:
            scope = state.last_group
        elif out.tokens and state.last_was_token:
            scope = (len(out.tokens) - 1, len(out.tokens))
        attached = scope is not None or any(e.kind != "bullet" for e in out.events)
        if not attached and code not in ("%", "^c") and not code.startswith(("<", ">", "^")):
            state.diag.add("E759", "error", f"annotation {text} has nothing to attach to",
                           line, col, hint="put the annotation after the word or <group>")
        if code in (":", "::") and not rest:
            state.diag.add("E208", "error", "empty replacement", line, col,
                           hint="write the target words: word [: target]")
        if code in (":",) and rest:
            words = rest.split()
            for word in words:
                if word.lower() in _UNTRANSCRIBED or word.startswith("0"):
                    state.diag.add("E391", "error",
                                   "a replacement word cannot be untranscribed or omitted",
                                   line, col, hint="a replacement is the real target word(s)")
                    break
            if scope is not None:
                out.replacements[scope[1] - 1] = len(words)
                kind = out.tokens[scope[1] - 1].kind if out.tokens else ""
                if kind in _NO_REPLACEMENT:
                    state.diag.add(_NO_REPLACEMENT[kind], "error",
                                   f"a {kind} cannot have a replacement [: …]", line, col,
                                   hint="replacements follow real words; a fragment, filler or "
                                   "nonword has no target form")
        if code in RETRACE_CODES and scope is not None:
            out.retraced.update(range(scope[0], scope[1]))
            if state.last_was_group_end:
                out.retraced_groups.add(scope[0])
        if code in ("/", "//", "///"):
            state.retraces.append((len(out.tokens), code, line, col))
        if code == "x" and not rest.isdigit():
            # `<my car> [x 6]` repeats the group: CLAN and other CHAT readers accept it
            state.diag.add("E214", "error", f"repetition count {rest!r} is not a number",
                           line, col, hint="write [x 3] for a word said three times")
        was_group_end = state.last_was_group_end
        _event(state, "scoped", text, line, col, label=code, scope=scope)
        state.last_was_group_end = was_group_end and code not in RETRACE_CODES
        return
    _event(state, "scoped", text, line, col, label=code)


def _item(
    state: _State,
    text: str,
    line: int,
    col: int,
    is_last: bool,
    matches: list[re.Match[str]],
    number: int,
) -> None:
    ca = state.ca
    out = state.out
    first = text[0]
    # -- whole-item forms ----------------------------------------------------------------
    if first == "&" and len(text) > 1 and text[-1] not in ">”›〕,.?!":
        _amp_item(state, text, line, col)
        return
    if text in TERMINATORS and text not in ("≈", "≋"):
        _terminator(state, text, line, col, matches, number)
        return
    if first == "+" and text in LINKERS:
        if out.tokens:
            state.diag.add("E766", "error", f"linker {text} is not at the start", line, col,
                           hint="linkers (++ +^ +< +, +\" +≈) open the utterance")
        _event(state, "linker", text, line, col, label=LINKERS[text])
        return
    if first in "+#," and len(text) > 1 and not _has_word_char(text):
        _bad_punctuation(state, text, line, col)
        return
    if first == "(":
        pause = pause_value(text)
        if pause is not None:
            _event(state, "pause", text, line, col, value=pause[0], label=pause[1])
            return
    if text in SEPARATORS:
        if text == "," and ca:
            _event(state, "intonation", text, line, col, label="continuing")
        else:
            _event(state, "separator", text, line, col, label=SEPARATORS[text])
        if text in (",", "„", "‡"):
            out.separators.append(tuple(state.group_stack))
        return
    if text in CA_INTONATION:
        _event(state, "intonation", text, line, col, label=CA_INTONATION[text])
        return
    if text in CA_LATCH:
        if text == "≡":
            _event(state, "latch", text, line, col, label="start" if not out.tokens else "end")
        elif is_last or _only_bullets_after(matches, number):
            _event(state, "latch", text, line, col, label="end")
        else:
            _event(state, "latch", text, line, col, label="mid")
        return
    if first in CA_OVERLAP and (len(text) == 1 or (len(text) == 2 and text[1].isdigit())):
        _overlap(state, text, line, col, inword=False)
        return
    if text == "0":
        _event(state, "action", text, line, col)
        return
    if "(" in text and _PAUSE_ANY.search(text):
        core = text.strip("<>“”‹›〔〕")
        if pause_value(core) is None:
            if any(ch.isalnum() for ch in _PAUSE_ANY.sub("", core)):
                state.diag.add("E751", "warning" if ca else "error", "pause glued to a word",
                               line, col, hint="put spaces around (.) and (1.5)")
            _split_glued_pauses(state, text, line, col, is_last, matches, number)
            return
    if "." in text or "?" in text or "!" in text:
        glued = glued_marks(text)
        if glued:
            _split_glued_terminator(state, text, glued[0], line, col, is_last, matches,
                                    number)
            return
    _word(state, text, line, col, is_last, matches, number)


def _split_glued_terminator(
    state: _State, text: str, at: int, line: int, col: int, is_last: bool,
    matches: list[re.Match[str]], number: int,
) -> None:
    """Read `text` as two items split after the terminator at `at`: the mark ends the
    first word (CA intonation in CA mode, else an E305 error, as any terminator glued
    inside the utterance is), and the rest is an item of its own. Read as one word, the
    two would count as one word nobody said ("onedo")."""
    _word(state, text[:at], line, col, False, matches, number)
    mark = text[at]
    if state.ca:
        _event(state, "intonation", mark, line, col + at, label=_GLUED_PUNCT[mark], inword=True)
    else:
        state.diag.add("E305", "error", f"terminator {mark!r} glued between two words", line,
                       col + at, hint="a terminator ends the utterance; put a space after "
                       "it, or use a comma inside the utterance")
        _event(state, "terminator", mark, line, col + at, label=TERMINATORS[mark], inword=True)
    _item(state, text[at + 1:], line, col + at + 1, is_last, matches, number)


def _has_word_char(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _bad_punctuation(state: _State, text: str, line: int, col: int) -> None:
    """Punctuation runs CHAT does not define: `,,`, `#` pauses, `+=.` terminators."""
    severity: Severity = "warning" if state.ca else "error"
    if set(text) == {","}:
        state.diag.add("E258", severity, f"consecutive commas {text!r}", line, col,
                       hint="write a single comma, or „ for a tag question")
    elif set(text) == {"#"}:
        state.diag.add("E309", severity, f"'{text}' is the old pause notation", line, col,
                       hint="write pauses as (.), (..), (...) or (1.5)")
    else:
        state.diag.add("E309", severity, f"unknown terminator or linker {text!r}", line, col,
                       hint="terminators: . ? ! +... +..? +/. +//. +/? +//? +!? +\"/. +\". ; "
                       "linkers: ++ +^ +< +, +\"")
    _event(state, "mark", text, line, col)


def _only_bullets_after(matches: list[re.Match[str]], number: int) -> bool:
    return all(m.lastgroup == "bullet" for m in matches[number + 1 :])


def _split_glued_pauses(
    state: _State, text: str, line: int, col: int, is_last: bool,
    matches: list[re.Match[str]], number: int,
) -> None:
    position = 0
    for pause in _PAUSE_ANY.finditer(text):
        if pause.start() > position:
            _glued_part(state, text[position : pause.start()], line, col + position)
        value = pause_value(pause.group())
        assert value is not None
        _event(state, "pause", pause.group(), line, col + pause.start(), value=value[0],
               label=value[1])
        position = pause.end()
    if position < len(text):
        rest = text[position:]
        if rest in SEPARATORS:
            _glued_part(state, rest, line, col + position)
        else:
            _word(state, rest, line, col + position, is_last, matches, number)


def _glued_part(state: _State, text: str, line: int, col: int) -> None:
    if text in SEPARATORS:
        label = "continuing" if text == "," and state.ca else SEPARATORS[text]
        _event(state, "intonation" if label == "continuing" else "separator", text, line, col,
               label=label, inword=True)
        if text in (",", "„", "‡"):
            state.out.separators.append(tuple(state.group_stack))
        return
    _word(state, text, line, col, False, [], 0)


def _terminator(
    state: _State, text: str, line: int, col: int, matches: list[re.Match[str]], number: int
) -> None:
    out = state.out
    after = matches[number + 1 :]
    final = all(
        m.lastgroup == "bullet"
        or (m.lastgroup == "bracket" and m.group().startswith("[+"))
        or (m.lastgroup == "item" and m.group() in CA_LATCH)
        for m in after
    )
    if final:
        if out.terminator:
            state.diag.add("E305", "error", "two terminators", line, col,
                           hint="an utterance ends with exactly one terminator")
        out.terminator = text
        _event(state, "terminator", text, line, col, label=TERMINATORS[text])
    elif state.ca and text in (".", "?", "!"):
        _event(state, "intonation", text, line, col, label=_GLUED_PUNCT[text])
    else:
        state.diag.add("E305", "error", f"terminator {text!r} in the middle of an utterance",
                       line, col, hint="an utterance ends with exactly one terminator")
        _event(state, "terminator", text, line, col, label=TERMINATORS[text])


def _long_feature(state: _State, text: str, line: int, col: int) -> None:
    """`&{l=X` / `&}l=X` long features, `&{n=X` / `&}n=X` nonvocal spans, `&{n=X}` events."""
    begin = text[1] == "{"
    if len(text) > 4 and text[2] in "ln" and text[3] == "=":
        kind = text[2]
        label = text[4:]
        if begin and kind == "n" and label.endswith("}") and len(label) > 1:
            _event(state, "long_feature", text, line, col, label="event:" + label[:-1])
            return
        if label and "{" not in label and "}" not in label:
            _event(state, "long_feature", text, line, col,
                   label=("begin" if begin else "end") + ":" + label)
            state.out.long_features.append((begin, kind, label, line, col))
            return
    state.diag.add("E369", "error", f"malformed nonvocal or long-feature marker {text!r}",
                   line, col, hint="write &{n=LABEL … &}n=LABEL, &{l=LABEL … &}l=LABEL, or "
                   "&{n=LABEL} for a single event")
    _event(state, "mark", text, line, col)


def _amp_item(state: _State, text: str, line: int, col: int) -> None:
    second = text[1]
    body = text[2:]
    if second == "=":
        if len(body) > 1 and body[-1] == ",":
            # `&=laughs,`: CLAN reads the event, then a comma with its own %mor item
            _amp_item(state, text[:-1], line, col)
            _glued_part(state, ",", line, col + len(text) - 1)
            return
        if not body:
            state.diag.add("E316", "error", "empty event '&='", line, col,
                           hint="describe the event: &=laughs")
        else:
            stop = -1
            if "." in body or "?" in body or "!" in body:
                stop = next(k for k, ch in enumerate(body) if ch in ".?!")
            if stop >= 0:
                state.diag.add("E364", "error", f"terminator character {body[stop]!r} inside "
                               f"the event {text!r}", line, col + 2 + stop,
                               hint="an event label has no . ? or !; put a space before the "
                               "terminator (&=laughs .)")
        if body == "pause":  # how cakit writes a pause nobody timed (a BNC <pause> tag)
            _event(state, "pause", text, line, col, label="untimed")
        elif text in _SOUNDS:  # a Jefferson click or lip smack, as cakit writes it
            _event(state, "sound", text, line, col, label=_SOUNDS[text])
        else:
            _event(state, "comment", text, line, col, label=body.rstrip(".?!"))
        return
    if second in "{}":
        _long_feature(state, text, line, col)
        return
    if second == "*":
        _event(state, "interposed", text, line, col, label=body)
        return
    kinds = {"-": "filler", "+": "fragment", "~": "nonword"}
    kind = kinds.get(second)
    if kind is None:
        # "&word" (old fragment notation) is read as a fragment and reported.
        # Real CHILDES files still carry it (&uh, &d), so it stays a warning.
        state.diag.add("E212", "warning", f"old-style '&' item {text!r}", line, col,
                       hint="use &-um (filler), &+fr (fragment), &~nonword, &=event")
        kind, body = "fragment", text[1:]
    clean, features, form = _clean_word(state, body, line, col)
    state.out.tokens.append(Token(text, clean, kind, line, col, features, form))
    state.last_was_group_end = False
    state.last_was_token = True


def _overlap(state: _State, text: str, line: int, col: int, *, inword: bool) -> None:
    state.overlaps = True
    glyph = text[0]
    number = int(text[1]) if len(text) > 1 and text[1].isdigit() else 1
    if len(text) > 1 and text[1] == "1" and not inword:
        state.diag.add("E373", "warning", "overlap index 1 is implicit; use 2–9", line, col,
                       hint="write ⌈ for the first overlap, ⌈2 … ⌈9 for later ones")
    _event(state, "overlap", text, line, col, label=CA_OVERLAP[glyph], number=number,
           inword=inword)


def _word(
    state: _State,
    text: str,
    line: int,
    col: int,
    is_last: bool,
    matches: list[re.Match[str]],
    number: int,
) -> None:
    """A word item, possibly wrapped in glued marks (quotes, groups, overlaps, punctuation)."""
    out = state.out
    ca = state.ca
    start = 0
    end = len(text)
    # leading wrappers -------------------------------------------------------------------
    while start < end:
        ch = text[start]
        if ch == "<":
            if not ca or _is_chat_group(text, start, matches, number):
                state.group_stack.append(len(out.tokens))
                _event(state, "group", "<", line, col + start, label="begin", inword=True)
            else:
                state.features ^= _SLOW
            start += 1
            continue
        if ch == "“":
            if state.quotes:
                state.diag.add("E372", "error", "quotation “ opened inside another quotation",
                               line, col + start,
                               hint="close the first quotation before opening another")
            state.quotes.append((line, col + start))
            _event(state, "quote", ch, line, col + start, label="begin", inword=True)
            start += 1
            continue
        if ch in "‹〔":
            state.group_stack.append(len(out.tokens))
            label = "phon_begin" if ch == "‹" else "sign_begin"
            _event(state, "group", ch, line, col + start, label=label, inword=True)
            start += 1
            continue
        if ch in CA_LATCH or (ca and ch == "="):
            _event(state, "latch", ch, line, col + start, label="start", inword=True)
            start += 1
            continue
        if ch == ">" and ca:
            state.features ^= _FAST
            start += 1
            continue
        break
    # trailing wrappers: collected, emitted after the token --------------------------------
    trailing: list[tuple[str, int]] = []
    while end > start:
        ch = text[end - 1]
        if ch == ">":
            trailing.append((ch, end - 1))
            end -= 1
            continue
        if ch in "”›〕" or ch in CA_INTONATION or ch in CA_LATCH:
            trailing.append((ch, end - 1))
            end -= 1
            continue
        if ca and ch in "<>=":
            trailing.append((ch, end - 1))
            end -= 1
            continue
        if ch in _GLUED_PUNCT and end - 1 > start and not text.startswith("&=", start):
            if ch == "?" and end - 2 > start and text[end - 2] == "+":
                break
            trailing.append((ch, end - 1))
            end -= 1
            continue
        if ca and ch == ")" and state.uncertain:
            trailing.append((ch, end - 1))
            end -= 1
            continue
        break
    body = text[start:end]
    if body:
        if body[0] == "&" and len(body) > 1:
            _amp_item(state, body, line, col + start)
        elif body[0] == "(" and pause_value(body) is not None:
            value = pause_value(body)
            assert value is not None
            _event(state, "pause", body, line, col + start, value=value[0], label=value[1])
        else:
            # the next item with a letter: a lone comma does not part "ha , ha"
            following = next((m.group() for m in matches[number + 1:number + 3]
                              if _has_word_char(m.group())), "")
            _emit_word(state, body, line, col + start, following)
    for ch, position in reversed(trailing):
        _trailing_mark(state, ch, line, col + position, is_last and position == len(text) - 1,
                       matches, number, text, position)


def _trailing_mark(
    state: _State, ch: str, line: int, col: int, is_last: bool,
    matches: list[re.Match[str]], number: int, text: str, position: int,
) -> None:
    out = state.out
    if ch == ">":
        if state.group_stack:
            begin = state.group_stack.pop()
            state.last_group = (begin, len(out.tokens))
            _event(state, "group", ">", line, col, label="end", inword=True)
            state.last_was_group_end = True
            if not _next_is_bracket(matches, number) and not state.ca:
                state.diag.add("E342", "error", "group <…> is not followed by an annotation",
                               line, col, hint="a group needs e.g. [/] or [: x] after it")
        elif state.ca:
            state.features ^= _SLOW
        else:
            state.diag.add("E346", "error", "'>' closes a group that was never opened",
                           line, col, hint="open the group with '<' before its first word")
        return
    if ch in "›〕":
        if state.group_stack:
            begin = state.group_stack.pop()
            state.last_group = (begin, len(out.tokens))
        _event(state, "group", ch, line, col, label="end", inword=True)
        state.last_was_group_end = True
        return
    if ch == "”":
        if state.quotes:
            state.quotes.pop()
        else:
            state.diag.add("E242", "error", "closing quotation mark ” without an opening “",
                           line, col, hint="open the quotation with “ in the same utterance")
        _event(state, "quote", ch, line, col, label="end", inword=True)
        return
    if ch in CA_INTONATION:
        _event(state, "intonation", ch, line, col, label=CA_INTONATION[ch], inword=True)
        return
    if ch in CA_LATCH or ch == "=":
        at_end = is_last or _only_bullets_after(matches, number)
        _event(state, "latch", ch, line, col, label="end" if at_end else "mid", inword=True)
        return
    if ch == "<":
        state.features ^= _FAST
        return
    if ch == ")":
        state.uncertain = False
        return
    # glued punctuation
    rest_after = text[position + 1 :]
    final = (is_last or _only_bullets_after(matches, number)) and not any(
        c in ".?!" for c in rest_after
    )
    if ch in ".?!" and final:
        out.terminator = ch
        if state.ca:
            _event(state, "intonation", ch, line, col, label=_GLUED_PUNCT[ch], inword=True)
        else:
            state.diag.add("W210", "warning", f"terminator {ch!r} is glued to the word before "
                           "it", line, col, hint=f"put a space before the terminator: word {ch}")
        _event(state, "terminator", ch, line, col, label=TERMINATORS[ch], inword=True)
        return
    if state.ca:
        _event(state, "intonation", ch, line, col, label=_GLUED_PUNCT[ch], inword=True)
        return
    if ch == ",":
        out.separators.append(tuple(state.group_stack))
        _event(state, "separator", ch, line, col, label="comma", inword=True)
        return
    state.diag.add("E305", "error", f"terminator {ch!r} glued inside the utterance", line, col,
                   hint="a terminator ends the utterance; use a comma inside it")
    _event(state, "terminator", ch, line, col, label=TERMINATORS.get(ch, ch), inword=True)


def _is_chat_group(text: str, start: int, matches: list[re.Match[str]], number: int) -> bool:
    """A `<` opens a CHAT group only if its matching `>` is followed by `[…]`.

    CA-lite files use `<slow>` and `>fast<` Jefferson-style; those never carry `[…]`.
    """
    depth = 0
    for k in range(number, len(matches)):
        match = matches[k]
        if match.lastgroup != "item":
            continue
        chunk = text[start:] if k == number else match.group()
        depth += len(chunk) - len(chunk.lstrip("<"))
        core = chunk.rstrip("”›〕.?!,≈≡≋⇗↗→↘⇘∞")
        depth -= len(core) - len(core.rstrip(">"))
        if depth <= 0:
            return k + 1 < len(matches) and matches[k + 1].lastgroup == "bracket"
    return False


def _next_is_bracket(matches: list[re.Match[str]], number: int) -> bool:
    return number + 1 < len(matches) and matches[number + 1].lastgroup == "bracket"


def _laugh(state: _State, word: str, following: str) -> bool:
    """A laugh particle: heh, hah, haha …; "ha", "ho", "hu" and "huh" only next to
    another particle ("ha ha"), since alone they are words (the Jefferson reader agrees)."""
    if LAUGH_PARTICLE.match(word):
        return True
    if word.lower() not in _SHORT_PARTICLES:
        return False
    # the particle before, past the intonation and commas between ("ha, ha.")
    events = state.out.events
    here = len(state.out.tokens)
    k = len(events) - 1
    while k >= 0 and events[k].index == here and events[k].kind in _BETWEEN_PARTICLES:
        k -= 1
    after_laugh = k >= 0 and events[k].kind == "laugh" and events[k].index == here
    nxt = following.strip(".,?!¿;:").lower()
    next_laughs = bool(nxt) and (nxt in _SHORT_PARTICLES or bool(LAUGH_PARTICLE.match(nxt)))
    return after_laugh or next_laughs


#: Laugh particles only next to another particle: two-letter ones, and "huh" ("huh huh";
#: alone, "huh?" asks for a repeat), as the Jefferson reader reads them. Not "he" (a
#: repeated pronoun, "he he does what?") nor "hi" (a repeated greeting).
_SHORT_PARTICLES = frozenset({"ha", "ho", "hu", "huh"})
#: A word after the in-breath dot that is breath or laughing on the in-breath.
_INBREATH_WORD = re.compile(INBREATH_BODY, re.IGNORECASE)
#: Events that may come between two laugh particles without parting them ("ha, ha").
_BETWEEN_PARTICLES = frozenset({"intonation", "separator"})


def _emit_word(state: _State, body: str, line: int, col: int, following: str = "") -> None:
    out = state.out
    ca = state.ca
    lowered = body.lower()
    if lowered in _UNTRANSCRIBED and (body == lowered or ca):
        out.tokens.append(Token(body, body, "untranscribed", line, col, state.features))
        state.last_was_group_end = False
        state.last_was_token = True
        return
    if _ILLEGAL_UNTRANSCRIBED.match(body) or (lowered in _UNTRANSCRIBED and body != lowered):
        if ca:
            out.tokens.append(Token(body, body, "untranscribed", line, col, state.features))
        else:
            state.diag.add("E241", "error", f"illegal untranscribed marker {body!r}", line, col,
                           hint="use xxx (unintelligible), yyy (phonetic) or www")
            out.tokens.append(Token(body, body, "untranscribed", line, col))
        state.last_was_group_end = False
        state.last_was_token = True
        return
    if body[0] == "0" and len(body) > 1:
        clean, features, form = _clean_word(state, body[1:], line, col + 1)
        out.tokens.append(Token(body, clean, "omission", line, col, features, form))
        state.last_was_group_end = False
        state.last_was_token = True
        return
    if _PLAIN.match(body):
        features = state.features
        if state.uncertain:
            features |= _UNCERTAIN
        if ca and len(body) > 1 and body.isupper() and body not in _ACRONYMS:
            features |= _LOUD
        if ca and (body[0] == "h" or body[0] == "H"):
            if OUTBREATH.match(body):
                _event(state, "breath", body, line, col, label="out")
                return
            if _laugh(state, body, following):
                _event(state, "laugh", body, line, col, label="particle")
                return
        out.tokens.append(Token(body, body, "word", line, col, features))
        state.last_was_group_end = False
        state.last_was_token = True
        return
    clean, features, form = _clean_word(state, body, line, col)
    if "↫" in body and not state.outside:
        state.diag.add("E753", "error", f"{body!r} is only a repeated segment", line, col,
                       hint="attach the repeated segment to the word it repeats: ↫p↫parents")
    if not clean:
        if features & _INBREATH:
            _event(state, "breath", body, line, col, label="in")
        else:
            if not ca and not features and not any(ch in _MARK_GLYPHS for ch in body):
                state.diag.add("E309", "error", f"unexpected item {body!r}", line, col,
                               hint="main-tier items are words, events (&=…), pauses, "
                               "[annotations] and one terminator")
            _event(state, "mark", body, line, col)
        return
    if not _has_word_char(clean) and clean.strip("'"):
        # stray punctuation ("-.", a transcriber's "----------") is no word: counted as one
        # it would join word counts, frequency lists and MLU
        state.diag.add("E309", "warning" if ca else "error", f"unexpected item {body!r}",
                       line, col, hint="old tone terminators (-. -? -,) and stray punctuation "
                       "are not CHAT; use a terminator . ? ! or a CA intonation arrow")
        _event(state, "mark", body, line, col)
        return
    if form:
        _check_word_form(state, clean, form, line, col)
    if _DIGIT.search(clean) and "&" not in body:
        _check_digits(state, clean, form, line, col)
    if ca:
        letters = clean.replace("'", "")
        if features & _INBREATH and _INBREATH_WORD.fullmatch(letters):
            _event(state, "breath", body, line, col, label="in")  # ∙hih, ∙shih, as Jefferson
            return
        if len(letters) >= 2 and set(letters.lower()) == {"h"}:
            label = "in" if features & _INBREATH or body.startswith((".", "∙")) else "out"
            _event(state, "breath", body, line, col, label=label)
            return
        if _laugh(state, clean, following) and not features & ~(
            _QUIET | _VERY_QUIET | _SMILE | _LAUGH | _LOUD
            | _STRETCHED | _EMPHASIS
        ):
            _event(state, "laugh", body, line, col, label="particle")
            return
        if len(letters) > 1 and letters.isupper() and letters not in _ACRONYMS:
            features |= _LOUD
    out.tokens.append(Token(body, clean, "word", line, col, features, form))
    state.last_was_group_end = False
    state.last_was_token = True


#: CA glyphs that Unicode counts as letters (laugh in a word, yawn).
_ALPHA_GLYPHS = frozenset("ἩΫ")
#: Primary and secondary stress (modifier letters to Unicode): a feature, never a letter.
_STRESS = frozenset("ˈˌ")

#: Glyphs whose lone occurrence is a mark, not an unknown item (paired CA delimiters etc.).
_MARK_GLYPHS = frozenset(CA_PAIRED) | frozenset(CA_OVERLAP) | frozenset("\x01\x02\u0332")


def _check_word_form(state: _State, clean: str, form: str, line: int, col: int) -> None:
    base = form.split(":", 1)[0].split("$", 1)[0]
    if base == "l" and state.outside > 1:
        state.diag.add("E754", "error", f"@l marks a single letter, not {clean!r}", line, col,
                       hint="use @k for a letter sequence, @ls for a letter plural")
    if "+" in clean.strip("+") and base not in _COMPOUND_FORMS:
        state.diag.add("E203", "error", f"form marker @{form} cannot mark the compound "
                       f"{clean!r}", line, col,
                       hint="compounds take only @c, @n, @f or a language (@s:…)")


def _word_languages(state: _State, form: str) -> frozenset[str] | None:
    """The language(s) a word is in, or None when the file does not say."""
    if form.startswith("s:"):
        return frozenset(re.split(r"[+&]", form[2:].split("$", 1)[0]))
    languages = state.languages
    current = state.language
    if form == "s":
        if len(languages) >= 2 and current in languages[:2]:
            return frozenset({languages[1] if current == languages[0] else languages[0]})
        return None
    return frozenset({current}) if current else None


def _check_digits(state: _State, clean: str, form: str, line: int, col: int) -> None:
    """E220: digits in a word, allowed only for tone/homonym-numbering languages."""
    if form in ("u", "z") or form.startswith("z:"):
        return
    if "-0" in clean:  # the omitted-affix notation, reported as E212
        clean = clean.replace("-0", "-")
        if not _DIGIT.search(clean):
            return
    if clean.isdigit():
        state.diag.add("E220", "error", f"number {clean!r} written with digits", line, col,
                       hint="write numbers out as they were said (two, twenty five)")
        return
    languages = _word_languages(state, form)
    if languages is None or languages & DIGIT_LANGUAGES:
        return
    state.diag.add("E220", "error", f"digits in the word {clean!r}, which is "
                   f"{'/'.join(sorted(languages))}", line, col,
                   hint="only languages that write tones with digits (zho, yue, vie, tha, cym, "
                   "nan, min, hak) allow them; mark the word's language (word@s:zho) or spell "
                   "it out")


def _clean_word(state: _State, body: str, line: int, col: int) -> tuple[str, int, str]:
    """Strip marks from a word: (clean form, features, form marker)."""
    ca = state.ca
    chars: list[str] = []
    features = 0
    letter_state = 0
    form = ""
    n = len(body)
    i = 0
    seen_letter = False
    paren_depth = 0
    outside = 0
    while i < n:
        ch = body[i]
        if (ch.isalnum() or ch == "'" or ch == "_") and not (ca and ch in _ALPHA_GLYPHS) \
                and ch not in _STRESS:
            letter_state |= state.features
            if state.features & _SEGMENT_REPETITION:
                i += 1  # ↫s-s↫segment: the repeated segment is not part of the word
                continue
            chars.append(ch)
            seen_letter = True
            outside += 1
            if state.uncertain:
                features |= _UNCERTAIN
            i += 1
            continue
        if ch == ":":
            if seen_letter:
                features |= _STRETCHED
            i += 1
            continue
        if ch in _PAIRED:
            bit = _PAIRED[ch]
            if ch == "°" and i + 1 < n and body[i + 1] == "°":
                state.features ^= _VERY_QUIET | _QUIET
                i += 2
                continue
            state.features ^= bit
            i += 1
            continue
        if ch in _ATTACHED:
            features |= _ATTACHED[ch]
            i += 1
            continue
        if ch in CA_OVERLAP:
            digit = body[i + 1] if i + 1 < n and body[i + 1].isdigit() else ""
            _overlap(state, ch + digit, line, col + i, inword=True)
            i += 1 + len(digit)
            continue
        if ch == COMBINING_LOW_LINE:
            features |= _EMPHASIS
            i += 1
            continue
        if ch == "\x02":  # underline: U+0002 U+0001 begins, U+0002 U+0002 ends; may span words
            if i + 1 < n and body[i + 1] in "\x01\x02":
                if body[i + 1] == "\x01":
                    state.features |= _EMPHASIS
                elif state.features & _EMPHASIS:
                    state.features &= ~_EMPHASIS
                else:
                    state.diag.add("E357", "warning" if ca else "error", "underline end "
                                   "without an underline begin", line, col + i,
                                   hint="an underline is U+0002 U+0001 … U+0002 U+0002")
                i += 2
                continue
            i += 1
            continue
        if ch == "@":
            form = body[i + 1 :]
            _check_form(state, form, line, col + i)
            break
        if ch == "(":
            close = body.find(")", i)
            if close > i and (close < n - 1 or i > 0):
                paren_depth += 1
                i += 1
                continue
            if ca:
                state.uncertain = True
                features |= _UNCERTAIN
                i += 1
                continue
            if close == n - 1 and i == 0:
                state.diag.add("E209", "error", f"a whole word cannot be a shortening: {body!r}",
                               line, col, hint="(be)cause marks only the unspoken part")
                i += 1
                continue
            state.diag.add("E313", "error", "'(' is never closed in the word", line, col + i,
                           hint="shortenings look like (be)cause; pauses like (.)")
            i += 1
            continue
        if ch == ")":
            if paren_depth:
                paren_depth -= 1
            elif ca:
                state.uncertain = False
            i += 1
            continue
        if ch == "-":
            if seen_letter and i + 1 < n and body[i + 1] == "0":
                state.diag.add("E212", "error", f"omitted-affix notation '-0' in {body!r}",
                               line, col + i, hint="CHAT no longer marks omitted affixes on "
                               "the main tier; code the error with [* m] instead")
            if i == n - 1 and seen_letter:
                features |= _CUTOFF
                if ca:
                    state.diag.add("CK202", "warning", "Jefferson cut-off '-' inside CHAT",
                                   line, col + i, hint="CHAT-CA marks a cut-off with ⤆")
            elif not state.features & _SEGMENT_REPETITION:
                chars.append(ch)
            i += 1
            continue
        if ch in "<>" and ca:
            state.features ^= _FAST if (ch == ">") == (not seen_letter) else _SLOW
            i += 1
            continue
        if ch in "+~^":
            if ch == "+" and not state.features & _SEGMENT_REPETITION:
                chars.append(ch)
            elif ch == "^" and (not seen_letter or i == n - 1):
                state.diag.add("E252", "error", "syllable pause '^' must sit between the "
                               f"syllables of a word: {body!r}", line, col + i,
                               hint="write rhi^noceros; blocking at a word start is ≠")
            i += 1
            continue
        if ch in ".?!,¿" and ca:
            i += 1
            continue
        if ch in "\u2018\u2019":
            state.diag.add("E256", "warning" if ca else "error",
                           f"curly quote U+{ord(ch):04X} used in a word", line, col + i,
                           hint="write the ASCII apostrophe ' (don't); quotations use “ ”")
            chars.append("'")
            i += 1
            continue
        if ch == "|":
            state.diag.add("E243", "error", f"'|' inside the word {body!r}", line, col + i,
                           hint="'|' separates part of speech and stem on %mor only")
            i += 1
            continue
        # any other mark: keep letters only
        if ch.isalpha():
            chars.append(ch)
        i += 1
    state.outside = outside
    return "".join(chars), features | letter_state, form


def _check_form(state: _State, form: str, line: int, col: int) -> None:
    if not form:
        state.diag.add("E202", "error", "'@' with no form type", line, col,
                       hint="e.g. word@c (child-invented), word@s:fra (language)")
        return
    if form == "s" or form.startswith("s$"):
        languages = state.languages
        if len(languages) < 2:
            state.diag.add("E249", "error", "bare @s but @Languages declares no second "
                           "language", line, col,
                           hint="name the language (word@s:fra) or add it to @Languages")
        elif state.language not in languages[:2]:
            state.diag.add("E248", "error", f"bare @s in a {state.language} utterance: "
                           f"{state.language} is not the first or second language, so @s is "
                           "ambiguous", line, col, hint="name the language: word@s:eng")
        return
    if form.startswith(("s:", "z:")):
        return
    base = form.split("$", 1)[0].split(":", 1)[0]
    if base not in FORM_MARKERS:
        state.diag.add("E203", "error", f"unknown form type @{form}", line, col,
                       hint="see the CHAT manual's form-marker list (@c @b @f @l @o …)")
