"""Plots: PNG and SVG bytes, deterministic SVG, Agg backend."""

from __future__ import annotations

import pytest

from cakit.report.inputs import consultation_input
from cakit.report.plots import (
    figure_bytes,
    outcome_figure,
    report_figure,
    timeline_figure,
    uptake_figure,
)
from cakit.report.tables import pooled_by_phase
from tests.report._helpers import gold_pairs


@pytest.fixture(scope="module")
def inputs():  # type: ignore[no-untyped-def]
    return [consultation_input(t, a) for t, a in gold_pairs()]


def test_plots_png_and_svg(inputs) -> None:  # type: ignore[no-untyped-def]
    pooled = pooled_by_phase(inputs)
    png = figure_bytes(report_figure(inputs, pooled), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    svg = figure_bytes(uptake_figure(pooled), "svg").decode("utf-8")
    assert "<svg" in svg and "ENGAGE" in svg and "PROBLEM_HISTORY" not in svg
    assert figure_bytes(uptake_figure(pooled), "svg").decode("utf-8") == svg  # deterministic
    outcomes = figure_bytes(outcome_figure(pooled), "svg").decode("utf-8")
    assert "ENGAGED_IMMEDIATE" in outcomes and "n=11" in outcomes


def test_plots_timeline_labels_and_backend(inputs) -> None:  # type: ignore[no-untyped-def]
    import matplotlib

    labels = {item.id: f"C{number}" for number, item in enumerate(inputs)}
    svg = figure_bytes(timeline_figure(inputs, labels), "svg").decode("utf-8")
    assert "C13" in svg and "01-brennan" not in svg
    assert matplotlib.get_backend().lower() == "agg"
