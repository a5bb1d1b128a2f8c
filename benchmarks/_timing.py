"""Shared timing and memory helpers for the hand-run benchmarks (medians; machines here are noisy).

Memory is measured per run: `run_child` starts ONE fresh process for ONE measurement and
reports the peak resident memory of that process and of everything it starts (pool
workers, `cakit annotate --jobs 2` workers), and nothing else.

Why not `resource.getrusage(RUSAGE_CHILDREN)` in the benchmark process, as before: that
figure is the largest peak of *every* child the benchmark process has ever waited for, so
after the first big run it can only stay put or rise; a smaller later run (a quarter-size
corpus, a lighter peer) reports the earlier run's peak. Two measurements are taken here
instead, both limited to the one child:

* `largest_process_mb`: the `ru_maxrss` that `os.wait4` returns for that child alone.
  The kernel folds the peaks of the child's own reaped descendants into it, so it is the
  exact peak of the single largest process of the tree (not a sum), never sampled.
* `tree_sampled_mb`: the sum of the resident memory of the child and all its descendants,
  sampled every `interval` seconds while it runs (on Linux from /proc, which costs well
  under a millisecond per sample, so the sampler thread does not steal a core from the run on a
  2-core machine; elsewhere with psutil when it is installed). Workers that live at the
  same time are added up, which a per-process peak cannot show; a spike shorter than the
  interval can be missed, and pages shared between forked workers are counted once per
  process (RSS, as `top` shows it).
* `tree_pss_mb` (Linux): the same sampled sum of each process's *proportional* set size
  (`Pss` in /proc/PID/smaps_rollup, read every `PSS_INTERVAL` seconds), in which a page
  shared by n processes counts 1/n in each: the physical memory the tree holds. Forked
  pool workers share the parent's imported modules page for page, so the RSS sum counts
  those pages once per worker and overstates the tree; both figures are printed.

`ChildRun.peak_mb` (what the benchmarks print as "peak RSS, process tree") is the larger of
the two: a lower bound on the tree's true peak that is never below the exact largest single
process.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: seconds between two PSS samples of the tree
PSS_INTERVAL = 0.25


def median_time(func: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    """Median wall time of `repeat` calls, and the last call's result."""
    timed = timed_calls(func, repeat)
    return timed.wall_s, timed.result


def cpu_seconds() -> float:
    """CPU time so far of this process (all threads) and of the children it has reaped
    (process-pool workers a call started and shut down are included)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timed(Generic[T]):
    wall_s: float  #: median wall time of the calls
    cpu_s: float  #: median CPU time of the calls (above wall_s: more than one core busy)
    result: T  #: the last call's result


def timed_calls(func: Callable[[], T], repeat: int = 5) -> Timed[T]:
    """Median wall and CPU time of `repeat` calls, and the last call's result.

    CPU time is printed beside wall time because the machines here are shared: when other
    work takes the cores, wall time grows much more than CPU time does."""
    walls: list[float] = []
    cpus: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        result = func()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    assert result is not None
    return Timed(statistics.median(walls), statistics.median(cpus), result)


def machine() -> str:
    """Cores and load average, printed at the start and end of a benchmark."""
    try:
        load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return f"{os.cpu_count()} cores, load average (1/5/15 min) {load}"


@dataclass(frozen=True)
class ChildRun:
    """One measurement run in its own process."""

    returncode: int
    wall_s: float  #: start of the process to its exit (interpreter start-up included)
    cpu_s: float  #: user + system CPU time of the process and its reaped descendants
    stdout: str
    stderr: str
    largest_process_mb: float  #: exact peak RSS of the largest single process of the tree
    tree_sampled_mb: float  #: sampled peak of the summed RSS of the tree (nan: not sampled)
    samples: int
    #: sampled peak of the summed PSS of the tree (nan: not on Linux)
    tree_pss_mb: float = float("nan")

    @property
    def peak_mb(self) -> float:
        """Peak RSS of the process tree: the larger of the sampled sum and the exact maximum."""
        if self.tree_sampled_mb != self.tree_sampled_mb:  # nan: no sampler on this platform
            return self.largest_process_mb
        return max(self.tree_sampled_mb, self.largest_process_mb)


def _proc_children(pid: int) -> list[int]:
    """Direct children of `pid` from /proc (every thread's list: any thread may fork)."""
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children.extend(int(word) for word in handle.read().split())
        except OSError:
            continue
    return children


def _proc_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0  # exited between listing and reading


def _proc_pss(pid: int) -> int:
    """Proportional set size in bytes (0 when unreadable or gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree_pids(root: int) -> list[int]:
    pids, stack, seen = [], [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        pids.append(pid)
        stack.extend(_proc_children(pid))
    return pids


def _tree_pss(root: int) -> int:
    """Summed PSS of the tree in bytes (0 where it cannot be read)."""
    return sum(map(_proc_pss, _tree_pids(root)))


def _tree_sampler(root: int) -> Callable[[], int] | None:
    """A function returning the tree's summed RSS in bytes, or None if none can be had."""
    if os.path.exists(f"/proc/{root}/task/{root}/children"):
        return lambda: sum(map(_proc_rss, _tree_pids(root)))
    try:
        import psutil
    except ImportError:
        return None
    try:
        process = psutil.Process(root)
    except psutil.Error:
        return None

    def sample() -> int:
        total = 0
        try:
            members = [process, *process.children(recursive=True)]
        except psutil.Error:
            return 0
        for member in members:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                continue
        return total

    return sample


def _maxrss_mb(value: int) -> float:
    # ru_maxrss is in kilobytes on Linux and the BSDs, in bytes on macOS
    return value / (1024.0 * 1024.0) if sys.platform == "darwin" else value / 1024.0


def run_child(argv: Sequence[str], *, cwd: str | Path | None = None,
              env: dict[str, str] | None = None, interval: float = 0.02,
              check: bool = True) -> ChildRun:
    """Run `argv` as one fresh process; its wall time, output and peak memory (see above).

    Standard output and error go to temporary files (a pipe could fill up and stall the
    child while the parent is busy sampling) and are returned as text. The child may
    write bytecode caches, as Python does on a user's machine, even where the benchmark
    runs with PYTHONDONTWRITEBYTECODE set: otherwise every run would compile cakit's
    sources afresh (about 0.2 s of a report's start-up)."""
    env = dict(os.environ if env is None else env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        sampler = _tree_sampler(process.pid)
        peak = [0, 0, 0]  # RSS bytes, samples, PSS bytes
        done = threading.Event()
        # reading smaps_rollup walks the page tables (about 5 ms for a 300 MiB process),
        # so PSS is read every quarter second, not at every RSS sample
        pss_every = max(1, round(PSS_INTERVAL / interval))
        linux = os.path.exists(f"/proc/{process.pid}/smaps_rollup")

        def sample() -> None:
            assert sampler is not None
            while not done.is_set():
                peak[0] = max(peak[0], sampler())
                if linux and peak[1] % pss_every == 0:
                    peak[2] = max(peak[2], _tree_pss(process.pid))
                peak[1] += 1
                done.wait(interval)

        thread = threading.Thread(target=sample, daemon=True) if sampler else None
        if thread is not None:
            thread.start()
        # wait4, not Popen.wait: its rusage covers this child and its descendants only,
        # and blocking here (the sampler is a thread) adds no polling delay to the wall time
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if thread is not None:
            thread.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    if check and process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, list(argv), stdout, stderr)
    return ChildRun(
        returncode=process.returncode, wall_s=wall, stdout=stdout, stderr=stderr,
        cpu_s=usage.ru_utime + usage.ru_stime,
        largest_process_mb=_maxrss_mb(usage.ru_maxrss),
        tree_sampled_mb=peak[0] / 2**20 if sampler else float("nan"),
        samples=peak[1],
        tree_pss_mb=peak[2] / 2**20 if peak[2] else float("nan"),
    )


def memory_summary(runs: Sequence[ChildRun]) -> str:
    """CPU time and peak memory of a set of runs of one command: medians, with the range
    of the RSS sums, the largest single process, and the PSS sum where it was read."""
    cpu = statistics.median(r.cpu_s for r in runs)
    peaks = [r.peak_mb for r in runs]
    text = (f"cpu {cpu:6.2f} s  peak RSS tree {statistics.median(peaks):.0f} MiB "
            f"({min(peaks):.0f}–{max(peaks):.0f}; largest process "
            f"{max(r.largest_process_mb for r in runs):.0f})")
    pss = [r.tree_pss_mb for r in runs if r.tree_pss_mb == r.tree_pss_mb]
    if pss:
        text += f"  peak PSS tree {statistics.median(pss):.0f} MiB"
    return text


def child_result(run: ChildRun) -> dict[str, Any]:
    """The JSON object a benchmark's child process printed as its last line of output."""
    import json

    lines = run.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"the child printed nothing; its error output:\n{run.stderr}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result
