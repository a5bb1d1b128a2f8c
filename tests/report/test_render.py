"""Golden tests of the terminal tables (width 100, no colour)."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from cakit.report.render import fmt_number, fmt_share, render_report
from cakit.report.views import build_report
from tests.report._helpers import check_golden, gold_pairs


def rendered(view: str) -> str:
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(render_report(build_report(list(gold_pairs()), view)))  # type: ignore[arg-type]
    value = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(value, str)
    return value


@pytest.mark.parametrize("view", ["phase", "consultation", "clinician", "carer"])
def test_render_report_matches_golden(view: str) -> None:
    text = rendered(view)
    assert "About these figures" in text and "not diagnoses" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    check_golden(f"report_{view}.txt", text)


def test_render_phase_view_lists_phases_in_order() -> None:
    text = rendered("phase")
    table = text.split("Clinician's first response")[0]
    order = ["OPENING", "PROBLEM_HISTORY", "EXAMINATION", "TREATMENT", "PRE_CLOSING",
             "CLOSING", "UNKNOWN", "ALL"]
    positions = [table.index(f" {phase} ") for phase in order]
    assert positions == sorted(positions)
    assert "UNCL" in text and "UNCLASSIFIED" in text


@pytest.mark.parametrize(("value", "expected"), [
    (3, "3"), (2.345, "2.3"), (float("nan"), "–"), (None, "–"), (True, "yes"),
])
def test_render_fmt_number(value: object, expected: str) -> None:
    assert fmt_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0.5, "50%"), (float("nan"), "–")])
def test_render_fmt_share(value: float, expected: str) -> None:
    assert fmt_share(value) == expected
