"""The attempt classifier: a learned second signal beside the rules, transparent and
reproducible, trained on invented talk only."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest

from cakit.annotate import Annotator, codebook_key, load_codebook, parse_codebook
from cakit.annotate.classifier import MODEL_DIR, model_digest, scores
from cakit.annotate.classifier_text import texts_of_lines
from cakit.annotate.codebook import PACKAGED_CODEBOOK, SIGNALS
from cakit.errors import CodebookError
from cakit.formats import read

REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "training" / "attempts"
HELDOUT = REPO / "training" / "heldout"
CLINIC_NEGATIVES = REPO / "training" / "clinic_negatives"
DEV = REPO / "training" / "dev"
HELDOUT2 = REPO / "training" / "heldout2"
GOLD_FOLDERS = [REPO / "corpora" / "demo", *(REPO / "tests" / "data" / name for name in
                                            ("dev", "dev2", "blind", "blind2", "blind3", "blind4",
                                             "blind5"))]

#: a turn no rule codes and the classifier is sure of (tests set min_score 0.7)
UNRULED = "the birds on the fence line up to spell out messages for me"
CONSULTATION = """\
Dr: hello, how have things been?
P:  not bad. (.) sleeping better.
Dr: good. and the tablets?
P:  fine.
Dr: okay.
P:  the birds on the fence line up to spell out messages for me.
Dr: right. (.) and your appetite?
P:  okay I suppose.
"""


def _training_lines(folder: Path = TRAINING) -> list[str]:
    lines = []
    for path in sorted(folder.glob("*/*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            lines.extend(row["text"] for row in csv.DictReader(handle, delimiter="\t",
                                                             quoting=csv.QUOTE_NONE))
    return lines


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z']+", text.casefold()))


def test_training_data_is_invented_and_apart_from_every_gold_set() -> None:
    lines = _training_lines()
    positives = list(TRAINING.glob("positives/*.tsv"))
    negatives = list(TRAINING.glob("negatives/*.tsv"))
    assert len(lines) >= 5000 and len(positives) >= 20 and len(negatives) >= 8
    training = {_normal(line) for line in lines + _training_lines(HELDOUT) + _training_lines(DEV)
                + _training_lines(HELDOUT2) + _training_lines(CLINIC_NEGATIVES)
                if len(line.split()) >= 5}
    for folder in GOLD_FOLDERS:
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".txt", ".cha", ".docx"):
                continue
            for utterance in read(path).transcript.utterances:
                assert _normal(utterance.content) not in training, (path, utterance.line)


@pytest.mark.parametrize(("folder", "least"), [(HELDOUT, 2000), (CLINIC_NEGATIVES, 320),
                                               (DEV, 1930), (HELDOUT2, 1400)])
def test_held_out_turns_are_apart_from_the_training_turns(folder: Path, least: int) -> None:
    """The third author's turns, the fourth author's clinic complaints and the eighth and
    ninth authors' consultation turns measure the annotator on talk it never saw, and the
    fifth and sixth authors' development turns tune the rules: none of them is a training
    turn, and the training script does not read their folders."""
    held = _training_lines(folder)
    assert len(held) >= least
    training = {_normal(line) for line in _training_lines()}
    assert not [line for line in held if _normal(line) in training]
    script = (REPO / "training" / "train_attempt_classifier.py").read_text(encoding="utf-8")
    assert f'"{folder.name}"' not in script


def _training_scripts() -> tuple[types.ModuleType, types.ModuleType]:
    """`training/measure_heldout.py` and `training/train_attempt_classifier.py` as modules
    (the training folder is not a package)."""
    sys.path.insert(0, str(REPO / "training"))
    try:
        import measure_heldout
        import train_attempt_classifier
    finally:
        sys.path.remove(str(REPO / "training"))
    return measure_heldout, train_attempt_classifier


def test_clinic_complaints_ceiling() -> None:
    """Everyday complaints in clinic (training/clinic_negatives, all negative), measured
    with `python training/measure_heldout.py --data training/clinic_negatives` (codebook
    1.11): the rules code 13 of 320 (10 with codebook 1.12, whose phones, messages, panic
    and ordinary sounds are left out), the classifier at its threshold none (27 at 0.9 or
    more). Codebook 1.15 (a seventh author's training turns, word triples, min_score 0.98):
    the classifier 3 (18 at 0.9 or more), rules and classifier 13. A ceiling at that, so
    that a new rule or model that codes more of them fails here before it inflates a
    study's counts."""
    measure, train = _training_scripts()
    lines = [text for text, positive, _, _ in train.load_examples(CLINIC_NEGATIVES) if not positive]
    assert len(lines) == 320
    sure = load_codebook(PACKAGED_CODEBOOK).classifier.min_score
    assert sum(score >= sure for score in scores(texts_of_lines(lines))) <= 3
    assert sum(measure.coded_by_rules(lines, None)) <= 12


def _measured(folder: Path, signal: str) -> tuple[int, float, int]:
    """(turns, share of positive turns coded, negative turns coded) of a folder of
    invented turns, coded by the rules alone ("rules") or with the classifier ("both"),
    as `training/measure_heldout.py --data FOLDER` measures them."""
    measure, train = _training_scripts()
    examples = train.load_examples(folder)
    code = measure.coded_by_rules if signal == "rules" else measure.coded_by_both
    found, wrong = measure.tally([e[1] for e in examples],
                                 code([text for text, _, _, _ in examples], None))
    assert found is not None
    return len(examples), found, wrong


def test_development_set_floor_and_ceiling() -> None:
    """The rules on the development turns (training/dev), measured with `python
    training/measure_heldout.py --data training/dev`: codebook 1.12 finds 0.325 of the
    1,380 positive turns (0.288 before its idiom patterns, which were written from them)
    and codes 26 of the 550 ordinary ones (40 with codebook 1.11; its everyday senses of
    phones, messages, panic, ordinary sounds and faith are left out). A floor and a ceiling a
    little outside, so that a lexicon change that loses idiom or codes more ordinary talk
    shows here."""
    turns, found, wrong = _measured(DEV, "rules")
    assert turns == 1930
    assert found >= 0.32, found
    assert wrong <= 28, wrong


def test_held_out_floor() -> None:
    """Measured with `python training/measure_heldout.py`: the rules find 0.314 of the
    1,377 held-out positive turns and code 54 of the 1,300 negatives; rules and classifier
    together find 0.398 and code 55 with codebook 1.10, 0.434 and 56 with codebook 1.11
    (the classifier reads every word but fillers), 0.437 and 45 with codebook 1.12 (its
    everyday senses left out and its idiom patterns, written from the development turns,
    added, the rules alone find 0.317 against 0.314), 0.522 and 50 with codebook 1.15 (the
    classifier retrained with a seventh author's turns, reading word triples, min_score
    0.98). Floors a little below."""
    _, found, wrong = _measured(HELDOUT, "both")
    assert found >= 0.51, found
    assert wrong <= 52, wrong


def test_second_held_out_floor_and_ceiling() -> None:
    """The consultation turns of training/heldout2 (written after codebook 1.14, never
    trained on), measured with `python training/measure_heldout.py --data
    training/heldout2`: rules and classifier find 0.692 of the 600 positive turns and code
    102 of the 827 ordinary ones with codebook 1.14, 0.765 and 109 with codebook 1.15. A
    floor and a ceiling a little outside, so that a change that loses these attempts or
    codes more ordinary consultation talk shows here."""
    turns, found, wrong = _measured(HELDOUT2, "both")
    assert turns == 1427
    assert found >= 0.75, found
    assert wrong <= 112, wrong


def test_model_is_the_training_scripts_output(tmp_path: Path) -> None:
    """Same data and seed, same model: the shipped model can be rebuilt from the training
    script. Bit for bit only with the numeric libraries it was trained with: a fresh
    install of 8 December 2026 (spaCy 3.8.18, thinc 8.3.14, numpy 2.4.6) moved its
    weights by float rounding (scores by at most 5e-7 on the 4,140 held-out turns, no
    decision changed) and failed the byte comparison this test made. So the rebuilt model
    must score every held-out turn as the shipped one does, to the three decimals the
    evidence shows (one step of rounding allowed); another seed or other data moves
    scores by far more."""
    out = tmp_path / "model"
    done = subprocess.run([sys.executable, str(REPO / "training" / "train_attempt_classifier.py"),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "held-out accuracy" in done.stdout
    _, train = _training_scripts()
    texts = [text for text, _, _, _ in train.load_examples(HELDOUT)]
    assert len(texts) > 1000
    rebuilt, shipped = scores(texts, out), scores(texts, MODEL_DIR)
    assert max(abs(a - b) for a, b in zip(rebuilt, shipped, strict=True)) <= 0.001
    assert [a >= 0.5 for a in rebuilt] == [b >= 0.5 for b in shipped]


def test_classifier_is_not_moved_by_style_alone() -> None:
    psychotic, everyday, styled = scores(texts_of_lines([
        "they put a chip in my head and now they can hear my thoughts",
        "I went to the shops for some milk and bread",
        "erm (.) I mean (.) why do they (.) you know (.) go to the shops?",
    ]))
    assert psychotic > 0.9 > everyday
    # questions, pronouns and hesitation alone never reach the score that codes a turn
    assert styled < load_codebook(PACKAGED_CODEBOOK).classifier.min_score


def test_a_turn_only_the_classifier_coded_opens_no_chain(tmp_path: Path) -> None:
    """A follow-up ("will it stop then?") chains only off an attempt the rules saw: a turn
    only the classifier coded is not context enough (on everyday talk one confident
    mistake would otherwise grow into a sequence). The cost: a true follow-up to such a
    turn is missed."""
    path = tmp_path / "c.txt"
    path.write_text(CONSULTATION.replace("P:  okay I suppose.", "P:  will it stop then?"),
                    encoding="utf-8")
    codebook = load_codebook(PACKAGED_CODEBOOK)
    codebook = replace(codebook, classifier=replace(codebook.classifier, signal="both",
                                                    min_score=0.7))
    annotations = Annotator(codebook).annotate(read(path).transcript)
    assert [a.line for a in annotations.attempts] == [6]
    ruled = path.read_text(encoding="utf-8").replace(
        UNRULED, "I keep hearing voices at night")
    path.write_text(ruled, encoding="utf-8")
    annotations = Annotator(codebook).annotate(read(path).transcript)
    assert [a.line for a in annotations.attempts] == [6, 8]


def test_a_follow_up_after_a_classifier_only_turn_refers_to_nothing(tmp_path: Path) -> None:
    """"And will she come back tonight?" means the live topic: when only the classifier
    coded that one, the question is not pinned on an older topic the rules saw."""
    path = tmp_path / "c.txt"
    path.write_text(
        "Dr: hello, how have things been?\nP:  I keep hearing voices at night.\n"
        "Dr: right. and the tablets?\nP:  fine.\nDr: okay.\n"
        "P:  the birds on the fence line up to spell out messages for me.\n"
        "Dr: okay, let's talk about your sleep now.\nP:  and will she come back tonight?\n",
        encoding="utf-8")
    codebook = load_codebook(PACKAGED_CODEBOOK)
    codebook = replace(codebook, classifier=replace(codebook.classifier, signal="both",
                                                    min_score=0.7))
    annotations = Annotator(codebook).annotate(read(path).transcript)
    assert [a.line for a in annotations.attempts] == [2, 6]


def _annotate(signal: str, tmp_path: Path) -> list[tuple[int, list[str]]]:
    path = tmp_path / "c.txt"
    path.write_text(CONSULTATION, encoding="utf-8")
    codebook = load_codebook(PACKAGED_CODEBOOK)
    codebook = replace(codebook, classifier=replace(codebook.classifier, signal=signal,
                                                    min_score=0.7))
    annotations = Annotator(codebook).annotate(read(path).transcript)
    return [(a.line, [e.rule for e in a.evidence]) for a in annotations.attempts]


def test_signals_rules_classifier_both(tmp_path: Path) -> None:
    """Birds that line up to spell out messages are in no pattern: the rules leave the turn,
    the classifier scores it above the 0.7 this test sets; with "both" or "classifier" it is
    an attempt whose evidence is the score."""
    assert _annotate("rules", tmp_path) == []
    for signal in ("classifier", "both"):
        assert _annotate(signal, tmp_path) == [(6, ["classifier.attempt"])], signal


def test_every_attempt_carries_the_classifier_score(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text(
        CONSULTATION.replace(UNRULED, "I keep hearing voices telling me to hurt myself"),
        encoding="utf-8")
    annotations = Annotator(load_codebook(PACKAGED_CODEBOOK)).annotate(read(path).transcript)
    (attempt,) = annotations.attempts
    rules = [e.rule for e in attempt.evidence]
    assert rules[-1] == "classifier.attempt" and len(rules) > 1
    assert re.fullmatch(r"P\(attempt\) = (0\.\d\d\d|1\.000)", attempt.evidence[-1].text)


def test_the_signal_is_part_of_what_a_stored_layer_was_made_from() -> None:
    keys = {codebook_key(None, signal) for signal in SIGNALS} | {codebook_key(None)}
    assert len(keys) == 4
    assert codebook_key(None).endswith(model_digest())


@pytest.mark.parametrize(("section", "message"), [
    ("classifier:\n  signal: vibes\n", "classifier signal must be one of"),
    ("classifier:\n  min_score: 1.5\n", "min_score must be a number"),
    ("classifier:\n  threshold: 0.5\n", "unknown classifier key"),
])
def test_classifier_settings_are_checked(section: str, message: str) -> None:
    text = PACKAGED_CODEBOOK.read_text(encoding="utf-8")
    start = text.index("classifier:\n")
    end = text.index("\ncodes:", start)
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text[:start] + section + text[end:], "bad.yaml")
    assert any(message in d.message for d in caught.value.diagnostics)


def test_evaluate_reports_every_signal(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    result = runner.invoke(cli, ["evaluate", "--gold", str(REPO / "tests" / "data" / "dev" /
                                                         "gold"),
                                 str(REPO / "tests" / "data" / "dev"), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["attempts_by_signal"]
    assert [row["signal"] for row in rows] == list(SIGNALS)
    chosen = load_codebook(PACKAGED_CODEBOOK).classifier.signal
    row = next(row for row in rows if row["signal"] == chosen)
    main = next(s for s in json.loads(result.output)["scores"] if s["code"] == "PSY_ATTEMPT")
    assert (row["tp"], row["predicted"]) == (main["tp"], main["predicted"])
    rules, both = (next(row for row in rows if row["signal"] == s) for s in ("rules", "both"))
    assert both["tp"] >= rules["tp"]  # "both" codes every turn the rules code, and more
