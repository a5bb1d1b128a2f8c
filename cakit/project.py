"""Which project a transcript belongs to, and its identity there.

A project is the folder of the nearest `cakit.yaml` at or above a transcript (as git finds
`.git`). A transcript with no `cakit.yaml` above it belongs to the folder it was found
through on the command line (`cakit report corpus/` → `corpus/`; a file given by name →
its folder; a glob → the folder before its first wildcard).

A transcript's **identity** is its path relative to its project root, with forward
slashes. The annotation store keys layers by identity, so the same files have the same
keys from any working folder and after the whole project folder is moved or copied.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cakit._quick_init import quick_state
from cakit.config import find_config
from cakit.paths import RealPaths, expand_paths

#: The annotation store inside a project (or the working folder, with no project file).
STORE_FOLDER = Path("annotations") / "store"


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One transcript of a run: where it is, its project root and its identity there."""

    #: the path as found from the command line (used in messages)
    path: Path
    #: the project root, absolute
    root: Path
    #: the path relative to `root`, with forward slashes
    identity: str
    #: whether `root` holds a `cakit.yaml` (False: the folder given on the command line)
    declared: bool = True

    def __str__(self) -> str:
        return str(self.path)


quick_state(CorpusFile)  # sent to a worker and back with every file of a run


def _given_folder(raw: str) -> Path:
    """The folder a command-line path names: itself, a file's folder, a glob's fixed part."""
    path = Path(raw)
    if path.is_dir():
        return path
    if path.is_file():
        return path.parent
    fixed: list[str] = []
    for part in Path(raw).parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def corpus_file(path: Path, given: Path | None = None,
                find: Callable[[Path], Path | None] = find_config) -> CorpusFile:
    """A transcript with its project: the nearest `cakit.yaml` above it (`find` looks from
    a folder up), else `given` (default: the transcript's own folder)."""
    absolute = Path(os.path.abspath(path))
    config = find(absolute.parent)
    if config is not None:
        root, declared = config.parent, True
    else:
        root, declared = Path(os.path.abspath(given if given is not None else path.parent)), False
    identity = Path(os.path.relpath(absolute, root)).as_posix()
    return CorpusFile(path=path, root=root, identity=identity, declared=declared)


def corpus_files(paths: Iterable[str], suffixes: tuple[str, ...]) -> list[CorpusFile]:
    """Every transcript named by `paths` (files, folders searched recursively, globs), in
    a stable order, each once, with its project.

    Raises:
        UsageError: a path does not exist or a pattern matches nothing.
    """
    found: list[CorpusFile] = []
    seen: set[str] = set()  # across the paths: a file named twice is listed once
    real = RealPaths()
    find = lru_cache(maxsize=None)(find_config)  # each folder looked up once per listing
    for raw in paths:
        given = _given_folder(raw)
        found.extend(corpus_file(path, given, find)
                     for path in expand_paths([raw], suffixes, real, seen))
    return found


def default_store(files: Iterable[CorpusFile]) -> Path:
    """The store a run uses when none is given: `annotations/store` in the project of the
    first transcript, or in the working folder when that transcript has no `cakit.yaml`."""
    for file in files:
        return file.root / STORE_FOLDER if file.declared else STORE_FOLDER
    return STORE_FOLDER
