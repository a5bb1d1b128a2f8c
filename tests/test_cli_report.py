"""`cakit report` and `cakit excerpts` through click's CliRunner: formats, files, exit codes."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from cakit.cli import cli
from cakit.report.deid import KEY_ENV
from tests.conftest import DEMO, REPO

DEMO_FILES = [str(DEMO / "01-brennan-jefferson.txt"), str(DEMO / "11-rahman-chat-media.cha"),
              str(DEMO / "07-achterberg-noattempt.txt")]


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary pseudonym key and store; returns the store folder."""
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "deid.key"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path / "store"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_report_table_default(env: Path) -> None:
    result = run("report", *DEMO_FILES, "--store", str(env))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.output  # type: ignore[attr-defined]
    assert "Patient attempts, sequences and symptom talk by phase" in out
    assert "PROBLEM_HISTORY" in out and "UNKNOWN" in out and "About these figures" in out
    assert "not diagnoses" in out
    assert len(list((env / "auto").glob("*.jsonl"))) == 3  # the machine layer was stored


@pytest.mark.parametrize("view", ["consultation", "clinician", "carer"])
def test_cli_report_views(env: Path, view: str) -> None:
    result = run("report", *DEMO_FILES, "--store", str(env), "--by", view)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert {"consultation": "Per consultation", "clinician": "Per clinician",
            "carer": "Carer present vs absent"}[view] in result.output  # type: ignore[attr-defined]


def test_cli_report_file_formats(env: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "md", "xlsx", "html", "table"):
        target = tmp_path / f"report.{fmt}"
        result = run("report", *DEMO_FILES, "--store", str(env), "--format", fmt, "-o",
                     str(target))
        assert result.exit_code == 0, (fmt, result.output)  # type: ignore[attr-defined]
        assert target.exists() and target.stat().st_size > 0
    csv_head = (tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()[0]
    assert csv_head.startswith("family,code,phase,count,n_consultations")
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert payload["by"] == "phase" and "rates_by_phase" in payload["tables"]
    rows = payload["tables"]["attempts_by_phase"]["rows"]
    assert [row["phase"] for row in rows][-2:] == ["UNKNOWN", "ALL"]
    assert "| phase |" in (tmp_path / "report.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        assert "xl/workbook.xml" in archive.namelist()
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(page)
    assert len(tree.findall(".//section")) == 3
    assert "Kevin" not in page  # de-identified by default
    audit = tmp_path / "report.html.deid-audit.csv"
    assert audit.exists() and "Kevin" in audit.read_text(encoding="utf-8")
    assert "Patient attempts" in (tmp_path / "report.table").read_text(encoding="utf-8")


def test_cli_report_refuses_to_overwrite_without_force(env: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    result = run("report", *DEMO_FILES, "--store", str(env), "--format", "csv", "-o",
                 str(target))
    assert result.exit_code == 2
    assert "--force" in result.output  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8") == "keep me"
    result = run("report", *DEMO_FILES, "--store", str(env), "--format", "csv", "-o",
                 str(target), "--force")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("family,")


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_cli_report_plot(env: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"plot.{suffix}"
    result = run("report", *DEMO_FILES, "--store", str(env), "--plot", str(target))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data


@pytest.mark.parametrize("args", [
    ["--format", "xlsx"],  # binary output needs -o
    ["--plot", "plot.gif"],
    ["--format", "nonsense"],
])
def test_cli_report_usage_errors(env: Path, args: list[str]) -> None:
    result = run("report", *DEMO_FILES, "--store", str(env), *args)
    assert result.exit_code == 2


def test_cli_report_missing_path_is_a_usage_error(env: Path, tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "nope.txt"), "--store", str(env))
    assert result.exit_code == 2


def test_cli_report_data_error_exits_1(env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Qq: hello there\nP: hi\nQq: how are you\n", encoding="utf-8")
    result = run("report", str(bad), DEMO_FILES[0], "--store", str(env))
    assert result.exit_code == 1
    assert "CK301" in result.output  # type: ignore[attr-defined]


def _coded(files: list[str], store: Path, codebook: str | None = None) -> list[Any]:
    from cakit.project import corpus_file
    from cakit.run import RunOptions, machine_codes, run_corpus

    options = RunOptions(codebook=codebook, store=store)
    return list(run_corpus([corpus_file(Path(f)) for f in files], options, machine_codes))


def test_cli_report_reuses_the_store(env: Path) -> None:
    first = _coded(DEMO_FILES, env)
    second = _coded(DEMO_FILES, env)
    assert not any(r.reused for r in first) and all(r.reused for r in second)
    assert [r.value for r in first] == [r.value for r in second]


def test_cli_report_reannotates_after_a_codebook_edit_without_a_new_version(
    env: Path, tmp_path: Path
) -> None:
    original = (REPO / "cakit" / "data" / "codebook.yaml").read_text(encoding="utf-8")
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(original, encoding="utf-8")
    files = [DEMO_FILES[0]]
    _coded(files, env, str(codebook))
    assert all(r.reused for r in _coded(files, env, str(codebook)))
    # same declared version, one phrase changed: the stored machine layer is stale
    edited = original.replace("      - hidden meaning\n", "      - a hidden meaning\n", 1)
    assert edited != original
    codebook.write_text(edited, encoding="utf-8")
    again = _coded(files, env, str(codebook))
    assert not any(r.reused for r in again)


def test_cli_report_jobs_2_gives_the_same_counts(env: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    two = tmp_path / "two.csv"
    assert run("report", *DEMO_FILES, "--no-store", "--format", "csv", "-o", str(one)
               ).exit_code == 0  # type: ignore[attr-defined]
    assert run("report", *DEMO_FILES, "--no-store", "--jobs", "2", "--format", "csv", "-o",
               str(two)).exit_code == 0  # type: ignore[attr-defined]
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


# -- excerpts ------------------------------------------------------------------------------------

def test_cli_excerpts_txt_default_deidentified(env: Path) -> None:
    result = run("excerpts", *DEMO_FILES, "--store", str(env), "--consultation",
                 "01-brennan-jefferson")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.output  # type: ignore[attr-defined]
    assert "De-identified" in out and "Excerpt 1 of" in out
    assert "Kevin" not in out and "Okafor" not in out
    assert "→" in out and "@c0a02193 lines " in out


@pytest.mark.parametrize(("fmt", "check"), [
    ("txt", lambda data: b"Excerpt 1 of" in data),
    ("md", lambda data: b"```text" in data),
    ("html", lambda data: lxml.html.fromstring(data).findall(".//section") != []),
    ("docx", lambda data: "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()),
])
def test_cli_excerpts_formats_and_audit(env: Path, tmp_path: Path, fmt: str, check) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"ex.{fmt}"
    result = run("excerpts", *DEMO_FILES, "--store", str(env), "--format", fmt, "-o",
                 str(target))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = target.read_bytes()
    assert check(data)
    assert b"Kevin" not in data
    audit = tmp_path / f"ex.{fmt}.deid-audit.csv"
    assert audit.read_text(encoding="utf-8").startswith("file,consultation,line,col,kind")


def test_cli_excerpts_selection_options(env: Path) -> None:
    base = ["excerpts", *DEMO_FILES, "--store", str(env), "--no-deidentify"]
    all_out = run(*base).output  # type: ignore[attr-defined]
    count = all_out.count("Excerpt ")
    assert count >= 2
    limited = run(*base, "--limit", "1").output  # type: ignore[attr-defined]
    assert limited.count("Excerpt ") == 1
    assert "NOT DE-IDENTIFIED" in limited and "Kevin" in all_out
    context = run(*base, "--limit", "1", "--context", "0").output  # type: ignore[attr-defined]
    assert len(context.splitlines()) < len(limited.splitlines())
    phased = run(*base, "--phase", "pre-closing").output  # type: ignore[attr-defined]
    assert "PRE_CLOSING" in phased and "PROBLEM_HISTORY · attempt" not in phased
    none = run(*base, "--outcome", "CHALLENGED", "--consultation", "07-achterberg-noattempt")
    assert none.exit_code == 0 and "No sequence matches" in none.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "message"), [
    (["--code", "HESITAT"], "HESITATE"),
    (["--subtype", "QUESTION"], "--subtype"),
    (["--outcome", "DEFLECT"], "DEFLECTED"),
    (["--phase", "middle"], "--phase"),
    (["--format", "docx"], "-o"),
    (["--consultation", "99-nobody"], "no consultation"),
])
def test_cli_excerpts_usage_errors(env: Path, args: list[str], message: str) -> None:
    result = run("excerpts", *DEMO_FILES, "--store", str(env), *args)
    assert result.exit_code == 2
    assert message in result.output  # type: ignore[attr-defined]


def test_cli_excerpts_refuses_to_overwrite_without_force(env: Path, tmp_path: Path) -> None:
    target = tmp_path / "ex.txt"
    target.write_text("keep", encoding="utf-8")
    assert run("excerpts", *DEMO_FILES, "--store", str(env), "-o", str(target)
               ).exit_code == 2  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8") == "keep"
    assert not (tmp_path / "ex.txt.deid-audit.csv").exists()
    assert run("excerpts", *DEMO_FILES, "--store", str(env), "-o", str(target), "--force"
               ).exit_code == 0  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8") != "keep"


def test_cli_excerpts_and_report_help_mention_sensitive_audit() -> None:
    for command in ("excerpts", "report"):
        result = run(command, "--help")
        assert result.exit_code == 0
        text = " ".join(result.output.split())  # type: ignore[attr-defined]
        assert "ORIGINAL" in text and "audit" in text


#: An invented consultation whose file name and clinician label carry identifiers.
IDENTIFIED = """\
Dr Jones:  how have things been since last time?
P:         the men in the van have been watching my flat again.
Dr Jones:  mm. and how are you sleeping?
P:         not great.
"""


def _shown(path: Path, output_format: str) -> str:
    if output_format == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                         for cell in row if cell.value is not None)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("view", ["consultation", "clinician"])
@pytest.mark.parametrize("output_format", ["table", "csv", "json", "md", "xlsx", "html"])
def test_cli_report_pseudonymises_consultations_and_clinicians_by_default(
    env: Path, tmp_path: Path, view: str, output_format: str
) -> None:
    from cakit.report.deid import Deidentifier, load_key

    source = tmp_path / "sarah-jones-dob-03-05-1987.txt"
    source.write_text(IDENTIFIED, encoding="utf-8")
    target = tmp_path / f"report.{output_format}"
    result = run("report", str(source), "--by", view, "--format", output_format, "-o",
                 str(target), "--store", str(env))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    shown = _shown(target, output_format)
    assert "sarah" not in shown.lower() and "1987" not in shown and "Jones" not in shown
    deid = Deidentifier(key=load_key())
    expected = (deid.identifier("sarah-jones-dob-03-05-1987") if view == "consultation"
                else deid.clinician("Dr Jones"))
    assert expected in shown
    audit = (tmp_path / f"report.{output_format}.deid-audit.csv").read_text(encoding="utf-8")
    assert "sarah-jones-dob-03-05-1987" in audit and expected in audit  # the way back
    plain = tmp_path / f"plain.{output_format}"
    named = run("report", str(source), "--by", view, "--format", output_format, "-o",
                str(plain), "--store", str(env), "--no-deidentify")
    assert "NOT de-identified" in named.output  # type: ignore[attr-defined]
    original = "sarah-jones-dob-03-05-1987" if view == "consultation" else "Dr Jones"
    assert original in _shown(plain, output_format)


def test_cli_report_reannotates_when_cakit_itself_changed(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # same transcript, codebook and roles; other annotator code (an edited checkout, a
    # retrained classifier): the stored layer must not be reused
    import cakit.build

    files = [DEMO_FILES[0]]
    _coded(files, env)
    assert all(r.reused for r in _coded(files, env))
    monkeypatch.setattr(cakit.build, "build_id", lambda: "0.1.0+000000000000")
    again = _coded(files, env)
    assert not any(r.reused for r in again)
    assert all(r.reused for r in _coded(files, env))


@pytest.fixture
def fresh_build_id() -> Iterator[Callable[[], str]]:
    """`cakit.build.build_id` computed afresh on each call; the cache is cleared after."""
    import cakit.build

    def fresh() -> str:
        cakit.build.build_id.cache_clear()
        return cakit.build.build_id()

    yield fresh
    cakit.build.build_id.cache_clear()


def test_build_id_follows_the_code_and_data_that_make_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_build_id: Callable[[], str]
) -> None:
    import cakit.build

    package = tmp_path / "cakit"
    files = {
        "annotate/rules.py": "A = 1\n", "cli/main.py": "HELP = 'x'\n",
        "data/codebook.yaml": "version: '1'\n", "annotate/__pycache__/rules.pyc": "x",
        "annotate/.rules.py.swp": "x",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(cakit.build, "PACKAGE", package)
    first = fresh_build_id()
    assert first.startswith(cakit.__version__ + "+")
    # the command line, byte-code and an editor's swap file make no codes
    for name in ("cli/main.py", "annotate/__pycache__/rules.pyc", "annotate/.rules.py.swp"):
        (package / name).write_text("changed", encoding="utf-8")
        assert fresh_build_id() == first, name
    # the annotator's code and the codebook or model do
    for name in ("annotate/rules.py", "data/codebook.yaml"):
        (package / name).write_text("changed", encoding="utf-8")
        assert fresh_build_id() != first, name
        first = fresh_build_id()
    # another spaCy makes other tokens and scores
    monkeypatch.setattr(cakit.build, "LIBRARIES", ("spacy", "thinc", "no-such-library"))
    assert fresh_build_id() != first


@pytest.mark.parametrize(("view", "column"), [("consultation", "consultation"),
                                              ("clinician", "clinician")])
def test_cli_report_deidentified_rows_follow_their_labels(env: Path, view: str,
                                                          column: str) -> None:
    """Rows in the order of the real file names (or clinicians' names) would tell, under
    pseudonyms, which consultation is whose alphabetically; de-identified, they follow
    the labels. Without de-identification they keep the input's order."""
    import csv
    import io

    result = run("report", str(DEMO), "--by", view, "--format", "csv", "--store", str(env))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    shown = [row[column] for row in csv.DictReader(io.StringIO(result.stdout))]  # type: ignore[attr-defined]
    assert len(shown) > 2 and shown == sorted(shown)
    named = run("report", str(DEMO), "--by", view, "--format", "csv", "--store", str(env),
                "--no-deidentify")
    plain = [row[column] for row in csv.DictReader(io.StringIO(named.stdout))]  # type: ignore[attr-defined]
    assert len(plain) == len(shown)
    # the report's list of consultations and the lists in its notes too (a review found
    # them in file order)
    import json
    import re

    full = json.loads(run("report", str(DEMO), "--by", view, "--format", "json", "--store",
                          str(env)).stdout)  # type: ignore[attr-defined]
    assert full["consultations"] == sorted(full["consultations"])
    lists = [re.findall(r"\[ID-[^\]]+\]", note) for note in full["notes"]]
    assert any(len(found) > 1 for found in lists)
    assert all(found == sorted(found) for found in lists)
