"""Consultation phases (docs/codebook.md): cue scores, a position prior, ordered decoding.

1. Each turn scores each phase from the codebook's cues (speaker-restricted, weighted),
   plus half the hits of the two turns either side.
2. A position prior favours OPENING at the start and CLOSING at the end.
3. A Viterbi pass decodes the phase order OPENING → PROBLEM_HISTORY → EXAMINATION ⇄
   TREATMENT → PRE_CLOSING → CLOSING: forward moves are cheap, EXAMINATION ⇄ TREATMENT is
   cheap, going back to PROBLEM_HISTORY costs more, and leaving PRE_CLOSING/CLOSING is
   forbidden — a patient's late attempt never reopens the consultation.
4. Anchor events fix boundaries: the clinician's first arrangement or final-concern
   question starts PRE_CLOSING; the first farewell starts CLOSING; the first "how have you
   been" question after the greetings starts PROBLEM_HISTORY.
5. Reopening: at least `phase_reopen_min_turns` clinician turns in a row that score for
   another phase, inside PRE_CLOSING, are given that phase and flagged `reopened`.
With no cue anywhere, every turn is UNKNOWN: the segmenter never forces a label.
Manual marks (CHAT gems `@Bg: PRE_CLOSING`, Jefferson `((phase: pre-closing))`) override.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cakit.annotate.codebook import Codebook
from cakit.annotate.views import TurnView
from cakit.annotations import PHASES, PhaseSpan
from cakit.model import Transcript
from cakit.phase_marks import manual_marks

_INDEX = {phase: k for k, phase in enumerate(PHASES)}
O, PH, EX, TR, PC, CL = range(6)
_NEG = -1e9

#: Transition scores (from, to); anything absent is forbidden.
_TRANSITIONS: dict[tuple[int, int], float] = {}
for _p in range(6):
    _TRANSITIONS[(_p, _p)] = 0.0
_TRANSITIONS.update({
    (O, PH): -0.5, (O, EX): -1.5, (O, TR): -1.5, (O, PC): -3.0,
    (PH, EX): -0.5, (PH, TR): -0.5, (PH, PC): -1.0,
    (EX, TR): -0.5, (TR, EX): -0.5, (EX, PH): -3.0, (TR, PH): -3.0,
    (EX, PC): -0.5, (TR, PC): -0.5,
    (PC, CL): -0.5, (O, CL): -4.0, (PH, CL): -2.5, (EX, CL): -2.0, (TR, CL): -2.0,
})
#: for each phase, the phases it can be reached from (ascending) and the step's score
_PREDECESSORS: tuple[tuple[tuple[int, float], ...], ...] = tuple(
    tuple((q, _TRANSITIONS[(q, p)]) for q in range(6) if (q, p) in _TRANSITIONS)
    for p in range(6)
)

@dataclass(frozen=True, slots=True)
class PhaseResult:
    """The phase of every turn, the spans, and whether marks in the file decided them."""

    labels: tuple[str, ...]
    spans: tuple[PhaseSpan, ...]
    manual: bool


def score_turns(views: list[TurnView], codebook: Codebook) -> list[list[float]]:
    """Raw cue scores per turn and phase (before smoothing and priors)."""
    cues = codebook.phases
    lexicon_cues = [cue for cue in cues if cue.lexicon]
    scores = [[0.0] * 6 for _ in views]
    for t, view in enumerate(views):
        row = scores[t]
        if not view.hits and view.role != "patient":
            continue  # no cue fires (a patient's long turn still counts below)
        fired: dict[int, int] = {}
        for hit in view.hits:
            if hit.group != "phase":
                continue
            index = int(hit.name)
            fired[index] = fired.get(index, 0) + 1
        asks = view.has_weak_question()
        for index, count in fired.items():
            cue = cues[index]
            if cue.speaker != "any" and cue.speaker != view.role:
                continue
            if (cue.form == "question" and not asks) or (cue.form == "statement" and asks):
                continue
            row[_INDEX[cue.phase]] += cue.weight * min(count, 2)
        strong: dict[str, int] = {}  # non-weak lexicon hits per category
        for hit in view.hits:
            if hit.group == "lex" and not hit.pattern.weak:
                strong[hit.name] = strong.get(hit.name, 0) + 1
        if strong:
            for cue in lexicon_cues:
                found = strong.get(cue.lexicon)
                if not found or (cue.speaker != "any" and cue.speaker != view.role):
                    continue
                if (cue.form == "question" and not asks) or (cue.form == "statement" and asks):
                    continue
                row[_INDEX[cue.phase]] += cue.weight * min(found, 2)
        if view.role == "clinician" and view.has_question():
            symptom = any(h.group == "frame" and h.name == "symptom_check" for h in view.hits)
            if symptom:
                row[EX] += 1.0
        if view.role == "patient" and view.n_words >= 25:
            row[PH] += 0.5
    return scores


def _anchor(views: list[TurnView], codebook: Codebook, phase: str, min_position: float,
            clinician_only: bool, start: int = 0) -> int | None:
    cues = codebook.phases
    count = len(views)
    for t in range(start, count):
        view = views[t]
        if count and t / count < min_position:
            continue
        if clinician_only and view.role != "clinician":
            continue
        for hit in view.hits:
            if hit.group != "phase":
                continue
            cue = cues[int(hit.name)]
            if cue.phase == phase and cue.anchor and (
                cue.speaker in ("any", view.role)
            ):
                return t
    return None


def segment(transcript: Transcript, views: list[TurnView], codebook: Codebook) -> PhaseResult:
    """Phases of a consultation's turns (see the module docstring for the procedure)."""
    count = len(views)
    if count == 0:
        return PhaseResult((), (), False)
    thresholds = codebook.thresholds
    raw = score_turns(views, codebook)
    smoothed = _smoothed(raw, thresholds.phase_window, thresholds.phase_window_weight)
    auto_labels, reopened = _decode(views, raw, smoothed, codebook)
    marks = manual_marks(transcript.headers)
    labels = list(auto_labels)
    manual = bool(marks)
    if marks:
        marks.sort(key=lambda item: item[0])
        for t, view in enumerate(views):
            position = view.turn.utterances[0]
            current: str | None = None
            for mark_position, label in marks:
                if mark_position <= position:
                    current = label
            if current:
                labels[t] = current
        reopened = set()
    margins = _margins(smoothed, labels)
    spans = _spans(views, labels, margins, reopened, manual)
    return PhaseResult(tuple(labels), spans, manual)


def _smoothed(raw: list[list[float]], window: int, weight: float) -> list[list[float]]:
    count = len(raw)
    out = []
    nonzero = [t for t in range(count) if any(raw[t])]
    rows = [list(r) for r in raw]
    for u in nonzero:  # spread each scored turn onto its neighbours (most turns score 0)
        source = raw[u]
        for d in range(1, window + 1):
            factor = weight / d
            for t in (u - d, u + d):
                if 0 <= t < count:
                    row = rows[t]
                    for p in range(6):
                        if source[p]:
                            row[p] += factor * source[p]
    out = rows
    return out


def _decode(
    views: list[TurnView], raw: list[list[float]], smoothed: list[list[float]],
    codebook: Codebook,
) -> tuple[list[str], set[int]]:
    thresholds = codebook.thresholds
    count = len(views)
    if not any(any(row) for row in raw):
        return ["UNKNOWN"] * count, set()
    scores = [list(row) for row in smoothed]
    span = max(count - 1, 1)
    for t in range(count):
        position = t / span
        row = scores[t]
        row[O] += 2.0 * max(0.0, 1.0 - position / 0.12)
        row[CL] += 2.0 * max(0.0, (position - 0.92) / 0.08)
        row[PC] += 0.6 * max(0.0, (position - 0.75) / 0.25)
        row[PH] += 0.3 if 0.05 <= position <= 0.4 else 0.0
        row[CL] -= 3.0 if position < 0.5 else 0.0
        row[PC] -= 2.0 if position < 0.35 else 0.0
    allowed = [[True] * 6 for _ in range(count)]
    history = _anchor(views, codebook, "PROBLEM_HISTORY", 0.0, True)
    if history is not None and history / count < 0.4:
        has_greeting = any(raw[u][O] > 0 for u in range(history))
        for t in range(count):
            if t < history and has_greeting:
                allowed[t] = [p == O for p in range(6)]
            elif t >= history:
                allowed[t][O] = False
    pre = _anchor(views, codebook, "PRE_CLOSING", thresholds.preclosing_anchor_min_position, True)
    close = _anchor(views, codebook, "CLOSING", thresholds.closing_anchor_min_position, False,
                    pre or 0)
    for t in range(count):
        if pre is not None:
            if t < pre:
                allowed[t][PC] = allowed[t][CL] = False
            else:
                for p in (O, PH, EX, TR):
                    allowed[t][p] = False
        if close is not None:
            if t < close:
                allowed[t][CL] = False
            else:
                for p in range(5):
                    allowed[t][p] = False
    # Viterbi
    best = [[_NEG] * 6 for _ in range(count)]
    back = [[0] * 6 for _ in range(count)]
    for p in range(6):
        if allowed[0][p]:
            best[0][p] = scores[0][p] - (0.0 if p == O else 1.0 * p)
    for t in range(1, count):
        before, row, allowed_here, score_here = best[t - 1], best[t], allowed[t], scores[t]
        for p in range(6):
            if not allowed_here[p]:
                continue
            choice, value = 0, _NEG
            for q, step in _PREDECESSORS[p]:
                previous = before[q]
                if previous <= _NEG:
                    continue
                candidate = previous + step
                if candidate > value:
                    choice, value = q, candidate
            if value > _NEG:
                row[p] = value + score_here[p]
                back[t][p] = choice
    last = max(range(6), key=lambda p: best[count - 1][p])
    path = [last]
    for t in range(count - 1, 0, -1):
        path.append(back[t][path[-1]])
    path.reverse()
    labels = [PHASES[p] for p in path]
    reopened = _reopen(views, raw, labels, thresholds.phase_reopen_min_turns)
    return labels, reopened


def _reopen(views: list[TurnView], raw: list[list[float]], labels: list[str],
            min_turns: int) -> set[int]:
    """Clinician-led returns to an earlier agenda inside PRE_CLOSING (flagged `reopened`)."""
    reopened: set[int] = set()
    run: list[tuple[int, int]] = []
    for t, view in enumerate(views):
        if labels[t] != "PRE_CLOSING":
            run = []
            continue
        if view.role != "clinician":
            continue
        row = raw[t]
        best = max((PH, EX, TR), key=lambda p: row[p])
        if row[best] >= 2.0 and row[PC] == 0 and row[CL] == 0:
            run.append((t, best))
        else:
            run = []
        if len(run) >= min_turns:
            phase = PHASES[run[-1][1]]
            for u in range(run[0][0], t + 1):
                labels[u] = phase
                reopened.add(u)
    return reopened


def _margins(scores: list[list[float]], labels: list[str]) -> list[float]:
    out = []
    for t, label in enumerate(labels):
        if label not in _INDEX:
            out.append(0.0)
            continue
        row = scores[t]
        index = _INDEX[label]
        chosen = row[index]
        other = max(row[:index] + row[index + 1:])
        out.append(1.0 / (1.0 + math.exp(-(chosen - other))))
    return out


def _spans(views: list[TurnView], labels: list[str], margins: list[float], reopened: set[int],
           manual: bool) -> tuple[PhaseSpan, ...]:
    spans: list[PhaseSpan] = []
    start = 0
    for t in range(1, len(labels) + 1):
        if t == len(labels) or labels[t] != labels[start]:
            span_margins = margins[start:t]
            confidence = 1.0 if manual else round(sum(span_margins) / len(span_margins), 3)
            spans.append(PhaseSpan(
                phase=labels[start], start_turn=views[start].turn.id,
                end_turn=views[t - 1].turn.id, start_line=views[start].turn.line,
                end_line=views[t - 1].turn.end_line, confidence=confidence,
                reopened=any(u in reopened for u in range(start, t)), manual=manual,
            ))
            start = t
    return tuple(spans)
