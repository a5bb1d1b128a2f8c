"""ELAN annotation documents (`.eaf`) → transcript.

Every top-level tier of transcribed speech is a speaker (its TIER_ID is the speaker's code,
its PARTICIPANT the name) and each of its ALIGNABLE_ANNOTATIONs an utterance, tokenized as
Jefferson talk. Utterances are ordered by time; an unaligned time slot takes the time of the
last aligned slot before it in TIME_ORDER, so unaligned talk keeps document order. Roles are
resolved like Jefferson labels (the corpus map, then roles cakit wrote into the document's
header, then the built-in label map), by TIER_ID and then by PARTICIPANT.

Diagnostics (CK5xx): CK501 malformed XML, CK502 not an annotation document, CK503 an
annotation pointing at a missing time slot, CK504 a tier that is not read (dependent,
empty or not speech), CK505 no speaker tier at all. Lines are the XML lines of the elements.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from lxml import etree

from cakit.formats._diag import Collector, ErrorMode
from cakit.formats.elan.names import CODE_TYPE_PREFIX, GAP_TYPE, ROLE_PROPERTY, media_kind
from cakit.formats.jefferson.marks import Content, Convention, pause_reading
from cakit.formats.jefferson.roles import normalise_label, resolve_role
from cakit.formats.jefferson.tokens import tokenize_turn
from cakit.model import (
    ROLES,
    Gap,
    Header,
    MediaTime,
    ParseResult,
    Participant,
    Role,
    Transcript,
    Utterance,
)
from cakit.turns import derive_turns, turn_breaks

_WHERE = re.compile(r",? line \d+, column \d+\s*$")


@dataclass(frozen=True, slots=True)
class _Slot:
    position: int
    value: int | None
    effective: int


@dataclass(frozen=True, slots=True)
class _Raw:
    """An alignable annotation before ordering."""

    key: tuple[int, int, int, int]
    speaker: str
    text: str
    line: int
    col: int
    value_line: int
    value_col: int
    media: MediaTime | None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_eaf(
    data: bytes, *, source: str, errors: ErrorMode = "collect",
    roles: Mapping[str, Role] | None = None, convention: Convention = "jefferson",
    tokenize: bool = True,
) -> ParseResult:
    """Read one EAF document (any version ELAN writes) into the transcript model."""
    from cakit.formats import empty_result

    lines = data.decode("utf-8", errors="replace").splitlines()
    diag = Collector(source, lines, errors)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        message = _WHERE.sub("", str(exc.msg or "cannot parse")).strip()
        diag.add("CK501", "error", f"not well-formed XML: {message}", max(line, 1), col,
                 hint="the .eaf file is damaged or not XML; re-save it from ELAN")
        return empty_result(source, "elan", diag.items)
    if not isinstance(root.tag, str) or root.tag != "ANNOTATION_DOCUMENT":
        diag.add("CK502", "error", f"not an ELAN annotation document (root element "
                 f"<{root.tag}>)", root.sourceline or 1, 1,
                 hint="an .eaf file starts with <ANNOTATION_DOCUMENT>")
        return empty_result(source, "elan", diag.items)
    reader = _Reader(root, diag, lines, roles or {})
    reader.run()
    utterances = pair_onsets(reader.utterances(convention, tokenize))
    gaps = tuple(reader.gaps())
    participants = tuple(reader.participants.values())
    role_by_code = {p.code: p.role for p in participants}
    if not participants and not diag.error_count:
        diag.add("CK505", "error", "no tier of transcribed speech found", root.sourceline or 1,
                 1, hint="give each speaker's tier a PARTICIPANT, or time-aligned annotations")
    transcript = Transcript(
        id=Path(source).stem, source=source, format="elan", sha256="",
        headers=tuple(reader.headers), participants=participants,
        utterances=tuple(utterances), gaps=gaps, options=("CA",),
        turns=derive_turns(utterances, lambda code: role_by_code.get(code, "unknown"),
                           turn_breaks(gaps, reader.headers)),
        diagnostics=tuple(diag.items), line_count=len(lines),
    )
    return ParseResult(transcript, tuple(diag.items))


class _Reader:
    """Walks one document: time slots, linguistic types, tiers."""

    def __init__(self, root: etree._Element, diag: Collector, lines: list[str],
                 overrides: Mapping[str, Role]) -> None:
        self.root = root
        self.diag = diag
        self.lines = lines
        self.overrides = overrides
        self.slots: dict[str, _Slot] = {}
        self.types: dict[str, etree._Element] = {}
        self.declared: dict[str, Role] = {}
        self.headers: list[Header] = []
        self.participants: dict[str, Participant] = {}
        self.raw: list[_Raw] = []
        self.gap_raw: list[_Raw] = []

    def run(self) -> None:
        self._header()
        self._time_order()
        self.types = {
            el.get("LINGUISTIC_TYPE_ID", ""): el for el in self.root.iterchildren("LINGUISTIC_TYPE")
        }
        for order, tier in enumerate(self.root.iterchildren("TIER")):
            self._tier(order, tier)

    def _header(self) -> None:
        header = self.root.find("HEADER")
        if header is None:
            return
        for media in header.iterchildren("MEDIA_DESCRIPTOR"):
            url = media.get("MEDIA_URL", "") or media.get("RELATIVE_MEDIA_URL", "")
            name = PurePosixPath(url.replace("\\", "/")).name
            if name:
                kind = media_kind(media.get("MIME_TYPE", ""))
                self.headers.append(Header(name="Media", value=f"{name}, {kind}",
                                           line=media.sourceline or 1))
        for prop in header.iterchildren("PROPERTY"):
            name = prop.get("NAME", "")
            value = (prop.text or "").strip()
            if name.startswith(ROLE_PROPERTY) and value in ROLES:
                self.declared[normalise_label(name[len(ROLE_PROPERTY):])] = value

    def _time_order(self) -> None:
        order = self.root.find("TIME_ORDER")
        if order is None:
            return
        last = 0
        for position, slot in enumerate(order.iterchildren("TIME_SLOT")):
            raw = slot.get("TIME_VALUE")
            value = int(raw) if raw is not None and raw.strip().isdigit() else None
            if value is not None:
                last = value
            self.slots[slot.get("TIME_SLOT_ID", "")] = _Slot(position, value, last)

    def _col(self, line: int, needle: str) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        found = text.find(needle)
        return found + 1 if found >= 0 else 1

    def _locate(self, element: etree._Element, needle: str) -> tuple[int, int]:
        """Line and column where an element's start tag begins (lxml gives the line where
        it ends, which differs when its attributes run over several lines)."""
        line = element.sourceline or 1
        for candidate in range(line, max(line - 20, 0), -1):
            text = self.lines[candidate - 1] if candidate <= len(self.lines) else ""
            found = text.find(needle)
            if found >= 0:
                return candidate, found + 1
        return line, 1

    def _tier(self, order: int, tier: etree._Element) -> None:
        tier_id = tier.get("TIER_ID", "")
        type_ref = tier.get("LINGUISTIC_TYPE_REF", "")
        line, col = self._locate(tier, "<TIER")
        if tier.get("PARENT_REF"):
            if not type_ref.startswith(CODE_TYPE_PREFIX):
                self.diag.add("CK504", "info", f"dependent tier {tier_id!r} (of "
                              f"{tier.get('PARENT_REF')!r}) is not read", line, col,
                              hint="cakit reads the top-level tiers of speech only")
            return
        annotations = tier.findall("ANNOTATION/ALIGNABLE_ANNOTATION")
        if type_ref == GAP_TYPE:  # silences between utterances, as cakit writes them
            for index, annotation in enumerate(annotations):
                self._annotation(order, index, "", annotation, into=self.gap_raw)
            return
        participant = (tier.get("PARTICIPANT") or "").strip()
        if not annotations and normalise_label(tier_id) in self.declared:
            self._speaker(tier_id, participant, line, col)  # a silent speaker cakit wrote
            return
        if not annotations:
            self.diag.add("CK504", "warning", f"tier {tier_id!r} has no time-aligned "
                          "annotations and is not read", line, col,
                          hint="speech is read from top-level tiers of ALIGNABLE_ANNOTATIONs")
            return
        unusual = self._unusual(type_ref)
        if not participant and unusual:
            self.diag.add("CK504", "warning", f"tier {tier_id!r} has no PARTICIPANT and its "
                          f"linguistic type {type_ref!r} {unusual}: not read as speech", line,
                          col, hint="give the tier a PARTICIPANT to read it as a speaker")
            return
        self._speaker(tier_id, participant, line, col)
        for index, annotation in enumerate(annotations):
            self._annotation(order, index, tier_id, annotation)

    def _unusual(self, type_ref: str) -> str:
        """Why a linguistic type does not look like transcribed speech ("" when it does)."""
        ling = self.types.get(type_ref)
        if ling is None:
            return "is not defined"
        if ling.get("CONSTRAINTS"):
            return f"has the constraint {ling.get('CONSTRAINTS')}"
        if ling.get("CONTROLLED_VOCABULARY_REF"):
            return "takes values from a controlled vocabulary"
        if ling.get("TIME_ALIGNABLE", "true").lower() == "false":
            return "is not time-alignable"
        return ""

    def _speaker(self, tier_id: str, participant: str, line: int, col: int) -> None:
        lookup = resolve_role(tier_id, self.overrides, self.declared)
        if lookup.how in ("unknown", "ambiguous") and participant:
            by_name = resolve_role(participant, self.overrides, self.declared)
            if by_name.how not in ("unknown", "ambiguous"):
                lookup = by_name
        if lookup.how == "unknown":
            self.diag.add(
                "CK301", "error", f"unknown speaker label {tier_id!r}"
                + (f" (participant {participant!r})" if participant and participant != tier_id
                   else "") + ": cakit never guesses a speaker's role", line, col,
                hint=f"map it in the project's cakit.yaml (roles: {{{tier_id}: clinician}}; "
                "roles are clinician, patient, carer, other) or pass --roles",
            )
        elif lookup.how == "ambiguous":
            self.diag.add(
                "CK302", "error", f"speaker label {tier_id!r} is ambiguous ({lookup.detail})",
                line, col, hint=f"say who {tier_id!r} is in the project's cakit.yaml "
                f"(roles: {{{tier_id}: carer}}) or with --roles",
            )
        self.participants[tier_id] = Participant(
            code=tier_id, role=lookup.role,
            name=participant if participant != tier_id else "", label_role=tier_id, line=line,
        )

    def _annotation(self, order: int, index: int, speaker: str,
                    annotation: etree._Element, into: list[_Raw] | None = None) -> None:
        line, col = self._locate(annotation, "<ALIGNABLE_ANNOTATION")
        refs = (annotation.get("TIME_SLOT_REF1", ""), annotation.get("TIME_SLOT_REF2", ""))
        missing = [ref for ref in refs if ref not in self.slots]
        if missing:
            self.diag.add("CK503", "error", f"annotation {annotation.get('ANNOTATION_ID')!r} "
                          f"refers to time slot {missing[0]!r}, which TIME_ORDER does not "
                          "define", line, col, hint="the document is damaged; re-save it "
                          "from ELAN")
            return
        start, end = self.slots[refs[0]], self.slots[refs[1]]
        media = (MediaTime(start.value, end.value)
                 if start.value is not None and end.value is not None else None)
        value = annotation.find("ANNOTATION_VALUE")
        text = " ".join(((value.text if value is not None else "") or "").split())
        value_line = (value.sourceline if value is not None else None) or line
        value_col = self._col(value_line, "<ANNOTATION_VALUE>") + len("<ANNOTATION_VALUE>")
        (self.raw if into is None else into).append(
            _Raw((start.effective, start.position, order, index), speaker, text, line, col,
                 value_line, value_col, media))

    def utterances(self, convention: Convention, tokenize: bool) -> list[Utterance]:
        result: list[Utterance] = []
        for number, raw in enumerate(sorted(self.raw, key=lambda r: r.key)):
            common = dict(id=f"u{number + 1}", index=number, speaker=raw.speaker,
                          line=raw.line, col=raw.col, end_line=max(raw.line, raw.value_line),
                          content=raw.text, media=raw.media)
            if not tokenize:
                result.append(Utterance(**common, tokenized=False))  # type: ignore[arg-type]
                continue
            content = Content(raw.text, (0,), (raw.value_line,), (raw.value_col,))
            found = tokenize_turn(content, diag=self.diag, convention=convention)
            result.append(Utterance(**common, tokens=tuple(found.tokens),  # type: ignore[arg-type]
                                    events=tuple(found.events)))
        return result


    def gaps(self) -> list[Gap]:
        """The silences of the gap tier, each placed before the first utterance that starts
        after it; an annotation that is no pause (`(1.2)`, `(.)`) is reported and left out."""
        starts = sorted(raw.key for raw in self.raw)
        found: list[Gap] = []
        for raw in sorted(self.gap_raw, key=lambda r: r.key):
            reading = pause_reading(raw.text)
            if reading is None:
                self.diag.add("CK504", "warning", f"{raw.text!r} on the tier of silences is "
                              "not a pause and is not read", raw.value_line, raw.value_col,
                              hint="write a silence as (1.2) or (.)")
                continue
            position = bisect.bisect_left(starts, raw.key)
            found.append(Gap(text=raw.text, duration=reading[0], line=raw.value_line,
                             col=raw.value_col, position=position, media=raw.media))
        return found


def pair_onsets(utterances: list[Utterance]) -> list[Utterance]:
    """Pair the overlap onsets `[` of different speakers by their order in time.

    In a Jefferson transcript the two `[` of an overlap are printed in one column, which
    is how its reader pairs them; an ELAN file keeps each speaker on a tier of its own, so
    that column is gone. An onset pairs with the earliest unpaired onset of another speaker
    among the four utterances before it; a `]` takes the link of its speaker's last onset.
    Unpaired onsets keep no link (each is an overlap on its own), as in Jefferson.
    """
    links: dict[tuple[int, int], str] = {}
    pending: list[tuple[int, int, str]] = []  # (utterance, event, speaker) of lone onsets
    last_onset: dict[str, tuple[int, int]] = {}
    closers: dict[tuple[int, int], tuple[int, int]] = {}  # a `]` → its speaker's onset
    for u_index, utterance in enumerate(utterances):
        for e_index, event in enumerate(utterance.events):
            if event.kind != "overlap":
                continue
            if event.label == "end" and utterance.speaker in last_onset:
                closers[(u_index, e_index)] = last_onset[utterance.speaker]
                continue
            if event.label != "begin":
                continue
            pending = [p for p in pending if u_index - p[0] <= 4]
            partner = next((p for p in pending if p[2] != utterance.speaker), None)
            last_onset[utterance.speaker] = (u_index, e_index)
            if partner is None:
                pending.append((u_index, e_index, utterance.speaker))
                continue
            pending.remove(partner)
            link = f"ov{len(links) // 2 + 1}"
            links[partner[:2]] = links[(u_index, e_index)] = link
    links |= {closer: links[onset] for closer, onset in closers.items() if onset in links}
    if not links:
        return utterances
    out = []
    for u_index, utterance in enumerate(utterances):
        events = tuple(replace(event, link=links[(u_index, e_index)])
                       if (u_index, e_index) in links else event
                       for e_index, event in enumerate(utterance.events))
        out.append(replace(utterance, events=events) if events != utterance.events
                   else utterance)
    return out


__all__ = ["pair_onsets", "parse_eaf"]
