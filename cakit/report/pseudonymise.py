"""Report tables as they may leave the machine: consultations and clinicians pseudonymised.

Every report format (terminal table, CSV, JSON, Markdown, Excel, HTML) shows the same
labels: a consultation id becomes `[ID-…]` and a clinician (a declared name, or a speaker
label with its consultation, `DOC@01-x`) becomes `[Clinician-…]`, keyed pseudonyms that
are stable across files and runs (`Deidentifier`). The notes that list consultations are
relabelled too. The originals go only to the de-identification audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from cakit.report.deid import Deidentifier
    from cakit.report.tables import Report


def consultation_labels(report: Report, deid: Deidentifier | None,
                        sources: Mapping[str, str]) -> dict[str, str]:
    """Each consultation key of `report` → the label shown (itself without `deid`)."""
    if deid is None:
        return {key: key for key in report.consultations}
    return {key: deid.identifier(key, file=sources.get(key, "")) for key in report.consultations}


def relabel_frame(frame: pd.DataFrame, labels: Mapping[str, str],
                  deid: Deidentifier | None) -> pd.DataFrame:
    """`frame` with its consultation and clinician columns shown as labelled.

    De-identified, the rows are put in the order of their labels (stable, so a
    consultation's own rows keep theirs): rows in the order of the real file names or
    clinicians' names would still tell their alphabetical order."""
    if "consultation" in frame.columns:
        frame = frame.assign(consultation=[labels.get(v, v) for v in frame["consultation"]])
    if deid is not None and "clinician" in frame.columns:
        def clinician(value: object) -> object:
            text = str(value)
            if not text or text.startswith("("):  # "(no clinician turn)" and similar
                return value
            label, at, where = text.partition("@")
            if at:
                return f"{deid.clinician(label)}@{labels.get(where, where)}"
            return deid.clinician(text)
        frame = frame.assign(clinician=[clinician(v) for v in frame["clinician"]])
    if deid is not None:
        key = next((c for c in ("consultation", "clinician") if c in frame.columns), None)
        if key is not None:
            frame = frame.sort_values(key, kind="stable").reset_index(drop=True)
    return frame


def relabel_note(note: str, labels: Mapping[str, str]) -> str:
    """A note with every consultation key it names replaced by its label (one pass: the
    longest key that stands alone as a word wins, and a label is never relabelled).

    A note names consultations only in the list after `NAMES_THEM`; every other word is
    the note's own, so a consultation called `a`, `media` or `none` leaves "a true
    outcome" and "media timing" alone."""
    from cakit.report.tables import NAMES_THEM

    # the first marker: the note's own words hold none, a consultation's name might
    head, marker, listed = note.partition(NAMES_THEM)
    if not marker:
        return note
    # only the keys the list contains: one pattern of every key of a large study took
    # a second to compile for each note
    changed = sorted((key for key in labels if key != labels[key] and key in listed),
                     key=len, reverse=True)
    if not changed:
        return note
    keys = "|".join(map(re.escape, changed))
    return head + marker + re.sub(rf"(?<![\w-])(?:{keys})(?![\w-])",
                                  lambda m: labels[m.group(0)], listed)


def pseudonymised(report: Report, deid: Deidentifier,
                  sources: Mapping[str, str]) -> tuple[Report, dict[str, str]]:
    """The report with every table, note and consultation shown under its pseudonym, and
    the labels used (so a plot of the same run shows the same ones)."""
    labels = consultation_labels(report, deid, sources)
    tables = {name: relabel_frame(frame, labels, deid) for name, frame in report.tables.items()}
    return replace(report, tables=tables,
                   notes=tuple(_in_label_order(relabel_note(note, labels))
                               for note in report.notes),
                   consultations=tuple(sorted(labels[key] for key in report.consultations))
                   ), labels


#: A list of two or more pseudonymised consultations in a note.
_LABEL_LIST = re.compile(r"\[ID-[^\]]+\](?:, \[ID-[^\]]+\])+")


def _in_label_order(note: str) -> str:
    """A note's lists of consultations in the order of their labels: listed in file order,
    pseudonyms would still tell the real names' alphabetical order."""
    return _LABEL_LIST.sub(lambda m: ", ".join(sorted(m.group(0).split(", "))), note)
