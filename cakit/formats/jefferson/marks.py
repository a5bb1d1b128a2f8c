"""Jefferson and GAT 2 marks: the reader's views of `cakit.notation.MARKS`, and its patterns.

The mark tables here are taken from the one table in `cakit.notation`, which the CHAT
reader and both writers take theirs from too: a mark read here is the mark the Jefferson
writer writes back. The patterns (breaths, laugh particles, the scanner) stay here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from cakit._quick_init import quick_init
from cakit.model import Feature
from cakit.notation import (
    FILLERS,
    INBREATH_BODY,
    event_labels,
    pause_marks,
    span_labels,
    span_marks,
    word_marks,
)

Convention = Literal["jefferson", "gat2"]

# Feature bits as plain ints: IntFlag arithmetic is several times slower on the hot path.
F_ACCENT = int(Feature.ACCENT)
F_CREAKY = int(Feature.CREAKY)
F_CUTOFF = int(Feature.CUTOFF)
F_EMPHASIS = int(Feature.EMPHASIS)
F_FAST = int(Feature.FAST)
F_HURRIED_START = int(Feature.HURRIED_START)
F_LAUGH = int(Feature.LAUGH)
F_LOUD = int(Feature.LOUD)
F_QUIET = int(Feature.QUIET)
F_SLOW = int(Feature.SLOW)
F_SMILE = int(Feature.SMILE)
F_STRETCHED = int(Feature.STRETCHED)
F_TREMULOUS = int(Feature.TREMULOUS)
F_UNCERTAIN = int(Feature.UNCERTAIN)
F_VERY_QUIET = int(Feature.VERY_QUIET)

# --- mark tables (views of cakit.notation.MARKS) ----------------------------------------

#: Paired marks that toggle a feature: Jefferson's, Hepburn & Bolden's, common key variants
#: and the CHAT-CA glyphs, so a CHAT-CA feature written into a Jefferson file reads back.
#: `°` is listed too, but the tokenizer looks for it (and `°°`, very quiet) first.
TOGGLES: dict[str, int] = span_marks("jefferson")
#: Marks on a word that give it a feature (pitch steps and the CHAT-CA word glyphs).
ATTACHED: dict[str, int] = word_marks("jefferson")
#: Jefferson punctuation → intonation contour.
INTONATION: dict[str, str] = event_labels("intonation", "jefferson")
#: The one-character intonation marks, as found behind a word.
INTONATION_CHARS = frozenset(mark for mark in INTONATION if len(mark) == 1)
#: GAT 2 phrase-final pitch: the CHAT-CA contour names (`?` high rise … `.` low fall).
GAT_INTONATION: dict[str, str] = event_labels("intonation", "gat2")
#: GAT 2 labelled spans `<<label> … >` → features (labels not listed become comments).
GAT_LABELS: dict[str, int] = span_labels("gat2")
#: Untimed pauses: what is inside the brackets (`.` of `(.)`, GAT 2's `-` of `(-)`) →
#: (nominal seconds, label); and the pauses written without brackets (`...`, `…`).
BRACKETED_PAUSES: dict[str, tuple[float, str]] = {
    mark[1:-1]: reading for mark, reading in pause_marks("jefferson").items()
    if mark.startswith("(")
}
BARE_PAUSES: dict[str, tuple[float, str]] = {
    mark: reading for mark, reading in pause_marks("jefferson").items()
    if not mark.startswith("(")
}
#: `((pause))`: a pause of no stated length (a BNC `<pause>` tag, CHAT `&=pause`), read as a
#: pause with no value, not as a transcriber's comment.
UNTIMED_PAUSE = "pause"
#: Lip smacks and clicks written as words.
SOUNDS: dict[str, str] = event_labels("sound", "jefferson")

#: Short all-capital words that are acronyms, not loud talk.
ACRONYMS = frozenset(
    """OK TV GP NHS CBT CPN BBC ITV UK USA US MI5 MI6 CCTV A&E AE ECT MRI CT ECG EEG DNA ADHD OCD
    PTSD BPD ASD PC DVD CD ID BP HIV AIDS GCSE CV DWP PIP ESA DLA CMHT CRHT CAMHS IQ SMS ASAP
    FBI CIA TB ICU OT SSRI CPA GMC DJ UFO BT RAF OK'D DIY MP MP3 TA AA NA SHO SPR""".split()
)
#: Fillers that make a token kind "filler" ("mm" and "hmm" are acknowledgements).
JEFFERSON_FILLERS = FILLERS - {"mm", "hmm"}

#: Laugh particles. "huh", "ha", "he" count only next to another
#: particle: a lone "huh?" is a repair initiator, a lone "he" a pronoun.
STRICT_PARTICLE = re.compile(r"^(?:h+[aeio]+h+|h+u+h{2,}|(?:h+[aeiou]+){2,}h*)$")
#: Particles that are laughter only next to another particle ("ha ha", "huh heh"). Never
#: "he": a repeated pronoun ("he he does what?") is not a laugh.
WEAK_PARTICLES = frozenset({"ha", "huh", "hah", "heh"})
OUTBREATH = re.compile(r"^h{2,}$")
INBREATH = re.compile(rf"[.·•∙]{INBREATH_BODY}(?::*)(?![A-Za-z])", re.I)
LIPSMACK = re.compile(r"\.(pt|tch|tsk)(?![A-Za-z])", re.I)
GAT_IN = re.compile(r"°(h+):*$", re.I)
GAT_OUT = re.compile(r"(h+):*°$", re.I)
LAUGH_IN_WORD = re.compile(r"\((h+)\)", re.I)
LAUGH_AT_END = re.compile(r"\(h+\)$", re.I)
GAT_LABEL = re.compile(r"<<([^<>\s]{1,20})>")

#: A timed pause as transcribers also type it: spaces inside, or seconds written out
#: ("( 0.5 )", "(0.5s)", "(1.2 secs)").
LOOSE_PAUSE = r"\(\s*(?:\d+(?::\d+)?(?:\.\d*)?|\.\d+)\s*(?:s|secs?|seconds)?\s*\)"
SCAN = re.compile(
    r"(?P<comment>\(\((?:[^()]|\([^()]*\))*\)\))"
    r"|(?P<brace>\{[^{}]*\})"
    r"|(?P<unclear>\(\s*\)|\((?:xxx|XXX)(?:\s+(?:xxx|XXX))*\))"
    rf"|(?P<pause>{LOOSE_PAUSE})"
    r"|(?P<item>(?:(?!\(\()[^\s{])+)"
    r"|(?P<other>\S)"
)
SPLIT = re.compile(
    r"\((?:\.{1,3}|\d+(?::\d+)?(?:\.\d*)?|\.\d+|-{1,3})\)|=|\.{3,}|…"
)
PLAIN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?\Z")
#: one item of a plain turn: a word with at most one final intonation mark, or a pause
PLAIN_ITEM = re.compile(
    r"(?P<word>[A-Za-z]+(?:'[A-Za-z]+)?)(?P<mark>[.,?!])?(?=\s|\Z)"
    r"|(?P<pause>\((?:\.|\d+(?:\.\d+)?)\))(?=\s|\Z)"
)
#: a plain item whose letters are a weak laugh particle (see WEAK_PARTICLES)
WEAK_ITEM = re.compile(
    r"(?<!\S)(?:ha|he|huh|hah|heh|h'a|h'e|h'uh|hu'h|h'ah|ha'h|h'eh|he'h)[.,?!]?(?!\S)", re.I
)
#: a turn made only of such items, separated by whitespace
PLAIN_TURN = re.compile(
    r"\s*(?:(?:[A-Za-z]+(?:'[A-Za-z]+)?[.,?!]?|\((?:\.|\d+(?:\.\d+)?)\))(?:\s+|\Z))*\Z"
)
LETTERS = re.compile(r"[^\W\d_]+")


_SECONDS = re.compile(r"(?<=[\d.])\s*(?:s|secs?|seconds)\Z")


@lru_cache(maxsize=1024)  # a transcript writes a handful of pauses over and over
def pause_reading(text: str) -> tuple[float, str] | None:
    """Seconds and label of a Jefferson or GAT 2 pause written as `text`, else None."""
    if text in BARE_PAUSES or (len(text) > 3 and set(text) == {"."}):
        return BARE_PAUSES.get(text, BARE_PAUSES["..."])
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner = _SECONDS.sub("", text[1:-1].strip())
    if inner in BRACKETED_PAUSES:
        return BRACKETED_PAUSES[inner]
    if ":" in inner:
        minutes, _, seconds = inner.partition(":")
        if minutes.isdigit():
            try:
                return int(minutes) * 60 + float(seconds or 0), "timed"
            except ValueError:
                return None
        return None
    try:
        value = float(inner)
    except ValueError:
        return None
    if inner[:1].isdigit() or inner[:1] == ".":
        return value, "timed"
    return None


# --- content with a map back to physical lines --------------------------------------------


@dataclass(frozen=True, slots=True)
class Content:
    """A turn's text (its lines joined with newlines) and where each line came from.

    `starts[k]` is the offset in `text` where the k-th source segment begins, `lines[k]`
    its physical line and `cols[k]` the physical column (1-based) of that offset.
    """

    text: str
    starts: tuple[int, ...]
    lines: tuple[int, ...]
    cols: tuple[int, ...]

    def position(self, offset: int) -> tuple[int, int]:
        """Physical (line, column) of an offset into `text`."""
        starts = self.starts
        if len(starts) == 1:
            return self.lines[0], self.cols[0] + offset
        k = bisect_right(starts, offset) - 1
        if k < 0:
            k = 0
        return self.lines[k], self.cols[k] + offset - starts[k]


quick_init(Content)  # one per turn



def is_loud(clean: str) -> bool:
    """Capitals mark loud talk (Jefferson): two capitals in a row, or a whole word in capitals.

    Short acronyms (OK, TV, GP, NHS …) and "I" are not loud.
    """
    upper = 0
    run = 0
    best = 0
    for ch in clean:
        if ch.isupper():
            upper += 1
            run += 1
            best = max(best, run)
        elif ch.isalpha():
            run = 0
    if upper < 2:
        return False
    base = re.sub(r"'?s$|'S$", "", clean)
    if clean in ACRONYMS or base in ACRONYMS:
        return False
    return best >= 2 or clean.isupper()


__all__ = [
    "ACRONYMS",
    "ATTACHED",
    "BARE_PAUSES",
    "BRACKETED_PAUSES",
    "F_ACCENT",
    "F_CREAKY",
    "F_CUTOFF",
    "F_EMPHASIS",
    "F_FAST",
    "F_HURRIED_START",
    "F_LAUGH",
    "F_LOUD",
    "F_QUIET",
    "F_SLOW",
    "F_SMILE",
    "F_STRETCHED",
    "F_TREMULOUS",
    "F_UNCERTAIN",
    "F_VERY_QUIET",
    "GAT_IN",
    "GAT_INTONATION",
    "GAT_LABEL",
    "GAT_LABELS",
    "GAT_OUT",
    "INBREATH",
    "INTONATION",
    "INTONATION_CHARS",
    "JEFFERSON_FILLERS",
    "LAUGH_AT_END",
    "LAUGH_IN_WORD",
    "LETTERS",
    "LIPSMACK",
    "LOOSE_PAUSE",
    "OUTBREATH",
    "PLAIN",
    "SCAN",
    "SOUNDS",
    "SPLIT",
    "STRICT_PARTICLE",
    "TOGGLES",
    "WEAK_PARTICLES",
    "Content",
    "Convention",
    "is_loud",
    "pause_reading",
]
