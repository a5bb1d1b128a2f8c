"""Wall time of `cakit report` as a user meets it: a subprocess, start-up included.

Run by hand from anywhere:
    python benchmarks/report.py [--repeat 5] [--big-repeat 5] [--utterances 100000]

Measures (median of N runs each):

1. `cakit report corpora/demo`, first run: an empty annotation store, so every file is
   read, annotated (spaCy loaded, codebook compiled) and its machine layer stored;
2. the same with the store warm: every layer is reused, nothing is annotated;
3. the demo corpus replicated into a temporary folder (distinct file names, its
   `cakit.yaml` beside them) until it holds at least --utterances utterances (100,000
   unless told; the issue asks for 1,000,000 too), reported with `--jobs 2`, first run
   and warm.

Every run is its own `cakit report` process, measured by `_timing.run_child`: wall time
and the peak resident memory of that run's process tree (the sampled sum over `cakit` and
its workers, and the exact largest process), for that run alone. Printed: median time
and the median and range of the peaks. There are no peer ratios: neither pylangacq nor
rustling writes reports.

The budget (DESIGN, issue "The reporter and trainer excerpts"): the demo report under 3 s
on a 2-core machine, start-up included.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ChildRun, machine, memory_summary, run_child

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"


def cakit_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m cakit.cli`."""
    script = Path(sys.executable).with_name("cakit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cakit.cli"]


def timed_run(args: list[str], store: Path) -> ChildRun:
    """One `cakit report …` process (output discarded): wall time and peak memory."""
    return run_child([*cakit_command(), "report", *args, "--store", str(store)], cwd=REPO,
                     env={**os.environ, "NO_COLOR": "1"})


class Figures:
    """Median wall time and peak memory of a set of runs."""

    def __init__(self, runs: list[ChildRun]) -> None:
        self.seconds = statistics.median(r.wall_s for r in runs)
        self.memory = memory_summary(runs)


def cold_and_warm(args: list[str], repeat: int, scratch: Path) -> tuple[Figures, Figures]:
    """First runs (a fresh store each time), then warm runs on the store the last first
    run filled (filling one more would cost another first run: minutes at 1M utterances)."""
    cold = []
    store = scratch / "cold-0"
    for index in range(repeat):
        if index:
            shutil.rmtree(store, ignore_errors=True)
            store = scratch / f"cold-{index}"
        cold.append(timed_run(args, store))
    warm = [timed_run(args, store) for _ in range(repeat)]
    return Figures(cold), Figures(warm)


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
    parser.add_argument("--utterances", type=int, default=100_000,
                        help="size of the replicated corpus (at least this many utterances)")
    parser.add_argument("--skip-big", action="store_true", help="only the demo corpus")
    options = parser.parse_args()
    print(f"{machine()}  command: {' '.join(cakit_command())} report …")
    with tempfile.TemporaryDirectory(prefix="cakit-bench-") as temporary:
        scratch = Path(temporary)
        cold, warm = cold_and_warm(["corpora/demo"], options.repeat, scratch / "demo")
        print(f"cakit report corpora/demo (median of {options.repeat}; budget 3 s)")
        print(f"  first run (empty store): {cold.seconds:6.2f} s  {cold.memory}")
        print(f"  warm store:              {warm.seconds:6.2f} s  {warm.memory}")
        if options.skip_big:
            print(machine())
            return
        per_copy = demo_utterances()
        copies = math.ceil(options.utterances / per_copy)
        big = scratch / "big"
        big.mkdir()
        files = replicate(big, copies)
        utterances = per_copy * copies
        cold, warm = cold_and_warm([str(big), "--jobs", "2"], options.big_repeat,
                                   scratch / "big-store")
        print(f"replicated corpus: {files} files, {utterances:,} utterances, --jobs 2 "
              f"(median of {options.big_repeat})")
        print(f"  first run (empty store): {cold.seconds:6.2f} s  "
              f"({utterances / cold.seconds:,.0f} utt/s)  {cold.memory}")
        print(f"  warm store:              {warm.seconds:6.2f} s  "
              f"({utterances / warm.seconds:,.0f} utt/s)  {warm.memory}")
    print(machine())


if __name__ == "__main__":
    main()
