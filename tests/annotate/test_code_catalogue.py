"""The codebook is the catalogue of codes: a response code added to the YAML alone reaches
the annotator, the report's columns and legends, the plots and every CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import product
from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.annotate.codebook import PACKAGED_CODEBOOK, Thresholds, builtin_catalogue, parse_codebook
from cakit.cli import cli

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "corpora" / "demo" / "01-brennan-jefferson.txt"
SOURCE = PACKAGED_CODEBOOK.read_text(encoding="utf-8")

#: A response code defined by the YAML alone: a frame and a rule placed first in the order.
NEW_CODE = """  NORMALISE:
    family: response
    label: Presents the experience as something to think about together
    abbreviation: NORM
    colour: "#17becf"
    confidence: 0.55
    rule: {frames: normalise_frames, tie: none, before: CLOSE_DOWN}
"""
NEW_FRAME = """  normalise_frames:
    patterns: ["what do you think"]
"""


def _with_new_code(tmp_path: Path) -> Path:
    text = SOURCE.replace("\ncodes:\n", "\ncodes:\n" + NEW_CODE, 1)
    text = text.replace("\nframes:\n", "\nframes:\n" + NEW_FRAME, 1)
    assert text.count("NORMALISE:") == 1 and text.count("normalise_frames:") == 1
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_response_code_added_in_the_yaml_reaches_every_output(tmp_path: Path) -> None:
    codebook = str(_with_new_code(tmp_path))
    runner = CliRunner()
    checked = runner.invoke(cli, ["codebook", "check", codebook])
    assert checked.exit_code == 0, checked.output

    exported = runner.invoke(cli, ["annotate", "--no-store", "--codebook", codebook,
                                   str(DEMO)])
    assert exported.exit_code == 0, exported.output
    responses = json.loads(exported.stdout)["transcripts"][0]["responses"]
    mine = [r for r in responses if r["uptake"] == "NORMALISE"]
    assert mine and mine[0]["confidence"] == 0.55
    assert mine[0]["evidence"][0]["text"] == "what do you think"
    default = runner.invoke(cli, ["annotate", "--no-store", str(DEMO)])
    assert "NORMALISE" not in default.stdout

    rows = runner.invoke(cli, ["annotate", "--no-store", "--codebook", codebook,
                               "--format", "csv", str(DEMO)])
    assert "NORMALISE" in {row["code"] for row in csv.DictReader(io.StringIO(rows.stdout))}

    table = runner.invoke(cli, ["report", "--no-store", "--codebook", codebook, "--no-color",
                                str(DEMO)])
    assert table.exit_code == 0, table.output
    assert re.search(r"\bNORM\b", table.stdout)  # the column heading
    assert "NORM = NORMALISE" in " ".join(table.stdout.split())  # the legend

    report_csv = runner.invoke(cli, ["report", "--no-store", "--codebook", codebook,
                                     "--format", "csv", str(DEMO)])
    counted = [row for row in csv.DictReader(io.StringIO(report_csv.stdout))
               if row["code"] == "NORMALISE" and row["phase"] == "ALL"]
    assert counted and counted[0]["family"] == "r1_uptake" and int(counted[0]["count"]) >= 1

    plot = tmp_path / "plot.svg"
    drawn = runner.invoke(cli, ["report", "--no-store", "--codebook", codebook,
                                "--plot", str(plot), "--format", "csv", str(DEMO)])
    assert drawn.exit_code == 0, drawn.output
    assert "#17becf" in plot.read_text(encoding="utf-8")


def test_codebook_check_fails_on_a_code_no_rule_gives(tmp_path: Path) -> None:
    orphan = "  NOBODY_GIVES:\n    family: response\n    label: A code with no rule\n"
    path = tmp_path / "codebook.yaml"
    path.write_text(SOURCE.replace("\ncodes:\n", "\ncodes:\n" + orphan, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert "CK404" in result.output and "no rule can give NOBODY_GIVES" in result.output


def test_codebook_check_fails_when_a_rule_gives_a_code_the_codebook_lacks(
        tmp_path: Path) -> None:
    text = re.sub(r"\n  CLARIFY:\n(    .*\n)+", "\n", SOURCE, count=1)
    assert "  CLARIFY:" not in text
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert "gives CLARIFY" in result.output


def test_a_threshold_nothing_reads_is_refused(tmp_path: Path) -> None:
    text = SOURCE.replace("\nthresholds:\n", "\nthresholds:\n  micropause_s: 0.1\n", 1)
    result = CliRunner().invoke(cli, ["codebook", "check", _write(tmp_path, text)])
    assert result.exit_code == 1 and "unknown threshold 'micropause_s'" in result.output


@pytest.mark.parametrize("name", list(Thresholds.__dataclass_fields__))
def test_every_threshold_is_read_by_a_rule(name: str) -> None:
    rules = [p for p in (REPO / "cakit" / "annotate").glob("*.py") if p.name != "codebook.py"]
    assert any(re.search(rf"\.{name}\b", p.read_text(encoding="utf-8")) for p in rules), \
        f"threshold {name} is validated but no rule reads it"


def test_outcomes_follow_the_codebook_rules_for_every_sequence_of_three() -> None:
    """The outcome rules in the YAML give what the sequence rules say, for every list of
    up to three uptakes (written out here as the codebook documents them)."""
    catalogue = builtin_catalogue()

    def documented(uptakes: list[str]) -> str:
        if not uptakes or uptakes == ["NO_UPTAKE"]:
            return "NO_UPTAKE"
        if uptakes[0] == "ENGAGE":
            return "ENGAGED_IMMEDIATE"
        if "ENGAGE" in uptakes[1:]:
            return "ENGAGED_DELAYED"
        if "MEDICATION_FRAME" in uptakes:
            return "MEDICATION_ONLY"
        if uptakes[0] == "QUESTION_BACK":
            return "DEFLECTED"
        if "CHALLENGE" in uptakes:
            return "CHALLENGED"
        decisive = [u for u in uptakes if u not in ("ACKNOWLEDGE", "CLARIFY")]
        if not decisive:
            return "MINIMAL" if "ACKNOWLEDGE" in uptakes else "UNRESOLVED"
        return {"TOPIC_SHIFT": "SHIFTED", "CLOSE_DOWN": "CLOSED",
                "NO_UPTAKE": "NO_UPTAKE"}.get(decisive[0], "UNRESOLVED")

    for length in range(4):
        for uptakes in product(catalogue.uptakes, repeat=length):
            assert catalogue.outcome(uptakes) == documented(list(uptakes)), uptakes


def test_the_catalogue_refuses_what_it_cannot_use() -> None:
    bad = SOURCE.replace("    abbreviation: Q-BACK\n",
                         "    abbreviation: Q-BACK\n    colour_x: red\n")
    with pytest.raises(Exception, match="unknown key 'colour_x' in code QUESTION_BACK"):
        parse_codebook(bad, "bad.yaml")
    no_default = re.sub(r"\n  UNRESOLVED: \{[^}]*\}\n", "\n", SOURCE)
    with pytest.raises(Exception, match="the last outcome must have when: otherwise"):
        parse_codebook(no_default, "bad.yaml")


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_docs_codebook_page_is_generated_from_the_packaged_codebook() -> None:
    shipped = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "doc"])
    assert result.exit_code == 0
    assert shipped == result.stdout, \
        "docs/codebook.md is stale: run cakit codebook doc > docs/codebook.md"
    for code in builtin_catalogue().codes:
        assert f"`{code.name}`" in shipped
