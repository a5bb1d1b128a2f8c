"""Recordings linked from the HTML report and excerpts (`--media`); bullet times in `show`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner, Result

from cakit.cli import cli
from cakit.formats import read
from cakit.media import candidate_names, media_src, pick_media, time_span
from cakit.model import MediaTime
from cakit.report.deid import KEY_ENV
from tests.conftest import DEMO

NAME = "11-rahman-chat-media"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo CHAT file with an (empty) recording beside it."""
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "deid.key"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DEMO / f"{NAME}.cha", corpus / f"{NAME}.cha")
    (corpus / f"{NAME}.wav").write_bytes(b"")
    return corpus


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _page(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _sources(page: str) -> list[str]:
    return [str(src) for src in lxml.html.fromstring(page).xpath("//audio/@src")]


def _bullet_span(transcript_path: Path, first: int, last: int) -> tuple[float, float]:
    """Seconds from the first to the last bullet of the source lines first..last."""
    transcript = read(str(transcript_path)).transcript
    times = [u.media for u in transcript.utterances
             if u.media is not None and first <= u.line <= last]
    assert times
    return times[0].start_ms / 1000, times[-1].end_ms / 1000


def _excerpts(folder: Path, target: Path, *extra: str) -> Result:
    return run("excerpts", str(folder / f"{NAME}.cha"), "--no-store", "--format", "html",
               "-o", str(target), *extra)


def test_excerpts_link_the_recording_with_media(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages" / "out.html"
    out.parent.mkdir()
    result = _excerpts(folder, out, "--media")
    assert result.exit_code == 0, result.output
    page = _page(out)
    assert "<audio" in page and 'preload="none"' in page
    tree = lxml.html.fromstring(page)
    sections = tree.xpath("//section[@class='excerpt']")
    assert sections
    for section in sections:
        sources = section.xpath(".//audio/@src")
        assert len(sources) == 1
        src = str(sources[0])
        path, _, fragment = src.partition("#t=")
        assert path == f"../corpus/{NAME}.wav"
        assert (out.parent / path).resolve() == (folder / f"{NAME}.wav").resolve()
        cite = re.search(r"lines (\d+)–(\d+)", str(section.xpath(".//code/text()")[0]))
        assert cite is not None
        first, last = int(cite.group(1)), int(cite.group(2))
        start, end = (float(n) for n in fragment.split(","))
        assert (start, end) == pytest.approx(_bullet_span(folder / f"{NAME}.cha", first, last))
    assert b"RIFF" not in out.read_bytes() and "base64" not in page


def test_excerpts_src_relative_to_working_folder_on_stdout(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("excerpts", str(folder / f"{NAME}.cha"), "--no-store", "--format", "html",
                 "--media", "--limit", "1")
    assert result.exit_code == 0, result.output
    sources = _sources(result.stdout)
    assert len(sources) == 1 and sources[0].startswith(f"corpus/{NAME}.wav#t=")


def test_excerpts_without_media_flag_link_nothing(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    assert _excerpts(folder, out).exit_code == 0
    page = _page(out)
    assert "<audio" not in page and ".wav" not in page


def test_excerpts_without_recording_link_nothing(folder: Path, tmp_path: Path) -> None:
    (folder / f"{NAME}.wav").unlink()
    out = tmp_path / "out.html"
    assert _excerpts(folder, out, "--media").exit_code == 0
    page = _page(out)
    assert "<audio" not in page and "<video" not in page and ".wav" not in page


def test_excerpts_find_a_video_by_the_transcript_stem(folder: Path, tmp_path: Path) -> None:
    (folder / f"{NAME}.wav").unlink()
    renamed = folder / "visit.cha"
    text = (folder / f"{NAME}.cha").read_text(encoding="utf-8")
    renamed.write_text(text.replace(f"@Media:\t{NAME}, audio\n", ""), encoding="utf-8")
    (folder / f"{NAME}.cha").unlink()
    (folder / "visit.mp4").write_bytes(b"")
    out = tmp_path / "out.html"
    result = run("excerpts", str(renamed), "--no-store", "--format", "html", "-o", str(out),
                 "--media", "--limit", "1")
    assert result.exit_code == 0, result.output
    sources = lxml.html.fromstring(_page(out)).xpath("//video/@src")
    assert len(sources) == 1 and str(sources[0]).startswith("corpus/visit.mp4#t=")


def _report(folder: Path, target: Path, *extra: str) -> Result:
    return run("report", str(folder / f"{NAME}.cha"), "--no-store", "--format", "html",
               "-o", str(target), *extra)


def test_report_links_each_sequence_with_media(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = _report(folder, out, "--media")
    assert result.exit_code == 0, result.output
    page = _page(out)
    transcript = read(str(folder / f"{NAME}.cha")).transcript
    bullets = [(u.media.start_ms / 1000, u.media.end_ms / 1000)
               for u in transcript.utterances if u.media is not None]
    sources = _sources(page)
    assert sources
    for src in sources:
        path, _, fragment = src.partition("#t=")
        assert path == f"corpus/{NAME}.wav"
        start, end = (float(n) for n in fragment.split(","))
        assert start < end
        assert start in {b[0] for b in bullets} and end in {b[1] for b in bullets}


def test_report_without_media_flag_or_recording_links_nothing(folder: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    assert _report(folder, out).exit_code == 0
    assert "<audio" not in _page(out)
    (folder / f"{NAME}.wav").unlink()
    again = tmp_path / "again.html"
    assert _report(folder, again, "--media").exit_code == 0
    assert "<audio" not in _page(again) and ".wav" not in _page(again)


def test_media_flag_is_documented() -> None:
    for command in ("report", "excerpts"):
        result = run(command, "--help")
        assert "--media" in result.output and "file names appear" in result.output


def test_show_prints_bullets_as_times(folder: Path) -> None:
    result = run("show", str(folder / f"{NAME}.cha"), "--no-color")
    assert result.exit_code == 0, result.output
    assert "[00:33.9–00:44.3]" in result.output
    assert "33900_44300" not in result.output and "\x15" not in result.output
    assert not re.search(r"\d{4,}_\d{4,}", result.output)


def test_media_helpers() -> None:
    assert time_span(MediaTime(33_900, 44_399)) == "[00:33.9–00:44.3]"
    assert time_span(MediaTime(3_723_456, 3_730_000)) == "[1:02:03.4–1:02:10.0]"
    assert media_src(Path("/data/day 1/visit#2.wav"), Path("/data/out")) == \
        "../day%201/visit%232.wav"
    assert candidate_names("visit", "video", "t")[:2] == ["visit.mp4", "visit.mov"]
    assert candidate_names("visit.mp3", "audio", "t")[0] == "visit.mp3"
    assert pick_media(["a.wav", "t.wav"], ["T.WAV", "other.wav"]) == "T.WAV"
    assert pick_media(["a.wav"], ["a.wav.txt"]) is None
