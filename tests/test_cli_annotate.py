"""`cakit annotate` and `cakit evaluate` through the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import cakit
from cakit.cli import cli
from tests.annotate._helpers import OPENING
from tests.conftest import DEMO, GOLD, REPO

TRANSCRIPT = OPENING + (
    "P:  why do the voices only come at night?\n"
    "    (1.4)\n"
    "D:  u:m (.) what do you think?\n"
)


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "c1.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def test_annotate_json_follows_the_export_schema(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path)
    out = tmp_path / "out.json"
    store = tmp_path / "store"
    result = runner.invoke(cli, ["annotate", str(path), "-o", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"cakit_version", "codebook_version", "transcripts"}
    # the build that coded, as the store records it: version + hash of code and data
    from cakit.build import build_id

    assert data["cakit_version"] == build_id()
    assert data["cakit_version"].startswith(cakit.__version__ + "+")
    transcript = data["transcripts"][0]
    for key in ("id", "source", "format", "turns", "phases", "attempts", "elicited",
                "responses", "carer_responses", "sequences"):
        assert key in transcript, key
    attempt = transcript["attempts"][0]
    for key in ("id", "turn_id", "line", "subtypes", "categories", "phase", "late", "chain_id",
                "attempt_index", "confidence", "evidence"):
        assert key in attempt, key
    assert attempt["evidence"][0].keys() >= {"rule", "text", "line", "col"}
    response = transcript["responses"][0]
    assert response["uptake"] == "QUESTION_BACK" and response["gap_before_s"] == 1.4
    assert transcript["sequences"][0]["outcome"] == "DEFLECTED"
    assert list(store.glob("auto/*.jsonl")), "the machine layer was not stored"


def test_annotate_refuses_to_overwrite(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path)
    out = tmp_path / "out.json"
    out.write_text("precious", encoding="utf-8")
    result = runner.invoke(cli, ["annotate", str(path), "-o", str(out), "--no-store"])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "precious"
    forced = runner.invoke(cli, ["annotate", str(path), "-o", str(out), "--no-store", "--force"])
    assert forced.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["transcripts"]


def test_annotate_csv_and_jsonl(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path)
    result = runner.invoke(cli, ["annotate", str(path), "--format", "csv", "--no-store"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["kind"] for row in rows] == ["attempt", "response"]
    assert rows[1]["code"] == "QUESTION_BACK" and rows[1]["modifiers"] == "HESITATE"
    lines = runner.invoke(cli, ["annotate", str(path), "--format", "jsonl", "--no-store"]).output
    assert len(lines.strip().splitlines()) == 1
    assert json.loads(lines)["attempts"][0]["subtypes"] == ["PSY_Q"]


def test_parallel_jobs_give_the_same_export(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    serial = runner.invoke(cli, ["annotate", str(DEMO), "--format", "jsonl", "--no-store"])
    parallel = runner.invoke(cli, ["annotate", str(DEMO), "--format", "jsonl", "--no-store",
                                   "--jobs", "2"])
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.output == parallel.output
    assert len(serial.output.strip().splitlines()) == len(list(GOLD.glob("*.json")))


def test_missing_path_is_a_usage_error(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["annotate", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_evaluate_cli(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["evaluate", "--gold", str(GOLD), str(DEMO), "--format", "json"])
    assert result.exit_code == 0, (result.output, result.exception)
    data = json.loads(result.output)
    scores = {s["code"]: s for s in data["scores"]}
    assert scores["PSY_ATTEMPT"]["gold"] > 0 and scores["PSY_ATTEMPT"]["f1"] >= 0.9


def test_a_codebook_spacy_rejects_is_a_clear_error_with_workers(  # type: ignore[no-untyped-def]
    runner, tmp_path: Path
) -> None:
    """With --jobs the codebook is compiled in each worker; its error must still come back
    as the codebook diagnostic (exit 1), not a broken pool or a traceback, and leave no
    output file behind."""
    from cakit.annotate.codebook import default_codebook_path

    text = default_codebook_path().read_text(encoding="utf-8")
    bad = tmp_path / "codebook.yaml"
    bad.write_text(text.replace("      - hear voices\n", "      - hear voices\n"
                                "      - {tokens: [{LOWER: {NOTANOP: [x]}}]}\n", 1),
                   encoding="utf-8")
    out = tmp_path / "out.json"
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["annotate", str(DEMO), "--codebook", str(bad), "--jobs",
                                     jobs, "--no-store", "-o", str(out)])
        assert result.exit_code == 1, result.output
        assert "CK403" in result.output and "Traceback" not in result.output
        assert not out.exists()


def test_reading_errors_stay_on_one_line_and_the_rest_is_annotated(  # type: ignore[no-untyped-def]
    runner, tmp_path: Path
) -> None:
    """A file that cannot be read is reported as `path:line:col: CODE message` on one
    line of stderr, however long the path; the other files are still exported (exit 1)."""
    folder = tmp_path / ("a-rather-long-folder-name-for-a-corpus-of-consultations" * 2)
    folder.mkdir()
    for source in sorted(DEMO.glob("0[1-2]*.txt")):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "cakit.yaml").write_bytes((REPO / "cakit.yaml").read_bytes())
    (folder / "zz-binary.txt").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out.jsonl"
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["annotate", str(folder), "--jobs", jobs, "--no-store",
                                     "--format", "jsonl", "-o", str(out), "--force"])
        assert result.exit_code == 1
        lines = [line for line in result.stderr.splitlines() if "CK102" in line]
        assert len(lines) == 1 and f"{folder / 'zz-binary.txt'}:" in lines[0], result.stderr
        assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_a_transcript_the_annotator_fails_on_is_reported_and_the_rest_coded(  # type: ignore[no-untyped-def]
    runner, tmp_path: Path, monkeypatch
) -> None:
    """An unexpected error in one transcript (a bug) costs that file, not the corpus: the
    others are exported, the failure is named on stderr, the exit code is 1."""
    from cakit.annotate.pipeline import Annotator

    original = Annotator.annotate

    def failing(self, transcript):  # type: ignore[no-untyped-def]
        if transcript.id.startswith("02-"):
            raise RuntimeError("boom")
        return original(self, transcript)

    monkeypatch.setattr(Annotator, "annotate", failing)
    out = tmp_path / "out.jsonl"
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["annotate", str(DEMO), "--jobs", jobs, "--no-store",
                                     "--format", "jsonl", "-o", str(out), "--force"])
        assert result.exit_code == 1
        assert "02-harlow-consultant.txt: CK900 internal error while annotating " \
               "(RuntimeError: boom)" in result.stderr
        exported = [json.loads(line)["id"] for line in out.read_text().splitlines()]
        assert len(exported) == len(list(GOLD.glob("*.json"))) - 1
        assert "02-harlow-consultant" not in exported
    scored = runner.invoke(cli, ["evaluate", "--gold", str(GOLD), str(DEMO)])
    assert scored.exit_code == 1 and "CK900" in scored.stderr
