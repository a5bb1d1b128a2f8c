"""One transcript's machine annotations as the review tools need them, and storing a run.

`machine_state` reads the transcript and reuses its auto layer when that layer was made
from the same file version and the same codebook (`codebook_key`); otherwise it runs the
annotator and rewrites the auto layer. `store_run` is what `cakit annotate` calls after
annotating a file: write the auto layer, then bring every coder layer of that transcript
in step.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cakit.annotations import ConsultationAnnotations
from cakit.errors import StoreError
from cakit.model import Role, Transcript
from cakit.store.anchors import TranscriptText
from cakit.store.layers import (
    consultation_of,
    load_auto_layer,
    read_transcript,
    save_auto,
    transcript_identity,
)
from cakit.store.records import MachineItem
from cakit.store.sync import SyncReport, sync_all


@dataclass(frozen=True, slots=True)
class MachineState:
    """A transcript, its machine annotations and their reviewable items."""

    source: str
    identity: str
    transcript: Transcript
    text: TranscriptText
    consultation: ConsultationAnnotations
    items: tuple[MachineItem, ...]
    #: the codebook key (declared version + content hash, see `codebook_key`)
    codebook_version: str
    annotated: bool

    def item(self, item_id: str) -> MachineItem | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None


_VERSION_LINE = re.compile(r"""^version:[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s#]+))""",
                           re.MULTILINE)


def codebook_key(path: str | Path | None = None) -> str:
    """What an auto layer must have been made with to be reused: the codebook's declared
    version plus a hash of its bytes (`1.1+3fa2b1c09d4e`), so an edited codebook whose
    version was not bumped still re-annotates. Cheap: no spaCy, and the YAML is parsed
    only when it has no top-level `version:` line.

    Raises:
        CodebookError: the codebook has no version line and is invalid.
    """
    from cakit.annotate.codebook import default_codebook_path

    file_path = Path(path) if path else default_codebook_path()
    try:
        stat = file_path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)
    return _key(str(file_path), stamp)


@lru_cache(maxsize=8)
def _key(path: str, stamp: tuple[int, int]) -> str:
    from cakit.annotate.codebook import load_codebook

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


def machine_state(path: str | Path, root: Path, *, codebook: str | Path | None = None,
                  roles: Mapping[str, Role] | None = None) -> MachineState:
    """The machine annotations of one transcript, from the auto layer or freshly made.

    Raises:
        StoreError: the transcript cannot be read or has no talk, or a layer is corrupt.
        CodebookError: the codebook is invalid.
    """
    from cakit import __version__
    from cakit.formats import read

    source = str(path)
    result = read(source, roles=roles)
    transcript = result.transcript
    if not transcript.utterances:
        first = next((d for d in result.diagnostics if d.severity == "error"), None)
        raise StoreError(f"{source}: no talk could be read" + (f": {first}" if first else ""))
    version = codebook_key(codebook)
    text = TranscriptText.of(transcript)
    layer = load_auto_layer(Path(root), source)
    if (layer is not None and layer.header.schema >= 2 and layer.consultation is not None
            and layer.header.sha256 == transcript.sha256
            and layer.header.codebook_version == version):
        return MachineState(source=source, identity=transcript_identity(source),
                            transcript=transcript, text=text,
                            consultation=consultation_of(layer), items=layer.items,
                            codebook_version=version, annotated=False)
    from cakit.annotate import annotator_for
    from cakit.store.items import machine_items

    consultation = annotator_for(codebook).annotate(transcript)
    save_auto(consultation, Path(root), codebook_version=version, cakit_version=__version__,
              transcript=transcript)
    items = machine_items(consultation, text, transcript_identity(source))
    return MachineState(source=source, identity=transcript_identity(source),
                        transcript=transcript, text=text, consultation=consultation,
                        items=items, codebook_version=version, annotated=True)


def store_run(consultation: ConsultationAnnotations, root: Path, *, codebook_version: str,
              cakit_version: str, transcript: Transcript | None = None,
              ) -> tuple[Path, tuple[SyncReport, ...]]:
    """Write the auto layer of one annotated transcript and sync its coder layers.

    Returns:
        The auto layer's path and one report per coder layer (re-anchoring counts,
        re-targeted decisions, decisions on codes the machine no longer proposes).

    Raises:
        StoreError: a layer is corrupt (nothing written to it), a lock timed out, or the
            transcript changed while it was being annotated.
    """
    from cakit.store.items import machine_items

    if transcript is None:
        transcript = read_transcript(consultation.source, sha256=consultation.sha256)
    path = save_auto(consultation, Path(root), codebook_version=codebook_version,
                     cakit_version=cakit_version, transcript=transcript)
    text = TranscriptText.of(transcript)
    items = machine_items(consultation, text, transcript_identity(consultation.source))
    return path, sync_all(Path(root), consultation.source, text, items)
