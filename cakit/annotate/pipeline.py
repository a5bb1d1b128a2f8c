"""One consultation through the annotator: views → phases → a forward pass on topic threads.

The forward pass follows the talk as it unfolds (docs/codebook.md): a patient attempt opens
a response window; clinician turns in it are R1–R3; carer turns get carer codes; patient
turns that go on with the same topic after a continuer or an engaging response are
expansions, while a patient who comes back to the topic after being shifted, closed down
or medicalised makes a new attempt. Every attempt sequence joins a topic thread
(`cakit.annotate.threads`), which is its repeat chain: a second attempt on a thread is
PSY_REPEAT.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cakit.annotate.classifier import scores as classifier_scores
from cakit.annotate.classifier import view_text
from cakit.annotate.codebook import Codebook
from cakit.annotate.patient import PatientCode, classify_patient, is_symptom_question
from cakit.annotate.phases import segment
from cakit.annotate.responses import (
    AttemptContext,
    Uptake,
    code_carer,
    code_uptake,
    hesitation,
    laughter,
    rule_order,
)
from cakit.annotate.rules import ANAPHORS, PSYCHOTIC, Rules
from cakit.annotate.spacy_bridge import CompiledCodebook
from cakit.annotate.threads import (
    BACK_REFERENCE,
    Placement,
    Thread,
    Threads,
    tie_stems,
    topic_stems,
)
from cakit.annotate.views import TurnView, build_views
from cakit.annotations import (
    LATE_PHASES,
    Attempt,
    CarerResponse,
    ConsultationAnnotations,
    Evidence,
    Response,
    SequenceRecord,
    TurnCode,
    TurnRecord,
)
from cakit.model import Transcript


@dataclass(slots=True)
class _Window:
    attempt_view: TurnView
    code: PatientCode
    phase: str
    context: AttemptContext
    responses: list[tuple[TurnView, int, Uptake, list[str], float | None, list[Evidence]]] = \
        field(default_factory=list)
    carers: list[tuple[TurnView, str, list[Evidence], bool]] = field(default_factory=list)
    turns_seen: int = 0
    clinicians: int = 0
    last_turn: int = 0
    phases_seen: set[str] = field(default_factory=set)
    emo_from_expansion: bool = False
    on_topic: list[TurnView] = field(default_factory=list)  # attempt, then patient talk on it
    topic_stems: set[str] = field(default_factory=set)  # distinctive words of the attempt
    stems: set[str] = field(default_factory=set)  # its content words, as a thread ties them
    placement: Placement | None = None  # its topic thread, set when the window opens

    @property
    def last_uptake(self) -> str | None:
        return self.responses[-1][2].code if self.responses else None

    # what a topic thread reads of its windows (cakit.annotate.threads.TopicWindow)
    @property
    def categories(self) -> set[str]:
        return self.context.categories

    @property
    def uptakes(self) -> list[str]:
        return [response[2].code for response in self.responses]

    @property
    def ruled(self) -> bool:
        return _ruled(self.code)

    @property
    def followed_up(self) -> bool:
        return bool(self.code.evidence) and self.code.evidence[0].rule.startswith("thread.")

    @property
    def line(self) -> int:
        return self.attempt_view.line

    @property
    def anaphoric(self) -> bool:
        return any(word in ANAPHORS for word in self.attempt_view.words)


class Annotator:
    """A compiled codebook and its rules, reusable across transcripts."""

    def __init__(self, codebook: Codebook, compiled: CompiledCodebook | None = None) -> None:
        self.codebook = codebook
        self.compiled = compiled or CompiledCodebook(codebook)
        self.rules = Rules(codebook)
        self.response_steps = rule_order(codebook.catalogue)
        self.producer = f"auto:{codebook.version}"

    def __call__(self, transcript: Transcript) -> ConsultationAnnotations:
        return self.annotate(transcript)

    def annotate(self, transcript: Transcript) -> ConsultationAnnotations:
        """Code one transcript (pure: the transcript is not changed)."""
        codebook = self.codebook
        rules = self.rules
        thresholds = codebook.thresholds
        views = build_views(transcript, self.compiled, codebook)
        phases = segment(transcript, views, codebook)
        labels = phases.labels
        timing = _timing_available(transcript)
        windows: list[_Window] = []
        elicited: list[TurnCode] = []
        repairs: list[TurnCode] = []
        medchecks: list[TurnCode] = []
        used_as_response: set[int] = set()
        asking_turns: set[int] = set()  # clinician turns that ask about the experience
        symptom_talk = False  # a clinician has asked about psychotic experience
        current: _Window | None = None
        threads = Threads(rules)

        def close() -> None:
            nonlocal current
            if current is not None:
                windows.append(current)
            current = None

        signal = codebook.classifier
        talk = [view for view in views if view.role == "patient" and view.words]
        score_of = dict(zip((view.index for view in talk),
                            classifier_scores([view_text(view) for view in talk]), strict=True))
        research_turns = {t for t, view in enumerate(views)
                          if any(h.group == "frame" and h.name == "research" for h in view.hits)}
        for t, view in enumerate(views):
            phase = labels[t] if t < len(labels) else "UNKNOWN"
            if current is not None and (
                current.turns_seen >= thresholds.response_window_turns
                or current.clinicians >= thresholds.response_window_clinician_turns
            ):
                close()
            previous = views[t - 1] if t > 0 else None
            role = view.role
            if role == "patient":
                asked = previous is not None and previous.role == "clinician" and (
                    t - 1 in asking_turns or is_symptom_question(previous, rules, phase)
                )
                research = any(u in research_turns for u in range(t - 2, t + 1))
                code = classify_patient(
                    view, previous, phase, rules, asked=asked, research_context=research,
                    chain_context=symptom_talk or any(
                        _ruled(w.code) for w in (*windows, *([current] if current else []))),
                )
                referred: Thread | None = None
                if code is None and signal.signal != "classifier":
                    expanding = current if current is not None and current.last_uptake in (
                        None, *rules.continuing) else None
                    followed = threads.follow_up(
                        view, t, expanding, after_question=previous is not None
                        and previous.role == "clinician" and previous.has_weak_question())
                    if followed is not None:
                        code, referred = followed
                code = self._second_signal(code, view, score_of.get(view.index, 0.0), asked)
                if code is not None and code.kind == "attempt":
                    if current is not None and self._expansion(current, view, code, phase):
                        self._expand(current, view, code, t, phase)
                        if asked:
                            elicited.append(self._answer(view))
                        continue
                    close()
                    current = self._open(view, code, phase, t)
                    current.placement = threads.join(current, referred)
                    continue
                if code is not None and code.kind == "repair":
                    repairs.append(TurnCode(turn_id=view.turn.id, line=view.line,
                                            evidence=tuple(code.evidence), producer=self.producer))
                elif code is not None and code.kind == "elicited":
                    elicited.append(self._answer(view))
                if current is not None:
                    self._patient_in_window(current, view, phase, t)
                continue
            if role == "clinician" and not symptom_talk:
                symptom_talk = is_symptom_question(view, rules, phase)
            if current is None:
                if role == "clinician" and self._medcheck(view, phase, views[max(0, t - 4):t]):
                    medchecks.append(TurnCode(
                        turn_id=view.turn.id, line=view.line, producer=self.producer,
                        evidence=tuple(rules.evidence(view, h, "medcheck")
                                       for h in rules.medication(view)[:1]),
                    ))
                continue
            current.turns_seen += 1
            current.last_turn = t
            current.phases_seen.add(phase)
            if role == "clinician":
                used_as_response.add(t)
                current.clinicians += 1
                rank = current.clinicians
                # topic-presupposing frames ("what's that like?") count as taking the attempt
                # up only right after the attempt or an expansion of it
                on_topic = current.on_topic
                before = views[t - 2] if t > 1 else None
                adjacent = previous is not None and (
                    any(previous is v for v in on_topic)
                    or (previous.role == "carer" and before is not None
                        and any(before is v for v in on_topic))
                )
                uptake = code_uptake(current.context, view, rank, phase, rules, adjacent=adjacent,
                                     steps=self.response_steps)
                if uptake.code in rules.asking and (view.has_weak_question() or
                                                    uptake.subtype == "ENGAGE_FORMULATE"):
                    asking_turns.add(t)
                modifiers: list[str] = []
                evidence: list[Evidence] = []
                gap = view.gap_before
                if rank <= 2:
                    hesitated, hesitate_evidence = hesitation(view, gap, rules)
                    if hesitated:
                        modifiers.append("HESITATE")
                        evidence.extend(hesitate_evidence)
                    laughs = laughter(view, current.attempt_view if rank == 1 else None,
                                      "clinician")
                    if laughs:
                        modifiers.append("SMILE_LAUGH")
                        evidence.extend(laughs)
                current.responses.append((view, rank, uptake, modifiers, gap, evidence))
            elif role == "carer":
                before_r1 = current.clinicians == 0
                carer_code, carer_evidence = code_carer(current.context, view, before_r1, phase,
                                                        rules)
                current.carers.append((view, carer_code, carer_evidence, before_r1))
        close()
        return self._assemble(transcript, views, phases, windows, elicited, repairs, medchecks,
                              timing)

    def _second_signal(self, code: PatientCode | None, view: TurnView, score: float,
                       asked: bool) -> PatientCode | None:
        """The classifier's word on a patient turn (`codebook.classifier`): its score joins
        the evidence of every attempt; with signal "classifier" it alone decides whether a
        turn is an attempt, with "both" it adds the turns it is sure of that the rules
        left. An answer to a symptom question stays elicited either way."""
        settings = self.codebook.classifier
        sure = score >= settings.min_score
        evidence = Evidence(rule="classifier.attempt", text=f"P(attempt) = {score:.3f}",
                            line=view.line, col=0)
        if code is not None and code.kind == "attempt":
            if settings.signal == "classifier" and not sure:
                return None
            code.evidence.append(evidence)
            return code
        if code is None and sure and not asked and settings.signal != "rules":
            question = view.has_weak_question()
            return PatientCode(kind="attempt", subtypes=["PSY_Q" if question else "PSY_ASSERT"],
                               confidence=0.5, question=question, evidence=[evidence])
        return code

    def _answer(self, view: TurnView) -> TurnCode:
        """PSY_ELICITED: the patient's answer to a clinician's question about experiences."""
        return TurnCode(turn_id=view.turn.id, line=view.line, producer=self.producer,
                        evidence=(Evidence(rule="elicited.answer_to_question",
                                           text=" ".join(view.words[:8]), line=view.line,
                                           col=0),))

    # -- window steps --------------------------------------------------------------------
    def _open(self, view: TurnView, code: PatientCode, phase: str, t: int) -> _Window:
        context = AttemptContext(
            view=view, categories={c for c in code.categories if c in PSYCHOTIC},
            stems=self.rules.stems(view), is_question="PSY_Q" in code.subtypes,
        )
        window = _Window(attempt_view=view, code=code, phase=phase, context=context, last_turn=t)
        window.phases_seen.add(phase)
        window.on_topic.append(view)
        # a turn only the classifier coded names no topic a later turn could share
        window.topic_stems = topic_stems(self.rules, view) if _ruled(code) else set()
        window.stems = tie_stems(self.rules, view)
        return window

    def _expansion(self, window: _Window, view: TurnView, code: PatientCode, phase: str) -> bool:
        """Does this patient turn continue the open sequence rather than start a new one?
        It is tied to it by a category, by a content word as threads tie (`tie_stems`: no
        everyday or generic person word), or by a pronoun at its start."""
        last = window.last_uptake
        tied = bool(set(code.categories) & window.context.categories) or bool(
            tie_stems(self.rules, view) & window.context.stems
        ) or any(w in BACK_REFERENCE for w in view.words[:3])
        if last is None:
            return tied
        if last in self.rules.continuing:
            return tied
        if last == "QUESTION_BACK":
            return not view.has_question()
        return False

    def _expand(self, window: _Window, view: TurnView, code: PatientCode, t: int,
                phase: str) -> None:
        window.context.expansions.append(view)
        window.on_topic.append(view)
        window.context.categories.update(c for c in code.categories if c in PSYCHOTIC)
        window.context.stems.update(self.rules.stems(view))
        if "emotional" in code.categories or "PSY_EMO" in code.subtypes:
            window.emo_from_expansion = True
        window.turns_seen += 1
        window.last_turn = t
        window.phases_seen.add(phase)

    def _patient_in_window(self, window: _Window, view: TurnView, phase: str, t: int) -> None:
        window.turns_seen += 1
        window.last_turn = t
        window.phases_seen.add(phase)
        if window.last_uptake in (None, "QUESTION_BACK", *self.rules.continuing):
            window.on_topic.append(view)
        anchors = self.rules.anchors(view, phase, ("emotional",))
        if anchors and window.last_uptake in (None, *self.rules.continuing):
            window.emo_from_expansion = True
            window.context.expansions.append(view)

    def _medcheck(self, view: TurnView, phase: str, before: list[TurnView]) -> bool:
        """A clinician symptom question inside medication talk (MEDCHECK_SYMPTOM): the drug
        is named in the turn ("are the tablets helping with the voices?") or in the
        clinician's talk just before ("you're taking it every day?" … "is it helping with
        the voices?"), so weak medication words count here."""
        rules = self.rules
        if not is_symptom_question(view, rules, phase):
            return False
        if any(h.group == "lex" and h.name in ("medication", "side_effects") for h in view.hits):
            return True
        return any(v.role == "clinician" and rules.medication(v) for v in before)

    # -- assembling the record ------------------------------------------------------------
    def _assemble(
        self, transcript: Transcript, views: list[TurnView], phases: object,
        windows: list[_Window], elicited: list[TurnCode], repairs: list[TurnCode],
        medchecks: list[TurnCode], timing: bool,
    ) -> ConsultationAnnotations:
        from cakit.annotate.phases import PhaseResult

        assert isinstance(phases, PhaseResult)
        labels = phases.labels
        producer = self.producer
        attempts: list[Attempt] = []
        responses: list[Response] = []
        carers: list[CarerResponse] = []
        sequences: list[SequenceRecord] = []
        for number, window in enumerate(windows, 1):
            attempt_id = f"a{number}"
            view = window.attempt_view
            code = window.code
            subtypes = list(code.subtypes)
            categories = list(code.categories)
            if window.emo_from_expansion and "PSY_EMO" not in subtypes:
                subtypes.append("PSY_EMO")
                if "emotional" not in categories:
                    categories.append("emotional")
            attempts.append(Attempt(
                id=attempt_id, turn_id=view.turn.id, line=view.line,
                subtypes=tuple(subtypes), categories=tuple(categories), phase=window.phase,
                late=window.phase in LATE_PHASES, confidence=code.confidence,
                evidence=tuple(code.evidence), initiative=code.initiative,
                polarity=code.polarity, producer=producer,
            ))
            ranked: list[Response] = []
            for response_view, rank, uptake, modifiers, gap, evidence in window.responses:
                confidence = uptake.confidence
                if response_view.uncertain:
                    confidence *= 0.8
                if "HESITATE" in modifiers and not timing:
                    confidence *= 0.8
                ranked.append(Response(
                    attempt_id=attempt_id, turn_id=response_view.turn.id,
                    line=response_view.line, rank=rank, uptake=uptake.code,
                    uptake_subtype=uptake.subtype, modifiers=tuple(modifiers),
                    gap_before_s=gap, confidence=round(confidence, 3),
                    evidence=tuple(uptake.evidence) + tuple(evidence), to_domain=uptake.to_domain,
                    producer=producer,
                ))
            if not ranked:
                ranked.append(Response(
                    attempt_id=attempt_id, turn_id=None, line=None, rank=1, uptake="NO_UPTAKE",
                    confidence=0.6, evidence=(Evidence(rule="no_clinician_turn_in_window",
                                                       text="", line=view.line, col=0),),
                    producer=producer,
                ))
            responses.extend(ranked)
            for carer_view, carer_code, evidence, _ in window.carers:
                carers.append(CarerResponse(
                    attempt_id=attempt_id, turn_id=carer_view.turn.id, line=carer_view.line,
                    code=carer_code, evidence=tuple(evidence), producer=producer,
                ))
            sequences.append(_sequence(attempt_id, window, ranked, self.rules, labels))
        attempts = _on_threads(attempts, windows)
        turns = tuple(
            TurnRecord(id=v.turn.id, speaker=v.speaker, role=v.role, line=v.turn.line,
                       end_line=v.turn.end_line, phase=labels[k] if k < len(labels) else "UNKNOWN")
            for k, v in enumerate(views)
        )
        return ConsultationAnnotations(
            id=transcript.id, source=transcript.source, format=transcript.format,
            sha256=transcript.sha256, turns=turns, phases=phases.spans, attempts=tuple(attempts),
            elicited=tuple(elicited), repairs=tuple(repairs), medchecks=tuple(medchecks),
            responses=tuple(responses), carer_responses=tuple(carers),
            sequences=tuple(sequences), timing_available=timing,
            nonverbal_available=any(e.kind == "comment" for u in transcript.utterances
                                    for e in u.events),
            carer_present=any(p.role == "carer" for p in transcript.participants)
            and any(v.role == "carer" for v in views),
        )


def _timing_available(transcript: Transcript) -> bool:
    if any(g.duration is not None for g in transcript.gaps):
        return True
    for utterance in transcript.utterances:
        if utterance.media is not None:
            return True
        for event in utterance.events:
            if event.kind == "pause" and event.label == "timed":
                return True
    return False


def _sequence(attempt_id: str, window: _Window, responses: list[Response], rules: Rules,
              labels: tuple[str, ...]) -> SequenceRecord:
    joint_turns = rules.thresholds.joint_laughter_turns
    uptakes = [r.uptake for r in sorted(responses, key=lambda r: r.rank)]
    clinician_laugh_turns = [v.index for v, _, _, mods, _, _ in window.responses
                             if "SMILE_LAUGH" in mods]
    carer_laugh_turns = [v.index for v, code, evidence, _ in window.carers
                         if code in ("CARER_LAUGH",) or any(e.rule == "smile_laugh"
                                                            for e in evidence)]
    joint = any(abs(c - k) <= joint_turns for c in clinician_laugh_turns for k in carer_laugh_turns)
    attempt_laughed = bool(window.attempt_view.laughs)
    first_clinician = window.responses[0][0].index if window.responses else None
    carer_first = bool(window.carers) and (
        first_clinician is None or window.carers[0][0].index < first_clinician
    )
    return SequenceRecord(
        attempt_id=attempt_id,
        outcome=rules.catalogue.outcome(uptakes),
        hesitated=any("HESITATE" in r.modifiers for r in responses),
        laughed=any("SMILE_LAUGH" in r.modifiers for r in responses),
        carer_involved=bool(window.carers),
        late=window.phase in LATE_PHASES,
        crosses_phase=len(window.phases_seen) > 1,
        carer_first=carer_first,
        joint_laughter=joint,
        patient_laughed_first=attempt_laughed and bool(clinician_laugh_turns),
    )


def _ruled(code: PatientCode) -> bool:
    """Whether the rules coded this attempt (not the classifier alone)."""
    return any(e.rule != "classifier.attempt" for e in code.evidence)


def _on_threads(attempts: list[Attempt], windows: list[_Window]) -> list[Attempt]:
    """Each attempt with its repeat chain, which is its topic thread (docs/codebook.md 6.4
    step 6): the chain id names the thread, a second attempt on it is PSY_REPEAT, and the
    first attempt of a thread that re-raises an engaged topic is marked re_raised."""
    out: list[Attempt] = []
    for attempt, window in zip(attempts, windows, strict=True):
        placement = window.placement
        assert placement is not None, "every window joins a thread when it opens"
        subtypes = attempt.subtypes
        if placement.index > 1 and "PSY_REPEAT" not in subtypes:
            subtypes = (*subtypes, "PSY_REPEAT")
        out.append(replace(attempt, chain_id=f"c{placement.thread}",
                           attempt_index=placement.index, subtypes=subtypes,
                           re_raised=placement.re_raised))
    return out
