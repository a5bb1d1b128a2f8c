"""The review spreadsheet round trip, and `cakit code`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cakit.annotate.codebook import Codebook, load_codebook
from cakit.errors import CakitError
from cakit.model import Role
from cakit.spreadsheet import PLACEHOLDER, cell_text
from cakit.store import MachineState, layer_path, read_layer
from cakit.store.labels import choices, format_label
from cakit.store.sheet import (
    HUMAN_SHEET,
    MACHINE_COLUMNS,
    MACHINE_SHEET,
    export_workbook,
    plan_import,
    read_workbook,
    readable_bullets,
)
from tests.conftest import DEMO, chat_files, needs_shared

from ._fixtures import BASE, effective_of, ident, invoke, machine_state, write


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
    layer = read_layer(layer_path(store, "ann", ident(path)))
    assert layer is not None
    decisions = {d.target: d for d in layer.decisions}
    assert decisions[attempt.id].decision == "accept"
    assert decisions[attempt.id].note == "clear question"
    assert (decisions[response.id].code, decisions[response.id].subtype) == \
        ("ENGAGE", "ENGAGE_EXPLORE")
    assert decisions[elicited.id].decision == "reject"
    assert sorted(c.label for c in layer.codes) == ["ACKNOWLEDGE", "PSY_ATTEMPT/PSY_ASSERT"]
    result_effective = effective_of(state, store, coder="ann")
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
    assert not layer_path(store, "ann", ident(path)).exists()
    # --skip-invalid applies the two good rows and still lists the bad one
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "ann", "--store",
                             str(store), "--skip-invalid"])
    assert "row 3" in result.stderr
    layer = read_layer(layer_path(store, "ann", ident(path)))
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
    assert not layer_path(store, "ann", ident(path)).exists()


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
    layer = read_layer(layer_path(store, "ann", ident(path)))
    assert layer is not None
    assert [(c.label, c.anchor.line, c.note) for c in layer.codes] == [
        ("PSY_ATTEMPT/PSY_ASSERT", 4, "talks about the gym"), ("ACKNOWLEDGE", 5, "")]
    assert layer.codes[1].attempt == layer.codes[0].id


# -- what reaches a worksheet, and the round trip on real files -------------------------

#: Every character openpyxl refuses in a cell.
_REFUSED = re.compile(ILLEGAL_CHARACTERS_RE.pattern)
#: A media time as the sheet shows it: `[00:33.9–00:44.3]`, `[1:02:03.4–1:02:04.0]`.
_TIME = re.compile(r"\[(?:\d+:)?\d\d:\d\d\.\d–(?:\d+:)?\d\d:\d\d\.\d\]")
_TIME_BULLET = re.compile(r"\x15\d+_\d+-?\x15")
#: CABNC files whose bodies are tab-separated columns, not CHAT tiers: no talk to read.
TAB_SEPARATED = frozenset({"021A-C0897X0026XX-AAZZP0.cha", "021A-C0897X0176XX-AAZZP0.cha",
                           "021A-C0897X0519XX-ABZZP0.cha", "021A-C0897X0549XX-ABZZP0.cha"})
DEMO_FILES = sorted(p for p in DEMO.iterdir() if p.suffix in (".txt", ".cha", ".docx"))
CABNC = chat_files("cabnc-ca")
CABNC_CHAT = [p for p in CABNC if p.name not in TAB_SEPARATED]
CABNC_TABS = [p for p in CABNC if p.name in TAB_SEPARATED]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(None)


@pytest.fixture(scope="module")
def cabnc_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the CABNC tests: a file annotated once is reused by the next test."""
    return tmp_path_factory.mktemp("cabnc-store")


def _cabnc_roles(path: Path) -> dict[str, Role]:
    """Roles from the file's @Participants codes: first patient, second clinician, the rest
    other (CABNC's Adult/Unknown roles mean nothing to the annotator)."""
    from cakit.formats import read

    codes = [p.code for p in read(str(path)).transcript.participants]
    roles: list[Role] = ["patient", "clinician"]
    return {code: roles[k] if k < len(roles) else "other" for k, code in enumerate(codes)}


def _round_trip(state: MachineState, codebook: Codebook, folder: Path) -> None:
    """Export one transcript, decide every row (accept / reject / relabel in turn, each with
    a note), read the workbook back and check that everything came back exactly."""
    sheet = folder / "review.xlsx"
    sheet.write_bytes(export_workbook([state], codebook))
    book = load_workbook(sheet)
    column = {name: k + 1 for k, name in enumerate(MACHINE_COLUMNS)}
    machine = book[MACHINE_SHEET]
    assert machine.max_row == len(state.items) + 1
    for name in book.sheetnames:
        for row in book[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not _REFUSED.search(cell.value), (name, cell.coordinate)
                    assert "\x15" not in cell.value, (name, cell.coordinate)
                    assert cell.data_type == "s", (name, cell.coordinate, cell.value)
    expected: dict[str, tuple[str, str | None, str | None, str]] = {}
    for k, item in enumerate(state.items):
        number = k + 2
        assert machine.cell(row=number, column=column["id"]).value == item.id
        options = [o for o in choices(codebook, item.kind) if o != (item.code, item.subtype)]
        decision = ("accept", "reject", "relabel")[k % 3]
        code = subtype = None
        if decision == "relabel" and options:
            code, subtype = options[k % len(options)]
            machine.cell(row=number, column=column["relabel_to"],
                         value=format_label(code, subtype))
        elif decision == "relabel":
            decision = "accept"
        note = f"row {number}: {item.kind} – checked\nsee line {item.anchor.line}"
        machine.cell(row=number, column=column["decision"], value=decision)
        machine.cell(row=number, column=column["note"], value=note)
        expected[item.id] = (decision, code, subtype, note)
        talk = machine.cell(row=number, column=column["context"]).value or ""
        turn = state.text.turn(item.turn_id)
        raw = " ".join(state.text.utterances[u].content for u in turn.utterances) if turn else ""
        assert len(_TIME.findall(talk)) == len(_TIME_BULLET.findall(raw)), (number, talk)
    book.save(sheet)
    plan = plan_import(read_workbook(sheet), coder="AB", codebook=codebook,
                       state_for=lambda source: state, layer_for=lambda source: None)
    assert [str(p) for p in plan.problems] == []
    assert plan.undecided == 0 and plan.codes == []
    assert all(r.source == state.source for r in plan.decisions)
    back = {r.item.id: (r.decision, r.code, r.subtype, r.note) for r in plan.decisions}
    assert back == expected


def test_store_sheet_readable_bullets() -> None:
    assert readable_bullets("hello there . \x1533900_44300\x15") == \
        "hello there . [00:33.9–00:44.3]"
    assert readable_bullets("a . \x150_99\x15 / b . \x153723456_3730000\x15") == \
        "a . [00:00.0–00:00.0] / b . [1:02:03.4–1:02:10.0]"
    assert readable_bullets("skip \x1512_59999-\x15") == "skip [00:00.0–00:59.9]"
    assert readable_bullets('look \x15%pic:"a1/image1.jpg"\x15') == 'look [%pic:"a1/image1.jpg"]'
    assert readable_bullets("lone \x15 mark") == "lone \x15 mark"


def test_store_sheet_cell_text_replaces_what_openpyxl_refuses() -> None:
    for code in range(0x20):
        char = chr(code)
        refused = _REFUSED.match(char) is not None
        assert cell_text(f"a{char}b") == (f"a{PLACEHOLDER}b" if refused else f"a{char}b")
    assert cell_text("line one\n\tline two\r\n") == "line one\n\tline two\r\n"
    assert cell_text("odd \ufffe\uffff") == f"odd {PLACEHOLDER}{PLACEHOLDER}"


def test_store_sheet_control_characters_never_reach_the_sheet(codebook: Codebook,
                                                              tmp_path: Path) -> None:
    text = BASE.replace("okay so how's your appetite been?",
                        "okay so how's\x07 your\x0b appetite been?")
    state = machine_state(write(tmp_path, "t.txt", text), tmp_path / "store")
    _round_trip(state, codebook, tmp_path)
    talk = [row[MACHINE_COLUMNS.index("context")] for row in load_workbook(
        tmp_path / "review.xlsx")[MACHINE_SHEET].iter_rows(min_row=2, values_only=True)]
    assert f"okay so how's{PLACEHOLDER} your{PLACEHOLDER} appetite been?" in talk


def test_store_sheet_prefilled_note_starting_with_equals_comes_back(
        codebook: Codebook, tmp_path: Path) -> None:
    from cakit.store.coding import decide_many

    store = tmp_path / "store"
    state = machine_state(write(tmp_path, "t.txt", BASE), store)
    first = state.items[0]
    decide_many(store, state, [(first, "accept", None, None, "=2 voices, see line 6")],
                coder="ann")
    layer = read_layer(layer_path(store, "ann", state.identity))
    data = export_workbook([state], codebook, layers={state.source: layer})
    plan = plan_import(data, coder="ann", codebook=codebook, state_for=lambda source: state,
                       layer_for=lambda source: None)
    assert plan.problems == []
    assert [(r.item.id, r.decision, r.note) for r in plan.decisions] == \
        [(first.id, "accept", "=2 voices, see line 6")]


@pytest.mark.parametrize("path", DEMO_FILES, ids=[p.name for p in DEMO_FILES])
def test_store_sheet_round_trip_demo(path: Path, codebook: Codebook, tmp_path: Path) -> None:
    state = machine_state(path, tmp_path / "store")
    _round_trip(state, codebook, tmp_path)


def test_store_sheet_shows_media_bullets_as_times(codebook: Codebook, tmp_path: Path) -> None:
    state = machine_state(DEMO / "11-rahman-chat-media.cha", tmp_path / "store")
    (tmp_path / "review.xlsx").write_bytes(export_workbook([state], codebook))
    talk = [row[MACHINE_COLUMNS.index("context")] for row in load_workbook(
        tmp_path / "review.xlsx")[MACHINE_SHEET].iter_rows(min_row=2, values_only=True)]
    assert any(t.endswith("I was so scared . [00:33.9–00:44.3]") for t in talk)


def test_store_sheet_cli_export_and_import_demo(runner: Any, tmp_path: Path) -> None:
    sheet, store = tmp_path / "review.xlsx", tmp_path / "store"
    result = invoke(runner, ["review-sheet", "export", str(DEMO), "-o", str(sheet),
                             "--store", str(store)])
    assert "Traceback" not in result.output
    assert f"from {len(DEMO_FILES)} transcript(s)" in result.stderr
    assert len(DEMO_FILES) == 14 and {p.suffix for p in DEMO_FILES} == {".txt", ".cha", ".docx"}
    book = load_workbook(sheet)
    machine = book[MACHINE_SHEET]
    rows = machine.max_row - 1
    assert rows > 0
    for number in range(2, rows + 2):
        machine.cell(row=number, column=MACHINE_COLUMNS.index("decision") + 1, value="accept")
    book.save(sheet)
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "AB",
                             "--store", str(store)])
    assert "Traceback" not in result.output
    assert f"applied {rows} decision(s) and 0 human code(s) for AB" in result.stderr


@needs_shared
@pytest.mark.parametrize("path", CABNC_CHAT, ids=[p.name for p in CABNC_CHAT])
def test_store_sheet_round_trip_cabnc(path: Path, codebook: Codebook, cabnc_store: Path,
                                      tmp_path: Path) -> None:
    state = machine_state(path, cabnc_store, roles=_cabnc_roles(path))
    _round_trip(state, codebook, tmp_path)


@needs_shared
def test_store_sheet_cabnc_with_roles_has_machine_codes(cabnc_store: Path) -> None:
    assert (len(CABNC_CHAT), len(CABNC_TABS)) == (30, 4)
    rows = sum(len(machine_state(path, cabnc_store, roles=_cabnc_roles(path)).items)
               for path in CABNC_CHAT)
    assert rows >= 10


@needs_shared
@pytest.mark.parametrize("path", CABNC_TABS, ids=[p.name for p in CABNC_TABS])
def test_store_sheet_tab_separated_cabnc_fails_clearly(path: Path, cabnc_store: Path) -> None:
    with pytest.raises(CakitError) as caught:
        machine_state(path, cabnc_store, roles=_cabnc_roles(path))
    assert str(caught.value).startswith(f"{path}: no talk could be read")


def _cabnc_roles_file(folder: Path) -> Path:
    """One roles file for every CABNC CHAT file: each file's first speaker a patient, its
    second a clinician (where the code is not mapped yet), everyone else other."""
    roles: dict[str, Role] = {}
    for path in CABNC_CHAT:
        for code, role in _cabnc_roles(path).items():
            roles.setdefault(code, role)
    target = folder / "roles.yaml"
    target.write_text("roles:\n" + "".join(f"  {code}: {role}\n" for code, role in
                                             sorted(roles.items())), encoding="utf-8")
    return target


@needs_shared
def test_store_sheet_cli_round_trip_cabnc_with_a_roles_file(runner: Any, tmp_path: Path) -> None:
    roles = _cabnc_roles_file(tmp_path)
    sheet, store = tmp_path / "review.xlsx", tmp_path / "store"
    common = ["--store", str(store), "--roles", str(roles)]
    result = invoke(runner, ["review-sheet", "export", *map(str, CABNC_CHAT), "-o", str(sheet),
                             *common])
    assert f"from {len(CABNC_CHAT)} transcript(s)" in result.stderr
    book = load_workbook(sheet)
    machine = book[MACHINE_SHEET]
    rows = machine.max_row - 1
    assert rows >= 10
    column = {name: k + 1 for k, name in enumerate(MACHINE_COLUMNS)}
    expected: dict[str, tuple[str, str]] = {}
    for number in range(2, rows + 2):
        decision = ("accept", "reject")[number % 2]
        note = f"row {number} checked"
        machine.cell(row=number, column=column["decision"], value=decision)
        machine.cell(row=number, column=column["note"], value=note)
        expected[str(machine.cell(row=number, column=column["id"]).value)] = (decision, note)
    book.save(sheet)
    result = invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "AB", *common])
    assert f"applied {rows} decision(s)" in result.stderr
    stored: dict[str, tuple[str, str]] = {}
    for path in CABNC_CHAT:
        layer = read_layer(layer_path(store, "AB", ident(path)))
        for decision in layer.decisions if layer else ():
            stored[decision.target] = (str(decision.decision), decision.note)
    assert stored == expected  # every decision and note is in AB's layers, nothing lost


@needs_shared
def test_store_sheet_cli_export_names_a_tab_separated_file(runner: Any, tmp_path: Path) -> None:
    from cakit.cli import cli

    result = runner.invoke(cli, ["review-sheet", "export", str(CABNC_TABS[0]), "-o",
                                 str(tmp_path / "r.xlsx"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert f"{CABNC_TABS[0]}: no talk could be read" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "r.xlsx").exists()


def test_store_sheet_decision_stays_on_its_turn_after_a_like_turn_is_inserted(
        runner: Any, tmp_path: Path) -> None:
    # an outside review: a coder rejects the PSY_ELICITED on "yeah." (line 53); before the
    # sheet comes back, the transcriber adds a symptom question answered "yeah." above it.
    # The rows named codes by id, the inserted turn took the id, and the rejection landed
    # on a turn nobody reviewed while the reviewed one stayed undecided
    path = write(tmp_path, "harlow.txt",
                 (DEMO / "02-harlow-consultant.txt").read_text(encoding="utf-8"))
    store, sheet = tmp_path / "store", tmp_path / "review.xlsx"
    invoke(runner, ["review-sheet", "export", str(path), "-o", str(sheet), "--store", str(store)])
    before = machine_state(path, store)
    reviewed = next(i for i in before.items if i.kind == "elicited" and i.anchor.line == 53)
    rows = {item.id: k for k, item in enumerate(before.items, 2)}
    _fill(sheet, {k: ("reject" if item_id == reviewed.id else "accept", "", "")
                  for item_id, k in rows.items()})
    asked = "Consultant:  and you're eating alright?\n"
    text = path.read_text(encoding="utf-8")
    assert asked in text
    path.write_text(text.replace(asked, "Consultant:  and any voices, (.) hearing things?\n"
                                 "Pt:          yeah.\nConsultant:  okay.\n" + asked, 1),
                    encoding="utf-8")
    invoke(runner, ["review-sheet", "import", str(sheet), "--coder", "kl", "--store",
                    str(store)])
    after = machine_state(path, store)
    elicited = {i.anchor.line: i for i in after.items if i.kind == "elicited"}
    assert {45, 56} <= set(elicited)  # the inserted turn, and the reviewed one moved down
    assert elicited[45].id == reviewed.id  # the id a position among like codes
    layer = read_layer(layer_path(store, "kl", ident(path)))
    assert layer is not None
    decided = {d.target: d.decision for d in layer.decisions}
    assert decided.get(elicited[56].id) == "reject"
    assert elicited[45].id not in decided  # nobody reviewed the inserted turn
