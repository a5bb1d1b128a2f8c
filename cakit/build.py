"""Which build of cakit is running: its version, its libraries and a hash of its code and data.

A stored machine layer records the build that made it (`cakit.store.state.RunKey`), so a
layer made by other code is not reused, even when the version number was not raised: an
edited checkout, a development install, a retrained classifier, another spaCy. The hash
covers the package's Python sources (not the command line, `cakit.cli`, which makes no
codes) and every file under `cakit/data` (the codebook, the classifier model, the name
lists). Compiled modules are built from those sources, so they are not hashed again.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from cakit import __version__

#: the package folder whose files the hash covers
PACKAGE = Path(__file__).resolve().parent
#: libraries whose version changes the codes (the tokenizer and the text classifier)
LIBRARIES = ("spacy", "thinc")


def _hashed_files(package: Path) -> Iterator[Path]:
    """The package's Python sources outside `cli/` and every file under `data/`, sorted,
    leaving out hidden files (an editor's swap files)."""
    sources = (path for path in package.rglob("*.py")
               if path.relative_to(package).parts[0] != "cli")
    data = (path for path in (package / "data").rglob("*") if path.is_file())
    for path in sorted({*sources, *data}):
        if not any(part.startswith(".") for part in path.relative_to(package).parts):
            yield path


def _library_versions() -> str:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return " ".join(versions)


@functools.cache
def build_id() -> str:
    """`0.1.0+3fa2b1c09d4e`: the version and a hash of the package's code and data and of
    the spaCy and thinc versions, computed once per process (about 15 ms). Where the
    files cannot be listed (a zip import), an id of this process alone: nothing stored by
    another process is reused."""
    digest = hashlib.sha256(_library_versions().encode("utf-8"))
    hashed = 0
    for path in _hashed_files(PACKAGE):
        digest.update(path.relative_to(PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        hashed += 1
    if not hashed:
        return f"{__version__}+unlisted-{uuid.uuid4().hex[:12]}"
    return f"{__version__}+{digest.hexdigest()[:12]}"
