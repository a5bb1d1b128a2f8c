"""`cakit excerpts PATHS…`: numbered, de-identified Jefferson extracts of chosen sequences."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cakit.annotations import PHASES_WITH_UNKNOWN
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
    from cakit.report.excerpts import Excerpt


def _codes(values: tuple[str, ...], known: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Normalise (`pre-closing` → PRE_CLOSING) and check against the known codes."""
    import difflib

    from cakit.report.excerpts import normal_code, normal_phase_name

    out = []
    for value in values:
        code = normal_phase_name(value) if option == "--phase" else normal_code(value)
        if option == "--subtype" and not code.startswith("PSY_"):
            code = f"PSY_{code}"
        if code not in known:
            close = difflib.get_close_matches(code, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                f"; choose from {', '.join(known)}"
            raise UsageError(f"{option} {value!r} is not a code cakit knows{hint}")
        out.append(code)
    return tuple(out)


def _media_note(err: Any, chosen: Sequence[Excerpt], output_format: str) -> None:
    """Say how many excerpts got a recording (only HTML links them)."""
    if output_format != "html":
        err.print("--media links recordings in HTML only", style="yellow", markup=False,
                  highlight=False)
        return
    linked = sum(1 for excerpt in chosen if excerpt.media is not None)
    err.print(f"recordings linked for {linked} of {len(chosen)} excerpt(s)", markup=False,
              highlight=False)


@click.command()
@paths_argument
@click.option("--code", "codes", multiple=True, metavar="CODE",
              help="A code the sequence carries: uptake (QUESTION_BACK), uptake subtype "
                   "(ENGAGE_EMPATHY, CLOSE_POSTPONE), modifier (HESITATE, SMILE_LAUGH), carer "
                   "code (CARER_LAUGH) or flag (LATE, CARER_FIRST, JOINT_LAUGHTER). Repeatable "
                   "(any of them).")
@click.option("--subtype", "subtypes", multiple=True, metavar="SUBTYPE",
              help="Attempt subtype: PSY_Q, PSY_ASSERT, PSY_EMO, PSY_REPEAT (or Q, ASSERT, …).")
@click.option("--outcome", "outcomes", multiple=True, metavar="OUTCOME",
              help="Sequence outcome, e.g. DEFLECTED, ENGAGED_IMMEDIATE.")
@click.option("--phase", "phases", multiple=True, metavar="PHASE",
              help="Phase of the attempt, e.g. PRE_CLOSING (or pre-closing).")
@click.option("--consultation", "consultations", multiple=True, metavar="ID",
              help="Consultation id or file name.")
@click.option("--context", type=click.IntRange(0, None), default=2, show_default=True,
              help="Turns of context before the attempt and after the last response.")
@click.option("--limit", type=click.IntRange(1, None), help="At most this many excerpts.")
@click.option("--format", "output_format", type=click.Choice(["txt", "md", "html", "docx"]),
              default="txt", show_default=True, help="Output format (docx needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@click.option("--no-deidentify", is_flag=True,
              help="Keep names, places and dates as written (the output then carries a "
                   "warning). De-identification is on by default.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Names and places to replace: CSV with columns text,kind or one name per "
                   "line.")
@click.option("--media", "link_media", is_flag=True,
              help="Link the recordings: their file names appear in the page. In HTML, each "
                   "excerpt then gets a player for its segment of the recording found beside "
                   "its transcript (never embedded). Off by default, as a file name may "
                   "carry a name.")
@codebook_option
@jobs_option
@store_option("Annotation store: a current machine layer there is reused.")
@click.option("--no-store", is_flag=True, help="Neither read nor write the store.")
@roles_option
@coder_options
@handle_errors
def excerpts(
    paths: tuple[str, ...], codes: tuple[str, ...], subtypes: tuple[str, ...],
    outcomes: tuple[str, ...], phases: tuple[str, ...], consultations: tuple[str, ...],
    context: int, limit: int | None, output_format: str, output: str | None, force: bool,
    no_deidentify: bool, roster: str | None, link_media: bool, codebook: str | None,
    store_root: str,
    no_store: bool, roles_file: str | None, coder: str | None, consensus: bool, jobs: int = 1,
) -> None:
    """Pull attempt → response sequences as numbered Jefferson extracts for teaching.

    Each excerpt shows the source's physical line numbers, an arrow on the attempt and
    response lines, N turns of context, the codes with their evidence, and a citation
    (id@sha256[:8] lines a–b). Names, places, dates, phone and NHS numbers, postcodes,
    e-mail and street addresses are replaced by keyed pseudonyms before anything is
    written. The audit log <output>.deid-audit.csv lists every replacement WITH THE
    ORIGINAL TEXT and capitalised words flagged for review: it is as sensitive as the
    transcripts, is never put inside the excerpts, and must not be shared with them.

    With --coder or --consensus the excerpts are of the codes as human coders decided them.
    """
    output_format = format_for_output(output_format, output)
    from cakit.cli._output import check_writable, output_stream, write_bytes
    from cakit.report.excerpts import (
        Selection,
        build_excerpts,
        known_codes,
        select,
        to_docx,
        to_html,
        to_markdown,
        to_text,
    )
    from cakit.run import run_corpus, transcript_and_codes

    files = corpus(paths)
    options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root, no_store=no_store, coder=coder,
                                 consensus=consensus)
    from cakit.annotate import codebook_for

    catalogue = codebook_for(codebook).catalogue
    selection = Selection(
        codes=_codes(codes, known_codes(catalogue), "--code"),
        subtypes=_codes(subtypes, catalogue.attempt_subtypes, "--subtype"),
        outcomes=_codes(outcomes, catalogue.outcome_names, "--outcome"),
        phases=_codes(phases, PHASES_WITH_UNKNOWN, "--phase"),
        consultations=consultations,
    )
    if output_format == "docx" and not output:
        raise UsageError("--format docx writes a binary file: give -o FILE.docx")
    check_writable(output, force)
    if not no_deidentify:
        check_audit_writable(output, force)
    _, err = consoles()
    loaded, problems = drain(run_corpus(files, options, transcript_and_codes, jobs=jobs),
                             len(files), "reading", err)
    pairs = [result.value for result in loaded if result.value is not None]
    warn_uncoded(err, coder, consensus, sum(result.coded for result in loaded), len(loaded),
                 store)
    if consultations and not any(selection.consultation_matches(a) for _, a in pairs):
        raise UsageError(f"no consultation named {', '.join(consultations)} in the given paths")
    deid = None
    if not no_deidentify:
        from cakit.report.deid import Deidentifier

        deid = Deidentifier.for_transcripts([t for t, _ in pairs],
                                            roster=Path(roster) if roster else None)
    chosen = build_excerpts(pairs, selection, context=context, limit=limit, deid=deid,
                            media=link_media and output_format == "html")
    matched = len(select(pairs, selection)) if limit is not None else len(chosen)
    # `--limit 2` of 34 matching said "2 excerpt(s)", as if that were all
    count = f"{len(chosen)} excerpt(s)" + (
        f" (showing {len(chosen)} of {matched} matching sequences: --limit)"
        if matched > len(chosen) else "")
    deidentified = deid is not None
    if output_format == "docx":
        assert output is not None
        write_bytes(output, to_docx(chosen, deidentified=deidentified), force=force)
    elif output_format == "html":
        base = Path(output).parent if output else Path(".")
        with output_stream(output, force=force) as stream:
            stream.write(to_html(chosen, deidentified=deidentified, media_base=base))
    else:
        render = {"txt": to_text, "md": to_markdown}[output_format]
        with output_stream(output, force=force) as stream:
            stream.write(render(chosen, deidentified=deidentified))
    if link_media:
        _media_note(err, chosen, output_format)
    if deid is not None:
        write_deid_audit(deid, output, force, err, lead=f"{count}; ")
    else:
        err.print(f"{count}; NOT de-identified", style="bold red", markup=False,
                  highlight=False)
    if problems:
        raise SystemExit(1)
