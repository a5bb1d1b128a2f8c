"""`cakit export --to convokit`: a ConvoKit corpus folder, checked field by field.

ConvoKit itself is not installed (it is heavy); the files are checked against the layout
its `Corpus(filename=DIR)` reads: utterances.jsonl (one JSON object a line), speakers.json
and conversations.json (id → {"meta", "vectors"}), corpus.json and index.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cakit.annotate import codebook_for
from cakit.cli import cli
from cakit.store import make_decision, save_decisions
from tests.conftest import DEMO
from tests.store._fixtures import machine_state

#: the packaged codebook's version, which names the machine coder
VERSION = codebook_for(None).version

FIRST = DEMO / "01-brennan-jefferson.txt"
FIELDS = {"id", "speaker", "conversation_id", "reply_to", "timestamp", "text", "meta"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def export(tmp_path: Path, *extra: str, paths: tuple[str, ...] = (str(DEMO),)) -> Path:
    out = tmp_path / "corpus"
    result = run("export", "--to", "convokit", *paths, "-o", str(out), "--store",
                 str(tmp_path / "store"), *extra)
    assert result.exit_code == 0, result.output
    return out


def utterances(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in
            (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]


def test_corpus_folder_has_every_file_in_convokit_layout(tmp_path: Path) -> None:
    folder = export(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "conversations.json", "corpus.json", "index.json", "speakers.json", "utterances.jsonl"]
    lines = utterances(folder)
    assert all(set(line) == FIELDS for line in lines)
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids))
    speakers = json.loads((folder / "speakers.json").read_text())
    conversations = json.loads((folder / "conversations.json").read_text())
    assert len(conversations) == 14
    for value in (*speakers.values(), *conversations.values()):
        assert set(value) == {"meta", "vectors"}
    by_id = {line["id"]: line for line in lines}
    for line in lines:
        assert line["speaker"] in speakers
        assert line["conversation_id"] in conversations
        root = by_id[line["conversation_id"]]
        assert root["reply_to"] is None and root["conversation_id"] == root["id"]
        if line["reply_to"] is not None:
            assert by_id[line["reply_to"]]["conversation_id"] == line["conversation_id"]
        assert set(line["meta"]) == {"role", "phase", "line", "backchannel", "codes"}
    index = json.loads((folder / "index.json").read_text())
    assert set(index) >= {"utterances-index", "speakers-index", "conversations-index",
                          "overall-index", "version"}
    assert index["utterances-index"]["codes"] == ["<class 'list'>"]
    corpus = json.loads((folder / "corpus.json").read_text())
    assert corpus["codebook_version"] == VERSION and corpus["codes_decided_by"] == "machine"


def test_turns_text_and_codes(tmp_path: Path) -> None:
    folder = export(tmp_path, paths=(str(FIRST),))
    state = machine_state(FIRST, tmp_path / "store")
    lines = utterances(folder)
    assert len(lines) == len(state.transcript.turns)
    assert [u["reply_to"] for u in lines] == [None] + [u["id"] for u in lines[:-1]]
    assert {u["conversation_id"] for u in lines} == {lines[0]["id"]}
    attempt = next(i for i in state.items if i.kind == "attempt")
    line = next(u for u in lines if u["id"].endswith(f":{attempt.turn_id}"))
    assert attempt.label in line["meta"]["codes"]
    assert line["meta"]["role"] == "patient"
    turn = state.text.turn(attempt.turn_id)
    assert line["text"] == " ".join(
        state.transcript.utterances[k].content.strip() for k in turn.utterances)
    assert line["meta"]["line"] == turn.line


def test_codes_as_a_coder_decided(tmp_path: Path) -> None:
    state = machine_state(FIRST, tmp_path / "store")
    attempts = [i for i in state.items if i.kind == "attempt"]
    save_decisions(tmp_path / "store", state.identity,
                   [make_decision(i, coder="AB", decision="reject") for i in attempts],
                   sha256=state.transcript.sha256)
    folder = export(tmp_path, "--coder", "AB", paths=(str(FIRST),))
    codes = [c for u in utterances(folder) for c in u["meta"]["codes"]]
    assert not any(c.startswith("PSY_ATTEMPT") for c in codes)
    machine = export(tmp_path / "m", paths=(str(FIRST),))
    assert any(c.startswith("PSY_ATTEMPT") for u in utterances(machine)
               for c in u["meta"]["codes"])


def test_existing_files_are_not_replaced_without_force(tmp_path: Path) -> None:
    folder = export(tmp_path, paths=(str(FIRST),))
    again = run("export", "--to", "convokit", str(FIRST), "-o", str(folder), "--store",
                str(tmp_path / "store"))
    assert again.exit_code == 2 and "--force" in again.output
    forced = run("export", "--to", "convokit", str(FIRST), "-o", str(folder), "--store",
                 str(tmp_path / "store"), "--force")
    assert forced.exit_code == 0, forced.output


def test_back_channels_are_utterances_of_their_own(tmp_path: Path) -> None:
    """An audit found the clinician's "[mm]" inside a patient's turn missing from the
    ConvoKit corpus (summary and the .qdpx kept it). Every utterance of every demo
    transcript is now in it: a back-channel replies to the turn it was said in, and the
    next turn still replies to that turn."""
    import cakit
    from cakit.formats import supported_suffixes

    folder = export(tmp_path)
    lines = utterances(folder)
    by_id = {line["id"]: line for line in lines}
    backchannels = [line for line in lines if line["meta"]["backchannel"]]
    total = in_turns = turns = 0
    for path in sorted(DEMO.iterdir()):
        if path.suffix in supported_suffixes():
            transcript = cakit.read(path).transcript
            total += len(transcript.utterances)
            turns += len(transcript.turns)
            in_turns += sum(len(turn.utterances) for turn in transcript.turns)
    assert len(backchannels) > 0 and len(lines) == turns + len(backchannels)
    assert in_turns + len(backchannels) == total  # every utterance is in the corpus
    assert all(line["text"].strip() for line in lines)
    for line in backchannels:
        host = by_id[line["reply_to"]]
        assert not host["meta"]["backchannel"] and host["speaker"] != line["speaker"]
        assert line["meta"]["codes"] == []
        assert all(other["reply_to"] != line["id"] for other in lines)


def test_an_export_says_it_is_not_de_identified(tmp_path: Path) -> None:
    # an export is a working copy: the transcripts as written, names included
    out = tmp_path / "corpus"
    result = run("export", "--to", "convokit", str(FIRST), "-o", str(out), "--store",
                 str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    assert "NOT de-identified" in result.stderr
    assert "brennan" in (out / "conversations.json").read_text(encoding="utf-8").lower()
    codebook = run("export", "--to", "qdc", "-o", str(tmp_path / "codebook.qdc"))
    assert codebook.exit_code == 0 and "NOT de-identified" not in codebook.stderr
