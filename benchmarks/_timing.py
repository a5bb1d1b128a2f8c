"""Shared timing helpers for the hand-run benchmarks (medians; machines here are noisy)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def median_time(func: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    """Median wall time of `repeat` calls, and the last call's result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result
