"""Outputs that behave: `-o FILE` never replaces what it should not, and fails as cakit.

Every output goes through one atomic writer (`cakit.store.atomic`): a regular file is
replaced through a temporary file beside it, a symlink's target is replaced and the link
kept, character devices and FIFOs are written into, sockets and block devices are refused,
and a folder that cannot be written is a CK410 error instead of a traceback.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cakit.cli import cli
from cakit.cli._output import output_stream, write_bytes
from cakit.errors import CakitError, UsageError
from cakit.store.atomic import atomic_write_text

REPO = Path(__file__).resolve().parent.parent
DEMO_FILE = REPO / "corpora" / "demo" / "01-brennan-jefferson.txt"
UMASK = 0o027


@pytest.fixture()
def umask() -> Iterator[int]:
    """A umask other than the usual 022, so a mode that ignores it shows."""
    previous = os.umask(UMASK)
    try:
        yield UMASK
    finally:
        os.umask(previous)


def summary(*options: str) -> Result:
    return CliRunner().invoke(cli, ["summary", str(DEMO_FILE), "--format", "csv", *options])


def assert_no_traceback(outcome: Result) -> None:
    """The command ended through click (an exit code), not through an uncaught exception."""
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), (
        repr(outcome.exception)
    )
    assert "Traceback" not in outcome.output


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- devices, FIFOs, sockets -----------------------------------------------------------


def test_outputs_dev_null_is_written_into_without_force() -> None:
    with output_stream(os.devnull) as stream:
        stream.write("discarded\n")
    write_bytes(os.devnull, b"discarded\n")
    outcome = summary("-o", os.devnull)
    assert outcome.exit_code == 0, outcome.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def _drain(fifo: Path, write: Callable[[], None]) -> bytes:
    """Run `write` while another thread reads `fifo` to its end; the bytes it read."""
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        write()
    finally:
        if reader.is_alive():  # in case nothing opened the FIFO for writing: end the read
            with contextlib.suppress(OSError):  # ENXIO: the reader has just finished
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
    return received[0] if received else b""


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_outputs_fifo_is_written_into_not_replaced(tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with output_stream(str(fifo), force=force) as stream:
            stream.write("through the pipe\n")

    assert _drain(fifo, write) == b"through the pipe\n"
    assert _drain(fifo, lambda: write_bytes(str(fifo), b"bytes\n", force=force)) == b"bytes\n"
    outcome: list[Result] = []
    data = _drain(fifo, lambda: outcome.append(summary("-o", str(fifo))))
    assert outcome[0].exit_code == 0, outcome[0].output
    assert data.startswith(b"file,format,")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_outputs_socket_is_refused(tmp_path: Path, force: bool) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        outcome = summary("-o", str(path), *(["--force"] if force else []))
    finally:
        server.close()
    assert outcome.exit_code == 2, outcome.output
    assert f"{path}: CK411" in outcome.output and "socket" in outcome.output
    assert_no_traceback(outcome)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def _block_device(tmp_path: Path) -> Path | None:
    """A block device node to write to: made here (root), else one of the machine's."""
    path = tmp_path / "disk"
    try:
        os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(7, 0))
        return path
    except OSError:
        return next((entry for entry in sorted(Path("/dev").iterdir())
                     if stat.S_ISBLK(entry.lstat().st_mode)), None)


def test_outputs_block_device_is_refused(tmp_path: Path) -> None:
    from cakit.store.atomic import _kind_name

    # what decides the refusal, whatever this machine allows
    assert _kind_name(stat.S_IFBLK | 0o600) == "a block device"
    path = _block_device(tmp_path)
    if path is None:  # no node can be made or found: the decision above is what is tested
        return
    with pytest.raises(UsageError, match=r"CK411 .*block device"):
        write_bytes(str(path), b"data", force=True)
    assert stat.S_ISBLK(os.lstat(path).st_mode)


# -- symlinks --------------------------------------------------------------------------


def _link(tmp_path: Path, *, target_exists: bool) -> tuple[Path, Path]:
    """`links/out.csv` → `data/real.csv` (two folders, so the temporary file's folder shows)."""
    (tmp_path / "links").mkdir()
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "real.csv"
    if target_exists:
        target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "links" / "out.csv"
    link.symlink_to(target)
    return link, target


def test_outputs_symlink_target_is_replaced_and_link_kept(tmp_path: Path) -> None:
    link, target = _link(tmp_path, target_exists=True)
    with pytest.raises(UsageError, match="exists"):  # an existing target is an existing file
        write_bytes(str(link), b"new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    with output_stream(str(link), force=True) as stream:
        stream.write("new text\n")
    assert target.read_text(encoding="utf-8") == "new text\n"
    write_bytes(str(link), b"new bytes\n", force=True)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new bytes\n"
    assert leftovers(link.parent) == [] and leftovers(target.parent) == []


def test_outputs_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link, target = _link(tmp_path, target_exists=False)
    with output_stream(str(link)) as stream:
        stream.write("made\n")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "made\n"


def test_outputs_temporary_file_is_made_in_the_targets_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename happens in the target's folder: a temporary file beside the link could
    sit on another file system, where the rename would not be atomic (or fail)."""
    link, target = _link(tmp_path, target_exists=True)
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        seen.append(os.path.dirname(os.fspath(source)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    write_bytes(str(link), b"x", force=True)
    assert seen == [str(target.parent)]


# -- permissions -----------------------------------------------------------------------


def test_outputs_files_get_umask_permissions(tmp_path: Path, umask: int) -> None:
    expected = 0o666 & ~umask
    write_bytes(str(tmp_path / "book.xlsx"), b"PK\x03\x04")
    with output_stream(str(tmp_path / "table.csv")) as stream:
        stream.write("a,b\n")
    atomic_write_text(tmp_path / "store" / "layer.jsonl", "{}\n")
    modes = {name: stat.S_IMODE(os.stat(tmp_path / name).st_mode)
             for name in ("book.xlsx", "table.csv", "store/layer.jsonl")}
    assert modes == dict.fromkeys(modes, expected)


# -- folders that cannot be written ----------------------------------------------------


def test_outputs_folder_that_is_a_file_is_a_ck410_error(tmp_path: Path) -> None:
    blocker = tmp_path / "existing_file"
    blocker.write_text("I am a file\n", encoding="utf-8")
    outcome = summary("-o", str(blocker / "out.csv"))
    assert outcome.exit_code == 2, outcome.output
    assert f"{blocker / 'out.csv'}: CK410 cannot write here" in outcome.output
    assert_no_traceback(outcome)
    assert blocker.read_text(encoding="utf-8") == "I am a file\n"


@pytest.mark.parametrize(
    "where", ["existing_file/out.xlsx", "existing_file/deeper/out.xlsx", "/proc/cakit/out.xlsx"]
)
def test_outputs_unwritable_folder_raises_cakit_error(tmp_path: Path, where: str) -> None:
    (tmp_path / "existing_file").write_text("x", encoding="utf-8")
    path = where if where.startswith("/") else str(tmp_path / where)
    with pytest.raises(UsageError, match=f"^{path}: CK410 cannot write here: "):
        write_bytes(path, b"data")


def test_outputs_store_layer_in_unwritable_folder_is_cakit_error(tmp_path: Path) -> None:
    (tmp_path / "store").write_text("a file where the store should be", encoding="utf-8")
    with pytest.raises(CakitError, match="CK410"):
        atomic_write_text(tmp_path / "store" / "ab" / "auto.jsonl", "{}\n")


# -- never replacing without --force ---------------------------------------------------


def test_outputs_file_appearing_while_writing_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with pytest.raises(UsageError, match="exists"), output_stream(str(path)) as stream:
        stream.write("ours\n")
        path.write_text("theirs\n", encoding="utf-8")  # someone else got there first
    assert path.read_text(encoding="utf-8") == "theirs\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("output_format", ["csv", "table"])
def test_outputs_summary_refuses_existing_file_without_force(
    tmp_path: Path, output_format: str
) -> None:
    path = tmp_path / "summary.out"
    path.write_text("keep me\n", encoding="utf-8")
    runner = CliRunner()
    base = ["summary", str(DEMO_FILE), "--format", output_format, "-o", str(path)]
    refused = runner.invoke(cli, base)
    assert refused.exit_code == 2, refused.output
    assert "exists" in refused.output and "--force" in refused.output
    assert path.read_text(encoding="utf-8") == "keep me\n"
    replaced = runner.invoke(cli, [*base, "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert "keep me" not in path.read_text(encoding="utf-8")


# -- configuration files that are not UTF-8 --------------------------------------------


@pytest.mark.parametrize("command", ["annotate", "summary"])
def test_outputs_roles_file_not_utf8_is_ck401(tmp_path: Path, command: str) -> None:
    roles = tmp_path / "bad.yaml"
    roles.write_bytes(b"roles:\n  Gr\xe9: carer\n")  # cp1252, not UTF-8
    extra = ["--no-store"] if command == "annotate" else []
    outcome = CliRunner().invoke(cli, [command, str(DEMO_FILE), "--roles", str(roles), *extra])
    assert outcome.exit_code != 0
    assert f"{roles}:2:5: CK401 not UTF-8" in outcome.output, outcome.output
    assert_no_traceback(outcome)


@pytest.mark.parametrize("text, line", [("roles:\n  Mum: carer\n  Mum: patient\n", 3),
                                        ("roles:\n  Mum: carer\n  mum: patient\n", 3),
                                        ("roles:\n  Mum: carer\nroles:\n  P: patient\n", 3)])
def test_outputs_a_roles_file_saying_a_thing_twice_is_ck401(tmp_path: Path, text: str,
                                                            line: int) -> None:
    # YAML keeps the last of two equal keys: Mum became a patient without a word
    roles = tmp_path / "roles.yaml"
    roles.write_text(text, encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["summary", str(DEMO_FILE), "--roles", str(roles)])
    assert outcome.exit_code != 0
    assert f"{roles}:{line}:3: CK401" in outcome.output or \
        f"{roles}:{line}:1: CK401" in outcome.output, outcome.output
    assert "twice" in outcome.output
    assert_no_traceback(outcome)


@pytest.mark.parametrize("command", [["annotate", "--no-store"], ["summary"],
                                     ["report", "--no-store", "--format", "csv"]])
def test_dash_output_is_standard_output(tmp_path: Path, command: list[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An audit ran `cakit annotate … -o -` and found a file named `-` written (and the
    next run refused: "- exists")."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, str(DEMO_FILE), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    assert result.stdout.strip()


@pytest.mark.parametrize("command", [
    ["export", "--to", "qdpx", "-o", "-"], ["export", "--to", "convokit", "-o", "-"],
    ["review-sheet", "export", "-o", "-"], ["convert", "--to", "chat", "-o", "-"],
    ["report", "--no-store", "--plot", "-"]])
def test_dash_is_refused_where_the_output_cannot_be_standard_output(
        tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip, a workbook, a folder or a second output beside the printed one cannot go to
    standard output: `-o -` wrote a file (or folder) named `-` there."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, str(DEMO_FILE)])
    assert result.exit_code == 2
    assert "cannot go to standard output" in result.stderr
    assert not (tmp_path / "-").exists()
    assert_no_traceback(result)


def test_dash_is_refused_for_the_codebook_fragment_of_import_qdc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = CliRunner().invoke(cli, ["export", "--to", "qdc", "-o", "book.qdc"])
    assert written.exit_code == 0, written.output
    result = CliRunner().invoke(cli, ["import", "qdc", "book.qdc", "-o", "-"])
    assert result.exit_code == 2 and "cannot go to standard output" in result.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("args", "name", "starts"), [
    (["report", "--no-store"], "r.xlsx", b"PK"),
    (["report", "--no-store"], "r.csv", b"family,code,phase"),
    (["summary"], "s.json", b"["),
    (["report", "--no-store", "--format", "csv"], "r.json", b"family,code,phase"),
])
def test_the_output_suffix_chooses_the_format_unless_one_is_given(
        tmp_path: Path, args: list[str], name: str, starts: bytes) -> None:
    """An audit wrote `cakit report … -o report.xlsx` and got the terminal table in a file
    named .xlsx, exit 0. Without --format, the suffix of -o names the format; an explicit
    --format wins."""
    out = tmp_path / name
    result = CliRunner().invoke(cli, [*args, str(DEMO_FILE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().lstrip()[:len(starts)] == starts


@pytest.mark.parametrize(("args", "name"), [
    (["report", "--no-store"], "r.docx"), (["summary"], "s.xlsx"), (["report", "--no-store"],
                                                                     "r.ods"),
    (["summary"], "s.tsv"), (["report", "--no-store"], "r.pdf"), (["freq"], "f.xls"),
    (["excerpts", "--no-store"], "e.csv"), (["annotate", "--no-store"], "a.md"),
])
def test_an_output_suffix_the_command_does_not_write_is_refused(
        tmp_path: Path, args: list[str], name: str) -> None:
    """An outside review: `report -o x.docx`, `summary -o x.xlsx` … wrote a text table or
    JSON under that name, exit 0, which Word or Excel then refuse."""
    out = tmp_path / name
    result = CliRunner().invoke(cli, [*args, str(DEMO_FILE), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"does not write {name.rsplit('.', 1)[1]}" in result.stderr
    assert not out.exists()
    # a text table into a .txt file is what the user asked for
    text = tmp_path / "r.txt"
    kept = CliRunner().invoke(cli, ["report", "--no-store", str(DEMO_FILE), "-o", str(text)])
    assert kept.exit_code == 0 and text.is_file()


def test_a_missing_output_folder_is_created_and_said(tmp_path: Path) -> None:
    # a mistyped -o path made folders without a word (outside review)
    target = tmp_path / "new" / "deeper" / "summary.csv"
    made = CliRunner().invoke(cli, ["summary", str(DEMO_FILE), "--format", "csv", "-o",
                                    str(target)])
    assert made.exit_code == 0, made.output
    assert target.is_file()
    assert made.stderr.count("note: creating the folder") == 1
    assert str(target.parent) in made.stderr
    again = CliRunner().invoke(cli, ["summary", str(DEMO_FILE), "--format", "csv", "-o",
                                     str(target), "--force"])
    assert again.exit_code == 0 and "creating the folder" not in again.stderr
    converted = CliRunner().invoke(cli, ["convert", str(DEMO_FILE), "--to", "chat", "-o",
                                         str(tmp_path / "chat")])
    assert converted.exit_code == 0 and "creating the folder" in converted.stderr
