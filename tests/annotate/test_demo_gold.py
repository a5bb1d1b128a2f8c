"""The annotator against the hand-coded gold of the demo corpus (issue acceptance levels).

These thresholds are the project's floor: the test fails if a change to rules or codebook
drops any of them. The per-code table is printed with `cakit evaluate --gold
annotations/demo-gold corpora/demo`.
"""

from __future__ import annotations

import pytest

from cakit.annotate import annotator_for
from cakit.evaluate import Evaluation, evaluate
from cakit.formats import read
from tests.conftest import DEMO, GOLD, REPO


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    from cakit.gold import load_gold

    gold = load_gold(GOLD)
    assert len(gold) >= 12, "the demo gold set is incomplete"
    annotator = annotator_for(REPO / "cakit" / "data" / "codebook.yaml")
    predicted = []
    for consultation in gold:
        path = REPO / consultation.source
        assert path.is_file() and path.parent == DEMO, consultation.source
        predicted.append(annotator.annotate(read(path).transcript))
    return evaluate(gold, predicted)


def test_every_gold_file_was_matched(evaluation: Evaluation) -> None:
    assert evaluation.unmatched_gold == ()
    assert evaluation.consultations >= 12


def test_attempt_f1(evaluation: Evaluation) -> None:
    assert (evaluation.score("PSY_ATTEMPT").f1 or 0) >= 0.90


def test_r1_uptake_accuracy(evaluation: Evaluation) -> None:
    assert (evaluation.agreement("R1 uptake").accuracy or 0) >= 0.85


@pytest.mark.parametrize("modifier", ["HESITATE", "SMILE_LAUGH"])
def test_modifier_f1(evaluation: Evaluation, modifier: str) -> None:
    assert (evaluation.score(modifier).f1 or 0) >= 0.90


def test_phase_accuracy_per_turn(evaluation: Evaluation) -> None:
    assert (evaluation.agreement("phase per turn").accuracy or 0) >= 0.85


def test_outcomes_and_subtypes_hold_up(evaluation: Evaluation) -> None:
    assert (evaluation.agreement("outcome").accuracy or 0) >= 0.80
    for subtype in ("PSY_Q", "PSY_ASSERT", "PSY_EMO", "PSY_REPEAT"):
        assert (evaluation.score(subtype).f1 or 0) >= 0.75, subtype
