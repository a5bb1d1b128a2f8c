"""`cakit review` driven through its input stream: start to finish, with resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cakit.cli import cli
from cakit.store import layer_path, read_layer
from tests.store._fixtures import SHORT, ident, machine_state

TRANSCRIPT = SHORT


def _review(runner: Any, path: Path, store: Path, keys: str) -> Any:
    result = runner.invoke(cli, ["review", str(path), "--coder", "ann", "--store", str(store)],
                           input=keys, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _decisions(store: Path, path: Path) -> dict[str, Any]:
    layer = read_layer(layer_path(store, "ann", ident(path)))
    assert layer is not None
    return {d.target: d for d in layer.decisions}


def test_review_start_to_finish_with_resume(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    store = tmp_path / "store"
    items = machine_state(path, store).items
    assert [(i.kind, i.code, i.anchor.line) for i in items] == [
        ("attempt", "PSY_ATTEMPT", 4), ("response", "QUESTION_BACK", 6),
        ("modifier", "HESITATE", 6), ("elicited", "PSY_ELICITED", 7),
        ("response", "ACKNOWLEDGE", 8), ("response", "TOPIC_SHIFT", 10)]
    acknowledge, shift = items[4].id, items[5].id
    attempt, back, hesitate, elicited = (i.id for i in items[:4])

    # session 1: accept, relabel (a wrong code first), note then reject, back, quit
    first = _review(runner, path, store,
                    "a\nl\nNOT_A_CODE\nCLARIFY\nn\nfiller and a gap\nr\nb\nq\n")
    out = first.output
    assert "6 machine codes, 0 decided by ann; starting at 1" in out
    assert "    4 → P: why do the voices only come at night?" in out
    assert "    4 A P: why do the voices only come at night?" in out  # the attempt, for R1
    assert "evidence: question_form" in out
    assert "code 'NOT_A_CODE' is not in the codebook" in out
    assert "note: filler and a gap" in out
    assert "[3/6] delivery modifier — reject" in out  # after b: back on the modifier
    assert "3 of 6 decided by ann; 3 left — run again to resume" in out
    decisions = _decisions(store, path)
    assert set(decisions) == {attempt, back, hesitate}
    assert decisions[attempt].decision == "accept"
    assert (decisions[back].decision, decisions[back].code) == ("relabel", "CLARIFY")
    assert (decisions[hesitate].decision, decisions[hesitate].note) == \
        ("reject", "filler and a gap")
    assert len(decisions[hesitate].history) == 1  # the note came first, then the decision

    # session 2 resumes at the first undecided item; skip it, decide the next two
    second = _review(runner, path, store, "s\na\nr\n")
    assert "3 decided by ann; starting at 4" in second.output
    assert "[4/6] elicited answer — undecided" in second.output
    assert "5 of 6 decided by ann; 1 left" in second.output
    decisions = _decisions(store, path)
    assert decisions[acknowledge].decision == "accept" and decisions[shift].decision == "reject"
    assert elicited not in decisions

    # session 3 goes straight back to the skipped item; end of input quits cleanly
    third = _review(runner, path, store, "a\n")
    assert "starting at 4" in third.output
    assert "6 of 6 decided by ann; all done" in third.output
    assert _decisions(store, path)[elicited].decision == "accept"

    fourth = _review(runner, path, store, "")
    assert "all 6 codes are decided by ann" in fourth.output


def test_review_end_of_input_saves_what_was_decided(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    store = tmp_path / "store"
    result = _review(runner, path, store, "a\n?\nx\n")
    assert "relabel: choose another code" in result.output  # help
    assert "unknown key 'x'" in result.output
    assert "1 of 6 decided" in result.output
    assert len(_decisions(store, path)) == 1


def test_review_reports_reanchoring_after_an_edit(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    store = tmp_path / "store"
    _review(runner, path, store, "a\na\na\nq\n")
    path.write_text("Dr:   come in.\n" + TRANSCRIPT, encoding="utf-8")
    result = _review(runner, path, store, "q\n")
    assert "the transcript changed; re-anchored 0 kept, 3 moved, 0 fuzzy, 0 orphaned" in \
        result.output
    assert "3 decided by ann; starting at 4" in result.output  # the decisions still apply


def test_review_rejects_a_bad_coder_name(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    result = runner.invoke(cli, ["review", str(path), "--coder", "../x", "--store",
                                 str(tmp_path / "s")], input="q\n")
    assert result.exit_code == 2
    assert "coder name '../x'" in result.output
