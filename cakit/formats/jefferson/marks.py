"""Jefferson and GAT 2 marks: the tables and patterns the tokenizer reads them with.

Kept apart from the tokenizer (`tokens.py`) so the writers can share them: a mark read here
is the mark the Jefferson writer writes back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from cakit._quick_init import quick_init
from cakit.model import Feature
from cakit.notation import CA_ATTACHED, CA_PAIRED, FILLERS

Convention = Literal["jefferson", "gat2"]

# Feature bits as plain ints: IntFlag arithmetic is several times slower on the hot path.
F_ACCENT = int(Feature.ACCENT)
F_BREATHY = int(Feature.BREATHY)
F_CREAKY = int(Feature.CREAKY)
F_CUTOFF = int(Feature.CUTOFF)
F_EMPHASIS = int(Feature.EMPHASIS)
F_FAST = int(Feature.FAST)
F_HURRIED_START = int(Feature.HURRIED_START)
F_LAUGH = int(Feature.LAUGH)
F_LOUD = int(Feature.LOUD)
F_PITCH_DOWN = int(Feature.PITCH_DOWN)
F_PITCH_UP = int(Feature.PITCH_UP)
F_QUIET = int(Feature.QUIET)
F_SINGING = int(Feature.SINGING)
F_SLOW = int(Feature.SLOW)
F_SMILE = int(Feature.SMILE)
F_STRETCHED = int(Feature.STRETCHED)
F_TREMULOUS = int(Feature.TREMULOUS)
F_UNCERTAIN = int(Feature.UNCERTAIN)
F_VERY_QUIET = int(Feature.VERY_QUIET)
F_WHISPER = int(Feature.WHISPER)

# --- mark tables ------------------------------------------------------------------------

#: Paired marks that toggle a feature (Jefferson, Hepburn & Bolden, common key variants,
#: and the CHAT-CA glyphs, so a CHAT-CA feature written into a Jefferson file reads back).
TOGGLES: dict[str, int] = {
    "£": F_SMILE,
    "$": F_SMILE,
    "☺": F_SMILE,
    "#": F_CREAKY,
    "*": F_CREAKY,
    "~": F_TREMULOUS,
    "_": F_EMPHASIS,
}
for _glyph, _bit in CA_PAIRED.items():
    if _glyph not in ("°",):
        TOGGLES.setdefault(_glyph, int(_bit))

#: Marks attached to the following word (pitch steps and the CHAT-CA word-attached glyphs).
ATTACHED: dict[str, int] = {"↑": F_PITCH_UP, "↓": F_PITCH_DOWN, "^": F_PITCH_UP}
for _glyph, _bit in CA_ATTACHED.items():
    ATTACHED.setdefault(_glyph, int(_bit))

#: Jefferson punctuation → intonation contour.
INTONATION: dict[str, str] = {
    ".": "fall",
    ",": "continuing",
    "?": "rise",
    "¿": "weak_rise",
    "?,": "weak_rise",
    "!": "exclaim",
    ";": "continuing",
}
#: GAT 2 phrase-final pitch: the CHAT-CA contour names (`?` high rise … `.` low fall).
GAT_INTONATION: dict[str, str] = {
    ".": "fall_low",
    ",": "rise_mid",
    "?": "rise_high",
    "¿": "rise_mid",
    "?,": "rise_mid",
    "!": "exclaim",
    ";": "fall_mid",
    "-": "level",
}
#: GAT 2 labelled spans `<<label> … >` → features (labels not listed become comments).
GAT_LABELS: dict[str, int] = {
    "f": F_LOUD,
    "ff": F_LOUD,
    "p": F_QUIET,
    "pp": F_QUIET | F_VERY_QUIET,
    "all": F_FAST,
    "acc": F_FAST,
    "len": F_SLOW,
    "rall": F_SLOW,
    "laughing": F_LAUGH,
    "lachend": F_LAUGH,
    ":-)": F_SMILE,
    "smiling": F_SMILE,
    "creaky": F_CREAKY,
    "whispering": F_WHISPER,
    "h": F_BREATHY,
    "singing": F_SINGING,
    "tremulous": F_TREMULOUS,
}

#: GAT 2 pauses: (-) about 0.2–0.5 s, (--) 0.5–0.8 s, (---) 0.8–1.0 s.
GAT_PAUSES: dict[str, tuple[float, str]] = {
    "-": (0.35, "short"),
    "--": (0.65, "medium"),
    "---": (0.9, "long"),
}

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
WEAK_PARTICLES = frozenset({"ha", "he", "huh", "hah", "heh"})
OUTBREATH = re.compile(r"^h{2,}$")
SOUNDS = {"pt": "lip_smack", "tch": "click", "tsk": "click", "tk": "click", "ptk": "click"}
INBREATH = re.compile(r"[.·•∙](?:hh*ih|shih|h+)(?::*)(?![A-Za-z])", re.I)
LIPSMACK = re.compile(r"\.(pt|tch|tsk)(?![A-Za-z])", re.I)
GAT_IN = re.compile(r"°(h+):*$", re.I)
GAT_OUT = re.compile(r"(h+):*°$", re.I)
LAUGH_IN_WORD = re.compile(r"\((h+)\)", re.I)
LAUGH_AT_END = re.compile(r"\(h+\)$", re.I)
GAT_LABEL = re.compile(r"<<([^<>\s]{1,20})>")

SCAN = re.compile(
    r"(?P<comment>\(\((?:[^()]|\([^()]*\))*\)\))"
    r"|(?P<brace>\{[^{}]*\})"
    r"|(?P<unclear>\(\s*\)|\((?:xxx|XXX)(?:\s+(?:xxx|XXX))*\))"
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


def pause_reading(text: str) -> tuple[float, str] | None:
    """Seconds and label of a Jefferson or GAT 2 pause written as `text`, else None."""
    if text in ("...", "…") or (len(text) > 3 and set(text) == {"."}):
        return 1.0, "long"
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner = text[1:-1].strip()
    if inner == ".":
        return 0.1, "micro"
    if inner == "..":
        return 0.5, "medium"
    if inner == "...":
        return 1.0, "long"
    if inner in GAT_PAUSES:
        return GAT_PAUSES[inner]
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
    "F_ACCENT",
    "F_BREATHY",
    "F_CREAKY",
    "F_CUTOFF",
    "F_EMPHASIS",
    "F_FAST",
    "F_HURRIED_START",
    "F_LAUGH",
    "F_LOUD",
    "F_PITCH_DOWN",
    "F_PITCH_UP",
    "F_QUIET",
    "F_SINGING",
    "F_SLOW",
    "F_SMILE",
    "F_STRETCHED",
    "F_TREMULOUS",
    "F_UNCERTAIN",
    "F_VERY_QUIET",
    "F_WHISPER",
    "GAT_IN",
    "GAT_INTONATION",
    "GAT_LABEL",
    "GAT_LABELS",
    "GAT_OUT",
    "GAT_PAUSES",
    "INBREATH",
    "INTONATION",
    "JEFFERSON_FILLERS",
    "LAUGH_AT_END",
    "LAUGH_IN_WORD",
    "LETTERS",
    "LIPSMACK",
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
