"""Wall time of `cakit report` as a user meets it: a subprocess, start-up included.

Run by hand from anywhere:  python benchmarks/report.py [--repeat 5] [--big-repeat 5]

Measures (median of N runs each):

1. `cakit report corpora/demo`, first run: an empty annotation store, so every file is
   read, annotated (spaCy loaded, codebook compiled) and its machine layer stored;
2. the same with the store warm: every layer is reused, nothing is annotated;
3. the demo corpus replicated into a temporary folder (distinct file names, its
   `cakit.yaml` beside them) until it holds at least 100,000 utterances, reported with
   `--jobs 2`, first run and warm.

The budget (DESIGN, issue "The reporter and trainer excerpts"): the demo report under 3 s
on a 2-core machine, start-up included.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"
TARGET_UTTERANCES = 100_000


def cakit_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m cakit.cli`."""
    script = Path(sys.executable).with_name("cakit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cakit.cli"]


def timed_run(args: list[str], store: Path) -> float:
    """Wall seconds of one `cakit report …` subprocess (output discarded)."""
    start = time.perf_counter()
    subprocess.run([*cakit_command(), "report", *args, "--store", str(store)], cwd=REPO,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "NO_COLOR": "1"})
    return time.perf_counter() - start


def cold_and_warm(args: list[str], repeat: int, scratch: Path) -> tuple[float, float]:
    """Median first-run time (fresh store each time) and median warm-store time."""
    cold = []
    for index in range(repeat):
        store = scratch / f"cold-{index}"
        cold.append(timed_run(args, store))
        shutil.rmtree(store, ignore_errors=True)
    warm_store = scratch / "warm"
    timed_run(args, warm_store)  # fill it
    warm = [timed_run(args, warm_store) for _ in range(repeat)]
    return statistics.median(cold), statistics.median(warm)


def demo_utterances() -> int:
    import cakit
    from cakit.formats import supported_suffixes
    from cakit.paths import expand_paths

    return sum(len(cakit.read(path, tokenize=False).transcript.utterances)
               for path in expand_paths([str(DEMO)], supported_suffixes()))


def replicate(folder: Path, copies: int) -> int:
    """`copies` copies of every demo transcript under distinct names; returns files made.

    CHAT copies get their `@Media` header renamed with the file, as CHAT requires."""
    made = 0
    shutil.copy(REPO / "cakit.yaml", folder / "cakit.yaml")
    for copy in range(copies):
        for source in sorted(DEMO.iterdir()):
            if source.suffix.lower() not in (".txt", ".cha", ".docx"):
                continue
            target = folder / f"r{copy:04d}-{source.name}"
            if source.suffix == ".cha":  # CHAT wants @Media to name the file (E531)
                text = source.read_text(encoding="utf-8")
                target.write_text(text.replace(f"@Media:\t{source.stem},",
                                               f"@Media:\t{target.stem},"), encoding="utf-8")
            else:
                shutil.copy(source, target)
            made += 1
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per demo figure")
    parser.add_argument("--big-repeat", type=int, default=5, help="runs per big-corpus figure")
    parser.add_argument("--skip-big", action="store_true", help="only the demo corpus")
    options = parser.parse_args()
    print(f"cores: {os.cpu_count()}  command: {' '.join(cakit_command())} report …")
    with tempfile.TemporaryDirectory(prefix="cakit-bench-") as temporary:
        scratch = Path(temporary)
        cold, warm = cold_and_warm(["corpora/demo"], options.repeat, scratch / "demo")
        print(f"cakit report corpora/demo   first run (empty store): {cold:6.2f} s   "
              f"warm store: {warm:6.2f} s   (median of {options.repeat}; budget 3 s)")
        if options.skip_big:
            return
        per_copy = demo_utterances()
        copies = math.ceil(TARGET_UTTERANCES / per_copy)
        big = scratch / "big"
        big.mkdir()
        files = replicate(big, copies)
        utterances = per_copy * copies
        cold, warm = cold_and_warm([str(big), "--jobs", "2"], options.big_repeat,
                                   scratch / "big-store")
        print(f"replicated corpus: {files} files, {utterances:,} utterances, --jobs 2")
        print(f"  first run (empty store): {cold:6.2f} s  ({utterances / cold:,.0f} utt/s)   "
              f"warm store: {warm:6.2f} s  ({utterances / warm:,.0f} utt/s)   "
              f"(median of {options.big_repeat})")


if __name__ == "__main__":
    main()
