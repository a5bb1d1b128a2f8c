"""CHAT main-tier content → tokens and events (NOTATION.md §C.3, §C.4, §C.6).

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
from cakit.model import Event, Feature, MediaTime, Token
from cakit.notation import (
    CA_ATTACHED,
    CA_INTONATION,
    CA_LATCH,
    CA_OVERLAP,
    CA_PAIRED,
    COMBINING_LOW_LINE,
    LAUGH_PARTICLE,
    pause_value,
)

_SCAN = re.compile(
    r"(?P<bullet>\x15[^\x15]*\x15?)"
    r"|(?P<bracket>\[[^\[\]\x15]*\]?)"
    r"|(?P<comment>\(\([^()]*\)\)[^\s\[\x15]*)"
    r"|(?P<item>[^\s\[\x15]+)"
)
_BULLET = re.compile(r"^\x15(\d+)_(\d+)-?\x15$")
_PAUSE_ANY = re.compile(r"\((?:\.{1,3}|\d+(?::\d+)?\.\d*)\)")
_PLAIN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*'?\Z")

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
FORM_MARKERS = frozenset(
    "a b c d e f fp g i k l ls lp n o p q sas si sl t u wp x".split()
)
#: Scoped annotations: text inside [ ] → code. Anything else is E312 (unknown marker).
_SCOPED = re.compile(
    r"^\[(?P<code>///|//\?|//|/-|/\?|/|::|:|\*|\?|!!|!|=!|=\?|=|\+|-|%|#|x|<\d?|>\d?|\^c|e|"
    r"\^\S*)"
    r"(?P<rest>(?:\s.*)?)\]$",
    re.S,
)
RETRACE_CODES = frozenset({"/", "//", "///", "/-", "/?", "//?", "e"})
_UNTRANSCRIBED = {"xxx": "unintelligible", "yyy": "phonetic", "www": "untranscribed"}
_ILLEGAL_UNTRANSCRIBED = re.compile(r"^(?:xx|yy|ww|[xX]{2,}|[yY]{2,}|[wW]{3,})$")
_ACRONYMS = frozenset({"OK", "TV", "GP", "NHS", "CBT", "CPN", "BBC", "UK", "USA", "MI5", "CCTV"})
_GLUED_PUNCT = {".": "fall", "?": "rise", "!": "exclaim", ",": "continuing", "¿": "weak_rise"}
_JEFF_LATCH = {"=": "latch"}


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

    @property
    def separator_count(self) -> int:
        """%mor-alignable separators (comma, tag, vocative) outside retraced groups."""
        return sum(1 for groups in self.separators if not self.retraced_groups.intersection(groups))


class _State:
    """Mutable scan state for one utterance."""

    __slots__ = (
        "ca", "diag", "features", "group_stack", "last_group", "last_was_group_end",
        "last_was_token", "ll",
        "offset0", "out", "uncertain",
    )

    def __init__(self, ca: bool, diag: Collector, ll: LogicalLine, offset0: int) -> None:
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


def tokenize_main(
    content: str, offset0: int, ll: LogicalLine, *, ca: bool, diag: Collector
) -> MainTier:
    """Tokenize one main tier's content (the text after `*SPK:\\t`)."""
    state = _State(ca, diag, ll, offset0)
    single = len(ll.starts) == 1
    first_line = ll.first_line
    matches = list(_SCAN.finditer(content))
    last = len(matches) - 1
    for number, match in enumerate(matches):
        kind = match.lastgroup
        text = match.group()
        offset = match.start()
        if single:
            line, col = first_line, offset0 + offset + 1
        else:
            line, col = ll.position(offset0 + offset)
        if kind == "item":
            _item(state, text, line, col, number == last, matches, number)
        elif kind == "bracket":
            _bracket(state, text, line, col)
        elif kind == "bullet":
            _bullet(state, text, line, col, number == last)
        else:  # ((comment)) written Jefferson-style inside CHAT (CA-lite habit)
            _comment(state, text, line, col)
    out = state.out
    if state.features:
        out.open_spans = state.features
    if state.group_stack:
        diag.add("E345", "error", "group '<' is never closed with '>'",
                 *(ll.position(offset0)), hint="close the group before its annotation")
    return out


def _event(state: _State, kind: str, text: str, line: int, col: int, **fields: object) -> None:
    state.out.events.append(
        Event(kind, text, len(state.out.tokens), line, col, **fields)  # type: ignore[arg-type]
    )
    state.last_was_group_end = False
    if kind not in ("bullet", "overlap", "quote", "group", "scoped"):
        state.last_was_token = False


def _bullet(state: _State, text: str, line: int, col: int, is_last: bool) -> None:
    match = _BULLET.match(text)
    if not match:
        state.diag.add("E360", "error", "malformed media bullet", line, col,
                       hint="a bullet is •start_end• in milliseconds")
        return
    start, end = int(match.group(1)), int(match.group(2))
    media = MediaTime(start, end)
    if text.endswith("-\x15"):
        state.diag.add("E360", "warning", "old-style skip bullet (trailing '-')", line, col)
    if start >= end:
        state.diag.add("E701", "error", f"bullet start {start} is not before end {end}",
                       line, col)
    if (len(match.group(1)) > 1 and match.group(1).startswith("0")) or (
        len(match.group(2)) > 1 and match.group(2).startswith("0")
    ):
        state.diag.add("E748", "error", "bullet time has a leading zero", line, col)
    if is_last:
        state.out.media = media
    _event(state, "bullet", text, line, col, media=media)


def _comment(state: _State, text: str, line: int, col: int) -> None:
    inner_end = text.rfind("))")
    description = text[2:inner_end].strip()
    _event(state, "comment", text[: inner_end + 2], line, col, label=description)
    if state.ca:
        state.diag.add("CK201", "warning", "Jefferson '((…))' comment inside CHAT", line, col,
                       hint="CHAT writes non-verbal events as &=description")
    rest = text[inner_end + 2 :]
    if rest:
        _item(state, rest, line, col + inner_end + 2, False, [], 0)


def _bracket(state: _State, text: str, line: int, col: int) -> None:
    if not text.endswith("]"):
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
            state.diag.add("E208", "error", "empty replacement", line, col)
        if code in (":",) and rest:
            words = rest.split()
            for word in words:
                if word.lower() in _UNTRANSCRIBED or word.startswith("0"):
                    state.diag.add("E391", "error",
                                   "a replacement word cannot be untranscribed or omitted",
                                   line, col)
                    break
            if scope is not None:
                out.replacements[scope[1] - 1] = len(words)
                if out.tokens and out.tokens[scope[1] - 1].kind == "fragment":
                    state.diag.add("E387", "error", "a fragment cannot have a replacement",
                                   line, col)
        if code in RETRACE_CODES and scope is not None:
            out.retraced.update(range(scope[0], scope[1]))
            if state.last_was_group_end:
                out.retraced_groups.add(scope[0])
        if code == "x" and not re.fullmatch(r"\d+", rest):
            state.diag.add("E214", "error", f"repetition count {rest!r} is not a number",
                           line, col)
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
            state.diag.add("E766", "error", f"linker {text} is not at the start", line, col)
        _event(state, "linker", text, line, col, label=LINKERS[text])
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
    _word(state, text, line, col, is_last, matches, number)


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
            state.diag.add("E360" if False else "E305", "error", "two terminators", line, col)
        out.terminator = text
        _event(state, "terminator", text, line, col, label=TERMINATORS[text])
    elif state.ca and text in (".", "?", "!"):
        _event(state, "intonation", text, line, col, label=_GLUED_PUNCT[text])
    else:
        state.diag.add("E305", "error", f"terminator {text!r} in the middle of an utterance",
                       line, col, hint="an utterance ends with exactly one terminator")
        _event(state, "terminator", text, line, col, label=TERMINATORS[text])


def _amp_item(state: _State, text: str, line: int, col: int) -> None:
    second = text[1]
    body = text[2:]
    if second == "=":
        if not body:
            state.diag.add("E316", "error", "empty event '&='", line, col)
        elif body[-1] in ".?!" and not body.endswith("..."):
            state.diag.add("E364", "error", f"terminator inside event label {text!r}", line, col,
                           hint="write &=laughs . with a space before the terminator")
        _event(state, "comment", text, line, col, label=body.rstrip(".?!"))
        return
    if second in "{}" and len(text) > 3 and text[2] in "ln" and text[3] == "=":
        _event(state, "long_feature", text, line, col,
               label=("begin" if second == "{" else "end") + ":" + text[4:])
        return
    if second == "*":
        _event(state, "interposed", text, line, col, label=body)
        return
    kinds = {"-": "filler", "+": "fragment", "~": "nonword"}
    kind = kinds.get(second)
    if kind is None:
        # "&word" (old fragment notation) is read as a fragment and reported.
        state.diag.add("E212", "warning", f"unknown '&' item {text!r}", line, col,
                       hint="use &-um (filler), &+fr (fragment), &~nonword, &=event")
        kind, body = "fragment", text[1:]
    clean, features, form = _clean_word(state, body, line, col)
    state.out.tokens.append(Token(text, clean, kind, line, col, features, form))
    state.last_was_group_end = False
    state.last_was_token = True


def _overlap(state: _State, text: str, line: int, col: int, *, inword: bool) -> None:
    glyph = text[0]
    number = int(text[1]) if len(text) > 1 and text[1].isdigit() else 1
    if len(text) > 1 and text[1] == "1" and not inword:
        state.diag.add("E373", "warning", "overlap index 1 is implicit; use 2–9", line, col)
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
                state.features ^= Feature.SLOW
            start += 1
            continue
        if ch == "“":
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
            state.features ^= Feature.FAST
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
            _emit_word(state, body, line, col + start)
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
            state.features ^= Feature.SLOW
        else:
            state.diag.add("E346", "error", "'>' closes a group that was never opened",
                           line, col)
        return
    if ch in "›〕":
        if state.group_stack:
            begin = state.group_stack.pop()
            state.last_group = (begin, len(out.tokens))
        _event(state, "group", ch, line, col, label="end", inword=True)
        state.last_was_group_end = True
        return
    if ch == "”":
        _event(state, "quote", ch, line, col, label="end", inword=True)
        return
    if ch in CA_INTONATION:
        _event(state, "intonation", ch, line, col, label=CA_INTONATION[ch], inword=True)
        return
    if ch in CA_LATCH or ch == "=":
        at_end = is_last or _only_bullets_after(matches, number)
        if ch in ("≈", "≋") and at_end:
            out.terminator = out.terminator or ch
        _event(state, "latch", ch, line, col, label="end" if at_end else "mid", inword=True)
        return
    if ch == "<":
        state.features ^= Feature.FAST
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
        _event(state, "terminator", ch, line, col, label=TERMINATORS[ch], inword=True)
        return
    if state.ca:
        _event(state, "intonation", ch, line, col, label=_GLUED_PUNCT[ch], inword=True)
        return
    if ch == ",":
        out.separators.append(tuple(state.group_stack))
        _event(state, "separator", ch, line, col, label="comma", inword=True)
        return
    state.diag.add("E305", "error", f"terminator {ch!r} glued inside the utterance", line, col)
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


def _emit_word(state: _State, body: str, line: int, col: int) -> None:
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
            features |= Feature.UNCERTAIN
        if ca and len(body) > 1 and body.isupper() and body not in _ACRONYMS:
            features |= Feature.LOUD
        if ca and LAUGH_PARTICLE.match(body):
            _event(state, "laugh", body, line, col, label="particle")
            return
        out.tokens.append(Token(body, body, "word", line, col, features))
        state.last_was_group_end = False
        state.last_was_token = True
        return
    clean, features, form = _clean_word(state, body, line, col)
    if not clean:
        if features & Feature.INBREATH:
            _event(state, "breath", body, line, col, label="in")
        else:
            _event(state, "mark", body, line, col)
        return
    if ca:
        letters = clean.replace("'", "")
        if len(letters) >= 2 and set(letters.lower()) == {"h"}:
            label = "in" if features & Feature.INBREATH or body.startswith((".", "∙")) else "out"
            _event(state, "breath", body, line, col, label=label)
            return
        if LAUGH_PARTICLE.match(clean) and not features & ~(
            Feature.QUIET | Feature.VERY_QUIET | Feature.SMILE | Feature.LAUGH | Feature.LOUD
            | Feature.STRETCHED | Feature.EMPHASIS
        ):
            _event(state, "laugh", body, line, col, label="particle")
            return
        if len(letters) > 1 and letters.isupper() and letters not in _ACRONYMS:
            features |= Feature.LOUD
    out.tokens.append(Token(body, clean, "word", line, col, features, form))
    state.last_was_group_end = False
    state.last_was_token = True


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
    underline = False
    while i < n:
        ch = body[i]
        if ch.isalnum() or ch == "'" or ch == "_":
            chars.append(ch)
            seen_letter = True
            letter_state |= state.features
            if underline:
                features |= Feature.EMPHASIS
            if state.uncertain:
                features |= Feature.UNCERTAIN
            i += 1
            continue
        if ch == ":":
            if seen_letter:
                features |= Feature.STRETCHED
            i += 1
            continue
        if ch in CA_PAIRED:
            bit = CA_PAIRED[ch]
            if ch == "°" and i + 1 < n and body[i + 1] == "°":
                state.features ^= Feature.VERY_QUIET | Feature.QUIET
                i += 2
                continue
            state.features ^= bit
            i += 1
            continue
        if ch in CA_ATTACHED:
            features |= CA_ATTACHED[ch]
            i += 1
            continue
        if ch in CA_OVERLAP:
            digit = body[i + 1] if i + 1 < n and body[i + 1].isdigit() else ""
            _overlap(state, ch + digit, line, col + i, inword=True)
            i += 1 + len(digit)
            continue
        if ch == COMBINING_LOW_LINE:
            features |= Feature.EMPHASIS
            i += 1
            continue
        if ch == "\x02":
            if i + 1 < n and body[i + 1] in "\x01\x02":
                underline = body[i + 1] == "\x01"
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
                features |= Feature.UNCERTAIN
                i += 1
                continue
            if close == n - 1 and i == 0:
                state.diag.add("E209", "error", f"a whole word cannot be a shortening: {body!r}",
                               line, col, hint="(be)cause marks only the unspoken part")
                i += 1
                continue
            state.diag.add("E313", "error", "'(' is never closed in the word", line, col + i)
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
            if i == n - 1 and seen_letter:
                features |= Feature.CUTOFF
                if ca:
                    state.diag.add("CK202", "warning", "Jefferson cut-off '-' inside CHAT",
                                   line, col + i, hint="CHAT-CA marks a cut-off with ⤆")
            else:
                chars.append(ch)
            i += 1
            continue
        if ch in "<>" and ca:
            state.features ^= Feature.FAST if (ch == ">") == (not seen_letter) else Feature.SLOW
            i += 1
            continue
        if ch in "+~^":
            if ch == "+":
                chars.append(ch)
            i += 1
            continue
        if ch in ".?!,¿" and ca:
            i += 1
            continue
        if ch in "\u2018\u2019":
            chars.append("'")
            i += 1
            continue
        # any other mark: keep letters only
        if ch.isalpha():
            chars.append(ch)
        i += 1
    return "".join(chars), features | letter_state, form


def _check_form(state: _State, form: str, line: int, col: int) -> None:
    if not form:
        state.diag.add("E202", "error", "'@' with no form type", line, col,
                       hint="e.g. word@c (child-invented), word@s:fra (language)")
        return
    if form.startswith(("s:", "z:", "s$")) or form == "s":
        return
    base = form.split("$", 1)[0].split(":", 1)[0]
    if base not in FORM_MARKERS:
        state.diag.add("E203", "error", f"unknown form type @{form}", line, col,
                       hint="see the CHAT manual's form-marker list (@c @b @f @l @o …)")
