"""Speaker labels holding `/`, `<…>` or `"…"` are labels, not talk of the previous turn.

`Mum/Dad:`, `Pt<2>:` and `"Dr" Smith:` name speakers; `<slow>`, `>fast<` and reported
speech (`"Mum: go"`) at the start of a continuation line are talk. An unknown label is
reported (CK301) like any other, and a `--roles` map makes it a speaker with a role.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.cli import cli
from cakit.formats.jefferson import parse_jefferson
from cakit.model import ParseResult, Role


def _read(*lines: str, roles: dict[str, Role] | None = None) -> ParseResult:
    return parse_jefferson(list(lines), source="t.txt", roles=roles)


def _turns(result: ParseResult) -> list[tuple[str, str]]:
    return [(u.speaker, u.content) for u in result.transcript.utterances]


@pytest.mark.parametrize("label", ["Mum/Dad", "Pt<2>", "Dr/Nurse", "P<A>", '"Dr" Smith'])
def test_label_chars_unknown_label_is_a_label_with_the_fix(label: str) -> None:
    result = _read("Dr: hello", f"{label}: no he's fine", "Dr: right")
    assert _turns(result) == [("Dr", "hello"), (label, "no he's fine"), ("Dr", "right")]
    assert [(d.code, d.span.line, d.span.col) for d in result.errors] == [("CK301", 2, 1)]
    assert repr(label) in result.errors[0].message
    assert label in result.errors[0].hint


@pytest.mark.parametrize(
    ("label", "role"), [("Mum/Dad", "carer"), ("Pt<2>", "patient"), ('"Dr" Smith', "clinician")]
)
def test_label_chars_mapped_label_gets_its_role(label: str, role: Role) -> None:
    result = _read("Dr: hello", f"  {label}:  no he's fine", roles={label: role})
    assert not result.errors, [str(d) for d in result.errors]
    assert result.transcript.role_of(label) == role
    assert _turns(result)[1] == (label, "no he's fine")


def test_label_chars_numbered_lines() -> None:
    result = _read(" 1  Dr:      hello", " 2  Mum/Dad: no he's fine", " 3  Pt<2>:   yes",
                   roles={"mum/dad": "carer", "pt<2>": "patient"})
    assert not result.errors, [str(d) for d in result.errors]
    assert [u.speaker for u in result.transcript.utterances] == ["Dr", "Mum/Dad", "Pt<2>"]
    assert result.transcript.utterances[1].col == 14


@pytest.mark.parametrize(
    "continuation",
    [
        "<slow> talk: it is",
        "  <slow> talk: it is",
        ">fast< no: I",
        '"Mum: go" and',
        '"no" she said: fine',
        '"Dr" said: go',
        "we:ll <he> was",
        "so: I/we went",
    ],
)
def test_label_chars_marks_at_line_start_stay_talk(continuation: str) -> None:
    result = _read("Dr: so he said", continuation, "Mum/Dad: ok", roles={"Mum/Dad": "carer"})
    assert not result.errors, [str(d) for d in result.errors]
    assert _turns(result) == [("Dr", f"so he said {continuation.strip()}"), ("Mum/Dad", "ok")]


def test_label_chars_roles_file_through_the_cli(tmp_path: Path) -> None:
    transcript = tmp_path / "family.txt"
    transcript.write_text("Dr: how has he been?\nMum/Dad: no he's fine\nP: yeah\n",
                          encoding="utf-8")
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  Mum/Dad: carer\n", encoding="utf-8")
    runner = CliRunner()
    unmapped = runner.invoke(cli, ["validate", str(transcript)])
    assert unmapped.exit_code == 1
    assert f"{transcript}:2:1: CK301 unknown speaker label 'Mum/Dad'" in unmapped.output
    mapped = runner.invoke(cli, ["summary", str(transcript), "--roles", str(roles),
                                 "--format", "csv"])
    assert mapped.exit_code == 0, mapped.output
    header, row = mapped.output.splitlines()[:2]
    counts = dict(zip(header.split(","), row.split(","), strict=True))
    assert (counts["clinicians"], counts["patients"], counts["carers"]) == ("1", "1", "1")
