"""Speaker labels → roles for Jefferson transcripts (docs/codebook.md).

Jefferson transcripts name speakers with free labels (`Dr:`, `PSY:`, `Pt:`, `Mum:`). A
built-in map covers the common ones; a corpus overrides or extends it with the `roles:` map
of its `cakit.yaml` (carried in `ReadOptions.roles`). Lookup is case-insensitive. A label
that maps to nothing is never guessed: the reader reports it with the fix. "C" alone is
ambiguous (clinician or carer) and must be mapped explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from cakit.model import Role

#: Built-in label map, keys lower-case (the roles CLIN, PAT, CARER, OTHER).
DEFAULT_LABELS: dict[str, Role] = {}


def _add(role: Role, labels: str) -> None:
    for label in labels.split():
        DEFAULT_LABELS[label.replace("_", " ")] = role


_add(
    "clinician",
    "dr doc doctor d psy psych psychiatrist consultant sho cc nurse cpn rmn therapist "
    "clinician clin gp reg registrar spr st1 st2 st3 ct1 ct2 ct3 psychologist hcp c1 c2 "
    "c3 doc1 doc2 dr1 dr2 care_coordinator keyworker key_worker",
)
_add("patient", "p pt pat patient client su service_user")
_add(
    "carer",
    "carer m mum mom mother dad father f wife husband partner sister brother "
    "friend sw rel relative son daughter grandmother grandfather "
    "aunt uncle cousin girlfriend boyfriend gf bf fiance fiancee parent spouse niece "
    "nephew family",
)
_add(
    "other",
    "interpreter int interp student med_student researcher res observer trainee "
    "receptionist other",
)

#: Labels that name more than one role; they must be mapped by the corpus.
AMBIGUOUS_LABELS: dict[str, str] = {
    "c": "clinician or carer",
    "s": "student, sister or son",
    "r": "researcher or relative",
}

#: Words that name a role when a label starts with them (`Dr Smith`, `Nurse Jo`, `Mum
#: (Jane)`): whole role words, never an abbreviation or letter that can start a name
#: (`Pat Jones` is no patient, `D Smith` no doctor).
FIRST_WORDS = frozenset(
    "dr doc doctor nurse consultant psychiatrist psychologist therapist registrar clinician "
    "gp cpn sho patient client carer mum mom mother dad father wife husband partner sister "
    "brother son daughter grandmother grandfather aunt uncle cousin friend relative parent "
    "spouse niece nephew interpreter student researcher observer receptionist".split())

_TRAILING_DIGITS = re.compile(r"\d+$")
_SPACES = re.compile(r"\s+")

Resolution = Literal["mapped", "default", "header", "ambiguous", "unknown"]


@dataclass(frozen=True, slots=True)
class RoleLookup:
    """The outcome of mapping one label: the role (or "unknown") and how it was found."""

    role: Role
    how: Resolution
    detail: str = ""


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    """Lower-case, single spaces, no trailing full stop: `"Pt."` → `"pt"`."""
    return _SPACES.sub(" ", label.strip().rstrip(".").strip()).lower()


def _candidates(label: str) -> list[str]:
    """The label, then without a trailing number (`Dr2`), then its first word when that is
    a role word (`Dr Smith`; `FIRST_WORDS`)."""
    key = normalise_label(label)
    found = [key]
    stripped = _TRAILING_DIGITS.sub("", key).strip()
    if stripped and stripped != key:
        found.append(stripped)
    if " " in key and key.split(" ", 1)[0] in FIRST_WORDS:
        found.append(key.split(" ", 1)[0])
    return found


def resolve_role(
    label: str,
    overrides: Mapping[str, Role] | None = None,
    declared: Mapping[str, Role] | None = None,
) -> RoleLookup:
    """Map a speaker label to a role.

    Order: the corpus map (`overrides`, from `cakit.yaml` or `--roles`), then roles declared
    in the transcript's own `Participants:` header (`declared`), then the built-in map.
    Ambiguous labels ("C") resolve only through the first two.

    Args:
        label: the label as written, without the colon.
        overrides: label → role from the corpus configuration (any case).
        declared: label → role read from the transcript's header block (lower-case keys).
    """
    keys = _candidates(label)
    if overrides:
        lowered = {normalise_label(k): v for k, v in overrides.items()}
        for key in keys:
            if key in lowered:
                return RoleLookup(lowered[key], "mapped")
    if declared:
        for key in keys:
            if key in declared:
                return RoleLookup(declared[key], "header")
    first = keys[0]
    if first in AMBIGUOUS_LABELS:
        return RoleLookup("unknown", "ambiguous", AMBIGUOUS_LABELS[first])
    for key in keys:
        if key in DEFAULT_LABELS:
            return RoleLookup(DEFAULT_LABELS[key], "default")
    return RoleLookup("unknown", "unknown")


def is_known_label(label: str, overrides: Mapping[str, Role] | None = None,
                   declared: Mapping[str, Role] | None = None) -> bool:
    """True if the label maps to a role or is a known ambiguous label."""
    return resolve_role(label, overrides, declared).how != "unknown"


def role_from_description(description: str) -> Role | None:
    """A role named by a header description (`Dr = consultant psychiatrist` → clinician).

    Only the words of the description are looked up in the built-in map, last word first
    ("consultant psychiatrist", "patient's mother"); nothing is inferred beyond that.
    """
    words = re.findall(r"[A-Za-z]+", description.lower().replace("'s", " "))
    for at in range(len(words) - 1, -1, -1):
        word = words[at]
        if word == "sister":  # a ward sister is a senior nurse
            return "clinician" if at and words[at - 1] == "ward" else "carer"
        if word in DEFAULT_LABELS and len(word) > 2:
            return DEFAULT_LABELS[word]
    return None


__all__ = [
    "AMBIGUOUS_LABELS",
    "DEFAULT_LABELS",
    "FIRST_WORDS",
    "RoleLookup",
    "is_known_label",
    "normalise_label",
    "resolve_role",
    "role_from_description",
]
