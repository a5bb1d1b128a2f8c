"""Speed of `cakit search` queries once the corpus has been read, and how it scales.

Run by hand from anywhere:
    python benchmarks/search.py [--scales 1,10,100] [--repeat 5] [--jobs 2]

For each scale N the demo corpus is copied N times into a temporary folder (distinct file
names, its `cakit.yaml` beside them, as benchmarks/report.py does) and:

1. read once the way `cakit search` reads it: the corpus run (`cakit.run.run_corpus`,
   `--jobs`) reads, annotates and indexes every file (`cakit.cli.search.search_input`),
   with an empty annotation store, and the parent builds the corpus index;
2. the same with the store warm (every machine layer reused, nothing annotated);
3. then each query below is answered over the whole corpus, `--repeat` times, every time
   with the index's caches emptied first (so each figure is what a new query costs, not a
   cached answer): the median wall time per query is printed with the hit count;
4. and the concordance lines of the first 50 hits of the busiest query are built,
   de-identified (what the terminal table shows).

Printed: median wall (and CPU) seconds; hits must grow with N exactly (N × the demo's),
which the run checks.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import machine, timed_calls
from report import replicate

QUERIES = (
    "~voice & role=patient",
    "role=patient & question >>2 role=clinician & laugh",
    "gap>=1 & role=clinician & phase=pre-closing",
    "code=SMILE_LAUGH & responds_to=PSY_REPEAT",
    "overlap=incoming & role=carer",
    '"hear voices" | /voice(s|d)? (at|in)/',
    "role=patient & !(laugh | smile) & pause>=0.5",
    "voice* | hear* >>3 code=PSY_ATTEMPT",
)
RENDERED = 50


def read_corpus(folder: Path, store: Path, jobs: int) -> tuple[Any, list[Any]]:
    """The corpus index and the (transcript, codes) pairs, as `cakit search` makes them."""
    from cakit.cli._common import corpus, run_options
    from cakit.cli.search import search_input
    from cakit.run import run_corpus
    from cakit.search import CorpusIndex

    files = corpus([str(folder)])
    options, _ = run_options(files, store_root=str(store))
    values = [outcome.value for outcome in run_corpus(files, options, search_input, jobs=jobs)
              if outcome.value is not None]
    index = CorpusIndex([file_index for file_index, _, _ in values])
    return index, [(transcript, codes) for _, transcript, codes in values]


def measure(scale: int, queries: list[tuple[str, Any]], options: argparse.Namespace,
            base: dict[str, int]) -> None:
    """Every figure for the demo copied `scale` times (see the module docstring)."""
    from cakit.report.deid import Deidentifier
    from cakit.search.kwic import KwicBuilder

    with tempfile.TemporaryDirectory(prefix="cakit-search-bench-") as temporary:
        scratch = Path(temporary)
        folder = scratch / "corpus"
        folder.mkdir()
        files = replicate(folder, scale)
        stores = iter(range(1_000_000))
        cold = timed_calls(lambda: read_corpus(folder, scratch / f"store-{next(stores)}",
                                               options.jobs), options.read_repeat)
        warm = timed_calls(lambda: read_corpus(folder, scratch / "store-0", options.jobs),
                           options.read_repeat)
        index, sources = warm.result
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\ndemo ×{scale}: {files} files, {index.size:,} turns and back-channels "
              f"(--jobs {options.jobs}); peak RSS of this process so far {peak:.0f} MiB")
        print(f"  read, annotate, index (empty store): {cold.wall_s:7.2f} s  "
              f"(cpu {cold.cpu_s:.2f} s)")
        print(f"  read and index (warm store):         {warm.wall_s:7.2f} s  "
              f"(cpu {warm.cpu_s:.2f} s)")
        busiest: tuple[Any, list[Any]] | None = None
        for text, query in queries:
            def answer(query: Any = query) -> list[Any]:
                index.clear_caches()
                return index.search(query)

            timed = timed_calls(answer, options.repeat)
            hits = len(timed.result)
            base.setdefault(text, hits // scale)
            assert hits == base[text] * scale, (text, hits, base[text], scale)
            if busiest is None or hits > len(busiest[1]):
                busiest = (query, timed.result)
            print(f"  {timed.wall_s * 1000:8.1f} ms  {hits:6,} hits  {text}")
        assert busiest is not None
        query, found = busiest
        deid = Deidentifier.for_transcripts([t for t, _ in sources], key=bytes(32))
        shown = found[:RENDERED]
        built = timed_calls(lambda: KwicBuilder(index, sources, query, context=1,
                                                deid=deid).build(shown), options.repeat)
        print(f"  {built.wall_s * 1000:8.1f} ms  concordance lines of {len(shown)} hits, "
              "de-identified")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="copies of the demo corpus")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure")
    parser.add_argument("--read-repeat", type=int, default=1,
                        help="runs per reading figure (reading ×100 takes a while)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for reading")
    options = parser.parse_args()
    from cakit.search import Vocabulary, parse_query

    vocabulary = Vocabulary.of()
    queries = [(text, parse_query(text, vocabulary)) for text in QUERIES]
    print(machine())
    base: dict[str, int] = {}
    for scale in (int(value) for value in options.scales.split(",")):
        measure(scale, queries, options, base)
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
