"""Reading transcripts: a registry of formats and one `read()` that picks among them.

`read(path)` chooses the format by explicit argument, then by suffix, then by sniffing the
first bytes. Every format turns bytes into the same `Transcript` model and reports problems
as diagnostics; nothing here prints.

`FORMATS` always holds the built-in formats, whatever is registered first; plug-in formats
come from entry points of the group `cakit.formats` or from `FORMATS.register` (see
docs/extending.md and `cakit formats`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Protocol, cast

from cakit.formats._diag import ErrorMode
from cakit.model import Diagnostic, ParseResult, Role, SourceSpan, Transcript
from cakit.registry import Registry

Convention = Literal["jefferson", "gat2"]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options every reader understands (unused ones are ignored)."""

    tokenize: bool = True
    roles: Mapping[str, Role] = field(default_factory=dict)
    #: check dependent tiers' structure (%mor and %gra against the main tier): validating
    #: does, reading for analysis does not
    check_tiers: bool = False
    convention: Convention = "jefferson"


class Format(Protocol):
    """What a transcript format provides to the registry."""

    @property
    def name(self) -> str:
        """Registry name ("chat", "jefferson", "docx")."""
        ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """File suffixes this format claims, lower case with the dot."""
        ...

    def sniff(self, head: bytes) -> bool:
        """True if the first bytes of a file look like this format."""
        ...

    def read_bytes(
        self, data: bytes, *, source: str, errors: ErrorMode, options: ReadOptions
    ) -> ParseResult:
        """Bytes → transcript and diagnostics."""
        ...


def _register_builtins(registry: Registry[Format]) -> None:
    from cakit.formats.chat import CHAT_FORMAT
    from cakit.formats.elan import ELAN_FORMAT
    from cakit.formats.jefferson import DOCX_FORMAT, JEFFERSON_FORMAT

    for fmt in (CHAT_FORMAT, JEFFERSON_FORMAT, DOCX_FORMAT, ELAN_FORMAT):
        registry.register(fmt.name, fmt)


def _check_format(name: str, component: object) -> str | None:
    """Why an entry point's object is not a `Format` (None when it is one)."""
    missing = [attribute for attribute in ("name", "suffixes", "sniff", "read_bytes")
               if not hasattr(component, attribute)]
    if missing:
        return f"it has no {', '.join(missing)} (a class instead of an instance?)"
    if getattr(component, "name", None) != name:
        return f"its name is {getattr(component, 'name', None)!r}, not the entry point's {name!r}"
    suffixes = getattr(component, "suffixes", None)
    if not isinstance(suffixes, tuple) or not all(
        isinstance(suffix, str) and suffix.startswith(".") and suffix == suffix.lower()
        for suffix in suffixes
    ):
        return "its suffixes must be a tuple of lower-case suffixes with the dot ('.tsv',)"
    return None


#: Every transcript format: the built-ins (chat, jefferson, docx, elan), always, plus the
#: entry points of group `cakit.formats` and formats registered at runtime. See
#: docs/extending.md.
FORMATS: Registry[Format] = Registry(
    "format", builtins=_register_builtins, entry_point_group="cakit.formats",
    check=_check_format,
)

#: The formats cakit can write, by format name: the `cakit convert --to` target that writes
#: each. Writing is built in (cakit/cli/convert.py calls each writer itself) and not
#: pluggable, so a plug-in format is read-only.
WRITE_TARGETS: Mapping[str, str] = MappingProxyType(
    {"chat": "chat", "jefferson": "jefferson", "elan": "eaf"}
)


#: The reader modules an optional build compiles with mypyc, by format (`CAKIT_COMPILE=1
#: pip install --no-build-isolation .`; setup.py compiles this list, a test checks they
#: agree). Compiled or not, they read alike: the compiled build runs the same source.
COMPILABLE: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "chat": ("cakit.formats.chat.headers", "cakit.formats.chat.reader",
             "cakit.formats.chat.tiers", "cakit.formats.chat.tokens"),
})


def compiled(name: str) -> bool:
    """Whether the reader of format `name` runs compiled: every module `COMPILABLE` lists
    for it was loaded from an extension module, not from its Python source."""
    import importlib
    from importlib.machinery import EXTENSION_SUFFIXES

    modules = COMPILABLE.get(name, ())
    return bool(modules) and all(
        str(getattr(importlib.import_module(module), "__file__", "")).endswith(
            tuple(EXTENSION_SUFFIXES))
        for module in modules)


def write_target(name: str) -> str | None:
    """The `cakit convert --to` target that writes the format `name`, if cakit can write it.

    Only built-in formats are written, so a plug-in never borrows a built-in's writer.
    """
    if name in FORMATS and FORMATS.origin(name).kind == "built-in":
        return WRITE_TARGETS.get(name)
    return None


def empty_result(
    source: str, fmt: str, diagnostics: list[Diagnostic], sha256: str = ""
) -> ParseResult:
    """A transcript with no content, carrying the diagnostics that explain why."""
    stem = Path(source).stem
    transcript = Transcript(
        id=stem, source=source, format=fmt, sha256=sha256, diagnostics=tuple(diagnostics)
    )
    return ParseResult(transcript, tuple(diagnostics))


def format_for(path: Path, head: bytes, name: str | None = None) -> Format | None:
    """The format for a file: explicit name, then suffix, then sniffing.

    Built-in formats are asked first, so a plug-in cannot take `.cha` or `.txt` from them
    (read such a file with `format=` the plug-in's name instead).

    Raises:
        UnknownComponentError: `name` is not a registered format.
        PluginError: an installed format plug-in cannot be loaded.
    """
    if name:
        return FORMATS.get(name)
    suffix = path.suffix.lower()
    ordered = _builtins_first()
    for fmt in ordered:
        if suffix in fmt.suffixes:
            return fmt
    for fmt in ordered:
        if fmt.sniff(head):
            return fmt
    return None


def _builtins_first() -> list[Format]:
    items = FORMATS.items()
    return [fmt for builtin in (True, False) for name, fmt in items
            if (FORMATS.origin(name).kind == "built-in") is builtin]


def supported_suffixes() -> tuple[str, ...]:
    """Every suffix a registered format claims (plug-ins included)."""
    return tuple(sorted({s for _, fmt in FORMATS.items() for s in fmt.suffixes}))


def reading_settings(path: Path, roles: Mapping[str, Role] | None = None,
                     convention: Convention | None = None
                     ) -> tuple[dict[str, Role], Convention]:
    """What a file is read with, from one look at its project's `cakit.yaml` (the nearest
    above it): the speaker-role map, overridden by `roles`, and how its Jefferson marks are
    read: `convention` when given, else the project's `convention:`, else "jefferson".

    Raises:
        ConfigError: the project's `cakit.yaml` is invalid.
    """
    from cakit.config import project_config

    config = project_config(path.parent)
    merged: dict[str, Role] = {**config.roles, **(roles or {})}
    return merged, cast(Convention, convention or config.convention or "jefferson")


def role_configuration(path: Path, roles: Mapping[str, Role] | None = None
                       ) -> dict[str, Role]:
    """The speaker-role map a file is read with (`reading_settings`)."""
    return reading_settings(path, roles)[0]


def project_convention(path: Path, convention: Convention | None = None) -> Convention:
    """How a file's Jefferson marks are read (`reading_settings`)."""
    return reading_settings(path, convention=convention)[1]


def read(
    path: str | Path,
    *,
    format: str | None = None,
    errors: ErrorMode = "collect",
    tokenize: bool = True,
    roles: Mapping[str, Role] | None = None,
    convention: Convention | None = None,
    check_tiers: bool = False,
) -> ParseResult:
    """Read one transcript file.

    Args:
        path: the file.
        format: "chat", "jefferson", "docx", "elan" or a plug-in's name; by default from
            the suffix or content.
        errors: "collect" returns every diagnostic; "raise" raises on the first error.
        tokenize: False reads speakers, headers and turns only (fast corpus counts).
        roles: speaker label → role, overriding the corpus config and built-in maps.
        convention: how Jefferson marks are read ("gat2": capitals mark accent); by
            default the project's `cakit.yaml` `convention:`, else "jefferson".
        check_tiers: also check the structure of CHAT %mor/%gra tiers against the main
            tier (`cakit validate` and `cakit convert` do; off by default: nothing that
            analyses talk reads those tiers, and the checks are about a fifth of reading
            time on a tagged corpus).

    Raises:
        ParseError: in "raise" mode, on the first error (including unreadable files).
        PluginError: an installed format plug-in cannot be loaded (in either mode).
    """
    from cakit.formats._diag import Collector

    file_path = Path(path)
    source = str(path)
    try:
        data = file_path.read_bytes()
    except OSError as exc:
        collector = Collector(source, [], errors)
        collector.add("CK100", "error", f"cannot read file: {exc.strerror or exc}", 1, 1)
        return empty_result(source, "unknown", collector.items)
    sha256 = hashlib.sha256(data).hexdigest()
    fmt = format_for(file_path, data[:4096], format)
    if fmt is None:
        diagnostic = Diagnostic(
            "CK106", "error", "unknown transcript format", SourceSpan(source, 1, 1),
            f"supported suffixes: {', '.join(supported_suffixes())}",
        )
        Collector(source, [], errors).extend([diagnostic])
        return empty_result(source, "unknown", [diagnostic], sha256)
    file_roles, file_convention = reading_settings(file_path, roles, convention)
    options = ReadOptions(tokenize=tokenize, roles=file_roles, convention=file_convention,
                          check_tiers=check_tiers)
    result = fmt.read_bytes(data, source=source, errors=errors, options=options)
    if result.transcript.sha256 != sha256:
        from dataclasses import replace

        result = ParseResult(replace(result.transcript, sha256=sha256), result.diagnostics)
    return result


__all__ = [
    "COMPILABLE", "FORMATS", "WRITE_TARGETS", "Format", "ReadOptions", "compiled",
    "empty_result", "format_for", "read", "supported_suffixes", "write_target",
]
