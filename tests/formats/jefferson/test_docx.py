"""Word `.docx` transcripts: built here with zipfile, read with lxml, checked like any zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cakit.formats import read
from cakit.formats.jefferson import DOCX_FORMAT, docx
from cakit.formats.jefferson.docx import read_docx
from cakit.model import Feature

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)

Run = tuple[str, bool]  # text, underlined


def run(text: str, underline: bool = False) -> str:
    """One `<w:r>`: TABs become `<w:tab/>`."""
    props = '<w:rPr><w:u w:val="single"/></w:rPr>' if underline else ""
    parts = []
    for index, piece in enumerate(text.split("\t")):
        if index:
            parts.append("<w:tab/>")
        if piece:
            parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{props}{''.join(parts)}</w:r>"


def paragraph(*runs: str | Run) -> str:
    body = "".join(r if isinstance(r, str) and r.startswith("<") else
                   run(*r) if isinstance(r, tuple) else run(r) for r in runs)
    return f"<w:p>{body}</w:p>"


def document(*paragraphs: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(paragraphs)}'
            "<w:sectPr/></w:body></w:document>")


def make_docx(xml: str | None, extra: dict[str, bytes | str] | None = None) -> bytes:
    """A minimal .docx (or any zip) with the given document.xml and extra entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        if xml is not None:
            archive.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "t.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


TRANSCRIPT = document(
    paragraph("Title: Follow-up"),
    paragraph(),
    paragraph("1\tDr:\tdo you ", ("think", True), " so?"),
    paragraph("2\tP:\tI ", ("really", True), " do ", ("not know", True)),
)


def test_docx_reads_paragraphs_as_lines(tmp_path: Path) -> None:
    result = read(write(tmp_path, make_docx(TRANSCRIPT)))
    assert not result.diagnostics, [str(d) for d in result.diagnostics]
    transcript = result.transcript
    assert transcript.format == "jefferson"
    assert transcript.meta("container") == "docx"
    assert transcript.meta("Title") == "Follow-up"
    assert [(u.speaker, u.line) for u in transcript.utterances] == [("Dr", 3), ("P", 4)]
    think = transcript.utterances[0].tokens[2]
    assert (think.clean, think.line, think.col) == ("think", 3, 14)


def test_docx_underline_is_emphasis(tmp_path: Path) -> None:
    transcript = read(write(tmp_path, make_docx(TRANSCRIPT))).transcript
    emphasis = [(t.clean, t.has(Feature.EMPHASIS)) for u in transcript.utterances
                for t in u.tokens]
    assert emphasis == [("do", False), ("you", False), ("think", True), ("so", False),
                        ("I", False), ("really", True), ("do", False), ("not", True),
                        ("know", True)]


def test_docx_underline_none_is_not_emphasis() -> None:
    xml = document(paragraph('<w:r><w:rPr><w:u w:val="none"/></w:rPr><w:t>P: hello</w:t></w:r>'))
    text = read_docx(make_docx(xml), "t.docx")
    assert text.lines == ["P: hello"] and not text.underline


def test_docx_tabs_and_table_rows(tmp_path: Path) -> None:
    row = ("<w:tr>" + "".join(f"<w:tc>{paragraph(cell)}</w:tc>" for cell in
                              ("7", "Dr:", "hello there")) + "</w:tr>")
    xml = document(paragraph("6\tP:\thi"), f"<w:tbl>{row}</w:tbl>")
    text = read_docx(make_docx(xml), "t.docx")
    assert text.lines == ["6\tP:\thi", "7\tDr:\thello there"]


def test_docx_line_breaks_in_a_paragraph_are_lines(tmp_path: Path) -> None:
    """A transcript pasted into Word often comes as one paragraph with Shift+Enter
    (`<w:br/>`) between its lines. An audit found it read as one clinician utterance, the
    patient's talk and the labels counted as the clinician's words, and no warning. In a
    table cell a break stays a space: the row is the line."""
    pasted = ('<w:p><w:r><w:t xml:space="preserve">Dr:   how are you</w:t><w:br/>'
              '<w:t xml:space="preserve">P:    not </w:t></w:r>'
              '<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>great</w:t><w:br/>'
              '<w:t xml:space="preserve">honestly</w:t></w:r><w:r><w:br/>'
              '<w:t xml:space="preserve">Dr:   why</w:t></w:r></w:p>')
    cell = '<w:tc><w:p><w:r><w:t>hello</w:t><w:br/><w:t>there</w:t></w:r></w:p></w:tc>'
    xml = document(pasted, f"<w:tbl><w:tr><w:tc>{paragraph('Dr:')}</w:tc>{cell}</w:tr></w:tbl>")
    text = read_docx(make_docx(xml), "t.docx")
    assert text.lines == ["Dr:   how are you", "P:    not great", "honestly", "Dr:   why",
                          "Dr:\thello there"]
    assert text.underline == {2: [(10, 15)], 3: [(0, 8)]}
    transcript = read(write(tmp_path, make_docx(xml))).transcript
    assert [(u.speaker, u.line, [t.clean for t in u.tokens]) for u in transcript.utterances
            ] == [("Dr", 1, ["how", "are", "you"]), ("P", 2, ["not", "great", "honestly"]),
                  ("Dr", 4, ["why"]), ("Dr", 5, ["hello", "there"])]


def test_docx_same_model_as_plain_text(tmp_path: Path) -> None:
    lines = ["1\tDr:\tso how (0.5) are [you", "2\tP:\t                 [fine"]
    plain = read(write(tmp_path, "\n".join(lines).encode(), "t.txt")).transcript
    word = read(write(tmp_path, make_docx(document(*(paragraph(line) for line in lines))))
                ).transcript
    def project(t):  # type: ignore[no-untyped-def]
        return [[(x.clean, x.features, x.line, x.col) for x in u.tokens] +
                [(e.kind, e.link, e.line, e.col) for e in u.events] for u in t.utterances]
    assert project(word) == project(plain)


def test_docx_tracked_changes_warn(tmp_path: Path) -> None:
    xml = document(
        paragraph("Dr: hello"),
        "<w:p><w:r><w:t>P: I </w:t></w:r>"
        '<w:ins w:id="1" w:author="A"><w:r><w:t>really </w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="A"><w:r><w:delText>never </w:delText></w:r></w:del>'
        "<w:r><w:t>think so</w:t></w:r></w:p>",
    )
    result = read(write(tmp_path, make_docx(xml)))
    warnings = [d for d in result.diagnostics if d.code == "CK325"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "tracked changes" in warnings[0].message
    assert "kept" in warnings[0].message and "dropped" in warnings[0].message
    assert warnings[0].span.line == 2
    words = [t.clean for t in result.transcript.utterances[1].tokens]
    assert words == ["I", "really", "think", "so"]


def test_docx_comments_warn(tmp_path: Path) -> None:
    xml = document(paragraph(
        '<w:commentRangeStart w:id="0"/>', run("Dr: hello"), '<w:commentRangeEnd w:id="0"/>',
        '<w:r><w:commentReference w:id="0"/></w:r>'))
    result = read(write(tmp_path, make_docx(xml, {"word/comments.xml": "<x/>"})))
    warnings = [d for d in result.diagnostics if d.code == "CK326"]
    assert len(warnings) == 1 and "1 Word comment" in warnings[0].message
    assert not result.errors
    assert [t.clean for t in result.transcript.utterances[0].tokens] == ["hello"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (make_docx(None, {"content.xml": "<x/>"}), "CK321"),
        (b"\x00\x01\x02binary garbage" * 50, "CK320"),
        (b"Dr: this is plain text, not Word", "CK320"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "CK328"),
        (make_docx(TRANSCRIPT)[:40], "CK320"),
        (make_docx(document(paragraph("P: hi")), {"../../evil.txt": "x"}), "CK323"),
        (make_docx(document(paragraph("P: hi")), {"/etc/passwd": "x"}), "CK323"),
        (make_docx("<w:document><w:body>unclosed"), "CK324"),
        (make_docx('<?xml version="1.0"?><x/>'), "CK321"),
    ],
    ids=["zip-not-docx", "binary", "text", "old-doc", "truncated", "traversal", "absolute",
         "bad-xml", "no-body"],
)
def test_docx_bad_files_give_clear_errors(tmp_path: Path, data: bytes, code: str) -> None:
    result = read(write(tmp_path, data))
    assert [d.code for d in result.errors] == [code]
    assert result.errors[0].message
    assert not result.transcript.utterances


def test_docx_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx, "MAX_UNCOMPRESSED", 1000)
    data = make_docx(document(*(paragraph(f"P: line {n} " + "x" * 50) for n in range(40))))
    text = read_docx(data, "big.docx")
    assert text.lines is None
    assert [d.code for d in text.diagnostics] == ["CK322"]


def test_docx_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    xml = document(paragraph("P: &xxe; hello"), prolog=prolog)
    result = read(write(tmp_path, make_docx(xml)))
    assert "TOPSECRET" not in repr(result.transcript)


def test_docx_sniffing_and_registry() -> None:
    data = make_docx(TRANSCRIPT)
    assert DOCX_FORMAT.sniff(data[:4096])
    assert not DOCX_FORMAT.sniff(b"Dr: hello")


def test_docx_bad_file_in_cli_validate_has_no_traceback(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    path = write(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    outcome = runner.invoke(cli, ["validate", "--no-color", str(path)])
    assert outcome.exit_code == 1
    assert "CK320" in outcome.output
    assert "Traceback" not in outcome.output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
