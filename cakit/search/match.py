"""Answering queries over a corpus index: sets of units as bit sets, pairs by bisection.

`CorpusIndex` numbers every unit of every file once and keeps, for each word, feature and
attribute value, the units that have it (an inverted index). A term is answered as a bit
set over the corpus's units (a Python int: bit i is unit i), so `&`, `|` and `!` are
single integer operations whatever the corpus size; only regular expressions, bounds on
pauses and phrases look at units one by one, and phrases only at the units holding all
their words. `A >> B` then walks the units matching A and finds those matching B within
the window by bisection on turn positions. A query is answered in milliseconds on
tens of thousands of turns (benchmarks/search.py).
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from cakit.annotate.inflect import inflections
from cakit.search.index import FileIndex, Unit
from cakit.search.query import (
    And,
    Attribute,
    Mark,
    Node,
    Not,
    Or,
    Query,
    Regex,
    Timed,
    Vocabulary,
    Words,
    parse_query,
)

#: bit positions set in each byte value, for listing a bit set's members
_BYTE_BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))
#: turn positions of different files never come within a window of each other
_FILE_SHIFT = 32

#: a bound's operator → its test (floating-point rounding never decides it)
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda value, bound: value >= bound - 1e-9,
    ">": lambda value, bound: value > bound + 1e-9,
    "<=": lambda value, bound: value <= bound + 1e-9,
    "<": lambda value, bound: value < bound - 1e-9,
    "=": lambda value, bound: abs(value - bound) <= 1e-9,
}


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer: a unit, or for `A >> B` the units matching each step, in order
    (numbers of `CorpusIndex.units`)."""

    units: tuple[int, ...]


def members(bits: int) -> list[int]:
    """The numbers of the bits set, ascending."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    out: list[int] = []
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            out.extend(base + bit for bit in _BYTE_BITS[byte])
    return out


class CorpusIndex:
    """Every unit of a corpus, numbered, with the inverted indexes queries use.

    Build it once (`CorpusIndex(files)`), then `search` as often as wanted.
    """

    def __init__(self, files: Sequence[FileIndex]) -> None:
        self.files = tuple(files)
        units: list[Unit] = []
        file_of: list[int] = []
        keys: list[int] = []
        for number, file in enumerate(self.files):
            base = number << _FILE_SHIFT
            for unit in file.units:
                units.append(unit)
                file_of.append(number)
                keys.append(base + unit.position)
        self.units: tuple[Unit, ...] = tuple(units)
        #: the file (number in `files`) of each unit
        self.file_of: tuple[int, ...] = tuple(file_of)
        #: a sortable turn position of each unit, apart by file
        self.keys: tuple[int, ...] = tuple(keys)
        self.size = len(units)
        self.everything = (1 << self.size) - 1
        self._words: dict[str, list[int]] = {}
        self._lists: dict[str, dict[str, list[int]]] = {
            name: {} for name in ("mark", "role", "phase", "code", "outcome", "responds_to",
                                  "category", "rank", "speaker")}
        self._build()
        self._bits: dict[tuple[str, str], int] = {}
        self._texts: list[str] | None = None

    def _build(self) -> None:
        words = self._words
        lists = self._lists
        marks, roles, phases = lists["mark"], lists["role"], lists["phase"]
        codes, outcomes, responds = lists["code"], lists["outcome"], lists["responds_to"]
        categories, ranks, speakers = lists["category"], lists["rank"], lists["speaker"]
        for number, unit in enumerate(self.units):
            for word in {*unit.words, *unit.bare}:
                words.setdefault(word, []).append(number)
            for table, values in ((marks, unit.marks), (codes, unit.codes),
                                  (outcomes, unit.outcomes), (responds, unit.responds_to),
                                  (categories, unit.categories), (ranks, unit.ranks)):
                for value in values:
                    table.setdefault(value, []).append(number)
            roles.setdefault(unit.role, []).append(number)
            phases.setdefault(unit.phase, []).append(number)
            speakers.setdefault(unit.speaker.casefold(), []).append(number)

    def clear_caches(self) -> None:
        """Forget the bit sets and texts made for earlier queries (they are remade on
        demand; benchmarks clear them to time a query as if it were the first)."""
        self._bits.clear()
        self._texts = None

    # -- bit sets ------------------------------------------------------------------------

    def bits_of(self, numbers: Iterable[int]) -> int:
        """The bit set of these unit numbers."""
        buffer = bytearray((self.size >> 3) + 1)
        for number in numbers:
            buffer[number >> 3] |= 1 << (number & 7)
        return int.from_bytes(buffer, "little")

    def _cached(self, table: str, value: str, numbers: Callable[[], Iterable[int]]) -> int:
        key = (table, value)
        bits = self._bits.get(key)
        if bits is None:
            bits = self.bits_of(numbers())
            self._bits[key] = bits
        return bits

    def _listed(self, table: str, value: str) -> int:
        return self._cached(table, value, lambda: self._lists[table].get(value, ()))

    def _word(self, word: str) -> int:
        return self._cached("word", word, lambda: self._words.get(word, ()))

    # -- answering -----------------------------------------------------------------------

    def evaluate(self, node: Node) -> int:
        """The bit set of the units matching one turn pattern."""
        if isinstance(node, And):
            bits = self.everything
            for operand in node.operands:
                bits &= self.evaluate(operand)
                if not bits:
                    break
            return bits
        if isinstance(node, Or):
            bits = 0
            for operand in node.operands:
                bits |= self.evaluate(operand)
            return bits
        if isinstance(node, Not):
            return self.everything ^ self.evaluate(node.operand)
        if isinstance(node, Words):
            return self._words_bits(node)
        if isinstance(node, Mark):
            return self._listed("mark", node.key)
        if isinstance(node, Attribute):
            return self._attribute(node)
        if isinstance(node, Timed):
            return self._timed(node)
        if isinstance(node, Regex):
            return self._regex(node)
        raise TypeError(f"not a query node: {node!r}")

    def forms(self, word: str, inflect: bool) -> tuple[str, ...]:
        """The indexed words one query word stands for (its inflections; a wildcard's
        matches among the corpus's words)."""
        if "*" in word:
            pattern = _wildcard(word)
            return tuple(known for known in self._words if pattern.fullmatch(known))
        return inflections(word) if inflect else (word,)

    def _words_bits(self, node: Words) -> int:
        per_word = [self.forms(word, node.inflect) for word in node.words]
        sets = []
        for forms in per_word:
            bits = 0
            for form in forms:
                bits |= self._word(form)
            sets.append(bits)
        bits = sets[0]
        for other in sets[1:]:
            bits &= other
        if len(per_word) == 1 or not bits:
            return bits
        wanted = [frozenset(forms) for forms in per_word]
        return self.bits_of(number for number in members(bits)
                            if phrase_starts(self.units[number], wanted))

    def _attribute(self, node: Attribute) -> int:
        bits = 0
        name = node.name
        for value in node.values:
            if name == "speaker":
                pattern = value.casefold()
                for label in self._lists["speaker"]:
                    if fnmatch.fnmatchcase(label, pattern):
                        bits |= self._listed("speaker", label)
            elif name == "file":
                bits |= self._cached("file", value, partial(self._file_units, value))
            else:
                bits |= self._listed(name, value)
        return bits

    def _file_units(self, pattern: str) -> list[int]:
        pattern = pattern.casefold()
        chosen = {number for number, file in enumerate(self.files)
                  if any(fnmatch.fnmatchcase(name.casefold(), pattern)
                         for name in _file_names(file))}
        return [unit for unit, file in enumerate(self.file_of) if file in chosen]

    def _timed(self, node: Timed) -> int:
        compare = COMPARE[node.op]
        bound = node.seconds
        if node.name == "gap":
            return self.bits_of(number for number, unit in enumerate(self.units)
                                if unit.gap is not None and compare(unit.gap, bound))
        return self.bits_of(number for number, unit in enumerate(self.units)
                            if unit.pauses and any(compare(p, bound) for p in unit.pauses))

    def texts(self) -> list[str]:
        """Each unit's words joined by single spaces (what regular expressions search)."""
        if self._texts is None:
            self._texts = [" ".join(unit.words) for unit in self.units]
        return self._texts

    def _regex(self, node: Regex) -> int:
        search = _compiled(node.pattern).search
        return self.bits_of(number for number, text in enumerate(self.texts())
                            if search(text))

    def search(self, query: Query | str, vocabulary: Vocabulary | None = None) -> list[Hit]:
        """Every hit of `query`, in corpus order (by file, then turn).

        Raises:
            QueryError: `query` is text that does not parse.
        """
        if isinstance(query, str):
            query = parse_query(query, vocabulary)
        steps = [members(self.evaluate(step)) for step in query.steps]
        if len(steps) == 1:
            return [Hit((number,)) for number in steps[0]]
        keys = self.keys
        paths: list[tuple[int, ...]] = [(number,) for number in steps[0]]
        for window, numbers in zip(query.windows, steps[1:], strict=True):
            if not paths:
                break
            step_keys = [keys[number] for number in numbers]
            extended: list[tuple[int, ...]] = []
            for path in paths:
                key = keys[path[-1]]
                low = bisect_right(step_keys, key)
                high = bisect_right(step_keys, key + window, low)
                extended.extend((*path, numbers[at]) for at in range(low, high))
            paths = extended
        return [Hit(path) for path in paths]

    def count(self, query: Query | str) -> int:
        return len(self.search(query))

    def neighbours(self, number: int, before: int, after: int) -> tuple[range, range]:
        """The units up to `before` before and `after` after unit `number`, in its file."""
        file = self.file_of[number]
        base = file << _FILE_SHIFT
        keys = self.keys
        first = bisect_left(keys, base)
        last = bisect_left(keys, base + (1 << _FILE_SHIFT))
        return (range(max(first, number - before), number),
                range(number + 1, min(last, number + 1 + after)))


def phrase_starts(unit: Unit, wanted: Sequence[frozenset[str]]) -> list[int]:
    """Word positions in `unit` where the phrase (a set of forms per word) starts."""
    words, bare = unit.words, unit.bare
    size = len(wanted)
    starts = []
    for start in range(len(words) - size + 1):
        if all(words[start + k] in wanted[k] or bare[start + k] in wanted[k]
               for k in range(size)):
            starts.append(start)
    return starts


def _file_names(file: FileIndex) -> tuple[str, ...]:
    name = file.name
    stem = name.rsplit(".", 1)[0]
    return (name, stem, file.consultation, file.path)


@lru_cache(maxsize=256)
def _wildcard(word: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in word.split("*")))


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


__all__ = ["COMPARE", "CorpusIndex", "Hit", "members", "phrase_starts"]
