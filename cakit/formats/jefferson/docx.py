"""Word `.docx` files → lines of a Jefferson transcript, with underlining kept.

A `.docx` is a zip archive; the text is in `word/document.xml`. It is read with lxml and
nothing else (no conversion tools), after checking the archive the way any untrusted zip
must be checked: it really is a zip, no entry name escapes the archive, the uncompressed
sizes are sane (a "zip bomb" is refused), and the XML parser neither resolves entities nor
touches the network.

Each paragraph is one physical line, or one per line break (`<w:br/>`, Shift+Enter) in it
(line numbers count these lines, 1-based); a table row is one line with its cells joined
by TABs (transcripts are often laid out as number | speaker | talk tables), a line break
in a cell being a space. `<w:tab/>` is a TAB. Underlined runs become emphasis on
the words they cover, which plain text loses. Tracked changes and comments are reported:
inserted text is kept, deleted text dropped, comments ignored, and the reader says so.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from cakit.model import Diagnostic, SourceSpan

#: Largest uncompressed size accepted, for the whole archive and for document.xml.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
#: More entries than any real Word file has.
MAX_ENTRIES = 10_000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + W + "}"
_P = _W + "p"
_R = _W + "r"
_T = _W + "t"
_TBL = _W + "tbl"
_TR = _W + "tr"
_TC = _W + "tc"

#: Symbol-font code points Word uses for arrows and degrees (`<w:sym w:char="F0AD"/>`).
_SYMBOL_FONT = {0xAD: "↑", 0xAF: "↓", 0xAE: "→", 0xAC: "←", 0xB0: "°", 0xA3: "£"}


@dataclass(slots=True)
class DocxText:
    """Lines read from a Word file, underlined ranges per line, and what went wrong.

    `lines` is None when the file could not be read at all (the diagnostics say why).
    `underline` maps a 1-based line to 0-based (start, end) character ranges.
    """

    lines: list[str] | None
    underline: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _problem(source: str, code: str, severity: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code, severity, message, SourceSpan(source, 1, 1), hint)  # type: ignore[arg-type]


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    if len(name) > 1 and name[1] == ":":
        return True
    return any(part == ".." for part in name.split("/"))


def read_docx(data: bytes, source: str) -> DocxText:
    """Read the paragraphs of a `.docx` given as bytes; never raises on bad input."""
    result = DocxText(None)
    problems = result.diagnostics
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.append(_problem(source, "CK328", "error", "this is an old binary Word .doc "
                                 "file, not a .docx", "open it in Word and save as .docx"))
        return result
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        problems.append(_problem(source, "CK320", "error", "not a Word .docx file (it is not "
                                 "a zip archive)", "save the transcript from Word as .docx, "
                                 "or as plain text (.txt)"))
        return result
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # untrusted archive: any failure to open is a diagnostic
        problems.append(_problem(source, "CK320", "error", f"damaged .docx archive: {exc}",
                                 "re-save the file from Word"))
        return result
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            problems.append(_problem(source, "CK322", "error",
                                     f"archive has {len(infos):,} entries", "not a Word file"))
            return result
        for info in infos:
            if _unsafe_name(info.filename):
                problems.append(_problem(source, "CK323", "error", "unsafe path in archive: "
                                         f"{info.filename!r}", "refusing to read an archive "
                                         "whose entries point outside it"))
                return result
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED:
            problems.append(_problem(source, "CK322", "error", f"archive unpacks to {total:,} "
                                     "bytes (over 50 MB)", "not a transcript; refusing to "
                                     "unpack it"))
            return result
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            problems.append(_problem(source, "CK321", "error", "zip archive has no "
                                     "word/document.xml: not a Word document",
                                     "save the transcript from Word as .docx"))
            return result
        if info.flag_bits & 0x1:
            problems.append(_problem(source, "CK327", "error", "the document is encrypted",
                                     "remove the password in Word and save again"))
            return result
        try:
            with archive.open(info) as handle:
                xml = handle.read(MAX_UNCOMPRESSED + 1)
        except Exception as exc:  # untrusted archive: any failure to unpack is a diagnostic
            problems.append(_problem(source, "CK320", "error", f"cannot unpack "
                                     f"word/document.xml: {exc}", "re-save the file from Word"))
            return result
        if len(xml) > MAX_UNCOMPRESSED:
            problems.append(_problem(source, "CK322", "error", "word/document.xml is over "
                                     "50 MB", "not a transcript; refusing to read it"))
            return result
    _parse_document(xml, source, result)
    return result


def _parse_document(xml: bytes, source: str, result: DocxText) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        result.diagnostics.append(_problem(source, "CK324", "error", "word/document.xml is not "
                                           f"well-formed XML: {exc}",
                                           "re-save the file from Word"))
        return
    body = root.find(_W + "body")
    if body is None:
        result.diagnostics.append(_problem(source, "CK321", "error", "word/document.xml has no "
                                           "document body", "save the transcript from Word"))
        return
    walker = _Walker()
    walker.block(body)
    result.lines = walker.lines
    result.underline = walker.underline
    if walker.inserted or walker.deleted:
        what = []
        if walker.inserted:
            what.append(f"{walker.inserted} insertion{'s' if walker.inserted != 1 else ''} "
                        "(kept)")
        if walker.deleted:
            what.append(f"{walker.deleted} deletion{'s' if walker.deleted != 1 else ''} "
                        "(dropped)")
        line = walker.first_change or 1
        result.diagnostics.append(Diagnostic(
            "CK325", "warning", "document has tracked changes: " + ", ".join(what),
            SourceSpan(source, line, 1),
            "accept or reject all changes in Word (Review → Accept/Reject) so the transcript "
            "is what you mean",
        ))
    if walker.comments:
        line = walker.first_comment or 1
        result.diagnostics.append(Diagnostic(
            "CK326", "warning", f"document has {walker.comments} Word comment"
            f"{'s' if walker.comments != 1 else ''}; comments are not part of the transcript "
            "and are ignored", SourceSpan(source, line, 1),
            "move anything that belongs to the transcript into the text as ((…))",
        ))


class _Walker:
    """Walks the body in document order, one line per paragraph or table row."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.underline: dict[int, list[tuple[int, int]]] = {}
        self.inserted = 0
        self.deleted = 0
        self.comment_starts = 0
        self.comment_references = 0
        self.first_change = 0
        self.first_comment = 0

    @property
    def comments(self) -> int:
        return max(self.comment_starts, self.comment_references)

    def block(self, element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == _P:
                self.paragraph([child])
            elif tag == _TBL:
                for row in child.iter(_TR):
                    cells = [cell for cell in row if cell.tag == _TC]
                    self.paragraph([p for cell in cells for p in cell if p.tag == _P],
                                   cells=[[p for p in cell if p.tag == _P] for cell in cells])
            elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins"):
                self.block(child)

    def paragraph(self, paragraphs: list[Any], cells: list[list[Any]] | None = None) -> None:
        parts: list[str] = []
        ranges: list[tuple[int, int]] = []
        line_number = len(self.lines) + 1
        length = 0
        groups = cells if cells is not None else [paragraphs]
        for cell_index, cell in enumerate(groups):
            if cell_index:
                parts.append("\t")
                length += 1
            for p_index, paragraph in enumerate(cell):
                if p_index:
                    parts.append(" ")
                    length += 1
                for text, underlined in self.runs(paragraph, line_number):
                    if underlined and text.strip():
                        ranges.append((length, length + len(text)))
                    parts.append(text)
                    length += len(text)
        text = "".join(parts)
        if cells is not None:  # a table row is one line, whatever breaks its cells hold
            self.lines.append(text.replace("\n", " "))
            if ranges:
                self.underline[line_number] = ranges
            return
        # a paragraph is one line per line break in it: transcripts pasted into Word often
        # come as one paragraph with Shift+Enter between the speakers' lines
        start = 0
        for piece in text.split("\n"):
            end = start + len(piece)
            mine = [(max(a, start) - start, min(b, end) - start) for a, b in ranges
                    if a < end and b > start]
            if mine:
                self.underline[len(self.lines) + 1] = mine
            self.lines.append(piece)
            start = end + 1

    def runs(self, element: Any, line: int, deleted: bool = False) -> list[tuple[str, bool]]:
        """(text, underlined) for every run under `element`, not descending into paragraphs
        nested in text boxes (they are separate lines of their own)."""
        found: list[tuple[str, bool]] = []
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _R:
                if deleted:
                    continue
                found.extend(self.run(child))
            elif tag in (_W + "del", _W + "moveFrom"):
                self.deleted += 1
                self.first_change = self.first_change or line
            elif tag in (_W + "ins", _W + "moveTo"):
                self.inserted += 1
                self.first_change = self.first_change or line
                found.extend(self.runs(child, line))
            elif tag == _W + "commentRangeStart":
                self.comment_starts += 1
                self.first_comment = self.first_comment or line
            elif tag == _P:
                continue
            elif tag != _W + "pPr":
                found.extend(self.runs(child, line))
        return found

    def run(self, run: Any) -> list[tuple[str, bool]]:
        properties = run.find(_W + "rPr")
        underlined = False
        if properties is not None:
            u = properties.find(_W + "u")
            if u is not None:
                underlined = u.get(_W + "val", "single") not in ("none", "0", "false")
        pieces: list[str] = []
        for child in run:
            tag = child.tag
            if tag == _T:
                pieces.append(child.text or "")
            elif tag == _W + "tab":
                pieces.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                pieces.append("\n")  # a line break (Shift+Enter): see `paragraph`
            elif tag == _W + "noBreakHyphen":
                pieces.append("-")
            elif tag == _W + "sym":
                code = child.get(_W + "char", "")
                try:
                    value = int(code, 16)
                except ValueError:
                    continue
                pieces.append(_SYMBOL_FONT.get(value & 0xFF, "") if value >= 0xF000 else chr(value))
            elif tag == _W + "commentReference":
                self.comment_references += 1
                self.first_comment = self.first_comment or len(self.lines) + 1
        text = "".join(pieces)
        return [(text, underlined)] if text else []


__all__ = ["MAX_UNCOMPRESSED", "DocxText", "read_docx"]
