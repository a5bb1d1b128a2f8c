"""Writing a REFI-QDA project (`.qdpx`) and codebook (`.qdc`), QDA-XML 1.0 (pure).

The project holds:

- Users: the machine (`cakit auto <codebook version>`) and each exported coder;
- CodeBook: families as non-codable codes, the codebook's codes under them and each
  code's subtypes under it, with descriptions and one colour per family (`codes`);
- Variables and Cases: one case per consultation, with its variables;
- Sources: each transcript as plain text (`sourcetext`), in `Sources/<guid>.txt`;
  every machine code is a `PlainTextSelection` over its turn's talk with a `Coding` by the
  machine; a coder's accept is a `Coding` by the coder with the machine's code, a relabel
  one with the coder's code; a rejected code has no `Coding` by that coder;
  a coder's own code is a selection of its own, created and coded by the coder;
- with `--consensus`, a user `consensus` coding the codes most coders kept, as they
  decided them (on the machine code's selection, or a selection of its own for a code
  the coders added);
- Notes: a decision's note (and every rejection, as a note named `rejected`) as a `Note`
  by the coder, referenced from the selection by `NoteRef`; responses, modifiers and carer
  responses the coder added are tied to their attempt by a `Link` named `responds to`.

Every GUID is a uuid5 of cakit's stable ids (`guids`): the same store gives the same file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from lxml import etree

from cakit.exchange import guids
from cakit.exchange.codes import CodeEntry, families
from cakit.exchange.inputs import ExportDoc, ExportInput
from cakit.exchange.sourcetext import SHA_NOTE, SourceText, source_text
from cakit.store.labels import ATTEMPT_BOUND, format_label
from cakit.store.records import Decision, HumanCode, Layer, MachineItem

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: A fixed time for the zip entries, so the same project gives the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
REJECTED = "rejected"
NOTE = "note"
RESPONDS_TO = "responds to"
#: The user whose codings are the coders' consensus (`--consensus`).
CONSENSUS = "consensus"


#: Characters XML 1.0 cannot hold (control characters other than tab and line breaks,
#: lone surrogates, U+FFFE and U+FFFF): a coder's note with a vertical tab made the export
#: die with lxml's ValueError.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML cannot hold made a space."""
    return _NOT_XML.sub(" ", text)


def _el(parent: etree._Element, tag: str, ns: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ns}}}{tag}",
                            {k: xml_safe(v) for k, v in attrs.items() if v})


def _text(parent: etree._Element, tag: str, ns: str, text: str) -> etree._Element:
    element = _el(parent, tag, ns)
    element.text = xml_safe(text)
    return element


def _code_tree(parent: etree._Element, entries: tuple[CodeEntry, ...], ns: str) -> None:
    codes = _el(parent, "Codes", ns)
    for family, colour, members in families(entries):
        top = _el(codes, "Code", ns, guid=guids.family_guid(family), name=family,
                  isCodable="false", color=colour)
        for entry in members:
            code = _el(top, "Code", ns, guid=guids.code_guid(entry.name), name=entry.name,
                       isCodable="true" if entry.codable else "false", color=colour)
            if entry.description:
                _text(code, "Description", ns, entry.description)
            for subtype in entry.subtypes:
                _el(code, "Code", ns, guid=guids.code_guid(f"{entry.name}/{subtype}"),
                    name=subtype, isCodable="true", color=colour)


def _xml(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8",
                                 pretty_print=True)
    return data


def qdc_bytes(data: ExportInput) -> bytes:
    """The codebook as a `.qdc` document (valid against Codebook.xsd)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS},
                         origin=f"cakit {data.cakit_version}".strip())
    _code_tree(root, data.codes, CODEBOOK_NS)
    return _xml(root)


class _Project:
    """Builds one project.qde; every method adds one part of it."""

    def __init__(self, data: ExportInput) -> None:
        self.data = data
        self.ns = PROJECT_NS
        self.root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS},
                                  name="cakit export",
                                  origin=f"cakit {data.cakit_version}".strip(),
                                  creatingUserGUID=guids.machine_user())
        self.notes: list[etree._Element] = []
        #: (selection of a coder's response, modifier or carer response, its attempt's id)
        self.links: list[tuple[str, str]] = []
        self.known = {guids.code_guid(entry.name) for entry in data.codes} | {
            guids.code_guid(f"{entry.name}/{s}") for entry in data.codes for s in entry.subtypes}
        self.coders = sorted({name for doc in data.docs for name, _ in doc.layers})

    def users(self) -> None:
        users = _el(self.root, "Users", self.ns)
        _el(users, "User", self.ns, guid=guids.machine_user(),
            name=f"cakit auto {self.data.codebook_version}", id="auto")
        for coder in self.coders:
            _el(users, "User", self.ns, guid=guids.coder_user(coder), name=coder, id=coder)
        if self.data.decided_by == CONSENSUS:
            _el(users, "User", self.ns, guid=guids.consensus_user(), name=CONSENSUS,
                id=CONSENSUS)

    def codebook(self) -> None:
        _code_tree(_el(self.root, "CodeBook", self.ns), self.data.codes, self.ns)

    def cases(self) -> None:
        variables = _el(self.root, "Variables", self.ns)
        for name, kind, description in _VARIABLES:
            variable = _el(variables, "Variable", self.ns, guid=guids.guid("variable", name),
                           name=name, typeOfVariable=kind)
            _text(variable, "Description", self.ns, description)
        cases = _el(self.root, "Cases", self.ns)
        for doc in self.data.docs:
            case = _el(cases, "Case", self.ns, guid=guids.guid("case", doc.identity),
                       name=doc.identity)
            for name, kind, _ in _VARIABLES:
                value = _el(case, "VariableValue", self.ns)
                _el(value, "VariableRef", self.ns, targetGUID=guids.guid("variable", name))
                tag = {"Boolean": "BooleanValue", "Integer": "IntegerValue"}.get(kind,
                                                                                "TextValue")
                _text(value, tag, self.ns, _variable(doc, name))
            _el(case, "SourceRef", self.ns, targetGUID=guids.source_guid(doc.identity))

    def label_guid(self, code: str, subtype: str | None) -> str:
        label = format_label(code, subtype)
        found = guids.code_guid(label)
        if found not in self.known:  # a code the codebook in use lacks: add it under Other
            self.known.add(found)
            self._extra_code(code, subtype)
        return found

    def _extra_code(self, code: str, subtype: str | None) -> None:
        codes = self.root.find(f"{{{self.ns}}}CodeBook/{{{self.ns}}}Codes")
        assert codes is not None
        _el(codes, "Code", self.ns, guid=guids.code_guid(format_label(code, subtype)),
            name=format_label(code, subtype), isCodable="true", color="#7F7F7F")

    def source(self, sources: etree._Element, doc: ExportDoc) -> str:
        text = source_text(doc.transcript)
        source_id = guids.source_guid(doc.identity)
        element = _el(sources, "TextSource", self.ns, guid=source_id, name=doc.identity,
                      plainTextPath=f"internal://{source_id}.txt",
                      creatingUser=guids.machine_user())
        _text(element, "Description", self.ns, f"{doc.identity} ({doc.transcript.format}), "
              "one turn a line: speaker label, tab, talk as transcribed; "
              f"{SHA_NOTE}{doc.transcript.sha256}")
        layers = dict(doc.layers)
        decided = ({item.id: item for item in doc.decided_items}
                   if self.data.decided_by == CONSENSUS else {})
        for item in doc.items:
            self.item_selection(element, text, item, layers, decided.pop(item.id, None))
        for extra in decided.values():  # codes the consensus added to the machine's
            self.consensus_selection(element, text, extra)
        for coder, layer in doc.layers:
            for code in layer.codes:
                self.human_selection(element, text, code, coder)
        return text.text

    def _span(self, text: SourceText, utterance: str) -> tuple[int, int]:
        line = text.line_of_utterance(utterance)
        return (0, 0) if line is None else (line.talk_start, line.end)

    def item_selection(self, parent: etree._Element, text: SourceText, item: MachineItem,
                       layers: dict[str, Layer], decided: MachineItem | None) -> None:
        start, end = self._span(text, item.anchor.utterance)
        selection_id = guids.item_selection(item.id)
        selection = _el(parent, "PlainTextSelection", self.ns, guid=selection_id,
                        name=f"{item.label} ({item.kind})", startPosition=str(start),
                        endPosition=str(end), creatingUser=guids.machine_user())
        _text(selection, "Description", self.ns, f"cakit {item.kind} {item.ref}, line "
              f"{item.anchor.line}; id {item.id}")
        self.coding(selection, guids.machine_user(), item.code, item.subtype, "", "auto",
                    item.id)
        refs: list[str] = []
        for coder, layer in sorted(layers.items()):
            decision: Decision | None = layer.decision(item.id)
            if decision is None:
                continue
            if decision.decision == "accept":
                self.coding(selection, guids.coder_user(coder), item.code, item.subtype,
                            decision.time, coder, item.id)
            elif decision.decision == "relabel" and decision.code:
                self.coding(selection, guids.coder_user(coder), decision.code,
                            decision.subtype, decision.time, coder, item.id)
            if decision.note or decision.decision == "reject":
                refs.append(self.note(coder, item.id, decision.note,
                                      REJECTED if decision.decision == "reject" else NOTE,
                                      decision.time))
        if decided is not None:
            self.coding(selection, guids.consensus_user(), decided.code, decided.subtype, "",
                        CONSENSUS, item.id)
        for ref in refs:
            _el(selection, "NoteRef", self.ns, targetGUID=ref)

    def consensus_selection(self, parent: etree._Element, text: SourceText,
                            item: MachineItem) -> None:
        start, end = self._span(text, item.anchor.utterance)
        selection = _el(parent, "PlainTextSelection", self.ns,
                        guid=guids.guid("selection", CONSENSUS, item.id),
                        name=f"{item.label} ({item.kind}, {CONSENSUS})",
                        startPosition=str(start), endPosition=str(end),
                        creatingUser=guids.consensus_user())
        self.coding(selection, guids.consensus_user(), item.code, item.subtype, "", CONSENSUS,
                    item.id)

    def human_selection(self, parent: etree._Element, text: SourceText, code: HumanCode,
                        coder: str) -> None:
        start, end = self._span(text, code.anchor.utterance)
        selection_id = guids.human_selection(code.id)
        selection = _el(parent, "PlainTextSelection", self.ns, guid=selection_id,
                        name=f"{code.label} ({code.kind}, {coder})", startPosition=str(start),
                        endPosition=str(end), creatingUser=guids.coder_user(coder),
                        creationDateTime=code.time)
        self.coding(selection, guids.coder_user(coder), code.code, code.subtype, code.time,
                    coder, code.id)
        if code.note:
            _el(selection, "NoteRef", self.ns,
                targetGUID=self.note(coder, code.id, code.note, NOTE, code.time))
        if code.kind in ATTEMPT_BOUND and code.attempt:
            self.links.append((selection_id, code.attempt))

    def coding(self, parent: etree._Element, user: str, code: str, subtype: str | None,
               time: str, who: str, target: str) -> None:
        coding = _el(parent, "Coding", self.ns, guid=guids.guid("coding", who, target),
                     creatingUser=user, creationDateTime=time)
        _el(coding, "CodeRef", self.ns, targetGUID=self.label_guid(code, subtype))

    def note(self, coder: str, target: str, text: str, name: str, time: str) -> str:
        note_id = guids.guid("note", coder, target)
        note = etree.Element(f"{{{self.ns}}}Note", guid=note_id, name=name,
                             creatingUser=guids.coder_user(coder), creationDateTime=time)
        _text(note, "PlainTextContent", self.ns, text)
        self.notes.append(note)
        return note_id

    def finish(self, attempts: dict[str, str]) -> None:
        if self.notes:
            notes = _el(self.root, "Notes", self.ns)
            for note in self.notes:
                notes.append(note)
        links = [(origin, attempts.get(attempt) or guids.item_selection(attempt))
                 for origin, attempt in self.links]
        if links:
            element = _el(self.root, "Links", self.ns)
            for origin, target in links:
                _el(element, "Link", self.ns, guid=guids.guid("link", origin, target),
                    name=RESPONDS_TO, direction="OneWay", originGUID=origin, targetGUID=target)


_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("transcript", "Text", "The transcript's path in its cakit project (its identity)."),
    ("format", "Text", "The transcript's format (chat, jefferson)."),
    ("carer present", "Boolean", "Whether a carer speaks in the consultation."),
    ("turns", "Integer", "Number of turns."),
    ("attempts", "Integer", "Patient attempts the machine coded."),
)


def _variable(doc: ExportDoc, name: str) -> str:
    if name == "transcript":
        return doc.identity
    if name == "format":
        return doc.transcript.format
    if name == "carer present":
        return "true" if doc.machine.carer_present else "false"
    if name == "turns":
        return str(len(doc.transcript.turns))
    return str(len(doc.machine.attempts))


def _attempt_selections(docs: Iterable[ExportDoc]) -> dict[str, str]:
    """Selection GUID of every attempt a link may point at: the machine's and the coders'."""
    out: dict[str, str] = {}
    for doc in docs:
        for item in doc.items:
            if item.kind == "attempt":
                out[item.id] = guids.item_selection(item.id)
        for _, layer in doc.layers:
            for code in layer.codes:
                if code.kind == "attempt":
                    out[code.id] = guids.human_selection(code.id)
    return out


def project_xml(data: ExportInput) -> tuple[bytes, dict[str, str]]:
    """(project.qde, {source file name in Sources/: its text})."""
    project = _Project(data)
    project.users()
    project.codebook()
    project.cases()
    texts: dict[str, str] = {}
    if data.docs:
        sources = _el(project.root, "Sources", PROJECT_NS)
        for doc in data.docs:
            texts[f"{guids.source_guid(doc.identity)}.txt"] = project.source(sources, doc)
    project.finish(_attempt_selections(data.docs))
    _el(project.root, "Description", PROJECT_NS,
        ).text = (f"Exported by cakit {data.cakit_version} with codebook "
                  f"{data.codebook_version}; codes as decided by: {data.decided_by}.")
    return _xml(project.root), texts


def qdpx_bytes(data: ExportInput) -> bytes:
    """The `.qdpx` archive: project.qde and Sources/<guid>.txt (same input → same bytes)."""
    xml, texts = project_xml(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _ZIP_TIME), xml,
                         compress_type=zipfile.ZIP_DEFLATED)
        for name, text in sorted(texts.items()):
            archive.writestr(zipfile.ZipInfo(f"Sources/{name}", _ZIP_TIME),
                             text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
