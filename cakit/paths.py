"""Command-line paths → transcript files: files, folders (recursive) and glob patterns."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from cakit.errors import UsageError

#: Files that are never transcripts even when they sit in a corpus folder.
_SKIP_NAMES = frozenset({"README.md", "cakit.yaml", "roles.yaml"})


class RealPaths:
    """Where files really are (symbolic links followed), each folder resolved once, as
    the platform compares paths (`os.path.normcase`: case-insensitive on Windows).

    `Path.resolve` walks every component of every path with a system call each: listing
    a corpus of 14,000 files took 3.6 s with it and 1.8 s with this. One instance per
    listing (folders can be re-linked between runs of a long-lived process)."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        """`os.path.realpath(path)` (what `Path.resolve` gives) for a file's path."""
        if os.path.islink(path):  # a linked file: resolved in full
            return os.path.normcase(os.path.realpath(path))
        folder, name = os.path.split(os.fspath(path))  # ".." in `folder` resolved after links
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder)
        return os.path.normcase(os.path.join(real, name))


def expand_paths(paths: Iterable[str], suffixes: tuple[str, ...],
                 real: Callable[[Path], str] | None = None,
                 seen: set[str] | None = None) -> list[Path]:
    """Every transcript named by `paths`, in a stable order, each once (by where it
    really is: `real`, a `RealPaths` by default). `seen` holds the real paths already
    listed, for a caller listing in several calls; each one found is added to it.

    Folders are searched recursively for files with a known suffix; hidden files and
    Word lock files (`~$x.docx`) are skipped. A path or pattern that matches nothing is a
    usage error, so a typo never yields an empty, "successful" run.

    Raises:
        UsageError: a path does not exist or a pattern matches nothing.
    """
    found: list[Path] = []
    seen = set() if seen is None else seen
    wanted = tuple(s.lower() for s in suffixes)
    real_path = real or RealPaths()

    def add(path: Path) -> None:
        resolved = real_path(path)
        if resolved not in seen:
            seen.add(resolved)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if _is_transcript(candidate, wanted):
                    add(candidate)
        elif path.is_file():
            add(path)
        elif glob.has_magic(raw):
            matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))]
            files = [m for m in matches if m.is_file() and _is_transcript(m, wanted)]
            if not files:
                raise UsageError(f"no transcripts match {raw!r}")
            for match in files:
                add(match)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return found


def _is_transcript(path: Path, suffixes: tuple[str, ...]) -> bool:
    name = path.name
    if not path.is_file() or name.startswith((".", "~$")) or name in _SKIP_NAMES:
        return False
    return path.suffix.lower() in suffixes
