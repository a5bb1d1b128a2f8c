"""A learned second signal for patient attempts: a small spaCy text classifier.

The rules (lexicon, frames, threads) are the first signal and say *why* a turn is coded.
Where patients put their experience in words no pattern foresaw, a bag-of-words text
classifier trained from scratch (no downloaded weights, no vectors) gives a second,
transparent signal: the probability that a patient turn raises psychotic content. Its
score is written in the evidence of every attempt beside the rules' (`classifier.attempt`),
so a coder sees which signal coded a turn and how sure the classifier was.

The model is trained by `training/train_attempt_classifier.py` (fixed seed) on invented
patient turns only — across the positive-symptom domains of the standard rating scales and
everyday and clinical negatives — never on a gold or blind set, and shipped in
`cakit/data/models/attempt_classifier`. Turns reach it as the annotator sees them: the
words of the turn (CA marks and fillers removed, lower case).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from cakit.annotate.views import TurnView

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "models" / "attempt_classifier"
LABEL = "ATTEMPT"
OTHER = "OTHER"


def classifier_text(words: Sequence[str], kinds: Sequence[str]) -> str:
    """The text the classifier reads for a turn: its words without fillers ("erm", "mm").

    Closed-class words stay: "they", "me", "why" are how a patient points at an agent,
    at themself, at a question. Until codebook 1.11 the classifier read content words and
    first-person words only; a classifier reading every word scores more everyday turns
    high at the same threshold, but with its threshold set for the same rate on everyday
    conversation (CABNC) it found more of the held-out attempts (0.149 -> 0.214 alone)."""
    return " ".join(word for word, kind in zip(words, kinds, strict=True)
                    if kind != "filler") or "_"


def view_text(view: TurnView) -> str:
    return classifier_text(view.words, view.kinds)


@lru_cache(maxsize=2)
def load(path: Path = MODEL_DIR) -> Any:
    """The trained pipeline (a blank English tokenizer and a `textcat`), loaded once."""
    import spacy

    return spacy.load(path)


def scores(texts: Sequence[str], path: Path = MODEL_DIR) -> list[float]:
    """P(attempt) for each text, in order."""
    nlp = load(path)
    return [round(float(doc.cats[LABEL]), 3) for doc in nlp.pipe(texts, batch_size=256)]


@lru_cache(maxsize=2)
def model_digest(path: Path = MODEL_DIR) -> str:
    """A short hash of the model's files: part of what a stored machine layer was made
    from, so a retrained model re-annotates (`cakit.annotate.codebook_key`)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:8]
