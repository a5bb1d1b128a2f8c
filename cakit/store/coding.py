"""Building a coder's own code from a line number, and deciding on machine items.

`plan_code` turns "code X on line N (for the attempt on line M)" into an anchored
`HumanCode`, checking everything a coder can get wrong: the code and subtype against the
codebook, the line against the transcript, the speaker's role against the kind of code,
and that a response points at an attempt that stands for this coder. `decide` records a
decision on one machine item under the layer's lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cakit.errors import UsageError
from cakit.store.anchors import TranscriptText
from cakit.store.labels import (
    ATTEMPT_BOUND,
    ROLE_OF_KIND,
    CodebookLike,
    check_label,
    kind_for_code,
    off_role,
)
from cakit.store.layers import layer_path, update_layer
from cakit.store.records import Decision, HumanCode, Layer, MachineItem
from cakit.store.state import MachineState
from cakit.store.sync import human_code, make_decision, put_code, put_decision


def _turn_said(text: TranscriptText, index: int | None) -> frozenset[str]:
    """The utterance ids of the turn that holds utterance `index` (none without one)."""
    turn = text.turn_of_utterance(index) if index is not None else None
    return frozenset(text.utterance_ids[k] for k in turn.utterances) if turn else frozenset()


def response_there(state: MachineState, layer: Layer | None, code: HumanCode) -> bool:
    """Whether a coder's modifier has a response to carry it: on its turn, to its attempt,
    the machine's (not rejected by the coder) or one of the coder's own. A modifier with
    none is kept in the layer (a .qdpx import may store it before its response) but counts
    nowhere until there is one, so `cakit code` says so."""
    text = state.text
    utterances = _turn_said(text, text.index_of(code.anchor.utterance))
    if not utterances:
        return False
    # the attempt, and the machine's attempt on the same turn, which a coder's own attempt
    # there stands for (`cakit.store.effective`)
    attempts = {code.attempt}
    if code.attempt_anchor is not None:
        said = _turn_said(text, text.index_of(code.attempt_anchor.utterance))
        attempts |= {item.id for item in state.items
                     if item.kind == "attempt" and item.anchor.utterance in said}
    for own in (layer.codes if layer else ()):
        if own.kind == "response" and own.attempt in attempts \
                and own.anchor.utterance in utterances:
            return True
    for item in state.items:
        if item.kind == "response" and item.attempt in attempts \
                and item.anchor.utterance in utterances:
            decision = layer.decision(item.id) if layer else None
            if decision is None or decision.decision != "reject":
                return True
    return False


def find_attempt(state: MachineState, layer: Layer | None, line: int,
                 extra: tuple[HumanCode, ...] = ()) -> tuple[str, MachineItem | HumanCode]:
    """The attempt whose turn contains `line`: a machine attempt or one of the coder's own.

    Args:
        state: the transcript's machine state.
        layer: the coder's layer (for their own attempts and their rejections).
        line: a line of the attempt turn.
        extra: attempts the coder is adding in the same batch (spreadsheet import).

    Raises:
        UsageError: no attempt there, or the coder rejected the machine's attempt there.
    """
    text = state.text
    index = text.utterance_at_line(line)
    turn = text.turn_of_utterance(index) if index is not None else None
    if turn is None:
        raise UsageError(f"--attempt-line {line}: no utterance of {state.source} is on that line")
    utterances = _turn_said(text, index)
    own = [c for c in (*(layer.codes if layer else ()), *extra)
           if c.kind == "attempt" and c.anchor.utterance in utterances]
    if own:
        return own[0].id, own[0]
    for item in state.items:
        if item.kind == "attempt" and item.anchor.utterance in utterances:
            decision = layer.decision(item.id) if layer else None
            if decision is not None and decision.decision == "reject":
                raise UsageError(f"--attempt-line {line}: you rejected the machine's attempt on "
                                 f"line {item.line}; code the attempt yourself first "
                                 "(--code PSY_ATTEMPT) or change that decision")
            return item.id, item
    raise UsageError(f"--attempt-line {line}: no attempt on the turn at lines "
                     f"{turn.line}-{turn.end_line}; code one first with --code PSY_ATTEMPT")


def plan_code(state: MachineState, layer: Layer | None, codebook: CodebookLike, *,
              coder: str, line: int, code: str, subtype: str | None = None,
              attempt_line: int | None = None, note: str = "",
              extra: tuple[HumanCode, ...] = ()) -> HumanCode:
    """An anchored human code for `code` on `line` (validated; nothing is written).

    Raises:
        UsageError: the code, subtype, line, speaker or attempt is not valid (the message
            says which and lists the valid options).
    """
    code = code.strip().upper()
    subtype = subtype.strip().upper() if subtype else None
    kind = kind_for_code(code, codebook.catalogue)
    if kind is None:
        supported = ", ".join(c for c in codebook.code_names
                              if kind_for_code(c, codebook.catalogue) is not None)
        if code in codebook.code_names:
            raise UsageError(f"{code} is in the codebook but cakit has no place to store it as "
                             f"a human code yet; supported: {supported}")
        raise UsageError(f"unknown code {code!r}; choose one of: {supported}")
    problem = check_label(codebook, kind, code, subtype)
    if problem:
        raise UsageError(problem)
    text = state.text
    index = text.utterance_at_line(line)
    if index is None:
        first, last = (text.lines[0][0], text.lines[-1][1]) if text.lines else (0, 0)
        raise UsageError(f"line {line}: no utterance of {state.source} is on that line "
                         f"(talk runs on lines {first}-{last})")
    turn = text.turn_of_utterance(index)
    if turn is not None and off_role(kind, turn):
        raise UsageError(f"line {line} is spoken by {turn.speaker} ({turn.role}); {code} goes on "
                         f"a {ROLE_OF_KIND[kind]}'s turn")
    attempt_id: str | None = None
    attempt_anchor = None
    if kind in ATTEMPT_BOUND:
        if attempt_line is None:
            raise UsageError(f"{code} belongs to an attempt: give --attempt-line with a line of "
                             "the attempt it responds to")
        attempt_id, attempt = find_attempt(state, layer, attempt_line, extra)
        attempt_anchor = attempt.anchor
        if turn is not None and attempt.anchor.line > turn.line:
            raise UsageError(f"line {line} comes before the attempt on line "
                             f"{attempt.anchor.line}; a response follows its attempt")
    elif attempt_line is not None:
        raise UsageError(f"--attempt-line is only for responses, modifiers and carer responses, "
                         f"not {code}")
    anchor = text.anchor(index)
    return human_code(coder=coder, kind=kind, code=code, subtype=subtype, anchor=anchor,
                      identity=state.identity, attempt=attempt_id, attempt_anchor=attempt_anchor,
                      note=note)


def decide(root: Path, state: MachineState, item: MachineItem, *, coder: str,
           decision: str | None, code: str | None = None, subtype: str | None = None,
           note: str | None = None) -> Decision:
    """Record a decision on a machine item (locked read-modify-write, atomic).

    The previous decision on the same item, read under the lock, goes into the history;
    `decision=None` with a note changes only the note.

    Raises:
        StoreError: the layer is corrupt (nothing written) or the lock timed out.
    """
    attempt = state.item(item.attempt) if item.attempt else None
    made: list[Decision] = []

    def change(current: Layer | None) -> Layer:
        previous = current.decision(item.id) if current is not None else None
        new = make_decision(item, coder=coder, decision=decision, code=code, subtype=subtype,
                            note=note, previous=previous, attempt=attempt)
        made.append(new)
        return put_decision(current, new, identity=state.identity, sha256=state.transcript.sha256,
                            utterances=state.text.fingerprints)

    update_layer(layer_path(Path(root), coder, state.identity), change)
    return made[-1]


def decide_many(root: Path, state: MachineState,
                requests: Sequence[tuple[MachineItem, str | None, str | None, str | None,
                                         str | None]],
                *, coder: str, codes: Sequence[HumanCode] = ()) -> None:
    """Record several decisions and human codes on one transcript in one locked write.

    Each request is (item, decision, code, subtype, note), as for `decide`.

    Raises:
        StoreError: the layer is corrupt (nothing written) or the lock timed out.
    """
    if not requests and not codes:
        return

    def change(current: Layer | None) -> Layer:
        layer = current
        for item, decision, code, subtype, note in requests:
            previous = layer.decision(item.id) if layer is not None else None
            attempt = state.item(item.attempt) if item.attempt else None
            new = make_decision(item, coder=coder, decision=decision, code=code,
                                subtype=subtype, note=note, previous=previous, attempt=attempt)
            layer = put_decision(layer, new, identity=state.identity,
                                 sha256=state.transcript.sha256,
                                 utterances=state.text.fingerprints)
        for human in codes:
            layer = put_code(layer, human, identity=state.identity, sha256=state.transcript.sha256,
                             utterances=state.text.fingerprints)
        assert layer is not None
        return layer

    update_layer(layer_path(Path(root), coder, state.identity), change)
