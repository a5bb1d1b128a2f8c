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
