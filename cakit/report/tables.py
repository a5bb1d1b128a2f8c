"""Reports as data: pure functions from annotated consultations to pandas DataFrames.

Everything the reporter shows is computed here, and nothing here prints, reads files or
formats for a screen: `render.py` turns these frames into rich tables, the
CLI writes them as CSV, JSON, Markdown, Excel or HTML.

Counting follows the coding scheme (docs/codebook.md):

- the phase of a sequence — its responses, outcome, modifiers and carer codes — is the
  phase of its attempt (anchor turn); PSY_ELICITED, REPAIR_OI and MEDCHECK_SYMPTOM take
  the phase of their own turn;
- attempts are counted in total and per subtype; subtypes are multi-label, so the subtype
  rows can add up to more than the total;
- R1 uptake is the uptake of each attempt's rank-1 response (an attempt with no rank-1
  record counts as NO_UPTAKE); modifiers are those of R1;
- UNKNOWN phase and UNCLASSIFIED uptake keep their own rows, even when zero;
- rates are per 1,000 words and per 10 minutes *of the phase*; the per-10-minute figures
  use only consultations with media timing (others have no duration, never a zero);
- pooled rates divide pooled counts by pooled denominators; the mean and median of the
  per-consultation rates are given beside them so one talkative consultation cannot
  dominate, with the number of consultations that feed each cell.

Every function takes a sequence of `ConsultationInput` values or (transcript,
annotations) pairs (see `cakit.report.inputs`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cakit.annotate.codebook import builtin_catalogue
from cakit.annotations import LATE_PHASES, NOT_CODED, PHASES_WITH_UNKNOWN, Response, TurnRecord
from cakit.annotations import consultation_keys as unique_keys
from cakit.codes import CodeCatalogue
from cakit.report.cube import ALL, PHASE_COLUMNS, CountCube, count_cube, pooled_frame
from cakit.report.deid import person_key
from cakit.report.inputs import ConsultationInput, Pair, as_inputs, normal_phase

Inputs = Sequence[ConsultationInput | Pair]

NO_CLINICIAN = "(no clinician turn)"
#: What comes before the list of consultations a note names, and only there ("… may be
#: under-counted there: 01-a, 02-b."): `cakit.report.pseudonymise.relabel_note` relabels
#: that list alone.
NAMES_THEM = " there: "
#: The clinician of an attempt whose responses nobody coded (R1 `NOT_CODED`): not known.
NOT_CODED_CLINICIAN = "(no response coded)"
ENGAGED_INDICATOR = "engaged sequences / sequences"

def family_codes(catalogue: CodeCatalogue | None = None) -> dict[str, tuple[str, ...]]:
    """Counted rows, in display order: family → codes, from the codebook's catalogue (the
    packaged codebook's when none is given). Unknown codes found in the data are appended
    to their family, never dropped."""
    codes = catalogue or builtin_catalogue()
    return {
        "attempts": ("PSY_ATTEMPT", *codes.attempt_subtypes),
        "sequences": ("SEQUENCES",),
        "r1_uptake": codes.uptakes,
        "r1_engage": codes.engage_subtypes,
        "r1_modifier": codes.modifiers,
        "outcome": codes.outcome_names,
        "carer": (*codes.carer_codes, "CARER_FIRST", "JOINT_LAUGHTER"),
        "context": codes.turn_codes,
    }

_PREFIX = {"attempts": "", "sequences": "", "r1_uptake": "R1 ", "r1_engage": "R1 ",
           "r1_modifier": "R1+", "outcome": "out ", "carer": "", "context": ""}


def column_name(family: str, code: str) -> str:
    """The column a (family, code) pair gets in wide tables: unique and readable."""
    if (family, code) == ("sequences", "SEQUENCES"):
        return "sequences"
    return f"{_PREFIX.get(family, family + ' ')}{code}"


def r1_of(responses: Iterable[Response]) -> Response | None:
    """The rank-1 response among an attempt's responses (first one if several)."""
    for response in responses:
        if response.rank == 1:
            return response
    return None


def consultation_keys(inputs: Sequence[ConsultationInput]) -> list[str]:
    """Consultation ids, made unique (`id~2`) when two inputs share one
    (`cakit.annotations.consultation_keys`)."""
    return unique_keys(item.id for item in inputs)


def clinician_label(item: ConsultationInput, speaker: str | None, key: str) -> str:
    """Who gave R1: the declared name when there is one, else `label@consultation`."""
    if not speaker:
        return NO_CLINICIAN
    names = dict(item.clinician_names)
    return names.get(speaker) or f"{speaker}@{key}"


def _r1_clinician(item: ConsultationInput, r1: Response | None, record: TurnRecord | None,
                  key: str) -> str:
    """Who gave an attempt's R1; for an R1 nobody coded (`NOT_CODED`), nobody known."""
    if r1 is not None and r1.uptake == NOT_CODED:
        return NOT_CODED_CLINICIAN
    return clinician_label(item, record.speaker if record else None, key)


# -- events: one row per counted item ---------------------------------------------------

EVENT_COLUMNS = ("consultation", "phase", "family", "code", "clinician", "carer_present",
                 "attempt_id")


def events(inputs: Inputs) -> pd.DataFrame:
    """Every counted item as a row: consultation, phase, family, code, clinician, carer.

    `clinician` is the speaker of the attempt's R1 for sequence rows, the speaker of
    the turn for MEDCHECK_SYMPTOM, and empty for patient-side context rows.
    """
    prepared = as_inputs(inputs)
    rows: list[tuple[Any, ...]] = []
    for item, key in zip(prepared, consultation_keys(prepared), strict=True):
        rows.extend(_consultation_events(item, key))
    return pd.DataFrame.from_records(rows, columns=list(EVENT_COLUMNS))


def _consultation_events(item: ConsultationInput, key: str) -> list[tuple[Any, ...]]:
    ann = item.annotations
    carer = item.carer_present
    turn_by_id = {record.id: record for record in ann.turns}
    responses: dict[str, list[Response]] = {}
    for response in ann.responses:
        responses.setdefault(response.attempt_id, []).append(response)
    attempt_phase: dict[str, str] = {}
    attempt_clinician: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []

    def add(phase: str, family: str, code: str, clinician: str, attempt_id: str) -> None:
        rows.append((key, phase, family, code, clinician, carer, attempt_id))

    for attempt in ann.attempts:
        phase = normal_phase(attempt.phase)
        attempt_phase[attempt.id] = phase
        r1 = r1_of(responses.get(attempt.id, ()))
        record = turn_by_id.get(r1.turn_id) if r1 is not None and r1.turn_id else None
        clinician = _r1_clinician(item, r1, record, key)
        attempt_clinician[attempt.id] = clinician
        add(phase, "attempts", "PSY_ATTEMPT", clinician, attempt.id)
        for subtype in dict.fromkeys(attempt.subtypes):
            add(phase, "attempts", subtype, clinician, attempt.id)
        uptake = r1.uptake if r1 is not None else "NO_UPTAKE"
        add(phase, "r1_uptake", uptake, clinician, attempt.id)
        if r1 is not None and uptake == "ENGAGE":
            add(phase, "r1_engage", r1.uptake_subtype or "ENGAGE_UNSPECIFIED", clinician,
                attempt.id)
        for modifier in dict.fromkeys(r1.modifiers if r1 is not None else ()):
            add(phase, "r1_modifier", modifier, clinician, attempt.id)
    for sequence in ann.sequences:
        phase = attempt_phase.get(sequence.attempt_id, "UNKNOWN")
        clinician = attempt_clinician.get(sequence.attempt_id, NO_CLINICIAN)
        add(phase, "sequences", "SEQUENCES", clinician, sequence.attempt_id)
        add(phase, "outcome", sequence.outcome, clinician, sequence.attempt_id)
        if sequence.carer_first:
            add(phase, "carer", "CARER_FIRST", clinician, sequence.attempt_id)
        if sequence.joint_laughter:
            add(phase, "carer", "JOINT_LAUGHTER", clinician, sequence.attempt_id)
    for carer_response in ann.carer_responses:
        phase = attempt_phase.get(carer_response.attempt_id, "UNKNOWN")
        clinician = attempt_clinician.get(carer_response.attempt_id, NO_CLINICIAN)
        add(phase, "carer", carer_response.code, clinician, carer_response.attempt_id)
    for code, items in (("PSY_ELICITED", ann.elicited), ("REPAIR_OI", ann.repairs),
                        ("MEDCHECK_SYMPTOM", ann.medchecks)):
        for turn_code in items:
            record = turn_by_id.get(turn_code.turn_id)
            phase = normal_phase(record.phase) if record else normal_phase(
                ann.phase_at_line(turn_code.line))
            clinician = ""
            if code == "MEDCHECK_SYMPTOM":
                clinician = clinician_label(item, record.speaker if record else None, key)
            add(phase, "context", code, clinician, "")
    return rows


def row_index(frame: pd.DataFrame | None = None, catalogue: CodeCatalogue | None = None
              ) -> list[tuple[str, str]]:
    """(family, code) rows in display order, plus any unknown codes seen in `frame`."""
    seen: set[tuple[str, str]] = set()
    if frame is not None and not frame.empty:
        seen = set(zip(frame["family"], frame["code"], strict=True))
    return _row_order(seen, catalogue)


def _row_order(seen: Iterable[tuple[str, str]], catalogue: CodeCatalogue | None
               ) -> list[tuple[str, str]]:
    """The catalogue's rows in display order; a code seen in the data but not in the
    catalogue goes at the end of its family (or of the table), never dropped."""
    rows = [(family, code) for family, codes in family_codes(catalogue).items() for code in codes]
    for family, code in sorted(set(seen) - set(rows)):
        position = max(i for i, (f, _) in enumerate(rows) if f == family) + 1 \
            if any(f == family for f, _ in rows) else len(rows)
        rows.insert(position, (family, code))
    return rows


# -- consultation × phase ---------------------------------------------------------------

def counts_cube(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> CountCube:
    """Every counted row of every consultation × phase as one integer array, with the
    phase denominators (`cakit.report.cube`): what the pooled and per-consultation
    tables are computed from."""
    prepared = as_inputs(inputs)
    tallies = [Counter((phase, family, code) for _, phase, family, code, *_ in
                       _consultation_events(item, key))
               for item, key in zip(prepared, consultation_keys(prepared), strict=True)]
    seen = {(family, code) for tally in tallies for _, family, code in tally}
    denominators = [[(s.turns, s.words, s.duration_s) for s in map(item.stats,
                                                                     PHASES_WITH_UNKNOWN)]
                    for item in prepared]
    return count_cube(tallies, denominators, [item.media_timed for item in prepared],
                      _row_order(seen, catalogue))


def phase_stats(inputs: Inputs) -> pd.DataFrame:
    """Denominators per consultation × phase: turns, words, seconds (None if untimed)."""
    prepared = as_inputs(inputs)
    rows = []
    for item, key in zip(prepared, consultation_keys(prepared), strict=True):
        for stats in item.phase_stats:
            rows.append((key, stats.phase, stats.turns, stats.words,
                         np.nan if stats.duration_s is None else stats.duration_s,
                         item.media_timed))
    return pd.DataFrame.from_records(
        rows, columns=["consultation", "phase", "phase_turns", "phase_words",
                       "phase_duration_s", "timed"])


def phase_counts(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Counts and rates per consultation × phase × code (the long, recomputable table).

    Columns: consultation, phase, family, code, count, phase_turns, phase_words,
    phase_duration_s (NaN without media timing), timed, phase_present, per_1000_words,
    per_10_min. One row for every consultation, every phase (UNKNOWN included) and
    every code of `FAMILIES`, zero counts included. It has consultations × phases × codes
    rows: the reports themselves are computed from `counts_cube`.
    """
    prepared = as_inputs(inputs)
    cube = counts_cube(prepared, catalogue)
    consultations, phases, rows = cube.counts.shape
    cells, tiles = phases * rows, consultations * phases

    def per_phase(values: np.ndarray) -> np.ndarray:
        return np.repeat(values.reshape(-1), rows)

    long = pd.DataFrame({
        "consultation": np.repeat(np.array(consultation_keys(prepared), dtype=object), cells),
        "phase": np.tile(np.repeat(np.array(PHASES_WITH_UNKNOWN, dtype=object), rows),
                         consultations),
        "family": np.tile(np.array([f for f, _ in cube.rows], dtype=object), tiles),
        "code": np.tile(np.array([c for _, c in cube.rows], dtype=object), tiles),
        "count": cube.counts.reshape(-1).astype("int64"),
        "phase_turns": per_phase(cube.turns),
        "phase_words": per_phase(cube.words),
        "phase_duration_s": per_phase(cube.seconds),
        "timed": np.repeat(cube.timed, cells),
    })
    long["phase_present"] = (long["phase_turns"] > 0) | (long["phase_words"] > 0) | (
        long["count"] > 0)
    return _with_rates(long, "count", "phase_words", "phase_duration_s")


def _with_rates(frame: pd.DataFrame, count: str, words: str, seconds: str) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        word_rate = np.where(frame[words] > 0, frame[count] / frame[words] * 1000.0, np.nan)
        time_rate = np.where(frame[seconds] > 0, frame[count] / frame[seconds] * 600.0, np.nan)
    frame = frame.copy()
    frame["per_1000_words"] = word_rate
    frame["per_10_min"] = time_rate
    return frame


def pooled_by_phase(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Pooled counts and rates per code × phase (ALL included), with spread and base.

    Columns: family, code, phase, count, n_consultations (consultations that have the
    phase), phase_turns, phase_words, per_1000_words (pooled), mean_per_1000_words,
    median_per_1000_words, n_timed (consultations with media timing and the phase),
    count_timed, phase_duration_s, per_10_min (pooled over timed consultations),
    mean_per_10_min, median_per_10_min.
    """
    return pooled_frame(counts_cube(inputs, catalogue))


def counts_by_phase(inputs: Inputs, families: Sequence[str] | None = None,
                    catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Wide counts: one row per phase (report order, UNKNOWN and ALL included), one
    column per code (named by `column_name`), for the chosen families (default all)."""
    pooled = pooled_by_phase(inputs, catalogue)
    return wide_counts(pooled, families, catalogue)


def wide_counts(pooled: pd.DataFrame, families: Sequence[str] | None,
                 catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    frame = pooled if families is None else pooled[pooled["family"].isin(families)]
    order = [(f, c) for f, c in row_index(pooled, catalogue) if families is None or f in families]
    wide = frame.pivot_table(index="phase", columns=["family", "code"], values="count",
                             aggfunc="sum", fill_value=0, sort=False)
    wide = wide.reindex(index=list(PHASE_COLUMNS),
                        columns=pd.MultiIndex.from_tuples(order), fill_value=0).astype("int64")
    wide.columns = [column_name(f, c) for f, c in order]
    wide.index.name = "phase"
    return wide


def denominators_by_phase(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Per phase (and ALL): consultations having it, turns, words, timed consultations,
    seconds (NaN when no consultation is timed)."""
    pooled = pooled_by_phase(inputs, catalogue)
    return _denominators(pooled)


def _denominators(pooled: pd.DataFrame) -> pd.DataFrame:
    base = pooled[(pooled["family"] == "attempts") & (pooled["code"] == "PSY_ATTEMPT")]
    frame = base.set_index("phase")[["n_consultations", "phase_turns", "phase_words",
                                     "n_timed", "phase_duration_s"]]
    return frame.reindex(list(PHASE_COLUMNS))


def rates_by_phase(inputs: Inputs, family: str = "attempts",
                   code: str = "PSY_ATTEMPT") -> pd.DataFrame:
    """One code's count and rates per phase: pooled, mean and median per consultation."""
    pooled = pooled_by_phase(inputs)
    return rates_of(pooled, family, code)


def rates_of(pooled: pd.DataFrame, family: str, code: str) -> pd.DataFrame:
    frame = pooled[(pooled["family"] == family) & (pooled["code"] == code)]
    return frame.set_index("phase").drop(columns=["family", "code"]).reindex(
        list(PHASE_COLUMNS))


# -- shares ----------------------------------------------------------------------------

def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def _sequence_table(inputs: Sequence[ConsultationInput], catalogue: CodeCatalogue | None = None
                    ) -> pd.DataFrame:
    """One row per attempt: consultation, phase, late, carer_present, outcome, R1 facts."""
    engaged = (catalogue or builtin_catalogue()).engaged_outcomes
    rows = []
    for item, key in zip(inputs, consultation_keys(inputs), strict=True):
        ann = item.annotations
        turn_by_id = {record.id: record for record in ann.turns}
        by_attempt: dict[str, list[Response]] = {}
        for response in ann.responses:
            by_attempt.setdefault(response.attempt_id, []).append(response)
        outcomes = {s.attempt_id: s for s in ann.sequences}
        for attempt in ann.attempts:
            r1 = r1_of(by_attempt.get(attempt.id, ()))
            record = turn_by_id.get(r1.turn_id) if r1 is not None and r1.turn_id else None
            sequence = outcomes.get(attempt.id)
            modifiers = set(r1.modifiers) if r1 is not None else set()
            rows.append({
                "consultation": key, "attempt_id": attempt.id,
                "phase": normal_phase(attempt.phase),
                "late": bool(attempt.late or normal_phase(attempt.phase) in LATE_PHASES),
                "carer_present": item.carer_present,
                "clinician": _r1_clinician(item, r1, record, key),
                "has_sequence": sequence is not None,
                "outcome": sequence.outcome if sequence else "",
                "engaged": bool(sequence and sequence.outcome in engaged),
                "r1_uptake": r1.uptake if r1 is not None else "NO_UPTAKE",
                "r1_hesitate": "HESITATE" in modifiers,
                "r1_smile_laugh": "SMILE_LAUGH" in modifiers,
                "chain_id": attempt.chain_id or f"#{attempt.id}",
                "attempt_index": attempt.attempt_index,
                "re_raised": attempt.re_raised,
                "line": attempt.line,
            })
    columns = ["consultation", "attempt_id", "phase", "late", "carer_present", "clinician",
               "has_sequence", "outcome", "engaged", "r1_uptake", "r1_hesitate",
               "r1_smile_laugh", "chain_id", "attempt_index", "re_raised", "line"]
    frame = pd.DataFrame(rows, columns=columns)
    flags = ["late", "carer_present", "has_sequence", "engaged", "r1_hesitate",
             "r1_smile_laugh", "re_raised"]
    return frame.astype({name: bool for name in flags} | {"attempt_index": "int64",
                                                           "line": "int64"})


def sequences_table(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """One row per attempt with its phase, outcome and R1 facts (for drill-down)."""
    return _sequence_table(as_inputs(inputs), catalogue)


def indicators(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Derived shares (docs/reports.md): indicator, group, numerator, denominator, share.

    - late attempts (PRE_CLOSING or CLOSING, or flagged late) among all attempts;
    - engaged sequences (the codebook's engaged outcomes) by phase and overall;
    - sequences whose R1 is HESITATE, SMILE_LAUGH, or either, with and without a carer;
    - MEDCHECK_SYMPTOM per PSY_ELICITED answer.
    """
    prepared = as_inputs(inputs)
    table = _sequence_table(prepared, catalogue)
    rows: list[tuple[str, str, int, int]] = []
    rows.append(("late attempts / attempts", ALL, int(table["late"].sum()), len(table)))
    with_sequence = table[table["has_sequence"]]
    for phase in PHASE_COLUMNS:
        part = with_sequence if phase == ALL else with_sequence[with_sequence["phase"] == phase]
        rows.append((ENGAGED_INDICATOR, phase, int(part["engaged"].sum()),
                     len(part)))
    for label, column in (("R1 HESITATE / sequences", "r1_hesitate"),
                          ("R1 SMILE_LAUGH / sequences", "r1_smile_laugh"),
                          ("R1 HESITATE or SMILE_LAUGH / sequences", None)):
        for group, part in (("carer present", with_sequence[with_sequence["carer_present"]]),
                            ("no carer", with_sequence[~with_sequence["carer_present"]]),
                            (ALL, with_sequence)):
            hits = (part["r1_hesitate"] | part["r1_smile_laugh"]) if column is None \
                else part[column]
            rows.append((label, group, int(hits.sum()), len(part)))
    elicited = sum(len(item.annotations.elicited) for item in prepared)
    medchecks = sum(len(item.annotations.medchecks) for item in prepared)
    rows.append(("MEDCHECK_SYMPTOM / PSY_ELICITED", ALL, medchecks, elicited))
    frame = pd.DataFrame(rows, columns=["indicator", "group", "numerator", "denominator"])
    frame["share"] = [_share(n, d) for n, d in
                      zip(frame["numerator"], frame["denominator"], strict=True)]
    return frame


def chains(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """One row per repeat chain (an attempt without a chain id is a chain of one).

    Columns: consultation, chain_id, length, attempts, first_phase, last_phase,
    phases_spanned, final_late, final_outcome, engaged (the chain reached ENGAGED_*).
    """
    table = _sequence_table(as_inputs(inputs), catalogue)
    members: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for position, (consultation, chain_id, index, line) in enumerate(zip(
            table["consultation"], table["chain_id"], table["attempt_index"], table["line"],
            strict=True)):
        members.setdefault((consultation, chain_id), []).append((index, line, position))
    attempt_ids, phases = list(table["attempt_id"]), list(table["phase"])
    late, outcomes, engaged = list(table["late"]), list(table["outcome"]), list(table["engaged"])
    rows = []
    for (consultation, chain_id), chain in members.items():
        order = [position for *_, position in sorted(chain)]  # by attempt index, then line
        first, last = order[0], order[-1]
        rows.append({
            "consultation": consultation, "chain_id": chain_id, "length": len(order),
            "attempts": ",".join(attempt_ids[p] for p in order),
            "first_phase": phases[first], "last_phase": phases[last],
            "phases_spanned": len({phases[p] for p in order}),
            "final_late": bool(late[last]), "final_outcome": outcomes[last],
            "engaged": any(engaged[p] for p in order),
        })
    columns = ["consultation", "chain_id", "length", "attempts", "first_phase", "last_phase",
               "phases_spanned", "final_late", "final_outcome", "engaged"]
    return pd.DataFrame(rows, columns=columns)


def chain_summary(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Chain counts and lengths: all chains, repeat chains (≥ 2 attempts), by length."""
    frame = chains(inputs, catalogue)
    return _chain_summary(frame)


def _chain_summary(frame: pd.DataFrame) -> pd.DataFrame:
    repeat = frame[frame["length"] >= 2]
    rows: list[tuple[str, float]] = [
        ("chains", float(len(frame))),
        ("repeat chains (2+ attempts)", float(len(repeat))),
        ("mean chain length", float(frame["length"].mean()) if len(frame) else float("nan")),
        ("mean repeat-chain length",
         float(repeat["length"].mean()) if len(repeat) else float("nan")),
        ("longest chain", float(frame["length"].max()) if len(frame) else float("nan")),
        ("repeat chains ending late", float(repeat["final_late"].sum())),
        ("repeat chains never engaged", float((~repeat["engaged"]).sum())),
    ]
    for length, count in sorted(frame["length"].value_counts().items()):
        rows.append((f"chains of {length}", float(count)))
    return pd.DataFrame(rows, columns=["measure", "value"])


# -- per consultation / clinician / carer ------------------------------------------------

def by_consultation(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """One row per consultation: denominators, flags, every count, rates and shares."""
    prepared = as_inputs(inputs)
    cube = counts_cube(prepared, catalogue)
    keys = consultation_keys(prepared)
    wide = pd.DataFrame(cube.totals(), columns=[column_name(f, c) for f, c in cube.rows])
    wide.insert(0, "consultation", keys)
    base = pd.DataFrame({
        "consultation": keys,
        "format": [item.annotations.format for item in prepared],
        "sha256": [item.sha256[:8] for item in prepared],
        "turns": [item.turns for item in prepared],
        "words": [item.words for item in prepared],
        "duration_s": [np.nan if item.duration_s is None else item.duration_s
                       for item in prepared],
        "timing_available": [item.timing_available for item in prepared],
        "nonverbal_available": [item.nonverbal_available for item in prepared],
        "carer_present": [item.carer_present for item in prepared],
    })
    frame = base.merge(wide, on="consultation", how="left")
    attempts = frame["PSY_ATTEMPT"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["attempts_per_1000_words"] = np.where(frame["words"] > 0,
                                                    attempts / frame["words"] * 1000, np.nan)
        frame["attempts_per_10_min"] = np.where(frame["duration_s"] > 0,
                                                attempts / frame["duration_s"] * 600, np.nan)
    sequences = frame["sequences"]
    engaged_columns = [column_name("outcome", name)
                       for name in (catalogue or builtin_catalogue()).engaged_outcomes]
    engaged = frame[[c for c in engaged_columns if c in frame]].sum(axis=1)
    late = late_attempts(prepared)
    frame["late_attempts"] = late
    frame["late_share"] = [_share(n, d) for n, d in zip(late, attempts, strict=True)]
    frame["engaged_share"] = [_share(n, d) for n, d in zip(engaged, sequences, strict=True)]
    return frame


def late_attempts(inputs: Sequence[ConsultationInput]) -> list[int]:
    """Late attempts per consultation (PRE_CLOSING/CLOSING, or flagged late)."""
    return [sum(1 for a in item.annotations.attempts
                if a.late or normal_phase(a.phase) in LATE_PHASES) for item in inputs]


def by_clinician(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """One row per clinician who gave R1 (the speaker of R1) or checked symptoms.

    Columns: clinician, consultations (those in which the clinician gave an R1 or a
    MEDCHECK_SYMPTOM turn), sequences, one column per R1 uptake and modifier, engaged
    sequences and share, R1 HESITATE / SMILE_LAUGH shares, and MEDCHECK_SYMPTOM turns by
    that clinician. Attempts with no clinician turn in the window are grouped under
    "(no clinician turn)".
    """
    prepared = as_inputs(inputs)
    table = _sequence_table(prepared, catalogue)
    event_frame = events(prepared)
    # one person declared "Dr Okafor" in one file and "DR OKAFOR" in another is one row,
    # by the test that gives them one pseudonym: the first spelling met names them
    spelling: dict[str, str] = {}
    for name in (*table["clinician"], *event_frame["clinician"]):
        spelling.setdefault(person_key(str(name)), name)

    def same_person(name: object) -> str:
        return spelling[person_key(str(name))]

    table = table.assign(clinician=table["clinician"].map(same_person))
    event_frame = event_frame.assign(clinician=event_frame["clinician"].map(same_person))
    medcheck_rows = event_frame[event_frame["code"] == "MEDCHECK_SYMPTOM"]
    medchecks = medcheck_rows.groupby("clinician").size()
    uptakes = _codes(table["r1_uptake"], (catalogue or builtin_catalogue()).uptakes)
    checked = medcheck_rows.groupby("clinician")["consultation"].agg(set)
    rows = []
    for clinician, part in table.groupby("clinician", sort=True):
        present = set(part["consultation"]) | checked.get(clinician, set())
        row: dict[str, Any] = {"clinician": clinician, "consultations": len(present),
                               "sequences": int(part["has_sequence"].sum())}
        for uptake in uptakes:
            row[f"R1 {uptake}"] = int((part["r1_uptake"] == uptake).sum())
        row["R1+HESITATE"] = int(part["r1_hesitate"].sum())
        row["R1+SMILE_LAUGH"] = int(part["r1_smile_laugh"].sum())
        row["engaged"] = int(part["engaged"].sum())
        row["engaged_share"] = _share(row["engaged"], row["sequences"])
        sequenced = part[part["has_sequence"]]
        row["hesitate_share"] = _share(int(sequenced["r1_hesitate"].sum()), row["sequences"])
        row["smile_laugh_share"] = _share(int(sequenced["r1_smile_laugh"].sum()),
                                          row["sequences"])
        row["MEDCHECK_SYMPTOM"] = int(medchecks.get(clinician, 0))
        rows.append(row)
    # a clinician who checked symptoms but gave no R1: counts of 0 and no shares, in the
    # consultations they took part in (not 0 of them, and no count turned into a float)
    with_r1 = set(table["clinician"])
    for clinician, part in medcheck_rows.groupby("clinician", sort=True):
        if clinician in with_r1:
            continue
        row = {"clinician": clinician, "consultations": int(part["consultation"].nunique()),
               "sequences": 0, **{f"R1 {uptake}": 0 for uptake in uptakes},
               "R1+HESITATE": 0, "R1+SMILE_LAUGH": 0, "engaged": 0,
               "engaged_share": _share(0, 0), "hesitate_share": _share(0, 0),
               "smile_laugh_share": _share(0, 0), "MEDCHECK_SYMPTOM": len(part)}
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["clinician", "consultations", "sequences"])
    return frame


def _codes(values: Iterable[str], known: Sequence[str]) -> list[str]:
    seen = set(values)
    return [*known, *sorted(seen - set(known))]


def by_carer(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> pd.DataFrame:
    """Consultations with and without a carer present, side by side (and ALL).

    Columns: group, consultations, words, attempts, per_1000_words, sequences, engaged,
    engaged_share, R1 HESITATE and SMILE_LAUGH counts and shares, carer codes.
    """
    prepared = as_inputs(inputs)
    table = _sequence_table(prepared, catalogue)
    event_frame = events(prepared)
    rows = []
    groups: list[tuple[str, bool | None]] = [("carer present", True), ("no carer", False),
                                              (ALL, None)]
    for label, present in groups:
        chosen = [item for item in prepared if present is None or item.carer_present == present]
        part = table if present is None else table[table["carer_present"] == present]
        events_part = event_frame if present is None else event_frame[
            event_frame["carer_present"] == present]
        words = sum(item.words for item in chosen)
        attempts = len(part)
        sequenced = part[part["has_sequence"]]
        sequences = len(sequenced)
        row: dict[str, Any] = {
            "group": label, "consultations": len(chosen), "words": words,
            "attempts": attempts,
            "per_1000_words": attempts / words * 1000 if words else float("nan"),
            "sequences": sequences, "engaged": int(part["engaged"].sum()),
            "engaged_share": _share(int(part["engaged"].sum()), sequences),
            "R1+HESITATE": int(part["r1_hesitate"].sum()),
            "hesitate_share": _share(int(sequenced["r1_hesitate"].sum()), sequences),
            "R1+SMILE_LAUGH": int(part["r1_smile_laugh"].sum()),
            "smile_laugh_share": _share(int(sequenced["r1_smile_laugh"].sum()), sequences),
        }
        for code in family_codes(catalogue)["carer"]:
            row[code] = int((events_part["code"] == code).sum())
        rows.append(row)
    return pd.DataFrame(rows)


# -- the report bundle -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Report:
    """Named DataFrames for one view (`by`), in display order, plus their notes.

    `titles` gives each table a heading; `notes` says what the figures are and which
    consultations lack timing or non-verbal notes.
    """

    by: str
    tables: dict[str, pd.DataFrame]
    titles: dict[str, str]
    notes: tuple[str, ...]
    consultations: tuple[str, ...] = field(default=())
    #: the codes the tables count (headings, legends and plot colours come from it)
    catalogue: CodeCatalogue = field(default_factory=builtin_catalogue)
    #: the table the one-table format (CSV) writes
    main: str = ""


def unknown_codes(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> list[str]:
    """Counted codes the codebook does not define (a coder's relabel to a code an edited
    codebook renamed, annotations made with another codebook), as column names: they keep
    rows of their own, never dropped, and the report says so."""
    prepared = as_inputs(inputs)
    known = set(_row_order((), catalogue)) | {("r1_uptake", NOT_CODED)}
    seen = {(family, code) for item, key in zip(prepared, consultation_keys(prepared),
                                                strict=True)
            for _, _, family, code, *_ in _consultation_events(item, key)}
    return [column_name(family, code) for family, code in sorted(seen - known)]


def report_notes(inputs: Inputs, catalogue: CodeCatalogue | None = None) -> tuple[str, ...]:
    """What the figures are, which consultations lack timing or non-verbal notes, and which
    codes the codebook does not define. A note names consultations only in a list after
    `NAMES_THEM` (`relabel_note` pseudonymises there alone)."""
    prepared = as_inputs(inputs)
    keys = consultation_keys(prepared)
    notes = [
        "Counts describe talk about possibly psychotic content, not diagnoses; they are "
        "automatic first-pass codes (cakit codebook) unless the annotations are a human "
        "layer, and must not be used clinically.",
        "Phase of a sequence = phase of its attempt. Subtypes are multi-label. UNKNOWN "
        "phase and UNCLASSIFIED uptake keep their rows.",
    ]
    statuses = [code.status for item in prepared for code in item.annotations.attempts]
    statuses += [code.status for item in prepared for code in item.annotations.responses
                 if code.uptake != NOT_CODED]
    decided = sum(status in ("accepted", "edited") for status in statuses)
    if decided:
        notes.append(f"{decided} of {len(statuses)} attempt and response codes were accepted, "
                     "relabelled or added by human coders (status accepted/edited); the rest "
                     "are as the annotator proposed them.")
    unanswered = sum(1 for item in prepared for response in item.annotations.responses
                     if response.uptake == NOT_CODED)
    if unanswered:
        unresolved = (catalogue or builtin_catalogue()).outcome([NOT_CODED])
        notes.append(f"{unanswered} attempt(s) have no response coded: coders added them, "
                     "relabelled them from another code or rejected every response proposed, "
                     "and the annotator looks for responses to its own attempts only. They "
                     f"count as R1 {NOT_CODED}, and their outcome as {unresolved}, never "
                     "as NO_UPTAKE. Code the clinician's response "
                     "(cakit code, cakit review) for a true outcome.")
    untimed = [k for item, k in zip(prepared, keys, strict=True) if not item.timing_available]
    silent = [k for item, k in zip(prepared, keys, strict=True) if not item.nonverbal_available]
    no_media = [k for item, k in zip(prepared, keys, strict=True) if not item.media_timed]
    if untimed:
        notes.append(f"No timed pauses or media timing in {len(untimed)} of {len(keys)} "
                     f"consultation(s), so HESITATE may be under-counted{NAMES_THEM}"
                     f"{', '.join(untimed)}.")
    if silent:
        notes.append(f"No ((non-verbal)) notes in {len(silent)} of {len(keys)} "
                     f"consultation(s), so SMILE_LAUGH may be under-counted{NAMES_THEM}"
                     f"{', '.join(silent)}.")
    if no_media:
        notes.append(f"Per-10-minute rates use only the {len(keys) - len(no_media)} "
                     f"consultation(s) with media timing; {len(no_media)} have none.")
    strange = unknown_codes(prepared, catalogue)
    if strange:
        notes.append(f"Counted codes the codebook does not define, kept as rows of their own: "
                     f"{', '.join(strange)} (a coder's decision on a code the codebook no "
                     "longer has, or annotations made with another codebook).")
    return tuple(notes)


__all__ = [
    "ALL",
    "PHASE_COLUMNS",
    "Report",
    "by_carer",
    "by_clinician",
    "by_consultation",
    "chain_summary",
    "chains",
    "column_name",
    "counts_by_phase",
    "counts_cube",
    "denominators_by_phase",
    "events",
    "family_codes",
    "indicators",
    "phase_counts",
    "phase_stats",
    "pooled_by_phase",
    "rates_by_phase",
    "report_notes",
    "sequences_table",
    "unknown_codes",
]
