"""Small helpers shared by the annotator tests (not a conftest: fixtures stay explicit)."""

from __future__ import annotations

from pathlib import Path

import cakit
from cakit.annotate import annotate
from cakit.annotations import ConsultationAnnotations


def annotate_text(tmp_path: Path, text: str, name: str = "t.txt",
                  codebook: Path | None = None) -> ConsultationAnnotations:
    """Write an invented transcript, read it with cakit and annotate it (with the packaged
    codebook, or `codebook`)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cakit.read(path)
    errors = [str(d) for d in result.diagnostics if d.severity == "error"]
    assert not errors, errors
    return annotate(result.transcript, codebook)


def attempt_at(annotations: ConsultationAnnotations, line: int):  # type: ignore[no-untyped-def]
    matches = [a for a in annotations.attempts if a.line == line]
    assert matches, f"no attempt at line {line}: {[a.line for a in annotations.attempts]}"
    return matches[0]


def r1(annotations: ConsultationAnnotations, attempt_id: str):  # type: ignore[no-untyped-def]
    ranked = sorted(annotations.responses_to(attempt_id), key=lambda r: r.rank)
    assert ranked, f"no responses to {attempt_id}"
    return ranked[0]


#: A neutral opening and history, so that phases have something to anchor on.
OPENING = """\
D:  hello, come in, take a seat.
P:  hello.
D:  so how have you been since I last saw you?
P:  not too bad, been going to the day centre on Mondays.
D:  good, and how's your mood been?
P:  alright, a bit up and down.
D:  right.
"""
#: The first line after OPENING.
FIRST = 8


def after_opening(tmp_path: Path, utterance: str, reply: str = "mm.") -> ConsultationAnnotations:
    """Annotate one patient turn said after OPENING (so at line FIRST), and the clinician's
    short `reply` to it."""
    return annotate_text(tmp_path, OPENING + f"P:  {utterance}\nD:  {reply}\n")
