"""`cakit evaluate --gold DIR PATHS…`: the annotator (or a coder) against a gold standard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    codebook_option,
    consoles,
    corpus,
    handle_errors,
    jobs_option,
    paths_argument,
    roles_option,
)

if TYPE_CHECKING:
    from cakit.annotations import ConsultationAnnotations
    from cakit.evaluate import Evaluation


def load_gold(directory: Path) -> list[ConsultationAnnotations]:
    """Every consultation in the JSON exports of a folder (files *.json)."""
    from cakit.annotations import AnnotationFormatError, from_json
    from cakit.errors import CakitError

    consultations: list[ConsultationAnnotations] = []
    for path in sorted(directory.glob("*.json")):
        try:
            consultations.extend(from_json(path.read_text(encoding="utf-8")).transcripts)
        except (AnnotationFormatError, OSError, UnicodeDecodeError) as exc:
            raise CakitError(f"{path}: {exc}") from None
    return consultations


@click.command()
@paths_argument
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of gold annotations in the JSON export shape.")
@codebook_option
@click.option("--format", "output_format", type=click.Choice(["table", "json", "md"]),
              default="table", show_default=True)
@jobs_option
@roles_option
@click.option("--no-color", is_flag=True)
@handle_errors
def evaluate(
    paths: tuple[str, ...], gold_dir: str, codebook: str | None, output_format: str, jobs: int,
    roles_file: str | None, no_color: bool,
) -> None:
    """Precision, recall and F1 per code and subtype and per phase (over turns, e.g.
    `phase:TREATMENT`); accuracy and Cohen's κ for R1 uptake, outcomes and phases; and
    attempts as coded by each signal (the rules alone, the attempt classifier alone, both;
    the tables above use the codebook's `classifier.signal`). Items are matched by line
    number. The machine codes are made afresh (the store is neither read nor written)."""
    from dataclasses import replace

    from cakit.annotate import codebook_for
    from cakit.annotate.codebook import SIGNALS
    from cakit.config import load_roles_file
    from cakit.evaluate import evaluate as run
    from cakit.run import ROLE_ERRORS, RunOptions, machine_codes, run_corpus

    gold = load_gold(Path(gold_dir))
    files = corpus(paths)
    roles = load_roles_file(Path(roles_file)) if roles_file else {}
    chosen = codebook_for(codebook).classifier.signal
    results: dict[str, Evaluation] = {}
    failures: list[str] = []
    for signal in (chosen, *(s for s in SIGNALS if s != chosen)):
        options = RunOptions(codebook=codebook, roles=roles, signal=signal)
        predicted = []
        for annotated in run_corpus(files, options, machine_codes, jobs=jobs):
            for problem in (*(str(d) for d in annotated.errors if d.code in ROLE_ERRORS),
                            annotated.failure):
                if problem and signal == chosen:
                    failures.append(problem)
            if annotated.value is not None:
                predicted.append(annotated.value)
        results[signal] = run(gold, predicted)
    for failure in failures:  # scored as if nothing were predicted there: say so
        click.echo(failure, err=True)
    result = replace(results[chosen], signals=tuple(
        (signal, results[signal].attempts()) for signal in SIGNALS))
    _show(result, output_format, no_color)
    if failures:
        raise SystemExit(1)


def _show(result: Evaluation, output_format: str, no_color: bool) -> None:
    """The evaluation as JSON, Markdown or rich tables on standard output."""
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    if output_format == "md":
        lines = ["| code | gold | predicted | TP | precision | recall | F1 |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for s in result.scores:
            lines.append(f"| {s.name} | {s.gold} | {s.predicted} | {s.true_positive} | "
                         f"{fmt(s.precision)} | {fmt(s.recall)} | {fmt(s.f1)} |")
        lines += ["", "| label | items | accuracy | kappa |", "|---|---:|---:|---:|"]
        for a in result.agreements:
            lines.append(f"| {a.name} | {a.items} | {fmt(a.accuracy)} | {fmt(a.kappa)} |")
        if result.signals:
            lines += ["", "| attempts coded by | gold | predicted | TP | precision | recall | F1 |",
                      "|---|---:|---:|---:|---:|---:|---:|"]
            for signal, s in result.signals:
                lines.append(f"| {signal} | {s.gold} | {s.predicted} | {s.true_positive} | "
                             f"{fmt(s.precision)} | {fmt(s.recall)} | {fmt(s.f1)} |")
        click.echo("\n".join(lines))
        return
    from rich.table import Table

    out, _ = consoles(no_color)
    table = Table(title=f"cakit evaluate: {result.consultations} consultations",
                  title_justify="left")
    for heading in ("code", "gold", "pred", "TP", "P", "R", "F1"):
        table.add_column(heading, justify="left" if heading == "code" else "right")
    for s in result.scores:
        table.add_row(s.name, str(s.gold), str(s.predicted), str(s.true_positive),
                      fmt(s.precision), fmt(s.recall), fmt(s.f1))
    out.print(table)
    labels = Table(title="agreement on matched items", title_justify="left")
    for heading in ("label", "items", "accuracy", "kappa"):
        labels.add_column(heading, justify="left" if heading == "label" else "right")
    for a in result.agreements:
        labels.add_row(a.name, str(a.items), fmt(a.accuracy), fmt(a.kappa))
    out.print(labels)
    if result.signals:
        signals = Table(title="PSY_ATTEMPT by signal (codebook: classifier.signal)",
                        title_justify="left")
        for heading in ("signal", "gold", "pred", "TP", "P", "R", "F1"):
            signals.add_column(heading, justify="left" if heading == "signal" else "right")
        for signal, s in result.signals:
            signals.add_row(signal, str(s.gold), str(s.predicted), str(s.true_positive),
                            fmt(s.precision), fmt(s.recall), fmt(s.f1))
        out.print(signals)
    if result.unmatched_gold:
        out.print(f"gold consultations not annotated: {', '.join(result.unmatched_gold)}",
                  markup=False)
