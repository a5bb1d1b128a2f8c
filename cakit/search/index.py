"""What a search looks at in each turn, gathered once per transcript.

A *unit* is what a query term tests: one turn of the model (`Transcript.turns`), or a
back-channel (`[mm]` said in overlap inside another speaker's turn, which does not end
that turn) as a unit of its own, so that its words and its overlap can be found too. A
back-channel sits at its host turn's position: `>>` counts turns, not back-channels.

For each unit the index keeps its words (lower case, as the annotator matches them), the
CA features it holds, its pauses and the silence before it, and the codes the run gave
its turn (attempts, responses with the subtypes of the attempts they answer, carer
responses, sequence outcomes, turn codes, the phase). Everything here is read from the
model and the codes; nothing is decided.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cakit.annotations import ConsultationAnnotations
from cakit.model import Event, Feature, Token, Transcript, Turn, Utterance, feature_names
from cakit.timing import gap_before, latched, silences

_SPOKEN = frozenset({"word", "filler", "fragment", "nonword"})
_LAUGH_WORDS = re.compile(r"\b(laugh|chuckl|giggl|snigger|titter|cackl)", re.IGNORECASE)
_SMILE_WORDS = re.compile(r"\b(smil|grin)", re.IGNORECASE)
#: Final contours that make a question: `?`, CHAT-CA ⇗ (the weak rises ¿ ↗ do not).
QUESTION_CONTOURS = frozenset({"rise", "rise_high", "question"})
_QUESTION_TERMINATORS = frozenset({"?", "+..?", "+/?", "+//?", "+!?"})
#: token feature bits → the bare feature they give
_TOKEN_MARKS: tuple[tuple[int, str], ...] = (
    (int(Feature.LAUGH), "laugh"), (int(Feature.SMILE), "smile"),
    (int(Feature.CUTOFF), "cutoff"), (int(Feature.STRETCHED), "stretch"),
    (int(Feature.INBREATH), "inbreath"), (int(Feature.LOUD), "loud"),
    (int(Feature.QUIET | Feature.VERY_QUIET), "soft"),
    (int(Feature.PITCH_UP | Feature.PITCH_DOWN | Feature.PITCH_RESET | Feature.LOW_PITCH
         | Feature.HIGH_PITCH), "pitch"),
)
_CLITICS = ("'s", "'ll", "'re", "'ve", "'d", "'m")
_NONE: frozenset[str] = frozenset()
#: one copy of each set of marks or codes: most turns share a handful of them
_SETS: dict[frozenset[str], frozenset[str]] = {}


def _shared(values: set[str] | frozenset[str]) -> frozenset[str]:
    if not values:
        return _NONE
    key = frozenset(values)
    if len(_SETS) > 100_000:  # bound the memory on a corpus of unusual combinations
        _SETS.clear()
    return _SETS.setdefault(key, key)


@dataclass(frozen=True, slots=True)
class Unit:
    """One turn (or back-channel) as the search sees it."""

    #: the turn's index in the transcript (a back-channel: its host turn's)
    position: int
    turn_id: str
    speaker: str
    role: str
    phase: str
    line: int
    end_line: int
    #: indices of the utterances it is made of
    utterances: tuple[int, ...]
    backchannel: bool
    #: spoken words, lower case (`’` as `'`)
    words: tuple[str, ...]
    #: the same words with an enclitic taken off (`voices'll` → `voices`)
    bare: tuple[str, ...]
    #: feature names (`laugh`, `overlap:incoming`, `flag:creaky` …)
    marks: frozenset[str]
    #: timed and micro pauses inside it, in seconds (a micropause is 0.1)
    pauses: tuple[float, ...]
    #: the silence before it in seconds (0.0 when latched; None when unknown)
    gap: float | None
    codes: frozenset[str] = _NONE
    outcomes: frozenset[str] = _NONE
    responds_to: frozenset[str] = _NONE
    categories: frozenset[str] = _NONE
    ranks: frozenset[str] = _NONE


@dataclass(frozen=True, slots=True)
class FileIndex:
    """The units of one transcript, in order, and how the transcript is named."""

    path: str
    consultation: str
    units: tuple[Unit, ...]

    @property
    def name(self) -> str:
        return Path(self.path).name


def spoken(utterance: Utterance) -> Iterator[tuple[int, Token]]:
    """(token position, token) of the words the search indexes, in order."""
    for position, token in enumerate(utterance.tokens):
        if token.kind in _SPOKEN and token.clean:
            yield position, token


def word_forms(token: Token) -> tuple[str, str]:
    """A token's word as searched: lower case with `’` as `'`, and the same with an
    enclitic taken off (`voices'll` → `voices`, `doctor's` → `doctor`)."""
    word = token.clean.lower().replace("’", "'")
    if "'" not in word or word.endswith("n't"):
        return word, word
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) > len(clitic) + 1:
            return word, word[: -len(clitic)]
    return word, word


def overlap_roles(transcript: Transcript) -> dict[tuple[int, int], str]:
    """(utterance index, event index) → `incoming` or `overlapped` for overlap onsets.

    Of the onsets sharing a link, the first (in transcript order) is the talk in progress
    (`overlapped`) and the later ones come in over it (`incoming`); a simultaneous start
    (`[[`) makes every speaker incoming. In CHAT, ⌈ is the talk in progress and ⌊ comes
    in; `[>]` marks talk that `[<]` overlaps."""
    roles: dict[tuple[int, int], str] = {}
    seen: set[str] = set()
    for u_index, utterance in enumerate(transcript.utterances):
        for e_index, event in enumerate(utterance.events):
            key = (u_index, e_index)
            if event.kind == "scoped" and event.label[:1] in "<>" and event.label:
                roles[key] = "incoming" if event.label.startswith("<") else "overlapped"
                continue
            if event.kind != "overlap" or not event.label.endswith("begin"):
                continue
            if event.label == "top_begin":
                roles[key] = "overlapped"
            elif event.label == "bottom_begin" or event.text.startswith("[["):
                roles[key] = "incoming"
            elif event.link:
                roles[key] = "incoming" if event.link in seen else "overlapped"
                seen.add(event.link)
    return roles


def _event_marks(event: Event, marks: set[str]) -> None:
    kind = event.kind
    if kind == "pause":
        marks.add("pause")
        if event.label == "micro":
            marks.add("micropause")
    elif kind == "laugh":
        marks.add("laugh")
    elif kind == "comment":
        if _LAUGH_WORDS.search(event.label):
            marks.add("laugh")
        if _SMILE_WORDS.search(event.label):
            marks.add("smile")
    elif kind == "breath":
        marks.add("inbreath" if event.label == "in" else "outbreath")
    elif kind == "latch":
        marks.add("latch")
    elif (kind == "intonation" or kind == "terminator") and event.label in QUESTION_CONTOURS:
        marks.add("question")
    elif kind == "overlap" and event.label.endswith("begin"):
        marks.add("overlap")


class _Codes:
    """The codes of one consultation by turn id."""

    def __init__(self, annotations: ConsultationAnnotations | None) -> None:
        self.phase: dict[str, str] = {}
        self.codes: dict[str, set[str]] = {}
        self.outcomes: dict[str, set[str]] = {}
        self.responds_to: dict[str, set[str]] = {}
        self.categories: dict[str, set[str]] = {}
        self.ranks: dict[str, set[str]] = {}
        if annotations is None:
            return
        self.phase = {record.id: record.phase for record in annotations.turns}
        outcome = {s.attempt_id: s.outcome for s in annotations.sequences}
        subtypes = {a.id: ("PSY_ATTEMPT", *a.subtypes) for a in annotations.attempts}
        for attempt in annotations.attempts:
            self.add(self.codes, attempt.turn_id, "PSY_ATTEMPT", *attempt.subtypes)
            self.add(self.categories, attempt.turn_id, *attempt.categories)
            self.add(self.outcomes, attempt.turn_id, outcome.get(attempt.id, ""))
        for response in annotations.responses:
            if response.turn_id is None:
                continue
            self.add(self.codes, response.turn_id, response.uptake,
                     response.uptake_subtype or "", *response.modifiers)
            self.add(self.ranks, response.turn_id, str(response.rank))
            self.add(self.responds_to, response.turn_id, *subtypes.get(response.attempt_id, ()))
            self.add(self.outcomes, response.turn_id, outcome.get(response.attempt_id, ""))
        for carer in annotations.carer_responses:
            self.add(self.codes, carer.turn_id, "CARER_RESPONSE", carer.code)
            self.add(self.responds_to, carer.turn_id, *subtypes.get(carer.attempt_id, ()))
            self.add(self.outcomes, carer.turn_id, outcome.get(carer.attempt_id, ""))
        for name, records in (("PSY_ELICITED", annotations.elicited),
                              ("REPAIR_OI", annotations.repairs),
                              ("MEDCHECK_SYMPTOM", annotations.medchecks)):
            for record in records:
                self.add(self.codes, record.turn_id, name)

    @staticmethod
    def add(table: dict[str, set[str]], turn_id: str, *values: str) -> None:
        chosen = [value for value in values if value]
        if chosen:
            table.setdefault(turn_id, set()).update(chosen)

    @staticmethod
    def of(table: dict[str, set[str]], turn_id: str) -> frozenset[str]:
        return _shared(table.get(turn_id) or _NONE)


def _unit(transcript: Transcript, turn: Turn, utterance_indices: Sequence[int], *,
          speaker: str, role: str, backchannel: bool, gap: float | None,
          overlaps: dict[tuple[int, int], str], codes: _Codes) -> Unit:
    utterances = transcript.utterances
    words: list[str] = []
    bare: list[str] = []
    bits = 0
    marks: set[str] = set()
    pauses: list[float] = []
    for u_index in utterance_indices:
        utterance = utterances[u_index]
        for _, token in spoken(utterance):
            word, stripped = word_forms(token)
            words.append(sys.intern(word))
            bare.append(sys.intern(stripped))
            bits |= token.features
        for e_index, event in enumerate(utterance.events):
            _event_marks(event, marks)
            if event.kind == "pause" and event.value is not None:
                pauses.append(event.value)
            where = overlaps.get((u_index, e_index))
            if where is not None:
                marks.update(("overlap", f"overlap:{where}"))
        if utterance.terminator in _QUESTION_TERMINATORS:
            marks.add("question")
    if bits:
        marks.update(name for flag, name in _TOKEN_MARKS if bits & flag)
        marks.update(f"flag:{name}" for name in feature_names(bits))
    if gap is not None and gap > 0:
        marks.add("gap")
    if gap == 0.0 and not backchannel:
        first = utterance_indices[0]
        if latched(utterances[first - 1] if first > 0 else None, utterances[first]):
            marks.add("latch")
    turn_id = turn.id
    said = tuple(words)
    return Unit(
        position=turn.index, turn_id=turn_id, speaker=speaker, role=role,
        phase=codes.phase.get(turn_id, "UNKNOWN"), line=utterances[utterance_indices[0]].line,
        end_line=max(utterances[i].end_line for i in utterance_indices),
        utterances=tuple(utterance_indices), backchannel=backchannel, words=said,
        bare=said if bare == words else tuple(bare), marks=_shared(marks),
        pauses=tuple(pauses) if pauses else (), gap=gap,
        codes=_NONE if backchannel else codes.of(codes.codes, turn_id),
        outcomes=_NONE if backchannel else codes.of(codes.outcomes, turn_id),
        responds_to=_NONE if backchannel else codes.of(codes.responds_to, turn_id),
        categories=_NONE if backchannel else codes.of(codes.categories, turn_id),
        ranks=_NONE if backchannel else codes.of(codes.ranks, turn_id),
    )


def index_file(transcript: Transcript, annotations: ConsultationAnnotations | None = None,
               *, path: str = "") -> FileIndex:
    """The units of one transcript with their words, features and codes.

    `annotations` are the codes as the run decided them (without, no unit has codes and
    every phase is UNKNOWN); `path` is how the file is named in outputs and `file=`
    (default: the transcript's source)."""
    silence_at = silences(transcript)
    overlaps = overlap_roles(transcript)
    codes = _Codes(annotations)
    units: list[Unit] = []
    role_of = transcript.role_of
    for turn in transcript.turns:
        units.append(_unit(transcript, turn, turn.utterances, speaker=turn.speaker,
                           role=turn.role, backchannel=False,
                           gap=gap_before(transcript, turn.utterances[0], silence_at),
                           overlaps=overlaps, codes=codes))
        for u_index in turn.backchannels:
            speaker = transcript.utterances[u_index].speaker
            units.append(_unit(transcript, turn, (u_index,), speaker=speaker,
                               role=role_of(speaker), backchannel=True, gap=None,
                               overlaps=overlaps, codes=codes))
    consultation = annotations.id if annotations is not None else transcript.id
    return FileIndex(path=path or transcript.source, consultation=consultation,
                     units=tuple(units))


__all__ = ["QUESTION_CONTOURS", "FileIndex", "Unit", "index_file",
           "overlap_roles", "spoken", "word_forms"]
