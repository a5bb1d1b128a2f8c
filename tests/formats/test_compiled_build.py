"""The optional compiled CHAT reader (setup.py, `CAKIT_COMPILE=1`): what it compiles,
and how cakit tells whether it runs. `.ci/run` also builds it and runs the CHAT tests on
it; this file checks the parts that hold in either build."""

from __future__ import annotations

import ast
import sys
import types
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from cakit.formats import COMPILABLE, compiled

REPO = Path(__file__).resolve().parents[2]


def _setup_sources() -> list[str]:
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "COMPILED_SOURCES" for t in targets):
                assert node.value is not None
                return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no COMPILED_SOURCES")


def test_setup_compiles_exactly_the_modules_cakit_checks() -> None:
    sources = _setup_sources()
    modules = [source.removesuffix(".py").replace("/", ".") for source in sources]
    assert modules == [m for names in COMPILABLE.values() for m in names]
    assert all((REPO / source).is_file() for source in sources)


def _fake(monkeypatch: pytest.MonkeyPatch, suffixes: dict[str, str]) -> None:
    for name, suffix in suffixes.items():
        module = types.ModuleType(name)
        module.__file__ = f"/somewhere/{name.rsplit('.', 1)[-1]}{suffix}"
        monkeypatch.setitem(sys.modules, name, module)


def test_compiled_only_when_every_module_is_an_extension(
        monkeypatch: pytest.MonkeyPatch) -> None:
    names = COMPILABLE["chat"]
    _fake(monkeypatch, dict.fromkeys(names, EXTENSION_SUFFIXES[0]))
    assert compiled("chat")
    _fake(monkeypatch, {names[-1]: ".py"})  # one module left as source: not compiled
    assert not compiled("chat")


def test_formats_without_a_compiled_build_never_claim_one() -> None:
    assert not compiled("jefferson")
    assert not compiled("no-such-format")
