"""Gold annotations: the JSON exports, written or edited by hand, that `cakit evaluate
--gold` scores the annotator against.

A gold file is read strictly (`cakit.annotations.shape_problems`): what the lenient export
reader would pass over — a misspelt key read as "no attempts", a null list, a line written
as text, a response pointing at no attempt, a key written twice (JSON keeps the last) — is
refused, each problem as a CK406 diagnostic at its line and column in the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cakit.annotations import (
    AnnotationFormatError,
    ConsultationAnnotations,
    JsonPath,
    ShapeProblem,
    from_dict,
    shape_problems,
)
from cakit.errors import CakitError, DiagnosticsError
from cakit.model import Diagnostic, SourceSpan

#: The most problems listed per gold file (the rest are counted).
SHOWN = 10
_HINT = "fix the gold file (docs/export-json.md has the export's shape)"


class GoldError(DiagnosticsError):
    """A gold file cannot be scored without guessing; every problem at its place (CK406)."""


class _DuplicateKey(CakitError):
    """A key written twice in one JSON object (raised from inside `json.loads`)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def load_gold(directory: Path) -> list[ConsultationAnnotations]:
    """Every consultation in the gold files of a folder (`*.json` directly in it).

    Raises:
        CakitError: the folder holds no *.json file, or two files hold the same
            consultation (a backup or an older revision beside the gold would be counted
            twice).
        GoldError: a file is not valid JSON or not a gold file cakit can score.
    """
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise CakitError(f"{directory}: no gold annotations here (the JSON exports, files "
                         "named *.json, directly in this folder)")
    consultations: list[ConsultationAnnotations] = []
    found_in: dict[str, Path] = {}
    for path in paths:
        for consultation in read_gold_file(path):
            if consultation.id in found_in:
                raise CakitError(f"{path}: consultation {consultation.id!r} is also in "
                                 f"{found_in[consultation.id]}: keep one gold file for it")
            found_in[consultation.id] = path
            consultations.append(consultation)
    return consultations


def read_gold_file(path: Path) -> tuple[ConsultationAnnotations, ...]:
    """The consultations of one gold file, read strictly (see the module's docstring).

    Raises:
        CakitError: the file cannot be read or is not UTF-8.
        GoldError: it is not valid JSON, or not a gold file cakit can score.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CakitError(f"{path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # at the first byte that is not UTF-8
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise _refused(path, data.decode("utf-8", errors="replace"), [
            (line, col, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded "
                        "(JSON files are UTF-8)")]) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _refused(path, text, [(exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")]
                       ) from None
    except _DuplicateKey as exc:
        line, col = _duplicate_position(_compose(text), exc.key)
        raise _refused(path, text, [(line, col, f"the key {exc.key!r} is written twice in "
                                     "one object (JSON would keep the last)")]) from None
    problems = shape_problems(data)
    if problems:
        document = _compose(text)  # once: every problem is looked up in the same nodes
        raise _refused(path, text, [(*json_position(document, p.where, on_key=p.on_key),
                                     str(p)) for p in problems])
    try:
        return from_dict(data).transcripts
    except AnnotationFormatError as exc:
        raise _refused(path, text, [(1, 1, str(exc))]) from None


def _refused(path: Path, text: str, problems: Sequence[tuple[int, int, str]]) -> GoldError:
    lines = text.splitlines()
    diagnostics = [
        Diagnostic("CK406", "error", message, SourceSpan(str(path), line, col), _HINT,
                   lines[line - 1] if 0 < line <= len(lines) else "")
        for line, col, message in problems[:SHOWN]
    ]
    more = len(problems) - SHOWN
    summary = f"{path}: not a gold file cakit can score without guessing" + (
        f" ({len(problems)} problems; the first {SHOWN} follow)" if more > 0 else "")
    return GoldError(summary, diagnostics)


# -- where a value is in the file --------------------------------------------------------

def _compose(text: str) -> Any:
    """The document as YAML nodes, which know their line and column (JSON is YAML
    1.2); None when PyYAML cannot read this JSON (a few escapes YAML 1.1 lacks)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return None


def json_position(document: Any, where: JsonPath, *, on_key: bool = False
                  ) -> tuple[int, int]:
    """The 1-based line and column of the value at `where` in a JSON document composed
    by `_compose` (of its key with `on_key`); as near as can be found: the deepest
    container on the path that exists, or the file's start."""
    import yaml

    node = document
    if node is None:
        return 1, 1
    position = node.start_mark
    for depth, step in enumerate(where, 1):
        if isinstance(step, int) and isinstance(node, yaml.SequenceNode) \
                and 0 <= step < len(node.value):
            node = node.value[step]
        elif isinstance(step, str) and isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                break
            node = pair[0] if on_key and depth == len(where) else pair[1]
        else:
            break
        position = node.start_mark
    return position.line + 1, position.column + 1


def _duplicate_position(document: Any, key: str) -> tuple[int, int]:
    """Where `key` is written a second time in one object of a composed document."""
    import yaml

    todo = [document]
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            seen = [k for k, _ in node.value if k.value == key]
            if len(seen) > 1:
                return seen[1].start_mark.line + 1, seen[1].start_mark.column + 1
            todo.extend(v for _, v in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
    return 1, 1


__all__ = ["GoldError", "ShapeProblem", "json_position", "load_gold", "read_gold_file"]
