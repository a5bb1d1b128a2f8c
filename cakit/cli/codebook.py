"""`cakit codebook check [FILE]` and `cakit codebook show [FILE]`."""

from __future__ import annotations

import click

from cakit.cli._common import DataError, consoles


@click.group()
def codebook() -> None:
    """Check or show the codebook (default: the codebook cakit ships)."""


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
