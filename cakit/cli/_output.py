"""Writing command output: stdout, or a file written atomically and never silently replaced."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from cakit.errors import UsageError


def check_writable(path: str | None, force: bool) -> None:
    """Refuse to replace an existing file unless --force was given."""
    if path and Path(path).exists() and not force:
        raise UsageError(f"{path} exists; use --force to replace it")


@contextlib.contextmanager
def output_stream(path: str | None, *, force: bool = False) -> Iterator[TextIO]:
    """A text stream for the output: stdout, or a temporary file renamed into place on success."""
    if not path:
        yield sys.stdout
        return
    check_writable(path, force)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _usual_permissions(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _usual_permissions(path: str) -> None:
    """Give an output the permissions a normally created file would have (umask), not the
    owner-only mode of the temporary file it was written as."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def write_bytes(path: str, data: bytes, *, force: bool = False) -> None:
    """Write a binary output (xlsx, docx, png) atomically, refusing to overwrite."""
    from cakit.store.atomic import atomic_write_bytes

    check_writable(path, force)
    atomic_write_bytes(path, data)
