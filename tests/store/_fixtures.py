"""Small invented transcripts and helpers shared by the store, review and agreement tests.

Every transcript here is fictional, written for these tests (no real patient).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: A follow-up with three attempts, responses, a hesitation, a carer laugh and elicited
#: answers (CODEBOOK §6.9 fixtures 1, 2 and 4 run together).
BASE = """\
Dr:   hello, come in and have a seat.
P:    thanks.
Dr:   so how have things been since last time?
P:    not bad. I've been going to the gym with my brother.
Dr:   that's good to hear.
P:    why do the voices only come at night?
      (1.4)
Dr:   u:m (.) what do you think?
P:    I don't know.
Dr:   okay so how's your sleep been?
P:    they were following me again on Tuesday, the men in the van.
Dr:   mm.
      (0.8)
Dr:   okay so how's your appetite been?
P:    fine. I eat alright.
Mum:  he eats like a horse heh heh.
P:    the voices scare me so much I stay in my room all day.
Dr:   that sounds really frightening. what do they say to you?
P:    they say I'm useless.
Dr:   right. I'll see you in three months then.
"""

#: A short follow-up (CODEBOOK §6.9 fixtures 1 and 2): the machine proposes an attempt
#: (line 4), a QUESTION_BACK with HESITATE (line 6), an elicited answer (7), a TOPIC_SHIFT
#: (8) and a CLOSE_DOWN (12).
SHORT = """\
Dr:   hello, how have you been?
P:    alright.
Dr:   and how is your sleep?
P:    why do the voices only come at night?
      (1.4)
Dr:   u:m (.) what do you think?
P:    I dunno. they were following me again on Tuesday.
Dr:   mm.
      (0.8)
Dr:   okay so how is your appetite been?
P:    fine.
Dr:   I will see you in three months then.
"""

CHAT = """\
@UTF8
@Begin
@Languages:\teng
@Participants:\tDOC Doctor, PAT Patient
@ID:\teng|cakittest|DOC|||||Doctor|||
@ID:\teng|cakittest|PAT|||||Participant|||
*DOC:\thow have you been since last time ?
*PAT:\tnot too bad thanks .
*DOC:\tand the sleep ?
*PAT:\twhy do the voices only come at night ?
*DOC:\twhat do you think ?
*PAT:\tI don't know .
@End
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a transcript file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def insert_before(text: str, lines: Sequence[str]) -> str:
    """The transcript with lines inserted at the top."""
    return "".join(line + "\n" for line in lines) + text


def invoke(runner: Any, args: list[str], *, input: str | None = None, code: int = 0) -> Any:
    """Run the cakit CLI and check its exit code (showing its output when it differs)."""
    from cakit.cli import cli

    result = runner.invoke(cli, args, input=input, catch_exceptions=False)
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


def machine_state(path: str | Path, root: Path, *, codebook: str | None = None,
                  roles: dict[str, Any] | None = None) -> Any:
    """The machine state of one transcript through the corpus-run layer, with its store at
    `root` (the layer is reused when current, else annotated and saved)."""
    from cakit.project import corpus_file
    from cakit.run import RunOptions, code_one

    options = RunOptions(codebook=codebook, roles=roles or {}, store=Path(root))
    outcome = code_one(corpus_file(Path(path)), options)
    return outcome.value.state()


def effective_of(state: Any, root: Path, *, coder: str | None = None,
                 consensus: bool = False) -> Any:
    """The machine codes of a state as a coder (or the consensus) in the store decided."""
    from cakit.annotate.codebook import builtin_catalogue
    from cakit.store import effective

    return effective(state.consultation, root=Path(root), identity=state.identity,
                     text=state.text, items=state.items, catalogue=builtin_catalogue(),
                     coder=coder, consensus=consensus)


def ident(path: str | Path) -> str:
    """A transcript's identity in the store (its path in its project)."""
    from cakit.project import corpus_file

    return corpus_file(Path(path)).identity
