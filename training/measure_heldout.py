"""Measure the annotator on the held-out invented turns of `training/heldout/`.

Run by hand from the repository root:

    python training/measure_heldout.py [--codebook FILE] [--data FOLDER]

`--data training/clinic_negatives` measures the everyday clinic complaints there instead
(negative turns only: no recall is printed); `--data training/heldout2` the second held-out
set, long consultation turns by an eighth and a ninth author.

The held-out turns were written by a third author after codebook 1.10, in the same
domains and categories as the training turns, and the classifier is never trained on them
(`train_attempt_classifier.py` reads `training/attempts/` only). Each line is coded as the
only patient turn of its own short consultation, after a neutral clinician turn, so no
line can lean on another. Printed: how many positive turns and how many negative turns are
coded as attempts by the rules alone, by the classifier alone (at the codebook's
`min_score` and at lower scores) and by both, overall and per domain with `--domains`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HELDOUT = REPO / "training" / "heldout"
SCORES = (0.5, 0.7, 0.9)


def coded_by_rules(lines: list[str], codebook: str | None) -> list[bool]:
    """Whether the rules alone code each line, said after "right. okay.", as an attempt."""
    from cakit.annotate import annotator_for
    from cakit.formats import FORMATS, ReadOptions

    annotator = annotator_for(codebook, signal="rules")
    jefferson = FORMATS.get("jefferson")
    options = ReadOptions(roles={"P": "patient", "D": "clinician"})
    coded = []
    for line in lines:
        document = f"D:\tright. okay.\nP:\t{line}\n"
        transcript = jefferson.read_bytes(document.encode("utf-8"), source="<heldout>",
                                          errors="collect", options=options).transcript
        coded.append(bool(annotator.annotate(transcript).attempts))
    return coded


def coded_by_both(lines: list[str], codebook: str | None) -> list[bool]:
    """Whether the rules or the classifier (at the codebook's `min_score`) code each line."""
    from cakit.annotate import codebook_for
    from cakit.annotate.classifier import scores
    from cakit.annotate.classifier_text import texts_of_lines

    sure = codebook_for(codebook).classifier.min_score
    return [rule or score >= sure for rule, score in
            zip(coded_by_rules(lines, codebook), scores(texts_of_lines(lines)), strict=True)]


def tally(positive: Sequence[bool], coded: Sequence[bool]) -> tuple[float | None, int]:
    """(the share of positive turns coded, or None without any; negative turns coded)."""
    found = sum(1 for p, c in zip(positive, coded, strict=True) if p and c)
    wrong = sum(1 for p, c in zip(positive, coded, strict=True) if c and not p)
    total = sum(positive)
    return (found / total if total else None), wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", metavar="FILE",
                        help="a codebook YAML (default: the codebook cakit ships)")
    parser.add_argument("--domains", action="store_true", help="one line per domain")
    parser.add_argument("--data", metavar="FOLDER", type=Path, default=HELDOUT,
                        help="a folder with positives/ and negatives/ TSV files "
                             "(default: training/heldout)")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train_attempt_classifier import load_examples

    from cakit.annotate import codebook_for
    from cakit.annotate.classifier import scores
    from cakit.annotate.classifier_text import texts_of_lines

    examples = load_examples(args.data)
    if not examples:
        print(f"no turns under {args.data}", file=sys.stderr)
        return 2
    lines = [text for text, _, _, _ in examples]
    rules = coded_by_rules(lines, args.codebook)
    score = scores(texts_of_lines(lines))
    min_score = codebook_for(args.codebook).classifier.min_score

    def report(label: str, rows: list[int]) -> None:
        positive = [examples[k][1] for k in rows]
        cells: list[tuple[str, Callable[[int], bool]]] = [
            ("rules", lambda k: rules[k]),
            (f"classifier ≥ {min_score}", lambda k: score[k] >= min_score),
            ("both", lambda k: rules[k] or score[k] >= min_score),
            *((f"classifier ≥ {s}", lambda k, s=s: score[k] >= s) for s in SCORES),
        ]
        negatives = len(positive) - sum(positive)
        print(f"{label} ({sum(positive)} positive, {negatives} negative turns)")
        for name, coded in cells:
            recall, wrong = tally(positive, [coded(k) for k in rows])
            shown = "-" if recall is None else f"{recall:.3f}"
            print(f"  {name}: {shown} of positives, {wrong} of {negatives} negatives")

    report(f"{args.data.name} turns", list(range(len(examples))))
    if args.domains:
        by_domain: dict[str, list[int]] = defaultdict(list)
        for k, (_, _, domain, _) in enumerate(examples):
            by_domain[domain].append(k)
        for domain, rows in sorted(by_domain.items()):
            report(domain, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
