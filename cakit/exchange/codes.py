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

from cakit.codes import CodeCatalogue
from cakit.store.labels import NEEDS_SUBTYPE

#: (family name, colour), in the order they are shown.
FAMILY_TABLE: tuple[tuple[str, str], ...] = (
    ("Patient turns", "#1F77B4"),
    ("Clinician responses", "#2CA02C"),
    ("Delivery modifiers", "#FF7F0E"),
    ("Carer responses", "#9467BD"),
    ("Clinician symptom checks", "#8C564B"),
)
OTHER_FAMILY = ("Other codes", "#7F7F7F")
#: the codebook's code families → the family shown in other tools
_SHOWN_AS = {"attempt": "Patient turns", "turn": "Patient turns",
             "response": "Clinician responses", "modifier": "Delivery modifiers",
             "carer": "Carer responses"}
#: a turn code said by the clinician, shown apart from the patient's turns
_CLINICIAN_TURN_CODES = frozenset({"MEDCHECK_SYMPTOM"})


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


def family_of(code: str, catalogue: CodeCatalogue) -> tuple[str, str]:
    """(family name, colour) of a code."""
    info = catalogue.get(code)
    if code in _CLINICIAN_TURN_CODES:
        shown = "Clinician symptom checks"
    else:
        shown = _SHOWN_AS.get(info.family if info is not None else "", "")
    return next(((name, colour) for name, colour in FAMILY_TABLE if name == shown),
                OTHER_FAMILY)


def code_entries(codebook_path: str | None) -> tuple[str, tuple[CodeEntry, ...]]:
    """(codebook version, its codes as entries), in codebook order.

    Raises:
        CodebookError: the codebook is invalid.
    """
    from cakit.annotate import codebook_for

    codebook = codebook_for(codebook_path)
    catalogue = codebook.catalogue
    entries = []
    for code in catalogue.codes:
        if code.parent:
            continue
        family, colour = family_of(code.name, catalogue)
        entries.append(CodeEntry(name=code.name, family=family, colour=colour,
                                 label=code.label if code.label != code.name else "",
                                 definition=code.definition,
                                 subtypes=catalogue.subtypes(code.name)))
    return codebook.version, tuple(entries)


def families(entries: tuple[CodeEntry, ...]) -> tuple[tuple[str, str, tuple[CodeEntry, ...]], ...]:
    """(family, colour, its codes) for every family that has a code, in table order."""
    order = [*FAMILY_TABLE, OTHER_FAMILY]
    out = []
    for name, colour in order:
        members = tuple(entry for entry in entries if entry.family == name)
        if members:
            out.append((name, colour, members))
    return tuple(out)
