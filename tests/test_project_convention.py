"""A project transcribed in GAT 2 says so once, in its `cakit.yaml` (`convention: gat2`),
and every command reads it so.

An outside review: only `show` and `convert` took `--convention`, so `summary`, `report`,
`annotate` and `freq` read a GAT 2 file as Jefferson (`°h` became the word "h", with no
in-breath)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cakit.cli import cli

GAT2 = """\
Dr:  wie geht es IHnen (.) heute
P:   °h ja (.) es geht
Dr:  gut
"""


def _project(tmp_path: Path, setting: str) -> Path:
    (tmp_path / "cakit.yaml").write_text(f"{setting}roles:\n  Dr: clinician\n  P: patient\n",
                                         encoding="utf-8")
    (tmp_path / "g.txt").write_text(GAT2, encoding="utf-8")
    return tmp_path / "g.txt"


def _summary(runner: Any, path: Path) -> dict[str, Any]:
    result = runner.invoke(cli, ["summary", str(path), "--no-deidentify", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]


def test_a_project_convention_is_read_by_every_command(runner: Any, tmp_path: Path) -> None:
    path = _project(tmp_path, "convention: gat2\n")
    gat2 = _summary(runner, path)
    assert gat2["in_breaths"] == 1
    (tmp_path / "cakit.yaml").write_text("roles:\n  Dr: clinician\n  P: patient\n",
                                         encoding="utf-8")
    jefferson = _summary(runner, path)
    assert jefferson["in_breaths"] == 0 and jefferson["words"] == gat2["words"] + 1
    # `show --convention` still decides for itself
    shown = runner.invoke(cli, ["show", str(path), "--convention", "gat2", "--no-color"])
    assert shown.exit_code == 0, shown.output


def test_a_changed_convention_re_annotates_a_stored_layer(runner: Any, tmp_path: Path) -> None:
    path = _project(tmp_path, "")
    store = tmp_path / "store"

    def report() -> Any:
        result = runner.invoke(cli, ["report", str(path), "--store", str(store)])
        assert result.exit_code == 0, result.output
        return result

    report()
    assert "reused 1 stored" in report().stderr
    (tmp_path / "cakit.yaml").write_text("convention: gat2\nroles:\n  Dr: clinician\n"
                                         "  P: patient\n", encoding="utf-8")
    assert "reused" not in report().stderr
    assert "reused 1 stored" in report().stderr


@pytest.mark.parametrize("text, said", [
    ("convention: gat3\n", "'convention' must be one of jefferson, gat2"),
    ("conventions: gat2\n", "known settings: roles, convention"),
])
def test_a_bad_convention_setting_is_ck401_at_its_line(runner: Any, tmp_path: Path, text: str,
                                                       said: str) -> None:
    path = _project(tmp_path, text)
    result = runner.invoke(cli, ["summary", str(path)])
    assert result.exit_code != 0
    assert "cakit.yaml:1:" in result.output and "CK401" in result.output and said in result.output


def test_a_roles_file_cannot_set_the_convention(runner: Any, tmp_path: Path) -> None:
    path = _project(tmp_path, "")
    roles = tmp_path / "roles.yaml"
    roles.write_text("convention: gat2\nroles:\n  P: patient\n", encoding="utf-8")
    result = runner.invoke(cli, ["summary", str(path), "--roles", str(roles)])
    assert result.exit_code != 0
    assert "belongs in the project's cakit.yaml" in result.output


def test_converting_to_jefferson_inside_a_gat2_project_warns(runner: Any,
                                                            tmp_path: Path) -> None:
    """A second outside review: in a `convention: gat2` project, `convert --to jefferson`
    wrote a .txt every other command reads as GAT 2 (4 loud words became 0), and said
    nothing: it read its own output back as Jefferson."""
    _project(tmp_path, "convention: gat2\n")
    source = tmp_path / "c.cha"
    source.write_text("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDR Doc Therapist, "
                      "P Pat Participant\n@Options:\tCA\n@ID:\teng|x|DR|||||Therapist|||\n"
                      "@ID:\teng|x|P|||||Participant|||\n*DR:\thow are YOU today ?\n"
                      "*P:\tfine .\n@End\n", encoding="utf-8")
    result = runner.invoke(cli, ["convert", str(source), "--to", "jefferson", "-o",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "project reads them as GAT 2" in result.stderr
    elsewhere = tmp_path.parent / f"{tmp_path.name}-outside"
    result = runner.invoke(cli, ["convert", str(source), "--to", "jefferson", "-o",
                                 str(elsewhere)])
    assert result.exit_code == 0 and "GAT 2" not in result.stderr
