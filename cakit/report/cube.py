"""Counts as arrays: every counted row (family, code) of every consultation and phase.

The pooled table (`tables.pooled_by_phase`) and the per-consultation table need, for each
code and phase, one count per consultation: the pooled figures are sums of them, and the
mean and median of the consultations' rates need each consultation's own. Built as a long
pandas table of consultations × phases × codes rows of strings (most of them zeros), that
was a large report's peak memory: about 170 MiB above the rest at 100,000 utterances,
growing with the corpus. Here the counts are one integer array of shape (consultations,
phases, rows), 4 bytes a cell, and the pooled figures are computed one phase at a time.

Pure functions over frozen values; nothing here knows what a code means (the tables
module decides what is counted, and in which row order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cakit.annotations import PHASES_WITH_UNKNOWN

ALL = "ALL"
#: Phase columns in report order; ALL is the whole consultation.
PHASE_COLUMNS: tuple[str, ...] = (*PHASES_WITH_UNKNOWN, ALL)
_PHASE_INDEX = {phase: index for index, phase in enumerate(PHASES_WITH_UNKNOWN)}

#: A consultation's counts: (phase, family, code) → how many.
Tally = Mapping[tuple[str, str, str], int]
#: A consultation's turns, words and seconds (None: no media timing) in one phase.
Denominators = tuple[int, int, float | None]

POOLED_COLUMNS = ["family", "code", "phase", "count", "n_consultations", "phase_turns",
                  "phase_words", "per_1000_words", "mean_per_1000_words",
                  "median_per_1000_words", "n_timed", "count_timed", "phase_duration_s",
                  "per_10_min", "mean_per_10_min", "median_per_10_min"]


@dataclass(frozen=True, eq=False)
class CountCube:
    """Counts per consultation × phase × row, and each consultation's phase denominators.

    `counts[k, p, r]` is how many items of row `rows[r]` consultation `k` has in phase
    `PHASES_WITH_UNKNOWN[p]`; `seconds` is NaN for a consultation without media timing.
    """

    rows: tuple[tuple[str, str], ...]
    counts: np.ndarray  #: int32, (consultations, phases, rows)
    turns: np.ndarray  #: int64, (consultations, phases)
    words: np.ndarray  #: int64, (consultations, phases)
    seconds: np.ndarray  #: float64, (consultations, phases); NaN without media timing
    timed: np.ndarray  #: bool, (consultations,): the consultation has media timing

    @property
    def consultations(self) -> int:
        return int(self.counts.shape[0])

    def totals(self) -> np.ndarray:
        """Whole-consultation counts, (consultations, rows), int64."""
        totals: np.ndarray = self.counts.sum(axis=1, dtype=np.int64)
        return totals


def count_cube(tallies: Sequence[Tally], denominators: Sequence[Sequence[Denominators]],
               timed: Sequence[bool], rows: Sequence[tuple[str, str]]) -> CountCube:
    """The cube of `tallies` (one per consultation) over `rows`, with each consultation's
    (turns, words, seconds or None) per phase of `PHASES_WITH_UNKNOWN`.

    Raises:
        KeyError: a tally counts a row that is not in `rows`, or an unknown phase.
    """
    row_index = {row: index for index, row in enumerate(rows)}
    shape = (len(tallies), len(PHASES_WITH_UNKNOWN))
    counts = np.zeros((*shape, len(rows)), dtype=np.int32)
    for k, tally in enumerate(tallies):
        for (phase, family, code), number in tally.items():
            counts[k, _PHASE_INDEX[phase], row_index[(family, code)]] = number
    turns = np.zeros(shape, dtype=np.int64)
    words = np.zeros(shape, dtype=np.int64)
    seconds = np.full(shape, np.nan)
    for k, per_phase in enumerate(denominators):
        for p, (phase_turns, phase_words, phase_seconds) in enumerate(per_phase):
            turns[k, p], words[k, p] = phase_turns, phase_words
            if phase_seconds is not None:
                seconds[k, p] = phase_seconds
    return CountCube(tuple(rows), counts, turns, words, seconds,
                     np.asarray(timed, dtype=bool).reshape(len(tallies)))


def pooled_frame(cube: CountCube) -> pd.DataFrame:
    """Pooled counts and rates per row × phase (ALL included): see
    `tables.pooled_by_phase` for the columns.

    A consultation feeds a phase cell when it has the phase (turns or words in it) or a
    count there; it feeds every ALL cell. Pooled rates divide pooled counts by pooled
    denominators; the mean and median are of the rates of the consultations that have a
    rate (words in the phase; for per 10 minutes, media timing and time in the phase).
    """
    blocks = [_pooled_phase(cube, p) for p in range(len(PHASES_WITH_UNKNOWN))]
    blocks.append(_pooled_all(cube))
    columns: dict[str, list[object]] = {name: [] for name in POOLED_COLUMNS}
    for r, (family, code) in enumerate(cube.rows):
        for phase, block in zip(PHASE_COLUMNS, blocks, strict=True):
            columns["family"].append(family)
            columns["code"].append(code)
            columns["phase"].append(phase)
            for name, values in block.items():
                columns[name].append(values[r])
    frame = pd.DataFrame(columns, columns=POOLED_COLUMNS)
    integers = ["count", "n_consultations", "phase_turns", "phase_words", "n_timed",
                "count_timed"]
    return frame.astype({name: "int64" for name in integers})


def _pooled_phase(cube: CountCube, p: int) -> dict[str, list[object]]:
    counts = cube.counts[:, p, :].astype(np.int64)  # (consultations, rows)
    turns, words, seconds = cube.turns[:, p], cube.words[:, p], cube.seconds[:, p]
    has_phase = (turns > 0) | (words > 0)
    present = has_phase[:, None] | (counts > 0)
    return _pool(counts, present, turns, words, seconds, cube.timed)


def _pooled_all(cube: CountCube) -> dict[str, list[object]]:
    counts = cube.totals()
    seconds = np.array([_sum(row) for row in cube.seconds], dtype=float)
    present = np.ones(counts.shape, dtype=bool)
    return _pool(counts, present, cube.turns.sum(axis=1), cube.words.sum(axis=1), seconds,
                 cube.timed)


def _pool(counts: np.ndarray, present: np.ndarray, turns: np.ndarray, words: np.ndarray,
          seconds: np.ndarray, timed: np.ndarray) -> dict[str, list[object]]:
    """One phase column of the pooled table, one value per row, from (consultations,
    rows) counts, the cells where a consultation takes part, and per-consultation
    denominators."""
    with np.errstate(divide="ignore", invalid="ignore"):
        timed_here = timed & (seconds > 0)  # NaN > 0 is False
        word_rates = np.where(present & (words > 0)[:, None],
                              counts / words[:, None] * 1000.0, np.nan)
        time_rates = np.where(present & timed_here[:, None],
                              counts / seconds[:, None] * 600.0, np.nan)
    in_counts = np.where(present, counts, 0)
    timed_cells = present & timed_here[:, None]
    out: dict[str, list[object]] = {name: [] for name in POOLED_COLUMNS[3:]}
    for r in range(counts.shape[1]):
        taking_part = present[:, r]
        timed_r = timed_cells[:, r]
        count = int(in_counts[:, r].sum())
        phase_words = int(words[taking_part].sum())
        count_timed = int(in_counts[timed_r, r].sum())
        n_timed = int(timed_r.sum())
        duration = _sum(seconds[timed_r])
        out["count"].append(count)
        out["n_consultations"].append(int(taking_part.sum()))
        out["phase_turns"].append(int(turns[taking_part].sum()))
        out["phase_words"].append(phase_words)
        out["per_1000_words"].append(count / phase_words * 1000.0 if phase_words > 0
                                     else math.nan)
        out["mean_per_1000_words"].append(_mean(word_rates[:, r]))
        out["median_per_1000_words"].append(_median(word_rates[:, r]))
        out["n_timed"].append(n_timed)
        out["count_timed"].append(count_timed)
        out["phase_duration_s"].append(duration)
        out["per_10_min"].append(count_timed / duration * 600.0 if duration > 0 else math.nan)
        out["mean_per_10_min"].append(_mean(time_rates[:, r]))
        out["median_per_10_min"].append(_median(time_rates[:, r]))
    return out


def _sum(values: np.ndarray) -> float:
    """Exactly rounded sum of the values that are not NaN (NaN when there are none)."""
    kept = values[~np.isnan(values)]
    return math.fsum(kept) if len(kept) else math.nan


def _mean(values: np.ndarray) -> float:
    """Mean of the values that are not NaN (NaN when there are none), from an exactly
    rounded sum, so the figure does not depend on how the values are grouped."""
    kept = values[~np.isnan(values)]
    return math.fsum(kept) / len(kept) if len(kept) else math.nan


def _median(values: np.ndarray) -> float:
    kept = values[~np.isnan(values)]
    return float(np.median(kept)) if len(kept) else math.nan


__all__ = ["ALL", "PHASE_COLUMNS", "POOLED_COLUMNS", "CountCube", "Denominators", "Tally",
           "count_cube", "pooled_frame"]
