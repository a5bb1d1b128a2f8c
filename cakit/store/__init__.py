"""The annotation store: layers of JSON Lines files under `annotations/store/`.

One file per transcript per layer (`auto`, or a coder's name). Writes are atomic: a
temporary file in the same folder, fsync, then rename, so a crash never leaves a half
file and never loses the previous one.
"""

from __future__ import annotations

from cakit.store.atomic import atomic_write_text
from cakit.store.layers import DEFAULT_ROOT, layer_path, load_auto, save_auto, transcript_key

__all__ = ["DEFAULT_ROOT", "atomic_write_text", "layer_path", "load_auto", "save_auto",
           "transcript_key"]
