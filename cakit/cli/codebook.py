"""`cakit codebook check [FILE]` and `cakit codebook show [FILE]`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    DataError,
    codebook_option,
    consoles,
    corpus,
    drain,
    handle_errors,
    jobs_option,
    paths_argument,
    roles_option,
    run_options,
    store_option,
)

if TYPE_CHECKING:
    from cakit.annotate.suggest import CodedFile
    from cakit.run import Coded


@click.group()
def codebook() -> None:
    """Check, show, document the codebook, or suggest phrases from coders' codes."""


@codebook.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def check(file: str | None) -> None:
    """Validate a codebook: every problem with its YAML line and column; exit 1 if any."""
    from cakit.annotate.codebook import load_codebook
    from cakit.annotate.produces import check_codes
    from cakit.annotate.spacy_bridge import CompiledCodebook
    from cakit.errors import CodebookError

    try:
        loaded = load_codebook(file)
        CompiledCodebook(loaded)
    except CodebookError as exc:
        raise DataError(str(exc)) from None
    problems = check_codes(loaded)
    if problems:
        raise DataError("\n".join(str(p) for p in problems))
    patterns = sum(len(c.patterns) for c in loaded.lexicon)
    catalogue = loaded.catalogue
    click.echo(f"ok: {loaded.source}: codebook version {loaded.version}, "
               f"{len(catalogue.codes)} codes ({len(catalogue.uptakes)} responses), "
               f"{len(catalogue.outcomes)} outcomes, {len(loaded.lexicon)} lexicon categories "
               f"({patterns} patterns), {len(loaded.frames)} frames, "
               f"{len(loaded.stoplist)} stop-list entries")


@codebook.command("show")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--no-color", is_flag=True)
def show(file: str | None, no_color: bool) -> None:
    """Print the codes, thresholds and lexicon categories of a codebook."""
    from rich.table import Table

    from cakit.annotate.codebook import load_codebook
    from cakit.errors import CodebookError

    try:
        loaded = load_codebook(file)
    except CodebookError as exc:
        raise DataError(str(exc)) from None
    out, _ = consoles(no_color)
    out.print(f"{loaded.name} — version {loaded.version} ({loaded.source})", markup=False)
    codes = Table(title="codes", title_justify="left")
    for heading in ("code", "family", "short", "label"):
        codes.add_column(heading)
    for code in loaded.catalogue.codes:
        name = f"  {code.name}" if code.parent else code.name
        codes.add_row(name, code.family, code.abbreviation, code.label)
    out.print(codes)
    thresholds = Table(title="thresholds", title_justify="left")
    thresholds.add_column("name")
    thresholds.add_column("value", justify="right")
    for name in loaded.thresholds.__dataclass_fields__:
        thresholds.add_row(name, str(getattr(loaded.thresholds, name)))
    out.print(thresholds)
    lexicon = Table(title="lexicon", title_justify="left")
    for heading in ("category", "section", "patterns", "examples"):
        lexicon.add_column(heading)
    for category in loaded.lexicon:
        examples = "; ".join(p.text for p in category.patterns[:4])
        lexicon.add_row(category.name, category.section, str(len(category.patterns)), examples)
    out.print(lexicon)
    if loaded.deviations:
        notes = Table(title="where this codebook departs from its coding scheme, and why",
                      title_justify="left", show_lines=True)
        for heading in ("section", "decision", "why"):
            notes.add_column(heading, overflow="fold")
        for section, decision, why in loaded.deviations:
            notes.add_row(section, decision, why)
        out.print(notes)


@codebook.command("doc")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
def doc(file: str | None) -> None:
    """Print the codebook as a Markdown reference page (docs/codebook.md is this output for
    the packaged codebook)."""
    from cakit.annotate.codebook import load_codebook
    from cakit.annotate.codebook_doc import codebook_markdown
    from cakit.errors import CodebookError

    try:
        loaded = load_codebook(file)
    except CodebookError as exc:
        raise DataError(str(exc)) from None
    click.echo(codebook_markdown(loaded), nl=False)


def _coded_file(coded: Coded) -> CodedFile:
    from cakit.annotate.suggest import CodedFile

    return CodedFile(coded.file.identity, coded.transcript, coded.machine, coded.annotations)


@codebook.command("suggest")
@paths_argument
@click.option("--coder", help="Learn from this coder's codes in the store.")
@click.option("--consensus", is_flag=True, help="Learn from the coders' majority.")
@click.option("--top", type=click.IntRange(1, 500), default=20, show_default=True,
              help="How many candidates to show.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True)
@codebook_option
@store_option("The annotation store holding the coders' layers.")
@roles_option
@jobs_option
@handle_errors
def suggest(paths: tuple[str, ...], coder: str | None, consensus: bool, top: int,
            output_format: str, codebook: str | None, store_root: str | None,
            roles_file: str | None, jobs: int) -> None:
    """Candidate lexicon phrases from attempts a coder added that the machine missed.

    Each candidate shows the missed attempts it would recover and how many other patient
    turns, coded by nobody, it would newly match. Nothing is changed: add what you adopt
    to a copy of the codebook, then run `cakit codebook check` and `cakit evaluate`.
    """
    import json

    from cakit.annotate.suggest import suggest as candidates
    from cakit.errors import UsageError
    from cakit.run import run_corpus

    if not coder and not consensus:
        raise UsageError("say whose codes to learn from: --coder NAME or --consensus")
    files = corpus(paths)
    options, _ = run_options(files, codebook=codebook, roles_file=roles_file,
                             store_root=store_root, no_store=False, coder=coder,
                             consensus=consensus)
    out, err = consoles()
    loaded, problems = drain(run_corpus(files, options, _coded_file, jobs=jobs), len(files),
                             "reading", err)
    found = candidates((r.value for r in loaded if r.value is not None), top=top)
    if output_format == "json":
        click.echo(json.dumps([{"phrase": s.phrase, "recovers": list(s.support),
                                "collateral": s.collateral,
                                "collateral_examples": list(s.collateral_examples)}
                               for s in found], indent=2, ensure_ascii=False))
    elif not found:
        out.print("no attempt was added by the coder where the machine had none",
                  markup=False)
    else:
        from rich.table import Table

        table = Table(title="candidate phrases (nothing is adopted until you edit the "
                      "codebook)", title_justify="left")
        for heading in ("phrase", "recovers", "new matches elsewhere", "e.g."):
            table.add_column(heading, overflow="fold")
        for s in found:
            table.add_row(s.phrase, ", ".join(s.support), str(s.collateral),
                          ", ".join(s.collateral_examples))
        out.print(table)
    if problems:
        raise SystemExit(1)
