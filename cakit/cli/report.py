"""`cakit report PATHS…`: counts, rates and shares by phase, consultation, clinician or carer.

Reads the transcripts through the corpus run (`cakit.run`: the stored machine layer is
reused while the transcript, codebook, roles and cakit version are what it was made from,
else the transcripts are annotated and the layer stored), then prints rich tables
or writes CSV, JSON, Markdown, Excel or a self-contained HTML page, and optionally a plot.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import (
    Tally,
    check_audit_writable,
    codebook_option,
    coder_options,
    consoles,
    corpus,
    dash_is_stdout,
    dask_option,
    format_for_output,
    handle_errors,
    jobs_option,
    no_dash,
    outcomes,
    paths_argument,
    roles_option,
    run_options,
    store_option,
    warn_missing_parties,
    warn_uncoded,
    write_deid_audit,
)
from cakit.errors import UsageError
from cakit.run import FileOutcome, ProfileFinish

if TYPE_CHECKING:
    from collections.abc import Callable

    from cakit.annotations import ConsultationAnnotations
    from cakit.model import Transcript
    from cakit.profile import TranscriptProfile
    from cakit.report.inputs import ConsultationInput
    from cakit.report.tables import Report
    from cakit.run import Coded

Item = tuple["ConsultationInput", "Transcript | None"]


def _packed(source: Transcript | TranscriptProfile, annotations: ConsultationAnnotations
            ) -> bytes:
    from cakit.report.inputs import consultation_input, pack, slim

    return pack(slim(consultation_input(source, annotations)))


def _counts(coded: Coded) -> bytes:
    return _packed(coded.transcript, coded.annotations)


#: What the report needs of one file (made in the worker): its per-phase counts, from the
#: transcript or, when the stored layer is current, from its stored profile; packed so
#: that the reporting process shares one copy of each id, code and role (`pack`). The
#: counts never read evidence (`slim` drops it), so a stored layer's is not rebuilt.
report_input: ProfileFinish[bytes] = ProfileFinish(_counts, _packed, evidence=False)


def report_input_and_transcript(coded: Coded) -> Item:
    """The full input, with the transcript (the HTML report shows every transcript with
    its evidence)."""
    from cakit.report.inputs import consultation_input

    return consultation_input(coded.transcript, coded.annotations), coded.transcript


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the report keeps of one coded file until its tables are built: not the run's
    whole outcome (its reading diagnostics, its project paths)."""

    consultation: ConsultationInput
    #: only for the HTML report, which shows every transcript
    transcript: Transcript | None
    path: str
    reused: bool
    coded: bool
    speakers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, result: FileOutcome[bytes | Item]) -> Loaded:
        from cakit.report.inputs import unpack

        value = result.value
        assert value is not None  # `outcomes` yields only files with a value
        consultation, transcript = (unpack(value), None) if isinstance(value, bytes) else value
        speakers = tuple((sys.intern(label), sys.intern(role))
                         for label, role in result.speakers)
        return cls(consultation, transcript, str(result.file.path), result.reused,
                   result.coded, speakers)


FORMATS = ("table", "csv", "json", "md", "xlsx", "html")


@click.command()
@paths_argument
@click.option("--by", "view", default="phase", show_default=True,
              help="What the rows are: phase, consultation, clinician, carer, or a view a "
              "plug-in adds (docs/extending.md).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
              show_default=True, help="Output format (xlsx needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), callback=no_dash,
              help="Also write the plots (R1 uptake and outcomes by phase, timelines) to a "
                   ".png or .svg file.")
@codebook_option
@jobs_option
@dask_option
@store_option("Annotation store: a current machine layer there is reused instead of "
              "annotating again; new layers are saved there.")
@click.option("--no-store", is_flag=True, help="Neither read nor write the store.")
@click.option("--no-deidentify", is_flag=True,
              help="Show consultation ids, clinicians (and, in HTML, names, places and dates) "
                   "as written; the output then says so. De-identification is on by default, "
                   "in every format.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Names and places to replace in the HTML report: CSV with columns "
                   "text,kind or one name per line.")
@click.option("--media", "link_media", is_flag=True,
              help="Link the recordings: their file names appear in the page. In the HTML "
                   "report, each attempt sequence then gets a player for its segment of the "
                   "recording found beside its transcript (never embedded). Off by default, "
                   "as a file name may carry a name.")
@roles_option
@coder_options
@click.option("--no-color", is_flag=True, help="Plain terminal output.")
@handle_errors
def report(
    paths: tuple[str, ...], view: str, output_format: str, output: str | None, force: bool,
    plot_path: str | None, codebook: str | None, jobs: int, store_root: str, no_store: bool,
    no_deidentify: bool, roster: str | None, link_media: bool, roles_file: str | None,
    coder: str | None, consensus: bool, no_color: bool, scheduler: str | None = None,
) -> None:
    """Report attempts, responses and outcomes by phase (or per consultation, clinician,
    carer presence): raw counts and rates per 1,000 words and per 10 minutes of the phase.
    With --coder or --consensus the counts are of the codes as human coders decided them.

    Figures describe talk about possibly psychotic content, not diagnoses, and are
    automatic first-pass codes. The HTML report shows every transcript and is
    de-identified by default; its audit log (<output>.deid-audit.csv) lists every
    replacement with the ORIGINAL text, so keep it as confidential as the transcripts.
    """
    output_format = format_for_output(output_format, output)
    from cakit.cli._output import check_writable
    from cakit.run import run_corpus

    if output_format == "xlsx" and not output:
        raise UsageError("--format xlsx writes a binary file: give -o FILE.xlsx")
    if plot_path and Path(plot_path).suffix.lower() not in (".png", ".svg"):
        raise UsageError("--plot needs a .png or .svg file name")
    from cakit.report.views import REPORT_VIEWS

    if view not in REPORT_VIEWS:
        raise UsageError(f"unknown view {view!r} for --by; choose from "
                         f"{', '.join(REPORT_VIEWS.names())}")
    files = corpus(paths)
    options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root, no_store=no_store, coder=coder,
                                 consensus=consensus)
    check_writable(output, force)
    check_writable(plot_path, force)
    deidentify = not no_deidentify
    if deidentify:
        check_audit_writable(output, force)
    out, err = consoles(no_color)
    finish: Callable[[Coded], bytes | Item] = (
        report_input_and_transcript if output_format == "html" else report_input)
    results = run_corpus(files, options, finish, jobs=jobs, scheduler=scheduler)
    tally = Tally()
    loaded = [Loaded.of(result) for result in
              outcomes(results, len(files), "reading and annotating", err, tally)]
    reused = sum(item.reused for item in loaded)
    if not loaded:
        raise UsageError("nothing to report: no transcript with talk was read")
    warn_uncoded(err, coder, consensus, sum(item.coded for item in loaded), len(loaded),
                 store)
    warn_missing_parties(err, (item.speakers for item in loaded))
    from cakit.report.views import build_report

    inputs = [item.consultation for item in loaded]
    from cakit.annotate import codebook_for

    built = build_report(inputs, view, codebook_for(codebook).catalogue)
    labels: dict[str, str] | None = None
    if output_format == "html":
        media_base = (Path(output).parent if output else Path(".")) if link_media else None
        labels = _write_html(built, loaded, output, force, deidentify, roster, err, media_base)
    else:
        if link_media:
            err.print("--media links recordings in HTML only", style="yellow", markup=False,
                      highlight=False)
        shown, labels, deid = _pseudonymised(built, loaded, deidentify)
        _write_tables(shown, output_format, output, force, out)
        if deid is not None:
            write_deid_audit(deid, output, force, err)
    if not deidentify:
        err.print("NOT de-identified: consultation ids, clinicians (and in HTML names, places "
                  "and dates) are shown as written", style="bold red", markup=False,
                  highlight=False)
    if plot_path:
        _write_plot(built, inputs, plot_path, force, labels)
    if reused and output_format == "table" and not output:
        err.print(f"reused {reused} stored annotation layer(s) from {store}",
                  style="dim", highlight=False)
    if tally.problems:
        raise SystemExit(1)


def _pseudonymised(built: Report, loaded: list[Loaded], deidentify: bool
                   ) -> tuple[Report, dict[str, str] | None, Any]:
    """The report as shown (consultations and clinicians pseudonymised unless told not
    to), the consultation labels by consultation key (for a plot: `consultation_keys`),
    and the de-identifier (None when off), whose audit maps the pseudonyms back."""
    if not deidentify:
        return built, None, None
    from cakit.report.deid import Deidentifier, load_key
    from cakit.report.pseudonymise import pseudonymised

    keys = built.consultations  # the report's consultation keys, in input order
    deid = Deidentifier(key=load_key())
    shown, by_key = pseudonymised(built, deid, {
        key: item.path for key, item in zip(keys, loaded, strict=True)})
    return shown, dict(by_key), deid


def _write_tables(shown: Report, output_format: str, output: str | None, force: bool,
                  out: Any) -> None:
    """The report as a terminal table, CSV, JSON, Markdown or Excel."""
    if output_format == "table":
        _print_table(shown, output, force, out)
    elif output_format == "xlsx":
        from cakit.cli._output import write_bytes
        from cakit.report.serialize import to_xlsx

        assert output is not None
        write_bytes(output, to_xlsx(shown), force=force)
    else:
        from cakit.report.serialize import to_csv, to_json, to_markdown

        text = {"csv": to_csv, "json": to_json, "md": to_markdown}[output_format](shown)
        _write_text(text, output, force)


def _write_text(text: str, output: str | None, force: bool) -> None:
    from cakit.cli._output import output_stream

    with output_stream(output, force=force) as stream:
        stream.write(text)


def _print_table(built: Report, output: str | None, force: bool, out: Any) -> None:
    from cakit.report.render import render_report

    renderable = render_report(built)
    if not output:
        out.print(renderable, soft_wrap=False)
        return
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=120, color_system=None, highlight=False).print(renderable)
    _write_text(buffer.getvalue(), output, force)


def _write_html(built: Report, loaded: list[Loaded], output: str | None, force: bool,
                deidentify: bool, roster: str | None, err: Any,
                media_base: Path | None = None) -> dict[str, str] | None:
    """Write the HTML page (and its audit log); return the consultation labels used, so a
    plot written in the same run shows the same de-identified ids."""
    from cakit.report.html import report_html

    items = [(item.consultation, item.transcript) for item in loaded
             if item.transcript is not None]
    deid = None
    if deidentify:
        from cakit.report.deid import Deidentifier

        deid = Deidentifier.for_transcripts([t for _, t in items],
                                            roster=Path(roster) if roster else None)
    extra = {}
    if built.by != "consultation":
        from cakit.report.tables import by_consultation

        extra["by_consultation"] = by_consultation([c for c, _ in items], built.catalogue)
    text = report_html(built, items, deid=deid, extra_tables=extra, media_base=media_base)
    _write_text(text, output, force)
    if media_base is not None:
        from cakit.media import find_media

        linked = sum(1 for _, t in items if find_media(t) is not None)
        err.print(f"recordings linked for {linked} of {len(items)} consultation(s)",
                  markup=False, highlight=False)
    if deid is None:
        return None
    from cakit.report.tables import consultation_keys

    keys = consultation_keys([c for c, _ in items])
    labels = {key: deid.identifier(key, file=t.source)
              for key, (_, t) in zip(keys, items, strict=True)}
    write_deid_audit(deid, output, force, err)
    return labels


def _write_plot(built: Report, inputs: list[Any], plot_path: str, force: bool,
                labels: dict[str, str] | None = None) -> None:
    from cakit.cli._output import write_bytes
    from cakit.report.plots import ImageFormat, figure_bytes, report_figure
    from cakit.report.tables import pooled_by_phase

    pooled = built.tables.get("pooled_by_phase")
    if pooled is None:
        pooled = pooled_by_phase(inputs, built.catalogue)
    image_format: ImageFormat = "svg" if plot_path.lower().endswith(".svg") else "png"
    figure = report_figure(inputs, pooled, labels, built.catalogue)
    write_bytes(plot_path, figure_bytes(figure, image_format), force=force)
