"""Reading a REFI-QDA codebook (`.qdc`): its structure checked, then its code tree.

cakit checks what it relies on: a `CodeBook` root in the QDA-XML codebook namespace, with
`Codes`, and every `Code` with a `guid`, a `name` and `isCodable`. Given the standard's
own Codebook.xsd (`schema`, e.g. from the REFI-QDA site), the file is validated against it
instead; cakit does not ship the schema. The `<Codes>` tree is parsed by the `.qdpx`
reader's `code_tree`, so a codebook and a project's codebook are read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cakit.errors import CakitError
from cakit.exchange.qdpx_read import QdaCode, code_tree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: The largest .qdc read (bytes).
MAX_CODEBOOK = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class QdcCodebook:
    origin: str
    #: the codes by normalised GUID, in document order (a parent before its children)
    codes: dict[str, QdaCode]


def _problems(root: etree._Element, shown: str) -> list[str]:
    """What breaks the structure cakit relies on (the schema's rules for those parts)."""
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        return [f"{shown}:{root.sourceline}:1: the root element is {etree.QName(root).localname!r}"
                f" in {etree.QName(root).namespace or 'no namespace'}, not CodeBook in "
                f"{CODEBOOK_NS}"]
    problems = []
    if root.find(f"{{{CODEBOOK_NS}}}Codes") is None:
        problems.append(f"{shown}:{root.sourceline}:1: CodeBook has no Codes element")
    for code in root.iter(f"{{{CODEBOOK_NS}}}Code"):
        for attribute in ("guid", "name", "isCodable"):
            if code.get(attribute) is None:
                problems.append(f"{shown}:{code.sourceline}:1: Code lacks the required "
                                f"attribute {attribute!r}")
    return problems


def parse_qdc(data: bytes, shown: str, *, schema: Path | None = None) -> QdcCodebook:
    """Parse and check a `.qdc` document; `shown` names it in messages; with `schema`
    (the standard's Codebook.xsd) it is validated against that schema.

    Raises:
        CakitError: not well-formed XML, not a valid codebook (with the line of the first
            problems), or a schema that cannot be read.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        message = re.sub(r", line \d+, column \d+$", "", exc.msg)
        raise CakitError(f"{shown}:{line}:{column}: not well-formed XML, so not a REFI-QDA "
                         f"codebook (.qdc): {message}") from None
    if schema is not None:
        validator = _schema(schema)
        valid = validator.validate(root)
        problems = [] if valid else [f"{shown}:{e.line}:{e.column}: {e.message}"
                                     for e in validator.error_log]
    else:
        problems = _problems(root, shown)
    if problems:
        more = f"\n… and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise CakitError(f"{shown}: not a valid REFI-QDA codebook (namespace {CODEBOOK_NS}):\n"
                         + "\n".join(problems[:5]) + more)
    codes: dict[str, QdaCode] = {}
    for block in root.iterchildren(f"{{{CODEBOOK_NS}}}Codes"):
        codes.update(code_tree(block))
    return QdcCodebook(origin=root.get("origin", ""), codes=codes)


def _schema(path: Path) -> etree.XMLSchema:
    try:
        return etree.XMLSchema(etree.parse(str(path)))
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        raise CakitError(f"{path}: cannot be used as a schema: {exc}") from None


def read_qdc(path: Path, *, schema: Path | None = None) -> QdcCodebook:
    """Read and check a `.qdc` file (against `schema` when given).

    Raises:
        CakitError: the file cannot be read, is too large, is not XML or not valid.
    """
    try:
        if path.stat().st_size > MAX_CODEBOOK:
            raise CakitError(f"{path}: larger than {MAX_CODEBOOK} bytes; not a codebook?")
        data = path.read_bytes()
    except OSError as exc:
        raise CakitError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_qdc(data, str(path), schema=schema)
