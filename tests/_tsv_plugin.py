"""A plug-in transcript format for the registry tests: `speaker<TAB>talk`, one a line.

Written against the public model only, as a third-party plug-in would be.
"""

from __future__ import annotations

from pathlib import Path

from cakit.errors import ParseError
from cakit.formats import ReadOptions
from cakit.model import (
    Diagnostic,
    ParseResult,
    Participant,
    Role,
    SourceSpan,
    Token,
    Transcript,
    Utterance,
)
from cakit.turns import derive_turns


class TsvFormat:
    """Tab-separated talk. `name` and `suffixes` are per instance, so one class can stand
    for several plug-ins in a test."""

    def __init__(self, name: str = "tsv", suffixes: tuple[str, ...] = (".tsv",)) -> None:
        self.name = name
        self.suffixes = suffixes

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"#tsv-transcript")

    def read_bytes(self, data: bytes, *, source: str, errors: str,
                   options: object) -> ParseResult:
        opts = options if isinstance(options, ReadOptions) else ReadOptions()
        problems: list[Diagnostic] = []

        def problem(code: str, message: str, line: int) -> None:
            diagnostic = Diagnostic(code, "error", message, SourceSpan(source, line, 1))
            if errors == "raise":
                raise ParseError(diagnostic)
            problems.append(diagnostic)

        if not data:
            problem("TSV001", "file is empty", 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem("TSV002", f"not UTF-8 (byte {exc.start})", 1)
            text = ""
        utterances: list[Utterance] = []
        first_line: dict[str, int] = {}
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            speaker, tab, talk = line.partition("\t")
            if not tab or not speaker:
                problem("TSV003", "no speaker<TAB>talk on this line", number)
                continue
            first_line.setdefault(speaker, number)
            tokens = tuple(Token(word, word.strip(".,?!"), "word", number, 1)
                           for word in talk.split()) if opts.tokenize else ()
            utterances.append(Utterance(
                id=f"u{len(utterances) + 1}", index=len(utterances), speaker=speaker,
                line=number, col=1, end_line=number, content=talk, tokens=tokens,
                tokenized=opts.tokenize,
            ))
        roles: dict[str, Role] = {code: opts.roles.get(code, "unknown") for code in first_line}
        transcript = Transcript(
            id=Path(source).stem, source=source, format=self.name, sha256="",
            participants=tuple(Participant(code=code, role=roles[code], line=line)
                               for code, line in first_line.items()),
            utterances=tuple(utterances),
            turns=derive_turns(utterances, lambda code: roles.get(code, "unknown")),
            diagnostics=tuple(problems), line_count=len(lines),
        )
        return ParseResult(transcript, tuple(problems))


TSV_TEXT = "DOC\thow have you been?\nPAT\tnot great. the voices again\nDOC\tthe voices?\n"
