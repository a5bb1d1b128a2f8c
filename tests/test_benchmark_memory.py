"""The benchmarks' memory measurement (`benchmarks/_timing.run_child`): a forked worker's
shared pages count once per process in the RSS sum and proportionally in the PSS sum."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from _timing import run_child

#: a parent that fills 80 MiB, then forks a child that shares those pages unchanged
_FORKING_CHILD = textwrap.dedent("""
    import os, time
    block = bytearray(80 * 2**20)
    for index in range(0, len(block), 4096):
        block[index] = 1
    pid = os.fork()
    time.sleep(1.5)
    if pid:
        os.waitpid(pid, 0)
""")


def test_pss_counts_pages_shared_by_a_forked_worker_once() -> None:
    run = run_child([sys.executable, "-c", _FORKING_CHILD], interval=0.02)
    assert run.largest_process_mb >= 80
    # both processes hold the 80 MiB as resident: the RSS sum counts them twice
    assert run.tree_sampled_mb >= 160
    if sys.platform.startswith("linux"):
        # the block is in memory once: PSS is the physical figure
        assert 80 <= run.tree_pss_mb < run.tree_sampled_mb - 60
    else:
        assert run.tree_pss_mb != run.tree_pss_mb  # not measured: NaN
