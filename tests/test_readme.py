"""Execute the README: every command of its shell code blocks must work as written.

The commands are taken from README.md's fenced blocks marked ``sh``, ``bash``, ``shell`` or
``console`` (other blocks — YAML, the layout listing — are not commands) and run, in README
order, with ``shell=True`` in a temporary copy of the repository, as a reader who has just
cloned it would run them. A command fails its case when it exits non-zero (exit 1 for
"reading problems" in the demo data is a README bug too) or prints a traceback.

How the cases run: a module-scoped fixture copies the repository once and runs *all* the
commands sequentially, in README order, recording each result; each parametrized case then
checks its own command's result. Later commands depend on earlier ones (``cakit agree``
reads what ``cakit review`` wrote), so the order comes from the fixture, not from pytest's
ordering of cases — selecting a single case with ``-k`` still runs the whole README before it.

Rewrites, so the run is quick, offline and leaves nothing behind:

* ``pip install … && X`` runs ``X`` only (installing is slow and needs the network; the
  package under test is already installed);
* ``pytest`` is never run from inside the test suite (that would recurse); ``.ci/run`` runs
  the README's ``pip install -e '.[test]' && pytest`` line on a clean clone;
* ``/tmp/…`` paths are redirected into a folder under pytest's temporary directory;
* ``cakit review`` reads its answers from standard input: it gets ``q`` (quit).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"

#: Info strings of the fenced blocks whose lines are shell commands.
SHELL_LANGUAGES = frozenset({"sh", "bash", "shell", "console"})
#: Seconds one command may take (the slowest, `cakit report` on an empty store, takes ~2 s).
TIMEOUT = 300
#: Folders never copied: virtual environments, caches, run output.
IGNORED = (".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
           ".hypothesis", ".benchmarks", "*.egg-info", "build", "dist")
#: Ignored relative paths (checked with the path, not just the name).
IGNORED_PATHS = (Path(".ci/.venv"), Path("annotations/store"))

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_TMP = re.compile(r"(?<![\w./-])/tmp(?=/|\s|$|[\"'])")
_PIP = re.compile(r"^(?:python3?\s+-m\s+)?pip3?\s+install\b")


@dataclass(frozen=True)
class ReadmeCommand:
    """One command line of the README and what the test does with it."""

    line: str  #: as written (comment stripped, continuation lines joined)
    run: str | None  #: what is executed (None: skipped)
    skip_reason: str | None = None
    stdin: str = ""

    @property
    def id(self) -> str:
        return self.run if self.run is not None else self.line


def shell_blocks(markdown: str) -> Iterator[tuple[str, list[str]]]:
    """(language, lines) of each fenced code block marked as a shell block."""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening["fence"]
        language = opening["info"].lower().lstrip("{.").rstrip("}")
        body: list[str] = []
        i += 1
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "":
                break
            body.append(lines[i])
            i += 1
        i += 1  # past the closing fence (or the end of an unclosed block)
        if language in SHELL_LANGUAGES:
            yield language, body


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote: str | None = None
    escaped = False
    for position, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position].rstrip()
    return line.rstrip()


def command_lines(language: str, body: list[str]) -> Iterator[str]:
    """The commands of one block: prompts and comments removed, continuations joined."""
    pending = ""
    for raw in body:
        line = raw.strip()
        if language == "console" and not pending:
            if not line.startswith("$ "):
                continue  # a console block's output, not a command
            line = line[2:].strip()
        elif line.startswith("$ "):
            line = line[2:].strip()
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line = strip_comment(pending + line).strip()
        pending = ""
        if line:
            yield line
    if pending.strip():
        yield strip_comment(pending).strip()


def plan(line: str) -> ReadmeCommand:
    """What the test runs for one README command line."""
    run = line
    if _PIP.match(run):
        _, sep, rest = run.partition("&&")
        if not sep or not rest.strip():
            return ReadmeCommand(line, None, "installing is not part of the test (already "
                                             "installed; it needs the network)")
        run = rest.strip()
    if run == "pytest" or run.startswith("pytest ") or run.startswith("python -m pytest"):
        # Running the suite from inside the suite would recurse; .ci/run runs this README line
        # (`pip install -e '.[test]' && pytest`) on a clean clone.
        return ReadmeCommand(line, None, "pytest is run by .ci/run, not from within pytest")
    stdin = "q\n" if re.match(r"^cakit\s+review(\s|$)", run) else ""
    return ReadmeCommand(line, run, stdin=stdin)


def readme_commands(readme: Path = README) -> list[ReadmeCommand]:
    """Every command of the README's shell blocks, in README order."""
    text = readme.read_text(encoding="utf-8")
    return [plan(line) for language, body in shell_blocks(text)
            for line in command_lines(language, body)]


def copy_repository(source: Path, target: Path) -> None:
    """Copy the working tree's tracked files (as they are on disk) to a new folder ``target``.

    Only tracked files, as a fresh clone would have (an untracked ``codes.json`` left in the
    working tree would make ``cakit annotate -o codes.json`` refuse to overwrite). Without
    git, copy the tree minus virtual environments, caches and the annotation store.
    """
    try:
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=source, capture_output=True,
                                 check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        listing = None
    if listing:
        target.mkdir()
        for name in listing.decode("utf-8", "surrogateescape").split("\0"):
            path = source / name
            if name and path.is_file():  # a tracked file deleted in the working tree is gone
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / name)
        return

    names = shutil.ignore_patterns(*IGNORED)

    def ignore(folder: str, contents: list[str]) -> set[str]:
        relative = Path(folder).relative_to(source)
        skipped = set(names(folder, contents))
        return skipped | {c for c in contents if relative / c in IGNORED_PATHS}

    shutil.copytree(source, target, ignore=ignore)


@dataclass(frozen=True)
class Result:
    command: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float


COMMANDS = readme_commands()


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Result]:
    """Run every README command once, sequentially and in README order, in one repo copy."""
    root = tmp_path_factory.mktemp("readme")
    repo = root / "repo"
    copy_repository(REPO, repo)
    fake_tmp = root / "tmp"  # stands for /tmp, which the commands must not write to
    fake_tmp.mkdir()
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    # the `cakit` script installed beside this interpreter, not another one on PATH
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    results: dict[int, Result] = {}  # by position in COMMANDS (a line may appear twice)
    for index, command in enumerate(COMMANDS):
        if command.run is None:
            continue
        run = _TMP.sub(lambda _: str(fake_tmp), command.run)
        started = time.perf_counter()
        try:
            done = subprocess.run(run, shell=True, cwd=repo, env=env, input=command.stdin,
                                  capture_output=True, text=True, timeout=TIMEOUT)
            result = Result(run, done.returncode, done.stdout, done.stderr,
                            time.perf_counter() - started)
        except subprocess.TimeoutExpired as timeout:
            result = Result(run, -1, _text(timeout.stdout),
                            _text(timeout.stderr) + f"\n[timed out after {TIMEOUT} s]",
                            time.perf_counter() - started)
        results[index] = result
    return results


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def _excerpt(text: str, head: int = 20, tail: int = 40) -> str:
    lines = text.rstrip().splitlines()
    if len(lines) <= head + tail:
        return "\n".join(lines)
    return "\n".join([*lines[:head], f"  [… {len(lines) - head - tail} lines …]",
                      *lines[-tail:]])


def test_readme_has_commands() -> None:
    runnable = [c for c in COMMANDS if c.run is not None]
    assert runnable, f"no shell commands found in the code blocks of {README}"
    assert any(c.run.startswith("cakit ") for c in runnable if c.run is not None)


#: The README lines that are run: a line with nothing to run (the test command itself,
#: which .ci/run runs) gets no case at all rather than a skipped one.
RUNNABLE = [index for index, command in enumerate(COMMANDS) if command.run is not None]


@pytest.mark.parametrize("index", RUNNABLE,
                         ids=[f"{i + 1:02d} {COMMANDS[i].id}" for i in RUNNABLE])
def test_readme_command(index: int, readme_run: dict[int, Result]) -> None:
    command = COMMANDS[index]
    result = readme_run[index]
    problems = []
    if result.returncode != 0:
        problems.append(f"exited {result.returncode}")
    if "Traceback" in result.stdout or "Traceback" in result.stderr:
        problems.append("printed a traceback")
    if problems:
        output = (f"stderr:\n{_excerpt(result.stderr)}" if result.stderr.strip()
                  else f"stderr: (empty)\nstdout:\n{_excerpt(result.stdout)}")
        run_as = f" (run as {result.command!r})" if result.command != command.line else ""
        pytest.fail(f"README command {command.line!r}{run_as} {' and '.join(problems)} "
                    f"after {result.seconds:.1f} s\n{output}", pytrace=False)


# The parsing rules, on inline examples (the README itself may not exercise all of them).

def test_parsing_rules() -> None:
    markdown = "\n".join([
        "```sh",
        "pip install . && cakit report corpora/demo",
        "pip install -e '.[test]' && pytest",
        "cakit show 'a # b' --lines 1-2   # a comment",
        "# a whole-line comment",
        "",
        "cakit convert x.cha \\",
        "  -o /tmp/out",
        "cakit review f.txt --coder AB",
        "```",
        "```yaml",
        "roles: {Gran: carer}",
        "```",
        "```console",
        "$ cakit summary corpora/demo",
        "speakers: 3",
        "```",
        "```",
        "cakit/   the package",
        "```",
    ])
    commands = [plan(line) for language, body in shell_blocks(markdown)
                for line in command_lines(language, body)]
    assert [c.run for c in commands] == [
        "cakit report corpora/demo", None, "cakit show 'a # b' --lines 1-2",
        "cakit convert x.cha -o /tmp/out", "cakit review f.txt --coder AB",
        "cakit summary corpora/demo"]
    assert commands[4].stdin == "q\n" and commands[0].stdin == ""
    assert plan("pip install -e .").run is None
    assert _TMP.sub("/x", "a -o /tmp/out /tmpfile b/tmp/c") == "a -o /x/out /tmpfile b/tmp/c"
