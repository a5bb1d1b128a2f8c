"""Collecting diagnostics while reading: one place decides between raising and collecting."""

from __future__ import annotations

from typing import Literal

from cakit.errors import ParseError
from cakit.model import Diagnostic, Severity, SourceSpan

ErrorMode = Literal["raise", "collect"]


class Collector:
    """Builds diagnostics with their source line; raises on the first error in raise mode."""

    __slots__ = ("items", "lines", "mode", "source")

    def __init__(self, source: str, lines: list[str], mode: ErrorMode = "collect") -> None:
        self.source = source
        self.lines = lines
        self.mode = mode
        self.items: list[Diagnostic] = []

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        col: int = 1,
        hint: str = "",
    ) -> None:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        diagnostic = Diagnostic(
            code, severity, message, SourceSpan(self.source, line, max(col, 1)), hint, text
        )
        if severity == "error" and self.mode == "raise":
            raise ParseError(diagnostic)
        self.items.append(diagnostic)

    def extend(self, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            if diagnostic.severity == "error" and self.mode == "raise":
                raise ParseError(diagnostic)
            self.items.append(diagnostic)

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.items if d.severity == "error")
