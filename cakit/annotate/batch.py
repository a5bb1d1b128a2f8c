"""Annotating many files, in order, optionally in parallel worker processes.

Results are yielded one file at a time so writers can stream them: memory does not grow
with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cakit.annotations import ConsultationAnnotations
from cakit.model import Diagnostic, Role


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file's annotations and what reading it reported."""

    path: Path
    annotations: ConsultationAnnotations | None
    diagnostics: tuple[Diagnostic, ...]
    utterances: int

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")


_WORKER: dict[str, object] = {}


def _init(codebook: str | None, roles: Mapping[str, Role] | None) -> None:
    from cakit.annotate import annotator_for

    _WORKER["annotator"] = annotator_for(codebook)
    _WORKER["roles"] = dict(roles or {})


def _one(path: Path) -> FileResult:
    from cakit.annotate.pipeline import Annotator
    from cakit.formats import read

    annotator = _WORKER["annotator"]
    assert isinstance(annotator, Annotator)
    roles = _WORKER.get("roles") or None
    result = read(path, roles=roles)  # type: ignore[arg-type]
    transcript = result.transcript
    annotations = annotator.annotate(transcript) if transcript.utterances else None
    return FileResult(path, annotations, result.diagnostics, len(transcript.utterances))


def annotate_files(
    files: list[Path], *, codebook: str | None = None, jobs: int = 1,
    roles: Mapping[str, Role] | None = None,
) -> Iterator[FileResult]:
    """Annotate files in input order; `jobs > 1` spreads them over worker processes."""
    if jobs <= 1 or len(files) < 2:
        _init(codebook, roles)
        for path in files:
            yield _one(path)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if hasattr(multiprocessing, "get_context")
                                          and "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init,
                             initargs=(codebook, dict(roles or {}))) as pool:
        yield from pool.map(_one, files, chunksize=max(1, min(16, len(files) // (jobs * 4) or 1)))
