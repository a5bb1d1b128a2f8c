"""One transcript's machine codes as the store knows them, and whether they are current.

`MachineState` is what the review tools work on: the transcript, its text index, the
machine's consultation and its reviewable items, under the transcript's store identity.
`RunKey` is everything that changes the machine's codes; `is_current` is the one place
that decides whether a stored auto layer may be reused instead of annotating again.
"""

from __future__ import annotations

from dataclasses import dataclass

from cakit.annotations import ConsultationAnnotations
from cakit.model import Transcript
from cakit.store.anchors import TranscriptText
from cakit.store.records import Layer, MachineItem


@dataclass(frozen=True, slots=True)
class RunKey:
    """What the machine codes of one transcript were made from."""

    #: sha256 of the transcript's bytes
    sha256: str
    #: the codebook's declared version plus a hash of its content (`1.2+3fa2b1c09d4e`)
    codebook: str
    #: a hash of the resolved speaker roles and the reader options
    inputs: str
    #: the cakit build that annotated: its version plus a hash of its code and data
    #: (`0.1.0+4cf7682a2c3d`, `cakit.build.build_id`), so other code never reuses a layer
    cakit_version: str


def is_current(layer: Layer | None, key: RunKey) -> bool:
    """True when a stored auto layer was made from exactly these inputs (reuse it)."""
    if layer is None or layer.consultation is None or layer.header.schema < 2:
        return False
    header = layer.header
    return (header.sha256 == key.sha256 and header.codebook_version == key.codebook
            and header.inputs == key.inputs and header.cakit_version == key.cakit_version)


def is_current_unread(layer: Layer | None, key: RunKey, options: str) -> bool:
    """True when a stored auto layer may be reused without reading the transcript: made
    from these bytes, codebook and cakit version (`key.inputs` is not known before a read)
    and read with the same role configuration and reader options (`options`, kept in the
    layer's transcript profile, `cakit.profile`). Resolved roles depend on nothing else."""
    if layer is None or layer.consultation is None or layer.header.schema < 2 \
            or layer.profile is None:
        return False
    header = layer.header
    return (header.sha256 == key.sha256 and header.codebook_version == key.codebook
            and header.cakit_version == key.cakit_version
            and layer.profile.get("options") == options)


@dataclass(frozen=True, slots=True)
class MachineState:
    """A transcript, its machine annotations and their reviewable items."""

    #: the path the transcript was read from (as given on the command line)
    source: str
    #: its identity in the store: the path relative to its project root
    identity: str
    transcript: Transcript
    text: TranscriptText
    consultation: ConsultationAnnotations
    items: tuple[MachineItem, ...]
    #: whether the codes were made in this run (False: reused from the store)
    annotated: bool

    def item(self, item_id: str) -> MachineItem | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None
