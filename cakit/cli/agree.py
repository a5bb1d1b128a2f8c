"""`cakit agree PATHS… --coders A B`: inter-coder agreement over the units the coders
decided, with coverage first and each code's prevalence."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import (
    DataError,
    codebook_option,
    consoles,
    dash_is_stdout,
    format_for_output,
    handle_errors,
    jobs_option,
    paths_argument,
    roles_option,
    store_option,
)

if TYPE_CHECKING:
    from cakit.agreement import Coverage, Decided, Measure
    from cakit.annotations import ConsultationAnnotations
    from cakit.codes import CodeCatalogue
    from cakit.run import Coded

#: What the output says about undecided machine codes, by `--include-undecided`.
UNDECIDED = {False: "left out", True: "counted as accepted"}


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
                   "instead of the coefficients: only units every coder decided, unless "
                   "--include-undecided.")
@click.option("--include-undecided", is_flag=True,
              help="Count a machine code a coder left undecided as that coder accepting it "
                   "(the output says so). Off by default: kappa and alpha are computed over "
                   "the units every coder decided.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=dash_is_stdout,
              help="Write to this file (default, or -: standard output).")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@store_option()
@codebook_option
@jobs_option
@roles_option
@handle_errors
def agree(paths: tuple[str, ...], coder_names: tuple[str, ...], unit: str, code: str | None,
          output_format: str, show_disagreements: bool, include_undecided: bool,
          output: str | None, force: bool, store_root: str | None,
          codebook: str | None, roles_file: str | None, jobs: int = 1) -> None:
    """Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.

    Only what the coders DECIDED counts. A coder's labels are the machine's codes as that
    coder accepted, rejected or relabelled them, plus their own codes; a unit (a turn, a
    patient turn, an attempt's sequence) the coder has not decided has no label from them,
    so a machine code two coders both left alone is not counted as agreement. `auto`
    stands for the machine and decides every unit. The COVERAGE comes first: per measure,
    the units, how many each coder decided, how many all of them decided (what kappa and
    alpha rest on) and how many nobody decided (machine only). With fewer than 10 units
    decided by every coder, or fewer than 10 that every coder also gave a label (a
    coder's own attempt with no response coded has no R1), the command stops (exit 1)
    rather than print coefficients that mean little; --include-undecided counts undecided
    machine codes as accepted instead, and the output says so.

    Per code (code versus not-code) and per phase, each coefficient beside the code's
    PREVALENCE: a high kappa on a rare code rests on few cases, and a low kappa can come
    with high raw agreement when a code is rare. Kappa needs exactly two coders; alpha
    takes any number. Coefficients that cannot be computed (one unit, one category) are
    reported as undefined.

    \b
    Formats: table and md print a coverage table, a note, then the coefficients; json has
    "coverage", "undecided" and "notes" keys beside "rows"; csv holds two tables, each with
    its own header row, separated by one empty line: coverage (with an "undecided machine
    codes" column: left out, or counted as accepted), then the coefficients.
    """
    output_format = format_for_output(output_format, output)
    from cakit.agreement import (
        MIN_JOINT_UNITS,
        coverage,
        joint_units,
        labelled_units,
        labels_used,
        merge_measures,
        units_for,
    )
    from cakit.cli._common import Tally, corpus, outcomes, run_options
    from cakit.cli._output import check_writable
    from cakit.errors import UsageError
    from cakit.run import keep, run_corpus
    from cakit.store import check_coder

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
    files = corpus(paths)
    options, root = run_options(files, codebook=codebook, roles_file=roles_file,
                                store_root=store_root)
    _, err = consoles()
    tally = Tally()
    parts = []
    from cakit.annotate import codebook_for

    catalogue = codebook_for(options.codebook).catalogue
    for result in outcomes(run_corpus(files, options, keep, jobs=jobs), len(files),
                           "reading and annotating", err, tally):
        assert result.value is not None
        consultations, decided = _coder_views(result.value, root, names, unit, catalogue)
        parts.append(units_for(unit, consultations, str(result.value.file.path), decided,
                               include_undecided=include_undecided))
    if not parts:
        raise UsageError("nothing to compare: no transcript with talk was read")
    measures = merge_measures(parts)
    if code is not None:
        _check_code(code, labels_used(measures), unit)
    found = coverage(measures, len(names))
    joint = joint_units(found)
    if show_disagreements:
        _write_disagreements(output, force, output_format, measures, names, unit, code,
                             include_undecided)
    else:
        if joint < MIN_JOINT_UNITS and not include_undecided:
            raise DataError(_too_few(names, unit, found, joint, MIN_JOINT_UNITS))
        labelled = labelled_units(measures)
        if labelled < MIN_JOINT_UNITS and not include_undecided:
            # decided, but a unit one coder left without a label pairs with nothing
            raise DataError(f"{_who(names)} decided {joint} {unit} units but gave "
                            f"{labelled} of them a label each; at least {MIN_JOINT_UNITS} "
                            "are needed for kappa/alpha to mean anything — code the "
                            "responses of your own attempts, or review more")
        _write_agreement(output, force, output_format, measures, found, names, unit, code,
                         include_undecided)
    if tally.problems:
        raise SystemExit(1)


def _coder_views(coded: Coded, root: Path, names: Sequence[str], unit: str,
                 catalogue: CodeCatalogue) -> tuple[list[ConsultationAnnotations], list[Decided]]:
    """Per coder, their codes of one transcript and the units they decided (None: the
    machine, which decides everything). The one place that reads coder layers."""
    from cakit.store import effective, layer_path, read_layer
    from cakit.store.coverage import decided_turns

    consultations: list[ConsultationAnnotations] = []
    decided: list[Decided] = []
    for name in names:
        if name == "auto":
            consultations.append(coded.machine)
            decided.append(None)
            continue
        consultations.append(effective(coded.machine, root=root, identity=coded.file.identity,
                                       text=coded.text, items=coded.items,
                                       catalogue=catalogue, coder=name))
        layer = read_layer(layer_path(root, name, coded.file.identity))
        decided.append(decided_turns(layer, coded.text, coded.items, unit))
    return consultations, decided


def _who(names: Sequence[str]) -> str:
    """"AB and CD both" / "AB, CD and EF all"."""
    if len(names) == 2:
        return f"{names[0]} and {names[1]} both"
    return f"{', '.join(names[:-1])} and {names[-1]} all"


def _too_few(names: Sequence[str], unit: str, found: Sequence[Coverage], joint: int,
             minimum: int) -> str:
    fewest = min(found, key=lambda c: c.joint, default=None)
    counts = ""
    if fewest is not None:
        each = ", ".join(f"{n} {k}" for n, k in zip(names, fewest.decided, strict=True))
        counts = f" ({each}, of {fewest.units})"
    plural = "" if joint == 1 else "s"
    return (f"{_who(names)} decided {joint} {unit} unit{plural}{counts}; at least {minimum} "
            "are needed for kappa/alpha to mean anything — review more, or pass "
            "--include-undecided to count undecided machine codes as accepted")


def _undecided_note(include_undecided: bool, names: Sequence[str], joint: int,
                    units: int) -> str:
    if include_undecided:
        return (f"undecided machine codes counted as accepted (--include-undecided): "
                f"{_who(names)} decided {joint} of {units} units")
    return (f"undecided machine codes left out: kappa and alpha are over the {joint} units "
            f"{_who(names)} decided")


@dataclass(frozen=True, slots=True)
class _Section:
    """One table of the output, with the notes printed under it."""

    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _check_code(code: str, used: set[str], unit: str) -> None:
    """Refuse a --code no coder gave any unit: its agreement would read as a perfect 100%
    (everyone agreed it was absent), which a typo (PSY_ATEMPT) must never produce."""
    import difflib

    from cakit.errors import UsageError

    if code in used:
        return
    close = difflib.get_close_matches(code, sorted(used), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else \
        f"the labels given are {', '.join(sorted(used)) or 'none'}"
    raise UsageError(f"--code {code!r}: no coder gave that label to any unit of --unit {unit}"
                     f" here; {hint}")


def _write_agreement(output: str | None, force: bool, output_format: str,
                     measures: Sequence[Measure], found: Sequence[Coverage],
                     names: Sequence[str], unit: str, code: str | None,
                     include_undecided: bool) -> None:
    from cakit.agreement import agreement, joint_units
    from cakit.cli._output import output_stream

    all_of = "decided by both" if len(names) == 2 else "decided by all"
    undecided = UNDECIDED[include_undecided]
    coverage_rows: list[dict[str, Any]] = [
        {"measure": c.measure, "units": c.units,
         **{f"decided by {n}": k for n, k in zip(names, c.decided, strict=True)},
         all_of: c.joint, "machine only": c.machine_only, "undecided machine codes": undecided}
        for c in found]
    coverage_columns = ["measure", "units", *(f"decided by {n}" for n in names), all_of,
                        "machine only", "undecided machine codes"]
    units = max((c.units for c in found), default=0)
    note = _undecided_note(include_undecided, names, joint_units(found), units)
    table = agreement(measures, code=code)
    rows = [{"measure": r.measure, "scope": r.scope, "code": r.code, "units": r.units,
             "prevalence": r.prevalence, "percent": r.percent, "kappa": r.kappa,
             "alpha": r.alpha, "note": r.note} for r in table]
    columns = ["measure", "scope", "code", "units", "prevalence", "percent", "kappa", "alpha",
               "note"]
    title = f"Agreement ({unit} units): {', '.join(names)}"
    with output_stream(output, force=force) as stream:
        if output_format == "json":
            _json(stream, {"title": title, "unit": unit, "coders": list(names),
                           "undecided": undecided, "coverage": [c.to_dict(names) for c in found],
                           "notes": [note], "rows": rows})
            return
        _write(stream, output_format, [
            _Section(f"Coverage ({unit} units): {', '.join(names)}", coverage_columns,
                     coverage_rows, [note]),
            _Section(title, columns, rows),
        ])


def _write_disagreements(output: str | None, force: bool, output_format: str,
                         measures: Sequence[Measure], names: Sequence[str], unit: str,
                         code: str | None, include_undecided: bool) -> None:
    from cakit.agreement import disagreements
    from cakit.cli._output import output_stream

    listed = disagreements(measures, code=code, joint_only=not include_undecided)
    rows: list[dict[str, Any]] = []
    for d in listed:
        row: dict[str, Any] = {
            "file": d.file, "measure": d.measure, "unit": d.key,
            "lines": f"{d.line}-{d.end_line}" if d.end_line != d.line else str(d.line),
            "phase": d.phase, **{n: d.labels[k] or "" for k, n in enumerate(names)}}
        if include_undecided:
            row["undecided (counted as accepted)"] = " ".join(
                n for k, n in enumerate(names) if d.decided and d.decided[k] is False)
        rows.append(row)
    columns = ["file", "measure", "unit", "lines", "phase", *names]
    if include_undecided:
        columns.append("undecided (counted as accepted)")
        note = "undecided machine codes counted as accepted (--include-undecided)"
        scope = "undecided machine codes counted as accepted"
    else:
        note = "only units every coder decided"
        scope = "units every coder decided"
    title = f"Disagreements ({unit} units, {scope}): {', '.join(names)}"
    with output_stream(output, force=force) as stream:
        if output_format == "json":
            _json(stream, {"title": title, "unit": unit, "coders": list(names),
                           "undecided": UNDECIDED[include_undecided], "notes": [note],
                           "rows": rows})
            return
        _write(stream, output_format, [_Section(title, columns, rows)])


def _cell(name: str, value: Any) -> str:
    if name in ("prevalence", "percent"):
        return _number(value, percent=True)
    if name in ("kappa", "alpha"):
        return _number(value)
    return "" if value is None else str(value)


def _json(stream: Any, payload: dict[str, Any]) -> None:
    stream.write(json.dumps(payload, indent=2, ensure_ascii=False))
    stream.write("\n")


_RIGHT = ("units", "prevalence", "percent", "kappa", "alpha", "machine only")


def _write(stream: Any, output_format: str, sections: Sequence[_Section]) -> None:
    """Tables one after another: csv with an empty line between them (no notes), md and
    table with each table's notes under it."""
    if output_format == "csv":
        from cakit.spreadsheet import csv_records

        stream.write("\n".join(csv_records(s.rows, s.columns) for s in sections))
        return
    if output_format == "md":
        for k, section in enumerate(sections):
            if k:
                stream.write("\n")
            stream.write(f"**{section.title}**\n\n| " + " | ".join(section.columns) + " |\n|")
            stream.write("|".join("---" for _ in section.columns) + "|\n")
            for row in section.rows:
                stream.write("| " + " | ".join(_cell(c, row.get(c)).replace("|", "\\|")
                                               for c in section.columns) + " |\n")
            for note in section.notes:
                stream.write(f"\n_{note}_\n")
        return
    import sys

    from rich.console import Console
    from rich.table import Table

    out, _ = consoles()
    console = out if stream is sys.stdout else Console(file=stream, width=160, no_color=True,
                                                       highlight=False)
    for section in sections:
        table = Table(title=section.title, show_lines=False)
        for column in section.columns:
            right = column in _RIGHT or column.startswith("decided by")
            table.add_column(column, justify="right" if right else "left")
        for row in section.rows:
            table.add_row(*(_cell(c, row.get(c)) for c in section.columns))
        console.print(table)
        for note in section.notes:
            console.print(note, markup=False, highlight=False)
        if not section.rows:
            click.echo("(no units)", err=True)
