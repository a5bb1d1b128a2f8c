"""`cakit annotate PATHS…`: code attempts, responses, sequences and phases; export them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click

from cakit.cli._common import (
    check_coder_choice,
    codebook_option,
    coder_options,
    consoles,
    handle_errors,
    jobs_option,
    paths_argument,
    progress,
    roles_option,
    store_option,
    transcript_files,
)


@click.command()
@paths_argument
@codebook_option
@click.option("--format", "output_format", type=click.Choice(["json", "jsonl", "csv"]),
              default="json", show_default=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the export to this file (default: standard output).")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@jobs_option
@store_option("Where the machine layer is kept (one JSONL file per transcript).")
@click.option("--no-store", is_flag=True, help="Do not write the machine layer.")
@roles_option
@coder_options
@handle_errors
def annotate(
    paths: tuple[str, ...], codebook: str | None, output_format: str, output: str | None,
    force: bool, jobs: int, store_root: str, no_store: bool, roles_file: str | None,
    coder: str | None, consensus: bool,
) -> None:
    """Annotate transcripts with the codebook and export the codes.

    Every code carries its evidence (rule, matched text, line, column), a confidence,
    producer auto:<codebook version> and status "proposed". cakit tags talk about
    possibly psychotic content; it never diagnoses.

    Coders' decisions in the store are never touched: after an edit to a transcript they
    are re-anchored, and the kept/moved/fuzzy/orphaned counts are printed. With --coder
    or --consensus the export shows the codes as decided (status accepted/edited,
    rejected codes dropped, the coders' own codes added).
    """
    from cakit import __version__
    from cakit.annotate import codebook_for
    from cakit.annotate.batch import StorePlan, annotate_files
    from cakit.annotations import CSV_COLUMNS, consultation_csv, consultation_json
    from cakit.cli._output import check_writable, output_stream
    from cakit.cli.review import echo_sync
    from cakit.config import load_roles_file
    from cakit.store.state import codebook_key

    check_coder_choice(coder, consensus)
    roles = load_roles_file(Path(roles_file)) if roles_file else None
    files = transcript_files(paths)
    check_writable(output, force)
    version = codebook_for(codebook).version
    _, err = consoles()
    problems = 0
    with output_stream(output, force=force) as stream:
        if output_format == "csv":
            csv.DictWriter(stream, fieldnames=list(CSV_COLUMNS), lineterminator="\n").writeheader()
        elif output_format == "json":
            stream.write(f'{{"cakit_version": {json.dumps(__version__)}, "codebook_version": '
                         f'{json.dumps(version)},\n "transcripts": [')
        first = True
        plan = None
        if not no_store or coder or consensus:
            plan = StorePlan(root=Path(store_root), write=not no_store, coder=coder,
                             consensus=consensus, codebook_version=codebook_key(codebook),
                             cakit_version=__version__)
        # each file's export text is made where it was annotated (in the worker with --jobs)
        render = consultation_csv if output_format == "csv" else consultation_json
        results = annotate_files(files, codebook=codebook, jobs=jobs, roles=roles, store=plan,
                                 render=render)
        for result in progress(results, "annotating", total=len(files)):
            errors = [d for d in result.diagnostics if d.severity == "error"]
            if errors:
                problems += 1
                err.print(f"{result.path}: {len(errors)} reading error(s); first: {errors[0]}",
                          markup=False, highlight=False)
            for problem in (result.store_error, result.failure):
                if problem:
                    problems += 1
                    err.print(problem, markup=False, highlight=False)
            if result.rendered is None:
                continue
            for report in result.sync_reports:
                echo_sync(report, result.source)
            if output_format == "csv":
                stream.write(result.rendered)
            elif output_format == "jsonl":
                stream.write(result.rendered + "\n")
            else:
                stream.write(("\n  " if first else ",\n  ") + result.rendered)
                first = False
        if output_format == "json":
            stream.write("\n]}\n")
    if problems:
        raise SystemExit(1)
