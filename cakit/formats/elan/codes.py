"""cakit's codes as EAF code tiers: which values go on which utterance, and the vocabularies.

Each code kind becomes one dependent tier per speaker tier (`attempts@PAT`,
`responses@DOC` …). A code is attached to one utterance of the turn it codes: the
utterance holding the code's line, else the turn's first utterance. A response with no
turn (NO_UPTAKE: nobody answered) has nothing to attach to and is not written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cakit.annotate.codebook import PHASE_NAMES, Codebook
from cakit.annotations import ConsultationAnnotations
from cakit.model import Role, Transcript


@dataclass(frozen=True, slots=True)
class CodeTier:
    """One kind of code: its tier name, vocabulary and values per utterance index.

    `single` tiers hold exactly one value per utterance (Symbolic_Association); the others
    may hold several (Symbolic_Subdivision). `roles` are the speaker roles whose tiers get
    this code tier even when it stays empty, so every consultation has the same tiers.
    """

    kind: str
    vocabulary: str
    single: bool
    roles: tuple[Role, ...]
    values: Mapping[int, tuple[str, ...]]

    @property
    def linguistic_type(self) -> str:
        from cakit.formats.elan.names import CODE_TYPE_PREFIX

        return f"{CODE_TYPE_PREFIX}{self.kind}"


def vocabularies(codebook: Codebook) -> dict[str, tuple[str, ...]]:
    """Controlled vocabularies, read from the codebook's catalogue of codes."""
    catalogue = codebook.catalogue
    uptake: list[str] = []
    for name in catalogue.uptakes:
        uptake.append(name)
        uptake.extend(catalogue.subtypes(name))
    return {
        "attempt": catalogue.attempt_subtypes,
        "uptake": tuple(uptake),
        "modifier": catalogue.modifiers,
        "carer-response": catalogue.carer_codes,
        "phase": (*PHASE_NAMES, "UNKNOWN"),
    }


def _anchor(transcript: Transcript) -> dict[str, tuple[int, ...]]:
    return {turn.id: turn.utterances for turn in transcript.turns}


def _utterance_for(
    transcript: Transcript, turns: Mapping[str, tuple[int, ...]], turn_id: str | None,
    line: int | None,
) -> int | None:
    """Index of the utterance a code on `turn_id` at `line` belongs to."""
    members = turns.get(turn_id or "")
    if not members:
        return None
    if line is not None:
        for index in members:
            utterance = transcript.utterances[index]
            if utterance.line <= line <= utterance.end_line:
                return index
    return members[0]


def _collect(pairs: Iterable[tuple[int | None, Iterable[str]]]) -> dict[int, tuple[str, ...]]:
    """Values per utterance, in order, without repeats."""
    found: dict[int, list[str]] = {}
    for index, values in pairs:
        if index is None:
            continue
        bucket = found.setdefault(index, [])
        bucket.extend(value for value in values if value and value not in bucket)
    return {index: tuple(values) for index, values in found.items() if values}


def code_tiers(transcript: Transcript, codes: ConsultationAnnotations) -> tuple[CodeTier, ...]:
    """The code tiers of one coded transcript."""
    turns = _anchor(transcript)

    def at(turn_id: str | None, line: int | None) -> int | None:
        return _utterance_for(transcript, turns, turn_id, line)

    attempts = _collect((at(a.turn_id, a.line), a.subtypes) for a in codes.attempts)
    responses = _collect(
        (at(r.turn_id, r.line), (r.uptake_subtype or r.uptake,))
        for r in codes.responses if r.turn_id
    )
    modifiers = _collect(
        (at(r.turn_id, r.line), r.modifiers) for r in codes.responses if r.turn_id
    )
    carers = _collect((at(c.turn_id, c.line), (c.code,)) for c in codes.carer_responses)
    phase_of = {record.id: record.phase for record in codes.turns}
    phases = {
        index: (phase_of.get(turn.id) or "UNKNOWN",)
        for turn in transcript.turns for index in turn.utterances
    } if codes.turns else {}
    return (
        CodeTier("attempts", "attempt", False, ("patient",), attempts),
        CodeTier("responses", "uptake", False, ("clinician",), responses),
        CodeTier("modifiers", "modifier", False, ("clinician",), modifiers),
        CodeTier("carer-responses", "carer-response", False, ("carer",), carers),
        CodeTier("phase", "phase", True, ("clinician", "patient", "carer", "other", "unknown"),
                 phases),
    )


__all__ = ["CodeTier", "code_tiers", "vocabularies"]
