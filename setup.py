"""Build hook for the optional compiled CHAT reader; everything else is in pyproject.toml.

`pip install .` installs cakit as pure Python, as always. With the environment variable
`CAKIT_COMPILE=1` (and mypy in the build environment, hence `--no-build-isolation`):

    pip install mypy
    CAKIT_COMPILE=1 pip install --no-build-isolation .

the CHAT reader's hot modules are also compiled to C extension modules with mypyc (a C
compiler is needed), which Python then imports instead of their source. The source is
the same; `cakit formats` says which reader runs. See docs/performance.md.
"""

from __future__ import annotations

import os
from typing import Any

from setuptools import setup

#: compiled with CAKIT_COMPILE=1; must match `cakit.formats.COMPILABLE` (a test checks)
COMPILED_SOURCES = [
    "cakit/formats/chat/headers.py",
    "cakit/formats/chat/reader.py",
    "cakit/formats/chat/tiers.py",
    "cakit/formats/chat/tokens.py",
]


def extension_modules() -> list[Any]:
    if os.environ.get("CAKIT_COMPILE", "") != "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        raise SystemExit(
            "CAKIT_COMPILE=1 needs mypy where cakit is built: pip install mypy, then "
            "CAKIT_COMPILE=1 pip install --no-build-isolation .") from None
    # the shared library goes inside the package under a fixed name (else it is a
    # top-level module named by a hash, which an in-place build leaves outside the package)
    return list(mypycify(COMPILED_SOURCES, opt_level="3",
                         group_name="cakit.formats.chat._native"))


setup(ext_modules=extension_modules())
