"""A transcript's profile: what a run needs from reading it, kept with its machine layer.

A warm report must not tokenize every transcript again. When cakit annotates a
transcript it also records, from the same read, what the rest of a run asks of the
transcript: the reader's diagnostics, who speaks in which role, and the report's
denominators (spoken words per utterance line, media times, whether pauses are timed and
non-verbal conduct noted, declared names). The profile is stored in the auto layer, so it
is current exactly when the layer is (`cakit.store.state.is_current`); `cakit.run` uses
it instead of a full read when the command's `finish` can work from it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cakit.model import Diagnostic, SourceSpan, Transcript

_PARENTHESIS = re.compile(r"\s*\(.*$")
#: Bumped when the profile's fields change; an older profile is not used.
PROFILE_VERSION = 2


@dataclass(frozen=True, slots=True)
class UtteranceProfile:
    line: int
    #: spoken words (tokens that are talk, not marks or events)
    words: int
    media_start_ms: int | None = None
    media_end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class TranscriptProfile:
    sha256: str
    #: the run's role configuration and reader options it was read with (`options_key`)
    options: str
    utterances: tuple[UtteranceProfile, ...]
    diagnostics: tuple[Diagnostic, ...]
    #: (speaker label, role) of everyone who talks, in order of first turn
    speakers: tuple[tuple[str, str], ...]
    timing: bool
    nonverbal: bool
    #: a participant with the carer role speaks
    carer_speaks: bool
    #: speaker code → declared name
    names: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": PROFILE_VERSION, "sha256": self.sha256, "options": self.options,
            "utterances": [[u.line, u.words, u.media_start_ms, u.media_end_ms]
                           for u in self.utterances],
            "diagnostics": [_diagnostic_dict(d) for d in self.diagnostics],
            "speakers": [list(pair) for pair in self.speakers], "timing": self.timing,
            "nonverbal": self.nonverbal, "carer_speaks": self.carer_speaks,
            "names": [list(pair) for pair in self.names],
        }


def profile_from_dict(data: dict[str, Any] | None) -> TranscriptProfile | None:
    """The stored profile, or None when absent, of another version or malformed (the
    caller then reads the transcript as usual)."""
    if not data or data.get("version") != PROFILE_VERSION:
        return None
    try:
        return TranscriptProfile(
            sha256=str(data["sha256"]), options=str(data["options"]),
            utterances=tuple(UtteranceProfile(int(line), int(words), start, end)
                             for line, words, start, end in data["utterances"]),
            diagnostics=tuple(_diagnostic(d) for d in data["diagnostics"]),
            speakers=tuple((str(a), str(b)) for a, b in data["speakers"]),
            timing=bool(data["timing"]), nonverbal=bool(data["nonverbal"]),
            carer_speaks=bool(data["carer_speaks"]),
            names=tuple((str(a), str(b)) for a, b in data["names"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def options_key(roles: Mapping[str, str], convention: str) -> str:
    """A hash of what a reading depends on besides the bytes and cakit itself: the role
    configuration (`cakit.yaml` and `--roles`) and the reader options."""
    text = json.dumps({"roles": sorted(roles.items()), "convention": convention})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def profile_of(transcript: Transcript, diagnostics: tuple[Diagnostic, ...], options: str = ""
               ) -> TranscriptProfile:
    """The profile of a fully read transcript (with the diagnostics of that read and the
    `options_key` it was read with)."""
    from cakit.speakers import speaker_roles

    utterances = tuple(
        UtteranceProfile(
            utterance.line, sum(1 for token in utterance.tokens if token.is_spoken),
            utterance.media.start_ms if utterance.media is not None else None,
            utterance.media.end_ms if utterance.media is not None else None)
        for utterance in transcript.utterances)
    timing = any(gap.duration is not None for gap in transcript.gaps) or any(
        utterance.media is not None
        or any(e.kind == "pause" and e.label == "timed" for e in utterance.events)
        for utterance in transcript.utterances)
    speaking = {utterance.speaker for utterance in transcript.utterances}
    return TranscriptProfile(
        sha256=transcript.sha256, options=options, utterances=utterances, diagnostics=diagnostics,
        speakers=speaker_roles(transcript), timing=timing,
        nonverbal=any(e.kind == "comment" for u in transcript.utterances for e in u.events),
        carer_speaks=any(p.role == "carer" and p.code in speaking
                         for p in transcript.participants),
        names=tuple(sorted(participant_names(transcript).items())),
    )


def participant_names(transcript: Transcript) -> dict[str, str]:
    """Speaker code → declared name ("Dr Okafor", "Kevin Brennan", "Yusuf").

    Jefferson header blocks declare `Participants: Dr = Dr Okafor (psychiatrist), P = …`;
    CHAT declares names in `@Participants`. Parenthesised descriptions are dropped.
    """
    names: dict[str, str] = {}
    # a name that only repeats the speaker's label (`DR Dr Therapist`, as cakit writes a
    # Jefferson label into CHAT) says nothing about who speaks: grouping clinicians by it
    # would make every consultation's "Dr" one person
    label_of: dict[str, str] = {}
    for participant in transcript.participants:
        name = _PARENTHESIS.sub("", participant.name or "").strip()
        if name.lower() == participant.code.lower():
            label_of[name] = participant.code
        elif name:
            names[participant.code] = name
    if transcript.format == "jefferson":
        declared = transcript.meta("Participants")
    else:
        # a Jefferson header block converted to CHAT keeps its declaration as a comment
        declared = next((h.value.partition(":")[2] for h in transcript.headers
                         if h.name == "Comment" and h.value.startswith("Participants:")), "")
    for part in _split_declaration(declared):
        label, _, name = part.partition("=")
        label, name = label.strip(), _PARENTHESIS.sub("", name).strip()
        if label and name:
            names[label_of.get(label, label)] = name
    return names


def _split_declaration(value: str) -> list[str]:
    """Split `A = x (y, z), B = w` on the commas outside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in value:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in (p.strip() for p in parts) if part]


def _diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    return {"code": diagnostic.code, "severity": diagnostic.severity,
            "message": diagnostic.message, "hint": diagnostic.hint,
            "source_line": diagnostic.source_line,
            "span": [span.source, span.line, span.col, span.end_line, span.end_col]}


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    source, line, col, end_line, end_col = data["span"]
    return Diagnostic(data["code"], data["severity"], data["message"],
                      SourceSpan(source, line, col, end_line, end_col), data["hint"],
                      data["source_line"])
