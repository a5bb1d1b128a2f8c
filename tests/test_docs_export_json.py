"""docs/export-json.md documents the annotation export exactly.

The page has one `## ` section per object of the export (the heading's text before any
parenthesis names the object) holding a table with one row per field, in field order; a
CSV section with one row per column; and an Example section whose ``json`` block is a
trimmed real export. Checked here, against the dataclasses of cakit/annotations.py:

1. each object's section lists every field of its dataclass and nothing else, and says
   "null" in the type cell exactly for the fields that can be None;
2. the CSV section lists every column of `CSV_COLUMNS`, in order, and nothing else;
3. the example parses as JSON, every object in it has exactly its dataclass's fields, it
   survives cakit's own reader unchanged, and its turn and attempt ids link up.
"""

from __future__ import annotations

import json
import re
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from cakit.annotations import (
    CSV_COLUMNS,
    AnnotationSet,
    Attempt,
    CarerResponse,
    ConsultationAnnotations,
    Evidence,
    PhaseSpan,
    Response,
    SequenceRecord,
    TurnCode,
    TurnRecord,
    from_dict,
    to_dict,
)

PAGE = Path(__file__).resolve().parents[1] / "docs" / "export-json.md"

#: The section of the page that documents each object of the export.
OBJECT_SECTIONS: dict[str, type] = {
    "The top-level object": AnnotationSet,
    "Consultation": ConsultationAnnotations,
    "Turn": TurnRecord,
    "Phase span": PhaseSpan,
    "Attempt": Attempt,
    "Turn code": TurnCode,
    "Response": Response,
    "Carer response": CarerResponse,
    "Sequence": SequenceRecord,
    "Evidence": Evidence,
}
CSV_SECTION = "CSV"
EXAMPLE_SECTION = "Example"

_HEADING = re.compile(r"^## (?P<name>.+?)(?: \(.*\))?\s*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)")
_ROW = re.compile(r"^\|\s*`(?P<name>[^`]+)`\s*\|(?P<rest>.*)$")


class Section:
    """One `## ` section: its prose lines (outside fences) and its fenced blocks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blocks: list[tuple[str, str]] = []  # (info string, code)


def sections(text: str) -> dict[str, list[Section]]:
    """The page's sections by heading name (a name may occur more than once)."""
    found: dict[str, list[Section]] = {}
    current = Section()
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if opening is not None:
            fence = opening["fence"]
            closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            body: list[str] = []
            index += 1
            while index < len(lines) and not closing.match(lines[index]):
                body.append(lines[index])
                index += 1
            current.blocks.append((opening["info"], "\n".join(body)))
            index += 1
            continue
        heading = _HEADING.match(line)
        if heading is not None:
            current = Section()
            found.setdefault(heading["name"].strip(), []).append(current)
        else:
            current.lines.append(line)
        index += 1
    return found


@pytest.fixture(scope="module")
def page() -> dict[str, list[Section]]:
    return sections(PAGE.read_text(encoding="utf-8"))


def section(page: dict[str, list[Section]], name: str) -> Section:
    found = page.get(name, [])
    assert len(found) == 1, f"docs/export-json.md needs exactly one '## {name}' section, " \
        f"found {len(found)}"
    return found[0]


def rows(part: Section) -> list[tuple[str, list[str]]]:
    """(first-column name, the other cells) of each table row naming something in `…`."""
    out = []
    for line in part.lines:
        match = _ROW.match(line)
        if match is not None:
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", match["rest"])]
            out.append((match["name"], cells))
    return out


@pytest.mark.parametrize("name", list(OBJECT_SECTIONS))
def test_object_section_lists_exactly_its_fields(page: dict[str, list[Section]],
                                                 name: str) -> None:
    cls = OBJECT_SECTIONS[name]
    documented = rows(section(page, name))
    names = [row for row, _ in documented]
    real = [f.name for f in fields(cls)]
    assert len(names) == len(set(names)), f"'{name}': a field is listed twice: {names}"
    assert not set(real) - set(names), \
        f"'{name}': fields of {cls.__name__} with no row: {sorted(set(real) - set(names))}"
    assert not set(names) - set(real), \
        f"'{name}': rows naming no field of {cls.__name__}: {sorted(set(names) - set(real))}"
    assert names == real, f"'{name}': rows not in {cls.__name__}'s field order"
    hints = typing.get_type_hints(cls)
    for field_name, cells in documented:
        assert len(cells) >= 2 and cells[0], f"'{name}': row `{field_name}` has no type"
        nullable = type(None) in typing.get_args(hints[field_name])
        says_null = "null" in cells[0]
        assert says_null == nullable, (
            f"'{name}': the type of `{field_name}` is {cells[0]!r}, but the field "
            f"{'can' if nullable else 'cannot'} be null")


def test_csv_section_lists_every_column_in_order(page: dict[str, list[Section]]) -> None:
    names = [row for row, _ in rows(section(page, CSV_SECTION))]
    assert not set(CSV_COLUMNS) - set(names), \
        f"CSV columns with no row: {sorted(set(CSV_COLUMNS) - set(names))}"
    assert not set(names) - set(CSV_COLUMNS), \
        f"rows naming no CSV column: {sorted(set(names) - set(CSV_COLUMNS))}"
    assert names == list(CSV_COLUMNS), "CSV rows are not in the file's column order"


def _check_object(value: Any, cls: type, where: str, problems: list[str]) -> None:
    """Every key of `value` is a field of `cls` and every field is there, recursively."""
    if not isinstance(value, dict):
        problems.append(f"{where}: expected an object for {cls.__name__}")
        return
    real = [f.name for f in fields(cls)]
    unknown = sorted(set(value) - set(real))
    missing = sorted(set(real) - set(value))
    if unknown:
        problems.append(f"{where}: not fields of {cls.__name__}: {unknown}")
    if missing:
        problems.append(f"{where}: fields of {cls.__name__} missing: {missing}")
    hints = typing.get_type_hints(cls)
    for key, item in value.items():
        if key not in hints:
            continue
        inner = [arg for arg in typing.get_args(hints[key]) if is_dataclass(arg)]
        if inner:
            if not isinstance(item, list):
                problems.append(f"{where}.{key}: expected a list")
                continue
            for k, element in enumerate(item):
                _check_object(element, inner[0], f"{where}.{key}[{k}]", problems)


@pytest.fixture(scope="module")
def example(page: dict[str, list[Section]]) -> dict[str, Any]:
    blocks = [code for info, code in section(page, EXAMPLE_SECTION).blocks if info == "json"]
    assert len(blocks) == 1, f"the Example section needs one json block, found {len(blocks)}"
    try:
        data = json.loads(blocks[0])
    except json.JSONDecodeError as exc:
        pytest.fail(f"the example is not valid JSON: {exc}")
    assert isinstance(data, dict)
    return data


def test_example_keys_are_real_fields(example: dict[str, Any]) -> None:
    problems: list[str] = []
    _check_object(example, AnnotationSet, "example", problems)
    assert not problems, "\n".join(problems)
    assert example["transcripts"], "the example has no consultation"


def test_example_is_read_back_unchanged(example: dict[str, Any]) -> None:
    assert to_dict(from_dict(example)) == example


def test_example_ids_link_up(example: dict[str, Any]) -> None:
    for consultation in example["transcripts"]:
        turns = {turn["id"] for turn in consultation["turns"]}
        attempts = {attempt["id"] for attempt in consultation["attempts"]}
        for key in ("attempts", "elicited", "repairs", "medchecks", "responses",
                    "carer_responses"):
            for item in consultation[key]:
                assert item["turn_id"] is None or item["turn_id"] in turns, \
                    f"{key}: turn {item['turn_id']} is not among the example's turns"
        for key in ("responses", "carer_responses", "sequences"):
            for item in consultation[key]:
                assert item["attempt_id"] in attempts, \
                    f"{key}: attempt {item['attempt_id']} is not among the example's attempts"
        assert [s["attempt_id"] for s in consultation["sequences"]] == \
            [a["id"] for a in consultation["attempts"]], "one sequence per attempt, in order"


def test_a_record_is_read_with_unknown_fields_ignored_and_bad_evidence_named() -> None:
    """The export is read leniently where that loses nothing (a field added by a later
    cakit is ignored; JSON lists become the model's tuples) and strictly where a
    value is not what the shape says (an evidence entry that is no object)."""
    from cakit.annotations import AnnotationFormatError, consultation_from_dict

    attempt = {"id": "a1", "turn_id": "t2", "line": 2, "subtypes": ["PSY_Q"],
               "evidence": [{"rule": "r", "text": "x", "line": 2}], "added_later": 1}
    data = {"id": "c", "source": "c.txt", "format": "jefferson", "attempts": [attempt]}
    (read,) = consultation_from_dict(data).attempts
    assert read.subtypes == ("PSY_Q",) and read.evidence[0].rule == "r"
    (bare,) = consultation_from_dict(data, evidence=False).attempts
    assert bare.evidence == () and bare.subtypes == ("PSY_Q",)
    broken = {**data, "attempts": [{**attempt, "evidence": ["r"]}]}
    with pytest.raises(AnnotationFormatError, match=r"attempts\[0\]\.evidence\[0\]"):
        consultation_from_dict(broken)

    from cakit.annotations import TurnRecord

    turn = {"id": "t2", "speaker": "P", "role": "patient", "line": 2, "end_line": 3}
    turns = consultation_from_dict({**data, "turns": [turn, {**turn, "added_later": [1]}]})
    expected = TurnRecord(id="t2", speaker="P", role="patient", line=2, end_line=3)
    assert turns.turns == (expected, expected)  # the phase defaults; the extra is dropped
    with pytest.raises(AnnotationFormatError, match=r"turns\[0\]: .*'speaker'"):
        consultation_from_dict({**data, "turns": [{"id": "t2", "role": "patient"}]})
    (nulled,) = consultation_from_dict({**data, "attempts": [
        {**attempt, "evidence": None}]}).attempts
    assert nulled.evidence == ()
    plain = {key: value for key, value in attempt.items() if key not in ("evidence",
                                                                          "added_later")}
    (listed,) = consultation_from_dict({**data, "attempts": [plain]}).attempts
    assert listed.subtypes == ("PSY_Q",) and listed == bare  # a list is still a tuple
