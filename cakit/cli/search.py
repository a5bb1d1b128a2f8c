"""`cakit search PATHS… -q QUERY`: a concordance of the turns a query finds.

The corpus is read through the corpus run (`cakit.run`: roles, the stored machine layer
or a fresh annotation, `--coder`/`--consensus`, `--jobs`); each worker indexes its
transcript (`cakit.search.index`) and the parent answers the query over the whole corpus
(`cakit.search.match`). Hits are shown as a key-word-in-context table with the turns
around them, or written as CSV, JSON, Markdown or HTML, or handed to the excerpt writer
(`--excerpts`). Talk is de-identified by default, as in excerpts.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import (
    check_audit_writable,
    codebook_option,
    coder_options,
    consoles,
    corpus,
    dash_is_stdout,
    drain,
    format_for_output,
    handle_errors,
    jobs_option,
    paths_argument,
    roles_option,
    run_options,
    store_option,
    warn_uncoded,
    write_deid_audit,
)
from cakit.errors import UsageError

if TYPE_CHECKING:
    from cakit.annotations import ConsultationAnnotations
    from cakit.model import Transcript
    from cakit.run import Coded
    from cakit.search import FileIndex, Query
    from cakit.search.kwic import KwicHit

FORMATS = ("table", "csv", "json", "md", "html", "txt", "docx")
EXCERPT_FORMATS = ("txt", "md", "html", "docx")
COUNT_FORMATS = ("table", "csv", "json", "md")
#: Width of a table written to a file with -o.
FILE_WIDTH = 160


class QueryProblem(click.UsageError):
    """A malformed query: printed as `query:1:COL: CK6xx message` with a caret, exit 2."""

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def search_input(coded: Coded) -> tuple[FileIndex, Transcript, ConsultationAnnotations]:
    """What the search needs of one file (made in the worker): its index, the transcript
    (for the talk shown and de-identification) and its codes as decided."""
    from cakit.search import index_file

    return (index_file(coded.transcript, coded.annotations, path=str(coded.file.path)),
            coded.transcript, coded.annotations)


def _query(text: str, codebook: str | None) -> Query:
    from cakit.annotate import codebook_for
    from cakit.search import QueryError, Vocabulary, parse_query

    try:
        return parse_query(text, Vocabulary.of(codebook_for(codebook).catalogue))
    except QueryError as exc:
        raise QueryProblem(str(exc)) from None


def _check_format(output_format: str, output: str | None, excerpts: bool, count: bool) -> str:
    """The format to write (table becomes txt for excerpts); UsageError for a bad mix."""
    if excerpts and count:
        raise UsageError("--excerpts and --count exclude each other")
    if excerpts:
        output_format = "txt" if output_format == "table" else output_format
        if output_format not in EXCERPT_FORMATS:
            raise UsageError(f"--excerpts writes {', '.join(EXCERPT_FORMATS)}, not "
                             f"{output_format}")
    elif output_format in ("txt", "docx"):
        raise UsageError(f"--format {output_format} is for --excerpts; a concordance is "
                         f"written as {', '.join(FORMATS[:5])}")
    if count and output_format not in COUNT_FORMATS:
        raise UsageError(f"--count writes {', '.join(COUNT_FORMATS)}, not {output_format}")
    if output_format == "docx" and not output:
        raise UsageError("--format docx writes a binary file: give -o FILE.docx")
    return output_format


@click.command()
@paths_argument
@click.option("-q", "--query", "query_text", required=True, metavar="QUERY",
              help="What to find (docs/search.md): words (voices, \"hear voices\", ~voice, "
                   "/regex/), features (laugh, pause>=1, gap>=0.5, overlap=incoming, "
                   "question …), attributes (role=patient, phase=pre-closing, code=SMILE_LAUGH, "
                   "responds_to=PSY_REPEAT, file=02-*), joined by & | ! ( ) and A >>N B "
                   "(B within N turns after A).")
@click.option("--context", type=click.IntRange(0, None), default=1, show_default=True,
              help="Turns shown before and after each hit.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
              show_default=True,
              help="table, csv, json, md or html; with --excerpts txt, md, html or docx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--limit", type=click.IntRange(1, None), help="Show at most this many hits.")
@click.option("--count", "count_only", is_flag=True,
              help="Only the number of hits per consultation.")
@click.option("--excerpts", "as_excerpts", is_flag=True,
              help="Write the hits as numbered, de-identified Jefferson extracts for "
                   "teaching (as `cakit excerpts` does), an arrow on the hit lines.")
@click.option("--no-deidentify", is_flag=True,
              help="Show talk, names and consultation ids as written (a warning is printed "
                   "and written). De-identification is on by default, in every format.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Names and places to replace: CSV with columns text,kind or one name per "
                   "line.")
@codebook_option
@jobs_option
@store_option("Annotation store: a current machine layer there is reused instead of "
              "annotating again; new layers are saved there.")
@click.option("--no-store", is_flag=True, help="Neither read nor write the store.")
@roles_option
@coder_options
@click.option("--no-color", is_flag=True, help="Plain terminal output.")
@handle_errors
def search(
    paths: tuple[str, ...], query_text: str, context: int, output_format: str,
    output: str | None, force: bool, limit: int | None, count_only: bool, as_excerpts: bool,
    no_deidentify: bool, roster: str | None, codebook: str | None, jobs: int,
    store_root: str | None, no_store: bool, roles_file: str | None, coder: str | None,
    consensus: bool, no_color: bool,
) -> None:
    """Find turns by what is said, how it is said, who says it and how it was coded: a
    key-word-in-context concordance of every hit with the turns around it.

    \b
      cakit search corpora/demo -q '~voice & role=patient'
      cakit search corpora/demo -q 'role=patient & question >>2 role=clinician & laugh'
      cakit search corpora/demo -q 'gap>=1 & role=clinician & phase=pre-closing'
      cakit search corpora/demo -q 'code=SMILE_LAUGH & responds_to=PSY_REPEAT' --excerpts

    Talk, names and consultation ids are de-identified by default, as in excerpts; with
    -o, the audit log <output>.deid-audit.csv lists every replacement WITH THE ORIGINAL
    TEXT: keep it as confidential as the transcripts. With --coder or --consensus, codes
    are the codes as human coders decided them.
    """
    output_format = format_for_output(output_format, output)
    from cakit.cli._output import check_writable
    from cakit.run import run_corpus

    query = _query(query_text, codebook)
    output_format = _check_format(output_format, output, as_excerpts, count_only)
    files = corpus(paths)
    options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root, no_store=no_store, coder=coder,
                                 consensus=consensus)
    check_writable(output, force)
    deidentify = not no_deidentify
    if deidentify:
        check_audit_writable(output, force)
    out, err = consoles(no_color)
    loaded, problems = drain(run_corpus(files, options, search_input, jobs=jobs), len(files),
                             "reading", err)
    if not loaded:
        raise UsageError("nothing to search: no transcript with talk was read")
    warn_uncoded(err, coder, consensus, sum(result.coded for result in loaded), len(loaded),
                 store)
    from cakit.search import CorpusIndex

    values = [result.value for result in loaded if result.value is not None]
    index = CorpusIndex([file_index for file_index, _, _ in values])
    sources = [(transcript, codes) for _, transcript, codes in values]
    found = index.search(query)
    shown = found[:limit] if limit else found
    deid = None
    if deidentify:
        from cakit.report.deid import Deidentifier

        deid = Deidentifier.for_transcripts([t for t, _ in sources],
                                            roster=Path(roster) if roster else None)
    # two files of one name in two folders are two consultations (`p01`, `p01~2`)
    from cakit.annotations import consultation_keys

    keys = consultation_keys(codes.id for _, codes in sources)
    if as_excerpts:
        _write_excerpts(index, shown, sources, query, context, deid, output_format, output,
                        force)
    elif count_only:
        names = [deid.identifier(key, file=transcript.source) if deid else key
                 for (transcript, _), key in zip(sources, keys, strict=True)]
        tally: dict[str, int] = {}
        for hit in found:
            name = names[index.file_of[hit.units[0]]]
            tally[name] = tally.get(name, 0) + 1
        _write_counts(list(tally.items()), query, output_format, output, force, out,
                      len(found), deidentify)
    else:
        from cakit.search.kwic import KwicBuilder

        hits = KwicBuilder(index, sources, query, context=context, deid=deid,
                           keys=keys).build(shown)
        _write_hits(hits, query, output_format, output, force, out, deidentify, len(found))
    more = f" (showing {len(shown)})" if len(shown) < len(found) else ""
    err.print(f"{len(found)} hit(s) in {len({index.file_of[h.units[0]] for h in found})} of "
              f"{len(values)} consultation(s){more} for: {query}", markup=False,
              highlight=False)
    if deid is not None:
        write_deid_audit(deid, output, force, err)
    else:
        err.print("NOT de-identified: talk, names and consultation ids are shown as written",
                  style="bold red", markup=False, highlight=False)
    if problems:
        raise SystemExit(1)


def _write_text(text: str, output: str | None, force: bool) -> None:
    from cakit.cli._output import output_stream

    with output_stream(output, force=force) as stream:
        stream.write(text)


def _plain(renderable: Any) -> str:
    """A rich renderable as plain text, for a file."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=FILE_WIDTH, color_system=None, highlight=False).print(
        renderable)
    return buffer.getvalue()


def _write_hits(hits: list[KwicHit], query: Query, output_format: str, output: str | None,
                force: bool, out: Any, deidentified: bool, total: int) -> None:
    from cakit.search import render

    if output_format == "table":
        table = render.kwic_table(hits)
        if output:
            _write_text(_plain(table), output, force)
        elif hits:
            out.print(table, soft_wrap=False)
    elif output_format == "csv":
        _write_text(render.to_csv(hits), output, force)
    elif output_format == "json":
        _write_text(render.to_json(hits, query, deidentified=deidentified, total=total),
                    output, force)
    elif output_format == "md":
        _write_text(render.to_markdown(hits, query, deidentified=deidentified), output, force)
    else:
        _write_text(render.to_html(hits, query, deidentified=deidentified), output, force)


def _write_counts(tally: list[tuple[str, int]], query: Query, output_format: str,
                  output: str | None, force: bool, out: Any, total: int,
                  deidentified: bool) -> None:
    """Hits per consultation (with a total) as a table, CSV, JSON or Markdown."""
    if output_format == "csv":
        from cakit.spreadsheet import csv_text

        _write_text(csv_text(tally, header=("consultation", "hits")), output, force)
    elif output_format == "json":
        import json

        from cakit.search.tree import shown_query

        data = {"query": shown_query(query, deidentified=deidentified), "total": total,
                "consultations": [{"consultation": c, "hits": n} for c, n in tally]}
        _write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output, force)
    elif output_format == "md":
        lines = ["| consultation | hits |", "|---|---:|"]
        lines += [f"| {c.replace('|', '/')} | {n} |" for c, n in tally]
        _write_text("\n".join([*lines, f"| total | {total} |"]) + "\n", output, force)
    else:
        from rich.table import Table

        table = Table(pad_edge=False)
        table.add_column("consultation")
        table.add_column("hits", justify="right")
        for consultation, number in tally:
            table.add_row(consultation, str(number))
        table.add_section()
        table.add_row("total", str(total))
        if output:
            _write_text(_plain(table), output, force)
        else:
            out.print(table)


def _write_excerpts(index: Any, hits: list[Any], sources: list[Any], query: Query,
                    context: int, deid: Any, output_format: str, output: str | None,
                    force: bool) -> None:
    from cakit.cli._output import write_bytes
    from cakit.report.excerpts import to_docx, to_html, to_markdown, to_text
    from cakit.search.render import hit_excerpts

    chosen = hit_excerpts(index, hits, sources, query, context=context, deid=deid)
    deidentified = deid is not None
    if output_format == "docx":
        assert output is not None
        write_bytes(output, to_docx(chosen, deidentified=deidentified), force=force)
        return
    render = {"txt": to_text, "md": to_markdown, "html": to_html}[output_format]
    _write_text(render(chosen, deidentified=deidentified), output, force)


