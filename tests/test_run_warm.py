"""Warm means warm: a report over transcripts whose stored layers are current works from
the layers and their transcript profiles, never reading (tokenizing) a transcript again,
and gives exactly what a cold report gives: tables, warnings and exit code."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cakit.formats
from cakit.cli import cli
from tests.conftest import DEMO, REPO, chat_files, needs_shared
from tests.store._fixtures import invoke

FILES = ("01-brennan-jefferson.txt", "08-gallagher-gran.txt", "11-rahman-chat-media.cha",
         "13-adebayo-chat-gems.cha", "05-okoro-docx.docx")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "demo").mkdir(parents=True)
    shutil.copyfile(REPO / "cakit.yaml", root / "cakit.yaml")
    for name in FILES:
        if (DEMO / name).exists():
            shutil.copyfile(DEMO / name, root / "demo" / name)
    return root


def _report(args: list[str], code: int = 0) -> Any:
    return invoke(CliRunner(), ["report", *args], code=code)


def _count_full_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every tokenizing read of a transcript from here on."""
    reads: list[str] = []
    original = cakit.formats.read

    def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("tokenize", True):
            reads.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(cakit.formats, "read", spy)
    return reads


def test_warm_report_reads_no_transcript_and_matches_the_cold_one(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = str(project / "demo")
    cold = {fmt: _report([corpus, "--format", fmt]).stdout for fmt in ("csv", "json", "md")}
    reads = _count_full_reads(monkeypatch)
    warm = {fmt: _report([corpus, "--format", fmt]).stdout for fmt in ("csv", "json", "md")}
    assert reads == []
    assert warm == cold
    for view in ("consultation", "clinician", "carer"):
        assert _report([corpus, "--by", view, "--format", "csv"]).stdout
    assert reads == []


def test_a_changed_transcript_or_roles_file_is_read_again(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = str(project / "demo")
    _report([corpus, "--format", "csv"])
    edited = project / "demo" / "01-brennan-jefferson.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    reads = _count_full_reads(monkeypatch)
    _report([corpus, "--format", "csv"])
    assert [Path(r).name for r in reads] == ["01-brennan-jefferson.txt"]
    reads.clear()
    roles = project / "roles.yaml"
    roles.write_text("roles:\n  Gran: other\n", encoding="utf-8")
    with_roles = _report([corpus, "--format", "csv", "--roles", str(roles)]).stdout
    assert len(reads) == len(list((project / "demo").iterdir()))
    reads.clear()
    assert _report([corpus, "--format", "csv", "--roles", str(roles)]).stdout == with_roles
    assert reads == []
    assert _report([corpus, "--format", "csv"]).stdout != with_roles  # Gran is a carer here


@needs_shared
def test_warm_report_keeps_the_reading_problems_and_exit_code(tmp_path: Path) -> None:
    """Speakers with no role are errors (exit 1), and the reader's warnings are printed,
    whether the layers are warm or cold (real CABNC conversations)."""
    files = [path for path in chat_files("cabnc-ca") if path.name.startswith("KBK")][:2]
    assert files
    for path in files:
        shutil.copyfile(path, tmp_path / path.name)
    args = [str(tmp_path / path.name) for path in files] + ["--format", "csv"]
    first = _report(args, code=1)
    second = _report(args, code=1)
    assert "CK301" in first.stderr
    assert second.stderr.replace("reused", "") == first.stderr.replace("reused", "")
    assert second.stdout == first.stdout


def test_the_corpus_run_skips_tier_structure_checks_that_validate_makes(tmp_path: Path) -> None:
    """%mor/%gra structure is checked by validate (and cakit.read when asked); annotate
    and report never use those tiers, so their runs do not spend a fifth of reading time
    on it, and neither does a plain cakit.read."""
    demo = (DEMO / "13-adebayo-chat-gems.cha").read_text(encoding="utf-8")
    text = demo.replace("*PAT:\thello .\n", "*PAT:\thello .\n%mor:\tco|hello .\n"
                        "%gra:\t1|9|ROOT 2|1|PUNCT\n", 1)
    assert text != demo
    path = tmp_path / "bad-gra.cha"
    path.write_text(text, encoding="utf-8")
    import cakit

    assert "E713" in {d.code for d in cakit.read(path, check_tiers=True).diagnostics}
    assert "E713" not in {d.code for d in cakit.read(path).diagnostics}
    validated = invoke(CliRunner(), ["validate", str(path)], code=1)
    assert "E713" in validated.output
    annotated = invoke(CliRunner(), ["annotate", "--no-store", str(path)])
    assert "E713" not in annotated.output


@needs_shared
@pytest.mark.parametrize("command", [["validate", "--format", "json"],
                                     ["summary", "--format", "csv", "--no-deidentify"]])
def test_validate_and_summary_give_the_same_output_with_jobs(command: list[str]) -> None:
    files = [str(path) for path in chat_files("cabnc-ca")][:6]
    runner = CliRunner()
    one = runner.invoke(cli, [*command, *files, "-j", "1"])
    two = runner.invoke(cli, [*command, *files, "-j", "2"])
    assert one.exit_code == two.exit_code and one.stdout == two.stdout
    assert files[0] in one.stdout or Path(files[0]).name in one.stdout


@pytest.mark.parametrize("command", [
    ["excerpts", "--format", "md", "--no-store"],
    ["export", "--to", "convokit"],
    ["agree", "--coders", "auto", "XY", "--unit", "attempt", "--include-undecided",
     "--format", "json"],
    ["evaluate", "--gold", str(REPO / "annotations" / "demo-gold"), "--format", "json"],
    ["freq", "--by", "role", "--format", "json"],
    ["mlu", "--format", "csv"],
])
def test_corpus_commands_give_the_same_output_with_jobs(
        project: Path, tmp_path: Path, command: list[str]) -> None:
    """One worker pool serves every corpus command (docs/performance.md): `--jobs 2` reads
    and codes the files in worker processes and gives exactly what one process gives."""
    outputs = []
    for jobs in ("1", "2"):
        store = tmp_path / f"store-{jobs}"
        out = tmp_path / f"out-{jobs}"
        args = [*command, str(project / "demo"), "-j", jobs]
        if command[0] == "export":
            args += ["-o", str(out), "--store", str(store)]
        elif command[0] == "agree":
            args += ["--store", str(store)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        if command[0] == "export":
            outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
        else:
            outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0]
