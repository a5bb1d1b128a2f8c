"""Shared helpers for the report tests (not a conftest: fixtures stay explicit).

The gold annotations of `annotations/demo-gold` paired with their transcripts are the
stable input for every golden test: they do not move when the annotator changes.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import cakit
from cakit.annotations import ConsultationAnnotations, from_json
from cakit.model import Transcript
from tests.conftest import DEMO, GOLD, REPO

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Set CAKIT_UPDATE_GOLDEN=1 to rewrite the golden files from the current output.
UPDATE = os.environ.get("CAKIT_UPDATE_GOLDEN") == "1"
#: A fixed pseudonym key for golden outputs (tests never touch the user's key).
TEST_KEY = bytes(range(32))


def gold_json(stem: str) -> dict[str, Any]:
    """The raw gold JSON object of one demo transcript."""
    data = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    transcript: dict[str, Any] = data["transcripts"][0]
    return transcript


def gold_stems() -> list[str]:
    return sorted(path.stem for path in GOLD.glob("*.json"))


@lru_cache(maxsize=1)
def gold_pairs() -> tuple[tuple[Transcript, ConsultationAnnotations], ...]:
    """(transcript, gold annotations) for every demo file, read from the repo root."""
    pairs = []
    for path in sorted(GOLD.glob("*.json")):
        annotations = from_json(path.read_text(encoding="utf-8")).transcripts[0]
        transcript = cakit.read(REPO / annotations.source).transcript
        pairs.append((transcript, annotations))
    return tuple(pairs)


def check_golden(name: str, text: str) -> None:
    """Compare `text` with tests/report/golden/<name> (or rewrite it when updating).

    Trailing spaces (rich pads table lines) are ignored, so editors may strip them.
    """
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            raise AssertionError(f"golden file {name} was missing and has been written; "
                                 "check it and run again")
        return
    expected = "\n".join(line.rstrip() for line in
                         path.read_text(encoding="utf-8").splitlines()) + "\n"
    assert text == expected, f"output differs from golden {name} (CAKIT_UPDATE_GOLDEN=1 " \
                             "rewrites it)"


_BACKTICKED = re.compile(r"`([^`]+)`")
_CA_MARKS = "°£$#~"


def planted_items() -> dict[str, list[str]]:
    """Per demo file stem: every planted name, place, date, number and address, parsed
    from the last column of the table in corpora/demo/README.md."""
    items: dict[str, list[str]] = {}
    for line in (DEMO / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = _BACKTICKED.search(cells[0])
        if not name or len(cells) < 6:
            continue
        stem = Path(name.group(1)).stem
        found = []
        for item in _BACKTICKED.findall(cells[-1]):
            item = item.strip(_CA_MARKS)
            if item.startswith("@") or not any(c.isalnum() for c in item):
                continue
            if item not in found:
                found.append(item)
        items[stem] = found
    return items
