"""Annotating many files, in order, optionally in parallel worker processes.

Results are yielded one file at a time so writers can stream them: memory does not grow
with the corpus. Each worker reads, annotates and (when asked) writes the store for its
file, so transcripts never travel between processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cakit.annotations import ConsultationAnnotations
from cakit.model import Diagnostic, Role


@dataclass(frozen=True, slots=True)
class StorePlan:
    """What to do with the annotation store for each file."""

    root: Path
    write: bool = True
    coder: str | None = None
    consensus: bool = False
    codebook_version: str = ""
    cakit_version: str = ""


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file's annotations and what reading it (and syncing its store) reported.

    With a renderer, `rendered` holds the annotations as the export writes them and
    `annotations` is None: a worker then sends back one string, not the object tree.
    """

    path: Path
    annotations: ConsultationAnnotations | None
    diagnostics: tuple[Diagnostic, ...]
    utterances: int
    sync_reports: tuple[Any, ...] = ()
    store_error: str = ""
    rendered: str | None = None
    source: str = ""  # the annotations' source (kept when they are rendered)
    failure: str = ""  # an unexpected error while coding this file (the others go on)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")


_WORKER: dict[str, object] = {}


Renderer = Callable[[ConsultationAnnotations], str]


def _init(codebook: str | None, roles: Mapping[str, Role] | None,
          plan: StorePlan | None = None, render: Renderer | None = None) -> None:
    from cakit.annotate import annotator_for
    from cakit.errors import CakitError

    _WORKER.clear()
    try:
        _WORKER["annotator"] = annotator_for(codebook)
    except CakitError as exc:  # raised again by the first file, so it reaches the caller
        _WORKER["error"] = exc
    _WORKER["roles"] = dict(roles or {})
    _WORKER["plan"] = plan
    _WORKER["render"] = render
    settle_long_lived_objects()


def settle_long_lived_objects() -> None:
    """Move everything alive now (the compiled codebook, spaCy's vocabulary) out of the
    cyclic collector's sight: it lives as long as the run, and rescanning it for every
    transcript costs about a tenth of annotating time. Objects freed by reference counting
    are unaffected; call it only once the long-lived state is built."""
    import gc

    gc.collect()
    gc.freeze()


def _one(path: Path) -> FileResult:
    from cakit.annotate.pipeline import Annotator
    from cakit.errors import CakitError
    from cakit.formats import read

    error = _WORKER.get("error")
    if isinstance(error, CakitError):
        raise error
    annotator = _WORKER["annotator"]
    assert isinstance(annotator, Annotator)
    roles = _WORKER.get("roles") or None
    plan = _WORKER.get("plan")
    result = read(path, roles=roles)  # type: ignore[arg-type]
    transcript = result.transcript
    try:
        annotations = annotator.annotate(transcript) if transcript.utterances else None
    except Exception as exc:  # a bug met in one transcript must not cost the corpus its codes
        return FileResult(path, None, result.diagnostics, len(transcript.utterances),
                          failure=f"{path}: CK900 internal error while annotating "
                          f"({type(exc).__name__}: {exc}); this file is left out, the others "
                          "are coded. Please report it with the file.")
    reports: tuple[Any, ...] = ()
    store_error = ""
    if annotations is not None and isinstance(plan, StorePlan):
        from cakit.store import effective, store_run

        try:
            if plan.write:
                _, reports = store_run(annotations, plan.root,
                                       codebook_version=plan.codebook_version,
                                       cakit_version=plan.cakit_version, transcript=transcript)
            if plan.coder or plan.consensus:
                annotations = effective(annotations, root=plan.root, coder=plan.coder,
                                        consensus=plan.consensus, transcript=transcript)
        except CakitError as exc:
            store_error = str(exc)
    render = _WORKER.get("render")
    if annotations is not None and callable(render):
        return FileResult(path, None, result.diagnostics, len(transcript.utterances), reports,
                          store_error, render(annotations), annotations.source)
    return FileResult(path, annotations, result.diagnostics, len(transcript.utterances),
                      reports, store_error, None,
                      annotations.source if annotations is not None else "")


def annotate_files(
    files: list[Path], *, codebook: str | None = None, jobs: int = 1,
    roles: Mapping[str, Role] | None = None, store: StorePlan | None = None,
    render: Renderer | None = None,
) -> Iterator[FileResult]:
    """Annotate files in input order; `jobs > 1` spreads them over worker processes.

    `render` (a module-level function, so workers can receive it) turns each file's
    annotations into export text where they were made; see `FileResult.rendered`.
    """
    if jobs <= 1 or len(files) < 2:
        _init(codebook, roles, store, render)
        for path in files:
            yield _one(path)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork hands the workers the parent's spaCy and loaded codebook (no import per worker)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        from cakit.annotate.spacy_bridge import blank_english

        # spaCy is imported once, here; each worker compiles the codebook itself, the two
        # compiles running side by side instead of one after the other before the fork
        blank_english()
        # frozen before the fork, the inherited heap is never walked by a worker's
        # collector, so its pages stay shared instead of being copied into each worker
        settle_long_lived_objects()
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, len(files) // (jobs * 4) or 1))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init,
                             initargs=(codebook, dict(roles or {}), store, render)) as pool:
        yield from pool.map(_one, files, chunksize=chunk)
