"""Jefferson transcripts: plain text (`.txt`) and Word (`.docx`) files.

Both formats end in the same parser (`parse_jefferson`), so a `.docx` transcript and its
"save as text" copy read to the same model (plus emphasis from underlining in Word).
"""

from __future__ import annotations

import re
from pathlib import Path

from cakit.formats._diag import Collector, ErrorMode
from cakit.formats._text import decode_bytes, split_lines
from cakit.formats.jefferson.reader import parse_jefferson
from cakit.model import ParseResult

_SNIFF_LABEL = re.compile(rb"^[ \t]*\d{0,6}[ \t]*[A-Za-z][A-Za-z0-9 ]{0,15}:[ \t]", re.M)


def _options(options: object):  # type: ignore[no-untyped-def]
    from cakit.formats import ReadOptions

    return options if isinstance(options, ReadOptions) else ReadOptions()


class JeffersonFormat:
    """The `jefferson` entry of the format registry (plain-text transcripts)."""

    name = "jefferson"
    suffixes = (".txt",)

    def sniff(self, head: bytes) -> bool:
        """Several `Label: talk` lines and no CHAT header."""
        text = head.lstrip(b"\xef\xbb\xbf")
        if text.startswith((b"@UTF8", b"@Begin", b"PK\x03\x04")) or b"\x00" in text[:200]:
            return False
        return len(_SNIFF_LABEL.findall(text[:4096])) >= 2

    def read_bytes(
        self, data: bytes, *, source: str, errors: ErrorMode, options: object
    ) -> ParseResult:
        """Decode (UTF-8 with or without BOM, UTF-16, cp1252) and parse."""
        from cakit.formats import empty_result

        opts = _options(options)
        decoded = decode_bytes(data, source)
        collector = Collector(source, [], errors)
        collector.extend(decoded.diagnostics)
        if not decoded.text:
            return empty_result(source, "jefferson", collector.items)
        if decoded.text.lstrip().startswith(("@UTF8", "@Begin")):
            collector.add("CK309", "warning", "this file looks like CHAT, not a Jefferson "
                          "transcript", 1, 1, hint="give it the .cha suffix, or read it with "
                          "format='chat'")
        return parse_jefferson(
            split_lines(decoded.text), source=source, errors=errors, roles=opts.roles,
            convention=opts.convention, tokenize=opts.tokenize, stem=Path(source).stem,
            diagnostics=collector.items,
        )


class DocxFormat:
    """The `docx` entry of the format registry (Word files holding a Jefferson transcript)."""

    name = "docx"
    suffixes = (".docx",)

    def sniff(self, head: bytes) -> bool:
        """A zip archive whose first entries belong to a Word document."""
        return head.startswith(b"PK\x03\x04") and (b"word/" in head or b"[Content_Types]" in head)

    def read_bytes(
        self, data: bytes, *, source: str, errors: ErrorMode, options: object
    ) -> ParseResult:
        """Unpack safely, read paragraphs (underlining kept), then parse as Jefferson."""
        from cakit.formats import empty_result
        from cakit.formats.jefferson.docx import read_docx

        opts = _options(options)
        collector = Collector(source, [], errors)
        document = read_docx(data, source)
        collector.extend(document.diagnostics)
        if document.lines is None:
            return empty_result(source, "jefferson", collector.items)
        return parse_jefferson(
            document.lines, source=source, errors=errors, roles=opts.roles,
            convention=opts.convention, tokenize=opts.tokenize, stem=Path(source).stem,
            underline=document.underline, diagnostics=collector.items,
            metadata=(("container", "docx"),),
        )


JEFFERSON_FORMAT = JeffersonFormat()
DOCX_FORMAT = DocxFormat()

__all__ = ["DOCX_FORMAT", "JEFFERSON_FORMAT", "DocxFormat", "JeffersonFormat", "parse_jefferson"]
