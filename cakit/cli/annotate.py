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
    from cakit.annotate import annotator_for
    from cakit.annotate.batch import StorePlan, annotate_files
    from cakit.annotations import CSV_COLUMNS, AnnotationSet, rows, to_dict
    from cakit.cli._output import check_writable, output_stream
    from cakit.cli.review import echo_sync
    from cakit.config import load_roles_file
    from cakit.store.state import codebook_key

    check_coder_choice(coder, consensus)
    roles = load_roles_file(Path(roles_file)) if roles_file else None
    files = transcript_files(paths)
    check_writable(output, force)
    version = annotator_for(codebook).codebook.version
    _, err = consoles()
    problems = 0
    with output_stream(output, force=force) as stream:
        writer = None
        if output_format == "csv":
            writer = csv.DictWriter(stream, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
            writer.writeheader()
        elif output_format == "json":
            stream.write(f'{{"cakit_version": {json.dumps(__version__)}, "codebook_version": '
                         f'{json.dumps(version)},\n "transcripts": [')
        first = True
        plan = None
        if not no_store or coder or consensus:
            plan = StorePlan(root=Path(store_root), write=not no_store, coder=coder,
                             consensus=consensus, codebook_version=codebook_key(codebook),
                             cakit_version=__version__)
        results = annotate_files(files, codebook=codebook, jobs=jobs, roles=roles, store=plan)
        for result in progress(results, "annotating", total=len(files)):
            errors = [d for d in result.diagnostics if d.severity == "error"]
            if errors:
                problems += 1
                err.print(f"{result.path}: {len(errors)} reading error(s); first: {errors[0]}",
                          markup=False, highlight=False)
            if result.store_error:
                problems += 1
                err.print(result.store_error, markup=False, highlight=False)
            consultation = result.annotations
            if consultation is None:
                continue
            for report in result.sync_reports:
                echo_sync(report, consultation.source)
            if output_format == "csv":
                assert writer is not None
                writer.writerows(rows(consultation))
                continue
            single = to_dict(AnnotationSet(cakit_version=__version__, codebook_version=version,
                                           transcripts=(consultation,)))["transcripts"][0]
            if output_format == "jsonl":
                stream.write(json.dumps(single, ensure_ascii=False) + "\n")
            else:
                separator = "\n  " if first else ",\n  "
                stream.write(separator + json.dumps(single, ensure_ascii=False))
                first = False
        if output_format == "json":
            stream.write("\n]}\n")
    if problems:
        raise SystemExit(1)
