"""Plots where a picture says it better: matplotlib figures, Agg backend, never a window.

- response types by phase: stacked bars of R1 uptake counts per phase;
- outcome shares by phase: 100 % stacked bars of sequence outcomes per phase;
- a timeline per consultation: phases as coloured bands along the turn index, attempts
  as markers coloured by their sequence outcome.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no global state) and turned
into PNG or SVG bytes by `figure_bytes`. SVG output is deterministic (fixed hash salt, no
date), so it can be compared and embedded.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from cakit.annotate.codebook import builtin_catalogue
from cakit.annotations import PHASES_WITH_UNKNOWN
from cakit.annotations import consultation_keys as unique_keys
from cakit.codes import CodeCatalogue
from cakit.report.inputs import ConsultationInput

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ImageFormat = Literal["png", "svg"]
#: Consultations drawn in one timeline before it says "… and N more".
TIMELINE_LIMIT = 40

PHASE_COLOURS: dict[str, str] = {
    "OPENING": "#c6dbef", "PROBLEM_HISTORY": "#fdd0a2", "EXAMINATION": "#c7e9c0",
    "TREATMENT": "#dadaeb", "PRE_CLOSING": "#fcbba1", "CLOSING": "#d9d9d9",
    "UNKNOWN": "#ffffff",
}
SHORT_PHASES = {"OPENING": "open", "PROBLEM_HISTORY": "history", "EXAMINATION": "exam",
                "TREATMENT": "treat", "PRE_CLOSING": "pre-close", "CLOSING": "close",
                "UNKNOWN": "unknown"}


def _matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams["svg.hashsalt"] = "cakit"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text (searchable, small)


def _new_figure(width: float, height: float) -> Figure:
    _matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _phase_counts(pooled: pd.DataFrame, family: str, codes: Sequence[str]) -> dict[str, list[int]]:
    frame = pooled[(pooled["family"] == family) & (pooled["phase"].isin(PHASES_WITH_UNKNOWN))]
    counts: dict[str, list[int]] = {}
    extra = sorted(set(frame["code"]) - set(codes))
    for code in [*codes, *extra]:
        part = frame[frame["code"] == code].set_index("phase")["count"]
        counts[code] = [int(part.get(phase, 0)) for phase in PHASES_WITH_UNKNOWN]
    return counts


def draw_uptake(axes: Axes, pooled: pd.DataFrame, catalogue: CodeCatalogue | None = None) -> None:
    """Stacked bars: R1 uptake counts per phase (colours from the codebook)."""
    codes = catalogue or builtin_catalogue()
    counts = _phase_counts(pooled, "r1_uptake", codes.uptakes)
    positions = range(len(PHASES_WITH_UNKNOWN))
    bottom = [0] * len(PHASES_WITH_UNKNOWN)
    for code, values in counts.items():
        if not any(values):
            continue
        axes.bar(positions, values, bottom=bottom, label=code,
                 color=codes.colour(code), edgecolor="white", linewidth=0.5)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xticks(list(positions), [SHORT_PHASES[p] for p in PHASES_WITH_UNKNOWN])
    axes.set_ylabel("attempts (by R1 uptake)")
    axes.set_title("Clinician's first response by phase", loc="left", fontsize=10)
    if any(bottom):
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        axes.text(0.5, 0.5, "no attempts", transform=axes.transAxes, ha="center")


def draw_outcome_shares(axes: Axes, pooled: pd.DataFrame,
                        catalogue: CodeCatalogue | None = None) -> None:
    """100 % stacked bars: sequence outcome shares per phase (n above each bar)."""
    codes = catalogue or builtin_catalogue()
    counts = _phase_counts(pooled, "outcome", codes.outcome_names)
    totals = [sum(values[i] for values in counts.values())
              for i in range(len(PHASES_WITH_UNKNOWN))]
    positions = range(len(PHASES_WITH_UNKNOWN))
    bottom = [0.0] * len(PHASES_WITH_UNKNOWN)
    for code, values in counts.items():
        if not any(values):
            continue
        shares = [v / t * 100 if t else 0.0 for v, t in zip(values, totals, strict=True)]
        axes.bar(positions, shares, bottom=bottom, label=code,
                 color=codes.colour(code), edgecolor="white", linewidth=0.5)
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    for position, total in zip(positions, totals, strict=True):
        axes.text(position, 101, f"n={total}", ha="center", va="bottom", fontsize=7)
    axes.set_ylim(0, 110)
    axes.set_xticks(list(positions), [SHORT_PHASES[p] for p in PHASES_WITH_UNKNOWN])
    axes.set_ylabel("% of sequences")
    axes.set_title("Sequence outcomes by phase", loc="left", fontsize=10)
    if any(totals):
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def draw_timeline(axes: Axes, inputs: Sequence[ConsultationInput],
                  labels: Mapping[str, str] | None = None, limit: int = TIMELINE_LIMIT,
                  catalogue: CodeCatalogue | None = None) -> None:
    """Per consultation: phase bands along the turn index, attempts marked by outcome."""
    codes = catalogue or builtin_catalogue()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = list(inputs)[:limit]
    # labels are keyed like the tables (`consultation_keys`: two files named p01 are p01
    # and p01~2), never by the id two consultations can share
    keys = unique_keys(item.id for item in inputs)
    names = []
    used_phases: set[str] = set()
    used_outcomes: set[str] = set()
    for row, (item, key) in enumerate(zip(shown, keys, strict=False)):
        start = 0
        for phase, length in item.phase_runs:
            used_phases.add(phase)
            axes.barh(row, length, left=start, height=0.7, color=PHASE_COLOURS[phase],
                      edgecolor="#888888", linewidth=0.3)
            start += length
        outcomes = {s.attempt_id: s.outcome for s in item.annotations.sequences}
        for attempt_id, position in item.attempt_turns:
            outcome = outcomes.get(attempt_id, "UNRESOLVED")
            used_outcomes.add(outcome)
            axes.plot(position + 0.5, row, marker="o", markersize=6, linestyle="none",
                      color=codes.colour(outcome), markeredgecolor="black",
                      markeredgewidth=0.5)
        names.append((labels or {}).get(key, key))
    axes.set_yticks(range(len(shown)), names, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("turn")
    title = "Consultation timelines: phases and attempts (marker colour = outcome)"
    if len(inputs) > len(shown):
        title += f" — first {len(shown)} of {len(inputs)}"
    axes.set_title(title, loc="left", fontsize=10)
    handles: list[Patch | Line2D] = [Patch(color=PHASE_COLOURS[p], label=p)
                                     for p in PHASES_WITH_UNKNOWN if p in used_phases]
    handles += [Line2D([], [], marker="o", linestyle="none", color=codes.colour(o),
                       markeredgecolor="black", markeredgewidth=0.5, label=o)
                for o in (*codes.outcome_names, *sorted(used_outcomes - set(codes.outcome_names)))
                if o in used_outcomes]
    if handles:
        axes.legend(handles=handles, fontsize=7, frameon=False, loc="upper left",
                    bbox_to_anchor=(1.0, 1.0))


def uptake_figure(pooled: pd.DataFrame, catalogue: CodeCatalogue | None = None) -> Figure:
    """Response types (R1 uptake) by phase, stacked bars."""
    figure = _new_figure(8, 3.6)
    draw_uptake(figure.add_subplot(), pooled, catalogue)
    return figure


def outcome_figure(pooled: pd.DataFrame, catalogue: CodeCatalogue | None = None) -> Figure:
    """Outcome shares by phase, 100 % stacked bars."""
    figure = _new_figure(8, 3.6)
    draw_outcome_shares(figure.add_subplot(), pooled, catalogue)
    return figure


def timeline_figure(inputs: Sequence[ConsultationInput],
                    labels: Mapping[str, str] | None = None,
                    catalogue: CodeCatalogue | None = None) -> Figure:
    """One row per consultation (at most `TIMELINE_LIMIT`)."""
    rows = min(len(inputs), TIMELINE_LIMIT)
    figure = _new_figure(10, 1.2 + 0.32 * max(rows, 1))
    draw_timeline(figure.add_subplot(), inputs, labels, catalogue=catalogue)
    return figure


def report_figure(inputs: Sequence[ConsultationInput], pooled: pd.DataFrame,
                  labels: Mapping[str, str] | None = None,
                  catalogue: CodeCatalogue | None = None) -> Figure:
    """All three panels in one figure (what `cakit report --plot FILE` writes)."""
    rows = min(len(inputs), TIMELINE_LIMIT)
    timeline_height = 1.2 + 0.32 * max(rows, 1)
    figure = _new_figure(10, 7.4 + timeline_height)
    grid = figure.add_gridspec(3, 1, height_ratios=[3.6, 3.6, timeline_height])
    draw_uptake(figure.add_subplot(grid[0]), pooled, catalogue)
    draw_outcome_shares(figure.add_subplot(grid[1]), pooled, catalogue)
    draw_timeline(figure.add_subplot(grid[2]), inputs, labels, catalogue=catalogue)
    return figure


def figure_bytes(figure: Figure, image_format: ImageFormat) -> bytes:
    """PNG (150 dpi) or SVG bytes of a figure."""
    buffer = io.BytesIO()
    metadata = {"Date": None} if image_format == "svg" else {"Software": None}
    figure.savefig(buffer, format=image_format, dpi=150, metadata=metadata)
    return buffer.getvalue()


__all__ = ["figure_bytes", "outcome_figure", "report_figure", "timeline_figure",
           "uptake_figure"]
