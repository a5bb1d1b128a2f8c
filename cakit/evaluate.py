"""Annotations against a gold standard: precision/recall/F1 per code, κ for labels.

Both sides are in the JSON export shape, so a research team can measure cakit (or one
coder) against its own coders. Items are matched by physical line numbers, which is what
an analyst cites: an attempt by its turn line, a response by its turn line (a clinician
turn answers at most one attempt's window), a carer response by its line, a turn's phase
by the turn's first line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cakit.annotations import (
    NOT_CODED,
    Attempt,
    CarerResponse,
    ConsultationAnnotations,
    Response,
    TurnCode,
    TurnRecord,
    rejected_all,
)

if TYPE_CHECKING:
    from cakit.codes import CodeCatalogue

#: the phase of a turn nobody placed in one
UNKNOWN_PHASE = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Score:
    """Precision/recall/F1 of one code (set comparison of keyed items)."""

    name: str
    gold: int
    predicted: int
    true_positive: int

    @property
    def precision(self) -> float | None:
        return self.true_positive / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positive / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        if not self.gold and not self.predicted:
            return None
        if not self.true_positive:
            return 0.0
        p = self.true_positive / self.predicted
        r = self.true_positive / self.gold
        return 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Accuracy and Cohen's κ of a label compared on matched items."""

    name: str
    items: int
    agreed: int
    kappa: float | None
    confusion: tuple[tuple[str, str, int], ...] = ()

    @property
    def accuracy(self) -> float | None:
        return self.agreed / self.items if self.items else None


@dataclass(frozen=True, slots=True)
class Evaluation:
    scores: tuple[Score, ...]
    agreements: tuple[Agreement, ...]
    consultations: int
    unmatched_gold: tuple[str, ...] = field(default=())
    #: consultations coded but without gold, so not scored (their codes are in no count)
    unscored: tuple[str, ...] = field(default=())
    #: PSY_ATTEMPT scored with each signal (rules alone, classifier alone, both), when the
    #: evaluation compared them
    signals: tuple[tuple[str, Score], ...] = field(default=())

    def score(self, name: str) -> Score:
        for score in self.scores:
            if score.name == name:
                return score
        raise KeyError(name)

    def attempts(self) -> Score:
        """The PSY_ATTEMPT score (all zero when nothing was matched to score)."""
        try:
            return self.score("PSY_ATTEMPT")
        except KeyError:
            return Score("PSY_ATTEMPT", 0, 0, 0)

    def agreement(self, name: str) -> Agreement:
        for agreement in self.agreements:
            if agreement.name == name:
                return agreement
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        return {
            "consultations": self.consultations,
            "scores": [
                {"code": s.name, "gold": s.gold, "predicted": s.predicted, "tp": s.true_positive,
                 "precision": s.precision, "recall": s.recall, "f1": s.f1}
                for s in self.scores
            ],
            "agreements": [
                {"label": a.name, "items": a.items, "agreed": a.agreed, "accuracy": a.accuracy,
                 "kappa": a.kappa}
                for a in self.agreements
            ],
            "unmatched_gold": list(self.unmatched_gold),
            "unscored": list(self.unscored),
            "attempts_by_signal": [
                {"signal": signal, "gold": s.gold, "predicted": s.predicted,
                 "tp": s.true_positive, "precision": s.precision, "recall": s.recall,
                 "f1": s.f1}
                for signal, s in self.signals
            ],
        }


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's κ of (gold, predicted) label pairs: `cakit.agreement.cohen_kappa`, the one
    computation of it (None when undefined: fewer than two items, or both sides gave every
    item one and the same label)."""
    from cakit.agreement import cohen_kappa as kappa

    listed = list(pairs)
    return kappa([g for g, _ in listed], [p for _, p in listed])


def _score(name: str, gold: set[tuple[object, ...]], predicted: set[tuple[object, ...]]) -> Score:
    return Score(name, len(gold), len(predicted), len(gold & predicted))


def evaluate(
    gold: Iterable[ConsultationAnnotations], predicted: Iterable[ConsultationAnnotations]
) -> Evaluation:
    """Compare predicted annotations with gold ones, consultation by consultation.

    Consultations are paired by id: a gold consultation's `id` against the prediction's
    (the transcript's file stem). Gold consultations without a prediction are listed in
    `unmatched_gold`, predictions without gold in `unscored`; both are left out of every
    count. (A transcript read with no talk is a prediction with no codes, which the
    command line makes, so its gold codes count as missed.)

    Raises:
        ValueError: two predictions, or two gold consultations, share an id (they would
            be counted twice, or one would silently replace the other).
    """
    gold = list(gold)
    predicted = list(predicted)
    for side, consultations in (("gold", gold), ("predicted", predicted)):
        repeated = sorted(id_ for id_, n in Counter(c.id for c in consultations).items()
                          if n > 1)
        if repeated:
            raise ValueError(f"{side} consultations share an id: {', '.join(repeated)}")
    predicted_by_id = {c.id: c for c in predicted}
    gold_ids = {c.id for c in gold}
    sets: dict[str, tuple[set[tuple[object, ...]], set[tuple[object, ...]]]] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    unmatched: list[str] = []
    count = 0

    def add(name: str, gold_items: Iterable[tuple[object, ...]],
            predicted_items: Iterable[tuple[object, ...]]) -> None:
        g, p = sets.setdefault(name, (set(), set()))
        g.update(gold_items)
        p.update(predicted_items)

    for g in gold:
        p = predicted_by_id.get(g.id)
        if p is None:
            unmatched.append(g.id)
            continue
        count += 1
        cid = g.id
        add("PSY_ATTEMPT", ((cid, a.line) for a in g.attempts), ((cid, a.line) for a in p.attempts))
        for subtype in ("PSY_Q", "PSY_ASSERT", "PSY_EMO", "PSY_REPEAT"):
            add(subtype, ((cid, a.line) for a in g.attempts if subtype in a.subtypes),
                ((cid, a.line) for a in p.attempts if subtype in a.subtypes))
        add("late", ((cid, a.line) for a in g.attempts if a.late),
            ((cid, a.line) for a in p.attempts if a.late))
        add("PSY_ELICITED", ((cid, e.line) for e in g.elicited),
            ((cid, e.line) for e in p.elicited))
        add("REPAIR_OI", ((cid, e.line) for e in g.repairs), ((cid, e.line) for e in p.repairs))
        for modifier in ("HESITATE", "SMILE_LAUGH"):
            add(modifier, ((cid, r.line) for r in g.responses if modifier in r.modifiers),
                ((cid, r.line) for r in p.responses if modifier in r.modifiers))
        # NO_UPTAKE is no turn, so it has no line to match by: R1 uptake agreement counts it
        uptakes = ({r.uptake for r in g.responses} | {r.uptake for r in p.responses}) - {
            "NO_UPTAKE", NOT_CODED}
        for uptake in sorted(uptakes, key=str):  # a null uptake in gold is a row too
            add(f"uptake:{uptake}",
                ((cid, r.line) for r in g.responses if r.uptake == uptake and r.line),
                ((cid, r.line) for r in p.responses if r.uptake == uptake and r.line))
        carer_codes = {c.code for c in g.carer_responses} | {c.code for c in p.carer_responses}
        for code in sorted(carer_codes, key=str):
            add(code, ((cid, c.line) for c in g.carer_responses if c.code == code),
                ((cid, c.line) for c in p.carer_responses if c.code == code))
        # labels on matched items: an attempt is matched by its line, so a line the gold
        # codes twice is one item here as in the PSY_ATTEMPT row (`_one_per_line`)
        p_attempts = _one_per_line(p)
        p_sequences = {s.attempt_id: s for s in p.sequences}
        g_sequences = {s.attempt_id: s for s in g.sequences}
        for attempt in _one_per_line(g).values():
            match = p_attempts.get(attempt.line)
            if match is None:
                continue
            g_r1 = _r1(g, attempt.id)
            p_r1 = _r1(p, match.id)
            if _uncoded(g, attempt.id) or _uncoded(p, match.id):
                continue  # nobody coded a response on one side: nothing to agree on
            labels.setdefault("R1 uptake", []).append((g_r1, p_r1))
            gs, ps = g_sequences.get(attempt.id), p_sequences.get(match.id)
            if gs and ps:
                labels.setdefault("outcome", []).append((gs.outcome, ps.outcome))
        p_responses = {r.line: r for r in p.responses if r.line}
        g_responses = {r.line: r for r in reversed(g.responses) if r.line}  # first per line
        for line, response in sorted(g_responses.items()):
            if line in p_responses:
                labels.setdefault("uptake (matched responses)", []).append(
                    (response.uptake, p_responses[line].uptake))
        # a gold turn with no phase (UNKNOWN) says nothing about phases: it is not scored
        turn_phases = [(turn.line, turn.phase, p.phase_at_line(turn.line)) for turn in g.turns
                       if _phased(turn)]
        labels.setdefault("phase per turn", []).extend(
            (gold_phase, predicted_phase) for _, gold_phase, predicted_phase in turn_phases)
        # each phase's precision and recall over turns ("how many TREATMENT turns were found")
        for phase in sorted({phase for _, gold_phase, predicted_phase in turn_phases
                             for phase in (gold_phase, predicted_phase)}):
            add(f"phase:{phase}",
                ((cid, line) for line, gold_phase, _ in turn_phases if gold_phase == phase),
                ((cid, line) for line, _, predicted_phase in turn_phases
                 if predicted_phase == phase))
    scores = tuple(_score(name, g, p) for name, (g, p) in sets.items())
    agreements = tuple(
        Agreement(name, len(pairs), sum(1 for a, b in pairs if a == b), cohen_kappa(pairs),
                  tuple(sorted((a, b, n) for (a, b), n in Counter(pairs).items() if a != b)))
        for name, pairs in labels.items()
    )
    return Evaluation(scores, agreements, count, tuple(unmatched),
                      unscored=tuple(c.id for c in predicted if c.id not in gold_ids))


#: One coded item of a consultation: what gold and prediction are compared on.
Coded = Attempt | TurnCode | Response | CarerResponse


def _coded(consultation: ConsultationAnnotations) -> list[Coded]:
    """Every coded item of a consultation (sequences and phases are derived from them)."""
    return [*consultation.attempts, *consultation.elicited, *consultation.repairs,
            *consultation.responses, *consultation.carer_responses]


def off_turn_lines(gold: ConsultationAnnotations, predicted: ConsultationAnnotations
                   ) -> list[int]:
    """Lines of gold codes where the transcript as read now starts no turn: coded on another
    version of the transcript (edited since) or on a line inside a turn. Each such code
    can only count as a miss, however right it is. (A NO_UPTAKE response has no line.)"""
    starts = {turn.line for turn in predicted.turns}
    lines = {item.line for item in _coded(gold) if item.line}
    return sorted(line for line in lines if line not in starts)


def unreviewed(consultation: ConsultationAnnotations) -> bool:
    """Whether a would-be gold consultation holds only machine codes nobody reviewed: codes
    there are, and every one of them is `proposed` by the annotator (producer `auto:…`)."""
    items = _coded(consultation)
    return bool(items) and all(item.producer.startswith("auto:") and
                               item.status == "proposed" for item in items)


def _one_per_line(consultation: ConsultationAnnotations) -> dict[int, Attempt]:
    """Attempts by their line: of two on one line, the first that has responses (else the
    first), so that its R1 is the one compared."""
    by_line: dict[int, Attempt] = {}
    for attempt in consultation.attempts:
        kept = by_line.get(attempt.line)
        if kept is None or (not consultation.responses_to(kept.id)
                            and consultation.responses_to(attempt.id)):
            by_line[attempt.line] = attempt
    return by_line


def repeated_attempt_lines(consultation: ConsultationAnnotations) -> list[int]:
    """Lines coded with more than one attempt. Items are matched by line, so each such line
    is one attempt in every figure: a duplicate, or two attempts that should be on two
    turns."""
    counts = Counter(attempt.line for attempt in consultation.attempts)
    return sorted(line for line, n in counts.items() if n > 1)


def unphased_turns(consultation: ConsultationAnnotations) -> int:
    """How many turns carry no phase (UNKNOWN, or none at all), so are left out of the
    phase figures."""
    return sum(1 for turn in consultation.turns if not _phased(turn))


def _phased(turn: TurnRecord) -> bool:
    return bool(turn.phase) and turn.phase != UNKNOWN_PHASE


def undefined_codes(consultation: ConsultationAnnotations, catalogue: CodeCatalogue,
                    phases: Iterable[str]) -> list[str]:
    """Codes, outcomes and phases in a consultation that the codebook does not define (a
    code renamed since it was coded, a typing slip): nothing the annotator codes can equal
    them, so each one counts only as missed."""
    used = {*(s for a in consultation.attempts for s in a.subtypes),
            *(r.uptake for r in consultation.responses),
            *(r.uptake_subtype for r in consultation.responses if r.uptake_subtype),
            *(m for r in consultation.responses for m in r.modifiers),
            *(c.code for c in consultation.carer_responses)}
    known_phases = {*phases, UNKNOWN_PHASE}
    # str(): a JSON null where a code belongs is named too ("None"), never a crash
    return sorted({*(str(code) for code in used if code not in catalogue and code != NOT_CODED),
                   *(str(s.outcome) for s in consultation.sequences
                     if catalogue.outcome_info(s.outcome) is None),
                   *(str(t.phase) for t in consultation.turns
                     if _phased(t) and t.phase not in known_phases)})


def _uncoded(consultation: ConsultationAnnotations, attempt_id: str) -> bool:
    """Whether the attempt's R1 is a stand-in for responses nobody coded (a coder's own
    attempt); one whose every proposed response the coder rejected is a decision, scored
    as `NOT_CODED` (as `cakit agree` counts it)."""
    first = _first_response(consultation, attempt_id)
    return first is not None and first.uptake == NOT_CODED and not rejected_all(first)


def _first_response(consultation: ConsultationAnnotations, attempt_id: str
                    ) -> Response | None:
    return min(consultation.responses_to(attempt_id), key=lambda r: r.rank, default=None)


def _r1(consultation: ConsultationAnnotations, attempt_id: str) -> str:
    first = _first_response(consultation, attempt_id)
    return first.uptake if first is not None else "NO_UPTAKE"
