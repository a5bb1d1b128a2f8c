"""`cakit annotate PATHS…`: code attempts, responses, sequences and phases; export them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    Tally,
    codebook_option,
    coder_options,
    consoles,
    corpus,
    dash_is_stdout,
    dask_option,
    format_for_output,
    handle_errors,
    jobs_option,
    outcomes,
    paths_argument,
    roles_option,
    run_options,
    store_option,
    warn_missing_parties,
    warn_uncoded,
)

if TYPE_CHECKING:
    from cakit.run import Coded


def as_json(coded: Coded) -> str:
    """One transcript's codes as they stand in the JSON export (made in the worker)."""
    from cakit.annotations import consultation_json

    return consultation_json(coded.annotations)


def as_csv(coded: Coded) -> str:
    """One transcript's codes as CSV rows (made in the worker)."""
    from cakit.annotations import consultation_csv

    return consultation_csv(coded.annotations)


@click.command()
@paths_argument
@codebook_option
@click.option("--format", "output_format", type=click.Choice(["json", "jsonl", "csv"]),
              default="json", show_default=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write the export to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@jobs_option
@dask_option
@store_option("Where the machine layer is kept (one JSONL file per transcript).")
@click.option("--no-store", is_flag=True, help="Do not write the machine layer.")
@roles_option
@coder_options
@handle_errors
def annotate(
    paths: tuple[str, ...], codebook: str | None, output_format: str, output: str | None,
    force: bool, jobs: int, store_root: str, no_store: bool, roles_file: str | None,
    coder: str | None, consensus: bool, scheduler: str | None = None,
) -> None:
    """Annotate transcripts with the codebook and export the codes.

    Codes carry their evidence (rule, matched text, line, column; empty where a code rests
    on no words, such as CARER_OTHER), attempts and responses a confidence, and every code
    its producer (auto:<codebook version>) and status "proposed" (docs/export-json.md).
    cakit tags talk about possibly psychotic content; it never diagnoses.

    Coders' decisions in the store are never touched: after an edit to a transcript they
    are re-anchored, and the kept/moved/fuzzy/orphaned counts are printed. With --coder
    or --consensus the export shows the codes as decided (status accepted/edited,
    rejected codes dropped, the coders' own codes added).
    """
    output_format = format_for_output(output_format, output)
    from cakit.annotate import codebook_for
    from cakit.annotations import CSV_COLUMNS
    from cakit.build import build_id
    from cakit.cli._output import check_writable, output_stream
    from cakit.run import run_corpus
    from cakit.spreadsheet import csv_text

    files = corpus(paths)
    options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root, no_store=no_store, coder=coder,
                                 consensus=consensus)
    check_writable(output, force)
    version = codebook_for(codebook).version
    _, err = consoles()
    tally = Tally()
    with output_stream(output, force=force) as stream:
        if output_format == "csv":
            stream.write(csv_text((), header=CSV_COLUMNS))
        elif output_format == "json":
            stream.write(f'{{"cakit_version": {json.dumps(build_id())}, "codebook_version": '
                         f'{json.dumps(version)},\n "transcripts": [')
        first = True
        # each file's export text is made where it was coded (in the worker with --jobs)
        results = run_corpus(files, options, as_csv if output_format == "csv" else as_json,
                             jobs=jobs, scheduler=scheduler)
        speakers: list[tuple[tuple[str, str], ...]] = []
        coded = total = 0
        # a coder's view missing a transcript whose layer cannot be read would pass for
        # the coder's whole work: with --coder or --consensus a store error stops the run
        # and nothing is written, as in `report`; the machine's codes alone go on
        for result in outcomes(results, len(files), "annotating", err, tally,
                               stop_on_store_error=bool(coder or consensus)):
            speakers.append(result.speakers)
            coded += result.coded
            total += 1
            if output_format == "csv":
                stream.write(result.value or "")
            elif output_format == "jsonl":
                stream.write(f"{result.value}\n")
            else:
                stream.write(("\n  " if first else ",\n  ") + (result.value or ""))
                first = False
        if output_format == "json":
            stream.write("\n]}\n")
    warn_missing_parties(err, speakers)
    warn_uncoded(err, coder, consensus, coded, total, store)
    if tally.problems:
        raise SystemExit(1)
