"""CHAT dependent tiers: `%mor` and `%gra` parsed into items and checked for alignment.

All other tiers are kept as raw text (with their bullets), the escape hatch pylangacq
taught us to keep (NOTATION.md §C.5).
"""

from __future__ import annotations

import re

from cakit.formats._diag import Collector
from cakit.formats.chat.tokens import MainTier

KNOWN_TIERS = frozenset(
    """mor gra wor pho mod sin act cod com exp add spa sit gpx int alt coh def eng err fac
    flo gls ort par tim trn tra grt umor ugra xmodsyl xphosyl xphoaln xphoint""".split()
)
_GRA_ITEM = re.compile(r"^(\d+)\|(\d+)\|([A-Z][A-Z0-9\-:_]*)$")
_MOR_TERMINATORS = frozenset({".", "?", "!", "+...", "+..?", "+/.", "+//.", "+/?", "+//?",
                              "+!?", '+"/.', '+".', "+."})


def mor_items(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def mor_chunks(items: tuple[str, ...]) -> int:
    """Number of %gra-addressable chunks: clitics (`~`, `$`) split items."""
    count = 0
    for item in items:
        if item in _MOR_TERMINATORS:
            count += 1
            continue
        count += 1 + item.count("~") + item.count("$")
    return count


def mor_alignable(main: MainTier, omitted_items: int = 0) -> int:
    """Main-tier units that need one %mor item each (chatter ALIGNMENT_RULES, Mor domain).

    Omitted words (`0det`) have no %mor item by the current rules, but older CHILDES files
    give them one written with a leading 0 (`0det:art|a`); `omitted_items` counts those so
    both conventions align.
    """
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
    items: tuple[str, ...], main: MainTier | None, line: int, col: int, diag: Collector
) -> None:
    if not items:
        diag.add("E756", "error", "empty %mor tier", line, col)
        return
    for item in items:
        if item.startswith("|") or "||" in item:
            diag.add("E760", "error", f"%mor item {item!r} has an empty part of speech", line,
                     col)
            return
    if main is None:
        return
    words = [item for item in items if item not in _MOR_TERMINATORS]
    glued = bool(words) and words[-1][-1] in ".?!" and not words[-1].endswith("..")
    expected = mor_alignable(main, sum(1 for item in words if item.startswith("0")))
    if len(words) < expected:
        diag.add("E705", "error", f"%mor has {len(words)} items but the main tier has "
                 f"{expected} words", line, col, hint="each main-tier word needs one %mor item")
    elif len(words) > expected:
        diag.add("E706", "error", f"%mor has {len(words)} items but the main tier has "
                 f"{expected} words", line, col, hint="each main-tier word needs one %mor item")
    has_terminator = items[-1] in _MOR_TERMINATORS or glued
    if main.terminator in _MOR_TERMINATORS and not has_terminator:
        diag.add("E716", "error", "%mor lacks the main tier's terminator", line, col)


def check_gra(
    items: tuple[str, ...], mor: tuple[str, ...] | None, line: int, col: int, diag: Collector
) -> None:
    if mor is None:
        diag.add("E604", "error", "%gra without a %mor tier", line, col)
        return
    relations: list[tuple[int, int]] = []
    for item in items:
        match = _GRA_ITEM.match(item)
        if not match:
            diag.add("E722" if "|" in item else "E316", "error",
                     f"%gra item {item!r} is not index|head|RELATION", line, col)
            return
        relations.append((int(match.group(1)), int(match.group(2))))
    chunks = mor_chunks(mor)
    if len(relations) != chunks:
        diag.add("E720", "error", f"%gra has {len(relations)} relations but %mor has {chunks} "
                 "chunks", line, col)
        return
    for position, (index, head) in enumerate(relations, 1):
        if index != position:
            diag.add("E721", "error", f"%gra index {index} out of sequence (expected "
                     f"{position})", line, col)
            return
        if head > chunks:
            diag.add("E713", "error", f"%gra head {head} is beyond the {chunks} chunks", line, col)
            return
