"""Corpus counts as CLAN users know them: word frequencies (FREQ) and mean length of
utterance (MLU), by role, speaker, phase or file. Pure functions over the model.

What counts as a word
---------------------
A word is a spoken token of kind ``"word"`` (`cakit.model.Token`), in its clean form:
CA marks removed (``wo::rd`` → ``word``, ``°quiet°`` → ``quiet``, ``w(h)ord`` → ``word``),
CHAT lengthening removed as CLAN removes it (``mi:lk`` → ``milk``), shortenings expanded
(``(be)cause`` → ``because``), a CHAT form marker dropped (``vroom@o`` → ``vroom``).
Left out, as CLAN's FREQ and MLU leave them out by default:

* untranscribed material: ``xxx``, ``yyy``, ``www`` (and Jefferson's ``( )``);
* fillers, fragments and nonwords (CHAT ``&-uh``, ``&+fr``, ``&~gaga``); events and
  comments (``&=laughs``, ``((coughs))``), pauses, breaths, laugh particles and clicks,
  which the readers never make tokens; omitted words (``0is``);
* material retraced with ``[/]``, ``[//]``, ``[///]``, ``[/-]`` or ``[/?]`` (and ``[e]``);
* a word with a replacement (``dis [: this]``) counts as its replacement (``this``).

MLU counts those words per utterance, and also leaves out plain ``uh`` and ``um``;
an utterance that contains ``xxx``, ``yyy`` or ``www`` (outside retraced material) is left
out entirely, and one with no word left is not an utterance for MLU. An utterance that
goes on with ``+,`` after the same speaker's interruption ``+/.`` counts as one with it.

Where cakit differs from CLAN
-----------------------------
* MLU is in **words** (CLAN's ``mlu -t%mor``), never morphemes: cakit does not read
  ``%mor`` for MLU, and consultations have no ``%mor`` tier.
* Words are compared lower-cased unless asked otherwise (``keep_case``): Jefferson
  capitals mark loudness, not another word. CLAN compares words as written; CHAT writes
  them in lower case except names and "I", so on CHAT this only merges "I"-like pairs.
* Jefferson transcripts have no ``&-``: the reader marks ``um``, ``uh``, ``er``, ``erm``
  and the like as fillers, and they are left out as CHAT's ``&-um`` is (``fillers=True``
  keeps them). A plain ``um`` in a CHAT file is a word to FREQ, as it is to CLAN.
* Laughter inside a word (``w(h)ord``), uncertain hearing (``(word)``) and cut-off words
  (``wor-``, ``wor⤆``) count as the word written: neither format says whether a cut-off
  word was a whole word, and CLAN counts them too (only ``&+`` marks a part-word).
* In a Jefferson transcript an utterance is one speaker line with its continuation
  lines, so where transcribers break lines changes MLU; the mean length of turn (words
  per turn, `MluRow.mlt`) does not depend on layout and is given beside it.
* CLAN's MLU leaves out utterances coded with some postcodes (``[+ bch]``), and its
  ``+s"xxx"`` keeps utterances with ``xxx`` in; cakit has neither option.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from cakit.annotations import PHASES_WITH_UNKNOWN
from cakit.model import ROLES, Transcript, Utterance

GroupBy = Literal["role", "speaker", "phase", "file"]
#: The groupings `--by` offers, in the order `--help` lists them.
GROUPINGS: tuple[GroupBy, ...] = ("role", "speaker", "phase", "file")

#: CHAT scoped codes whose material was retraced or excluded: left out of every count.
RETRACINGS = frozenset({"/", "//", "///", "/-", "/?", "e"})
#: Plain words CLAN's MLU leaves out besides fillers marked as such.
MLU_EXCLUDED = frozenset({"uh", "um"})
#: Untranscribed forms that put a whole utterance out of MLU.
UNTRANSCRIBED = frozenset({"xxx", "yyy", "www"})

#: A group: its label parts (role; file and speaker; phase; file).
GroupKey = tuple[str, ...]
#: The phase of a physical line (from the annotator's turn records).
PhaseOf = Callable[[int], str]

_FORM_MARKER = re.compile(r"@.*$")
_NOT_A_WORD_START = ("&", "0", "+", "-", "#")


@dataclass(slots=True)
class Tally:
    """What one group said: word frequencies and the lengths MLU needs. Tallies of
    several files add up (`add`), so workers can send back tallies, not transcripts."""

    words: Counter[str] = field(default_factory=Counter)
    #: utterances counted by MLU
    utterances: int = 0
    #: words in those utterances (MLU's words: no plain uh/um)
    utterance_words: int = 0
    #: sum of squared utterance lengths, for the standard deviation
    squares: int = 0
    #: turns with at least one utterance counted by MLU
    turns: int = 0

    def add(self, other: Tally) -> None:
        self.words.update(other.words)
        self.utterances += other.utterances
        self.utterance_words += other.utterance_words
        self.squares += other.squares
        self.turns += other.turns


Tallies = dict[GroupKey, Tally]


@dataclass(frozen=True, slots=True)
class FrequencyRow:
    """Types and tokens of one group (CLAN's FREQ summary lines)."""

    group: str
    tokens: int
    types: int
    frequencies: tuple[tuple[str, int], ...]
    #: the group's role (by role, or the speaker's role by speaker; else empty)
    role: str = ""

    @property
    def ttr(self) -> float | None:
        """Type/token ratio; None when the group said no word."""
        return round(self.types / self.tokens, 3) if self.tokens else None

    def as_dict(self) -> dict[str, object]:
        return {"group": self.group, "role": self.role, "tokens": self.tokens,
                "types": self.types, "ttr": self.ttr}


@dataclass(frozen=True, slots=True)
class MluRow:
    """Mean length of utterance (in words) of one group, with what it is made of."""

    group: str
    utterances: int
    words: int
    #: population standard deviation of the utterance lengths (as CLAN prints it)
    sd: float | None
    turns: int
    #: the group's role (by role, or the speaker's role by speaker; else empty)
    role: str = ""

    @property
    def mlu(self) -> float | None:
        return round(self.words / self.utterances, 3) if self.utterances else None

    @property
    def mlt(self) -> float | None:
        """Mean length of turn: words per turn."""
        return round(self.words / self.turns, 3) if self.turns else None

    def as_dict(self) -> dict[str, object]:
        return {"group": self.group, "role": self.role, "utterances": self.utterances,
                "words": self.words, "mlu": self.mlu, "sd": self.sd, "turns": self.turns,
                "mlt": self.mlt}


FREQUENCY_COLUMNS: tuple[str, ...] = ("group", "role", "tokens", "types", "ttr")
MLU_COLUMNS: tuple[str, ...] = ("group", "role", "utterances", "words", "mlu", "sd", "turns",
                                "mlt")


# -- one utterance ---------------------------------------------------------------------

def _replacement_words(text: str) -> list[str]:
    """The clean words of a replacement's text (`[: going to]` → going, to)."""
    inner = text.strip()
    if inner.startswith("[:"):
        inner = inner[2:]
    inner = inner.rstrip("]").strip()
    words: list[str] = []
    for item in inner.split():
        if item.startswith(_NOT_A_WORD_START) or item.lower() in UNTRANSCRIBED:
            continue
        clean = _FORM_MARKER.sub("", item).replace("(", "").replace(")", "").replace(":", "")
        if clean:
            words.append(clean)
    return words


def _excluded_positions(utterance: Utterance) -> tuple[set[int], dict[int, tuple[int, list[str]]]]:
    """Token positions retraced, and replacements: start position → (end, words)."""
    retraced: set[int] = set()
    replaced: dict[int, tuple[int, list[str]]] = {}
    for event in utterance.events:
        if event.kind != "scoped" or event.scope is None:
            continue
        start, end = event.scope
        if event.label in RETRACINGS:
            retraced.update(range(start, end))
        elif event.label == ":":
            replaced[start] = (end, _replacement_words(event.text))
    return retraced, replaced


def spoken_words(utterance: Utterance, *, fillers: bool = False) -> list[str]:
    """The words of one utterance as cakit counts them (see the module docstring), in
    their clean form with case as written.

    Args:
        utterance: a tokenized utterance.
        fillers: also count fillers (`&-um`, Jefferson `u:m`, `er`).
    """
    if not utterance.events:  # most utterances: no retracing, no replacement
        return [token.clean for token in utterance.tokens
                if token.kind == "word" or (fillers and token.kind == "filler")]
    retraced, replaced = _excluded_positions(utterance)
    words: list[str] = []
    tokens = utterance.tokens
    position = 0
    while position < len(tokens):
        if position in retraced:
            position += 1
            continue
        if position in replaced:
            end, replacement = replaced[position]
            words.extend(replacement)
            position = max(end, position + 1)
            continue
        token = tokens[position]
        if token.kind == "word" or (fillers and token.kind == "filler"):
            words.append(token.clean)
        position += 1
    return words


def counted_positions(utterance: Utterance, *, fillers: bool = False) -> frozenset[int]:
    """Positions of the tokens that count as words as they stand: not retraced and not
    replaced (a replaced token counts as its replacement, which is no token)."""
    skipped: set[int] = set()
    if utterance.events:
        retraced, replaced = _excluded_positions(utterance)
        skipped.update(retraced)
        for start, (end, _) in replaced.items():
            skipped.update(range(start, max(end, start + 1)))
    return frozenset(
        position for position, token in enumerate(utterance.tokens)
        if position not in skipped and (token.kind == "word"
                                        or (fillers and token.kind == "filler"))
    )


def utterance_length(utterance: Utterance) -> int | None:
    """The length MLU gives an utterance in words, or None when MLU leaves it out
    (untranscribed material in it, or no word left)."""
    retraced: set[int] = set()
    if utterance.events:
        retraced = _excluded_positions(utterance)[0]
    for position, token in enumerate(utterance.tokens):
        if token.kind == "untranscribed" and position not in retraced:
            return None
    length = sum(1 for word in spoken_words(utterance) if word.lower() not in MLU_EXCLUDED)
    return length or None


def _continues(utterance: Utterance) -> bool:
    """True for an utterance that starts with the self-completion linker `+,`."""
    return any(event.kind == "linker" and event.text == "+," and event.index == 0
               for event in utterance.events)


# -- one transcript --------------------------------------------------------------------

def group_key(transcript: Transcript, utterance: Utterance, by: GroupBy, *,
              file: str = "", phase_of: PhaseOf | None = None) -> GroupKey:
    """The group an utterance is counted in.

    Raises:
        ValueError: `by` is "phase" and no `phase_of` is given, or `by` is unknown.
    """
    if by == "role":
        return (transcript.role_of(utterance.speaker),)
    if by == "speaker":
        return (file or transcript.id, utterance.speaker, transcript.role_of(utterance.speaker))
    if by == "phase":
        if phase_of is None:
            raise ValueError("counting by phase needs the transcript's phases (annotate it)")
        return (phase_of(utterance.line),)
    if by == "file":
        return (file or transcript.id,)
    raise ValueError(f"unknown grouping {by!r}; choose from {', '.join(GROUPINGS)}")


def tally(transcript: Transcript, *, by: GroupBy = "role", file: str = "",
          phase_of: PhaseOf | None = None, keep_case: bool = False,
          fillers: bool = False) -> Tallies:
    """Word frequencies and MLU lengths of one transcript, by group.

    Args:
        transcript: a tokenized transcript.
        by: "role", "speaker" (per file), "phase" (needs `phase_of`) or "file".
        file: the name the file goes by in the groups (default: the transcript's id).
        phase_of: physical line → phase, e.g. `cakit.report.inputs.PhaseLookup` of the
            transcript's annotations.
        keep_case: count "Yes" and "yes" apart (default: lower-case every word).
        fillers: count fillers as words in the frequencies (never in MLU).

    Raises:
        ValueError: `by` is "phase" without `phase_of`, or an unknown grouping.
    """
    tallies: Tallies = {}
    turn_of: dict[int, str] = {}
    for turn in transcript.turns:
        for index in turn.utterances:
            turn_of[index] = turn.id
    counted_turns: set[tuple[GroupKey, str]] = set()
    #: speaker → (group, length) of their last counted utterance that ended with +/.
    interrupted: dict[str, tuple[GroupKey, int] | None] = {}
    for utterance in transcript.utterances:
        key = group_key(transcript, utterance, by, file=file, phase_of=phase_of)
        group = tallies.get(key)
        if group is None:
            group = tallies[key] = Tally()
        words = spoken_words(utterance, fillers=fillers)
        group.words.update(words if keep_case else [word.lower() for word in words])
        length = utterance_length(utterance)
        if length is None:
            continue
        pending = interrupted.get(utterance.speaker)
        if pending is not None and _continues(utterance):
            # the completion after `+/.` is the same utterance: one length, not two
            earlier_key, earlier = pending
            earlier_group = tallies[earlier_key]
            earlier_group.utterance_words += length
            earlier_group.squares += (earlier + length) ** 2 - earlier ** 2
            interrupted[utterance.speaker] = None
        else:
            group.utterances += 1
            group.utterance_words += length
            group.squares += length * length
            interrupted[utterance.speaker] = (key, length) if utterance.terminator == "+/." \
                else None
        turn_id = turn_of.get(utterance.index, utterance.id)
        if (key, turn_id) not in counted_turns:
            counted_turns.add((key, turn_id))
            group.turns += 1
    return tallies


def merge(parts: Iterable[Tallies]) -> Tallies:
    """Several files' tallies as one (groups keep the order they were first met)."""
    total: Tallies = {}
    for part in parts:
        for key, value in part.items():
            if key in total:
                total[key].add(value)
            else:
                copy = Tally()
                copy.add(value)
                total[key] = copy
    return total


# -- rows ------------------------------------------------------------------------------

def _order(keys: Iterable[GroupKey], by: GroupBy) -> list[GroupKey]:
    keys = list(keys)
    order: tuple[str, ...] = ROLES if by == "role" else PHASES_WITH_UNKNOWN
    if by in ("role", "phase"):
        rank: dict[str, int] = {name: position for position, name in enumerate(order)}
        return sorted(keys, key=lambda key: (rank.get(key[0], len(rank)), key[0]))
    return keys  # speakers and files in the order they were met


def group_label(key: GroupKey, by: GroupBy) -> str:
    """A group's label in tables: the role, phase or file, or `file:SPEAKER`."""
    if by == "speaker":
        return f"{key[0]}:{key[1]}"
    return key[0]


def group_role(key: GroupKey, by: GroupBy) -> str:
    """The role a group stands for: itself by role, the speaker's by speaker, else ""."""
    if by == "role":
        return key[0]
    if by == "speaker":
        return key[2]
    return ""


def frequency_rows(tallies: Tallies, by: GroupBy) -> list[FrequencyRow]:
    """One row per group that said at least one word, in display order; frequencies
    most frequent first, ties alphabetical."""
    rows: list[FrequencyRow] = []
    for key in _order(tallies, by):
        words = tallies[key].words
        if not words:
            continue
        ranked = tuple(sorted(words.items(), key=lambda item: (-item[1], item[0])))
        rows.append(FrequencyRow(group=group_label(key, by), tokens=sum(words.values()),
                                 types=len(words), frequencies=ranked,
                                 role=group_role(key, by)))
    return rows


def total_row(tallies: Tallies) -> FrequencyRow:
    """Every group together."""
    words: Counter[str] = Counter()
    for value in tallies.values():
        words.update(value.words)
    ranked = tuple(sorted(words.items(), key=lambda item: (-item[1], item[0])))
    return FrequencyRow(group="TOTAL", tokens=sum(words.values()), types=len(words),
                        frequencies=ranked)


def _sd(words: int, squares: int, utterances: int) -> float | None:
    if not utterances:
        return None
    mean = words / utterances
    variance = squares / utterances - mean * mean
    return round(math.sqrt(variance), 3) if utterances > 1 and variance > 0 else 0.0


def mlu_rows(tallies: Tallies, by: GroupBy, *, total: bool = False) -> list[MluRow]:
    """One row per group with at least one utterance counted, in display order; with
    `total`, a last row for every group together."""
    rows: list[MluRow] = []
    for key in _order(tallies, by):
        value = tallies[key]
        if not value.utterances:
            continue
        rows.append(MluRow(group=group_label(key, by), utterances=value.utterances,
                           words=value.utterance_words,
                           sd=_sd(value.utterance_words, value.squares, value.utterances),
                           turns=value.turns, role=group_role(key, by)))
    if total:
        words = sum(value.utterance_words for value in tallies.values())
        squares = sum(value.squares for value in tallies.values())
        utterances = sum(value.utterances for value in tallies.values())
        rows.append(MluRow(group="TOTAL", utterances=utterances, words=words,
                           sd=_sd(words, squares, utterances),
                           turns=sum(value.turns for value in tallies.values())))
    return rows


def word_frequencies(transcripts: Iterable[Transcript], *, keep_case: bool = False,
                     fillers: bool = False) -> Counter[str]:
    """Every word of the transcripts with how often it was said (one Counter)."""
    counts: Counter[str] = Counter()
    for transcript in transcripts:
        for utterance in transcript.utterances:
            words = spoken_words(utterance, fillers=fillers)
            counts.update(words if keep_case else [word.lower() for word in words])
    return counts


__all__ = [
    "FREQUENCY_COLUMNS", "GROUPINGS", "MLU_COLUMNS", "MLU_EXCLUDED", "RETRACINGS",
    "UNTRANSCRIBED", "FrequencyRow", "GroupBy", "GroupKey", "MluRow", "PhaseOf", "Tally",
    "counted_positions", "frequency_rows", "group_key", "group_label", "group_role",
    "merge", "mlu_rows", "spoken_words", "tally", "total_row", "utterance_length",
    "word_frequencies",
]
