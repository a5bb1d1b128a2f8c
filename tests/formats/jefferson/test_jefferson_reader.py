"""The Jefferson reader's layout handling: line numbers, turns, gaps, headers, phases,
encodings, overlap pairing by column, latching, GAT 2."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cakit.errors import ParseError
from cakit.formats import FORMATS, format_for, read
from cakit.formats.jefferson import JEFFERSON_FORMAT, parse_jefferson
from cakit.model import Feature, Transcript


def parse(text: str, **options: object) -> Transcript:
    result = parse_jefferson(text.split("\n"), source="t.txt", **options)  # type: ignore[arg-type]
    assert not result.errors, [str(d) for d in result.errors]
    return result.transcript


def projection(transcript: Transcript) -> list[object]:
    """Everything but spans and the source: what must not depend on encoding or line ends."""
    return [
        [(u.speaker, u.line, u.content, [(t.text, t.clean, t.kind, t.features, t.col)
                                         for t in u.tokens],
          [(e.kind, e.label, e.value, e.link, e.col) for e in u.events])
         for u in transcript.utterances],
        [(g.text, g.duration, g.position, g.line) for g in transcript.gaps],
        [(h.name, h.value, h.line, h.position) for h in transcript.headers],
        [(p.code, p.role) for p in transcript.participants],
        transcript.metadata,
    ]


NUMBERED = """\
 1  Dr:  so how have you been
 2       since we last met.
 3  P:   not bad.
 4       (1.4)
 5  Dr:  good."""


def test_jefferson_reader_numbered_lines_keep_physical_positions() -> None:
    transcript = parse(NUMBERED)
    assert transcript.format == "jefferson"
    assert [u.id for u in transcript.utterances] == ["u1", "u2", "u3"]
    first = transcript.utterances[0]
    assert (first.line, first.end_line, first.col) == (1, 2, 10)
    assert [t.clean for t in first.tokens] == ["so", "how", "have", "you", "been", "since",
                                               "we", "last", "met"]
    since = next(t for t in first.tokens if t.clean == "since")
    assert (since.line, since.col) == (2, 10)
    assert not any(t.clean in ("1", "2") for t in first.tokens)
    assert transcript.line_count == 5


def test_jefferson_reader_unnumbered_lines() -> None:
    transcript = parse("Dr: so how have you been\n    since we last met.\nP: not bad.")
    assert [u.speaker for u in transcript.utterances] == ["Dr", "P"]
    assert transcript.utterances[0].end_line == 2
    assert transcript.utterances[0].tokens[-1].clean == "met"


def test_jefferson_reader_numbers_only_stripped_in_numbered_files() -> None:
    transcript = parse("Dr: how many times\n    3 times a day?\nP: yes")
    assert [t.clean for t in transcript.utterances[0].tokens][3:] == ["3", "times", "a", "day"]


def test_jefferson_reader_gap_between_the_right_two_turns() -> None:
    transcript = parse(NUMBERED)
    (gap,) = transcript.gaps
    assert (gap.text, gap.duration, gap.line, gap.col, gap.position) == ("(1.4)", 1.4, 4, 10, 2)
    before = transcript.utterances[gap.position - 1]
    after = transcript.utterances[gap.position]
    assert (before.speaker, after.speaker) == ("P", "Dr")
    assert not any(e.kind == "pause" for u in transcript.utterances for e in u.events)


def test_jefferson_reader_pause_line_inside_a_turn_belongs_to_it() -> None:
    transcript = parse("P: I went out\n   (0.8)\n   and came back\nDr: right")
    assert not transcript.gaps
    pause = next(e for e in transcript.utterances[0].events if e.kind == "pause")
    assert (pause.value, pause.line, pause.index) == (0.8, 2, 3)
    assert transcript.utterances[0].end_line == 3


@pytest.mark.parametrize("pause", ["(.)", "(2.0)", "(0.35)", "..."])
def test_jefferson_reader_gap_forms(pause: str) -> None:
    transcript = parse(f"P: well\n{pause}\nDr: yes")
    assert len(transcript.gaps) == 1
    assert transcript.gaps[0].position == 1


def test_jefferson_reader_header_block_is_metadata() -> None:
    text = ("Title: Follow-up 3\nDate: 12/03/2021\nTranscriber: AB\n"
            "Key: [ overlap, = latch\n    (.) micropause\n\nDr: hello\nP: hi")
    transcript = parse(text)
    assert transcript.metadata == (("Title", "Follow-up 3"), ("Date", "12/03/2021"),
                                   ("Transcriber", "AB"),
                                   ("Key", "[ overlap, = latch (.) micropause"))
    assert [(h.name, h.line, h.position) for h in transcript.headers][:2] == [
        ("Title", 1, 0), ("Date", 2, 0)]
    assert transcript.utterances[0].line == 7
    assert transcript.meta("Transcriber") == "AB"


def test_jefferson_reader_first_paragraph_of_talk_is_not_a_header_block() -> None:
    transcript = parse("Dr: hello\nP: hi\n\nDr: so")
    assert not transcript.headers
    assert len(transcript.utterances) == 3


def test_a_role_word_under_a_known_header_is_a_header_unless_it_speaks_below() -> None:
    """`Interpreter: Tran Minh Duc` under `Title:` names the interpreter (a header); the same
    key used as a speaker label in the talk below makes the paragraph talk, nothing lost."""
    header = parse("Title: visit\nInterpreter: Tran Minh Duc (Vietnamese)\n\nDr: hello\nInt: hi")
    assert [h.name for h in header.headers] == ["Title", "Interpreter"]
    assert [u.speaker for u in header.utterances] == ["Dr", "Int"]
    result = parse_jefferson(["Title: visit", "Interpreter: she says hello", "", "Dr: hello",
                              "Interpreter: yes"], source="t.txt")
    assert not result.transcript.headers
    assert [u.speaker for u in result.transcript.utterances] == [
        "Title", "Interpreter", "Dr", "Interpreter"]
    assert [d.code for d in result.errors] == ["CK301"]  # 'Title' is not a role: said so


def test_jefferson_reader_phase_marks() -> None:
    transcript = parse("Dr: hello\nP: hi\n((phase: pre-closing))\nDr: see you\n"
                       "  ((Phase:closing))\nP: bye")
    phases = [(h.name, h.value, h.line, h.position) for h in transcript.headers]
    assert phases == [("phase", "pre-closing", 3, 2), ("phase", "closing", 5, 3)]
    assert [u.speaker for u in transcript.utterances] == ["Dr", "P", "Dr", "P"]


def test_jefferson_reader_phase_mark_in_numbered_file() -> None:
    transcript = parse(" 1  Dr: hello\n 2  ((phase: opening))\n 3  P: hi")
    assert [(h.name, h.value, h.position) for h in transcript.headers] == [
        ("phase", "opening", 1)]


def test_jefferson_reader_comment_inside_a_turn_is_not_a_phase() -> None:
    transcript = parse("Dr: hello ((phase: closing)) bye")
    assert not transcript.headers
    assert transcript.utterances[0].events[0].label == "phase: closing"


SAMPLE = (
    "Title: Encodings\n\nDr:  £hello£ how are you?\n"
    "P:   fine (0.5) thanks. [yes\nDr:                     [good\n    (1.2)\nP: °bye°"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: s.encode("cp1252"),
        lambda s: s.encode("utf-16"),
        lambda s: s.encode("utf-16-le"),
        lambda s: s.encode("utf-16-be"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf8-bom", "cp1252", "utf16-bom", "utf16le", "utf16be", "crlf", "bom-crlf",
         "cp1252-crlf"],
)
def test_jefferson_reader_encodings_read_identically(encode, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reference = tmp_path / "ref.txt"
    reference.write_bytes(SAMPLE.encode("utf-8"))
    other = tmp_path / "other.txt"
    other.write_bytes(encode(SAMPLE))
    expected = read(reference)
    result = read(other)
    assert not result.errors
    assert projection(result.transcript) == projection(expected.transcript)


def test_jefferson_reader_cp1252_gives_an_info_note(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("P: £hello£".encode("cp1252"))
    result = read(path)
    assert [(d.code, d.severity) for d in result.diagnostics] == [("CK104", "info")]
    assert result.transcript.utterances[0].tokens[0].has(Feature.SMILE)


def test_jefferson_reader_registered_by_suffix_and_sniffing(tmp_path: Path) -> None:
    assert "jefferson" in FORMATS.names() or format_for(Path("x.txt"), b"") is not None
    assert format_for(Path("x.txt"), b"") is JEFFERSON_FORMAT
    assert format_for(Path("x.transcript"), b"Dr: hello\nP: hi\n") is JEFFERSON_FORMAT
    assert format_for(Path("x.transcript"), b"@UTF8\n@Begin\n").name == "chat"  # type: ignore[union-attr]


# --- overlaps -----------------------------------------------------------------------------


def _links(transcript: Transcript) -> list[tuple[str, str, str]]:
    return [(u.speaker, e.label, e.link) for u in transcript.utterances for e in u.events
            if e.kind == "overlap"]


def test_jefferson_reader_overlap_pairs_by_column() -> None:
    text = ("P:   but the voices are still there at [night]\n"
            "M:                                      [she doesn't] sleep")
    transcript = parse(text)
    links = _links(transcript)
    assert [link for _, _, link in links] == ["ov1"] * 4
    assert [label for _, label, _ in links] == ["begin", "end", "begin", "end"]


def test_jefferson_reader_overlaps_at_different_columns() -> None:
    text = ("A: one [two three [four\n"
            "B:      [yes\n"
            "C:                  [no")
    transcript = parse(text, roles={"A": "clinician", "B": "patient", "C": "carer"})
    links = {(s, l) for s, _, l in _links(transcript)}
    first = next(link for speaker, link in links if speaker == "B")
    second = next(link for speaker, link in links if speaker == "C")
    assert first != second
    a_links = [link for speaker, _, link in _links(transcript) if speaker == "A"]
    assert a_links == [first, second]


@pytest.mark.parametrize("shift", [-2, -1, 1, 2])
def test_jefferson_reader_overlap_tolerance(shift: int) -> None:
    text = "P: and then [what\n" + "M:" + " " * (10 + shift) + "[yes"
    transcript = parse(text)
    assert {link for _, _, link in _links(transcript)} == {"ov1"}
    assert not transcript.diagnostics


def test_jefferson_reader_misaligned_overlap_is_reported() -> None:
    result = parse_jefferson(["P: and then [what", "M:                         [yes"],
                             source="t.txt")
    assert [d.code for d in result.diagnostics] == ["CK305", "CK305"]
    assert all(not link for _, _, link in _links(result.transcript))


def test_jefferson_reader_three_party_overlap() -> None:
    text = ("D:       and [see how it goes]\n"
            "P:           [yeah I can do that]\n"
            "Partner:     [I'll remind her]")
    transcript = parse(text)
    begins = [(s, link) for s, label, link in _links(transcript) if label == "begin"]
    assert [s for s, _ in begins] == ["D", "P", "Partner"]
    assert len({link for _, link in begins}) == 1 and begins[0][1]


def test_jefferson_reader_simultaneous_start() -> None:
    transcript = parse("Dr: [[well I\nP:  [[so")
    onsets = [e for u in transcript.utterances for e in u.events if e.kind == "overlap"]
    assert [e.text for e in onsets] == ["[[", "[["]
    assert onsets[0].link == onsets[1].link != ""


def test_jefferson_reader_overlap_with_tabs_aligns_visually() -> None:
    transcript = parse("1\tDr:\tyou know [what\n2\tP:\t         [yes")
    assert {link for _, _, link in _links(transcript)} == {"ov1"}


def test_jefferson_reader_overlap_on_continuation_line() -> None:
    text = "P:  I saw it\n     on the [stairs\nM:          [oh"
    transcript = parse(text)
    assert {link for _, _, link in _links(transcript)} == {"ov1"}


def test_jefferson_reader_backchannel_does_not_split_the_turn() -> None:
    text = "P:  they follow me every [day and\nDr:                       [mm\nP:   at night too"
    transcript = parse(text)
    assert [t.speaker for t in transcript.turns] == ["P"]
    assert transcript.turns[0].backchannels == (1,)


# --- latching -----------------------------------------------------------------------------


def test_jefferson_reader_latch_pairs_across_speakers() -> None:
    transcript = parse("P: mine got nicked.=\nM: =it's fine")
    end = transcript.utterances[0].events[-1]
    start = transcript.utterances[1].events[0]
    assert (end.kind, end.label, start.kind, start.label) == ("latch", "end", "latch", "start")
    assert end.link == start.link == "lt1"


def test_jefferson_reader_latch_across_an_overlapping_line() -> None:
    transcript = parse("P: I was going [to say=\nDr:             [mm\nP: =that it's fine")
    ends = [e.link for e in transcript.utterances[0].events if e.kind == "latch"]
    starts = [e.link for e in transcript.utterances[2].events if e.kind == "latch"]
    assert ends == starts == ["lt1"]


# --- GAT 2 --------------------------------------------------------------------------------


def test_jefferson_reader_gat2_capitals_are_accent() -> None:
    jefferson = parse("P: the acCENT and LOUD")
    gat = parse("P: the acCENT and LOUD", convention="gat2")
    assert jefferson.utterances[0].tokens[1].has(Feature.LOUD)
    accent = gat.utterances[0].tokens[1]
    assert accent.has(Feature.ACCENT) and not accent.has(Feature.LOUD)
    assert gat.utterances[0].tokens[3].has(Feature.ACCENT)


@pytest.mark.parametrize(("pause", "value"), [("(-)", 0.35), ("(--)", 0.65), ("(---)", 0.9)])
def test_jefferson_reader_gat2_pauses(pause: str, value: float) -> None:
    transcript = parse(f"P: well {pause} yes", convention="gat2")
    event = next(e for e in transcript.utterances[0].events if e.kind == "pause")
    assert event.value == value


@pytest.mark.parametrize(("text", "label"), [("°h", "in"), ("°hh", "in"), ("h°", "out"),
                                             ("hh°", "out")])
def test_jefferson_reader_gat2_breathing(text: str, label: str) -> None:
    transcript = parse(f"P: {text} yes", convention="gat2")
    breath = transcript.utterances[0].events[0]
    assert (breath.kind, breath.label) == ("breath", label)


@pytest.mark.parametrize(
    ("span", "feature"),
    [("<<laughing> so funny>", Feature.LAUGH), ("<<:-)> so funny>", Feature.SMILE),
     ("<<f> so funny>", Feature.LOUD), ("<<p> so funny>", Feature.QUIET),
     ("<<all> so funny>", Feature.FAST), ("<<len> so funny>", Feature.SLOW)],
)
def test_jefferson_reader_gat2_labelled_spans(span: str, feature: Feature) -> None:
    transcript = parse(f"P: it was {span} yes", convention="gat2")
    flags = [(t.clean, t.has(feature)) for t in transcript.utterances[0].tokens]
    assert flags == [("it", False), ("was", False), ("so", True), ("funny", True),
                     ("yes", False)]


def test_jefferson_reader_gat2_intonation_and_level() -> None:
    transcript = parse("P: yes? no; so - well.", convention="gat2")
    labels = [e.label for e in transcript.utterances[0].events if e.kind == "intonation"]
    assert labels == ["rise_high", "fall_mid", "level", "fall_low"]


# --- whole-file behaviour -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_jefferson_reader_empty_input_is_an_error(text: str) -> None:
    result = parse_jefferson(text.split("\n"), source="t.txt")
    assert [d.code for d in result.errors] == ["CK310"]


def test_jefferson_reader_no_speaker_lines() -> None:
    result = parse_jefferson(["just some notes", "about nothing"], source="t.txt")
    assert "CK310" in [d.code for d in result.errors]
    assert any(d.code == "CK303" for d in result.diagnostics)


def test_jefferson_reader_raise_mode_raises_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_jefferson(["notes"], source="t.txt", errors="raise")


def test_jefferson_reader_without_tokenizing() -> None:
    transcript = parse(NUMBERED, tokenize=False)
    assert [u.tokenized for u in transcript.utterances] == [False] * 3
    assert transcript.utterances[0].content == "so how have you been since we last met."
    assert [t.speaker for t in transcript.turns] == ["Dr", "P", "Dr"]


def test_jefferson_reader_turns_are_derived() -> None:
    transcript = parse("Dr: hello\nDr: are you ok\nP: yes")
    assert [(t.speaker, t.role, t.utterances) for t in transcript.turns] == [
        ("Dr", "clinician", (0, 1)), ("P", "patient", (2,))]


def test_jefferson_reader_empty_turn_is_reported() -> None:
    result = parse_jefferson(["Dr:", "P: hi"], source="t.txt")
    assert [d.code for d in result.diagnostics] == ["CK308"]


def test_jefferson_reader_chat_in_a_txt_file_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("@UTF8\n@Begin\n*DOC:\thello .\n@End\n")
    assert "CK309" in [d.code for d in read(path).diagnostics]


def test_a_sentence_in_the_header_block_is_a_note_not_a_speaker() -> None:
    """A title, a Participants line and a sentence about the transcript: the sentence is
    a note of the header block, and Participants is never read as a speaker."""
    text = ("Transcript 20 (fictional). Outpatient review.\n"
            "Participants: Clinician = consultant; Patient = man, 61.\n"
            "Line numbers below count from the first line of talk.\n\n"
            "001 Clinician: morning. come in.\n002 Patient:   morning.\n")
    result = parse_jefferson(text.split("\n"), source="t.txt")
    assert [u.speaker for u in result.transcript.utterances] == ["Clinician", "Patient"]
    assert not [d for d in result.diagnostics if d.code in ("CK301", "CK303")]
    assert result.transcript.meta("Participants").startswith("Clinician = consultant")


@pytest.mark.parametrize(("lines", "warned"), [
    (["Dr:   how have you been", "P:    not great", "I'm tired really tired",
      "Dr:   I see"], True),
    (["Dr:   how have you been", "P:    not great", "      I'm tired really tired"], False),
    (["10\tDr:\thow have you been", "11\t\tsince last time?", "12\tP:\tnot great"], False),
])
def test_jefferson_reader_warns_of_an_unlabelled_line_that_is_not_indented(
        lines: list[str], warned: bool) -> None:
    """An audit wrote a line of talk with no label at the label column: it went to the
    patient's turn above without a word, though it looks like a missing label."""
    result = parse_jefferson(lines, source="t.txt")
    found = [d for d in result.diagnostics if d.code == "CK314"]
    assert bool(found) == warned
    if warned:
        (warning,) = found
        assert (warning.severity, warning.span.line) == ("warning", 3)
        assert "read as more of P's turn" in warning.message
    patient = [u for u in result.transcript.utterances if u.speaker == "P"]
    assert len(patient) == 1  # read as more of the turn all the same
