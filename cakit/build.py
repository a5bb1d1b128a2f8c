"""Which build of cakit is running: its version and a hash of the code and data it runs.

A stored machine layer records the build that made it (`cakit.store.state.RunKey`), so a
layer made by other code is never reused, even when the version number was not raised:
an edited checkout, a development install, a retrained classifier. The hash covers every
file of the package except the command line (`cakit.cli`), which makes no codes, and
Python's byte-code caches.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from cakit import __version__

#: the package folder whose files the hash covers
PACKAGE = Path(__file__).resolve().parent
#: what the hash leaves out: the command line, and what Python writes beside the sources
_LEFT_OUT_DIRS = frozenset({"cli", "__pycache__"})
_LEFT_OUT_SUFFIXES = frozenset({".pyc", ".pyo"})


@functools.cache
def build_id() -> str:
    """`0.1.0+3fa2b1c09d4e`: the version and a hash of the package's files (their paths
    and bytes), computed once per process (about 10 ms)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if (not path.is_file() or _LEFT_OUT_DIRS & set(relative.parts[:-1])
                or path.suffix in _LEFT_OUT_SUFFIXES):
            continue
        digest.update(relative.as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
