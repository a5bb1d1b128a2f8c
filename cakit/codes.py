"""The catalogue of codes: what every part of cakit needs to know about a code.

The codebook YAML is the one place a code is defined (its `codes:` and `outcomes:`
sections, docs/codebook.md). This module holds the frozen result: each code's family,
label, abbreviation, colour, definition and default confidence; for clinician responses
also which outcome they lead to and how the annotator treats them. The annotator, the
report (columns, legends, plots), exports and the store read codes from here, so a code
added to the YAML appears everywhere without a program change.

Nothing here reads files: `cakit.annotate.codebook.builtin_catalogue()` gives the packaged
codebook's catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

#: Code families, in report order.
Family = Literal["attempt", "attempt_subtype", "turn", "response", "response_subtype",
                 "modifier", "carer", "carer_subtype"]
FAMILIES: tuple[str, ...] = ("attempt", "attempt_subtype", "turn", "response",
                             "response_subtype", "modifier", "carer", "carer_subtype")
#: When an outcome's codes decide it, over the uptakes of R1–R3 (docs/codebook.md):
#: first = R1 is one of them; later = R2 or R3 is; any = any of R1–R3 is; only = no
#: decisive response at all and one of them is present; first_decisive = the first
#: decisive response is one of them; otherwise = nothing earlier matched.
OutcomeWhen = Literal["first", "later", "any", "only", "first_decisive", "otherwise"]
OUTCOME_WHENS: tuple[str, ...] = ("first", "later", "any", "only", "first_decisive",
                                  "otherwise")
#: Where a codebook-defined response rule needs a topical tie to the attempt: required =
#: a tie (same lexicon category, anaphora or shared words); adjacent = a tie, or the turn
#: directly follows the patient's talk and is not about another domain; none = never.
TieNeed = Literal["required", "adjacent", "none"]
TIE_NEEDS: tuple[str, ...] = ("required", "adjacent", "none")


@dataclass(frozen=True, slots=True)
class FrameRule:
    """A response code decided by a frame alone: the YAML-only way to add a code."""

    frames: str
    tie: TieNeed = "adjacent"
    #: the built-in response step this rule is tried before (its place in the rule order)
    before: str = "ACKNOWLEDGE"
    question: bool = False  # the turn must contain a question


@dataclass(frozen=True, slots=True)
class CodeInfo:
    name: str
    family: Family
    label: str
    abbreviation: str
    colour: str = ""
    definition: str = ""
    parent: str = ""
    confidence: float = 0.5
    #: responses: counts as engaging (ENGAGED_* outcomes, engaged share)
    engaging: bool = False
    #: responses: False for codes that leave the attempt open (ACKNOWLEDGE, CLARIFY)
    decisive: bool = True
    #: responses: the clinician asks something back, so a patient's weak question after
    #: it is an answer, not a new attempt
    asking: bool = False
    #: responses: the topic stays open, so the patient's next turn continues it
    continuing: bool = False
    rule: FrameRule | None = None
    #: where the code is defined in the codebook file (1-based; 0 when not from a file)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class OutcomeInfo:
    name: str
    label: str
    abbreviation: str
    colour: str = ""
    definition: str = ""
    when: OutcomeWhen = "otherwise"
    codes: tuple[str, ...] = ()
    #: counts towards the engaged share
    engaged: bool = False


@dataclass(frozen=True, slots=True)
class CodeCatalogue:
    """Every code and outcome of one codebook, in the codebook's order."""

    codes: tuple[CodeInfo, ...]
    outcomes: tuple[OutcomeInfo, ...]

    def family(self, family: str) -> tuple[str, ...]:
        """The codes of one family, in codebook order."""
        return tuple(code.name for code in self.codes if code.family == family)

    def subtypes(self, parent: str) -> tuple[str, ...]:
        return tuple(code.name for code in self.codes if code.parent == parent)

    # the families every consumer asks for, named as the report and exports name them
    @property
    def attempt_subtypes(self) -> tuple[str, ...]:
        return self.family("attempt_subtype")

    @property
    def uptakes(self) -> tuple[str, ...]:
        """Clinician response codes (one per R1–R3 turn)."""
        return self.family("response")

    @property
    def engage_subtypes(self) -> tuple[str, ...]:
        return tuple(code.name for code in self.codes
                     if code.family == "response_subtype" and self._parent_engaging(code))

    @property
    def modifiers(self) -> tuple[str, ...]:
        return self.family("modifier")

    @property
    def carer_codes(self) -> tuple[str, ...]:
        return self.family("carer_subtype")

    @property
    def turn_codes(self) -> tuple[str, ...]:
        return self.family("turn")

    def _parent_engaging(self, code: CodeInfo) -> bool:
        parent = self.get(code.parent)
        return parent is not None and parent.engaging

    def get(self, name: str) -> CodeInfo | None:
        for code in self.codes:
            if code.name == name:
                return code
        return None

    def __contains__(self, name: object) -> bool:
        return any(code.name == name for code in self.codes) or \
            any(outcome.name == name for outcome in self.outcomes)

    def outcome_info(self, name: str) -> OutcomeInfo | None:
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        return None

    @property
    def outcome_names(self) -> tuple[str, ...]:
        return tuple(outcome.name for outcome in self.outcomes)

    @property
    def engaged_outcomes(self) -> tuple[str, ...]:
        return tuple(outcome.name for outcome in self.outcomes if outcome.engaged)

    def confidence(self, name: str) -> float:
        code = self.get(name)
        return code.confidence if code is not None else 0.0

    def abbreviation(self, name: str) -> str:
        """A code's or outcome's short heading (the name itself when it has none)."""
        code = self.get(name)
        if code is not None:
            return code.abbreviation
        outcome = self.outcome_info(name)
        return outcome.abbreviation if outcome is not None else name

    def colour(self, name: str) -> str:
        code = self.get(name)
        if code is not None and code.colour:
            return code.colour
        outcome = self.outcome_info(name)
        return outcome.colour if outcome is not None and outcome.colour else "#999999"

    def where(self, flag: Literal["asking", "continuing", "decisive", "engaging"]
              ) -> frozenset[str]:
        """Response codes with one of the annotator's flags set."""
        return frozenset(code.name for code in self.codes
                         if code.family == "response" and getattr(code, flag))

    def outcome(self, uptakes: Sequence[str]) -> str:
        """A sequence's outcome from the uptakes of R1–R3: the first outcome, in codebook
        order, whose rule matches (docs/codebook.md, "Outcomes"). No response at all counts
        as a single NO_UPTAKE."""
        responses = list(uptakes) or ["NO_UPTAKE"]
        decisive_codes = self.where("decisive")
        decisive = [u for u in responses if u in decisive_codes or self.get(u) is None]
        for outcome in self.outcomes:
            codes = set(outcome.codes)
            when = outcome.when
            if (when == "otherwise"
                    or (when == "first" and responses[0] in codes)
                    or (when == "later" and codes & set(responses[1:]))
                    or (when == "any" and codes & set(responses))
                    or (when == "only" and not decisive and codes & set(responses))
                    or (when == "first_decisive" and decisive and decisive[0] in codes)):
                return outcome.name
        return "UNRESOLVED"
