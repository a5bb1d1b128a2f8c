"""A minimal Word (.docx) writer: zipfile plus WordprocessingML written by hand.

Enough for excerpts that open in Word and LibreOffice: headings, plain paragraphs, a
warning paragraph, and monospaced (Courier New) extract lines whose spaces are kept
(`xml:space="preserve"`), so Jefferson column layout and overlap brackets stay aligned.
No python-docx dependency. The archive is deterministic (fixed timestamps).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Literal
from xml.sax.saxutils import escape

Style = Literal["title", "heading", "normal", "mono", "warning", "small"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_STYLES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STAMP = (2024, 1, 1, 0, 0, 0)

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{_PKG}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{_MAIN_TYPE}"/>
<Override PartName="/word/styles.xml" ContentType="{_STYLES_TYPE}"/>
</Types>
"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="word/document.xml"/>
</Relationships>
"""
DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships">
<Relationship Id="rId1" Type="{_DOC}/styles" Target="styles.xml"/>
</Relationships>
"""
_MONO = ('<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New" '
         'w:eastAsia="Courier New"/>')
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>
<w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>
<w:pPr><w:spacing w:after="80"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>
<w:pPr><w:spacing w:after="200"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>
<w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/>
<w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Extract"><w:name w:val="Extract"/>
<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>
</w:pPr><w:rPr>{_MONO}<w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Small"><w:name w:val="Small"/><w:basedOn w:val="Normal"/>
<w:rPr><w:color w:val="555555"/><w:sz w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Warning"><w:name w:val="Warning"/>
<w:basedOn w:val="Normal"/><w:rPr><w:b/><w:color w:val="C00000"/></w:rPr></w:style>
</w:styles>
"""
_STYLE_IDS = {"title": "Title", "heading": "Heading2", "normal": "Normal", "mono": "Extract",
              "warning": "Warning", "small": "Small"}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: its text, style, and whether it is bold (e.g. an arrowed line)."""

    text: str
    style: Style = "normal"
    bold: bool = False


def _run(text: str, style: Style, bold: bool) -> str:
    properties = ""
    if style == "mono":
        properties += _MONO + '<w:sz w:val="18"/>'
    if bold:
        properties += "<w:b/>"
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    clean = _INVALID_XML.sub("", text)
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(clean)}</w:t></w:r>'


def paragraph_xml(paragraph: Paragraph) -> str:
    """WordprocessingML for one paragraph."""
    style = _STYLE_IDS[paragraph.style]
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            f"{_run(paragraph.text, paragraph.style, paragraph.bold)}</w:p>")


def document_xml(paragraphs: Sequence[Paragraph]) -> str:
    body = "".join(paragraph_xml(p) for p in paragraphs)
    section = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" '
               'w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" '
               'w:gutter="0"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{_W}"><w:body>{body}{section}</w:body></w:document>\n')


def docx_bytes(paragraphs: Sequence[Paragraph]) -> bytes:
    """A complete .docx package holding `paragraphs`."""
    buffer = BytesIO()
    parts = (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
             ("word/_rels/document.xml.rels", DOCUMENT_RELS), ("word/styles.xml", STYLES),
             ("word/document.xml", document_xml(paragraphs)))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


__all__ = ["Paragraph", "document_xml", "docx_bytes", "paragraph_xml"]
