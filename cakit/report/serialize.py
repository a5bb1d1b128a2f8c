"""Reports as files: JSON, CSV, Markdown and Excel from a `Report` (pure; no I/O).

JSON carries every table of the view (NaN as null) with the notes; CSV carries the view's
main long table (for `--by phase`, every code × phase with counts, denominators and
rates, so figures can be recomputed); Markdown and Excel carry every table. CSV and Excel
cells go through `cakit.spreadsheet`: text that could start a formula gets a leading `'`
and Excel cells are text or numbers, never formulas.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from cakit.report.tables import Report


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with its named index as the first column."""
    return frame.reset_index() if frame.index.name is not None else frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import numpy as np

    records: list[dict[str, Any]] = _flat(frame).to_dict("records")
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and np.isnan(value):
                record[key] = None
    return records


def _table(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """The table's header and rows as Python values (NaN as None)."""
    columns = list(_flat(frame).columns)
    return ([str(c) for c in columns],
            [[record[c] for c in columns] for record in _records(frame)])


def to_json(built: Report) -> str:
    """{"by", "notes", "tables": {name: {"title", "rows": [...]}}}; NaN as null."""
    payload = {
        "by": built.by, "notes": list(built.notes), "consultations": list(built.consultations),
        "tables": {name: {"title": built.titles.get(name, name), "rows": _records(frame)}
                   for name, frame in built.tables.items()},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"


def to_csv(built: Report) -> str:
    """One CSV: the view's main long table (every code × phase with rates for `phase`)."""
    from cakit.spreadsheet import csv_text

    main = built.main or next(iter(built.tables))
    header, rows = _table(built.tables[main])
    return csv_text(rows, header=header)


def to_markdown(built: Report) -> str:
    """Every table as a Markdown table under its title, then the notes."""
    from cakit.report.render import fmt_number, fmt_share, legends

    captions = legends(built.catalogue)

    out = [f"# cakit report (by {built.by})", ""]
    for name, frame in built.tables.items():
        if name == "pooled_by_phase":
            continue
        flat = _flat(frame)
        out.append(f"## {built.titles.get(name, name)}")
        out.append("")
        columns = [str(c) for c in flat.columns]
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "|".join("---:" if flat[c].dtype.kind in "if" else "---"
                                   for c in flat.columns) + "|")
        for record in flat.to_dict("records"):
            cells = [fmt_share(v) if (k == "share" or str(k).endswith("_share"))
                     else fmt_number(v, 2) for k, v in record.items()]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if name in captions:
            out.append("")
            out.append(f"_{captions[name]}_")
        out.append("")
    out.append("## About these figures")
    out.append("")
    out.extend(f"- {note}" for note in built.notes)
    return "\n".join(out) + "\n"


def to_xlsx(built: Report) -> bytes:
    """One sheet per table (names cut to Excel's 31 characters), plus a notes sheet; a
    bold header row, empty cells for missing values."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cakit.spreadsheet import append_row

    book = Workbook()
    blank = book.active
    tables = [(name[:31], *_table(frame)) for name, frame in built.tables.items()]
    tables.append(("notes", ["notes"], [[note] for note in built.notes]))
    for name, header, rows in tables:
        sheet = book.create_sheet(name)
        append_row(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_row(sheet, row)
    if blank is not None:
        book.remove(blank)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["to_csv", "to_json", "to_markdown", "to_xlsx"]
