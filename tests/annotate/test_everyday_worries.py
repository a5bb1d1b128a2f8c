"""Everyday worries that a carer or clinician corrects are not attempts.

Anxious, low and bodily worries are common in the consultations cakit codes, and carers
and clinicians answer them much as they answer psychotic claims: with an ordinary cause
("it's the tablets, doctor"), a gloss ("she means she's worrying about her mum") or a
dispute ("nobody's watching you eat", "that's the depression talking"). A rule tried for
codebook 1.13 took such a next turn as evidence of an attempt when the attempt classifier
gave the patient's turn 0.5 or more. It found 5 attempts in the dev sets and 2 in the blind
sets, but coded 34 of 58 invented exchanges like these: the classifier scored these
worries 0.5-0.85 (codebook 1.15's classifier 0.54-0.92), so it cannot tell them from the
claims the rule was for. The rule was dropped; these exchanges keep it, or anything like
it, from coming back unnoticed. Invented by the team.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotate._helpers import annotate_text

TALK = """\
D:    so how have things been at home?
P:    {patient}
{after}
D:    okay. I'll make a note of that. (1.0) and how's your appetite?
P:    not bad.
"""

#: (the patient's worry, the next turn): the classifier of codebook 1.15 scores each worry
#: 0.5 or more, below its own threshold. (Four worries it scored 0.41-0.50, where a rule at
#: 0.5 would not look, were replaced by new invented ones it scores 0.61-0.92.)
EXCHANGES = [
    ("I can't sleep because my mind won't switch off at night",
     "Husband: it's the tablets, doctor. she's been like it since they went up."),
    ("I can't sleep because my mind won't switch off at night",
     "Husband: she means she's worrying about her mum."),
    ("my heart keeps racing at night and I think something's wrong with it",
     "Wife: it's the coffee, he has four cups before dinner."),
    ("my heart keeps racing at night and I think something's wrong with it",
     "Wife: it's all in your head, love. the ECG was fine."),
    ("I'm sure my manager has it in for me since the restructure",
     "Partner: nobody's out to get you at that place, you're the best they've got."),
    ("I feel like I'm a failure and nobody would miss me",
     "D:    that's the depression talking, Pat."),
    ("I can't eat in the canteen at work, I hate people seeing me eat",
     "D:    nobody's watching you eat, they're all on their phones."),
    ("I keep replaying what the consultant said about my scan",
     "Husband: it's her nerves, doctor. the scan was clear."),
    ("I keep going over the argument with my sister in my head",
     "Wife: that's your nerves, pet."),
    ("I feel like I'm being judged every time I open my mouth at work",
     "D:    nobody thinks you're making it up, Pat."),
]


@pytest.mark.parametrize(("patient", "after"), EXCHANGES)
def test_an_everyday_worry_corrected_by_the_next_turn_is_no_attempt(
        tmp_path: Path, patient: str, after: str) -> None:
    coded = annotate_text(tmp_path, TALK.format(patient=patient, after=after))
    assert [a.line for a in coded.attempts if a.line == 2] == [], (patient, after)


@pytest.mark.parametrize(("patient", "after"), EXCHANGES)
def test_the_worries_are_ones_the_classifier_is_unsure_of(
        tmp_path: Path, patient: str, after: str) -> None:
    """The exchanges above test something only while the classifier, reading the turn as
    the annotator does, is unsure of each worry: below its own threshold, and high enough
    that a rule reading the next turn might take it up: the dropped rule took 0.5."""
    import cakit
    from cakit.annotate import annotator_for
    from cakit.annotate.classifier import scores, view_text
    from cakit.annotate.views import build_views

    path = tmp_path / "t.txt"
    path.write_text(TALK.format(patient=patient, after=after), encoding="utf-8")
    annotator = annotator_for()
    views = build_views(cakit.read(path).transcript, annotator.compiled, annotator.codebook)
    (score,) = scores([view_text(next(v for v in views if v.line == 2))])
    assert 0.5 <= score < annotator.codebook.classifier.min_score, score
