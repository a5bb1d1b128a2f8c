"""Jefferson turn content → tokens and events (Jefferson's conventions, with GAT 2 where asked).

The output is the model the CHAT-CA reader produces: the same `Feature` bits on tokens and
the same `Event` kinds and labels, so nothing downstream needs to know which notation a
transcript was written in. Every token and event keeps the physical line and column of the
source (a turn may run over several lines).

How a turn is read:

1. The content is cut into pieces: `((comments))` (which may contain spaces), `{mhm}`
   acknowledgements, `( )` unclear talk, and whitespace-separated items; an item is further
   cut at pauses glued to words (`well(.)I`), latches (`yes=I`) and ellipses (`so...`).
2. A pre-pass pairs the angle brackets of the whole turn, because `<` and `>` mean three
   different things: `>fast<`, `<slow>`, and `<` before a word that is never closed (a
   hurried start). GAT 2 labelled spans (`<<f> … >`) are paired in the same pass.
3. Each item is peeled: marks in front (overlap `[`, `°`, `£`, `↑`, `(` …), marks behind
   (`]`, `.` `,` `?`, closing `°` …), and what is left is the word, whose inside may still
   hold stretches (`wo::rd`), laughter (`w(h)ord`), a cut-off (`wor-`) or an overlap onset
   (`tha[t`). Paired marks toggle a state that every letter inside the span picks up.

Marks that are events (overlaps, pauses, latches, intonation) become separate events with
their own columns; marks that are features stay in the token's `text`, and `clean` keeps
only the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cakit.formats._diag import Collector
from cakit.formats.jefferson.marks import (
    ATTACHED,
    F_ACCENT,
    F_CREAKY,
    F_CUTOFF,
    F_EMPHASIS,
    F_FAST,
    F_HURRIED_START,
    F_LAUGH,
    F_LOUD,
    F_QUIET,
    F_SLOW,
    F_SMILE,
    F_STRETCHED,
    F_TREMULOUS,
    F_UNCERTAIN,
    F_VERY_QUIET,
    GAT_IN,
    GAT_INTONATION,
    GAT_LABEL,
    GAT_LABELS,
    GAT_OUT,
    INBREATH,
    INTONATION,
    INTONATION_CHARS,
    JEFFERSON_FILLERS,
    LAUGH_AT_END,
    LAUGH_IN_WORD,
    LETTERS,
    LIPSMACK,
    OUTBREATH,
    PLAIN,
    PLAIN_ITEM,
    PLAIN_TURN,
    SCAN,
    SOUNDS,
    SPLIT,
    STRICT_PARTICLE,
    TOGGLES,
    UNTIMED_PAUSE,
    WEAK_ITEM,
    WEAK_PARTICLES,
    Content,
    Convention,
    is_loud,
    pause_reading,
)
from cakit.model import Event, Token
from cakit.notation import glued_marks


@dataclass(slots=True)
class Tokenized:
    """What the tokenizer found in one turn."""

    tokens: list[Token] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(slots=True)
class _Piece:
    kind: str  # comment | brace | unclear | word | pause | latch | ellipsis | other
    text: str
    offset: int


class _State:
    """Scan state for one turn."""

    __slots__ = (
        "attached", "convention", "diag", "gat_open", "out", "roles", "spans",
        "uncertain", "underlined",
    )

    def __init__(self, diag: Collector, convention: Convention,
                 underlined: frozenset[int]) -> None:
        self.diag = diag
        self.convention = convention
        self.underlined = underlined
        self.out = Tokenized()
        self.spans = 0  # paired features currently open
        self.uncertain = False
        self.attached = 0  # features waiting for the next word (a lone "↑", a hurried "<")
        self.roles: dict[int, str] = {}
        self.gat_open: list[int] = []

    @property
    def features(self) -> int:
        bits = self.spans
        if not bits and not self.gat_open:
            return 0
        if bits & F_VERY_QUIET:
            bits |= F_QUIET
        for gat in self.gat_open:
            bits |= gat
        return bits


def tokenize_turn(
    content: Content,
    *,
    diag: Collector,
    convention: Convention = "jefferson",
    underlined: frozenset[int] = frozenset(),
) -> Tokenized:
    """Tokens and events of one turn's content.

    Args:
        content: the turn's text with its map back to physical lines and columns.
        diag: where problems are reported (unbalanced marks, stray brackets).
        convention: "gat2" reads capitals as accent and the GAT 2 pauses, breaths and
            labelled spans; "jefferson" (the default) reads capitals as loud.
        underlined: offsets into `content.text` that were underlined in a Word file;
            the words covering them get `Feature.EMPHASIS`.
    """
    state = _State(diag, convention, underlined)
    if convention == "jefferson" and not underlined and PLAIN_TURN.match(content.text):
        return _plain_turn(state, content)
    return _marked_turn(state, content)


def _plain_turn(state: _State, content: Content) -> Tokenized:
    """A turn of plain words, each with at most one final . , ? or !, and timed pauses.

    Most turns are like this; they need none of the mark handling, and the result is
    exactly what `_marked_turn` gives (tests/formats/jefferson/test_plain_turns.py).
    """
    text = content.text
    weak_laugh: set[int] = set()
    if WEAK_ITEM.search(text):
        weak_laugh = _weak_laughs([_Piece("word", item.group(), item.start())
                                   for item in PLAIN_ITEM.finditer(text)
                                   if item.lastgroup != "pause"], "jefferson")
    tokens = state.out.tokens
    events = state.out.events
    one_line = len(content.starts) == 1
    line, first_col = content.lines[0], content.cols[0]
    end = 0
    # the text matched PLAIN_TURN, so its whitespace-separated items are PLAIN_ITEMs:
    # split() and str.index cost less than a match object per item (7% of this path)
    for item in text.split():
        offset = text.index(item, end)
        end = offset + len(item)
        if one_line:
            col = first_col + offset
        else:
            line, col = content.position(offset)
        if item[0] == "(":
            value, label = pause_reading(item) or (None, "timed")
            events.append(Event("pause", item, len(tokens), line, col, label, value))
            continue
        mark = item[-1] if item[-1] in ".,?!" else ""
        word = item[:-1] if mark else item
        if word.islower() and word[0] != "h" and word not in _SPECIAL:
            # what _classify makes of a lower-case word that is no particle, breath, sound,
            # filler or xxx, made directly
            tokens.append(Token(word, word, "word", line, col, 0))
        else:
            _classify(state, word, word, line, col, 0, offset in weak_laugh)
        if mark:
            events.append(Event("intonation", mark, len(tokens), line, col + len(word),
                                INTONATION[mark]))
    return state.out


#: lower-case words _classify makes something other than a plain "word" token (sounds,
#: fillers, xxx); words starting with h are checked apart (breaths, laugh particles)
_SPECIAL = frozenset(SOUNDS) | JEFFERSON_FILLERS | {"xxx"}


def _marked_turn(state: _State, content: Content) -> Tokenized:
    """Any turn: pieces, angle pairing, then each item peeled mark by mark."""
    diag = state.diag
    pieces = _pieces(content.text)
    _pair_angles(pieces, state, content)
    words = [p if p.kind == "word" else _Piece("word", "xxx", p.offset)
             for p in pieces if p.kind in ("word", "unclear")]
    weak_laugh = _weak_laughs(words, state.convention)
    for piece in pieces:
        kind = piece.kind
        if kind == "word":
            _word(state, piece, content, piece.offset in weak_laugh)
            continue
        line, col = content.position(piece.offset)
        if kind == "comment":
            label = " ".join(piece.text[2:-2].split())
            if label.lower() == UNTIMED_PAUSE:  # a pause nobody timed, not a description
                _event(state, "pause", piece.text, line, col, label="untimed")
            else:
                _event(state, "comment", piece.text, line, col, label=label)
        elif kind == "brace":
            label = " ".join(piece.text[1:-1].split())
            _event(state, "interposed", piece.text, line, col, label=label)
        elif kind == "unclear":
            state.out.tokens.append(
                Token(piece.text, "xxx", "untranscribed", line, col, state.features)
            )
        elif kind in ("pause", "ellipsis"):
            reading = pause_reading(piece.text)
            value, label = reading if reading else (None, "timed")
            _event(state, "pause", piece.text, line, col, value=value, label=label)
        elif kind == "latch":
            _event(state, "latch", "=", line, col, label="mid")
        else:
            if piece.text == "(":
                diag.add("CK311", "warning", "'((' opens a comment that is never closed", line,
                         col, hint="write transcriber comments as ((description))")
            elif piece.text == "{":
                diag.add("CK311", "warning", "'{' is never closed", line, col,
                         hint="write brief acknowledgements as {mhm}")
            _event(state, "mark", piece.text, line, col)
    _finish(state, content)
    return state.out


# --- pieces -------------------------------------------------------------------------------


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for match in SCAN.finditer(text):
        kind = match.lastgroup or "other"
        start = match.start()
        if kind != "item":
            pieces.append(_Piece(kind, match.group(), start))
            continue
        item = match.group()
        if ("=" not in item and "(" not in item and "." not in item and "…" not in item
                and "?" not in item and "!" not in item):
            pieces.append(_Piece("word", item, start))
            continue
        position = 0
        for cut in SPLIT.finditer(item):
            if cut.start() > position:
                _word_pieces(pieces, item[position : cut.start()], start + position)
            glued = cut.group()
            kind = "latch" if glued == "=" else "pause" if glued.startswith("(") else "ellipsis"
            pieces.append(_Piece(kind, glued, start + cut.start()))
            position = cut.end()
        if position < len(item):
            _word_pieces(pieces, item[position:], start + position)
    return pieces


#: A dot glued after a letter: where an in-breath glued to a word starts ("yeah.hh").
_GLUED_DOT = re.compile(r"(?<=[^\W\d_])\.")
#: An initialism (N.H.S., S.H.O., o.k.): single letters between dots, which hold no
#: in-breath however many of the letters are h.
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?[?,!]?\Z")


def _word_pieces(pieces: list[_Piece], text: str, offset: int) -> None:
    """`text` as word pieces: one, or several where a mark is glued between two words
    (`cakit.notation.glued_marks`: the mark ends the word before it, "three?" then
    "four") or an in-breath is glued to a word ("yeah" then ".hh")."""
    cuts = {at + 1 for at in glued_marks(text)}
    if not _INITIALISM.match(text):
        cuts.update(dot.start() for dot in _GLUED_DOT.finditer(text)
                    if INBREATH.match(text, dot.start()))
    position = 0
    for cut in sorted(cuts):
        pieces.append(_Piece("word", text[position:cut], offset + position))
        position = cut
    pieces.append(_Piece("word", text[position:], offset + position))


def _weak_laughs(words: list[_Piece], convention: Convention) -> set[int]:
    """Offsets of weak particles ("ha", "huh") next to another particle.

    Items that hold no letters (a lone `°`, `[`, a GAT 2 `<<f>`) are skipped when looking
    for neighbours.
    """
    kinds: list[tuple[int, int]] = []  # (offset, 1 word | 2 weak particle | 3 particle)
    any_weak = False
    for piece in words:
        text = piece.text
        if "h" not in text and "H" not in text:
            if text.isalpha() or any(ch.isalpha() for ch in text):
                kinds.append((piece.offset, 1))
            continue
        if convention == "gat2":
            text = GAT_LABEL.sub("", text)
        core = _letters(text)
        if not core:
            continue
        if core in WEAK_PARTICLES:
            kinds.append((piece.offset, 2))
            any_weak = True
        elif STRICT_PARTICLE.match(core):
            kinds.append((piece.offset, 3))
        else:
            kinds.append((piece.offset, 1))
    found: set[int] = set()
    if not any_weak:
        return found
    for k, (offset, kind) in enumerate(kinds):
        if kind != 2:
            continue
        if (k > 0 and kinds[k - 1][1] > 1) or (k + 1 < len(kinds) and kinds[k + 1][1] > 1):
            found.add(offset)
    return found


def _letters(text: str) -> str:
    if text.isalpha():
        return text.lower()
    return "".join(LETTERS.findall(text)).lower()


def _pair_angles(pieces: list[_Piece], state: _State, content: Content) -> None:
    """Give every `<` and `>` of the turn its role (fast, slow, hurried start, GAT span).

    `>` before a word opens a fast stretch closed by the next `<` after a word; `<` before
    a word opens a slow stretch closed by `>` after a word, and a `<` that is never closed
    marks a hurried start. Stacks make nested and interleaved stretches pair correctly.
    """
    occurrences: list[tuple[int, str, str, str]] = []  # offset, char, position, gat label
    for piece in pieces:
        if piece.kind != "word" or ("<" not in piece.text and ">" not in piece.text):
            continue
        text = piece.text
        alnum = [k for k, ch in enumerate(text) if ch.isalnum()]
        first = alnum[0] if alnum else -1
        last = alnum[-1] if alnum else -1
        k = 0
        while k < len(text):
            ch = text[k]
            if ch not in "<>":
                k += 1
                continue
            if state.convention == "gat2" and text.startswith("<<", k):
                span = GAT_LABEL.match(text, k)
                if span:
                    occurrences.append((piece.offset + k, "<<", "gat", span.group(1)))
                    k = span.end()
                    continue
            if not alnum:
                position = "standalone"
            elif k < first:
                position = "leading"
            elif k > last:
                position = "trailing"
            else:
                position = "inner"
            occurrences.append((piece.offset + k, ch, position, ""))
            k += 1
    if not occurrences:
        return
    roles = state.roles
    closed_by_gt: list[tuple[int, str]] = []  # openers waiting for '>': (offset, what)
    closed_by_lt: list[int] = []  # fast openers waiting for '<'
    for offset, ch, position, label in occurrences:
        if ch == "<<":
            closed_by_gt.append((offset, "gat:" + label))
            continue
        free = position in ("standalone", "inner")
        if ch == ">":
            if position == "leading" or (free and not closed_by_gt):
                closed_by_lt.append(offset)
            elif closed_by_gt:
                opener, what = closed_by_gt.pop()
                if what == "slow":
                    roles[opener], roles[offset] = "slow_open", "slow_close"
                else:
                    roles[opener], roles[offset] = "gat_open:" + what[4:], "gat_close"
            else:
                roles[offset] = "stray"
        elif position == "leading" or (free and not closed_by_lt):
            closed_by_gt.append((offset, "slow"))
        elif closed_by_lt:
            roles[closed_by_lt.pop()], roles[offset] = "fast_open", "fast_close"
        else:
            roles[offset] = "stray"
    for offset, what in closed_by_gt:
        if what == "slow":
            roles[offset] = "hurried"
        else:
            roles[offset] = "gat_open:" + what[4:]
            line, col = content.position(offset)
            state.diag.add("CK312", "warning", f"GAT 2 span <<{what[4:]}> is never closed "
                           "with '>'", line, col, hint="close the span with '>' after its words")
    for offset in closed_by_lt:
        roles[offset] = "stray"


# --- one word item ------------------------------------------------------------------------


def _event(state: _State, kind: str, text: str, line: int, col: int, **fields: object) -> None:
    state.out.events.append(
        Event(kind, text, len(state.out.tokens), line, col, **fields)  # type: ignore[arg-type]
    )


def _angle(state: _State, offset: int, content: Content) -> int:
    """Apply the role of the angle bracket at `offset`; returns characters consumed."""
    role = state.roles.get(offset, "stray")
    if role == "fast_open":
        state.spans |= F_FAST
    elif role == "fast_close":
        state.spans &= ~F_FAST
    elif role == "slow_open":
        state.spans |= F_SLOW
    elif role == "slow_close":
        state.spans &= ~F_SLOW
    elif role == "hurried":
        state.attached |= F_HURRIED_START
    elif role.startswith("gat_open:"):
        label = role[9:]
        state.gat_open.append(GAT_LABELS.get(label, 0))
        if label not in GAT_LABELS:
            line, col = content.position(offset)
            _event(state, "comment", f"<<{label}>", line, col, label=label)
        return len(label) + 3
    elif role == "gat_close":
        if state.gat_open:
            state.gat_open.pop()
    else:
        line, col = content.position(offset)
        state.diag.add("CK307", "warning", f"'{content.text[offset]}' has no partner in this "
                       "turn", line, col,
                       hint="write >fast< and <slow> in pairs; a lone '<' before a word is a "
                       "hurried start")
    return 1


def _toggle(state: _State, bit: int) -> None:
    state.spans ^= bit


def _toggle_quiet(state: _State, text: str, at: int) -> int:
    """Open or close `°°very quiet°°` or `°quiet°` at `at`; returns the marks consumed."""
    if text.startswith("°°", at):
        _toggle(state, F_VERY_QUIET)
        return 2
    _toggle(state, F_QUIET)
    return 1


#: Words a transcriber writes with a leading apostrophe for a dropped sound ('cause, 'em,
#: 'ere): the apostrophe is part of the word, not an opening quotation mark.
_ELIDED_START = frozenset({
    "cause", "cos", "coz", "cuz", "em", "bout", "til", "till", "n", "round", "fraid",
    "kay", "ere", "im", "er", "is", "ave", "ad", "alf", "ow", "ome", "ello", "appen", "twas",
    "tis", "s", "d", "ll", "re", "ve", "m", "t", "nother",
})
#: Word ends a trailing apostrophe belongs to (goin', o', an', th'): not a closing quote.
_ELIDED_END = ("in", "o", "an", "th", "ol", "fo", "wi", "s")


def _currency(text: str, i: int, end: int) -> bool:
    """Whether the £ or $ at `i` is a currency sign (a digit follows: £9, $20), not the
    smile-voice mark."""
    return text[i] in "£$" and i + 1 < end and text[i + 1].isdigit()


def _opens_quote(text: str, i: int) -> bool:
    """Whether the ASCII apostrophe at the start of an item opens a quotation
    ('voices') rather than marking a dropped sound ('cause)."""
    rest = LETTERS.match(text, i + 1)
    return rest is not None and rest.group().lower() not in _ELIDED_START


def _closes_quote(text: str, start: int, end: int, quoted: bool) -> bool:
    """Whether the mark at `end - 1` closes a quotation (and is no part of the word): double
    quotes and guillemets always; an apostrophe after a letter when the item opened a
    quotation, or when the word is no elision (goin', o'), e.g. the end of 'you and evil'."""
    ch = text[end - 1]
    if ch not in "'’":
        return True
    if not (end - 2 >= start and text[end - 2].isalpha()):
        return ch == "’"  # a closing typographic quote after a mark; a lone ' stays
    if quoted:
        return True
    word = text[start:end - 1].lower()
    return not word.endswith(_ELIDED_END) and ch == "'" and "'" not in text[start:end - 1]


def _word(state: _State, piece: _Piece, content: Content, weak_laugh: bool) -> None:
    text = piece.text
    offset = piece.offset
    if not state.attached and not state.uncertain and not state.underlined and text.isascii():
        # fast paths: a plain word, or a plain word with one intonation mark after it
        if text.isalpha() or PLAIN.match(text):
            line, col = content.position(offset)
            _classify(state, text, text, line, col, state.features, weak_laugh)
            return
        last = text[-1]
        body = text[:-1]
        if last in ".,?!" and body and (body.isalpha() or PLAIN.match(body)):
            line, col = content.position(offset)
            _classify(state, body, body, line, col, state.features, weak_laugh)
            table = GAT_INTONATION if state.convention == "gat2" else INTONATION
            _event(state, "intonation", last, line, col + len(body), label=table[last])
            return
    gat = state.convention == "gat2"
    if gat:
        breath = GAT_IN.match(text) or GAT_OUT.match(text)
        if breath:
            line, col = content.position(offset)
            label = "in" if text.startswith("°") else "out"
            _event(state, "breath", text, line, col, label=label)
            return
    n = len(text)
    events_before = len(state.out.events)
    i = 0
    text_start = 0
    seen_mark = False
    quoted = False  # the item opens a single quotation ('voices' or ‘voices’)
    # -- leading marks ---------------------------------------------------------------------
    while i < n:
        ch = text[i]
        if ch == "[" or ch == "]":
            width = 2 if text.startswith(ch + ch, i) else 1
            _lead_event(state, content, offset, i, width, "overlap",
                        label="begin" if ch == "[" else "end", inword=seen_mark)
            i += width
            text_start = i if not seen_mark else text_start
            continue
        if ch in "·•∙." or (ch == "°" and gat):
            match = INBREATH.match(text, i) if ch != "°" else None
            if match:
                _lead_event(state, content, offset, i, match.end() - i, "breath", label="in",
                            inword=seen_mark)
                i = match.end()
                text_start = i if not seen_mark else text_start
                continue
            smack = LIPSMACK.match(text, i) if ch == "." else None
            if smack:
                _lead_event(state, content, offset, i, smack.end() - i, "sound",
                            label=SOUNDS[smack.group(1).lower()], inword=seen_mark)
                i = smack.end()
                text_start = i if not seen_mark else text_start
                continue
            if ch == ".":
                break
        if ch == "°":
            i += _toggle_quiet(state, text, i)
            seen_mark = True
            continue
        if ch in TOGGLES:
            if _currency(text, i, n):
                break  # £9, $20: a price, part of the word, not smile voice
            _toggle(state, TOGGLES[ch])
            i += 1
            seen_mark = True
            continue
        if ch in "<>":
            i += _angle(state, offset + i, content)
            seen_mark = True
            continue
        if ch in ATTACHED and ch != "∙":
            state.attached |= ATTACHED[ch]
            i += 1
            seen_mark = True
            continue
        if ch == "(":
            laugh = LAUGH_IN_WORD.match(text, i)
            if laugh:
                rest = text[laugh.end() :]
                if rest and rest[0].isalnum():
                    break
                _lead_event(state, content, offset, i, laugh.end() - i, "laugh",
                            label="particle", inword=seen_mark)
                i = laugh.end()
                text_start = i if not seen_mark else text_start
                continue
            state.uncertain = True
            i += 2 if text.startswith("(?", i) else 1
            seen_mark = True
            continue
        if ch == ")":
            state.uncertain = False
            i += 1
            seen_mark = True
            continue
        if ch in "\"“”‘«»" or (ch == "!" and gat) or ch == "→" or (
                ch == "'" and _opens_quote(text, i)):
            quoted = quoted or ch in "‘'"
            i += 1
            seen_mark = True
            continue
        break
    # -- trailing marks (collected right to left, applied after the word) ------------------
    j = n
    trailing: list[tuple[str, int, int, str]] = []  # action, start, end, detail
    while j > i:
        ch = text[j - 1]
        if ch == "]":
            width = 2 if j - 2 >= i and text[j - 2] == "]" else 1
            trailing.append(("overlap_end", j - width, j, ""))
            j -= width
            continue
        if ch == "[":
            width = 2 if j - 2 >= i and text[j - 2] == "[" else 1
            trailing.append(("overlap_begin", j - width, j, ""))
            j -= width
            continue
        if ch == "°":
            width = 2 if j - 2 >= i and text[j - 2] == "°" else 1
            if gat and GAT_OUT.match(text[i:j]):
                break
            trailing.append(("toggle", j - width, j, "vq" if width == 2 else "q"))
            j -= width
            continue
        if ch in TOGGLES:
            trailing.append(("toggle", j - 1, j, ch))
            j -= 1
            continue
        if ch in "<>":
            trailing.append(("angle", j - 1, j, ""))
            j -= 1
            continue
        if ch == ")":
            laugh = LAUGH_AT_END.search(text, i, j)
            if laugh and any(c.isalnum() for c in text[i : laugh.start()]):
                break
            trailing.append(("uncertain_end", j - 1, j, ""))
            j -= 1
            continue
        if ch in INTONATION_CHARS or (gat and ch == "-" and j - 1 == i):
            if ch == "," and j - 2 >= i and text[j - 2] == "?":
                trailing.append(("intonation", j - 2, j, "?,"))
                j -= 2
                continue
            if ch == "!" and gat and "!" in text[:i]:
                trailing.append(("skip", j - 1, j, ""))
                j -= 1
                continue
            trailing.append(("intonation", j - 1, j, ch))
            j -= 1
            continue
        if ch in "\"“”’«»'" and _closes_quote(text, i, j, quoted):
            trailing.append(("skip", j - 1, j, ""))
            j -= 1
            continue
        if ch in "↑↓":
            trailing.append(("attached", j - 1, j, ch))
            j -= 1
            continue
        break
    trailing.reverse()
    # -- the word itself -------------------------------------------------------------------
    core_end = j
    text_end = n
    for action, start, _end, _ in reversed(trailing):
        if action in ("overlap_end", "overlap_begin", "intonation"):
            text_end = start
        else:
            break
    chars: list[str] = []
    features = state.attached
    letter_bits = 0
    inword: list[tuple[str, int, int, str]] = []
    alternative = False
    k = i
    while k < core_end:
        ch = text[k]
        if ch in ATTACHED:
            features |= ATTACHED[ch]
            k += 1
            continue
        if ch == "°":
            k += _toggle_quiet(state, text, k)
            continue
        if ch in "£$" and _currency(text, k, core_end):
            chars.append(ch)
            k += 1
            continue
        if ch in TOGGLES and not (ch == "_" and chars and k + 1 < core_end
                                  and text[k + 1].isalnum()):
            _toggle(state, TOGGLES[ch])
            k += 1
            continue
        if ch in "<>":
            k += _angle(state, offset + k, content)
            continue
        if ch == "(":
            laugh = LAUGH_IN_WORD.match(text, k)
            if laugh:
                features |= F_LAUGH
                k = laugh.end()
                continue
            state.uncertain = True
            k += 2 if text.startswith("(?", k) else 1
            continue
        if ch == ")":
            state.uncertain = False
            alternative = False
            k += 1
            continue
        if ch in "[]":
            width = 2 if k + 1 < core_end and text[k + 1] == ch else 1
            inword.append(("begin" if ch == "[" else "end", k, width, ch * width))
            k += width
            continue
        if ch == ":":
            if chars and chars[-1].isalpha():
                features |= F_STRETCHED
            elif chars and chars[-1].isdigit() and k + 1 < core_end and text[k + 1].isdigit():
                chars.append(ch)
            elif not chars and k + 1 < core_end and text[k + 1].isalpha():
                features |= F_STRETCHED
            k += 1
            continue
        if ch == "-":
            rest = LAUGH_IN_WORD.sub("", text[k + 1 : core_end])
            if chars and not any(c.isalnum() for c in rest):
                features |= F_CUTOFF
            elif chars and not alternative and k + 1 < core_end and text[k + 1].isalnum():
                chars.append(ch)
            k += 1
            continue
        if ch == "/" and state.uncertain:
            alternative = True
            k += 1
            continue
        if ch.isalnum() or ch in "'’":
            if not alternative:
                chars.append("'" if ch == "’" else ch)
                letter_bits |= state.features
                if state.uncertain:
                    letter_bits |= F_UNCERTAIN
                if offset + k in state.underlined:
                    letter_bits |= F_EMPHASIS
            k += 1
            continue
        if ch in "&+./@%,_" and chars and k + 1 < core_end and text[k + 1].isalnum():
            if not alternative:
                chars.append(ch)
            k += 1
            continue
        k += 1  # any other mark inside a word: not part of the clean form
    clean = "".join(chars)
    for kind, position, _width, glyph in inword:
        line, col = content.position(offset + position)
        _event(state, "overlap", glyph, line, col, label=kind, inword=True)
    if clean:
        state.attached = 0
        line, col = content.position(offset + text_start)
        token_count = len(state.out.tokens)
        _classify(state, clean, text[text_start:text_end], line, col, features | letter_bits,
                  weak_laugh)
        if len(state.out.tokens) == token_count:
            clean = ""  # read as a laugh, breath or sound: its marks are not inside a word
            _outside(state, events_before)
    else:
        core = text[i:core_end]
        if core:
            line, col = content.position(offset + i)
            if core == "-" and gat:
                _event(state, "intonation", core, line, col, label="level")
            elif features & F_LAUGH:
                _event(state, "laugh", core, line, col, label="particle")
            elif core.strip("\"“”‘’'«»→"):
                _event(state, "mark", core, line, col)
        _outside(state, events_before)
    # -- trailing marks, in source order ---------------------------------------------------
    for action, start, end, detail in trailing:
        if action == "overlap_end" or action == "overlap_begin":
            line, col = content.position(offset + start)
            inside = bool(clean) and end <= text_end
            _event(state, "overlap", text[start:end], line, col,
                   label="end" if action == "overlap_end" else "begin", inword=inside)
        elif action == "toggle":
            if detail == "vq":
                _toggle(state, F_VERY_QUIET)
            elif detail == "q":
                _toggle(state, F_QUIET)
            else:
                _toggle(state, TOGGLES[detail])
        elif action == "angle":
            _angle(state, offset + start, content)
        elif action == "uncertain_end":
            state.uncertain = False
        elif action == "intonation":
            line, col = content.position(offset + start)
            table = GAT_INTONATION if gat else INTONATION
            inside = bool(clean) and end <= text_end
            _event(state, "intonation", detail, line, col, label=table[detail], inword=inside)
        elif action == "attached" and clean and state.out.tokens:
            previous = state.out.tokens[-1]
            state.out.tokens[-1] = Token(previous.text, previous.clean, previous.kind,
                                         previous.line, previous.col,
                                         previous.features | ATTACHED[detail], previous.form)


def _outside(state: _State, first: int) -> None:
    """Events from `first` on are not inside a word (the item produced no token)."""
    events = state.out.events
    for position in range(first, len(events)):
        event = events[position]
        if event.inword:
            events[position] = Event(event.kind, event.text, event.index, event.line,
                                     event.col, event.label, event.value, event.number,
                                     event.scope, event.media, False, event.link)


def _lead_event(
    state: _State, content: Content, offset: int, start: int, width: int, kind: str,
    *, label: str, inword: bool,
) -> None:
    line, col = content.position(offset + start)
    piece = content.text[offset + start : offset + start + width]
    _event(state, kind, piece, line, col, label=label, inword=inword)


def _classify(
    state: _State, clean: str, text: str, line: int, col: int, features: int,
    weak_laugh: bool,
) -> None:
    """Emit a word, filler, laugh particle, breath, sound or untranscribed item."""
    lower = clean.lower()
    if lower[0] == "h":
        if OUTBREATH.match(lower):
            _event(state, "breath", text, line, col, label="out")
            return
        if weak_laugh or STRICT_PARTICLE.match(lower):
            _event(state, "laugh", text, line, col, label="particle")
            return
    if lower in SOUNDS:
        _event(state, "sound", text, line, col, label=SOUNDS[lower])
        return
    if lower == "xxx":
        state.out.tokens.append(Token(text, "xxx", "untranscribed", line, col, features))
        return
    kind = "filler" if lower in JEFFERSON_FILLERS else "word"
    if lower != clean and is_loud(clean):
        features |= F_ACCENT if state.convention == "gat2" else F_LOUD
    state.out.tokens.append(Token(text, clean, kind, line, col, features))


def _finish(state: _State, content: Content) -> None:
    out = state.out
    count = len(out.tokens)
    for position, event in enumerate(out.events):
        if event.kind == "latch":
            label = "start" if event.index == 0 else "end" if event.index >= count else "mid"
            if label != event.label:
                out.events[position] = Event(
                    event.kind, event.text, event.index, event.line, event.col, label,
                    event.value, event.number, event.scope, event.media, event.inword,
                    event.link,
                )
    line, col = content.position(max(len(content.text) - 1, 0))
    open_marks = []
    if state.spans & F_VERY_QUIET:
        open_marks.append("°°")
    if state.spans & F_QUIET:
        open_marks.append("°")
    for glyph, bit in (("£/$", F_SMILE), ("#", F_CREAKY), ("~", F_TREMULOUS),
                       (">…<", F_FAST), ("<…>", F_SLOW), ("_", F_EMPHASIS)):
        if state.spans & bit:
            open_marks.append(glyph)
    if open_marks:
        state.diag.add("CK304", "warning", f"{' '.join(open_marks)} opened but not closed in "
                       "this turn", line, col,
                       hint="paired marks (°…°, £…£, >…<) close within the turn")
    if state.uncertain:
        state.diag.add("CK313", "warning", "'(' of an uncertain hearing is never closed", line,
                       col, hint="write uncertain hearings as (word)")


__all__ = ["Content", "Tokenized", "pause_reading", "tokenize_turn"]
