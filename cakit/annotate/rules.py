"""Shared predicates over turn views: anchors, frames, ties, minimal turns.

These are the building blocks of the rules in docs/codebook.md. Each returns plain values plus the
evidence that justified it, so every code cakit gives can show its reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from cakit.annotate.codebook import Codebook
from cakit.annotate.inflect import CLOSED, stem
from cakit.annotate.spacy_bridge import COMMON_WORDS, Hit
from cakit.annotate.views import F_UNCERTAIN, GENERIC, TurnView
from cakit.annotations import Evidence

#: Content categories A–J of the seed lexicon (K emotional and L epistemic are modifiers).
PSYCHOTIC = (
    "voices", "visions", "other_senses", "persecution", "thought_interference", "control",
    "reference", "grandiose", "somatic", "religious",
)
#: Every category a patient turn is searched for (A–J plus emotional and epistemic).
CONTENT = (*PSYCHOTIC, "epistemic", "emotional")
ANAPHORS = frozenset({"they", "them", "it", "that", "this", "those", "these", "he", "she",
                      "him", "her", "they're", "it's", "that's", "theyre", "thats"})
#: Verbs that, with a pronoun, point back at the experience ("what do they say", "when did
#: it start"); generic verbs (get, do, go, know) are left out because they tie anything.
_ANAPHOR_VERBS = frozenset(
    """hear say tell talk see feel start come happen sound worry scare bother follow watch
    stop leave affect mean begin whisper shout""".split()
)
#: "do" ties only with the pronoun as its subject: "what is it they do, when they get in?"
_DOING = frozenset({"do", "does", "did", "doing"})


#: Words of nearly any conversation, as stems: sharing one ("have", "only", "take") never
#: ties a later turn to a thread. Measured on everyday talk with benchmarks/negatives.py.
#: The matcher's common words, plus more of the commonest.
EVERYDAY_STEMS = frozenset(stem(word) for word in COMMON_WORDS | frozenset(
    """have has had having do does did done doing only also even ever just quite very
    enough lot lots bit little big first last next same sort kind bloody sure maybe
    person someone place home house work call called put give gave find found keep kept
    let try tried use used need needs ask asked talk talking since because cos again away
    round around""".split()))


@dataclass(frozen=True, slots=True)
class Anchor:
    """A lexicon hit that counts, after the stop-list, negation and first-person rules."""

    category: str
    hit: Hit
    polarity: str  # present | absent
    text: str
    line: int
    col: int
    uncertain: bool = False

    def evidence(self) -> Evidence:
        return Evidence(rule=f"lexicon.{self.category}:{self.hit.pattern.id}", text=self.text,
                        line=self.line, col=self.col)


_MEDICATION = frozenset({"medication", "side_effects"})
#: First-person words that do not tie a report back to the speaker: "my" mostly introduces
#: the other person ("my cousin"), and "id" is as often the word "id" as "I'd".
_NOT_SELF_TIES = frozenset({"my", "id"})


def _bare(word: str) -> str:
    """A possessive or clitic taken off ("cousin's" → "cousin")."""
    return word[:-2] if word.endswith("'s") else word


class Rules:
    """The codebook's word lists in the shapes the rules need."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.thresholds = codebook.thresholds
        self.catalogue = codebook.catalogue
        #: responses after which the patient's next turn answers a question about the
        #: experience, and those after which the topic stays open (the codebook's flags)
        self.asking = self.catalogue.where("asking")
        self.continuing = self.catalogue.where("continuing")
        self.engaging = self.catalogue.where("engaging")
        self.engaged_outcomes = frozenset(self.catalogue.engaged_outcomes)
        frame = codebook.frame
        self.first_person = frame("first_person").words
        #: the speaker as subject or object ("I", "me", "I've"): the codebook's first-person
        #: words without those that do not tie a report back to the speaker
        self.self_reference = self.first_person - _NOT_SELF_TIES
        self.negation = frame("negation").words
        self.experiential = frame("experiential_verbs").words
        self.present = frame("present_markers").words
        self.other_person = frame("other_person").words
        self.self_tie = frame("reported_self_tie").words
        self.minimal = frame("minimal").words
        self.fillers = frame("fillers").words
        self.closing_nonverbal = frame("closing_nonverbal").words
        self.distress_nonverbal = frame("distress_nonverbal").words
        self.lead_skip = self.fillers | {"and", "but", "oh", "ah", "right", "okay", "ok", "mm",
                                         "yeah"}
        #: content words of the psychotic-content lexicon (A–J), as stems: a shared word from
        #: this vocabulary ties two turns on its own; other shared words need company. The
        #: commonest words of any conversation never do, even when a pattern spells one out
        #: ("since", "next", "going"): otherwise every new pattern could tie ordinary talk.
        vocabulary: set[str] = set()
        for category in codebook.lexicon:
            if category.name not in PSYCHOTIC:
                continue
            for pattern in category.patterns:
                for word in (*pattern.words, *(w for slot in pattern.slots for w in slot)):
                    if word not in CLOSED and len(word) > 2 and "'" not in word:
                        vocabulary.add(stem(word))
        self.topic_vocabulary = frozenset(vocabulary - EVERYDAY_STEMS)

    # -- positions ---------------------------------------------------------------------
    def lead(self, view: TurnView) -> int:
        """Index of the first word that is not a filler or discourse particle."""
        position = 0
        words = view.words
        while position < len(words) and words[position] in self.lead_skip:
            position += 1
        return position

    def frame_hits(self, view: TurnView, name: str) -> list[Hit]:
        lead = None
        out = []
        for hit in view.hits:
            if hit.group != "frame" or hit.name != name:
                continue
            if hit.pattern.at_start:
                if lead is None:
                    lead = self.lead(view)
                if hit.start > lead:
                    continue
            out.append(hit)
        return out

    def has_frame(self, view: TurnView, name: str) -> bool:
        return bool(self.frame_hits(view, name))

    def evidence(self, view: TurnView, hit: Hit, rule: str) -> Evidence:
        line, col = view.position(hit.start)
        return Evidence(rule=f"{rule}:{hit.pattern.id}", text=view.span_text(hit.start, hit.end),
                        line=line, col=col)

    # -- lexicon anchors -----------------------------------------------------------------
    def anchors(
        self, view: TurnView, phase: str, categories: tuple[str, ...] = CONTENT, *,
        research_context: bool = False,
    ) -> list[Anchor]:
        """Lexicon hits that count: stop-list first, research talk, weak entries, negation.

        Persecution and reference hits are dropped in turns that talk about the research
        recording, and in the OPENING when the talk around is about it (`research_context`):
        "the camera is watching us" is not a persecutory idea (docs/codebook.md).
        """
        stops = [(h.start, h.end) for h in view.hits if h.group == "stop"]
        words = view.words
        research = any(h.group == "frame" and h.name == "research" for h in view.hits) or (
            phase == "OPENING" and research_context
        )
        has_self = not self.first_person.isdisjoint(words)  # for H and J
        # the stop-list is applied first: a hit that overlaps a stop-list span is dropped,
        # unless it strictly contains it ("voices in my head" contains "in my head")
        raw = [
            h for h in view.hits
            if h.group == "lex" and h.name in categories
            and not any(h.start < e and s < h.end and not (h.start <= s and e <= h.end
                                                            and (e - s) < (h.end - h.start))
                        for s, e in stops)
        ]
        if research:
            raw = [h for h in raw if h.name not in ("persecution", "reference")]
        anchors: list[Anchor] = []
        window = self.thresholds.negation_window
        after_hits = [h for h in view.hits if h.group == "frame" and h.name == "negation_after"]
        for hit in raw:
            category = hit.name
            if hit.pattern.weak:
                # a weak entry needs a second hit or a first-person frame around it
                second_hit = any(
                    h.end <= hit.start or h.start >= hit.end for h in raw
                    if h is not hit and h.name in PSYCHOTIC
                )
                framed = any(word in self.first_person for word in
                             words[max(0, hit.start - 3): hit.end + 3])
                if not (second_hit or framed):
                    continue
            try:
                required = self.codebook.category(category).first_person_required
            except KeyError:
                required = False
            if required and not has_self:
                continue
            tcu_start = next(
                (tcu.start for tcu in view.tcus if tcu.start <= hit.start < tcu.end), 0
            )
            # negation reaches back no further than the TCU or a comma ("I'm not ill, it's
            # them doing it to me"); a pattern that holds its own negation ("doesn't feel
            # like mine") is not undone by "any more" or "stopped" after it
            scope = max([tcu_start, *(k for k in view.clause_starts if k <= hit.start)])
            negated = any(word in self.negation
                          for word in words[max(scope, hit.start - window): hit.start])
            negated = negated or (
                not any(word in self.negation for word in words[hit.start:hit.end])
                and any(0 <= a.start - hit.end <= 4 for a in after_hits)
            )
            line, col = view.position(hit.start)
            uncertain = any(view.features[k] & F_UNCERTAIN for k in range(hit.start, hit.end)
                            if k < len(view.features))
            anchors.append(Anchor(category, hit, "absent" if negated else "present",
                                  view.span_text(hit.start, hit.end), line, col, uncertain))
        return anchors

    def medication(self, view: TurnView) -> list[Hit]:
        """Medication and side-effect talk (lexicon M), with weak entries needing company."""
        hits = [h for h in view.hits if h.group == "lex" and h.name in _MEDICATION]
        strong = [h for h in hits if not h.pattern.weak]
        if strong:
            return hits
        return hits if len({(h.start, h.end) for h in hits}) >= 2 else []

    def has_self(self, view: TurnView) -> bool:
        return any(word in self.first_person for word in view.words)

    def reported_other(self, view: TurnView, anchors: list[Anchor]) -> bool:
        """Talk about someone else's experience ("my cousin hears voices"), not tied to self."""
        words = view.words
        # a hit that names the other person is about them as its object ("not my real
        # mum", "my nan's been swapped for a copy", its first pattern), not a report of
        # their experience, and so is the rest of the turn; a pronoun in a hit ("voices
        # and he says") names nobody
        if not anchors or any(self._names_other(word)
                              for a in anchors for word in words[a.hit.start:a.hit.end]):
            return False
        first = min(a.hit.start for a in anchors)
        others = [k for k in range(first) if self._names_other(words[k])]
        if not others:
            return False
        # tied back to self only by a subject or object pronoun ("I", "me"), not by "my",
        # which mostly introduces the other person ("my cousin", "my auntie")
        return not any(word in self.self_reference for word in words)

    def _names_other(self, word: str) -> bool:
        """A word naming another person ("cousin", "mum"), not a bare pronoun."""
        return _bare(word) in self.other_person and word not in ("he", "she", "someone")

    def observable(self, view: TurnView, anchors: list[Anchor]) -> bool:
        """First-person involvement, present/recent tense or an experiential verb."""
        words = set(view.words)
        return view.has_weak_question() or bool(
            words & self.first_person or words & self.present or words & self.experiential
        )

    # -- shapes of clinician turns -------------------------------------------------------
    def is_minimal(self, view: TurnView) -> bool:
        words = [w for w in view.words]
        if not words:
            return bool(view.laughs or view.comments)
        limit = self.thresholds.minimal_max_words
        return len(words) <= limit and all(w in self.minimal or w in self.fillers for w in words)

    def content_count(self, view: TurnView, start: int = 0, end: int | None = None) -> int:
        words = view.words[start:end]
        return sum(1 for w in words if w not in GENERIC and w not in self.minimal and
                   w not in self.fillers and len(w) > 2 and w.isalpha() and w not in {
                       "the", "and", "you", "your", "they", "them", "that", "this", "with",
                       "for", "are", "was", "were", "have", "has", "had", "what", "when",
                       "how", "why", "who", "where", "about", "from", "into", "his", "her",
                       "she", "him", "their", "there", "it's", "its", "our", "not"})

    def stems(self, view: TurnView) -> set[str]:
        return view.content_stems(self.minimal)

    def anaphoric(self, view: TurnView) -> bool:
        """A pronoun pointing back plus an experiential verb ("what do they say")."""
        words = view.words
        if not any(w in ANAPHORS for w in words):
            return False
        if any(stem(w) in _ANAPHOR_VERBS or w in self.experiential for w in words):
            return True
        return any(words[k] in _DOING and words[k - 1] in ANAPHORS for k in range(1, len(words)))

    def laughing(self, view: TurnView) -> list[tuple[str, int, int]]:
        return list(view.laughs)

    def closing_nonverbal_notes(self, view: TurnView) -> list[tuple[str, int, int]]:
        return [c for c in view.comments if any(word in c[0] for word in self.closing_nonverbal)]

    def distress_notes(self, view: TurnView) -> list[tuple[str, int, int]]:
        return [c for c in view.comments if any(word in c[0].split() or c[0].startswith(word)
                                                for word in self.distress_nonverbal)]
