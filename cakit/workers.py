"""The one worker pool: a function over many items, in input order, in one process or many.

Results come back one item at a time, in input order, so callers can stream them and
memory does not grow with the corpus. With `jobs > 1` the items are spread over worker
processes (forked where the platform allows, so the workers inherit what the parent has
already loaded). Workers end with their parent: on Linux they ask the kernel for SIGTERM
when the parent dies, so a `kill -9` of cakit leaves no process behind.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def settle_long_lived_objects() -> None:
    """Move everything alive now (a compiled codebook, spaCy's vocabulary) out of the
    cyclic collector's sight: it lives as long as the run, and rescanning it for every
    transcript costs about a tenth of annotating time. Objects freed by reference counting
    are unaffected; call it only once the long-lived state is built."""
    gc.collect()
    gc.freeze()


def _end_with_parent(parent: int) -> None:
    """Ask for SIGTERM when the parent process dies (Linux), and exit at once if it
    already has (it may die between the fork and this call)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the worker ends with its next task
            pass
    if os.getppid() != parent:
        os._exit(1)


def _start_worker(parent: int, initializer: Callable[..., None] | None,
                  initargs: tuple[Any, ...]) -> None:
    _end_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def chunk_size(items: int, jobs: int) -> int:
    """Items per task: about four tasks per worker, between 1 and 16 items each."""
    return max(1, min(16, items // (jobs * 4) or 1))


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], *, jobs: int = 1,
    initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
    before_fork: Callable[[], None] | None = None, scheduler: str | None = None,
) -> Iterator[R]:
    """`function` over `items`, results in input order; `jobs > 1` uses worker processes,
    and `scheduler` (a Dask scheduler's address) the workers of a Dask cluster instead.

    `function` and `initializer` must be module-level functions (workers receive them by
    name). `initializer(*initargs)` runs once per process (in this process too, when
    `jobs` is 1), before its first item. `before_fork` runs here first when workers are
    forked: load there what every worker should inherit rather than build itself.
    """
    work = list(items)
    if scheduler is not None:
        yield from _dask_map(function, work, initializer, initargs, scheduler)
        return
    if jobs <= 1 or len(work) < 2:
        if initializer is not None:
            initializer(*initargs)
        for item in work:
            yield function(item)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        if before_fork is not None:
            before_fork()
        # frozen before the fork, the inherited heap is never walked by a worker's
        # collector, so its pages stay shared instead of being copied into each worker
        settle_long_lived_objects()
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(), initializer, initargs)) as pool:
        yield from pool.map(function, work, chunksize=chunk_size(len(work), jobs))


# -- past one machine: a Dask cluster ----------------------------------------------------

#: On a Dask worker: the initialisation this process last ran (see `_initialised_call`).
_DASK_STATE: dict[str, Any] = {}


def _initialised_call(item: Any, function: Callable[[Any], Any],
                      initializer: Callable[..., None] | None, initargs: tuple[Any, ...],
                      token: str) -> Any:
    """`function(item)` on a Dask worker, after `initializer(*initargs)` has run in this
    worker process for this run (`token` names the run, so a worker serving two runs
    initialises for each)."""
    if initializer is not None and _DASK_STATE.get("token") != token:
        initializer(*initargs)
        _DASK_STATE["token"] = token
    return function(item)


def _dask_map(function: Callable[[T], R], work: list[T],
              initializer: Callable[..., None] | None, initargs: tuple[Any, ...],
              scheduler: str) -> Iterator[R]:
    """The same per-item function over a Dask cluster: Dask schedules, retries and moves
    the data; results come back in input order, one at a time.

    Raises:
        UsageError: the `dask` extra is not installed, or the scheduler cannot be reached.
    """
    import uuid

    from cakit.errors import UsageError

    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--dask needs the dask extra: pip install 'cakit[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call, unused-ignore]
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    token = uuid.uuid4().hex
    with client:
        futures: list[Any] = client.map(_initialised_call, work, function=function,
                                        initializer=initializer, initargs=initargs,
                                        token=token, pure=False)
        for index, future in enumerate(futures):
            futures[index] = None  # once here, the cluster may forget the result
            yield future.result()
