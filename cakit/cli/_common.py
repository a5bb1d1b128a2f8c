"""What every command shares: consoles, error handling, progress, path expansion."""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cakit.errors import CakitError, UsageError

if TYPE_CHECKING:
    from cakit.project import CorpusFile
    from cakit.run import FileOutcome, RunOptions

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: Files at or above this count get a progress bar (on stderr, only on a terminal).
PROGRESS_THRESHOLD = 5


class DataError(click.ClickException):
    """A data problem (bad transcript, corrupt store): exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def consoles(no_color: bool = False) -> tuple[Any, Any]:
    """(stdout console, stderr console); colour off when not a terminal or NO_COLOR is set."""
    from rich.console import Console

    plain = no_color or "NO_COLOR" in os.environ
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    out = Console(no_color=plain, highlight=False, soft_wrap=True, width=width)
    # never hard-wrapped: a `path:line:col: CODE message` split over lines is lost to grep
    # and to editors that jump to errors
    err = Console(stderr=True, no_color=plain, highlight=False, soft_wrap=True)
    return out, err


def handle_errors(func: F) -> F:
    """Turn cakit's exceptions into click's exit codes (1 data, 2 usage)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except CakitError as exc:
            raise DataError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def transcript_files(paths: Iterable[str]) -> list[Path]:
    """Expand PATHS (files, folders, globs) to transcript files; usage error if none."""
    return [file.path for file in corpus(paths)]


def corpus(paths: Iterable[str]) -> list[CorpusFile]:
    """PATHS as transcripts with their projects (see `cakit.project`); usage error if none."""
    from cakit.formats import supported_suffixes
    from cakit.project import corpus_files

    files = corpus_files(paths, supported_suffixes())
    if not files:
        raise UsageError("no transcripts found in the given paths")
    return files


def run_options(files: list[CorpusFile], *, codebook: str | None = None,
                roles_file: str | None = None, store_root: str | None = None,
                no_store: bool = False, coder: str | None = None, consensus: bool = False,
                ) -> tuple[RunOptions, Path]:
    """The run's options from the common flags, and the store folder in use.

    The store is `--store`, else `annotations/store` in the project of the first file
    (the folder of its `cakit.yaml`), else in the working folder. With `--no-store` no
    machine layer is read or written, but `--coder`/`--consensus` still read the coders'
    layers there. Coder layers of transcripts no longer in the project are named (CK430),
    or taken over by the one transcript of the run with their bytes (`stranded_bytes`).
    """
    from cakit.config import load_roles_file
    from cakit.project import default_store
    from cakit.run import RunOptions

    check_coder_choice(coder, consensus)
    roles = load_roles_file(Path(roles_file)) if roles_file else {}
    store = Path(store_root) if store_root else default_store(files)
    options = RunOptions(codebook=codebook, roles=roles, store=None if no_store else store,
                         layers=store, coder=coder, consensus=consensus,
                         stranded=stranded_bytes(store, files))
    return options, store


#: stranded coder layers named one by one; past this many, a count
_STRANDED_SHOWN = 5


def stranded_bytes(store: Path, files: Sequence[CorpusFile]) -> frozenset[str]:
    """The bytes of the stranded coder layers this run takes over (`cakit.run.stranded_check`);
    every other stranded layer is named on stderr (CK430): its decisions count nowhere,
    and nothing else would say so."""
    from cakit.run import stranded_check

    check = stranded_check(store, files)
    for layer, same in check.unclaimed[:_STRANDED_SHOWN]:
        click.echo(layer.message(same), err=True)
    if len(check.unclaimed) > _STRANDED_SHOWN:
        click.echo(f"{store}: CK430 {len(check.unclaimed) - _STRANDED_SHOWN} more coder "
                   "layer(s) of transcripts no longer in the project", err=True)
    return check.adoptable


def progress(
    items: Iterable[T], label: str, *, total: int | None = None, enabled: bool = True
) -> Iterator[T]:
    """Iterate with a rich progress bar on stderr when there is enough work to show."""
    if total is None:
        items = list(items)
        total = len(items)
    if not enabled or total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), transient=True,
        console=consoles()[1],
    ) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


paths_argument = click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
roles_option = click.option("--roles", "roles_file", type=click.Path(exists=True, dir_okay=False),
                            help="YAML file mapping speaker labels (or CHAT roles) to roles, "
                                 "over the project's cakit.yaml (see README).")
codebook_option = click.option("--codebook", type=click.Path(exists=True, dir_okay=False),
                               help="Codebook YAML (default: the codebook cakit ships; "
                               "`cakit codebook show` lists it).")


def store_option(help: str = "The annotation store.") -> Callable[[F], F]:
    """`--store DIR`, with what this command does there; by default the project's."""
    return click.option("--store", "store_root", type=click.Path(file_okay=False),
                        default=None, metavar="DIR",
                        help=f"{help} [default: annotations/store in the project folder, the "
                             "folder of the nearest cakit.yaml; else in the current folder]")


jobs_option = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1,
                           show_default=True, help="Worker processes.")
dask_option = click.option(
    "--dask", "scheduler", metavar="ADDRESS",
    help="Run on the workers of a Dask cluster (tcp://host:8786) instead of local worker "
         "processes; needs the dask extra, and the transcripts and the store on a folder "
         "every worker sees (docs/dask.md).")


def coder_options(func: F) -> F:
    """`--coder NAME` and `--consensus`: use the codes as human coders decided them."""
    func = click.option("--consensus", is_flag=True,
                        help="Use the codes as the majority of the coders in the store "
                             "decided them.")(func)
    return click.option("--coder", metavar="NAME",
                        help="Use the codes as this coder decided them in the store: "
                             "accepted and relabelled codes kept, rejected ones dropped, "
                             "the coder's own codes added.")(func)


def check_coder_choice(coder: str | None, consensus: bool) -> None:
    """Raises UsageError for `--coder` with `--consensus`, or an unusable coder name."""
    if coder and consensus:
        raise UsageError("--coder and --consensus exclude each other")
    if coder:
        from cakit.store import check_coder

        check_coder(coder)


@dataclasses.dataclass
class Tally:
    """What a run met that makes its exit code 1."""

    problems: int = 0


#: Output formats an `-o` file's suffix names (some that no command writes, so that a
#: text table is never written under a name a spreadsheet or viewer will refuse).
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".md": "md",
                   ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".docx": "docx",
                   ".txt": "txt", ".xls": "xls", ".ods": "ods", ".tsv": "tsv", ".pdf": "pdf",
                   ".doc": "doc", ".odt": "odt", ".rtf": "rtf", ".png": "png", ".svg": "svg"}


def format_for_output(output_format: str, output: str | None) -> str:
    """The `--format` asked for, or, when none was given, the one the `-o` file's suffix
    names if the command writes it (`-o report.xlsx` wrote a text table into report.xlsx,
    exit 0)."""
    ctx = click.get_current_context()
    if not output or ctx.get_parameter_source("output_format") is not \
            click.core.ParameterSource.DEFAULT:
        return output_format
    suffix = Path(output).suffix.lower()
    wanted = _SUFFIX_FORMATS.get(suffix)
    option = next((p for p in ctx.command.params if p.name == "output_format"), None)
    choices = getattr(option.type, "choices", ()) if option is not None else ()
    if wanted is not None and wanted in choices:
        return wanted
    if wanted is not None and wanted != "txt":
        # `-o report.docx` wrote a text table under that name (exit 0), which Word refuses
        raise UsageError(f"-o {output}: `cakit {ctx.command.name}` does not write "
                         f"{wanted} (it writes {', '.join(choices)}); give a file name "
                         "with one of those suffixes, or --format")
    return output_format


def dash_is_stdout(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> str | None:
    """`-o -` is standard output, as for most tools (it wrote a file named `-`)."""
    return None if value == "-" else value


def no_dash(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse `-o -` where the output cannot go to standard output (a zip, a workbook, a
    folder, or a second output beside the one printed): it wrote a file named `-`."""
    if value == "-":
        raise click.BadParameter("this output cannot go to standard output: give a file "
                                 "name", ctx=ctx, param=param)
    return value


def echo_sync(report: Any, source: str, *, err: bool = True) -> None:
    """Print what syncing a coder layer found (only when there is something to say)."""
    if report is None:
        return
    counts = report.counts
    if report.transcript_changed:
        click.echo(f"{source}: {report.coder}: the transcript changed; re-anchored "
                   f"{counts['kept']} kept, {counts['moved']} moved, {counts['fuzzy']} fuzzy, "
                   f"{counts['orphaned']} orphaned", err=err)
        for result in report.fuzzy:
            click.echo(f"  fuzzy: line {result.previous.line} → {result.anchor.line}: "
                       f"{result.anchor.quote[:60]!r} (check the code still fits)", err=err)
        for result in report.orphaned:
            click.echo(f"  orphaned (kept, not deleted): was line {result.previous.line}: "
                       f"{result.previous.quote[:60]!r}", err=err)
    for old, new in report.retargeted:
        click.echo(f"  decision moved with its text: {old} → {new}", err=err)
    for decision in report.unmatched:
        click.echo(f"  decision on a code the machine no longer proposes (kept): "
                   f"{decision.proposed_code} at line {decision.anchor.line} "
                   f"[{decision.decision or 'note'}] id {decision.target}", err=err)
    for code in report.detached:
        click.echo(f"  your {code.label} at line {code.anchor.line} belongs to an attempt that "
                   "no longer exists or is not counted (kept, not counted)", err=err)
    for code, speaker, role in report.off_role:
        click.echo(f"  your {code.label} at line {code.anchor.line} is on a turn now spoken by "
                   f"{speaker} ({role}); kept, not counted", err=err)


def outcomes(results: Iterable[FileOutcome[T]], total: int, label: str, err: Any,
             tally: Tally, *, stop_on_store_error: bool = True) -> Iterator[FileOutcome[T]]:
    """A run's outcomes that have a value, one at a time, behind a progress bar.

    Reading errors, failures and store errors are printed and counted in `tally` (a store
    error stops the run instead, by default, as StoreError); files with no talk are
    skipped with a note; layers moved from an older identity are said in one line each,
    and what re-anchoring a coder's layer after an edit found (`echo_sync`).
    """
    from cakit.errors import StoreError
    from cakit.run import ROLE_ERRORS

    for result in progress(results, label, total=total):
        if result.store_error:
            if stop_on_store_error:
                raise StoreError(result.store_error)
            tally.problems += 1
            err.print(result.store_error, markup=False, highlight=False)
        for note in result.notes:
            err.print(note, markup=False, highlight=False)
        for report in result.sync_reports:  # a coder layer re-anchored after an edit
            echo_sync(report, str(result.file.path))
        if result.errors:
            tally.problems += 1
            err.print(f"{result.file.path}: {len(result.errors)} reading error(s); first: "
                      f"{result.errors[0]}", markup=False, highlight=False)
            for role_error in result.errors[1:]:  # a speaker with no role: its talk is uncoded
                if role_error.code in ROLE_ERRORS:
                    err.print(str(role_error), markup=False, highlight=False)
        if result.failure:
            tally.problems += 1
            err.print(result.failure, markup=False, highlight=False)
        elif result.value is None and not result.store_error:
            err.print(f"{result.file.path}: no talk found; skipped", markup=False,
                      highlight=False)
        if result.value is not None:
            yield result


def drain(results: Iterable[FileOutcome[T]], total: int, label: str, err: Any
          ) -> tuple[list[FileOutcome[T]], int]:
    """All of a run's outcomes that have a value (see `outcomes`), and the problem count."""
    tally = Tally()
    done = list(outcomes(results, total, label, err, tally))
    return done, tally.problems


def warn_missing_parties(err: Any, speakers: Iterable[tuple[tuple[str, str], ...]]) -> None:
    """Warn when no transcript had both a patient and a clinician (every count is zero);
    `speakers` holds each coded file's `FileOutcome.speakers`."""
    from cakit.speakers import missing_parties

    warning = missing_parties(speakers)
    if warning:
        err.print(f"warning: {warning}", markup=False, highlight=False)


def check_audit_writable(output: str | None, force: bool) -> None:
    """Refuse, before any work, to overwrite the de-identification audit log beside
    `output` without --force (there is none for standard output or /dev/null)."""
    from cakit.cli._output import check_writable
    from cakit.report.deid import audit_path

    target = audit_path(output)
    if target is not None:
        check_writable(str(target), force)


def write_deid_audit(deid: Any, output: str | None, force: bool, err: Any,
                     lead: str = "") -> None:
    """Say what de-identification replaced and flagged, and write its audit log (it holds
    the originals) beside `output`; with standard output or /dev/null, only the counts."""
    from cakit.cli._output import write_bytes
    from cakit.report.deid import audit_csv, audit_path

    flagged = sum(1 for entry in deid.audit if entry.action == "flagged")
    summary = (f"{lead}de-identified: {len(deid.audit) - flagged} replacement(s), {flagged} "
               "flagged for review")
    target = audit_path(output)
    if target is not None:
        write_bytes(str(target), audit_csv(deid.audit).encode("utf-8"), force=force)
        err.print(f"{summary}; audit log (contains the originals): {target}", markup=False,
                  highlight=False)
    else:
        err.print(f"{summary}; use -o FILE to keep the audit log", markup=False,
                  highlight=False)


def warn_uncoded(err: Any, coder: str | None, consensus: bool, coded: int, total: int,
                 store: str | Path) -> None:
    """Say when `--coder`/`--consensus` found no (or only some) coder layers: those
    transcripts show the machine's proposed codes, which a typo in a name would hide."""
    if not (coder or consensus):
        return
    who = f"coder {coder!r}" if coder else "any coder"
    if coded == 0:
        err.print(f"warning: no layer for {who} in {store}; showing the machine's proposed "
                  "codes", markup=False, highlight=False)
    elif coded < total:
        err.print(f"note: {who} has a layer for {coded} of {total} transcripts; the others "
                  "show the machine's proposed codes", markup=False, highlight=False)
