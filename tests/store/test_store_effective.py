"""Effective annotations: decisions applied, human codes added, consensus, and decisions
surviving `cakit annotate` with an edited codebook."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cakit.annotate.codebook import load_codebook
from cakit.annotations import rejected_all
from cakit.store import (
    HumanCode,
    MachineItem,
    MachineState,
    consensus_verdict,
    decide,
    layer_path,
    load_auto_layer,
    make_decision,
    plan_code,
    read_layer,
    verdict_for,
)
from cakit.store.coding import decide_many

from ._fixtures import BASE, effective_of, ident, invoke, machine_state, write

REPO = Path(__file__).resolve().parents[2]


def _item(state: MachineState, kind: str, line: int, code: str | None = None) -> MachineItem:
    return next(i for i in state.items if i.kind == kind and i.anchor.line == line
                and (code is None or i.code == code))


@pytest.fixture()
def state(tmp_path: Path) -> MachineState:
    return machine_state(write(tmp_path, "t.txt", BASE), tmp_path / "store")


def test_store_effective_without_coder_is_the_machine(state: MachineState, tmp_path: Path) -> None:
    assert effective_of(state, tmp_path / "store") is state.consultation
    same = effective_of(state, tmp_path / "store", coder="nobody")
    assert same.attempts == state.consultation.attempts
    assert all(a.status == "proposed" for a in same.attempts)


def test_store_effective_applies_accept_reject_relabel(state: MachineState,
                                                       tmp_path: Path) -> None:
    root = tmp_path / "store"
    decide(root, state, _item(state, "attempt", 6), coder="ann", decision="accept")
    decide(root, state, _item(state, "response", 8), coder="ann", decision="relabel",
           code="ENGAGE", subtype="ENGAGE_EXPLORE")
    decide(root, state, _item(state, "modifier", 8), coder="ann", decision="reject")
    decide(root, state, _item(state, "attempt", 11), coder="ann", decision="reject")
    decide(root, state, _item(state, "elicited", 9), coder="ann", decision="relabel",
           code="REPAIR_OI")
    result = effective_of(state, root, coder="ann")
    attempts = {a.line: a for a in result.attempts}
    assert set(attempts) == {6, 17}  # the attempt on line 11 was rejected
    assert attempts[6].status == "accepted" and attempts[6].producer.startswith("auto:")
    first = min(result.responses_to(attempts[6].id), key=lambda r: r.rank)
    assert (first.uptake, first.uptake_subtype, first.status, first.producer) == \
        ("ENGAGE", "ENGAGE_EXPLORE", "edited", "human:ann")
    assert first.modifiers == ()  # HESITATE rejected
    sequence = result.sequence(attempts[6].id)
    assert sequence is not None and sequence.outcome == "ENGAGED_IMMEDIATE"
    assert not sequence.hesitated
    # the rejected attempt takes its responses and carer response with it
    rejected = state.consultation.attempts[1].id
    assert not [r for r in result.responses if r.attempt_id == rejected]
    assert not [c for c in result.carer_responses if c.attempt_id == rejected]
    assert result.sequence(rejected) is None
    assert [r.line for r in result.repairs] == [9]
    assert [(r.status, r.producer) for r in result.repairs] == [("edited", "human:ann")]
    assert 9 not in [e.line for e in result.elicited]


def _own_attempt_and_receipt(state: MachineState, root: Path) -> None:
    """Coder ann's own attempt on line 4, and her ACKNOWLEDGE of it on line 5."""
    book = load_codebook(None)
    attempt = plan_code(state, None, book, coder="ann", line=4, code="PSY_ATTEMPT",
                        subtype="PSY_ASSERT")
    decide_many(root, state, (), coder="ann", codes=(attempt,))
    layer = read_layer(layer_path(root, "ann", state.identity))
    response = plan_code(state, layer, book, coder="ann", line=5, code="ACKNOWLEDGE",
                         attempt_line=4, note="minimal receipt")
    decide_many(root, state, (), coder="ann", codes=(response,))


def test_store_effective_adds_the_coders_own_codes(state: MachineState, tmp_path: Path) -> None:
    root = tmp_path / "store"
    _own_attempt_and_receipt(state, root)
    result = effective_of(state, root, coder="ann")
    mine = next(a for a in result.attempts if a.line == 4)
    assert (mine.subtypes, mine.status, mine.producer) == (("PSY_ASSERT",), "accepted",
                                                           "human:ann")
    responses = result.responses_to(mine.id)
    assert [(r.line, r.uptake, r.rank, r.producer) for r in responses] == \
        [(5, "ACKNOWLEDGE", 1, "human:ann")]
    sequence = result.sequence(mine.id)
    assert sequence is not None and sequence.outcome == "MINIMAL"


def test_store_a_coders_attempt_with_no_response_coded_is_not_coded_not_no_uptake(
        state: MachineState, tmp_path: Path) -> None:
    # the annotator looks for responses to its own attempts only: an attempt a coder added
    # has none, and counting it as NO_UPTAKE claimed the clinician did not take it up
    root = tmp_path / "store"
    attempt = plan_code(state, None, load_codebook(None), coder="ann", line=4,
                        code="PSY_ATTEMPT", subtype="PSY_ASSERT")
    decide_many(root, state, (), coder="ann", codes=(attempt,))
    result = effective_of(state, root, coder="ann")
    mine = next(a for a in result.attempts if a.line == 4)
    assert [(r.uptake, r.turn_id, r.rank, rejected_all(r))
            for r in result.responses_to(mine.id)] == [("NOT_CODED", None, 1, False)]
    sequence = result.sequence(mine.id)
    assert sequence is not None and sequence.outcome == "UNRESOLVED"
    # the machine's own attempts keep their responses: none of them is NOT_CODED
    assert [r for r in result.responses if r.uptake == "NOT_CODED"] == \
        list(result.responses_to(mine.id))


def test_store_an_attempt_whose_every_response_was_rejected_is_not_coded(
        state: MachineState, tmp_path: Path) -> None:
    root = tmp_path / "store"
    # line 17's attempt crosses into another phase by its responses (the machine's flag);
    # with every response rejected it crosses nothing (a second outside review found the
    # flag kept, so `excerpts --code CROSSES_PHASE` chose it)
    attempt = _item(state, "attempt", 17)
    machine = state.consultation.sequence(attempt.ref)
    assert machine is not None and machine.crosses_phase
    responses = [i for i in state.items if i.kind in ("response", "carer_response")
                 and i.ref.startswith(f"{attempt.ref}:")]
    assert responses
    for item in responses:
        decide(root, state, item, coder="ann", decision="reject")
    result = effective_of(state, root, coder="ann")
    kept = next(a for a in result.attempts if a.line == 17)
    assert [r.uptake for r in result.responses_to(kept.id)] == ["NOT_CODED"]
    # a decision (agree labels it): rejected, not merely never coded
    assert [rejected_all(r) for r in result.responses_to(kept.id)] == [True]
    sequence = result.sequence(kept.id)
    assert sequence is not None and sequence.outcome == "UNRESOLVED"
    assert not sequence.crosses_phase


def test_store_effective_outcomes_follow_the_runs_codebook(state: MachineState,
                                                          tmp_path: Path) -> None:
    # the decided outcome was computed with the packaged codebook's rules, whatever
    # codebook the run coded with
    from cakit.annotate.codebook import default_codebook_path
    from cakit.store import effective

    text = default_codebook_path().read_text(encoding="utf-8")
    assert "\n  MINIMAL: {when: only" in text
    custom = tmp_path / "codebook.yaml"
    custom.write_text(text.replace("\n  MINIMAL: {when: only", "\n  RECEIPT_ONLY: {when: only"),
                      encoding="utf-8")
    root = tmp_path / "store"
    _own_attempt_and_receipt(state, root)
    result = effective(state.consultation, root=root, identity=state.identity,
                       text=state.text, items=state.items,
                       catalogue=load_codebook(custom).catalogue, coder="ann")
    mine = next(a for a in result.attempts if a.line == 4)
    sequence = result.sequence(mine.id)
    assert sequence is not None and sequence.outcome == "RECEIPT_ONLY"


@pytest.mark.parametrize("kwargs,message", [
    ({"line": 4, "code": "PSY_ATTEMPT"}, "needs a subtype"),
    ({"line": 4, "code": "PSY_ATTEMPT", "subtype": "PSY_WHATEVER"}, "not a subtype"),
    ({"line": 4, "code": "NOT_A_CODE"}, "unknown code"),
    ({"line": 5, "code": "ENGAGE"}, "--attempt-line"),
    ({"line": 5, "code": "ENGAGE", "attempt_line": 3}, "no attempt"),
    ({"line": 4, "code": "ENGAGE", "attempt_line": 6}, "spoken by P"),
    ({"line": 7, "code": "PSY_ELICITED"}, "no utterance"),
])
def test_store_plan_code_validates(state: MachineState, kwargs: dict[str, Any],
                                   message: str) -> None:
    from cakit.errors import UsageError

    with pytest.raises(UsageError, match=message):
        plan_code(state, None, load_codebook(None), coder="ann", **kwargs)


def test_store_verdict_follows_what_the_coder_saw() -> None:
    from cakit.store import Anchor

    anchor = Anchor(sha256="s", utterance="u1", start=0, end=1, quote="mm", line=1, end_line=1)
    item = MachineItem(id="x", kind="response", code="TOPIC_SHIFT", subtype=None, ref="a1:t2",
                       anchor=anchor)
    seen = MachineItem(id="x", kind="response", code="ACKNOWLEDGE", subtype=None, ref="a1:t2",
                       anchor=anchor)
    accept = make_decision(seen, coder="ann", decision="accept")
    reject = make_decision(seen, coder="ann", decision="reject")
    relabel = make_decision(seen, coder="ann", decision="relabel", code="TOPIC_SHIFT")
    # the machine now proposes TOPIC_SHIFT where the coder saw ACKNOWLEDGE
    assert verdict_for(item, accept, "ann").status == "edited"
    assert verdict_for(item, accept, "ann").code == "ACKNOWLEDGE"
    assert verdict_for(item, reject, "ann").status == "proposed"
    assert verdict_for(item, relabel, "ann").status == "accepted"
    assert verdict_for(seen, reject, "ann").status == "rejected"


@pytest.mark.parametrize("votes,status", [
    (["accept", "reject"], "proposed"),  # tie
    (["accept", "accept", "reject"], "accepted"),
    (["reject", "reject", "accept"], "rejected"),
    (["relabel", "relabel", "accept"], "edited"),
    (["relabel", "accept", "reject"], "proposed"),  # no majority
    ([], "proposed"),
])
def test_store_consensus_majority(votes: list[str], status: str) -> None:
    from cakit.store import Anchor

    anchor = Anchor(sha256="s", utterance="u1", start=0, end=1, quote="mm", line=1, end_line=1)
    item = MachineItem(id="x", kind="response", code="ACKNOWLEDGE", subtype=None, ref="a1:t2",
                       anchor=anchor)
    decisions = [make_decision(item, coder=f"c{k}", decision=vote,
                               code="TOPIC_SHIFT" if vote == "relabel" else None)
                 for k, vote in enumerate(votes)]
    verdict = consensus_verdict(item, decisions)
    assert verdict.status == status
    if status == "edited":
        assert (verdict.code, verdict.producer) == ("TOPIC_SHIFT", "human:consensus")


def test_store_effective_consensus_over_layers(state: MachineState, tmp_path: Path) -> None:
    root = tmp_path / "store"
    book = load_codebook(None)
    a1, a2 = _item(state, "attempt", 6), _item(state, "attempt", 11)
    for coder, first, second in (("ann", "accept", "reject"), ("ben", "reject", "reject"),
                                 ("cat", "accept", "accept")):
        decide(root, state, a1, coder=coder, decision=first)
        decide(root, state, a2, coder=coder, decision=second)
    for coder in ("ann", "ben"):  # two of three coders add the same attempt
        code = plan_code(state, None, book, coder=coder, line=4, code="PSY_ATTEMPT",
                         subtype="PSY_ASSERT")
        decide_many(root, state, (), coder=coder, codes=(code,))
    lone = plan_code(state, None, book, coder="cat", line=2, code="PSY_ELICITED")
    decide_many(root, state, (), coder="cat", codes=(lone,))
    result = effective_of(state, root, consensus=True)
    by_line = {a.line: a for a in result.attempts}
    assert by_line[6].status == "accepted"  # 2 of 3 accept
    assert 11 not in by_line  # 2 of 3 reject
    assert by_line[4].producer == "human:consensus"  # 2 of 3 added it
    assert 2 not in [e.line for e in result.elicited]  # only one coder added it


def test_store_decision_survives_annotate_with_an_edited_codebook(tmp_path: Path,
                                                                  runner: Any) -> None:
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    invoke(runner, ["annotate", str(path), "--store", str(store), "-o", str(tmp_path / "1.json")])
    state = machine_state(path, store)
    assert not state.annotated  # the auto layer written by `cakit annotate` is reused
    decide(store, state, _item(state, "attempt", 6), coder="ann", decision="accept")
    decide(store, state, _item(state, "response", 8), coder="ann", decision="relabel",
           code="CLARIFY")
    decide(store, state, _item(state, "modifier", 8), coder="ann", decision="accept",
           note="clear 1.4 s gap")
    decide(store, state, _item(state, "response", 12), coder="ann", decision="reject")
    layer_file = layer_path(store, "ann", ident(path))
    before = layer_file.read_bytes()
    # an edited codebook: new version, a phrase changed, a threshold raised
    text = (REPO / "cakit" / "data" / "codebook.yaml").read_text(encoding="utf-8")
    edited = re.sub(r'^version: ".*"$', 'version: "1.0-edited"', text, count=1,
                    flags=re.MULTILINE).replace(
        "hesitate_gap_s: 1.0 ", "hesitate_gap_s: 3.0 ", 1).replace(
        "      - what do you think\n", "      - what do you reckon\n", 1)
    assert edited.count("1.0-edited") == 1 and "hesitate_gap_s: 3.0" in edited
    codebook = write(tmp_path, "codebook.yaml", edited)
    result = invoke(runner, ["annotate", str(path), "--store", str(store), "--codebook",
                             str(codebook), "-o", str(tmp_path / "2.json")])
    assert "decision on a code the machine no longer proposes" in result.stderr
    assert "HESITATE" in result.stderr
    assert layer_file.read_bytes() == before  # the coder's layer was not rewritten
    again = machine_state(path, store, codebook=codebook)
    assert not again.annotated
    stored = load_auto_layer(store, again.identity)
    assert stored is not None and stored.header.codebook_version.startswith("1.0-edited+")
    assert {i.id for i in again.items} == {i.id for i in state.items if i.kind != "modifier"}
    exported = invoke(runner, ["annotate", str(path), "--store", str(store), "--codebook",
                               str(codebook), "--coder", "ann", "--format", "json"])
    data = json.loads(exported.stdout)["transcripts"][0]
    attempts = {a["line"]: a for a in data["attempts"]}
    assert attempts[6]["status"] == "accepted"
    responses = {(r["attempt_id"], r["line"]): r for r in data["responses"]}
    clarify = responses[(attempts[6]["id"], 8)]
    assert (clarify["uptake"], clarify["status"], clarify["producer"]) == \
        ("CLARIFY", "edited", "human:ann")
    assert (attempts[11]["id"], 12) not in responses  # rejected
    layer = read_layer(layer_file)
    assert layer is not None and len(layer.decisions) == 4
    assert next(d for d in layer.decisions if d.kind == "modifier").note == "clear 1.4 s gap"


def test_store_annotate_prints_counts_after_an_edit(tmp_path: Path, runner: Any) -> None:
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    for item in state.items:
        decide(store, state, item, coder="ann", decision="accept")
    human: HumanCode = plan_code(state, read_layer(layer_path(store, "ann", ident(path))),
                                 load_codebook(None), coder="ann", line=4, code="PSY_ATTEMPT",
                                 subtype="PSY_ASSERT")
    decide_many(store, state, (), coder="ann", codes=(human,))
    # delete line 4 (the human code's utterance) and insert two lines at the top: every
    # machine code sits below line 4, so each one ends up one line further down
    lines = BASE.splitlines(keepends=True)
    path.write_text("Dr:   good morning.\nP:    morning.\n" + "".join(lines[:3] + lines[4:]),
                    encoding="utf-8")
    result = invoke(runner, ["annotate", str(path), "--store", str(store), "-o",
                             str(tmp_path / "out.json")])
    count = len(state.items)
    assert (f"re-anchored 0 kept, {count} moved, 0 fuzzy, 1 orphaned") in result.stderr
    assert "orphaned (kept, not deleted): was line 4" in result.stderr
    layer = read_layer(layer_path(store, "ann", ident(path)))
    assert layer is not None and len(layer.decisions) == count and len(layer.codes) == 1
    assert layer.codes[0].anchor.status == "orphaned"
    assert layer.header.sha256 != state.transcript.sha256
    # every decision still finds its machine code (ids come from the words, not the lines)
    after = machine_state(path, store)
    assert {d.target for d in layer.decisions} == {i.id for i in after.items}


def test_store_decisions_follow_an_edited_attempt(tmp_path: Path, runner: Any) -> None:
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    attempt, response = _item(state, "attempt", 6), _item(state, "response", 8)
    decide(store, state, attempt, coder="ann", decision="accept")
    decide(store, state, response, coder="ann", decision="relabel", code="CLARIFY")
    # a word changed in the attempt's first words changes its stable id (and its response's)
    path.write_text(BASE.replace("why do the voices only come", "why do the voices always come"),
                    encoding="utf-8")
    result = invoke(runner, ["annotate", str(path), "--store", str(store), "-o",
                             str(tmp_path / "o.json")])
    after = machine_state(path, store)
    new_attempt, new_response = _item(after, "attempt", 6), _item(after, "response", 8)
    assert new_attempt.id != attempt.id and new_response.id != response.id
    assert "1 fuzzy" in result.stderr
    assert f"decision moved with its text: {attempt.id} → {new_attempt.id}" in result.stderr
    assert f"{response.id} → {new_response.id}" in result.stderr
    assert "no longer proposes" not in result.stderr
    layer = read_layer(layer_path(store, "ann", ident(path)))
    assert layer is not None
    decisions = {d.target: d for d in layer.decisions}
    assert decisions[new_attempt.id].retargeted_from == (attempt.id,)
    assert decisions[new_attempt.id].anchor.status == "fuzzy"  # flagged for a human look
    assert decisions[new_response.id].code == "CLARIFY"
    final = effective_of(after, store, coder="ann")
    first = min(final.responses_to(final.attempts[0].id), key=lambda r: r.rank)
    assert (final.attempts[0].status, first.uptake) == ("accepted", "CLARIFY")


def test_store_effective_sequence_flags_follow_the_decided_codes(tmp_path: Path) -> None:
    """Rejecting the carer's responses removes carer_first and joint laughter; accepting
    everything changes no flag (demo 01: the carer laughs before the clinician's R1)."""
    root = tmp_path / "store"
    state = machine_state(REPO / "corpora" / "demo" / "01-brennan-jefferson.txt", root)
    late = next(s for s in state.consultation.sequences if s.carer_first and s.joint_laughter)
    for item in state.items:
        decide(root, state, item, coder="all", decision="accept")
    assert effective_of(state, root, coder="all").sequences == state.consultation.sequences
    for item in state.items:
        rejected = item.kind == "carer_response" and item.attempt is not None and \
            state.item(item.attempt).data["id"] == late.attempt_id  # type: ignore[union-attr]
        decide(root, state, item, coder="nocarer", decision="reject" if rejected else "accept")
    decided = next(s for s in effective_of(state, root, coder="nocarer").sequences
                   if s.attempt_id == late.attempt_id)
    assert (decided.carer_involved, decided.carer_first, decided.joint_laughter) == \
        (False, False, False)
    assert decided.outcome == late.outcome and decided.laughed == late.laughed


def test_store_a_decision_stays_with_its_talk_when_a_same_turn_is_inserted_above(
        tmp_path: Path, runner: Any) -> None:
    """A turn's id is its opening words and how many earlier turns open the same way, so a
    like turn inserted above takes the decided turn's id. An audit found the coder's
    reject then applied to the new, never-reviewed turn, and the decided one proposed
    again, with only "7 moved" said. The decision follows its talk."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    answer = _item(state, "elicited", 19)
    decide(store, state, answer, coder="ann", decision="reject")
    lines = BASE.splitlines(keepends=True)
    path.write_text("".join(lines[:2]) + "Dr:   any voices lately?\nP:    they say I'm useless.\n"
                    + "".join(lines[2:]), encoding="utf-8")
    result = invoke(runner, ["annotate", str(path), "--store", str(store), "-o",
                             str(tmp_path / "o.json")])
    after = machine_state(path, store)
    inserted, original = _item(after, "elicited", 4), _item(after, "elicited", 21)
    assert inserted.id == answer.id  # the inserted turn took the id
    assert f"decision moved with its text: {answer.id} → {original.id}" in result.stderr
    final = effective_of(after, store, coder="ann")
    shown = [e.line for e in final.elicited]
    assert 4 in shown and 21 not in shown  # the original is rejected, not the new one


def test_store_a_deleted_turns_decision_is_not_applied_to_the_like_turn_that_takes_its_id(
        tmp_path: Path, runner: Any) -> None:
    """The same take-over by deletion: the first of two like answers ("P: no.") is decided
    and then deleted, so the second takes over its id. An audit found the reject then
    applied to the second, which nobody reviewed. The decision is kept, detached, and
    reported as orphaned; the second answer stays the machine's, undecided."""
    text = ("Dr:   hello, come in and have a seat.\nP:    thanks.\n"
            "Dr:   have you been hearing any voices lately?\nP:    no.\n"
            "Dr:   and do you feel people are following you?\nP:    no.\n"
            "Dr:   okay so how's your sleep been?\nP:    fine.\n")
    path = write(tmp_path, "t.txt", text)
    store = tmp_path / "store"
    state = machine_state(path, store)
    first = _item(state, "elicited", 4)
    decide(store, state, first, coder="ann", decision="reject")
    path.write_text(text.replace("P:    no.\n", "", 1), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    after = machine_state(path, store)
    second = _item(after, "elicited", 5)
    assert second.id == first.id  # the like answer took over the id
    assert "orphaned (kept, not deleted): was line 4: 'no'" in result.stderr
    assert "PSY_ELICITED at line 4 [reject]" in result.stderr
    assert [e.line for e in effective_of(after, store, coder="ann").elicited] == [5]
    kept = read_layer(layer_path(store, "ann", after.identity))
    assert kept is not None and [d.decision for d in kept.decisions] == ["reject"]
    assert kept.decisions[0].retargeted_from == (first.id,)


#: The same symptom check asked twice, answered "P: no." both times.
_ASKED_TWICE = ("Dr:   hello, how have you been?\nP:    alright thanks.\n"
                "Dr:   are you hearing voices at the moment?\nP:    no.\n"
                "Dr:   okay good. and is your sleep alright?\nP:    yeah it's fine.\n"
                "Dr:   good. and how are you with the tablets?\nP:    they make me tired.\n"
                "Dr:   okay. are you hearing voices at the moment?\nP:    no.\n"
                "Dr:   good. I'll see you in a month then.\n")


def _elicited(path: Path, store: Path, coder: str) -> list[int]:
    return [e.line for e in effective_of(machine_state(path, store), store, coder=coder).elicited]


def test_store_the_layer_aligns_versions_so_a_deleted_answer_never_takes_a_like_one(
        tmp_path: Path, runner: Any) -> None:
    """An audit deleted the first of two identical question-and-answer pairs: the decided
    "no." and the other one have the same words and the same context, so no anchor can
    tell them apart, and the reject went to the "no." nobody reviewed, said as "1 moved".
    The layer records its version's utterances, and the two versions are aligned: the
    decided answer is gone (orphaned, reported), the other stays undecided — on this run
    and the next — and undoing the deletion brings the decision back to its answer."""
    path = write(tmp_path, "t.txt", _ASKED_TWICE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "elicited", 4), coder="ann", decision="reject")
    assert _elicited(path, store, "ann") == [10]
    path.write_text(_ASKED_TWICE.replace(
        "Dr:   are you hearing voices at the moment?\nP:    no.\n", "", 1), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "re-anchored 0 kept, 0 moved, 0 fuzzy, 1 orphaned" in result.stderr
    assert "PSY_ELICITED at line 4 [reject]" in result.stderr
    assert _elicited(path, store, "ann") == [8]
    assert _elicited(path, store, "ann") == [8]  # a run on the unchanged file: the same
    path.write_text(_ASKED_TWICE, encoding="utf-8")  # the transcriber undoes the deletion
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "re-anchored 1 kept, 0 moved, 0 fuzzy, 0 orphaned" in result.stderr
    assert _elicited(path, store, "ann") == [10]


def test_store_one_shared_context_word_does_not_place_a_deleted_answer(
        tmp_path: Path, runner: Any) -> None:
    """Two different questions answered "P: no.", each followed by "Dr: okay. …": one word
    of context ("okay") matched, and a layer without the record of its version's
    utterances (written before cakit kept it) moved the reject to the other "no."."""
    text = ("Dr:   hello, how have you been?\nP:    alright thanks.\n"
            "Dr:   do the voices ever tell you to do things?\nP:    no.\n"
            "Dr:   okay. and how is your sleep?\nP:    it's fine.\n"
            "Dr:   do you feel that people are following you?\nP:    no.\n"
            "Dr:   okay. I'll see you in a month then.\n")
    path = write(tmp_path, "t.txt", text)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "elicited", 4), coder="ann", decision="reject")
    layer_file = layer_path(store, "ann", state.identity)
    header, *body = layer_file.read_text(encoding="utf-8").splitlines(keepends=True)
    old = json.loads(header)
    old.pop("utterances", None)  # as a layer written by an earlier cakit
    layer_file.write_text(json.dumps(old) + "\n" + "".join(body), encoding="utf-8")
    path.write_text(text.replace("P:    no.\n", "", 1), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "1 orphaned" in result.stderr
    machine = [e.line for e in machine_state(path, store).consultation.elicited]
    assert 7 in machine and _elicited(path, store, "ann") == machine  # nothing decided


def test_store_talk_added_to_a_decided_turn_is_fuzzy_not_kept(tmp_path: Path,
                                                              runner: Any) -> None:
    """An audit added "why do they do that?" to an accepted assertion: the machine now
    asks a question of it, and the coder's accept (of an assertion) was "kept" in
    silence. The coder decided on less talk than is there now: fuzzy, and said."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "attempt", 11), coder="ann", decision="accept")
    path.write_text(BASE.replace("the men in the van.", "the men in the van. why do they "
                                 "do that?"), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "0 moved, 1 fuzzy, 0 orphaned" in result.stderr
    assert "fuzzy: line 11 → 11: 'they were following me again" in result.stderr


@pytest.mark.parametrize("command", ["report", "excerpts", "search"])
def test_store_every_command_says_what_re_anchoring_found(tmp_path: Path, runner: Any,
                                                          command: str) -> None:
    """The first command run after an edit re-anchors the coder's layer; an audit found
    `report` doing so in silence, so later runs had nothing left to say."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "attempt", 6), coder="ann", decision="accept")
    path.write_text("Dr:   good morning.\n" + BASE, encoding="utf-8")
    extra = {"report": [], "excerpts": [], "search": ["-q", "role=patient"]}[command]
    result = invoke(runner, [command, str(path), "--store", str(store), "--coder", "ann",
                             *extra])
    assert "ann: the transcript changed; re-anchored 0 kept, 1 moved" in result.stderr


def test_store_an_own_modifier_coded_before_its_response_is_kept(tmp_path: Path,
                                                                  runner: Any) -> None:
    """An audit coded HESITATE, then ENGAGE, on the same turn (a .qdpx import stores them
    in that order too): the HESITATE was dropped in silence, as it came before there was
    a response to carry it."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    for args in (["--line", "4", "--code", "PSY_ATTEMPT", "--subtype", "PSY_ASSERT"],
                 ["--line", "5", "--code", "HESITATE", "--attempt-line", "4"],
                 ["--line", "5", "--code", "ENGAGE", "--subtype", "ENGAGE_EMPATHY",
                  "--attempt-line", "4"]):
        invoke(runner, ["code", str(path), *args, "--coder", "bob", "--store", str(store)])
    final = effective_of(machine_state(path, store), store, coder="bob")
    assert [(r.uptake, r.modifiers) for r in final.responses if r.line == 5] == [
        ("ENGAGE", ("HESITATE",))]


def test_store_own_codes_on_a_turn_whose_speaker_changed_role_are_kept_not_counted(
        tmp_path: Path, runner: Any) -> None:
    """An audit coded an own attempt on a patient's turn, with an ENGAGE and a HESITATE to
    it, then corrected the turn's speaker to the mother: the attempt went on counting on a
    carer's turn (which `cakit code` refuses), and nothing was said."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    for args in (["--line", "4", "--code", "PSY_ATTEMPT", "--subtype", "PSY_ASSERT"],
                 ["--line", "5", "--code", "ENGAGE", "--subtype", "ENGAGE_EMPATHY",
                  "--attempt-line", "4"],
                 ["--line", "5", "--code", "HESITATE", "--attempt-line", "4"]):
        invoke(runner, ["code", str(path), *args, "--coder", "ann", "--store", str(store)])
    assert 4 in [a.line for a in effective_of(machine_state(path, store), store,
                                              coder="ann").attempts]
    path.write_text(BASE.replace("P:    not bad.", "Mum:  not bad."), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert ("your PSY_ATTEMPT/PSY_ASSERT at line 4 is on a turn now spoken by Mum (carer); "
            "kept, not counted") in result.stderr
    assert "your HESITATE at line 5 belongs to an attempt that no longer exists or is not " \
        "counted" in result.stderr
    final = effective_of(machine_state(path, store), store, coder="ann")
    assert 4 not in [a.line for a in final.attempts]
    assert 5 not in [r.line for r in final.responses]
    kept = read_layer(layer_path(store, "ann", machine_state(path, store).identity))
    assert kept is not None and len(kept.codes) == 3  # nothing deleted


def test_store_a_decided_turn_split_in_two_is_fuzzy_where_its_decision_stays(
        tmp_path: Path, runner: Any) -> None:
    """An audit split a rejected attempt's turn in two: the reject stayed on the first half
    (the item keeps the turn's opening words) while the coder was told it was orphaned,
    to be placed again. It is said as fuzzy, anchored where it applies."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "attempt", 17), coder="ann", decision="reject")
    path.write_text(BASE.replace("so much I stay", "so much\nP:    I stay"), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "0 moved, 1 fuzzy, 0 orphaned" in result.stderr
    assert "fuzzy: line 17 → 17: 'the voices scare me so much'" in result.stderr
    assert 17 not in [a.line for a in effective_of(machine_state(path, store), store,
                                                   coder="ann").attempts]
    again = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "re-anchored" not in again.stderr


_MERGED = BASE.replace("Dr:   mm.\n      (0.8)\nDr:   okay so how's your appetite been?\n",
                       "Dr:   mm. (0.8) okay so how's your appetite been?\n")


def test_store_two_decided_turns_joined_keep_the_decision_on_the_code_there(
        tmp_path: Path, runner: Any) -> None:
    """An audit rejected ACKNOWLEDGE on "Dr: mm." and accepted TOPIC_SHIFT on the next
    turn, then joined the two: the reject took the joined turn's TOPIC_SHIFT (it came
    first), and the accept of that very code was "no longer proposed"."""
    assert _MERGED != BASE
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "response", 12), coder="ann", decision="reject")
    decide(store, state, _item(state, "response", 14), coder="ann", decision="accept")
    path.write_text(_MERGED, encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "ACKNOWLEDGE at line 12 [reject]" in result.stderr  # no longer proposed: said
    final = effective_of(machine_state(path, store), store, coder="ann")
    assert [(r.line, r.uptake, r.status) for r in final.responses if r.line == 12] == [
        (12, "TOPIC_SHIFT", "accepted")]


def test_store_review_offers_again_a_code_whose_reject_was_of_another(tmp_path: Path,
                                                                       runner: Any) -> None:
    """The same join with only the reject: it follows its talk to the TOPIC_SHIFT there,
    which it says nothing about (the code stays proposed), yet `cakit review` showed it as
    rejected and said "all done"."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "response", 12), coder="ann", decision="reject")
    path.write_text(_MERGED, encoding="utf-8")
    final = effective_of(machine_state(path, store), store, coder="ann")
    assert [(r.uptake, r.status) for r in final.responses if r.line == 12] == [
        ("TOPIC_SHIFT", "proposed")]
    result = invoke(runner, ["review", str(path), "--coder", "ann", "--store", str(store),
                             "--kind", "response"], input="s\n" * 5 + "q\n")
    assert "undecided: you rejected ACKNOWLEDGE, which the machine proposed then" in \
        result.output
    assert "0 decided by ann" in result.output


def test_store_a_note_keeps_a_decision_on_what_the_coder_saw() -> None:
    """A note added (in review, or from a review sheet) to an accepted code the machine now
    proposes differently re-made the accept on the new proposal: "I saw PSY_ASSERT and it
    is right" became "PSY_Q is right", in silence."""
    from cakit.store.anchors import Anchor

    anchor = Anchor(sha256="s", utterance="u1", start=0, end=1, quote="x")
    then = MachineItem(id="i", kind="attempt", code="PSY_ATTEMPT", subtype="PSY_ASSERT",
                       ref="a1", anchor=anchor)
    accepted = make_decision(then, coder="ann", decision="accept")
    now = MachineItem(id="i", kind="attempt", code="PSY_ATTEMPT", subtype="PSY_Q", ref="a1",
                      anchor=anchor)
    noted = make_decision(now, coder="ann", decision=None, note="check", previous=accepted)
    assert (noted.decision, noted.proposed_subtype, noted.note) == ("accept", "PSY_ASSERT",
                                                                     "check")
    assert verdict_for(now, noted, "ann").subtype == "PSY_ASSERT"


#: "Do you still hear the voices at night?" asked twice, answered "P: no." both times.
_TWICE_AT_NIGHT = ("Dr:   hello, come in and have a seat.\nP:    thanks.\n"
                   "Dr:   do you still hear the voices at night?\nP:    no.\n"
                   "Dr:   okay. and your sleep?\nP:    fine.\n"
                   "Dr:   do you still hear the voices at night?\nP:    no.\n"
                   "Dr:   right. see you in a month.\n")


@pytest.mark.parametrize("edit", [
    # one save: the decided pair deleted and the other answer corrected
    lambda t: t.replace("Dr:   do you still hear the voices at night?\nP:    no.\n", "", 1)
    .replace("P:    no.\n", "P:    no, not really.\n"),
    # the file replaced by another consultation that also has a "P: no."
    lambda t: ("Dr:   morning. take a seat.\nP:    cheers.\nDr:   how's work been going?\n"
               "P:    busy. lots of overtime.\nDr:   do you think people talk about you?\n"
               "P:    no.\nDr:   good. we'll keep the dose the same.\n"),
])
def test_store_a_deleted_answer_never_lands_on_edited_or_foreign_talk(
        tmp_path: Path, runner: Any, edit: Any) -> None:
    """A re-audit found the reject of a deleted "P: no." landing on the other "P: no."
    when that one was corrected in the same save (an edited utterance counted as talk
    "inserted since"), and on the "P: no." of another consultation pasted over the file
    (a lone like utterance the diff paired)."""
    path = write(tmp_path, "t.txt", _TWICE_AT_NIGHT)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "elicited", 4), coder="ann", decision="reject")
    path.write_text(edit(_TWICE_AT_NIGHT), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "orphaned (kept, not deleted): was line 4: 'no'" in result.stderr
    assert "fuzzy:" not in result.stderr and "moved with its text" not in result.stderr
    machine = [e.line for e in machine_state(path, store).consultation.elicited]
    assert machine and _elicited(path, store, "ann") == machine  # nothing decided there


def test_store_decisions_follow_a_turn_joined_to_the_one_before(tmp_path: Path,
                                                                 runner: Any) -> None:
    """A re-audit deleted "Dr: that's good to hear." so that the patient's next line joined
    the turn before: the machine codes the same talk, yet the coder's accept of the attempt
    and reject of the QUESTION_BACK were "no longer proposed" and the reject undone: a
    joined turn is anchored on its first utterance, and the match was by utterance."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "attempt", 6), coder="ann", decision="accept")
    decide(store, state, _item(state, "response", 8, "QUESTION_BACK"), coder="ann",
           decision="reject")
    path.write_text(BASE.replace("Dr:   that's good to hear.\n", ""), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "no longer proposes" not in result.stderr
    final = effective_of(machine_state(path, store), store, coder="ann")
    assert [(a.line, a.status) for a in final.attempts if a.line == 4] == [(4, "accepted")]
    assert "QUESTION_BACK" not in [r.uptake for r in final.responses]


def test_store_a_fuzzy_decision_stays_to_check_after_the_next_edit(tmp_path: Path,
                                                                    runner: Any) -> None:
    """A re-audit corrected a decided turn (fuzzy: "check the code still fits"), then added
    a line at the top: the decision became plain "moved" and review's warning was gone."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "attempt", 17), coder="ann", decision="reject")
    edited = BASE.replace("I stay in my room all day", "I stay in my bedroom all day")
    path.write_text(edited, encoding="utf-8")
    invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    path.write_text("Dr:   good morning.\n" + edited, encoding="utf-8")
    invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    layer = read_layer(layer_path(store, "ann", machine_state(path, store).identity))
    assert layer is not None
    assert [(d.anchor.line, d.anchor.status) for d in layer.decisions] == [(18, "fuzzy")]


def test_store_a_fuzzy_decision_whose_id_a_like_turn_took_stays_on_its_turn(
        tmp_path: Path, runner: Any) -> None:
    """A review found: "P: no." twice, the first rejected, then corrected to "P: no no.".
    Its opening changed, so its id went to the second "no." (same opening, now the
    first): the reject was applied there, with "fuzzy: line 4 → 4" said. A fuzzy decision
    is applied by id only on the turn of its fuzzy place."""
    text = ("Dr:   hello.\nP:    hi.\nDr:   any voices?\nP:    no.\n"
            "Dr:   anyone following you?\nP:    no.\nDr:   good.\n")
    path = write(tmp_path, "t.txt", text)
    store = tmp_path / "store"
    state = machine_state(path, store)
    decide(store, state, _item(state, "elicited", 4), coder="ann", decision="reject")
    path.write_text(text.replace("P:    no.\n", "P:    no no.\n", 1), encoding="utf-8")
    result = invoke(runner, ["report", str(path), "--store", str(store), "--coder", "ann"])
    assert "fuzzy: line 4 → 4" in result.stderr
    machine = [e.line for e in machine_state(path, store).consultation.elicited]
    assert 4 in machine and 6 in machine
    assert _elicited(path, store, "ann") == [6]  # line 4 rejected, line 6 never decided



def test_store_code_says_when_an_own_modifier_has_no_response_to_carry_it(
        tmp_path: Path, runner: Any) -> None:
    """A second outside review: a HESITATE coded on a turn with no response to its attempt
    was stored and then counted nowhere, without a word. It is kept (an import may store a
    modifier before its response), and `cakit code` says it counts only once a response is
    coded there."""
    path = write(tmp_path, "t.txt", BASE)
    store = tmp_path / "store"
    invoke(runner, ["code", str(path), "--line", "4", "--code", "PSY_ATTEMPT", "--subtype",
                    "PSY_ASSERT", "--coder", "bob", "--store", str(store)])
    alone = invoke(runner, ["code", str(path), "--line", "5", "--code", "HESITATE",
                            "--attempt-line", "4", "--coder", "bob", "--store", str(store)])
    assert "counts only on a response" in alone.stderr
    carried = invoke(runner, ["code", str(path), "--line", "5", "--code", "ENGAGE",
                              "--subtype", "ENGAGE_EMPATHY", "--attempt-line", "4",
                              "--coder", "bob", "--store", str(store)])
    assert "counts only" not in carried.stderr
    # an own attempt where the machine has one stands for it: the machine's response
    # carries the modifier, and nothing is said (a third outside review)
    invoke(runner, ["code", str(path), "--line", "17", "--code", "PSY_ATTEMPT", "--subtype",
                    "PSY_ASSERT", "--coder", "bob", "--store", str(store)])
    machine = invoke(runner, ["code", str(path), "--line", "18", "--code", "SMILE_LAUGH",
                              "--attempt-line", "17", "--coder", "bob", "--store", str(store)])
    assert "counts only" not in machine.stderr
    final = effective_of(machine_state(path, store), store, coder="bob")
    assert [r.modifiers for r in final.responses if r.line == 18] == [("SMILE_LAUGH",)]
