"""A transcript as the lines an analyst cites: physical source line numbers, CA layout kept.

Excerpts and the HTML report show talk with the *source file's* physical line numbers (the
numbers every annotation and diagnostic uses). For Jefferson sources (`.txt`, `.docx`) the
lines are the source's own lines — they already are Jefferson, with the transcriber's
column layout and aligned overlap brackets — with tabs expanded, and with any printed line
numbers and analyst arrows (`→`) taken off the left edge (they would clash with the
physical numbers and with cakit's own arrows). For CHAT sources the Jefferson writer
renders each utterance line (`render_lines`), which keeps overlap brackets aligned too.

If a Jefferson source has changed or moved since it was read (its sha256 differs), the
writer's rendering is used instead, so an excerpt never shows text that was not annotated.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cakit.model import Transcript

TAB_SIZE = 8
_NUMBERED = re.compile(r"^([ \t]*(?:→[ \t]*)?)(\d{1,6})([ \t]+|$)")


@dataclass(frozen=True, slots=True)
class ViewLine:
    """One physical line of a transcript body, laid out for display.

    `label_end` is the number of leading characters of `text` that hold the speaker
    label (the de-identifier skips them); `kind` is talk, gap, mark or blank.
    """

    number: int
    text: str
    kind: str
    speaker: str = ""
    label_end: int = 0


@dataclass(frozen=True, slots=True)
class SourceView:
    """The body lines of one transcript, in source order."""

    transcript_id: str
    sha256: str
    origin: str  # "source" (the file's own lines) or "rendered" (Jefferson writer)
    lines: tuple[ViewLine, ...]

    def between(self, first: int, last: int) -> list[ViewLine]:
        """The lines whose physical numbers lie in [first, last]."""
        numbers = [line.number for line in self.lines]
        start = bisect_right(numbers, first - 1)
        stop = bisect_right(numbers, last)
        return list(self.lines[start:stop])

    @property
    def width(self) -> int:
        """Digits needed for the largest line number."""
        return len(str(self.lines[-1].number)) if self.lines else 1


def _source_lines(transcript: Transcript) -> list[str] | None:
    """The source file's physical lines, or None when unreadable or changed."""
    from cakit.formats._text import decode_bytes, split_lines

    try:
        data = Path(transcript.source).read_bytes()
    except OSError:
        return None
    if transcript.sha256 and hashlib.sha256(data).hexdigest() != transcript.sha256:
        return None
    if transcript.meta("container") == "docx" or data.startswith(b"PK\x03\x04"):
        from cakit.formats.jefferson.docx import read_docx

        return read_docx(data, transcript.source).lines
    return split_lines(decode_bytes(data, transcript.source).text)


def strip_printed_numbers(lines: Sequence[str]) -> tuple[list[str], int]:
    """Remove printed line numbers (and analyst arrows) from tab-expanded body lines.

    A file counts as numbered when at least 90 % of its non-blank lines start with a
    number. The number column's width is the smallest column at which text starts after
    a number, so continuation lines keep their indentation and brackets stay aligned.
    Returns the lines and the width removed (0 when the file is not numbered).
    """
    filled = [line for line in lines if line.strip()]
    matches = [_NUMBERED.match(line) for line in filled]
    numbered = [m for m in matches if m is not None]
    if not filled or len(numbered) < 0.9 * len(filled):
        return list(lines), 0
    ends = [m.end() for m in numbered if m.group(3)] or [len(m.group(0)) for m in numbered]
    width = min(ends)
    out = []
    for line in lines:
        head = line[:width]
        if set(head) <= set(" →0123456789"):
            out.append(line[width:])
        else:
            out.append(line)
    return out, width


def source_view(transcript: Transcript) -> SourceView:
    """The transcript body as display lines with physical line numbers (see module doc)."""
    if transcript.format == "jefferson":
        raw = _source_lines(transcript)
        if raw is not None and transcript.utterances:
            return _jefferson_view(transcript, raw)
    return _rendered_view(transcript)


def _jefferson_view(transcript: Transcript, raw: list[str]) -> SourceView:
    first = min([u.line for u in transcript.utterances] + [g.line for g in transcript.gaps])
    body = [line.expandtabs(TAB_SIZE) for line in raw[first - 1:]]
    while body and not body[-1].strip():
        body.pop()
    body, _ = strip_printed_numbers(body)
    starts: dict[int, str] = {}
    owner: dict[int, str] = {}
    for utterance in transcript.utterances:
        starts[utterance.line] = utterance.speaker
        for number in range(utterance.line, utterance.end_line + 1):
            owner[number] = utterance.speaker
    gaps = {gap.line for gap in transcript.gaps}
    lines = []
    for offset, text in enumerate(body):
        number = first + offset
        text = text.rstrip()
        if not text.strip():
            lines.append(ViewLine(number, "", "blank"))
            continue
        if number in gaps:
            lines.append(ViewLine(number, text, "gap"))
            continue
        speaker = owner.get(number, "")
        label_end = 0
        if number in starts:
            match = re.match(r"\s*" + re.escape(starts[number]) + r"\s*:", text)
            label_end = match.end() if match else 0
        lines.append(ViewLine(number, text, "talk" if speaker else "mark", speaker, label_end))
    return SourceView(transcript.id, transcript.sha256, "source", tuple(lines))


def _rendered_view(transcript: Transcript) -> SourceView:
    from cakit.formats.jefferson.writer import render_lines

    rows = render_lines(transcript)
    label_width = max((len(row.label) for row in rows), default=0) + 1
    lines = []
    for row in rows:
        label = f"{row.label}:" if row.label else ""
        text = f"{label:<{label_width}}  {row.content}".rstrip()
        kind = "talk" if row.kind == "talk" else ("gap" if row.kind == "gap" else "mark")
        lines.append(ViewLine(row.source_line, text, kind, row.speaker,
                              len(label) if row.label else 0))
    return SourceView(transcript.id, transcript.sha256, "rendered", tuple(lines))


def numbered(line_number: int, text: str, width: int, marked: bool = False) -> str:
    """`→ 41  text` / `  41  text`: cakit's arrow column, then the physical number."""
    return f"{'→' if marked else ' '} {line_number:>{width}}  {text}".rstrip()


__all__ = ["SourceView", "ViewLine", "numbered", "source_view", "strip_printed_numbers"]
