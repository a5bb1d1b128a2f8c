"""Every CHAT-CA glyph of NOTATION.md §C.6 becomes a feature bit or an event, never text.

Each case builds a one-utterance CA file, reads it with `parse_chat`, and checks the exact
feature bit on the token (or the event kind and label) and that the glyph does not leak
into `token.clean`.
"""

from __future__ import annotations

import pytest

from cakit.formats.chat.reader import parse_chat
from cakit.model import Event, Feature, ParseResult, Token, Utterance

HEAD = (
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, MOT Mother\n"
    "@Options:\tCA\n@ID:\teng|corpus|CHI|||||Target_Child|||\n@ID:\teng|corpus|MOT|||||Mother|||\n"
)

#: Every glyph of §C.6 (plus the underline controls): none may survive into a clean form.
CA_GLYPHS = set(
    "⌈⌉⌊⌋⇗↗→↘⇘↖↙←∞≈≋≡↑↓↻⁑∙∾⤆⤇Ἡ≠°◉∆∇⁇§⁎∬∮▁▔☺♋Ϋ↫:\u0332\x01\x02"
)


def _read(*mains: str) -> ParseResult:
    body = "".join(f"{main}\n" for main in mains)
    return parse_chat(HEAD + body + "@End\n", source="t.cha")


def _utterance(content: str) -> Utterance:
    result = _read(f"*CHI:\t{content}")
    assert not result.errors, [str(d) for d in result.errors]
    (utterance,) = result.transcript.utterances
    _assert_clean(utterance)
    return utterance


def _assert_clean(utterance: Utterance) -> None:
    for token in utterance.tokens:
        leaked = CA_GLYPHS & set(token.clean)
        assert not leaked, f"{leaked} leaked into {token.clean!r} (from {token.text!r})"


def _token(utterance: Utterance, clean: str) -> Token:
    return next(t for t in utterance.tokens if t.clean == clean)


def _events(utterance: Utterance, kind: str) -> list[Event]:
    return [e for e in utterance.events if e.kind == kind]


# -- overlap -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words", "marks"),
    [
        ("⌈ yes ⌉ .", ["yes"], [("top_begin", 1, False), ("top_end", 1, False)]),
        ("⌊ no ⌋ .", ["no"], [("bottom_begin", 1, False), ("bottom_end", 1, False)]),
        ("⌈2 two ⌉2 .", ["two"], [("top_begin", 2, False), ("top_end", 2, False)]),
        ("⌊3 so ⌋3 .", ["so"], [("bottom_begin", 3, False), ("bottom_end", 3, False)]),
        ("butt⌈er⌉ .", ["butter"], [("top_begin", 1, True), ("top_end", 1, True)]),
        ("the⌈2re⌉2 .", ["there"], [("top_begin", 2, True), ("top_end", 2, True)]),
        ("⌊yes⌋ .", ["yes"], [("bottom_begin", 1, True), ("bottom_end", 1, True)]),
        ("⌊4x⌋4 .", ["x"], [("bottom_begin", 4, True), ("bottom_end", 4, True)]),
    ],
    ids=["top", "bottom", "top-index", "bottom-index", "glued-top", "glued-top-index",
         "glued-bottom", "glued-bottom-index"],
)
def test_ca_glyphs_overlap(
    content: str, words: list[str], marks: list[tuple[str, int, bool]]
) -> None:
    utterance = _utterance(content)
    assert list(utterance.words) == words
    overlaps = _events(utterance, "overlap")
    assert [(e.label, e.number, e.inword) for e in overlaps] == marks


def test_ca_glyphs_overlap_index_never_a_word() -> None:
    utterance = _utterance("⌈2 two ⌉2 .")
    assert utterance.words == ("two",)
    assert all(t.clean != "2" for t in utterance.tokens)
    (begin,) = [e for e in utterance.events if e.label == "top_begin"]
    assert (begin.text, begin.number) == ("⌈2", 2)


def test_ca_glyphs_quiet_overlap_inside_word() -> None:
    """`°the⌈re in front.°` crashes rustling 0.9.0 (a UTF-8 split next to the overlap)."""
    result = _read("*CHI:\t°the⌈re in front.°")
    assert not result.errors
    (utterance,) = result.transcript.utterances
    _assert_clean(utterance)
    assert utterance.words == ("there", "in", "front")
    assert all(t.has(Feature.QUIET) for t in utterance.tokens)
    (begin,) = _events(utterance, "overlap")
    assert (begin.label, begin.number, begin.inword) == ("top_begin", 1, True)
    assert _token(utterance, "there").text == "°the⌈re"


def test_ca_glyphs_overlap_pairs_across_speakers() -> None:
    result = _read("*CHI:\tI ⌈said so⌉ .", "*MOT:\t⌊yes⌋ .", "*CHI:\tand ⌈2 then ⌉2 .",
                   "*MOT:\t⌊2 mm ⌋2 .")
    first, second, third, fourth = result.transcript.utterances
    top, top_end = _events(first, "overlap")
    bottom, bottom_end = _events(second, "overlap")
    assert top.link and top.link == bottom.link == top_end.link == bottom_end.link
    top2 = _events(third, "overlap")[0]
    bottom2 = _events(fourth, "overlap")[0]
    assert top2.number == bottom2.number == 2
    assert top2.link == bottom2.link != top.link
    assert not [d for d in result.diagnostics if d.code in ("E347", "E348")]


def test_ca_glyphs_overlap_left_open_is_reported() -> None:
    result = _read("*CHI:\tI ⌈said so .")
    assert [(d.code, d.severity) for d in result.diagnostics] == [("E348", "warning")]


# -- intonation, latching ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glyph", "label"),
    [("⇗", "rise_high"), ("↗", "rise_mid"), ("→", "level"), ("↘", "fall_mid"),
     ("⇘", "fall_low"), ("↖", "rise_back"), ("↙", "fall_back"), ("←", "back"),
     ("∞", "unmarked")],
)
@pytest.mark.parametrize("glued", [False, True], ids=["standalone", "glued"])
def test_ca_glyphs_intonation(glyph: str, label: str, glued: bool) -> None:
    utterance = _utterance(f"really{glyph} so" if glued else f"really {glyph} so")
    assert utterance.words == ("really", "so")
    (event,) = _events(utterance, "intonation")
    assert (event.text, event.label, event.inword) == (glyph, label, glued)
    assert not utterance.terminator  # a TCU contour, not a terminator


@pytest.mark.parametrize(("glyph", "linker", "label"), [("≈", "+≈", "no_break"),
                                                         ("≋", "+≋", "technical_break")])
def test_ca_glyphs_continuation_with_linker(glyph: str, linker: str, label: str) -> None:
    result = _read(f"*CHI:\tso {glyph}", f"*MOT:\t{linker} and then .")
    assert not result.errors
    first, second = result.transcript.utterances
    (latch,) = _events(first, "latch")
    assert (latch.text, latch.label) == (glyph, "end")
    (link,) = _events(second, "linker")
    assert (link.text, link.label) == (linker, label)
    assert second.words == ("and", "then")


def test_ca_glyphs_uptake_latching() -> None:
    result = _read("*CHI:\tanything today ≡", "*MOT:\t≡ nothing .")
    first, second = result.transcript.utterances
    assert [(e.text, e.label) for e in _events(first, "latch")] == [("≡", "end")]
    assert [(e.text, e.label) for e in _events(second, "latch")] == [("≡", "start")]
    assert first.words == ("anything", "today") and second.words == ("nothing",)


# -- word-attached marks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "clean", "feature"),
    [
        ("↑up", "up", Feature.PITCH_UP),
        ("↓down", "down", Feature.PITCH_DOWN),
        ("↻again", "again", Feature.PITCH_RESET),
        ("⁑hard", "hard", Feature.HARDENING),
        ("∙yes", "yes", Feature.INBREATH),
        ("∾tight", "tight", Feature.CONSTRICTION),
        ("cut⤆", "cut", Feature.CUTOFF),
        ("⤇quick", "quick", Feature.HURRIED_START),
        ("laughἩing", "laughing", Feature.LAUGH),
        ("bl≠ock", "block", Feature.BLOCKING),
    ],
)
def test_ca_glyphs_word_attached(word: str, clean: str, feature: Feature) -> None:
    utterance = _utterance(f"so {word} .")
    token = _token(utterance, clean)
    assert token.text == word
    assert token.features == feature
    assert _token(utterance, "so").features == 0


# -- paired stretches --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glyph", "feature"),
    [("°", Feature.QUIET), ("◉", Feature.LOUD), ("∆", Feature.FAST), ("∇", Feature.SLOW),
     ("⁇", Feature.UNCERTAIN), ("§", Feature.PRECISE), ("⁎", Feature.CREAKY),
     ("∬", Feature.WHISPER), ("∮", Feature.SINGING), ("▁", Feature.LOW_PITCH),
     ("▔", Feature.HIGH_PITCH), ("☺", Feature.SMILE), ("♋", Feature.BREATHY),
     ("Ϋ", Feature.YAWN)],
)
def test_ca_glyphs_paired_stretch(glyph: str, feature: Feature) -> None:
    utterance = _utterance(f"before {glyph}two words{glyph} after .")
    assert utterance.words == ("before", "two", "words", "after")
    assert _token(utterance, "two").features == feature
    assert _token(utterance, "words").features == feature
    assert _token(utterance, "before").features == 0
    assert _token(utterance, "after").features == 0


def test_ca_glyphs_very_quiet() -> None:
    utterance = _utterance("°°very soft°° loud .")
    assert _token(utterance, "very").features == Feature.QUIET | Feature.VERY_QUIET
    assert _token(utterance, "soft").features == Feature.QUIET | Feature.VERY_QUIET
    assert _token(utterance, "loud").features == 0


@pytest.mark.parametrize(
    ("word", "clean"),
    [("↫s-s-s↫segment", "segment"), ("an↫d-d↫d", "and"), ("↫w:↫what's", "what's")],
)
def test_ca_glyphs_segment_repetition(word: str, clean: str) -> None:
    utterance = _utterance(f"{word} here .")
    token = _token(utterance, clean)
    assert token.text == word
    assert token.has(Feature.SEGMENT_REPETITION)
    assert _token(utterance, "here").features == 0


def test_ca_glyphs_segment_repetition_alone_is_an_error() -> None:
    result = _read("*CHI:\t↫s-s-segment↫ here .")
    assert [d.code for d in result.errors] == ["E753"]


def test_ca_glyphs_unbalanced_stretch_warns() -> None:
    result = _read("*CHI:\t°soft and on .")
    assert [(d.code, d.severity) for d in result.diagnostics] == [("E230", "warning")]


# -- lengthening, underline ----------------------------------------------------------------


@pytest.mark.parametrize(("word", "clean"), [("ple:ase", "please"), ("no::", "no"),
                                             ("we:ll", "well")])
def test_ca_glyphs_lengthening(word: str, clean: str) -> None:
    token = _token(_utterance(f"{word} ."), clean)
    assert token.features == Feature.STRETCHED


def test_ca_glyphs_underline_controls() -> None:
    utterance = _utterance("\x02\x01und\x02\x02er the \x02\x01whole thing\x02\x02 now .")
    assert utterance.words == ("under", "the", "whole", "thing", "now")
    assert [t.has(Feature.EMPHASIS) for t in utterance.tokens] == [True, False, True, True,
                                                                     False]


def test_ca_glyphs_underline_unmatched_end() -> None:
    result = _read("*CHI:\tword\x02\x02 .")
    assert [(d.code, d.severity) for d in result.diagnostics] == [("E357", "warning")]


def test_ca_glyphs_combining_low_line() -> None:
    utterance = _utterance("s̲↑e̲e̲n̲ it .")
    token = _token(utterance, "seen")
    assert token.features == Feature.EMPHASIS | Feature.PITCH_UP
    assert _token(utterance, "it").features == 0


# -- breath and laughter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "kind", "label"),
    [("∙hh", "breath", "in"), ("∙hhh", "breath", "in"), ("hh", "breath", "out"),
     ("hhh", "breath", "out"), ("&=laughs", "comment", "laughs"), ("hah", "laugh", "particle"),
     ("heh", "laugh", "particle"), ("hehe", "laugh", "particle")],
)
def test_ca_glyphs_breath_and_laughter(item: str, kind: str, label: str) -> None:
    utterance = _utterance(f"well {item} yes .")
    assert utterance.words == ("well", "yes")  # the breath or laugh is not a word
    (event,) = _events(utterance, kind)
    assert (event.text, event.label) == (item, label)
