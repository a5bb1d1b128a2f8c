"""The search query language: a small syntax a CA researcher can type from memory.

A query describes turns. Terms test one turn; `&` (and), `|` (or), `!` (not) and
parentheses combine them; `A >> B` asks for a turn matching B within one turn after a
turn matching A (`A >>3 B`: within three turns), and the hit is then the pair. See
docs/search.md for the whole syntax with examples.

`parse_query` turns the text into a frozen tree of nodes (`cakit.search.tree`), each
remembering the column it was written at, so every mistake is reported as
`query:1:COL: CK6xx message` with a caret under the column (`QueryError`). Values are
checked while parsing (an unknown role, phase, code or outcome is an error, with the
nearest names suggested), so a query that parses can be run against any corpus.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cakit.model import ROLES, Diagnostic, SourceSpan
from cakit.search.tree import (
    ATTRIBUTE_ALIASES,
    ATTRIBUTES,
    FEATURE_ALIASES,
    FEATURES,
    FLAG_NAMES,
    OVERLAP_VALUES,
    PITCH_VALUES,
    TIMED,
    And,
    Attribute,
    Mark,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    Regex,
    Term,
    Timed,
    Words,
    terms,
)

if TYPE_CHECKING:
    from cakit.codes import CodeCatalogue

#: Where query errors point: `query:1:COL`.
SOURCE = "query"
#: The largest window `>>N` takes (a consultation has a few hundred turns).
MAX_WINDOW = 1000

_NAME_OP = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)(>=|<=|!=|=|>|<)(.*)", re.DOTALL)
_WORD_CHAR = re.compile(r"[\w'’*.\-]")
_NUMBER = re.compile(r"(\d+(?:\.\d*)?|\.\d+)s?")


def _error(text: str, col: int, code: str, message: str, hint: str = "") -> QueryError:
    shown = text.replace("\n", " ").replace("\r", " ")
    return QueryError(Diagnostic(code, "error", message, SourceSpan(SOURCE, 1, col),
                                 hint=hint, source_line=shown))


# -- what values may be -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The names a query may use: the codebook's codes, outcomes and attempt subtypes."""

    codes: tuple[str, ...]
    outcomes: tuple[str, ...]
    subtypes: tuple[str, ...]
    phases: tuple[str, ...] = field(default=())
    categories: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, catalogue: CodeCatalogue | None = None) -> Vocabulary:
        """The names of a codebook's catalogue (the packaged codebook's when None)."""
        from cakit.annotate.codebook import builtin_catalogue
        from cakit.annotations import CATEGORIES, PHASES_WITH_UNKNOWN

        catalogue = catalogue or builtin_catalogue()
        return cls(codes=tuple(code.name for code in catalogue.codes),
                   outcomes=tuple(catalogue.outcome_names),
                   subtypes=tuple(catalogue.attempt_subtypes),
                   phases=PHASES_WITH_UNKNOWN, categories=CATEGORIES)


def _suggest(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return "choose from " + ", ".join(choices)


# -- lexing -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ( ) & | ! >> word phrase regex end
    text: str
    col: int
    window: int = 1
    inflect: bool = False
    #: for a `name="quoted value"` term: the value and its column
    value_col: int = 0


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []

    def error(self, col: int, code: str, message: str, hint: str = "") -> QueryError:
        return _error(self.text, col, code, message, hint)

    def run(self) -> list[_Token]:
        text = self.text
        i = 0
        while i < len(text):
            char = text[i]
            if char.isspace():
                i += 1
            elif char in "()":
                self.tokens.append(_Token(char, char, i + 1))
                i += 1
            elif char in "&|":
                # `&&` and `||` are read as `&` and `|`
                end = i + 2 if text[i + 1:i + 2] == char else i + 1
                self.tokens.append(_Token(char, text[i:end], i + 1))
                i = end
            elif char == "!":
                self.tokens.append(_Token("!", "!", i + 1))
                i += 1
            elif text.startswith(">>", i):
                i = self._follow(i)
            elif char == '"':
                i = self._phrase(i, i, inflect=False)
            elif char == "/":
                i = self._regex(i)
            elif char == "~":
                if text[i + 1:i + 2] == '"':
                    i = self._phrase(i, i + 1, inflect=True)
                elif i + 1 >= len(text) or text[i + 1].isspace() or text[i + 1] in "()&|!":
                    raise self.error(i + 1, "CK601", "'~' must be followed by a word",
                                     "write ~voice for any inflection of 'voice'")
                else:
                    i = self._bare(i + 1, start=i, inflect=True)
            else:
                i = self._bare(i, start=i, inflect=False)
        self.tokens.append(_Token("end", "", len(text) + 1))
        return self.tokens

    def _follow(self, i: int) -> int:
        digits = re.match(r"\d+", self.text[i + 2:])
        if digits is None:
            self.tokens.append(_Token(">>", ">>", i + 1))
            return i + 2
        window = int(digits.group(0))
        if not 1 <= window <= MAX_WINDOW:
            raise self.error(i + 3, "CK606", f"'>>{digits.group(0)}' asks for a window of "
                             f"{window} turns; it must be 1 to {MAX_WINDOW}",
                             ">> alone means the very next turn; >>3 within three turns")
        self.tokens.append(_Token(">>", self.text[i:i + 2 + len(digits.group(0))], i + 1,
                                  window=window))
        return i + 2 + len(digits.group(0))

    def _quoted(self, i: int, what: str) -> tuple[str, int]:
        """The text of the "…" starting at i, and the index after its closing quote."""
        end = self.text.find('"', i + 1)
        if end < 0:
            raise self.error(i + 1, "CK602", f"the quote opened here is never closed ({what})",
                             'close it with " (a phrase is written "hear voices")')
        return self.text[i + 1:end], end + 1

    def _phrase(self, start: int, quote: int, *, inflect: bool) -> int:
        body, after = self._quoted(quote, "a phrase")
        self.tokens.append(_Token("phrase", body, start + 1, inflect=inflect,
                                  value_col=quote + 2))
        return after

    def _regex(self, i: int) -> int:
        text = self.text
        j = i + 1
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "/":
                self.tokens.append(_Token("regex", text[i + 1:j].replace("\\/", "/"), i + 1))
                return j + 1
            j += 1
        raise self.error(i + 1, "CK602", "the regular expression opened here is never closed",
                         "end it with / (escape a slash inside it as \\/)")

    def _bare(self, i: int, *, start: int, inflect: bool) -> int:
        text = self.text
        j = i
        while j < len(text):
            char = text[j]
            if char.isspace() or char in '()&|"' or text.startswith(">>", j):
                break
            j += 1
        word = text[i:j]
        value_col = 0
        if j < len(text) and text[j] == '"' and re.search(r"(?:>=|<=|!=|=|>|<)$", word):
            body, after = self._quoted(j, "a value")
            value_col = j + 2
            word += "\x00" + body  # the quoted value, kept apart from the name
            j = after
        self.tokens.append(_Token("word", word, start + 1, inflect=inflect,
                                  value_col=value_col))
        return j


# -- parsing ----------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.text = text
        self.vocabulary = vocabulary
        self.tokens = _Lexer(text).run()
        self.at = 0
        #: ids of the Words nodes written as a bare word (not quoted, no ~)
        self.bare_words: set[int] = set()

    def error(self, col: int, code: str, message: str, hint: str = "") -> QueryError:
        return _error(self.text, col, code, message, hint)

    @property
    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def query(self) -> Query:
        if self.peek.kind == "end":
            raise self.error(1, "CK601", "the query is empty",
                             "search a word (voices), a feature (laugh) or an attribute "
                             "(role=patient)")
        steps = [self.either()]
        windows: list[int] = []
        while self.peek.kind == ">>":
            token = self.take()
            if self.peek.kind == "end":
                raise self.error(token.col, "CK606", f"'{token.text}' needs a turn pattern "
                                 "after it", "A >> B: a turn matching B follows one "
                                 "matching A")
            windows.append(token.window)
            steps.append(self.either())
        token = self.peek
        if token.kind == ")":
            raise self.error(token.col, "CK602", "this ')' closes no '('",
                             "remove it, or open the group it ends with '('")
        if token.kind != "end":
            self.check_word(token)
            raise self.error(token.col, "CK603", "two terms side by side with no operator "
                             "between them",
                             'join them with & (and) or | (or); quote a phrase: "hear voices"')
        return Query(self.text, tuple(steps), tuple(windows))

    def check_word(self, token: _Token) -> None:
        """A stray `>` or `=` reads better as a bad character than as a second term."""
        if token.kind == "word" and not _WORD_CHAR.match(token.text[:1]):
            self.word(token.text.split("\x00", 1)[0], token.col, False)

    def either(self) -> Node:
        first = self.both()
        operands = [first]
        while self.peek.kind == "|":
            self.take()
            operands.append(self.both())
            self.check_value_list(operands[-2], operands[-1])
        return first if len(operands) == 1 else Or(tuple(operands), _col(first))

    def check_value_list(self, before: Node, after: Node) -> None:
        """`role=patient|carer` reads as role=patient or the word 'carer': refuse it when
        the word is a value of the attribute before it, and say how to write either."""
        if not (isinstance(before, Attribute) and isinstance(after, Words)
                and id(after) in self.bare_words and before.name not in ("speaker", "file")):
            return
        word = after.words[0]
        try:
            value = self.value(before.name, word, after.col)
        except QueryError:
            return
        raise self.error(after.col, "CK605", f"'|' joins whole terms: this is the word "
                         f"{word!r}, not {before.name}={value}",
                         f"for either value write {before.name}={','.join(before.values)},"
                         f"{value}; to search the word, quote it: \"{word}\"")

    def both(self) -> Node:
        first = self.unary()
        operands = [first]
        while self.peek.kind == "&":
            self.take()
            operands.append(self.unary())
        return first if len(operands) == 1 else And(tuple(operands), _col(first))

    def unary(self) -> Node:
        token = self.peek
        if token.kind == "!":
            self.take()
            return Not(self.unary(), token.col)
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            inner = self.either()
            after = self.peek
            if after.kind == ">>":
                raise self.error(after.col, "CK606", "'>>' cannot stand inside parentheses "
                                 "or after '!': it joins whole turn patterns",
                                 "write (A | B) >> C, with >> outside the parentheses")
            if after.kind != ")":
                if after.kind == "end":
                    raise self.error(token.col, "CK602", "the '(' opened here is never closed",
                                     "close the group with ')'")
                self.check_word(after)
                raise self.error(after.col, "CK603", "two terms side by side with no operator "
                                 "between them",
                                 'join them with & (and) or | (or); quote a phrase: '
                                 '"hear voices"')
            self.take()
            return inner
        if token.kind == "word":
            return self.term(token)
        if token.kind == "phrase":
            return self.phrase(token)
        if token.kind == "regex":
            return self.regex(token)
        if token.kind == "end":
            raise self.error(token.col, "CK601", "the query ends where a term is expected",
                             "finish the query with a word, a feature or name=value")
        if token.kind == ">>":
            raise self.error(token.col, "CK606", f"'{token.text}' needs a turn pattern "
                             "before it", "A >> B: a turn matching B follows one matching A")
        raise self.error(token.col, "CK601", f"'{token.text}' where a term is expected",
                         "put a word, a feature or name=value here")

    # -- terms --------------------------------------------------------------------------

    def phrase(self, token: _Token) -> Node:
        body = token.text
        words: list[str] = []
        for match in re.finditer(r"\S+", body):
            words.append(self.word(match.group(0), token.value_col + match.start(),
                                   token.inflect))
        if not words:
            raise self.error(token.col, "CK605", "an empty phrase matches nothing",
                             'write the words between the quotes: "hear voices"')
        return Words(tuple(words), token.col, token.inflect)

    def regex(self, token: _Token) -> Node:
        try:
            re.compile(token.text, re.IGNORECASE)
        except re.error as exc:
            offset = exc.pos if exc.pos is not None else 0
            raise self.error(token.col + 1 + offset, "CK605",
                             f"not a valid regular expression: {exc.msg}",
                             "regular expressions follow Python's re module") from None
        if not token.text:
            raise self.error(token.col, "CK605", "an empty regular expression matches "
                             "every turn", "write the pattern between the slashes: /voices?/")
        return Regex(token.text, token.col)

    def word(self, text: str, col: int, inflect: bool) -> str:
        """One word of a term or phrase, checked and lower-cased."""
        for offset, char in enumerate(text):
            if not _WORD_CHAR.match(char):
                hint = "quote a phrase (\"hear voices\"); words hold letters, digits, ' - . *"
                if char == ">":
                    hint = ">> means 'followed by'; a bound goes after a name: pause>=1"
                elif char in "=<":
                    hint = "a bound or value goes after a name: pause>=1, role=patient"
                elif char == "!":
                    hint = "! means 'not' and goes before a term: !laugh"
                raise self.error(col + offset, "CK607",
                                 f"'{char}' cannot be part of a word", hint)
        if inflect and "*" in text:
            raise self.error(col, "CK605", "'~' (any inflection) and '*' (wildcard) cannot "
                             "be combined", "write ~voice or voice*, not both")
        return text.lower().replace("’", "'")

    def term(self, token: _Token) -> Node:
        text, col = token.text, token.col
        quoted: str | None = None
        if "\x00" in text:
            text, quoted = text.split("\x00", 1)
        start = col + 1 if token.inflect else col
        named = None if token.inflect else _NAME_OP.fullmatch(text)
        if named is None:
            word = self.word(text, start, token.inflect)
            if not token.inflect:
                feature = FEATURE_ALIASES.get(word, word)
                if feature in FEATURES:
                    return Mark(feature, col)
            node = Words((word,), col, token.inflect)
            if not token.inflect:
                self.bare_words.add(id(node))
            return node
        name, op, value = named.group(1), named.group(2), named.group(3)
        value_col = col + len(name) + len(op)
        if quoted is not None:
            value, value_col = quoted, token.value_col
        key = name.lower().replace("-", "_")
        if op == "!=":
            return Not(self.named(key, name, "=", value, col, value_col, quoted is not None), col)
        return self.named(key, name, op, value, col, value_col, quoted is not None)

    def named(self, key: str, name: str, op: str, value: str, col: int, value_col: int,
              quoted: bool) -> Node:
        if key in TIMED or FEATURE_ALIASES.get(key) in TIMED:
            return self.timed(FEATURE_ALIASES.get(key, key), op, value, col, value_col)
        attribute = ATTRIBUTE_ALIASES.get(key, key)
        if attribute not in ATTRIBUTES:
            known = sorted({*ATTRIBUTES, *TIMED})
            extra = ""
            feature = FEATURE_ALIASES.get(key, key)
            if feature in FEATURES:
                extra = f"; {feature} takes no value (only pause and gap take a bound)"
            raise self.error(col, "CK604", f"unknown attribute '{name}'{extra}",
                             _suggest(key, known))
        if op != "=":
            raise self.error(col + len(name), "CK604", f"{attribute} takes = (or !=), not "
                             f"'{op}'", "only pause and gap compare seconds: pause>=1")
        if not value and not quoted:
            raise self.error(value_col, "CK605", f"{name}= needs a value",
                             f"e.g. {_EXAMPLES[attribute]}")
        values: list[str] = []
        offset = 0
        parts = [value] if quoted else value.split(",")
        for part in parts:
            values.append(self.value(attribute, part, value_col + offset))
            offset += len(part) + 1
        if attribute in ("overlap", "pitch", "feature"):
            marks = [self.mark_of(attribute, v) for v in values]
            if len(marks) == 1:
                return marks[0].at(col)
            return Or(tuple(mark.at(col) for mark in marks), col)
        return Attribute(attribute, tuple(dict.fromkeys(values)), col)

    def mark_of(self, attribute: str, value: str) -> _MarkSpec:
        if attribute == "overlap":
            return _MarkSpec(f"overlap:{value}", f"overlap={value}")
        if attribute == "pitch":
            return _MarkSpec(f"flag:pitch_{value}", f"pitch={value}")
        feature = FEATURE_ALIASES.get(value, value)
        if feature in FEATURES:
            return _MarkSpec(feature, feature)
        return _MarkSpec(f"flag:{value}", f"feature={value}")

    def timed(self, name: str, op: str, value: str, col: int, value_col: int) -> Node:
        number = _NUMBER.fullmatch(value.strip())
        if number is None:
            hint = "micropauses: write micropause" if value.strip() in ("micro", "(.)") \
                else f"seconds, e.g. {name}>=0.5"
            raise self.error(value_col, "CK605", f"{name}{op} needs a number of seconds, not "
                             f"{value!r}", hint)
        return Timed(name, op, float(number.group(1)), col)  # type: ignore[arg-type]

    def value(self, attribute: str, raw: str, col: int) -> str:
        value = raw.strip()
        if not value:
            raise self.error(col, "CK605", f"an empty value for {attribute}",
                             f"e.g. {_EXAMPLES[attribute]}")
        vocabulary = self.vocabulary
        choices: Sequence[str]
        if attribute in ("speaker", "file"):
            return value
        if attribute == "role":
            normal, choices = value.lower(), ROLES
        elif attribute == "phase":
            normal, choices = _phase(value), vocabulary.phases
        elif attribute == "code":
            normal, choices = _code(value), vocabulary.codes
        elif attribute == "outcome":
            normal, choices = _code(value), vocabulary.outcomes
        elif attribute == "responds_to":
            normal = _code(value)
            if normal != "PSY_ATTEMPT" and not normal.startswith("PSY_"):
                normal = f"PSY_{normal}"
            choices = ("PSY_ATTEMPT", *vocabulary.subtypes)
        elif attribute == "category":
            normal, choices = value.lower().replace("-", "_"), vocabulary.categories
        elif attribute == "rank":
            if not value.isdigit() or not 1 <= int(value) <= 9:
                raise self.error(col, "CK605", f"rank={value!r}: a rank is a number (1 for the "
                                 "first response, 2, 3)", "e.g. rank=1")
            return str(int(value))
        elif attribute == "overlap":
            normal, choices = value.lower(), OVERLAP_VALUES
        elif attribute == "pitch":
            normal, choices = value.lower(), PITCH_VALUES
        else:  # feature
            normal = value.lower().replace("-", "_")
            normal = FEATURE_ALIASES.get(normal, normal)
            choices = (*FEATURES, *FLAG_NAMES)
        if normal not in choices:
            raise self.error(col, "CK605", f"{attribute}={value!r} is not a value cakit knows",
                             _suggest(normal, choices))
        return normal


@dataclass(frozen=True, slots=True)
class _MarkSpec:
    key: str
    shown: str

    def at(self, col: int) -> Mark:
        return Mark(self.key, col, self.shown)


_EXAMPLES = {
    "role": "role=patient", "speaker": "speaker=Dr", "phase": "phase=pre-closing",
    "code": "code=SMILE_LAUGH", "outcome": "outcome=DEFLECTED",
    "responds_to": "responds_to=PSY_REPEAT", "rank": "rank=1", "category": "category=voices",
    "file": "file=02-*", "overlap": "overlap=incoming", "pitch": "pitch=up",
    "feature": "feature=creaky",
}


def _code(value: str) -> str:
    return value.strip().upper().replace("-", "_").replace(" ", "_")


_PHASE_ALIASES = {"OPEN": "OPENING", "HISTORY": "PROBLEM_HISTORY", "EXAM": "EXAMINATION",
                  "TREAT": "TREATMENT", "PRECLOSING": "PRE_CLOSING", "CLOSE": "CLOSING",
                  "PROBLEMHISTORY": "PROBLEM_HISTORY"}


def _phase(value: str) -> str:
    """`pre-closing`, `Pre closing`, `preclosing` → PRE_CLOSING (as `cakit excerpts`)."""
    code = _code(value)
    return _PHASE_ALIASES.get(code.replace("_", ""), _PHASE_ALIASES.get(code, code))


def _col(node: Node) -> int:
    return node.col


def parse_query(text: str, vocabulary: Vocabulary | None = None) -> Query:
    """Parse a query (docs/search.md).

    Args:
        text: the query as typed.
        vocabulary: the codes, outcomes and subtypes values may name (default: the
            packaged codebook's).

    Raises:
        QueryError: the query is malformed; its diagnostic gives the code (CK601–CK607),
            the column and a hint.
    """
    return _Parser(text, vocabulary or Vocabulary.of()).query()


__all__ = [  # the tree's names too, so one import serves a caller
    "ATTRIBUTES", "FEATURES", "And", "Attribute", "Mark", "Node", "Not", "Or", "Query",
    "QueryError", "Regex", "Term", "Timed", "Vocabulary", "Words", "parse_query", "terms",
]
