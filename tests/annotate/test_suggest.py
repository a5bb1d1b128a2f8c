"""`cakit codebook suggest`: phrases from attempts a coder added where the machine saw
none, each with the attempts it recovers and its collateral matches elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cakit.cli import cli

TALK = ("D:  how have you been?\n"
        "P:  the kettle keeps clicking at me when I think.\n"
        "D:  right.\n"
        "P:  I made tea and the kettle keeps clicking.\n"
        "D:  okay. and sleep?\n"
        "P:  fine.\n")


def _project(tmp_path: Path) -> Path:
    (tmp_path / "cakit.yaml").write_text("roles:\n  D: clinician\n  P: patient\n",
                                         encoding="utf-8")
    path = tmp_path / "t.txt"
    path.write_text(TALK, encoding="utf-8")
    return path


def test_suggest_recovers_a_missed_attempt_and_counts_collateral(tmp_path: Path) -> None:
    path = _project(tmp_path)
    runner = CliRunner()
    machine = json.loads(runner.invoke(cli, ["annotate", "--no-store", str(path)]).stdout)
    assert machine["transcripts"][0]["attempts"] == []  # the machine misses it
    coded = runner.invoke(cli, ["code", str(path), "--line", "2", "--code", "PSY_ATTEMPT",
                                "--subtype", "PSY_ASSERT", "--coder", "AB"])
    assert coded.exit_code == 0, coded.output
    result = runner.invoke(cli, ["codebook", "suggest", str(path), "--coder", "AB",
                                 "--format", "json", "--top", "50"])
    assert result.exit_code == 0, result.output
    found = {s["phrase"]: s for s in json.loads(result.stdout)}
    assert found["clicking at me"]["recovers"] == ["t.txt:2"]
    assert found["clicking at me"]["collateral"] == 0
    assert found["kettle keeps"]["collateral"] == 1  # line 4 would newly match
    assert found["kettle keeps"]["collateral_examples"] == ["t.txt:4"]
    assert not any(set(phrase.split()) <= {"when", "i", "think", "at", "me"}
                   for phrase in found)  # no phrase of common words only
    assert "PSY_ATTEMPT" not in path.read_text(encoding="utf-8")  # nothing is adopted


def test_suggest_needs_a_coder(tmp_path: Path) -> None:
    path = _project(tmp_path)
    result = CliRunner().invoke(cli, ["codebook", "suggest", str(path)])
    assert result.exit_code == 2 and "--coder NAME or --consensus" in result.output
