"""Fuzz and property tests: the Jefferson and Word readers give diagnostics, never tracebacks.

About 2,500 generated or mutated inputs in all (deterministic: `derandomize=True`).
Structured transcripts also go through both writers, and the CHAT written for them must
read back without a single CHAT error.
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cakit.errors import ParseError
from cakit.formats import ReadOptions
from cakit.formats.chat.reader import parse_chat
from cakit.formats.chat.writer import to_chat
from cakit.formats.jefferson import DOCX_FORMAT, JEFFERSON_FORMAT, parse_jefferson
from cakit.formats.jefferson.writer import to_jefferson
from cakit.model import ParseResult


def fuzz(examples: int) -> settings:
    """Deterministic, deadline-free settings for `examples` generated inputs."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

MARK_CHARS = "[]=().,?¿!°£$#~*<>:-_↑↓{}→/'\"hH@&+%;^∙⌈⌉⌊⌋≡≈◉∆∇☺⁎⁇⤆Ἡ\x00\x15é€"
ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzDPMC0123456789 \t\n:" + MARK_CHARS))

LABELS = ["Dr", "P", "Mum", "PSY", "Pt", "Consultant", "D", "M", "Dad", "Patient", "Carer"]
PIECES = [
    "so", "well", "I", "don't", "know", "voices", "TALKING", "OK", "reALLy", "[", "]", "[[",
    "[yes", "no]", "=", "=so", "yes=", "(.)", "(0.5)", "(1.4)", "(-)", "((laughs))",
    "((looks at carer))", ".hh", "hh", ".hhh", "heh", "hah", "ha", "huh", "w(h)ord", "(h)",
    "°quiet°", "°", "°°very°°", ">fast<", ">", "<", "<slow>", "<hurried", "wo:rd", "no::",
    "wor-", "side-effects", "£smile£", "£", "$dollar$", "#creak#", "~wobble~", "*star*",
    "(word)", "(maybe", "so)", "( )", "(word/ward)", "(?guess)", "{mhm}", "...", "so...",
    "pt", "tch", ".", ",", "?", "¿", "?,", "!", "↑up", "↓down", "↑", "u:m", "erm", "12",
    "07700", "3pm", "A&E", "e.g.", "'cause", "goin'", "“quote”", "_under_", "<<f>", "x>",
    "∬whisper∬", "wor⤆", "xxx", "mm", "mhm", "uh-huh", "(2)", "word.", "yes?", "no,",
    "tha[t's", "righ]t", "0", "@", "&", "+", "%",
]


@st.composite
def transcripts(draw: st.DrawFn) -> list[str]:
    """Jefferson-looking lines: labels, continuations, pauses, phases, headers, noise."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["Title: fuzz", f"Date: {draw(st.integers(1, 28))}/03/2024", ""]
    numbered = draw(st.booleans())
    count = draw(st.integers(1, 12))
    for number in range(1, count + 1):
        kind = draw(st.sampled_from(["talk", "talk", "talk", "more", "gap", "phase", "blank"]))
        if kind == "talk":
            label = draw(st.sampled_from(LABELS))
            indent = " " * draw(st.integers(0, 6))
            body = _body(draw)
            text = f"{label}:{indent} {body}"
        elif kind == "more":
            text = "      " + _body(draw)
        elif kind == "gap":
            text = "      " + draw(st.sampled_from(["(1.4)", "(.)", "(0.35)", "...", "(2)"]))
        elif kind == "phase":
            text = "((phase: " + draw(st.sampled_from(["opening", "pre-closing", "x y"])) + "))"
        else:
            text = ""
        if numbered and text:
            text = f"{number:>3}  {text}"
        lines.append(text)
    return lines


def _body(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(PIECES), min_size=0, max_size=14))
    glue = draw(st.lists(st.sampled_from([" ", " ", " ", "", "  "]), min_size=len(pieces),
                         max_size=len(pieces)))
    return "".join(g + p for g, p in zip(glue, pieces, strict=True)).strip()


def _sane(result: ParseResult, line_count: int) -> None:
    transcript = result.transcript
    for utterance in transcript.utterances:
        assert 1 <= utterance.line <= utterance.end_line <= max(line_count, 1)
        for token in utterance.tokens:
            assert 1 <= token.line <= line_count and token.col >= 1
        for event in utterance.events:
            assert 1 <= event.line <= line_count and event.col >= 1
    for diagnostic in result.diagnostics:
        assert diagnostic.code and diagnostic.message
        str(diagnostic)


@fuzz(500)
@given(st.text(ALPHABET, max_size=400))
def test_jefferson_fuzz_arbitrary_text(text: str) -> None:
    lines = text.split("\n")
    result = parse_jefferson(lines, source="fuzz.txt")
    _sane(result, len(lines))


@fuzz(200)
@given(st.text(ALPHABET, max_size=200), st.sampled_from(["jefferson", "gat2"]))
def test_jefferson_fuzz_raise_mode_raises_only_parse_error(text: str, convention: str) -> None:
    try:
        parse_jefferson(text.split("\n"), source="fuzz.txt", errors="raise",
                        convention=convention)  # type: ignore[arg-type]
    except ParseError as error:
        assert error.diagnostic.severity == "error"


@fuzz(600)
@given(transcripts(), st.sampled_from(["jefferson", "gat2"]))
def test_jefferson_fuzz_structured_round_trips(lines: list[str], convention: str) -> None:
    result = parse_jefferson(lines, source="fuzz.txt", convention=convention,  # type: ignore[arg-type]
                             roles={"C": "carer"})
    _sane(result, len(lines))
    transcript = result.transcript
    written = to_jefferson(transcript)  # Jefferson notation, whatever the convention read
    again = parse_jefferson(written.split("\n")[:-1], source="again.txt", roles={"C": "carer"})
    assert len(again.transcript.utterances) == len(transcript.utterances)
    assert [u.speaker for u in again.transcript.utterances] == [
        u.speaker for u in transcript.utterances]
    assert [[t.clean.lower() for t in u.tokens] for u in again.transcript.utterances] == [
        [t.clean.lower() for t in u.tokens] for u in transcript.utterances]
    if not transcript.participants:
        return  # nothing to declare: an empty transcript is an error already (CK310)
    chat = to_chat(transcript)
    checked = parse_chat(chat, source="fuzz.cha", stem="fuzz")
    assert not checked.errors, (chat, [str(d) for d in checked.errors])
    assert len(checked.transcript.utterances) == len(transcript.utterances)


SEED = (
    "Title: seed\n\n 1  Dr:  so how have [you been\n 2  P:              [.hh we:ll (0.5)\n"
    " 3       £I don't know£ (h)eh ((laughs))=\n 4  M:   =°no° >really< <so\n"
    " 5       (1.2)\n((phase: closing))\n 6  Dr:  OK (word/ward) ( ) {mhm} ...\n"
)


@st.composite
def mutations(draw: st.DrawFn) -> str:
    text = SEED
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        piece = draw(st.text(ALPHABET, min_size=1, max_size=4))
        if action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + len(piece):]
        elif action == "replace":
            text = text[:position] + piece + text[position + len(piece):]
        else:
            text = text[:position] + text[position:position + 20] + text[position:]
    return text


@fuzz(500)
@given(mutations(), st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]))
def test_jefferson_fuzz_mutated_files(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    for options in (ReadOptions(), ReadOptions(tokenize=False),
                    ReadOptions(convention="gat2")):
        result = JEFFERSON_FORMAT.read_bytes(data, source="m.txt", errors="collect",
                                             options=options)
        assert result.transcript.format == "jefferson"
        for diagnostic in result.diagnostics:
            str(diagnostic)


@fuzz(300)
@given(st.binary(max_size=600))
def test_jefferson_fuzz_random_bytes(data: bytes) -> None:
    for fmt in (JEFFERSON_FORMAT, DOCX_FORMAT):
        result = fmt.read_bytes(data, source="b.bin", errors="collect", options=ReadOptions())
        for diagnostic in result.diagnostics:
            str(diagnostic)


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


DOCX_SEED = _docx(
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Dr: hello</w:t></w:r></w:p><w:p><w:r><w:rPr><w:u w:val="
    '"single"/></w:rPr><w:t>P: really</w:t></w:r><w:r><w:tab/><w:t>[yes</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


@fuzz(200)
@given(st.lists(st.tuples(st.integers(0, len(DOCX_SEED) - 1), st.integers(0, 255)),
                min_size=1, max_size=6))
def test_jefferson_fuzz_mutated_docx(changes: list[tuple[int, int]]) -> None:
    data = bytearray(DOCX_SEED)
    for position, value in changes:
        data[position] = value
    result = DOCX_FORMAT.read_bytes(bytes(data), source="m.docx", errors="collect",
                                    options=ReadOptions())
    for diagnostic in result.diagnostics:
        str(diagnostic)


@fuzz(200)
@given(st.text(st.sampled_from(list("abc DP:\n[]=<>°(.)&;'\"é")), max_size=120))
def test_jefferson_fuzz_docx_text(text: str) -> None:
    from xml.sax.saxutils import escape

    paragraphs = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r>"
                         "</w:p>" for line in text.split("\n"))
    data = _docx('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                 f'2006/main"><w:body>{paragraphs}</w:body></w:document>')
    result = DOCX_FORMAT.read_bytes(data, source="t.docx", errors="collect",
                                    options=ReadOptions())
    _sane(result, max(len(text.split("\n")), 1))
