"""Clinician and carer responses in an attempt's window (CODEBOOK §6.3, rule order §6.6).

Each clinician turn R1–R3 gets exactly one uptake code, decided in the codebook's rule
order, and R1 (and R2) get delivery modifiers (HESITATE, SMILE_LAUGH) computed
independently. Carer turns in the window get a CARER_RESPONSE code.

Two deliberate departures from the §6.6 pseudo-code, recorded in CODEBOOK-NOTES.md:
* a short repair request that starts "sorry/pardon/who do you mean" is CLARIFY even when
  it repeats the patient's words (the §6.3 table's own example, "sorry, who's following
  you?", has a lexical tie);
* frames that presuppose the topic (explore, empathy, topography, formulation,
  reassurance, challenge) count as tied when the turn directly follows the patient's talk,
  because "that sounds frightening" shares no word with the attempt yet takes it up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cakit.annotate.rules import PSYCHOTIC, Rules
from cakit.annotate.spacy_bridge import Hit
from cakit.annotate.views import F_CUTOFF, TurnView
from cakit.annotations import Evidence
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


def _answers(view: TurnView, rules: Rules) -> bool:
    """A substantive declarative answer: more than N content words outside questions."""
    limit = rules.thresholds.answer_min_content_words
    declarative = sum(rules.content_count(view, tcu.start, tcu.end)
                      for tcu in view.tcus if not tcu.question)
    return declarative > limit


def _medication_framed(view: TurnView, med: Sequence[Hit]) -> bool:
    """Medication is the frame: a medication word in a question, or in the opening TCU."""
    if not med or not view.tcus:
        return False
    first = view.tcus[0]
    for hit in med:
        start = hit.start
        for tcu in view.tcus:
            if tcu.start <= start < tcu.end and (tcu.question or tcu.weak_question or tcu is first):
                return True
    return False


def code_uptake(
    ctx: AttemptContext, view: TurnView, rank: int, phase: str, rules: Rules, *, adjacent: bool
) -> Uptake:
    """One clinician turn's uptake, in the rule order of CODEBOOK §6.6."""
    thresholds = rules.thresholds
    tie_kind, tie_evidence = _tie(ctx, view, rules, phase)
    other = rules.frame_hits(view, "other_domain")
    # a shared everyday word ("night", "sleep") does not tie a turn that is about another
    # domain; a shared lexicon category or anaphora does
    tie = bool(tie_kind) and not (tie_kind == "word" and other)
    if not tie:
        tie_evidence = []
    med = rules.medication(view)
    closing_frames = [h for h in view.hits if h.group == "phase" and rules.codebook.phases[
        int(h.name)].phase in ("PRE_CLOSING", "CLOSING")]
    closing_notes = rules.closing_nonverbal_notes(view)
    closing = bool(closing_frames or closing_notes)
    minimal = rules.is_minimal(view)
    question = view.has_question()

    def ev(name: str) -> list[Evidence]:
        return [rules.evidence(view, hit, name) for hit in rules.frame_hits(view, name)[:2]]

    postpone = ev("postpone_frames")
    if postpone or (closing and not tie):
        evidence = postpone or [rules.evidence(view, h, "closing") for h in closing_frames[:2]]
        if not evidence and closing_notes:
            note = closing_notes[0]
            evidence = [Evidence(rule="closing.nonverbal", text=note[0], line=note[1],
                                 col=note[2])]
        return Uptake("CLOSE_DOWN", "CLOSE_POSTPONE" if postpone else None, 0.8, evidence)
    clarify = ev("clarify_frames")
    short = len(view.words) <= 8
    if clarify and question and short and (not tie or _starts_with_repair(view, rules)):
        return Uptake("CLARIFY", None, 0.6, clarify)
    challenge = ev("challenge_frames")
    if challenge and (tie or (adjacent and not other)):
        return Uptake("CHALLENGE", None, 0.7, challenge + tie_evidence)
    if med and (tie or rank == 1) and _medication_framed(view, med):
        evidence = [rules.evidence(view, hit, "medication") for hit in med[:2]] + tie_evidence
        return Uptake("MEDICATION_FRAME", None, 0.8, evidence)
    returned = ev("return_frames")
    answers = _answers(view, rules)
    if ctx.is_question and question and returned and not answers:
        return Uptake("QUESTION_BACK", None, 0.5, returned)
    topic_frames = {
        "ENGAGE_EMPATHY": ev("empathy_frames"),
        "ENGAGE_EXPLORE": ev("explore_frames"),
        "ENGAGE_FORMULATE": ev("formulation_frames"),
        "ENGAGE_TOPOGRAPHY": ev("topography_frames"),
    }
    presupposed = tie or (adjacent and not other and any(topic_frames.values()))
    if presupposed:
        for subtype, evidence in topic_frames.items():
            if not evidence:
                continue
            if subtype == "ENGAGE_FORMULATE" and not (question or view.has_weak_question() or
                                                      rules.has_frame(view, "formulation_frames")):
                continue
            return Uptake("ENGAGE", subtype, 0.7, evidence + tie_evidence)
        if ctx.is_question and answers and tie:
            return Uptake("ENGAGE", "ENGAGE_ANSWER", 0.6, tie_evidence)
    if minimal:
        text = " ".join(view.words) or (view.laughs[0][0] if view.laughs else "")
        return Uptake("ACKNOWLEDGE", None, 0.9, [Evidence(rule="minimal", text=text,
                                                           line=view.line, col=0)])
    shift = ev("shift_markers")
    other_evidence = ev("other_domain")
    agenda = ev("agenda_questions")
    if not tie and (shift or other_evidence or question or agenda):
        domain = None
        if med:
            domain = "medication"
        elif other_evidence:
            domain = other_evidence[0].text
        evidence = shift or other_evidence or agenda or [Evidence(rule="question", text=" ".join(
            view.words[:8]), line=view.line, col=0)]
        return Uptake("TOPIC_SHIFT", None, 0.6, evidence, to_domain=domain)
    reassure = ev("reassure_frames")
    if reassure and (tie or (adjacent and not other)):
        if tie and rules.content_count(view) > thresholds.reassure_explanation_words:
            return Uptake("ENGAGE", "ENGAGE_ANSWER", 0.6, reassure + tie_evidence)
        return Uptake("INFO_REASSURE", None, 0.5, reassure + tie_evidence)
    if tie:
        if ctx.is_question and answers:
            return Uptake("ENGAGE", "ENGAGE_ANSWER", 0.5, tie_evidence)
        return Uptake("ENGAGE", "ENGAGE_UNSPECIFIED", 0.3, tie_evidence)
    return Uptake("UNCLASSIFIED", None, 0.0, [])


def _starts_with_repair(view: TurnView, rules: Rules) -> bool:
    lead = rules.lead(view)
    return lead < len(view.words) and view.words[lead] in ("sorry", "pardon", "who", "which",
                                                           "what")


# -- delivery modifiers ------------------------------------------------------------------

def hesitation(view: TurnView, gap: float | None, rules: Rules) -> tuple[bool, list[Evidence]]:
    """HESITATE (§6.3): a timed gap, or enough dysfluency at the start of the turn."""
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

def code_carer(
    ctx: AttemptContext, view: TurnView, before_r1: bool, phase: str, rules: Rules
) -> tuple[str, list[Evidence]]:
    """CARER_RESPONSE subtype of a carer turn in the window (§6.3)."""
    laughs = laughter(view, None, "carer")
    dismiss = [rules.evidence(view, h, "carer_dismiss")
               for h in rules.frame_hits(view, "carer_dismiss")]
    support = [rules.evidence(view, h, "carer_support")
               for h in rules.frame_hits(view, "carer_support")]
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
