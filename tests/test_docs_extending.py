"""Run the Python examples of docs/extending.md, section by section.

The page is split at its `## ` headings. Every fenced block whose info string is exactly
``python`` is code to run; any other block (``toml``, ``console``, ``py``, none) is not.
A section's blocks run in page order, in one namespace, in a fresh interpreter started in
the repository's root folder: later blocks may use what earlier ones defined, and nothing
a section registers (a format, an exporter …) leaks into another section or into the rest
of the test suite. A section fails when any of its blocks raises; the traceback names the
line of docs/extending.md it came from.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "extending.md"
TIMEOUT = 120

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)")


@dataclass(frozen=True)
class Block:
    """One fenced block: its info string, the line its code starts on, and the code."""

    info: str
    line: int
    code: str


def sections(text: str) -> dict[str, list[Block]]:
    """Fenced blocks by the `## ` section they are in ("" before the first heading)."""
    found: dict[str, list[Block]] = {}
    title = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if opening is None:
            if line.startswith("## "):
                title = line[3:].strip()
            index += 1
            continue
        fence = opening["fence"]
        body: list[str] = []
        index += 1
        start = index + 1  # 1-based number of the block's first line
        while index < len(lines) and not re.match(
            rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", lines[index]
        ):
            body.append(lines[index])
            index += 1
        index += 1  # the closing fence
        found.setdefault(title, []).append(Block(opening["info"], start, "\n".join(body)))
    return found


def runnable() -> dict[str, list[Block]]:
    """The sections that have blocks to run, and those blocks."""
    if not PAGE.is_file():
        return {}
    found = {title: [b for b in blocks if b.info == "python"]
             for title, blocks in sections(PAGE.read_text(encoding="utf-8")).items()}
    return {title: blocks for title, blocks in found.items() if blocks}


#: Runs a section's blocks, given as JSON [[line, code], …] on standard input.
_RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
for line, code in json.load(sys.stdin):
    padded = "\\n" * (line - 1) + code  # tracebacks give the page's line numbers
    exec(compile(padded, sys.argv[1], "exec"), namespace)
"""

SECTIONS = runnable()


def test_docs_extending_has_a_format_section_with_code() -> None:
    assert "Adding a transcript format" in SECTIONS


def test_only_python_blocks_run() -> None:
    text = "## A\n```python\nx = 1\n```\n```toml\n[a]\n```\n```\nplain\n```\n" \
           "## B\n````python\n```\ny = 2\n````\n"
    found = sections(text)
    assert [(b.info, b.line, b.code) for b in found["A"]] == [
        ("python", 3, "x = 1"), ("toml", 6, "[a]"), ("", 9, "plain")]
    assert [(b.info, b.code) for b in found["B"]] == [("python", "```\ny = 2")]


@pytest.mark.parametrize("title", sorted(SECTIONS))
def test_docs_extending_section_runs(title: str) -> None:
    blocks = [[block.line, block.code] for block in SECTIONS[title]]
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(PAGE.relative_to(REPO))],
        input=json.dumps(blocks), capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"section {title!r} of {PAGE.name} failed:\n{done.stderr}"
