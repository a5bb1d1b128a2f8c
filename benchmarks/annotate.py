"""Annotation speed and memory: utterances/s with --jobs 1 and --jobs 2, peak memory.

Run by hand:  python benchmarks/annotate.py [--utterances 100000] [--repeat 3]

The demo corpus is replicated (copies with distinct names in a temp dir) until it holds at
least --utterances utterances; each configuration runs `cakit annotate DIR --format jsonl
--no-store -o FILE --jobs N` as a subprocess (start-up and reading included) and the
median wall time is reported, with the peak resident memory of that run's process tree
(the `cakit` process and its workers), measured for each run alone by
`_timing.run_child`: the sampled sum over the tree and the exact largest process. (The
earlier version read getrusage(RUSAGE_CHILDREN) in this process, which keeps the largest
peak of every earlier run, so it could never show memory falling.) Memory should not grow
with corpus size: results are streamed to the output file one transcript at a time, so the
script also runs a corpus of a quarter the size, --repeat times, and prints both peaks.
There are no peer ratios: neither pylangacq nor rustling annotates.
Targets (issue 4): ≥ 20k utterances/s on 2 cores; memory that does not grow with size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ChildRun, machine, memory_summary, run_child

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"


def count_utterances(paths: list[Path]) -> int:
    import cakit

    return sum(len(cakit.read(path, tokenize=False).transcript.utterances) for path in paths)


def replicate(target: int, folder: Path) -> int:
    sources = sorted(p for p in DEMO.iterdir() if p.suffix in (".txt", ".cha", ".docx"))
    per_copy = count_utterances(sources)
    copies = max(1, -(-target // per_copy))
    for k in range(copies):
        # each copy in its own folder, keeping file names (CHAT @Media must match them)
        target_dir = folder / f"copy-{k:04d}"
        target_dir.mkdir()
        shutil.copy(REPO / "cakit.yaml", target_dir / "cakit.yaml")
        for source in sources:
            shutil.copy(source, target_dir / source.name)
    return per_copy * copies


def run(folder: Path, jobs: int, output: Path) -> ChildRun:
    command = shutil.which("cakit") or sys.exit("the cakit console script is not installed")
    return run_child([command, "annotate", str(folder), "--format", "jsonl", "--no-store",
                      "--force", "-o", str(output), "--jobs", str(jobs)], cwd=REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cakit-bench-") as temporary:
        big, small = Path(temporary) / "big", Path(temporary) / "small"
        big.mkdir()
        small.mkdir()
        total = replicate(args.utterances, big)
        small_total = replicate(args.utterances // 4, small)
        files = len([p for p in big.rglob("*.*") if p.suffix in (".txt", ".cha", ".docx")])
        print(f"corpus: {files} files, {total:,} utterances (demo replicated); "
              f"small: {small_total:,} utterances")
        output = Path(temporary) / "out.jsonl"
        for jobs in (1, 2):
            runs = [run(big, jobs, output) for _ in range(args.repeat)]
            median = statistics.median(r.wall_s for r in runs)
            print(f"--jobs {jobs}: median {median:6.2f} s  {total / median:9,.0f} utterances/s  "
                  f"{memory_summary(runs)}")
        small_runs = [run(small, 2, output) for _ in range(args.repeat)]
        median = statistics.median(r.wall_s for r in small_runs)
        print(f"1/4 corpus, --jobs 2: median {median:6.2f} s  "
              f"{small_total / median:9,.0f} utterances/s  {memory_summary(small_runs)}")
        print("(memory should not grow with corpus size: compare the two --jobs 2 peaks)")
        print(machine())


if __name__ == "__main__":
    main()
