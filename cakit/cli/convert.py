"""`cakit convert FILE… --to chat|jefferson|eaf [-o DIR] [--force]`: change a transcript's notation.

Output goes next to each input with the new suffix (`.cha`, `.txt` or `.eaf`), or into `-o DIR`.
An existing file is never overwritten unless `--force` is given, and the input itself is
never overwritten at all; every file is written to a temporary file first and moved into
place atomically, so an interrupted run leaves no half-written transcript. A file that reads
with errors is not converted (its diagnostics are printed), and converted CHAT is checked
with the CHAT reader before it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    consoles,
    handle_errors,
    no_dash,
    paths_argument,
    progress,
    roles_option,
    transcript_files,
)
from cakit.errors import CakitError
from cakit.model import ParseResult, Transcript

if TYPE_CHECKING:
    from rich.console import Console

SUFFIXES = {"chat": ".cha", "jefferson": ".txt", "eaf": ".eaf"}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class OutputExists(CakitError):
    """The output file exists and `--force` was not given."""


def write_atomic(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to `path` atomically (the one atomic writer, `cakit.store.atomic`);
    without `force` an existing file, even one that appears meanwhile, is never replaced.

    Raises:
        OutputExists: `path` exists and `force` is False.
        OSError: the folder is not writable (an OutputError saying why, CK410).
    """
    from cakit.store.atomic import TargetExists, atomic_write_text

    if not force and path.exists():
        raise OutputExists(str(path))
    try:
        atomic_write_text(path, text, replace=force)
    except TargetExists:
        raise OutputExists(str(path)) from None


def output_path(source: Path, target: str, directory: Path | None) -> Path:
    """Where the converted `source` goes: next to it, or into `directory`."""
    name = source.with_suffix(SUFFIXES[target]).name
    return (directory / name) if directory is not None else source.with_name(name)


@click.command()
@paths_argument
@click.option("--to", "target", type=click.Choice(sorted(SUFFIXES)), required=True,
              help="Notation to write: chat (.cha, CA mode), jefferson (.txt) or eaf "
              "(.eaf, ELAN, with the codes on dependent tiers).")
@click.option("-o", "--output-dir", "output_dir", type=click.Path(file_okay=False),
              callback=no_dash,
              help="Write into this folder (created if needed) instead of next to the inputs.")
@click.option("--force", is_flag=True, help="Overwrite output files that already exist.")
@roles_option
@click.option("--convention", type=click.Choice(["jefferson", "gat2"]), default=None,
              help="How to read Jefferson marks (gat2: capitals = accent). Default: the "
              "project's cakit.yaml `convention:`, else jefferson.")
@click.option("--lenient", is_flag=True,
              help="Header-level CHAT problems (age 60;1.1, unknown role or @Options value, "
              "missing @End …) are warnings, not errors (docs/convert.md).")
@click.option("--no-color", is_flag=True, help="Plain output.")
@handle_errors
def convert(
    paths: tuple[str, ...], target: str, output_dir: str | None, force: bool,
    roles_file: str | None, convention: str | None, no_color: bool, lenient: bool = False,
) -> None:
    """Convert transcripts to CHAT, Jefferson or ELAN (.eaf).

    PATHS are files, folders (searched recursively) or glob patterns. Exit code 1 when any
    file could not be converted (read errors, or an output that exists without --force).
    """

    from cakit.cli._output import say_new_folder
    from cakit.config import load_roles_file
    from cakit.formats import project_convention, read
    from cakit.formats.chat.reader import parse_chat
    from cakit.formats.chat.writer import to_chat
    from cakit.formats.jefferson.writer import to_jefferson
    from cakit.formats.lenient import LENIENT_HINT, relax, relaxable

    roles = load_roles_file(Path(roles_file)) if roles_file else None
    files = transcript_files(paths)
    directory = Path(output_dir) if output_dir else None
    if directory is not None:
        say_new_folder(directory)
        directory.mkdir(parents=True, exist_ok=True)
    out, err = consoles(no_color)
    written: set[Path] = set()
    failed = 0
    converted = 0
    for path in progress(files, "converting"):
        destination = output_path(path, target, directory)
        if destination.resolve() == path.resolve():
            err.print(f"{path}: not converted: the output would overwrite the input",
                      style="bold red", markup=False, soft_wrap=True)
            err.print("    hint: write into another folder with -o DIR", markup=False,
                      soft_wrap=True)
            failed += 1
            continue
        if destination.resolve() in written:
            err.print(f"{path}: not converted: {destination} was already written in this run",
                      style="bold red", markup=False, soft_wrap=True)
            failed += 1
            continue
        result = read(path, roles=roles, convention=convention,  # type: ignore[arg-type]
                      check_tiers=True)
        if lenient:
            result = relax(result)
        if result.errors:
            _print_diagnostics(err, result.errors)
            err.print(f"{path}: not converted: {len(result.errors)} error"
                      f"{'s' if len(result.errors) != 1 else ''} while reading",
                      style="bold red", markup=False, soft_wrap=True)
            if not lenient and relaxable(result.diagnostics):
                err.print(f"    hint: {LENIENT_HINT}", markup=False, soft_wrap=True)
            failed += 1
            continue
        _print_losses(err, path, result, target, lenient)
        if target == "chat":
            text = to_chat(result.transcript)
            check = parse_chat(text, source=str(destination), stem=destination.stem,
                               check_tiers=True)
            if lenient:
                check = relax(check)
            # a media name unlike the file's (an ELAN file's `r03_v20_s5.wav`, a Jefferson
            # `Media:` line) is the source's, not a fault of the writing: said, not refused
            mismatched = [d for d in check.errors if d.code == "E531"]
            if mismatched:
                _print_diagnostics(err, [replace(d, severity="warning") for d in mismatched])
            if any(d.code != "E531" for d in check.errors):
                _print_diagnostics(err, [d for d in check.errors if d.code != "E531"])
                err.print(f"{path}: not converted: the CHAT written for it does not validate "
                          "(a cakit bug; please report it)", style="bold red", markup=False,
                          soft_wrap=True)
                failed += 1
                continue
        elif target == "eaf":
            eaf = _eaf(path, result.transcript, err)
            if eaf is None:
                failed += 1
                continue
            text = eaf
        else:
            text = to_jefferson(result.transcript)
        try:
            write_atomic(destination, text, force=force)
        except OutputExists:
            err.print(f"{path}: not converted: {destination} already exists",
                      style="bold red", markup=False, soft_wrap=True)
            err.print("    hint: pass --force to overwrite it, or choose -o DIR", markup=False,
                      soft_wrap=True)
            failed += 1
            continue
        except OSError as exc:
            err.print(f"{path}: not converted: cannot write {destination}: "
                      f"{exc.strerror or exc}", style="bold red", markup=False, soft_wrap=True)
            failed += 1
            continue
        written.add(destination.resolve())
        converted += 1
        # read back as every other command will read it: in a project whose cakit.yaml says
        # `convention: gat2`, the Jefferson marks cakit writes are read as GAT 2
        written_back = read(destination, roles=roles)
        _print_drift(err, path, result.transcript,
                     relax(written_back) if lenient else written_back)
        if target != "chat" and project_convention(destination) == "gat2":
            err.print(f"{destination}:1:1: CK421 cakit writes Jefferson marks, but this "
                      "file's project reads them as GAT 2 (its cakit.yaml says convention: "
                      "gat2): capitals, pauses and breaths mean other things there",
                      style="yellow", markup=False, soft_wrap=True)
            err.print("    hint: write the conversion into a folder outside that project "
                      "(-o DIR)", markup=False, soft_wrap=True)
        out.print(f"{path} → {destination}", markup=False, highlight=False, soft_wrap=True)
    verdict = "FAILED" if failed else "ok"
    out.print(f"{verdict}: converted {converted} file{'s' if converted != 1 else ''} to "
              f"{target}, {failed} not converted", style="bold red" if failed else "bold green",
              markup=False, soft_wrap=True)
    if failed:
        raise SystemExit(1)


def _print_losses(
    console: object, path: Path, result: ParseResult, target: str, lenient: bool
) -> None:
    """Warnings for what the conversion cannot keep, and for what --lenient relaxed."""
    from collections import Counter

    from cakit.formats.chat.writer import chat_losses
    from cakit.formats.elan.writer import eaf_losses
    from cakit.formats.jefferson.writer import jefferson_losses
    from cakit.formats.lenient import LENIENT_CODES, LINE_CODES

    show = console.print  # type: ignore[attr-defined]
    if lenient:
        relaxed = [d for d in result.warnings if d.hint.startswith("relaxed by")]
        for diagnostic in relaxed:  # talk-level: each line, so a reader can check it
            if diagnostic.code in LINE_CODES:
                show(f"{diagnostic.span}: {diagnostic.code} {diagnostic.message} "
                     "(relaxed by --lenient)", style="yellow", markup=False, soft_wrap=True)
        counts = Counter(d.code for d in relaxed if d.code not in LINE_CODES)
        for code, count in sorted(counts.items()):
            show(f"{path}:1:1: {code} relaxed by --lenient ({count} ×): {LENIENT_CODES[code]}",
                 style="yellow", markup=False, soft_wrap=True)
    if target == "jefferson" and result.transcript.format == "chat":
        for loss in jefferson_losses(result.transcript):
            show(f"{path}:1:1: CK420 Jefferson cannot hold {loss}: left out", style="yellow",
                 markup=False, soft_wrap=True)
    if target == "chat" and result.transcript.format != "chat":
        for loss in chat_losses(result.transcript):
            show(f"{path}:1:1: CK420 CHAT cannot hold {loss}: written so", style="yellow",
                 markup=False, soft_wrap=True)
    if target == "eaf":
        for loss in eaf_losses(result.transcript):
            show(f"{path}:1:1: CK420 the EAF holds talk only, not {loss}: left out",
                 style="yellow", markup=False, soft_wrap=True)


def _print_drift(console: Console, path: Path, source: Transcript,
                 converted: ParseResult) -> None:
    """CK421 when the written file reads back with other counts than its source: what a
    notation cannot hold (or a writer gets wrong) changes figures and codes silently."""
    from cakit.counts import spoken_words, utterance_length
    from cakit.summary import changed_figures, summarize

    changed = changed_figures(summarize(source), summarize(converted.transcript))
    # what freq and mlu count: without retraced words, fillers and fragments, which a
    # notation without those marks turns into words (CHAT `<I want> [/]` in Jefferson)
    def freq_words(transcript: Transcript) -> int:
        return sum(len(spoken_words(u)) for u in transcript.utterances)

    def mlu_words(transcript: Transcript) -> int:
        return sum(utterance_length(u) or 0 for u in transcript.utterances)

    for name, count in (("freq", freq_words), ("mlu", mlu_words)):
        before, after = count(source), count(converted.transcript)
        if before != after:
            changed.append(f"words {name} counts {before} → {after}")
    if converted.errors:
        changed.append(f"{len(converted.errors)} reading error(s)")
    if changed:
        console.print(f"{path}:1:1: CK421 the converted file counts differently: "
                      f"{', '.join(changed)}; codes that depend on these can change too",
                      style="yellow", markup=False, soft_wrap=True)


def _print_diagnostics(console: object, diagnostics: Sequence[object]) -> None:
    for diagnostic in diagnostics:
        text = str(diagnostic)
        head, _, rest = text.partition("\n")
        severity = getattr(diagnostic, "severity", "error")
        console.print(head, style=_STYLE.get(severity, ""), markup=False,  # type: ignore[attr-defined]
                      highlight=False, soft_wrap=True)
        if rest:
            console.print(rest, markup=False, highlight=False, soft_wrap=True)  # type: ignore[attr-defined]


def _eaf(path: Path, transcript: Transcript, err: Console) -> str | None:
    """The EAF document of a transcript with its codes. From an EAF source, every
    dependent tier of the source is carried over (its codes are not made again when it
    has cakit's code tiers); None, after saying why, when some annotation cannot be."""
    from datetime import datetime, timezone

    from cakit.formats.elan import to_coded_eaf
    from cakit.formats.elan.carry import carry_dependent_tiers, has_code_tiers
    from cakit.formats.elan.writer import to_eaf

    date = datetime.now(timezone.utc)
    if transcript.format != "elan":
        return to_coded_eaf(transcript, date=date)
    source = path.read_bytes()
    coded = has_code_tiers(source)
    written = to_eaf(transcript, date=date) if coded else to_coded_eaf(transcript, date=date)
    carried = carry_dependent_tiers(source, written)
    if carried.problems:
        for problem in carried.problems:
            err.print(f"{path}: {problem}", style="bold red", markup=False, soft_wrap=True)
        err.print(f"{path}: not converted: {len(carried.problems)} annotation(s) of its "
                  "dependent tiers could not be carried over, and cakit never drops them",
                  style="bold red", markup=False, soft_wrap=True)
        return None
    if carried.tiers:
        kept = "its codes as they are, not made again" if coded else "cakit's codes added"
        err.print(f"{path}: kept {carried.annotations} annotation(s) on "
                  f"{len(carried.tiers)} dependent tier(s) of the source ({kept})",
                  markup=False, soft_wrap=True, highlight=False)
    return carried.text
