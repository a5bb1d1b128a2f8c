"""`cakit validate PATHS…`: every diagnostic, a summary line, exit 1 on any error."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    consoles,
    handle_errors,
    jobs_option,
    paths_argument,
    progress,
    roles_option,
    transcript_files,
)

if TYPE_CHECKING:
    from pathlib import Path

    from cakit.model import Diagnostic, Role

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@click.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--ignore", multiple=True, metavar="CODE",
              help="Do not report this diagnostic code (repeatable; see `cakit explain`).")
@click.option("--errors-only", is_flag=True, help="Report errors, not warnings or notes.")
@click.option("--lenient", is_flag=True,
              help="Header-level CHAT problems are warnings, not errors (docs/convert.md).")
@roles_option
@jobs_option
@click.option("--no-color", is_flag=True, help="Plain output.")
@handle_errors
def validate(
    paths: tuple[str, ...], output_format: str, ignore: tuple[str, ...], errors_only: bool,
    roles_file: str | None, no_color: bool, lenient: bool = False, jobs: int = 1,
) -> None:
    """Check transcripts and print every problem as path:line:col: CODE message.

    PATHS are files, folders (searched recursively) or glob patterns. Exit code 1 when any
    file has an error.
    """
    from pathlib import Path

    from cakit.config import load_roles_file
    from cakit.workers import ordered_map

    ignored = _ignored_codes(ignore)
    roles = load_roles_file(Path(roles_file)) if roles_file else None
    files = transcript_files(paths)
    out, _ = consoles(no_color)
    reports = []
    error_total = warning_total = files_with_errors = 0
    checked = ordered_map(_diagnostics, [(path, roles, lenient) for path in files], jobs=jobs)
    for path, diagnostics in progress(zip(files, checked, strict=True), "validating",
                                      total=len(files)):
        shown = [
            d for d in sorted(diagnostics, key=lambda d: (d.span.line, d.span.col))
            if d.code not in ignored and not (errors_only and d.severity != "error")
        ]
        errors = sum(1 for d in shown if d.severity == "error")
        warnings = sum(1 for d in shown if d.severity == "warning")
        error_total += errors
        warning_total += warnings
        files_with_errors += 1 if errors else 0
        if output_format == "json":
            reports.append({"file": str(path), "errors": errors, "warnings": warnings,
                            "diagnostics": [d.to_dict() for d in shown]})
            continue
        for diagnostic in shown:
            text = str(diagnostic)
            head, _, rest = text.partition("\n")
            out.print(head, style=_STYLE.get(diagnostic.severity, ""), markup=False,
                      highlight=False)
            if rest:
                out.print(rest, markup=False, highlight=False)
    if output_format == "json":
        click.echo(json.dumps({"files": reports, "checked": len(files), "errors": error_total,
                               "warnings": warning_total}, indent=2, ensure_ascii=False))
    else:
        verdict = "FAILED" if error_total else "ok"
        out.print(
            f"{verdict}: checked {len(files)} file{'s' if len(files) != 1 else ''}: "
            f"{error_total} error{'s' if error_total != 1 else ''} in {files_with_errors} "
            f"file{'s' if files_with_errors != 1 else ''}, {warning_total} "
            f"warning{'s' if warning_total != 1 else ''}",
            style="bold red" if error_total else "bold green", markup=False,
        )
    if error_total:
        raise SystemExit(1)


def _diagnostics(task: tuple[Path, dict[str, Role] | None, bool]) -> tuple[Diagnostic, ...]:
    """Every problem of one file (run in a worker with --jobs)."""
    from cakit.formats import read
    from cakit.formats.lenient import relax

    path, roles, lenient = task
    result = read(path, roles=roles, check_tiers=True)
    return (relax(result) if lenient else result).diagnostics


def _ignored_codes(ignore: tuple[str, ...]) -> set[str]:
    """The `--ignore` codes as cakit writes them; a code cakit never reports is a usage
    error (a typo would otherwise hide nothing and say nothing)."""
    from cakit.diagnostics import explain, normal_code
    from cakit.errors import UnknownComponentError, UsageError

    for code in ignore:
        try:
            explain(code)
        except UnknownComponentError as exc:
            raise UsageError(f"--ignore: {exc}") from None
    return {normal_code(code) for code in ignore}
