"""`cakit explain CODE…` and `cakit explain --all`: what a diagnostic code means."""

from __future__ import annotations

import click

from cakit.cli._common import handle_errors


@click.command()
@click.argument("codes", nargs=-1, metavar="[CODE]...")
@click.option("--all", "show_all", is_flag=True, help="List every code, one line each.")
@click.option("--format", "output_format", type=click.Choice(["text", "md"]), default="text",
              show_default=True, help="Plain text, or the markdown catalogue.")
@handle_errors
def explain(codes: tuple[str, ...], show_all: bool, output_format: str) -> None:
    """Say what a diagnostic code (CK304, E517 …) means and what to do about it.

    `--all --format md` prints the catalogue that docs/diagnostics.md holds.
    """
    from cakit import diagnostics
    from cakit.errors import UnknownComponentError, UsageError

    if show_all and codes:
        raise UsageError("give CODEs or --all, not both")
    if not show_all and not codes:
        raise UsageError("give a CODE (e.g. cakit explain E517), or --all to list them all")
    if show_all:
        entries = diagnostics.all_entries()
    else:
        try:
            entries = tuple(diagnostics.explain(code) for code in codes)
        except UnknownComponentError as exc:
            raise UsageError(str(exc)) from None
    if output_format == "md":
        click.echo(diagnostics.markdown(None if show_all else entries), nl=False)
        return
    if show_all:
        for entry in entries:
            click.echo(f"{entry.code:<6} {entry.severity:<8} {entry.meaning}")
        return
    for number, entry in enumerate(entries):
        if number:
            click.echo("")
        click.echo(f"{entry.code}  {entry.severity_text}")
        click.echo(f"  meaning:    {entry.meaning}")
        click.echo(f"  what to do: {entry.hint}")
        click.echo(f"  section:    {entry.area}")
