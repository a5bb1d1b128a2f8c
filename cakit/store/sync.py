"""Keeping coder layers in step with the transcript and the machine, and writing to them.

`sync_layer` is pure: it re-anchors a coder's decisions and codes against the current
transcript and, where an edit changed a machine annotation's stable id (the opening words
of its turn, or of its attempt's turn, were edited), points the decision at the machine
annotation of the same kind now found at the same place — for a response, only if its
attempt also sits where the decision's attempt went — recording the old id in
`retargeted_from` and in the report, never silently.
A decision whose annotation the machine no longer proposes is kept untouched and
reported. The other functions are the locked, atomic writes the CLI uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cakit.annotations import stable_id
from cakit.store.alignment import Alignment
from cakit.store.anchors import (
    Anchor,
    Reanchored,
    TranscriptText,
    context_fits,
    reanchor,
    utterance_number,
)
from cakit.store.labels import ATTEMPT_BOUND, off_role
from cakit.store.layers import coders, layer_path, update_layer
from cakit.store.records import Decision, HumanCode, Layer, LayerHeader, MachineItem, now


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What syncing one coder's layer found and did."""

    coder: str
    results: tuple[Reanchored, ...]
    retargeted: tuple[tuple[str, str], ...] = ()
    unmatched: tuple[Decision, ...] = ()
    detached: tuple[HumanCode, ...] = ()
    #: the coder's own codes on a turn now spoken by someone of another role (the speaker
    #: was corrected, or the roles changed): kept, and left out of the counts
    off_role: tuple[tuple[HumanCode, str, str], ...] = ()  # (code, speaker, role)
    changed: bool = False
    transcript_changed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """kept / moved / fuzzy / orphaned over the layer's decisions and codes."""
        counts = {"kept": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}
        for result in self.results:
            counts[result.outcome] += 1
        return counts

    @property
    def orphaned(self) -> tuple[Reanchored, ...]:
        return tuple(r for r in self.results if r.outcome == "orphaned")

    @property
    def fuzzy(self) -> tuple[Reanchored, ...]:
        return tuple(r for r in self.results if r.outcome == "fuzzy")


def sync_layer(layer: Layer, text: TranscriptText, items: Sequence[MachineItem]
               ) -> tuple[Layer, SyncReport]:
    """Re-anchor a coder layer and re-target decisions whose ids moved (pure).

    Args:
        layer: a coder's layer for this transcript.
        text: the current transcript, indexed.
        items: the current machine items for it.

    Returns:
        The updated layer (equal to `layer` when nothing changed) and a report.
    """
    pairs: list[tuple[str, Anchor]] = []
    for decision in layer.decisions:
        pairs.append((f"d:{decision.target}", decision.anchor))
        if decision.attempt_anchor is not None:
            pairs.append((f"da:{decision.target}", decision.attempt_anchor))
    for code in layer.codes:
        pairs.append((f"c:{code.id}", code.anchor))
        if code.attempt_anchor is not None:
            pairs.append((f"ca:{code.id}", code.attempt_anchor))
    header = layer.header
    # the layer's version aligned with this one (the identity when nothing changed): it
    # places the anchors of that version, and keeps orphans off the talk that was there
    alignment = Alignment.between(header.sha256, header.utterances, text.fingerprints) \
        if header.utterances else None
    report = reanchor(pairs, text, alignment=alignment)
    found = report.by_key()
    by_id = {item.id: item for item in items}
    # an id can outlive its place: a turn inserted above with the same opening words
    # takes over the id, while the decided talk moved down. Then the item of that id is
    # elsewhere than the decision's re-anchored quote, and applying the decision by id
    # would decide a turn the coder never saw. (For a fuzzy match, elsewhere than its
    # turn: it may land on another utterance of the same turn.)
    # Likewise a decision whose talk was deleted (orphaned) while a like turn took over
    # its id: it is applied by id only if that item stands where its talk stood.
    misplaced = {
        d.target for d in layer.decisions
        if d.target in by_id and _elsewhere(found[f"d:{d.target}"], by_id[d.target], text,
                                            alignment)
    }
    targeted = {d.target for d in layer.decisions if d.target in by_id} - misplaced
    # an orphaned decision whose item still stands where its talk stood (a turn split in
    # two, or edited past recognition, keeping its opening words) stays on that item: it
    # is applied, so it is said as fuzzy (check the code still fits), anchored there
    for decision in layer.decisions:
        key = f"d:{decision.target}"
        if found[key].outcome == "orphaned" and decision.target in targeted:
            found[key] = Reanchored(key=key, outcome="fuzzy", previous=found[key].previous,
                                    anchor=replace(by_id[decision.target].anchor,
                                                   status="fuzzy"))
    decisions, retargeted = _settle(layer.decisions, found, items, by_id, misplaced, targeted,
                                    text)
    unmatched = [d for d in decisions if d.target not in by_id]
    attempts = {item.anchor.utterance: item.id for item in items if item.kind == "attempt"}
    human_attempts = {code.id for code in layer.codes if code.kind == "attempt"}
    known_attempts = set(attempts.values()) | human_attempts
    codes: list[HumanCode] = []
    detached: list[HumanCode] = []
    for code in layer.codes:
        attempt_result = found.get(f"ca:{code.id}")
        updated_code = replace(code, anchor=found[f"c:{code.id}"].anchor,
                               attempt_anchor=attempt_result.anchor if attempt_result else None)
        if code.attempt and code.attempt not in known_attempts:
            if attempt_result is not None and attempt_result.outcome != "orphaned" and \
                    attempt_result.anchor.utterance in attempts:
                updated_code = replace(updated_code,
                                       attempt=attempts[attempt_result.anchor.utterance])
            else:
                detached.append(updated_code)
        codes.append(updated_code)
    misfits: list[tuple[HumanCode, str, str]] = []
    for code in codes:
        index = text.index_of(code.anchor.utterance)
        turn = text.turn_of_utterance(index) if index is not None else None
        if code.anchor.status != "orphaned" and turn is not None and off_role(code.kind, turn):
            misfits.append((code, turn.speaker, turn.role))
    uncounted = {code.id for code, _, _ in misfits}  # and what responds to them
    detached += [code for code in codes if code.attempt in uncounted and code not in detached]
    if (header.sha256, header.utterances) != (text.sha256, text.fingerprints):
        header = replace(header, sha256=text.sha256, utterances=text.fingerprints)
    new_layer = Layer(header=header, decisions=tuple(decisions), codes=tuple(codes))
    changed = new_layer != Layer(header=layer.header, decisions=layer.decisions,
                                 codes=layer.codes)
    primary = tuple(found[r.key] for r in report.results if r.key.startswith(("d:", "c:")))
    return (new_layer if changed else layer), SyncReport(
        coder=layer.header.layer, results=primary, retargeted=tuple(retargeted),
        unmatched=tuple(unmatched), detached=tuple(detached), off_role=tuple(misfits),
        changed=changed,
        # the bytes, or how they are read (a newer reader may split a line differently)
        transcript_changed=layer.header.sha256 != text.sha256 or bool(
            layer.header.utterances and layer.header.utterances != text.fingerprints),
    )


def _settle(decisions: Sequence[Decision], found: dict[str, Reanchored],
            items: Sequence[MachineItem], by_id: dict[str, MachineItem],
            misplaced: set[str], targeted: set[str], text: TranscriptText
            ) -> tuple[list[Decision], list[tuple[str, str]]]:
    """Each decision re-anchored and, where its id no longer names the item at its talk,
    moved to the item of its kind there or detached (in the layer's order), and the
    (old id, new id) moves.

    Decisions on the code the machine still proposes at their talk claim an item first:
    when two decided turns are joined into one, the item there keeps the decision made on
    its own code, not one made on the other turn's."""
    proposed_at = {(item.kind, item.code, _turn_at(text, item.anchor.utterance))
                   for item in items}

    def sees_the_same(decision: Decision) -> bool:
        place = _turn_at(text, found[f"d:{decision.target}"].anchor.utterance)
        return (decision.kind, decision.proposed_code, place) in proposed_at

    targeted = set(targeted)  # the caller's set is not changed
    settled: dict[int, Decision] = {}
    retargeted: list[tuple[str, str]] = []
    for position in sorted(range(len(decisions)), key=lambda k: not sees_the_same(decisions[k])):
        decision = decisions[position]
        result = found[f"d:{decision.target}"]
        attempt_result = found.get(f"da:{decision.target}")
        updated = replace(decision, anchor=result.anchor,
                          attempt_anchor=attempt_result.anchor if attempt_result else None)
        moved_away = decision.target in misplaced
        if result.outcome == "orphaned" and moved_away:
            # its talk is gone: detached from the other turn's item, kept, and reported
            # as orphaned and as a decision on a code the machine no longer proposes
            updated = replace(updated, target=stable_id("detached", decision.target,
                                                        result.anchor.utterance),
                              retargeted_from=(*decision.retargeted_from, decision.target))
        elif (decision.target not in by_id or moved_away) and result.outcome != "orphaned":
            candidate = _retarget(decision, result.anchor,
                                  attempt_result.anchor if attempt_result else None,
                                  items, by_id, targeted, text)
            if candidate is not None:
                targeted.add(candidate.id)
                retargeted.append((decision.target, candidate.id))
                updated = replace(updated, target=candidate.id,
                                  retargeted_from=(*decision.retargeted_from, decision.target))
            elif moved_away:
                # nothing of its kind where its talk went: detached from the other turn's
                # item (an id that matches none), kept and reported as unmatched
                detached_id = stable_id("detached", decision.target, result.anchor.utterance)
                retargeted.append((decision.target, detached_id))
                updated = replace(updated, target=detached_id,
                                  retargeted_from=(*decision.retargeted_from, decision.target))
        settled[position] = updated
    return [settled[k] for k in range(len(decisions))], retargeted


def _elsewhere(result: Reanchored, item: MachineItem, text: TranscriptText,
               alignment: Alignment | None) -> bool:
    """Whether the machine item holding a decision's id is not where the decision's talk is:
    the talk was found word for word in another utterance, or not found at all (orphaned)
    and the item's utterance does not stand where the talk stood (by the alignment of the
    two versions when the layer has one, else by the stored context)."""
    if result.outcome == "moved":
        return item.anchor.utterance != result.anchor.utterance
    if result.outcome == "fuzzy":
        # an edited opening gives the turn another id, and a like turn further on the
        # first one's: the item of the id must be on the turn of the fuzzy place
        return _turn_at(text, item.anchor.utterance) != _turn_at(text, result.anchor.utterance)
    if result.outcome != "orphaned":
        return False
    previous = result.previous
    if alignment is not None and alignment.sha256 == previous.sha256:
        old, new = utterance_number(previous.utterance) - 1, text.index_of(item.anchor.utterance)
        belongs = None if new is None else alignment.belongs(old, new)
        if belongs is not None and not (belongs and alignment.lone(old)):
            return not belongs
        # a lone like utterance amid other talk (the file replaced by another): by context
    return not context_fits(previous, text, item.anchor.utterance)


def _retarget(decision: Decision, anchor: Anchor, attempt_anchor: Anchor | None,
              items: Sequence[MachineItem], by_id: dict[str, MachineItem],
              targeted: set[str], text: TranscriptText) -> MachineItem | None:
    """The one machine item of the decision's kind now on the turn of the decision's talk
    (and, for a response, to the attempt on the turn of its attempt's talk), if any. Turns,
    not utterances: joined turns are anchored on their first utterance."""
    place = _turn_at(text, anchor.utterance)
    candidates = [
        item for item in items
        if item.kind == decision.kind and item.id not in targeted and place is not None
        and _turn_at(text, item.anchor.utterance) == place
        and (decision.kind != "modifier" or item.code == decision.proposed_code)
    ]
    if decision.kind in ATTEMPT_BOUND:
        if attempt_anchor is None or attempt_anchor.status == "orphaned":
            return None
        attempt_turn = _turn_at(text, attempt_anchor.utterance)
        candidates = [item for item in candidates if item.attempt in by_id and
                      _turn_at(text, by_id[item.attempt].anchor.utterance) == attempt_turn]
    return candidates[0] if len(candidates) == 1 else None


def _turn_at(text: TranscriptText, utterance_id: str) -> str | None:
    """The id of the turn holding an utterance of the current transcript."""
    index = text.index_of(utterance_id)
    turn = text.turn_of_utterance(index) if index is not None else None
    return turn.id if turn is not None else None


# -- writing ---------------------------------------------------------------------------

def sync_coder(root: Path, coder: str, identity: str, text: TranscriptText,
               items: Sequence[MachineItem]) -> SyncReport | None:
    """Sync one coder's layer file under its lock; None when the coder has no file.

    Raises:
        StoreError: the layer is corrupt (nothing written) or the lock timed out.
    """
    reports: list[SyncReport] = []

    def change(current: Layer | None) -> Layer | None:
        if current is None:
            return None
        new_layer, report = sync_layer(current, text, items)
        reports.append(report)
        return new_layer

    update_layer(layer_path(Path(root), coder, identity), change)
    return reports[-1] if reports else None


def sync_all(root: Path, identity: str, text: TranscriptText,
             items: Sequence[MachineItem]) -> tuple[SyncReport, ...]:
    """Sync every coder layer that has a file for this transcript."""
    out = []
    for coder in coders(Path(root), identity):
        report = sync_coder(root, coder, identity, text, items)
        if report is not None:
            out.append(report)
    return tuple(out)


def _empty_layer(coder: str, identity: str, sha256: str,
                 utterances: Sequence[str] = ()) -> Layer:
    from cakit import __version__

    return Layer(header=LayerHeader(layer=coder, source=identity, sha256=sha256,
                                    cakit_version=__version__, utterances=tuple(utterances)))


def make_decision(item: MachineItem, *, coder: str, decision: str | None,
                  code: str | None = None, subtype: str | None = None, note: str | None = None,
                  previous: Decision | None = None, attempt: MachineItem | None = None,
                  time: str | None = None) -> Decision:
    """A decision on `item`; the previous one (if any) goes into its history (pure).

    `decision=None` with a note keeps the previous decision and changes only the note.
    """
    history: tuple[dict[str, object], ...] = ()
    proposed = (item.code, item.subtype)
    if previous is not None:
        old = previous.to_dict()
        for key in ("history", "anchor", "attempt_anchor", "type", "retargeted_from"):
            old.pop(key, None)
        history = (*previous.history, old)
        if decision is None:
            # a note alone changes no decision: it stays on what the coder saw, even when
            # the machine proposes something else there now
            decision, code, subtype = previous.decision, previous.code, previous.subtype
            proposed = (previous.proposed_code, previous.proposed_subtype)
        if note is None:
            note = previous.note
    if decision != "relabel":
        code, subtype = None, None
    return Decision(
        target=item.id, kind=item.kind, coder=coder, anchor=item.anchor,
        attempt_anchor=attempt.anchor if attempt is not None else None,
        proposed_code=proposed[0], proposed_subtype=proposed[1], decision=decision, code=code,
        subtype=subtype, note=note or "", time=time or now(),
        retargeted_from=previous.retargeted_from if previous is not None else (),
        history=history,
    )


def put_decision(layer: Layer | None, decision: Decision, *, identity: str,
                 sha256: str, utterances: Sequence[str] = ()) -> Layer:
    """The layer with `decision` inserted or replacing the one on the same target (pure).

    A new layer records `sha256` and `utterances` (the fingerprints of that version's
    utterances, `TranscriptText.fingerprints`) as the version its anchors point into."""
    base = layer or _empty_layer(decision.coder, identity, sha256, utterances)
    decisions = [d for d in base.decisions if d.target != decision.target]
    decisions.append(decision)
    return Layer(header=base.header, decisions=tuple(decisions), codes=base.codes)


def put_code(layer: Layer | None, code: HumanCode, *, identity: str, sha256: str,
             utterances: Sequence[str] = ()) -> Layer:
    """The layer with a human code inserted or replacing one with the same id (pure)."""
    base = layer or _empty_layer(code.coder, identity, sha256, utterances)
    codes = [c for c in base.codes if c.id != code.id]
    codes.append(code)
    return Layer(header=base.header, decisions=base.decisions, codes=tuple(codes))


def save_decision(root: Path, identity: str, decision: Decision, *, sha256: str,
                  utterances: Sequence[str] = ()) -> None:
    """Insert or replace one decision in the coder's layer (locked read-modify-write).

    Raises:
        StoreError: the layer is corrupt (nothing written) or the lock timed out.
    """
    update_layer(layer_path(Path(root), decision.coder, identity),
                 lambda current: put_decision(current, decision, identity=identity,
                                              sha256=sha256, utterances=utterances))


def save_decisions(root: Path, identity: str, decisions: Sequence[Decision], *,
                   sha256: str, codes: Sequence[HumanCode] = (),
                   utterances: Sequence[str] = ()) -> None:
    """Several decisions and codes of one coder on one transcript in a single write."""
    if not decisions and not codes:
        return
    coder = (decisions[0] if decisions else codes[0]).coder

    def change(current: Layer | None) -> Layer:
        layer = current
        for decision in decisions:
            layer = put_decision(layer, decision, identity=identity, sha256=sha256,
                                 utterances=utterances)
        for code in codes:
            layer = put_code(layer, code, identity=identity, sha256=sha256,
                             utterances=utterances)
        assert layer is not None
        return layer

    update_layer(layer_path(Path(root), coder, identity), change)


def save_code(root: Path, identity: str, code: HumanCode, *, sha256: str,
              utterances: Sequence[str] = ()) -> None:
    """Insert or replace one human code in the coder's layer (locked read-modify-write)."""
    update_layer(layer_path(Path(root), code.coder, identity),
                 lambda current: put_code(current, code, identity=identity, sha256=sha256,
                                          utterances=utterances))


def human_code_id(identity: str, *, coder: str, kind: str, code: str, subtype: str | None,
                  anchor: Anchor, attempt: str | None) -> str:
    """The stable id of a coder's own code: coder, code and place (same input → same id)."""
    return stable_id(identity, "human", coder, kind, code, subtype or "", anchor.utterance,
                     anchor.quote, attempt or "")


def human_code(*, coder: str, kind: str, code: str, subtype: str | None, anchor: Anchor,
               identity: str, attempt: str | None = None,
               attempt_anchor: Anchor | None = None, note: str = "",
               time: str | None = None) -> HumanCode:
    """A human code with an id derived from coder, code and place (same input → same id)."""
    code_id = human_code_id(identity, coder=coder, kind=kind, code=code, subtype=subtype,
                            anchor=anchor, attempt=attempt)
    return HumanCode(id=code_id, kind=kind, code=code, subtype=subtype, coder=coder,
                     anchor=anchor, attempt=attempt, attempt_anchor=attempt_anchor, note=note,
                     time=time or now())
