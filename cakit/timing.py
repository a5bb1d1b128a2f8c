"""Timing as cakit counts it, in one home: the silence before a turn, as the annotator
codes it and search finds it (so `gap>=1` in a search and HESITATE's gap are the same
number), and when media bullets are enough to give a recording's duration (so `cakit
summary` and `cakit report` never disagree about it)."""

from __future__ import annotations

from collections.abc import Sequence

from cakit.model import Transcript, Utterance

#: Share of utterances that must carry a media bullet before durations are trusted.
MEDIA_COVERAGE = 0.9


def media_timed(timed: int, utterances: int) -> bool:
    """Whether a transcript with `timed` of its `utterances` carrying a media bullet has a
    duration: at least two, and at least MEDIA_COVERAGE of them. One bullet in a
    transcript of fifty utterances times that utterance, not the recording."""
    return timed >= 2 and timed >= MEDIA_COVERAGE * utterances


def owned_media_ms(spans: Sequence[tuple[int, int]]) -> list[int]:
    """The milliseconds each timed utterance owns, given their media `(start, end)` sorted by
    start: up to the next utterance's start, so gaps between turns belong to the turn before
    them; the last owns up to the latest end of any utterance. The parts add up to
    `talk_span_ms`: `cakit report` splits a consultation's duration over its phases this way,
    and `cakit summary` reports the whole."""
    owned: list[int] = []
    latest_end = max((end for _, end in spans), default=0)
    for index, (start, _) in enumerate(spans):
        until = spans[index + 1][0] if index + 1 < len(spans) else latest_end
        owned.append(max(until - start, 0))
    return owned


def talk_span_ms(spans: Sequence[tuple[int, int]]) -> int:
    """A recording's duration as cakit counts it: from the first timed utterance's start to
    the latest end of any. Bullets that time silence or a comment on a line of its own (a
    CABNC gap, `((Tape starts))`) are not talk and do not stretch it."""
    return max(end for _, end in spans) - min(start for start, _ in spans) if spans else 0


def silences(transcript: Transcript) -> dict[int, float]:
    """Utterance index → seconds of timed silence written on its own line before it."""
    found: dict[int, float] = {}
    for gap in transcript.gaps:
        if gap.duration is not None:
            found[gap.position] = found.get(gap.position, 0.0) + gap.duration
    return found


def leading_pause(utterance: Utterance) -> float | None:
    """The pauses that open the utterance, before its first word (seconds)."""
    total = None
    for event in utterance.events:
        if event.index > 0:
            break
        if event.kind == "pause" and event.value is not None:
            total = (total or 0.0) + event.value
    return total


def latched(previous: Utterance | None, current: Utterance) -> bool:
    """The utterance starts latched (`=`) onto the one before it."""
    if any(e.index == 0 and e.kind == "latch" and e.label == "start" for e in current.events):
        return True
    if previous is None:
        return False
    count = len(previous.tokens)
    return any(e.kind == "latch" and e.label == "end" and e.index >= count
               for e in previous.events)


def gap_before(transcript: Transcript, first: int, silence_at: dict[int, float]
               ) -> float | None:
    """The silence before utterance `first`: 0 when latched; else a silence on its own line
    plus the pauses opening the utterance; else the distance between media bullets; else
    unknown (None)."""
    utterances = transcript.utterances
    current = utterances[first]
    previous = utterances[first - 1] if first > 0 else None
    if latched(previous, current):
        return 0.0
    silence = silence_at.get(first)
    leading = leading_pause(current)
    if silence is not None or leading is not None:
        return round((silence or 0.0) + (leading or 0.0), 3)
    if previous is not None and previous.media is not None and current.media is not None:
        return round(max(0, current.media.start_ms - previous.media.end_ms) / 1000, 3)
    return None
