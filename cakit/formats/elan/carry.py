"""eaf → eaf keeps every annotation: the tiers of the source document that cakit does
not read as talk are carried into the document cakit writes.

cakit reads an EAF document's speech tiers; its other tiers (cakit's own code tiers, a
coder's edits of them in ELAN, words, parts of speech, gestures, any tier of the lab's
own) are not part of the transcript model. When an EAF file is converted to EAF again,
those tiers are copied over: an annotation that refers to an utterance is pointed at the
same utterance (same speaker tier, times and text) in the new document, a time-aligned one
at the same times (unaligned time slots keep their place in the time order), all with
fresh annotation ids. Anything that cannot be placed is reported, and the caller does not
write the file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from cakit.formats.elan.names import CODE_TYPE_PREFIX

#: The language of vocabularies that name none (EAF 3.0 needs one).
UNDETERMINED = "und"

#: EAF elements after the tiers, in the schema's order (new ones go after their kind).
_AFTER_TIERS = ("LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT",
                "CONTROLLED_VOCABULARY", "LEXICON_REF", "EXTERNAL_REF")


@dataclass(frozen=True, slots=True)
class Carried:
    """The document with the source's dependent tiers, and what could not be carried."""

    text: str
    tiers: tuple[str, ...]
    annotations: int
    problems: tuple[str, ...]


def has_code_tiers(source: bytes) -> bool:
    """Whether an EAF document holds cakit's code tiers (so its codes are already made)."""
    try:
        root = etree.fromstring(source)
    except etree.XMLSyntaxError:
        return False
    return any(tier.get("PARENT_REF") and
               (tier.get("LINGUISTIC_TYPE_REF") or "").startswith(CODE_TYPE_PREFIX)
               for tier in root.iter("TIER"))


def _slot_times(root: etree._Element) -> dict[str, str | None]:
    return {slot.get("TIME_SLOT_ID", ""): slot.get("TIME_VALUE")
            for slot in root.iter("TIME_SLOT")}


def _utterance_keys(root: etree._Element
                    ) -> dict[tuple[str, str | None, str | None, str, int], str]:
    """(speaker tier, start, end, text, occurrence) → annotation id, for every top-level
    annotation. The occurrence (0, 1 …) tells apart a speaker's utterances of the same
    text and times, such as two untimed "yeah."s, which both documents hold in the same
    order; without it the second took the first's place and its codes could not follow."""
    times = _slot_times(root)
    keys = {}
    seen: dict[tuple[str, str | None, str | None, str], int] = {}
    for tier in root.iter("TIER"):
        if tier.get("PARENT_REF"):
            continue
        for ann in tier.iter("ALIGNABLE_ANNOTATION"):
            key = (tier.get("TIER_ID", ""), times.get(ann.get("TIME_SLOT_REF1", "")),
                   times.get(ann.get("TIME_SLOT_REF2", "")),
                   ann.findtext("ANNOTATION_VALUE") or "")
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            numbered = (*key, occurrence)
            keys[numbered] = ann.get("ANNOTATION_ID", "")
    return keys


def carry_dependent_tiers(source: bytes, written: str) -> Carried:
    """`written` (an EAF document cakit made from `source`'s talk) with every dependent
    tier of `source` added, and the linguistic types, constraints and controlled
    vocabularies they use."""
    src = etree.fromstring(source)
    out = etree.fromstring(written.encode("utf-8"))
    ids: dict[str, str] = {}  # source annotation id → id in `out`
    targets = _utterance_keys(out)
    for key, old in _utterance_keys(src).items():
        if key in targets:
            ids[old] = targets[key]
    present = {tier.get("TIER_ID") for tier in out.iter("TIER")}
    last = _last_id(out)
    problems: list[str] = []
    carried: list[str] = []
    count = 0
    pending = [tier for tier in src.iter("TIER") if tier.get("TIER_ID") not in present]
    slots = _slot_map(src, out, pending)
    while pending:  # parents first: a dependent tier may depend on another
        ready = [t for t in pending if not t.get("PARENT_REF") or t.get("PARENT_REF") in present]
        if not ready:
            problems.extend(f"tier {t.get('TIER_ID')!r}: its parent {t.get('PARENT_REF')!r} is "
                            "not in the converted document" for t in pending)
            break
        for tier in ready:
            pending.remove(tier)
            name = tier.get("TIER_ID", "")
            if name in present:
                problems.append(f"tier {name!r} is already in the converted document")
                continue
            copied = copy.deepcopy(tier)
            for ann in list(copied.iter("REF_ANNOTATION", "ALIGNABLE_ANNOTATION")):
                last += 1
                old_id = ann.get("ANNOTATION_ID", "")
                ids[old_id] = f"a{last}"
                ann.set("ANNOTATION_ID", f"a{last}")
            lost = _relink(copied, ids, slots)
            problems.extend(f"tier {name!r}: {problem}" for problem in lost)
            _insert_tier(out, copied)
            present.add(name)
            carried.append(name)
            count += sum(1 for _ in copied.iter("REF_ANNOTATION", "ALIGNABLE_ANNOTATION"))
            _copy_definitions(src, out, tier)
    _set_last_id(out, last)
    data: bytes = etree.tostring(out, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return Carried(data.decode("utf-8"), tuple(carried), count, tuple(problems))


def _relink(tier: etree._Element, ids: dict[str, str], slots: dict[str, str]) -> list[str]:
    """Point the tier's references and time slots at the new document; what could not
    be placed."""
    lost = []
    for ann in tier.iter("REF_ANNOTATION"):
        ref = ann.get("ANNOTATION_REF", "")
        if ref not in ids:
            lost.append(f"annotation {ann.findtext('ANNOTATION_VALUE')!r} refers to an "
                        "utterance that is not in the converted document")
            continue
        ann.set("ANNOTATION_REF", ids[ref])
        previous = ann.get("PREVIOUS_ANNOTATION")
        if previous is not None and previous in ids:
            ann.set("PREVIOUS_ANNOTATION", ids[previous])
    for ann in tier.iter("ALIGNABLE_ANNOTATION"):
        for attribute in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"):
            slot = ann.get(attribute, "")
            if slot not in slots:
                lost.append(f"annotation {ann.findtext('ANNOTATION_VALUE')!r} uses a time "
                            f"slot {slot!r} the source does not define")
                continue
            ann.set(attribute, slots[slot])
    return lost


def _slot_map(src: etree._Element, out: etree._Element, tiers: list[etree._Element]
              ) -> dict[str, str]:
    """Source time slot id → slot in `out` for every slot the carried tiers use. A slot
    with a time goes to `out`'s slot at that time (made when missing); a slot without one
    (ELAN places it by its position in the time order) is added right after the slot that
    came before it in the source, so the order is kept."""
    used = {ann.get(attribute, "") for tier in tiers for ann in tier.iter("ALIGNABLE_ANNOTATION")
            for attribute in ("TIME_SLOT_REF1", "TIME_SLOT_REF2")}
    order = out.find("TIME_ORDER")
    assert order is not None
    by_time = {slot.get("TIME_VALUE"): slot for slot in order.iter("TIME_SLOT")
               if slot.get("TIME_VALUE") is not None}
    taken = {str(slot.get("TIME_SLOT_ID")) for slot in order.iter("TIME_SLOT")}
    mapping: dict[str, str] = {}
    after: etree._Element | None = None
    for source_slot in src.iter("TIME_SLOT"):
        value = source_slot.get("TIME_VALUE")
        slot_id = source_slot.get("TIME_SLOT_ID", "")
        if value is not None:
            target = by_time.get(value)
            if target is None and slot_id in used:
                target = _new_slot(taken, value)
                _insert_in_time_order(order, target)
                by_time[value] = target
            if target is not None:
                after = target
                mapping[slot_id] = str(target.get("TIME_SLOT_ID"))
        elif slot_id in used:
            target = _new_slot(taken, None)
            if after is None:
                order.insert(0, target)
            else:
                after.addnext(target)
            after = target
            mapping[slot_id] = str(target.get("TIME_SLOT_ID"))
    return mapping


def _new_slot(taken: set[str], value: str | None) -> etree._Element:
    number = len(taken) + 1
    while f"ts{number}" in taken:
        number += 1
    taken.add(f"ts{number}")
    slot = etree.Element("TIME_SLOT", TIME_SLOT_ID=f"ts{number}")
    if value is not None:
        slot.set("TIME_VALUE", value)
    return slot


def _insert_in_time_order(order: etree._Element, slot: etree._Element) -> None:
    """A timed slot goes before the first timed slot that is later than it."""
    value = int(slot.get("TIME_VALUE", "0"))
    for existing in order.iter("TIME_SLOT"):
        time = existing.get("TIME_VALUE")
        if time is not None and int(time) > value:
            existing.addprevious(slot)
            return
    order.append(slot)


def _insert_tier(out: etree._Element, tier: etree._Element) -> None:
    tiers = out.findall("TIER")
    if tiers:
        tiers[-1].addnext(tier)
    else:
        order = out.find("TIME_ORDER")
        assert order is not None
        order.addnext(tier)


def _copy_definitions(src: etree._Element, out: etree._Element, tier: etree._Element) -> None:
    """The linguistic type a carried tier uses, its constraint, vocabulary, the languages
    and external references those name."""
    type_id = tier.get("LINGUISTIC_TYPE_REF", "")
    if out.find(f"LINGUISTIC_TYPE[@LINGUISTIC_TYPE_ID='{type_id}']") is not None:
        return
    kind = src.find(f"LINGUISTIC_TYPE[@LINGUISTIC_TYPE_ID='{type_id}']")
    if kind is None:
        return
    _add(src, out, copy.deepcopy(kind))
    stereotype = kind.get("CONSTRAINTS")
    if stereotype and out.find(f"CONSTRAINT[@STEREOTYPE='{stereotype}']") is None:
        constraint = src.find(f"CONSTRAINT[@STEREOTYPE='{stereotype}']")
        if constraint is not None:
            _add(src, out, copy.deepcopy(constraint))
    vocabulary = kind.get("CONTROLLED_VOCABULARY_REF")
    if vocabulary and out.find(f"CONTROLLED_VOCABULARY[@CV_ID='{vocabulary}']") is None:
        found = src.find(f"CONTROLLED_VOCABULARY[@CV_ID='{vocabulary}']")
        if found is not None:
            _add(src, out, _modern_vocabulary(copy.deepcopy(found)))


def _add(src: etree._Element, out: etree._Element, element: etree._Element) -> None:
    """A definition, and the languages and external references it names."""
    _append(out, element)
    for node in element.iter():
        language = node.get("LANG_REF")
        if language and out.find(f"LANGUAGE[@LANG_ID='{language}']") is None:
            defined = src.find(f"LANGUAGE[@LANG_ID='{language}']")
            _append(out, copy.deepcopy(defined) if defined is not None else etree.Element(
                "LANGUAGE", LANG_ID=language))
        reference = node.get("EXT_REF")
        if reference and out.find(f"EXTERNAL_REF[@EXT_REF_ID='{reference}']") is None:
            defined = src.find(f"EXTERNAL_REF[@EXT_REF_ID='{reference}']")
            if defined is not None:
                _append(out, copy.deepcopy(defined))


def _modern_vocabulary(vocabulary: etree._Element) -> etree._Element:
    """An EAF 2.x controlled vocabulary (a DESCRIPTION attribute, CV_ENTRY elements) in
    the EAF 3.0 form the written document uses; a 3.0 one as it is."""
    description = vocabulary.attrib.pop("DESCRIPTION", None)
    entries = vocabulary.findall("CV_ENTRY")
    if description is None and not entries:
        return vocabulary
    for entry in entries:
        vocabulary.remove(entry)
    if description:
        etree.SubElement(vocabulary, "DESCRIPTION", LANG_REF=UNDETERMINED).text = description
    for number, entry in enumerate(entries, 1):
        multilingual = etree.SubElement(vocabulary, "CV_ENTRY_ML",
                                        CVE_ID=entry.get("CVE_ID") or f"cve{number}")
        if entry.get("EXT_REF"):
            multilingual.set("EXT_REF", entry.get("EXT_REF", ""))
        value = etree.SubElement(multilingual, "CVE_VALUE", LANG_REF=UNDETERMINED)
        if entry.get("DESCRIPTION"):
            value.set("DESCRIPTION", entry.get("DESCRIPTION", ""))
        value.text = entry.text
    return vocabulary


def _append(out: etree._Element, element: etree._Element) -> None:
    """Add a definition after the last element of its kind (or of the kinds before it)."""
    name = element.tag
    kinds = ("TIER", *_AFTER_TIERS)
    for earlier in reversed(kinds[: kinds.index(name) + 1]):
        found = out.findall(earlier)
        if found:
            found[-1].addnext(element)
            return
    out.append(element)


def _last_id(out: etree._Element) -> int:
    numbers = [int(ann.get("ANNOTATION_ID", "a0")[1:] or 0)
               for ann in out.iter("ALIGNABLE_ANNOTATION", "REF_ANNOTATION")
               if (ann.get("ANNOTATION_ID") or "").startswith("a")
               and ann.get("ANNOTATION_ID", "")[1:].isdigit()]
    return max(numbers, default=0)


def _set_last_id(out: etree._Element, last: int) -> None:
    for prop in out.iter("PROPERTY"):
        if prop.get("NAME") == "lastUsedAnnotationId":
            prop.text = str(last)
