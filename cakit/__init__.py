"""cakit: conversation analysis of clinical consultation transcripts.

The public API is small on purpose: read transcripts (one with `read`, a corpus for
notebooks with `read_corpus`), and the model types they produce.
Heavier parts (annotator, reporter) live in their own subpackages and are imported only
when used, so `import cakit` stays fast.
"""

from __future__ import annotations

from cakit.corpus import Corpus, StrandedLayerWarning, read_corpus
from cakit.errors import CakitError, ParseError
from cakit.formats import read
from cakit.model import (
    Diagnostic,
    Event,
    Feature,
    ParseResult,
    Participant,
    SourceSpan,
    Token,
    Transcript,
    Turn,
    Utterance,
)

__version__ = "0.1.0"

__all__ = [
    "CakitError",
    "Corpus",
    "Diagnostic",
    "Event",
    "Feature",
    "ParseError",
    "ParseResult",
    "Participant",
    "SourceSpan",
    "StrandedLayerWarning",
    "Token",
    "Transcript",
    "Turn",
    "Utterance",
    "__version__",
    "read",
    "read_corpus",
]
