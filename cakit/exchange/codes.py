"""The codebook as a tree other tools show: families → codes → subtypes, with colours.

Families are cakit's kinds of annotation; each has one fixed colour (the codes of a family
share it), so a project looks the same in every tool and on every export:

| family | colour |
|---|---|
| Patient turns (PSY_ATTEMPT, PSY_ELICITED, REPAIR_OI) | #1F77B4 blue |
| Clinician responses (the uptakes) | #2CA02C green |
| Delivery modifiers (HESITATE, SMILE_LAUGH) | #FF7F0E orange |
| Carer responses | #9467BD purple |
| Clinician symptom checks (MEDCHECK_SYMPTOM) | #8C564B brown |
| Other codes (anything else in the codebook) | #7F7F7F grey |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cakit.annotations import MODIFIERS, UPTAKES
from cakit.store.labels import NEEDS_SUBTYPE, PATIENT_CODES

#: (family name, its codes, its colour), in the order they are shown.
FAMILY_TABLE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Patient turns", PATIENT_CODES, "#1F77B4"),
    ("Clinician responses", UPTAKES, "#2CA02C"),
    ("Delivery modifiers", MODIFIERS, "#FF7F0E"),
    ("Carer responses", ("CARER_RESPONSE",), "#9467BD"),
    ("Clinician symptom checks", ("MEDCHECK_SYMPTOM",), "#8C564B"),
)
OTHER_FAMILY = ("Other codes", "#7F7F7F")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code of the codebook with what a researcher reads about it."""

    name: str
    family: str
    colour: str
    label: str = ""
    definition: str = ""
    subtypes: tuple[str, ...] = ()

    @property
    def codable(self) -> bool:
        """Whether the code can be given without a subtype."""
        return self.name not in NEEDS_SUBTYPE or not self.subtypes

    @property
    def description(self) -> str:
        return "\n\n".join(part for part in (self.label, self.definition) if part)


def family_of(code: str) -> tuple[str, str]:
    """(family name, colour) of a code."""
    for family, codes, colour in FAMILY_TABLE:
        if code in codes:
            return family, colour
    return OTHER_FAMILY


def _texts(codebook_file: Path) -> dict[str, dict[str, str]]:
    """label and definition of each code, read from the codebook YAML (missing: empty)."""
    import yaml

    try:
        data: Any = yaml.safe_load(codebook_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    codes = data.get("codes") if isinstance(data, dict) else None
    out: dict[str, dict[str, str]] = {}
    for name, body in (codes or {}).items() if isinstance(codes, dict) else ():
        if isinstance(body, dict):
            out[str(name)] = {key: " ".join(str(body.get(key) or "").split())
                              for key in ("label", "definition")}
    return out


def code_entries(codebook_path: str | None) -> tuple[str, tuple[CodeEntry, ...]]:
    """(codebook version, its codes as entries), in codebook order.

    Raises:
        CodebookError: the codebook is invalid.
    """
    from cakit.annotate import codebook_for
    from cakit.annotate.codebook import default_codebook_path

    codebook = codebook_for(codebook_path)
    texts = _texts(Path(codebook_path) if codebook_path else default_codebook_path())
    entries = []
    for name, subtypes in codebook.codes:
        family, colour = family_of(name)
        text = texts.get(name, {})
        entries.append(CodeEntry(name=name, family=family, colour=colour,
                                 label=text.get("label", ""),
                                 definition=text.get("definition", ""), subtypes=subtypes))
    return codebook.version, tuple(entries)


def families(entries: tuple[CodeEntry, ...]) -> tuple[tuple[str, str, tuple[CodeEntry, ...]], ...]:
    """(family, colour, its codes) for every family that has a code, in table order."""
    order = [(name, colour) for name, _, colour in FAMILY_TABLE] + [OTHER_FAMILY]
    out = []
    for name, colour in order:
        members = tuple(entry for entry in entries if entry.family == name)
        if members:
            out.append((name, colour, members))
    return tuple(out)
