"""The registry `cakit export --to NAME` reads.

An exporter is a pure function from an `ExportInput` (`cakit.exchange.inputs`) to the
files it makes: a mapping of relative path to bytes. A `file` exporter makes one file
(key `""`), written to `-o FILE`; a `folder` exporter makes several, written into `-o DIR`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from cakit.exchange.inputs import ExportDoc, ExportInput
from cakit.registry import Registry

__all__ = ["EXPORTERS", "ExportDoc", "ExportInput", "Exporter"]


@dataclass(frozen=True, slots=True)
class Exporter:
    """A named export format."""

    make: Callable[[ExportInput], Mapping[str, bytes]]
    output: Literal["file", "folder"]
    #: whether it exports transcripts (False: the codebook only, PATHS not needed)
    needs_corpus: bool = True
    help: str = ""


def _register(registry: Registry[Exporter]) -> None:
    from cakit.exchange.convokit import convokit_files
    from cakit.exchange.qdpx import qdc_bytes, qdpx_bytes

    registry.register("qdpx", Exporter(
        make=lambda data: {"": qdpx_bytes(data)}, output="file",
        help="REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder …"))
    registry.register("qdc", Exporter(
        make=lambda data: {"": qdc_bytes(data)}, output="file", needs_corpus=False,
        help="REFI-QDA codebook (.qdc)"))
    registry.register("convokit", Exporter(
        make=convokit_files, output="folder", help="ConvoKit corpus folder"))


def _check_exporter(name: str, component: object) -> str | None:
    if isinstance(component, Exporter):
        return None
    return f"it is a {type(component).__name__}, not a cakit.exchange.Exporter"


#: Export formats by name: the built-ins (qdpx, qdc, convokit), always, plus the entry
#: points of group `cakit.exporters` (each loading to an `Exporter`) and exporters
#: registered at runtime. The built-ins' modules are imported on first use.
EXPORTERS: Registry[Exporter] = Registry(
    "export format", builtins=_register, entry_point_group="cakit.exporters",
    check=_check_exporter,
)
