"""What every exporter is given: the codebook and the consultations, as decided."""

from __future__ import annotations

from dataclasses import dataclass

from cakit.annotations import ConsultationAnnotations
from cakit.exchange.codes import CodeEntry
from cakit.model import Transcript
from cakit.store.records import Layer, MachineItem


@dataclass(frozen=True, slots=True)
class ExportDoc:
    """One consultation as exporters see it."""

    identity: str
    transcript: Transcript
    machine: ConsultationAnnotations
    #: the codes as decided by --coder/--consensus (the machine's without either)
    decided: ConsultationAnnotations
    items: tuple[MachineItem, ...]
    #: items of `decided` (the codes as decided, as items on their turns)
    decided_items: tuple[MachineItem, ...]
    #: each exported coder's layer, by coder name, sorted
    layers: tuple[tuple[str, Layer], ...] = ()


@dataclass(frozen=True, slots=True)
class ExportInput:
    """Everything an export holds: the codebook and the consultations, in input order."""

    codebook_version: str
    codes: tuple[CodeEntry, ...]
    docs: tuple[ExportDoc, ...] = ()
    cakit_version: str = ""
    #: what the codes are: "machine", "coder NAME" or "consensus"
    decided_by: str = "machine"
