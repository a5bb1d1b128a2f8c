"""Logical lines built from physical lines, with a column map back to the source.

CHAT wraps long tiers onto TAB-initial continuation lines. Readers work on the joined
logical line, but every position they report must be the physical line and column an
editor shows; `LogicalLine.position` makes that translation.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from cakit._quick_init import quick_init


@dataclass(frozen=True, slots=True)
class LogicalLine:
    """Text joined from one or more physical lines.

    `starts[k]` is the offset in `text` where physical line `first_line + k` begins and
    `cols[k]` the physical column (1-based) of that offset.
    """

    text: str
    first_line: int
    starts: tuple[int, ...]
    cols: tuple[int, ...]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.starts) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """Physical (line, column) of an offset into `text`."""
        if len(self.starts) == 1:
            return self.first_line, offset + 1
        k = bisect_right(self.starts, offset) - 1
        if k < 0:
            k = 0
        return self.first_line + k, self.cols[k] + (offset - self.starts[k])


quick_init(LogicalLine)  # one per physical line of a transcript


def join_continuations(
    lines: list[str], start: int, stop: int | None = None
) -> tuple[LogicalLine, int]:
    """Join `lines[start]` with the TAB-initial lines after it (up to `stop`).

    Each continuation's TAB becomes one space in the joined text. Returns the logical line
    and the index of the next physical line to read.
    """
    first = lines[start]
    end = start + 1
    count = len(lines) if stop is None else stop
    if end >= count or not lines[end].startswith("\t"):
        return LogicalLine(first, start + 1, (0,), (1,)), end
    parts = [first]
    starts = [0]
    cols = [1]
    offset = len(first)
    while end < count and lines[end].startswith("\t"):
        continuation = lines[end]
        parts.append(" ")
        parts.append(continuation[1:])
        offset += 1
        starts.append(offset)
        cols.append(2)
        offset += len(continuation) - 1
        end += 1
    return LogicalLine("".join(parts), start + 1, tuple(starts), tuple(cols)), end
