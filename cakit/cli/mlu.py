"""`cakit mlu PATHS…`: mean length of utterance in words (and of turn), by speaker, role,
phase or file, with CLAN's MLU exclusions (`cakit.counts` says what is counted)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import consoles, format_for_output, handle_errors
from cakit.cli._counting import counted, counting_options

if TYPE_CHECKING:
    from cakit.counts import MluRow

CAPTION = ("MLU in words (CLAN: mlu -t%mor), not morphemes. Utterances with xxx/yyy/www or "
           "no word are left out; fillers, fragments and retraced words are not counted. "
           "SD = standard deviation of utterance lengths; MLT = words per turn.")


@click.command()
@counting_options("speaker")
@handle_errors
def mlu(
    paths: tuple[str, ...], by: str, output_format: str, output: str | None, force: bool,
    jobs: int, roles_file: str | None, codebook: str | None, store_root: str | None,
    no_store: bool, no_deidentify: bool, no_color: bool,
) -> None:
    """Mean length of utterance in words, by speaker (per file), role, phase or file,
    with the number of utterances and words, the standard deviation and the mean length
    of turn.

    An utterance containing xxx, yyy or www (Jefferson ( )) is left out, as CLAN's MLU
    leaves it out; so is one with no word. `--by phase` annotates the transcripts (or
    reuses the stored layer). docs/counts.md has the definitions and where they differ
    from CLAN's.
    """
    output_format = format_for_output(output_format, output)
    from cakit.cli._output import check_writable, output_stream, print_table
    from cakit.counts import MLU_COLUMNS, mlu_rows

    check_writable(output, force)
    out, err = consoles(no_color)
    grouping, tallies, problems = counted(
        paths, by, jobs=jobs, roles_file=roles_file, codebook=codebook,
        store_root=store_root, no_store=no_store, keep_case=False, fillers=False,
        deidentify=not no_deidentify, err=err)
    rows = mlu_rows(tallies, grouping, total=by != "speaker")
    if output_format == "table":
        table = _table(rows, by)
        print_table(table, output, out, force=force)
    else:
        if output_format == "json":
            text = json.dumps({"by": by, "groups": [row.as_dict() for row in rows]},
                              indent=2, ensure_ascii=False) + "\n"
        else:
            from cakit.spreadsheet import csv_records

            text = csv_records([row.as_dict() for row in rows], MLU_COLUMNS)
        with output_stream(output, force=force) as stream:
            stream.write(text)
    if problems:
        raise SystemExit(1)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _table(rows: list[MluRow], by: str) -> Any:
    from rich.table import Table

    table = Table(title=f"cakit mlu — mean length of utterance by {by}", title_justify="left",
                  caption=CAPTION, caption_justify="left")
    table.add_column(by, overflow="fold")
    if by == "speaker":
        table.add_column("role")
    for name in ("utts", "words", "MLU", "SD", "turns", "MLT"):
        table.add_column(name, justify="right")
    has_total = bool(rows) and rows[-1].group == "TOTAL" and by != "speaker"
    for index, row in enumerate(rows):
        cells = [row.group]
        if by == "speaker":
            cells.append(row.role)
        cells += [str(row.utterances), str(row.words), _number(row.mlu), _number(row.sd),
                  str(row.turns), _number(row.mlt)]
        table.add_row(*cells, end_section=has_total and index == len(rows) - 2)
    return table
