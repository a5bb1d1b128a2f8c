"""DataFrames → rich renderables. Nothing here prints: the CLI does.

Tables put phases in rows (report order, UNKNOWN kept, ALL last) and codes in columns
with short headings; each table's caption spells the headings out, so the figures can
be read without the codebook at hand. Missing values (a rate without a denominator, a
duration without media timing) show as "–", never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from cakit.annotate.codebook import builtin_catalogue
from cakit.codes import CodeCatalogue
from cakit.report.tables import ALL, Report

DASH = "–"

#: Headings of the columns that are not codes.
_FIXED_HEADINGS = {"sequences": "seq", "CARER_FIRST": "first", "JOINT_LAUGHTER": "joint",
                   "engaged_share": "eng%"}
_COLUMN_PREFIXES = ("R1+", "R1 ", "out ")


def short_heading(column: str, catalogue: CodeCatalogue) -> str:
    """A column's short heading for the terminal: the code's abbreviation in the codebook
    (its caption, `legends`, spells it out)."""
    if column in _FIXED_HEADINGS:
        return _FIXED_HEADINGS[column]
    for prefix in _COLUMN_PREFIXES:
        if column.startswith(prefix):
            return catalogue.abbreviation(column[len(prefix):])
    return catalogue.abbreviation(column)


def _spelled(codes: Sequence[str], catalogue: CodeCatalogue) -> str:
    """"ABBR = CODE" for every code whose heading is not its own name."""
    pairs = [(catalogue.abbreviation(code), code) for code in codes]
    return ", ".join(f"{short} = {code}" for short, code in pairs
                     if short.lstrip("+") != code)


def legends(catalogue: CodeCatalogue) -> dict[str, str]:
    """Each phase table's caption: its headings spelled out, from the codebook."""
    attempt_codes = ("PSY_ATTEMPT", *catalogue.attempt_subtypes)
    engaged = " + ".join(catalogue.abbreviation(o) for o in catalogue.engaged_outcomes)
    return {
        "attempts_by_phase": f"{_spelled(attempt_codes, catalogue)} (subtypes are "
        f"multi-label); seq = sequences; {_spelled(catalogue.turn_codes, catalogue)}.",
        "uptake_by_phase": "Uptake of each attempt's R1. "
        f"{_spelled(catalogue.uptakes, catalogue)}.",
        "engage_by_phase": f"Subtypes of an engaging R1: "
        f"{_spelled(catalogue.engage_subtypes, catalogue)}; "
        f"{_spelled(catalogue.modifiers, catalogue)} (R1 delivered so).",
        "outcomes_by_phase": f"{_spelled(catalogue.outcome_names, catalogue)}; eng% = engaged "
        f"sequences ({engaged}) / sequences.",
        "carer_by_phase": f"Carer codes on carer turns in the window: "
        f"{_spelled(catalogue.carer_codes, catalogue)}; first = carer spoke before any "
        "clinician response; joint = clinician and carer laughed.",
        "rates_by_phase": "cons = consultations having the phase; att = attempts; /1kw = per "
        "1,000 words of the phase (pooled), then mean and median of per-consultation rates; "
        "timed = consultations with media timing; min = their minutes in the phase; /10m = "
        "per 10 minutes (pooled over timed consultations), then mean and median.",
    }


def fmt_number(value: Any, digits: int = 1) -> str:
    """An int as is, a float to `digits` places, a bool as yes/no, None/NaN as a dash."""
    if value is None:
        return DASH
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return DASH if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def fmt_share(value: Any) -> str:
    """A share 0–1 as a whole percentage; NaN (no denominator) as a dash."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return DASH
    return DASH if math.isnan(number) else f"{number * 100:.0f}%"


def _table(title: str, caption: str | None = None) -> Table:
    return Table(title=title, title_justify="left", title_style="bold",
                 caption=caption, caption_justify="left", caption_style="dim",
                 box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))


def phase_table(frame: pd.DataFrame, title: str, legend: str | None = None,
                catalogue: CodeCatalogue | None = None) -> Table:
    """A phases × codes count table (phases as rows; ALL last, set off by a rule)."""
    codes = catalogue or builtin_catalogue()
    table = _table(title, legend)
    table.add_column("phase", no_wrap=True)
    for column in frame.columns:
        table.add_column(short_heading(str(column), codes), justify="right", no_wrap=True)
    for phase, row in _records(frame):
        cells = [fmt_share(v) if c == "engaged_share" else fmt_number(v)
                 for c, v in row.items()]
        table.add_row(str(phase), *cells, end_section=phase == "UNKNOWN",
                      style="bold" if phase == ALL else None)
    return table


def rates_table(frame: pd.DataFrame, title: str, legend: str | None = None) -> Table:
    """Attempts per phase with their denominators and rates."""
    table = _table(title, legend)
    columns = [("n_consultations", "cons", 0), ("phase_turns", "turns", 0),
               ("phase_words", "words", 0), ("count", "att", 0),
               ("per_1000_words", "/1kw", 1), ("mean_per_1000_words", "mean", 1),
               ("median_per_1000_words", "median", 1), ("n_timed", "timed", 0),
               ("phase_duration_s", "min", 1), ("per_10_min", "/10m", 1),
               ("mean_per_10_min", "mean", 1), ("median_per_10_min", "median", 1)]
    table.add_column("phase", no_wrap=True)
    for _, heading, _ in columns:
        table.add_column(heading, justify="right", no_wrap=True)
    for phase, row in _records(frame):
        cells = []
        for name, _, digits in columns:
            value = row[name]
            if name == "phase_duration_s":
                value = value / 60.0 if pd.notna(value) else value
            cells.append(fmt_number(value, digits) if digits else fmt_number(_int(value)))
        table.add_row(str(phase), *cells, end_section=phase == "UNKNOWN",
                      style="bold" if phase == ALL else None)
    return table


def _records(frame: pd.DataFrame) -> list[tuple[Any, dict[str, Any]]]:
    """(index, row) pairs with each column's own type (iterrows would upcast ints)."""
    return list(zip(frame.index, frame.to_dict("records"), strict=True))


def _int(value: Any) -> Any:
    try:
        return value if pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return value


def indicators_table(frame: pd.DataFrame, title: str) -> Table:
    """Derived shares: indicator, group, numerator/denominator, share."""
    table = _table(title, "Shares are descriptive; a dash means no denominator.")
    table.add_column("indicator")
    table.add_column("group", no_wrap=True)
    table.add_column("n / of", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    previous = None
    for _, row in _records(frame):
        label = row["indicator"] if row["indicator"] != previous else ""
        if previous is not None and row["indicator"] != previous:
            table.add_section()
        previous = row["indicator"]
        table.add_row(label, str(row["group"]), f"{row['numerator']} / {row['denominator']}",
                      fmt_share(row["share"]))
    return table


def measure_table(frame: pd.DataFrame, title: str) -> Table:
    """Two columns: measure, value (chain summary)."""
    table = _table(title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for _, row in _records(frame):
        value = row["value"]
        shown = str(int(value)) if isinstance(value, float) and value.is_integer() \
            else fmt_number(value, 2)
        table.add_row(str(row["measure"]), shown)
    return table


def frame_table(frame: pd.DataFrame, title: str, columns: Sequence[tuple[str, str]] | None = None,
                caption: str | None = None, shares: Sequence[str] = ()) -> Table:
    """Any DataFrame as a table; `columns` picks and renames (name, heading).

    The first column (an id) keeps its full width when it can; the others never wrap.
    """
    table = _table(title, caption)
    chosen = list(columns) if columns else [(c, c) for c in frame.columns]
    chosen = [(name, heading) for name, heading in chosen if name in frame.columns]
    rows = [[fmt_share(row[name]) if name in shares else fmt_number(row[name])
             for name, _ in chosen] for _, row in _records(frame)]
    for index, (name, heading) in enumerate(chosen):
        numeric = pd.api.types.is_numeric_dtype(frame[name]) and not \
            pd.api.types.is_bool_dtype(frame[name])
        widest = max([len(heading), *(len(r[index]) for r in rows)])
        table.add_column(heading, justify="right" if numeric else "left",
                         no_wrap=numeric, overflow="fold",
                         min_width=min(widest, 28) if index == 0 else None)
    for cells in rows:
        table.add_row(*cells)
    return table


CONSULTATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("consultation", "consultation"), ("words", "words"), ("minutes", "min"),
    ("PSY_ATTEMPT", "att"), ("attempts_per_1000_words", "/1kw"),
    ("PSY_Q", "Q"), ("PSY_ASSERT", "AS"), ("PSY_EMO", "EMO"), ("PSY_REPEAT", "REP"),
    ("late_attempts", "late"), ("engaged_share", "eng%"), ("R1+HESITATE", "hes"),
    ("R1+SMILE_LAUGH", "lau"), ("PSY_ELICITED", "elic"), ("flags", "notes"),
)
CLINICIAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("clinician", "clinician (R1 speaker)"), ("consultations", "cons"),
    ("sequences", "seq"), ("R1 ENGAGE", "ENG"), ("R1 MEDICATION_FRAME", "MED"),
    ("R1 QUESTION_BACK", "QB"), ("R1 ACKNOWLEDGE", "ACK"), ("R1 TOPIC_SHIFT", "SHIFT"),
    ("R1 CLOSE_DOWN", "CLOSE"), ("R1 CHALLENGE", "CHAL"), ("engaged_share", "eng%"),
    ("hesitate_share", "hes%"), ("smile_laugh_share", "lau%"),
)
CARER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("group", "group"), ("consultations", "cons"), ("words", "words"), ("attempts", "att"),
    ("per_1000_words", "/1kw"), ("sequences", "seq"), ("engaged_share", "eng%"),
    ("hesitate_share", "hes%"), ("smile_laugh_share", "lau%"), ("CARER_LAUGH", "c-LAUGH"),
    ("CARER_DISMISS", "c-DISM"), ("CARER_SUPPORT", "c-SUPP"), ("CARER_FIRST", "c-first"),
)


def consultation_flags(frame: pd.DataFrame) -> list[str]:
    """Short per-row notes: missing timing / non-verbal notes, carer present."""
    flags = []
    for _, row in _records(frame):
        parts = []
        if row.get("carer_present", False):
            parts.append("C")
        if not row.get("timing_available", True):
            parts.append("T")
        if not row.get("nonverbal_available", True):
            parts.append("N")
        flags.append(" ".join(parts))
    return flags


def render_report(report: Report, *, label: Mapping[str, str] | None = None) -> RenderableType:
    """Every table of the report, then a notes panel, as one renderable.

    `label` renames consultations (e.g. to de-identified ids) in the displayed tables.
    """
    parts: list[RenderableType] = []
    captions = legends(report.catalogue)
    for name, frame in report.tables.items():
        title = report.titles.get(name, name)
        if name == "pooled_by_phase":
            continue
        if parts:
            parts.append(Text(""))
        if label and "consultation" in frame.columns:
            frame = frame.assign(consultation=[label.get(v, v) for v in frame["consultation"]])
        if name == "rates_by_phase":
            parts.append(rates_table(frame, title, captions.get(name)))
        elif name.endswith("_by_phase"):
            parts.append(phase_table(frame, title, captions.get(name), report.catalogue))
        elif name == "indicators":
            parts.append(indicators_table(frame, title))
        elif name == "chain_summary":
            parts.append(measure_table(frame, title))
        elif name == "by_consultation":
            shown = frame.assign(flags=consultation_flags(frame),
                                 minutes=frame["duration_s"] / 60.0)
            parts.append(frame_table(
                shown, title, CONSULTATION_COLUMNS, shares=("engaged_share",),
                caption="min = minutes from media bullets (– without them); att = attempts; "
                "/1kw per 1,000 words; AS = ASSERT; REP = REPEAT; late = in PRE_CLOSING/CLOSING "
                "or flagged late; "
                "eng% = engaged sequences; hes/lau = R1 HESITATE / SMILE_LAUGH; elic = "
                "PSY_ELICITED; notes: C carer present, T no timing (HESITATE may be under-"
                "counted), N no ((non-verbal)) notes (SMILE_LAUGH may be under-counted)."))
        elif name == "by_clinician":
            parts.append(frame_table(
                frame, title, CLINICIAN_COLUMNS,
                shares=("engaged_share", "hesitate_share", "smile_laugh_share"),
                caption="Clinicians are named as declared in the transcript header, else "
                "label@consultation (pseudonymised unless --no-deidentify). Columns are R1 "
                "uptakes; shares are of sequences."))
        elif name == "by_carer":
            parts.append(frame_table(
                frame, title, CARER_COLUMNS,
                shares=("engaged_share", "hesitate_share", "smile_laugh_share"),
                caption="hes% / lau% = share of sequences whose R1 carries HESITATE / "
                "SMILE_LAUGH; c-* = carer codes; c-first = carer spoke before the clinician."))
        elif name == "chains":
            parts.append(frame_table(frame, title, [
                ("consultation", "consultation"), ("chain_id", "chain"), ("length", "n"),
                ("attempts", "attempts"), ("first_phase", "first phase"),
                ("last_phase", "last phase"), ("final_late", "late"),
                ("final_outcome", "final outcome")]))
        else:
            parts.append(frame_table(frame, title))
    parts.append(Text(""))
    parts.append(notes_panel(report.notes))
    return Group(*parts)


def notes_panel(notes: Sequence[str]) -> Panel:
    """The caption every report carries: what the figures are, and their gaps."""
    text = Text()
    for index, note in enumerate(notes):
        if index:
            text.append("\n")
        text.append("• " + note)
    return Panel(text, title="About these figures", title_align="left", box=box.ROUNDED,
                 border_style="dim")


__all__ = ["fmt_number", "fmt_share", "notes_panel", "phase_table", "rates_table",
           "render_report"]
