"""Topic threads: each psychotic topic a patient raises, followed through the consultation.

Every attempt sequence is on a thread. One that later turns can refer back to starts at an
attempt the rules coded (a lexicon anchor, a frame): never at a turn only the classifier
coded (it makes a thread of its own, with no referents, that nothing refers back to), and
never at a word two turns happen to share. A thread keeps
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
  still feels wrong to me though". A shared ordinary word never counts, and a referent
  does not reopen a topic a clinician engaged with (CODEBOOK 6.4 step 6: the chain
  closes). Any thread may be named, the most recently active first, within the codebook's
  `repeat_window_turns` of its last activity (0: no limit).
* ``thread.refers_back`` — a short question that points back with a pronoun near its start
  ("and will she come back tonight?").
* ``thread.asks_view`` — a short question asking what the clinician thinks or believes of
  it ("so you think it's real?").
* ``thread.persists`` — a short claim that sets itself against what was said ("but") and
  points back with "they" or "it" to say the experience goes on ("but they're still there
  though").

The last three say nothing of their own topic, so they can only mean the topic that is
live: the most recently active thread, when the rules (not the classifier alone) coded
its latest attempt and it was active within `follow_up_turns`. A question right after a
clinician's question answers it and refers back to nothing; neither does a turn that
still expands a sequence the clinician keeps open. The sequence builder then marks the
new attempt PSY_REPEAT as for any other attempt on the topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cakit.annotate.inflect import stem
from cakit.annotate.patient import PatientCode
from cakit.annotate.rules import EVERYDAY_STEMS, Rules
from cakit.annotate.views import TurnView
from cakit.annotations import Evidence

#: Pronouns that, near a patient turn's start, carry the topic on ("they …", "it …").
BACK_REFERENCE = frozenset({"they", "them", "it", "he", "she", "they're", "it's", "he's",
                            "she's", "theyre", "its"})
#: The pronouns a persisting claim points back with: an experience, or the unnamed "they"
#: behind it ("he's still at work" is about a person in the room or the family).
_IT_OR_THEY = frozenset({"they", "it", "they're", "it's", "theyre", "its"})
#: Words with which patients keep a topic going ("it's STILL the songs THOUGH").
PERSISTING = frozenset({"still", "again", "though", "always", "keeps", "keep", "kept", "every",
                        "but", "anyway", "more", "same", "anymore"})
#: The persisting words a short claim needs to say an experience goes on ("they're still
#: there"); "but", "more" and "same" open or fill too much ordinary talk on their own, and
#: so does "always" (a child's "he always open it", CHILDES).
_STILL_GOING = frozenset({"still", "again", "though", "keeps", "keep", "kept", "anymore"})
#: Words between "but" and the pronoun of a persisting claim ("but, erm, they're …").
_FILLERS = frozenset({"oh", "yeah", "no", "mm", "erm", "er", "um", "well", "like"})
#: Asking the clinician's view of the experience ("so you think it's real?").
_VIEW_VERBS = frozenset({"think", "believe", "reckon"})
_YOU = frozenset({"you", "d'you", "do'you", "ya", "ye"})
#: Generic words for people, as stems: two experiences both with "a man" in them are not one
#: topic. (A clinician's "and how old is the man?" still takes the attempt up: responses
#: tie by the rules' topic vocabulary, which keeps them.)
_PERSON_STEMS = frozenset(stem(word) for word in (
    "man", "men", "woman", "women", "people", "person", "guy", "guys", "bloke", "lady",
    "ladies"))
#: Time words shared by any two turns, as stems; they do not tie a turn to a thread.
_TIME_STEMS = frozenset(stem(word) for word in (
    "night", "nights", "morning", "mornings", "week", "weeks", "today", "time", "times",
    "year", "years", "month", "months", "evening", "evenings", "lately", "tonight"))


class TopicWindow(Protocol):
    """What a thread reads of one attempt sequence (the annotator's response window)."""

    @property
    def last_turn(self) -> int: ...

    @property
    def topic_stems(self) -> set[str]: ...

    @property
    def stems(self) -> set[str]:
        """The attempt's content stems, leaving out the commonest words of any conversation
        and generic words for people (`tie_stems`): what ties two attempts to one topic
        (`topic_stems` are the longer ones a later turn the lexicon does not see must
        name)."""
        ...

    @property
    def categories(self) -> set[str]: ...

    @property
    def uptakes(self) -> list[str]: ...

    @property
    def ruled(self) -> bool: ...

    @property
    def followed_up(self) -> bool:
        """Whether its attempt is a follow-up on a thread (`Threads.follow_up`): coded by
        referring back alone, with no evidence of its own."""
        ...

    @property
    def line(self) -> int: ...

    @property
    def anaphoric(self) -> bool:
        """Whether its attempt points back with a pronoun ("is it real?", "they're back")."""
        ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one attempt sequence sits: its thread (which is its repeat chain), its place on
    it (1 for the attempt that opened the thread, 2 and on for PSY_REPEAT), and whether it
    opened the thread by raising again a topic a clinician had engaged with."""

    thread: int
    index: int
    re_raised: bool


@dataclass(slots=True)
class Thread:
    """One psychotic topic and the attempt sequences on it, in order. A thread a clinician
    engaged with is closed: raising its topic again opens a new thread that `reopens` it."""

    number: int
    windows: list[TopicWindow] = field(default_factory=list)
    reopens: int = 0

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
    def stems(self) -> set[str]:
        return set().union(*(window.stems for window in self.windows))

    def engaged(self, engaging: frozenset[str]) -> bool:
        """Whether a clinician took the topic up with one of the `engaging` uptakes."""
        return any(code in engaging for window in self.windows for code in window.uptakes)

    @property
    def ruled(self) -> bool:
        """Whether the rules coded the thread's latest attempt (not the classifier alone)."""
        return self.windows[-1].ruled

    def fading(self, in_a_row: int) -> bool:
        """Whether the thread's last `in_a_row` attempts were all follow-ups (`follow_up`):
        kept alive by reference alone, it takes no more of them (one false attempt in
        everyday talk made a dozen follow-ups on its words in a row)."""
        latest = self.windows[-in_a_row:] if in_a_row > 0 else []
        return len(latest) == in_a_row > 0 and all(w.followed_up for w in latest)

    def describe(self) -> str:
        """How the evidence names the thread: "thread 2 (line 14: voices; radio, song)", its
        first four referents (stems) in alphabetical order, and the thread it re-raises."""
        about = ", ".join(sorted(self.categories)) or "epistemic"
        named = ", ".join(sorted(self.referents)[:4])
        again = f"; re-raises thread {self.reopens}" if self.reopens else ""
        return (f"thread {self.number} (line {self.line}: {about}"
                f"{'; ' + named if named else ''}{again})")


def tie_stems(rules: Rules, view: TurnView) -> set[str]:
    """The words that tie an attempt to a thread: its content stems, leaving out the
    commonest words of any conversation and generic words for people."""
    return rules.stems(view) - EVERYDAY_STEMS - _PERSON_STEMS


def topic_stems(rules: Rules, view: TurnView) -> set[str]:
    """The words of an attempt that can name its topic later: its tie stems of four
    letters or more."""
    return {s for s in tie_stems(rules, view) if len(s) >= 4}


class Threads:
    """The threads of one consultation, built as the annotator's forward pass goes."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.threads: list[Thread] = []

    def join(self, window: TopicWindow, referred: Thread | None = None) -> Placement:
        """Put a new attempt sequence on its thread and say where it sits. The thread is the
        one its turn referred back to, else the most recently active one on its topic
        (`_matching`), within `repeat_window_turns`; else a new thread. A
        thread a clinician engaged with takes no more attempts: one on its topic opens a
        new thread, re-raising it (CODEBOOK 6.4 step 6, the chain closes). A turn only the
        classifier coded has no categories and no referents: it joins a thread only through
        a shared content word or a pronoun, and no later turn can refer back to its thread
        through it (`follow_up` needs the rules' latest attempt) or name it."""
        target = referred or self._matching(window)
        engaged = target is not None and target.engaged(self.rules.engaging)
        if target is None or engaged:
            target = Thread(number=len(self.threads) + 1,
                            reopens=target.number if target is not None else 0)
            self.threads.append(target)
        target.windows.append(window)
        return Placement(thread=target.number, index=len(target.windows),
                         re_raised=engaged)

    def _matching(self, window: TopicWindow) -> Thread | None:
        """The most recently active thread on the window's topic, within the repeat window:
        one it shares a category or a content word with (never one of the commonest, nor a
        word of time such as "night"), or, for an attempt with no category of its own that
        has a pronoun ("is it real, doctor?"), the most recently active one: the same
        within `repeat_window_turns` as the repeat chains of codebook 1.10 and before.
        (Held to `follow_up_turns` and to threads the rules coded, as a review suggested,
        it lost a true repeat of the demo gold: "are they real?" 56 lines on.)"""
        limit = self.rules.thresholds.repeat_window_turns
        pointing = window.anaphoric and not window.categories
        for thread in sorted(self.threads, key=lambda thread: -thread.last_turn):
            if limit and window.last_turn - thread.last_turn > limit:
                continue
            if pointing or window.categories & thread.categories \
                    or (window.stems & thread.stems) - _TIME_STEMS:
                return thread
        return None

    def follow_up(self, view: TurnView, t: int, expanding: TopicWindow | None, *,
                  after_question: bool) -> tuple[PatientCode, Thread] | None:
        """The attempt a patient turn makes by referring back to an open thread, with the
        thread, or None. `expanding` is the open window whose sequence the turn still
        expands (no clinician has answered yet, or one kept the topic open with a
        continuer): its thread is not referred back to but continued; `after_question` says
        the turn follows a clinician's question, which it would normally answer."""
        if not self.threads:
            return None
        thresholds = self.rules.thresholds
        by_activity = sorted(self.threads, key=lambda thread: -thread.last_turn)
        live = by_activity[0]
        found: tuple[str, str, Thread] | None = None
        in_a_row = thresholds.follow_ups_in_a_row
        if expanding is None and live.ruled and t - live.last_turn <= thresholds.follow_up_turns \
                and not live.fading(in_a_row):
            how = self._refers_back(view, after_question=after_question)
            if how is not None:
                found = (*how, live)
        if found is None and not after_question:
            window = thresholds.repeat_window_turns
            for thread in by_activity:
                if window and t - thread.last_turn > window:
                    continue
                if thread.windows[-1] is expanding or thread.engaged(self.rules.engaging) \
                        or thread.fading(in_a_row):
                    continue
                referent = self._names_referent(view, thread)
                if referent is not None:
                    found = ("thread.names_referent", referent, thread)
                    break
        if found is None:
            return None
        rule, text, thread = found
        question = view.has_weak_question()
        # an engaged thread is closed: the attempt will open a new thread re-raising it
        pointer = "re-raises " if thread.engaged(self.rules.engaging) else ""
        evidence = Evidence(rule=rule, text=f"{text} → {pointer}{thread.describe()}",
                            line=view.line, col=0)
        code = PatientCode(
            kind="attempt", subtypes=["PSY_Q" if question else "PSY_ASSERT"],
            categories=sorted(thread.categories) or ["epistemic"],
            confidence=0.5 if rule == "thread.names_referent" else 0.4,
            question=question, evidence=[evidence],
        )
        return code, thread

    def _names_referent(self, view: TurnView, thread: Thread) -> str | None:
        """The thread's referent the turn names while keeping the topic going, or None."""
        words = set(view.words)
        if len(view.words) < 4 or not (words & PERSISTING or view.has_weak_question()):
            return None
        shared = (topic_stems(self.rules, view) - _TIME_STEMS) & thread.referents
        return sorted(shared)[0] if shared else None

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
        if _persists(words):
            return "thread.persists", text
        return None


def _persists(words: Sequence[str]) -> bool:
    """A short claim that sets itself against what was said and says the experience goes
    on: "but", then (after fillers) "they" or "it", then a word such as "still" or "again"
    ("but they're still there though", "but erm it keeps on")."""
    if not words or words[0] != "but":
        return False
    start = 1
    while start < len(words) and words[start] in _FILLERS:
        start += 1
    if start >= len(words) or words[start] not in _IT_OR_THEY:
        return False
    return bool(set(words[start:]) & _STILL_GOING)
