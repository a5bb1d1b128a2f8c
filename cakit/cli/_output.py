"""Writing command output: stdout, or a file written atomically and never silently replaced.

The writing itself is `cakit.store.atomic`'s (one atomic writer for every file cakit
writes); this module adds what `-o FILE` promises on top: an existing file is replaced
only with `--force`, and every refusal is a `UsageError` raised before any work is done.
A character device or FIFO (`-o /dev/null`, `-o my.fifo`) is not a file to protect: it is
written into, `--force` or not.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click

from cakit.errors import UsageError
from cakit.store.atomic import (
    TargetExists,
    atomic_text,
    atomic_write_bytes,
    check_folder,
    destination,
)


def check_writable(path: str | None, force: bool) -> None:
    """Refuse, before any work, an output that could not or must not be written.

    Raises:
        UsageError: `path` (or, for a symlink, the file it points to) exists and `force`
            is False; `path` is a socket, block device or folder (CK411); its folder
            cannot be created or written (CK410).
    """
    if not path:
        return
    target, kind = destination(path)
    if kind == "file" and not force:
        raise _exists(path)
    if kind == "missing":
        check_folder(target, shown=path)


def say_new_folder(folder: Path) -> None:
    """A note on stderr when an output's folder does not exist and is about to be created,
    so that a mistyped `-o` path is seen, not silently made."""
    if not folder.exists():
        click.echo(f"note: creating the folder {folder} (it does not exist)", err=True)


@contextlib.contextmanager
def output_stream(path: str | None, *, force: bool = False) -> Iterator[TextIO]:
    """A text stream for the output: stdout, or `path` written atomically on success."""
    if not path:
        yield sys.stdout
        return
    check_writable(path, force)
    say_new_folder(Path(path).parent)
    with _refuse_existing(path), atomic_text(path, replace=force) as stream:
        yield stream


def print_table(table: Any, output: str | None, out: Any, *, force: bool = False) -> None:
    """A rich table on the terminal (`out`), or as plain text in `output`, written
    atomically and 200 columns wide so that no column is cut."""
    if not output:
        out.print(table)
        return
    from rich.console import Console

    with output_stream(output, force=force) as handle:
        Console(file=handle, width=200, no_color=True).print(table)


def write_bytes(path: str, data: bytes, *, force: bool = False) -> None:
    """Write a binary output (xlsx, docx, png) atomically, refusing to overwrite."""
    check_writable(path, force)
    say_new_folder(Path(path).parent)
    with _refuse_existing(path):
        atomic_write_bytes(path, data, replace=force)


@contextlib.contextmanager
def _refuse_existing(path: str) -> Iterator[None]:
    """Turn a file that appeared while the output was written into the usual refusal."""
    try:
        yield
    except TargetExists:
        raise _exists(path) from None


def _exists(path: str) -> UsageError:
    return UsageError(f"{path} exists; use --force to replace it")
