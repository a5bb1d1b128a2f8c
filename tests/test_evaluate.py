"""Metrics of `cakit evaluate`, checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from cakit.annotations import Attempt, ConsultationAnnotations, Response, TurnRecord
from cakit.evaluate import cohen_kappa, evaluate


def _consultation(attempt_lines: list[int], r1: dict[int, str],
                  phases: dict[int, str]) -> ConsultationAnnotations:
    attempts = tuple(
        Attempt(id=f"a{k}", turn_id=f"t{line}", line=line, subtypes=("PSY_ASSERT",))
        for k, line in enumerate(attempt_lines, 1)
    )
    responses = tuple(
        Response(attempt_id=f"a{attempt_lines.index(line) + 1}", turn_id=f"t{line + 1}",
                 line=line + 1, rank=1, uptake=uptake)
        for line, uptake in r1.items()
    )
    turns = tuple(TurnRecord(id=f"t{line}", speaker="D", role="clinician", line=line,
                             end_line=line, phase=phase) for line, phase in phases.items())
    return ConsultationAnnotations(id="c", source="c.txt", format="jefferson",
                                   attempts=attempts, responses=responses, turns=turns)


def test_cohen_kappa_by_hand() -> None:
    pairs = [("a", "a")] * 20 + [("a", "b")] * 5 + [("b", "a")] * 10 + [("b", "b")] * 15
    # po = 35/50 = .7; pe = (25*30 + 25*20)/2500 = .5; kappa = (.7 - .5)/.5 = .4
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    assert cohen_kappa([]) is None


def test_precision_recall_f1_and_label_agreement() -> None:
    gold = _consultation([10, 20, 30], {10: "ENGAGE", 20: "TOPIC_SHIFT", 30: "ACKNOWLEDGE"},
                         {1: "OPENING", 5: "PROBLEM_HISTORY", 9: "EXAMINATION", 40: "CLOSING"})
    predicted = _consultation([10, 20, 50], {10: "ENGAGE", 20: "CLOSE_DOWN", 50: "ACKNOWLEDGE"},
                              {1: "OPENING", 5: "OPENING", 9: "EXAMINATION", 40: "CLOSING"})
    result = evaluate([gold], [predicted])
    attempts = result.score("PSY_ATTEMPT")
    assert (attempts.gold, attempts.predicted, attempts.true_positive) == (3, 3, 2)
    assert attempts.precision == pytest.approx(2 / 3) and attempts.recall == pytest.approx(2 / 3)
    assert attempts.f1 == pytest.approx(2 / 3)
    r1 = result.agreement("R1 uptake")
    assert (r1.items, r1.agreed) == (2, 1)
    phase = result.agreement("phase per turn")
    assert phase.accuracy == pytest.approx(3 / 4)
    assert not math.isnan(phase.kappa or 0.0)
    # each phase scored over turns: the HISTORY turn was read as OPENING
    opening, history = result.score("phase:OPENING"), result.score("phase:PROBLEM_HISTORY")
    assert (opening.gold, opening.predicted, opening.true_positive) == (1, 2, 1)
    assert opening.precision == pytest.approx(1 / 2) and opening.recall == pytest.approx(1.0)
    assert (history.gold, history.predicted, history.recall) == (1, 0, 0.0)
    assert result.score("phase:CLOSING").f1 == pytest.approx(1.0)


def test_unmatched_gold_is_listed() -> None:
    gold = _consultation([10], {}, {})
    result = evaluate([gold], [])
    assert result.unmatched_gold == ("c",) and result.consultations == 0


def test_predictions_without_gold_are_listed_and_shared_ids_refused() -> None:
    gold = _consultation([10], {}, {})
    other = ConsultationAnnotations(id="d", source="d.txt", format="jefferson")
    result = evaluate([gold], [gold, other])
    assert result.unscored == ("d",) and result.consultations == 1
    with pytest.raises(ValueError, match="share an id"):
        evaluate([gold, gold], [gold])
    with pytest.raises(ValueError, match="share an id"):
        evaluate([gold], [gold, gold])
