"""Checks that the speakers of a run have roles before their talk is coded.

cakit never guesses a role. The Jefferson reader reports an unknown label where it reads
it; for CHAT, an unmapped speaker is legal CHAT (`validate` accepts it), so the check is
made here, for the commands that code talk: a speaker with no role from the project's
map, the CHAT role table or the built-in label table is an error that names it (CK301,
as for Jefferson). And a run in which no transcript has both a patient and a clinician
would report nothing but zeros: `missing_parties` says so, with the labels it saw.
"""

from __future__ import annotations

from collections.abc import Iterable

from cakit.model import Diagnostic, SourceSpan, Transcript


def unmapped_speakers(transcript: Transcript) -> tuple[Diagnostic, ...]:
    """CK301 for each CHAT speaker who talks but has no role (Jefferson reports its own)."""
    if transcript.format != "chat":
        return ()
    speaking = {utterance.speaker for utterance in transcript.utterances}
    out = []
    for participant in transcript.participants:
        if participant.role != "unknown" or participant.code not in speaking:
            continue
        declared = (f" (CHAT role {participant.label_role!r})" if participant.label_role
                    else "")
        out.append(Diagnostic(
            "CK301", "error",
            f"speaker {participant.code}{declared} has no cakit role: cakit never guesses a "
            "speaker's role", SourceSpan(transcript.source, participant.line or 1, 1),
            f"map it in the project's cakit.yaml or a --roles file (roles: "
            f"{{{participant.code}: patient}}; roles are clinician, patient, carer, other)"
            + (f", or map every {participant.label_role!r} at once (roles: "
               f"{{{participant.label_role}: other}})" if participant.label_role else ""),
        ))
    return tuple(out)


def speaker_roles(transcript: Transcript) -> tuple[tuple[str, str], ...]:
    """(speaker label, role) of everyone who talks, in order of first turn."""
    roles: dict[str, str] = {}
    for turn in transcript.turns:
        roles.setdefault(turn.speaker, turn.role)
    return tuple(roles.items())


def missing_parties(seen: Iterable[tuple[tuple[str, str], ...]]) -> str | None:
    """A warning when no transcript had both a patient and a clinician speaking, naming the
    labels seen and how to map them; None when at least one had both. It says what that
    leaves: with no patient nothing is coded; with patients but no clinician, attempts are
    still coded, but none can have a clinician's response.

    Args:
        seen: per transcript, its `speaker_roles`.
    """
    labels: dict[str, str] = {}
    patients = False
    for transcript in seen:
        roles = {role for _, role in transcript}
        if {"patient", "clinician"} <= roles:
            return None
        patients = patients or "patient" in roles
        for label, role in transcript:
            labels.setdefault(label, role)
    if not labels:
        return None
    shown = ", ".join(f"{label} ({role})" for label, role in list(labels.items())[:12])
    more = f" and {len(labels) - 12} more" if len(labels) > 12 else ""
    effect = ("patients' attempts are still coded, but none can have a clinician's response "
              "(every R1 is NO_UPTAKE)" if patients else "nothing is coded, so every count is "
              "zero")
    return ("no transcript has both a patient and a clinician speaking: "
            f"{effect}; speakers seen: {shown}{more}. Map them in the project's cakit.yaml or a "
            "--roles file, e.g. roles: {CHR: patient, NOR: clinician}")
