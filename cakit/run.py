"""The corpus run: from transcript files to codes as decided, for every command that codes.

For each transcript, in one place:

1. read it with its project's roles (`cakit.yaml`) and `--roles`, and check that every
   speaker has a role (`cakit.speakers`);
2. reuse its stored machine layer when `is_current` says it was made from exactly these
   inputs (`RunKey`: transcript bytes, codebook content, resolved roles and reader
   options, cakit version), or annotate it and store the layer;
3. move layers stored under an older identity of the transcript (`rekey_layers`), and
   after a fresh annotation re-anchor every coder's layer (`sync_all`);
4. apply a coder's decisions or the coders' consensus (`effective`).

The command then turns each coded file into what it needs (`finish`: export text, report
inputs, the whole state) where it was coded, so with `--jobs` only that travels back
between processes. The transcript, its text index and its machine items are built once
per file. Results come back in input order, one file at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from cakit._quick_init import quick_state
from cakit.annotations import ConsultationAnnotations
from cakit.errors import CakitError, StoreError
from cakit.model import Diagnostic, Role, Transcript
from cakit.project import CorpusFile
from cakit.store.anchors import TranscriptText
from cakit.store.records import MachineItem
from cakit.store.state import MachineState, RunKey, is_current, is_current_unread
from cakit.workers import ordered_map, settle_long_lived_objects

if TYPE_CHECKING:
    from cakit.annotate.pipeline import Annotator
    from cakit.profile import TranscriptProfile
    from cakit.store.rekey import StoreListing, Stranded
    from cakit.store.sync import SyncReport

T = TypeVar("T")

#: Diagnostics of a speaker with no role (its talk would not be coded).
ROLE_ERRORS = frozenset({"CK301", "CK302"})
Convention = Literal["jefferson", "gat2"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What a run codes with, and what it does with the store."""

    #: the codebook file (None: the project's default)
    codebook: str | None = None
    #: speaker label → role from `--roles`, over the project's `cakit.yaml`
    roles: Mapping[str, Role] = field(default_factory=dict)
    #: how Jefferson marks are read (None: as each file's project says, `cakit.yaml`
    #: `convention:`, else "jefferson")
    convention: Convention | None = None
    #: the store of machine layers (None: neither read nor write them)
    store: Path | None = None
    #: whether to write machine layers there (False: reuse only)
    write_store: bool = True
    #: where the coders' layers are (default: `store`)
    layers: Path | None = None
    #: apply this coder's decisions
    coder: str | None = None
    #: apply the majority of the coders' decisions
    consensus: bool = False
    #: code attempts with this signal instead of the codebook's ("rules", "classifier",
    #: "both"; `cakit evaluate` compares them)
    signal: str | None = None
    #: the bytes (sha256) of transcripts whose coder layers are stranded in the store
    #: (no longer in the project) and which exactly one transcript of the run has: that
    #: transcript takes them, even where it was coded under its new name before
    stranded: frozenset[str] = frozenset()

    @property
    def coder_root(self) -> Path | None:
        return self.layers if self.layers is not None else self.store


@dataclass(frozen=True)
class Coded:
    """One transcript, read and coded: the machine's codes and the codes as decided.

    Its text index and machine items are made once, when first asked for (a run that
    neither stores nor reviews never needs them), or come from the stored layer.
    """

    file: CorpusFile
    transcript: Transcript
    machine: ConsultationAnnotations
    #: the codes as the coder (or consensus) decided; `machine` without either
    annotations: ConsultationAnnotations
    reused: bool
    stored_items: tuple[MachineItem, ...] | None = None

    @cached_property
    def text(self) -> TranscriptText:
        return TranscriptText.of(self.transcript)

    @cached_property
    def items(self) -> tuple[MachineItem, ...]:
        if self.stored_items is not None:
            return self.stored_items
        from cakit.store.items import machine_items

        return machine_items(self.machine, self.text, self.file.identity)

    def decided_as(self, annotations: ConsultationAnnotations) -> Coded:
        """The same file with the codes as decided; the index and items already made are
        handed on, not made again."""
        decided = replace(self, annotations=annotations, stored_items=self.items)
        if "text" in self.__dict__:
            decided.__dict__["text"] = self.__dict__["text"]
        return decided

    def state(self) -> MachineState:
        """The machine state the review tools work on."""
        return MachineState(source=str(self.file.path), identity=self.file.identity,
                            transcript=self.transcript, text=self.text,
                            consultation=self.machine, items=self.items,
                            annotated=not self.reused)


@dataclass(frozen=True, slots=True)
class FileOutcome(Generic[T]):
    """What a run made of one file: the command's value and everything worth saying."""

    file: CorpusFile
    diagnostics: tuple[Diagnostic, ...]
    utterances: int = 0
    #: what the command's `finish` made of the coded file; None when it could not be coded
    value: T | None = None
    reused: bool = False
    #: whether the coder named by `--coder` (any coder with `--consensus`) has a layer
    coded: bool = False
    sync_reports: tuple[SyncReport, ...] = ()
    #: one line per layer moved from an older identity of the transcript
    notes: tuple[str, ...] = ()
    #: (speaker label, role) of everyone who talks
    speakers: tuple[tuple[str, str], ...] = ()
    #: a store problem (corrupt or unwritable layer); the file has no value
    store_error: str = ""
    #: an unexpected error while coding this file (CK900); the file has no value
    failure: str = ""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


quick_state(FileOutcome)  # one per file, sent from a worker to the running process


def inputs_key(transcript: Transcript, convention: str) -> str:
    """A hash of what, besides the transcript's bytes and the codebook, changes the codes:
    every speaker's resolved role and the reader options."""
    roles = sorted((p.code, p.role) for p in transcript.participants)
    text = json.dumps({"roles": roles, "convention": convention}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_key(transcript: Transcript, options: RunOptions, convention: str) -> RunKey:
    """Everything the machine codes of `transcript` depend on in this run (`convention`:
    how its Jefferson marks were read, `file_convention`)."""
    from cakit.annotate import codebook_key
    from cakit.build import build_id

    return RunKey(sha256=transcript.sha256,
                  codebook=codebook_key(options.codebook, options.signal),
                  inputs=inputs_key(transcript, convention), cakit_version=build_id())


def file_convention(file: CorpusFile, options: RunOptions) -> Convention:
    """How this run reads the file's Jefferson marks: `--convention`-like options first,
    else its project's `cakit.yaml`, else "jefferson" (`cakit.formats.project_convention`)."""
    from cakit.formats import project_convention

    return project_convention(Path(file.path), options.convention)


# -- one file --------------------------------------------------------------------------

class _Annotators:
    """The compiled annotator of this process, made when first needed (a run that only
    reuses stored layers never imports spaCy)."""

    def __init__(self, codebook: str | None, signal: str | None = None) -> None:
        self.codebook = codebook
        self.signal = signal
        self._annotator: Annotator | None = None

    def __call__(self) -> Annotator:
        if self._annotator is None:
            from cakit.annotate import annotator_for

            self._annotator = annotator_for(self.codebook, self.signal)
            settle_long_lived_objects()
        return self._annotator


@dataclass(frozen=True)
class ProfileFinish(Generic[T]):
    """A `finish` that can also work from a stored machine layer and its transcript
    profile (`cakit.profile`): when the layer is current and no coder's decisions apply,
    the run then reads only the transcript's speakers (to check the layer is current) and
    never tokenizes it. Both functions must give the same value for the same file."""

    full: Callable[[Coded], T]
    from_profile: Callable[[TranscriptProfile, ConsultationAnnotations], T]
    #: whether `from_profile` reads the codes' evidence (if not, it is not rebuilt)
    evidence: bool = True

    def __call__(self, coded: Coded) -> T:
        return self.full(coded)


def read_file(file: CorpusFile, roles: Mapping[str, Role], convention: Convention | None = None
              ) -> tuple[Transcript, FileOutcome[Any]]:
    """Read one transcript as every corpus command does (without the %mor/%gra checks only
    `validate` makes): the transcript, and its outcome so far (reading diagnostics, an
    unmapped CHAT speaker as an error, who speaks in which role)."""
    from cakit.formats import read
    from cakit.speakers import speaker_roles, unmapped_speakers

    result = read(file.path, roles=roles, convention=convention, check_tiers=False)
    transcript = result.transcript
    diagnostics = (*result.diagnostics, *unmapped_speakers(transcript))
    return transcript, FileOutcome(file, diagnostics, len(transcript.utterances),
                                   speakers=speaker_roles(transcript))


def code_file(file: CorpusFile, options: RunOptions, annotator: Callable[[], Annotator],
              finish: Callable[[Coded], T],
              listing: Callable[[Path], StoreListing] | None = None) -> FileOutcome[T]:
    """Read, code and finish one transcript (see the module docstring). A problem of this
    file alone (reading errors, a store error, a bug met while coding it) comes back in
    the outcome; only a problem of the whole run (an invalid codebook) is raised.
    `listing` gives the run's listing of a store (made once per run and process), else
    the store is listed for this file."""
    if isinstance(finish, ProfileFinish) and options.store is not None and not (
            options.coder or options.consensus):
        warm = _from_stored_profile(file, options, finish)
        if warm is not None:
            return warm
    transcript, base = read_file(file, options.roles, options.convention)
    diagnostics = base.diagnostics
    if not transcript.utterances:
        return base
    try:
        coded, reports, notes = _code(file, transcript, options, annotator, diagnostics,
                                      listing)
        value = finish(coded)
    except StoreError as exc:
        return _with(base, store_error=str(exc))
    except CakitError:  # about the whole run (an invalid codebook): the run stops
        raise
    except Exception as exc:  # a bug met in one transcript must not cost the corpus its codes
        return _with(base, failure=f"{file.path}: CK900 internal error while annotating "
                     f"({type(exc).__name__}: {exc}); this file is left out, the others are "
                     "coded. Please report it with the file.")
    coder_root = options.coder_root
    coded_by = False
    if coder_root is not None and (options.coder or options.consensus):
        from cakit.store.layers import coders

        names = coders(coder_root, file.identity)
        coded_by = options.coder in names if options.coder else bool(names)
    return _with(base, value=value, reused=coded.reused, coded=coded_by,
                 sync_reports=reports, notes=notes)


def _options_key(file: CorpusFile, options: RunOptions) -> str:
    """The role configuration this file is read with (its project's `cakit.yaml` under
    `--roles`) and the reader options, as one key."""
    from cakit.formats import reading_settings
    from cakit.profile import options_key

    return options_key(*reading_settings(Path(file.path), options.roles, options.convention))


def _with(base: FileOutcome[T], **changes: Any) -> FileOutcome[T]:
    return replace(base, **changes)


def _from_stored_profile(file: CorpusFile, options: RunOptions, finish: ProfileFinish[T]
                         ) -> FileOutcome[T] | None:
    """The outcome from the stored layer and profile when they were made from these bytes
    with this configuration (`is_current_unread`): the transcript is hashed, not read.
    None sends the file down the usual path (read, code or reuse, finish)."""
    from cakit.annotate import codebook_key
    from cakit.build import build_id
    from cakit.profile import profile_from_dict
    from cakit.store.layers import consultation_of, read_auto_layer

    assert options.store is not None
    try:
        sha256 = hashlib.sha256(Path(file.path).read_bytes()).hexdigest()
    except OSError:
        return None  # the usual path reports it
    stored = read_auto_layer(options.store, file.identity)
    key = RunKey(sha256=sha256, codebook=codebook_key(options.codebook, options.signal),
                 inputs="", cakit_version=build_id())
    if not is_current_unread(stored, key, _options_key(file, options)):
        return None
    assert stored is not None
    profile = profile_from_dict(stored.profile)
    if profile is None:
        return None
    try:
        machine = consultation_of(stored, evidence=finish.evidence)
    except StoreError:
        return None
    return FileOutcome(file, profile.diagnostics, len(profile.utterances),
                       value=finish.from_profile(profile, machine), reused=True,
                       speakers=profile.speakers)


def _code(file: CorpusFile, transcript: Transcript, options: RunOptions,
          annotator: Callable[[], Annotator], diagnostics: tuple[Diagnostic, ...] = (),
          listing: Callable[[Path], StoreListing] | None = None,
          ) -> tuple[Coded, tuple[SyncReport, ...], tuple[str, ...]]:
    from cakit.annotate import codebook_for
    from cakit.profile import profile_of
    from cakit.store.effective import effective
    from cakit.store.layers import consultation_of, read_auto_layer, save_auto
    from cakit.store.rekey import rekey_layers
    from cakit.store.sync import sync_all

    key = run_key(transcript, options, file_convention(file, options))
    stored = read_auto_layer(options.store, file.identity) if options.store else None
    profile = profile_of(transcript, diagnostics, _options_key(file, options)).to_dict()
    if stored is not None and is_current(stored, key):
        machine = consultation_of(stored)
        coded = Coded(file, transcript, machine, machine, reused=True,
                      stored_items=stored.items)
        if options.store is not None and options.write_store and \
                stored.profile != profile:  # a layer from before profiles, or other options
            save_auto(options.store, file.identity, machine, stored.items,
                      codebook_version=key.codebook, cakit_version=key.cakit_version,
                      inputs=key.inputs, profile=profile)
    else:
        # the export names a transcript by its identity: the same wherever cakit runs
        machine = replace(annotator().annotate(transcript), source=file.identity)
        coded = Coded(file, transcript, machine, machine, reused=False)
        if options.store is not None and options.write_store:
            save_auto(options.store, file.identity, machine, coded.items,
                      codebook_version=key.codebook, cakit_version=key.cakit_version,
                      inputs=key.inputs, profile=profile)
    notes: tuple[str, ...] = ()
    reports: tuple[SyncReport, ...] = ()
    coder_root = options.coder_root
    writes = options.store is not None and options.write_store
    deciding = options.coder is not None or options.consensus
    if coder_root is not None and (writes or deciding):
        elsewhere = _under_another_identity(coder_root, file, listing)
        # first run under this identity, the bytes of a stranded layer's transcript, or a
        # layer of this very file under the identity another folder gave it: an older
        # identity may hold layers
        if stored is None or coded.text.sha256 in options.stranded or elsewhere:
            moved = rekey_layers(coder_root, file.identity, file.path, coded.machine,
                                 coded.text, coded.items,
                                 listing=listing(coder_root) if listing else None)
            notes = tuple(entry.message(file.identity) for entry in moved
                          if entry.outcome != "removed")
        if writes and not coded.reused:
            reports = sync_all(coder_root, file.identity, coded.text, coded.items)
    if coder_root is not None and deciding:
        decided = effective(coded.machine, root=coder_root, identity=file.identity,
                            text=coded.text, items=coded.items,
                            catalogue=codebook_for(options.codebook).catalogue,
                            coder=options.coder, consensus=options.consensus)
        coded = coded.decided_as(decided)
    return coded, reports, notes


def _under_another_identity(coder_root: Path, file: CorpusFile,
                            listing: Callable[[Path], StoreListing] | None) -> bool:
    """Whether a coder's layer holds this very file under another identity. In a project
    (a `cakit.yaml` above it) that is an identity from before: the layer is moved to the
    project identity. With no project, the identity is the file's path from the folder
    named on the command line, and moving the layer to and fro would leave one command
    without the coder's decisions, or split them over two layers: the run stops instead.

    Raises:
        StoreError: no project, and such a layer exists (naming it and the fix).
    """
    from cakit.store.rekey import StoreListing as Listing
    from cakit.store.rekey import same_file_elsewhere

    found = same_file_elsewhere(listing(coder_root) if listing else Listing(coder_root),
                                file.identity, file.path)
    if found and not file.declared:
        held = ", ".join(f"{layer}'s layer as {identity!r}" for layer, identity in found)
        raise StoreError(
            f"{file.path}: the store holds this transcript under another identity ({held}): "
            "with no cakit.yaml above it, a transcript's identity is its path from the "
            f"folder named on the command line, here {file.identity!r}. Put a cakit.yaml "
            "(it can be empty) at the top of the corpus and run again: the layers then "
            "follow it (docs/store.md)")
    return bool(found)


# -- layers left behind ----------------------------------------------------------------

@dataclass(frozen=True)
class StrandedCheck:
    """The coder layers of a run's project that no transcript of the project has any more
    (`cakit.store.rekey.stranded_layers`), as a run must treat them."""

    #: the bytes (sha256) of the layers exactly one transcript of the run has: that
    #: transcript takes them over (`RunOptions.stranded`)
    adoptable: frozenset[str] = frozenset()
    #: every other stranded layer, with the transcripts of the run that have its bytes
    #: (none: renamed and edited, or deleted; two or more: they cannot be told apart)
    unclaimed: tuple[tuple[Stranded, tuple[Path, ...]], ...] = ()


def stranded_check(store: Path, files: Sequence[CorpusFile]) -> StrandedCheck:
    """The stranded coder layers of the project whose own store (`annotations/store` in
    the folder of its `cakit.yaml`) `store` is; nothing for any other store, which may
    serve other projects whose transcripts it cannot find. Only a transcript of the
    layer's own project may take it over."""
    from cakit.project import STORE_FOLDER
    from cakit.store.rekey import claimants, stranded_layers

    roots = dict.fromkeys(file.root for file in files if file.declared)  # few, in order
    real_store = Path(store).resolve() if roots else None
    project = next((root for root in roots if (root / STORE_FOLDER).resolve() == real_store),
                   None)
    if project is None:
        return StrandedCheck()
    ours = [file for file in files if file.root == project]
    stranded = stranded_layers(Path(store), project, (file.identity for file in ours))
    holders = claimants(stranded, (file.path for file in ours))
    return StrandedCheck(
        adoptable=frozenset(layer.sha256 for layer in stranded
                            if len(holders[layer.sha256]) == 1),
        unclaimed=tuple((layer, tuple(holders[layer.sha256])) for layer in stranded
                        if len(holders[layer.sha256]) != 1))


# -- many files ------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _start(options: RunOptions, finish: Callable[[Coded], Any]) -> None:
    from cakit.store.rekey import StoreListing

    _WORKER.clear()
    _WORKER.update(options=options, finish=finish,
                   annotator=_Annotators(options.codebook, options.signal),
                   listing=cache(StoreListing))  # each store listed once per run


def _run_one(file: CorpusFile) -> FileOutcome[Any]:
    return code_file(file, _WORKER["options"], _WORKER["annotator"], _WORKER["finish"],
                     _WORKER["listing"])


def check_codebook(codebook: str | None) -> str:
    """Load (and so validate) the codebook before any work; its key.

    Raises:
        CodebookError: the codebook is invalid.
    """
    from cakit.annotate import codebook_for, codebook_key

    codebook_for(codebook)
    return codebook_key(codebook)


def run_corpus(files: Iterable[CorpusFile], options: RunOptions,
               finish: Callable[[Coded], T], *, jobs: int = 1,
               scheduler: str | None = None) -> Iterator[FileOutcome[T]]:
    """Code every file, in input order; `jobs > 1` spreads them over worker processes,
    `scheduler` (a Dask scheduler's address) over the workers of a Dask cluster.

    `finish` (a module-level function, so workers can receive it) turns each coded file
    into what the command needs, where it was coded.

    Raises:
        CodebookError: the codebook is invalid (checked before any file is read).
    """
    check_codebook(options.codebook)
    work = list(files)

    def preload() -> None:
        if annotates_widely(work, options, jobs):
            _Annotators(options.codebook, options.signal)()

    return ordered_map(_run_one, work, jobs=jobs, initializer=_start,
                       initargs=(options, finish), scheduler=scheduler, before_fork=preload)


def annotates_widely(files: Sequence[CorpusFile], options: RunOptions, jobs: int) -> bool:
    """Whether a run will annotate across its workers: it has no store, or at least one
    file per worker, and a quarter of the files, have no machine layer there.

    Only then is the annotator loaded before the workers are forked, so that they share
    it (at 1,400 files and `--jobs 2` a first run's peak memory fell from 304 to 251 MiB,
    each worker's own from 96 to 40 MiB). Otherwise each worker loads it when it first
    annotates, and a run whose stored layers are all current never imports spaCy (loading
    it anyway cost a warm run 1.4 s and 80 MiB). Some files never get a layer: files with
    no talk, and files with an unmapped speaker (4 of the 34 shared CABNC files), so a few
    without one do not count. A stored layer may be stale, which is known only once its
    transcript is hashed (its worker then loads the annotator itself). The codes are the
    same either way."""
    from cakit.store.layers import AUTO, layer_file_name

    if options.store is None:
        return True
    try:
        stored = {entry.name for entry in os.scandir(Path(options.store) / AUTO)}
    except OSError:
        return True
    unlayered = sum(layer_file_name(file.identity) not in stored for file in files)
    return unlayered >= max(jobs, 1) and unlayered * 4 >= len(files)


def transcript_and_codes(coded: Coded) -> tuple[Transcript, ConsultationAnnotations]:
    """A `finish` for commands that show talk with its codes (excerpts)."""
    return coded.transcript, coded.annotations


def machine_codes(coded: Coded) -> ConsultationAnnotations:
    """A `finish` for commands that need only the codes (evaluate)."""
    return coded.annotations


def keep(coded: Coded) -> Coded:
    """A `finish` that keeps the whole coded file (only in one process: it is large)."""
    return coded


def code_one(file: CorpusFile, options: RunOptions) -> FileOutcome[Coded]:
    """One transcript, coded in this process, for the review tools: the outcome's value is
    the whole coded file (`Coded.state()` is what review works on).

    Raises:
        StoreError: the transcript has no talk, a speaker has no role, it could not be
            coded, or a layer is corrupt.
        CodebookError: the codebook is invalid.
    """
    check_codebook(options.codebook)
    outcome = code_file(file, options, _Annotators(options.codebook, options.signal), keep)
    role_errors = [d for d in outcome.errors if d.code in ROLE_ERRORS]
    if role_errors:
        raise StoreError("\n".join(str(d) for d in role_errors)
                         + f"\n{file.path}: every speaker needs a role before its talk is coded")
    if outcome.store_error or outcome.failure:
        raise StoreError(outcome.store_error or outcome.failure)
    if outcome.value is None:
        first = outcome.errors[0] if outcome.errors else None
        raise StoreError(f"{file.path}: no talk could be read" + (f": {first}" if first else ""))
    return outcome
