"""CHAT dependent tiers: `%mor` and `%gra` parsed into items and checked for alignment.

All other tiers are kept as raw text (with their bullets), the escape hatch pylangacq
taught us to keep (the CHAT manual's dependent tiers).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cakit.formats._diag import Collector
from cakit.formats.chat.tokens import MainTier

KNOWN_TIERS = frozenset({
    "mor", "gra", "wor", "pho", "mod", "sin", "act", "cod", "com", "exp", "add", "spa", "sit",
    "gpx", "int", "alt", "coh", "def", "eng", "err", "fac", "flo", "gls", "ort", "par", "tim",
    "trn", "tra", "grt", "umor", "ugra", "xmodsyl", "xphosyl", "xphoaln", "xphoint"
})
_GRA_ITEM = re.compile(r"^(\d+)\|(\d+)\|([A-Z][A-Z0-9\-:_]*)$")
_GRA_TIER = re.compile(r"\d+\|\d+\|[A-Z][A-Z0-9\-:_]*(?: \d+\|\d+\|[A-Z][A-Z0-9\-:_]*)*")
_NUMBERS = [str(number) for number in range(512)]
#: An item that may be malformed: a leading "|", "||", or "&" after an "=" gloss.
_MOR_SUSPECT = re.compile(r"(?:^|\s)\||\|\||=[^\s~$]*&")
_MOR_TERMINATORS = frozenset({".", "?", "!", "+...", "+..?", "+/.", "+//.", "+/?", "+//?",
                              "+!?", '+"/.', '+".', "+."})


#: Maps an offset into a tier's value to its physical (line, column).
Locate = Callable[[int], tuple[int, int]]
_ITEM = re.compile(r"\S+")
_CLITIC_SPLIT = re.compile(r"[~$]")


def mor_items(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def item_position(value: str, index: int, locate: Locate | None, line: int, col: int
                  ) -> tuple[int, int]:
    """Physical position of the `index`-th whitespace item of a tier value (errors only)."""
    if locate is None:
        return line, col
    for number, match in enumerate(_ITEM.finditer(value)):
        if number == index:
            return locate(match.start())
    return line, col


def _check_mor_item(item: str) -> str:
    """What is wrong with one %mor item's shape ("" when nothing is)."""
    if item[0] == "|" or "||" in item:
        return "has an empty part of speech"
    if "=" in item and "&" in item:
        for word in _CLITIC_SPLIT.split(item):
            equals = word.find("=")
            if equals >= 0 and "&" in word[equals:]:
                return "has a fusional suffix '&' after its '=gloss' (the gloss comes last)"
    return ""


def mor_chunks(items: tuple[str, ...]) -> int:
    """Number of %gra-addressable chunks: clitics (`~`, `$`) split items."""
    # terminators never contain ~ or $, so counting over the joined items is exact
    joined = " ".join(items)
    return len(items) + joined.count("~") + joined.count("$")


def mor_alignable(main: MainTier, omitted_items: int = 0) -> int:
    """Main-tier units that need one %mor item each (chatter ALIGNMENT_RULES, Mor domain).

    Omitted words (`0det`) have no %mor item by the current rules, but older CHILDES files
    give them one written with a leading 0 (`0det:art|a`); `omitted_items` counts those so
    both conventions align.
    """
    if main.plain:  # no retraces, omissions or untranscribed words; commas outside groups
        return len(main.tokens) + len(main.separators)
    count = 0
    omissions = 0
    retraced = main.retraced
    replacements = main.replacements
    for index, token in enumerate(main.tokens):
        if token.kind == "omission" and index not in retraced:
            omissions += 1
            continue
        if token.kind != "word" or index in retraced:
            continue
        if token.clean.lower() in ("xxx", "yyy", "www"):
            continue
        count += replacements.get(index, 1)
    return count + main.separator_count + min(omissions, omitted_items)


def check_mor(
    items: tuple[str, ...], main: MainTier | None, line: int, col: int, diag: Collector,
    value: str = "", locate: Locate | None = None,
) -> None:
    """Item shapes (E760, E382) and the count against the main tier (E705/E706, E716)."""
    if not items:
        diag.add("E756", "error", "empty %mor tier", line, col,
                 hint="add the morphology or delete the tier")
        return
    suspect = _MOR_SUSPECT.search(value) if value else True
    for index, item in enumerate(items if suspect else ()):
        if item[0] != "|" and "||" not in item and ("=" not in item or "&" not in item):
            continue  # the common case, checked inline for speed
        problem = _check_mor_item(item)
        if problem:
            where = item_position(value, index, locate, line, col)
            if problem.startswith("has an empty"):
                diag.add("E760", "error", f"%mor item {item!r} {problem}", *where,
                         hint="every item is pos|stem, e.g. n|dog")
            else:
                diag.add("E382", "error", f"%mor item {item!r} {problem}", *where,
                         hint="write pos|stem&FUS-SUFFIX=gloss, e.g. v|ve&PRET-3S=see")
            return
    if main is None:
        return
    words = [item for item in items if item not in _MOR_TERMINATORS]
    glued = bool(words) and words[-1][-1] in ".?!" and not words[-1].endswith("..")
    omitted = value.count(" 0") + value.startswith("0") if value else sum(
        1 for item in words if item.startswith("0"))
    expected = mor_alignable(main, omitted)
    if len(words) < expected:
        diag.add("E705", "error", f"%mor has {len(words)} items but the main tier has "
                 f"{expected} words", line, col, hint="each main-tier word needs one %mor item")
    elif len(words) > expected:
        diag.add("E706", "error", f"%mor has {len(words)} items but the main tier has "
                 f"{expected} words", line, col, hint="each main-tier word needs one %mor item")
    has_terminator = items[-1] in _MOR_TERMINATORS or glued
    if main.terminator in _MOR_TERMINATORS and not has_terminator:
        diag.add("E716", "error", "%mor lacks the main tier's terminator", line, col,
                 hint=f"end %mor with the main tier's terminator {main.terminator}")


def check_gra(
    items: tuple[str, ...], mor: tuple[str, ...] | None, line: int, col: int, diag: Collector
) -> None:
    """`index|head|RELATION` items: shape (E708), count (E720), order (E721), heads (E713),
    one root (E722/E723) and no cycles (E724)."""
    if mor is None:
        diag.add("E604", "error", "%gra without a %mor tier", line, col,
                 hint="%gra relations index the %mor items; add %mor or drop %gra")
        return
    if not items:
        return  # reported as an empty tier (E756)
    joined = " ".join(items)
    if not _GRA_TIER.fullmatch(joined):
        for item in items:  # slow path only to name the bad item
            if not _GRA_ITEM.match(item):
                diag.add("E708", "error", f"%gra item {item!r} is not index|head|RELATION",
                         line, col, hint="e.g. 1|2|SUBJ")
                return
    # the shape is known to be index|head|RELATION now, so plain splitting is exact
    parts = joined.replace(" ", "|").split("|")
    indexes = parts[0::3]
    count = len(indexes)
    expected = _NUMBERS[1 : count + 1] if count < len(_NUMBERS) else [
        str(number) for number in range(1, count + 1)]
    if indexes != expected:
        position = next(k for k, (a, b) in enumerate(zip(indexes, expected, strict=True)) if a != b)
        diag.add("E721", "error", f"%gra index {indexes[position]} out of sequence (expected "
                 f"{position + 1})", line, col, hint="number the relations 1, 2, 3 …")
        return
    heads = list(map(int, parts[1::3]))
    root_count = heads.count(0)
    roots = [index for index, head, relation in zip(indexes, parts[1::3], parts[2::3],
                                                     strict=True)
             if head == "0" and relation.endswith("ROOT")] if root_count > 1 else []
    chunks = mor_chunks(mor)
    if len(heads) != chunks:
        diag.add("E720", "error", f"%gra has {len(heads)} relations but %mor has {chunks} "
                 "chunks", line, col, hint="one %gra relation per %mor word and clitic")
        return
    if max(heads, default=0) > chunks:
        diag.add("E713", "error", f"%gra head {max(heads)} is beyond the {chunks} chunks", line,
                 col, hint="a head is 0 (the root) or the index of another %mor chunk")
        return
    # Vocatives and the like may also attach to 0 (1|0|BEG), but only one item is the root.
    if not root_count:
        diag.add("E722", "error", "%gra has no root (no relation with head 0)", line, col,
                 hint="exactly one relation is the root, e.g. 2|0|ROOT")
        return
    if len(roots) > 1:
        diag.add("E723", "error", f"%gra has {len(roots)} ROOT relations (items "
                 f"{', '.join(roots)})", line, col, hint="exactly one relation is the ROOT")
        return
    # Every chain of heads must end at the root (0). Pointer doubling: after k rounds each
    # item points 2**k steps up its chain, so once 2**k >= chunks only a cycle is not 0.
    up = [0, *heads]
    for _ in range(chunks.bit_length()):
        up = [up[node] for node in up]
    if any(up):
        node = next(index for index, top in enumerate(up) if top)
        for _ in range(chunks):  # walk into the cycle to name one of its items
            node = heads[node - 1]
        diag.add("E724", "error", f"%gra relations form a cycle through item {node}",
                 line, col, hint="every chain of heads must end at the root (0)")
