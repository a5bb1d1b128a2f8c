"""A ConvoKit corpus folder (pure): utterances.jsonl, speakers.json, conversations.json,
corpus.json and index.json, in the layout ConvoKit's `Corpus(filename=DIR)` reads.

One utterance per turn (its talk as transcribed, CA marks kept); `reply_to` is the turn
before; a conversation is a consultation, its id the id of its first utterance (ConvoKit's
convention). A back-channel said inside another speaker's turn ("[mm]") is an utterance
of its own after that turn, replying to it, with `backchannel` true in its meta; the next
turn still replies to the turn. Speakers are per consultation (`<transcript>:<label>`): a
label such as `P` is a different person in each. Utterance meta: `role`, `phase`, `line`,
`backchannel` and `codes` (the labels of the codes on that turn, as decided by
--coder/--consensus, else the machine's; a back-channel has none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cakit.exchange.inputs import ExportDoc, ExportInput

FILES = ("utterances.jsonl", "speakers.json", "conversations.json", "corpus.json",
         "index.json")


def utterance_id(identity: str, turn_id: str) -> str:
    return f"{identity}:{turn_id}"


def speaker_id(identity: str, label: str) -> str:
    return f"{identity}:{label}"


def _utterances(doc: ExportDoc) -> list[dict[str, Any]]:
    transcript = doc.transcript
    phases = {turn.id: turn.phase for turn in doc.decided.turns}
    codes: dict[str, list[str]] = {}
    turn_of_utterance = {transcript.utterances[k].id: turn.id
                         for turn in transcript.turns for k in turn.utterances}
    for item in doc.decided_items:
        turn_id = item.turn_id or turn_of_utterance.get(item.anchor.utterance)
        if turn_id is not None and item.label not in codes.setdefault(turn_id, []):
            codes[turn_id].append(item.label)
    roles = {p.code: p.role for p in transcript.participants}
    out: list[dict[str, Any]] = []
    first = transcript.turns[0].id if transcript.turns else ""
    conversation = utterance_id(doc.identity, first)
    previous: str | None = None
    for turn in transcript.turns:
        utterances = [transcript.utterances[k] for k in turn.utterances]
        media = utterances[0].media
        this = utterance_id(doc.identity, turn.id)
        phase = phases.get(turn.id, "UNKNOWN")
        out.append({
            "id": this, "speaker": speaker_id(doc.identity, turn.speaker),
            "conversation_id": conversation, "reply_to": previous,
            "timestamp": media.start_ms / 1000 if media is not None else None,
            "text": " ".join(u.content.strip() for u in utterances),
            "meta": {"role": turn.role, "phase": phase, "line": turn.line,
                     "backchannel": False, "codes": codes.get(turn.id, [])},
        })
        for k in turn.backchannels:  # "[mm]" inside the turn: its own utterance, not lost
            said = transcript.utterances[k]
            out.append({
                "id": utterance_id(doc.identity, f"{turn.id}.{said.id}"),
                "speaker": speaker_id(doc.identity, said.speaker),
                "conversation_id": conversation, "reply_to": this,
                "timestamp": said.media.start_ms / 1000 if said.media is not None else None,
                "text": said.content.strip(),
                "meta": {"role": roles.get(said.speaker, "unknown"), "phase": phase,
                         "line": said.line, "backchannel": True, "codes": []},
            })
        previous = this
    return out


def _index_types(records: list[Mapping[str, Any]]) -> dict[str, list[str]]:
    """ConvoKit's index: each meta key and the Python type of its values."""
    out: dict[str, list[str]] = {}
    for meta in records:
        for key, value in meta.items():
            out.setdefault(key, [f"<class '{type(value).__name__}'>"])
    return out


def _dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def convokit_files(data: ExportInput) -> dict[str, bytes]:
    """The corpus folder's files, by name."""
    utterances: list[dict[str, Any]] = []
    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, dict[str, Any]] = {}
    for doc in data.docs:
        lines = _utterances(doc)
        utterances.extend(lines)
        for participant in doc.transcript.participants:
            speakers[speaker_id(doc.identity, participant.code)] = {
                "label": participant.code, "role": participant.role,
                "conversation": doc.identity}
        for line in lines:  # a label with no participant entry still needs a speaker
            label = line["speaker"][len(doc.identity) + 1:]
            speakers.setdefault(line["speaker"], {"label": label, "role": line["meta"]["role"],
                                                  "conversation": doc.identity})
        if lines:
            conversations[lines[0]["conversation_id"]] = {
                "transcript": doc.identity, "format": doc.transcript.format,
                "carer_present": doc.machine.carer_present,
                "attempts": len(doc.decided.attempts)}
    corpus = {"name": "cakit export", "cakit_version": data.cakit_version,
              "codebook_version": data.codebook_version, "codes_decided_by": data.decided_by}
    index = {
        "utterances-index": _index_types([u["meta"] for u in utterances]),
        "speakers-index": _index_types(list(speakers.values())),
        "conversations-index": _index_types(list(conversations.values())),
        "overall-index": _index_types([corpus]),
        "version": 1,
        "vectors": [],
    }
    body = "".join(json.dumps(u, ensure_ascii=False, sort_keys=True) + "\n" for u in utterances)
    return {
        "utterances.jsonl": body.encode(),
        "speakers.json": _dump({key: {"meta": value, "vectors": []}
                                for key, value in speakers.items()}),
        "conversations.json": _dump({key: {"meta": value, "vectors": []}
                                     for key, value in conversations.items()}),
        "corpus.json": _dump(corpus),
        "index.json": _dump(index),
    }
