"""Registries that always hold the built-ins, extended at runtime and through entry points.

(a) A plug-in format registered before anything is read leaves `.cha`, `.txt`, `.docx`
    and `.eaf` reading as before. (b) Entry points of a fake installed distribution are
    loaded, listed by `cakit formats` with their distribution, and a broken one is one
    clear `PluginError`. (c) Every registered reader keeps the same contract over shared
    conformance inputs (empty, not UTF-8, cut short) and reads real files as the existing
    tests expect.

Nothing here leaves a component registered: runtime registrations are undone by fixtures,
and fake distributions are taken off `sys.path` and forgotten (`Registry.refresh`).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

import cakit
from cakit.errors import ParseError, PluginError, UnknownComponentError
from cakit.exchange import EXPORTERS, Exporter
from cakit.formats import FORMATS, WRITE_TARGETS, ReadOptions, compiled, write_target
from cakit.formats._text import decode_bytes, split_lines
from cakit.model import ParseResult
from cakit.registry import Registry
from tests._tsv_plugin import TSV_TEXT, TsvFormat
from tests.conftest import DEMO, REPO, SHARED_DATA, chat_files, needs_shared

BUILTIN_FORMATS = ("chat", "docx", "elan", "jefferson")
DEMO_FILES = sorted(p for p in DEMO.iterdir() if p.suffix in (".cha", ".txt", ".docx"))


@pytest.fixture()
def tsv_format() -> Iterator[TsvFormat]:
    """The test plug-in, registered at runtime for one test and removed after it."""
    fmt = TsvFormat()
    FORMATS.register(fmt.name, fmt)
    try:
        yield fmt
    finally:
        FORMATS.unregister(fmt.name)


def _tsv_file(folder: Path) -> Path:
    path = folder / "visit.tsv"
    path.write_text(TSV_TEXT, encoding="utf-8")
    return path


# -- (a) built-ins whatever the order -----------------------------------------------------


def test_a_fresh_registry_loads_its_builtins_on_first_use_only() -> None:
    calls: list[int] = []

    def builtins(registry: Registry[str]) -> None:
        calls.append(1)
        registry.register("one", "ONE")

    registry: Registry[str] = Registry("thing", builtins=builtins)
    assert calls == []  # nothing imported when the registry is made
    registry.register("two", "TWO")  # registering first still brings the built-ins
    assert registry.names() == ("one", "two")
    assert registry.get("one") == "ONE" and "two" in registry
    assert calls == [1]
    assert registry.origin("one").kind == "built-in"
    assert registry.origin("two").kind == "runtime"


def test_builtins_cannot_be_shadowed_or_removed() -> None:
    registry: Registry[str] = Registry("thing", builtins=lambda r: r.register("one", "ONE"))
    registry.register("one", "ONE")  # the same object again: a no-op
    with pytest.raises(ValueError, match="'one' is already registered \\(built in\\)"):
        registry.register("one", "OTHER")
    with pytest.raises(ValueError, match="built in"):
        registry.unregister("one")
    with pytest.raises(UnknownComponentError):
        registry.unregister("nothing")
    assert registry.names() == ("one",)


def test_a_failing_builtin_loader_leaves_nothing_half_registered() -> None:
    attempts: list[int] = []

    def builtins(registry: Registry[str]) -> None:
        attempts.append(1)
        registry.register("one", "ONE")
        if len(attempts) == 1:
            raise ImportError("not yet")

    registry: Registry[str] = Registry("thing", builtins=builtins)
    with pytest.raises(ImportError):
        registry.names()
    assert registry.names() == ("one",)  # tried again, and complete
    assert attempts == [1, 1]


def test_plugin_registered_before_the_first_read_in_a_fresh_interpreter(
    tmp_path: Path,
) -> None:
    """The order the issue was about: a plug-in registered before anything is read."""
    script = textwrap.dedent("""
        import json, sys
        from cakit.formats import FORMATS
        from tests._tsv_plugin import TsvFormat
        FORMATS.register("tsv", TsvFormat())   # before any read or lookup
        import cakit
        out = {}
        for path in sys.argv[1:]:
            result = cakit.read(path)
            out[path] = [result.transcript.format, len(result.transcript.turns),
                         [d.code for d in result.errors]]
        print(json.dumps(out))
    """)
    files = [DEMO / "14-lindqvist-chat.cha", DEMO / "01-brennan-jefferson.txt",
             DEMO / "10-quinn-docx.docx", _tsv_file(tmp_path)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
        "PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", script, *map(str, files)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [out[str(path)][0] for path in files] == ["chat", "jefferson", "jefferson", "tsv"]
    for path in files:
        assert out[str(path)][1] > 0 and out[str(path)][2] == [], (path, out[str(path)])


def test_plugin_and_builtins_read_side_by_side(tsv_format: TsvFormat, tmp_path: Path) -> None:
    assert set(FORMATS.names()) == {*BUILTIN_FORMATS, "tsv"}
    assert FORMATS.origin("tsv").kind == "runtime"
    for path in (DEMO / "11-rahman-chat-media.cha", DEMO / "03-ndlovu-cp1252.txt",
                 DEMO / "10-quinn-docx.docx"):
        result = cakit.read(path)
        assert not result.errors and result.transcript.turns, path
    result = cakit.read(_tsv_file(tmp_path), roles={"DOC": "clinician", "PAT": "patient"})
    assert not result.diagnostics
    transcript = result.transcript
    assert transcript.format == "tsv" and len(transcript.sha256) == 64
    assert [turn.role for turn in transcript.turns] == ["clinician", "patient", "clinician"]
    assert transcript.utterances[1].words == ("not", "great", "the", "voices", "again")
    assert ".tsv" in cakit.formats.supported_suffixes()
    sniffed = tmp_path / "visit.dat"
    sniffed.write_text("#tsv-transcript\n" + TSV_TEXT, encoding="utf-8")
    assert cakit.read(sniffed).transcript.format == "tsv"


def test_a_plugin_cannot_take_a_builtin_suffix(tmp_path: Path) -> None:
    greedy = TsvFormat("greedy", (".txt", ".cha"))
    FORMATS.register("greedy", greedy)
    try:
        assert cakit.read(DEMO / "01-brennan-jefferson.txt").transcript.format == "jefferson"
        assert cakit.read(DEMO / "14-lindqvist-chat.cha").transcript.format == "chat"
        text = tmp_path / "talk.txt"
        text.write_text(TSV_TEXT, encoding="utf-8")
        assert cakit.read(text, format="greedy").transcript.format == "greedy"
    finally:
        FORMATS.unregister("greedy")
    assert "greedy" not in FORMATS


def test_fixture_left_no_plugin_registered() -> None:
    assert "tsv" not in FORMATS
    assert set(FORMATS.names()) >= set(BUILTIN_FORMATS)


def test_cakit_help_imports_no_builtin_component() -> None:
    script = ("import sys\nfrom cakit.cli import main\n"
              "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
              "heavy = ('spacy', 'pandas', 'cakit.formats.chat', 'cakit.formats.jefferson',"
              " 'cakit.formats.elan', 'cakit.exchange.qdpx')\n"
              "print(sorted(name for name in heavy if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_writers_are_the_convert_targets() -> None:
    from cakit.cli.convert import SUFFIXES

    assert set(WRITE_TARGETS.values()) == set(SUFFIXES)
    assert {name: write_target(name) for name in BUILTIN_FORMATS} == {
        "chat": "chat", "docx": None, "elan": "eaf", "jefferson": "jefferson"}


def test_annotators_registry_is_gone() -> None:
    import cakit.annotate

    assert not hasattr(cakit.annotate, "ANNOTATORS")


# -- (b) entry points of an installed distribution ---------------------------------------

PLUGIN_MODULE = "cakit_fake_plugin"
PLUGIN_SOURCE = """
from cakit.exchange import Exporter
from tests._tsv_plugin import TsvFormat

TABBED = TsvFormat("tabbed", (".tab",))
NOT_A_FORMAT = TsvFormat  # the class, not an instance
CHAT_AGAIN = TsvFormat("chat", (".chat2",))
EXPORTER = Exporter(make=lambda data: {"": b"plain"}, output="file", help="fake")
"""
DIST = "cakit-fake-plugin"


@pytest.fixture()
def install(tmp_path: Path) -> Iterator[Callable[[dict[str, list[str]]], None]]:
    """Install a fake distribution: `install({"cakit.formats": ["x = module:attr"]})`.

    A `*.dist-info` folder with METADATA and entry_points.txt, and the module the entry
    points load, go into a folder put on sys.path; importlib.metadata finds it there.
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{PLUGIN_MODULE}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")

    def make(groups: dict[str, list[str]]) -> None:
        info = site / "cakit_fake_plugin-0.1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {DIST}\nVersion: 0.1.0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(
            "".join(f"[{group}]\n" + "".join(f"{line}\n" for line in lines) + "\n"
                    for group, lines in groups.items()), encoding="utf-8")
        sys.path.insert(0, str(site))
        importlib.invalidate_caches()
        FORMATS.refresh()
        EXPORTERS.refresh()

    try:
        yield make
    finally:
        if str(site) in sys.path:
            sys.path.remove(str(site))
        sys.modules.pop(PLUGIN_MODULE, None)
        importlib.invalidate_caches()
        FORMATS.refresh()
        EXPORTERS.refresh()
        assert set(FORMATS.names()) == set(BUILTIN_FORMATS)


def test_entry_point_format_is_loaded_read_and_listed(
    install: Callable[[dict[str, list[str]]], None], tmp_path: Path, runner,  # type: ignore[no-untyped-def]
) -> None:
    from cakit.cli import cli

    install({"cakit.formats": [f"tabbed = {PLUGIN_MODULE}:TABBED"]})
    assert set(FORMATS.names()) == {*BUILTIN_FORMATS, "tabbed"}
    origin = FORMATS.origin("tabbed")
    assert (origin.kind, origin.distribution, origin.version) == ("entry point", DIST, "0.1.0")
    assert origin.entry_point == f"tabbed = {PLUGIN_MODULE}:TABBED"
    talk = tmp_path / "visit.tab"
    talk.write_text(TSV_TEXT, encoding="utf-8")
    result = cakit.read(talk)
    assert result.transcript.format == "tabbed" and len(result.transcript.turns) == 3

    table = runner.invoke(cli, ["formats"])
    assert table.exit_code == 0, table.output
    rows = {line.split()[0]: line for line in table.output.splitlines()}
    assert set(rows) == {"name", *BUILTIN_FORMATS, "tabbed"}
    assert rows["tabbed"].split()[1:5] == [".tab", "yes", "no", "-"]
    assert f"{DIST} 0.1.0 (entry point tabbed = {PLUGIN_MODULE}:TABBED)" in rows["tabbed"]
    reader = "compiled" if compiled("chat") else "Python"  # .ci/run tests both builds
    assert rows["chat"].split()[1:] == [".cha", "yes", "convert", "--to", "chat", reader,
                                        "built-in"]

    listed = runner.invoke(cli, ["formats", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    by_name = {row["name"]: row for row in json.loads(listed.output)}
    assert by_name["tabbed"] == {
        "name": "tabbed", "suffixes": [".tab"], "read": True, "write": False,
        "convert_to": None, "compiled": False, "origin": "entry point", "distribution": DIST,
        "version": "0.1.0", "entry_point": f"tabbed = {PLUGIN_MODULE}:TABBED"}
    assert by_name["docx"]["write"] is False and by_name["elan"]["convert_to"] == "eaf"
    assert {row["origin"] for name, row in by_name.items() if name != "tabbed"} == {"built-in"}


def test_runtime_registration_cannot_take_an_entry_point_name(
    install: Callable[[dict[str, list[str]]], None],
) -> None:
    install({"cakit.formats": [f"tabbed = {PLUGIN_MODULE}:TABBED"]})
    with pytest.raises(ValueError, match=f"from distribution '{DIST} 0.1.0'"):
        FORMATS.register("tabbed", TsvFormat("tabbed"))


@pytest.mark.parametrize(("line", "expected"), [
    ("broken = cakit_no_such_module:FORMAT",
     "cannot be loaded: ModuleNotFoundError: No module named 'cakit_no_such_module'"),
    (f"missing = {PLUGIN_MODULE}:NO_SUCH_NAME", "cannot be loaded: AttributeError"),
    (f"odd = {PLUGIN_MODULE}:NOT_A_FORMAT",
     "is not a valid format: it has no name, suffixes (a class instead of an instance?)"),
    (f"tsv = {PLUGIN_MODULE}:TABBED", "is not a valid format: its name is 'tabbed', not"),
    (f"chat = {PLUGIN_MODULE}:CHAT_AGAIN", "is named like the format 'chat' (built in)"),
], ids=["import-fails", "no-attribute", "class-not-instance", "name-mismatch", "builtin-name"])
def test_broken_entry_point_is_one_clear_error(
    install: Callable[[dict[str, list[str]]], None], line: str, expected: str,
    runner, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from cakit.cli import cli

    install({"cakit.formats": [f"tabbed = {PLUGIN_MODULE}:TABBED", line]})
    name, _, target = line.partition(" = ")
    with pytest.raises(PluginError) as caught:
        FORMATS.names()
    message = str(caught.value)
    assert expected in message
    assert f"entry point '{name} = {target}' in group 'cakit.formats'" in message
    assert f"distribution '{DIST} 0.1.0'" in message
    assert f"fix or uninstall '{DIST}'" in message
    with pytest.raises(PluginError):  # every access, not just the first
        cakit.read(DEMO / "14-lindqvist-chat.cha")
    assert "tabbed" not in FORMATS._items  # nothing half-loaded

    listed = runner.invoke(cli, ["formats"])
    assert listed.exit_code == 1
    assert expected in listed.output and "Traceback" not in listed.output
    validated = runner.invoke(cli, ["validate", str(DEMO / "14-lindqvist-chat.cha")])
    assert validated.exit_code == 1 and "Traceback" not in validated.output
    assert f"distribution '{DIST} 0.1.0'" in validated.output


def test_entry_point_exporter_is_registered_and_checked(
    install: Callable[[dict[str, list[str]]], None],
) -> None:
    install({"cakit.exporters": [f"plain = {PLUGIN_MODULE}:EXPORTER",
                                 f"wrong = {PLUGIN_MODULE}:TABBED"]})
    with pytest.raises(PluginError, match=r"'wrong'.*is not a valid export format: it is a "
                                          r"TsvFormat, not a cakit\.exchange\.Exporter"):
        EXPORTERS.get("plain")
    assert set(FORMATS.names()) == set(BUILTIN_FORMATS)  # the other registry is unaffected


def test_entry_point_exporter_is_used_by_export(
    install: Callable[[dict[str, list[str]]], None],
) -> None:
    from cakit.cli.export import _exporter

    install({"cakit.exporters": [f"plain = {PLUGIN_MODULE}:EXPORTER"]})
    assert set(EXPORTERS.names()) == {"convokit", "plain", "qdc", "qdpx"}
    assert isinstance(_exporter("plain"), Exporter)
    assert EXPORTERS.origin("plain").distribution == DIST
    assert EXPORTERS.origin("qdpx").kind == "built-in"


# -- (c) the reader contract --------------------------------------------------------------


def _eaf_sample() -> bytes:
    from cakit.formats.elan.writer import to_eaf

    transcript = cakit.read(DEMO / "11-rahman-chat-media.cha").transcript
    date = datetime(2024, 3, 12, tzinfo=timezone.utc)
    return to_eaf(transcript, date=date).encode("utf-8")


def _samples() -> dict[str, bytes]:
    """One well-formed file of each built-in format (and the test plug-in)."""
    return {
        "chat": (DEMO / "14-lindqvist-chat.cha").read_bytes(),
        "jefferson": (DEMO / "01-brennan-jefferson.txt").read_bytes(),
        "docx": (DEMO / "10-quinn-docx.docx").read_bytes(),
        "elan": _eaf_sample(),
        "tsv": TSV_TEXT.encode("utf-8"),
    }


#: Inputs every reader is given: what each must do with them is in the tests below.
NOT_UTF8 = {
    "undecodable": b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00 \xc3(",
    "latin-1": "DOC\tcaf\xe9 na\xefve?\nPAT\t\xe9t\xe9\n".encode("latin-1"),
    "cut-mid-character": "DOC\tcafé\n".encode()[:-2],
}
#: Formats whose file cut in half is an error (a plain-text transcript cut short is just
#: a shorter transcript).
TRUNCATION_IS_AN_ERROR = frozenset({"chat", "docx", "elan"})
READERS = sorted({*FORMATS.names(), "tsv"})  # plug-ins installed here are tested too
SUFFIX = {"chat": ".cha", "jefferson": ".txt", "docx": ".docx", "elan": ".eaf", "tsv": ".tsv"}


def _read(name: str, data: bytes, errors: str = "collect") -> ParseResult:
    fmt = FORMATS.get(name)
    source = f"fixtures/input{SUFFIX.get(name, '.' + name)}"
    return fmt.read_bytes(data, source=source, errors=errors,  # type: ignore[arg-type]
                          options=ReadOptions())


def _well_formed(result: object) -> ParseResult:
    assert isinstance(result, ParseResult)
    assert result.diagnostics == result.transcript.diagnostics
    assert all(d.severity in ("error", "warning", "info") for d in result.diagnostics)
    return result


@pytest.fixture()
def readers(tsv_format: TsvFormat) -> dict[str, bytes]:
    """Every reader is registered (the test plug-in too); the samples by format."""
    return _samples()


@pytest.mark.parametrize("name", READERS)
def test_reader_contract_empty_bytes(name: str, readers: dict[str, bytes]) -> None:
    result = _well_formed(_read(name, b""))
    assert result.errors, "an empty file is an error"
    assert not result.transcript.utterances
    with pytest.raises(ParseError):
        _read(name, b"", errors="raise")


@pytest.mark.parametrize("kind", sorted(NOT_UTF8))
@pytest.mark.parametrize("name", READERS)
def test_reader_contract_bytes_that_are_not_utf8(
    name: str, kind: str, readers: dict[str, bytes],
) -> None:
    result = _well_formed(_read(name, NOT_UTF8[kind]))
    assert result.diagnostics, "bytes that are not UTF-8 are never read silently"
    if kind == "undecodable":
        assert result.errors
    _raise_mode(name, NOT_UTF8[kind])


@pytest.mark.parametrize("name", READERS)
def test_reader_contract_truncated_files(name: str, readers: dict[str, bytes]) -> None:
    for sample_format, data in readers.items():  # every format's file, cut in half
        cut = data[: len(data) // 2]
        result = _well_formed(_read(name, cut))
        if sample_format == name and name in TRUNCATION_IS_AN_ERROR:
            assert result.errors, f"{name} file cut short"
        _raise_mode(name, cut)


def _raise_mode(name: str, data: bytes) -> None:
    """In raise mode a reader raises ParseError at the first error, and nothing else."""
    try:
        result = _read(name, data, errors="raise")
    except ParseError as exc:
        assert exc.diagnostic.severity == "error"
    else:
        assert not result.errors


@pytest.mark.parametrize("name", sorted(SUFFIX))
def test_reader_contract_well_formed_sample(name: str, readers: dict[str, bytes]) -> None:
    result = _well_formed(_read(name, readers[name]))
    assert not result.errors and result.transcript.turns


# real files, read through cakit.read with a plug-in registered beside the built-ins

def _main_lines(path: Path) -> int:
    text = decode_bytes(path.read_bytes(), str(path)).text
    return sum(1 for line in split_lines(text) if line.startswith("*"))


@needs_shared
@pytest.mark.parametrize("folder", ["testchat/good", "chatter-reference", "childes"])
def test_real_chat_files_read_without_errors(folder: str, tsv_format: TsvFormat) -> None:
    files = chat_files(folder)
    assert files, f"no CHAT files in {folder}"
    problems = []
    for path in files:
        result = cakit.read(path)
        transcript = result.transcript
        if result.errors:
            problems.append(str(result.errors[0]))
        elif len(transcript.utterances) != _main_lines(path):
            problems.append(f"{path}: {len(transcript.utterances)} utterances")
        elif bool(transcript.turns) != bool(transcript.utterances):
            problems.append(f"{path}: utterances without turns")
    assert not problems, "\n".join(problems[:5])


ELAN_DATA = SHARED_DATA / "elan"


@pytest.mark.skipif(not ELAN_DATA.is_dir(), reason=f"shared ELAN data not found at {ELAN_DATA}"
                    " (it exists in CI and the workspace)")
@pytest.mark.parametrize("name", ["sample_3.0.eaf", "sample_2.7.eaf"])
def test_real_eaf_files_read_without_errors(name: str, tsv_format: TsvFormat) -> None:
    result = cakit.read(ELAN_DATA / name, roles={"text": "patient"})
    assert not result.errors, [str(d) for d in result.errors[:5]]
    assert result.transcript.format == "elan" and result.transcript.turns


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_demo_files_read_without_errors(path: Path, tsv_format: TsvFormat) -> None:
    result = cakit.read(path)
    assert not result.errors, [str(d) for d in result.errors[:5]]
    assert result.transcript.turns
