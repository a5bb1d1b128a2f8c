"""Bytes → text for every text format: encodings detected, never mis-decoded silently.

Order: empty and binary checks; BOMs (UTF-8, UTF-16 LE/BE); UTF-16 without BOM (Word
"save as Unicode text"); strict UTF-8; cp1252 (old Word exports with £). Anything else is
decoded with replacement characters and reported at the first bad byte, so one bad byte
never loses the rest of the file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from cakit.model import Diagnostic, SourceSpan

#: Lines longer than this are reported (a sign of a binary or a wrongly split file).
MAX_LINE_CHARS = 100_000

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Decoded text plus what was learnt while decoding."""

    text: str
    encoding: str
    had_bom: bool
    crlf: bool
    diagnostics: tuple[Diagnostic, ...]


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str, *, utf8_required: bool = False) -> DecodedText:
    """Decode a transcript's bytes, reporting anything that is not clean text.

    `utf8_required` (CHAT) turns a successful non-UTF-8 decode into a warning, because the
    CHAT standard requires UTF-8 while the text is still perfectly readable; into an error
    when the file declares `@UTF8` and so says something untrue about its own bytes.
    """
    diagnostics: list[Diagnostic] = []
    span = SourceSpan(source, 1, 1)
    if not data or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        message = "file is empty" if not data else "file is empty: only a byte-order mark"
        diagnostics.append(Diagnostic("CK101", "error", message, span, "nothing to read"))
        return DecodedText("", "utf-8", False, False, tuple(diagnostics))

    encoding = "utf-8"
    had_bom = False
    body = data
    if data.startswith(codecs.BOM_UTF8):
        had_bom, body = True, data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        had_bom = True
        encoding = "utf-16"
    else:
        guess = _looks_utf16(data)
        if guess:
            encoding = guess

    if encoding.startswith("utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            text = data.decode(encoding, errors="replace")
            diagnostics.append(
                Diagnostic(
                    "CK103", "error", f"bytes that are not valid {encoding} at offset "
                    f"{exc.start}", span, "re-save the file as UTF-8",
                )
            )
        if text.startswith("\ufeff"):
            text = text[1:]
        if utf8_required:
            diagnostics.append(_not_utf8(text, f"is {encoding.upper()}, not UTF-8", span))
        return _finish(text, encoding, had_bom, source, diagnostics)

    nul = body.find(b"\x00")
    if nul >= 0:
        line, col = _position(data, nul + (3 if had_bom else 0))
        diagnostics.append(
            Diagnostic(
                "CK102", "error", "binary file: contains NUL bytes",
                SourceSpan(source, line, col), "this does not look like a transcript",
            )
        )
        return DecodedText("", "binary", had_bom, False, tuple(diagnostics))

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        high = [b for b in body if b >= 0x80]
        stray = _stray_cp1252(body) if high else None
        if stray is not None:
            # UTF-8 with a few stray Windows-1252 bytes (text pasted in from elsewhere):
            # decoded whole as cp1252, every "é" of the file would become "Ã©"
            text = body.decode("utf-8", errors=_STRAY_CP1252)
            encoding = "utf-8"
            line, col = _position(data, exc.start + (3 if had_bom else 0))
            diagnostics.append(Diagnostic(
                "CK104", "error" if utf8_required and _declares_utf8(text) else "warning",
                f"UTF-8 file with {len(stray)} byte(s) that are not UTF-8, first here; read "
                "as Windows-1252 (cp1252) characters", SourceSpan(source, line, col),
                "check those characters and re-save the file as UTF-8"))
        elif high and not any(b in _CP1252_UNDEFINED for b in high):
            text = body.decode("cp1252")
            encoding = "cp1252"
            if utf8_required:
                line, col = _position(data, exc.start + (3 if had_bom else 0))
                diagnostics.append(_not_utf8(text, "is not UTF-8; decoded as Windows-1252 "
                                             "(cp1252)", SourceSpan(source, line, col)))
            else:
                diagnostics.append(
                    Diagnostic("CK104", "info", "file is not UTF-8; decoded as Windows-1252 "
                               "(cp1252)", span, "re-save as UTF-8 to remove this note")
                )
        else:
            text = body.decode("utf-8", errors="replace")
            line, col = _position(data, exc.start + (3 if had_bom else 0))
            diagnostics.append(
                Diagnostic(
                    "CK103", "error",
                    f"bytes that are neither UTF-8 nor cp1252 (first at byte {exc.start})",
                    SourceSpan(source, line, col),
                    "re-save the file as UTF-8; undecodable bytes were replaced by U+FFFD",
                )
            )
    return _finish(text, encoding, had_bom, source, diagnostics)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 could not as Windows-1252 (a codec error handler)."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


_STRAY_CP1252 = "cakit-stray-cp1252"
codecs.register_error(_STRAY_CP1252, _cp1252_bytes)


def _stray_cp1252(body: bytes) -> bytes | None:
    """The bytes that are not UTF-8 when the rest is UTF-8 and they are Windows-1252
    characters (a UTF-8 file with a few bytes from another encoding); else None.

    The rest must hold well-formed UTF-8 characters beyond ASCII: in Windows-1252 text an
    "é" is one byte, which is never UTF-8, and a pair that happens to be (an accented
    capital before a symbol, "É…") is rare, so such pairs must be at least a quarter as
    many as the stray bytes. Stray bytes Windows-1252 does not define are CK103, as in
    any file."""
    valid = body.decode("utf-8", errors="ignore")
    wide = sum(1 for ch in valid if ord(ch) > 0x7F)
    # at most 100 stray bytes: "a few", and each costs one more pass over the rest
    stray = _stray_bytes(body, limit=min(4 * wide, 100)) if wide else None
    if stray is None or any(byte in _CP1252_UNDEFINED for byte in stray):
        return None
    return stray


def _stray_bytes(body: bytes, *, limit: int) -> bytes | None:
    """The bytes of `body` that are not UTF-8, or None when there are more than `limit`
    (then it is no UTF-8 file with a few stray bytes, and the search stops early)."""
    found = bytearray()
    start = 0
    while True:
        try:
            body[start:].decode("utf-8")
            return bytes(found)
        except UnicodeDecodeError as error:
            found += error.object[error.start:error.end]
            if len(found) > limit:
                return None
            start += error.end


def _not_utf8(text: str, what: str, where: SourceSpan) -> Diagnostic:
    """CK104 for a format that must be UTF-8 (CHAT): a warning, or an error at the first
    byte that is not UTF-8 when the file itself declares `@UTF8`."""
    if _declares_utf8(text):
        return Diagnostic("CK104", "error", f"file declares @UTF8 but {what}", where,
                          "re-save the file as UTF-8")
    return Diagnostic("CK104", "warning", f"file {what}", SourceSpan(where.source, 1, 1),
                      "CHAT files must be UTF-8; re-save as UTF-8")


def _declares_utf8(text: str) -> bool:
    """True when `@UTF8` is among the header lines the file starts with."""
    for line in text[:8192].lstrip("\ufeff").splitlines()[:50]:
        if not line.startswith("@"):
            return False
        if line.rstrip() == "@UTF8":
            return True
    return False


def _finish(
    text: str, encoding: str, had_bom: bool, source: str, diagnostics: list[Diagnostic]
) -> DecodedText:
    crlf = "\r\n" in text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_LINE_CHARS:
        line_no = 1
        for line in text.split("\n"):
            if len(line) > MAX_LINE_CHARS:
                diagnostics.append(
                    Diagnostic(
                        "CK105", "warning", f"line is {len(line):,} characters long",
                        SourceSpan(source, line_no, 1), "is this really a transcript?",
                    )
                )
                break
            line_no += 1
    return DecodedText(text, encoding, had_bom, crlf, tuple(diagnostics))


def split_lines(text: str) -> list[str]:
    """Physical lines without their line ends; a final newline adds no empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
