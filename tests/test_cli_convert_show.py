"""`cakit convert` and `cakit show` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.cli import cli
from cakit.cli.convert import OutputExists, output_path, write_atomic
from cakit.cli.show import parse_range
from cakit.errors import UsageError

TRANSCRIPT = """\
 1  Dr:  so how have you been?
 2  P:   .hh well (0.5) the voices are still there at [night
 3  M:                                                [°she doesn't sleep°
 4       (1.4)
 5  Dr:  >I see<.
"""


@pytest.fixture()
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "consult.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args: str) -> object:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_cli_convert_writes_next_to_the_input(runner: CliRunner, transcript: Path) -> None:
    outcome = runner.invoke(cli, ["convert", "--to", "chat", str(transcript)])
    assert outcome.exit_code == 0, outcome.output
    written = transcript.with_suffix(".cha")
    assert written.read_text(encoding="utf-8").startswith("@UTF8\n@Begin\n")
    assert "converted 1 file to chat" in outcome.output
    validated = runner.invoke(cli, ["validate", "--no-color", str(written)])
    assert validated.exit_code == 0, validated.output
    assert "0 errors" in validated.output


def test_cli_convert_refuses_to_overwrite(runner: CliRunner, transcript: Path) -> None:
    existing = transcript.with_suffix(".cha")
    existing.write_text("precious\n")
    outcome = runner.invoke(cli, ["convert", "--to", "chat", str(transcript)])
    assert outcome.exit_code == 1
    assert "already exists" in outcome.output
    assert "--force" in outcome.output
    assert existing.read_text() == "precious\n"
    assert not [p for p in transcript.parent.iterdir() if p.name.endswith(".tmp")]


def test_cli_convert_force_overwrites(runner: CliRunner, transcript: Path) -> None:
    existing = transcript.with_suffix(".cha")
    existing.write_text("old\n")
    outcome = runner.invoke(cli, ["convert", "--to", "chat", "--force", str(transcript)])
    assert outcome.exit_code == 0, outcome.output
    assert existing.read_text(encoding="utf-8").startswith("@UTF8")


def test_cli_convert_never_overwrites_the_input(runner: CliRunner, transcript: Path) -> None:
    outcome = runner.invoke(cli, ["convert", "--to", "jefferson", "--force", str(transcript)])
    assert outcome.exit_code == 1
    assert "overwrite the input" in outcome.output
    assert transcript.read_text(encoding="utf-8") == TRANSCRIPT


def test_cli_convert_to_jefferson_in_a_folder(runner: CliRunner, transcript: Path,
                                              tmp_path: Path) -> None:
    out = tmp_path / "out" / "nested"
    outcome = runner.invoke(cli, ["convert", "--to", "jefferson", "-o", str(out),
                                  str(transcript)])
    assert outcome.exit_code == 0, outcome.output
    text = (out / "consult.txt").read_text(encoding="utf-8")
    assert "[night" in text and "(1.4)" in text
    back = runner.invoke(cli, ["validate", "--no-color", str(out / "consult.txt")])
    assert back.exit_code == 0, back.output


def test_cli_convert_chat_to_jefferson_and_back(runner: CliRunner, transcript: Path,
                                                tmp_path: Path) -> None:
    assert runner.invoke(cli, ["convert", "--to", "chat", str(transcript)]).exit_code == 0
    chat = transcript.with_suffix(".cha")
    outcome = runner.invoke(cli, ["convert", "--to", "jefferson", "-o", str(tmp_path / "j"),
                                  str(chat)])
    assert outcome.exit_code == 0, outcome.output
    assert "Participants: DR = Dr, clinician (Therapist)" in (tmp_path / "j" / "consult.txt"
                                                            ).read_text()


def test_cli_convert_skips_files_with_read_errors(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Keeper: hello\nP: hi\n")
    good = tmp_path / "good.txt"
    good.write_text("Dr: hello\nP: hi\n")
    outcome = runner.invoke(cli, ["convert", "--to", "chat", str(tmp_path)])
    assert outcome.exit_code == 1
    assert "CK301" in outcome.output and "not converted" in outcome.output
    assert not (tmp_path / "bad.cha").exists()
    assert (tmp_path / "good.cha").exists()


def test_cli_convert_same_output_twice_in_one_run(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Dr: hello\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a.txt").write_text("P: hi\n")
    outcome = runner.invoke(cli, ["convert", "--to", "chat", "-o", str(tmp_path / "out"),
                                  str(tmp_path / "a.txt"), str(tmp_path / "b" / "a.txt")])
    assert outcome.exit_code == 1
    assert "already written in this run" in outcome.output


def test_cli_convert_usage_errors(runner: CliRunner, transcript: Path) -> None:
    assert runner.invoke(cli, ["convert", str(transcript)]).exit_code == 2
    assert runner.invoke(cli, ["convert", "--to", "elan", str(transcript)]).exit_code == 2
    assert runner.invoke(cli, ["convert", "--to", "chat", "/no/such/file.txt"]).exit_code == 2


def test_cli_convert_write_atomic(tmp_path: Path) -> None:
    target = tmp_path / "x.cha"
    write_atomic(target, "one\n", force=False)
    with pytest.raises(OutputExists):
        write_atomic(target, "two\n", force=False)
    assert target.read_text() == "one\n"
    write_atomic(target, "three\n", force=True)
    assert target.read_text() == "three\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.cha"]
    assert output_path(Path("a/b.txt"), "chat", None) == Path("a/b.cha")
    assert output_path(Path("a/b.docx"), "jefferson", Path("o")) == Path("o/b.txt")


# --- show ---------------------------------------------------------------------------------


def test_cli_show_prints_physical_lines_and_marks(runner: CliRunner, transcript: Path) -> None:
    outcome = runner.invoke(cli, ["show", "--no-color", str(transcript)])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert "Dr=clinician" in lines[0] and "M=carer" in lines[0]
    assert lines[1].startswith("1  Dr:")
    assert "[night" in outcome.output and "°she doesn't sleep°" in outcome.output
    night = next(line for line in lines if "[night" in line)
    sleep = next(line for line in lines if "[°she" in line)
    assert night.index("[") == sleep.index("[")
    assert any(line.startswith("4 ") and line.rstrip().endswith("(1.4)") for line in lines)
    assert "\x1b[" not in outcome.output


def test_cli_show_line_range(runner: CliRunner, transcript: Path) -> None:
    outcome = runner.invoke(cli, ["show", "--no-color", "--lines", "2-3", str(transcript)])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert [line.split()[0] for line in lines] == ["2", "3"]


def test_cli_show_colour_by_role(transcript: Path) -> None:
    from cakit.cli.show import ROLE_STYLES

    assert set(ROLE_STYLES) == {"clinician", "patient", "carer", "other", "unknown"}
    outcome = CliRunner().invoke(cli, ["show", str(transcript)], color=True)
    assert outcome.exit_code == 0


def test_cli_show_chat_file(runner: CliRunner, transcript: Path) -> None:
    assert runner.invoke(cli, ["convert", "--to", "chat", str(transcript)]).exit_code == 0
    outcome = runner.invoke(cli, ["show", "--no-color", str(transcript.with_suffix(".cha"))])
    assert outcome.exit_code == 0, outcome.output
    assert "DR:" in outcome.output and "[night" in outcome.output


def test_cli_show_errors_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Keeper: hello\n")
    outcome = runner.invoke(cli, ["show", "--no-color", str(path)])
    assert outcome.exit_code == 1
    assert "Keeper:" in outcome.output and "CK301" in outcome.output


@pytest.mark.parametrize("bad", ["abc", "5-2", "", "-"])
def test_cli_show_bad_range_is_a_usage_error(runner: CliRunner, transcript: Path,
                                             bad: str) -> None:
    outcome = runner.invoke(cli, ["show", "--lines", bad, str(transcript)])
    assert outcome.exit_code == 2


@pytest.mark.parametrize(("text", "expected"), [("2-3", (2, 3)), ("7", (7, 7)),
                                                ("4-", (4, 1 << 30)), ("-9", (1, 9))])
def test_cli_show_parse_range(text: str, expected: tuple[int, int]) -> None:
    assert parse_range(text) == expected


def test_cli_show_parse_range_rejects() -> None:
    with pytest.raises(UsageError):
        parse_range("x-y")


def test_cli_commands_listed(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["--help"])
    assert "convert" in outcome.output and "show" in outcome.output
