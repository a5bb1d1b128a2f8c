"""Report views: what `cakit report --by NAME` shows, in a registry that always holds the
built-in views and takes more from the `cakit.report_views` entry point group.

A view turns the prepared consultations into named tables (built from the functions in
`cakit.report.tables`); renderers and serialisers show whatever tables a view gives, in
its order, under its titles. docs/extending.md shows how to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cakit.annotate.codebook import builtin_catalogue
from cakit.codes import CodeCatalogue
from cakit.registry import Registry
from cakit.report.inputs import ConsultationInput, as_inputs
from cakit.report.tables import (
    ENGAGED_INDICATOR,
    Inputs,
    Report,
    by_carer,
    by_clinician,
    by_consultation,
    chain_summary,
    chains,
    consultation_keys,
    indicators,
    pooled_by_phase,
    rates_of,
    report_notes,
    wide_counts,
)

#: builds a view's tables from the prepared consultations and the codebook's codes
Build = Callable[[Sequence[ConsultationInput], CodeCatalogue], dict[str, pd.DataFrame]]


@dataclass(frozen=True, slots=True)
class ReportView:
    """One way of looking at the corpus: its tables, their titles and the main table."""

    name: str
    help: str
    build: Build
    titles: Mapping[str, str]
    #: the table one-table formats (CSV) write
    main: str


def _phase(prepared: Sequence[ConsultationInput], codes: CodeCatalogue
           ) -> dict[str, pd.DataFrame]:
    pooled = pooled_by_phase(prepared, codes)
    shares = indicators(prepared, codes)
    outcomes = wide_counts(pooled, ["outcome"], codes)
    engaged = shares[shares["indicator"] == ENGAGED_INDICATOR].set_index("group")
    outcomes["engaged_share"] = engaged["share"].reindex(outcomes.index)
    return {
        "attempts_by_phase": wide_counts(pooled, ["attempts", "sequences", "context"], codes),
        "uptake_by_phase": wide_counts(pooled, ["r1_uptake"], codes),
        "engage_by_phase": wide_counts(pooled, ["r1_engage", "r1_modifier"], codes),
        "outcomes_by_phase": outcomes,
        "carer_by_phase": wide_counts(pooled, ["carer"], codes),
        "rates_by_phase": rates_of(pooled, "attempts", "PSY_ATTEMPT"),
        "indicators": shares,
        "chain_summary": chain_summary(prepared, codes),
        "pooled_by_phase": pooled,
    }


def _register_builtins(registry: Registry[ReportView]) -> None:
    builtin = (
        ReportView("phase", "codes counted by consultation phase", _phase, {
            "attempts_by_phase": "Patient attempts, sequences and symptom talk by phase",
            "uptake_by_phase": "Clinician's first response (R1 uptake) by phase",
            "engage_by_phase": "R1 ENGAGE subtypes and R1 delivery modifiers by phase",
            "outcomes_by_phase": "Sequence outcomes by phase",
            "carer_by_phase": "Carer codes by phase (phase of the attempt)",
            "rates_by_phase": "Attempts per phase: denominators and rates",
            "indicators": "Derived indicators (shares)",
            "chain_summary": "Repeat chains",
            "pooled_by_phase": "Pooled counts and rates, every code × phase",
        }, main="pooled_by_phase"),
        ReportView("consultation", "one row per consultation",
                   lambda prepared, codes: {"by_consultation": by_consultation(prepared, codes),
                                            "chains": chains(prepared, codes)},
                   {"by_consultation": "Per consultation",
                    "chains": "Repeat chains per consultation"}, main="by_consultation"),
        ReportView("clinician", "one row per clinician (the speaker of R1)",
                   lambda prepared, codes: {"by_clinician": by_clinician(prepared, codes)},
                   {"by_clinician": "Per clinician (speaker of R1)"}, main="by_clinician"),
        ReportView("carer", "consultations with and without a carer, side by side",
                   lambda prepared, codes: {"by_carer": by_carer(prepared, codes),
                                            "indicators": indicators(prepared, codes)},
                   {"by_carer": "Carer present vs absent",
                    "indicators": "Derived indicators (shares)"}, main="by_carer"),
    )
    for view in builtin:
        registry.register(view.name, view)


def _check(name: str, item: object) -> str | None:
    if not isinstance(item, ReportView):
        return "is not a cakit.report.views.ReportView"
    if item.name != name:
        return f"is named {item.name!r}, not {name!r}"
    return None


REPORT_VIEWS: Registry[ReportView] = Registry(
    "report view", builtins=_register_builtins, entry_point_group="cakit.report_views",
    check=_check)


def build_report(inputs: Inputs, by: str = "phase", catalogue: CodeCatalogue | None = None
                 ) -> Report:
    """All tables of one view, in the view's order, with the report's notes.

    Raises:
        UnknownComponentError: no view has that name (the message lists them).
    """
    view = REPORT_VIEWS.get(by)
    prepared = as_inputs(inputs)
    codes = catalogue or builtin_catalogue()
    tables = view.build(prepared, codes)
    return Report(by=by, tables=tables, titles={k: view.titles.get(k, k) for k in tables},
                  notes=report_notes(prepared, codes),
                  consultations=tuple(consultation_keys(prepared)), catalogue=codes,
                  main=view.main)


__all__ = ["REPORT_VIEWS", "ReportView", "build_report"]
