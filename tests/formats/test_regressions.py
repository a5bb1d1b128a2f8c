"""Regression tests for bugs found while integrating the readers (issue notes list them)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cakit
from cakit.formats.chat.reader import parse_chat
from cakit.model import Feature

HEAD = (
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tA Ann Adult, B Bob Adult\n@Options:\tCA\n"
    "@ID:\teng|c|A|||||Adult|||\n@ID:\teng|c|B|||||Adult|||\n"
)


def _utterance(line: str):  # type: ignore[no-untyped-def]
    result = parse_chat(HEAD + f"*A:\t{line}\n@End\n", source="t.cha")
    return result.transcript.utterances[0]


@pytest.mark.parametrize("word", ["he", "ha", "hi", "huh"])
def test_short_h_words_stay_words_in_ca_mode(word: str) -> None:
    utterance = _utterance(f"{word} said so .")
    assert utterance.words[0] == word
    assert not any(e.kind == "laugh" for e in utterance.events)


def test_ha_ha_is_laughter_in_ca_mode() -> None:
    utterance = _utterance("oh ha ha very good .")
    assert utterance.words == ("oh", "very", "good")
    assert [e.text for e in utterance.events if e.kind == "laugh"] == ["ha", "ha"]


def test_stress_marks_are_a_feature_not_letters() -> None:
    token = _utterance("ˈhello there .").tokens[0]
    assert token.clean == "hello" and token.has(Feature.EMPHASIS)


def test_jefferson_participant_names_drop_the_role_in_parentheses(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Participants: Dr = Dr Okafor (psychiatrist), P = Kevin (patient)\n\n"
                    "Dr:  hello.\nP:   hello.\n", encoding="utf-8")
    participants = cakit.read(path).transcript.participants
    assert [(p.code, p.name, p.role) for p in participants] == [
        ("Dr", "Dr Okafor", "clinician"), ("P", "Kevin", "patient")]
