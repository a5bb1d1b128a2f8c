"""Relabelling the consultations a report's notes name (`cakit.report.pseudonymise`)."""

from __future__ import annotations

from cakit.report.pseudonymise import relabel_note


def test_notes_name_consultations_by_their_labels_longest_key_first() -> None:
    """`01-a` must not be relabelled inside `01-a-2`, and a label is never relabelled."""
    labels = {"01-a": "[ID-x]", "01-a-2": "[ID-y]", "02-b": "02-b", "[ID-x]": "[ID-z]"}
    note = "No media timing in 3 consultation(s), missing there: 01-a, 01-a-2, 02-b, 01-ab."
    assert relabel_note(note, labels) == (
        "No media timing in 3 consultation(s), missing there: [ID-x], [ID-y], 02-b, "
        "01-ab.")
    assert relabel_note(note, {}) == note


def test_a_consultation_named_like_a_word_of_the_note_changes_only_the_list() -> None:
    """Outside reviews: consultations `media`, `none` and `a` garbled the notes ("No timed
    pauses or [ID-…] timing", "[ID-…] true outcome"): a note's own words are never ids."""
    labels = {"media": "[ID-m]", "none": "[ID-n]", "a": "[ID-a]"}
    note = ("No timed pauses or media timing in 2 of 2 consultation(s), so none may be "
            "under-counted there: media, none.")
    assert relabel_note(note, labels) == (
        "No timed pauses or media timing in 2 of 2 consultation(s), so none may be "
        "under-counted there: [ID-m], [ID-n].")
    coded = ("1 attempt(s) have no response coded: code the clinician's response for a true "
             "outcome.")
    assert relabel_note(coded, labels) == coded


def test_every_note_that_names_consultations_names_them_after_its_marker() -> None:
    """relabel_note pseudonymises only the list after `NAMES_THEM` (a name left anywhere
    else would be shown in clear)."""
    from dataclasses import replace

    from cakit.report import tables
    from tests.report._helpers import gold_pairs

    pairs = list(gold_pairs())
    from cakit.report.inputs import consultation_input

    untimed = [consultation_input(None, replace(gold, id=f"zz-consultation-{k}",
                                                timing_available=False,
                                                nonverbal_available=False))
               for k, (_, gold) in enumerate(pairs)]
    notes = tables.report_notes(untimed)
    named = [note for note in notes if "zz-consultation-" in note]
    assert len(named) >= 2
    from cakit.report.tables import NAMES_THEM

    assert all(NAMES_THEM in note and "zz-consultation-" not in note.rpartition(NAMES_THEM)[0]
               for note in named)


def test_a_consultation_whose_name_holds_a_colon_is_still_relabelled() -> None:
    """A second outside review: with the list found after a note's last ": ", a file named
    `Okonkwo: 1961-02-03` was printed in clear (name and date of birth)."""
    labels = {"Okonkwo: 1961-02-03": "[ID-o]"}
    note = "No ((non-verbal)) notes in 1 of 1 consultation(s), so … there: Okonkwo: 1961-02-03."
    assert relabel_note(note, labels) == (
        "No ((non-verbal)) notes in 1 of 1 consultation(s), so … there: [ID-o].")


def test_a_consultation_named_with_the_marker_is_still_relabelled() -> None:
    """A third outside review: a file named `Okonkwo there: 1961-02-03` was printed in
    clear: the list was looked for after the last marker, inside the name."""
    labels = {"Okonkwo there: 1961-02-03": "[ID-o]"}
    note = "No ((non-verbal)) notes in 1 of 1, so … there: Okonkwo there: 1961-02-03."
    assert relabel_note(note, labels) == "No ((non-verbal)) notes in 1 of 1, so … there: [ID-o]."
