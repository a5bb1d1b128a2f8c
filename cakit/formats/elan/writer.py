"""Transcript → ELAN annotation document (EAF 3.0), built with lxml.

One top-level tier per speaker (TIER_ID = the speaker's code, PARTICIPANT = the name, or
the code when there is none) holding its utterances as ALIGNABLE_ANNOTATIONs. Each
utterance gets two time slots: with TIME_VALUEs from its media bullet, without (unaligned)
when it has none. `@Media` becomes a MEDIA_DESCRIPTOR. Given the codes of the transcript
(and the codebook they came from), each speaker tier gets dependent code tiers of
REF_ANNOTATIONs whose values come from controlled vocabularies (see `codes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from lxml import etree

from cakit.annotate.codebook import Codebook
from cakit.annotations import ConsultationAnnotations
from cakit.formats.elan.codes import CodeTier, code_tiers, vocabularies
from cakit.formats.elan.names import (
    CV_LANGUAGE,
    EAF_VERSION,
    GAP_TIER,
    GAP_TYPE,
    ROLE_PROPERTY,
    SCHEMA_URL,
    UTTERANCE_TYPE,
    XSI,
    mime_type,
)
from cakit.formats.jefferson.writer import gap_text, utterance_texts
from cakit.model import Gap, MediaTime, Participant, Transcript, Utterance

_BULLET = re.compile("\x15[^\x15]*\x15")
_SPACE = re.compile(r"\s+")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONSTRAINTS = {
    "Symbolic_Subdivision": "Ordered values that together belong to one parent annotation",
    "Symbolic_Association": "Exactly one value for each parent annotation",
}


def utterance_text(utterance: Utterance) -> str:
    """The utterance as transcribed, without media bullets, on one line."""
    return _SPACE.sub(" ", _xml(_BULLET.sub(" ", utterance.content))).strip()


def _xml(text: str) -> str:
    """`text` without the control characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def media_descriptor(value: str) -> tuple[str, str] | None:
    """(file name, MIME type) from an `@Media` value (`name, audio[, status]`)."""
    parts = [part.strip() for part in value.split(",")]
    if not parts or not parts[0]:
        return None
    name = parts[0]
    base = PureWindowsPath(name).name if "\\" in name else PurePosixPath(name).name
    kind = parts[1].lower() if len(parts) > 1 else "audio"
    return base, mime_type(base, kind)


def to_eaf(
    transcript: Transcript,
    *,
    date: datetime,
    codes: ConsultationAnnotations | None = None,
    codebook: Codebook | None = None,
    author: str = "cakit",
) -> str:
    """The EAF document of a transcript (and of its codes, when both codes and codebook given).

    Args:
        transcript: any transcript, whichever format it was read from.
        date: the document's creation date (EAF requires one).
        codes: the annotator's codes for this transcript; None writes talk only.
        codebook: the codebook the codes came from (controlled vocabularies).
        author: the document's AUTHOR attribute.
    """
    root = etree.Element("ANNOTATION_DOCUMENT", nsmap={"xsi": XSI})
    root.set("AUTHOR", author)
    root.set("DATE", date.replace(microsecond=0).isoformat())
    root.set("FORMAT", EAF_VERSION)
    root.set("VERSION", EAF_VERSION)
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_URL)
    header = etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    for media in (h for h in transcript.headers if h.name == "Media"):
        found = media_descriptor(media.value)
        if found:
            name, mime = found
            etree.SubElement(header, "MEDIA_DESCRIPTOR", MEDIA_URL=_xml(name),
                             MIME_TYPE=mime, RELATIVE_MEDIA_URL=f"./{_xml(name)}")
    # every speaker's role, an undeclared speaker's `unknown` too: left out, an unknown
    # `REG` came back a registrar by the built-in label map (CABNC 0298)
    for participant in _speakers(transcript):
        prop = etree.SubElement(header, "PROPERTY",
                                NAME=f"{ROLE_PROPERTY}{_xml(participant.code)}")
        prop.text = participant.role
    slots, gap_slots = _time_order(etree.SubElement(root, "TIME_ORDER"), transcript)
    coded = code_tiers(transcript, codes) if codes is not None and codebook is not None else ()
    ids = _Ids()
    for participant in _speakers(transcript):
        utterance_ids = _speaker_tier(root, participant, transcript, slots, ids)
        for tier in coded:
            if participant.role in tier.roles or any(i in tier.values for i in utterance_ids):
                _code_tier(root, participant, tier, utterance_ids, ids)
    if gap_slots:
        _gap_tier(root, gap_slots, ids)
    etree.SubElement(header, "PROPERTY", NAME="lastUsedAnnotationId").text = str(ids.last)
    _types(root, coded, vocabularies(codebook) if codebook is not None else {},
           gaps=bool(gap_slots))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data.decode("utf-8")


class _Ids:
    """Annotation ids `a1`, `a2` … in document order."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> str:
        self.last += 1
        return f"a{self.last}"


def _speakers(transcript: Transcript) -> list[Participant]:
    """Declared participants, then anyone who talks without being declared."""
    speakers = list(transcript.participants)
    known = {p.code for p in speakers}
    for utterance in transcript.utterances:
        if utterance.speaker not in known:
            known.add(utterance.speaker)
            speakers.append(Participant(code=utterance.speaker, role="unknown"))
    return speakers


def _time_order(
    parent: etree._Element, transcript: Transcript
) -> tuple[dict[int, tuple[str, str]], list[tuple[Gap, str, str]]]:
    """TIME_SLOTs for every utterance and every silence between utterances, sorted by time;
    unaligned slots stay after the last aligned slot before them in the talk. Returns the
    slots of each utterance (by index) and each silence with its slots."""
    entries: list[tuple[int, int, str, int | None]] = []
    anchor = 0

    def pair(media: MediaTime | None) -> tuple[str, str]:
        nonlocal anchor
        ids: list[str] = []
        for value in (media.start_ms, media.end_ms) if media is not None else (None, None):
            slot_id = f"ts{len(entries) + 1}"
            if value is not None:
                anchor = max(value, 0)
            entries.append((anchor if value is None else max(value, 0), len(entries), slot_id,
                            value))
            ids.append(slot_id)
        return ids[0], ids[1]

    gaps_at: dict[int, list[Gap]] = {}
    for gap in sorted(transcript.gaps, key=lambda g: (g.position, g.line)):
        gaps_at.setdefault(gap.position, []).append(gap)
    slots: dict[int, tuple[str, str]] = {}
    gap_slots: list[tuple[Gap, str, str]] = []
    for position in range(len(transcript.utterances) + 1):
        gap_slots.extend((gap, *pair(gap.media)) for gap in gaps_at.get(position, ()))
        if position < len(transcript.utterances):
            utterance = transcript.utterances[position]
            slots[utterance.index] = pair(utterance.media)
    for _, _, slot_id, value in sorted(entries):
        slot = etree.SubElement(parent, "TIME_SLOT", TIME_SLOT_ID=slot_id)
        if value is not None:
            slot.set("TIME_VALUE", str(max(value, 0)))
    return slots, gap_slots


def _gap_tier(root: etree._Element, gaps: list[tuple[Gap, str, str]], ids: _Ids) -> None:
    """The silences on a line of their own, `(1.2)`, on a tier of their own (no speaker):
    read back, they end turns and count as pauses and hesitations as in the source."""
    tier = etree.SubElement(root, "TIER", LINGUISTIC_TYPE_REF=GAP_TYPE, TIER_ID=GAP_TIER)
    for gap, start, end in gaps:
        annotation = etree.SubElement(
            etree.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION",
            ANNOTATION_ID=ids.next(), TIME_SLOT_REF1=start, TIME_SLOT_REF2=end,
        )
        etree.SubElement(annotation, "ANNOTATION_VALUE").text = _xml(gap_text(gap))


def _speaker_tier(
    root: etree._Element, participant: Participant, transcript: Transcript,
    slots: Mapping[int, tuple[str, str]], ids: _Ids,
) -> dict[int, str]:
    """The speaker's tier; returns utterance index → annotation id."""
    tier = etree.SubElement(root, "TIER", LINGUISTIC_TYPE_REF=UTTERANCE_TYPE,
                            PARTICIPANT=_xml(participant.name or participant.code),
                            TIER_ID=_xml(participant.code))
    written: dict[int, str] = {}
    # CHAT talk in Jefferson notation, which is how an EAF's annotations are read back:
    # written as CHAT, ⌈ ⌉ overlaps and &=laughs were not read as overlaps and laughter
    rendered = utterance_texts(transcript) if transcript.format == "chat" else {}
    for utterance in transcript.utterances:
        if utterance.speaker != participant.code:
            continue
        annotation_id = ids.next()
        start, end = slots[utterance.index]
        annotation = etree.SubElement(
            etree.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION",
            ANNOTATION_ID=annotation_id, TIME_SLOT_REF1=start, TIME_SLOT_REF2=end,
        )
        text = rendered.get(utterance.index) if rendered else utterance_text(utterance)
        etree.SubElement(annotation, "ANNOTATION_VALUE").text = _xml(text or "")
        written[utterance.index] = annotation_id
    return written


def _code_tier(
    root: etree._Element, participant: Participant, code: CodeTier,
    utterance_ids: Mapping[int, str], ids: _Ids,
) -> None:
    tier = etree.SubElement(root, "TIER", LINGUISTIC_TYPE_REF=code.linguistic_type,
                            PARENT_REF=_xml(participant.code),
                            PARTICIPANT=_xml(participant.name or participant.code),
                            TIER_ID=f"{code.kind}@{_xml(participant.code)}")
    for index, parent_id in utterance_ids.items():
        previous = ""
        for value in code.values.get(index, ())[: 1 if code.single else None]:
            annotation_id = ids.next()
            annotation = etree.SubElement(
                etree.SubElement(tier, "ANNOTATION"), "REF_ANNOTATION",
                ANNOTATION_ID=annotation_id, ANNOTATION_REF=parent_id,
            )
            if previous:
                annotation.set("PREVIOUS_ANNOTATION", previous)
            annotation.set("CVE_REF", _entry_id(code.vocabulary, value))
            etree.SubElement(annotation, "ANNOTATION_VALUE").text = value
            previous = annotation_id


def _entry_id(vocabulary: str, value: str) -> str:
    return f"{vocabulary}:{value}"


def _types(
    root: etree._Element, coded: tuple[CodeTier, ...], cvs: Mapping[str, tuple[str, ...]],
    *, gaps: bool = False,
) -> None:
    """LINGUISTIC_TYPEs, LANGUAGE, CONSTRAINTs and CONTROLLED_VOCABULARYs, in schema order."""
    etree.SubElement(root, "LINGUISTIC_TYPE", GRAPHIC_REFERENCES="false",
                     LINGUISTIC_TYPE_ID=UTTERANCE_TYPE, TIME_ALIGNABLE="true")
    if gaps:
        etree.SubElement(root, "LINGUISTIC_TYPE", GRAPHIC_REFERENCES="false",
                         LINGUISTIC_TYPE_ID=GAP_TYPE, TIME_ALIGNABLE="true")
    for code in coded:
        etree.SubElement(
            root, "LINGUISTIC_TYPE",
            CONSTRAINTS="Symbolic_Association" if code.single else "Symbolic_Subdivision",
            CONTROLLED_VOCABULARY_REF=code.vocabulary, GRAPHIC_REFERENCES="false",
            LINGUISTIC_TYPE_ID=code.linguistic_type, TIME_ALIGNABLE="false",
        )
    if not coded:
        return
    etree.SubElement(root, "LANGUAGE", LANG_ID=CV_LANGUAGE, LANG_LABEL="undetermined (und)")
    for stereotype, description in _CONSTRAINTS.items():
        etree.SubElement(root, "CONSTRAINT", DESCRIPTION=description, STEREOTYPE=stereotype)
    for code in coded:
        values = list(cvs.get(code.vocabulary, ()))
        for used in code.values.values():
            values.extend(value for value in used if value not in values)
        vocabulary = etree.SubElement(root, "CONTROLLED_VOCABULARY", CV_ID=code.vocabulary)
        description = etree.SubElement(vocabulary, "DESCRIPTION", LANG_REF=CV_LANGUAGE)
        description.text = f"cakit codes: {code.kind}"
        for value in values:
            entry = etree.SubElement(vocabulary, "CV_ENTRY_ML",
                                     CVE_ID=_entry_id(code.vocabulary, value))
            etree.SubElement(entry, "CVE_VALUE", LANG_REF=CV_LANGUAGE).text = value


def eaf_losses(transcript: Transcript) -> list[str]:
    """What an EAF of `transcript` (as `to_eaf` writes it) leaves out, one phrase per kind."""
    tiers = sum(len(u.tiers) for u in transcript.utterances)
    headers = sorted({h.name for h in transcript.headers
                      if h.name not in ("Media", "UTF8", "Begin", "End", "Participants", "ID")})
    losses = [
        f"{tiers} dependent tier{'s' if tiers != 1 else ''} (%mor, %gra, %com …)" if tiers
        else "",
        f"header{'s' if len(headers) != 1 else ''} {', '.join(headers)}" if headers else "",
    ]
    return [loss for loss in losses if loss]


__all__ = ["eaf_losses", "media_descriptor", "to_eaf", "utterance_text"]
