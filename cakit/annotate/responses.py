"""Clinician and carer responses in an attempt's window (docs/codebook.md).

Each clinician turn R1–R3 gets exactly one uptake code, decided in the codebook's rule
order, and R1 (and R2) get delivery modifiers (HESITATE, SMILE_LAUGH) computed
independently. Carer turns in the window get a CARER_RESPONSE code.

Two deliberate departures from the coding scheme, recorded under "Decisions and departures"
in docs/codebook.md:
* a short repair request that starts "sorry/pardon/who do you mean" is CLARIFY even when
  it repeats the patient's words (the scheme's own example, "sorry, who's following
  you?", has a lexical tie);
* frames that presuppose the topic (explore, empathy, topography, formulation,
  reassurance, challenge) count as tied when the turn directly follows the patient's talk,
  because "that sounds frightening" shares no word with the attempt yet takes it up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cakit.annotate.rules import PSYCHOTIC, Rules
from cakit.annotate.spacy_bridge import Hit
from cakit.annotate.views import F_CUTOFF, TurnView
from cakit.annotations import Evidence
from cakit.codes import CodeCatalogue, CodeInfo, FrameRule
from cakit.model import Feature


@dataclass(slots=True)
class AttemptContext:
    """The attempt and its expansions, as the responses see them."""

    view: TurnView
    categories: set[str]
    stems: set[str]
    is_question: bool
    expansions: list[TurnView] = field(default_factory=list)


@dataclass(slots=True)
class Uptake:
    code: str
    subtype: str | None
    confidence: float
    evidence: list[Evidence]
    to_domain: str | None = None


def _tie(
    ctx: AttemptContext, view: TurnView, rules: Rules, phase: str
) -> tuple[str, list[Evidence]]:
    """Topical tie: "category" (same lexicon category), "anaphora" (they/it + an
    experiential verb) or "word" (a shared content word); "" when there is none."""
    anchors = rules.anchors(view, phase, PSYCHOTIC)
    shared = [a for a in anchors if a.category in ctx.categories]
    if shared:
        return "category", [Evidence(rule="tie.category", text=shared[0].text,
                                     line=shared[0].line, col=shared[0].col)]
    if rules.anaphoric(view):
        return "anaphora", [Evidence(rule="tie.anaphora", text=" ".join(view.words[:6]),
                                     line=view.line, col=0)]
    common = ctx.stems & rules.stems(view)
    topical = common & rules.topic_vocabulary
    if topical or len(common) >= 2:
        return "word", [Evidence(rule="tie.shared_word", text=sorted(topical or common)[0],
                                 line=view.line, col=0)]
    return "", []


def _declarative_content(view: TurnView, rules: Rules) -> int:
    """Content words outside the turn's questions."""
    return sum(rules.content_count(view, tcu.start, tcu.end)
               for tcu in view.tcus if not tcu.question)


def _medication_framed(view: TurnView, med: Sequence[Hit], rules: Rules) -> bool:
    """Medication is the frame: a medication word in a question, or in the opening TCU (the
    first that is more than fillers and minimal tokens: "u:m. (.) I think the best thing
    is to stay on the olanzapine" and "okay. we'll keep the risperidone" open with it)."""
    if not med or not view.tcus:
        return False
    first = next((tcu for tcu in view.tcus
                  if not all(word in rules.minimal or kind == "filler" for word, kind in zip(
                      view.words[tcu.start:tcu.end], view.kinds[tcu.start:tcu.end],
                      strict=True))),
                 view.tcus[0])
    for hit in med:
        start = hit.start
        for tcu in view.tcus:
            if tcu.start <= start < tcu.end and (tcu.question or tcu.weak_question or tcu is first):
                return True
    return False


@dataclass(slots=True)
class _Turn:
    """What every step of the rule order asks about one clinician turn, computed once."""

    ctx: AttemptContext
    view: TurnView
    rank: int
    rules: Rules
    adjacent: bool
    tie: bool
    tie_evidence: list[Evidence]
    other: bool  # the turn is about another domain
    med: list[Hit]
    question: bool
    declarative: int  # content words outside questions

    def frames(self, name: str) -> list[Evidence]:
        """Evidence of a frame's first two hits in the turn."""
        rules, view = self.rules, self.view
        return [rules.evidence(view, hit, name) for hit in rules.frame_hits(view, name)[:2]]

    @property
    def answers(self) -> bool:
        """A substantive declarative answer: more than N content words outside questions."""
        return self.declarative > self.rules.thresholds.answer_min_content_words

    @property
    def presupposed(self) -> bool:
        """Frames that presuppose the topic count when the turn directly follows the
        patient's talk and is not about another domain."""
        return self.adjacent and not self.other

    def uptake(self, code: str, subtype: str | None, evidence: list[Evidence],
               discount: float = 0.0, to_domain: str | None = None) -> Uptake:
        """An uptake with the codebook's confidence for the code (or its subtype)."""
        confidence = self.rules.catalogue.confidence(subtype or code) - discount
        return Uptake(code, subtype, round(max(confidence, 0.0), 2), evidence, to_domain)


def _close_down(turn: _Turn) -> Uptake | None:
    rules, view = turn.rules, turn.view
    closing_frames = [h for h in view.hits if h.group == "phase" and rules.codebook.phases[
        int(h.name)].phase in ("PRE_CLOSING", "CLOSING")]
    closing_notes = rules.closing_nonverbal_notes(view)
    postpone = turn.frames("postpone_frames")
    if not (postpone or ((closing_frames or closing_notes) and not turn.tie)):
        return None
    evidence = postpone or [rules.evidence(view, h, "closing") for h in closing_frames[:2]]
    if not evidence and closing_notes:
        note = closing_notes[0]
        evidence = [Evidence(rule="closing.nonverbal", text=note[0], line=note[1], col=note[2])]
    return turn.uptake("CLOSE_DOWN", "CLOSE_POSTPONE" if postpone else None, evidence)


def _clarify(turn: _Turn) -> Uptake | None:
    clarify = turn.frames("clarify_frames")
    short = len(turn.view.words) <= 8
    if clarify and turn.question and short and (
            not turn.tie or _starts_with_repair(turn.view, turn.rules)):
        return turn.uptake("CLARIFY", None, clarify)
    return None


def _challenge(turn: _Turn) -> Uptake | None:
    challenge = turn.frames("challenge_frames")
    if challenge and (turn.tie or turn.presupposed):
        return turn.uptake("CHALLENGE", None, challenge + turn.tie_evidence)
    return None


def _medication(turn: _Turn) -> Uptake | None:
    med = turn.med
    if med and (turn.tie or turn.rank == 1) and _medication_framed(turn.view, med, turn.rules):
        evidence = [turn.rules.evidence(turn.view, hit, "medication") for hit in med[:2]]
        return turn.uptake("MEDICATION_FRAME", None, evidence + turn.tie_evidence)
    return None


def _question_back(turn: _Turn) -> Uptake | None:
    returned = turn.frames("return_frames")
    limit = turn.rules.thresholds.question_back_max_content_words
    if turn.ctx.is_question and turn.question and returned and turn.declarative <= limit:
        return turn.uptake("QUESTION_BACK", None, returned)
    return None


_ENGAGE_FRAMES = (("ENGAGE_EMPATHY", "empathy_frames"), ("ENGAGE_EXPLORE", "explore_frames"),
                  ("ENGAGE_FORMULATE", "formulation_frames"),
                  ("ENGAGE_TOPOGRAPHY", "topography_frames"))


def _engage(turn: _Turn) -> Uptake | None:
    view, rules = turn.view, turn.rules
    found = {subtype: turn.frames(frame) for subtype, frame in _ENGAGE_FRAMES}
    if not (turn.tie or (turn.presupposed and any(found.values()))):
        return None
    for subtype, evidence in found.items():
        if not evidence:
            continue
        if subtype == "ENGAGE_FORMULATE" and not (
                turn.question or view.has_weak_question()
                or rules.has_frame(view, "formulation_frames")):
            continue
        return turn.uptake("ENGAGE", subtype, evidence + turn.tie_evidence)
    if turn.ctx.is_question and turn.answers and turn.tie:
        return turn.uptake("ENGAGE", "ENGAGE_ANSWER", turn.tie_evidence)
    return None


def _acknowledge(turn: _Turn) -> Uptake | None:
    view = turn.view
    if not turn.rules.is_minimal(view):
        return None
    text = " ".join(view.words) or (view.laughs[0][0] if view.laughs else "")
    return turn.uptake("ACKNOWLEDGE", None, [Evidence(rule="minimal", text=text,
                                                      line=view.line, col=0)])


def _topic_shift(turn: _Turn) -> Uptake | None:
    view = turn.view
    shift = turn.frames("shift_markers")
    other_evidence = turn.frames("other_domain")
    agenda = turn.frames("agenda_questions")
    if turn.tie or not (shift or other_evidence or turn.question or agenda):
        return None
    domain = None
    if turn.med:
        domain = "medication"
    elif other_evidence:
        domain = other_evidence[0].text
    evidence = shift or other_evidence or agenda or [Evidence(
        rule="question", text=" ".join(view.words[:8]), line=view.line, col=0)]
    return turn.uptake("TOPIC_SHIFT", None, evidence, to_domain=domain)


def _reassure(turn: _Turn) -> Uptake | None:
    reassure = turn.frames("reassure_frames")
    if not (reassure and (turn.tie or turn.presupposed)):
        return None
    limit = turn.rules.thresholds.reassure_explanation_words
    if turn.tie and turn.rules.content_count(turn.view) > limit:
        return turn.uptake("ENGAGE", "ENGAGE_ANSWER", reassure + turn.tie_evidence)
    return turn.uptake("INFO_REASSURE", None, reassure + turn.tie_evidence)


def _tied(turn: _Turn) -> Uptake | None:
    if not turn.tie:
        return None
    if turn.ctx.is_question and turn.answers:
        # an answer with no answer frame: a little less sure than one the frames show
        return turn.uptake("ENGAGE", "ENGAGE_ANSWER", turn.tie_evidence, discount=0.1)
    return turn.uptake("ENGAGE", "ENGAGE_UNSPECIFIED", turn.tie_evidence)


def _unclassified(turn: _Turn) -> Uptake | None:
    return turn.uptake("UNCLASSIFIED", None, [])


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the response rule order: its name (what `rule: before:` refers to),
    the codes it can give, the function deciding it, and what it checks, in words."""

    name: str
    codes: tuple[str, ...]
    decide: Callable[[_Turn], Uptake | None]
    says: str = ""


#: The built-in rule order (docs/codebook.md, "Response rule order"): the first step
#: that decides a turn gives its uptake. Codebook `rule:` entries are tried before the
#: step they name.
STEPS: tuple[Step, ...] = (
    Step("CLOSE_DOWN", ("CLOSE_DOWN", "CLOSE_POSTPONE"), _close_down,
         "a postponing frame (CLOSE_POSTPONE), or a closing phase cue or non-verbal "
         "closing note in a turn with no topical tie"),
    Step("CLARIFY", ("CLARIFY",), _clarify,
         "a short question (at most 8 words) with a clarifying frame, not tied to the "
         "attempt unless it opens with sorry/pardon/who/which/what"),
    Step("CHALLENGE", ("CHALLENGE",), _challenge,
         "a challenging frame, tied to the attempt or directly after it"),
    Step("MEDICATION_FRAME", ("MEDICATION_FRAME",), _medication,
         "medication words framing the turn (in a question or its first unit), in R1 or "
         "tied to the attempt"),
    Step("QUESTION_BACK", ("QUESTION_BACK",), _question_back,
         "the attempt was a question and the turn returns it with a question "
         "(a returning frame, at most question_back_max_content_words content words "
         "outside questions)"),
    Step("ENGAGE", ("ENGAGE", "ENGAGE_EMPATHY", "ENGAGE_EXPLORE", "ENGAGE_FORMULATE",
                    "ENGAGE_TOPOGRAPHY", "ENGAGE_ANSWER"), _engage,
         "an empathy, exploring, formulating or topography frame, tied or directly after "
         "the attempt; or a substantive answer to a question, tied"),
    Step("ACKNOWLEDGE", ("ACKNOWLEDGE",), _acknowledge,
         "only minimal tokens (at most minimal_max_words words)"),
    Step("TOPIC_SHIFT", ("TOPIC_SHIFT",), _topic_shift,
         "no tie, and a shift marker, another domain, an agenda question or any question"),
    Step("INFO_REASSURE", ("INFO_REASSURE", "ENGAGE_ANSWER"), _reassure,
         "a reassuring frame, tied or directly after the attempt (ENGAGE_ANSWER when tied "
         "and longer than reassure_explanation_words content words)"),
    Step("ENGAGE_UNSPECIFIED", ("ENGAGE", "ENGAGE_ANSWER", "ENGAGE_UNSPECIFIED"), _tied,
         "any other turn tied to the attempt (ENGAGE_ANSWER when it answers a question)"),
    Step("UNCLASSIFIED", ("UNCLASSIFIED",), _unclassified, "everything else"),
)
#: Response codes given outside the rule order (no clinician turn in the window).
OUTSIDE_STEPS = ("NO_UPTAKE",)


def _frame_step(code: CodeInfo, rule: FrameRule) -> Step:
    """A codebook-defined response: its frame in the turn, with the tie the rule asks."""

    def decide(turn: _Turn) -> Uptake | None:
        evidence = turn.frames(rule.frames)
        if not evidence or (rule.question and not turn.question):
            return None
        if rule.tie == "required" and not turn.tie:
            return None
        if rule.tie == "adjacent" and not (turn.tie or turn.presupposed):
            return None
        return turn.uptake(code.name, None, evidence + turn.tie_evidence)

    tie = {"required": "tied to the attempt", "adjacent": "tied or directly after the attempt",
           "none": "anywhere in the window"}[rule.tie]
    asks = " in a question" if rule.question else ""
    return Step(f"rule:{code.name}", (code.name,), decide,
                f"the codebook's rule: a {rule.frames} frame{asks}, {tie}")


def rule_order(catalogue: CodeCatalogue) -> tuple[Step, ...]:
    """The built-in steps with the codebook's frame rules placed before the steps they
    name (in codebook order when several name the same step)."""
    added: dict[str, list[Step]] = {}
    for code in catalogue.codes:
        if code.rule is not None:
            added.setdefault(code.rule.before, []).append(_frame_step(code, code.rule))
    order: list[Step] = []
    for step in STEPS:
        order.extend(added.pop(step.name, []))
        order.append(step)
    # a rule naming no built-in step runs just before UNCLASSIFIED (codebook check warns)
    for steps in added.values():
        order[-1:-1] = steps
    return tuple(order)


def code_uptake(
    ctx: AttemptContext, view: TurnView, rank: int, phase: str, rules: Rules, *, adjacent: bool,
    steps: Sequence[Step] = STEPS,
) -> Uptake:
    """One clinician turn's uptake: the first step of the rule order that decides it."""
    tie_kind, tie_evidence = _tie(ctx, view, rules, phase)
    other = bool(rules.frame_hits(view, "other_domain"))
    # a shared everyday word ("night", "sleep") does not tie a turn that is about another
    # domain; a shared lexicon category or anaphora does
    tie = bool(tie_kind) and not (tie_kind == "word" and other)
    turn = _Turn(ctx=ctx, view=view, rank=rank, rules=rules, adjacent=adjacent, tie=tie,
                 tie_evidence=tie_evidence if tie else [], other=other,
                 med=list(rules.medication(view)), question=view.has_question(),
                 declarative=_declarative_content(view, rules))
    for step in steps:
        uptake = step.decide(turn)
        if uptake is not None:
            return uptake
    raise AssertionError("the rule order ends with UNCLASSIFIED, which always decides")


def _starts_with_repair(view: TurnView, rules: Rules) -> bool:
    lead = rules.lead(view)
    return lead < len(view.words) and view.words[lead] in ("sorry", "pardon", "who", "which",
                                                           "what")


# -- delivery modifiers ------------------------------------------------------------------

def hesitation(view: TurnView, gap: float | None, rules: Rules) -> tuple[bool, list[Evidence]]:
    """HESITATE (docs/codebook.md): a timed gap, or enough dysfluency at the start of the turn."""
    thresholds = rules.thresholds
    evidence: list[Evidence] = []
    words = view.words
    first5 = range(min(5, len(words)))
    delay = gap if gap is not None else 0.0
    early_pauses = [(at, seconds, label) for at, seconds, label in view.pauses if at <= 5]
    timed_early = sum(seconds for at, seconds, label in early_pauses
                      if label == "timed" and at <= 2)
    limit = thresholds.hesitate_gap_s
    a = (gap is not None and gap >= limit) or timed_early >= limit
    if a:
        evidence.append(Evidence(rule="hesitate.gap", text=f"{max(delay, timed_early):.1f} s",
                                 line=view.line, col=0))
    b = bool(words) and (words[0] in rules.fillers or any(
        h.start == 0 for h in rules.frame_hits(view, "filler_phrases")))
    if b:
        evidence.append(Evidence(rule="hesitate.filler", text=words[0], line=view.line,
                                 col=view.cols[0] if view.cols else 0))
    c = any(view.features[k] & F_CUTOFF or view.kinds[k] == "fragment" for k in first5) or \
        any(words[k] == words[k + 1] and words[k] not in ("mm", "no", "yeah") for k in
            range(min(4, len(words) - 1)))
    if c:
        evidence.append(Evidence(rule="hesitate.cutoff_restart", text=" ".join(words[:5]),
                                 line=view.line, col=0))
    micro = sum(1 for _, _, label in early_pauses if label == "micro")
    d = micro >= 2
    if d:
        evidence.append(Evidence(rule="hesitate.micropauses", text=f"{micro} × (.)",
                                 line=view.line, col=0))
    e = b and any(at <= 2 for at in view.inbreath_at)
    score = sum((a, b, c, d, e))
    if a and score >= 1:
        return True, evidence
    return score >= thresholds.hesitate_score_without_gap, evidence


def laughter(view: TurnView, attempt: TurnView | None, speaker_role: str) -> list[Evidence]:
    """SMILE_LAUGH cues in the turn, or in overlap with the end of the attempt."""
    evidence = [Evidence(rule="smile_laugh", text=text, line=line, col=col)
                for text, line, col in view.laughs]
    if attempt is not None:
        for _, role, utterance in attempt.overlapping:
            if role != speaker_role:
                continue
            for event in utterance.events:
                if event.kind == "laugh" or (event.kind == "comment" and _laughy(event.label)):
                    evidence.append(Evidence(rule="smile_laugh.overlap", text=event.text,
                                             line=event.line, col=event.col))
            for token in utterance.tokens:
                if token.features & (Feature.LAUGH | Feature.SMILE):
                    evidence.append(Evidence(rule="smile_laugh.overlap", text=token.text,
                                             line=token.line, col=token.col))
    return evidence


def _laughy(label: str) -> bool:
    from cakit.notation import LAUGH_DESCRIPTIONS

    return bool(LAUGH_DESCRIPTIONS.search(label))


# -- carers ------------------------------------------------------------------------------

#: A yes or a no that opens an answer ("yeah" is a discourse particle `Rules.lead` skips).
_YES_NO = frozenset({"no", "yes", "yep", "nah", "nope"})


def _answers_yes_or_no(view: TurnView, rules: Rules) -> Evidence | None:
    """Evidence that the turn opens with a yes or a no (after fillers), else None."""
    lead = rules.lead(view)
    if lead >= len(view.words) or view.words[lead] not in _YES_NO:
        return None
    line, col = view.position(lead)
    return Evidence(rule="carer_answer_for.yes_or_no", text=view.span_text(lead, lead + 1),
                    line=line, col=col)


def code_carer(
    ctx: AttemptContext, view: TurnView, before_r1: bool, phase: str, rules: Rules
) -> tuple[str, list[Evidence]]:
    """CARER_RESPONSE subtype of a carer turn in the window (docs/codebook.md)."""
    laughs = laughter(view, None, "carer")
    dismiss = [rules.evidence(view, h, "carer_dismiss")
               for h in rules.frame_hits(view, "carer_dismiss")]
    support = [rules.evidence(view, h, "carer_support")
               for h in rules.frame_hits(view, "carer_support")]
    answer = _answers_yes_or_no(view, rules)
    if before_r1 and ctx.is_question and answer is not None and not view.has_question():
        # the patient asked and the carer answers before any clinician: ANSWER_FOR, even
        # when the answer contradicts ("no son, it comes sealed from the pharmacy, I've
        # told you"); the code says who answers, DISMISS how a telling is met
        return "CARER_ANSWER_FOR", [answer]
    if dismiss:
        return "CARER_DISMISS", dismiss + laughs
    if laughs and (rules.is_minimal(view) or len(view.words) <= 4):
        return "CARER_LAUGH", laughs
    if support:
        return "CARER_SUPPORT", support
    tie_kind, tie_evidence = _tie(ctx, view, rules, phase)
    tie = bool(tie_kind)
    declarative = not view.has_question()
    if before_r1 and tie and declarative and len(view.words) > 2:
        return "CARER_ANSWER_FOR", tie_evidence
    if laughs:
        return "CARER_LAUGH", laughs
    return "CARER_OTHER", []
