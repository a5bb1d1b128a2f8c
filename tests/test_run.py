"""The corpus run: the same data gives the same numbers from any folder, after a copy, and
whenever the roles change; unknown speakers are errors; old layers are re-keyed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cakit.cli import cli
from cakit.project import corpus_file
from cakit.run import RunOptions, code_one, inputs_key
from cakit.store import decide, layer_path, read_layer
from tests.conftest import DEMO, REPO, chat_files, needs_shared
from tests.store._fixtures import invoke

#: A Jefferson file with a carer laughing at an attempt, and two CHAT files.
PROJECT_FILES = ("01-brennan-jefferson.txt", "08-gallagher-gran.txt", "11-rahman-chat-media.cha",
                 "13-adebayo-chat-gems.cha")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A small copy of this repository's project: cakit.yaml and four demo transcripts."""
    root = tmp_path / "project"
    (root / "corpora" / "demo").mkdir(parents=True)
    shutil.copyfile(REPO / "cakit.yaml", root / "cakit.yaml")
    for name in PROJECT_FILES:
        shutil.copyfile(DEMO / name, root / "corpora" / "demo" / name)
    return root


def _outputs(runner: Any, corpus: str, out: Path) -> dict[str, bytes]:
    """annotate, report --coder, excerpts --coder and agree on `corpus` (as written from the
    working folder), each output read back as bytes."""
    out.mkdir(parents=True, exist_ok=True)
    invoke(runner, ["annotate", corpus, "-o", str(out / "codes.json"), "--coder", "AB"])
    invoke(runner, ["report", corpus, "--coder", "AB", "--format", "csv", "-o",
                    str(out / "report.csv")])
    invoke(runner, ["report", corpus, "--coder", "AB", "--by", "consultation", "--format",
                    "json", "-o", str(out / "by-consultation.json")])
    invoke(runner, ["excerpts", corpus, "--coder", "AB", "-o", str(out / "excerpts.txt")])
    invoke(runner, ["agree", corpus, "--coders", "AB", "auto", "--unit", "turn", "--format",
                    "csv", "-o", str(out / "agree.csv")])
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())
            if not path.name.endswith("audit.csv")}


def _review_all(runner: Any, file: Path, answers: str) -> None:
    invoke(runner, ["review", str(file), "--coder", "AB"], input=answers)


def test_run_same_output_from_any_folder_and_after_a_copy(
    runner: Any, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    # AB reviews two files from the project root: accept, reject, relabel-free decisions
    _review_all(runner, Path("corpora/demo/01-brennan-jefferson.txt"), "a\nr\n" * 20 + "q\n")
    _review_all(runner, Path("corpora/demo/11-rahman-chat-media.cha"), "r\na\n" * 20 + "q\n")
    store = project / "annotations" / "store"
    assert len(list((store / "AB").glob("*.jsonl"))) == 2
    from_root = _outputs(runner, "corpora/demo", tmp_path / "out-root")

    monkeypatch.chdir(project / "corpora")
    from_corpora = _outputs(runner, "demo", tmp_path / "out-corpora")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    from_elsewhere = _outputs(runner, str(project / "corpora" / "demo"), tmp_path / "out-abs")
    assert not (elsewhere / "annotations").exists()  # the project's store was used

    copy = tmp_path / "copied"
    shutil.copytree(project, copy)
    monkeypatch.chdir(copy)
    from_copy = _outputs(runner, "corpora/demo", tmp_path / "out-copy")

    assert set(from_root) == {"agree.csv", "by-consultation.json", "codes.json",
                              "excerpts.txt", "report.csv"}
    for name, data in from_root.items():
        assert from_corpora[name] == data, name
        assert from_elsewhere[name] == data, name
        assert from_copy[name] == data, name
    # one machine layer per transcript, whatever folder it was run from
    assert len(list((store / "auto").glob("*.jsonl"))) == len(PROJECT_FILES)
    assert b'"status": "accepted"' in from_root["codes.json"]  # AB's decisions were applied


def _report_csv(runner: Any, paths: list[str], *extra: str) -> str:
    result = runner.invoke(cli, ["report", *paths, "--by", "consultation", "--format", "csv",
                                 *extra], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return str(result.stdout)


def test_run_roles_change_recodes_like_no_store(runner: Any, project: Path,
                                               tmp_path: Path) -> None:
    files = [str(project / "corpora" / "demo" / name) for name in PROJECT_FILES]
    store = str(tmp_path / "store")
    before = _report_csv(runner, files, "--store", store)
    assert "CARER_LAUGH" in invoke(runner, ["annotate", files[0], "--store", store]).stdout
    mum = tmp_path / "mum.yaml"
    mum.write_text("roles:\n  Mum: other\n", encoding="utf-8")
    cached = _report_csv(runner, files, "--store", store, "--roles", str(mum))
    fresh = _report_csv(runner, files, "--no-store", "--roles", str(mum))
    assert cached == fresh and cached != before
    codes = invoke(runner, ["annotate", files[0], "--store", store, "--roles", str(mum)]).stdout
    assert "CARER_LAUGH" not in codes
    # a cakit.yaml edit is a roles change too
    (project / "cakit.yaml").write_text("roles:\n  Gran: carer\n  Mum: other\n",
                                        encoding="utf-8")
    assert _report_csv(runner, files, "--store", store) == fresh


@needs_shared
def test_run_roles_change_recodes_like_no_store_on_cabnc(runner: Any, tmp_path: Path) -> None:
    files = [str(path) for path in chat_files("cabnc-ca")
             if path.name.startswith(("021A-C0897X0020", "021A-C0897X0036", "KBK"))]
    assert len(files) >= 3
    store = str(tmp_path / "store")
    unmapped = runner.invoke(cli, ["report", *files, "--store", store, "--format", "csv"])
    assert unmapped.exit_code == 1  # speakers with no role are errors, never guessed
    assert "CK301" in unmapped.stderr and "has no cakit role" in unmapped.stderr
    assert "no transcript has both a patient and a clinician" in unmapped.stderr
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  CHR: patient\n  NOR: clinician\n  Adult: other\n"
                     "  Unknown: other\n", encoding="utf-8")
    cached = _report_csv(runner, files, "--store", store, "--roles", str(roles))
    fresh = _report_csv(runner, files, "--no-store", "--roles", str(roles))
    assert cached == fresh and cached != str(unmapped.stdout)


def test_run_inputs_key_changes_with_roles_and_reader_options(tmp_path: Path) -> None:
    from cakit.formats import read

    path = DEMO / "01-brennan-jefferson.txt"
    plain = read(path).transcript
    mapped = read(path, roles={"Mum": "other"}).transcript
    assert inputs_key(plain, "jefferson") != inputs_key(mapped, "jefferson")
    assert inputs_key(plain, "jefferson") != inputs_key(plain, "gat2")
    assert inputs_key(plain, "jefferson") == inputs_key(read(path).transcript, "jefferson")


CHAT_UNMAPPED = """\
@UTF8
@Begin
@Languages:\teng
@Participants:\tAAA Ann Adult, BBB Ben Adult
@ID:\teng|test|AAA|||||Adult|||
@ID:\teng|test|BBB|||||Adult|||
*AAA:\thow have you been since last time ?
*BBB:\tthe voices at night keep telling me things .
*AAA:\tmm okay so how is your sleep ?
@End
"""


@pytest.mark.parametrize("command", [
    ["annotate", "--no-store"], ["report", "--no-store"], ["excerpts", "--no-store"],
    ["review", "--coder", "AB"], ["review-sheet", "export", "-o", "{out}"],
    ["code", "--line", "8", "--code", "PSY_ATTEMPT", "--subtype", "PSY_ASSERT", "--coder",
     "AB"],
    ["agree", "--coders", "AB", "auto", "--include-undecided"],
    ["evaluate", "--gold", "{gold}"],
])
def test_run_unknown_chat_speakers_are_errors_and_roles_fix_them(
    runner: Any, tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "corpus" / "t.cha"
    path.parent.mkdir()
    path.write_text(CHAT_UNMAPPED, encoding="utf-8")
    (tmp_path / "gold").mkdir()
    # evaluate needs a gold file (an empty gold folder is an error of its own)
    (tmp_path / "gold" / "t.json").write_text(
        '{"cakit_version": "0", "codebook_version": "1", "transcripts": '
        '[{"id": "t", "source": "t.cha", "format": "chat"}]}', encoding="utf-8")
    name, *options = command
    subcommand = options[0] if name == "review-sheet" else None
    options = [o.format(out=tmp_path / "sheet.xlsx", gold=tmp_path / "gold")
               for o in (options[1:] if subcommand else options)]
    head = [name, subcommand] if subcommand else [name]
    args = [*head, str(path), *options]
    base = ["--store", str(tmp_path / "store")] if name not in ("evaluate",) and \
        "--no-store" not in options else []
    result = runner.invoke(cli, [*args, *base], input="q\n")
    assert result.exit_code == 1, result.output
    assert "CK301" in result.output and "AAA" in result.output and "Traceback" not in \
        result.output
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  AAA: clinician\n  BBB: patient\n", encoding="utf-8")
    fixed = runner.invoke(cli, [*args, *base, "--roles", str(roles), "--force"]
                          if name == "review-sheet" else [*args, *base, "--roles", str(roles)],
                          input="q\n")
    assert fixed.exit_code == 0, fixed.output
    assert "CK301" not in fixed.output


def _as_written_by_an_older_cakit(path: Path) -> None:
    """Make a layer file look as cakit wrote it before project identities (schema 2)."""
    import json

    lines = path.read_text(encoding="utf-8").split("\n")
    header = json.loads(lines[0])
    header["schema"] = 2
    header.pop("inputs", None)
    path.write_text("\n".join([json.dumps(header), *lines[1:]]), encoding="utf-8")


def test_run_rekeys_layers_stored_under_an_older_identity(runner: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Before project roots a transcript was keyed by its path from the working folder;
    such a coder layer is found, moved to the current key, and its decisions still apply."""
    corpus = tmp_path / "work" / "corpus"
    corpus.mkdir(parents=True)
    shutil.copyfile(DEMO / "01-brennan-jefferson.txt", corpus / "01.txt")
    store = tmp_path / "store"
    current = corpus_file(corpus / "01.txt", corpus)
    assert current.identity == "01.txt"
    old = current.__class__(path=current.path, root=tmp_path / "work", identity="corpus/01.txt",
                            declared=False)
    state = code_one(old, RunOptions(store=store)).value.state()  # type: ignore[union-attr]
    attempts = [item for item in state.items if item.kind == "attempt"]
    assert attempts
    for item in attempts:
        decide(store, state, item, coder="AB", decision="reject")
    old_file = layer_path(store, "AB", "corpus/01.txt")
    _as_written_by_an_older_cakit(old_file)
    monkeypatch.chdir(corpus)
    result = invoke(runner, ["annotate", ".", "--store", str(store), "--coder", "AB",
                             "--format", "jsonl"])
    assert "layer stored under its old identity 'corpus/01.txt' re-keyed" in result.stderr
    assert not old_file.exists()
    moved = read_layer(layer_path(store, "AB", "01.txt"))
    assert moved is not None and moved.header.source == "01.txt"
    assert len(moved.decisions) == len(attempts)
    assert '"attempts": []' in result.stdout  # every attempt AB rejected stays rejected
    again = invoke(runner, ["annotate", ".", "--store", str(store), "--coder", "AB"])
    assert "re-keyed" not in again.stderr


def test_run_rekey_keeps_both_layers_when_the_coder_has_one_under_each_key(
    tmp_path: Path
) -> None:
    from cakit.store import rekey_layers

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(DEMO / "01-brennan-jefferson.txt", corpus / "01.txt")
    store = tmp_path / "store"
    new = corpus_file(corpus / "01.txt", corpus)
    old = new.__class__(path=new.path, root=tmp_path, identity="corpus/01.txt", declared=False)
    state = code_one(new, RunOptions(store=store)).value.state()  # type: ignore[union-attr]
    decide(store, state, state.items[0], coder="AB", decision="accept")
    # the same coder's layer of this file under its identity from the folder above, as an
    # older cakit stored it
    older = layer_path(store, "AB", old.identity)
    older.parent.mkdir(parents=True, exist_ok=True)
    older.write_text(layer_path(store, "AB", new.identity).read_text(encoding="utf-8")
                     .replace('"source": "01.txt"', '"source": "corpus/01.txt"', 1),
                     encoding="utf-8")
    _as_written_by_an_older_cakit(older)
    moved = rekey_layers(store, new.identity, new.path, state.consultation, state.text,
                         state.items)
    assert [(m.layer, m.outcome) for m in moved] == [("AB", "kept-both")]
    assert "both were kept" in moved[0].message(new.identity)
    assert older.is_file()  # nothing dropped
    # the other way round (this file under its other identity): still never over a layer
    # the coder has there, and nothing removed
    again = rekey_layers(store, old.identity, new.path, state.consultation, state.text,
                         state.items)
    assert {m.outcome for m in again} <= {"kept-both"}
    assert older.is_file() and layer_path(store, "AB", new.identity).is_file()


def test_run_lists_the_store_once_not_once_per_new_transcript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run looks for older layers of every transcript; listing the whole store for
    each made it quadratic in the corpus (at 14,000 files it ran for hours). One listing
    per run and process, and an old layer is still found and moved."""
    from cakit.run import run_corpus
    from cakit.store.rekey import StoreListing

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(4):
        shutil.copyfile(DEMO / "01-brennan-jefferson.txt", corpus / f"0{index}.txt")
    store = tmp_path / "store"
    old = corpus_file(corpus / "00.txt", corpus)
    old = old.__class__(path=old.path, root=tmp_path, identity="corpus/00.txt",
                        declared=False)
    state = code_one(old, RunOptions(store=store)).value.state()  # type: ignore[union-attr]
    decide(store, state, state.items[0], coder="AB", decision="accept")
    _as_written_by_an_older_cakit(layer_path(store, "AB", "corpus/00.txt"))
    listings: list[Path] = []
    real = StoreListing._list

    def counted(self: StoreListing) -> dict[str, list[tuple[str, Path]]]:
        listings.append(self.root)
        return real(self)

    monkeypatch.setattr(StoreListing, "_list", counted)
    files = [corpus_file(path, corpus) for path in sorted(corpus.glob("*.txt"))]
    outcomes = list(run_corpus(files, RunOptions(store=store), lambda coded: None))
    assert len(outcomes) == 4 and listings == [store]
    assert any("re-keyed" in note for outcome in outcomes for note in outcome.notes)
    assert layer_path(store, "AB", "00.txt").is_file()


def test_run_no_patient_and_clinician_warns_with_the_labels(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("Mum:  are you hungry?\nDad:  not really.\nMum:  okay.\n", encoding="utf-8")
    result = invoke(runner, ["annotate", str(path), "--no-store", "-o", str(tmp_path / "x")])
    assert "no transcript has both a patient and a clinician" in result.stderr
    assert "nothing is coded, so every count is zero" in result.stderr
    assert "Mum (carer)" in result.stderr and "Dad (carer)" in result.stderr
    # a patient but no clinician: attempts are still coded, so the counts are not all zero
    alone = tmp_path / "alone.txt"
    alone.write_text("Participants: P = patient\n\nP:  I hear voices at night, they talk "
                     "about me.\nP:  they say I'm being watched.\n", encoding="utf-8")
    out = tmp_path / "alone.json"
    result = invoke(runner, ["annotate", str(alone), "--no-store", "-o", str(out)])
    assert "patients' attempts are still coded" in result.stderr
    assert "every count is zero" not in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["transcripts"][0]["attempts"]
    quiet = invoke(runner, ["annotate", str(DEMO / "01-brennan-jefferson.txt"), "--no-store",
                            "-o", str(tmp_path / "y")])
    assert "no transcript has both" not in quiet.stderr


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_run_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "big"
    corpus.mkdir()
    for copy in range(40):
        for source in DEMO.glob("*.txt"):
            shutil.copyfile(source, corpus / f"{copy:02d}-{source.name}")
    shutil.copyfile(REPO / "cakit.yaml", corpus / "cakit.yaml")
    cakit = Path(sys.executable).parent / "cakit"
    parent = subprocess.Popen([str(cakit), "annotate", str(corpus), "--jobs", "2",
                               "--no-store", "-o", os.devnull],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _children(parent.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers never started"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        alive = workers
        while time.monotonic() < deadline and alive:
            alive = {pid for pid in alive if Path(f"/proc/{pid}").exists()
                     and "Z" not in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
                                     .split()[0])}
            time.sleep(0.1)
        assert not alive, f"workers still running after the parent was killed: {alive}"
    finally:
        if parent.poll() is None:
            parent.kill()



@pytest.mark.parametrize("command", ["annotate", "report"])
def test_run_store_folder_that_cannot_be_written_is_ck410(runner: Any, tmp_path: Path,
                                                           command: str) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(cli, [command, str(DEMO / "01-brennan-jefferson.txt"), "--store",
                                 str(blocker / "store")])
    assert result.exit_code == 1
    assert "CK410 cannot write here" in result.output and "afile is a file" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _project_with_rejects(tmp_path: Path) -> tuple[Path, Path, Path, list[Any]]:
    """A project `study` holding one demo transcript `c.txt`, coded with its own store, and
    coder "ann" rejecting every attempt: (project, transcript, store, the attempts' items)."""
    project = tmp_path / "study"
    project.mkdir()
    (project / "cakit.yaml").write_text("", encoding="utf-8")
    source = project / "c.txt"
    shutil.copyfile(DEMO / "01-brennan-jefferson.txt", source)
    store = project / "annotations" / "store"
    state = code_one(corpus_file(source), RunOptions(store=store)).value.state()  # type: ignore[union-attr]
    attempts = [item for item in state.items if item.kind == "attempt"]
    for item in attempts:
        decide(store, state, item, coder="ann", decision="reject")
    return project, source, store, attempts


@pytest.mark.parametrize("where", ["renamed", "moved", "copied"])
def test_run_a_renamed_or_moved_transcript_keeps_its_coders_layer(
        runner: Any, tmp_path: Path, where: str) -> None:
    """An audit renamed a coded transcript (same bytes) and found every decision hidden:
    "no layer for coder 'ann'", review "0 decided". A coder's layer of the same bytes
    whose file is gone now follows the file; a copy left beside the original does not
    take the original's decisions."""
    project, source, store, _ = _project_with_rejects(tmp_path)
    (project / "sub").mkdir()
    target = {"renamed": project / "brennan-2024.txt", "moved": project / "sub" / "c.txt",
              "copied": project / "copy.txt"}[where]
    if where == "copied":
        shutil.copyfile(source, target)
    else:
        source.rename(target)
    result = invoke(runner, ["annotate", str(target), "--coder", "ann", "--format", "jsonl"])
    follows = where != "copied"
    assert ("layer stored under its old identity 'c.txt' re-keyed" in result.stderr) == follows
    assert "CK430" not in result.stderr  # a rename is followed, not warned of
    assert ('"attempts": []' in result.stdout) == follows  # the rejects apply, or do not
    assert layer_path(store, "ann", "c.txt").is_file() == (not follows)  # nothing dropped


def test_run_a_renamed_and_edited_transcript_names_its_stranded_layer(
        runner: Any, tmp_path: Path) -> None:
    """Renamed and edited, a transcript cannot be told from a new one: its coder's layer
    stayed under the old name and its rejects silently applied to nothing, so the machine's
    attempts were counted again. Every run now names the layer (CK430), and the recovery
    that CK430 gives brings the decisions back."""
    project, source, store, attempts = _project_with_rejects(tmp_path)
    edited = project / "brennan-2024.txt"
    edited.write_text(source.read_text(encoding="utf-8") + "\n((recording ends))\n",
                      encoding="utf-8")
    source.unlink()
    result = invoke(runner, ["annotate", str(edited), "--coder", "ann", "--format", "jsonl"])
    assert '"attempts": []' not in result.stdout  # the rejects apply to nothing …
    assert "CK430 ann's layer is of c.txt, which is no longer in the project " \
           f"({len(attempts)} decision(s), 0 own code(s))" in result.stderr  # … and it is said
    assert layer_path(store, "ann", "c.txt").is_file()  # nothing dropped
    # the recovery CK430 gives: the old name once, then the new one
    edited.rename(source)
    invoke(runner, ["annotate", str(source), "--format", "jsonl"])
    source.rename(edited)
    result = invoke(runner, ["annotate", str(edited), "--coder", "ann", "--format", "jsonl"])
    assert '"attempts": []' in result.stdout
    assert "layer stored under its old identity 'c.txt' re-keyed" in result.stderr
    again = invoke(runner, ["annotate", str(edited), "--coder", "ann", "--format", "jsonl"])
    assert "CK430" not in again.stderr and '"attempts": []' in again.stdout


def test_run_a_store_shared_by_two_projects_moves_no_layer_between_them(
        runner: Any, tmp_path: Path) -> None:
    """A review found a store given with --store to two projects holding copies of one
    transcript: a run over either project called the other's layer stranded and took it,
    back and forth. Only a project's own store is checked for stranded layers."""
    store = tmp_path / "shared-store"
    copies = []
    for name in ("pa", "pb"):
        project = tmp_path / name
        project.mkdir()
        (project / "cakit.yaml").write_text("", encoding="utf-8")
        copies.append(Path(shutil.copyfile(DEMO / "01-brennan-jefferson.txt",
                                           project / f"{name}.txt")))
        invoke(runner, ["annotate", str(project), "--store", str(store), "--format", "jsonl"])
    state = code_one(corpus_file(copies[0]), RunOptions(store=store)).value.state()  # type: ignore[union-attr]
    for item in (item for item in state.items if item.kind == "attempt"):
        decide(store, state, item, coder="ann", decision="reject")
    for project in ("pb", "pa", "pb"):
        result = invoke(runner, ["annotate", str(tmp_path / project), "--store", str(store),
                                 "--coder", "ann", "--format", "jsonl"])
        assert "CK430" not in result.stderr and "re-keyed" not in result.stderr
        assert ('"attempts": []' in result.stdout) == (project == "pa")
    assert layer_path(store, "ann", "pa.txt").is_file()


def test_run_names_five_stranded_layers_and_counts_the_rest(runner: Any, tmp_path: Path) -> None:
    """Seven coded transcripts deleted from a project: a run over what is left names five
    of their layers (CK430) and counts the other two, so a big clean-up does not flood
    the terminal, and nothing is hidden."""
    project, source, store, _ = _project_with_rejects(tmp_path)
    for k in range(7):
        copy = project / f"gone{k}.txt"
        copy.write_text(source.read_text(encoding="utf-8") + f"\n((take {k}))\n",
                        encoding="utf-8")
        state = code_one(corpus_file(copy), RunOptions(store=store)).value.state()  # type: ignore[union-attr]
        item = next(item for item in state.items if item.kind == "attempt")
        decide(store, state, item, coder="ann", decision="accept")
        copy.unlink()
    result = invoke(runner, ["annotate", str(source), "--format", "jsonl"])
    named = [line for line in result.stderr.splitlines() if ": CK430 ann's layer is of" in line]
    assert len(named) == 5
    assert all("(1 decision(s), 0 own code(s))" in line for line in named)
    assert f"{store}: CK430 2 more coder layer(s)" in result.stderr


def test_the_python_api_warns_of_a_stranded_layer_and_takes_over_a_renamed_one(
        tmp_path: Path) -> None:
    """`Corpus.annotate(coder=…)` applies the same check as the command line: a renamed and
    edited transcript's layer is a StrandedLayerWarning, a transcript renamed after the
    recovery takes it over."""
    import warnings

    import cakit

    project, source, _, _ = _project_with_rejects(tmp_path)
    edited = project / "brennan-2024.txt"
    edited.write_text(source.read_text(encoding="utf-8") + "\n((recording ends))\n",
                      encoding="utf-8")
    source.unlink()
    with pytest.warns(cakit.StrandedLayerWarning, match="CK430 ann's layer is of c.txt"):
        codes = cakit.read_corpus(project).annotate(coder="ann")
    assert codes[0].attempts  # the rejects apply to nothing (and that was said)
    with warnings.catch_warnings():
        warnings.simplefilter("error", cakit.StrandedLayerWarning)
        with pytest.raises(cakit.CakitError, match="CK430"):  # as an error, a CakitError
            cakit.read_corpus(project).annotate(coder="ann")
    edited.rename(source)
    cakit.read_corpus(project).annotate(store=project / "annotations" / "store")
    source.rename(edited)
    with warnings.catch_warnings():
        warnings.simplefilter("error", cakit.StrandedLayerWarning)
        codes = cakit.read_corpus(project).annotate(coder="ann")
    assert not codes[0].attempts  # taken over: the rejects apply again


def test_run_loads_the_annotator_before_forking_only_when_files_lack_a_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, a run that will annotate loads the annotator once, here, before the
    fork, so that the workers share it; a run whose files (all, or all but a few) have a
    machine layer does not load it here (a warm run never imports spaCy). The codes are
    the same either way."""
    from cakit import run
    from cakit.store.layers import AUTO, layer_file_name

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in PROJECT_FILES[:3]:
        shutil.copyfile(DEMO / name, corpus / name)
    files = [corpus_file(path, corpus) for path in sorted(corpus.iterdir())]
    store = tmp_path / "store"
    assert run.annotates_widely(files, RunOptions(), 2)  # no store: every file is annotated
    assert run.annotates_widely(files, RunOptions(store=store), 2)  # an empty store
    loads: list[int] = []
    real = run._Annotators.__call__

    def counted(self: Any) -> Any:
        loads.append(os.getpid())  # a worker's calls are counted in its own memory
        return real(self)

    monkeypatch.setattr(run._Annotators, "__call__", counted)
    alone = [o.value for o in run.run_corpus(files, RunOptions(), run.machine_codes)]
    loads.clear()
    cold = [o.value for o in run.run_corpus(files, RunOptions(store=store), run.machine_codes,
                                            jobs=2)]
    assert loads == [os.getpid()]
    assert cold == alone and all(codes.attempts for codes in cold)
    assert not run.annotates_widely(files, RunOptions(store=store), 2)
    loads.clear()
    warm = [o.value for o in run.run_corpus(files, RunOptions(store=store), run.machine_codes,
                                            jobs=2)]
    assert loads == [] and warm == cold
    # one file without a layer is fewer than one per worker; two of three are enough
    for file in files[:2]:
        (store / AUTO / layer_file_name(file.identity)).unlink()
        assert run.annotates_widely(files, RunOptions(store=store), 2) is (file == files[1])
    assert not run.annotates_widely(files, RunOptions(store=store), 3)
    # fewer than a quarter of the files without a layer (files with no talk or an unmapped
    # speaker never get one): a warm run
    many = [corpus_file(corpus / f"{index:02}.txt", corpus) for index in range(60)]
    (store / AUTO).mkdir(exist_ok=True)
    for file in many[15:]:
        (store / AUTO / layer_file_name(file.identity)).write_text("{}")
    assert run.annotates_widely(many, RunOptions(store=store), 2)  # 15 of 60
    (store / AUTO / layer_file_name(many[0].identity)).write_text("{}")
    assert not run.annotates_widely(many, RunOptions(store=store), 2)  # 14 of 60


@needs_shared
def test_run_over_real_conversations_is_warm_the_second_time(tmp_path: Path) -> None:
    """The shared CABNC conversations: four files have a speaker no role is mapped to and
    never get a machine layer, so a second run is warm and does not load the annotator
    before forking its workers."""
    from cakit import run

    files = [corpus_file(path) for path in chat_files("cabnc-ca")]
    options = RunOptions(store=tmp_path / "store")
    outcomes = list(run.run_corpus(files, options, lambda coded: None))
    unlayered = [outcome.file.path for outcome in outcomes
                 if not layer_path(options.store, "auto", outcome.file.identity).is_file()]
    assert len(files) >= 30 and 0 < len(unlayered) < len(files) / 4
    assert all(outcome.errors for outcome in outcomes if outcome.file.path in unlayered)
    assert run.annotates_widely(files, RunOptions(store=tmp_path / "empty"), 2)
    assert not run.annotates_widely(files, options, 2)


def test_run_without_a_project_stops_rather_than_split_a_coders_work(
        runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an outside review: with no cakit.yaml, `review corpus/sub/x.txt` keys the file
    # 'x.txt' and `agree corpus` keys it 'sub/x.txt'; agree moved the coder's layer, the
    # next review saw "0 decided", and its decisions went into a second layer agree ignored
    sub = tmp_path / "corpus" / "sub"
    sub.mkdir(parents=True)
    shutil.copyfile(DEMO / "04-osei-crlf.txt", sub / "04.txt")
    monkeypatch.chdir(tmp_path)
    _review_all(runner, Path("corpus/sub/04.txt"), "a\n" * 40 + "q\n")
    layers = sorted((tmp_path / "annotations" / "store" / "AB").glob("*.jsonl"))
    assert len(layers) == 1
    stopped = runner.invoke(cli, ["agree", "corpus", "--coders", "auto", "AB"])
    assert stopped.exit_code == 1
    assert "the store holds this transcript under another identity (AB's layer as " \
        "'04.txt')" in stopped.output and "Put a cakit.yaml" in stopped.output
    assert sorted((tmp_path / "annotations" / "store" / "AB").glob("*.jsonl")) == layers
    # the fix it names: a cakit.yaml at the top of the corpus; the layer then follows
    (tmp_path / "corpus" / "cakit.yaml").write_text("", encoding="utf-8")
    store = tmp_path / "annotations" / "store"
    fixed = invoke(runner, ["annotate", "corpus", "--store", str(store), "--coder", "AB",
                            "--format", "jsonl"])
    assert "layer stored under its old identity '04.txt' re-keyed" in fixed.stderr
    moved = read_layer(layer_path(store, "AB", "sub/04.txt"))
    assert moved is not None and moved.decisions
    assert not layers[0].exists()


def test_annotate_as_a_coder_writes_nothing_when_a_coders_layer_cannot_be_read(
        runner: Any, tmp_path: Path) -> None:
    # an outside review: `annotate --coder ann -o codes.json` wrote an export without the
    # transcript whose layer was damaged and said "no layer for coder 'ann'"; `report`
    # wrote nothing. The coder's view now stops as the report does
    _, source, store, _ = _project_with_rejects(tmp_path)
    layer = layer_path(store, "ann", "c.txt")
    lines = layer.read_text(encoding="utf-8").split("\n")
    lines[2] = '{"type": "decision", "target": broken'
    layer.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "codes.json"
    result = runner.invoke(cli, ["annotate", str(source), "--coder", "ann", "-o", str(out)])
    assert result.exit_code == 1
    assert f"{layer}:3: not valid JSON" in result.output
    assert "no layer for coder" not in result.output
    assert not out.exists()
    machine = invoke(runner, ["annotate", str(source), "-o", str(out)])  # the machine's view
    assert out.exists() and "not valid JSON" not in machine.output
