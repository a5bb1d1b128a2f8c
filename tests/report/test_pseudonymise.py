"""Relabelling the consultations a report's notes name (`cakit.report.pseudonymise`)."""

from __future__ import annotations

from cakit.report.pseudonymise import relabel_note


def test_notes_name_consultations_by_their_labels_longest_key_first() -> None:
    """`01-a` must not be relabelled inside `01-a-2`, and a label is never relabelled."""
    labels = {"01-a": "[ID-x]", "01-a-2": "[ID-y]", "02-b": "02-b", "[ID-x]": "[ID-z]"}
    note = "No media timing in 3 consultation(s): 01-a, 01-a-2, 02-b, 01-ab."
    assert relabel_note(note, labels) == (
        "No media timing in 3 consultation(s): [ID-x], [ID-y], 02-b, 01-ab.")
    assert relabel_note(note, {}) == note
