"""De-identification benchmark: recall on a planted set, false replacements on the demo.

Run by hand from anywhere:  python benchmarks/deid.py [--keep DIR]

Runs, through the CLI on the files and with a temporary pseudonym key
(`CAKIT_DEID_KEY_FILE` in a temporary folder):

    cakit excerpts tests/data/deid -o OUT/excerpts.txt --no-store --roles tests/data/deid/roles.yaml
    cakit report tests/data/deid --format html -o OUT/report.html --no-store …
    cakit report tests/data/deid --by consultation --format csv -o OUT/by-consultation.csv …
    cakit report tests/data/deid --by clinician --format csv -o OUT/by-clinician.csv …
    cakit report corpora/demo --format html -o OUT/demo.html --no-store

and the same on tests/data/deid_blind/ (a second planted set, written blind: by someone who
had not seen cakit's name lists or detector), and prints, for each set's planted
identifiers (its planted.csv), recall
((removed or flagged)/total) overall, per kind, per place and per case, with every leak as
file:line; then the false-replacement rate on the demo corpus (replacements whose original
is not one of the demo's real identifiers / all word replacements) with the list.
The measurement itself is tests/deid_measure.py (shared with tests/test_deid_benchmark.py).

Targets (issue "Safe to share"): recall >= 99% with nothing printed in clear that is not
also flagged; false replacements <= 1% of the words replaced.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from deid_measure import (
    BLIND_DIR,
    PLANTED_DIR,
    check_planted,
    load_planted,
    measure_demo,
    measure_planted,
    report_text,
)

SETS = (("planted set", PLANTED_DIR), ("blind planted set", BLIND_DIR))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the outputs and audits here and keep them")
    args = parser.parse_args()
    for _, folder in SETS:
        problems = check_planted(load_planted(folder), folder)
        if problems:
            print(f"{folder}/planted.csv does not match the files:", *problems, sep="\n  ")
            return 2
    with tempfile.TemporaryDirectory(prefix="cakit-deid-") as scratch:
        workdir = args.keep or Path(scratch)
        planted = [(title, measure_planted(workdir, folder)) for title, folder in SETS]
        demo = measure_demo(workdir)
        for _, result in planted:
            print("commands:", *result.commands, sep="\n  ")
        print()
        print(report_text(planted, demo))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
