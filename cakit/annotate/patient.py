"""Patient-side codes (docs/codebook.md): PSY_ATTEMPT and its subtypes, PSY_ELICITED, REPAIR_OI.

A patient turn is an attempt when, on the patient's own initiative, it brings up psychotic
content: a lexicon anchor (categories A–J, after stop-list and negation) with first-person
involvement, present/recent tense or an experiential verb. An answer to a clinician's
symptom question is PSY_ELICITED unless it adds unrequested content (then it is an attempt
with `initiative = expanded_answer`). PSY_REPEAT is set later, by the sequence builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cakit.annotate.rules import ANAPHORS, PSYCHOTIC, Anchor, Rules
from cakit.annotate.views import F_TREMULOUS, WH_WORDS, TurnView
from cakit.annotations import Evidence

_YES_NO = frozenset({"yes", "no", "yeah", "nah", "nope", "yep", "not", "really", "still",
                     "sometimes", "maybe", "bit", "little", "there", "they", "are", "is", "it"})


@dataclass(slots=True)
class PatientCode:
    """What a patient turn is, with the evidence."""

    kind: str  # attempt | elicited | repair
    anchors: list[Anchor] = field(default_factory=list)
    subtypes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    initiative: str = "self"
    polarity: str = "present"
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    question: bool = False


def is_symptom_question(view: TurnView | None, rules: Rules, phase: str) -> bool:
    """A clinician question about psychotic experience ("any voices lately?")."""
    if view is None or view.role != "clinician":
        return False
    if not view.has_weak_question():
        return False
    if rules.has_frame(view, "symptom_check"):
        return True
    return any(a.category in PSYCHOTIC for a in rules.anchors(view, phase))


def classify_patient(
    view: TurnView,
    previous: TurnView | None,
    phase: str,
    rules: Rules,
    *,
    chain_context: bool,
    asked: bool,
    research_context: bool = False,
) -> PatientCode | None:
    """The patient code of one turn, or None when it is none of them.

    `asked` says the previous turn was a clinician question about psychotic experience
    (a symptom check, or an exploring, return or clarifying question in a sequence).
    """
    if not view.words:
        return None
    thresholds = rules.thresholds
    anchors = rules.anchors(view, phase, research_context=research_context)
    present = [a for a in anchors if a.category in PSYCHOTIC and a.polarity == "present"]
    absent = [a for a in anchors if a.category in PSYCHOTIC and a.polarity == "absent"]
    epistemic = [a for a in anchors if a.category == "epistemic" and a.polarity == "present"]
    emotional = [a for a in anchors if a.category == "emotional" and a.polarity == "present"]
    question = view.has_question()

    repair = _repair(view, previous, rules, present)
    if repair is not None:
        return repair

    if rules.reported_other(view, present):
        present = []

    if asked and previous is not None:
        if not present and rules.anaphoric(view):
            # "they tell me I'm worthless" after "are you still hearing the voices?": the
            # pronoun carries the category the clinician asked about
            present = _context_anchors(view, previous, phase, rules)
        asked_stems = rules.stems(previous)
        extra = [
            stem for stem in rules.stems(view) if stem not in asked_stems and stem not in _YES_NO
        ]
        asks_back = question and bool(present or epistemic)
        asked_categories = {a.category for a in rules.anchors(previous, phase, PSYCHOTIC)}
        new_meaning = bool(emotional) or any(a.category not in asked_categories for a in present)
        # only a CLOSED symptom check ("any voices?") can be answered with an expansion that
        # counts as the patient's own attempt; answers to open, exploring questions are
        # elaborate by design and stay elicited (the scheme's inclusion rule)
        expanded = not _open_question(previous) and (
            len(extra) > thresholds.elicited_max_extra_words or (new_meaning and len(extra) >= 2)
        )
        if present and (expanded or asks_back):
            return _attempt(view, present, epistemic, emotional, rules, "expanded_answer")
        evidence = [Evidence(rule="elicited.answer_to_symptom_check",
                             text=" ".join(view.words[:8]), line=view.line, col=0)]
        return PatientCode(kind="elicited", anchors=present + absent, evidence=evidence,
                           polarity="absent" if absent and not present else "present")

    if present and rules.observable(view, present):
        return _attempt(view, present, epistemic, emotional, rules, "self")
    if chain_context and (epistemic or emotional):
        linked = any(word in ANAPHORS for word in view.words)
        if epistemic and (question or linked):
            return _attempt(view, [], epistemic, emotional, rules, "self", weak=True)
    return None


def _context_anchors(
    view: TurnView, previous: TurnView, phase: str, rules: Rules
) -> list[Anchor]:
    from cakit.annotate.codebook import Pattern
    from cakit.annotate.spacy_bridge import Hit

    categories = dict.fromkeys(
        a.category for a in rules.anchors(previous, phase, PSYCHOTIC) if a.category in PSYCHOTIC
    )
    anchors = []
    end = min(len(view.words), 6)
    for category in categories:
        pattern = Pattern(id=f"context.{category}.anaphora", kind="phrase")
        line, col = view.position(0)
        anchors.append(Anchor(category, Hit("lex", category, pattern, 0, end), "present",
                              view.span_text(0, end), line, col))
    return anchors


def _open_question(view: TurnView) -> bool:
    """A wh-question ("what do they say?"), as opposed to a closed yes/no check."""
    for tcu in view.tcus:
        if not (tcu.question or tcu.weak_question):
            continue
        opening = [w for w in view.words[tcu.start : tcu.end] if w not in _OPENERS][:1]
        if opening and opening[0] in WH_WORDS:
            return True
    return False


_OPENERS = frozenset({"and", "so", "but", "okay", "ok", "right", "well", "um", "er", "erm",
                      "uh", "oh", "now"})


def _repair(
    view: TurnView, previous: TurnView | None, rules: Rules, present: list[Anchor]
) -> PatientCode | None:
    words = view.words
    if previous is None or previous.role != "clinician":
        return None
    frames = rules.frame_hits(view, "patient_repair_frames")
    if frames and len(words) <= 6 and not present:
        hit = frames[0]
        return PatientCode(kind="repair", evidence=[rules.evidence(view, hit, "repair_oi")])
    if len(words) <= 4 and view.has_weak_question():
        mine = rules.stems(view)
        theirs = rules.stems(previous)
        if mine and mine <= theirs:
            return PatientCode(kind="repair", evidence=[Evidence(
                rule="repair_oi.echo", text=" ".join(words), line=view.line, col=0)])
    return None


def _attempt(
    view: TurnView,
    present: list[Anchor],
    epistemic: list[Anchor],
    emotional: list[Anchor],
    rules: Rules,
    initiative: str,
    *,
    weak: bool = False,
) -> PatientCode:
    subtypes: list[str] = []
    evidence = [a.evidence() for a in present] + [a.evidence() for a in epistemic]
    question_tcus = [tcu for tcu in view.tcus if tcu.question] or [
        tcu for tcu in view.tcus if tcu.weak_question
    ]
    anchored_spans = [(a.hit.start, a.hit.end) for a in present + epistemic]

    def inside(tcu_start: int, tcu_end: int) -> bool:
        return any(tcu_start <= s < tcu_end for s, _ in anchored_spans)

    is_q = False
    for tcu in question_tcus:
        words = view.words[tcu.start : tcu.end]
        if inside(tcu.start, tcu.end) or any(w in ANAPHORS for w in words) or epistemic:
            is_q = True
            evidence.append(Evidence(rule="question_form", text=tcu.evidence, line=view.line,
                                     col=0))
            break
    if is_q:
        subtypes.append("PSY_Q")
    # PSY_ASSERT is "a declarative with a lexicon hit, no question form", so it and
    # PSY_Q exclude each other; PSY_EMO and PSY_REPEAT are added on top of either.
    if present and not is_q:
        subtypes.append("PSY_ASSERT")
    distress = rules.distress_notes(view)
    tremulous = any(f & F_TREMULOUS for f in view.features)
    if (emotional or distress or tremulous) and (present or weak or epistemic):
        subtypes.append("PSY_EMO")
        evidence.extend(a.evidence() for a in emotional)
    if not subtypes:
        subtypes.append("PSY_Q" if view.has_weak_question() else "PSY_ASSERT")
    categories = list(dict.fromkeys(a.category for a in present))
    if emotional:
        categories.append("emotional")
    if epistemic:
        categories.append("epistemic")
    strong_hits = {(a.hit.start, a.hit.end) for a in present if not a.hit.pattern.weak}
    if len(strong_hits) >= 2 or (strong_hits and is_q):
        confidence = 0.9
    elif present and rules.has_self(view):
        confidence = 0.7
    else:
        confidence = 0.5
    if weak:
        confidence = 0.4
    if any(a.uncertain for a in present):
        confidence *= 0.8
    if present and all(a.category in ("grandiose", "religious") for a in present) and not (
        rules.has_self(view)
    ):
        confidence = min(confidence, 0.4)
    return PatientCode(
        kind="attempt", anchors=present + epistemic + emotional, subtypes=subtypes,
        categories=categories, initiative=initiative, polarity="present",
        confidence=round(confidence, 3), evidence=evidence, question=is_q,
    )
