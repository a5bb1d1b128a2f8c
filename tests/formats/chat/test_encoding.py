"""A CHAT file that says `@UTF8` promises UTF-8: bytes that are not UTF-8 break the promise.

Undeclared, a cp1252 or UTF-16 file is readable and only warned about (CK104); declared
`@UTF8`, the same bytes are an error at the first byte that is not UTF-8.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.cli import cli
from cakit.errors import ParseError
from cakit.formats import read
from cakit.model import Diagnostic

BODY = (
    "@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, MOT Mother\n"
    "@ID:\teng|corpus|CHI|||||Target_Child|||\n@ID:\teng|corpus|MOT|||||Mother|||\n"
    "*MOT:\tcaf\u00e9 ?\n*CHI:\tyes .\n@End\n"
)


def _write(tmp_path: Path, text: str, encoding: str) -> Path:
    path = tmp_path / "t.cha"
    path.write_bytes(text.encode(encoding))
    return path


def _encoding(diagnostics: tuple[Diagnostic, ...]) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.severity, d.span.line, d.span.col) for d in diagnostics
            if d.code in ("CK103", "CK104")]


def test_chat_encoding_cp1252_declared_utf8_is_an_error(tmp_path: Path) -> None:
    declared = read(_write(tmp_path, "@UTF8\n" + BODY, "cp1252"))
    # line 7 is "*MOT:\tcafé ?": the é (0xE9) is byte 10 of the line
    assert _encoding(declared.diagnostics) == [("CK104", "error", 7, 10)]
    assert "@UTF8" in declared.errors[0].message
    assert len(declared.transcript.utterances) == 2  # still read completely
    undeclared = read(_write(tmp_path, BODY, "cp1252"))
    assert _encoding(undeclared.diagnostics) == [("CK104", "warning", 1, 1)]


def test_chat_encoding_utf16_declared_utf8_is_an_error(tmp_path: Path) -> None:
    result = read(_write(tmp_path, "\ufeff@UTF8\n" + BODY, "utf-16-le"))
    assert _encoding(result.diagnostics) == [("CK104", "error", 1, 1)]


def test_chat_encoding_declared_utf8_raises_in_strict_mode(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="CK104"):
        read(_write(tmp_path, "@Begin\n@UTF8\n" + BODY[len("@Begin\n"):], "cp1252"),
             errors="raise")


def test_chat_encoding_validate_exits_1(tmp_path: Path) -> None:
    path = _write(tmp_path, "@UTF8\n" + BODY, "cp1252")
    outcome = CliRunner().invoke(cli, ["validate", str(path)])
    assert outcome.exit_code == 1, outcome.output
    assert f"{path}:7:10: CK104" in outcome.output
