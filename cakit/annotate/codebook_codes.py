"""The codebook's `codes:` and `outcomes:` sections → the frozen code catalogue.

Part of loading a codebook (cakit/annotate/codebook.py): every problem is reported at its
YAML line through the loader, never raised one at a time.
"""

from __future__ import annotations

from typing import Any, cast

from cakit.annotate.yaml_nodes import NodeLoader, to_python
from cakit.codes import (
    OUTCOME_WHENS,
    TIE_NEEDS,
    CodeCatalogue,
    CodeInfo,
    Family,
    FrameRule,
    OutcomeInfo,
    OutcomeWhen,
    TieNeed,
)

_TOP_FAMILIES = ("attempt", "turn", "response", "modifier", "carer")
_CODE_KEYS = {"family", "label", "abbreviation", "colour", "definition", "confidence",
              "engaging", "decisive", "asking", "continuing", "rule", "subtypes"}
_SUBTYPE_KEYS = {"label", "abbreviation", "colour", "definition", "confidence"}
_RULE_KEYS = {"frames", "tie", "before", "question"}
_OUTCOME_KEYS = {"label", "abbreviation", "colour", "definition", "when", "codes", "engaged"}


def _text(loader: NodeLoader, entry: dict[str, Any], key: str, default: str = "") -> str:
    if key not in entry:
        return default
    return " ".join((loader.scalar(entry[key], key) or "").split())


def _flag(loader: NodeLoader, entry: dict[str, Any], key: str, default: bool) -> bool:
    if key not in entry:
        return default
    value = to_python(entry[key])
    if not isinstance(value, bool):
        loader.problem(entry[key], f"{key} must be true or false")
        return default
    return value


def _confidence(loader: NodeLoader, entry: dict[str, Any], default: float) -> float:
    if "confidence" not in entry:
        return default
    value = to_python(entry["confidence"])
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        loader.problem(entry["confidence"], "confidence must be a number from 0 to 1")
        return default
    return float(value)


def _unknown_keys(loader: NodeLoader, entry: dict[str, Any], known: set[str], where: str) -> None:
    for key, node in entry.items():
        if key not in known:
            loader.problem(node, f"unknown key {key!r} in {where}",
                           f"keys: {', '.join(sorted(known))}")


def _rule(loader: NodeLoader, node: Any, code: str, frames: set[str]) -> FrameRule | None:
    entry = loader.mapping(node, f"the rule of {code}") or {}
    _unknown_keys(loader, entry, _RULE_KEYS, f"the rule of {code}")
    frame = _text(loader, entry, "frames")
    if not frame:
        loader.problem(node, f"the rule of {code} needs frames: <a frame name>")
        return None
    if frame not in frames:
        loader.problem(entry["frames"], f"the rule of {code} names unknown frame {frame!r}",
                       "add it under frames:, with words or patterns")
        return None
    tie = _text(loader, entry, "tie", "adjacent")
    if tie not in TIE_NEEDS:
        loader.problem(entry["tie"], f"tie must be one of {', '.join(TIE_NEEDS)}")
        tie = "adjacent"
    before = _text(loader, entry, "before", "ACKNOWLEDGE").upper()
    return FrameRule(frames=frame, tie=cast(TieNeed, tie), before=before,
                     question=_flag(loader, entry, "question", False))


def parse_catalogue(loader: NodeLoader, top: dict[str, Any], frames: set[str]) -> CodeCatalogue:
    """The `codes:` and `outcomes:` sections of a codebook, checked and frozen."""
    codes: list[CodeInfo] = []
    for name, node in (loader.mapping(top.get("codes"), "codes") or {}).items():
        entry = loader.mapping(node, f"code {name}") or {}
        _unknown_keys(loader, entry, _CODE_KEYS, f"code {name}")
        family = _text(loader, entry, "family")
        if family not in _TOP_FAMILIES:
            loader.problem(entry.get("family", node),
                           f"code {name} needs a family: {', '.join(_TOP_FAMILIES)}")
            family = "response"
        rule = _rule(loader, entry["rule"], name, frames) if "rule" in entry else None
        if rule is not None and family != "response":
            loader.problem(entry["rule"], f"only response codes take a rule ({name} is {family})")
        codes.append(CodeInfo(
            name=name, family=cast(Family, family), label=_text(loader, entry, "label", name),
            abbreviation=_text(loader, entry, "abbreviation", name),
            colour=_text(loader, entry, "colour"), definition=_text(loader, entry, "definition"),
            confidence=_confidence(loader, entry, 0.5),
            engaging=_flag(loader, entry, "engaging", False),
            decisive=_flag(loader, entry, "decisive", True),
            asking=_flag(loader, entry, "asking", False),
            continuing=_flag(loader, entry, "continuing", False), rule=rule,
            line=node.start_mark.line + 1,
        ))
        codes.extend(_subtypes(loader, entry.get("subtypes"), codes[-1]))
    seen: set[str] = set()
    for code in codes:
        if code.name in seen:
            loader.problem(top.get("codes"), f"code {code.name} is defined twice")
        seen.add(code.name)
    outcomes = _outcomes(loader, top.get("outcomes"), seen)
    return CodeCatalogue(codes=tuple(codes), outcomes=tuple(outcomes))


def _subtypes(loader: NodeLoader, node: Any, parent: CodeInfo) -> list[CodeInfo]:
    import yaml

    if node is None:
        return []
    family = cast(Family, f"{parent.family}_subtype")
    if isinstance(node, yaml.SequenceNode):  # a plain list of names, as in codebook 1.3
        return [CodeInfo(name=name.upper(), family=family, label=name.upper(),
                         abbreviation=name.upper(), parent=parent.name,
                         confidence=parent.confidence, line=node.start_mark.line + 1)
                for name in loader.words(node, f"subtypes of {parent.name}")]
    out: list[CodeInfo] = []
    for name, sub in (loader.mapping(node, f"subtypes of {parent.name}") or {}).items():
        entry = loader.mapping(sub, f"subtype {name}") or {}
        _unknown_keys(loader, entry, _SUBTYPE_KEYS, f"subtype {name}")
        out.append(CodeInfo(
            name=name, family=family, label=_text(loader, entry, "label", name),
            abbreviation=_text(loader, entry, "abbreviation", name),
            colour=_text(loader, entry, "colour", parent.colour),
            definition=_text(loader, entry, "definition"), parent=parent.name,
            confidence=_confidence(loader, entry, parent.confidence),
            line=sub.start_mark.line + 1,
        ))
    return out


def _outcomes(loader: NodeLoader, node: Any, codes: set[str]) -> list[OutcomeInfo]:
    if node is None:  # reported as a missing section
        return []
    out: list[OutcomeInfo] = []
    for name, sub in (loader.mapping(node, "outcomes") or {}).items():
        entry = loader.mapping(sub, f"outcome {name}") or {}
        _unknown_keys(loader, entry, _OUTCOME_KEYS, f"outcome {name}")
        when = _text(loader, entry, "when", "otherwise")
        if when not in OUTCOME_WHENS:
            loader.problem(entry["when"], f"when must be one of {', '.join(OUTCOME_WHENS)}")
            when = "otherwise"
        members = tuple(c.upper() for c in loader.words(entry["codes"], "codes")) \
            if "codes" in entry else ()
        for member in members:
            if member not in codes:
                loader.problem(entry["codes"], f"outcome {name} names unknown code {member!r}")
        if when != "otherwise" and not members:
            loader.problem(sub, f"outcome {name} needs codes for when: {when}")
        out.append(OutcomeInfo(
            name=name, label=_text(loader, entry, "label", name),
            abbreviation=_text(loader, entry, "abbreviation", name),
            colour=_text(loader, entry, "colour"), definition=_text(loader, entry, "definition"),
            when=cast(OutcomeWhen, when), codes=members,
            engaged=_flag(loader, entry, "engaged", False),
        ))
    if not out or out[-1].when != "otherwise":
        loader.problem(node, "the last outcome must have when: otherwise",
                       "so that every sequence gets an outcome")
    return out
