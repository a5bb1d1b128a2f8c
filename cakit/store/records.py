"""The records a layer file holds, their JSON form, and the checks made when loading them.

A layer file is JSON Lines: a header line, then one record per line. Every record is
validated on load; a bad one raises `InvalidRecord`, which the loader turns into a
`StoreError` naming the file and line. Nothing here touches the file system.

Record types:

- `item` (auto layer): one machine annotation with its stable id, anchor and data;
- `consultation` (auto layer): what is not an item (turns, phases, sequences, flags);
- `decision` (coder layer): a coder's accept/reject/relabel/note on a machine item,
  keyed by the item's stable id, with a snapshot of what the machine proposed;
- `code` (coder layer): a code the coder added that the machine did not propose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from cakit._quick_init import quick_init
from cakit.errors import CakitError
from cakit.store.anchors import ANCHOR_STATUSES, Anchor

#: Version of the layer file layout. 1 was the first auto-only layout (header + body); 2
#: keyed a transcript by its path from the working folder; 3 by its path in its project.
SCHEMA_VERSION = 3
#: The first layout whose `source` is the transcript's identity in its project.
PROJECT_KEYED = 3
KINDS: tuple[str, ...] = (
    "attempt", "response", "modifier", "carer_response", "elicited", "repair", "medcheck",
)
DECISIONS: tuple[str, ...] = ("accept", "reject", "relabel")
RECORD_TYPES: tuple[str, ...] = ("item", "consultation", "profile", "decision", "code")


class InvalidRecord(CakitError, ValueError):
    """A record does not have the shape its type requires (message says what is wrong)."""


def now() -> str:
    """The current UTC time as an ISO string (seconds), for decision timestamps."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- field checks ----------------------------------------------------------------------

def _obj(data: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidRecord(f"{where}: expected an object, found {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], key: str, *, optional: bool = False,
         choices: tuple[str, ...] | None = None) -> Any:
    value = data.get(key)
    if value is None:
        if optional:
            return None
        raise InvalidRecord(f"missing {key!r}")
    if not isinstance(value, str):
        raise InvalidRecord(f"{key!r} must be a string, not {type(value).__name__}")
    if choices is not None and value not in choices:
        raise InvalidRecord(f"{key!r} is {value!r}; expected one of {', '.join(choices)}")
    return value


def _int(data: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidRecord(f"{key!r} must be an integer, not {value!r}")
    return value


def anchor_from_dict(data: Any, where: str = "anchor") -> Anchor:
    """Validate and build an anchor."""
    data = _obj(data, where)
    try:
        anchor = Anchor(
            sha256=_str(data, "sha256"), utterance=_str(data, "utterance"),
            start=_int(data, "start"), end=_int(data, "end"), quote=_str(data, "quote"),
            before=_str(data, "before", optional=True) or "",
            after=_str(data, "after", optional=True) or "",
            line=_int(data, "line"), end_line=_int(data, "end_line"),
            status=_str(data, "status", optional=True, choices=ANCHOR_STATUSES) or "ok",
        )
    except InvalidRecord as exc:
        raise InvalidRecord(f"{where}: {exc}") from None
    if anchor.start < 0 or anchor.end < anchor.start:
        raise InvalidRecord(f"{where}: token offsets {anchor.start}..{anchor.end} run backwards")
    return anchor


def _optional_anchor(data: Mapping[str, Any], key: str) -> Anchor | None:
    value = data.get(key)
    return None if value is None else anchor_from_dict(value, key)


# -- records ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class LayerHeader:
    """The first line of every layer file."""

    layer: str
    source: str
    sha256: str
    schema: int = SCHEMA_VERSION
    codebook_version: str = ""
    cakit_version: str = ""
    #: auto layer: a hash of the other inputs that change the codes (the resolved
    #: speaker roles and the reader options); see `cakit.run.inputs_key`
    inputs: str = ""
    updated: str = ""
    #: coder layer: the fingerprint of every utterance of version `sha256`, so that an
    #: edited transcript can be aligned with it (`cakit.store.alignment`)
    utterances: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "header", "schema": self.schema, "layer": self.layer,
            "source": self.source, "sha256": self.sha256,
            "codebook_version": self.codebook_version, "cakit_version": self.cakit_version,
        }
        if self.inputs:
            data["inputs"] = self.inputs
        data["updated"] = self.updated
        if self.utterances:
            data["utterances"] = " ".join(self.utterances)
        return data


def header_from_dict(data: Any) -> LayerHeader:
    data = _obj(data, "header")
    if data.get("type", "header") != "header":
        raise InvalidRecord("the first line must be the layer header")
    schema = _int(data, "schema")
    if schema > SCHEMA_VERSION or schema < 1:
        raise InvalidRecord(f"schema {schema} is not one this cakit reads (1..{SCHEMA_VERSION});"
                            " upgrade cakit")
    return LayerHeader(layer=_str(data, "layer"), source=_str(data, "source"),
                       sha256=_str(data, "sha256"), schema=schema,
                       codebook_version=_str(data, "codebook_version", optional=True) or "",
                       cakit_version=_str(data, "cakit_version", optional=True) or "",
                       inputs=_str(data, "inputs", optional=True) or "",
                       updated=_str(data, "updated", optional=True) or "",
                       utterances=tuple((_str(data, "utterances", optional=True) or "").split()))


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineItem:
    """One machine annotation as something a coder can decide on.

    `ref` names it inside its consultation (`a1`, `a1:t27`, `a1:t27:HESITATE`, `t9`);
    `attempt` is the stable id of the attempt it belongs to (responses, modifiers, carer
    responses); `data` is the annotation's export dict (absent for modifiers, which live
    inside their response).
    """

    id: str
    kind: str
    code: str
    subtype: str | None
    ref: str
    anchor: Anchor
    turn_id: str | None = None
    line: int | None = None
    attempt: str | None = None
    subtypes: tuple[str, ...] = ()
    confidence: float = 0.0
    evidence: tuple[dict[str, Any], ...] = ()
    data: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.code}/{self.subtype}" if self.subtype else self.code

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "item", "id": self.id, "kind": self.kind, "code": self.code,
            "subtype": self.subtype, "ref": self.ref, "turn_id": self.turn_id,
            "line": self.line, "attempt": self.attempt, "subtypes": list(self.subtypes),
            "confidence": self.confidence, "evidence": list(self.evidence),
            "anchor": self.anchor.to_dict(),
        }
        if self.data is not None:
            out["data"] = self.data
        return out


quick_init(MachineItem)  # one per stored code, read back on every warm run


def item_from_dict(data: Mapping[str, Any]) -> MachineItem:
    evidence = data.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(e, Mapping) for e in evidence):
        raise InvalidRecord("'evidence' must be a list of objects")
    subtypes = data.get("subtypes") or []
    if not isinstance(subtypes, list) or not all(isinstance(s, str) for s in subtypes):
        raise InvalidRecord("'subtypes' must be a list of strings")
    payload = data.get("data")
    if payload is not None and not isinstance(payload, Mapping):
        raise InvalidRecord("'data' must be an object")
    confidence = data.get("confidence", 0.0)
    if not isinstance(confidence, (int, float)) or isinstance(confidence, bool):
        raise InvalidRecord("'confidence' must be a number")
    return MachineItem(
        id=_str(data, "id"), kind=_str(data, "kind", choices=KINDS), code=_str(data, "code"),
        subtype=_str(data, "subtype", optional=True), ref=_str(data, "ref"),
        anchor=anchor_from_dict(data.get("anchor")),
        turn_id=_str(data, "turn_id", optional=True), line=_int(data, "line", optional=True),
        attempt=_str(data, "attempt", optional=True), subtypes=tuple(subtypes),
        confidence=float(confidence), evidence=tuple(dict(e) for e in evidence),
        data=dict(payload) if payload is not None else None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """A coder's judgment on one machine item, keyed by the item's stable id.

    `decision` is None when the coder only wrote a note (the item stays undecided).
    `proposed_code`/`proposed_subtype` record what the machine proposed when the coder
    decided: if a later run proposes something else for the same id, the decision still
    means what the coder meant (see `cakit.store.effective`). `history` keeps earlier
    versions of this decision, oldest first.
    """

    target: str
    kind: str
    coder: str
    anchor: Anchor
    proposed_code: str
    proposed_subtype: str | None = None
    decision: str | None = None
    code: str | None = None
    subtype: str | None = None
    note: str = ""
    time: str = ""
    attempt_anchor: Anchor | None = None
    retargeted_from: tuple[str, ...] = ()
    history: tuple[dict[str, Any], ...] = ()

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "decision", "target": self.target, "kind": self.kind, "coder": self.coder,
            "decision": self.decision, "code": self.code, "subtype": self.subtype,
            "note": self.note, "time": self.time, "proposed_code": self.proposed_code,
            "proposed_subtype": self.proposed_subtype, "anchor": self.anchor.to_dict(),
            "attempt_anchor": (None if self.attempt_anchor is None
                               else self.attempt_anchor.to_dict()),
            "retargeted_from": list(self.retargeted_from), "history": list(self.history),
        }


def decision_from_dict(data: Mapping[str, Any]) -> Decision:
    decision = _str(data, "decision", optional=True, choices=DECISIONS)
    code = _str(data, "code", optional=True)
    if decision == "relabel" and not code:
        raise InvalidRecord("a relabel decision needs 'code'")
    history = data.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, Mapping) for h in history):
        raise InvalidRecord("'history' must be a list of objects")
    retargeted = data.get("retargeted_from") or []
    if not isinstance(retargeted, list) or not all(isinstance(r, str) for r in retargeted):
        raise InvalidRecord("'retargeted_from' must be a list of strings")
    return Decision(
        target=_str(data, "target"), kind=_str(data, "kind", choices=KINDS),
        coder=_str(data, "coder"), anchor=anchor_from_dict(data.get("anchor")),
        proposed_code=_str(data, "proposed_code"),
        proposed_subtype=_str(data, "proposed_subtype", optional=True), decision=decision,
        code=code, subtype=_str(data, "subtype", optional=True),
        note=_str(data, "note", optional=True) or "", time=_str(data, "time", optional=True) or "",
        attempt_anchor=_optional_anchor(data, "attempt_anchor"),
        retargeted_from=tuple(retargeted), history=tuple(dict(h) for h in history),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HumanCode:
    """A code a coder added that the machine did not propose, anchored like machine codes.

    `attempt` is the stable id of the attempt a response, carer response or modifier
    belongs to (a machine attempt's id, or another human code's id).
    """

    id: str
    kind: str
    code: str
    coder: str
    anchor: Anchor
    subtype: str | None = None
    attempt: str | None = None
    attempt_anchor: Anchor | None = None
    note: str = ""
    time: str = ""

    @property
    def label(self) -> str:
        return f"{self.code}/{self.subtype}" if self.subtype else self.code

    def to_dict(self) -> dict[str, Any]:
        return {"type": "code", "id": self.id, "kind": self.kind, "code": self.code,
                "subtype": self.subtype, "attempt": self.attempt, "coder": self.coder,
                "note": self.note, "time": self.time, "anchor": self.anchor.to_dict(),
                "attempt_anchor": (None if self.attempt_anchor is None
                                   else self.attempt_anchor.to_dict())}


def code_from_dict(data: Mapping[str, Any]) -> HumanCode:
    return HumanCode(
        id=_str(data, "id"), kind=_str(data, "kind", choices=KINDS), code=_str(data, "code"),
        coder=_str(data, "coder"), anchor=anchor_from_dict(data.get("anchor")),
        subtype=_str(data, "subtype", optional=True), attempt=_str(data, "attempt", optional=True),
        attempt_anchor=_optional_anchor(data, "attempt_anchor"),
        note=_str(data, "note", optional=True) or "", time=_str(data, "time", optional=True) or "",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer:
    """Everything one layer file holds for one transcript."""

    header: LayerHeader
    items: tuple[MachineItem, ...] = ()
    consultation: dict[str, Any] | None = None
    #: auto layer: what reports need from the transcript it was made from (its words, media
    #: times and reading diagnostics), so a warm report need not read the transcript again
    profile: dict[str, Any] | None = None
    decisions: tuple[Decision, ...] = ()
    codes: tuple[HumanCode, ...] = ()
    _decision_index: dict[str, Decision] = field(default_factory=dict, compare=False, repr=False)

    def decision(self, target: str) -> Decision | None:
        if not self._decision_index and self.decisions:
            self._decision_index.update({d.target: d for d in self.decisions})
        return self._decision_index.get(target)

    @property
    def is_auto(self) -> bool:
        return self.header.layer == "auto"


def record_from_dict(data: Any) -> tuple[str, Any]:
    """(record type, parsed record) for one body line.

    Raises:
        InvalidRecord: the line is not a valid record.
    """
    data = _obj(data, "record")
    kind = _str(data, "type", choices=RECORD_TYPES)
    if kind == "item":
        return kind, item_from_dict(data)
    if kind == "decision":
        return kind, decision_from_dict(data)
    if kind == "code":
        return kind, code_from_dict(data)
    body = data.get("data")
    if not isinstance(body, Mapping):
        raise InvalidRecord(f"{kind!r} record needs a 'data' object")
    return kind, dict(body)
