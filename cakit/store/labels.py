"""Which codes a coder may give to which kind of annotation, checked against the codebook.

A relabel stays inside its family: a patient turn can become another patient-turn code
(PSY_ATTEMPT with a subtype, PSY_ELICITED, REPAIR_OI), a clinician response another
uptake, a carer response another carer subtype, a delivery modifier the other modifier.
Every code and subtype must also exist in the codebook in use, so a typo or a code from
another codebook is refused with the valid options listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cakit.codes import CodeCatalogue
from cakit.model import Turn

PATIENT_CODES: tuple[str, ...] = ("PSY_ATTEMPT", "PSY_ELICITED", "REPAIR_OI")
#: The kinds of annotation a coder decides on.
KINDS: tuple[str, ...] = ("attempt", "elicited", "repair", "response", "modifier",
                          "carer_response", "medcheck")
#: Codes whose subtype is required (the subtype *is* the code's content).
NEEDS_SUBTYPE = frozenset({"PSY_ATTEMPT", "CARER_RESPONSE"})
#: Kinds that belong to an attempt (a human code of these needs --attempt-line).
ATTEMPT_BOUND = frozenset({"response", "modifier", "carer_response"})


class CodebookLike(Protocol):
    """What label checks need from a codebook."""

    @property
    def catalogue(self) -> CodeCatalogue: ...

    @property
    def code_names(self) -> tuple[str, ...]: ...

    def subtypes(self, code: str) -> tuple[str, ...]: ...


def family(catalogue: CodeCatalogue, kind: str) -> tuple[str, ...]:
    """The codes a coder may give an annotation of this kind (empty: unknown kind)."""
    if kind in ("attempt", "elicited", "repair"):
        return PATIENT_CODES
    return {
        "response": catalogue.uptakes,
        "modifier": catalogue.modifiers,
        "carer_response": catalogue.family("carer"),
        "medcheck": ("MEDCHECK_SYMPTOM",),
    }.get(kind, ())


def kind_for_code(code: str, catalogue: CodeCatalogue) -> str | None:
    """The kind of annotation a code makes when a coder adds it (None: cakit has no place)."""
    patient = {"PSY_ATTEMPT": "attempt", "PSY_ELICITED": "elicited", "REPAIR_OI": "repair"}
    if code in patient:
        return patient[code]
    for kind in ("response", "modifier", "carer_response", "medcheck"):
        if code in family(catalogue, kind):
            return kind
    return None


def choices(codebook: CodebookLike, kind: str) -> tuple[tuple[str, str | None], ...]:
    """Every (code, subtype) a coder may choose for this kind, in codebook order."""
    codes = family(codebook.catalogue, kind)
    out: list[tuple[str, str | None]] = []
    for code in codebook.code_names:
        if code not in codes:
            continue
        subtypes = codebook.subtypes(code)
        if code not in NEEDS_SUBTYPE:
            out.append((code, None))
        out.extend((code, subtype) for subtype in subtypes)
    return tuple(out)


def format_label(code: str, subtype: str | None) -> str:
    return f"{code}/{subtype}" if subtype else code


def parse_label(text: str, codebook: CodebookLike, kind: str | None = None
                ) -> tuple[str, str | None]:
    """`CODE`, `CODE/SUBTYPE` or a bare subtype → (code, subtype) (not yet validated).

    A bare subtype is resolved to the code that owns it (within `kind`'s family when given).
    """
    value = text.strip().upper()
    if "/" in value:
        code, _, subtype = value.partition("/")
        return code.strip(), subtype.strip() or None
    if value in codebook.code_names:
        return value, None
    owners = [code for code in codebook.code_names if value in codebook.subtypes(code)
              and (kind is None or code in family(codebook.catalogue, kind))]
    if len(owners) == 1:
        return owners[0], value
    return value, None


def check_label(codebook: CodebookLike, kind: str, code: str, subtype: str | None) -> str | None:
    """Why (code, subtype) is not a valid label for this kind, or None when it is."""
    codes = family(codebook.catalogue, kind)
    if kind not in KINDS:
        return f"unknown annotation kind {kind!r}"
    if code not in codebook.code_names:
        valid = ", ".join(c for c in codebook.code_names if c in codes)
        return f"code {code!r} is not in the codebook; for a {kind} choose one of: {valid}"
    if code not in codes:
        valid = ", ".join(c for c in codebook.code_names if c in codes)
        return f"code {code!r} cannot label a {kind}; choose one of: {valid}"
    subtypes = codebook.subtypes(code)
    if subtype is None:
        if code in NEEDS_SUBTYPE:
            return f"{code} needs a subtype: one of {', '.join(subtypes)}"
        return None
    if subtype not in subtypes:
        if not subtypes:
            return f"{code} has no subtypes in the codebook (found {subtype!r})"
        return f"subtype {subtype!r} is not a subtype of {code}; choose one of: " + \
            ", ".join(subtypes)
    return None


def all_labels(codebook: CodebookLike, kinds: Sequence[str] = KINDS) -> tuple[str, ...]:
    """Every valid label string over the given kinds (for spreadsheet drop-downs)."""
    seen: dict[str, None] = {}
    for kind in kinds:
        for code, subtype in choices(codebook, kind):
            seen.setdefault(format_label(code, subtype), None)
    return tuple(seen)


#: Which speaker role each kind of code belongs to.
ROLE_OF_KIND = {"attempt": "patient", "elicited": "patient", "repair": "patient",
                "response": "clinician", "modifier": "clinician", "medcheck": "clinician",
                "carer_response": "carer"}


def off_role(kind: str, turn: Turn | None) -> bool:
    """Whether a code of `kind` sits on a turn whose speaker has another role (a speaker
    of unknown role fits any)."""
    wanted = ROLE_OF_KIND.get(kind)
    return turn is not None and wanted is not None and turn.role not in ("unknown", wanted)
