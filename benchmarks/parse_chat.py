"""CHAT reading speed and memory: cakit against pylangacq 0.19.1 and rustling 0.9.0, same run.

Run by hand (not part of the tests):  python benchmarks/parse_chat.py [--repeat 3] [--rounds 3]
Needs the `bench` extra (pip install -e '.[bench]') and ../shared/data/chat.

The corpus is the real CHAT files of ../shared/data/chat/childes and cabnc-ca, read from
memory (decoding is not timed for anyone). The peers fail on a few of them (pylangacq
0.19.1 raises on 2 CABNC files, rustling 0.9.0 panics on 3), and a single reader over all
files stops at the first failure, so every figure that is compared is taken on the files
that all three read; a first child process finds them and the skipped files are listed.

Every configuration (row) runs in its own fresh process (`_timing.run_child`), which
times --repeat reads and prints their median; the parent records the peak resident memory
of that process and everything it starts (pylangacq's process pools included), so each
row's memory is its own, not the largest of all earlier rows. All rows run once per
round, --rounds times, interleaved, so that other work on a shared machine slows the rows
of a round alike; each figure is the median over rounds, and each ratio is taken within a
round (median and range over rounds are printed). Rows:

  * cakit full tokenization (tokens, CA features, events, %mor/%gra, diagnostics), and
    headers + speakers + turns only (`tokenize=False`), one `parse_chat` call per file;
  * pylangacq 0.19.1 (pure Python; tokenizes words and %mor/%gra), called as its
    documentation describes: `Reader.from_strs([text], parallel=False)` per file (its
    docstring: set parallel=False when the application manages its own parallelism),
    and one `Reader.from_strs(all_texts)` over every file, with parallel=False and with
    its default parallel=True (a process pool; the docs give it as the default "because
    in most cases multiple CHAT data files ... are being handled");
  * the call the earlier version of this script made: `Reader.from_strs([text])` per
    file with the default parallel=True, which starts a process pool for every file.
    Shown only to document where the old README figure (3.3–3.8×) came from;
  * rustling 0.9.0 (Rust; the engine of pylangacq >= 0.20): one
    `rustling.chat.CHAT.from_strs(all_texts, strict=False)` with its default
    parallel=True (threads) and with parallel=False. strict=False because with the
    default strict=True it fails on most of these real files (51 of 65 when written:
    mor/word misalignment, roles it does not know, CABNC headers, old `&` notation);
    its warnings are silenced, not printed.

Ratios are cakit full tokenization against each peer row: the peer's time divided by
cakit's in the same round (above 1: cakit is faster). Also prints the start-up time of
`cakit --help`.
Targets (issue 2): full tokenization ≥ 3× pylangacq 0.19.1; headers+turns ≥ 10 MB/s;
`cakit --help` < 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ChildRun, child_result, machine, run_child, timed_calls

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "chat"
FOLDERS = ("childes", "cabnc-ca")

Texts = list[tuple[str, str]]


def load(paths: list[str]) -> Texts:
    return [(path, Path(path).read_bytes().decode("utf-8", errors="replace"))
            for path in paths]


# --- what each child process runs: texts in, utterances counted -------------------------

def cakit_read(texts: Texts, tokenize: bool) -> int:
    from cakit.formats.chat.reader import parse_chat

    utterances = 0
    for source, text in texts:
        utterances += len(parse_chat(text, source=source, tokenize=tokenize).transcript.utterances)
    return utterances


def pylangacq_per_file(texts: Texts, parallel: bool) -> int:
    import pylangacq

    utterances = 0
    for source, text in texts:
        utterances += len(pylangacq.Reader.from_strs([text], [source],
                                                     parallel=parallel).utterances())
    return utterances


def pylangacq_one_reader(texts: Texts, parallel: bool) -> int:
    import pylangacq

    reader = pylangacq.Reader.from_strs([t for _, t in texts], [s for s, _ in texts],
                                        parallel=parallel)
    return len(reader.utterances())


def rustling_one_reader(texts: Texts, parallel: bool) -> int:
    from rustling.chat import CHAT

    reader = CHAT.from_strs([t for _, t in texts], [s for s, _ in texts],
                            parallel=parallel, strict=False)
    return len(reader.utterances())


KINDS: dict[str, tuple[str, Callable[[Texts], int]]] = {
    "baseline": ("python + texts in memory, no reading", lambda texts: 0),
    "cakit-full": ("cakit full tokenization", lambda t: cakit_read(t, True)),
    "cakit-light": ("cakit headers+speakers+turns", lambda t: cakit_read(t, False)),
    "pylangacq-file": ("pylangacq per file, parallel=False",
                       lambda t: pylangacq_per_file(t, False)),
    "pylangacq-one": ("pylangacq one Reader, parallel=False",
                      lambda t: pylangacq_one_reader(t, False)),
    "pylangacq-one-parallel": ("pylangacq one Reader, parallel=True",
                               lambda t: pylangacq_one_reader(t, True)),
    "pylangacq-file-parallel": ("pylangacq per file, parallel=True (old)",
                                lambda t: pylangacq_per_file(t, True)),
    "rustling-one-parallel": ("rustling one CHAT, parallel=True",
                              lambda t: rustling_one_reader(t, True)),
    "rustling-one": ("rustling one CHAT, parallel=False",
                     lambda t: rustling_one_reader(t, False)),
}
PEERS = ("pylangacq-file", "pylangacq-one", "pylangacq-one-parallel",
         "rustling-one-parallel", "rustling-one")


def child_measure(kind: str, paths: list[str], repeat: int) -> None:
    """In the child: time `repeat` reads, print one JSON line."""
    warnings.simplefilter("ignore")  # rustling strict=False warns per misaligned utterance
    texts = load(paths)
    _, func = KINDS[kind]
    if kind.startswith("pylangacq"):
        import pylangacq  # noqa: F401  (imports are not timed, for anyone)
    elif kind.startswith("rustling"):
        import rustling.chat  # noqa: F401
    elif kind.startswith("cakit"):
        import cakit.formats.chat.reader  # noqa: F401
    timed = timed_calls(lambda: func(texts), repeat if kind != "baseline" else 1)
    print(json.dumps({"median_s": timed.wall_s, "cpu_s": timed.cpu_s,
                      "utterances": timed.result}))


def child_check(paths: list[str]) -> None:
    """In the child: which files each reader reads without an exception (a Rust panic too)."""
    warnings.simplefilter("ignore")
    readers: dict[str, Callable[[Texts], int]] = {"cakit": lambda t: cakit_read(t, True)}
    from cakit.formats import compiled

    # the optional mypyc build (setup.py) or the Python source
    versions = {"cakit": "compiled (the mypyc build)" if compiled("chat") else "Python source"}
    try:
        import pylangacq

        readers["pylangacq"] = lambda t: pylangacq_per_file(t, False)
        versions["pylangacq"] = pylangacq.__version__
    except ImportError:
        pass
    try:
        import rustling

        readers["rustling"] = lambda t: rustling_one_reader(t, False)
        versions["rustling"] = rustling.__version__
    except ImportError:
        pass
    failures: dict[str, dict[str, str]] = {name: {} for name in readers}
    for source, text in load(paths):
        for name, read in readers.items():
            try:
                read([(source, text)])
            except BaseException as error:  # rustling's PanicException is a BaseException
                if isinstance(error, KeyboardInterrupt):
                    raise
                failures[name][source] = f"{type(error).__name__}: {str(error)[:80]}"
    print(json.dumps({"versions": versions, "failures": failures}))


# --- the parent --------------------------------------------------------------------------

class Row:
    """One row's measurements, one per round."""

    def __init__(self) -> None:
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.peaks: list[float] = []
        self.largest: list[float] = []
        self.utterances = 0

    def add(self, result: dict[str, Any], run: ChildRun) -> None:
        self.walls.append(float(result["median_s"]))
        self.cpus.append(float(result["cpu_s"]))
        self.utterances = int(result["utterances"])
        self.peaks.append(run.peak_mb)
        self.largest.append(run.largest_process_mb)

    @property
    def seconds(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak_mb(self) -> float:
        return statistics.median(self.peaks)

    @property
    def largest_mb(self) -> float:
        return statistics.median(self.largest)

    def ratios(self, base: Row) -> tuple[float, float, float]:
        """(lowest, median, highest) over rounds of this row's time / `base`'s."""
        ratios = [mine / theirs for mine, theirs in zip(self.walls, base.walls, strict=True)]
        return min(ratios), statistics.median(ratios), max(ratios)


def measure(kind: str, paths: list[str], repeat: int,
            scratch: Path) -> tuple[dict[str, Any], ChildRun]:
    """Run one child process (`kind`: a row of KINDS, or "check") on `paths`."""
    listing = scratch / f"{kind}-{len(paths)}.json"
    listing.write_text(json.dumps(paths), encoding="utf-8")
    run = run_child([sys.executable, __file__, "--child", kind, "--files", str(listing),
                     "--repeat", str(repeat)])
    return child_result(run), run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed reads per process (median)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of all rows, interleaved (median over rounds)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        paths = json.loads(Path(args.files).read_text(encoding="utf-8"))
        if args.child == "check":
            child_check(paths)
        else:
            child_measure(args.child, paths, args.repeat)
        return

    if not DATA.is_dir():
        sys.exit(f"shared data not found at {DATA}")
    print(machine())
    every = [str(p) for folder in FOLDERS for p in sorted((DATA / folder).glob("*.cha"))]
    with tempfile.TemporaryDirectory(prefix="cakit-bench-") as temporary:
        scratch = Path(temporary)
        check, _ = measure("check", every, 1, scratch)
        versions: dict[str, str] = check["versions"]
        failures: dict[str, dict[str, str]] = check["failures"]
        skipped = {path for fails in failures.values() for path in fails}
        common = [path for path in every if path not in skipped]

        def megabytes(paths: list[str]) -> float:
            return sum(Path(p).stat().st_size for p in paths) / 1e6

        size = megabytes(common)
        print(f"corpus: {len(every)} files, {megabytes(every):.2f} MB ({' + '.join(FOLDERS)});"
              f" compared on the {len(common)} files every reader reads: {size:.2f} MB")
        for name, fails in failures.items():
            for path, message in sorted(fails.items()):
                print(f"  skipped, {name} fails: {Path(path).name}  ({message})")
        for name in ("pylangacq", "rustling"):
            if name not in versions:
                print(f"  {name} is not installed: its rows are skipped "
                      "(pip install -e '.[bench]')")

        kinds = [k for k in KINDS
                 if not k.startswith(("pylangacq", "rustling")) or k.split("-")[0] in versions]
        rows: dict[str, Row] = {kind: Row() for kind in [*kinds, "cakit-full-all"]}
        # rounds: every row once per round, so a burst of other work on a shared machine
        # slows all rows of a round alike; ratios are taken within a round
        for _ in range(args.rounds):
            for kind in rows:
                paths = every if kind == "cakit-full-all" else common
                rows[kind].add(*measure(kind.replace("-all", ""), paths, args.repeat, scratch))

    print(f"cakit's CHAT reader runs as: {versions['cakit']}")
    print(f"\n{args.rounds} rounds; in each, every row is a fresh process that times "
          f"{args.repeat} reads. Printed: the median over rounds of each process's median;"
          " cpu = CPU seconds of all its threads and workers; peak RSS of the process tree"
          " and of its largest process; ratio = the row's time / cakit full's in the same"
          " round (median, and range over rounds; above 1: cakit is faster)")
    print(f"{'':<46} {'median':>8} {'cpu':>7} {'MB/s':>6} {'utt/s':>7} {'utts':>6} "
          f"{'peak RSS':>12} {'largest':>7}  ratio (range)")
    full = rows["cakit-full"]
    for kind, row in rows.items():
        label = (KINDS[kind][0] if kind in KINDS
                 else f"cakit full tokenization, all {len(every)} files")
        for name in ("pylangacq", "rustling"):
            if kind.startswith(name):
                label = label.replace(name, f"{name} {versions[name]}")
        memory = f"{row.peak_mb:8.0f} MiB {row.largest_mb:7.0f}"
        if kind == "baseline":
            print(f"{label:<46} {'':>8} {'':>7} {'':>6} {'':>7} {'':>6} {memory}")
            continue
        mb = megabytes(every) if kind == "cakit-full-all" else size
        ratio = ""
        if kind in PEERS or kind == "pylangacq-file-parallel":
            low, mid, high = row.ratios(full)
            ratio = f"  {mid:5.2f}x ({low:.2f}–{high:.2f})"
        print(f"{label:<46} {row.seconds:7.3f}s {row.cpu:6.3f}s {mb / row.seconds:6.2f} "
              f"{row.utterances / row.seconds:7.0f} {row.utterances:6d} {memory}{ratio}")
    print("(the old call, a process pool per file, is shown to explain the old README figure;"
          " it is not how pylangacq's documentation reads many files)")
    if "pylangacq-file" in rows:
        _, mid, _ = rows["pylangacq-file"].ratios(full)
        print(f"full tokenization vs pylangacq per file, parallel=False: {mid:.2f}x"
              "  (issue 2 target >= 3x)")
    light = rows["cakit-light"]
    print(f"headers+turns throughput: {size / light.seconds:.1f} MB/s  (target >= 10 MB/s)")

    startup = []
    command = shutil.which("cakit") or sys.exit("the cakit console script is not installed")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([command, "--help"], check=True, capture_output=True)
        startup.append(time.perf_counter() - start)
    print(f"`cakit --help` start-up: {statistics.median(startup):.3f} s  (target < 0.3 s)")
    check_imports = subprocess.run(
        [sys.executable, "-c", "import sys, cakit.cli; "
         "print(any(m in sys.modules for m in ('spacy', 'pandas')))"],
        capture_output=True, text=True, check=True,
    )
    print(f"spaCy or pandas imported at start-up: {check_imports.stdout.strip()}")
    print(machine())


if __name__ == "__main__":
    main()
