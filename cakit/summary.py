"""Per-transcript counts for `cakit summary`: pure functions over the model."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields

from cakit.model import Feature, Transcript
from cakit.notation import LAUGH_DESCRIPTIONS
from cakit.timing import media_timed, talk_span_ms


@dataclass(frozen=True, slots=True)
class TranscriptSummary:
    """What `cakit summary` reports for one file (or the total over files)."""

    file: str
    format: str
    clinicians: int
    patients: int
    carers: int
    others: int
    unknown: int
    utterances: int
    turns: int
    words: int
    duration_s: float | None
    overlaps: int
    pauses: int
    pause_time_s: float
    laughter: int
    smile_voice: int
    in_breaths: int
    errors: int
    warnings: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(TranscriptSummary))

#: The figures a transcript's notation should not change: what a conversion must keep
#: (its name, format and diagnostics are not the talk).
TALK_FIGURES: tuple[str, ...] = tuple(c for c in COLUMNS
                                      if c not in ("file", "format", "errors", "warnings"))


def changed_figures(before: TranscriptSummary, after: TranscriptSummary) -> list[str]:
    """`pauses 117 → 21` for each talk figure that differs between two readings of one
    conversation (a transcript and its conversion), in column order."""
    return [f"{name} {_shown(getattr(before, name))} → {_shown(getattr(after, name))}"
            for name in TALK_FIGURES if getattr(before, name) != getattr(after, name)]


def _shown(value: object) -> str:
    return "none" if value is None else str(value)


def scoped_overlaps(transcript: Transcript) -> int:
    """CHAT `<…> [>]` / `<…> [<]` overlaps: a pair counts once, as a ⌈ … ⌊ pair does."""
    from cakit.formats.jefferson.writer import scoped_overlap_links

    return len(set(scoped_overlap_links(transcript).values()))


def summarize(transcript: Transcript) -> TranscriptSummary:
    """Count participants by role, talk, timing and CA features in one transcript."""
    roles = Counter(p.role for p in transcript.participants)
    # a speaker who talks without being declared (CHAT E308) has no role either
    declared = {p.code for p in transcript.participants}
    roles["unknown"] += len({u.speaker for u in transcript.utterances} - declared)
    words = overlaps = pauses = laughter = smile = in_breaths = 0
    overlap_links: set[str] = set()  # a Jefferson [ … [ pair shares one link
    pause_time = 0.0
    spans: list[tuple[int, int]] = []
    for utterance in transcript.utterances:
        if utterance.media is not None:
            spans.append((utterance.media.start_ms, utterance.media.end_ms))
        in_smile = False
        for token in utterance.tokens:
            if token.is_spoken:
                words += 1
            features = token.features
            if features & Feature.LAUGH:
                laughter += 1
            if features & Feature.SMILE:
                if not in_smile:
                    smile += 1
                in_smile = True
            else:
                in_smile = False
            if features & Feature.INBREATH:
                in_breaths += 1
        for event in utterance.events:
            kind = event.kind
            if kind == "overlap" and event.label == "begin" and event.link:
                overlap_links.add(event.link)  # Jefferson: each speaker's [ of one overlap
            elif kind == "overlap" and event.label in ("top_begin", "begin"):
                overlaps += 1  # CHAT ⌈ (its ⌊ is the other half), or a [ left unpaired
            elif kind == "pause":
                pauses += 1
                pause_time += event.value or 0.0
            elif kind == "laugh" or (kind == "comment" and LAUGH_DESCRIPTIONS.search(event.label)):
                laughter += 1
            elif kind == "breath" and event.label == "in":
                in_breaths += 1
    overlaps += len(overlap_links) + scoped_overlaps(transcript)
    for gap in transcript.gaps:
        pauses += 1
        pause_time += gap.duration or 0.0
    # the talk's span, as `cakit report` splits it over phases, when bullets cover the talk
    # (cakit.timing.media_timed); else unknown, never a made-up figure
    timed_enough = media_timed(len(spans), len(transcript.utterances))
    duration = talk_span_ms(spans) / 1000.0 if timed_enough else None
    errors = sum(1 for d in transcript.diagnostics if d.severity == "error")
    warnings = sum(1 for d in transcript.diagnostics if d.severity == "warning")
    return TranscriptSummary(
        file=transcript.source,
        format=transcript.format,
        clinicians=roles.get("clinician", 0),
        patients=roles.get("patient", 0),
        carers=roles.get("carer", 0),
        others=roles.get("other", 0),
        unknown=roles.get("unknown", 0),
        utterances=len(transcript.utterances),
        turns=len(transcript.turns),
        words=words,
        duration_s=duration,
        overlaps=overlaps,
        pauses=pauses,
        pause_time_s=round(pause_time, 3),
        laughter=laughter,
        smile_voice=smile,
        in_breaths=in_breaths,
        errors=errors,
        warnings=warnings,
    )


def total(summaries: list[TranscriptSummary]) -> TranscriptSummary:
    """The column-wise total of several summaries. The total duration is known only when
    every file's is: a sum over the timed files alone would pass for the corpus's."""
    durations = [s.duration_s for s in summaries]
    complete = bool(durations) and None not in durations
    return TranscriptSummary(
        file=f"TOTAL ({len(summaries)} files)",
        format="",
        **{
            name: sum(getattr(s, name) for s in summaries)
            for name in COLUMNS
            if name not in ("file", "format", "duration_s", "pause_time_s")
        },
        duration_s=round(sum(d for d in durations if d is not None), 3) if complete else None,
        pause_time_s=round(sum(s.pause_time_s for s in summaries), 3),
    )
