"""CHAT validation rules: each bad input gives exactly the expected diagnostic, at its place.

Each case is the smallest file that breaks one rule; the paired good input shows the rule
does not fire on the valid form next to it.
"""

from __future__ import annotations

import pytest

from cakit.errors import ParseError
from cakit.formats.chat.reader import parse_chat
from cakit.model import ParseResult

PARTICIPANTS = "CHI Target_Child, MOT Mother"
IDS = "@ID:\teng|corpus|CHI|||||Target_Child|||\n@ID:\teng|corpus|MOT|||||Mother|||\n"


def _chat(body: str, head: str = "", languages: str = "eng") -> str:
    return (
        f"@UTF8\n@Begin\n@Languages:\t{languages}\n@Participants:\t{PARTICIPANTS}\n{IDS}"
        f"{head}{body}@End\n"
    )


def _read(body: str, head: str = "", languages: str = "eng") -> ParseResult:
    return parse_chat(_chat(body, head, languages), source="t.cha")


def _found(result: ParseResult) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.severity, d.span.line, d.span.col) for d in result.diagnostics]


# (id, main-tier body, extra headers, @Languages, expected diagnostics)
CASES = [
    ("E220-digits", "*CHI:\thello3 .\n", "", "eng", [("E220", "error", 7, 7)]),
    ("E220-numeral", "*CHI:\tI have 3 .\n", "", "eng", [("E220", "error", 7, 14)]),
    ("E248-tertiary-bare-s", "*CHI:\t[- fra] oui@s .\n", "", "zho, eng, fra",
     [("E248", "error", 7, 18)]),
    ("E249-bare-s-one-language", "*CHI:\toui@s .\n", "", "eng", [("E249", "error", 7, 10)]),
    ("E755-undeclared-precode", "*CHI:\t[- deu] ja .\n", "", "eng", [("E755", "error", 7, 7)]),
    ("E252-caret-at-start", "*CHI:\t^test .\n", "", "eng", [("E252", "error", 7, 7)]),
    ("E256-curly-apostrophe", "*CHI:\tdon’t .\n", "", "eng", [("E256", "error", 7, 10)]),
    ("E258-double-comma", "*CHI:\tI'm a ,, play .\n", "", "eng", [("E258", "error", 7, 13)]),
    ("E309-old-pause", "*CHI:\thello ## world .\n", "", "eng", [("E309", "error", 7, 13)]),
    ("E309-unknown-terminator", "*CHI:\tbroken +=.\n", "", "eng",
     [("E309", "error", 7, 14), ("E305", "error", 7, 6)]),
    ("E309-tone-terminator", "*CHI:\twork -, .\n", "", "eng", [("E309", "error", 7, 12)]),
    ("E306-terminator-only", "*CHI:\t.\n", "", "eng", [("E306", "error", 7, 7)]),
    ("E370-retrace-then-event", "*CHI:\ta [/] &=event .\n", "", "eng",
     [("E370", "error", 7, 9)]),
    ("E370-retrace-at-end", "*CHI:\t<a b> [/] .\n", "", "eng", [("E370", "warning", 7, 13)]),
    ("E388-nonword-replacement", "*CHI:\t&~lil [: little] .\n", "", "eng",
     [("E388", "error", 7, 13)]),
    ("E389-filler-replacement", "*CHI:\t&-um [: a] .\n", "", "eng", [("E389", "error", 7, 12)]),
    ("E754-multi-letter-l", "*CHI:\tword@l .\n", "", "eng", [("E754", "error", 7, 7)]),
    ("E203-compound-form", "*CHI:\thoo+hoo@o .\n", "", "eng", [("E203", "error", 7, 7)]),
    ("E212-omitted-affix", "*CHI:\tOllie-0's food .\n", "", "eng", [("E212", "error", 7, 12)]),
    ("E243-pipe-in-word", "*CHI:\ta|b .\n", "", "eng", [("E243", "error", 7, 8)]),
    ("E364-period-in-event", "*CHI:\tfoo &=1.88 bar .\n", "", "eng", [("E364", "error", 7, 14)]),
    ("E212-old-ampersand", "*CHI:\t&nonvocal .\n", "", "eng", [("E212", "warning", 7, 7)]),
    ("W210-glued-terminator", "*CHI:\thello.\n", "", "eng", [("W210", "warning", 7, 12)]),
    ("E315-stray-control", "*CHI:\thel\x01lo .\n", "", "eng", [("E315", "error", 7, 10)]),
    ("E314-empty-bracket", "*CHI:\thello [ .\n", "", "eng",
     [("E314", "error", 7, 13), ("E305", "error", 7, 6)]),
    ("E758-leading-space", "*CHI:\t hello .\n", "", "eng", [("E758", "error", 7, 7)]),
    ("E747-blank-line", "*CHI:\thello .\n\n*MOT:\tyes .\n", "", "eng",
     [("E747", "error", 8, 1)]),
    ("E525-page-number", "*CHI:\thello .\n", "@Page:\tx\n", "eng", [("E525", "error", 7, 8)]),
    ("E541-time-start", "*CHI:\thello .\n", "@Time Start:\tnoon\n", "eng",
     [("E541", "error", 7, 14)]),
    ("E540-time-duration", "*CHI:\thello .\n", "@Time Duration:\t10:00-\n", "eng",
     [("E540", "error", 7, 17)]),
    ("E533-empty-options", "*CHI:\thello .\n", "@Options:\t\n", "eng",
     [("E533", "error", 7, 11)]),
    ("E524-birth-of-stranger", "*CHI:\thello .\n", "@Birth of FAT:\t01-JAN-1990\n", "eng",
     [("E524", "error", 7, 1)]),
    ("E544-linked-without-bullets", "*CHI:\thello .\n", "@Media:\tt, audio\n", "eng",
     [("E544", "error", 7, 1)]),
    ("E552-unlinked-with-bullets", "*CHI:\thello . \x15100_200\x15\n",
     "@Media:\tt, audio, unlinked\n", "eng", [("E552", "error", 8, 1)]),
    ("E552-notrans-with-wor-timing", "*CHI:\thello .\n%wor:\thello \x150_500\x15 .\n",
     "@Media:\tt, audio, notrans\n", "eng", [("E552", "error", 9, 1)]),
    ("E531-media-name", "*CHI:\thello .\n", "@Media:\tother, audio, missing\n", "eng",
     [("E531", "error", 7, 9)]),
    ("E307-lower-case-speaker", "*chi:\thello .\n", "", "eng",
     [("E307", "error", 7, 2), ("E308", "error", 7, 2)]),
    ("E323-no-colon", "*CHI hello .\n", "", "eng", [("E323", "error", 7, 2)]),
    ("E230-open-stretch-non-ca", "*CHI:\t°soft .\n", "", "eng", [("E230", "error", 7, 6)]),
]


@pytest.mark.parametrize(("body", "head", "languages", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_validation_rule(
    body: str, head: str, languages: str, expected: list[tuple[str, str, int, int]]
) -> None:
    assert _found(_read(body, head, languages)) == expected


@pytest.mark.parametrize(
    ("body", "head", "languages"),
    [
        ("*CHI:\thao3 .\n", "", "zho, eng"),  # tone digits in a Chinese utterance
        ("*CHI:\thello ma1@s:zho .\n", "", "eng, zho"),  # …or on a word marked Chinese
        ("*CHI:\t[- zho] hao3 .\n", "", "eng, zho"),
        ("*CHI:\toui@s .\n", "", "eng, fra"),  # bare @s: the other of two languages
        ("*CHI:\t6rat@u .\n", "", "eng"),  # UNIBET may use digits
        ("*CHI:\tfoo &=1 bar .\n", "", "eng"),  # event labels may be numbers
        ("*CHI:\trhi^noceros .\n", "", "eng"),
        ("*CHI:\tdon't .\n", "", "eng"),
        ("*CHI:\tb@l .\n", "", "eng"),
        ("*CHI:\thoo+hoo@c .\n", "", "eng"),
        ("*CHI:\ta [/] a b .\n", "", "eng"),
        ("*CHI:\tmy car [x 3] is red .\n", "", "eng"),
        # [x N] after a <group> repeats the group: CLAN and other CHAT readers accept it
        ("*CHI:\t<my car> [x 6] is red .\n", "", "eng"),
        # a comma glued to an event has its own %mor item, as after a word
        ("*CHI:\t&=laughs, yes .\n%mor:\tcm|cm co|yes .\n", "", "eng"),
        ("*CHI:\t0 .\n", "", "eng"),
        ("*CHI:\t&=laughs .\n", "", "eng"),
        ("*CHI:\thello .\n", "@Page:\t12\n@Time Start:\t8:30:31\n@Time Duration:\t10:00-11:00\n",
         "eng"),
        ("*CHI:\thello . \x15100_200\x15\n", "@Media:\tt, audio\n", "eng"),
        ("*CHI:\thello .\n", "@Media:\tt, audio, unlinked\n", "eng"),
    ],
)
def test_validation_valid_neighbour(body: str, head: str, languages: str) -> None:
    assert _found(_read(body, head, languages)) == []


def test_validation_participant_without_id() -> None:
    text = _chat("*CHI:\thi .\n").replace("@ID:\teng|corpus|MOT|||||Mother|||\n", "")
    result = parse_chat(text, source="t.cha")
    assert _found(result) == [("E522", "error", 4, 34)]  # points at MOT in @Participants


def test_validation_raise_mode_stops_at_the_first_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_chat(_chat("*CHI:\thello3 .\n*CHI:\tdon’t .\n"), source="t.cha", errors="raise")
    diagnostic = caught.value.diagnostic
    assert (diagnostic.code, diagnostic.span.line) == ("E220", 7)
    assert "hint:" in str(caught.value)


def test_validation_messages_have_hints() -> None:
    """House style: every error says what happened and, in `hint`, how to fix it."""
    missing = []
    for case in CASES:
        for diagnostic in _read(*case[1:4]).diagnostics:
            if not diagnostic.hint:
                missing.append((case[0], diagnostic.code))
    assert not missing
