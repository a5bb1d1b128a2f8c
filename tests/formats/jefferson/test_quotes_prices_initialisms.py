"""Marks that are ordinary writing, not Jefferson notation (an outside review):

- single quotation marks around reported words ('voices', ‘voices’, 'you and evil') were
  kept in the word, so the annotator did not code "I keep hearing 'voices' at night" and
  `search -q voices` found nothing;
- a price (£9, $20.50) opened smile voice, so a clinician who named a price got the
  SMILE_LAUGH delivery modifier;
- initialisms with an H (N.H.S., S.H.O.) were cut into letters and an in-breath `.H`.
"""

from __future__ import annotations

import pytest

from cakit.annotate import annotate
from cakit.formats.jefferson.reader import parse_jefferson
from cakit.formats.jefferson.writer import to_jefferson
from cakit.model import Feature


def _tokens(line: str) -> list[str]:
    (utterance,) = parse_jefferson([line], source="t.txt").transcript.utterances
    return [token.clean for token in utterance.tokens]


@pytest.mark.parametrize("line, words", [
    ("P:    I keep hearing 'voices' at night", ["I", "keep", "hearing", "voices", "at", "night"]),
    ("P:    I keep hearing ‘voices’ at night", ["I", "keep", "hearing", "voices", "at", "night"]),
    ("P:    they said 'you and evil',", ["they", "said", "you", "and", "evil"]),
    # apostrophes that stand for a dropped sound stay in the word
    ("P:    goin' 'cause 'em rock'n'roll don't", ["goin'", "'cause", "'em", "rock'n'roll",
                                                  "don't"]),
])
def test_single_quotation_marks_are_not_part_of_the_word(line: str, words: list[str]) -> None:
    assert _tokens(line) == words


def test_a_quoted_symptom_word_is_coded_like_an_unquoted_one() -> None:
    def attempts(word: str) -> int:
        lines = ["Dr:    how have things been?",
                 f"P:     not good. I keep hearing {word} at night, they say I'm rubbish.",
                 "Dr:    that must be frightening."]
        transcript = parse_jefferson(lines, source="t.txt").transcript
        return len(annotate(transcript).attempts)

    assert attempts("voices") == 1
    assert attempts("'voices'") == attempts("‘voices’") == attempts("voices")


def test_a_price_is_a_word_not_smile_voice() -> None:
    lines = ["Dr:    how have things been?",
             "P:     not good. I keep hearing voices at night, they say I'm going to die.",
             "Dr:    right. and is it still $9 a prescription, and £2.50 for the bus?",
             "P:     yes."]
    result = parse_jefferson(lines, source="t.txt")
    tokens = [t for u in result.transcript.utterances for t in u.tokens]
    assert [t.clean for t in tokens if t.clean[:1] in "£$"] == ["$9", "£2.50"]
    assert not any(t.features & Feature.SMILE for t in tokens)
    assert not [d for d in result.diagnostics if d.code == "CK304"]
    coded = annotate(result.transcript)
    assert coded.attempts
    assert not any("SMILE_LAUGH" in r.modifiers for r in coded.responses)
    # smile voice over a number still is smile voice, and is written so that it reads back
    smiled = parse_jefferson(["Dr:    £ 9 £ pounds"], source="t.txt").transcript
    assert smiled.utterances[0].tokens[0].features & Feature.SMILE
    again = parse_jefferson(to_jefferson(smiled).splitlines(), source="again.txt").transcript
    assert again.utterances[0].tokens[0].features & Feature.SMILE
    assert [t.clean for t in again.utterances[0].tokens] == ["9", "pounds"]


@pytest.mark.parametrize("line, words", [
    ("P:    the N.H.S. said so", ["the", "N.H.S", "said", "so"]),
    ("P:    the S.H.O. came, A.H.P. too", ["the", "S.H.O", "came", "A.H.P", "too"]),
])
def test_an_initialism_with_an_h_holds_no_in_breath(line: str, words: list[str]) -> None:
    (utterance,) = parse_jefferson([line], source="t.txt").transcript.utterances
    assert [t.clean for t in utterance.tokens] == words
    assert not [e for e in utterance.events if e.kind == "breath"]
    # a real in-breath glued to a word is still one
    (breath,) = parse_jefferson(["P:    yes.hh I know"], source="t.txt").transcript.utterances
    assert [e.kind for e in breath.events] == ["breath"]
