"""What every command shares: consoles, error handling, progress, path expansion."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cakit.errors import CakitError, UsageError

if TYPE_CHECKING:
    from cakit.report.collect import Loaded

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
    from cakit.formats import supported_suffixes
    from cakit.paths import expand_paths

    files = expand_paths(paths, supported_suffixes())
    if not files:
        raise UsageError("no transcripts found in the given paths")
    return files


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
                            help="YAML file mapping speaker labels to roles (see README).")
codebook_option = click.option("--codebook", type=click.Path(exists=True, dir_okay=False),
                               help="Codebook YAML (default: annotations/codebook.yaml).")
def store_option(help: str = "The annotation store.") -> Callable[[F], F]:
    """`--store DIR` (default annotations/store), with what this command does there."""
    return click.option("--store", "store_root", type=click.Path(file_okay=False),
                        default="annotations/store", show_default=True, help=help)


jobs_option = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1,
                           show_default=True, help="Worker processes.")


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


def drain_loaded(
    results: Iterable[Loaded], total: int, label: str, err: Any
) -> tuple[list[Loaded], int]:
    """Collect `load_consultations` results behind a progress bar: a coder-layer error
    stops the run (StoreError), reading errors are printed, files with no talk are
    skipped with a note. Returns the loaded results and how many files had reading errors.
    """
    from cakit.errors import StoreError

    loaded: list[Loaded] = []
    problems = 0
    for result in progress(results, label, total=total):
        if result.store_error:
            raise StoreError(result.store_error)
        if result.errors:
            problems += 1
            err.print(f"{result.path}: {len(result.errors)} reading error(s); first: "
                      f"{result.errors[0]}", markup=False, highlight=False)
        if result.consultation is None:
            err.print(f"{result.path}: no talk found; skipped", markup=False, highlight=False)
            continue
        loaded.append(result)
    return loaded, problems


def warn_uncoded(err: Any, coder: str | None, consensus: bool, coded: int, total: int,
                 store: str) -> None:
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
