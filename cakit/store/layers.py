"""Layer files: where each transcript's annotations live, and the auto layer's records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cakit.annotations import ConsultationAnnotations, consultation_from_dict, to_dict
from cakit.store.atomic import atomic_write_text

DEFAULT_ROOT = Path("annotations") / "store"
SCHEMA_VERSION = 1


def transcript_key(source: str) -> str:
    """A file name for a transcript's layer files: its stem plus a hash of its path."""
    path = Path(source)
    digest = hashlib.sha256(str(path.as_posix()).encode("utf-8")).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def layer_path(root: Path, layer: str, source: str) -> Path:
    return root / layer / f"{transcript_key(source)}.jsonl"


def save_auto(consultation: ConsultationAnnotations, root: Path, *, codebook_version: str,
              cakit_version: str) -> Path:
    """Write the machine layer of one transcript (regenerable; replaced on every run)."""
    from cakit.annotations import AnnotationSet

    header = {"schema": SCHEMA_VERSION, "layer": "auto", "source": consultation.source,
              "sha256": consultation.sha256, "codebook_version": codebook_version,
              "cakit_version": cakit_version}
    body = to_dict(AnnotationSet(cakit_version=cakit_version, codebook_version=codebook_version,
                                 transcripts=(consultation,)))["transcripts"][0]
    path = layer_path(root, "auto", consultation.source)
    lines = [json.dumps(header, ensure_ascii=False), json.dumps(body, ensure_ascii=False)]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def load_auto(root: Path, source: str) -> tuple[dict[str, Any], ConsultationAnnotations] | None:
    """The stored machine layer of a transcript, or None when absent or unreadable."""
    path = layer_path(root, "auto", source)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        body = json.loads(lines[1])
        return header, consultation_from_dict(body)
    except (OSError, ValueError, IndexError):
        return None
