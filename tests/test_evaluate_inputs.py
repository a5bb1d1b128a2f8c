"""`cakit evaluate` says when its inputs would make its figures wrong.

Every figure the project publishes comes from `cakit evaluate`, so a transcript it could
not read in full, one with no gold, two gold files for one consultation or a gold that is
the annotator's own unreviewed output must never pass in silence. (An audit on 7 December
2026 found each of these scored without a word and exit status 0.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cakit.cli import cli
from tests.conftest import DEMO, GOLD

NAME = "01-brennan-jefferson"


def _corpus(tmp_path: Path, *names: str) -> tuple[Path, Path]:
    """A folder with the demo transcripts `names` and a gold folder with their gold files."""
    data, gold = tmp_path / "data", tmp_path / "gold"
    data.mkdir()
    gold.mkdir()
    for name in names:
        shutil.copy(DEMO / f"{name}.txt", data)
        shutil.copy(GOLD / f"{name}.json", gold)
    return data, gold


def _evaluate(runner: Any, gold: Path, *paths: Path) -> Any:
    return runner.invoke(cli, ["evaluate", "--gold", str(gold), *map(str, paths),
                               "--format", "json"])


def _attempts(result: Any) -> dict[str, Any]:
    scores = json.loads(result.stdout)["scores"]
    return next(s for s in scores if s["code"] == "PSY_ATTEMPT")


def _gold_attempts(gold: Path, name: str = NAME) -> int:
    data = json.loads((gold / f"{name}.json").read_text(encoding="utf-8"))
    return len(data["transcripts"][0]["attempts"])


def test_a_transcript_read_with_errors_fails_the_run(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    path = data / f"{NAME}.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\x81\x8d ", 1))
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1
    assert "CK103" in result.stderr


def test_an_empty_transcript_has_its_gold_counted_as_missed(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME, "02-harlow-consultant")
    (data / f"{NAME}.txt").write_text("", encoding="utf-8")
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1 and "CK101" in result.stderr
    report = json.loads(result.stdout)
    assert report["consultations"] == 2 and report["unmatched_gold"] == []
    attempts = _attempts(result)
    # every gold attempt of the empty file is a miss, none is left out of the count
    both = _gold_attempts(gold) + _gold_attempts(gold, "02-harlow-consultant")
    assert attempts["gold"] == both
    assert attempts["tp"] <= both - _gold_attempts(gold)


def test_a_transcript_without_gold_is_named(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    shutil.copy(DEMO / "02-harlow-consultant.txt", data)
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["unscored"] == ["02-harlow-consultant"]
    assert "not scored" in result.stderr and "02-harlow-consultant" in result.stderr


def test_gold_without_a_transcript_is_named_in_every_format(runner: Any,
                                                           tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    shutil.copy(GOLD / "02-harlow-consultant.json", gold)
    for output_format in ("json", "md", "table"):
        result = runner.invoke(cli, ["evaluate", "--gold", str(gold), str(data),
                                     "--format", output_format])
        assert result.exit_code == 0
        assert "02-harlow-consultant" in result.stderr, output_format


def test_two_gold_files_for_one_consultation_are_refused(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    shutil.copy(gold / f"{NAME}.json", gold / f"{NAME}-backup.json")
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1
    assert "is also in" in result.stderr and result.stdout == ""


def test_two_transcripts_of_one_name_are_refused(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(data / f"{NAME}.txt", other)
    result = _evaluate(runner, gold, data, other)
    assert result.exit_code == 1
    assert "same name" in result.stderr and result.stdout == ""


def test_an_empty_gold_folder_is_refused(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    (gold / f"{NAME}.json").rename(gold / f"{NAME}.jsonl")
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1 and "no gold annotations" in result.stderr


def test_unreviewed_machine_codes_as_gold_are_named(runner: Any, tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)
    machine = runner.invoke(cli, ["annotate", "--no-store", "--format", "json", str(data)])
    assert machine.exit_code == 0
    (gold / f"{NAME}.json").write_text(machine.stdout, encoding="utf-8")
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 0
    assert _attempts(result)["f1"] == 1.0
    assert "nobody reviewed" in result.stderr
    # the team's own gold is not taken for machine codes
    reviewed = _evaluate(runner, GOLD, DEMO / f"{NAME}.txt")
    assert "nobody reviewed" not in reviewed.stderr


def test_gold_coded_on_another_version_is_named(runner: Any, tmp_path: Path) -> None:
    """Two lines put in at the top move every turn: the gold codes then sit where no turn
    starts, and count as missed. Said, with the gold's own sha256 when it has one."""
    data, gold = _corpus(tmp_path, NAME)
    path = data / f"{NAME}.txt"
    original = path.read_bytes()
    record = json.loads((gold / f"{NAME}.json").read_text(encoding="utf-8"))
    import hashlib

    record["transcripts"][0]["sha256"] = hashlib.sha256(original).hexdigest()
    (gold / f"{NAME}.json").write_text(json.dumps(record), encoding="utf-8")
    assert "no turn" not in _evaluate(runner, gold, data).stderr
    path.write_bytes(b"((recording starts))\n\n" + original)
    result = _evaluate(runner, gold, data)
    assert "another version of the transcript" in result.stderr
    assert "on lines where the transcript starts no turn" in result.stderr


def test_no_uptake_is_agreed_on_but_not_scored_by_line() -> None:
    """NO_UPTAKE is no turn: it has no line, so a per-line row of it would always read
    0 gold; R1 uptake agreement is where it counts."""
    from cakit.annotations import Attempt, ConsultationAnnotations, Response
    from cakit.evaluate import cohen_kappa, evaluate

    attempt = Attempt(id="a1", turn_id="t5", line=5, subtypes=("PSY_Q",))
    gold = ConsultationAnnotations(
        id="c", source="c.txt", format="jefferson", attempts=(attempt,),
        responses=(Response(attempt_id="a1", turn_id=None, line=None, rank=1,
                            uptake="NO_UPTAKE"),))
    predicted = ConsultationAnnotations(id="c", source="c.txt", format="jefferson",
                                        attempts=(attempt,))
    result = evaluate([gold], [predicted])
    assert "uptake:NO_UPTAKE" not in {score.name for score in result.scores}
    r1 = result.agreement("R1 uptake")
    assert (r1.items, r1.agreed) == (1, 1)
    # one label on both sides: chance explains the agreement, kappa is undefined
    assert r1.kappa is None and cohen_kappa([("x", "x")] * 3) is None


def test_an_r1_nobody_coded_is_not_agreed_or_disagreed_on() -> None:
    """A second outside review: gold written from a coder's effective codes holds the
    stand-in R1 NOT_CODED for an attempt whose responses the coder rejected; evaluate
    scored it against the machine's R1 as a disagreement (agree leaves it unlabelled)."""
    from dataclasses import replace

    from cakit.annotations import Attempt, ConsultationAnnotations, Response, not_coded
    from cakit.evaluate import evaluate

    first = Attempt(id="a1", turn_id="t5", line=5, subtypes=("PSY_Q",))
    second = Attempt(id="a2", turn_id="t9", line=9, subtypes=("PSY_Q",))
    engage = Response(attempt_id="a1", turn_id="t6", line=6, rank=1, uptake="ENGAGE")
    gold = ConsultationAnnotations(id="c", source="c.txt", format="jefferson",
                                   attempts=(first, second), responses=(engage, not_coded(second)))
    predicted = ConsultationAnnotations(
        id="c", source="c.txt", format="jefferson", attempts=(first, second),
        responses=(engage, Response(attempt_id="a2", turn_id="t10", line=10, rank=1,
                                    uptake="MEDICATION_FRAME")))
    result = evaluate([gold], [predicted])
    r1 = result.agreement("R1 uptake")
    assert (r1.items, r1.agreed) == (1, 1)
    assert "uptake:NOT_CODED" not in {score.name for score in result.scores}
    # a gold coder who rejected every proposed response decided something: it disagrees
    # with the machine's R1, as `agree` counts it (a third outside review)
    rejected = replace(gold, responses=(engage, not_coded(second, rejected=True)))
    r1 = evaluate([rejected], [predicted]).agreement("R1 uptake")
    assert (r1.items, r1.agreed) == (2, 1)


def _edit_gold(gold: Path, edit: Any) -> None:
    """Apply `edit` to the first consultation of the gold file of NAME."""
    path = gold / f"{NAME}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    edit(record["transcripts"][0])
    path.write_text(json.dumps(record), encoding="utf-8")


def test_gold_codes_the_codebook_does_not_define_are_named(runner: Any,
                                                          tmp_path: Path) -> None:
    """A code renamed since the gold was coded can never match: its items are silent
    misses unless the run says which codes they are."""
    data, gold = _corpus(tmp_path, NAME)

    def rename(consultation: dict[str, Any]) -> None:
        consultation["responses"][0]["uptake"] = "ENGAGE_OLD_NAME"
        consultation["turns"][0]["phase"] = "GREETING"

    assert "does not define" not in _evaluate(runner, gold, data).stderr
    _edit_gold(gold, rename)
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 0
    assert "codes this codebook does not define (ENGAGE_OLD_NAME, GREETING)" in result.stderr


def test_a_line_coded_with_two_gold_attempts_counts_once_everywhere(runner: Any,
                                                                   tmp_path: Path) -> None:
    """Attempts are matched by line: a duplicated gold attempt is one attempt in the
    PSY_ATTEMPT row, so it is one item in R1 agreement too, and the run names the line."""
    data, gold = _corpus(tmp_path, NAME)
    before = json.loads(_evaluate(runner, gold, data).stdout)

    def duplicate(consultation: dict[str, Any]) -> None:
        # the copy comes first, with no responses; and one response is coded twice
        copy = dict(consultation["attempts"][0], id="duplicate-attempt")
        consultation["attempts"].insert(0, copy)
        consultation["responses"].append(dict(consultation["responses"][0]))

    _edit_gold(gold, duplicate)
    result = _evaluate(runner, gold, data)
    after = json.loads(result.stdout)
    assert after["scores"] == before["scores"]
    assert after["agreements"] == before["agreements"]
    assert "more than one attempt on line(s)" in result.stderr


def test_gold_with_nulls_where_codes_belong_is_named_not_a_crash(runner: Any,
                                                                tmp_path: Path) -> None:
    data, gold = _corpus(tmp_path, NAME)

    def null(consultation: dict[str, Any]) -> None:
        consultation["responses"][0]["uptake"] = None
        consultation["turns"][0]["phase"] = None

    _edit_gold(gold, null)
    result = _evaluate(runner, gold, data)
    # refused, each null named (they were once scored as an undefined code and no phase)
    assert result.exit_code == 1, result.output
    assert ".responses[0].uptake: expected str, found null" in result.stderr
    assert ".turns[0].phase: expected str, found null" in result.stderr
    assert "Traceback" not in result.output


def test_gold_turns_without_a_phase_are_not_scored_for_phase(runner: Any,
                                                            tmp_path: Path) -> None:
    """A gold turn nobody placed in a phase (UNKNOWN) says nothing about the annotator's
    phases: it was counted as a disagreement, lowering the phase figure unseen."""
    data, gold = _corpus(tmp_path, NAME)
    before = json.loads(_evaluate(runner, gold, data).stdout)

    def unphase(consultation: dict[str, Any]) -> None:
        for turn in consultation["turns"][:10]:
            turn["phase"] = "UNKNOWN"

    _edit_gold(gold, unphase)
    result = _evaluate(runner, gold, data)
    phases = {a["label"]: a for a in json.loads(result.stdout)["agreements"]}["phase per turn"]
    was = {a["label"]: a for a in before["agreements"]}["phase per turn"]
    assert phases["items"] == was["items"] - 10
    assert "phase:UNKNOWN" not in {s["code"] for s in json.loads(result.stdout)["scores"]}
    assert "10 of" in result.stderr and "no phase (UNKNOWN)" in result.stderr


def _misspell_attempts(consultation: dict[str, Any]) -> None:
    consultation["attempt"] = consultation.pop("attempts")


def _null_turns(consultation: dict[str, Any]) -> None:
    consultation["turns"] = None


def _line_as_text(consultation: dict[str, Any]) -> None:
    consultation["turns"][3]["line"] = str(consultation["turns"][3]["line"])


def _response_to_no_attempt(consultation: dict[str, Any]) -> None:
    consultation["responses"][0]["attempt_id"] = "a99"


def _null_subtypes(consultation: dict[str, Any]) -> None:
    consultation["attempts"][0]["subtypes"] = None


@pytest.mark.parametrize("edit, said", [
    (_misspell_attempts, "unknown key 'attempt'"),
    (_null_turns, ".turns: expected a list, found null"),
    (_line_as_text, ".turns[3].line: expected int, found a string"),
    (_response_to_no_attempt, "attempt_id 'a99' is no attempt"),
    (_null_subtypes, ".attempts[0].subtypes: expected a list, found null"),
])
def test_a_gold_file_the_reader_would_guess_at_is_refused(
        runner: Any, tmp_path: Path, edit: Any, said: str) -> None:
    # an outside review: a misspelt `attempts` was scored as "no attempts" (exit 0, precision
    # 1.000 -> 0.941), and a line given as text or a null list crashed with a traceback
    data, gold = _corpus(tmp_path, NAME)
    path = gold / f"{NAME}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document["transcripts"][0])
    path.write_text(json.dumps(document), encoding="utf-8")
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1, result.output
    assert said in result.output and "not a gold file cakit can score" in result.output
    assert "Traceback" not in result.output


def test_a_gold_problem_is_reported_at_its_line_and_column(runner: Any, tmp_path: Path) -> None:
    # gold problems named a JSON path only (`transcripts[0].turns[3].line`): a hand-edited
    # gold file gets `path:line:col: CODE message` like every other input
    data, gold = _corpus(tmp_path, NAME)
    path = gold / f"{NAME}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    _line_as_text(document["transcripts"][0])
    _misspell_attempts(document["transcripts"][0])
    text = json.dumps(document, indent=2)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    value = f'"line": "{document["transcripts"][0]["turns"][3]["line"]}"'
    line = next(k for k, row in enumerate(lines, 1) if value in row)
    col = lines[line - 1].index(value) + len('"line": ') + 1
    key = next(k for k, row in enumerate(lines, 1) if '"attempt":' in row)
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:{col}: CK406 transcripts[0].turns[3].line: expected int" \
        in result.stderr
    key_col = lines[key - 1].index('"attempt"') + 1
    assert f"{path}:{key}:{key_col}: CK406 transcripts[0].attempt: unknown key" in result.stderr
    assert "Traceback" not in result.output


def test_a_key_written_twice_in_a_gold_file_is_refused_where_it_is(runner: Any,
                                                                  tmp_path: Path) -> None:
    # JSON keeps the last of two equal keys: a second "attempts" list (say, a coder's
    # partial re-coding pasted in) silently replaced the first
    data, gold = _corpus(tmp_path, NAME)
    path = gold / f"{NAME}.json"
    text = path.read_text(encoding="utf-8")
    assert text.count('"attempts":') == 1
    doubled = text.replace('"attempts":', '"attempts": [],\n      "attempts":', 1)
    path.write_text(doubled, encoding="utf-8")
    lines = doubled.splitlines()
    second = next(k for k, row in enumerate(lines, 1) if row.strip().startswith('"attempts":')
                  and '[],' not in row)
    col = lines[second - 1].index('"attempts"') + 1
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1, result.output
    assert f"{path}:{second}:{col}: CK406 the key 'attempts' is written twice" in result.stderr


@pytest.mark.parametrize("content, said", [
    (b'{"transcripts": [\n  {"id": "x",}\n]}\n', "2:14: CK406 not valid JSON"),
    # a second outside review: a bare Python codec message, no place, no code
    (b'{"transcripts": [\n  {"id": "caf\xe9"}\n]}\n', "2:14: CK406 not UTF-8: byte 0xe9"),
])
def test_a_gold_file_cakit_cannot_read_is_ck406_at_its_place(
        runner: Any, tmp_path: Path, content: bytes, said: str) -> None:
    data, gold = _corpus(tmp_path, NAME)
    path = gold / f"{NAME}.json"
    path.write_bytes(content)
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1, result.output
    assert f"{path}:{said}" in result.stderr


def test_an_evidence_item_missing_its_rule_is_named(runner: Any, tmp_path: Path) -> None:
    # a second outside review: a Python-internal message at 1:1
    data, gold = _corpus(tmp_path, NAME)

    def no_rule(consultation: dict[str, Any]) -> None:
        del consultation["attempts"][0]["evidence"][0]["rule"]

    _edit_gold(gold, no_rule)
    result = _evaluate(runner, gold, data)
    assert result.exit_code == 1, result.output
    assert "CK406 transcripts[0].attempts[0].evidence[0]: evidence needs 'rule'" in result.stderr
