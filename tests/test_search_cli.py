"""`cakit search` on the command line: formats, de-identification, excerpts, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cakit.cli import cli
from cakit.report.deid import KEY_ENV
from tests.conftest import DEMO

#: Names declared or said in the demo transcripts the hits below show.
NAMES = ("Grace", "Kevin", "Brennan", "Okafor", "Jamie", "Tomasz")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One annotation store for the module (the demo is annotated once) and a key."""
    root = tmp_path_factory.mktemp("search-cli")
    return {"store": root / "store", "key": root / "deid.key"}


@pytest.fixture()
def search(runner: Any, shared: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(KEY_ENV, str(shared["key"]))
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str, paths: tuple[str, ...] = (str(DEMO),)) -> Any:
        return runner.invoke(cli, ["search", *paths, "--store", str(shared["store"]),
                                   *args])

    return invoke


def test_search_cli_table_shows_hits_with_context_and_line_numbers(search: Any) -> None:
    result = search("-q", "role=patient & question >>2 role=clinician & laugh")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "am I being punished? (.) by God?" in out  # 06, the first hit turn
    assert "heh heh (.) what makes you ask that?" in out  # its second
    assert "don't be silly" in out  # the wife's turn between them
    assert "doctor (.) can I ask you something." in out  # one turn of context before
    assert out.count("→") == 8  # two hit turns in each of the four hits
    assert "4 hit(s) in 4 of 14 consultation(s) for: role=patient & question >>2 " \
        "role=clinician & laugh" in result.stderr
    assert "de-identified:" in result.stderr
    assert "Tomasz" not in out  # "don't be silly Tomasz." is de-identified


def test_search_cli_context_widens_and_narrows(search: Any) -> None:
    none = search("-q", '"hear voices"', "--context", "0", "--format", "csv")
    wide = search("-q", '"hear voices"', "--context", "3", "--format", "csv")
    narrow_row = next(csv.DictReader(io.StringIO(none.stdout)))
    wide_row = next(csv.DictReader(io.StringIO(wide.stdout)))
    assert narrow_row["before"] == narrow_row["after"] == ""
    assert wide_row["before"].count(" / ") == 2 and wide_row["after"].count(" / ") == 2


def test_search_cli_csv_columns_cells_and_formula_safety(search: Any) -> None:
    result = search("-q", "latch & role=carer", "--format", "csv", "--no-deidentify")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    from cakit.search.render import CSV_COLUMNS

    assert list(rows[0]) == list(CSV_COLUMNS)
    first = rows[0]
    assert first["consultation"] == "01-brennan-jefferson" and first["line"] == "24"
    assert first["file"].endswith("01-brennan-jefferson.txt")
    # the turn starts with the latch '=': a spreadsheet would read it as a formula
    assert first["text"].startswith("'=it's fine to ring mine")
    assert first["match"] == "'=" and first["right"].startswith("it's fine")
    assert "NOT de-identified" in result.stderr


def test_search_cli_json_has_lines_spans_and_the_query(search: Any) -> None:
    result = search("-q", "~voice & role=patient", "--format", "json")
    data = json.loads(result.stdout)
    # de-identified, the words searched for are left out: they may be a name
    assert data["query"] == "~[words] & role=patient" and data["deidentified"] is True
    assert data["total"] == data["shown"] == 8
    hit_lines = [line for hit in data["hits"] for line in hit["lines"] if line["part"] == "hit"]
    assert [line["matched"] for line in hit_lines][:3] == [["voices"]] * 3
    assert all(line["role"] == "patient" for line in hit_lines)
    for line in hit_lines:
        for (start, end), text in zip(line["spans"], line["matched"], strict=True):
            assert line["text"][start:end] == text
    assert all(hit["file"] == "" and hit["consultation"].startswith("[ID-")
               for hit in data["hits"])
    assert not any(name in result.stdout for name in NAMES)


def test_search_cli_markdown_and_html(search: Any) -> None:
    md = search("-q", '"hear voices"', "--format", "md")
    assert "**hear** **voices**" in md.stdout or "**hear voices**" in md.stdout
    assert md.stdout.startswith("# cakit search") and "De-identified" in md.stdout
    html = search("-q", '"hear voices"', "--format", "html")
    assert "<mark>hear voices</mark>" in html.stdout
    assert html.stdout.startswith("<!DOCTYPE html>") and "<script" not in html.stdout


def test_search_cli_deidentifies_by_default_and_warns_when_told_not_to(search: Any) -> None:
    shown = search("-q", "~voice & role=patient", "--format", "csv")
    assert shown.exit_code == 0
    assert "Grace" not in shown.stdout and "Jamie" not in shown.stdout
    assert "[Name-" in shown.stdout
    plain = search("-q", "~voice & role=patient", "--format", "csv", "--no-deidentify")
    assert "so Grace," in plain.stdout and "Jamie" in plain.stdout
    assert "NOT de-identified" in plain.stderr


def test_search_cli_writes_an_audit_log_beside_the_output(search: Any,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "hits.csv"
    result = search("-q", "~voice & role=patient", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    audit = tmp_path / "hits.csv.deid-audit.csv"
    assert target.is_file() and audit.is_file()
    assert "Grace" in audit.read_text(encoding="utf-8")
    assert "Grace" not in target.read_text(encoding="utf-8")
    again = search("-q", "voices", "--format", "csv", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.output


def test_search_cli_excerpts_are_deidentified_teaching_extracts(search: Any) -> None:
    result = search("-q", "code=SMILE_LAUGH & responds_to=PSY_REPEAT", "--excerpts",
                    "--context", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("De-identified")
    assert "Excerpt 1 of 1" in out and "search hit 1" in out
    assert "query    code=SMILE_LAUGH & responds_to=PSY_REPEAT" in out
    assert "→ 101  Dr:   £okay£ (.) ((stands)) right." in out
    assert "→ 102" in out  # every line of the hit turn gets the arrow
    assert "Kevin" not in out and "[Name-" in out
    plain = search("-q", "code=SMILE_LAUGH & responds_to=PSY_REPEAT", "--excerpts",
                   "--no-deidentify")
    assert plain.stdout.startswith("WARNING: NOT DE-IDENTIFIED")
    assert "Kevin" in plain.stdout


def test_search_cli_excerpts_as_markdown_and_docx(search: Any, tmp_path: Path) -> None:
    md = search("-q", "overlap=incoming & role=carer", "--excerpts", "--format", "md")
    assert md.stdout.count("## Excerpt") == 6
    target = tmp_path / "hits.docx"
    docx = search("-q", "overlap=incoming & role=carer", "--excerpts", "--format", "docx",
                  "-o", str(target))
    assert docx.exit_code == 0, docx.output
    assert target.read_bytes().startswith(b"PK")
    assert (tmp_path / "hits.docx.deid-audit.csv").is_file()


def test_search_cli_count_and_limit(search: Any) -> None:
    counted = search("-q", "~voice & role=patient", "--count", "--format", "csv")
    rows = list(csv.reader(io.StringIO(counted.stdout)))
    assert rows[0] == ["consultation", "hits"]
    assert sum(int(n) for _, n in rows[1:]) == 8 and len(rows) == 6
    limited = search("-q", "~voice & role=patient", "--limit", "2", "--format", "json")
    data = json.loads(limited.stdout)
    assert (data["total"], data["shown"], len(data["hits"])) == (8, 2, 2)
    assert "(showing 2)" in limited.stderr


def test_search_cli_no_hits_is_not_an_error(search: Any) -> None:
    result = search("-q", "zebra")
    assert result.exit_code == 0
    assert "0 hit(s) in 0 of 14 consultation(s)" in result.stderr


@pytest.mark.parametrize(("query", "head"), [
    ("voices laugh", "query:1:8: CK603 two terms side by side"),
    ("role=doctor", "query:1:6: CK605 role='doctor' is not a value cakit knows"),
    ("(a >> b)", "query:1:4: CK606"),
])
def test_search_cli_query_errors_exit_2_with_the_column(search: Any, query: str,
                                                        head: str) -> None:
    result = search("-q", query)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(head)
    assert lines[1] == f"    {query}"
    assert lines[2].endswith("^") and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "txt"], "--format txt is for --excerpts"),
    (["--excerpts", "--format", "csv"], "--excerpts writes txt, md, html, docx"),
    (["--excerpts", "--count"], "exclude each other"),
    (["--count", "--format", "html"], "--count writes"),
    (["--excerpts", "--format", "docx"], "give -o FILE.docx"),
])
def test_search_cli_refuses_bad_option_mixes(search: Any, args: list[str],
                                             message: str) -> None:
    result = search("-q", "voices", *args)
    assert result.exit_code == 2 and message in result.output


def test_search_cli_jobs_and_coder_go_through_the_run(search: Any) -> None:
    one = search("-q", "code=PSY_ATTEMPT", "--format", "csv")
    two = search("-q", "code=PSY_ATTEMPT", "--format", "csv", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 35  # 34 attempts
    coded = search("-q", "code=PSY_ATTEMPT", "--format", "csv", "--coder", "NOBODY")
    assert coded.exit_code == 0 and "no layer for coder 'NOBODY'" in coded.stderr
    assert coded.stdout == one.stdout  # no decisions: the machine's codes


def test_search_cli_a_de_identified_output_leaves_out_the_words_searched_for(
        search: Any) -> None:
    # an outside review searched for a patient's name and a town: the hits showed
    # pseudonyms under a header that printed both in clear
    query = "tunbridge | okafor* & speaker=Dr"
    for output_format in ("json", "md", "html"):
        shown = search("-q", query, "--format", output_format).stdout
        assert "tunbridge" not in shown.lower() and "okafor" not in shown.lower()
        assert "[words] | [words] & speaker=[…]" in shown.replace("&amp;", "&")
    plain = search("-q", query, "--format", "json", "--no-deidentify").stdout
    assert json.loads(plain)["query"] == query
