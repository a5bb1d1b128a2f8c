"""The diagnostics catalogue: one entry per code the source emits, `cakit explain`, the
generated docs page, `validate --ignore`, and one root for cakit's exceptions."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.cli import cli
from cakit.diagnostics import CATALOGUE, explain, markdown
from cakit.errors import CakitError, UnknownComponentError

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "cakit"
CATALOGUE_MODULE = PACKAGE / "diagnostics.py"
DOCS = REPO / "docs" / "diagnostics.md"
#: A code as it is written in the source: CK…, CHAT's E…, and the CHAT warning W210.
CODE = re.compile(r"\b(?:CK|E|W)\d{3}\b")


def _source_codes() -> dict[str, list[str]]:
    """code → the files (outside the catalogue) that write it."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == CATALOGUE_MODULE:
            continue
        for code in set(CODE.findall(path.read_text(encoding="utf-8"))):
            found.setdefault(code, []).append(str(path.relative_to(REPO)))
    return found


def test_every_code_in_the_source_is_in_the_catalogue() -> None:
    missing = {code: files for code, files in _source_codes().items() if code not in CATALOGUE}
    assert not missing, f"codes with no catalogue entry (add them to cakit/diagnostics.py): " \
                        f"{missing}"


def test_every_catalogue_code_is_emitted_somewhere() -> None:
    stale = sorted(set(CATALOGUE) - set(_source_codes()))
    assert not stale, f"catalogue entries no source file writes (remove them): {stale}"


def test_entries_are_well_formed() -> None:
    for code, entry in CATALOGUE.items():
        assert entry.code == code and CODE.fullmatch(code)
        assert entry.severity in ("error", "warning", "info")
        assert entry.area, code
        for text in (entry.meaning, entry.hint, entry.note):
            assert "\n" not in text and text == text.strip(), code
        assert entry.meaning and entry.hint, code


def test_lenient_codes_say_so() -> None:
    from cakit.formats.lenient import LENIENT_CODES

    said = {code for code, entry in CATALOGUE.items() if "--lenient" in entry.note}
    assert said == set(LENIENT_CODES)
    assert all(CATALOGUE[code].severity == "error" for code in LENIENT_CODES)


def test_ck304_has_one_meaning_and_the_others_their_own_codes() -> None:
    from cakit.formats.jefferson import parse_jefferson

    def codes(line: str, **options: str) -> list[str]:
        result = parse_jefferson([f"P: {line}"], source="t.txt", **options)  # type: ignore[arg-type]
        return [d.code for d in result.diagnostics]

    assert codes("°quiet here") == ["CK304"]
    assert codes("so > here") == ["CK307"]
    assert codes("<<f> loud here", convention="gat2") == ["CK312"]
    assert codes("(unsure here") == ["CK313"]


def test_explain_is_forgiving_about_case_and_space() -> None:
    assert explain(" e517 ") is CATALOGUE["E517"]


def test_explain_unknown_code_suggests_a_close_one() -> None:
    with pytest.raises(UnknownComponentError, match=r"did you mean.*CK304"):
        explain("CK34")


def test_cli_explain_prints_meaning_and_hint(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["explain", "E517"])
    assert outcome.exit_code == 0, outcome.output
    entry = CATALOGUE["E517"]
    assert entry.meaning in outcome.output
    assert entry.hint in outcome.output
    assert outcome.output.startswith("E517  error")


def test_cli_explain_several_codes(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["explain", "ck304", "W210"])
    assert outcome.exit_code == 0, outcome.output
    assert CATALOGUE["CK304"].meaning in outcome.output
    assert CATALOGUE["W210"].meaning in outcome.output


@pytest.mark.parametrize("args", [["explain", "CK34"], ["explain", "E517", "CK3O4"]])
def test_cli_explain_unknown_code_is_a_usage_error(runner: CliRunner, args: list[str]) -> None:
    outcome = runner.invoke(cli, args)
    assert outcome.exit_code == 2
    assert isinstance(outcome.exception, SystemExit)  # no traceback
    assert "unknown diagnostic code" in outcome.output
    assert "did you mean" in outcome.output and "CK304" in outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("args", [["explain"], ["explain", "--all", "E517"]])
def test_cli_explain_needs_codes_or_all(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2


def test_cli_explain_all_lists_every_code_once(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["explain", "--all"])
    assert outcome.exit_code == 0
    listed = [line.split()[0] for line in outcome.output.splitlines()]
    assert listed == sorted(CATALOGUE)


def test_docs_page_is_the_generated_catalogue(runner: CliRunner) -> None:
    outcome = runner.invoke(cli, ["explain", "--all", "--format", "md"])
    assert outcome.exit_code == 0
    assert outcome.output == markdown()
    assert DOCS.read_text(encoding="utf-8") == outcome.output, (
        "docs/diagnostics.md is out of date: run "
        "`cakit explain --all --format md > docs/diagnostics.md`"
    )


def test_docs_page_has_one_row_per_code() -> None:
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines()
            if re.match(r"\| (?:CK|E|W)\d{3} \|", line)]
    assert sorted(row.split()[1] for row in rows) == sorted(CATALOGUE)
    # four cells in every row: a `|` inside a cell is escaped
    assert all(len(re.split(r"(?<!\\)\|", row)) == 6 for row in rows)


def test_validate_rejects_an_unknown_ignore_code(runner: CliRunner, tmp_path: Path) -> None:
    transcript = tmp_path / "a.cha"
    transcript.write_text("@UTF8\n@Begin\n@End\n", encoding="utf-8")
    outcome = runner.invoke(cli, ["validate", "--no-color", "--ignore", "E5222", str(transcript)])
    assert outcome.exit_code == 2
    assert "--ignore" in outcome.output and "E522" in outcome.output
    assert isinstance(outcome.exception, SystemExit)


def test_validate_ignores_a_known_code_in_any_case(runner: CliRunner, tmp_path: Path) -> None:
    transcript = tmp_path / "a.cha"
    transcript.write_text("@UTF8\n@Begin\n@End\n", encoding="utf-8")
    shown = runner.invoke(cli, ["validate", "--no-color", str(transcript)])
    assert shown.exit_code == 1 and "E522" in shown.output
    hidden = runner.invoke(cli, ["validate", "--no-color", "--ignore", "e522", str(transcript)])
    assert hidden.exit_code == 0 and "E522" not in hidden.output


# --- exceptions -----------------------------------------------------------------------------


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _exception_classes() -> dict[str, tuple[str, list[str]]]:
    """Every class defined in cakit: name → (file, base names)."""
    classes: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                classes[node.name] = (where, [_base_name(base) for base in node.bases])
    return classes


def test_every_exception_cakit_defines_derives_from_cakit_error() -> None:
    classes = _exception_classes()

    def is_exception(name: str, seen: frozenset[str] = frozenset()) -> bool:
        builtin = getattr(builtins, name, None)
        if isinstance(builtin, type) and issubclass(builtin, BaseException):
            return True
        if name in classes and name not in seen:
            return any(is_exception(base, seen | {name}) for base in classes[name][1])
        return name.endswith(("Error", "Exception")) or name == "ClickException"

    def from_cakit_error(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name == "CakitError":
            return True
        if name in classes and name not in seen:
            return any(from_cakit_error(base, seen | {name}) for base in classes[name][1])
        return False

    # click's exceptions (DataError) are how the CLI exits, not errors cakit raises to a
    # caller: they stay click's
    outside = [
        f"{where} {name}" for name, (where, bases) in classes.items()
        if name != "CakitError" and "ClickException" not in bases
        and is_exception(name) and not from_cakit_error(name)
    ]
    assert not outside, f"exceptions outside CakitError: {outside}"
    assert issubclass(CakitError, Exception)


def test_former_outsiders_keep_their_builtin_base() -> None:
    from cakit.annotations import AnnotationFormatError
    from cakit.store.atomic import TargetExists
    from cakit.store.records import InvalidRecord

    assert issubclass(AnnotationFormatError, ValueError)
    assert issubclass(InvalidRecord, ValueError)
    assert issubclass(TargetExists, FileExistsError)
    for error in (AnnotationFormatError, InvalidRecord, TargetExists):
        assert issubclass(error, CakitError)
