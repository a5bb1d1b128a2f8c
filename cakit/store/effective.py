"""Effective annotations: the machine's codes as a coder (or the coders' majority) decided.

- accepted: kept, status `accepted`;
- rejected: dropped (an attempt takes its responses, carer responses and sequence with it);
- relabelled: changed, status `edited`, producer `human:<coder>`;
- undecided: kept as the machine proposed them (status `proposed`);
- the coder's own codes are added (status `accepted`, producer `human:<coder>`);
- sequence outcomes are recomputed from the effective responses, by the outcome rules of
  the codebook the run codes with;
- an attempt left with no response (a coder's own attempt, one relabelled from another
  code, or one whose every response was rejected) gets the stand-in R1 `NOT_CODED`
  (`cakit.annotations.not_coded`), never NO_UPTAKE: the annotator looks for responses to
  its own attempts only.

A decision records what the machine proposed when the coder decided. If a later run
(another codebook) proposes something else under the same stable id, an accept still
means "the code I saw is right" (so the item becomes that code, `edited`), a reject of
the old proposal says nothing about the new one (the item stays `proposed`), and a relabel
still sets the coder's code.

Consensus (`consensus=True`): per machine item, each coder who decided casts a vote for a
label (accept = the label they saw, relabel = their label, reject = drop); a label with
more than half of the votes wins; otherwise (ties, no majority) the item stays
`proposed`. A human-added code stands when more than half of the coders with a layer for
the transcript added the same code on the same turn (and, for responses, the same attempt).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cakit.annotations import (
    LATE_PHASES,
    NOT_CODED,
    Attempt,
    CarerResponse,
    ConsultationAnnotations,
    Response,
    SequenceRecord,
    TurnCode,
    not_coded,
)
from cakit.errors import StoreError
from cakit.store.anchors import TranscriptText

if TYPE_CHECKING:
    from cakit.codes import CodeCatalogue
from cakit.store.labels import off_role
from cakit.store.layers import coders as layer_coders
from cakit.store.layers import layer_path, read_layer
from cakit.store.records import Decision, HumanCode, Layer, MachineItem
from cakit.store.sync import sync_layer

_REJECT = ("__reject__", None)
Label = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What happens to one machine item."""

    status: str  # proposed | accepted | rejected | edited
    code: str
    subtype: str | None
    producer: str = ""


def verdict_for(item: MachineItem, decision: Decision | None, coder: str) -> Verdict:
    """One coder's decision on one item → its verdict (pure)."""
    current: Label = (item.code, item.subtype)
    if decision is None or decision.decision is None:
        return Verdict("proposed", item.code, item.subtype)
    seen: Label = (decision.proposed_code, decision.proposed_subtype)
    producer = f"human:{coder}"
    if decision.decision == "accept":
        if seen == current:
            return Verdict("accepted", item.code, item.subtype)
        return Verdict("edited", seen[0], seen[1], producer)
    if decision.decision == "reject":
        if seen == current:
            return Verdict("rejected", item.code, item.subtype, producer)
        return Verdict("proposed", item.code, item.subtype)
    label: Label = (decision.code or item.code, decision.subtype)
    if label == current:
        return Verdict("accepted", item.code, item.subtype)
    return Verdict("edited", label[0], label[1], producer)


def consensus_verdict(item: MachineItem, decisions: Sequence[Decision]) -> Verdict:
    """The majority verdict over several coders' decisions on one item (pure)."""
    current: Label = (item.code, item.subtype)
    votes: list[Label] = []
    for decision in decisions:
        if decision.decision is None:
            continue
        seen: Label = (decision.proposed_code, decision.proposed_subtype)
        if decision.decision == "accept":
            votes.append(seen)
        elif decision.decision == "reject":
            if seen == current:
                votes.append(_REJECT)
        else:
            votes.append((decision.code or item.code, decision.subtype))
    if not votes:
        return Verdict("proposed", item.code, item.subtype)
    label, count = Counter(votes).most_common(1)[0]
    if count * 2 <= len(votes):
        return Verdict("proposed", item.code, item.subtype)
    if label == _REJECT:
        return Verdict("rejected", item.code, item.subtype, "human:consensus")
    if label == current:
        return Verdict("accepted", item.code, item.subtype)
    return Verdict("edited", label[0], label[1], "human:consensus")


def consensus_codes(layers: Sequence[Layer], text: TranscriptText) -> tuple[HumanCode, ...]:
    """Human codes that more than half of the coders added (same code, turn and attempt)."""
    if not layers:
        return ()
    groups: dict[tuple[object, ...], list[HumanCode]] = {}
    for layer in layers:
        seen: set[tuple[object, ...]] = set()
        for code in layer.codes:
            if code.anchor.status == "orphaned":
                continue
            key = (code.kind, code.code, code.subtype, _turn_id(text, code.anchor.utterance),
                   _turn_id(text, code.attempt_anchor.utterance) if code.attempt_anchor else None)
            if key not in seen:
                seen.add(key)
                groups.setdefault(key, []).append(code)
    out = []
    for members in groups.values():
        if len(members) * 2 > len(layers):
            first = members[0]
            out.append(replace(first, coder="consensus"))
    return tuple(out)


def _turn_id(text: TranscriptText, utterance_id: str) -> str | None:
    index = text.index_of(utterance_id)
    if index is None:
        return None
    turn = text.turn_of_utterance(index)
    return turn.id if turn is not None else None


def effective(
    consultation: ConsultationAnnotations, *, root: Path, identity: str, text: TranscriptText,
    items: Sequence[MachineItem], catalogue: CodeCatalogue, coder: str | None = None,
    consensus: bool = False,
) -> ConsultationAnnotations:
    """The machine annotations of one transcript as decided by a coder, or by consensus.

    Args:
        consultation: the machine annotations (fresh, or from the auto layer).
        root: the store folder.
        identity: the transcript's identity in the store.
        text: the transcript the annotations were made from, indexed.
        items: the machine items of `consultation` (`machine_items`).
        catalogue: the codes and outcome rules of the codebook the run codes with.
        coder: whose decisions and codes to apply.
        consensus: apply the majority over every coder with a layer for this transcript.

    Returns:
        The consultation with statuses, producers, codes and outcomes as decided; the
        machine annotations unchanged when neither `coder` nor `consensus` is given.

    Raises:
        StoreError: a layer is corrupt, or the annotations are for another version of the
            transcript than `text`.
    """
    if coder is None and not consensus:
        return consultation
    if consultation.sha256 and text.sha256 != consultation.sha256:
        raise StoreError(f"{identity}: the annotations are for another version of this "
                         f"transcript (sha256 {consultation.sha256[:8]}, file "
                         f"{text.sha256[:8]}); run `cakit annotate` again")
    names = layer_coders(Path(root), identity) if consensus else (coder,)
    layers: list[Layer] = []
    for name in names:
        assert name is not None
        layer = read_layer(layer_path(Path(root), name, identity))
        if layer is not None:
            layers.append(sync_layer(layer, text, items)[0])
    if consensus:
        verdicts = {
            item.id: consensus_verdict(item, [d for layer in layers
                                              if (d := layer.decision(item.id)) is not None])
            for item in items
        }
        codes = consensus_codes(layers, text)
    else:
        layer = layers[0] if layers else None
        assert coder is not None
        verdicts = {item.id: verdict_for(item, layer.decision(item.id) if layer else None, coder)
                    for item in items}
        codes = layer.codes if layer else ()
    return apply(consultation, items, verdicts, codes, text, catalogue)


# -- applying verdicts -----------------------------------------------------------------

def apply(consultation: ConsultationAnnotations, items: Sequence[MachineItem],
          verdicts: dict[str, Verdict], codes: Iterable[HumanCode],
          text: TranscriptText, catalogue: CodeCatalogue) -> ConsultationAnnotations:
    """Build the effective consultation from per-item verdicts and human codes (pure)."""
    by_ref = {(item.kind, item.ref): item for item in items}
    attempt_ref = {item.id: item.ref for item in items if item.kind == "attempt"}
    attempts: list[Attempt] = []
    dropped: set[str] = set()
    turn_codes: dict[str, list[TurnCode]] = {"elicited": [], "repair": [], "medcheck": []}
    new_attempts: list[tuple[Attempt, str]] = []  # attempts made by relabelling turn codes

    def verdict(kind: str, ref: str) -> Verdict | None:
        item = by_ref.get((kind, ref))
        return verdicts.get(item.id) if item is not None else None

    for attempt in consultation.attempts:
        v = verdict("attempt", attempt.id)
        if v is None or v.status == "proposed":
            attempts.append(attempt)
            continue
        if v.status == "rejected":
            dropped.add(attempt.id)
        elif v.code == "PSY_ATTEMPT":
            subtypes = (v.subtype,) if v.subtype and v.status == "edited" else attempt.subtypes
            attempts.append(replace(attempt, subtypes=subtypes, status=v.status,
                                    producer=v.producer or attempt.producer))
        else:
            dropped.add(attempt.id)
            kind = {"PSY_ELICITED": "elicited", "REPAIR_OI": "repair"}.get(v.code)
            if kind is not None:
                turn_codes[kind].append(TurnCode(turn_id=attempt.turn_id, line=attempt.line,
                                                 evidence=attempt.evidence, status="edited",
                                                 producer=v.producer))
    families = (("elicited", consultation.elicited), ("repair", consultation.repairs),
                ("medcheck", consultation.medchecks))
    for kind, records in families:
        for record in records:
            v = verdict(kind, record.turn_id)
            if v is None or v.status == "proposed":
                turn_codes[kind].append(record)
            elif v.status == "accepted":
                turn_codes[kind].append(replace(record, status="accepted"))
            elif v.status == "edited":
                target = {"PSY_ELICITED": "elicited", "REPAIR_OI": "repair",
                          "MEDCHECK_SYMPTOM": "medcheck"}.get(v.code)
                if target is not None:
                    turn_codes[target].append(replace(record, status="edited",
                                                      producer=v.producer))
                elif v.code == "PSY_ATTEMPT":
                    new_attempts.append((_attempt_on(consultation, record.turn_id, record.line,
                                                     v.subtype, "edited", v.producer,
                                                     len(new_attempts) + 1, "m"), kind))
    responses: list[Response] = []
    for response in consultation.responses:
        if response.attempt_id in dropped:
            continue
        ref = f"{response.attempt_id}:{response.turn_id or '-'}"
        v = verdict("response", ref)
        if v is not None and v.status == "rejected":
            continue
        if v is not None and v.status != "proposed":
            response = replace(response, status=v.status, producer=v.producer or response.producer,
                               uptake=v.code, uptake_subtype=v.subtype)
        modifiers: list[str] = []
        for modifier in response.modifiers:
            mv = verdict("modifier", f"{ref}:{modifier}")
            if mv is not None and mv.status == "rejected":
                continue
            name = mv.code if mv is not None and mv.status == "edited" else modifier
            if name not in modifiers:
                modifiers.append(name)
        responses.append(replace(response, modifiers=tuple(modifiers)))
    carers: list[CarerResponse] = []
    for carer in consultation.carer_responses:
        if carer.attempt_id in dropped:
            continue
        v = verdict("carer_response", f"{carer.attempt_id}:{carer.turn_id}")
        if v is not None and v.status == "rejected":
            continue
        if v is not None and v.status != "proposed":
            carer = replace(carer, status=v.status, producer=v.producer or carer.producer,
                            code=v.subtype or carer.code)
        carers.append(carer)
    attempts.extend(attempt for attempt, _ in new_attempts)
    _add_codes(consultation, codes, text, attempts, responses, carers, turn_codes, attempt_ref)
    attempts.sort(key=lambda a: (a.line, a.id))
    kept = {a.id for a in attempts}
    responses = _rerank([r for r in responses if r.attempt_id in kept])
    answered = {r.attempt_id for r in responses}
    proposed = {r.attempt_id for r in consultation.responses}  # the machine's, before decisions
    responses += [not_coded(a, rejected=a.id in proposed) for a in attempts
                  if a.id not in answered]
    carers = [c for c in carers if c.attempt_id in kept]
    sequences = tuple(_sequence(consultation, attempt, responses, carers, catalogue)
                      for attempt in attempts)
    return replace(
        consultation, attempts=tuple(attempts), responses=tuple(responses),
        carer_responses=tuple(sorted(carers, key=lambda c: (c.line, c.attempt_id))),
        elicited=tuple(sorted(turn_codes["elicited"], key=lambda c: c.line)),
        repairs=tuple(sorted(turn_codes["repair"], key=lambda c: c.line)),
        medchecks=tuple(sorted(turn_codes["medcheck"], key=lambda c: c.line)),
        sequences=sequences,
    )


def _attempt_on(consultation: ConsultationAnnotations, turn_id: str, line: int,
                subtype: str | None, status: str, producer: str, number: int,
                prefix: str) -> Attempt:
    record = consultation.turn(turn_id)
    phase = record.phase if record is not None else consultation.phase_at_line(line)
    return Attempt(id=f"{prefix}{number}", turn_id=turn_id, line=line,
                   subtypes=(subtype,) if subtype else (), phase=phase,
                   late=phase in LATE_PHASES, chain_id="", attempt_index=1, confidence=1.0,
                   status=status, producer=producer)


def _add_codes(consultation: ConsultationAnnotations, codes: Iterable[HumanCode],
               text: TranscriptText, attempts: list[Attempt], responses: list[Response],
               carers: list[CarerResponse], turn_codes: dict[str, list[TurnCode]],
               attempt_ref: dict[str, str]) -> None:
    """Add a coder's own codes (in place on the lists being built)."""
    placed: list[tuple[HumanCode, str, int]] = []
    for code in codes:
        if code.anchor.status == "orphaned":
            continue
        index = text.index_of(code.anchor.utterance)
        turn = text.turn_of_utterance(index) if index is not None else None
        if turn is None or off_role(code.kind, turn):  # reported by the sync (off_role)
            continue
        placed.append((code, turn.id, turn.line))
    human_ids: dict[str, str] = {}
    number = 0
    for code, turn_id, line in sorted(placed, key=lambda p: p[2]):
        producer = f"human:{code.coder}"
        if code.kind == "attempt":
            existing = next((a for a in attempts if a.turn_id == turn_id), None)
            if existing is not None:
                human_ids[code.id] = existing.id
                continue
            number += 1
            attempt = _attempt_on(consultation, turn_id, line, code.subtype, "accepted",
                                  producer, number, "h")
            attempts.append(attempt)
            human_ids[code.id] = attempt.id
        elif code.kind in ("elicited", "repair", "medcheck"):
            bucket = turn_codes[code.kind]
            if not any(c.turn_id == turn_id for c in bucket):
                bucket.append(TurnCode(turn_id=turn_id, line=line, status="accepted",
                                       producer=producer))
    live = {a.id for a in attempts}
    by_turn = {a.turn_id: a.id for a in attempts}
    # responses before the modifiers that go on them, whatever order they were stored in
    # (a HESITATE coded, or imported, before its ENGAGE was dropped)
    for code, turn_id, line in sorted(placed, key=lambda p: p[0].kind == "modifier"):
        if code.kind not in ("response", "modifier", "carer_response"):
            continue
        attempt_id = human_ids.get(code.attempt or "") or attempt_ref.get(code.attempt or "")
        if (attempt_id is None or attempt_id not in live) and code.attempt_anchor is not None:
            attempt_id = by_turn.get(_turn_id(text, code.attempt_anchor.utterance) or "")
        if attempt_id is None or attempt_id not in live:
            continue
        producer = f"human:{code.coder}"
        if code.kind == "response":
            position = next((k for k, r in enumerate(responses)
                             if r.attempt_id == attempt_id and r.turn_id == turn_id), None)
            if position is not None:
                responses[position] = replace(responses[position], uptake=code.code,
                                              uptake_subtype=code.subtype, status="edited",
                                              producer=producer)
            else:
                responses.append(Response(attempt_id=attempt_id, turn_id=turn_id, line=line,
                                          rank=99, uptake=code.code,
                                          uptake_subtype=code.subtype, confidence=1.0,
                                          status="accepted", producer=producer))
        elif code.kind == "modifier":
            position = next((k for k, r in enumerate(responses)
                             if r.attempt_id == attempt_id and r.turn_id == turn_id), None)
            if position is not None and code.code not in responses[position].modifiers:
                response = responses[position]
                responses[position] = replace(response,
                                              modifiers=(*response.modifiers, code.code))
        else:
            position = next((k for k, c in enumerate(carers)
                             if c.attempt_id == attempt_id and c.turn_id == turn_id), None)
            subtype = code.subtype or "CARER_OTHER"
            if position is not None:
                carers[position] = replace(carers[position], code=subtype, status="edited",
                                           producer=producer)
            else:
                carers.append(CarerResponse(attempt_id=attempt_id, turn_id=turn_id, line=line,
                                            code=subtype, status="accepted", producer=producer))


def _rerank(responses: list[Response]) -> list[Response]:
    """Ranks 1.. per attempt in line order; a turn-less NO_UPTAKE goes once a turn is coded."""
    by_attempt: dict[str, list[Response]] = {}
    for response in responses:
        by_attempt.setdefault(response.attempt_id, []).append(response)
    out: list[Response] = []
    for group in by_attempt.values():
        with_turn = [r for r in group if r.turn_id is not None]
        chosen = with_turn if with_turn else group
        chosen.sort(key=lambda r: (r.line if r.line is not None else 1 << 30, r.rank))
        out.extend(replace(r, rank=k) for k, r in enumerate(chosen, 1))
    return out


def _sequence(consultation: ConsultationAnnotations, attempt: Attempt,
              responses: Sequence[Response], carers: Sequence[CarerResponse],
              catalogue: CodeCatalogue) -> SequenceRecord:
    """The sequence as decided: outcome and flags recomputed from the decided codes.

    A flag that needs what only the machine saw (turn distances, laughter in the attempt
    itself) is kept only while the codes it rests on survive: a joint laughter needs a
    clinician SMILE_LAUGH and a carer laugh still there; the patient laughing first needs
    a clinician SMILE_LAUGH still there. A coder's decision can so remove such a flag but
    never invent one."""
    mine = sorted((r for r in responses if r.attempt_id == attempt.id), key=lambda r: r.rank)
    carer_mine = [c for c in carers if c.attempt_id == attempt.id]
    machine = consultation.sequence(attempt.id)
    base = machine if machine is not None else SequenceRecord(
        attempt_id=attempt.id, outcome="", late=attempt.late)
    laughed = any("SMILE_LAUGH" in r.modifiers for r in mine)
    clinician_lines = [r.line for r in mine if r.turn_id is not None and r.line is not None]
    carer_first = bool(carer_mine) and (
        not clinician_lines or min(c.line for c in carer_mine) < min(clinician_lines))
    carer_laughed = any(c.code == "CARER_LAUGH" or any(e.rule.startswith("smile_laugh")
                                                       for e in c.evidence)
                        for c in carer_mine)
    # crossing a phase rests on the responses and carer responses: none left, none crossed
    coded = any(r.uptake != NOT_CODED for r in mine) or bool(carer_mine)
    return replace(
        base, attempt_id=attempt.id, outcome=catalogue.outcome([r.uptake for r in mine]),
        crosses_phase=base.crosses_phase and coded,
        hesitated=any("HESITATE" in r.modifiers for r in mine), laughed=laughed,
        carer_involved=bool(carer_mine), late=attempt.late, carer_first=carer_first,
        joint_laughter=base.joint_laughter and laughed and carer_laughed,
        patient_laughed_first=base.patient_laughed_first and laughed,
    )
