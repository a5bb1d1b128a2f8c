"""Atomic file writes: temporary file in the same folder, fsync, rename, fsync the folder.

Readers see the old file or the new one, never half of one: the new bytes go to a
temporary file beside the target (same file system, so the rename is atomic), are flushed
to disk, and only then replace the target. If anything fails before the rename, the
temporary file is removed and the previous file is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` so readers see the old file or the new one, never half."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (see the module docstring).

    Raises:
        OSError: the folder cannot be created or written; the old file is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    """Flush the folder entry so the rename itself survives a crash (best effort)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
