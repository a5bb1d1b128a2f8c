"""CHAT reading speed: cakit against pylangacq 0.19.1 on the same real files, same run.

Run by hand (not part of the tests):  python benchmarks/parse_chat.py [--repeat 5]
Needs the `bench` extra (pip install -e '.[bench]') and ../shared/data/chat.

Prints MB/s and utterances/s for
  * cakit full tokenization (tokens, CA features, events, %mor/%gra, diagnostics),
  * cakit headers + speakers + turns without tokenizing words,
  * pylangacq 0.19.1 reading the same files (it tokenizes words and %mor/%gra),
and the ratios, plus the start-up time of `cakit --help`.
Targets (issue 2): full tokenization ≥ 3× pylangacq 0.19.1; headers+turns ≥ 10 MB/s;
`cakit --help` < 0.3 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import median_time

from cakit.formats.chat.reader import parse_chat

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "chat"


def load(folders: list[str]) -> list[tuple[str, str]]:
    texts = []
    for folder in folders:
        for path in sorted((DATA / folder).glob("*.cha")):
            texts.append((str(path), path.read_bytes().decode("utf-8", errors="replace")))
    return texts


def cakit_read(texts: list[tuple[str, str]], tokenize: bool) -> int:
    utterances = 0
    for source, text in texts:
        utterances += len(parse_chat(text, source=source, tokenize=tokenize).transcript.utterances)
    return utterances


def pylangacq_read(texts: list[tuple[str, str]]) -> int:
    import pylangacq

    utterances = 0
    for _, text in texts:
        try:
            reader = pylangacq.Reader.from_strs([text])
            utterances += len(reader.utterances())
        except Exception:  # 0.19.1 crashes on some real CA files; count what it reads
            continue
    return utterances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"shared data not found at {DATA}")
    texts = load(["childes", "cabnc-ca"])
    megabytes = sum(len(text.encode("utf-8")) for _, text in texts) / 1e6
    print(f"corpus: {len(texts)} files, {megabytes:.2f} MB (childes/ + cabnc-ca/)")

    full_s, full_utts = median_time(lambda: cakit_read(texts, True), args.repeat)
    light_s, light_utts = median_time(lambda: cakit_read(texts, False), args.repeat)
    try:
        import pylangacq

        version = pylangacq.__version__
        peer_s, peer_utts = median_time(lambda: pylangacq_read(texts), args.repeat)
    except ImportError:
        version, peer_s, peer_utts = "not installed", float("nan"), 0

    def row(name: str, seconds: float, utterances: int) -> None:
        print(f"{name:<34} {seconds:7.3f} s  {megabytes / seconds:7.2f} MB/s  "
              f"{utterances / seconds:9.0f} utt/s")

    print(f"median of {args.repeat} runs")
    row("cakit full tokenization", full_s, full_utts)
    row("cakit headers+speakers+turns", light_s, light_utts)
    row(f"pylangacq {version}", peer_s, peer_utts)
    print(f"ratio full tokenization / pylangacq: {peer_s / full_s:.2f}x  (target >= 3x)")
    print(f"headers+turns throughput: {megabytes / light_s:.1f} MB/s  (target >= 10 MB/s)")

    startup = []
    command = shutil.which("cakit") or sys.exit("the cakit console script is not installed")
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run([command, "--help"], check=True, capture_output=True)
        startup.append(time.perf_counter() - start)
    startup.sort()
    print(f"`cakit --help` start-up: {startup[len(startup) // 2]:.3f} s  (target < 0.3 s)")
    check = subprocess.run(
        [sys.executable, "-c", "import sys, cakit.cli; "
         "print(any(m in sys.modules for m in ('spacy', 'pandas')))"],
        capture_output=True, text=True, check=True,
    )
    print(f"spaCy or pandas imported at start-up: {check.stdout.strip()}")


if __name__ == "__main__":
    main()
