"""Train cakit's attempt classifier (the annotator's second, learned signal).

Run by hand from the repository root:

    python training/train_attempt_classifier.py [--out cakit/data/models/attempt_classifier]

Reads the invented patient turns of `training/attempts/positives/*.tsv` (psychotic content,
one file per symptom domain of the rating scales) and `training/attempts/negatives/*.tsv`
(clinical and everyday talk, including hard negatives that share words with psychotic
talk). None of it comes from a gold, blind or negative-control set. Every line is read
through cakit's own Jefferson reader (`cakit.annotate.classifier_text`) so the
classifier learns from the words the annotator will give it.

The model: a blank English pipeline with one `textcat` (bag of words, word pairs and triples,
exclusive ATTEMPT/OTHER), trained from scratch with a fixed seed; one line in ten of each
file is held out and the held-out accuracy is printed. Same data and seed, same model.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "training" / "attempts"
SEED = 1202
EPOCHS = 12


def load_examples(data: Path = DATA) -> list[tuple[str, bool, str, str]]:
    """(text, is_attempt, domain, file) for every line of every TSV file under `data`'s
    positives/ and negatives/, sorted by file."""
    examples = []
    for folder, positive in (("positives", True), ("negatives", False)):
        for path in sorted((data / folder).glob("*.tsv")):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    text = (row.get("text") or "").strip()
                    if text:
                        examples.append((text, positive, row.get("domain") or path.stem,
                                         path.name))
    return examples


def split(examples: list[tuple[str, bool, str, str]]) -> tuple[list[int], list[int]]:
    """Every tenth line of each file held out, the rest for training."""
    train, held = [], []
    seen: dict[str, int] = {}
    for index, (_, _, _, name) in enumerate(examples):
        seen[name] = seen.get(name, 0) + 1
        (held if seen[name] % 10 == 0 else train).append(index)
    return train, held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=REPO / "cakit" / "data" / "models" / "attempt_classifier")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()

    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    from cakit.annotate.classifier import LABEL, OTHER
    from cakit.annotate.classifier_text import texts_of_lines

    examples = load_examples()
    if not examples:
        print(f"no training data under {DATA}", file=sys.stderr)
        return 2
    texts = texts_of_lines([text for text, _, _, _ in examples])
    labels = [positive for _, positive, _, _ in examples]
    train, held = split(examples)
    print(f"{len(examples)} lines ({sum(labels)} attempts), {len(train)} train, "
          f"{len(held)} held out")

    fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
        "ngram_size": 3, "no_output_layer": False, "length": 2 ** 18}})
    textcat.add_label(LABEL)
    textcat.add_label(OTHER)

    def example(index: int) -> Example:
        cats = {LABEL: float(labels[index]), OTHER: float(not labels[index])}
        return Example.from_dict(nlp.make_doc(texts[index]), {"cats": cats})

    train_examples = [example(i) for i in train]
    optimizer = nlp.initialize(lambda: train_examples)
    order = random.Random(SEED)
    for epoch in range(args.epochs):
        order.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(train_examples, size=32):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        print(f"epoch {epoch + 1}: loss {losses['textcat']:.3f}")

    correct = 0
    for index, doc in zip(held, nlp.pipe(texts[i] for i in held), strict=True):
        correct += (doc.cats[LABEL] >= 0.5) == labels[index]
    print(f"held-out accuracy: {correct}/{len(held)} = {correct / max(len(held), 1):.3f}")
    nlp.meta.update(name="cakit_attempt_classifier", version="1.0.0",
                    description="cakit's attempt classifier (training/README.md)",
                    spacy_version=">=3.7,<4")  # the range cakit supports, not this build's
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    print(f"model written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
