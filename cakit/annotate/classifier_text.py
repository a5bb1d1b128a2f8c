"""Plain lines of patient talk as the attempt classifier reads them (for training it and
testing it): each line becomes a patient turn of one Jefferson transcript, read and viewed
exactly as the annotator reads a transcript, so training and annotation see the same words.
Nothing in the annotator imports this module."""

from __future__ import annotations

from collections.abc import Sequence

from cakit.annotate.classifier import view_text
from cakit.annotate.codebook import load_codebook
from cakit.annotate.pipeline import Annotator
from cakit.annotate.views import build_views
from cakit.formats import FORMATS, ReadOptions


def texts_of_lines(lines: Sequence[str]) -> list[str]:
    """The classifier text of each line of patient talk, read exactly as a transcript turn
    is (so training and annotation see the same words): the lines become the patient's
    turns of one Jefferson transcript, each answered by the clinician."""
    document = "".join(f"P:\t{line}\nD:\tokay.\n" for line in lines)
    options = ReadOptions(roles={"P": "patient", "D": "clinician"})
    transcript = FORMATS.get("jefferson").read_bytes(
        document.encode("utf-8"), source="<training>", errors="collect", options=options
    ).transcript
    annotator = Annotator(load_codebook())
    views = build_views(transcript, annotator.compiled, annotator.codebook)
    texts = [view_text(view) for view in views if view.role == "patient"]
    if len(texts) != len(lines):
        raise ValueError(f"{len(lines)} lines read as {len(texts)} patient turns")
    return texts
