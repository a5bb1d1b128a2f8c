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


# -- words glued by a mark (an audit found CABNC's "one.Do" counted as the word "onedo") --

NOT_CA = HEAD.replace("@Options:\tCA\n", "")


@pytest.mark.parametrize(("line", "words"), [
    ("and one.Do you know ?", ("and", "one", "Do", "you", "know")),
    ("that?⌈°sh'always yes° ⌉ .", ("that", "sh'always", "yes")),
    ("it.I mean yes .", ("it", "I", "mean", "yes")),
])
def test_a_mark_between_two_words_ends_the_first_in_chat(line: str,
                                                         words: tuple[str, ...]) -> None:
    ca = parse_chat(HEAD + f"*A:\t{line}\n@End\n", source="t.cha").transcript
    assert ca.utterances[0].words == words
    assert not [d for d in ca.diagnostics if d.severity == "error"]
    plain = parse_chat(NOT_CA + f"*A:\t{line}\n@End\n", source="t.cha").transcript
    assert plain.utterances[0].words == words
    assert "E305" in {d.code for d in plain.diagnostics}  # not CHAT outside CA mode


def test_stray_punctuation_is_no_word_in_chat() -> None:
    transcript = parse_chat(HEAD + "*A:\t---------- okay - yes .\n@End\n",
                            source="t.cha").transcript
    assert transcript.utterances[0].words == ("okay", "yes")
    assert {(d.code, d.severity) for d in transcript.diagnostics} == {("E309", "warning")}


@pytest.mark.parametrize(("line", "words"), [
    ("and three?four more.", ("and", "three", "four", "more")),
    ("↑really?no way.", ("really", "no", "way")),
    ("said it twice.So there.", ("said", "it", "twice", "So", "there")),
    # initialisms and addresses stay one item
    ("it's o.k. with me.", ("it's", "o.k", "with", "me")),
    ("go on nhs.uk for it.", ("go", "on", "nhs.uk", "for", "it")),
])
def test_a_mark_between_two_words_ends_the_first_in_jefferson(
        tmp_path: Path, line: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "t.txt"
    path.write_text(f"D:  {line}\n", encoding="utf-8")
    assert cakit.read(path).transcript.utterances[0].words == words


def test_an_in_breath_glued_to_a_word_is_a_breath(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("D:  yeah.hhh I know.\n", encoding="utf-8")
    utterance = cakit.read(path).transcript.utterances[0]
    assert utterance.words == ("yeah", "I", "know")
    assert [(e.kind, e.label) for e in utterance.events if e.kind == "breath"] == [("breath", "in")]


@pytest.mark.parametrize(("line", "laughs"), [
    ("Ha, ha, ha, ha.", 4),  # a real CABNC line: the last "ha" was read as a word
    ("ha , ha .", 2),
])
def test_commas_between_laugh_particles_do_not_part_them_in_chat(line: str,
                                                                  laughs: int) -> None:
    utterance = _utterance(line)
    assert utterance.words == ()
    assert sum(1 for e in utterance.events if e.kind == "laugh") == laughs


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
@pytest.mark.parametrize("suffix", [".txt", ".cha"])
def test_a_file_holding_only_a_byte_order_mark_is_empty(tmp_path: Path, bom: bytes,
                                                        suffix: str) -> None:
    # an outside review found such a file passing `cakit validate` while a zero-byte one
    # failed: an editor that saves an empty document as UTF-8 writes exactly these bytes
    path = tmp_path / f"t{suffix}"
    path.write_bytes(bom)
    assert [(d.code, d.severity) for d in cakit.read(path).diagnostics] == [("CK101", "error")]


def test_a_utf8_file_with_a_few_windows_1252_bytes_keeps_its_utf8(tmp_path: Path) -> None:
    # an outside review: one pasted pair of Windows-1252 quotes made the whole file read as
    # Windows-1252, every "é" becoming "Ã©", with only a note
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Dr: how are you? caf\xc3\xa9 on the corner, Zo\xc3\xab said.\n"
                     b"P: I hear voices at night \x93they\x94 say things\n")
    result = cakit.read(path)
    words = [t.clean for u in result.transcript.utterances for t in u.tokens]
    assert "café" in words and "zoë" in [w.lower() for w in words]
    assert "\u201cthey\u201d" in result.transcript.utterances[1].content
    (warning,) = [d for d in result.diagnostics if d.code == "CK104"]
    assert warning.severity == "warning" and (warning.span.line, warning.span.col) == (2, 27)
    legacy = tmp_path / "legacy.txt"  # Windows-1252 throughout: read as such, as before
    legacy.write_bytes("Dr: café, Zoë?\nP: “yes”\n".encode("cp1252"))
    old = cakit.read(legacy)
    assert "café" in old.transcript.utterances[0].content
    assert [d.severity for d in old.diagnostics if d.code == "CK104"] == ["info"]
