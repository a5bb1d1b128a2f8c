"""`cakit freq PATHS…`: word frequencies with type and token counts, by role, speaker,
phase or file, counted as CLAN's FREQ counts them (`cakit.counts` says what is a word)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import consoles, format_for_output, handle_errors
from cakit.cli._counting import counted, counting_options

if TYPE_CHECKING:
    from cakit.counts import FrequencyRow

#: Words shown per group in the terminal table unless --top says otherwise.
TABLE_TOP = 10

CAPTION = ("Words as CLAN's FREQ counts them: no xxx/yyy/www, fillers, fragments, omitted "
           "or retraced words; replacements count as their target. TTR = types/tokens.")


@click.command()
@counting_options("role")
@click.option("--top", type=click.IntRange(0), default=None,
              help=f"Keep the N most frequent words of each group (0: all) [default: "
                   f"{TABLE_TOP} in the table, all in CSV and JSON].")
@click.option("--summary", is_flag=True,
              help="Only types, tokens and type/token ratio per group (no word lists).")
@click.option("--keep-case", is_flag=True,
              help="Count 'Yes' and 'yes' apart (default: words are lower-cased).")
@click.option("--fillers", is_flag=True,
              help="Count fillers (&-um, Jefferson um/uh/er) as words.")
@handle_errors
def freq(
    paths: tuple[str, ...], by: str, output_format: str, output: str | None, force: bool,
    jobs: int, roles_file: str | None, codebook: str | None, store_root: str | None,
    no_store: bool, no_deidentify: bool, no_color: bool, top: int | None, summary: bool,
    keep_case: bool,
    fillers: bool,
) -> None:
    """Count word types and tokens, and how often each word was said, by role, speaker,
    phase or file.

    Untranscribed words (xxx, ( )), fillers, fragments, omitted words and retraced
    material are not words; a word with a replacement ([: x]) counts as its target; CA
    marks are removed. `--by phase` annotates the transcripts (or reuses the stored
    layer) to know the phases. docs/counts.md has the definitions and where they
    differ from CLAN's.
    """
    output_format = format_for_output(output_format, output)
    from cakit.cli._output import check_writable, output_stream, print_table
    from cakit.counts import frequency_rows, total_row

    check_writable(output, force)
    out, err = consoles(no_color)
    grouping, tallies, problems = counted(
        paths, by, jobs=jobs, roles_file=roles_file, codebook=codebook,
        store_root=store_root, no_store=no_store, keep_case=keep_case, fillers=fillers,
        deidentify=not no_deidentify, err=err)
    rows = frequency_rows(tallies, grouping)
    total = total_row(tallies)
    if output_format == "table":
        table = _table(rows, total, by, TABLE_TOP if top is None else top, summary)
        print_table(table, output, out, force=force)
    else:
        text = (_json(rows, total, by, top, summary) if output_format == "json"
                else _csv(rows, total, top, summary))
        with output_stream(output, force=force) as stream:
            stream.write(text)
    if problems:
        raise SystemExit(1)


def _top(row: FrequencyRow, top: int | None) -> tuple[tuple[str, int], ...]:
    return row.frequencies[:top] if top else row.frequencies


def _table(rows: list[FrequencyRow], total: FrequencyRow, by: str, top: int,
           summary: bool) -> Any:
    from rich.table import Table

    table = Table(title=f"cakit freq — words by {by}", title_justify="left",
                  caption=CAPTION, caption_justify="left")
    table.add_column(by, overflow="fold")
    if by == "speaker":
        table.add_column("role")
    for name in ("tokens", "types", "TTR"):
        table.add_column(name, justify="right")
    if not summary:
        heading = "most frequent" if not top else f"most frequent {top}"
        table.add_column(heading, overflow="fold")
    for index, row in enumerate([*rows, total]):
        cells = [row.group]
        if by == "speaker":
            cells.append(row.role)
        cells += [str(row.tokens), str(row.types), "" if row.ttr is None else f"{row.ttr:.3f}"]
        if not summary:
            cells.append(" ".join(f"{word} {count}" for word, count in _top(row, top)))
        table.add_row(*cells, end_section=index == len(rows) - 1)
    return table


def _csv(rows: list[FrequencyRow], total: FrequencyRow, top: int | None, summary: bool) -> str:
    from cakit.counts import FREQUENCY_COLUMNS
    from cakit.spreadsheet import csv_records, csv_text

    if summary:
        return csv_records([row.as_dict() for row in [*rows, total]], FREQUENCY_COLUMNS)
    lines = [[row.group, row.role, word, count] for row in [*rows, total]
             for word, count in _top(row, top)]
    return csv_text(lines, header=("group", "role", "word", "count"))


def _json(rows: list[FrequencyRow], total: FrequencyRow, by: str, top: int | None,
          summary: bool) -> str:
    def entry(row: FrequencyRow) -> dict[str, object]:
        data = row.as_dict()
        if not summary:
            data["words"] = dict(_top(row, top))
        return data

    document = {"by": by, "groups": [entry(row) for row in rows], "total": entry(total)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
