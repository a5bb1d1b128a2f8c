"""Run docs/api.md as a doctest: every `>>>` example must print what the page says.

The examples read the demo corpus by its path from the repository's top folder, so the
test runs there. Annotating the demo takes a few seconds; the page annotates once and
every later example reuses the codes.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "api.md"


def test_docs_api_examples_run_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    monkeypatch.chdir(REPO)
    result = doctest.testfile(
        str(PAGE), module_relative=False, report=True,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 20, "docs/api.md lost its examples"
    assert result.failed == 0, f"{result.failed} example(s) of docs/api.md failed (see above)"
