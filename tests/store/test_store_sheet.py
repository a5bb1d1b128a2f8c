"""The review spreadsheet round trip, and `cakit code`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from cakit.store import effective, layer_path, machine_state, read_layer
from cakit.store.sheet import HUMAN_SHEET, MACHINE_COLUMNS, MACHINE_SHEET

from ._fixtures import BASE, invoke, write


def _export(runner: Any, tmp_path: Path) -> tuple[Path, Path, Path]:
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    sheet = tmp_path / "review.xlsx"
    invoke(runner, ["review-sheet", "export", str(path), "-o", str(sheet), "--store", str(store)])
    return path, store, sheet


def _fill(sheet: Path, decisions: dict[int, tuple[str, str, str]],
          human: list[list[Any]] = ()) -> None:  # type: ignore[assignment]
    book = load_workbook(sheet)
    machine = book[MACHINE_SHEET]
    column = {name: k + 1 for k, name in enumerate(MACHINE_COLUMNS)}
    for row, (decision, relabel, note) in decisions.items():
        machine.cell(row=row, column=column["decision"], value=decision)
        machine.cell(row=row, column=column["relabel_to"], value=relabel)
        machine.cell(row=row, column=column["note"], value=note)
    for values in human:
        book[HUMAN_SHEET].append(values)
    book.save(sheet)


def test_store_sheet_export_has_one_row_per_machine_code(runner: Any, tmp_path: Path) -> None:
    path, store, sheet = _export(runner, tmp_path)
    state = machine_state(path, store)
    book = load_workbook(sheet)
    machine = book[MACHINE_SHEET]
    header = [c.value for c in machine[1]]
    assert header == list(MACHINE_COLUMNS)
    ids = [row[1] for row in machine.iter_rows(min_row=2, values_only=True)]
    assert ids == [item.id for item in state.items]
    validations = machine.data_validations.dataValidation
    formulas = {v.formula1 for v in validations}
    assert '"accept,reject,relabel"' in formulas
    assert any(f and f.startswith("'codes'!") for f in formulas)
    assert HUMAN_SHEET in book.sheetnames
    assert [c.value for c in book[HUMAN_SHEET][1]] == \
        ["transcript", "line", "code", "subtype", "attempt_line", "note"]


def test_store_sheet_import_applies_decisions_and_human_codes(runner: Any,
                                                              tmp_path: Path) -> None:
    path, store, sheet = _export(runner, tmp_path)
    state = machine_state(path, store)
    rows = {item.id: k for k, item in enumerate(state.items, 2)}
    attempt = next(i for i in state.items if i.kind == "attempt")
    response = next(i for i in state.items if i.kind == "response")
    elicited = next(i for i in state.items if i.kind == "elicited")
    _fill(sheet, {rows[attempt.id]: ("accept", "", "clear question"),
                  rows[response.id]: ("relabel", "ENGAGE/ENGAGE_EXPLORE", ""),
                  rows[elicited.id]: ("reject", "", "")},
          human=[[str(path), 4, "PSY_ATTEMPT", "PSY_ASSERT", None, "gym talk"],
                 [str(path), 5, "ACKNOWLEDGE", None, 4, ""]])
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "ann",
                             "--store", str(store)])
    assert "applied 3 decision(s) and 2 human code(s)" in result.stderr
    layer = read_layer(layer_path(store, "ann", path))
    assert layer is not None
    decisions = {d.target: d for d in layer.decisions}
    assert decisions[attempt.id].decision == "accept"
    assert decisions[attempt.id].note == "clear question"
    assert (decisions[response.id].code, decisions[response.id].subtype) == \
        ("ENGAGE", "ENGAGE_EXPLORE")
    assert decisions[elicited.id].decision == "reject"
    assert sorted(c.label for c in layer.codes) == ["ACKNOWLEDGE", "PSY_ATTEMPT/PSY_ASSERT"]
    result_effective = effective(state.consultation, root=store, coder="ann",
                                 transcript=state.transcript)
    assert any(a.line == 4 and a.producer == "human:ann" for a in result_effective.attempts)
    # exporting again with --coder pre-fills the decisions
    again = tmp_path / "again.xlsx"
    invoke(runner, ["review-sheet", "export", str(path), "-o", str(again), "--store", str(store),
                    "--coder", "ann"])
    machine = load_workbook(again)[MACHINE_SHEET]
    filled = {row[1]: (row[11], row[12]) for row in machine.iter_rows(min_row=2, values_only=True)}
    assert filled[response.id] == ("relabel", "ENGAGE/ENGAGE_EXPLORE")


def test_store_sheet_import_with_a_bad_row_writes_nothing(runner: Any, tmp_path: Path) -> None:
    path, store, sheet = _export(runner, tmp_path)
    _fill(sheet, {2: ("accept", "", ""), 3: ("acept", "", ""), 4: ("reject", "", "")})
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "ann", "--store",
                             str(store)], code=1)
    assert "sheet 'machine codes' row 3: decision 'acept' is not one of accept, reject, relabel" \
        in result.stderr
    assert "nothing was written" in result.stderr
    assert not layer_path(store, "ann", path).exists()
    # --skip-invalid applies the two good rows and still lists the bad one
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "ann", "--store",
                             str(store), "--skip-invalid"])
    assert "row 3" in result.stderr
    layer = read_layer(layer_path(store, "ann", path))
    assert layer is not None and len(layer.decisions) == 2


def test_store_sheet_import_lists_every_invalid_row(runner: Any, tmp_path: Path) -> None:
    path, store, sheet = _export(runner, tmp_path)
    book = load_workbook(sheet)
    book[MACHINE_SHEET].cell(row=2, column=2, value="0000000000000000")
    book.save(sheet)
    _fill(sheet, {2: ("accept", "", ""), 3: ("relabel", "ENGAGE/NOT_A_SUBTYPE", ""),
                  4: ("relabel", "", ""), 5: ("accept", "CLARIFY", "")},
          human=[[str(path), 4, "PSY_ATTEMPT", "PSY_NOPE", None, ""],
                 [str(path), 5, "ENGAGE", "ENGAGE_EXPLORE", None, ""],
                 [str(path), 999, "PSY_ELICITED", None, None, ""]])
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "ann", "--store",
                             str(store)], code=1)
    err = result.stderr
    assert "'machine codes' row 2: unknown id '0000000000000000'" in err
    assert "'machine codes' row 3: relabel_to 'ENGAGE/NOT_A_SUBTYPE'" in err
    assert "'machine codes' row 4: decision is relabel but relabel_to is empty" in err
    assert "'machine codes' row 5: relabel_to is filled in" in err
    assert "'human codes' row 2: subtype 'PSY_NOPE' is not a subtype of PSY_ATTEMPT" in err
    assert "'human codes' row 3: ENGAGE belongs to an attempt" in err
    assert "'human codes' row 4: line 999" in err
    assert "7 row(s) cannot be applied" in err
    assert not layer_path(store, "ann", path).exists()


def test_store_code_command(runner: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    base = ["code", str(path), "--coder", "ann", "--store", str(store)]
    result = invoke(runner, [*base, "--line", "4", "--code", "psy_attempt", "--subtype",
                             "PSY_ASSERT", "--note", "talks about the gym"])
    assert "ann coded PSY_ATTEMPT/PSY_ASSERT at line 4" in result.stdout
    invoke(runner, [*base, "--line", "5", "--code", "ACKNOWLEDGE", "--attempt-line", "4"])
    bad = invoke(runner, [*base, "--line", "5", "--code", "ENGAGE", "--subtype", "ENGAGE_X",
                          "--attempt-line", "4"], code=2)
    assert "subtype 'ENGAGE_X' is not a subtype of ENGAGE" in bad.output
    missing = invoke(runner, [*base, "--line", "5", "--code", "ENGAGE"], code=2)
    assert "--attempt-line" in missing.output
    layer = read_layer(layer_path(store, "ann", path))
    assert layer is not None
    assert [(c.label, c.anchor.line, c.note) for c in layer.codes] == [
        ("PSY_ATTEMPT/PSY_ASSERT", 4, "talks about the gym"), ("ACKNOWLEDGE", 5, "")]
    assert layer.codes[1].attempt == layer.codes[0].id
