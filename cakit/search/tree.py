"""The tree a search query is parsed into, and the names its terms may use.

Every node is frozen and remembers the column it was written at (1-based), so a checker
or a renderer can point back into the query. `str()` of a node or a `Query` writes it
back in the canonical syntax (words that look like feature names quoted, phases and codes
in their catalogue spelling), which parses to the same tree (see `cakit.search.query`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from cakit.errors import UsageError
from cakit.model import Diagnostic, Feature

#: Bare names that test a CA feature of the turn (quote one to search the word itself).
FEATURES: tuple[str, ...] = (
    "laugh", "smile", "pause", "micropause", "gap", "overlap", "latch", "cutoff", "stretch",
    "inbreath", "outbreath", "loud", "soft", "pitch", "question",
)
#: Other spellings of the feature names: CA jargon only, so that everyday words
#: ("quiet", "laughs", "silence") stay words.
FEATURE_ALIASES: dict[str, str] = {
    "cut-off": "cutoff", "in-breath": "inbreath", "out-breath": "outbreath",
    "latching": "latch", "micro": "micropause",
}
#: Features that compare a duration in seconds (`pause>=1`, `gap<0.2`).
TIMED = ("pause", "gap")
#: Delivery marks of the model that `feature=NAME` tests (creaky, emphasis, fast …).
FLAG_NAMES: tuple[str, ...] = tuple(
    member.name.lower() for member in Feature if member.value and member.name is not None)
#: Attribute names (`name=value`) and their other spellings.
ATTRIBUTES: tuple[str, ...] = (
    "role", "speaker", "phase", "code", "outcome", "responds_to", "rank", "category", "file",
    "overlap", "pitch", "feature",
)
ATTRIBUTE_ALIASES: dict[str, str] = {
    "respondsto": "responds_to", "responds": "responds_to", "response_to": "responds_to",
    "codes": "code", "roles": "role", "phases": "phase", "speakers": "speaker",
    "consultation": "file", "transcript": "file", "categories": "category", "mark": "feature",
}
OVERLAP_VALUES = ("incoming", "overlapped")
PITCH_VALUES = ("up", "down")

Operator = Literal[">=", "<=", ">", "<", "="]
_PLAIN_WORD = re.compile(r"[\w'’*.\-]+")


class QueryError(UsageError, ValueError):
    """A query that cannot be parsed; `.diagnostic` says where (`query:1:COL`), what, and
    how to fix it, and `str()` shows the query with a caret under the column."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def col(self) -> int:
        return self.diagnostic.span.col

    def __reduce__(self) -> tuple[type, tuple[Diagnostic]]:
        return (type(self), (self.diagnostic,))


# -- the tree ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Words:
    """A word (one item in `words`) or a phrase of consecutive words, lower case.

    `inflect`: any inflected form of each word (`~voice` → voice, voices, voiced …);
    a word holding `*` is a wildcard (`voice*`)."""

    words: tuple[str, ...]
    col: int
    inflect: bool = False

    def __str__(self) -> str:
        body = " ".join(self.words)
        plain = len(self.words) == 1 and _is_plain_word(body)
        return ("~" if self.inflect else "") + (body if plain else f'"{body}"')


@dataclass(frozen=True, slots=True)
class Regex:
    """A regular expression searched (case-insensitively) in the turn's words."""

    pattern: str
    col: int

    def __str__(self) -> str:
        return "/" + self.pattern.replace("/", "\\/") + "/"


@dataclass(frozen=True, slots=True)
class Mark:
    """A CA feature of the turn (`laugh`, `overlap=incoming`, `feature=creaky`): `key`
    names it in the index, `shown` is how it is written back."""

    key: str
    col: int
    shown: str = ""

    def __str__(self) -> str:
        return self.shown or self.key


@dataclass(frozen=True, slots=True)
class Timed:
    """A pause inside the turn, or the silence before it, compared with seconds."""

    name: str  # pause | gap
    op: Operator
    seconds: float
    col: int

    def __str__(self) -> str:
        return f"{self.name}{self.op}{self.seconds:g}"


@dataclass(frozen=True, slots=True)
class Attribute:
    """`name=value[,value…]`: any of the values; speaker and file values are globs."""

    name: str
    values: tuple[str, ...]
    col: int

    def __str__(self) -> str:
        return f"{self.name}=" + ",".join(
            value if re.fullmatch(r"[\w*?.\-]+", value) else f'"{value}"'
            for value in self.values)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    col: int

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"!({inner})" if isinstance(self.operand, (And, Or)) else f"!{inner}"


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]
    col: int

    def __str__(self) -> str:
        return " & ".join(f"({op})" if isinstance(op, Or) else str(op) for op in self.operands)


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Node, ...]
    col: int

    def __str__(self) -> str:
        return " | ".join(str(op) for op in self.operands)


Term = Words | Regex | Mark | Timed | Attribute
Node = Term | Not | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: one turn pattern, or several joined by `>>` (`windows[i]` turns
    at most between the turns matching `steps[i]` and `steps[i + 1]`)."""

    text: str
    steps: tuple[Node, ...]
    windows: tuple[int, ...] = ()

    @property
    def is_sequence(self) -> bool:
        return len(self.steps) > 1

    def __str__(self) -> str:
        parts = [str(self.steps[0])]
        for window, step in zip(self.windows, self.steps[1:], strict=True):
            parts.append(">>" if window == 1 else f">>{window}")
            parts.append(str(step))
        return " ".join(parts)


def shown_query(query: Query, *, deidentified: bool) -> str:
    """The query as an output shows it. De-identified, what may name someone is left out
    (the words and phrases searched for, regular expressions, speaker and file values):
    a search for a patient's name must not print the name above the pseudonyms."""
    if not deidentified:
        return str(query)
    parts = [_redacted(query.steps[0])]
    for window, step in zip(query.windows, query.steps[1:], strict=True):
        parts.append(">>" if window == 1 else f">>{window}")
        parts.append(_redacted(step))
    return " ".join(parts)


def _redacted(node: Node) -> str:
    if isinstance(node, Words):
        return ("~" if node.inflect else "") + "[words]"
    if isinstance(node, Regex):
        return "/[pattern]/"
    if isinstance(node, Attribute) and node.name in ("speaker", "file"):
        return f"{node.name}=[…]"
    if isinstance(node, Not):
        inner = _redacted(node.operand)
        return f"!({inner})" if isinstance(node.operand, (And, Or)) else f"!{inner}"
    if isinstance(node, And):
        return " & ".join(f"({_redacted(op)})" if isinstance(op, Or) else _redacted(op)
                          for op in node.operands)
    if isinstance(node, Or):
        return " | ".join(_redacted(op) for op in node.operands)
    return str(node)


def _is_plain_word(word: str) -> bool:
    """A word that reads back as a word without quotes (not a feature name, no marks)."""
    lower = word.lower()
    return (bool(_PLAIN_WORD.fullmatch(word)) and lower not in FEATURES
            and lower not in FEATURE_ALIASES)


def terms(node: Node, *, negated: bool = False) -> Iterable[tuple[Term, bool]]:
    """Every term under `node`, with whether it sits under an odd number of `!`."""
    if isinstance(node, Not):
        yield from terms(node.operand, negated=not negated)
    elif isinstance(node, (And, Or)):
        for operand in node.operands:
            yield from terms(operand, negated=negated)
    else:
        yield node, negated


__all__ = [
    "ATTRIBUTES", "ATTRIBUTE_ALIASES", "FEATURES", "FEATURE_ALIASES", "FLAG_NAMES",
    "OVERLAP_VALUES", "PITCH_VALUES", "TIMED", "And", "Attribute", "Mark", "Node", "Not",
    "Operator", "Or", "Query", "QueryError", "Regex", "Term", "Timed", "Words", "terms",
]
