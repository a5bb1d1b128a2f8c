"""Topic threads: each psychotic topic a patient raises, followed through the consultation.

A thread starts at an attempt the rules coded (a lexicon anchor, a frame) — never at a
turn only the classifier coded, and never at a word two turns happen to share. It keeps
the attempt sequences (windows) on its topic and, through them, what it is about:

* its **categories** (voices, persecution …);
* its **referents**: the distinctive words the patient used for it ("the camera", "the
  songs", "next door"), as stems, leaving out the commonest words of any conversation;
* **who took it up and how**: the clinicians' uptakes in its windows, so whether it was
  engaged with;
* the last turn it was **active** in (the attempt, an expansion, a response).

A later patient turn that the lexicon does not see is an attempt on an open thread when it
refers back to it (`follow_up`), in one of four ways, each with its own evidence rule:

* ``thread.names_referent`` — it names one of the thread's referents and keeps the topic
  going (a persisting word such as "still", "again", "though", or a question): "but the flat
  still feels wrong to me though". A shared ordinary word never counts.
* ``thread.refers_back`` — a short question that points back with a pronoun near its start
  ("and will she come back tonight?").
* ``thread.asks_view`` — a short question asking what the clinician thinks or believes of
  it ("so you think it's real?").
* ``thread.persists`` — a short claim that opens with a pronoun pointing back and says the
  experience persists ("but they're still there though", "it keeps on").

The last three only mean something while the topic is live, so they must come within
`follow_up_turns` of the thread's last activity; a named referent may come any time (the
codebook's `repeat_window_turns`, 0 = no limit). None applies to a turn that still
expands a sequence the clinician is keeping open, and a named referent does not reopen a
topic the clinician engaged with (CODEBOOK 6.4 step 6: the chain closes). The sequence
builder then marks the new attempt PSY_REPEAT as for any other attempt on the topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cakit.annotate.patient import PatientCode
from cakit.annotate.rules import EVERYDAY_STEMS, Rules
from cakit.annotate.views import TurnView
from cakit.annotations import Evidence

#: Pronouns that, near a patient turn's start, carry the topic on ("they …", "it …").
BACK_REFERENCE = frozenset({"they", "them", "it", "he", "she", "they're", "it's", "he's",
                            "she's", "theyre", "its", "him", "her"})
#: Words with which patients keep a topic going ("it's STILL the songs THOUGH").
PERSISTING = frozenset({"still", "again", "though", "always", "keeps", "keep", "kept", "every",
                        "but", "anyway", "more", "same", "anymore"})
#: The persisting words a short claim needs to say an experience goes on ("they're still
#: there"); "but", "more" and "same" open or fill too much ordinary talk on their own, and
#: so does "always" (a child's "he always open it", CHILDES).
_STILL_GOING = frozenset({"still", "again", "though", "keeps", "keep", "kept", "anymore"})
#: Words that open a turn without saying anything of it ("but they …", "so it …").
_OPENERS = frozenset({"and", "but", "so", "well", "oh", "yeah", "yes", "no", "mm", "erm", "er",
                      "um", "like", "i", "mean", "see", "you", "know", "cos", "because"})
#: Asking the clinician's view of the experience ("so you think it's real?").
_VIEW_VERBS = frozenset({"think", "believe", "reckon"})
_YOU = frozenset({"you", "d'you", "do'you", "ya", "ye"})
#: Time words shared by any two turns; they do not tie a turn to a thread.
_TIME_WORDS = frozenset({"night", "nigh", "morning", "mornings", "week", "weeks", "today",
                         "time", "times", "year", "month", "evening", "lately", "tonight"})


class TopicWindow(Protocol):
    """What a thread reads of one attempt sequence (the annotator's response window)."""

    @property
    def last_turn(self) -> int: ...

    @property
    def topic_stems(self) -> set[str]: ...

    @property
    def categories(self) -> set[str]: ...

    @property
    def uptakes(self) -> list[str]: ...

    @property
    def ruled(self) -> bool: ...

    @property
    def line(self) -> int: ...


@dataclass(slots=True)
class Thread:
    """One psychotic topic and the attempt sequences on it, in order."""

    number: int
    windows: list[TopicWindow] = field(default_factory=list)

    @property
    def line(self) -> int:
        """The line of the attempt that opened the thread."""
        return self.windows[0].line

    @property
    def last_turn(self) -> int:
        return max(window.last_turn for window in self.windows)

    @property
    def categories(self) -> set[str]:
        return set().union(*(window.categories for window in self.windows))

    @property
    def referents(self) -> set[str]:
        return set().union(*(window.topic_stems for window in self.windows))

    @property
    def engaged(self) -> bool:
        return any(code == "ENGAGE" for window in self.windows for code in window.uptakes)

    @property
    def ruled(self) -> bool:
        """Whether the rules coded the thread's latest attempt (not the classifier alone)."""
        return self.windows[-1].ruled

    def describe(self) -> str:
        """How the evidence names the thread: "thread 2 (line 14: voices; songs, radio)"."""
        about = ", ".join(sorted(self.categories)) or "topic"
        named = ", ".join(sorted(self.referents)[:4])
        return f"thread {self.number} (line {self.line}: {about}{'; ' + named if named else ''})"


def topic_stems(rules: Rules, view: TurnView) -> set[str]:
    """The words of an attempt that can name its topic later: its content stems of four
    letters or more, leaving out the commonest words of any conversation."""
    return {s for s in rules.stems(view) if len(s) >= 4} - EVERYDAY_STEMS


class Threads:
    """The threads of one consultation, built as the annotator's forward pass goes."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.threads: list[Thread] = []

    def join(self, window: TopicWindow, referred: Thread | None = None) -> Thread:
        """Put a new attempt sequence on its thread: the one its turn referred back to, else
        the latest thread it shares a category or a referent with, else a new thread. A
        turn only the classifier coded joins a thread it shares a category with but never
        opens one another turn could refer back to."""
        thread = referred or self._matching(window)
        if thread is None:
            thread = Thread(number=len(self.threads) + 1)
            self.threads.append(thread)
        thread.windows.append(window)
        return thread

    def _matching(self, window: TopicWindow) -> Thread | None:
        for thread in reversed(self.threads):
            if thread.engaged:
                continue
            if window.categories & thread.categories or window.topic_stems & thread.referents:
                return thread
        return None

    def follow_up(self, view: TurnView, t: int, expanding: TopicWindow | None,
                  *, after_question: bool) -> tuple[PatientCode, Thread] | None:
        """The attempt a patient turn makes by referring back to an open thread, with the
        thread (the most recently active first), or None. `expanding` is the open window
        whose sequence the turn still expands (no clinician has answered yet, or one kept
        the topic open with a continuer); `after_question` says the turn follows a
        clinician's question, which it would normally answer."""
        if expanding is not None:
            return None  # still an expansion of the sequence the clinician keeps open
        thresholds = self.rules.thresholds
        for thread in sorted(self.threads, key=lambda thread: -thread.last_turn):
            live = t - thread.last_turn <= thresholds.follow_up_turns
            how = None
            if thread.ruled and live:
                how = self._refers_back(view, after_question=after_question)
            if how is None and not thread.engaged and not after_question:
                how = self._names_referent(view, thread)
            if how is None:
                continue
            rule, text = how
            question = view.has_weak_question()
            evidence = Evidence(rule=rule, text=f"{text} → {thread.describe()}",
                                line=view.line, col=0)
            code = PatientCode(
                kind="attempt", subtypes=["PSY_Q" if question else "PSY_ASSERT"],
                categories=sorted(thread.categories) or ["epistemic"],
                confidence=0.5 if rule == "thread.names_referent" else 0.4,
                question=question, evidence=[evidence],
            )
            return code, thread
        return None

    def _names_referent(self, view: TurnView, thread: Thread) -> tuple[str, str] | None:
        words = set(view.words)
        if len(view.words) < 4 or not (words & PERSISTING or view.has_weak_question()):
            return None
        stems = topic_stems(self.rules, view) - _TIME_WORDS
        shared = stems & thread.referents
        if not shared:
            return None
        return "thread.names_referent", sorted(shared)[0]

    def _refers_back(self, view: TurnView, *, after_question: bool) -> tuple[str, str] | None:
        words = view.words
        if not 2 <= len(words) <= self.rules.thresholds.follow_up_max_words:
            return None
        text = " ".join(words[:8])
        questions = [words[tcu.start:tcu.end] for tcu in view.tcus if tcu.question]
        if questions and not after_question:
            if any(set(question[:5]) & BACK_REFERENCE for question in questions):
                return "thread.refers_back", text
            if any(_VIEW_VERBS & set(question) and _YOU & set(question)
                   for question in questions):
                return "thread.asks_view", text
        if _persists(words) and (words[0] == "but" or not after_question):
            return "thread.persists", text
        return None


def _persists(words: Sequence[str]) -> bool:
    """A short claim that points back and says the experience goes on: it opens (after
    "but", "so", "yeah" …) with a pronoun and holds a word such as "still" or "again"
    ("but they're still there though", "it keeps on and on")."""
    start = 0
    while start < len(words) and words[start] in _OPENERS:
        start += 1
    if start >= len(words) or words[start] not in BACK_REFERENCE:
        return False
    return bool(set(words[start:]) & _STILL_GOING)
