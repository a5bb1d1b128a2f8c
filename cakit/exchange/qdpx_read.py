"""Reading a REFI-QDA project archive (`.qdpx`) into plain records (no cakit knowledge).

Only what an import needs is read: users, codes (with their parents), text sources with
their plain text, selections and codings, notes and links. GUIDs are compared in lower
case without braces (other tools write upper case and braces). A coding with no
`creatingUser` belongs to the user who created its selection.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cakit.errors import CakitError
from cakit.exchange.guids import normal

#: The largest project.qde or source text read (bytes): a guard against a zip bomb.
MAX_PROJECT = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class QdaCode:
    guid: str
    name: str
    parent: str | None
    description: str = ""
    codable: bool = True


@dataclass(frozen=True, slots=True)
class QdaNote:
    guid: str
    name: str
    text: str
    user: str
    time: str


@dataclass(frozen=True, slots=True)
class QdaCoding:
    guid: str
    code: str
    user: str
    time: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QdaSelection:
    guid: str
    start: int
    end: int
    user: str
    codings: tuple[QdaCoding, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QdaSource:
    guid: str
    name: str
    #: the plain text (None when the archive does not hold it)
    text: str | None
    selections: tuple[QdaSelection, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class QdaProject:
    users: dict[str, str]
    codes: dict[str, QdaCode]
    notes: dict[str, QdaNote]
    #: (origin GUID, target GUID, name)
    links: tuple[tuple[str, str, str], ...]
    sources: tuple[QdaSource, ...]


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _local(child) == name]


def _child_text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    return None if not found else (found[0].text or "")


def code_tree(codes: etree._Element) -> dict[str, QdaCode]:
    """The `<Code>`s under a REFI-QDA `<Codes>` element (of a project or a codebook), nested
    codes included, by normalised GUID, in document order (a parent before its children)."""
    out: dict[str, QdaCode] = {}
    _codes(codes, None, out)
    return out


def _codes(parent: etree._Element, under: str | None, out: dict[str, QdaCode]) -> None:
    for code in _children(parent, "Code"):
        guid = normal(code.get("guid"))
        out[guid] = QdaCode(guid=guid, name=code.get("name", ""), parent=under,
                            description=(_child_text(code, "Description") or "").strip(),
                            codable=code.get("isCodable", "true").strip() in ("true", "1"))
        _codes(code, guid, out)


def _read_text(archive: zipfile.ZipFile, path: str | None) -> str | None:
    if not path:
        return None
    name = path.removeprefix("internal://")
    names = {entry.lower(): entry for entry in archive.namelist()}
    entry = names.get(f"sources/{name}".lower()) or names.get(name.lower())
    if entry is None or archive.getinfo(entry).file_size > MAX_PROJECT:
        return None
    data = archive.read(entry)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def _selection(element: etree._Element) -> QdaSelection:
    user = normal(element.get("creatingUser"))
    codings = []
    for coding in _children(element, "Coding"):
        refs = _children(coding, "CodeRef")
        codings.append(QdaCoding(
            guid=normal(coding.get("guid")),
            code=normal(refs[0].get("targetGUID")) if refs else "",
            user=normal(coding.get("creatingUser")) or user,
            time=coding.get("creationDateTime", "") or element.get("creationDateTime", ""),
            notes=tuple(normal(n.get("targetGUID")) for n in _children(coding, "NoteRef"))))
    try:
        start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
    except ValueError:
        start, end = -1, -1
    return QdaSelection(guid=normal(element.get("guid")), start=start, end=end, user=user,
                        codings=tuple(codings),
                        notes=tuple(normal(n.get("targetGUID"))
                                    for n in _children(element, "NoteRef")))


def read_qdpx(path: Path) -> QdaProject:
    """Read a `.qdpx` archive.

    Raises:
        CakitError: the file is not a zip, has no project.qde, or its XML is broken.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise CakitError(f"{path}: not a REFI-QDA project archive (.qdpx): {exc}") from None
    with archive:
        entries = [e for e in archive.infolist() if e.filename.lower().endswith(".qde")]
        if not entries:
            raise CakitError(f"{path}: no project.qde inside; is this a .qdpx file?")
        if entries[0].file_size > MAX_PROJECT:
            raise CakitError(f"{path}: project.qde is larger than {MAX_PROJECT} bytes")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(archive.read(entries[0]), parser)
        except etree.XMLSyntaxError as exc:
            raise CakitError(f"{path}: project.qde is not well-formed XML: {exc}") from None
        if _local(root) != "Project":
            raise CakitError(f"{path}: project.qde has root {_local(root)!r}, not Project")
        users = {normal(u.get("guid")): u.get("name", "") or u.get("id", "")
                 for block in _children(root, "Users") for u in _children(block, "User")}
        codes: dict[str, QdaCode] = {}
        for book in _children(root, "CodeBook"):
            for block in _children(book, "Codes"):
                codes.update(code_tree(block))
        notes = {}
        for block in _children(root, "Notes"):
            for note in _children(block, "Note"):
                guid = normal(note.get("guid"))
                text = _child_text(note, "PlainTextContent")
                if text is None:
                    text = _read_text(archive, note.get("plainTextPath")) or ""
                notes[guid] = QdaNote(guid=guid, name=note.get("name", ""), text=text,
                                      user=normal(note.get("creatingUser")),
                                      time=note.get("creationDateTime", ""))
        links = tuple((normal(link.get("originGUID")), normal(link.get("targetGUID")),
                       link.get("name", ""))
                      for block in _children(root, "Links") for link in _children(block, "Link"))
        sources = []
        for block in _children(root, "Sources"):
            for source in _children(block, "TextSource"):
                text = _child_text(source, "PlainTextContent")
                if text is None:
                    text = _read_text(archive, source.get("plainTextPath"))
                sources.append(QdaSource(
                    guid=normal(source.get("guid")), name=source.get("name", ""), text=text,
                    selections=tuple(_selection(s)
                                     for s in _children(source, "PlainTextSelection")),
                    description=_child_text(source, "Description") or ""))
    return QdaProject(users=users, codes=codes, notes=notes, links=links,
                      sources=tuple(sources))
