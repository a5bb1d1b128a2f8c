"""Project configuration: the `cakit.yaml` at the top of a project.

A transcript belongs to the nearest `cakit.yaml` in its folder or a folder above it (as
git finds `.git`); that file's folder is the project root (`cakit.project`). Today the
file holds the speaker-label → role map (`roles:`), so a corpus with its own labels
("Gran:", "Keyworker:") can say who is who without touching cakit, and how its Jefferson
transcripts' marks are read (`convention: gat2`, for a corpus transcribed in GAT 2; the
default is `jefferson`). The file is validated and every problem reported at its YAML line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cakit.errors import ConfigError
from cakit.model import ROLES, Diagnostic, Role, SourceSpan

CONFIG_NAME = "cakit.yaml"
#: How a project's Jefferson transcripts can be read (`cakit.formats.Convention`).
CONVENTIONS = ("jefferson", "gat2")


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """What a `cakit.yaml` (or a `--roles` file) says."""

    roles: dict[str, Role] = field(default_factory=dict)
    #: `convention:`, or None when the file does not set it
    convention: str | None = None


@lru_cache(maxsize=256)
def _load(path: str, mtime: float) -> ProjectConfig:
    import yaml

    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # reported where the first bad byte is
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[start : exc.start].decode("utf-8")) + 1
        source_line = data[start:].split(b"\n", 1)[0].decode("utf-8", errors="replace")
        raise ConfigError(f"{path}: invalid corpus configuration", [Diagnostic(
            "CK401", "error", f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            SourceSpan(path, line, col), "save the file as UTF-8", source_line,
        )]) from None
    problems: list[Diagnostic] = []
    lines = text.split("\n")

    def problem(message: str, line: int, col: int, hint: str = "") -> None:
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        problems.append(
            Diagnostic("CK401", "error", message, SourceSpan(path, line, col), hint, source_line)
        )

    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", line, col)
        raise ConfigError(f"{path}: invalid corpus configuration", problems) from None
    roles: dict[str, Role] = {}
    convention: str | None = None
    if node is None:
        return ProjectConfig()
    if not isinstance(node, yaml.MappingNode):
        problem("the file must be a mapping (e.g. 'roles:')", node.start_mark.line + 1, 1)
        raise ConfigError(f"{path}: invalid corpus configuration", problems)
    seen: dict[str, int] = {}
    for key, value in node.value:
        if key.value in seen:
            problem(f"{key.value!r} appears twice (first on line {seen[key.value]}); YAML would "
                    "keep only the last", key.start_mark.line + 1, key.start_mark.column + 1,
                    "merge the two into one")
            continue
        seen[key.value] = key.start_mark.line + 1
        if key.value == "convention":
            if not isinstance(value, yaml.ScalarNode) or value.value not in CONVENTIONS:
                problem(f"'convention' must be one of {', '.join(CONVENTIONS)}",
                        value.start_mark.line + 1, value.start_mark.column + 1)
            else:
                convention = value.value
            continue
        if key.value != "roles":
            problem(f"unknown setting {key.value!r}", key.start_mark.line + 1,
                    key.start_mark.column + 1, "known settings: roles, convention")
            continue
        if not isinstance(value, yaml.MappingNode):
            problem("'roles' must map speaker labels to roles", value.start_mark.line + 1,
                    value.start_mark.column + 1)
            continue
        labels: dict[str, int] = {}
        for label, role in value.value:
            written = str(label.value)
            if written.lower() in labels:  # labels are matched in any case
                problem(f"speaker label {written!r} is mapped twice (first on line "
                        f"{labels[written.lower()]})", label.start_mark.line + 1,
                        label.start_mark.column + 1, "keep one role per speaker label")
                continue
            labels[written.lower()] = label.start_mark.line + 1
            if not isinstance(role, yaml.ScalarNode) or role.value not in ROLES:
                problem(f"role for {label.value!r} must be one of {', '.join(ROLES)}",
                        role.start_mark.line + 1, role.start_mark.column + 1)
                continue
            roles[str(label.value)] = role.value
    if problems:
        raise ConfigError(f"{path}: invalid corpus configuration", problems)
    return ProjectConfig(roles, convention)


def find_config(start: Path) -> Path | None:
    """The nearest `cakit.yaml` in `start` (a folder) or any folder above it, or None."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def project_config(directory: Path) -> ProjectConfig:
    """What the nearest `cakit.yaml` at or above `directory` says (nothing when none): its
    `roles:` map and its `convention:`.

    Raises:
        ConfigError: the file exists but is invalid.
    """
    path = find_config(directory)
    if path is None:
        return ProjectConfig()
    return _load(str(path), path.stat().st_mtime)


def load_roles_file(path: Path) -> dict[str, Role]:
    """A roles file given with `--roles` (same shape as `cakit.yaml`; a `convention:` in
    it is refused: it belongs to the project, in its `cakit.yaml`)."""
    config = _load(str(path), path.stat().st_mtime)
    if config.convention is not None:
        raise ConfigError(f"{path}: invalid roles file", [Diagnostic(
            "CK401", "error", "a --roles file maps speaker labels only: 'convention' belongs "
            "in the project's cakit.yaml", SourceSpan(str(path), 1, 1),
            "move the convention: line into cakit.yaml")])
    return dict(config.roles)
