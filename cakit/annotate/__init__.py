"""The annotator: codebook-driven codes for attempts, responses, sequences and phases.

`annotate(transcript)` codes one consultation with the default codebook; `Annotator`
compiles a codebook once and codes many. spaCy is imported here (lazily, by the compiler),
never at `import cakit`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cakit.annotate.classifier import model_digest
from cakit.annotate.codebook import Codebook, load_codebook, parse_codebook
from cakit.annotate.pipeline import Annotator
from cakit.annotations import ConsultationAnnotations, outcome
from cakit.model import Transcript


@lru_cache(maxsize=8)
def _codebook(path: str, mtime: float) -> Codebook:
    return load_codebook(path)


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float, signal: str | None = None) -> Annotator:
    codebook = _codebook(path, mtime)
    if signal is not None and signal != codebook.classifier.signal:
        codebook = replace(codebook, classifier=replace(codebook.classifier, signal=signal))
    return Annotator(codebook)


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


def annotator_for(codebook_path: str | Path | None = None, signal: str | None = None
                  ) -> Annotator:
    """A compiled annotator for a codebook file (cached per file and modification time),
    coding attempts with `signal` ("rules", "classifier", "both") instead of the codebook's
    `classifier.signal` when one is given."""
    return _cached(*_key(codebook_path), signal)


_VERSION_LINE = re.compile(r"""^version:[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s#]+))""",
                           re.MULTILINE)


def codebook_key(codebook_path: str | Path | None = None, signal: str | None = None) -> str:
    """What the machine codes depend on in a codebook: its declared version plus a hash of
    its bytes and of the attempt classifier's model (`1.2+3fa2b1c09d4e+0ab0c6df`), so an
    edited codebook whose version was not bumped, or a retrained model, still
    re-annotates; and the signal when a run overrides the codebook's (`…+both`). Cheap:
    no spaCy, and the YAML is parsed only when the file has no top-level `version:` line.

    Raises:
        CodebookError: the codebook has no version line and is invalid.
    """
    key = f"{_codebook_key(*_key(codebook_path))}+{model_digest()}"
    return f"{key}+{signal}" if signal else key


@lru_cache(maxsize=8)
def _codebook_key(path: str, mtime: float) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError:
        data = b""
    match = _VERSION_LINE.search(data.decode("utf-8", errors="replace"))
    if match:
        version = next(group for group in match.groups() if group is not None)
    else:
        version = load_codebook(path).version
    return f"{version}+{hashlib.sha256(data).hexdigest()[:12]}"


def annotate(transcript: Transcript, codebook: str | Path | None = None) -> ConsultationAnnotations:
    """Code one transcript with a codebook file (default: the project's codebook)."""
    return annotator_for(codebook).annotate(transcript)


__all__ = [
    "Annotator", "Codebook", "annotate", "annotator_for", "codebook_for",
    "codebook_key", "load_codebook",
    "outcome", "parse_codebook",
]
