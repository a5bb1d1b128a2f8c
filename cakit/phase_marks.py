"""Manual phase marks: the phases a transcriber wrote into the file (CHAT gems `@Bg:
PRE_CLOSING` … `@Eg: PRE_CLOSING`, `@G: closing`; Jefferson `((phase: pre-closing))`).

They override the automatic segmentation (`cakit.annotate.phases`), and a turn never runs
across one (`cakit.turns.turn_breaks`): talk on either side of a mark is in two phases.
"""

from __future__ import annotations

from collections.abc import Iterable

from cakit.annotations import PHASES
from cakit.model import Header

_LABELS = {
    "opening": "OPENING", "greeting": "OPENING", "greetings": "OPENING",
    "history": "PROBLEM_HISTORY", "problem history": "PROBLEM_HISTORY",
    "problem_history": "PROBLEM_HISTORY", "problem": "PROBLEM_HISTORY",
    "examination": "EXAMINATION", "exam": "EXAMINATION", "mental state": "EXAMINATION",
    "treatment": "TREATMENT", "medication": "TREATMENT", "plan": "TREATMENT",
    "pre-closing": "PRE_CLOSING", "pre_closing": "PRE_CLOSING", "preclosing": "PRE_CLOSING",
    "pre closing": "PRE_CLOSING", "closing": "CLOSING", "close": "CLOSING",
}
#: Header names that can hold a phase mark (a Jefferson `((phase: …))` is a `phase` header).
_OPENING = ("Bg", "G", "phase")


def manual_label(text: str) -> str | None:
    """A phase name from a manual mark's text ("pre-closing", "PRE_CLOSING" …)."""
    cleaned = text.strip().strip(":").strip().lower()
    if cleaned.startswith("phase"):
        cleaned = cleaned[5:].strip(" :")
    if cleaned.upper() in PHASES:
        return cleaned.upper()
    return _LABELS.get(cleaned)


def manual_marks(headers: Iterable[Header]) -> list[tuple[int, str | None]]:
    """(utterance position, phase; None for a gem's end) of the phase marks among a
    transcript's headers. A gem whose name is no phase (`@G: bath time`) is none."""
    marks: list[tuple[int, str | None]] = []
    for header in headers:
        name = header.name
        if name in _OPENING and header.value:
            label = manual_label(header.value)
            if label:
                marks.append((header.position, label))
        elif name == "Eg" and header.value and manual_label(header.value):
            marks.append((header.position, None))
    return marks
