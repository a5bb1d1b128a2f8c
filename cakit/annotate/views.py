"""Turn views: what the rules need to know about one turn, computed once.

A view flattens a turn's utterances into the word sequence the matchers see, keeps where
each word came from (line, column, CA features), and gathers the delivery evidence —
pauses, fillers, cut-offs, laughter, non-verbal notes — and timing (the gap before the
turn, when the transcript gives one). Nothing here decides a code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cakit.annotate.codebook import Codebook
from cakit.annotate.inflect import CLOSED, stem
from cakit.annotate.spacy_bridge import CompiledCodebook, Hit
from cakit.model import Feature, Transcript, Turn, Utterance
from cakit.notation import LAUGH_DESCRIPTIONS
from cakit.timing import gap_before, latched, silences

# Feature bits as plain ints: IntFlag arithmetic goes through enum machinery and cost a
# third of the annotation time when used per token.
F_LAUGH_SMILE = int(Feature.LAUGH | Feature.SMILE)
F_UNCERTAIN = int(Feature.UNCERTAIN)
F_LAUGH = int(Feature.LAUGH)
F_CUTOFF = int(Feature.CUTOFF)
F_TREMULOUS = int(Feature.TREMULOUS)

#: Words that carry no topic (for content-word ties and counts).
GENERIC = frozenset(
    """yeah yes no okay ok right well oh um uh er erm mm mhm hmm just really like get got go
    going gone know think mean bit lot thing things time day today now very quite much more
    really actually sort kind something anything nothing everything stuff way good fine
    alright sure say said says tell told come came make made want wanted need still again
    also even though then there here because cos cause let lets dont didnt doesnt cant im
    ive youre theyre thats its isnt wasnt arent gonna wanna yeah can will would could should
    might must shall may doctor dr""".split()
)
#: Pronoun contractions the codebook's phrases spell out; other clitics are stripped for
#: matching ("voices'll" → "voices", "telly's" → "telly"): the raw token stays as evidence.
_KEEP_CLITICS = frozenset(
    """i'm i've i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd it's
    it'll it'd we're we've we'll we'd they're they've they'll they'd that's that'll that'd
    there's there'll what's who's where's how's when's why's let's here's nobody's someone's
    somebody's everyone's everybody's""".split()
)
_CLITICS = ("'s", "'ll", "'re", "'ve", "'d", "'m")
WH_BASES = frozenset({"how", "what", "who", "where", "why", "when", "which"})


def matching_form(word: str) -> str:
    """The form a word takes in the matcher's view of a turn."""
    if "'" not in word or word in _KEEP_CLITICS or word.endswith("n't"):
        return word
    if word.split("'", 1)[0] in WH_BASES:  # how've, what'll, who'd: question words keep them
        return word
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) > len(clitic) + 1:
            return word[: -len(clitic)]
    return word


_QUESTION_CONTOURS = frozenset({"rise", "rise_high", "question"})
_WEAK_QUESTION_CONTOURS = frozenset({"weak_rise", "rise_mid"})
_FINAL_CONTOURS = frozenset({"fall", "fall_low", "fall_mid", "rise", "rise_high", "weak_rise",
                             "rise_mid", "exclaim", "question", "period", "exclamation"})
WH_WORDS = frozenset({"what", "why", "how", "who", "where", "when", "which", "whose",
                      "what's", "how's", "who's", "where's", "why's", "when's", "whats", "hows"})
AUX_WORDS = frozenset(
    """is are am was were do does did can could will would should have has had shall may might
    isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't wouldn't shouldn't
    haven't hasn't hadn't""".split()
)
_SUBJECTS = frozenset(
    """you i it they he she we that this there the a an your my anyone anybody anything someone
    somebody something these those them people everything everyone things he's it's""".split()
)
_TAGS = (
    ("isn't", "it"), ("aren't", "they"), ("don't", "they"), ("doesn't", "it"), ("wasn't", "it"),
    ("weren't", "they"), ("won't", "they"), ("won't", "it"), ("can't", "they"), ("didn't", "you"),
    ("don't", "you"), ("do", "they"), ("is", "it"), ("does", "it"), ("isn't", "that"),
    ("aren't", "you"), ("didn't", "they"), ("haven't", "they"), ("right",), ("innit",), ("eh",),
)
_DISCOURSE = frozenset({"and", "but", "so", "okay", "ok", "right", "well", "oh", "um", "uh", "er",
                        "erm", "then", "now", "sorry", "doctor", "look", "listen", "like", "cos"})
_QUESTION_OPENERS = (
    ("i", "want", "to", "know"), ("can", "i", "ask"), ("tell", "me", "why"),
    ("tell", "me", "what"), ("i", "wonder"), ("i", "wondered"), ("i", "was", "wondering"),
    ("do", "you", "know", "why"), ("do", "you", "know", "if"), ("i", "need", "to", "know"),
    ("could", "i", "ask"), ("may", "i", "ask"),
)


Phrases = tuple[tuple[str, ...], ...]


def _by_word(phrases: Phrases, at: int) -> dict[str, Phrases]:
    """Phrases grouped by their word at `at` (0 first, -1 last), keeping their order."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[at], []).append(phrase)
    return {word: tuple(group) for word, group in grouped.items()}


_TAGS_BY_LAST = _by_word(_TAGS, -1)
_OPENERS_BY_FIRST = _by_word(_QUESTION_OPENERS, 0)


@dataclass(slots=True)
class TCU:
    """A turn-constructional unit: a run of words ended by final intonation."""

    start: int
    end: int
    question: bool = False
    weak_question: bool = False
    evidence: str = ""


@dataclass(slots=True)
class TurnView:
    """Everything the rules read about one turn."""

    turn: Turn
    index: int
    speaker: str
    role: str
    words: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    features: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    comments: list[tuple[str, int, int]] = field(default_factory=list)
    laughs: list[tuple[str, int, int]] = field(default_factory=list)
    pauses: list[tuple[int, float, str]] = field(default_factory=list)  # (word index, s, label)
    inbreath_at: list[int] = field(default_factory=list)
    tcus: list[TCU] = field(default_factory=list)  # set by _segment, with the two below
    asks: bool = False  # a TCU is a question
    asks_weakly: bool = False  # a TCU is a question or a weak (¿ ↗) one
    hits: list[Hit] = field(default_factory=list)
    gap_before: float | None = None
    latched: bool = False
    start_ms: int | None = None
    end_ms: int | None = None
    overlapping: list[tuple[str, str, Utterance]] = field(default_factory=list)
    uncertain: bool = False
    boundaries: list[tuple[int, str]] = field(default_factory=list)  # (word index, contour)
    clause_starts: list[int] = field(default_factory=list)  # word index after each comma

    @property
    def line(self) -> int:
        return self.turn.line

    @property
    def n_words(self) -> int:
        return sum(1 for kind in self.kinds if kind != "filler")

    def span_text(self, start: int, end: int) -> str:
        return " ".join(self.words[start:end])

    def position(self, word_index: int) -> tuple[int, int]:
        if 0 <= word_index < len(self.lines):
            return self.lines[word_index], self.cols[word_index]
        return self.turn.line, 0

    def frame_hits(self, name: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.group == "frame" and hit.name == name]

    def has_question(self) -> bool:
        return self.asks

    def has_weak_question(self) -> bool:
        return self.asks_weakly

    def content_stems(self, minimal: frozenset[str]) -> set[str]:
        return {
            stem(word)
            for word, kind in zip(self.words, self.kinds, strict=True)
            if kind != "filler" and word not in CLOSED and word not in GENERIC
            and word not in minimal and len(word) > 2 and word.isalpha()
        }


def build_views(
    transcript: Transcript, compiled: CompiledCodebook, codebook: Codebook
) -> list[TurnView]:
    """One view per turn, with pattern hits and timing filled in."""
    utterances = transcript.utterances
    gaps_at = silences(transcript)
    role_of = transcript.role_of
    views: list[TurnView] = []
    for turn in transcript.turns:
        view = TurnView(turn=turn, index=turn.index, speaker=turn.speaker, role=turn.role)
        for utterance_index in turn.utterances:
            _add_utterance(view, utterances[utterance_index])
        for utterance_index in turn.backchannels:
            utterance = utterances[utterance_index]
            view.overlapping.append((utterance.speaker, role_of(utterance.speaker), utterance))
        first = utterances[turn.utterances[0]]
        last = utterances[turn.utterances[-1]]
        previous = utterances[turn.utterances[0] - 1] if turn.utterances[0] > 0 else None
        view.latched = latched(previous, first)
        view.gap_before = gap_before(transcript, turn.utterances[0], gaps_at)
        if first.media is not None:
            view.start_ms = first.media.start_ms
        if last.media is not None:
            view.end_ms = last.media.end_ms
        views.append(view)
    for view, hits in zip(views, compiled.match_turns([view.words for view in views]),
                          strict=True):
        view.hits = hits
        _segment(view)
    return views


def _add_utterance(view: TurnView, utterance: Utterance) -> None:
    words = view.words
    lines = view.lines
    cols = view.cols
    features = view.features
    kinds = view.kinds
    offset = len(words)
    tokens = utterance.tokens
    # word index of each token position (events refer to token positions)
    word_at = [0] * (len(tokens) + 1)
    added = 0
    forms = _FORMS
    for position, token in enumerate(tokens):
        word_at[position] = added
        bits = token.features
        kind = token.kind
        if kind not in _SPOKEN:
            if kind == "untranscribed" and bits & F_UNCERTAIN:
                view.uncertain = True
            continue
        clean = token.clean
        if not clean:
            continue
        form = forms.get(clean) or _form(clean)
        words.append(form)
        lines.append(token.line)
        cols.append(token.col)
        features.append(bits)
        kinds.append(kind)
        added += 1
        if bits:
            if bits & F_LAUGH_SMILE:
                view.laughs.append((token.text, token.line, token.col))
            if bits & F_UNCERTAIN:
                view.uncertain = True
    word_at[len(tokens)] = added
    boundaries = view.boundaries
    last = len(tokens)
    for event in utterance.events:
        kind = event.kind
        at = offset + word_at[event.index if event.index < last else last]
        if kind == "pause":
            if event.value is not None:
                view.pauses.append((at, event.value, event.label))
        elif kind == "laugh":
            view.laughs.append((event.text, event.line, event.col))
        elif kind == "comment":
            view.comments.append((event.label.lower(), event.line, event.col))
            if LAUGH_DESCRIPTIONS.search(event.label):
                view.laughs.append((event.text, event.line, event.col))
        elif kind == "breath":
            if event.label == "in":
                view.inbreath_at.append(at)
        elif (kind == "intonation" or kind == "terminator") and event.label in _FINAL_CONTOURS:
            boundaries.append((at, event.label))
        elif event.label == "continuing" or event.label == "comma":
            view.clause_starts.append(at)
    # the utterance end is a TCU boundary; its terminator decides the question
    boundaries.append((len(words), _TERMINATOR_CONTOUR.get(utterance.terminator, "")))


_SPOKEN = frozenset({"word", "filler", "fragment", "nonword"})
#: matcher forms of the words met so far (a corpus repeats the same few thousand words)
_FORMS: dict[str, str] = {}


def _form(clean: str) -> str:
    """A token's clean text as the matcher sees it: lower case, clitics taken off."""
    form = clean.lower()
    if "'" in form or "’" in form:
        form = matching_form(form.replace("’", "'"))
    if len(_FORMS) >= 200_000:  # bound the memory on a corpus of unusual tokens
        _FORMS.clear()
    _FORMS[clean] = form
    return form
_TERMINATOR_CONTOUR = {"?": "rise", ".": "fall", "!": "exclaim", "+..?": "rise", "+/?": "rise",
                       "+//?": "rise", "+!?": "rise"}


def _segment(view: TurnView) -> None:
    """Split the turn into TCUs at final intonation and decide which are questions."""
    words = view.words
    count = len(words)
    if len(view.boundaries) == 1 and count:  # one utterance, no final contour inside it
        tcu = TCU(0, count)
        _classify_tcu(view, tcu, view.boundaries[0][1])
        view.tcus = [tcu]
        view.asks = tcu.question
        view.asks_weakly = tcu.question or tcu.weak_question
        return
    raw = sorted(set(view.boundaries))
    merged: dict[int, str] = {}
    for at, label in raw:
        if at <= 0:
            continue
        at = min(at, count)
        if label or at not in merged:
            merged[at] = label or merged.get(at, "")
    if count not in merged:
        merged[count] = ""
    start = 0
    tcus: list[TCU] = []
    for end in sorted(merged):
        if end <= start:
            continue
        tcu = TCU(start, end)
        label = merged[end]
        _classify_tcu(view, tcu, label)
        tcus.append(tcu)
        start = end
    if not tcus:
        tcus.append(TCU(0, 0))
    view.tcus = tcus
    view.asks = any(tcu.question for tcu in tcus)
    view.asks_weakly = view.asks or any(tcu.weak_question for tcu in tcus)


def _first_content(words: list[str], start: int, end: int) -> int:
    position = start
    while position < end and words[position] in _DISCOURSE:
        position += 1
    return position


def _classify_tcu(view: TurnView, tcu: TCU, label: str) -> None:
    words = view.words
    start, end = tcu.start, tcu.end
    if label in _QUESTION_CONTOURS:
        tcu.question, tcu.evidence = True, "rising intonation / ?"
        return
    if label in _WEAK_QUESTION_CONTOURS:
        tcu.weak_question, tcu.evidence = True, "weak rise ¿/↗"
    first = _first_content(words, start, end)
    if first < end:
        word = words[first]
        following = words[first + 1] if first + 1 < end else ""
        subordinating = word in ("when", "where", "who", "which", "whose")
        if word in WH_WORDS and (
            following in AUX_WORDS or (following in _SUBJECTS and not subordinating)
            or word.endswith("'s")
            or following in ("often", "long", "many", "much", "come", "else", "kind", "sort",
                             "about", "happens", "happened", "makes", "made", "exactly")
            or end - first <= 3
        ):
            tcu.question, tcu.evidence = True, f"wh-question: {word} {following}".strip()
            return
        if word in AUX_WORDS and following in _SUBJECTS:
            tcu.question, tcu.evidence = True, f"auxiliary inversion: {word} {following}"
            return
        for opener in _OPENERS_BY_FIRST.get(word, ()):
            if tuple(words[first : first + len(opener)]) == opener:
                tcu.question, tcu.evidence = True, "question frame: " + " ".join(opener)
                return
    for tag in _TAGS_BY_LAST.get(words[end - 1], ()) if end > start else ():
        size = len(tag)
        if end - start > size and tuple(words[end - size : end]) == tag:
            if size == 1 and label not in _WEAK_QUESTION_CONTOURS:
                continue  # "right" / "eh" alone end many statements; need a rise
            tcu.question, tcu.evidence = True, "tag question: " + " ".join(tag)
            return

