"""Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal).

Pure functions over label tables: `data[c][u]` is coder c's label for unit u, None when the
coder gave none (missing). Coefficients that cannot be computed return None with the
reason (`undefined_reason`), never raise: one unit, or every value the same category
(expected disagreement zero), makes kappa and alpha undefined — reported as such.

Each coefficient is reported beside the **prevalence** of the code it is about: a high
kappa on a code that occurs in 2% of units rests on a handful of cases, and a low kappa
on a rare code can come with 98% raw agreement (the kappa paradox).

`units_for` builds the tables from effective annotations (one consultation per coder):

- `turn`: every turn, labelled with the code on it (PSY_ATTEMPT, the response's uptake,
  the carer code, PSY_ELICITED, …) or "none";
- `attempt`: every patient turn — whether it is an attempt ("PSY_ATTEMPT"/"none") and its
  primary subtype;
- `sequence`: every turn any coder marked as an attempt — R1 uptake and outcome (missing
  for a coder who did not see an attempt there, or whose own attempt has no response
  coded; `NOT_CODED` for a machine attempt whose every response the coder rejected).

Only **decided** units count. Effective annotations keep the machine codes a coder never
looked at; a coder's label on a unit they have not decided (see
`cakit.store.coverage.decided_turns`) is made missing, so the coefficients rest on the
units every coder actually judged. `coverage` says how many units that is, and
`MIN_JOINT_UNITS` is the fewest worth computing kappa or alpha on. Counting undecided
machine codes as accepted (the old behaviour) is an explicit choice
(`include_undecided=True`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any, Literal

from cakit.annotations import (
    NOT_CODED,
    PHASES_WITH_UNKNOWN,
    ConsultationAnnotations,
    rejected_all,
)

Label = str | None
UnitKind = Literal["turn", "attempt", "sequence"]
UNIT_KINDS: tuple[str, ...] = ("turn", "attempt", "sequence")
NONE = "none"
#: The fewest units every compared coder decided for kappa and alpha to be worth reporting.
MIN_JOINT_UNITS = 10
#: Per coder, the turn ids they decided (`cakit.store.coverage.decided_turns`); None for
#: the machine itself, which by definition stands behind every one of its codes.
Decided = frozenset[str] | None


# -- coefficients ----------------------------------------------------------------------

def _columns(data: Sequence[Sequence[Label]]) -> list[list[str]]:
    """Per unit, the non-missing labels."""
    if not data:
        return []
    width = len(data[0])
    if any(len(row) != width for row in data):
        raise ValueError("every coder needs one label (or None) per unit")
    return [[row[u] for row in data if row[u] is not None] for u in range(width)]  # type: ignore[misc]


def pairable_units(data: Sequence[Sequence[Label]]) -> int:
    """Units with labels from at least two coders (the units a coefficient rests on)."""
    return sum(1 for column in _columns(data) if len(column) >= 2)


def percent_agreement(data: Sequence[Sequence[Label]]) -> float | None:
    """Mean over units of the share of coder pairs that agree (two coders: share of units).

    None when no unit has two labels.
    """
    shares = []
    for column in _columns(data):
        if len(column) < 2:
            continue
        pairs = list(combinations(column, 2))
        shares.append(sum(1 for a, b in pairs if a == b) / len(pairs))
    return sum(shares) / len(shares) if shares else None


def cohen_kappa(a: Sequence[Label], b: Sequence[Label]) -> float | None:
    """Cohen's kappa for two coders over the units both labelled.

    kappa = (p_o - p_e) / (1 - p_e), with p_e from each coder's own label distribution.
    None when fewer than two units were labelled by both, or p_e = 1 (both coders used a
    single, identical category throughout).
    """
    if len(a) != len(b):
        raise ValueError("both coders need one label (or None) per unit")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    n = len(pairs)
    if n < 2:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    left = Counter(x for x, _ in pairs)
    right = Counter(y for _, y in pairs)
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(data: Sequence[Sequence[Label]]) -> float | None:
    """Krippendorff's alpha, nominal level, any number of coders, missing values allowed.

    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k, where o_ck counts
    the ordered pairs of values (c, k) within units, each unit weighted by 1 / (m_u - 1),
    and n is the number of pairable values. None when fewer than two units are pairable
    or every pairable value is the same category.
    """
    columns = [c for c in _columns(data) if len(c) >= 2]
    if len(columns) < 2:
        return None
    coincidences: dict[tuple[str, str], float] = {}
    for column in columns:
        weight = 1.0 / (len(column) - 1)
        for i, x in enumerate(column):
            for j, y in enumerate(column):
                if i != j:
                    coincidences[(x, y)] = coincidences.get((x, y), 0.0) + weight
    totals: dict[str, float] = {}
    for (x, _), value in coincidences.items():
        totals[x] = totals.get(x, 0.0) + value
    n = sum(totals.values())
    observed = sum(v for (x, y), v in coincidences.items() if x != y)
    expected = sum(totals[x] * totals[y] for x in totals for y in totals if x != y)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def undefined_reason(data: Sequence[Sequence[Label]]) -> str:
    """Why kappa/alpha cannot be computed on this table ("" when they can)."""
    units = pairable_units(data)
    if units < 2:
        return f"undefined: {units} unit(s) coded by two or more coders"
    values = {label for column in _columns(data) if len(column) >= 2 for label in column}
    if len(values) < 2:
        return "undefined: every coder used the same single category"
    return ""


def prevalence(data: Sequence[Sequence[Label]], code: str | None = None) -> float | None:
    """Share of the labels that are `code` (default: anything but "none"), over the units
    the coefficients rest on (labelled by at least two coders, `pairable_units`): a label
    on a unit only one coder decided is not in kappa or alpha, so not in their prevalence.
    None when there is no such unit."""
    values = [label for column in _columns(data) if len(column) >= 2 for label in column]
    if not values:
        return None
    if code is None:
        return sum(1 for v in values if v != NONE) / len(values)
    return sum(1 for v in values if v == code) / len(values)


def binary(data: Sequence[Sequence[Label]], code: str) -> list[list[Label]]:
    """The table recoded to `code` versus everything else (missing stays missing)."""
    return [[None if v is None else (code if v == code else f"not {code}") for v in row]
            for row in data]


# -- units -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unit:
    """One thing every coder labelled: a turn (or an attempt turn) of one transcript.

    `decided` holds, per coder, True when the coder decided the unit, False when they did
    not (their label is missing, or the machine's undecided proposal when undecided codes
    are included), None for the machine itself (it decides everything); empty means every
    coder decided it.
    """

    file: str
    key: str
    line: int
    end_line: int
    phase: str
    labels: tuple[Label, ...]
    decided: tuple[bool | None, ...] = ()

    def decided_by(self, coder: int) -> bool:
        """Whether coder number `coder` decided this unit (the machine always has)."""
        return not self.decided or self.decided[coder] is not False

    @property
    def joint(self) -> bool:
        """Every coder decided this unit."""
        return all(flag is not False for flag in self.decided)

    @property
    def machine_only(self) -> bool:
        """No human coder decided this unit: every label on it is the machine's."""
        return bool(self.decided) and not any(flag is True for flag in self.decided)


@dataclass(frozen=True, slots=True)
class Measure:
    """One dimension coded on a set of units (e.g. "R1 uptake" on attempts)."""

    name: str
    units: tuple[Unit, ...] = field(default=())

    def table(self, phase: str | None = None) -> list[list[Label]]:
        chosen = [u for u in self.units if phase is None or u.phase == phase]
        if not chosen:
            return []
        return [[u.labels[c] for u in chosen] for c in range(len(chosen[0].labels))]


def turn_label(consultation: ConsultationAnnotations, turn_id: str) -> str:
    """The code on one turn (first that applies), or "none"."""
    for attempt in consultation.attempts:
        if attempt.turn_id == turn_id:
            return "PSY_ATTEMPT"
    for response in consultation.responses:
        if response.turn_id == turn_id:
            return response.uptake
    for carer in consultation.carer_responses:
        if carer.turn_id == turn_id:
            return carer.code
    for name, records in (("PSY_ELICITED", consultation.elicited),
                          ("REPAIR_OI", consultation.repairs),
                          ("MEDCHECK_SYMPTOM", consultation.medchecks)):
        if any(r.turn_id == turn_id for r in records):
            return name
    return NONE


def units_for(unit: str, consultations: Sequence[ConsultationAnnotations], file: str,
              decided: Sequence[Decided] | None = None, *,
              include_undecided: bool = False) -> tuple[Measure, ...]:
    """The measures of one unit kind for one transcript, one consultation per coder.

    All consultations must be of the same transcript version (their turns are the same).

    Args:
        unit: turn, attempt or sequence.
        consultations: each coder's effective annotations of the transcript.
        file: the transcript's name in the report.
        decided: per coder, the turn ids they decided (for `sequence`: the attempt turns
            whose sequence they decided), None for the machine; None for all: every coder
            decided everything.
        include_undecided: keep a coder's label on a unit they did not decide (an
            undecided machine code counts as accepted). By default it becomes missing.

    Returns:
        The measures; each unit records who decided it (`Unit.decided`).

    Raises:
        ValueError: unknown unit kind, the consultations have different turns, or
            `decided` does not have one entry per consultation.
    """
    if unit not in UNIT_KINDS:
        raise ValueError(f"unit must be one of {', '.join(UNIT_KINDS)}, not {unit!r}")
    if decided is not None and len(decided) != len(consultations):
        raise ValueError("decided needs one entry (a set of turn ids, or None) per coder")
    measures = _units(unit, consultations, file)
    if decided is None:
        return measures
    return tuple(Measure(m.name, tuple(_judged(u, decided, include_undecided) for u in m.units))
                 for m in measures)


def _judged(unit: Unit, decided: Sequence[Decided], include_undecided: bool) -> Unit:
    """The unit with who decided it, and (unless included) undecided labels made missing."""
    flags = tuple(None if turns is None else unit.key in turns for turns in decided)
    labels = unit.labels if include_undecided else tuple(
        label if flag is not False else None for label, flag in zip(unit.labels, flags,
                                                                     strict=True))
    return replace(unit, labels=labels, decided=flags)


def _units(unit: str, consultations: Sequence[ConsultationAnnotations],
           file: str) -> tuple[Measure, ...]:
    if not consultations:
        return ()
    base = consultations[0]
    if any(tuple(t.id for t in c.turns) != tuple(t.id for t in base.turns)
           for c in consultations[1:]):
        raise ValueError(f"{file}: the coders' annotations are for different turn structures")
    if unit == "turn":
        units = tuple(
            Unit(file, turn.id, turn.line, turn.end_line, turn.phase,
                 tuple(turn_label(c, turn.id) for c in consultations))
            for turn in base.turns
        )
        return (Measure("code", units),)
    if unit == "attempt":
        present: list[Unit] = []
        subtype: list[Unit] = []
        for turn in base.turns:
            if turn.role != "patient":
                continue
            attempts = [next((a for a in c.attempts if a.turn_id == turn.id), None)
                        for c in consultations]
            present.append(Unit(file, turn.id, turn.line, turn.end_line, turn.phase, tuple(
                "PSY_ATTEMPT" if a is not None else NONE for a in attempts)))
            subtype.append(Unit(file, turn.id, turn.line, turn.end_line, turn.phase, tuple(
                (a.primary_subtype or "PSY_ATTEMPT") if a is not None else NONE
                for a in attempts)))
        return (Measure("attempt", tuple(present)), Measure("subtype", tuple(subtype)))
    turns = {t.id: t for t in base.turns}
    attempt_turns = sorted({a.turn_id for c in consultations for a in c.attempts},
                           key=lambda t: turns[t].line if t in turns else 0)
    uptake: list[Unit] = []
    outcomes: list[Unit] = []
    for turn_id in attempt_turns:
        record = turns.get(turn_id)
        line, end_line = (record.line, record.end_line) if record else (0, 0)
        phase = record.phase if record else "UNKNOWN"
        r1: list[Label] = []
        out: list[Label] = []
        for c in consultations:
            attempt = next((a for a in c.attempts if a.turn_id == turn_id), None)
            if attempt is None:
                r1.append(None)
                out.append(None)
                continue
            first = min(c.responses_to(attempt.id), key=lambda r: r.rank, default=None)
            if first is not None and first.uptake == NOT_CODED and not rejected_all(first):
                # the coder's own attempt, whose responses nobody coded: no label to agree or
                # disagree on. (A machine attempt whose every response the coder rejected
                # keeps the label NOT_CODED: rejecting them is a decision, and one that
                # differs from a coder who accepted them.)
                r1.append(None)
                out.append(None)
                continue
            r1.append(first.uptake if first is not None else "NO_UPTAKE")
            sequence = c.sequence(attempt.id)
            out.append(sequence.outcome if sequence is not None else "UNRESOLVED")
        uptake.append(Unit(file, turn_id, line, end_line, phase, tuple(r1)))
        outcomes.append(Unit(file, turn_id, line, end_line, phase, tuple(out)))
    return (Measure("R1 uptake", tuple(uptake)), Measure("outcome", tuple(outcomes)))


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many units of one measure the coders decided (see `coverage`)."""

    measure: str
    #: units in total
    units: int
    #: per coder, the units they decided (the machine: all of them)
    decided: tuple[int, ...]
    #: units every coder decided: what kappa and alpha rest on
    joint: int
    #: units no human coder decided: only the machine's codes are there
    machine_only: int

    def to_dict(self, names: Sequence[str]) -> dict[str, Any]:
        return {"measure": self.measure, "units": self.units,
                "decided": dict(zip(names, self.decided, strict=True)),
                "joint": self.joint, "machine_only": self.machine_only}


def coverage(measures: Sequence[Measure], coders: int | None = None) -> tuple[Coverage, ...]:
    """Per measure: units, units decided by each coder, by all of them, and by none.

    `coders` is how many coders were compared (default: as many as the units have labels;
    give it so that a measure with no units still has a count per coder).
    """
    out = []
    for measure in measures:
        units = measure.units
        count = coders if coders is not None else (len(units[0].labels) if units else 0)
        out.append(Coverage(
            measure=measure.name, units=len(units),
            decided=tuple(sum(1 for u in units if u.decided_by(c)) for c in range(count)),
            joint=sum(1 for u in units if u.joint),
            machine_only=sum(1 for u in units if u.machine_only),
        ))
    return tuple(out)


def joint_units(coverages: Sequence[Coverage]) -> int:
    """The fewest units every coder decided, over the measures (0 when there are none)."""
    return min((c.joint for c in coverages), default=0)


def labelled_units(measures: Sequence[Measure]) -> int:
    """The fewest units every coder decided and gave a label, over the measures: what
    kappa and alpha rest on (a unit one coder left unlabelled, such as their own attempt
    with no response coded, pairs with nothing)."""
    return min((sum(1 for u in m.units if u.joint and None not in u.labels) for m in measures),
               default=0)


def merge_measures(parts: Iterable[Sequence[Measure]]) -> tuple[Measure, ...]:
    """Measures of several transcripts pooled by name (units concatenated)."""
    pooled: dict[str, list[Unit]] = {}
    for measures in parts:
        for measure in measures:
            pooled.setdefault(measure.name, []).extend(measure.units)
    return tuple(Measure(name, tuple(units)) for name, units in pooled.items())


# -- reports ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AgreementRow:
    """One line of the agreement report."""

    measure: str
    scope: str  # "all" or a phase
    code: str  # "*" for all categories, else the code (code versus not-code)
    units: int
    prevalence: float | None
    percent: float | None
    kappa: float | None
    alpha: float | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "scope": self.scope, "code": self.code,
                "units": self.units, "prevalence": self.prevalence, "percent": self.percent,
                "kappa": self.kappa, "alpha": self.alpha, "note": self.note}


def _row(measure: str, scope: str, code: str, data: Sequence[Sequence[Label]],
         prevalence_value: float | None) -> AgreementRow:
    coders = len(data)
    kappa = cohen_kappa(data[0], data[1]) if coders == 2 and data else None
    note = undefined_reason(data) if data else "undefined: no units"
    if coders > 2 and not note:
        note = "kappa is for two coders; see alpha"
    return AgreementRow(measure=measure, scope=scope, code=code, units=pairable_units(data),
                        prevalence=prevalence_value, percent=percent_agreement(data),
                        kappa=kappa, alpha=krippendorff_alpha(data), note=note)


def labels_used(measures: Sequence[Measure]) -> set[str]:
    """Every label some coder gave some unit ("none" aside): the codes `--code` can ask for."""
    return {label for measure in measures for unit in measure.units for label in unit.labels
            if label is not None and label != NONE}


def agreement(measures: Sequence[Measure], *, code: str | None = None,
              phases: Sequence[str] = PHASES_WITH_UNKNOWN) -> tuple[AgreementRow, ...]:
    """Agreement per measure: overall and per code, for all units and per phase.

    Args:
        measures: from `units_for` (pooled over transcripts with `merge_measures`).
        code: report only this code (code versus not-code), not the overall rows.
        phases: phases to break down by (those with no units are left out).
    """
    rows: list[AgreementRow] = []
    for measure in measures:
        scopes: list[tuple[str, str | None]] = [("all", None)]
        scopes.extend((phase, phase) for phase in phases
                      if any(u.phase == phase for u in measure.units))
        for scope, phase in scopes:
            data = measure.table(phase)
            if not data:
                continue
            codes = sorted({v for row in data for v in row if v is not None and v != NONE})
            if code is None:
                rows.append(_row(measure.name, scope, "*", data, prevalence(data)))
                chosen = codes
            else:
                chosen = [code]
            for name in chosen:
                rows.append(_row(measure.name, scope, name, binary(data, name),
                                 prevalence(data, name)))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A unit the coders labelled differently (for coder training)."""

    file: str
    measure: str
    key: str
    line: int
    end_line: int
    phase: str
    labels: tuple[Label, ...]
    #: per coder, as `Unit.decided`
    decided: tuple[bool | None, ...] = ()


def disagreements(measures: Sequence[Measure], *, code: str | None = None,
                  joint_only: bool = False) -> tuple[Disagreement, ...]:
    """Every unit whose non-missing labels differ (only those involving `code` if given).

    With `joint_only`, only units every coder decided.
    """
    out = []
    for measure in measures:
        for unit in measure.units:
            if joint_only and not unit.joint:
                continue
            given = [label for label in unit.labels if label is not None]
            if len(set(given)) < 2:
                continue
            if code is not None and code not in given:
                continue
            out.append(Disagreement(unit.file, measure.name, unit.key, unit.line, unit.end_line,
                                    unit.phase, unit.labels, unit.decided))
    out.sort(key=lambda d: (d.file, d.line, d.measure))
    return tuple(out)

