"""Negative controls: attempts the annotator finds in everyday talk that has none.

Run by hand (not part of the tests):  python benchmarks/negatives.py [--list] [--codebook FILE]
Needs ../shared/data/chat (the CABNC conversations: ordinary British talk, no psychosis).

Every speaker of every CABNC CHAT file is mapped to `patient`, so every turn can be coded
as an attempt, and the corpus run codes them with the store off. It prints the attempts
per 1,000 patient turns, the count by the first rule of each attempt's evidence, and
with --list each attempt with its file, line, rule and words; then the rate with each
signal of the codebook's `classifier:` (rules alone, the attempt classifier alone, both).
The goal (issue 14) is at most 2 attempts per 1,000 turns; the gold consultations (demo,
dev, blind, blind2) hold 84–140 attempts per 1,000 patient turns. The shared CHILDES
conversations (children's play and picture books, every speaker a patient) are measured
the same way and reported after, as a harder set with no goal of its own.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from cakit.annotate.codebook import SIGNALS
from cakit.annotations import ConsultationAnnotations
from cakit.formats import read
from cakit.project import corpus_file
from cakit.run import Coded, RunOptions, code_one

CHAT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "chat"
DATA = CHAT / "cabnc-ca"
CHILDES = CHAT / "childes"


def everyone_a_patient(path: Path) -> dict[str, str]:
    return {p.code: "patient" for p in read(path, tokenize=False).transcript.participants}


def coded(path: Path, signal: str | None = None, codebook: str | None = None) -> Coded | None:
    options = RunOptions(roles=everyone_a_patient(path), signal=signal,  # type: ignore[arg-type]
                         codebook=codebook)
    outcome = code_one(corpus_file(path), options) if _has_talk(path) else None
    return outcome.value if outcome is not None else None


def _has_talk(path: Path) -> bool:
    return bool(read(path, tokenize=False).transcript.utterances)


def patient_turns(annotations: ConsultationAnnotations) -> int:
    return sum(1 for turn in annotations.turns if turn.role == "patient")


def measure(signal: str | None, codebook: str | None = None, data: Path = DATA
            ) -> tuple[int, int, Counter[str], list[str]]:
    """(files, patient turns, attempts by first rule, listed attempts) with one signal."""
    turns = 0
    rules: Counter[str] = Counter()
    found: list[str] = []
    files = 0
    for path in sorted(data.glob("*.cha")):
        result = coded(path, signal, codebook)
        if result is None:
            continue
        files += 1
        annotations = result.machine
        turns += patient_turns(annotations)
        for attempt in annotations.attempts:
            rule = attempt.evidence[0].rule if attempt.evidence else "?"
            rules[rule] += 1
            words = attempt.evidence[0].text if attempt.evidence else ""
            found.append(f"{path.name}:{attempt.line}: {rule} {words!r}")
    return files, turns, rules, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every attempt")
    parser.add_argument("--codebook", metavar="FILE",
                        help="a codebook YAML (default: the codebook cakit ships)")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"needs the shared CABNC data at {DATA}")
    files, turns, rules, found = measure(None, args.codebook)
    attempts = sum(rules.values())
    rate = 1000 * attempts / turns if turns else 0.0
    print(f"{files} CABNC conversations, {turns:,} turns, every speaker a patient")
    print(f"attempts: {attempts} = {rate:.1f} per 1,000 turns (goal: at most 2; the "
          f"codebook's signal)")
    for rule, count in rules.most_common():
        print(f"  {count:>3}  {rule}")
    if args.list:
        print("\n".join(found))
    for signal in SIGNALS:
        _, turns, rules, found = measure(signal, args.codebook)
        attempts = sum(rules.values())
        print(f"with signal {signal}: {attempts} = {1000 * attempts / turns:.1f} per 1,000 turns")
        if args.list and signal != "rules":
            print("\n".join(f"  {line}" for line in found if "classifier.attempt" in line))
    if CHILDES.is_dir():
        files, turns, rules, found = measure(None, args.codebook, CHILDES)
        attempts = sum(rules.values())
        print(f"\n{files} CHILDES conversations, {turns:,} turns, every speaker a patient: "
              f"{attempts} = {1000 * attempts / turns:.1f} per 1,000 turns")
        for rule, count in rules.most_common(8):
            print(f"  {count:>3}  {rule}")
        if args.list:
            print("\n".join(found))


if __name__ == "__main__":
    main()
