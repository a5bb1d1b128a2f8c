"""The annotator: codebook-driven codes for attempts, responses, sequences and phases.

`annotate(transcript)` codes one consultation with the default codebook; `Annotator`
compiles a codebook once and codes many. spaCy is imported here (lazily, by the compiler),
never at `import cakit`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cakit.annotate.codebook import Codebook, load_codebook, parse_codebook
from cakit.annotate.pipeline import Annotator, outcome
from cakit.annotations import ConsultationAnnotations
from cakit.model import Transcript
from cakit.registry import Registry


class AnnotatorFactory(Protocol):
    def __call__(self, codebook: Codebook) -> Annotator: ...


#: Annotators by versioned name; reports record which one produced them.
ANNOTATORS: Registry[AnnotatorFactory] = Registry("annotator")
ANNOTATORS.register("cakit.v1", Annotator)


@lru_cache(maxsize=8)
def _codebook(path: str, mtime: float) -> Codebook:
    return load_codebook(path)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float) -> Annotator:
    return Annotator(_codebook(path, mtime))


def _key(codebook_path: str | Path | None) -> tuple[str, float]:
    from cakit.annotate.codebook import default_codebook_path

    path = Path(codebook_path) if codebook_path else default_codebook_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return str(path), mtime


def codebook_for(codebook_path: str | Path | None = None) -> Codebook:
    """A loaded codebook file (cached per file and modification time; no spaCy needed)."""
    return _codebook(*_key(codebook_path))


def annotator_for(codebook_path: str | Path | None = None) -> Annotator:
    """A compiled annotator for a codebook file (cached per file and modification time)."""
    return _cached(*_key(codebook_path))


def annotate(transcript: Transcript, codebook: str | Path | None = None) -> ConsultationAnnotations:
    """Code one transcript with a codebook file (default: the project's codebook)."""
    return annotator_for(codebook).annotate(transcript)


__all__ = [
    "ANNOTATORS", "Annotator", "Codebook", "annotate", "annotator_for", "codebook_for",
    "load_codebook",
    "outcome", "parse_codebook",
]
