"""Stable GUIDs for everything a REFI-QDA export holds: uuid5 of cakit's stable ids.

The same store and transcripts give the same GUIDs, so exporting twice gives the same
file, and an import recognises the selections cakit wrote by their GUIDs.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cakit.invalid/refi-qda")


def guid(*parts: str) -> str:
    """The GUID of one exported element, from what identifies it."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def normal(value: str | None) -> str:
    """A GUID as cakit compares them: lower case, no braces (other tools write both)."""
    return (value or "").strip().strip("{}").lower()


def machine_user() -> str:
    return guid("user", "auto")


def consensus_user() -> str:
    return guid("user", "consensus")


def coder_user(name: str) -> str:
    return guid("user", "coder", name)


def source_guid(identity: str) -> str:
    return guid("source", identity)


def item_selection(item_id: str) -> str:
    return guid("selection", "item", item_id)


def human_selection(code_id: str) -> str:
    return guid("selection", "human", code_id)


def family_guid(name: str) -> str:
    return guid("code", "family", name)


def code_guid(label: str) -> str:
    """The GUID of a code (`CODE`) or of a subtype under it (`CODE/SUBTYPE`)."""
    return guid("code", label)
