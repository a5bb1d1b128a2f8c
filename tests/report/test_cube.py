"""The array computation of the pooled and per-consultation tables (`cakit.report.cube`)
against the computation it replaced: a long pandas table of consultations × phases ×
codes, grouped with pandas. That computation is kept here, as the reference, and the two
must give the same tables cell for cell, on the demo gold and on the demo gold repeated
(duplicate consultation ids, 42 consultations): every count, denominator, pooled rate and
median to the last bit. The means of the consultations' rates may differ in the last bit
(at most 1 part in 10**15): pandas sums them with Kahan's compensated loop, the cube with
`math.fsum`, which is exactly rounded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from cakit.annotations import PHASES_WITH_UNKNOWN
from cakit.report import tables
from cakit.report.cube import PHASE_COLUMNS, POOLED_COLUMNS, count_cube, pooled_frame
from cakit.report.inputs import ConsultationInput, as_inputs, slim
from tests.report._helpers import gold_pairs

# -- the reference: the pandas long-table computation ------------------------------------


def _reference_long(prepared: Sequence[ConsultationInput]) -> pd.DataFrame:
    event_frame = tables.events(prepared)
    stats = tables.phase_stats(prepared)
    rows = tables.row_index(event_frame)
    keys = tables.consultation_keys(prepared)
    index = pd.MultiIndex.from_tuples(
        [(k, p, f, c) for k in keys for p in PHASES_WITH_UNKNOWN for f, c in rows],
        names=["consultation", "phase", "family", "code"])
    counts = (event_frame.groupby(["consultation", "phase", "family", "code"]).size()
              .reindex(index, fill_value=0).rename("count").astype("int64"))
    long = counts.reset_index().merge(stats, on=["consultation", "phase"], how="left")
    long["phase_present"] = (long["phase_turns"] > 0) | (long["phase_words"] > 0) | (
        long["count"] > 0)
    return _rates(long)


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        frame = frame.copy()
        frame["per_1000_words"] = np.where(frame["phase_words"] > 0,
                                           frame["count"] / frame["phase_words"] * 1000.0,
                                           np.nan)
        frame["per_10_min"] = np.where(frame["phase_duration_s"] > 0,
                                       frame["count"] / frame["phase_duration_s"] * 600.0,
                                       np.nan)
    return frame


def _reference_totals(long: pd.DataFrame) -> pd.DataFrame:
    grouped = long.groupby(["consultation", "family", "code"], sort=False)
    totals = grouped[["count", "phase_turns", "phase_words"]].sum()
    totals["phase_duration_s"] = grouped["phase_duration_s"].sum(min_count=1)
    totals["timed"] = grouped["timed"].first()
    totals = totals.reset_index()
    totals.insert(1, "phase", "ALL")
    totals["phase_present"] = True
    return _rates(totals)


def _reference_pooled(prepared: Sequence[ConsultationInput]) -> pd.DataFrame:
    long = _reference_long(prepared)
    both = pd.concat([long, _reference_totals(long)], ignore_index=True)
    present = both[both["phase_present"]].copy()
    present["timed_present"] = present["timed"] & present["phase_duration_s"].gt(0)
    present["count_timed"] = np.where(present["timed_present"], present["count"], 0)
    present["seconds_timed"] = np.where(present["timed_present"],
                                        present["phase_duration_s"], 0.0)
    present["rate_w"] = np.where(present["phase_words"] > 0, present["per_1000_words"], np.nan)
    present["rate_t"] = np.where(present["timed_present"], present["per_10_min"], np.nan)
    pooled = present.groupby(["family", "code", "phase"], sort=False).agg(
        count=("count", "sum"), n_consultations=("consultation", "nunique"),
        phase_turns=("phase_turns", "sum"), phase_words=("phase_words", "sum"),
        mean_per_1000_words=("rate_w", "mean"), median_per_1000_words=("rate_w", "median"),
        n_timed=("timed_present", "sum"), count_timed=("count_timed", "sum"),
        phase_duration_s=("seconds_timed", "sum"),
        mean_per_10_min=("rate_t", "mean"), median_per_10_min=("rate_t", "median"),
    ).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled["per_1000_words"] = np.where(
            pooled["phase_words"] > 0, pooled["count"] / pooled["phase_words"] * 1000.0, np.nan)
        pooled["per_10_min"] = np.where(
            pooled["phase_duration_s"] > 0,
            pooled["count_timed"] / pooled["phase_duration_s"] * 600.0, np.nan)
    pooled.loc[pooled["n_timed"] == 0, "phase_duration_s"] = np.nan
    rows = tables.row_index(both)
    full = pd.MultiIndex.from_tuples([(f, c, p) for f, c in rows for p in PHASE_COLUMNS],
                                     names=["family", "code", "phase"])
    pooled = pooled.set_index(["family", "code", "phase"]).reindex(full).reset_index()
    for name in ("count", "n_consultations", "phase_turns", "phase_words", "n_timed",
                 "count_timed"):
        pooled[name] = pooled[name].fillna(0).astype("int64")
    return pooled[POOLED_COLUMNS]


def _reference_consultation_counts(prepared: Sequence[ConsultationInput]) -> pd.DataFrame:
    totals = _reference_totals(_reference_long(prepared))
    wide = totals.pivot_table(index="consultation", columns=["family", "code"],
                              values="count", aggfunc="sum", fill_value=0, sort=False)
    order = [fc for fc in tables.row_index(totals) if fc in wide.columns]
    wide = wide.reindex(columns=pd.MultiIndex.from_tuples(order))
    wide.columns = [tables.column_name(f, c) for f, c in wide.columns]
    return wide.reset_index()


# -- the comparisons -----------------------------------------------------------------------


def _corpora() -> dict[str, list[ConsultationInput]]:
    once = as_inputs(gold_pairs())
    return {"demo gold": once, "demo gold x3": once * 3,
            "demo gold x3, slim": [slim(item) for item in once] * 3}


@pytest.mark.parametrize("name", ["demo gold", "demo gold x3", "demo gold x3, slim"])
def test_pooled_table_is_the_pandas_computation(name: str) -> None:
    prepared = _corpora()[name]
    found = tables.pooled_by_phase(prepared)
    expected = _reference_pooled(prepared)
    assert len(found) > 100 and found["count"].sum() > 0
    assert found["per_10_min"].notna().any() and found["median_per_1000_words"].notna().any()
    means = ["mean_per_1000_words", "mean_per_10_min"]
    exact = [column for column in found.columns if column not in means]
    pd.testing.assert_frame_equal(found[exact], expected[exact], check_exact=True)
    pd.testing.assert_frame_equal(found[means], expected[means], check_exact=False,
                                  rtol=1e-15, atol=0.0)


@pytest.mark.parametrize("name", ["demo gold", "demo gold x3"])
def test_per_consultation_counts_are_the_pandas_computation(name: str) -> None:
    prepared = _corpora()[name]
    frame = tables.by_consultation(prepared)
    expected = _reference_consultation_counts(prepared)
    assert list(frame["consultation"]) == list(expected["consultation"])
    counted = [c for c in expected.columns if c != "consultation"]
    pd.testing.assert_frame_equal(frame[["consultation", *counted]], expected,
                                  check_exact=True)


def test_the_long_table_is_the_cube_laid_out() -> None:
    prepared = _corpora()["demo gold x3"]
    found = tables.phase_counts(prepared)
    expected = _reference_long(prepared)
    pd.testing.assert_frame_equal(found[list(expected.columns)], expected, check_exact=True)


def test_a_cube_counts_a_phase_only_where_the_consultation_has_it() -> None:
    """Two consultations, one timed: the pooled cell takes the untimed one's count but not
    its (missing) time; a phase nobody has gives zero consultations and no rate."""
    tallies = [{("OPENING", "attempts", "PSY_ATTEMPT"): 2},
               {("OPENING", "attempts", "PSY_ATTEMPT"): 1}]
    empty = [(0, 0, None)] * (len(PHASES_WITH_UNKNOWN) - 1)
    cube = count_cube(tallies, [[(4, 100, 60.0), *[(0, 0, 0.0)] * len(empty)],
                                [(3, 50, None), *empty]],
                      [True, False], [("attempts", "PSY_ATTEMPT")])
    pooled = pooled_frame(cube).set_index("phase")
    opening = pooled.loc["OPENING"]
    assert opening["count"] == 3 and opening["n_consultations"] == 2
    assert opening["per_1000_words"] == pytest.approx(3 / 150 * 1000)
    assert opening["mean_per_1000_words"] == pytest.approx((20 + 20) / 2)
    assert opening["n_timed"] == 1 and opening["count_timed"] == 2
    assert opening["per_10_min"] == pytest.approx(2 / 60 * 600)
    closing = pooled.loc["CLOSING"]
    assert closing["n_consultations"] == 0 and np.isnan(closing["per_1000_words"])
    assert np.isnan(closing["phase_duration_s"])
    assert pooled.loc["ALL", "n_consultations"] == 2
    with pytest.raises(KeyError):
        count_cube([{("OPENING", "attempts", "PSY_Q"): 1}], [[(1, 1, None)] * 7], [False],
                   [("attempts", "PSY_ATTEMPT")])

