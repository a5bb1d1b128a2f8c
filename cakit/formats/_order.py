"""The order in which a writer puts a transcript's talk."""

from __future__ import annotations

from itertools import pairwise

from cakit.model import Transcript


def talk_lines(transcript: Transcript) -> list[int]:
    """The line to sort each utterance by when writing it out: its source line, or, where
    the source's lines are not in talk order, its place in talk order (1, 2, 3 …). An
    ELAN document keeps each speaker's tier together, so its XML lines group the talk by
    speaker; sorting by them would write one speaker after another."""
    lines = [utterance.line for utterance in transcript.utterances]
    if all(earlier <= later for earlier, later in pairwise(lines)):
        return lines
    return list(range(1, len(lines) + 1))
