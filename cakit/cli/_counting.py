"""What `cakit freq` and `cakit mlu` share: their options, and counting a corpus file by
file in the one worker pool (`cakit.workers`), each worker sending back small tallies.

Counting by role, speaker or file only reads the transcripts. Counting by phase needs the
annotator's phases, so it goes through the corpus run (`cakit.run`): a current stored
machine layer is reused, else the transcript is annotated (and the layer stored).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from cakit.cli._common import (
    codebook_option,
    corpus,
    dash_is_stdout,
    drain,
    jobs_option,
    paths_argument,
    roles_option,
    run_options,
    store_option,
)
from cakit.counts import GROUPINGS, GroupBy, GroupKey, Tallies, Tally, merge, tally

if TYPE_CHECKING:
    from cakit.model import Role
    from cakit.project import CorpusFile
    from cakit.run import Coded, FileOutcome

F = TypeVar("F", bound=Callable[..., Any])

_WORKER: dict[str, Any] = {}


def counting_options(default_by: GroupBy) -> Callable[[F], F]:
    """The options both commands take, `--by` defaulting to `default_by`."""

    def decorate(func: F) -> F:
        for option in reversed((
            paths_argument,
            click.option("--by", type=click.Choice(GROUPINGS), default=default_by,
                         show_default=True,
                         help="Group by role, speaker (per file), consultation phase (the "
                              "annotator's) or file."),
            click.option("--format", "output_format",
                         type=click.Choice(["table", "csv", "json"]), default="table",
                         show_default=True, help="Output format."),
            click.option("-o", "--output", type=click.Path(dir_okay=False),
                         callback=dash_is_stdout,
                         help="Write to this file (default, or -: standard output)."),
            click.option("--force", is_flag=True, help="Replace an existing output file."),
            jobs_option,
            roles_option,
            codebook_option,
            store_option("With --by phase: a current machine layer there is reused instead "
                         "of annotating again; new layers are saved there."),
            click.option("--no-store", is_flag=True,
                         help="With --by phase: neither read nor write the store."),
            click.option("--no-deidentify", is_flag=True,
                         help="With --by file or speaker: show file names and speaker labels "
                              "as written (they may identify people); by default they are "
                              "keyed pseudonyms, as in reports."),
            click.option("--no-color", is_flag=True, help="Plain terminal output."),
        )):
            func = option(func)
        return func

    return decorate


def count_corpus(paths: tuple[str, ...], *, by: GroupBy, jobs: int, roles_file: str | None,
                 codebook: str | None, store_root: str | None, no_store: bool,
                 keep_case: bool, fillers: bool, err: Any) -> tuple[Tallies, int]:
    """Every transcript's tallies summed, and the number of files with problems (reading
    errors, a speaker with no role, a failure), which are printed on `err` as they come.

    Raises:
        UsageError: no transcript found.
        CodebookError: with --by phase, the codebook is invalid.
    """
    files = corpus(paths)
    results: Iterator[FileOutcome[Tallies]]
    if by == "phase":
        from cakit.run import run_corpus

        options, _ = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root, no_store=no_store)
        finish = functools.partial(phase_tally, keep_case=keep_case, fillers=fillers)
        results = run_corpus(files, options, finish, jobs=jobs)
        label = "reading and annotating"
    else:
        from cakit.config import load_roles_file
        from cakit.workers import ordered_map

        roles = load_roles_file(Path(roles_file)) if roles_file else {}
        results = ordered_map(read_tally, files, jobs=jobs, initializer=_start,
                              initargs=(roles, by, keep_case, fillers))
        label = "counting"
    done, problems = drain(results, len(files), label, err)
    return merge(result.value for result in done if result.value is not None), problems


def phase_tally(coded: Coded, *, keep_case: bool, fillers: bool) -> Tallies:
    """A `finish` for the corpus run: one coded file's tallies by phase."""
    from cakit.report.inputs import PhaseLookup

    return tally(coded.transcript, by="phase", file=coded.file.identity,
                 phase_of=PhaseLookup(coded.annotations.turns), keep_case=keep_case,
                 fillers=fillers)


def _start(roles: dict[str, Role], by: GroupBy, keep_case: bool, fillers: bool) -> None:
    _WORKER.clear()
    _WORKER.update(roles=roles, by=by, keep_case=keep_case, fillers=fillers)


def read_tally(file: CorpusFile) -> FileOutcome[Tallies]:
    """Read one transcript and count it (in a worker); reading problems come back in the
    outcome, as the corpus run reports them."""
    from cakit.run import read_file

    transcript, base = read_file(file, _WORKER["roles"])
    if not transcript.utterances:
        return base
    try:
        counted = tally(transcript, by=_WORKER["by"], file=file.identity,
                        keep_case=_WORKER["keep_case"], fillers=_WORKER["fillers"])
    except Exception as exc:  # a bug met in one transcript must not cost the corpus its counts
        return replace(base, failure=f"{file.path}: CK900 internal error while counting "
                       f"({type(exc).__name__}: {exc}); this file is left out, the others "
                       "are counted. Please report it with the file.")
    return replace(base, value=counted)


def counted(paths: tuple[str, ...], by: str, *, jobs: int, roles_file: str | None,
            codebook: str | None, store_root: str | None, no_store: bool, keep_case: bool,
            fillers: bool, deidentify: bool, err: Any) -> tuple[GroupBy, Tallies, int]:
    """What both commands count: the grouping, the tallies under the group names that may
    be shown (`shown_groups`), and the number of files with problems."""
    grouping = cast("GroupBy", by)  # click.Choice(GROUPINGS) let only those through
    tallies, problems = count_corpus(paths, by=grouping, jobs=jobs, roles_file=roles_file,
                                     codebook=codebook, store_root=store_root,
                                     no_store=no_store, keep_case=keep_case, fillers=fillers,
                                     err=err)
    return grouping, shown_groups(tallies, grouping, deidentify, err), problems


def shown_groups(tallies: Tallies, by: GroupBy, deidentify: bool, err: Any) -> Tallies:
    """The tallies under the group names that may be shown: by file or speaker, file
    names (which may hold a name or a date of birth) and speaker labels become the keyed
    pseudonyms reports use, unless `deidentify` is off (then a warning is printed)."""
    if by not in ("file", "speaker"):
        return tallies
    if not deidentify:
        err.print("NOT de-identified: file names and speaker labels are shown as written",
                  style="bold red", markup=False, highlight=False)
        return tallies
    from cakit.report.deid import Deidentifier

    deid = Deidentifier.for_transcripts([])
    # two files of one name in two folders stay two rows, under the report's keys
    names = deid.file_identifiers([key[0] for key in tallies])
    shown: Tallies = {}
    for key, counts in tallies.items():
        if by == "file":
            new_key: GroupKey = (names[key[0]], *key[1:])
        else:
            file, speaker, role = key[0], key[1], key[2]
            label = deid.clinician(speaker) if role == "clinician" else \
                deid.pseudonym(speaker, role or "speaker")
            new_key = (names[file], label, *key[2:])
        shown.setdefault(new_key, Tally()).add(counts)
    return shown
