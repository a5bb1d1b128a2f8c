"""The two writers: Jefferson and CHAT, and the round trips through the model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cakit.config import find_config
from cakit.formats import read
from cakit.formats.chat.reader import parse_chat
from cakit.formats.chat.writer import to_chat
from cakit.formats.jefferson import parse_jefferson
from cakit.formats.jefferson.writer import render_lines, to_jefferson
from cakit.model import Feature, Transcript

try:
    from tests.conftest import DEMO, chat_files, needs_shared
except ImportError:  # tests/ run as a plain folder
    from conftest import DEMO, chat_files, needs_shared  # type: ignore[no-redef]

ALL_MARKS = """\
Title: All the marks
Participants: Dr = consultant; P = patient; M = mother

 1  Dr:  so how have you been since we last me:t.
 2  P:   .hh well (0.5) I've been (.) alri:ght I suppose,
 3       but the ↑voices are still there at [night
 4  M:                                      [°she doesn't sleep°
 5  Dr:  mm hm=
 6  P:   =they're TALKING to me (h)about stu:ff heh heh
 7       (1.4)
 8  Dr:  >what do they say<? <well> I mean
 9  P:   £I don't know£ it's- it's (word/ward) ( ) ((looks at carer)) {mhm}
10       °°quiet°° #creak# ~wobble~ ↓down hh w(h)ord $smile$
11       <hurried start and side-effects tch pt ...
((phase: pre-closing))
12  Dr:  okay¿ see you in three months?, OK GP wow!
13       (2.0)
14  M:   hah ha ha (?maybe) u:m 12 o'clock
"""


def jefferson(text: str) -> Transcript:
    result = parse_jefferson(text.split("\n")[:-1] if text.endswith("\n") else
                             text.split("\n"), source="t.txt")
    assert not result.errors, [str(d) for d in result.errors]
    return result.transcript


def model_projection(transcript: Transcript) -> list[object]:
    """Words, marks, speakers, gaps, headers and line structure, without spans."""
    return [
        [(u.speaker, u.end_line - u.line,
          [(t.clean, t.kind, t.features) for t in u.tokens],
          [(e.kind, e.label, e.value, bool(e.link)) for e in u.events])
         for u in transcript.utterances],
        [(g.duration, g.position) for g in transcript.gaps],
        [(h.name, h.value, h.position) for h in transcript.headers],
        [(p.code, p.role) for p in transcript.participants],
    ]


def chat_projection(transcript: Transcript) -> list[object]:
    """A span-insensitive view of a CHAT transcript for the CHAT → CHAT round trip."""
    return [
        [(u.speaker, u.terminator, u.media,
          [(t.text, t.clean, t.kind, t.features, t.form) for t in u.tokens],
          [(e.kind, e.label, e.value, e.text, e.media) for e in u.events],
          [(d.name, d.text, d.items, d.media) for d in u.tiers])
         for u in transcript.utterances],
        [(g.text, g.duration, g.position, g.media) for g in transcript.gaps],
        [(h.name, h.value, h.position) for h in transcript.headers],
        [(p.code, p.role, p.name, p.label_role, p.id) for p in transcript.participants],
        transcript.options,
    ]


def reread_jefferson(text: str) -> Transcript:
    return jefferson(text)


# --- to_jefferson -------------------------------------------------------------------------


def test_writers_jefferson_round_trip_keeps_words_marks_speakers_lines() -> None:
    source = jefferson(ALL_MARKS)
    written = to_jefferson(source)
    again = reread_jefferson(written)
    assert model_projection(again) == model_projection(source)
    assert to_jefferson(again) == written


def test_writers_jefferson_layout() -> None:
    written = to_jefferson(jefferson(ALL_MARKS))
    head, _, body = written.partition("\n\n")
    assert head.splitlines()[0] == "Title: All the marks"
    lines = body.splitlines()
    assert [int(line.split()[0]) for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0].startswith(" 1  Dr:  so how")
    labelled = [line for line in lines if re.match(r"^\s*\d+\s+\w+:", line)]
    starts = {len(line) - len(line.lstrip(" 0123456789")) for line in labelled}
    assert len(starts) == 1  # numbers right-aligned, labels in one column
    number_width = {len(line) - len(line.lstrip()) + len(line.split()[0]) for line in lines}
    assert len(number_width) == 1
    label_ends = {re.match(r"^\s*\d+\s+(\w+:\s*)", line).end()  # type: ignore[union-attr]
                  for line in labelled if "[" not in line}
    assert len(label_ends) == 1  # talk starts in one column (bar overlap padding)
    assert any(line.endswith("(1.4)") and ":" not in line for line in lines)
    assert any(line.strip().endswith("((phase: pre-closing))") for line in lines)


def test_writers_jefferson_every_mark_rendered() -> None:
    written = to_jefferson(jefferson(ALL_MARKS))
    for mark in [".hh", "(0.5)", "(.)", "alri:ght", "↑voices", "°she doesn't sleep°", "hm=",
                 "=they're", "TALKING", "(h)about", "heh heh", ">what do they say<?",
                 "<well>", "£I don't know£", "it's-", "(word/ward)", "( )",
                 "((looks at carer))", "{mhm}", "°°quiet°°", "#creak#", "~wobble~", "↓down",
                 " hh ", "w(h)ord", "£smile£", "<hurried", "side-effects", "tch", "pt", "...",
                 "okay¿", "months?,", "OK GP", "wow!", "(2.0)", "(maybe)", "u:m"]:
        assert mark in written, mark


def test_writers_jefferson_realigns_overlap_brackets() -> None:
    source = jefferson("P:  and then at [night\nM:" + " " * 16 + "[she doesn't\n"
                       "Dr: and [so\nP:    [yes")
    assert all(e.link for u in source.utterances for e in u.events)
    lines = to_jefferson(source).splitlines()
    columns = [line.index("[") for line in lines]
    assert columns[0] == columns[1]
    assert columns[2] == columns[3]
    again = reread_jefferson(to_jefferson(source))
    assert model_projection(again) == model_projection(source)


def test_writers_jefferson_aligns_chat_overlaps() -> None:
    text = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Doctor Therapist, PAT Pat "
            "Participant\n@Options:\tCA\n@ID:\teng|x|DOC|||||Therapist|||\n"
            "@ID:\teng|x|PAT|||||Participant|||\n*DOC:\tand how ⌈ are you ⌉ ⇗\n"
            "*PAT:\t⌊ fine ⌋ .\n\t(1.5)\n*DOC:\tgood .\n@End\n")
    transcript = parse_chat(text, source="x.cha").transcript
    lines = to_jefferson(transcript).split("\n\n", 1)[1].splitlines()
    assert lines[0].index("[") == lines[1].index("[")
    assert lines[2].strip().endswith("(1.5)")
    rows = render_lines(transcript)
    assert [row.source_line for row in rows] == [8, 9, 10, 11]
    assert [row.label for row in rows] == ["DOC", "PAT", "", "DOC"]


def test_writers_jefferson_from_chat_declares_roles() -> None:
    text = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Doctor Therapist, MOT Mum "
            "Mother, SPK Interpreter\n@Options:\tCA\n*DOC:\thello .\n*MOT:\thi .\n"
            "*SPK:\tyes .\n@End\n")
    written = to_jefferson(parse_chat(text, source="x.cha").transcript)
    assert "Participants: DOC = Doctor, clinician (Therapist); MOT = Mum, carer (Mother); " \
           "SPK = other (Interpreter)" in written
    again = jefferson(written)
    assert [(p.code, p.role) for p in again.participants] == [
        ("DOC", "clinician"), ("MOT", "carer"), ("SPK", "other")]


def test_writers_jefferson_renders_any_chat_reference_file() -> None:
    for path in chat_files("chatter-reference")[:40]:
        transcript = read(path).transcript
        written = to_jefferson(transcript)
        assert written.endswith("\n")


# --- to_chat ------------------------------------------------------------------------------


def test_writers_chat_headers() -> None:
    text = to_chat(jefferson(ALL_MARKS))
    lines = text.splitlines()
    assert lines[:3] == ["@UTF8", "@Begin", "@Languages:\teng"]
    assert lines[3] == "@Participants:\tDR Dr Therapist, P Participant, M Relative"
    assert lines[4] == "@Options:\tCA"
    assert lines[5:8] == ["@ID:\teng|cakit|DR|||||Therapist|||",
                          "@ID:\teng|cakit|P|||||Participant|||",
                          "@ID:\teng|cakit|M|||||Relative|||"]
    assert "@Comment:\tTitle: All the marks" in lines
    assert "@G:\tpre-closing" in lines  # a phase mark stays one (a lazy gem)
    assert lines[-1] == "@End"
    assert not any(line.startswith("@Media") for line in lines)


def test_writers_chat_output_has_no_errors_and_keeps_the_model() -> None:
    source = jefferson(ALL_MARKS)
    text = to_chat(source)
    result = parse_chat(text, source="t.cha", stem="t")
    assert not result.errors, [str(d) for d in result.errors]
    chat = result.transcript
    assert [u.speaker for u in chat.utterances] == ["DR", "P", "M", "DR", "P", "DR", "P", "DR",
                                                     "M"]
    assert [p.role for p in chat.participants] == ["clinician", "patient", "carer"]
    assert [(g.duration, g.position) for g in chat.gaps] == [(g.duration, g.position)
                                                             for g in source.gaps]
    # CHAT has no glyph for tremulous voice (kept as [=! tremulous]); the CHAT reader reads
    # an out-breath "hh" and in-word laughter "Ἡ" as words (reported to its owner)
    kept = ~(Feature.EMPHASIS | Feature.TREMULOUS)
    for mine, theirs in zip(source.utterances, chat.utterances, strict=True):
        spoken = [(t.clean, t.kind, t.features & kept) for t in mine.tokens
                  if t.kind != "untranscribed" and not t.has(Feature.LAUGH)]
        read_back = [(t.clean, t.kind, t.features & kept) for t in theirs.tokens
                     if t.kind != "untranscribed" and "Ἡ" not in t.text and t.clean != "hh"]
        assert read_back == spoken


@pytest.mark.parametrize(
    "glyph",
    ["∙hh well (0.5)", "(.)", "alri:ght", "↑voices", "⌈ night", "⌊ °she doesn't sleep°",
     "hm ≡", "≡ they're", "◉TALKING◉", "Ἡabout", "heh heh", "∆what do they say∆ ⇗",
     "∇well∇", "☺I don't know☺", "it's⤆", "⁇word⁇ [=? ward]", "xxx", "&=looks_at_carer",
     "&*", "°°quiet°°", "⁎creak⁎", "wobble [=! tremulous]", "↓down", " hh ", "wἩord",
     "⤇hurried", "side-effects", "&=tch", "&=pt", "(...)", "okay ↗", "⇘", "→", "&-u:m",
     "12@z:digits", "!"],
)
def test_writers_chat_glyphs(glyph: str) -> None:
    assert glyph in to_chat(jefferson(ALL_MARKS))


def test_writers_chat_concurrent_overlaps_get_index_digits() -> None:
    text = to_chat(parse_jefferson(
        "A: one [two three [four five]\nB:     [yes\nC:                 [no]".split("\n"),
        source="t.txt", roles={"A": "clinician", "B": "patient", "C": "carer"}).transcript)
    lines = [line for line in text.splitlines() if line.startswith("*")]
    assert lines[0] == "*A:\tone ⌈ two three ⌈2 four five ⌉2"
    assert lines[1] == "*B:\t⌊ yes"
    assert lines[2] == "*C:\t⌊2 no ⌋2"
    result = parse_chat(text, source="t.cha")
    assert not result.errors
    links = [e.link for u in result.transcript.utterances for e in u.events
             if e.kind == "overlap" and e.label.endswith("begin")]
    assert links[0] == links[2] and links[1] == links[3] and links[0] != links[1]


def test_writers_chat_latch_within_one_speaker_uses_no_break() -> None:
    transcript = parse_jefferson(["P: I was going [to say=", "Dr:             [mm",
                                  "P: =that it's fine"], source="t.txt").transcript
    text = to_chat(transcript)
    assert "*P:\tI was going ⌈ to say ≈" in text
    assert "*P:\t+≈ that it's fine" in text
    assert not parse_chat(text, source="t.cha").errors


def test_writers_chat_digits_and_leading_zero() -> None:
    text = to_chat(jefferson("Dr: ring 07700 900123 at 3pm"))
    assert not parse_chat(text, source="t.cha").errors
    chat = parse_chat(text, source="t.cha").transcript
    words = [(t.clean, t.kind) for t in chat.utterances[0].tokens]
    assert words == [("ring", "word"), ("07700", "word"), ("900123", "word"), ("at", "word"),
                     ("3pm", "word")]


def test_writers_chat_empty_turn() -> None:
    transcript = parse_jefferson(["Dr:", "P: hi"], source="t.txt").transcript
    text = to_chat(transcript)
    assert "*DR:\t0" in text
    assert not parse_chat(text, source="t.cha").errors


def test_writers_chat_unknown_role_is_unidentified() -> None:
    transcript = parse_jefferson(["Keeper: hi", "P: hello"], source="t.txt").transcript
    text = to_chat(transcript)
    assert "KEEPER Keeper Unidentified" in text
    assert not parse_chat(text, source="t.cha").errors


# --- CHAT → model → CHAT on every shared reference file -------------------------------------


SHARED_CHAT = chat_files("testchat/good") + chat_files("chatter-reference")


def chat_round_trip(path: Path, tmp_path: Path) -> None:
    original = read(path)
    text = to_chat(original.transcript)
    copy = tmp_path / path.name  # same name: @Media must still match the file
    copy.write_text(text, encoding="utf-8")
    again = read(copy)
    assert chat_projection(again.transcript) == chat_projection(original.transcript)
    assert [d.code for d in again.errors] == [d.code for d in original.errors]


@needs_shared
@pytest.mark.parametrize("path", SHARED_CHAT, ids=[p.parent.name + "/" + p.name
                                                   for p in SHARED_CHAT])
def test_writers_chat_round_trip_shared(path: Path, tmp_path: Path) -> None:
    chat_round_trip(path, tmp_path)


@needs_shared
def test_writers_chat_round_trip_shared_folders_are_there() -> None:
    assert len(chat_files("testchat/good")) > 100
    assert len(chat_files("chatter-reference")) > 50


# --- the demo corpus ----------------------------------------------------------------------


DEMO_FILES = sorted(p for p in DEMO.glob("*") if p.suffix in (".txt", ".docx", ".cha"))


def test_writers_demo_corpus_is_not_empty() -> None:
    assert len(DEMO_FILES) >= 12, "corpora/demo should hold at least 12 transcripts"


@pytest.mark.parametrize("path", DEMO_FILES, ids=[p.name for p in DEMO_FILES])
def test_writers_demo_file_reads_converts_and_validates(path: Path, tmp_path: Path) -> None:
    original = read(path)
    assert not original.errors, [str(d) for d in original.errors]
    chat_text = to_chat(original.transcript)
    converted = tmp_path / (path.stem + ".cha")
    converted.write_text(chat_text, encoding="utf-8")
    result = read(converted)
    assert not result.errors, [str(d) for d in result.errors]
    assert len(result.transcript.utterances) == len(original.transcript.utterances)
    jefferson_text = to_jefferson(original.transcript)
    back = tmp_path / (path.stem + ".txt")
    back.write_text(jefferson_text, encoding="utf-8")
    shutil_config = find_config(path.parent)
    if shutil_config is not None:
        (tmp_path / "cakit.yaml").write_text(shutil_config.read_text())
    again = read(back)
    assert not again.errors, [str(d) for d in again.errors]
    if original.transcript.format == "chat":
        chat_round_trip(path, tmp_path)
    else:
        assert model_projection(again.transcript) == model_projection(original.transcript)
