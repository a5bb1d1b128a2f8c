"""Every CHAT construct of NOTATION.md §C.2–§C.5, read from small hand-built files."""

from __future__ import annotations

import pytest

from cakit.formats.chat.reader import parse_chat
from cakit.model import Event, ParseResult, Utterance

PARTICIPANTS = "CHI Target_Child, MOT Mother"
IDS = "@ID:\teng|corpus|CHI|||||Target_Child|||\n@ID:\teng|corpus|MOT|||||Mother|||\n"


def _chat(body: str, *, head: str = "", languages: str = "eng") -> str:
    return (
        f"@UTF8\n@Begin\n@Languages:\t{languages}\n@Participants:\t{PARTICIPANTS}\n{IDS}"
        f"{head}{body}@End\n"
    )


def _read(body: str, **kwargs: str) -> ParseResult:
    return parse_chat(_chat(body, **kwargs), source="t.cha")


def _validated(body: str) -> ParseResult:
    """Read with the %mor/%gra structure checks that `cakit validate` asks for."""
    return parse_chat(_chat(body), source="t.cha", check_tiers=True)


def _one(content: str, **kwargs: str) -> Utterance:
    result = _read(f"*CHI:\t{content}\n", **kwargs)
    assert not result.errors, [str(d) for d in result.errors]
    (utterance,) = result.transcript.utterances
    return utterance


def _events(utterance: Utterance, kind: str) -> list[Event]:
    return [e for e in utterance.events if e.kind == kind]


def _codes(result: ParseResult) -> list[str]:
    return [d.code for d in result.errors]


# -- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "clean", "form"),
    [("bababa@b", "bababa", "b"), ("gumma@c", "gumma", "c"), ("yall@d", "yall", "d"),
     ("nana@f", "nana", "f"), ("um@fp", "um", "fp"), ("gaga@g", "gaga", "g"),
     ("wow@i", "wow", "i"), ("abc@k", "abc", "k"), ("b@l", "b", "l"), ("bs@ls", "bs", "ls"),
     ("wug@n", "wug", "n"), ("woof@o", "woof", "o"), ("fis@p", "fis", "p"),
     ("the@q", "the", "q"), ("hi@sas", "hi", "sas"), ("lala@si", "lala", "si"),
     ("hi@sl", "hi", "sl"), ("tiv@t", "tiv", "t"), ("6rat@u", "6rat", "u"),
     ("punny@wp", "punny", "wp"), ("gar@x", "gar", "x"), ("zog@z:grm", "zog", "z:grm"),
     ("chien@s:fra", "chien", "s:fra"), ("ciao@s:ita+fra", "ciao", "s:ita+fra")],
)
def test_constructs_form_markers(word: str, clean: str, form: str) -> None:
    (token,) = _one(f"{word} .").tokens
    assert (token.text, token.clean, token.form, token.kind) == (word, clean, form, "word")


def test_constructs_bare_language_switch_uses_the_second_language() -> None:
    (token,) = _one("oui@s .", languages="eng, fra").tokens
    assert token.form == "s"


@pytest.mark.parametrize(
    ("word", "clean"),
    [("(be)cause", "because"), ("gon(na)", "gonna"), ("(a)bout", "about"),
     ("ice+cream", "ice+cream"), ("no:::", "no")],
)
def test_constructs_word_forms(word: str, clean: str) -> None:
    (token,) = _one(f"{word} .").tokens
    assert (token.text, token.clean, token.kind) == (word, clean, "word")


@pytest.mark.parametrize("marker", ["xxx", "yyy", "www"])
def test_constructs_untranscribed(marker: str) -> None:
    (token,) = _one(f"{marker} .").tokens
    assert (token.kind, token.is_spoken) == ("untranscribed", False)


@pytest.mark.parametrize("marker", ["xx", "yy", "Xxx", "WWW"])
def test_constructs_untranscribed_illegal(marker: str) -> None:
    result = _read(f"*CHI:\t{marker} .\n")
    assert _codes(result) == ["E241"]


@pytest.mark.parametrize(
    ("item", "kind", "clean"),
    [("&-uh", "filler", "uh"), ("&+fr", "fragment", "fr"), ("&~gaga", "nonword", "gaga"),
     ("0is", "omission", "is")],
)
def test_constructs_ampersand_tokens(item: str, kind: str, clean: str) -> None:
    (token,) = _one(f"it {item} .").tokens[1:]
    assert (token.text, token.kind, token.clean) == (item, kind, clean)


@pytest.mark.parametrize(
    ("item", "kind", "label"),
    [("&=laughs", "comment", "laughs"), ("&=imit:baby", "comment", "imit:baby"),
     ("&*MOT:yeah", "interposed", "MOT:yeah"), ("0", "action", "")],
)
def test_constructs_ampersand_events(item: str, kind: str, label: str) -> None:
    utterance = _one(f"{item} .")
    assert not utterance.tokens
    (event,) = _events(utterance, kind)
    assert (event.text, event.label) == (item, label)


@pytest.mark.parametrize(
    ("pause", "seconds", "label"),
    [("(.)", 0.1, "micro"), ("(..)", 0.5, "medium"), ("(...)", 1.0, "long"),
     ("(0.5)", 0.5, "timed"), ("(2.)", 2.0, "timed"), ("(1:02.5)", 62.5, "timed")],
)
def test_constructs_pauses(pause: str, seconds: float, label: str) -> None:
    utterance = _one(f"well {pause} yes .")
    (event,) = _events(utterance, "pause")
    assert (event.text, event.value, event.label, event.index) == (pause, seconds, label, 1)


def test_constructs_pause_glued_to_word() -> None:
    result = _read("*CHI:\twell(.) yes .\n")
    assert _codes(result) == ["E751"]
    assert result.errors[0].span.col == 7


# -- groups and scoped annotations ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "scope"),
    [
        ("<a b> [/] a b c .", "/", (0, 2)),
        ("<a b> [//] c d .", "//", (0, 2)),
        ("<a b> [///] c d .", "///", (0, 2)),
        ("<a b> [/-] c d .", "/-", (0, 2)),
        ("<a b> [/?] c d .", "/?", (0, 2)),
        ("a b [/] b .", "/", (1, 2)),
        ("dis [: this] .", ":", (0, 1)),
        ("dis [:: this] .", "::", (0, 1)),
        ("goed [*] .", "*", (0, 1)),
        ("goed [* m:+ed] .", "*", (0, 1)),
        ("<a dog> [?] .", "?", (0, 2)),
        ("no [!] .", "!", (0, 1)),
        ("no [!!] .", "!!", (0, 1)),
        ("that [= the ball] .", "=", (0, 1)),
        ("no [=! laughs] .", "=!", (0, 1)),
        ("yes [% said softly] .", "%", (0, 1)),
        ("yes [# 0.4] .", "#", (0, 1)),
        ("yes [x 3] .", "x", (0, 1)),
        ("<a b> [>] .", ">", (0, 2)),
        ("yes [<2] .", "<2", (0, 1)),
        ("a [^c] b .", "^c", (0, 1)),
        ("um [e] yes .", "e", (0, 1)),
    ],
)
def test_constructs_scoped_annotations(content: str, code: str, scope: tuple[int, int]) -> None:
    utterance = _one(content)
    scoped = [e for e in _events(utterance, "scoped") if e.label == code]
    assert len(scoped) == 1
    assert scoped[0].scope == scope


def test_constructs_postcode_and_precode() -> None:
    utterance = _one("[- fra] oui . [+ bch]", languages="eng, fra")
    labels = [(e.text, e.label) for e in _events(utterance, "scoped")]
    assert labels == [("[- fra]", "precode"), ("[+ bch]", "postcode")]
    assert utterance.terminator == "."


def test_constructs_groups() -> None:
    utterance = _one("<a ‹b c› 〔d〕> [/] e .")
    groups = [(e.text, e.label) for e in _events(utterance, "group")]
    assert groups == [("<", "begin"), ("‹", "phon_begin"), ("›", "end"), ("〔", "sign_begin"),
                      ("〕", "end"), (">", "end")]
    assert utterance.words == ("a", "b", "c", "d", "e")


def test_constructs_retrace_excluded_from_mor() -> None:
    ok = _validated("*CHI:\t<the big> [/] the big dog .\n%mor:\tdet|the adj|big n|dog .\n")
    assert not ok.errors
    long = _validated("*CHI:\t<the big> [/] the big dog .\n"
                      "%mor:\tdet|the adj|big det|the adj|big n|dog .\n")
    assert _codes(long) == ["E706"]
    short = _validated("*CHI:\tthe big dog .\n%mor:\tdet|the n|dog .\n")
    assert _codes(short) == ["E705"]


def test_constructs_replacement_counts_its_words_on_mor() -> None:
    result = _read("*CHI:\tgonna [: going to] go .\n%mor:\tpart|go-PRESP inf|to v|go .\n")
    assert not result.errors


@pytest.mark.parametrize(("replacement", "code"), [("[: xxx]", "E391"), ("[: 0is]", "E391"),
                                                  ("[:]", "E208")])
def test_constructs_bad_replacement(replacement: str, code: str) -> None:
    result = _read(f"*CHI:\tabua {replacement} .\n")
    assert code in _codes(result)


# -- terminators, linkers, separators, quotation ----------------------------------------------


@pytest.mark.parametrize(
    ("terminator", "label"),
    [(".", "period"), ("?", "question"), ("!", "exclamation"), ("+...", "trail_off"),
     ("+..?", "trail_off_question"), ("+/.", "interruption"), ("+//.", "self_interruption"),
     ("+/?", "interrupted_question"), ("+//?", "self_interrupted_question"),
     ("+!?", "broken_question"), ('+"/.', "quotation_follows"), ('+".', "quotation_precedes"),
     ("+.", "break_for_coding")],
)
def test_constructs_terminators(terminator: str, label: str) -> None:
    utterance = _one(f"hello {terminator}")
    assert utterance.terminator == terminator
    (event,) = _events(utterance, "terminator")
    assert (event.text, event.label) == (terminator, label)


def test_constructs_missing_and_misplaced_terminator() -> None:
    assert _codes(_read("*CHI:\thello\n")) == ["E305"]
    assert _codes(_read("*CHI:\thello ? there .\n")) == ["E305"]


@pytest.mark.parametrize(
    ("linker", "label"),
    [('+"', "quotation_follows"), ("++", "other_completion"), ("+^", "quick_uptake"),
     ("+<", "lazy_overlap"), ("+,", "self_completion"), ("+≈", "no_break"),
     ("+≋", "technical_break")],
)
def test_constructs_linkers(linker: str, label: str) -> None:
    utterance = _one(f"{linker} and so .")
    (event,) = _events(utterance, "linker")
    assert (event.text, event.label, event.index) == (linker, label, 0)


def test_constructs_linker_not_at_start() -> None:
    assert _codes(_read("*CHI:\tand ++ so .\n")) == ["E766"]


@pytest.mark.parametrize(
    ("separator", "label"),
    [(",", "comma"), (";", "semicolon"), (":", "colon"), ("„", "tag"), ("‡", "vocative")],
)
def test_constructs_separators(separator: str, label: str) -> None:
    utterance = _one(f"yes {separator} no .")
    (event,) = _events(utterance, "separator")
    assert (event.text, event.label) == (separator, label)
    assert utterance.words == ("yes", "no")


def test_constructs_quotation_marks() -> None:
    utterance = _one("he said “ come here ” .")
    assert [(e.text, e.label) for e in _events(utterance, "quote")] == [("“", "begin"),
                                                                      ("”", "end")]
    glued = _one("he said “come here” .")
    assert glued.words == ("he", "said", "come", "here")


@pytest.mark.parametrize(
    ("content", "code", "col"),
    [("he said “ come here .", "E242", 15), ("come here ” .", "E242", 17),
     ("“ he said “ no ” ” .", "E372", 17)],
)
def test_constructs_quotation_unbalanced(content: str, code: str, col: int) -> None:
    result = _read(f"*CHI:\t{content}\n")
    assert [(d.code, d.span.col) for d in result.errors] == [(code, col)]


def test_constructs_long_features() -> None:
    utterance = _one("&{l=LAUGHING yes no &}l=LAUGHING &{n=BANG} ok .")
    labels = [e.label for e in _events(utterance, "long_feature")]
    assert labels == ["begin:LAUGHING", "end:LAUGHING", "event:BANG"]
    assert utterance.words == ("yes", "no", "ok")


def test_constructs_long_feature_spans_utterances() -> None:
    result = _read("*CHI:\t&{l=WHISPER yes .\n*MOT:\tno .\n*CHI:\tok &}l=WHISPER .\n")
    assert not result.errors


@pytest.mark.parametrize(
    ("content", "code"),
    [("&{l=A yes .", "E358"), ("yes &}l=A .", "E359"), ("&{n=A yes .", "E367"),
     ("yes &}n=A .", "E368"), ("&{laughing} yes .", "E369")],
)
def test_constructs_long_feature_unmatched(content: str, code: str) -> None:
    assert _codes(_read(f"*CHI:\t{content}\n")) == [code]


# -- media bullets ---------------------------------------------------------------------------

MEDIA = "@Media:\tt, audio\n"


def test_constructs_bullets() -> None:
    result = _read("*CHI:\thello \x15100_900\x15 there . \x151000_2500\x15\n"
                   "%com:\tlooks \x151200_1300\x15 up\n", head=MEDIA)
    assert not result.diagnostics
    (utterance,) = result.transcript.utterances
    assert utterance.media is not None
    # each bullet times the talk before it, so the utterance runs from the first bullet's
    # start to the last one's end (it kept only the last, 1000-2500, until an audit found
    # CABNC turns timed seconds late)
    assert (utterance.media.start_ms, utterance.media.end_ms) == (100, 2500)
    inline, final = _events(utterance, "bullet")
    assert inline.media is not None and final.media is not None
    assert (inline.media.start_ms, inline.index) == (100, 1)
    assert final.media.duration_s == 1.5
    (tier,) = utterance.tiers
    assert [(m.start_ms, m.end_ms) for m in tier.media] == [(1200, 1300)]


B = "\x15"


@pytest.mark.parametrize(("body", "times"), [
    # CABNC: the gap after a turn on a line under it, with its time, then a transcriber's
    # note; the turn ended 12 s late, in the silence and the notes (and with the note
    # untimed, it lost its time altogether)
    (f"so {B}100_500{B}\n\t(0.7) {B}500_12700{B}\n\t((Tape 2 started)) {B}12700_13000{B}\n",
     (100, 500)),
    (f"so {B}100_500{B}\n\t(3.0)\n\t((squeaking noise))\n", (100, 500)),
    (f"(1.2) {B}0_1200{B} so {B}1200_1500{B}\n", (1200, 1500)),  # a pause timed before talk
    (f"so {B}100_500{B}\n\t(1.9) ((sniffs)) hhh {B}500_900{B}\n", (100, 900)),  # a breath
    (f"we'll {B}0_2200{B} hear {B}2200_2370{B} .\n", (0, 2370)),  # the terminator after
    (f"so {B}100_500{B} and then\n", None),  # words after the last bullet: untimed
    (f"(2.0) {B}100_2100{B}\n", (100, 2100)),  # nothing but a pause: its time
])
def test_constructs_bullets_time_the_talk(body: str, times: tuple[int, int] | None) -> None:
    result = _read(f"*CHI:\t{body}", head=MEDIA)
    (utterance,) = result.transcript.utterances
    found = utterance.media
    assert (found and (found.start_ms, found.end_ms)) == times


def test_constructs_a_pause_line_without_a_leading_zero_is_a_gap() -> None:
    """CABNC writes `(.7)` on a line of its own between turns, as it writes `(0.7)`."""
    result = _read(f"*CHI:\tso {B}100_500{B}\n\t(.7) {B}500_1200{B}\n"
                   f"*MOT:\tyes . {B}1200_1500{B}\n", head=MEDIA)
    first, _ = result.transcript.utterances
    assert not _events(first, "pause")
    (gap,) = result.transcript.gaps
    assert gap.duration == 0.7 and gap.media is not None and gap.media.end_ms == 1200


@pytest.mark.parametrize(
    ("bullet", "code"),
    [("\x15900_100\x15", "E701"), ("\x15012_200\x15", "E748"), ("\x15abc\x15", "E360")],
)
def test_constructs_bad_bullets(bullet: str, code: str) -> None:
    result = _read(f"*CHI:\thello . {bullet}\n", head=MEDIA)
    assert code in _codes(result)


def test_constructs_bullets_go_back_in_time() -> None:
    result = _read("*CHI:\ta . \x155000_6000\x15\n*CHI:\tb . \x151000_2000\x15\n", head=MEDIA)
    assert [(d.code, d.span.line) for d in result.errors] == [("E701", 9)]


# -- dependent tiers ---------------------------------------------------------------------


def test_constructs_mor_and_gra_items() -> None:
    result = _read("*CHI:\tI'm going .\n%mor:\tpro|I~aux|be&1S part|go-PRESP .\n"
                   "%gra:\t1|3|SUBJ 2|3|AUX 3|0|ROOT 4|3|PUNCT\n")
    assert not result.diagnostics
    mor, gra = result.transcript.utterances[0].tiers
    assert mor.items == ("pro|I~aux|be&1S", "part|go-PRESP", ".")
    assert gra.items == ("1|3|SUBJ", "2|3|AUX", "3|0|ROOT", "4|3|PUNCT")


@pytest.mark.parametrize(
    ("tiers", "code"),
    [
        ("%mor:\tn|dog n|cat .\n%gra:\t1|2|MOD 2|0|ROOT\n", "E720"),
        ("%mor:\tn|dog n|cat .\n%gra:\t1|2|MOD 3|0|ROOT 2|2|PUNCT\n", "E721"),
        ("%mor:\tn|dog n|cat .\n%gra:\t1|2|MOD 2|1|OBJ 3|2|PUNCT\n", "E722"),
        ("%mor:\tn|dog n|cat .\n%gra:\t1|0|ROOT 2|0|ROOT 3|2|PUNCT\n", "E723"),
        ("%mor:\tn|dog n|cat .\n%gra:\t1|2|MOD 2|1|OBJ 3|0|ROOT\n", "E724"),
        ("%mor:\tn|dog n|cat .\n%gra:\t1|2|MOD 2|9|ROOT 3|2|PUNCT\n", "E713"),
        ("%gra:\t1|2|MOD 2|0|ROOT 3|2|PUNCT\n", "E604"),
        ("%mor:\tn|dog n|cat\n", "E716"),
        ("%mor:\t|dog n|cat .\n", "E760"),
        ("%mor:\tv|ve=see&PRET n|cat .\n", "E382"),
        ("%mor:\tn|dog .\n%mor:\tn|dog n|cat .\n", "E401"),
        ("%mor:\n", "E756"),
        ("%foo:\tbar\n", "E605"),
    ],
)
def test_constructs_dependent_tier_errors(tiers: str, code: str) -> None:
    result = _validated(f"*CHI:\tdog cat .\n{tiers}")
    assert code in _codes(result), [str(d) for d in result.diagnostics]


def test_constructs_user_tier_and_orphan_tier() -> None:
    assert not _read("*CHI:\tdog .\n%xfoo:\tanything\n").errors
    orphan = _read("%com:\tno main tier\n*CHI:\tdog .\n")
    assert [(d.code, d.span.line) for d in orphan.errors] == [("E404", 7)]


def test_constructs_mor_error_points_at_the_item() -> None:
    result = _validated("*CHI:\tdog cat bird .\n%mor:\tn|dog n|cat\n\tv|ve=see&PRET .\n")
    (error,) = result.errors
    assert (error.code, error.span.line, error.span.col) == ("E382", 9, 2)


# -- continuation lines --------------------------------------------------------------------


def test_constructs_continuation_positions() -> None:
    result = _read("*CHI:\tI want\n\tthe big ball\n\tnow .\n")
    (utterance,) = result.transcript.utterances
    positions = [(t.clean, t.line, t.col) for t in utterance.tokens]
    assert positions == [("I", 7, 7), ("want", 7, 9), ("the", 8, 2), ("big", 8, 6),
                         ("ball", 8, 10), ("now", 9, 2)]
    (terminator,) = _events(utterance, "terminator")
    assert (terminator.line, terminator.col) == (9, 6)
    assert (utterance.line, utterance.end_line) == (7, 9)


def test_constructs_continuation_error_position() -> None:
    result = _read("*CHI:\tI want\n\tthe xx ball .\n")
    (error,) = result.errors
    assert (error.code, error.span.line, error.span.col) == ("E241", 8, 6)
    assert error.source_line == "\tthe xx ball ."


def test_constructs_gap_lines_are_not_speech() -> None:
    result = _read("*CHI:\tyes .\n\t(1.5)\n*MOT:\tno .\n", head="@Options:\tCA\n")
    assert not result.errors
    (gap,) = result.transcript.gaps
    assert (gap.duration, gap.line, gap.position) == (1.5, 9, 1)
    assert result.transcript.utterances[0].words == ("yes",)


# -- headers -------------------------------------------------------------------------------


def test_constructs_gems_and_mid_file_headers() -> None:
    result = _read("@Bg:\tplay\n*CHI:\tyes .\n@Comment:\tmid-file note\n@New Episode\n"
                   "*MOT:\tno .\n@Eg:\tplay\n@G:\tbook\n*CHI:\tok .\n")
    assert not result.errors
    positions = {h.name: h.position for h in result.transcript.headers}
    assert positions["Bg"] == 0
    assert positions["Comment"] == positions["New Episode"] == 1
    assert positions["Eg"] == positions["G"] == 2
    comment = next(h for h in result.transcript.headers if h.name == "Comment")
    assert (comment.value, comment.line) == ("mid-file note", 9)


@pytest.mark.parametrize(
    ("body", "code"),
    [("@Bg:\tplay\n*CHI:\tyes .\n", "E526"), ("*CHI:\tyes .\n@Eg:\tplay\n", "E527"),
     ("@Bg:\tplay\n@Bg:\tplay\n*CHI:\tyes .\n@Eg:\tplay\n@Eg:\tplay\n", "E529"),
     ("@G\n*CHI:\tyes .\n", "E529"), ("@Bg:\ta\n@G:\tb\n*CHI:\tyes .\n@Eg:\ta\n", "E530")],
)
def test_constructs_gem_errors(body: str, code: str) -> None:
    assert _codes(_read(body)) == [code]


def test_constructs_unknown_header_kept() -> None:
    result = _read("@Exceptions:\tfoo, bar\n*CHI:\tyes .\n")
    assert [(d.code, d.span.line) for d in result.errors] == [("E525", 7)]
    header = next(h for h in result.transcript.headers if h.name == "Exceptions")
    assert header.value == "foo, bar"


def test_constructs_id_fields() -> None:
    text = _chat("*CHI:\tyes .\n").replace(
        "@ID:\teng|corpus|CHI|||||Target_Child|||",
        "@ID:\teng|brown|CHI|2;06.15|female|TD|White,MC|Target_Child|college|x1|",
    )
    result = parse_chat(text, source="t.cha")
    assert not result.diagnostics
    participant = result.transcript.participant("CHI")
    assert participant is not None and participant.id is not None
    fields = participant.id
    assert (fields.language, fields.corpus, fields.code, fields.age, fields.sex, fields.group,
            fields.ses, fields.role, fields.education, fields.custom) == (
        "eng", "brown", "CHI", "2;06.15", "female", "TD", "White,MC", "Target_Child", "college",
        "x1")


@pytest.mark.parametrize(
    ("id_line", "code"),
    [("eng|c|CHI|1;8.||||Target_Child|||", "E517"), ("eng|c|CHI||man|||Target_Child|||", "E542"),
     ("eng|c|CHI|||||Target_Child||", "E505"), ("eng|c|CHI||||Rich|Target_Child|||", "E546"),
     ("e|c|CHI|||||Target_Child|||", "E519"), ("eng|c|CHI|||||Boss|||", "E532")],
)
def test_constructs_id_errors(id_line: str, code: str) -> None:
    text = _chat("*CHI:\tyes .\n").replace("eng|corpus|CHI|||||Target_Child|||", id_line)
    assert code in _codes(parse_chat(text, source="t.cha"))


@pytest.mark.parametrize(
    ("role", "cakit_role"),
    [("Doctor", "clinician"), ("Therapist", "clinician"), ("Nurse", "clinician"),
     ("Participant", "patient"), ("Target_Adult", "patient"), ("Mother", "carer"),
     ("Investigator", "other"), ("Interpreter", "other"),
     # roles that say nothing of who a speaker is in a consultation are never guessed
     ("Unidentified", "unknown"), ("Adult", "unknown"), ("Speaker", "unknown")],
)
def test_constructs_participant_roles(role: str, cakit_role: str) -> None:
    text = (f"@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tSPK Pat Smith {role}\n"
            f"@ID:\teng|c|SPK|||||{role}|||\n*SPK:\thi .\n@End\n")
    result = parse_chat(text, source="t.cha")
    assert not result.diagnostics
    (participant,) = result.transcript.participants
    assert (participant.code, participant.name, participant.label_role, participant.role) == (
        "SPK", "Pat Smith", role, cakit_role)


def test_constructs_participants_wrap_onto_continuation() -> None:
    text = _chat("*DOC:\thi .\n").replace(
        f"@Participants:\t{PARTICIPANTS}\n",
        f"@Participants:\t{PARTICIPANTS},\n\tDOC Doctor\n@ID:\teng|c|DOC|||||Doctor|||\n")
    result = parse_chat(text, source="t.cha")
    assert not result.diagnostics
    assert [p.code for p in result.transcript.participants] == ["CHI", "MOT", "DOC"]
