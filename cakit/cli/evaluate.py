"""`cakit evaluate --gold DIR PATHS…`: the annotator (or a coder) against a gold standard."""

from __future__ import annotations

import json
from collections.abc import Sequence
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
    from cakit.codes import CodeCatalogue
    from cakit.evaluate import Evaluation
    from cakit.project import CorpusFile


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
    number. The machine codes are made afresh (the store is neither read nor written).

    Gold pairs with a transcript by file name (its consultation id is the transcript's
    name without the suffix). Standard error names every transcript without gold and every
    gold consultation without a transcript (neither is scored), gold that holds only
    the annotator's unreviewed codes, gold codes the codebook does not define, a line
    coded with two attempts (counted once), gold turns with no phase (not scored for
    phase), and gold codes on lines where the transcript starts no turn (edited since it
    was coded). A transcript read with errors fails the run (exit
    status 1) after the figures; one with no talk has its gold codes counted as missed.
    Two gold files for one consultation, or two transcripts of one name, are refused."""
    from dataclasses import replace

    from cakit.annotate import codebook_for
    from cakit.annotate.codebook import SIGNALS
    from cakit.annotations import ConsultationAnnotations
    from cakit.config import load_roles_file
    from cakit.evaluate import evaluate as run
    from cakit.gold import load_gold
    from cakit.run import RunOptions, machine_codes, run_corpus

    gold = load_gold(Path(gold_dir))
    files = corpus(paths)
    _check_names(files)
    roles = load_roles_file(Path(roles_file)) if roles_file else {}
    book = codebook_for(codebook)
    chosen = book.classifier.signal
    results: dict[str, Evaluation] = {}
    failures: list[str] = []
    notes = _gold_notes(gold, book.catalogue)
    for signal in (chosen, *(s for s in SIGNALS if s != chosen)):
        options = RunOptions(codebook=codebook, roles=roles, signal=signal)
        predicted = []
        for annotated in run_corpus(files, options, machine_codes, jobs=jobs):
            path = annotated.file.path
            if signal == chosen:
                # any error (undecodable bytes, a broken line, a speaker with no role) may
                # have cost codes, so the figures below are not the file's: the run fails
                failures.extend(str(d) for d in annotated.errors)
                failures.extend(p for p in (annotated.store_error, annotated.failure) if p)
                if annotated.value is None and not annotated.errors:
                    notes.append(f"{path}: no talk could be read: scored as coding nothing, "
                                 "so its gold codes count as missed")
            # a file that gave no codes predicted nothing: its gold codes are missed, not
            # left out
            predicted.append(annotated.value if annotated.value is not None else
                             ConsultationAnnotations(id=path.stem, source=str(path),
                                                     format=""))
        results[signal] = run(gold, predicted)
        if signal == chosen:
            notes.extend(_misplaced(gold, predicted))
    result = replace(results[chosen], signals=tuple(
        (signal, results[signal].attempts()) for signal in SIGNALS))
    if result.unscored:
        notes.append(f"not scored, no gold consultation with the same name in {gold_dir}: "
                     f"{', '.join(result.unscored)}")
    if result.unmatched_gold:
        notes.append(f"gold consultations with no transcript given, not scored: "
                     f"{', '.join(result.unmatched_gold)}")
    for line in (*failures, *notes):
        click.echo(line, err=True)
    _show(result, output_format, no_color)
    if failures:
        raise SystemExit(1)


def _gold_notes(gold: Sequence[ConsultationAnnotations], catalogue: CodeCatalogue) -> list[str]:
    """A line for each way a gold consultation would change the figures unseen: only
    unreviewed machine codes, codes the codebook does not define, a line coded with two
    attempts, turns with no phase."""
    from cakit.annotate.codebook import PHASE_NAMES
    from cakit.evaluate import (
        repeated_attempt_lines,
        undefined_codes,
        unphased_turns,
        unreviewed,
    )

    notes = []
    for consultation in gold:
        name = consultation.id
        if unreviewed(consultation):
            notes.append(f"{name}: the gold holds only machine codes nobody reviewed (every "
                         "code proposed by the annotator): it scores the annotator against "
                         "itself")
        undefined = undefined_codes(consultation, catalogue, PHASE_NAMES)
        if undefined:
            notes.append(f"{name}: the gold uses codes this codebook does not define "
                         f"({', '.join(undefined)}): nothing can match them, so they count "
                         "as missed")
        repeated = repeated_attempt_lines(consultation)
        if repeated:
            notes.append(f"{name}: the gold codes more than one attempt on line(s) "
                         f"{', '.join(map(str, repeated))}: attempts are matched by line, so "
                         "each line counts once")
        unphased = unphased_turns(consultation)
        if unphased:
            notes.append(f"{name}: {unphased} of {len(consultation.turns)} gold turn(s) have "
                         "no phase (UNKNOWN): they are left out of the phase figures")
    return notes


def _misplaced(gold: Sequence[ConsultationAnnotations],
               predicted: Sequence[ConsultationAnnotations]) -> list[str]:
    """A line for each consultation whose gold codes sit where no turn starts now, or
    whose gold names another version of the transcript (its sha256)."""
    from cakit.evaluate import off_turn_lines

    by_id = {consultation.id: consultation for consultation in predicted}
    notes = []
    for consultation in gold:
        now = by_id.get(consultation.id)
        if now is None or not now.turns:
            continue
        if consultation.sha256 and now.sha256 and consultation.sha256 != now.sha256:
            notes.append(f"{consultation.id}: the gold was coded on another version of the "
                         "transcript (its sha256 differs): lines may not match")
        lines = off_turn_lines(consultation, now)
        if lines:
            shown = ", ".join(map(str, lines[:8])) + (" …" if len(lines) > 8 else "")
            notes.append(f"{consultation.id}: {len(lines)} gold code(s) on lines where the "
                         f"transcript starts no turn ({shown}): they count as missed")
    return notes


def _check_names(files: Sequence[CorpusFile]) -> None:
    """Gold pairs with a transcript by its file name (stem): two transcripts of one name
    (in two folders) would be paired with the same gold and one would be lost.

    Raises:
        CakitError: two transcripts share a file name.
    """
    from cakit.errors import CakitError

    seen: dict[str, Path] = {}
    for file in files:
        other = seen.setdefault(file.path.stem, file.path)
        if other != file.path:
            raise CakitError(f"{file.path}: has the same name as {other}; gold is paired with "
                             "transcripts by file name, so evaluate one of them at a time")


def _show(result: Evaluation, output_format: str, no_color: bool) -> None:
    """The evaluation as JSON, Markdown or rich tables on standard output."""
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    if output_format == "md":
        lines = [f"{result.consultations} consultations scored.", "",
                 "| code | gold | predicted | TP | precision | recall | F1 |",
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
