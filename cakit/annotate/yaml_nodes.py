"""YAML nodes with their positions: the codebook loader reports every problem at its line
and column, so values are read from composed nodes, never from plain Python data."""

from __future__ import annotations

from typing import Any

from cakit.model import Diagnostic, SourceSpan


class NodeLoader:
    """Turns composed YAML nodes into Python values, remembering where each came from."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.lines = text.split("\n")
        self.problems: list[Diagnostic] = []

    def problem(self, node: Any, message: str, hint: str = "") -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        col = node.start_mark.column + 1 if node is not None else 1
        self.problem_at(line, col, message, hint)

    def problem_at(self, line: int, col: int, message: str, hint: str = "") -> None:
        """A problem at a 1-based line and column (of a node read earlier)."""
        source_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(
            Diagnostic("CK402", "error", message, SourceSpan(self.source, line, col), hint,
                       source_line)
        )

    def mapping(self, node: Any, where: str) -> dict[str, Any] | None:
        import yaml

        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{where} must be a mapping")
            return None
        out: dict[str, Any] = {}
        first: dict[str, Any] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in first:
                # YAML keeps the last of two equal keys: the first (a built-in lexicon
                # category, say) would be replaced without a word
                self.problem(key, f"{where}: {name!r} appears twice (first on line "
                             f"{first[name].start_mark.line + 1})",
                             "merge the two entries into one")
                continue
            first[name] = key
            out[name] = value
        return out

    def sequence(self, node: Any, where: str) -> list[Any] | None:
        import yaml

        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{where} must be a list")
            return None
        return list(node.value)

    def scalar(self, node: Any, where: str) -> str | None:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{where} must be a single value")
            return None
        return str(node.value)

    def words(self, node: Any, where: str) -> tuple[str, ...]:
        items = self.sequence(node, where) or []
        out = []
        for item in items:
            value = self.scalar(item, f"{where} item")
            if value is not None and value.strip():
                out.append(value.strip().lower())
        return tuple(out)


def to_python(node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return {str(k.value): to_python(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [to_python(v) for v in node.value]
    value = node.value
    tag = node.tag
    if tag.endswith(":int"):
        return int(value)
    if tag.endswith(":float"):
        return float(value)
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on")
    if tag.endswith(":null"):
        return None
    return value
