"""Carers in an attempt's window, on invented consultations: support that corroborates
or tells how it is for the patient, dismissal, answering for the patient; and a repeated
pronoun ("he he does what?") is never laughter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotate._helpers import annotate_text

TALK = """\
D:    so how have you been?
P:    {patient}
{carer_label}:  {carer}
D:    okay. (1.0) and how's your sleep?
P:    not good.
"""
TELLING = "the neighbours are watching me through the wall. I can hear them talking about me."
ASKING = "can they hear what I'm thinking? the people upstairs?"


def _with_carer(tmp_path: Path, carer: str, patient: str = TELLING, carer_label: str = "Mum"
                ) -> list[str]:
    """The carer codes of an invented exchange: the patient's attempt, then the carer."""
    coded = annotate_text(tmp_path, TALK.format(patient=patient, carer_label=carer_label,
                                                carer=carer))
    return [c.code for c in coded.carer_responses]


@pytest.mark.parametrize(("carer", "code"), [
    ("she does. she sits up all night with the radio on.", "CARER_SUPPORT"),
    ("she's not been out of the flat for two weeks.", "CARER_SUPPORT"),
    ("I've noticed it too, she's frightened of the wall.", "CARER_SUPPORT"),
    ("oh take no notice of her, doctor, it's all nonsense.", "CARER_DISMISS"),
    ("heh heh.", "CARER_LAUGH"),
    # normalising or overruling it, and telling the fear (codebook 1.10)
    ("it's just the stress, doctor. she's run ragged.", "CARER_DISMISS"),
    ("we've been through this, Jean. twice.", "CARER_DISMISS"),
    ("the scan was clear, doctor. she's seen it herself.", "CARER_DISMISS"),
    ("that's what I keep telling her. there's nobody there.", "CARER_DISMISS"),
    ("she's terrified by it. she won't go in the back room.", "CARER_SUPPORT"),
    ("she's been terrified since March, she won't go out.", "CARER_SUPPORT"),
    # an ordinary cause without "just", nothing there, and distress (codebook 1.14)
    ("it's the stress, isn't it. she's had a lot on.", "CARER_DISMISS"),
    ("the council checked twice. there's nothing in there.", "CARER_DISMISS"),
    ("she's been really worked up about it, doctor.", "CARER_SUPPORT"),
])
def test_carer_codes_follow_the_definitions(tmp_path: Path, carer: str, code: str) -> None:
    assert _with_carer(tmp_path, carer) == [code], carer


@pytest.mark.parametrize(("carer", "not_code"), [
    # encouraging disclosure and backing the patient up are not dismissal; brushing the
    # fear off is not support
    ("keep telling her she should mention it to you.", "CARER_DISMISS"),
    ("the police came and found nothing, but I've heard the tapping too.", "CARER_DISMISS"),
    ("she gets so worked up over nothing, doctor.", "CARER_SUPPORT"),
    # said to the doctor, "I've told you" backs the patient up
    ("I've told you, doctor, it's every night with the wall.", "CARER_DISMISS"),
])
def test_near_misses_of_dismissal_and_support(tmp_path: Path, carer: str,
                                              not_code: str) -> None:
    assert _with_carer(tmp_path, carer) not in ([], [not_code]), carer


@pytest.mark.parametrize(("carer", "code"), [
    # the patient asked; a carer who answers first answers for them, however it sounds
    ("no, son. nobody can hear your thoughts, I've said.", "CARER_ANSWER_FOR"),
    ("no love, there's nothing in there, they're a nice couple.", "CARER_ANSWER_FOR"),
    # not an answer: it dismisses the question
    ("oh here we go again.", "CARER_DISMISS"),
])
def test_a_carer_who_answers_the_patients_question_answers_for_them(
        tmp_path: Path, carer: str, code: str) -> None:
    assert _with_carer(tmp_path, carer, ASKING, "Dad") == [code], carer


def test_a_repeated_pronoun_is_not_laughter(tmp_path: Path) -> None:
    coded = annotate_text(tmp_path, TALK.format(patient=TELLING, carer_label="Mum",
                                                carer="he he does what? he watches?"))
    assert [c.code for c in coded.carer_responses] != ["CARER_LAUGH"]
    assert not any(e.rule.startswith("smile_laugh") for c in coded.carer_responses
                   for e in c.evidence)
