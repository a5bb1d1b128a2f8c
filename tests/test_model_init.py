"""The hot types get a faster generated __init__ (cakit._quick_init); they must behave
exactly as the frozen dataclasses they are: same parameters, defaults and keyword-only rule
as the fields, every field set, still frozen, and replace/pickle/equality intact."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from cakit.annotate.spacy_bridge import Hit
from cakit.annotations import Evidence, TurnRecord
from cakit.formats._lines import LogicalLine
from cakit.formats.jefferson.marks import Content
from cakit.model import DependentTier, Event, MediaTime, Token, Turn, Utterance
from cakit.store.anchors import Anchor
from cakit.store.records import MachineItem


@pytest.mark.parametrize(
    "cls", [Token, Event, DependentTier, Utterance, MediaTime, Turn, TurnRecord, Evidence, Hit,
            LogicalLine, Content, Anchor, MachineItem])
def test_init_parameters_are_the_fields_in_order_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        expected = inspect.Parameter.empty if field.default is dataclasses.MISSING \
            else field.default
        assert parameter.default == expected, field.name
        keyword_only = parameter.kind is inspect.Parameter.KEYWORD_ONLY
        assert keyword_only == field.kw_only, field.name
    assert "__setattr__" not in cls.__init__.__code__.co_names  # the fast version is in use


def test_every_field_is_set_from_its_argument() -> None:
    media = MediaTime(10, 20)
    event = Event("overlap", "[", 3, 7, 9, "begin", 0.5, 2, (1, 2), media, True, "o1")
    assert dataclasses.astuple(event) == (
        "overlap", "[", 3, 7, 9, "begin", 0.5, 2, (1, 2), (10, 20), True, "o1")
    token = Token("HEL:lo", "hello", "word", 4, 5, 8, "fp")
    assert dataclasses.astuple(token) == ("HEL:lo", "hello", "word", 4, 5, 8, "fp")
    assert Token("a", "a", "word", 1, 1) == Token("a", "a", "word", 1, 1, 0, "")
    utterance = Utterance(id="u1", index=0, speaker="PAT", line=3, col=1, end_line=4,
                          content="hello .", tokens=(token,), terminator=".")
    assert (utterance.id, utterance.tokens, utterance.events, utterance.tiers,
            utterance.tokenized, utterance.media) == ("u1", (token,), (), (), True, None)
    with pytest.raises(TypeError):
        Utterance("u1", 0, "PAT", 3, 1, 4, "x")  # type: ignore[misc]  # keyword-only
    with pytest.raises(TypeError):
        Token("a", "a", "word", 1)  # type: ignore[call-arg]  # a required field missing


@pytest.mark.parametrize("value", [Token("a", "a", "word", 1, 2),
                                   Event("pause", "(.)", 0, 1, 2, label="micro", value=0.1)])
def test_still_a_frozen_dataclass(value: object) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.line = 9  # type: ignore[attr-defined]
    moved = dataclasses.replace(value, line=9)  # type: ignore[type-var]
    assert moved.line == 9 and moved != value  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(value)) == value
    assert hash(dataclasses.replace(value)) == hash(value)  # type: ignore[type-var]


def _sent_types() -> list[type]:
    from cakit import annotations
    from cakit.project import CorpusFile
    from cakit.report.inputs import ConsultationInput, PhaseStats
    from cakit.run import FileOutcome

    return [annotations.Evidence, annotations.TurnRecord, annotations.PhaseSpan,
            annotations.Attempt, annotations.TurnCode, annotations.Response,
            annotations.CarerResponse, annotations.SequenceRecord,
            annotations.ConsultationAnnotations, PhaseStats, ConsultationInput, CorpusFile,
            FileOutcome]


@pytest.mark.parametrize("cls", _sent_types())
def test_the_quick_state_is_the_dataclass_state(cls: type) -> None:
    """The types a report sends between processes pickle through `quick_state`: the
    state is the list of field values in field order, as `dataclass(slots=True)` makes
    it, so each side loads what the other wrote."""
    assert cls.__getstate__.__module__ == "cakit._quick_init"  # type: ignore[attr-defined]
    assert cls.__setstate__.__module__ == "cakit._quick_init"  # type: ignore[attr-defined]


def test_report_inputs_round_trip_through_pickle_unchanged() -> None:
    from dataclasses import fields as dataclass_fields

    from cakit.report.inputs import as_inputs, pack, unpack
    from tests.report._helpers import gold_pairs

    for item in as_inputs(gold_pairs()):
        assert pickle.loads(pickle.dumps(item)) == item
        assert unpack(pack(item)) == item
        state = item.__getstate__()  # type: ignore[attr-defined]
        assert state == [getattr(item, f.name) for f in dataclass_fields(item)]
        blank = object.__new__(type(item))
        blank.__setstate__(state)  # type: ignore[attr-defined]
        assert blank == item
        half = object.__new__(type(item))
        with pytest.raises(ValueError):  # a state of another shape is refused, not half-set
            half.__setstate__(state[:-1])  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            getattr(half, dataclass_fields(item)[0].name)


def test_run_outcomes_round_trip_through_pickle_unchanged() -> None:
    """What a worker sends back for each file (its outcome, with the file) loads equal."""
    from pathlib import Path

    from cakit.model import Diagnostic, SourceSpan
    from cakit.project import corpus_file
    from cakit.run import FileOutcome
    from tests.conftest import REPO

    file = corpus_file(REPO / "corpora" / "demo" / "01-brennan-jefferson.txt")
    problem = Diagnostic("E534", "error", "bad", SourceSpan(Path("x.cha"), 2, 3))
    outcome = FileOutcome(file, (problem,), 12, value=b"packed", reused=True,
                          speakers=(("DR", "clinician"),), notes=("moved",))
    assert pickle.loads(pickle.dumps(file)) == file
    assert pickle.loads(pickle.dumps(outcome)) == outcome
