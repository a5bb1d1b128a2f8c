"""Every Jefferson mark of NOTATION.md §5.1 becomes the feature or event the CHAT-CA reader
produces for its counterpart, with the physical line and column of the source."""

from __future__ import annotations

import pytest

from cakit.formats.jefferson import parse_jefferson
from cakit.model import Event, Feature, Token, Utterance


def read_turn(content: str, **options: object) -> Utterance:
    """The single utterance of `P: <content>`."""
    result = parse_jefferson([f"P: {content}"], source="t.txt", **options)  # type: ignore[arg-type]
    assert not result.errors, [str(d) for d in result.errors]
    assert len(result.transcript.utterances) == 1
    return result.transcript.utterances[0]


def token(utterance: Utterance, clean: str) -> Token:
    matches = [t for t in utterance.tokens if t.clean == clean]
    assert matches, f"no token {clean!r} in {[t.clean for t in utterance.tokens]}"
    return matches[0]


def events(utterance: Utterance, kind: str) -> list[Event]:
    return [e for e in utterance.events if e.kind == kind]


# --- intonation and pitch -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "text", "label"),
    [
        ("it's over.", ".", "fall"),
        ("and then,", ",", "continuing"),
        ("really?", "?", "rise"),
        ("really¿", "¿", "weak_rise"),
        ("really?,", "?,", "weak_rise"),
        ("wow!", "!", "exclaim"),
        ("really ?", "?", "rise"),
    ],
)
def test_jefferson_marks_intonation(content: str, text: str, label: str) -> None:
    utterance = read_turn(content)
    intonation = events(utterance, "intonation")
    assert [(e.text, e.label) for e in intonation] == [(text, label)]
    assert utterance.tokens[-1].clean in ("over", "then", "really", "wow")


@pytest.mark.parametrize(("mark", "feature"), [("↑", Feature.PITCH_UP), ("↓", Feature.PITCH_DOWN)])
def test_jefferson_marks_pitch_step(mark: str, feature: Feature) -> None:
    utterance = read_turn(f"the {mark}voices")
    assert token(utterance, "voices").has(feature)
    assert not token(utterance, "the").has(feature)


def test_jefferson_marks_pitch_step_standalone_attaches_to_next_word() -> None:
    assert token(read_turn("the ↑ voices"), "voices").has(Feature.PITCH_UP)


# --- loudness, tempo, sound shape ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "loud", "quiet"),
    [
        ("they're TALKING to me", ["TALKING"], ["they're", "to", "me"]),
        ("reALLY good", ["reALLY"], ["good"]),
        ("I went", [], ["I"]),
        ("OK the TV and the GP", [], ["OK", "TV", "GP"]),
        ("the NHS said", [], ["NHS"]),
        ("NO I said", ["NO"], ["I"]),
    ],
)
def test_jefferson_marks_capitals_are_loud(content: str, loud: list[str], quiet: list[str]) -> None:
    utterance = read_turn(content)
    for word in loud:
        assert token(utterance, word).has(Feature.LOUD)
    for word in quiet:
        assert not token(utterance, word).has(Feature.LOUD)


def test_jefferson_marks_quiet_span() -> None:
    utterance = read_turn("°she doesn't sleep° at all")
    assert [t.has(Feature.QUIET) for t in utterance.tokens] == [True, True, True, False, False]
    assert token(utterance, "she").text == "°she"
    assert token(utterance, "sleep").text == "sleep°"


def test_jefferson_marks_very_quiet() -> None:
    utterance = read_turn("°°so quiet°° now")
    assert token(utterance, "so").has(Feature.VERY_QUIET)
    assert token(utterance, "so").has(Feature.QUIET)
    assert not token(utterance, "now").has(Feature.QUIET)


def test_jefferson_marks_very_quiet_inside_quiet() -> None:
    utterance = read_turn("°a °°b°° c° d")
    flags = [(t.clean, t.has(Feature.QUIET), t.has(Feature.VERY_QUIET)) for t in utterance.tokens]
    assert flags == [("a", True, False), ("b", True, True), ("c", True, False), ("d", False, False)]


@pytest.mark.parametrize(
    ("content", "feature", "inside", "outside"),
    [
        (">what do they say< well", Feature.FAST, ["what", "do", "they", "say"], ["well"]),
        ("<well I mean> so", Feature.SLOW, ["well", "I", "mean"], ["so"]),
        ("so >quick< and <slow> here", Feature.FAST, ["quick"], ["slow", "so", "here"]),
        ("so >quick< and <slow> here", Feature.SLOW, ["slow"], ["quick", "here"]),
    ],
)
def test_jefferson_marks_tempo(
    content: str, feature: Feature, inside: list[str], outside: list[str]
) -> None:
    utterance = read_turn(content)
    for word in inside:
        assert token(utterance, word).has(feature), word
    for word in outside:
        assert not token(utterance, word).has(feature), word


def test_jefferson_marks_hurried_start() -> None:
    utterance = read_turn("<I think so")
    assert token(utterance, "I").has(Feature.HURRIED_START)
    assert not token(utterance, "I").has(Feature.SLOW)
    assert not token(utterance, "think").has(Feature.SLOW)


def test_jefferson_marks_hurried_start_before_a_slow_stretch() -> None:
    utterance = read_turn("<so <I mean> yes")
    assert token(utterance, "so").has(Feature.HURRIED_START)
    assert token(utterance, "I").has(Feature.SLOW)
    assert token(utterance, "mean").has(Feature.SLOW)
    assert not token(utterance, "yes").has(Feature.SLOW)


@pytest.mark.parametrize(("content", "clean"), [("we:ll", "well"), ("no::", "no"), ("u:m", "um")])
def test_jefferson_marks_stretch(content: str, clean: str) -> None:
    utterance = read_turn(content)
    assert utterance.tokens[0].clean == clean
    assert utterance.tokens[0].has(Feature.STRETCHED)
    assert utterance.tokens[0].text == content


def test_jefferson_marks_stretched_filler_is_a_filler() -> None:
    assert read_turn("u:m right").tokens[0].kind == "filler"


def test_jefferson_marks_cutoff_only_at_the_end() -> None:
    utterance = read_turn("is there- is there side-effects")
    cut = utterance.tokens[1]
    assert (cut.clean, cut.has(Feature.CUTOFF)) == ("there", True)
    assert not utterance.tokens[3].has(Feature.CUTOFF)
    side = token(utterance, "side-effects")
    assert not side.has(Feature.CUTOFF)


# --- breath, laughter, voice quality ------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "label"), [(".hh", "in"), (".hhh", "in"), ("hh", "out"), ("hhh", "out"),
                           (".shih", "in"), ("·hh", "in")]
)
def test_jefferson_marks_breath(content: str, label: str) -> None:
    utterance = read_turn(f"{content} well")
    breath = events(utterance, "breath")
    assert [(e.text, e.label) for e in breath] == [(content, label)]
    assert [t.clean for t in utterance.tokens] == ["well"]


@pytest.mark.parametrize("content", ["heh", "hah", "hih", "hehe", "haha", "heh heh", "ha ha",
                                     "huh huh", "HAH", "heh:"])
def test_jefferson_marks_laugh_particles(content: str) -> None:
    utterance = read_turn(f"{content} yes")
    laughs = events(utterance, "laugh")
    assert len(laughs) == len(content.split())
    assert all(e.label == "particle" for e in laughs)
    assert [t.clean for t in utterance.tokens] == ["yes"]


@pytest.mark.parametrize("content", ["huh?", "he said", "ha", "hello", "hmm"])
def test_jefferson_marks_not_laughter(content: str) -> None:
    utterance = read_turn(content)
    assert not events(utterance, "laugh")


@pytest.mark.parametrize(("content", "clean"), [("w(h)ord", "word"), ("(h)about", "about"),
                                                 ("sa(hh)y", "say"), ("yes(h)", "yes")])
def test_jefferson_marks_laughter_in_word(content: str, clean: str) -> None:
    word = read_turn(content).tokens[0]
    assert (word.clean, word.has(Feature.LAUGH)) == (clean, True)


def test_jefferson_marks_laughter_alone() -> None:
    utterance = read_turn("(h) yes")
    assert [e.text for e in events(utterance, "laugh")] == ["(h)"]


@pytest.mark.parametrize(
    ("content", "feature"),
    [("£I don't know£", Feature.SMILE), ("$I don't know$", Feature.SMILE),
     ("#I don't know#", Feature.CREAKY), ("~I don't know~", Feature.TREMULOUS)],
)
def test_jefferson_marks_voice_quality(content: str, feature: Feature) -> None:
    utterance = read_turn(content + " then")
    assert [t.has(feature) for t in utterance.tokens] == [True, True, True, False]


@pytest.mark.parametrize(("content", "label"), [("pt", "lip_smack"), ("tch", "click"),
                                                ("tsk", "click"), (".pt", "lip_smack")])
def test_jefferson_marks_clicks(content: str, label: str) -> None:
    utterance = read_turn(f"{content} right")
    assert [(e.kind, e.label) for e in utterance.events] == [("sound", label)]


# --- transcriber annotations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "label"),
    [("((coughs))", "coughs"), ("((looks at carer))", "looks at carer"),
     ("((points to (chart)))", "points to (chart)"), ("((laughs)).", "laughs")],
)
def test_jefferson_marks_comment(content: str, label: str) -> None:
    utterance = read_turn(f"yes {content} no")
    comments = events(utterance, "comment")
    assert [e.label for e in comments] == [label]
    assert [t.clean for t in utterance.tokens] == ["yes", "no"]


def test_jefferson_marks_uncertain() -> None:
    utterance = read_turn("I (thought) so (I don't know) ok")
    flags = [(t.clean, t.has(Feature.UNCERTAIN)) for t in utterance.tokens]
    assert flags == [("I", False), ("thought", True), ("so", False), ("I", True),
                     ("don't", True), ("know", True), ("ok", False)]


@pytest.mark.parametrize("content", ["( )", "(     )", "()", "(xxx)"])
def test_jefferson_marks_unclear(content: str) -> None:
    utterance = read_turn(f"it was {content} there")
    unclear = [t for t in utterance.tokens if t.kind == "untranscribed"]
    assert len(unclear) == 1
    assert unclear[0].text == content
    assert not unclear[0].is_spoken


def test_jefferson_marks_two_hearings() -> None:
    word = read_turn("the (word/ward) is").tokens[1]
    assert (word.clean, word.text, word.has(Feature.UNCERTAIN)) == ("word", "(word/ward)", True)


def test_jefferson_marks_guess() -> None:
    word = read_turn("the (?shed) door").tokens[1]
    assert (word.clean, word.has(Feature.UNCERTAIN)) == ("shed", True)


def test_jefferson_marks_brief_acknowledgement() -> None:
    utterance = read_turn("and then {mhm} she left")
    interposed = events(utterance, "interposed")
    assert [(e.text, e.label) for e in interposed] == [("{mhm}", "mhm")]
    assert [t.clean for t in utterance.tokens] == ["and", "then", "she", "left"]


def test_jefferson_marks_long_pause_dots() -> None:
    utterance = read_turn("well ... I don't")
    pause = events(utterance, "pause")[0]
    assert (pause.text, pause.value, pause.label) == ("...", 1.0, "long")


def test_jefferson_marks_glued_long_pause() -> None:
    utterance = read_turn("so...")
    assert [t.clean for t in utterance.tokens] == ["so"]
    assert events(utterance, "pause")[0].label == "long"


# --- timing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "value", "label"),
    [("(0.5)", 0.5, "timed"), ("(.)", 0.1, "micro"), ("(1.25)", 1.25, "timed"),
     ("(2)", 2.0, "timed"), ("(..)", 0.5, "medium"),
     # as transcribers also type them; an audit found these read as the words "0.5" and
     # "(0.5s)", with no warning
     ("( 0.5 )", 0.5, "timed"), ("(0.5s)", 0.5, "timed"), ("(1.2 secs)", 1.2, "timed"),
     ("( .5 )", 0.5, "timed")],
)
def test_jefferson_marks_pauses(content: str, value: float, label: str) -> None:
    utterance = read_turn(f"well {content} yes")
    pause = events(utterance, "pause")[0]
    assert (pause.text, pause.value, pause.label) == (content, value, label)
    assert [t.clean for t in utterance.tokens] == ["well", "yes"]


def test_jefferson_marks_a_loosely_typed_pause_on_its_own_line_is_a_gap() -> None:
    transcript = parse_jefferson(["Dr:   so how are you", "      ( 1.5 )", "Dr:   any better",
                                  "      (2s)", "P:    fine"], source="t.txt").transcript
    assert [g.duration for g in transcript.gaps] == [1.5, 2.0]
    assert [t.speaker for t in transcript.turns] == ["Dr", "Dr", "P"]


def test_jefferson_marks_pause_glued_to_words() -> None:
    utterance = read_turn("well(.)I(0.3)think")
    assert [t.clean for t in utterance.tokens] == ["well", "I", "think"]
    assert [e.value for e in events(utterance, "pause")] == [0.1, 0.3]
    assert [e.index for e in events(utterance, "pause")] == [1, 2]


def test_jefferson_marks_latch_inside_line() -> None:
    utterance = read_turn("=yes=I know=")
    latches = [(e.label, e.index) for e in events(utterance, "latch")]
    assert latches == [("start", 0), ("mid", 1), ("end", 3)]


def test_jefferson_marks_overlap_brackets_in_word() -> None:
    utterance = read_turn("tha[t's right]")
    overlaps = [(e.label, e.inword) for e in events(utterance, "overlap")]
    assert overlaps == [("begin", True), ("end", False)]
    assert [t.clean for t in utterance.tokens] == ["that's", "right"]


def test_jefferson_marks_double_brackets() -> None:
    utterance = read_turn("[[well I")
    assert [(e.text, e.label) for e in events(utterance, "overlap")] == [("[[", "begin")]


@pytest.mark.parametrize(
    "lines",
    [
        ["→ P: what was that", "Dr: nothing"],
        ["1  P: what was that", "→ 2  Dr: nothing"],
        ["  1  P: what was that", "  2 → Dr: nothing"],
        ["->  1  P: what was that", "    2  Dr: nothing"],
    ],
)
def test_jefferson_marks_analyst_arrow_is_stripped(lines: list[str]) -> None:
    result = parse_jefferson(lines, source="t.txt")
    assert not result.diagnostics
    utterances = result.transcript.utterances
    assert [u.speaker for u in utterances] == ["P", "Dr"]
    assert [[t.clean for t in u.tokens] for u in utterances] == [["what", "was", "that"],
                                                                 ["nothing"]]
    assert not any(u.events for u in utterances)


def test_jefferson_marks_positions_are_physical() -> None:
    result = parse_jefferson(["  7  P:   °hello° (0.5) [yes"], source="t.txt")
    utterance = result.transcript.utterances[0]
    hello = utterance.tokens[0]
    assert (hello.line, hello.col, hello.text) == (1, 11, "°hello°")
    pause = events(utterance, "pause")[0]
    assert (pause.line, pause.col) == (1, 19)
    onset = events(utterance, "overlap")[0]
    assert (onset.line, onset.col) == (1, 25)
    assert utterance.tokens[1].col == 26


def test_jefferson_marks_dollar_and_star_variants() -> None:
    utterance = read_turn("$well$ *creak*")
    assert utterance.tokens[0].has(Feature.SMILE)
    assert utterance.tokens[1].has(Feature.CREAKY)


def test_jefferson_marks_ca_glyphs_read_too() -> None:
    utterance = read_turn("∬whisper∬ wor⤆")
    assert utterance.tokens[0].has(Feature.WHISPER)
    assert utterance.tokens[1].has(Feature.CUTOFF)


@pytest.mark.parametrize(
    ("content", "code"),
    [("°unclosed quiet", "CK304"), ("£smile", "CK304"), (">fast", "CK307"),
     ("(unsure", "CK313")],
)
def test_jefferson_marks_unbalanced_are_reported(content: str, code: str) -> None:
    result = parse_jefferson([f"P: {content} here"], source="t.txt")
    assert [(d.code, d.severity) for d in result.diagnostics] == [(code, "warning")]


def test_jefferson_marks_unclosed_gat2_span_has_its_own_code() -> None:
    result = parse_jefferson(["P: <<f> loud here"], source="t.txt", convention="gat2")
    assert [(d.code, d.severity) for d in result.diagnostics] == [("CK312", "warning")]
