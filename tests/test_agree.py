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
    Measure,
    Unit,
    agreement,
    binary,
    cohen_kappa,
    disagreements,
    krippendorff_alpha,
    percent_agreement,
    prevalence,
    undefined_reason,
)
from cakit.cli import cli
from tests.store._fixtures import SHORT

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


# -- the command -----------------------------------------------------------------------

TRANSCRIPT = SHORT


def _run(runner: Any, args: list[str], code: int = 0) -> Any:
    result = runner.invoke(cli, args, catch_exceptions=False, env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    return result


def test_agree_command_on_two_coders(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    store = tmp_path / "store"
    common = ["--store", str(store)]
    # ann accepts the machine's attempt on line 4; ben rejects it and codes line 7 instead
    runner.invoke(cli, ["review", str(path), "--coder", "ann", *common, "--kind", "attempt"],
                  input="a\n")
    runner.invoke(cli, ["review", str(path), "--coder", "ben", *common, "--kind", "attempt"],
                  input="r\n")
    _run(runner, ["code", str(path), "--line", "7", "--code", "PSY_ATTEMPT", "--subtype",
                  "PSY_ASSERT", "--coder", "ben", *common])
    result = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
                           "--format", "json", *common])
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
                                    "attempt", "--format", "json", *common]).stdout)["rows"]
    assert next(r for r in auto if r["code"] == "PSY_ATTEMPT" and r["scope"] == "all"
                and r["measure"] == "attempt")["kappa"] == pytest.approx(1.0)
    # sequences: no attempt both coders saw, so nothing to compare — undefined, no crash
    sequence = json.loads(_run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit",
                                        "sequence", "--format", "json", *common]).stdout)["rows"]
    assert all(r["kappa"] is None and r["note"].startswith("undefined") for r in sequence)
    # the disagreement table for coder training
    listed = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--unit", "attempt",
                           "--disagreements", "--format", "csv", *common]).stdout
    lines = listed.strip().splitlines()
    assert lines[0] == "file,measure,unit,lines,phase,ann,ben"
    assert any(",attempt,t4,4," in line and line.endswith("PSY_ATTEMPT,none") for line in lines)
    assert any(",attempt,t6,7," in line and line.endswith("none,PSY_ATTEMPT") for line in lines)
    table = _run(runner, ["agree", str(path), "--coders", "ann", "ben", *common]).stdout
    assert "prevalence" in table and "kappa" in table
    markdown = _run(runner, ["agree", str(path), "--coders", "ann", "ben", "--format", "md",
                             *common]).stdout
    assert markdown.count("|") > 20


def test_agree_command_needs_two_coders(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = _run(runner, ["agree", str(path), "--coders", "ann", "--store",
                           str(tmp_path / "s")], code=2)
    assert "at least two" in result.output
