"""`cakit summary`: durations it can stand behind, totals that do not pass a part for the
whole, and reading errors that are seen (an audit found all three silently wrong)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import cakit
from cakit.annotate import annotate
from cakit.cli import cli
from cakit.report.inputs import consultation_input
from cakit.summary import summarize, total
from tests.conftest import CHAT_DATA, REPO, needs_shared

TIMED = REPO / "corpora" / "demo" / "11-rahman-chat-media.cha"
UNTIMED = REPO / "corpora" / "demo" / "01-brennan-jefferson.txt"

HEADER = """\
@UTF8
@Begin
@Languages:\teng
@Participants:\tDOC Ann Doctor, PAT Bob Participant
@ID:\teng|demo|DOC|||||Doctor|||
@ID:\teng|demo|PAT|||||Participant|||
"""


def _chat(tmp_path: Path, lines: list[str], name: str = "t.cha") -> Path:
    """A CHAT file; with an @Media header when a line carries a bullet."""
    path = tmp_path / name
    media = f"@Media:\t{path.stem}, audio\n" if any("\x15" in line for line in lines) else ""
    path.write_text(HEADER + media + "".join(line + "\n" for line in lines) + "@End\n",
                    encoding="utf-8")
    return path


def test_one_bullet_among_many_utterances_gives_no_duration(tmp_path: Path) -> None:
    # one bullet times that utterance (1.2 s), not the recording of six
    lines = ["*DOC:\thow have you been ? \x151000_2200\x15"] + [
        f"*{'PAT' if k % 2 == 0 else 'DOC'}:\tline number {word} ."
        for k, word in enumerate(["one", "two", "three", "four", "five"])]
    transcript = cakit.read(_chat(tmp_path, lines)).transcript
    assert [d for d in transcript.diagnostics if d.severity == "error"] == []
    assert sum(1 for u in transcript.utterances if u.media is not None) == 1
    assert summarize(transcript).duration_s is None


def test_bullets_on_every_utterance_give_the_reports_duration() -> None:
    transcript = cakit.read(TIMED).transcript
    summary = summarize(transcript)
    report_input = consultation_input(transcript, annotate(transcript))
    assert summary.duration_s is not None and summary.duration_s > 60
    assert summary.duration_s == report_input.duration_s


def test_summary_and_report_give_one_duration_whatever_overlaps_and_gap_lines(
        tmp_path: Path) -> None:
    # the second utterance overlaps the third and ends after it; a gap after the last
    # turn is timed on a line of its own, as CABNC writes it: the talk runs 1.0 -> 9.0 s
    lines = ["*DOC:\thow have you been ? \x151000_3000\x15",
             "*PAT:\tnot so good the voices have been going on and on . \x152000_9000\x15",
             "*DOC:\tmhm . \x154000_5000\x15",
             "\t(2.0) \x159000_11000\x15"]
    transcript = cakit.read(_chat(tmp_path, lines)).transcript
    assert [d for d in transcript.diagnostics if d.severity == "error"] == []
    report_input = consultation_input(transcript, annotate(transcript))
    assert summarize(transcript).duration_s == 8.0
    assert report_input.duration_s == 8.0
    assert sum(s.duration_s or 0 for s in report_input.phase_stats) == 8.0


@needs_shared
def test_summary_and_report_agree_on_every_real_recordings_duration() -> None:
    # CABNC times gaps, music and tape changes on lines of their own; summary once took
    # them in and report did not (KBK_2-manual: 216.844 s against 198.662 s)
    timed = 0
    for path in sorted((CHAT_DATA / "cabnc-ca").glob("*.cha")):
        transcript = cakit.read(path).transcript
        summary = summarize(transcript)
        report_input = consultation_input(transcript, annotate(transcript))
        assert summary.duration_s == report_input.duration_s, path.name
        timed += summary.duration_s is not None
    assert timed >= 3  # the files with bullets on nine in ten utterances


def test_the_total_has_a_duration_only_when_every_file_has_one() -> None:
    timed = summarize(cakit.read(TIMED).transcript)
    untimed = summarize(cakit.read(UNTIMED).transcript)
    assert untimed.duration_s is None
    assert total([timed, untimed]).duration_s is None
    assert total([timed, timed]).duration_s == round(2 * (timed.duration_s or 0), 3)
    # pauses are written in the transcript, so they add whatever the bullets
    assert total([timed, untimed]).pause_time_s == round(
        timed.pause_time_s + untimed.pause_time_s, 3)


def test_reading_errors_are_printed_counted_and_exit_one(tmp_path: Path) -> None:
    good = _chat(tmp_path, ["*DOC:\thow are you ?", "*PAT:\tfine ."], "good.cha")
    bad = _chat(tmp_path, ["*DOC:\thow are you ?", "", "*PAT:\tfine ."], "bad.cha")
    result = CliRunner().invoke(cli, ["summary", str(good), str(bad), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert f"{bad}: 1 reading error(s)" in result.stderr
    assert "E747" in result.stderr and str(good) not in result.stderr
    rows = json.loads(result.stdout)
    assert [row["errors"] for row in rows] == [0, 1, 1]
    assert rows[1]["utterances"] == 2  # the file is still counted
    clean = CliRunner().invoke(cli, ["summary", str(good), "--format", "json"])
    assert clean.exit_code == 0, clean.output


def test_an_overlap_counts_once_in_jefferson_as_in_chat(tmp_path: Path) -> None:
    """An audit found each Jefferson overlap counted twice (one `[` per speaker) while the
    same overlaps converted to CHAT counted once (⌈ … ⌊): the demo's harlow file said 4
    for its 2 aligned pairs. Here three pairs, and the file converted to CHAT."""
    path = tmp_path / "t.txt"
    path.write_text("Dr:   so you [were ] taking [them]\n"
                    "P:           [yeah]         [ye ]s every day\n"
                    "Dr:   tha[t's good]\n"
                    "P:       [mm     ]\n", encoding="utf-8")
    jefferson = cakit.read(path).transcript
    assert summarize(jefferson).overlaps == 3
    out = tmp_path / "chat"
    result = CliRunner().invoke(cli, ["convert", str(path), "--to", "chat", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert summarize(cakit.read(out / "t.cha").transcript).overlaps == 3
    harlow = cakit.read(REPO / "corpora" / "demo" / "02-harlow-consultant.txt").transcript
    begins = sum(e.label == "begin" for u in harlow.utterances for e in u.events
                 if e.kind == "overlap")
    assert summarize(harlow).overlaps == begins // 2 == 2


def test_file_names_are_the_reports_pseudonyms_unless_asked(tmp_path: Path) -> None:
    # demo file names carry the invented patients' names; a summary is shared like a report
    demo = REPO / "corpora" / "demo"
    stems = [path.stem for path in sorted(demo.iterdir()) if path.suffix in (".txt", ".cha")]
    for output_format in ("table", "csv", "json", "md"):
        result = CliRunner().invoke(cli, ["summary", str(demo), "--format", output_format,
                                          "--no-color"])
        assert result.exit_code == 0, result.output
        assert not [stem for stem in stems if stem in result.stdout], output_format
        assert result.stdout.count("[ID-") >= len(stems)
    rows = json.loads(CliRunner().invoke(cli, ["summary", str(demo), "--format",
                                               "json"]).stdout)
    report = CliRunner().invoke(cli, ["report", str(demo), "--by", "consultation",
                                      "--format", "json", "--no-store"])
    assert report.exit_code == 0, report.output
    reported = set(json.loads(report.stdout)["consultations"])
    assert {row["file"] for row in rows[:-1]} == reported  # the same file, the same id
    shown = CliRunner().invoke(cli, ["summary", str(demo), "--format", "csv",
                                     "--no-deidentify"])
    assert all(stem in shown.stdout for stem in stems)
    assert "NOT de-identified" in shown.stderr


def test_speakers_with_no_role_are_counted_apart_from_others(tmp_path: Path) -> None:
    path = tmp_path / "t.cha"
    path.write_text(HEADER.replace("PAT Bob Participant", "PAT Bob Participant, "
                                   "ROB Rob Investigator, UNK Someone Unidentified")
                    + "@ID:\teng|demo|ROB|||||Investigator|||\n"
                    + "@ID:\teng|demo|UNK|||||Unidentified|||\n"
                    + "*DOC:\thow are you ?\n*PAT:\tfine .\n*ROB:\tokay .\n*UNK:\tyes .\n"
                    + "@End\n", encoding="utf-8")
    transcript = cakit.read(path).transcript
    assert [d for d in transcript.diagnostics if d.severity == "error"] == []
    row = summarize(transcript)
    assert (row.clinicians, row.patients, row.carers, row.others, row.unknown) == \
        (1, 1, 0, 1, 1)

    undeclared = tmp_path / "u.cha"
    undeclared.write_text(path.read_text(encoding="utf-8").replace("*UNK:", "*XYZ:"),
                          encoding="utf-8")
    read = cakit.read(undeclared).transcript  # E308: XYZ talks without being declared
    assert summarize(read).unknown == 2  # UNK, declared Unidentified, and XYZ
