"""One table of notation: Jefferson marks and CHAT-CA glyphs mapped to the same features.

Both readers look marks up here and both writers render features back from here, so a
mark read from a Jefferson file and its CHAT-CA counterpart end up as the same bit in the
model (the Jefferson → CHAT-CA correspondences of the two conventions).
"""

from __future__ import annotations

import re

from cakit.model import Feature

# --- CHAT-CA (the CHAT manual's CA marks) ----------------------------------------------

#: Paired stretch delimiters: everything between two of them carries the feature.
CA_PAIRED: dict[str, Feature] = {
    "°": Feature.QUIET,
    "◉": Feature.LOUD,
    "∆": Feature.FAST,
    "∇": Feature.SLOW,
    "⁇": Feature.UNCERTAIN,
    "§": Feature.PRECISE,
    "⁎": Feature.CREAKY,
    "∬": Feature.WHISPER,
    "∮": Feature.SINGING,
    "▁": Feature.LOW_PITCH,
    "▔": Feature.HIGH_PITCH,
    "☺": Feature.SMILE,
    "♋": Feature.BREATHY,
    "Ϋ": Feature.YAWN,
    "↫": Feature.SEGMENT_REPETITION,
}

#: Word-attached marks: the token that contains one carries the feature.
CA_ATTACHED: dict[str, Feature] = {
    "↑": Feature.PITCH_UP,
    "↓": Feature.PITCH_DOWN,
    "↻": Feature.PITCH_RESET,
    "⁑": Feature.HARDENING,
    "∙": Feature.INBREATH,
    "∾": Feature.CONSTRICTION,
    "⤆": Feature.CUTOFF,
    "⤇": Feature.HURRIED_START,
    "Ἡ": Feature.LAUGH,
    "≠": Feature.BLOCKING,
    "ˈ": Feature.EMPHASIS,
    "ˌ": Feature.EMPHASIS,
}

#: Overlap glyphs: (position, begin/end).
CA_OVERLAP: dict[str, str] = {
    "⌈": "top_begin",
    "⌉": "top_end",
    "⌊": "bottom_begin",
    "⌋": "bottom_end",
}

#: Intonation / TCU separators, their contour names.
CA_INTONATION: dict[str, str] = {
    "⇗": "rise_high",
    "↗": "rise_mid",
    "→": "level",
    "↘": "fall_mid",
    "⇘": "fall_low",
    "↖": "rise_back",
    "↙": "fall_back",
    "←": "back",
    "∞": "unmarked",
}

#: Latching and continuation glyphs.
CA_LATCH: dict[str, str] = {"≡": "uptake", "≈": "no_break", "≋": "technical_break"}

UNDERLINE_BEGIN = "\x02\x01"
UNDERLINE_END = "\x02\x02"
COMBINING_LOW_LINE = "\u0332"

# --- Jefferson (Jefferson 2004) --------------------------------------------------------

#: Jefferson intonation punctuation → contour name.
JEFFERSON_INTONATION: dict[str, str] = {
    ".": "fall",
    ",": "continuing",
    "?": "rise",
    "¿": "weak_rise",
    "?,": "weak_rise",
}

#: Jefferson paired delimiters → feature. `<` and `>` are handled by the tokenizer because
#: they pair in opposite directions (`>fast<`, `<slow>`).
JEFFERSON_PAIRED: dict[str, Feature] = {
    "°": Feature.QUIET,
    "£": Feature.SMILE,
    "$": Feature.SMILE,
    "#": Feature.CREAKY,
    "~": Feature.TREMULOUS,
    "☺": Feature.SMILE,
}

#: How the writers render features. Paired spans in the order they open: (feature bit,
#: opening mark, closing mark) for Jefferson, (feature bit, glyph) for CHAT-CA.
JEFFERSON_SPAN_MARKS: tuple[tuple[int, str, str], ...] = (
    (Feature.VERY_QUIET, "°°", "°°"),
    (Feature.QUIET, "°", "°"),
    (Feature.FAST, ">", "<"),
    (Feature.SLOW, "<", ">"),
    (Feature.SMILE, "£", "£"),
    (Feature.CREAKY, "#", "#"),
    (Feature.TREMULOUS, "~", "~"),
    (Feature.UNCERTAIN, "(", ")"),
    (Feature.EMPHASIS, "_", "_"),
    (Feature.WHISPER, "∬", "∬"),
    (Feature.SINGING, "∮", "∮"),
    (Feature.LOW_PITCH, "▁", "▁"),
    (Feature.HIGH_PITCH, "▔", "▔"),
    (Feature.BREATHY, "♋", "♋"),
    (Feature.YAWN, "Ϋ", "Ϋ"),
    (Feature.PRECISE, "§", "§"),
    (Feature.SEGMENT_REPETITION, "↫", "↫"),
)

CHAT_SPAN_MARKS: tuple[tuple[int, str], ...] = (
    (Feature.VERY_QUIET, "°°"),
    (Feature.QUIET, "°"),
    (Feature.LOUD, "◉"),
    (Feature.FAST, "∆"),
    (Feature.SLOW, "∇"),
    (Feature.SMILE, "☺"),
    (Feature.CREAKY, "⁎"),
    (Feature.UNCERTAIN, "⁇"),
    (Feature.WHISPER, "∬"),
    (Feature.SINGING, "∮"),
    (Feature.LOW_PITCH, "▁"),
    (Feature.HIGH_PITCH, "▔"),
    (Feature.BREATHY, "♋"),
    (Feature.YAWN, "Ϋ"),
    (Feature.PRECISE, "§"),
)

#: Word-attached features written before the word (CHAT's cut-off ⤆ goes after it).
JEFFERSON_PREFIX_MARKS: tuple[tuple[int, str], ...] = (
    (Feature.HURRIED_START, "<"),
    (Feature.PITCH_UP, "↑"),
    (Feature.PITCH_DOWN, "↓"),
    (Feature.PITCH_RESET, "↻"),
    (Feature.HARDENING, "⁑"),
    (Feature.CONSTRICTION, "∾"),
    (Feature.BLOCKING, "≠"),
    (Feature.INBREATH, "∙"),
)

CHAT_PREFIX_MARKS: tuple[tuple[int, str], ...] = (
    (Feature.HURRIED_START, "⤇"),
    (Feature.PITCH_UP, "↑"),
    (Feature.PITCH_DOWN, "↓"),
    (Feature.PITCH_RESET, "↻"),
    (Feature.HARDENING, "⁑"),
    (Feature.CONSTRICTION, "∾"),
    (Feature.BLOCKING, "≠"),
    (Feature.INBREATH, "∙"),
)

#: Jefferson intonation contour → the CHAT-CA arrow used when converting.
INTONATION_TO_CA: dict[str, str] = {
    "fall": "⇘",
    "continuing": "→",
    "rise": "⇗",
    "weak_rise": "↗",
    "rise_high": "⇗",
    "rise_mid": "↗",
    "level": "→",
    "fall_mid": "↘",
    "fall_low": "⇘",
    "rise_back": "↖",
    "fall_back": "↙",
    "back": "←",
    "unmarked": "∞",
}

#: CHAT-CA contour → the Jefferson punctuation used when converting.
INTONATION_TO_JEFFERSON: dict[str, str] = {
    "fall": ".",
    "fall_low": ".",
    "fall_mid": ".",
    "continuing": ",",
    "level": ",",
    "rise": "?",
    "rise_high": "?",
    "rise_mid": "¿",
    "weak_rise": "¿",
    "rise_back": "¿",
    "fall_back": ".",
    "back": ",",
    "unmarked": "",
}

# --- shared lexical classes -----------------------------------------------------------

#: Laugh particles (Jefferson): heh, hah, hih, haha, hehe, huhuh… Two-letter "he",
#: "ha", "hi" are words (pronouns, greetings), and `huh` alone is left as a word because
#: "huh?" is a repair initiator (CODEBOOK §6.2).
LAUGH_PARTICLE = re.compile(r"^(?!huh$)(?:h[aeiou]h+|(?:h[aeiou]){2,}h*)$", re.IGNORECASE)

#: Out-breath `hh`, in-breath `.hh` (Jefferson) or `∙hh` (CHAT-CA).
OUTBREATH = re.compile(r"^h{2,}$", re.IGNORECASE)

#: Non-verbal descriptions that count as laughing or smiling (CODEBOOK §6.3).
LAUGH_DESCRIPTIONS = re.compile(r"\b(laugh|chuckl|giggl|smil|grin|snigger|titter)", re.I)

#: Fillers (CODEBOOK 7.O "hesitation"), compared on the clean, lower-cased form.
FILLERS = frozenset({"um", "uh", "er", "erm", "uhm", "hmm", "ehm", "em", "ah", "eh", "mm"})

#: Minimal acknowledgement tokens (CODEBOOK 7.O).
MINIMAL_TOKENS = frozenset(
    {
        "mm", "mhm", "mmhm", "mm-hm", "hm", "uh-huh", "uhhuh", "uh", "huh", "yeah", "yes",
        "yep", "yup", "right", "okay", "ok", "oh", "sure", "fine", "alright", "i", "see",
    }
)

#: Pause text → (seconds, label). Micropauses count 0.1 s.
PAUSE_RE = re.compile(r"^\((\.{1,3}|\d+(?::\d+)?\.\d*|\d*\.\d+|\d+)\)$")
_DOTS = {".": (0.1, "micro"), "..": (0.5, "medium"), "...": (1.0, "long")}


def pause_value(text: str) -> tuple[float | None, str] | None:
    """Seconds and label of a pause written `(.)`, `(..)`, `(...)` or `(1.5)`; else None.

    `(..)` and `(...)` have no measured duration in CHAT; they are given nominal values
    (0.5 s, 1.0 s) only so they can add up, and are labelled so a report can tell.
    """
    match = PAUSE_RE.match(text)
    if not match:
        return None
    inner = match.group(1)
    if inner in _DOTS:
        return _DOTS[inner]
    if ":" in inner:
        minutes, seconds = inner.split(":", 1)
        return int(minutes) * 60 + float(seconds or 0), "timed"
    return float(inner), "timed"
