"""What every exporter is given, and the registry `cakit export --to NAME` reads.

An exporter is a pure function from an `ExportInput` to the files it makes: a mapping of
relative path to bytes. A `file` exporter makes one file (key `""`), written to `-o FILE`;
a `folder` exporter makes several, written into `-o DIR`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from cakit.annotations import ConsultationAnnotations
from cakit.exchange.codes import CodeEntry
from cakit.model import Transcript
from cakit.registry import Registry
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


@dataclass(frozen=True, slots=True)
class Exporter:
    """A named export format."""

    make: Callable[[ExportInput], Mapping[str, bytes]]
    output: Literal["file", "folder"]
    #: whether it exports transcripts (False: the codebook only, PATHS not needed)
    needs_corpus: bool = True
    help: str = ""


EXPORTERS: Registry[Exporter] = Registry("export format")


def _register() -> None:
    from cakit.exchange.convokit import convokit_files
    from cakit.exchange.qdpx import qdc_bytes, qdpx_bytes

    EXPORTERS.register("qdpx", Exporter(
        make=lambda data: {"": qdpx_bytes(data)}, output="file",
        help="REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder …"))
    EXPORTERS.register("qdc", Exporter(
        make=lambda data: {"": qdc_bytes(data)}, output="file", needs_corpus=False,
        help="REFI-QDA codebook (.qdc)"))
    EXPORTERS.register("convokit", Exporter(
        make=convokit_files, output="folder", help="ConvoKit corpus folder"))


_register()
