"""A transcript as the plain text other tools read: one turn a line, `label<TAB>talk`.

Utterances of a turn are joined with a space, exactly as written in the transcript (CA
marks included). A back-channel inside another speaker's turn is not part of any turn; it
gets a line of its own after the turn it interrupts. Every position is a character offset
into the text, counted from 0, end exclusive (the REFI-QDA convention).
"""

from __future__ import annotations

from dataclasses import dataclass

from cakit.model import Transcript


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of the source text: [start, end) of the whole line, where the talk starts,
    and the turn it holds (None for a back-channel line)."""

    start: int
    end: int
    talk_start: int
    turn_id: str | None
    #: ids of the utterances on the line
    utterances: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceText:
    """The plain text of one transcript and where each turn is in it."""

    text: str
    lines: tuple[SourceLine, ...]

    def turn_span(self, turn_id: str) -> tuple[int, int] | None:
        """[start, end) of a turn's talk (after the label and tab)."""
        for line in self.lines:
            if line.turn_id == turn_id:
                return line.talk_start, line.end
        return None

    def line_of_utterance(self, utterance_id: str) -> SourceLine | None:
        for line in self.lines:
            if utterance_id in line.utterances:
                return line
        return None

    def line_at(self, start: int, end: int) -> SourceLine | None:
        """The line holding all of [start, end); None when the range crosses lines or lies
        outside the text."""
        for line in self.lines:
            if line.start <= start and end <= line.end and start < end:
                return line
        return None


#: How a source's description names the transcript version its text and selections came
#: from; an import compares it with the transcript's sha256 now.
SHA_NOTE = "transcript sha256 "


def recorded_sha(description: str) -> str | None:
    """The transcript sha256 a cakit export wrote in a source's description, if any."""
    _, found, rest = description.partition(SHA_NOTE)
    digest = rest[:64]
    return digest if found and len(digest) == 64 else None


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def source_text(transcript: Transcript) -> SourceText:
    """The plain text of `transcript` (pure; the same transcript gives the same text)."""
    utterances = transcript.utterances
    pieces: list[str] = []
    lines: list[SourceLine] = []
    position = 0

    def add(label: str, talk: str, turn_id: str | None, ids: tuple[str, ...]) -> None:
        nonlocal position
        head = f"{_clean(label)}\t"
        body = _clean(talk)
        start = position
        lines.append(SourceLine(start=start, end=start + len(head) + len(body),
                                talk_start=start + len(head), turn_id=turn_id, utterances=ids))
        pieces.append(head + body + "\n")
        position = start + len(head) + len(body) + 1

    for turn in transcript.turns:
        add(turn.speaker, " ".join(utterances[k].content.strip() for k in turn.utterances),
            turn.id, tuple(utterances[k].id for k in turn.utterances))
        for k in turn.backchannels:
            add(utterances[k].speaker, utterances[k].content.strip(), None,
                (utterances[k].id,))
    return SourceText(text="".join(pieces), lines=tuple(lines))
