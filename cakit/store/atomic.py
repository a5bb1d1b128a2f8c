"""Atomic file writes, for every file cakit writes (command outputs and store layers).

Readers see the old file or the new one, never half of one: the new bytes go to a
temporary file beside the target (same file system, so the rename is atomic), are flushed
to disk, and only then replace the target. If anything fails before the rename, the
temporary file is removed and the previous file is untouched.

What a path names decides how it is written:

* a regular file, or nothing yet: the atomic replacement above. The new file gets the
  permissions any new file gets (0666 less the umask), never the owner-only mode of a
  `tempfile.mkstemp` file;
* a symlink: the file it points to is replaced (the temporary file sits in *that* file's
  folder) and the link stays a link; a dangling link gets its target created;
* a character device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written into as
  it is; it is never replaced by a regular file;
* a socket, block device or folder: refused (CK411).

A folder that cannot be created or written is an `OutputError` (CK410), never a bare
`OSError` from deep inside; `OutputError` is an `OSError` too, for callers that catch that.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

from cakit.errors import CakitError, OutputError

#: What a write finds at a path: nothing yet, a regular file, or a device/FIFO stream.
Kind = Literal["missing", "file", "stream"]

_TEMPORARY_TRIES = 100
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class TargetExists(CakitError, FileExistsError):
    """`replace=False` and the file exists (perhaps it appeared while the new one was written)."""


def atomic_write_text(
    path: str | Path, text: str, *, encoding: str = "utf-8", replace: bool = True
) -> None:
    """Replace `path` with `text` so readers see the old file or the new one, never half."""
    atomic_write_bytes(path, text.encode(encoding), replace=replace)


def atomic_write_bytes(path: str | Path, data: bytes, *, replace: bool = True) -> None:
    """Replace `path` with `data` atomically (see the module docstring).

    Raises:
        OutputError: the folder cannot be created or written (CK410), or `path` is a
            socket, block device or folder (CK411); an existing file is left as it was.
        TargetExists: `replace` is False and the file exists.
    """
    with atomic_binary(path, replace=replace) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_text(
    path: str | Path, *, replace: bool = True, encoding: str = "utf-8", newline: str = ""
) -> Iterator[TextIO]:
    """A text stream that becomes `path` when the block ends without an error.

    `newline=""` writes line ends exactly as given. Raises what `atomic_binary` raises.
    """
    with atomic_binary(path, replace=replace) as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline=newline)
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # the binary stream is closed (and published) by atomic_binary


@contextlib.contextmanager
def atomic_binary(path: str | Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """A binary stream that becomes `path` when the block ends without an error.

    Args:
        path: the file; a symlink's target is written, a device or FIFO written into.
        replace: False never replaces an existing file, not even one that appears while
            the block runs (the new file is hard-linked into place, which fails if the name
            is taken).

    Raises:
        OutputError: see `atomic_write_bytes`.
        TargetExists: `replace` is False and the file exists.
    """
    target, kind = destination(path)
    if kind == "stream":
        with _open_stream(path) as stream:
            yield stream
        return
    if kind == "file" and not replace:
        raise _exists(path)
    make_parent(target, shown=path)
    descriptor, temporary = _temporary(target, shown=path)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            _sync(stream, shown=path)
        _publish(temporary, target, replace=replace, shown=path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_dir(target.parent)


def destination(path: str | Path) -> tuple[Path, Kind]:
    """Where a write to `path` lands, and what is there now.

    A symlink leads to the file it points to (the path a dangling link points to when
    there is none); a device or FIFO is returned as given, to be written into.

    Raises:
        OutputError: `path` is a socket, block device or folder (CK411), or cannot be
            reached (CK410: a file where a folder should be, a symlink loop, no access).
    """
    given = Path(path)
    try:
        mode = os.stat(given).st_mode  # follows symlinks
    except FileNotFoundError:
        return Path(os.path.realpath(given)), "missing"
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return given, "stream"
    if stat.S_ISREG(mode):
        return Path(os.path.realpath(given)), "file"
    raise OutputError(f"{path}: CK411 is {_kind_name(mode)}; cakit writes regular files, "
                      "character devices (/dev/null) and FIFOs only")


def check_folder(path: str | Path, *, shown: str | Path | None = None) -> None:
    """Fail early, creating nothing, when the folder of `path` could not be made or written.

    Raises:
        OutputError: CK410, with the reason (a file in the way, no permission, read-only).
    """
    target = Path(path)
    existing = next((folder for folder in target.parents if os.path.lexists(folder)), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise cannot_write(shown or path, NotADirectoryError(errno.ENOTDIR,
                                                             os.strerror(errno.ENOTDIR)))
    if not os.access(existing, os.W_OK | os.X_OK):
        code = errno.EROFS if _read_only(existing) else errno.EACCES
        raise cannot_write(shown or path, PermissionError(code, os.strerror(code)))


def make_parent(path: str | Path, *, shown: str | Path | None = None) -> None:
    """Create the folder `path` goes in (and the folders above it), if missing.

    Raises:
        OutputError: CK410, the folder cannot be created.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(shown or path, exc) from None


def cannot_write(path: str | Path, exc: OSError) -> OutputError:
    """The CK410 error for `path`, naming the file that stands where a folder should be."""
    reason = exc.strerror or str(exc)
    blocker = _file_in_the_way(Path(path))
    if blocker is not None:
        reason += f" ({blocker} is a file, not a folder)"
    return OutputError(f"{path}: CK410 cannot write here: {reason}")


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing ancestor of `path` when it is not a folder."""
    for folder in path.parents:
        if os.path.lexists(folder):
            return None if folder.is_dir() else folder
    return None


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _kind_name(mode: int) -> str:
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _exists(path: str | Path) -> TargetExists:
    return TargetExists(errno.EEXIST, os.strerror(errno.EEXIST), str(path))


@contextlib.contextmanager
def _open_stream(path: str | Path) -> Iterator[BinaryIO]:
    """Write straight into a character device or FIFO (opening a FIFO waits for a reader)."""
    try:
        stream = open(path, "wb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise cannot_write(path, exc) from None
    with stream:
        yield stream
        try:
            stream.flush()
        except OSError as exc:
            raise cannot_write(path, exc) from None


def _temporary(target: Path, *, shown: str | Path) -> tuple[int, str]:
    """A new, empty file beside `target`: (descriptor, path).

    Created with mode 0666 like any new file, so the umask (and a folder's default ACL)
    decides its permissions, which the rename passes on to the output.
    """
    for _ in range(_TEMPORARY_TRIES):
        name = target.parent / f".{target.name[:200]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(name, _NEW_FILE_FLAGS, 0o666), str(name)
        except FileExistsError:
            continue
        except OSError as exc:
            raise cannot_write(shown, exc) from None
    raise cannot_write(shown, FileExistsError(errno.EEXIST, "no free temporary file name"))


def _sync(stream: BinaryIO, *, shown: str | Path) -> None:
    """Flush the new bytes to disk before they replace anything."""
    try:
        stream.flush()
        os.fsync(stream.fileno())
    except OSError as exc:
        raise cannot_write(shown, exc) from None


def _publish(temporary: str, target: Path, *, replace: bool, shown: str | Path) -> None:
    """Give the written temporary file the target's name."""
    try:
        if replace:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target, shown=shown)
    except TargetExists:
        raise
    except OSError as exc:
        raise cannot_write(shown, exc) from None


def _link_new(temporary: str, target: Path, *, shown: str | Path) -> None:
    """Move `temporary` to `target` only if `target` does not exist: a hard link fails on
    an existing name, so a file that appeared meanwhile is never replaced."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise _exists(shown) from None
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(target):
            raise _exists(shown) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


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
