"""`cakit formats [--format table|json]`: the transcript formats cakit reads and writes.

One row per registered format (built-ins and plug-ins alike): its name, the suffixes it
claims, whether cakit reads it (every registered format is read), whether it writes it
(`cakit convert --to TARGET`; writers are built in, so plug-ins are read-only), whether
its reader runs compiled (the optional mypyc build, docs/performance.md) and where it came
from: built in, or the distribution whose entry point registered it.
"""

from __future__ import annotations

import json
from typing import Any

import click

from cakit.cli._common import handle_errors


def format_rows() -> list[dict[str, Any]]:
    """The registered formats as plain rows (what `--format json` prints)."""
    from cakit.formats import FORMATS, compiled, write_target

    rows: list[dict[str, Any]] = []
    for name, fmt in FORMATS.items():
        origin = FORMATS.origin(name)
        target = write_target(name)
        rows.append({
            "name": name,
            "suffixes": list(fmt.suffixes),
            "read": True,
            "write": target is not None,
            "convert_to": target,
            "compiled": compiled(name),
            "origin": origin.kind,
            "distribution": origin.distribution or None,
            "version": origin.version or None,
            "entry_point": origin.entry_point or None,
        })
    return rows


def _source(row: dict[str, Any]) -> str:
    if row["origin"] != "entry point":
        return str(row["origin"])
    version = f" {row['version']}" if row["version"] else ""
    return f"{row['distribution']}{version} (entry point {row['entry_point']})"


def _reader(row: dict[str, Any]) -> str:
    """How a built-in reader runs: compiled (the mypyc build) or as Python source; a
    plug-in's is its own business ("-")."""
    if row["origin"] != "built-in":
        return "-"
    return "compiled" if row["compiled"] else "Python"


@click.command("formats")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True, help="A table for people, or JSON.")
@handle_errors
def formats(output_format: str) -> None:
    """List the transcript formats: suffixes, read/write, whether the reader runs compiled,
    and where each came from.

    Formats come built in (chat, jefferson, docx, elan) or from installed plug-ins that
    declare an entry point in the group cakit.formats (see docs/extending.md). Exit code 1
    when an installed plug-in cannot be loaded.
    """
    rows = format_rows()
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = [("name", "suffixes", "read", "write", "reader", "from")]
    for row in rows:
        write = f"convert --to {row['convert_to']}" if row["write"] else "no"
        table.append((row["name"], " ".join(row["suffixes"]), "yes" if row["read"] else "no",
                      write, _reader(row), _source(row)))
    widths = [max(len(line[column]) for line in table) for column in range(5)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line[:5], widths, strict=True)]
        click.echo("  ".join([*cells, line[5]]))
