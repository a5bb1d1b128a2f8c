"""ELAN annotation documents (`.eaf`): read as transcripts, written by `cakit convert`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cakit.formats._diag import ErrorMode
from cakit.formats.elan.reader import parse_eaf
from cakit.model import ParseResult, Transcript


class ElanFormat:
    """The `elan` entry of the format registry."""

    name = "elan"
    suffixes = (".eaf",)

    def sniff(self, head: bytes) -> bool:
        """An XML document whose root is ANNOTATION_DOCUMENT."""
        return b"<ANNOTATION_DOCUMENT" in head[:4096]

    def read_bytes(
        self, data: bytes, *, source: str, errors: ErrorMode, options: object
    ) -> ParseResult:
        from cakit.formats import ReadOptions

        opts = options if isinstance(options, ReadOptions) else ReadOptions()
        return parse_eaf(data, source=source, errors=errors, roles=opts.roles,
                         convention=opts.convention, tokenize=opts.tokenize)


ELAN_FORMAT = ElanFormat()



def to_coded_eaf(
    transcript: Transcript, *, date: datetime, codebook: str | Path | None = None
) -> str:
    """The EAF of a transcript with its codes: the annotator is run with the codebook
    (default: the project's) and its codes written on dependent tiers."""
    from cakit.annotate import annotator_for, codebook_for
    from cakit.formats.elan.writer import to_eaf

    codes = annotator_for(codebook).annotate(transcript)
    return to_eaf(transcript, date=date, codes=codes, codebook=codebook_for(codebook))


__all__ = ["ELAN_FORMAT", "ElanFormat", "parse_eaf", "to_coded_eaf"]
