"""Which turns (and which attempts' sequences) a coder has decided: `decided_turns`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from cakit.agreement import Coverage, coverage, units_for
from cakit.annotate import annotator_for
from cakit.annotate.codebook import builtin_catalogue
from cakit.annotations import ConsultationAnnotations
from cakit.formats import read
from cakit.store.anchors import Anchor, TranscriptText
from cakit.store.coverage import decided_turns
from cakit.store.effective import apply, verdict_for
from cakit.store.items import machine_items
from cakit.store.records import Decision, HumanCode, Layer, LayerHeader, MachineItem
from cakit.store.sync import make_decision

from ._fixtures import BASE, insert_before, write


@dataclass(frozen=True)
class Machine:
    """BASE as the machine coded it (see the item list in `test_machine_items_as_expected`)."""

    text: TranscriptText
    consultation: ConsultationAnnotations
    items: tuple[MachineItem, ...]

    def item(self, kind: str, turn: str, code: str | None = None) -> MachineItem:
        return next(i for i in self.items if i.kind == kind and i.turn_id == turn
                    and (code is None or i.code == code))

    def anchor(self, turn: str) -> Anchor:
        found = self.text.turn(turn)
        assert found is not None
        return self.text.turn_anchor(found)


def _machine(folder: Path, source: str) -> Machine:
    transcript = read(str(write(folder, "t.txt", source))).transcript
    consultation = annotator_for(None).annotate(transcript)
    text = TranscriptText.of(transcript)
    return Machine(text, consultation, machine_items(consultation, text, "t.txt"))


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Machine:
    return _machine(tmp_path_factory.mktemp("base"), BASE)


def _layer(machine: Machine, coder: str, decisions: tuple[Decision, ...] = (),
           codes: tuple[HumanCode, ...] = ()) -> Layer:
    return Layer(header=LayerHeader(layer=coder, source="t.txt", sha256=machine.text.sha256),
                 decisions=decisions, codes=codes)


def _own(machine: Machine, kind: str, code: str, turn: str, *, coder: str = "ann",
         subtype: str | None = None, attempt: str | None = None,
         attempt_turn: str | None = None) -> HumanCode:
    return HumanCode(id=f"h-{kind}-{turn}", kind=kind, code=code, coder=coder,
                     anchor=machine.anchor(turn), subtype=subtype, attempt=attempt,
                     attempt_anchor=machine.anchor(attempt_turn) if attempt_turn else None)


def test_machine_items_as_expected(machine: Machine) -> None:
    # the cases below rely on where the machine codes BASE
    found = [(i.kind, i.turn_id) for i in machine.items]
    assert found == [
        ("attempt", "t6"), ("response", "t7"), ("modifier", "t7"), ("elicited", "t8"),
        ("response", "t9"), ("attempt", "t10"), ("response", "t11"), ("response", "t12"),
        ("carer_response", "t14"), ("attempt", "t15"), ("response", "t16"),
        ("elicited", "t17"), ("response", "t18"),
    ]
    assert machine.item("attempt", "t6").subtype == "PSY_Q"


Build = Callable[[Machine], tuple[tuple[Decision, ...], tuple[HumanCode, ...]]]


def _decide(kind: str, turn: str, decision: str | None, code: str | None = None,
            subtype: str | None = None, note: str | None = None) -> Build:
    def build(m: Machine) -> tuple[tuple[Decision, ...], tuple[HumanCode, ...]]:
        return (make_decision(m.item(kind, turn), coder="ann", decision=decision, code=code,
                              subtype=subtype, note=note),), ()
    return build


def _stale_reject(m: Machine) -> tuple[tuple[Decision, ...], tuple[HumanCode, ...]]:
    # rejected when the machine proposed another subtype: says nothing about PSY_Q
    old = replace(m.item("attempt", "t6"), subtype="PSY_ASSERT")
    return (make_decision(old, coder="ann", decision="reject"),), ()


def _vanished(m: Machine) -> tuple[tuple[Decision, ...], tuple[HumanCode, ...]]:
    gone = replace(m.item("attempt", "t6"), id="no-longer-proposed", kind="elicited",
                   code="PSY_ELICITED", subtype=None, anchor=m.anchor("t13"))
    return (make_decision(gone, coder="ann", decision="accept"),), ()


def _orphan(m: Machine) -> tuple[tuple[Decision, ...], tuple[HumanCode, ...]]:
    anchor = Anchor(sha256="0" * 64, utterance="u99", start=0, end=4,
                    quote="words found nowhere here", line=99, end_line=99)
    return (), (HumanCode(id="h-orphan", kind="attempt", code="PSY_ATTEMPT", coder="ann",
                          anchor=anchor, subtype="PSY_ASSERT"),)


def _codes(*make: Callable[[Machine], HumanCode]) -> Build:
    def build(m: Machine) -> tuple[tuple[Decision, ...], tuple[HumanCode, ...]]:
        return (), tuple(f(m) for f in make)
    return build


CASES: list[tuple[str, Build, set[str], set[str]]] = [
    # name, layer, decided turns, decided sequences (by attempt turn)
    ("accept attempt", _decide("attempt", "t6", "accept"), {"t6"}, set()),
    ("change subtype", _decide("attempt", "t6", "relabel", "PSY_ATTEMPT", "PSY_EMO"),
     {"t6"}, set()),
    ("reject attempt", _decide("attempt", "t6", "reject"), {"t6"}, {"t6"}),
    ("attempt to elicited", _decide("attempt", "t6", "relabel", "PSY_ELICITED"),
     {"t6"}, {"t6"}),
    ("accept response", _decide("response", "t7", "accept"), {"t7"}, {"t6"}),
    ("reject modifier", _decide("modifier", "t7", "reject"), set(), {"t6"}),
    ("accept carer", _decide("carer_response", "t14", "accept"), {"t14"}, {"t10"}),
    ("note only", _decide("attempt", "t6", None, note="not sure"), set(), set()),
    ("stale reject", _stale_reject, set(), set()),
    ("elicited to attempt", _decide("elicited", "t8", "relabel", "PSY_ATTEMPT", "PSY_ASSERT"),
     {"t8"}, {"t8"}),
    ("reject elicited", _decide("elicited", "t8", "reject"), {"t8"}, set()),
    ("own attempt, none proposed",
     _codes(lambda m: _own(m, "attempt", "PSY_ATTEMPT", "t13", subtype="PSY_ASSERT")),
     {"t13"}, {"t13"}),
    ("own attempt on the machine's",
     _codes(lambda m: _own(m, "attempt", "PSY_ATTEMPT", "t6", subtype="PSY_Q")),
     {"t6"}, set()),
    ("own response to the machine's attempt",
     _codes(lambda m: _own(m, "response", "ENGAGE", "t11",
                           attempt=m.item("attempt", "t6").id)), {"t11"}, {"t6"}),
    ("own modifier", _codes(lambda m: _own(m, "modifier", "HESITATE", "t9",
                                          attempt=m.item("attempt", "t6").id)), set(), {"t6"}),
    ("own response found by its attempt's anchor",
     _codes(lambda m: _own(m, "response", "ENGAGE", "t13", attempt_turn="t10")),
     {"t13"}, {"t10"}),
    ("own response to an own attempt",
     _codes(lambda m: _own(m, "attempt", "PSY_ATTEMPT", "t13", subtype="PSY_ASSERT"),
            lambda m: _own(m, "response", "ENGAGE", "t16", attempt="h-attempt-t13")),
     {"t13", "t16"}, {"t13"}),
    ("orphaned own code", _orphan, set(), set()),
    ("decision on a code no longer proposed", _vanished, set(), set()),
]


@pytest.mark.parametrize(("name", "build", "turns", "sequences"), CASES,
                         ids=[case[0] for case in CASES])
def test_coverage_decided_turns(machine: Machine, name: str, build: Build, turns: set[str],
                                sequences: set[str]) -> None:
    decisions, codes = build(machine)
    layer = _layer(machine, "ann", decisions, codes)
    assert decided_turns(layer, machine.text, machine.items) == frozenset(turns), name
    assert decided_turns(layer, machine.text, machine.items, "attempt") == frozenset(turns)
    assert decided_turns(layer, machine.text, machine.items,
                         "sequence") == frozenset(sequences), name


def test_coverage_without_a_layer_nothing_is_decided(machine: Machine) -> None:
    assert decided_turns(None, machine.text, machine.items) == frozenset()
    with pytest.raises(ValueError, match="unit must be"):
        decided_turns(None, machine.text, machine.items, "phase")


def test_coverage_follows_an_edited_transcript(machine: Machine, tmp_path: Path) -> None:
    layer = _layer(machine, "ann", (make_decision(machine.item("attempt", "t10"), coder="ann",
                                                  decision="accept"),),
                   (_own(machine, "attempt", "PSY_ATTEMPT", "t13", subtype="PSY_ASSERT"),))
    # a patient turn inserted at the top: every turn id moves up by one
    edited = _machine(tmp_path, insert_before(BASE, ["P:    morning."]))
    assert edited.item("attempt", "t11").id == machine.item("attempt", "t10").id
    # the layer as stored (anchored on the old version) is re-anchored first
    assert decided_turns(layer, edited.text, edited.items) == {"t11", "t14"}


def _effective(machine: Machine, layer: Layer) -> ConsultationAnnotations:
    verdicts = {item.id: verdict_for(item, layer.decision(item.id), layer.header.layer)
                for item in machine.items}
    return apply(machine.consultation, machine.items, verdicts, layer.codes, machine.text,
                 builtin_catalogue())


def test_coverage_counts_for_a_pair_of_coders(machine: Machine) -> None:
    def decision(kind: str, turn: str, verdict: str, code: str | None = None,
                 coder: str = "ann") -> Decision:
        return make_decision(machine.item(kind, turn), coder=coder, decision=verdict, code=code)

    ann = _layer(machine, "ann", (
        decision("attempt", "t6", "accept"), decision("response", "t7", "accept"),
        decision("elicited", "t8", "reject"), decision("attempt", "t10", "reject"),
        decision("response", "t16", None),  # a note only
    ))
    ben = _layer(machine, "ben", (
        decision("attempt", "t6", "accept", coder="ben"),
        decision("response", "t7", "relabel", "ENGAGE", coder="ben"),
        decision("attempt", "t15", "accept", coder="ben"),
    ), (_own(machine, "attempt", "PSY_ATTEMPT", "t13", coder="ben", subtype="PSY_ASSERT"),))
    decided = [decided_turns(layer, machine.text, machine.items) for layer in (ann, ben)]
    assert decided == [{"t6", "t7", "t8", "t10"}, {"t6", "t7", "t13", "t15"}]
    consultations = [_effective(machine, layer) for layer in (ann, ben)]
    measures = units_for("turn", consultations, "t.txt", decided)
    # 18 turns; ann decided 4, ben 4, both t6 and t7; nobody 12 (18 - 6 in the union)
    assert coverage(measures) == (Coverage(measure="code", units=18, decided=(4, 4), joint=2,
                                           machine_only=12),)
    labels = {u.key: u.labels for u in measures[0].units}
    assert labels["t6"] == ("PSY_ATTEMPT", "PSY_ATTEMPT")
    assert labels["t7"] == ("QUESTION_BACK", "ENGAGE")
    assert labels["t10"] == ("none", None)  # ben never looked at it
    assert labels["t13"] == (None, "PSY_ATTEMPT")
    assert labels["t16"] == (None, None)  # a note is not a decision
    # the sequences: both decided a1's R1 (t7); ann rejected a2 (t10); ben's own attempt
    # (t13) has only ben's codes; ben's accepting a3 (t15) leaves its responses undecided
    sequences = [decided_turns(layer, machine.text, machine.items, "sequence")
                 for layer in (ann, ben)]
    assert sequences == [{"t6", "t10"}, {"t6", "t13"}]
