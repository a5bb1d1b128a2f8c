"""What the reporter needs from one consultation: its codes plus per-phase denominators.

Counting by phase needs more than the annotations: rates are per 1,000 words and per
10 minutes *of the phase* (docs/codebook.md), so the words, turns and seconds of each phase
are computed here from the transcript, once, and kept beside the annotations in a small
picklable value. That lets worker processes send back a few numbers instead of a whole
transcript, and lets the table functions stay pure.

Duration comes only from media bullets: a consultation whose utterances carry no (or too
few) media times has `duration_s=None` in every phase — never a made-up zero.
"""

from __future__ import annotations

import io
import pickle
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cakit._quick_init import quick_state
from cakit.annotations import (
    PHASES,
    PHASES_WITH_UNKNOWN,
    ConsultationAnnotations,
    TurnRecord,
)
from cakit.model import Transcript
from cakit.profile import TranscriptProfile, profile_of
from cakit.timing import media_timed, owned_media_ms

_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx",
                     "prof", "prof.", "professor", "nurse", "sister", "doctor", "sir", "dame"})


@dataclass(frozen=True, slots=True)
class PhaseStats:
    """Denominators of one phase of one consultation."""

    phase: str
    turns: int
    words: int
    duration_s: float | None


@dataclass(frozen=True, slots=True)
class ConsultationInput:
    """One consultation as the reporter sees it: annotations plus denominators.

    `clinician_names` maps a speaker code to a display name (from the transcript's
    participant declarations) so per-clinician tables can group one person across files.
    """

    annotations: ConsultationAnnotations
    sha256: str
    phase_stats: tuple[PhaseStats, ...]
    words: int
    turns: int
    duration_s: float | None
    timing_available: bool
    nonverbal_available: bool
    carer_present: bool
    clinician_names: tuple[tuple[str, str], ...] = field(default=())
    #: the consultation's phases as runs of turns, (phase, number of turns), in order
    phase_runs: tuple[tuple[str, int], ...] = field(default=())
    #: attempt id → index of its turn among all turns (for timelines)
    attempt_turns: tuple[tuple[str, int], ...] = field(default=())

    @property
    def id(self) -> str:
        return self.annotations.id

    @property
    def media_timed(self) -> bool:
        """True when durations (and so per-10-minute rates) exist."""
        return self.duration_s is not None

    def stats(self, phase: str) -> PhaseStats:
        for item in self.phase_stats:
            if item.phase == phase:
                return item
        return PhaseStats(phase, 0, 0, 0.0 if self.media_timed else None)


# sent from a report's worker to the reporting process, one per consultation (`pack`)
for _sent in (PhaseStats, ConsultationInput):
    quick_state(_sent)


def normal_phase(phase: str | None) -> str:
    """A phase name from the fixed list, or UNKNOWN (reports never drop a row)."""
    return phase if phase in PHASES else "UNKNOWN"


def name_tokens(name: str) -> list[str]:
    """The identifying words of a declared name: titles dropped, and lower-case words that
    are English words ("the", "van", "dawn"); "shahana rahman" declares two names."""
    from cakit.report.names import ordinary_words

    tokens = re.findall(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*", name)
    ordinary = ordinary_words()
    return [t for t in tokens if t.lower() not in _TITLES and len(t) > 1
            and (t[0].isupper() or t.casefold() not in ordinary)]


class PhaseLookup:
    """Physical line → phase, from the annotation's turn records (sorted by line)."""

    def __init__(self, turns: Sequence[TurnRecord]) -> None:
        ordered = sorted(turns, key=lambda record: record.line)
        self._starts = [record.line for record in ordered]
        self._phases = [normal_phase(record.phase) for record in ordered]

    def __call__(self, line: int) -> str:
        if not self._starts:
            return "UNKNOWN"
        index = bisect_right(self._starts, line) - 1
        return self._phases[max(index, 0)]


def _media_durations(profile: TranscriptProfile, phase_of: PhaseLookup
                     ) -> dict[str, float] | None:
    """Seconds per phase from media bullets, or None when timing is missing.

    Each timed utterance owns the time up to the next one (`cakit.timing.owned_media_ms`),
    so phases partition the recording, gaps included, and add up to `cakit summary`'s
    duration.
    """
    utterances = profile.utterances
    timed = [u for u in utterances if u.media_start_ms is not None]
    if not media_timed(len(timed), len(utterances)):
        return None
    timed.sort(key=lambda u: (u.media_start_ms, u.line))
    owned = owned_media_ms([(u.media_start_ms or 0, u.media_end_ms or 0) for u in timed])
    seconds: dict[str, float] = {}
    for utterance, milliseconds in zip(timed, owned, strict=True):
        phase = phase_of(utterance.line)
        seconds[phase] = seconds.get(phase, 0.0) + milliseconds / 1000.0
    return seconds


def consultation_input(
    transcript: Transcript | TranscriptProfile | None, annotations: ConsultationAnnotations
) -> ConsultationInput:
    """Pair annotations with the denominators of their transcript (or of its stored
    profile, `cakit.profile`: the same figures without reading the transcript again).

    Without a transcript, turns per phase still come from the annotation's turn records,
    but words are 0 and durations None (rates are then left empty, not invented).
    The flags `timing_available` and `nonverbal_available` are the annotator's, or —
    for annotations that lack them, such as hand-coded gold files — what the transcript
    shows (timed pauses or bullets; `((…))` comments).
    """
    profile = profile_of(transcript, ()) if isinstance(transcript, Transcript) else transcript
    phase_of = PhaseLookup(annotations.turns)
    turns: dict[str, int] = {}
    for record in annotations.turns:
        phase = normal_phase(record.phase)
        turns[phase] = turns.get(phase, 0) + 1
    words: dict[str, int] = {}
    durations: dict[str, float] | None = None
    timing = annotations.timing_available
    nonverbal = annotations.nonverbal_available
    carer = annotations.carer_present or any(r.role == "carer" for r in annotations.turns)
    names: dict[str, str] = {}
    sha = annotations.sha256
    if profile is not None:
        sha = profile.sha256 or sha
        if not annotations.turns:
            phase_of = PhaseLookup(())
        for utterance in profile.utterances:
            if utterance.words:
                phase = phase_of(utterance.line)
                words[phase] = words.get(phase, 0) + utterance.words
        durations = _media_durations(profile, phase_of)
        timing = timing or profile.timing
        nonverbal = nonverbal or profile.nonverbal
        carer = carer or profile.carer_speaks
        names = dict(profile.names)
    stats = tuple(
        PhaseStats(
            phase=phase, turns=turns.get(phase, 0), words=words.get(phase, 0),
            duration_s=None if durations is None else round(durations.get(phase, 0.0), 3),
        )
        for phase in PHASES_WITH_UNKNOWN
    )
    index_of = {record.id: index for index, record in enumerate(annotations.turns)}
    return ConsultationInput(
        annotations=annotations, sha256=sha, phase_stats=stats,
        words=sum(words.values()), turns=len(annotations.turns),
        duration_s=None if durations is None else round(sum(durations.values()), 3),
        timing_available=timing, nonverbal_available=nonverbal, carer_present=carer,
        clinician_names=tuple(sorted(names.items())),
        phase_runs=_phase_runs(annotations.turns),
        attempt_turns=tuple((a.id, index_of[a.turn_id]) for a in annotations.attempts
                            if a.turn_id in index_of),
    )


def _phase_runs(turns: Sequence[TurnRecord]) -> tuple[tuple[str, int], ...]:
    runs: list[list[Any]] = []
    for record in turns:
        phase = normal_phase(record.phase)
        if runs and runs[-1][0] == phase:
            runs[-1][1] += 1
        else:
            runs.append([phase, 1])
    return tuple((phase, count) for phase, count in runs)


def slim(item: ConsultationInput) -> ConsultationInput:
    """The same input keeping only what report tables and plots read: turn records that a
    code points to, and no evidence. A report holds one input per consultation until its
    tables are built, so this (with `pack`, which shares each repeated string) is what
    keeps a large study's report in memory (the HTML report, which shows every transcript
    with its evidence, keeps the full input)."""
    ann = item.annotations
    used = {attempt.turn_id for attempt in ann.attempts}
    used |= {code.turn_id for code in (*ann.elicited, *ann.repairs, *ann.medchecks)}
    used |= {carer.turn_id for carer in ann.carer_responses}
    used |= {response.turn_id for response in ann.responses if response.turn_id}
    lean = replace(
        ann, turns=tuple(_lean(record) for record in ann.turns if record.id in used),
        phases=(),
        attempts=tuple(_lean(a) for a in ann.attempts),
        elicited=tuple(_lean(c) for c in ann.elicited),
        repairs=tuple(_lean(c) for c in ann.repairs),
        medchecks=tuple(_lean(c) for c in ann.medchecks),
        responses=tuple(_lean(r) for r in ann.responses),
        carer_responses=tuple(_lean(c) for c in ann.carer_responses),
        sequences=tuple(_lean(s) for s in ann.sequences),
    )
    return replace(item, annotations=lean)


#: Strings up to this length travel as references that `unpack` interns: ids, codes,
#: roles, phases and speaker labels (a transcript's sha256 and paths are longer).
_SHARED_STRING = 40


class _SharingPickler(pickle.Pickler):
    """Writes each short string as a persistent id (pickled once per input, as usual)."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj if type(obj) is str and len(obj) <= _SHARED_STRING else None


class _SharingUnpickler(pickle.Unpickler):
    """Reads a short string back as the interpreter's one shared copy of it."""

    def persistent_load(self, pid: Any) -> str:
        if type(pid) is not str:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        return sys.intern(pid)


def pack(item: ConsultationInput) -> bytes:
    """A (slim) input as bytes for the trip from a worker to the reporting process.

    Unpickled the usual way, every consultation would get its own copy of each id
    ("t12", "a3"), code, role, phase and speaker label: about 3.6 of the 12 KB a slim
    demo consultation takes in the reporting process, which holds one per consultation
    until the tables are built. `unpack` makes them one shared copy each."""
    buffer = io.BytesIO()
    _SharingPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(item)
    return buffer.getvalue()


def unpack(data: bytes) -> ConsultationInput:
    """The input `pack` wrote, its short strings shared (`sys.intern`)."""
    item = _SharingUnpickler(io.BytesIO(data)).load()
    if not isinstance(item, ConsultationInput):
        raise TypeError(f"not a packed ConsultationInput: {type(item).__name__}")
    return item


R = TypeVar("R")


def _lean(record: R) -> R:
    """A record without its evidence. (Its strings need no sharing here: `pack` sends
    each short one as a reference that `unpack` interns.)"""
    if getattr(record, "evidence", ()):
        return replace(record, evidence=())  # type: ignore[type-var]
    return record


Pair = tuple[Transcript | None, ConsultationAnnotations]


def as_inputs(items: Iterable[ConsultationInput | Pair]) -> list[ConsultationInput]:
    """Accept prepared inputs or (transcript, annotations) pairs, in the given order."""
    out: list[ConsultationInput] = []
    for item in items:
        if isinstance(item, ConsultationInput):
            out.append(item)
        else:
            transcript, annotations = item
            out.append(consultation_input(transcript, annotations))
    return out


__all__ = [
    "ConsultationInput",
    "Pair",
    "PhaseLookup",
    "PhaseStats",
    "as_inputs",
    "consultation_input",
    "name_tokens",
    "normal_phase",
    "pack",
    "slim",
    "unpack",
]
