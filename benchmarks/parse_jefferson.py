"""Jefferson reading speed: MB/s and lines/s on ≥ 10 MB of replicated demo transcripts.

Run by hand (not part of the tests):  python benchmarks/parse_jefferson.py [--mb 10] [--repeat 5]

The Jefferson transcripts of corpora/demo (`.txt`) are copied into a temporary folder
until they add up to at least --mb megabytes, each copy in its own folder next to the
corpus `cakit.yaml` (so every label maps to a role).
Every file is then read with `cakit.formats.read` — bytes in, decoding, layout, labels,
tokenizing, overlap pairing, turns — and the median of --repeat runs is printed, for full
tokenization and for speakers and turns only (`tokenize=False`). The Word demo file is
replicated to a tenth of the size and timed the same way.

Each configuration runs in its own fresh process (`_timing.run_child`) and its row shows
the peak resident memory of that process (the whole process tree: sampled sum, and the
exact largest process), measured for that row alone. There are no peer ratios: neither
pylangacq nor rustling reads Jefferson transcripts (`benchmarks/parse_chat.py` compares
them with cakit on CHAT).
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import child_result, machine, run_child, timed_calls

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "corpora" / "demo"

def replicate(suffix: str, megabytes: float, folder: Path) -> list[Path]:
    """Copies of the demo files with `suffix` until they hold `megabytes` MB."""
    sources = sorted(DEMO.glob(f"*{suffix}"))
    if not sources:
        return []
    size = sum(path.stat().st_size for path in sources)
    copies = max(1, -(-int(megabytes * 1e6) // size))
    files: list[Path] = []
    for k in range(copies):
        target = folder / f"{suffix[1:]}-{k:05d}"
        target.mkdir()
        if (REPO / "cakit.yaml").exists():
            shutil.copy(REPO / "cakit.yaml", target / "cakit.yaml")
        for source in sources:
            files.append(Path(shutil.copy(source, target / source.name)))
    return files


def read_all(files: list[Path], tokenize: bool) -> tuple[int, int, int]:
    """(lines, utterances, errors) over all files."""
    from cakit.formats import read

    lines = utterances = errors = 0
    for path in files:
        result = read(path, tokenize=tokenize)
        lines += result.transcript.line_count
        utterances += len(result.transcript.utterances)
        errors += len(result.errors)
    return lines, utterances, errors


def child(folder: Path, suffix: str, tokenize: bool, repeat: int) -> None:
    """In the child process: time `repeat` reads of the copies, print one JSON line."""
    import cakit.formats  # noqa: F401  (imports are not timed)

    files = sorted(folder.glob(f"*/*{suffix}"))
    timed = timed_calls(functools.partial(read_all, files, tokenize), repeat)
    lines, utterances, errors = timed.result
    print(json.dumps({"median_s": timed.wall_s, "cpu_s": timed.cpu_s, "lines": lines,
                      "utterances": utterances, "errors": errors}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # FOLDER:SUFFIX:TOKENIZE
    args = parser.parse_args()
    if args.child:
        folder, suffix, tokenize = args.child.rsplit(":", 2)
        child(Path(folder), suffix, tokenize == "1", args.repeat)
        return
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cakit-bench-") as temporary:
        folder = Path(temporary)
        for suffix, megabytes in ((".txt", args.mb), (".docx", args.mb / 10)):
            files = replicate(suffix, megabytes, folder)
            if not files:
                print(f"{suffix}: no demo files, skipped")
                continue
            size = sum(path.stat().st_size for path in files) / 1e6
            print(f"{suffix}: {len(files)} files, {size:.2f} MB on disk "
                  f"(median of {args.repeat} runs, each configuration in a fresh process)")
            for tokenize in (True, False):
                run = run_child([sys.executable, __file__, "--repeat", str(args.repeat),
                                 "--child", f"{folder}:{suffix}:{int(tokenize)}"])
                result = child_result(run)
                seconds = float(result["median_s"])
                lines, utterances = int(result["lines"]), int(result["utterances"])
                name = "full tokenization" if tokenize else "speakers + turns only"
                print(f"  {name:<24} {seconds:7.2f} s (cpu {float(result['cpu_s']):5.2f} s)  "
                      f"{size / seconds:6.2f} MB/s  "
                      f"{lines / seconds:9.0f} lines/s  {utterances / seconds:9.0f} utt/s"
                      f"  ({result['errors']} errors)  peak RSS tree {run.peak_mb:5.0f} MiB"
                      f" (largest process {run.largest_process_mb:.0f})")
    print("no peer ratios: pylangacq and rustling do not read Jefferson transcripts")
    print(machine())


if __name__ == "__main__":
    main()
