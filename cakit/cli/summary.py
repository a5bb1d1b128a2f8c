"""`cakit summary PATHS…`: participants, talk, timing and CA features per file and in total."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    consoles,
    dash_is_stdout,
    format_for_output,
    handle_errors,
    jobs_option,
    paths_argument,
    progress,
    roles_option,
    transcript_files,
)

if TYPE_CHECKING:
    from pathlib import Path

    from cakit.model import Role
    from cakit.summary import TranscriptSummary

_HEADINGS = {
    "file": "file", "format": "format", "clinicians": "clin", "patients": "pat",
    "carers": "carer", "others": "other", "unknown": "unknown", "utterances": "utts",
    "turns": "turns",
    "words": "words", "duration_s": "dur s", "overlaps": "overlaps", "pauses": "pauses",
    "pause_time_s": "pause s", "laughter": "laughs", "smile_voice": "smile",
    "in_breaths": "in-br", "errors": "errors", "warnings": "warn",
}

_ROLE_COLUMNS = ("clinicians", "patients", "carers", "others", "unknown")


@click.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "md"]),
              default="table", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--no-deidentify", is_flag=True,
              help="Show file names as written (they may identify people); by default "
                   "each file is the keyed pseudonym reports give it, [ID-…].")
@roles_option
@jobs_option
@click.option("--no-color", is_flag=True, help="Plain output.")
@handle_errors
def summary(
    paths: tuple[str, ...], output_format: str, output: str | None, force: bool,
    no_deidentify: bool, roles_file: str | None, no_color: bool, jobs: int = 1,
) -> None:
    """Count participants by role, utterances, turns, words, duration and CA features.

    Words are every spoken item, fillers and retraced words included (docs/counts.md).
    Pauses include gaps between speakers; micropauses count 0.1 s. Duration comes from
    media bullets on at least nine in ten utterances, and is empty otherwise; the total
    has one only when every file has. Roles count speakers; `unknown` ones have no role
    mapped (--roles), so the annotator codes nothing of theirs. A file with reading
    errors is still counted, its first error is printed, and the exit code is 1. Files
    are shown as the pseudonyms reports give them unless --no-deidentify.
    """
    output_format = format_for_output(output_format, output)
    from pathlib import Path

    from cakit.cli._output import check_writable, print_table
    from cakit.config import load_roles_file
    from cakit.summary import COLUMNS, total
    from cakit.workers import ordered_map

    roles = load_roles_file(Path(roles_file)) if roles_file else None
    files = transcript_files(paths)
    check_writable(output, force)
    read = list(progress(ordered_map(_summarize, [(path, roles) for path in files], jobs=jobs),
                         "reading", total=len(files)))
    out, err = consoles(no_color)
    for row, first_error in read:
        if first_error is not None:
            err.print(f"{row.file}: {row.errors} reading error(s), counted as read (cakit "
                      f"validate lists them all); first: {first_error}", markup=False,
                      highlight=False)
    rows = [row for row, _ in read]
    rows.append(total(rows))
    if no_deidentify:
        err.print("NOT de-identified: file names are shown as written", style="bold red",
                  markup=False, highlight=False)
    else:
        rows = _pseudonymised(rows)
    records = [row.as_dict() for row in rows]
    if output_format == "table":
        from rich.table import Table

        table = Table(title="cakit summary", title_justify="left",
                      caption="roles = clinicians/patients/carers/others/unknown (no role "
                      "mapped); pauses include gaps between speakers; duration from media "
                      "bullets", caption_justify="left")
        shown = [c for c in COLUMNS if c not in ("format", *_ROLE_COLUMNS)]
        table.add_column("file", overflow="fold")
        table.add_column("roles", justify="right")
        for name in shown[1:]:
            table.add_column(_HEADINGS[name], justify="right")
        for index, record in enumerate(records):
            name = str(record["file"])
            label = name if index == len(records) - 1 else Path(name).name
            roles_cell = "/".join(str(record[k]) for k in _ROLE_COLUMNS)
            cells = [label, roles_cell] + [
                "" if record[c] is None else str(record[c]) for c in shown[1:]
            ]
            table.add_row(*cells, end_section=index == len(records) - 2)
        print_table(table, output, out, force=force)
    else:
        _write(records, output_format, output, force)
    if any(first_error is not None for _, first_error in read):
        raise SystemExit(1)


def _pseudonymised(rows: list[TranscriptSummary]) -> list[TranscriptSummary]:
    """Each file's row under the keyed pseudonym reports give the file (a file name may
    hold a name or a date of birth); the TOTAL row as it is."""
    from dataclasses import replace

    from cakit.report.deid import Deidentifier

    shown = Deidentifier.for_transcripts([]).file_identifiers([row.file for row in rows[:-1]])
    return [*(replace(row, file=shown[row.file]) for row in rows[:-1]), *rows[-1:]]


def _write(records: list[dict[str, object]], output_format: str, output: str | None,
           force: bool) -> None:
    """The rows as JSON, CSV or Markdown, to `output` or standard output."""
    from cakit.cli._output import output_stream
    from cakit.summary import COLUMNS

    if output_format == "json":
        text = json.dumps(records, indent=2, ensure_ascii=False)
    elif output_format == "csv":
        from cakit.spreadsheet import csv_records

        text = csv_records(records, COLUMNS)
    else:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for record in records:
            lines.append("| " + " | ".join("" if record[c] is None else str(record[c])
                                           for c in COLUMNS) + " |")
        text = "\n".join(lines) + "\n"
    if output:
        with output_stream(output, force=force) as stream:
            stream.write(text)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _summarize(task: tuple[Path, dict[str, Role] | None]
               ) -> tuple[TranscriptSummary, str | None]:
    """One file's row and its first reading error, if any (run in a worker with --jobs)."""
    from cakit.formats import read
    from cakit.summary import summarize

    path, roles = task
    transcript = read(path, roles=roles).transcript
    first = next((str(d) for d in transcript.diagnostics if d.severity == "error"), None)
    return summarize(transcript), first
