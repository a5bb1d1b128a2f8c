"""Concordances as a terminal table, CSV, JSON, Markdown or HTML, and as excerpts.

Each renderer takes `KwicHit`s (already de-identified when asked) and returns a value;
nothing here prints. CSV goes through `cakit.spreadsheet`, so no cell can become a
formula. `hit_excerpts` hands the hits to the excerpt writer (`cakit.report.excerpts`),
which lays them out as numbered Jefferson extracts with an arrow on the hit lines.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cakit.report.page import CAVEAT, DEIDENTIFIED, NOT_DEIDENTIFIED
from cakit.search.kwic import KwicHit, Line, Source
from cakit.search.tree import shown_query

if TYPE_CHECKING:
    from rich.table import Table

    from cakit.report.deid import Deidentifier
    from cakit.report.excerpts import Excerpt
    from cakit.search.match import CorpusIndex, Hit
    from cakit.search.query import Query

CSV_COLUMNS = ("hit", "step", "consultation", "file", "line", "end_line", "speaker", "role",
               "phase", "turn_id", "backchannel", "codes", "before", "left", "match", "right",
               "after", "text")
HIGHLIGHT = "bold reverse"


def _said(line: Line) -> str:
    return f"{line.speaker}: {line.text}"


def rows(hits: Sequence[KwicHit]) -> list[dict[str, Any]]:
    """One row per hit turn (two for `A >> B`), with the talk around it: `before` and
    `after` hold the turns up to the previous and next hit turn (or the context)."""
    out: list[dict[str, Any]] = []
    for hit in hits:
        lines = hit.lines
        marks = [at for at, line in enumerate(lines) if line.is_hit]
        for number, at in enumerate(marks):
            start = marks[number - 1] + 1 if number else 0
            stop = marks[number + 1] if number + 1 < len(marks) else len(lines)
            line = lines[at]
            out.append({
                "hit": hit.number, "step": line.step + 1, "consultation": hit.consultation,
                "file": hit.file, "line": line.line, "end_line": line.end_line,
                "speaker": line.speaker, "role": line.role, "phase": line.phase,
                "turn_id": line.turn_id, "backchannel": line.backchannel,
                "codes": ";".join(line.codes),
                "before": " / ".join(_said(other) for other in lines[start:at]),
                "left": line.left, "match": line.key, "right": line.right,
                "after": " / ".join(_said(other) for other in lines[at + 1:stop]),
                "text": line.text,
            })
    return out


def to_csv(hits: Sequence[KwicHit]) -> str:
    """CSV, one row per hit turn (`rows`); cells that could start a formula get a `'`."""
    from cakit.spreadsheet import csv_records

    return csv_records(rows(hits), CSV_COLUMNS)


def _line_json(line: Line) -> dict[str, Any]:
    return {"part": line.part, "step": line.step + 1 if line.is_hit else None,
            "line": line.line, "end_line": line.end_line, "speaker": line.speaker,
            "role": line.role, "phase": line.phase, "turn_id": line.turn_id,
            "backchannel": line.backchannel, "codes": list(line.codes), "text": line.text,
            "spans": [list(span) for span in line.spans],
            "matched": [line.text[start:end] for start, end in line.spans]}


def to_json(hits: Sequence[KwicHit], query: Query, *, deidentified: bool,
            total: int | None = None) -> str:
    """One JSON object: the query as read, the hits with every line shown, and `total`
    (hits found, when more were found than shown)."""
    data = {
        "query": shown_query(query, deidentified=deidentified), "deidentified": deidentified,
        "total": len(hits) if total is None else total, "shown": len(hits),
        "hits": [{"hit": hit.number, "consultation": hit.consultation, "file": hit.file,
                  "lines": [_line_json(line) for line in hit.lines]} for hit in hits],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def to_markdown(hits: Sequence[KwicHit], query: Query, *, deidentified: bool) -> str:
    """A Markdown table: every hit with its context; what matched in **bold**."""
    banner = DEIDENTIFIED if deidentified else NOT_DEIDENTIFIED
    text = shown_query(query, deidentified=deidentified).replace("`", "")
    out = ["# cakit search", "", f"> {banner}", "", f"Query: `{text}` "
           f"— {len(hits)} hit(s)", ""]
    if not hits:
        return "\n".join([*out, "No turn matches the query."]) + "\n"
    out += ["| # | consultation | line | speaker | phase | talk |",
            "|---:|---|---:|---|---|---|"]
    for hit in hits:
        for at, line in enumerate(hit.lines):
            talk = "".join(f"**{_md(piece)}**" if lit else _md(piece)
                           for piece, lit in line.pieces())
            number = str(hit.number) if at == 0 else ""
            where = _md(hit.consultation) if at == 0 else ""
            arrow = "→ " if line.is_hit else ""
            phase = line.phase if line.is_hit else ""
            out.append(f"| {number} | {where} | {arrow}{line.line} | {_md(line.speaker)} | "
                       f"{phase} | {talk if line.is_hit else '_' + talk + '_' if talk else ''} |")
    return "\n".join(out) + "\n"


def to_html(hits: Sequence[KwicHit], query: Query, *, deidentified: bool) -> str:
    """One self-contained HTML page (`cakit.report.page.page`); matches in `<mark>`."""
    from cakit.report.page import page

    if not hits:
        body = "<p>No turn matches the query.</p>"
    else:
        rows_html = []
        for hit in hits:
            for at, line in enumerate(hit.lines):
                talk = "".join(f"<mark>{html.escape(piece)}</mark>" if lit
                               else html.escape(piece) for piece, lit in line.pieces())
                style = "" if line.is_hit else ' style="color:#777"'
                first = at == 0
                rows_html.append(
                    f"<tr{style}><td class=\"num\">{hit.number if first else ''}</td>"
                    f"<td>{html.escape(hit.consultation) if first else ''}</td>"
                    f"<td class=\"num\">{'→ ' if line.is_hit else ''}{line.line}</td>"
                    f"<td>{html.escape(line.speaker)}</td>"
                    f"<td>{html.escape(line.phase) if line.is_hit else ''}</td>"
                    f"<td>{talk}</td></tr>")
        body = ("<table class=\"data\"><tr><th>#</th><th>consultation</th><th>line</th>"
                "<th>speaker</th><th>phase</th><th>talk</th></tr>" + "\n".join(rows_html)
                + "</table>")
    shown = html.escape(shown_query(query, deidentified=deidentified))
    intro = f"<p>Query: <code>{shown}</code> — {len(hits)} hit(s)</p>"
    return page("cakit search", intro + body, deidentified=deidentified, caveat=CAVEAT)


def kwic_table(hits: Sequence[KwicHit]) -> Table:
    """A rich table: per hit, the context turns dimmed and the hit turns with what
    matched highlighted (an arrow marks hit turns when there is no colour)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("consultation", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("speaker", no_wrap=True)
    table.add_column("phase", no_wrap=True)
    table.add_column("talk", overflow="fold")
    for hit in hits:
        for at, line in enumerate(hit.lines):
            talk = Text(style="" if line.is_hit else "dim")
            for piece, lit in line.pieces():
                talk.append(piece, style=HIGHLIGHT if lit else "")
            first = at == 0
            table.add_row(str(hit.number) if first else "", hit.consultation if first else "",
                          "→" if line.is_hit else "", str(line.line), line.speaker,
                          line.phase if line.is_hit else "", talk,
                          style=None if line.is_hit else "dim")
        table.add_section()
    return table


def hit_excerpts(index: CorpusIndex, hits: Sequence[Hit], sources: Sequence[Source],
                 query: Query, *, context: int = 1, deid: Deidentifier | None = None,
                 first_number: int = 1) -> list[Excerpt]:
    """Each hit as a trainer excerpt: its turns with `context` turns either side, an
    arrow on every line of the hit turns, de-identified by the excerpt writer."""
    from cakit.report.excerpts import ExcerptBuilder, keys_by_source

    builder = ExcerptBuilder(context=context, deid=deid, keys=keys_by_source(sources))
    out = []
    for number, hit in enumerate(hits, first_number):
        file = index.file_of[hit.units[0]]
        transcript, annotations = sources[file]
        before, _ = index.neighbours(hit.units[0], context, 0)
        _, after = index.neighbours(hit.units[-1], 0, context)
        shown = [*before, hit.units[0], hit.units[-1], *after]
        first = min(index.units[unit].line for unit in shown)
        last = max(index.units[unit].end_line for unit in shown)
        marked: dict[int, str] = {}
        summary = [("query", shown_query(query, deidentified=deid is not None))]
        for step, unit_number in enumerate(hit.units, 1):
            unit = index.units[unit_number]
            for line in range(unit.line, unit.end_line + 1):
                marked.setdefault(line, unit.speaker)
            codes = f" · {', '.join(sorted(unit.codes))}" if unit.codes else ""
            label = f"turn {step}" if len(hit.units) > 1 else "turn"
            summary.append((label, f"line {unit.line} · {unit.role} · {unit.phase}{codes}"))
        phase = index.units[hit.units[0]].phase
        out.append(builder.build_lines(transcript, annotations, first, last, marked,
                                       phase=phase, heading=f"search hit {number}",
                                       summary=summary))
    return out


__all__ = ["CSV_COLUMNS", "hit_excerpts", "kwic_table", "rows", "to_csv",
           "to_html", "to_json", "to_markdown"]
