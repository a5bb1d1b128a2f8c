"""`cakit agree PATHS… --coders A B`: inter-coder agreement, with each code's prevalence."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click

from cakit.cli._common import (
    codebook_option,
    consoles,
    handle_errors,
    paths_argument,
    store_option,
    transcript_files,
)


def _number(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "undefined"
    return f"{value * 100:.1f}%" if percent else f"{value:.3f}"


class _GreedyCoders(click.Command):
    """Lets `--coders A B C` take several names (click options take one value each).

    The names after `--coders`, up to the next option, become `--coders A --coders B …`;
    so put the transcript paths before `--coders`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        k = 0
        while k < len(args):
            arg = args[k]
            if arg == "--":
                rewritten.extend(args[k:])
                break
            if arg == "--coders":
                k += 1
                names: list[str] = []
                while k < len(args) and not args[k].startswith("-"):
                    names.append(args[k])
                    k += 1
                if not names:
                    rewritten.append(arg)
                for name in names:
                    rewritten.extend(["--coders", name])
                continue
            rewritten.append(arg)
            k += 1
        return super().parse_args(ctx, rewritten)


@click.command(cls=_GreedyCoders)
@paths_argument
@click.option("--coders", "coder_names", required=True, multiple=True,
              help="Coders to compare, after the paths: `--coders A B [C…]` (or A,B); "
                   "`auto` is the machine.")
@click.option("--unit", type=click.Choice(["turn", "attempt", "sequence"]), default="turn",
              show_default=True,
              help="turn: each turn's code; attempt: each patient turn (attempt or not, "
                   "subtype); sequence: each attempt (R1 uptake, outcome).")
@click.option("--code", "code", help="Only this code (code versus not-code).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "md", "json"]),
              default="table", show_default=True)
@click.option("--disagreements", "show_disagreements", is_flag=True,
              help="List the units the coders labelled differently (for coder training) "
                   "instead of the coefficients.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@store_option()
@codebook_option
@handle_errors
def agree(paths: tuple[str, ...], coder_names: tuple[str, ...], unit: str, code: str | None,
          output_format: str, show_disagreements: bool, output: str | None, force: bool,
          store_root: str, codebook: str | None) -> None:
    """Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.

    Per code (code versus not-code) and per phase, each coefficient beside the code's
    PREVALENCE: a high kappa on a rare code rests on few cases, and a low kappa can come
    with high raw agreement when a code is rare. Kappa needs exactly two coders; alpha
    takes any number. Coefficients that cannot be computed (one unit, one category) are
    reported as undefined. Each coder's annotations are the machine's as that coder
    decided them, plus their own codes; `auto` stands for the machine itself.
    """
    from cakit.agreement import agreement, disagreements, merge_measures, units_for
    from cakit.cli._output import check_writable, output_stream
    from cakit.errors import UsageError
    from cakit.store import check_coder, effective, machine_state

    names: list[str] = []
    for entry in coder_names:
        names.extend(n for n in entry.replace(",", " ").split() if n)
    if len(names) < 2:
        raise UsageError("--coders needs at least two names (e.g. --coders anna ben)")
    if len(set(names)) != len(names):
        raise UsageError("--coders lists a coder twice")
    for name in names:
        if name != "auto":
            check_coder(name)
    check_writable(output, force)
    root = Path(store_root)
    parts = []
    for path in transcript_files(paths):
        state = machine_state(str(path), root, codebook=codebook)
        consultations = [
            state.consultation if name == "auto" else effective(
                state.consultation, root=root, source=state.source, coder=name,
                transcript=state.transcript)
            for name in names
        ]
        parts.append(units_for(unit, consultations, state.source))
    measures = merge_measures(parts)
    with output_stream(output, force=force) as stream:
        if show_disagreements:
            rows: list[dict[str, Any]] = [{"file": d.file, "measure": d.measure, "unit": d.key,
                     "lines": f"{d.line}-{d.end_line}" if d.end_line != d.line else str(d.line),
                     "phase": d.phase, **{n: d.labels[k] or "" for k, n in enumerate(names)}}
                    for d in disagreements(measures, code=code)]
            _write(stream, output_format, rows,
                   ["file", "measure", "unit", "lines", "phase", *names],
                   f"Disagreements ({unit} units): {', '.join(names)}")
            return
        table = agreement(measures, code=code)
        rows = [{"measure": r.measure, "scope": r.scope, "code": r.code, "units": r.units,
                 "prevalence": r.prevalence, "percent": r.percent, "kappa": r.kappa,
                 "alpha": r.alpha, "note": r.note} for r in table]
        _write(stream, output_format, rows,
               ["measure", "scope", "code", "units", "prevalence", "percent", "kappa", "alpha",
                "note"],
               f"Agreement ({unit} units): {', '.join(names)}")


def _cell(name: str, value: Any) -> str:
    if name in ("prevalence", "percent"):
        return _number(value, percent=True)
    if name in ("kappa", "alpha"):
        return _number(value)
    return "" if value is None else str(value)


def _write(stream: Any, output_format: str, rows: list[dict[str, Any]], columns: list[str],
           title: str) -> None:
    if output_format == "json":
        stream.write(json.dumps({"title": title, "rows": rows}, indent=2, ensure_ascii=False))
        stream.write("\n")
        return
    if output_format == "csv":
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
        return
    if output_format == "md":
        stream.write(f"**{title}**\n\n| " + " | ".join(columns) + " |\n|")
        stream.write("|".join("---" for _ in columns) + "|\n")
        for row in rows:
            stream.write("| " + " | ".join(_cell(c, row.get(c)).replace("|", "\\|")
                                           for c in columns) + " |\n")
        return
    import sys

    from rich.table import Table

    out, _ = consoles()
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, justify="right" if column in (
            "units", "prevalence", "percent", "kappa", "alpha") else "left")
    for row in rows:
        table.add_row(*(_cell(c, row.get(c)) for c in columns))
    if stream is sys.stdout:
        out.print(table)
    else:
        from rich.console import Console

        Console(file=stream, width=160, no_color=True, highlight=False).print(table)
    if not rows:
        click.echo("(no units)", err=True)
