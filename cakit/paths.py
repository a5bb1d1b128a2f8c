"""Command-line paths → transcript files: files, folders (recursive) and glob patterns."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from cakit.errors import UsageError

#: Files that are never transcripts even when they sit in a corpus folder.
_SKIP_NAMES = frozenset({"README.md", "cakit.yaml", "roles.yaml"})


def expand_paths(paths: Iterable[str], suffixes: tuple[str, ...]) -> list[Path]:
    """Every transcript named by `paths`, in a stable order, each once.

    Folders are searched recursively for files with a known suffix; hidden files and
    Word lock files (`~$x.docx`) are skipped. A path or pattern that matches nothing is a
    usage error, so a typo never yields an empty, "successful" run.

    Raises:
        UsageError: a path does not exist or a pattern matches nothing.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    wanted = tuple(s.lower() for s in suffixes)

    def add(path: Path) -> None:
        resolved = path.resolve()
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
