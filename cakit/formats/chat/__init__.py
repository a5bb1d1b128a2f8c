"""CHAT (TalkBank/CLAN), including CA mode and real-world CA-lite files."""

from __future__ import annotations

from pathlib import Path

from cakit.formats._diag import Collector, ErrorMode
from cakit.formats._text import decode_bytes
from cakit.formats.chat.reader import parse_chat
from cakit.model import ParseResult


class ChatFormat:
    """The `chat` entry of the format registry."""

    name = "chat"
    suffixes = (".cha",)

    def sniff(self, head: bytes) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf")[:200]
        return text.startswith((b"@UTF8", b"@Begin", b"@Font", b"@PID", b"@Window"))

    def read_bytes(
        self, data: bytes, *, source: str, errors: ErrorMode, options: object
    ) -> ParseResult:
        from cakit.formats import ReadOptions, empty_result

        opts = options if isinstance(options, ReadOptions) else ReadOptions()
        decoded = decode_bytes(data, source, utf8_required=True)
        collector = Collector(source, [], errors)
        if not data:
            collector.add("E003", "error", "file is empty", 1, 1,
                          hint="a CHAT file has at least @UTF8, @Begin and @End")
            return empty_result(source, "chat", collector.items)
        collector.extend(decoded.diagnostics)
        if not decoded.text:
            return empty_result(source, "chat", collector.items)
        if decoded.had_bom:
            collector.add("CK107", "warning", "file starts with a byte-order mark", 1, 1,
                          hint="CHAT files are UTF-8 without BOM")
        result = parse_chat(
            decoded.text, source=source, errors=errors, tokenize=opts.tokenize,
            roles=opts.roles, stem=Path(source).stem, check_tiers=opts.check_tiers,
        )
        if not collector.items:
            return result
        from dataclasses import replace

        lines_known = result.transcript.diagnostics
        diagnostics = tuple(collector.items) + tuple(lines_known)
        return ParseResult(replace(result.transcript, diagnostics=diagnostics), diagnostics)


CHAT_FORMAT = ChatFormat()

__all__ = ["CHAT_FORMAT", "ChatFormat", "parse_chat"]
