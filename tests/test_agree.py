"""Agreement coefficients against hand computation and the `krippendorff` package; the CLI."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest

from cakit.agreement import (
    Coverage,
    Measure,
    Unit,
    agreement,
    binary,
    cohen_kappa,
    coverage,
    disagreements,
    joint_units,
    krippendorff_alpha,
    labelled_units,
    pairable_units,
    percent_agreement,
    prevalence,
    undefined_reason,
    units_for,
)
from cakit.annotations import Attempt, ConsultationAnnotations, TurnRecord
from cakit.cli import cli
from tests.store._fixtures import BASE, SHORT

A, B, C, N = "A", "B", "C", "none"


def _package_alpha(data: Sequence[Sequence[str | None]]) -> float:
    """Krippendorff's alpha from the reference package (labels mapped to numbers)."""
    labels = sorted({v for row in data for v in row if v is not None})
    codes = {label: float(k) for k, label in enumerate(labels)}
    array = np.array([[np.nan if v is None else codes[v] for v in row] for row in data])
    return float(krippendorff.alpha(reliability_data=array, level_of_measurement="nominal"))


def test_agree_two_coders_by_hand() -> None:
    first = [A, A, A, B, B, A, B, A, A, B]
    second = [A, A, B, B, B, A, A, A, A, B]
    # p_o = 8/10; p_e = 0.6*0.6 + 0.4*0.4 = 0.52; kappa = 0.28 / 0.48
    assert percent_agreement([first, second]) == pytest.approx(0.8)
    assert cohen_kappa(first, second) == pytest.approx(0.28 / 0.48)
    # coincidences: o_AA = 10, o_BB = 6, o_AB = o_BA = 2; n_A = 12, n_B = 8, n = 20
    # alpha = 1 - 19 * 4 / (2 * 12 * 8)
    alpha = krippendorff_alpha([first, second])
    assert alpha == pytest.approx(1 - 19 * 4 / 192)
    assert alpha == pytest.approx(_package_alpha([first, second]))


def test_agree_one_coder_never_uses_a_code() -> None:
    first = ["X", "X", N, N, N, N]
    second = [N, N, N, N, N, N]
    table = binary([first, second], "X")
    # p_o = 4/6 and p_e = (2/6)*0 + (4/6)*1 = 4/6, so kappa = 0
    assert cohen_kappa(table[0], table[1]) == pytest.approx(0.0)
    # n_X = 2, n_notX = 10, o_X,notX = o_notX,X = 2: alpha = 1 - 11 * 4 / (2 * 2 * 10)
    assert krippendorff_alpha(table) == pytest.approx(-0.1)
    assert krippendorff_alpha(table) == pytest.approx(_package_alpha(table))
    assert prevalence([first, second], "X") == pytest.approx(2 / 12)
    assert percent_agreement(table) == pytest.approx(4 / 6)


def test_agree_prevalence_rests_on_the_units_the_coefficients_use() -> None:
    """A unit only one coder decided is in neither kappa nor alpha; an audit found it in
    the prevalence beside them (31.5 % over every label against 42.9 % over the 14 joint
    units of the demo)."""
    first = ["X", N, "X", "X", "X", None]
    second = ["X", N, N, None, None, "X"]
    assert pairable_units([first, second]) == 3
    assert prevalence([first, second], "X") == pytest.approx(3 / 6)
    assert prevalence([first, second]) == pytest.approx(3 / 6)
    assert prevalence([[None, "X"], ["X", None]], "X") is None  # no unit both decided


def test_agree_perfect_agreement() -> None:
    table = [[A, B, A, C], [A, B, A, C]]
    assert cohen_kappa(*table) == pytest.approx(1.0)
    assert krippendorff_alpha(table) == pytest.approx(1.0)
    assert krippendorff_alpha(table) == pytest.approx(_package_alpha(table))
    assert percent_agreement(table) == 1.0
    assert undefined_reason(table) == ""


def test_agree_perfect_agreement_on_one_category_is_undefined() -> None:
    table = [[A, A, A], [A, A, A]]
    assert percent_agreement(table) == 1.0
    assert cohen_kappa(*table) is None
    assert krippendorff_alpha(table) is None
    assert undefined_reason(table) == "undefined: every coder used the same single category"


@pytest.mark.parametrize("table", [[[A], [A]], [[A], [B]], [[A, None], [None, B]]])
def test_agree_single_unit_is_undefined_not_a_crash(table: list[list[str | None]]) -> None:
    assert cohen_kappa(*table) is None
    assert krippendorff_alpha(table) is None
    assert undefined_reason(table).startswith("undefined: ")
    rows = agreement([Measure("code", tuple(
        Unit("f", f"t{u}", u, u, "OPENING", tuple(row[u] for row in table))
        for u in range(len(table[0]))))])
    assert rows[0].kappa is None and rows[0].alpha is None and "undefined" in rows[0].note


def test_agree_three_coders_with_missing_values_match_the_package() -> None:
    table: list[list[str | None]] = [
        [A, B, A, A, B, None, C, A],
        [A, B, B, A, B, A, C, None],
        [A, B, B, None, A, A, C, A],
    ]
    assert krippendorff_alpha(table) == pytest.approx(_package_alpha(table))


@pytest.mark.parametrize("seed", range(8))
def test_agree_random_tables_match_the_package(seed: int) -> None:
    rng = random.Random(seed)
    coders = rng.randint(2, 4)
    units = rng.randint(5, 40)
    categories = [A, B, C, N][: rng.randint(2, 4)]
    table: list[list[str | None]] = [
        [None if rng.random() < 0.1 else rng.choice(categories) for _ in range(units)]
        for _ in range(coders)
    ]
    ours = krippendorff_alpha(table)
    if ours is None:
        pytest.fail(f"alpha undefined on {table}")
    assert ours == pytest.approx(_package_alpha(table))


def test_agree_rows_carry_prevalence_per_code_and_phase() -> None:
    units = tuple(
        Unit("f", f"t{k}", k, k, "OPENING" if k < 10 else "CLOSING",
             ("X" if k in (3,) else N, "X" if k in (3, 12) else N))
        for k in range(20)
    )
    rows = agreement([Measure("code", units)])
    overall = next(r for r in rows if r.scope == "all" and r.code == "X")
    assert overall.prevalence == pytest.approx(3 / 40)
    assert overall.percent == pytest.approx(19 / 20)
    # a rare code: 95% raw agreement, kappa far lower (the kappa paradox)
    assert overall.kappa is not None and overall.kappa < 0.7
    phases = {r.scope for r in rows}
    assert phases == {"all", "OPENING", "CLOSING"}
    opening = next(r for r in rows if r.scope == "OPENING" and r.code == "X")
    assert opening.kappa == pytest.approx(1.0) and opening.units == 10
    found = disagreements([Measure("code", units)])
    assert [(d.key, d.labels) for d in found] == [("t12", (N, "X"))]


# -- only decided units count ----------------------------------------------------------

def _consultation(attempt_turns: Sequence[int], size: int = 20) -> ConsultationAnnotations:
    """A consultation of `size` patient turns t1.., with attempts on the given ones."""
    turns = tuple(TurnRecord(id=f"t{k}", speaker="P", role="patient", line=k, end_line=k,
                             phase="OPENING") for k in range(1, size + 1))
    attempts = tuple(Attempt(id=f"a{k}", turn_id=f"t{k}", line=k, subtypes=())
                     for k in attempt_turns)
    return ConsultationAnnotations(id="c", source="c.txt", format="plain", turns=turns,
                                   attempts=attempts)


def _turn_ids(*numbers: int) -> frozenset[str]:
    return frozenset(f"t{k}" for k in numbers)


#: Coder A sees attempts on t1-t4 (decided) and t13-t14 (t13 decided, t14 the machine's
#: undecided proposal); coder B on t1-t3 and t5 (decided) and t13-t14 (undecided).
FIRST = _consultation([1, 2, 3, 4, 13, 14])
SECOND = _consultation([1, 2, 3, 5, 13, 14])
FIRST_DECIDED = _turn_ids(*range(1, 13), 13)
SECOND_DECIDED = _turn_ids(*range(1, 13), 15, 16)


def _overall(measures: Sequence[Measure], name: str) -> Any:
    return next(r for r in agreement(measures) if r.measure == name and r.scope == "all"
                and r.code == "*")


def test_agree_kappa_is_over_jointly_decided_units_only() -> None:
    measures = units_for("attempt", [FIRST, SECOND], "c.txt", [FIRST_DECIDED, SECOND_DECIDED])
    row = _overall(measures, "attempt")
    # jointly decided: t1-t12. (A, B): t1-t3 (att, att), t4 (att, none), t5 (none, att),
    # t6-t12 (none, none). p_o = 10/12; A and B each 4 att, 8 none:
    # p_e = (4*4 + 8*8) / 12^2 = 80/144 = 5/9; kappa = (10/12 - 5/9) / (1 - 5/9) = 10/16
    assert row.units == 12
    assert row.percent == pytest.approx(10 / 12)
    assert row.kappa == pytest.approx(0.625)
    # counting the undecided codes as accepted (all 20 turns): 18 agree; A and B each
    # 6 att, 14 none: p_e = (36 + 196) / 400 = 0.58; kappa = (0.9 - 0.58) / 0.42
    counted = units_for("attempt", [FIRST, SECOND], "c.txt", [FIRST_DECIDED, SECOND_DECIDED],
                        include_undecided=True)
    row = _overall(counted, "attempt")
    assert row.units == 20
    assert row.kappa == pytest.approx(0.32 / 0.42)
    # without decided sets every coder counts as deciding everything (the same 20 units)
    assert _overall(units_for("attempt", [FIRST, SECOND], "c.txt"), "attempt").units == 20


def test_agree_coverage_counts_decided_joint_and_machine_only() -> None:
    for include in (False, True):
        measures = units_for("attempt", [FIRST, SECOND], "c.txt",
                             [FIRST_DECIDED, SECOND_DECIDED], include_undecided=include)
        found = coverage(measures)
        assert [c.measure for c in found] == ["attempt", "subtype"]
        # 20 turns; A decided 13, B 14, both t1-t12, nobody t14 and t17-t20
        assert found[0] == Coverage(measure="attempt", units=20, decided=(13, 14), joint=12,
                                    machine_only=5)
        assert joint_units(found) == 12
    # the machine as a coder decides every unit, so joint = the human's; machine-only
    # still counts the units no human decided
    machine = coverage(units_for("attempt", [FIRST, SECOND], "c.txt", [None, SECOND_DECIDED]))
    assert machine[0] == Coverage(measure="attempt", units=20, decided=(20, 14), joint=14,
                                  machine_only=6)
    assert joint_units(()) == 0
    # no units at all (no attempt anywhere): still a count per coder when told how many
    empty = coverage(units_for("sequence", [_consultation([]), _consultation([])], "c.txt",
                               [FIRST_DECIDED, SECOND_DECIDED]), 2)
    assert [(c.units, c.decided, c.joint) for c in empty] == [(0, (0, 0), 0)] * 2


def test_agree_an_attempt_with_no_response_coded_gives_no_r1_to_agree_on() -> None:
    # two coders who each added the same attempt and coded no response "agreed" on
    # NO_UPTAKE: an agreement on codes nobody gave
    from dataclasses import replace

    from cakit.annotations import not_coded

    def added(consultation: ConsultationAnnotations) -> ConsultationAnnotations:
        own = tuple(replace(a, producer="human:AB") for a in consultation.attempts)
        return replace(consultation, attempts=own, responses=tuple(not_coded(a) for a in own))

    measures = units_for("sequence", [added(FIRST), added(SECOND)], "c.txt")
    for name in ("R1 uptake", "outcome"):
        labels = {u.key: u.labels for u in next(m for m in measures if m.name == name).units}
        assert labels["t1"] == (None, None), name
    uptake = next(m for m in measures if m.name == "R1 uptake")
    assert pairable_units([[u.labels[k] for u in uptake.units] for k in (0, 1)]) == 0
    assert labelled_units(measures) == 0


def test_agree_rejecting_every_response_disagrees_with_accepting_them() -> None:
    """A second outside review: when a coder rejected every response of machine attempts
    (R1 NOT_CODED) and another accepted them, agree left those units unlabelled and
    reported 100 % over the 3 left; before, 25 % over 12. Rejecting is a decision."""
    from dataclasses import replace

    from cakit.annotations import Response, not_coded

    # a coder who also relabelled the attempt's subtype (producer human) rejected them too
    machine = replace(FIRST, attempts=tuple(replace(a, producer="human:AB", status="edited")
                                            for a in FIRST.attempts))
    rejected = replace(machine, responses=tuple(not_coded(a, rejected=True)
                                                for a in machine.attempts))
    accepted = replace(machine, responses=tuple(
        Response(attempt_id=a.id, turn_id=None, line=None, rank=1, uptake="ENGAGE")
        for a in machine.attempts))
    measures = units_for("sequence", [rejected, accepted], "c.txt")
    uptake = {u.key: u.labels for u in next(m for m in measures if m.name == "R1 uptake").units}
    assert uptake["t1"] == ("NOT_CODED", "ENGAGE")
    assert _overall(measures, "R1 uptake").percent == 0.0


def test_agree_sequence_units_keep_only_decided_sequences() -> None:
    measures = units_for("sequence", [FIRST, SECOND], "c.txt",
                         [_turn_ids(1, 2, 4), _turn_ids(1, 3)])
    uptake = next(m for m in measures if m.name == "R1 uptake")
    labels = {u.key: u.labels for u in uptake.units}
    # units: every turn either coder marked as an attempt
    assert set(labels) == {"t1", "t2", "t3", "t4", "t5", "t13", "t14"}
    assert labels["t1"] == ("NO_UPTAKE", "NO_UPTAKE")
    assert labels["t2"] == ("NO_UPTAKE", None) and labels["t3"] == (None, "NO_UPTAKE")
    assert labels["t5"] == (None, None)
    assert coverage(measures)[0] == Coverage(measure="R1 uptake", units=7, decided=(3, 2),
                                             joint=1, machine_only=3)


def test_agree_disagreements_joint_only() -> None:
    units = (Unit("f", "t1", 1, 1, "OPENING", (A, B), (True, True)),
             Unit("f", "t2", 2, 2, "OPENING", (A, B, C), (True, True, False)),
             Unit("f", "t3", 3, 3, "OPENING", (A, C), (None, True)))
    found = disagreements([Measure("code", units)], joint_only=True)
    assert [d.key for d in found] == ["t1", "t3"]
    assert found[0].decided == (True, True)
    assert len(disagreements([Measure("code", units)])) == 3
    with pytest.raises(ValueError, match="one entry"):
        units_for("attempt", [FIRST, SECOND], "c.txt", [FIRST_DECIDED])


# -- the command -----------------------------------------------------------------------

TRANSCRIPT = SHORT


def _run(runner: Any, args: list[str], code: int = 0, input: str | None = None) -> Any:
    result = runner.invoke(cli, args, catch_exceptions=False, env={"COLUMNS": "200"},
                           input=input)
    assert result.exit_code == code, result.output
    return result


def _two_coders_on_short(runner: Any, tmp_path: Path) -> tuple[Path, list[str]]:
    """SHORT with ann accepting the machine's attempt on line 4, and ben rejecting it and
    coding line 7 as an attempt instead: ann decided t4, ben t4 and t6."""
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    common = ["--store", str(tmp_path / "store")]
    runner.invoke(cli, ["review", str(path), "--coder", "ann", *common, "--kind", "attempt"],
                  input="a\n")
    runner.invoke(cli, ["review", str(path), "--coder", "ben", *common, "--kind", "attempt"],
                  input="r\n")
    _run(runner, ["code", str(path), "--line", "7", "--code", "PSY_ATTEMPT", "--subtype",
                  "PSY_ASSERT", "--coder", "ben", *common])
    return path, common


def test_agree_command_on_two_coders(runner: Any, tmp_path: Path) -> None:
    path, common = _two_coders_on_short(runner, tmp_path)
    undecided = "--include-undecided"
    result = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
                           undecided, "--format", "json", *common])
    rows = json.loads(result.stdout)["rows"]
    row = next(r for r in rows if r["measure"] == "attempt" and r["scope"] == "all"
               and r["code"] == "PSY_ATTEMPT")
    # patient turns t2, t4, t6, t8: ann [-, A, -, -], ben [-, -, A, -]
    assert row["units"] == 4
    assert row["prevalence"] == pytest.approx(2 / 8)
    assert row["percent"] == pytest.approx(0.5)
    assert row["kappa"] == pytest.approx((0.5 - 10 / 16) / (1 - 10 / 16))
    assert row["alpha"] == pytest.approx(1 - 7 * 4 / (2 * 2 * 6))
    # the machine as a coder: it agrees with ann everywhere on attempts
    auto = json.loads(_run(runner, ["agree", str(path), "--coders", "auto", "ann", "--unit",
                                    "attempt", undecided, "--format", "json",
                                    *common]).stdout)["rows"]
    assert next(r for r in auto if r["code"] == "PSY_ATTEMPT" and r["scope"] == "all"
                and r["measure"] == "attempt")["kappa"] == pytest.approx(1.0)
    # sequences: no attempt both coders saw, so nothing to compare — undefined, no crash
    sequence = json.loads(_run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit",
                                        "sequence", undecided, "--format", "json",
                                        *common]).stdout)["rows"]
    assert all(r["kappa"] is None and r["note"].startswith("undefined") for r in sequence)
    # the disagreement table for coder training: by default only what both decided (t4) …
    listed = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
                           "--disagreements", "--format", "csv", *common]).stdout
    lines = listed.strip().splitlines()
    assert lines[0] == "file,measure,unit,lines,phase,ann,ben"
    assert any(",attempt,t4,4," in line and line.endswith("PSY_ATTEMPT,none") for line in lines)
    assert not any(",t6," in line for line in lines)
    # … and with undecided codes counted, t6 too, saying whose label was undecided
    listed = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
                           "--disagreements", undecided, "--format", "csv", *common]).stdout
    lines = listed.strip().splitlines()
    assert lines[0] == "file,measure,unit,lines,phase,ann,ben,undecided (counted as accepted)"
    assert any(",attempt,t4,4," in line and line.endswith("PSY_ATTEMPT,none,")
               for line in lines)
    assert any(",attempt,t6,7," in line and line.endswith("none,PSY_ATTEMPT,ann")
               for line in lines)
    table = _run(runner, ["agree", str(path), "--coders", "ann", "ben", undecided,
                          *common]).stdout
    assert "prevalence" in table and "kappa" in table
    markdown = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--format", "md",
                             undecided, *common]).stdout
    assert markdown.count("|") > 20


MESSAGE = ("ann and ben both decided 1 attempt unit (ann 1, ben 2, of 4); at least 10 are "
           "needed for kappa/alpha to mean anything — review more, or pass "
           "--include-undecided to count undecided machine codes as accepted")


def test_agree_command_refuses_too_few_decided_units(runner: Any, tmp_path: Path) -> None:
    path, common = _two_coders_on_short(runner, tmp_path)
    base = ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt", *common]
    for output_format in ("table", "csv", "md", "json"):
        refused = _run(runner, [*base, "--format", output_format], code=1)
        assert refused.stdout == ""
        assert MESSAGE in refused.stderr
    # the machine decides everything, so auto and ann jointly decided ann's one unit
    refused = _run(runner, ["agree", str(path), "--coders", "auto", "ann", "--unit",
                            "attempt", *common], code=1)
    assert "auto and ann both decided 1 attempt unit (auto 4, ann 1, of 4)" in refused.stderr
    # counted as accepted: it runs, and every format says so
    note = "undecided machine codes counted as accepted"
    table = _run(runner, [*base, "--include-undecided"]).stdout
    assert note in table and "Coverage (attempt units): ann, ben" in table
    assert table.index("Coverage") < table.index("kappa")
    assert note in _run(runner, [*base, "--include-undecided", "--format", "md"]).stdout
    data = json.loads(_run(runner, [*base, "--include-undecided", "--format", "json"]).stdout)
    assert data["undecided"] == "counted as accepted"
    assert any(note in line for line in data["notes"])
    assert data["coverage"][0] == {"measure": "attempt", "units": 4,
                                   "decided": {"ann": 1, "ben": 2}, "joint": 1,
                                   "machine_only": 2}
    csv_text = _run(runner, [*base, "--include-undecided", "--format", "csv"]).stdout
    coverage_part, coefficients = csv_text.split("\n\n")
    assert coverage_part.splitlines() == [
        "measure,units,decided by ann,decided by ben,decided by both,machine only,"
        "undecided machine codes",
        "attempt,4,1,2,1,2,counted as accepted",
        "subtype,4,1,2,1,2,counted as accepted",
    ]
    assert coefficients.startswith("measure,scope,code,units,prevalence,percent,kappa,alpha")


def test_agree_command_with_no_units_to_compare(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Dr:   how have you been?\nP:    fine thanks.\n", encoding="utf-8")
    base = ["agree", str(path), "--coders", "ann", "ben", "--unit", "sequence",
            "--store", str(tmp_path / "store")]
    refused = _run(runner, base, code=1)
    assert "ann and ben both decided 0 sequence units (ann 0, ben 0, of 0)" in refused.stderr
    data = json.loads(_run(runner, [*base, "--include-undecided", "--format", "json"]).stdout)
    assert data["coverage"][0]["decided"] == {"ann": 0, "ben": 0}
    assert data["rows"] == []


def test_agree_command_over_jointly_decided_turns(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(BASE, encoding="utf-8")
    common = ["--store", str(tmp_path / "store")]
    # BASE: 13 machine items on 12 of its 18 turns, in this order: attempt t6, response t7,
    # HESITATE t7, elicited t8, response t9, attempt t10, responses t11 and t12, carer t14,
    # attempt t15, response t16, elicited t17, response t18. ann accepts every one; ben
    # rejects the elicited answer on t8 and the TOPIC_SHIFT on t12.
    _run(runner, ["review", str(path), "--coder", "ann", *common], input="a\n" * 13)
    _run(runner, ["review", str(path), "--coder", "ben", *common],
         input="a\na\na\nr\na\na\na\nr\na\na\na\na\na\n")
    base = ["agree", str(path), "--coders", "ann", "ben", *common]
    data = json.loads(_run(runner, [*base, "--format", "json"]).stdout)
    assert data["undecided"] == "left out"
    assert data["coverage"] == [{"measure": "code", "units": 18,
                                 "decided": {"ann": 12, "ben": 12}, "joint": 12,
                                 "machine_only": 6}]
    row = next(r for r in data["rows"] if r["scope"] == "all" and r["code"] == "*")
    # 12 jointly decided turns; ann and ben differ on t8 (PSY_ELICITED / none) and t12
    # (TOPIC_SHIFT / none): p_o = 10/12.
    # ann: PSY_ATTEMPT 3, PSY_ELICITED 2, TOPIC_SHIFT 2, QUESTION_BACK, ACKNOWLEDGE,
    # CARER_LAUGH, ENGAGE, CLOSE_DOWN 1 each; ben the same but PSY_ELICITED 1,
    # TOPIC_SHIFT 1, none 2. p_e = (3*3 + 2*1 + 2*1 + 5*1*1) / 12^2 = 18/144 = 1/8;
    # kappa = (10/12 - 1/8) / (1 - 1/8) = (17/24) / (21/24) = 17/21
    assert row["units"] == 12
    assert row["percent"] == pytest.approx(10 / 12)
    assert row["kappa"] == pytest.approx(17 / 21)
    # the six turns nobody decided (machine "none" for both) would add six agreements:
    # p_o = 16/18, p_e = (18 + 6*8) / 18^2, kappa = 222/258
    counted = json.loads(_run(runner, [*base, "--format", "json",
                                       "--include-undecided"]).stdout)
    row = next(r for r in counted["rows"] if r["scope"] == "all" and r["code"] == "*")
    assert row["units"] == 18 and row["kappa"] == pytest.approx(222 / 258)
    table = _run(runner, base).stdout
    assert "undecided machine codes left out: kappa and alpha are over the 12 units ann " \
           "and ben both decided" in table
    listed = _run(runner, [*base, "--disagreements", "--format", "csv"]).stdout
    assert [line.split(",")[2] for line in listed.strip().splitlines()[1:]] == ["t8", "t12"]


def test_agree_command_needs_two_coders(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = _run(runner, ["agree", str(path), "--coders", "ann", "--store",
                           str(tmp_path / "s")], code=2)
    assert "at least two" in result.output


def test_agree_refuses_a_code_no_coder_gave(runner: Any, tmp_path: Path) -> None:
    # a typo printed 100% agreement (everyone "agreed" PSY_ATEMPT was absent), exit 0
    path, common = _two_coders_on_short(runner, tmp_path)
    args = ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
            "--include-undecided", "--format", "json", *common]
    typo = _run(runner, [*args, "--code", "PSY_ATEMPT"], code=2)
    assert "no coder gave that label" in typo.output and "did you mean PSY_ATTEMPT" in typo.output
    rows = json.loads(_run(runner, [*args, "--code", "PSY_ATTEMPT"]).stdout)["rows"]
    assert rows and {r["code"] for r in rows} == {"PSY_ATTEMPT"}
