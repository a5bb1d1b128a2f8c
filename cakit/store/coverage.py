"""Coverage: which units of a transcript a coder has actually decided.

A coder's effective annotations (`cakit.store.effective`) keep every machine code the
coder never looked at, as the machine proposed it. That is right for a report, wrong for
agreement: two coders who left the same machine code undecided did not agree on anything.
`decided_turns` says which turns (or which attempts' sequences) a coder's own judgment
stands behind, so that agreement can be computed over those only.

An item counts as decided when the coder's verdict on it (`verdict_for`) is not
"proposed": an accept or a relabel, or a reject of what the machine proposes now. A note
alone is not a decision, and neither is a reject of an earlier proposal that a later run
replaced (the coder has not judged the new one). Decisions on codes the machine no longer
proposes count for nothing.

Pure: nothing here reads or writes the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cakit.store.anchors import TranscriptText
from cakit.store.effective import verdict_for
from cakit.store.labels import ATTEMPT_BOUND
from cakit.store.records import HumanCode, Layer, MachineItem
from cakit.store.sync import sync_layer

#: The unit kinds of `cakit agree` (see `cakit.agreement.UNIT_KINDS`).
TURN_UNITS = frozenset({"turn", "attempt"})
SEQUENCE_UNITS = frozenset({"sequence"})


def _turn_of(text: TranscriptText, utterance_id: str) -> str | None:
    index = text.index_of(utterance_id)
    turn = text.turn_of_utterance(index) if index is not None else None
    return turn.id if turn is not None else None


def _placed(code: HumanCode, text: TranscriptText) -> str | None:
    """The turn a coder's own code sits on (None when orphaned or off every turn)."""
    if code.anchor.status == "orphaned":
        return None
    return _turn_of(text, code.anchor.utterance)


def _decided_items(layer: Layer, items: Sequence[MachineItem]) -> list[tuple[MachineItem, str,
                                                                             str]]:
    """(item, verdict status, verdict code) for every item the coder decided."""
    out = []
    coder = layer.header.layer
    for item in items:
        decision = layer.decision(item.id)
        if decision is None or not decision.decided:
            continue
        verdict = verdict_for(item, decision, coder)
        if verdict.status != "proposed":
            out.append((item, verdict.status, verdict.code))
    return out


def _turns(layer: Layer, text: TranscriptText, items: Sequence[MachineItem]) -> set[str]:
    turns: set[str] = set()
    for item, _, _ in _decided_items(layer, items):
        if item.kind != "modifier" and item.turn_id is not None:
            turns.add(item.turn_id)
    for code in layer.codes:
        if code.kind == "modifier":
            continue
        turn_id = _placed(code, text)
        if turn_id is not None:
            turns.add(turn_id)
    return turns


def _attempt_turn(code: HumanCode, text: TranscriptText, machine: Mapping[str, str | None],
                  own: Mapping[str, str | None]) -> str | None:
    """The turn of the attempt an own response / modifier / carer code belongs to."""
    if code.attempt is not None:
        if code.attempt in machine:
            return machine[code.attempt]
        if code.attempt in own:
            return own[code.attempt]
    if code.attempt_anchor is not None and code.attempt_anchor.status != "orphaned":
        return _turn_of(text, code.attempt_anchor.utterance)
    return None


def _sequences(layer: Layer, text: TranscriptText, items: Sequence[MachineItem]) -> set[str]:
    machine = {item.id: item.turn_id for item in items if item.kind == "attempt"}
    machine_turns = {turn for turn in machine.values() if turn is not None}
    own = {code.id: _placed(code, text) for code in layer.codes if code.kind == "attempt"}
    turns: set[str | None] = set()
    for item, status, code in _decided_items(layer, items):
        if item.kind in ATTEMPT_BOUND:
            turns.add(machine.get(item.attempt or ""))
        elif item.kind == "attempt":
            if status == "rejected" or code != "PSY_ATTEMPT":
                turns.add(item.turn_id)
        elif code == "PSY_ATTEMPT" and item.turn_id not in machine_turns:
            turns.add(item.turn_id)
    for human in layer.codes:
        if human.kind == "attempt":
            turn_id = own.get(human.id)
            if turn_id not in machine_turns:
                turns.add(turn_id)
        elif human.kind in ATTEMPT_BOUND and _placed(human, text) is not None:
            turns.add(_attempt_turn(human, text, machine, own))
    return {turn for turn in turns if turn is not None}


def decided_turns(layer: Layer | None, text: TranscriptText, items: Sequence[MachineItem],
                  unit: str = "turn") -> frozenset[str]:
    """The units of one transcript a coder has decided, as turn ids (pure).

    The layer is first brought in step with the transcript and the machine items
    (`sync_layer`, which is pure and idempotent), so pass it as read from the store or
    already synced: the answer is the same.

    Args:
        layer: the coder's layer for this transcript (None: the coder has none).
        text: the transcript the machine items were made from, indexed.
        items: the current machine items (`machine_items`).
        unit: "turn" or "attempt" — the turns the coder decided; "sequence" — the turns
            of the attempts whose sequence (R1 uptake, outcome) the coder decided.

    Returns:
        For "turn" and "attempt": the turns carrying a machine item the coder decided, or
        an own code of theirs (not orphaned). Delivery modifiers do not count: a turn's
        label is its code, never a modifier. A turn with several machine codes counts as
        decided when any of them is.

        For "sequence", the turn of attempt A counts when the coder
          - decided a response, delivery modifier or carer response of A, or added an
            own one to A; or
          - rejected A, or relabelled it to another code (they have no sequence there); or
          - made A themselves where the machine proposed no attempt (an own attempt code,
            or a turn code relabelled to PSY_ATTEMPT): its sequence holds only the
            coder's own codes.
        Accepting A, or changing its subtype, does not decide its sequence: R1 uptake and
        outcome would still be the machine's undecided responses.

    Raises:
        ValueError: `unit` is not turn, attempt or sequence.
    """
    if unit not in TURN_UNITS | SEQUENCE_UNITS:
        raise ValueError(f"unit must be turn, attempt or sequence, not {unit!r}")
    if layer is None:
        return frozenset()
    synced, _ = sync_layer(layer, text, items)
    if unit in SEQUENCE_UNITS:
        return frozenset(_sequences(synced, text, items))
    return frozenset(_turns(synced, text, items))
