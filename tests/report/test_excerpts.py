"""Excerpts: selection, layout (numbers, arrows, aligned overlaps), txt/md goldens, Word, HTML."""

from __future__ import annotations

import io
import re
import zipfile

import lxml.etree as etree
import lxml.html
import pytest

from cakit.report.deid import Deidentifier
from cakit.report.excerpts import (
    Selection,
    build_excerpts,
    select,
    to_docx,
    to_html,
    to_markdown,
    to_text,
)
from cakit.report.lines import source_view, strip_printed_numbers
from tests.report._helpers import TEST_KEY, check_golden, gold_pairs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def deid() -> Deidentifier:
    return Deidentifier.for_transcripts([t for t, _ in gold_pairs()], key=TEST_KEY)


def golden_selection() -> list:  # type: ignore[type-arg]
    """01's two attempts (names, £, latching) and 02's first (an overlap)."""
    first = build_excerpts(gold_pairs(), Selection(consultations=("01-brennan-jefferson",)),
                           deid=deid())
    second = build_excerpts(gold_pairs(), Selection(consultations=("02-harlow-consultant",),
                                                    outcomes=("SHIFTED",)), deid=deid())
    return first + second


def test_excerpts_txt_matches_golden() -> None:
    text = to_text(golden_selection())
    check_golden("excerpts.txt", text)


def test_excerpts_md_matches_golden() -> None:
    text = to_markdown(golden_selection())
    check_golden("excerpts.md", text)


def test_excerpts_layout_numbers_arrows_and_citation() -> None:
    excerpt = build_excerpts(gold_pairs(), Selection(consultations=("01-brennan-jefferson",)),
                             context=2)[0]
    numbers = [line.number for line in excerpt.lines]
    assert numbers == list(range(excerpt.first_line, excerpt.last_line + 1))
    marked = {line.number for line in excerpt.lines if line.marked}
    assert {41, 42, 43, 45, 49, 51} <= marked  # the attempt's three lines and R1–R3
    assert 44 not in marked  # the (1.4) gap line
    text = to_text([excerpt], deidentified=False)
    assert "→ 41  P:    (0.4) why do they only start up at night?" in text
    assert re.search(r"01-brennan-jefferson@c0a02193 lines \d+–\d+", text)
    assert excerpt.citation.endswith(f"lines {excerpt.first_line}–{excerpt.last_line}")
    assert "NOT DE-IDENTIFIED" in text


def test_excerpts_overlap_brackets_stay_aligned() -> None:
    excerpt = build_excerpts(gold_pairs(), Selection(consultations=("02-harlow-consultant",),
                                                     outcomes=("SHIFTED",)), deid=deid())[0]
    lines = [line for line in to_text([excerpt]).splitlines() if "[" in line and "[Name" not in
             line]
    top = next(line for line in lines if "[night.]" in line)
    bottom = next(line for line in lines if "[mm. ]" in line)
    assert top.index("[night.]") == bottom.index("[mm. ]")


@pytest.mark.parametrize(("selection", "expected"), [
    (Selection(codes=("HESITATE",)), 10),
    (Selection(codes=("CARER_LAUGH",)), 4),
    (Selection(subtypes=("PSY_EMO",)), 6),
    (Selection(outcomes=("DEFLECTED",)), 3),
    (Selection(phases=("CLOSING",)), 1),
    (Selection(codes=("CLOSE_POSTPONE",)), 4),
    (Selection(consultations=("07-achterberg-noattempt",)), 0),
    (Selection(consultations=("14-lindqvist-chat.cha",)), 3),
    (Selection(subtypes=("PSY_Q",), phases=("PRE_CLOSING",)), 5),
])
def test_excerpts_selection(selection: Selection, expected: int) -> None:
    assert len(select(gold_pairs(), selection)) == expected


def test_excerpts_chat_source_rendered_as_jefferson_with_source_lines() -> None:
    excerpt = build_excerpts(gold_pairs(), Selection(consultations=("12-wojcik-chat-media",)))[0]
    text = "\n".join(line.text for line in excerpt.lines)
    assert "*NUR" not in text and "NUR:" in text
    transcript = next(t for t, a in gold_pairs() if a.id == "12-wojcik-chat-media")
    starts = {u.line for u in transcript.utterances}
    assert all(line.number in starts or not line.text.strip()[:4].endswith(":")
               for line in excerpt.lines)


def test_excerpts_docx_read_back_has_lines_and_numbers() -> None:
    chosen = golden_selection()
    data = to_docx(chosen)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml",
                "word/styles.xml"} <= names
        root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    expected = [line for line in to_text(chosen).splitlines()
                if re.match(r"^[→ ] +\d+  ", line)]
    assert expected and all(line in paragraphs for line in expected)
    assert any(p.startswith("→ ") and " 41  " in p for p in paragraphs)
    texts = list(root.iter(f"{W}t"))
    space = "{http://www.w3.org/XML/1998/namespace}space"
    assert all(t.get(space) == "preserve" for t in texts)
    fonts = {f.get(f"{W}ascii") for f in root.iter(f"{W}rFonts")}
    assert "Courier New" in fonts


def test_excerpts_html_is_self_contained_and_escaped() -> None:
    chosen = golden_selection()
    page = to_html(chosen)
    tree = lxml.html.fromstring(page)
    assert len(tree.findall(".//section")) == len(chosen)
    assert "<script" not in page and "<link" not in page
    assert "&lt;" in page or "&gt;" in page or ">" not in "".join(
        line.text for e in chosen for line in e.lines)
    pre = tree.findall(".//pre")[0].text_content()
    assert "→" in pre


def test_excerpts_strip_printed_numbers_keeps_layout() -> None:
    lines = ["  1  Dr:   hello", "  2        (0.5)", "→ 3  P:    [yes]", "  4  Dr:   [mm ]"]
    stripped, width = strip_printed_numbers(lines)
    assert width == 5
    assert stripped == ["Dr:   hello", "      (0.5)", "P:    [yes]", "Dr:   [mm ]"]
    plain = ["Dr:  hello", "     12 times"]
    assert strip_printed_numbers(plain) == (plain, 0)


@pytest.mark.parametrize("stem", ["01-brennan-jefferson", "03-ndlovu-cp1252",
                                  "09-fitzgerald-dollar", "10-quinn-docx",
                                  "11-rahman-chat-media"])
def test_excerpts_source_view_numbers_are_physical_lines(stem: str) -> None:
    transcript = next(t for t, a in gold_pairs() if a.id == stem)
    view = source_view(transcript)
    by_number = {line.number: line for line in view.lines}
    for utterance in transcript.utterances[:20]:
        line = by_number[utterance.line]
        assert line.text.lstrip().startswith(utterance.speaker)
        assert not re.match(r"^\s*(→\s*)?\d+\s", line.text)  # printed numbers removed


def test_excerpts_evidence_names_no_declared_participant() -> None:
    """The annotator's evidence quotes talk in lower case; an audit found "i'm sorry to
    hear that sean" printed beside talk that showed Sean's pseudonym: a declared name in
    lower case was taken for a word and only flagged. Machine codes, that demo file."""
    import cakit
    from cakit.annotate import annotate
    from tests.conftest import REPO

    pairs = []
    for path in [REPO / "corpora" / "demo" / "09-fitzgerald-dollar.txt"]:
        transcript = cakit.read(path).transcript
        pairs.append((transcript, annotate(transcript)))
    names = {word.casefold() for transcript, _ in pairs for p in transcript.participants
             for word in re.findall(r"[^\W\d_]{3,}", p.name or "")}
    names -= {"doctor", "nurse", "patient", "carer", "aunt", "mother", "father", "and"}
    assert {"sean", "bernie", "fitzgerald"} <= names
    shield = Deidentifier.for_transcripts([t for t, _ in pairs], key=TEST_KEY)
    excerpts = build_excerpts(pairs, deid=shield)
    evidence = "\n".join(item for excerpt in excerpts for item in excerpt.evidence)
    assert "tie.anaphora" in evidence  # evidence with quoted talk is there to check
    leaked = {word for word in re.findall(r"[^\W\d_]+", evidence.casefold()) if word in names}
    assert leaked == set()


def test_excerpts_limit_says_how_many_sequences_matched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An outside review: `--limit 2` of 34 matching sequences said "2 excerpt(s)"."""
    from click.testing import CliRunner

    from cakit.cli import cli
    from tests.conftest import DEMO

    out = tmp_path / "e.md"
    limited = CliRunner().invoke(cli, ["excerpts", str(DEMO), "--no-store", "--limit", "2",
                                       "-o", str(out)])
    assert limited.exit_code == 0, limited.output
    everything = CliRunner().invoke(cli, ["excerpts", str(DEMO), "--no-store", "-o",
                                          str(tmp_path / "all.md")])
    total = int(re.search(r"(\d+) excerpt\(s\)", everything.stderr).group(1))  # type: ignore[union-attr]
    assert total > 2 and "showing" not in everything.stderr
    assert f"showing 2 of {total} matching sequences" in limited.stderr
