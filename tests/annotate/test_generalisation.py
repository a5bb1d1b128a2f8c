"""The annotator on consultations it was not written against.

* `tests/data/dev/` was written blind, then used for error analysis (see its README); its
  floor is a regression guard, not an honest measure.
* `tests/data/blind/` was written blind and not used for tuning; the team reads its figures
  as the estimate of performance on new consultations. Its floor is deliberately modest.
* `tests/data/blind2/` is a second blind set, written before the rule changes of issue 14,
  so that the figure after them is still honest. Reported separately, never tuned on.
* `tests/data/blind3/` is a third, written later the same day by someone who had not seen
  the rules (its README), with two consultations that hold no psychotic content at all.
* `tests/data/dev2/` and `tests/data/blind4/` were written together (same brief, two
  authors who had not seen the rules) before the topic-thread model and the retrained
  classifier of codebook 1.10: dev2 for error analysis, blind4 never looked into.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cakit.annotate import annotator_for
from cakit.evaluate import Evaluation, evaluate
from cakit.formats import read
from tests.conftest import REPO, chat_files, needs_shared

DATA = REPO / "tests" / "data"


def _evaluation(folder: Path) -> Evaluation:
    from cakit.gold import load_gold

    gold = load_gold(folder / "gold")
    annotator = annotator_for(REPO / "cakit" / "data" / "codebook.yaml")
    predicted = [annotator.annotate(read(REPO / c.source).transcript) for c in gold]
    return evaluate(gold, predicted)


@pytest.fixture(scope="module")
def dev() -> Evaluation:
    return _evaluation(DATA / "dev")


def test_dev_set_floor(dev: Evaluation) -> None:
    """Measured 2026-11-25: attempt F1 0.88, elicited F1 0.88, R1 uptake 0.93, phase 0.91."""
    assert dev.consultations == 8
    assert (dev.score("PSY_ATTEMPT").f1 or 0) >= 0.85
    assert (dev.score("PSY_ELICITED").f1 or 0) >= 0.80
    assert (dev.agreement("R1 uptake").accuracy or 0) >= 0.85
    assert (dev.agreement("phase per turn").accuracy or 0) >= 0.85
    assert (dev.score("HESITATE").f1 or 0) >= 0.85
    assert (dev.score("SMILE_LAUGH").f1 or 0) >= 0.85


def test_dev_set_carer_floor(dev: Evaluation) -> None:
    """Codebook 1.14's carer phrases and answer rule came from the dev sets' carer errors
    (CARER_SUPPORT / CARER_DISMISS F1 0.67 / 0.50 -> 0.86 / 0.80 here), so this guards
    them against regression; it is not a measure."""
    assert (dev.score("CARER_SUPPORT").f1 or 0) >= 0.80
    assert (dev.score("CARER_DISMISS").f1 or 0) >= 0.75


@pytest.fixture(scope="module")
def blind() -> Evaluation:
    return _evaluation(DATA / "blind")


def test_blind_set_floor(blind: Evaluation) -> None:
    """A regression guard below the honest measurements; the figures go in the issue note.

    2026-11-25 first: attempt P 0.75 R 0.41 F1 0.53, R1 uptake 0.89, phase 0.87. After
    lexicon patterns written from invented sentences (test_lexicon_probe.py), not from
    these files: attempt P 0.69 (9 of 13) R 0.41 F1 0.51, elicited F1 0.66 -> 0.70. With
    22 gold attempts one item moves precision by ~0.05, so the floors leave that room.
    Later the same day, after three more rounds of invented probes (structural patterns:
    others' acts timed to the patient's, unnamed "they", shielding, things that speak) and
    the turn split at own-line silences: attempt unchanged, phase 0.87 -> 0.86.
    Codebook 1.9 (rules and the attempt classifier): attempt P 0.71 R 0.45 F1 0.56;
    unchanged with codebook 1.10; codebook 1.11 (the classifier reads every word but
    fillers, min_score 0.995): P 0.73 R 0.50 F1 0.59. Codebook 1.15 (the classifier
    retrained with a seventh author's turns, word triples, min_score 0.98, chosen on invented
    turns only): P 0.71 R 0.45 F1 0.56, one attempt fewer (false ones unchanged at 4).
    """
    assert blind.consultations == 8
    assert (blind.score("PSY_ATTEMPT").f1 or 0) >= 0.54
    assert (blind.score("PSY_ATTEMPT").recall or 0) >= 0.45
    assert (blind.score("PSY_ATTEMPT").precision or 0) >= 0.62
    assert (blind.agreement("R1 uptake").accuracy or 0) >= 0.75
    assert (blind.agreement("phase per turn").accuracy or 0) >= 0.80


@pytest.fixture(scope="module")
def blind2() -> Evaluation:
    return _evaluation(DATA / "blind2")


def test_second_blind_set_floor(blind2: Evaluation) -> None:
    """The second blind set, written 2026-12-06 before any rule change it could inform
    (see its README); a regression guard below what was measured then: attempt P 0.60
    R 0.27 F1 0.375 (6 of 22), R1 uptake 0.50 over 6 matched, phase per turn 0.69. One
    attempt moves F1 by about 0.04, so the floors leave that room. Never tune on it.
    Codebook 1.9 (rules and the attempt classifier): attempt P 0.76 R 0.59 F1 0.67;
    codebook 1.10: P 0.78 R 0.64 F1 0.70; codebook 1.11 (the classifier reads every
    word but fillers, min_score 0.995, chosen on demo, dev, dev2, held-out turns and
    everyday talk, never on a blind set): P 0.75 R 0.55 F1 0.63, two attempts fewer
    found here while blind and blind4 gained. Codebook 1.12 (idiom patterns written from
    the development turns of training/dev): unchanged; a first draft of those patterns
    found two more attempts here, the patterns as narrowed after review do not. Codebook
    1.15 (the classifier retrained, min_score 0.98): P 0.78 R 0.64 F1 0.70; the floors
    were then raised to one attempt below it (13 of 22 found: F1 0.65, R 0.59)."""
    assert blind2.consultations == 8
    assert (blind2.score("PSY_ATTEMPT").f1 or 0) >= 0.64  # 0.65, less rounding
    assert (blind2.score("PSY_ATTEMPT").recall or 0) >= 0.59
    assert (blind2.agreement("phase per turn").accuracy or 0) >= 0.62


@pytest.fixture(scope="module")
def blind3() -> Evaluation:
    return _evaluation(DATA / "blind3")


def test_third_blind_set_floor(blind3: Evaluation) -> None:
    """Written 2026-12-06 blind to the rules (codebook 1.5 then): attempt P 0.75 R 0.32
    F1 0.44 (6 of 19), R1 uptake 0.83 over 6 matched, phase per turn 0.80. A regression
    guard one attempt below; never tune on it. Codebook 1.9 (rules and the attempt
    classifier): attempt P 0.80 R 0.42 F1 0.55; unchanged with codebook 1.10; codebook 1.15
    (the classifier retrained, min_score 0.98): P 0.82 R 0.47 F1 0.60; the floors were
    then raised to one attempt below it (8 of 19 found: F1 0.53, R 0.42)."""
    assert blind3.consultations == 8
    assert (blind3.score("PSY_ATTEMPT").f1 or 0) >= 0.53
    assert (blind3.score("PSY_ATTEMPT").recall or 0) >= 0.42
    assert (blind3.score("PSY_ATTEMPT").precision or 0) >= 0.60
    assert (blind3.agreement("phase per turn").accuracy or 0) >= 0.74


@pytest.fixture(scope="module")
def dev2() -> Evaluation:
    return _evaluation(DATA / "dev2")


def test_second_dev_set_floor(dev2: Evaluation) -> None:
    """Written 2026-12-06 blind to the rules, then used for error analysis. First measured
    with the classifier of codebook 1.9 (and the thread model, which changed no other
    set): attempt P 0.69 R 0.35 F1 0.47 (11 of 31), R1 uptake 0.55, phase 0.76.
    Codebook 1.10 (threads; classifier retrained with more data and first-person words;
    min_score 0.99, chosen on demo, dev, dev2 and everyday talk): P 0.76 R 0.42 F1 0.54.
    Codebook 1.12 (idiom patterns; a mind-reading form, "people can tell what I'm
    thinking", came from this set's misses; "phone" out of the media words): P 0.82 R 0.45
    F1 0.58. Codebook 1.15 (the classifier retrained with a seventh author's turns, word
    triples, min_score 0.98): P 0.80 R 0.52 F1 0.63. A regression guard one attempt below
    the 1.15 figure (15 of 31 found: F1 0.58, R 0.48)."""
    assert dev2.consultations == 8
    assert (dev2.score("PSY_ATTEMPT").f1 or 0) >= 0.58
    assert (dev2.score("PSY_ATTEMPT").recall or 0) >= 0.48
    assert (dev2.agreement("phase per turn").accuracy or 0) >= 0.72


@pytest.fixture(scope="module")
def blind4() -> Evaluation:
    return _evaluation(DATA / "blind4")


def test_fourth_blind_set_floor(blind4: Evaluation) -> None:
    """Written 2026-12-06 blind to the rules, with dev2 and before the changes of codebook
    1.10; first measured with 1.10 (never looked into): attempt P 0.55 R 0.34 F1 0.42
    (12 of 35), R1 uptake 0.75, phase per turn 0.81 (0.80 with the TREATMENT cue for
    medication reviews of unlisted drugs). Codebook 1.11 (the classifier reads every
    word but fillers, min_score 0.995): P 0.67 R 0.51 F1 0.58 (18 of 35). Codebook 1.12:
    P 0.68 R 0.49 F1 0.57 (17 of 35; its everyday senses left out, decided on the
    development turns, lost one here and removed one false attempt). A regression guard
    one attempt below 1.11; never tune on it. Codebook 1.15 (the classifier retrained,
    min_score 0.98): P 0.70 R 0.54 F1 0.61 (19 of 35); the floors were then raised to one
    attempt below it (18 of 35 found: F1 0.58, R 0.51)."""
    assert blind4.consultations == 8
    assert (blind4.score("PSY_ATTEMPT").f1 or 0) >= 0.58
    assert (blind4.score("PSY_ATTEMPT").recall or 0) >= 0.51
    assert (blind4.agreement("phase per turn").accuracy or 0) >= 0.76


@pytest.fixture(scope="module")
def blind5() -> Evaluation:
    return _evaluation(DATA / "blind5")


def test_fifth_blind_set_floor(blind5: Evaluation) -> None:
    """Written 2026-12-07 blind to the rules, after codebook 1.15 was decided, and measured
    once with it (never looked into): attempt P 0.82 R 0.31 F1 0.45 (9 of 29), R1 uptake
    1.00 over 9 matched, phase per turn 0.82. Codebook 1.14 on it: P 0.80 R 0.28 F1 0.41
    (8 of 29). A regression guard one attempt below; never tune on it."""
    assert blind5.consultations == 8
    assert (blind5.score("PSY_ATTEMPT").f1 or 0) >= 0.40
    assert (blind5.score("PSY_ATTEMPT").recall or 0) >= 0.27
    assert (blind5.agreement("phase per turn").accuracy or 0) >= 0.76


@needs_shared
def test_negative_controls_ceiling() -> None:
    """Everyday conversations (the 30 CABNC CHAT files, every speaker taken as a patient)
    hold no psychotic content. Measured 2026-12-06 (benchmarks/negatives.py): 23 attempts
    in 2,393 turns (9.6 per 1,000), then 11 (4.6) after the repeat and pattern fixes of
    codebook 1.3, then 9 (3.8) with "highway code" on the stop-list and a bare "tracked"
    weak, then 7 (2.9) once BNC tags (<pause>, <unclear>, <laugh>) stopped being read as
    words, then 3 (1.3) with "go and hear" and "hurt me back" on the stop-list and "how is
    she" no longer an epistemic question (codebook 1.5), then 1 (0.4) once "phone" left the
    media word class (codebook 1.12). The goal of issue 14 is 2; the ceiling is 1.0 per
    1,000 turns, so two attempts (0.8) still pass and three fail."""
    annotator = annotator_for(REPO / "cakit" / "data" / "codebook.yaml")
    turns = attempts = 0
    for path in chat_files("cabnc-ca"):
        everyone = {p.code: "patient" for p in read(path, tokenize=False).transcript.participants}
        transcript = read(path, roles=everyone).transcript  # type: ignore[arg-type]
        if not transcript.utterances:
            continue  # the four tab-separated files are not CHAT
        coded = annotator.annotate(transcript)
        turns += sum(1 for turn in coded.turns if turn.role == "patient")
        attempts += len(coded.attempts)
    assert turns > 2000
    assert 1000 * attempts / turns <= 1.0, f"{attempts} attempts in {turns} turns"


@needs_shared
def test_negative_controls_with_carers_and_clinicians() -> None:
    """The shared CHILDES files as consultations: each child a patient, each mother a carer,
    each investigator a clinician. Nothing here is psychotic content, and unlike CABNC
    (every speaker a patient) there are carers and clinicians to respond, so rules that read
    responses are exercised on real talk. Measured 2026-12-07 (codebook 1.12): 24 attempts
    in 6,109 child turns (children's pretend play and stories: monsters, "they're after
    me"). A rule tried that day, which took a carer's or clinician's correction as evidence
    of an attempt, raised it to 26 before it was narrowed and then dropped. Codebook 1.15's
    classifier (a seventh author's training turns, word triples, min_score 0.98) codes more
    of the children's stories: 30 in 6,245 child turns (23 before it); 29 with codebook
    1.16 (at most two thread follow-ups in a row). Ceiling 30."""
    annotator = annotator_for(REPO / "cakit" / "data" / "codebook.yaml")
    turns = attempts = 0
    for path in chat_files("childes"):
        participants = read(path, tokenize=False).transcript.participants
        roles = {p.code: "clinician" if p.role == "other" else p.role for p in participants}
        coded = annotator.annotate(read(path, roles=roles).transcript)  # type: ignore[arg-type]
        turns += sum(1 for turn in coded.turns if turn.role == "patient")
        attempts += len(coded.attempts)
    assert turns > 6000
    assert attempts <= 30, f"{attempts} attempts in {turns} child turns"
