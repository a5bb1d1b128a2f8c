"""Writing a planted de-identification set: shared by make_deid_planted.py and
make_deid_blind.py.

A consultation is a dict: `name` (the file name), `header` (lines), `body` ((label, talk)
tuples, or a str for a continuation or silence line; CHAT: (code, talk) tuples) and, for
Jefferson, `numbered` ("right", "left" or None). In the text, ``⟦kind:text⟧`` plants an
identifier and ``«text»`` marks an ordinary word that must not be replaced (a control). The
writers strip the markers and record each with its physical 1-based line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = {
    "fn": "first_name", "sn": "surname", "full": "full_name", "tn": "titled_name",
    "hosp": "hospital", "ward": "ward", "addr": "address", "pc": "postcode",
    "tel": "phone", "nhs": "nhs_number", "mail": "email", "dob": "date_of_birth",
    "date": "date", "town": "place", "work": "school_workplace",
}
_ITEM = re.compile(r"⟦(\w+):([^⟧]+)⟧")
_CONTROL = re.compile(r"«([^»]+)»")


@dataclass
class Key:
    """What the writers record: planted items, controls and (optionally) each line with
    its marked spans blanked, for a check that no identifier also stands unmarked."""

    planted: list[tuple[str, int, str, str, str, str]] = field(default_factory=list)
    controls: list[tuple[str, ...]] = field(default_factory=list)
    residue: list[tuple[str, int, str]] = field(default_factory=list)
    #: why a control is one (the blind set records it; None: not recorded)
    why: Callable[[str], str] | None = None
    #: check that CHAT talk holds no digits (CHAT writes numbers as words)
    words_only_chat: bool = False


def case_of(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "digits"
    if all(c.isupper() for c in letters) and len(letters) > 1:
        return "upper"
    if all(c.islower() for c in letters):
        return "lower"
    words = [w for w in re.split(r"[\s,.\-@]+", text) if any(c.isalpha() for c in w)]
    if all(w[0].isupper() or not w[0].isalpha() for w in words):
        return "title"
    return "mixed"


def strip(text: str, file: str, line: int, place: str, key: Key) -> str:
    """`text` without its markers; the items and controls recorded in `key`."""
    for match in _ITEM.finditer(text):
        kind, item = match.group(1), match.group(2)
        key.planted.append((file, line, item, KINDS[kind], case_of(item), place))
    for match in _CONTROL.finditer(text):
        word = match.group(1)
        key.controls.append((file, line, word) if key.why is None
                            else (file, line, word, key.why(word)))
    key.residue.append((file, line, _CONTROL.sub(" ", _ITEM.sub(" ", text))))
    return _CONTROL.sub(r"\1", _ITEM.sub(r"\2", text))


def jefferson(spec: dict, key: Key) -> str:
    file = spec["name"]
    out: list[str] = []
    for raw in spec["header"]:
        out.append(strip(raw, file, len(out) + 1, "header", key))
    if out:
        out.append("")
    labels = [strip(item[0], "", 0, "", Key()) for item in spec["body"]
              if isinstance(item, tuple)]
    width = max(len(label) for label in labels) + 2
    for number, item in enumerate(spec["body"], start=1):
        line = len(out) + 1
        if isinstance(item, tuple):
            label = strip(item[0], file, line, "label", key)
            talk = strip(item[1], file, line, "turn", key)
            body = f"{label + ':':<{width}}{talk}"
        else:
            body = strip(item, file, line, "turn", key).strip()
            body = " " * width + body
        if spec["numbered"] == "right":
            body = f"{number:>3}  {body}"
        elif spec["numbered"] == "left":
            body = f"{number:<4} {body}"
        out.append(body.rstrip())
    return "\n".join(out) + "\n"


def chat(spec: dict, key: Key) -> str:
    file = spec["name"]
    out: list[str] = []
    for raw in spec["header"]:
        out.append(strip(raw, file, len(out) + 1, "header", key))
    for code, talk in spec["body"]:
        text = strip(talk, file, len(out) + 1, "turn", key)
        if key.words_only_chat and re.search(r"\d", re.sub(r"\(\d+(\.\d+)?\)", "", text)):
            raise ValueError(f"{file}: digits in a CHAT utterance: {text!r}")
        out.append(f"*{code}:\t" + text)
    out.append("@End")
    return "\n".join(out) + "\n"


def write(spec: dict, key: Key) -> str:
    """The file text of one consultation, CHAT or Jefferson by its name."""
    return chat(spec, key) if spec["name"].endswith(".cha") else jefferson(spec, key)
