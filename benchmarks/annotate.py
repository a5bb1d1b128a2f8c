"""Annotation speed and memory: utterances/s with --jobs 1 and --jobs 2, peak memory.

Run by hand:  python benchmarks/annotate.py [--utterances 100000] [--repeat 3]

The demo corpus is replicated (copies with distinct names in a temp dir) until it holds at
least --utterances utterances; each configuration runs `cakit annotate DIR --format jsonl
--no-store -o FILE --jobs N` as a subprocess (start-up and reading included) and the
median wall time is reported, with the peak resident memory of the process tree (parent
and workers, from getrusage). Memory should not grow with corpus size: results are
streamed to the output file one transcript at a time, so the script also runs a corpus of
a quarter the size and prints both peaks.
Targets (issue 4): ≥ 20k utterances/s on 2 cores; memory that does not grow with size.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def run(folder: Path, jobs: int, output: Path) -> tuple[float, float]:
    command = shutil.which("cakit") or sys.exit("the cakit console script is not installed")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([command, "annotate", str(folder), "--format", "jsonl", "--no-store",
                    "--force", "-o", str(output), "--jobs", str(jobs)], check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as big_dir, tempfile.TemporaryDirectory() as small_dir:
        big, small = Path(big_dir), Path(small_dir)
        total = replicate(args.utterances, big)
        small_total = replicate(args.utterances // 4, small)
        files = len([p for p in big.rglob("*.*") if p.suffix in (".txt", ".cha", ".docx")])
        print(f"corpus: {files} files, {total:,} utterances (demo replicated); "
              f"small: {small_total:,} utterances")
        output = Path(tempfile.mkdtemp()) / "out.jsonl"
        for jobs in (1, 2):
            times, peaks = [], []
            for _ in range(args.repeat):
                elapsed, peak = run(big, jobs, output)
                times.append(elapsed)
                peaks.append(peak)
            median = statistics.median(times)
            print(f"--jobs {jobs}: median {median:6.2f} s  {total / median:9,.0f} utterances/s  "
                  f"peak RSS (largest process) {max(peaks):6.0f} MB")
        _, small_peak = run(small, 2, output)
        print(f"peak RSS on a corpus 1/4 the size (--jobs 2): {small_peak:.0f} MB "
              "(compare: memory should not grow with corpus size)")
        print(f"cpu count: {os.cpu_count()}")


if __name__ == "__main__":
    main()
