"""`cakit report` and `cakit excerpts` with `--coder` / `--consensus`: human decisions count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cakit.cli import cli
from cakit.report.deid import KEY_ENV
from cakit.store import layer_path, make_decision, save_decisions
from tests.conftest import DEMO
from tests.store._fixtures import machine_state

ATTEMPTS = DEMO / "01-brennan-jefferson.txt"
NO_ATTEMPT = DEMO / "07-achterberg-noattempt.txt"
#: PAT: "oh my God, (.) it's been mad. (.) good mad though." (physical line of the file)
PATIENT_LINE = "24"


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "deid.key"))
    return tmp_path / "store"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def attempts_in_report(*args: str) -> int:
    result = run("report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["tables"]["attempts_by_phase"]["rows"]
    return sum(row["PSY_ATTEMPT"] for row in rows if row["phase"] != "ALL")


def reject_every_attempt(store: Path, coder: str) -> int:
    state = machine_state(ATTEMPTS, store)
    decisions = [make_decision(item, coder=coder, decision="reject")
                 for item in state.items if item.kind == "attempt"]
    save_decisions(store, state.identity, decisions, sha256=state.transcript.sha256)
    return len(decisions)


def test_report_counts_the_codes_a_coder_decided(store: Path) -> None:
    machine = attempts_in_report(str(ATTEMPTS), "--store", str(store))
    rejected = reject_every_attempt(store, "ann")
    assert machine == rejected > 0
    assert attempts_in_report(str(ATTEMPTS), "--store", str(store), "--coder", "ann") == 0
    # the machine's view is untouched by the coder's layer
    assert attempts_in_report(str(ATTEMPTS), "--store", str(store)) == machine


def test_report_adds_a_coders_own_code_and_says_so(store: Path) -> None:
    assert attempts_in_report(str(NO_ATTEMPT), "--store", str(store)) == 0
    coded = run("code", str(NO_ATTEMPT), "--line", PATIENT_LINE, "--code", "PSY_ATTEMPT",
                "--subtype", "PSY_ASSERT", "--coder", "ann", "--store", str(store))
    assert coded.exit_code == 0, coded.output
    assert attempts_in_report(str(NO_ATTEMPT), "--store", str(store), "--coder", "ann") == 1
    result = run("report", str(NO_ATTEMPT), "--store", str(store), "--coder", "ann",
                 "--format", "json")
    notes = json.loads(result.stdout)["notes"]
    assert any("by human coders" in note for note in notes)


def test_report_coder_view_is_the_same_in_worker_processes(store: Path) -> None:
    reject_every_attempt(store, "ann")
    files = [str(ATTEMPTS), str(NO_ATTEMPT), str(DEMO / "11-rahman-chat-media.cha")]
    one = run("report", *files, "--store", str(store), "--coder", "ann", "--format", "json")
    two = run("report", *files, "--store", str(store), "--coder", "ann", "--format", "json",
              "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert json.loads(one.stdout)["tables"] == json.loads(two.stdout)["tables"]


def test_report_consensus_needs_a_majority(store: Path) -> None:
    reject_every_attempt(store, "ann")
    machine = attempts_in_report(str(ATTEMPTS), "--store", str(store))
    # one coder of one rejects: the majority rejects
    assert attempts_in_report(str(ATTEMPTS), "--store", str(store), "--consensus") == 0
    state = machine_state(ATTEMPTS, store)
    accepts = [make_decision(item, coder="ben", decision="accept")
               for item in state.items if item.kind == "attempt"]
    save_decisions(store, state.identity, accepts, sha256=state.transcript.sha256)
    # one rejects, one accepts: a tie keeps the machine's proposal
    assert attempts_in_report(str(ATTEMPTS), "--store", str(store), "--consensus") == machine


def test_excerpts_follow_the_coder(store: Path, tmp_path: Path) -> None:
    run("code", str(NO_ATTEMPT), "--line", PATIENT_LINE, "--code", "PSY_ATTEMPT",
        "--subtype", "PSY_ASSERT", "--coder", "ann", "--store", str(store))
    machine = run("excerpts", str(NO_ATTEMPT), "--store", str(store), "--code", "PSY_ATTEMPT")
    human = run("excerpts", str(NO_ATTEMPT), "--store", str(store), "--code", "PSY_ATTEMPT",
                "--coder", "ann")
    assert human.exit_code == 0, human.output
    assert "been mad" not in machine.stdout
    assert "been mad" in human.stdout and "PSY_ASSERT" in human.stdout


def test_coder_usage_errors_and_missing_layer_warning(store: Path) -> None:
    both = run("report", str(NO_ATTEMPT), "--store", str(store), "--coder", "ann", "--consensus")
    assert both.exit_code == 2 and "exclude each other" in both.output
    reserved = run("excerpts", str(NO_ATTEMPT), "--store", str(store), "--coder", "auto")
    assert reserved.exit_code == 2 and "reserved" in reserved.output
    typo = run("report", str(NO_ATTEMPT), "--store", str(store), "--coder", "nobody")
    assert typo.exit_code == 0
    assert "no layer for coder 'nobody'" in typo.stderr
    # annotate says so too (an audit found it exporting the machine's codes in silence)
    exported = run("annotate", str(NO_ATTEMPT), "--store", str(store), "--coder", "nobody")
    assert exported.exit_code == 0
    assert "no layer for coder 'nobody'" in exported.stderr


def test_corrupt_coder_layer_is_a_clear_error_and_untouched(store: Path) -> None:
    reject_every_attempt(store, "ann")
    path = layer_path(store, "ann", machine_state(ATTEMPTS, store).identity)
    text = path.read_text(encoding="utf-8") + "{not json\n"
    path.write_text(text, encoding="utf-8")
    result = run("report", str(ATTEMPTS), "--store", str(store), "--coder", "ann")
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "Traceback" not in result.output
    assert path.read_text(encoding="utf-8") == text
