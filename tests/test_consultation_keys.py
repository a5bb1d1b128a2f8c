"""Two transcripts of one name in two folders are two consultations in every output.

An outside review: de-identified, `freq --by file` and `mlu --by file` added the two up
into one row, `summary` and `search` gave both one pseudonym, while `report` kept them
apart (`p01`, `p01~2`) and gave the second another pseudonym. Every command now keys
consultations with `cakit.annotations.consultation_keys`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from cakit.annotations import consultation_keys
from cakit.cli import cli

SITE1 = """\
Dr:    how have things been?
P:     not good. I keep hearing voices at night.
Dr:    that must be frightening.
"""
SITE2 = """\
Dr:    morning, how are you today?
P:     fine thanks, the voices have stopped completely now.
Dr:    oh that is good news, well done.
P:     yes.
"""
PSEUDONYM = re.compile(r"\[ID-[A-Za-z]+\]")


def test_consultation_keys_number_a_repeated_id() -> None:
    assert consultation_keys(["p01", "p02", "p01", "p01"]) == ["p01", "p02", "p01~2", "p01~3"]
    # a second outside review: a file named p01~2 took the key of the second p01 too (the
    # report crashed, freq added the two into one row)
    keys = consultation_keys(["p01", "p01", "p01~2"])
    assert len(set(keys)) == 3 and keys[2] == "p01~2" and keys[1] == "p01~3"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "cakit.yaml").write_text("roles: {}\n", encoding="utf-8")
    for site, text in (("site1", SITE1), ("site2", SITE2)):
        (tmp_path / site).mkdir()
        (tmp_path / site / "p01.txt").write_text(text, encoding="utf-8")
    return tmp_path


def _rows(runner: Any, args: list[str]) -> list[dict[str, str]]:
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_two_files_of_one_name_are_two_rows_under_one_pseudonym_each(runner: Any,
                                                                    project: Path) -> None:
    root = str(project)
    report = _rows(runner, ["report", root, "--no-store", "--by", "consultation",
                            "--format", "csv"])
    by_words = {row["words"]: row["consultation"] for row in report}
    assert set(by_words) == {"16", "21"} and len(set(by_words.values())) == 2
    summary = _rows(runner, ["summary", root, "--format", "csv"])
    assert {row["words"]: row["file"] for row in summary[:-1]} == by_words
    for command in ("freq", "mlu"):
        extra = ["--summary"] if command == "freq" else []
        rows = _rows(runner, [command, root, "--by", "file", *extra, "--format", "csv"])
        groups = [row["group"] for row in rows if row["group"] != "TOTAL"]
        assert sorted(groups) == sorted(by_words.values()), command
    hits = _rows(runner, ["search", root, "--no-store", "-q", "voices", "--format", "csv",
                          "--context", "0"])
    assert sorted(row["consultation"] for row in hits) == sorted(by_words.values())
    counted = runner.invoke(cli, ["search", root, "--no-store", "-q", "voices", "--count",
                                  "--format", "csv"], catch_exceptions=False)
    assert sorted(PSEUDONYM.findall(counted.stdout)) == sorted(by_words.values())
    excerpts = runner.invoke(cli, ["search", root, "--no-store", "-q", "voices",
                                   "--excerpts", "--format", "md"], catch_exceptions=False)
    assert sorted(set(PSEUDONYM.findall(excerpts.stdout))) == sorted(by_words.values())


def test_without_deidentifying_the_two_are_p01_and_p01_2(runner: Any, project: Path) -> None:
    root = str(project)
    report = _rows(runner, ["report", root, "--no-store", "--no-deidentify", "--by",
                            "consultation", "--format", "csv"])
    assert sorted(row["consultation"] for row in report) == ["p01", "p01~2"]
    counted = runner.invoke(cli, ["search", root, "--no-store", "--no-deidentify", "-q",
                                  "voices", "--count", "--format", "csv"],
                            catch_exceptions=False)
    assert "p01~2" in counted.stdout, counted.stdout


def test_the_plots_and_the_audit_name_the_two_apart(runner: Any, project: Path) -> None:
    """A second outside review: the timeline plot (--plot, and the HTML report's) gave both
    files one pseudonym, and the HTML audit log mapped site2/p01.txt to site1's."""
    root = str(project)
    plot, page = project / "p.svg", project / "r.html"
    result = runner.invoke(cli, ["report", root, "--no-store", "--by", "consultation",
                                 "--format", "html", "-o", str(page), "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    table = _rows(runner, ["report", root, "--no-store", "--by", "consultation",
                           "--format", "csv"])
    names = sorted(row["consultation"] for row in table)
    assert sorted(set(PSEUDONYM.findall(plot.read_text(encoding="utf-8")))) == names
    figures = page.read_text(encoding="utf-8").split("<h2>Plots</h2>", 1)[1]
    assert sorted(set(PSEUDONYM.findall(figures))) == names
    # the plot beside a table (not HTML) took its labels by id: the second file's fell
    # back to its key, `p01~2`, in clear (a third outside review)
    beside = project / "t.svg"
    result = runner.invoke(cli, ["report", root, "--no-store", "--by", "consultation",
                                 "-o", str(project / "t.txt"), "--plot", str(beside)])
    assert result.exit_code == 0, result.output
    drawn = beside.read_text(encoding="utf-8")
    assert sorted(set(PSEUDONYM.findall(drawn))) == names and "p01" not in drawn
    audit = list(csv.DictReader(io.StringIO(
        (project / "r.html.deid-audit.csv").read_text(encoding="utf-8"))))
    shown = {(row["file"].replace("\\\\", "/").rsplit("/", 2)[-2], row["pseudonym"])
             for row in audit if row["kind"] == "id"}
    assert len(shown) == 2 and len({name for _, name in shown}) == 2, shown


def test_the_annotation_csv_says_which_file_each_row_is_from(runner: Any,
                                                           project: Path) -> None:
    """A second outside review: `annotate --format csv` had no file column, so the rows of
    two files named p01 (both consultation `p01`, both attempt `a1`) could not be told
    apart. The `source` column is the transcript's path in the project."""
    (project / "site2" / "p01.txt").write_text(SITE1.replace("at night", "in the flat"),
                                               encoding="utf-8")
    rows = _rows(runner, ["annotate", str(project), "--no-store", "--format", "csv"])
    assert {row["consultation"] for row in rows} == {"p01"}
    assert {row["source"] for row in rows} == {"site1/p01.txt", "site2/p01.txt"}
