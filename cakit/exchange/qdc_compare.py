"""Comparing a REFI-QDA codebook (`.qdc`) with cakit's codebook (pure).

A `.qdc` code matches a cakit code by name, case-insensitively: as `PARENT/NAME` (a subtype
nested under its code, as cakit exports them), as its own name (`CODE`, or `CODE/SUBTYPE`
written flat), or as a bare subtype name that belongs to one code only. The family codes
cakit exports (`Patient turns`, …) are known too. cakit never edits the user's codebook:
`fragment` is YAML to start an edit from.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from cakit.exchange.codes import FAMILY_TABLE, OTHER_FAMILY, CodeEntry
from cakit.exchange.qdpx_read import QdaCode
from cakit.store.labels import format_label


@dataclass(frozen=True, slots=True)
class Matched:
    #: the code's path in the .qdc (names from the top, joined with "/")
    path: str
    #: the cakit label it matches (`CODE`, `CODE/SUBTYPE` or a family name)
    label: str
    #: "code", "subtype" or "family"
    kind: str


@dataclass(frozen=True, slots=True)
class Unknown:
    path: str
    name: str
    parent: str
    description: str
    codable: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    matched: tuple[Matched, ...]
    unknown: tuple[Unknown, ...]
    #: cakit labels no .qdc code matches, in codebook order
    missing: tuple[str, ...]

    @property
    def all_known(self) -> bool:
        return not self.unknown


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def known_labels(entries: tuple[CodeEntry, ...]) -> dict[str, tuple[str, str]]:
    """{compared name: (cakit label, kind)} of every code, subtype and family."""
    out = {_key(family): (family, "family") for family, _ in FAMILY_TABLE}
    out[_key(OTHER_FAMILY[0])] = (OTHER_FAMILY[0], "family")
    for entry in entries:
        out[_key(entry.name)] = (entry.name, "code")
        for subtype in entry.subtypes:
            label = format_label(entry.name, subtype)
            out[_key(label)] = (label, "subtype")
    return out


def bare_subtypes(entries: tuple[CodeEntry, ...]) -> dict[str, str]:
    """{compared subtype name: its label} for subtype names that belong to one code only."""
    owners: dict[str, list[str]] = {}
    for entry in entries:
        for subtype in entry.subtypes:
            owners.setdefault(_key(subtype), []).append(format_label(entry.name, subtype))
    return {name: labels[0] for name, labels in owners.items() if len(labels) == 1}


def code_path(codes: dict[str, QdaCode], code: QdaCode) -> str:
    """The names from the top of the tree down to `code`, joined with "/"."""
    names = [code.name]
    seen = {code.guid}
    parent = codes.get(code.parent) if code.parent else None
    while parent is not None and parent.guid not in seen:
        seen.add(parent.guid)
        names.append(parent.name)
        parent = codes.get(parent.parent) if parent.parent else None
    return "/".join(reversed(names))


def _match(codes: dict[str, QdaCode], code: QdaCode, known: dict[str, tuple[str, str]],
           bare: dict[str, str]) -> tuple[str, str] | None:
    parent = codes.get(code.parent) if code.parent else None
    names = ([f"{parent.name}/{code.name}"] if parent is not None else []) + [code.name]
    for name in names:
        if _key(name) in known:
            return known[_key(name)]
    label = bare.get(_key(code.name))
    return (label, "subtype") if label is not None else None


def compare(codes: dict[str, QdaCode], entries: tuple[CodeEntry, ...]) -> Comparison:
    """Which `.qdc` codes cakit knows, which it does not, and which cakit codes are absent."""
    known = known_labels(entries)
    bare = bare_subtypes(entries)
    matched: list[Matched] = []
    unknown: list[Unknown] = []
    for code in codes.values():
        path = code_path(codes, code)
        found = _match(codes, code, known, bare)
        if found is None:
            parent = path.rpartition("/")[0]
            unknown.append(Unknown(path=path, name=code.name, parent=parent,
                                   description=code.description, codable=code.codable))
        else:
            matched.append(Matched(path=path, label=found[0], kind=found[1]))
    present = {m.label for m in matched}
    missing: list[str] = []
    for entry in entries:
        labels = [format_label(entry.name, s) for s in entry.subtypes]
        if entry.name not in present and (entry.codable or not present & set(labels)):
            missing.append(entry.name)
        missing.extend(label for label in labels if label not in present)
    return Comparison(matched=tuple(matched), unknown=tuple(unknown), missing=tuple(missing))


def as_json(comparison: Comparison, *, qdc: str, codebook_version: str) -> dict[str, object]:
    return {
        "qdc": qdc,
        "codebook_version": codebook_version,
        "all_known": comparison.all_known,
        "matched": [{"path": m.path, "code": m.label, "kind": m.kind}
                    for m in comparison.matched],
        "unknown": [{"path": u.path, "name": u.name, "parent": u.parent,
                     "description": u.description, "codable": u.codable}
                    for u in comparison.unknown],
        "missing": list(comparison.missing),
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def fragment(comparison: Comparison, *, qdc: str, codebook_version: str) -> str:
    """YAML listing the unknown codes in the codebook's `codes:` shape (label, definition),
    each with its place in the .qdc as a comment: a starting point, to edit by hand."""
    lines = [
        f"# Codes in {_one_line(qdc)} that cakit's codebook (version {codebook_version}) "
        "does not know.",
        "# A starting point for an edit of your codebook YAML: check names, add subtypes and",
        "# rules, bump the version, then run `cakit codebook check`. cakit changed nothing.",
    ]
    if not comparison.unknown:
        return "\n".join([*lines, "codes: {}", ""])
    lines.append("codes:")
    used: set[str] = set()
    for code in comparison.unknown:
        name = code.name if code.name not in used else code.path
        used.add(name)
        body: dict[str, str] = {"label": code.name}
        if code.description:
            body["definition"] = code.description
        dumped = yaml.safe_dump({name: body}, allow_unicode=True, sort_keys=False, width=90)
        lines.append(f"  # in the .qdc: {_one_line(code.path)}" + ("" if code.codable else
                                                       " (not codable there)"))
        lines.extend(f"  {line}" for line in dumped.splitlines())
    return "\n".join(lines) + "\n"
