"""The repository stands on its own: no code comment, README or doc sends a reader to
specification files that are not in it (tests that read ../shared/data are fine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: A pointer to a document outside the repository: the shared folder, the team's design,
#: codebook, notation or style specifications, or a numbered section of one of them.
OUTSIDE = re.compile(r"\.\./shared|\b(?:DESIGN|CODEBOOK|NOTATION|STYLE)(?:-NOTES)?\.md\b"
                     r"|\b(?:DESIGN|CODEBOOK|NOTATION|STYLE) §|§ ?\d")


def _shipped_files() -> list[Path]:
    files = sorted((REPO / "cakit").rglob("*.py")) + sorted((REPO / "cakit").rglob("*.yaml"))
    files += [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
    files += sorted((REPO / "corpora").rglob("README.md"))
    return files


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_pointer_to_documents_outside_the_repository(path: Path) -> None:
    found = [f"{number}: {line.strip()}"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert not found, f"{path.relative_to(REPO)} points outside the repository:\n" + \
        "\n".join(found)
