"""Machine annotations as reviewable items with stable ids.

A stable id is a hash of the transcript's identity (its path), the code family and the
anchor of the coded turn — never of the code the machine chose, its line number or the
file's hash. So re-running `cakit annotate`, with the same codebook or an edited one,
gives the same id to the same coded turn, and a coder's decision keyed by that id finds
its annotation again:

- attempt: `attempt` + the first words of the attempt turn + how many earlier turns open
  with the same words (occurrence index);
- response: the attempt's key + the response turn's first words + occurrence index counted
  from the attempt (so "mm." after one attempt never collides with "mm." after another);
- modifier (HESITATE, SMILE_LAUGH): the response's key + the modifier;
- carer response: like a response, under the family `carer_response`;
- elicited, repair, medcheck: the family + the turn's first words + occurrence index.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cakit.annotations import NOT_CODED, Attempt, ConsultationAnnotations, TurnCode, stable_id
from cakit.model import Turn
from cakit.store.anchors import ID_WORDS, Anchor, TranscriptText
from cakit.store.records import KINDS, MachineItem

KIND_ORDER = {kind: k for k, kind in enumerate(KINDS)}
#: Code names of the turn-code families.
TURN_CODE_NAMES = {"elicited": "PSY_ELICITED", "repair": "REPAIR_OI",
                   "medcheck": "MEDCHECK_SYMPTOM"}


def _json_ready(value: Any) -> Any:
    """Tuples as lists, recursively: the form the value has after a JSON round trip."""
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    return value


def _data(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = _json_ready(asdict(record))
    return out


class _Openings:
    """Each turn's opening words and occurrence counts, for stable keys."""

    def __init__(self, text: TranscriptText) -> None:
        self.text = text
        self.openings = tuple(" ".join(text.turn_words(turn)[:ID_WORDS]) for turn in text.turns)
        self.position = {turn.id: k for k, turn in enumerate(text.turns)}
        seen: dict[str, int] = {}
        occurrence: list[int] = []
        for opening in self.openings:
            occurrence.append(seen.get(opening, 0))
            seen[opening] = seen.get(opening, 0) + 1
        self.occurrence = tuple(occurrence)

    def key(self, turn_id: str | None) -> str:
        """`opening#n`: the turn's first words and their occurrence in the transcript."""
        k = self.position.get(turn_id or "")
        if k is None:
            return f"?{turn_id}"
        return f"{self.openings[k]}#{self.occurrence[k]}"

    def relative_key(self, turn_id: str | None, after: str | None) -> str:
        """Like `key`, but counting occurrences only after turn `after`."""
        k = self.position.get(turn_id or "")
        start = self.position.get(after or "")
        if k is None:
            return f"?{turn_id}"
        begin = 0 if start is None else start + 1
        count = sum(1 for j in range(begin, k) if self.openings[j] == self.openings[k])
        return f"{self.openings[k]}#{count}"


def _turn_anchor(text: TranscriptText, turn_id: str | None, line: int | None) -> Anchor:
    turn: Turn | None = text.turn(turn_id)
    if turn is not None:
        return text.turn_anchor(turn)
    index = text.utterance_at_line(line) if line else None
    if index is None:
        index = 0
    return text.anchor(index)


def attempt_key(openings: _Openings, attempt: Attempt) -> str:
    return f"attempt|{openings.key(attempt.turn_id)}"


def machine_items(consultation: ConsultationAnnotations, text: TranscriptText,
                  identity: str) -> tuple[MachineItem, ...]:
    """Every machine annotation of a consultation as an item with a stable id (pure).

    Args:
        consultation: the annotator's output for the transcript `text` indexes.
        text: the same transcript, indexed.
        identity: the transcript's identity in the store (its path in its project).

    Returns:
        Items ordered by line: an attempt, then its responses with their modifiers and its
        carer responses; turn codes where their turns fall. The `NOT_CODED` stand-in of a
        coder's effective codes is no code and no item (exports never show it).
    """
    openings = _Openings(text)
    items: list[tuple[tuple[int, int, int], MachineItem]] = []
    for attempt in consultation.attempts:
        a_key = attempt_key(openings, attempt)
        a_id = stable_id(identity, "attempt", a_key)
        a_anchor = _turn_anchor(text, attempt.turn_id, attempt.line)
        items.append(((a_anchor.line, KIND_ORDER["attempt"], 0), MachineItem(
            id=a_id, kind="attempt", code="PSY_ATTEMPT", subtype=attempt.primary_subtype or None,
            subtypes=attempt.subtypes, ref=attempt.id, anchor=a_anchor,
            turn_id=attempt.turn_id, line=attempt.line, confidence=attempt.confidence,
            evidence=tuple(asdict(e) for e in attempt.evidence), data=_data(attempt),
        )))
        for response in consultation.responses_to(attempt.id):
            if response.uptake == NOT_CODED:
                continue  # a stand-in for "nobody coded a response" (effective codes): no code
            if response.turn_id is None:
                r_key = "no-turn"
                r_anchor = a_anchor
            else:
                r_key = openings.relative_key(response.turn_id, attempt.turn_id)
                r_anchor = _turn_anchor(text, response.turn_id, response.line)
            r_id = stable_id(identity, "response", a_key, r_key)
            ref = f"{attempt.id}:{response.turn_id or '-'}"
            items.append(((r_anchor.line, KIND_ORDER["response"], response.rank), MachineItem(
                id=r_id, kind="response", code=response.uptake, subtype=response.uptake_subtype,
                ref=ref, anchor=r_anchor, turn_id=response.turn_id, line=response.line,
                attempt=a_id, confidence=response.confidence,
                evidence=tuple(asdict(e) for e in response.evidence), data=_data(response),
            )))
            for modifier in response.modifiers:
                items.append(((r_anchor.line, KIND_ORDER["modifier"], response.rank),
                              MachineItem(
                    id=stable_id(identity, "modifier", a_key, r_key, modifier), kind="modifier",
                    code=modifier, subtype=None, ref=f"{ref}:{modifier}", anchor=r_anchor,
                    turn_id=response.turn_id, line=response.line, attempt=a_id,
                    confidence=response.confidence,
                    evidence=tuple(asdict(e) for e in response.evidence
                                   if e.rule.split(".")[0] in _MODIFIER_RULES[modifier]),
                )))
        for carer in consultation.carer_responses_to(attempt.id):
            c_key = openings.relative_key(carer.turn_id, attempt.turn_id)
            c_anchor = _turn_anchor(text, carer.turn_id, carer.line)
            items.append(((c_anchor.line, KIND_ORDER["carer_response"], 0), MachineItem(
                id=stable_id(identity, "carer_response", a_key, c_key), kind="carer_response",
                code="CARER_RESPONSE", subtype=carer.code, ref=f"{attempt.id}:{carer.turn_id}",
                anchor=c_anchor, turn_id=carer.turn_id, line=carer.line, attempt=a_id,
                evidence=tuple(asdict(e) for e in carer.evidence), data=_data(carer),
            )))
    families: tuple[tuple[str, tuple[TurnCode, ...]], ...] = (
        ("elicited", consultation.elicited), ("repair", consultation.repairs),
        ("medcheck", consultation.medchecks),
    )
    for kind, codes in families:
        for code in codes:
            anchor = _turn_anchor(text, code.turn_id, code.line)
            items.append(((anchor.line, KIND_ORDER[kind], 0), MachineItem(
                id=stable_id(identity, kind, openings.key(code.turn_id)), kind=kind,
                code=TURN_CODE_NAMES[kind], subtype=None, ref=code.turn_id, anchor=anchor,
                turn_id=code.turn_id, line=code.line,
                evidence=tuple(asdict(e) for e in code.evidence), data=_data(code),
            )))
    items.sort(key=lambda pair: pair[0])
    return tuple(item for _, item in items)


#: Evidence rule prefixes that belong to each delivery modifier.
_MODIFIER_RULES: dict[str, tuple[str, ...]] = {
    "HESITATE": ("hesitate",),
    "SMILE_LAUGH": ("smile_laugh", "laugh", "smile"),
}
