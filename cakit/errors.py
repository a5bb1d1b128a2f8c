"""Exceptions cakit raises. Each subclasses the builtin a caller would already catch.

The CLI maps `CakitError` to exit code 1 (data error) and `UsageError` to exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable

from cakit.model import Diagnostic


class CakitError(Exception):
    """Base class of every error cakit raises on purpose."""


class ParseError(CakitError, ValueError):
    """A reader met an error in strict (`errors="raise"`) mode; `.diagnostic` says where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic

    def __reduce__(self) -> tuple[type, tuple[Diagnostic]]:
        return (type(self), (self.diagnostic,))


class DiagnosticsError(CakitError, ValueError):
    """Several problems collected before giving up (codebook, config, spreadsheet import)."""

    def __init__(self, summary: str, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        body = "\n".join(str(d) for d in self.diagnostics)
        super().__init__(f"{summary}\n{body}" if body else summary)
        self.summary = summary

    def __reduce__(self) -> tuple[type, tuple[str, tuple[Diagnostic, ...]]]:
        # keep summary and diagnostics when the error crosses a process boundary (--jobs)
        return (type(self), (self.summary, self.diagnostics))


class CodebookError(DiagnosticsError):
    """The codebook YAML is invalid; every problem is reported at its YAML line."""


class ConfigError(DiagnosticsError):
    """A corpus configuration file (`cakit.yaml`, roles) is invalid."""


class UnknownComponentError(CakitError, LookupError):
    """A registry lookup failed; the message lists what is available."""


class PluginError(CakitError):
    """An installed plug-in (an entry point) cannot be loaded, is not a component of the
    registry's kind, or takes a name already registered; the message names the
    distribution and the entry point."""


class UsageError(CakitError):
    """The caller asked for something that cannot be done (bad option combination)."""


class OutputError(UsageError, OSError):
    """A file cannot be written where the caller asked: the folder cannot be created or
    written (CK410), or the path is a socket, block device or folder (CK411)."""


class StoreError(CakitError):
    """An annotation store file is corrupt or cannot be written safely."""
