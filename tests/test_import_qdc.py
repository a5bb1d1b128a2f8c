"""`cakit import qdc`: a REFI-QDA codebook (.qdc) compared with cakit's codebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from lxml import etree

from cakit.cli import cli
from cakit.exchange.codes import code_entries
from cakit.exchange.qdc_compare import compare
from cakit.exchange.qdc_read import parse_qdc
from cakit.exchange.qdpx_read import QdaCode
from tests.conftest import REFI_QDA, needs_refi_qda


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def exported_qdc(tmp_path: Path) -> Path:
    out = tmp_path / "cakit.qdc"
    result = run("export", "--to", "qdc", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


#: A codebook as another package writes one: GUIDs upper case in braces, codes nested under
#: groups, a subtype in lower case, and one code cakit does not know.
FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="OtherQDA 7.2">
  <Codes>
    <Code guid="{0A1B2C3D-0000-4000-8000-00000000000A}" name="Patient turns" isCodable="false">
      <Code guid="{0A1B2C3D-0000-4000-8000-00000000000B}" name="psy_attempt"
            isCodable="false" color="#1F77B4">
        <Code guid="{0A1B2C3D-0000-4000-8000-00000000000C}" name="PSY_Q" isCodable="true"/>
      </Code>
      <Code guid="{0A1B2C3D-0000-4000-8000-00000000000D}" name="Interesting" isCodable="true">
        <Description>Talk worth a second look: "odd", but not psychotic content.</Description>
      </Code>
    </Code>
    <Code guid="{0A1B2C3D-0000-4000-8000-00000000000E}" name="ENGAGE" isCodable="true">
      <Description>Clinician engages with the content.</Description>
      <Code guid="{0A1B2C3D-0000-4000-8000-00000000000F}" name="engage_explore"
            isCodable="true"/>
    </Code>
    <Code guid="{0A1B2C3D-0000-4000-8000-000000000010}" name="Hesitate" isCodable="true"/>
  </Codes>
</CodeBook>
"""


@pytest.fixture()
def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "other.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    return path


@needs_refi_qda
def test_the_foreign_codebook_is_valid_against_the_published_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(REFI_QDA / "Codebook.xsd")))
    assert schema.validate(etree.fromstring(FOREIGN.encode())), schema.error_log


def test_own_export_imports_with_every_code_matched(tmp_path: Path) -> None:
    qdc = exported_qdc(tmp_path)
    result = run("import", "qdc", str(qdc), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["unknown"] == [] and report["missing"] == [] and report["all_known"]
    _, entries = code_entries(None)
    labels = {m["code"] for m in report["matched"]}
    assert {e.name for e in entries} <= labels
    assert {f"{e.name}/{s}" for e in entries for s in e.subtypes} <= labels
    assert "Clinician responses" in labels


def test_own_export_table(tmp_path: Path) -> None:
    result = run("import", "qdc", str(exported_qdc(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "0 unknown to cakit, 0 cakit codes missing" in result.stdout
    assert "ENGAGE/ENGAGE_EXPLORE" in result.stdout


def test_foreign_codebook_reports_the_unknown_code(foreign: Path) -> None:
    result = run("import", "qdc", str(foreign), "--format", "json")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert report["unknown"] == [{
        "path": "Patient turns/Interesting", "name": "Interesting", "parent": "Patient turns",
        "description": 'Talk worth a second look: "odd", but not psychotic content.',
        "codable": True}]
    assert [(m["path"], m["code"]) for m in report["matched"]] == [
        ("Patient turns", "Patient turns"),
        ("Patient turns/psy_attempt", "PSY_ATTEMPT"),
        ("Patient turns/psy_attempt/PSY_Q", "PSY_ATTEMPT/PSY_Q"),
        ("ENGAGE", "ENGAGE"),
        ("ENGAGE/engage_explore", "ENGAGE/ENGAGE_EXPLORE"),
        ("Hesitate", "HESITATE"),
    ]
    missing = set(report["missing"])
    assert "PSY_ATTEMPT/PSY_EMO" in missing and "ENGAGE/ENGAGE_EMPATHY" in missing
    assert "PSY_ELICITED" in missing
    # PSY_ATTEMPT is given with a subtype only, and is there; ENGAGE is matched
    assert "PSY_ATTEMPT" not in missing and "ENGAGE" not in missing
    assert "ENGAGE/ENGAGE_EXPLORE" not in missing and "HESITATE" not in missing


def test_foreign_codebook_table_names_the_unknown_code(foreign: Path) -> None:
    result = run("import", "qdc", str(foreign))
    assert result.exit_code == 1
    assert "Patient turns/Interesting" in result.stdout
    assert "6 matched, 1 unknown to cakit" in result.stdout


def test_fragment_lists_the_unknown_codes(foreign: Path, tmp_path: Path) -> None:
    out = tmp_path / "new-codes.yaml"
    result = run("import", "qdc", str(foreign), "-o", str(out))
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    assert "# in the .qdc: Patient turns/Interesting" in text
    assert yaml.safe_load(text) == {"codes": {"Interesting": {
        "label": "Interesting",
        "definition": 'Talk worth a second look: "odd", but not psychotic content.'}}}


def test_fragment_is_never_replaced_without_force(foreign: Path, tmp_path: Path) -> None:
    out = tmp_path / "new-codes.yaml"
    out.write_text("mine\n", encoding="utf-8")
    result = run("import", "qdc", str(foreign), "-o", str(out))
    assert result.exit_code == 2
    assert "--force" in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run("import", "qdc", str(foreign), "-o", str(out), "--force").exit_code == 1
    assert "Interesting" in out.read_text(encoding="utf-8")


def test_fragment_of_a_fully_known_codebook_is_empty(tmp_path: Path) -> None:
    out = tmp_path / "none.yaml"
    assert run("import", "qdc", str(exported_qdc(tmp_path)), "-o", str(out)).exit_code == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == {"codes": {}}


def test_not_xml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.qdc"
    path.write_text("Codes:\n  - Interesting\n", encoding="utf-8")
    result = run("import", "qdc", str(path))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{path}:1:1: not well-formed XML" in result.output


def test_broken_xml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.qdc"
    path.write_text(FOREIGN.replace("</Codes>", "</Code>"), encoding="utf-8")
    result = run("import", "qdc", str(path))
    assert result.exit_code == 1
    assert f"{path}:{FOREIGN.splitlines().index('  </Codes>') + 1}:" in result.output
    assert "not well-formed XML" in result.output


def test_schema_invalid_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "invalid.qdc"
    bad = FOREIGN.replace('name="Hesitate" isCodable="true"', 'name="Hesitate"')
    path.write_text(bad, encoding="utf-8")
    result = run("import", "qdc", str(path))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if 'name="Hesitate"' in text)
    assert "not a valid REFI-QDA codebook" in result.output
    assert f"{path}:{line}:" in result.output and "isCodable" in result.output


@needs_refi_qda
def test_schema_option_validates_against_the_published_schema(tmp_path: Path) -> None:
    path = tmp_path / "invalid.qdc"
    path.write_text(FOREIGN.replace('<Code guid=', '<Code colour="red" guid=', 1),
                    encoding="utf-8")
    plain = run("import", "qdc", str(path))
    assert "not a valid REFI-QDA codebook" not in plain.output  # cakit's checks pass it
    strict = run("import", "qdc", str(path), "--schema", str(REFI_QDA / "Codebook.xsd"))
    assert strict.exit_code == 1 and "colour" in strict.output
    assert "Traceback" not in strict.output


def test_a_project_is_not_a_codebook() -> None:
    project = b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'
    with pytest.raises(Exception, match="not a valid REFI-QDA codebook"):
        parse_qdc(project, "p.qde")


def test_a_bare_subtype_name_matches_its_code() -> None:
    _, entries = code_entries(None)
    codes = {"a": QdaCode(guid="a", name="psy_emo", parent=None),
             "b": QdaCode(guid="b", name="Themes", parent=None, codable=False),
             "c": QdaCode(guid="c", name="PSY_ATTEMPT/psy_repeat", parent="b")}
    comparison = compare(codes, entries)
    assert [(m.path, m.label) for m in comparison.matched] == [
        ("psy_emo", "PSY_ATTEMPT/PSY_EMO"), ("Themes/PSY_ATTEMPT/psy_repeat",
                                            "PSY_ATTEMPT/PSY_REPEAT")]
    assert [(u.path, u.parent, u.codable) for u in comparison.unknown] == [
        ("Themes", "", False)]
    # PSY_ATTEMPT is given with a subtype only: present through its subtypes
    assert "PSY_ATTEMPT" not in comparison.missing
    assert "CARER_RESPONSE" in comparison.missing and "ENGAGE" in comparison.missing


def test_a_nested_subtype_matches_under_its_own_code() -> None:
    from cakit.exchange.codes import CodeEntry

    entries = (CodeEntry(name="A", family="Other codes", colour="#7F7F7F", subtypes=("X",)),
               CodeEntry(name="B", family="Other codes", colour="#7F7F7F", subtypes=("X",)))
    codes = {"b": QdaCode(guid="b", name="b", parent=None),
             "x": QdaCode(guid="x", name="x", parent="b"),
             "y": QdaCode(guid="y", name="X", parent=None)}
    comparison = compare(codes, entries)
    assert [(m.path, m.label) for m in comparison.matched] == [("b", "B"), ("b/x", "B/X")]
    assert [u.path for u in comparison.unknown] == ["X"]  # a bare X could be A's or B's
    assert comparison.missing == ("A", "A/X")
