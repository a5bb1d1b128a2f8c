"""`inputs.pack`/`unpack`: how a report's per-consultation input travels from a worker
to the reporting process, which keeps one per consultation until its tables are built."""

from __future__ import annotations

import pickle

import pytest

from cakit.report import tables
from cakit.report.inputs import ConsultationInput, as_inputs, pack, slim, unpack
from tests.report._helpers import gold_pairs


@pytest.fixture(scope="module")
def demo() -> list[ConsultationInput]:
    return [slim(item) for item in as_inputs(gold_pairs())]


def test_an_input_comes_back_equal(demo: list[ConsultationInput]) -> None:
    for item in demo:
        assert unpack(pack(item)) == item


def test_inputs_unpacked_apart_share_their_strings(demo: list[ConsultationInput]) -> None:
    first, second = unpack(pack(demo[0])), unpack(pack(demo[1]))
    # the same role and phase words in two consultations are one object, as ids are
    roles = {id(record.role) for item in (first, second) for record in item.annotations.turns}
    assert len(roles) == len({record.role for item in (first, second)
                              for record in item.annotations.turns})
    plain = [pickle.loads(pickle.dumps(item)) for item in demo[:2]]
    assert plain[0].annotations.turns[0].role is not plain[1].annotations.turns[0].role


def test_a_report_from_unpacked_inputs_is_the_same(demo: list[ConsultationInput]) -> None:
    unpacked = [unpack(pack(item)) for item in demo]
    assert tables.pooled_by_phase(unpacked).equals(tables.pooled_by_phase(demo))
    assert tables.by_consultation(unpacked).equals(tables.by_consultation(demo))


def test_anything_else_is_refused() -> None:
    with pytest.raises(TypeError, match="not a packed ConsultationInput"):
        unpack(pickle.dumps({"not": "an input"}))
