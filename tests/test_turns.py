"""Turns from utterances: back-channels in overlap do not end a turn; CHAT codes are not
overlap marks (`cakit.turns`)."""

from __future__ import annotations

import pytest

from cakit.formats.chat.reader import parse_chat
from cakit.formats.jefferson.reader import parse_jefferson

HEAD = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tMOT Mother Mother, CHI Eve "
        "Target_Child\n@ID:\teng|x|MOT|||||Mother|||\n@ID:\teng|x|CHI|||||Target_Child|||\n")


@pytest.mark.parametrize("reply", ["yeah . [+ RES]", "mhm [/?] .", "yes [^ ns] .",
                                   "yeah . [% tape 2 started]", "yes [!] .", "mm [= agrees] ."])
def test_a_short_reply_with_a_chat_code_is_a_turn(reply: str) -> None:
    """An audit found `[+ RES]`, `[/?]` or `[^ ns]` read as overlap marks: a child's short
    answer became a back-channel and the mother's turns around it one turn (EisenbergGuo
    083BB: 263 turns for 321; eve, Flusberg and CABNC files too)."""
    text = (f"{HEAD}*MOT:\tis that Racketyboom ?\n*CHI:\t{reply}\n"
            "*MOT:\twhy don't you put it back ?\n@End\n")
    transcript = parse_chat(text, source="t.cha").transcript
    assert [(t.speaker, t.backchannels) for t in transcript.turns] == [
        ("MOT", ()), ("CHI", ()), ("MOT", ())]


@pytest.mark.parametrize("reply", ["mm ⌊yeah⌋ .", "<yeah> [<] .", "mhm [>] ."])
def test_a_minimal_reply_in_overlap_is_a_back_channel_in_chat(reply: str) -> None:
    text = (f"{HEAD}*MOT:\tis that ⌈Racketyboom⌉ ?\n*CHI:\t{reply}\n"
            "*MOT:\twhy don't you put it back ?\n@End\n")
    (turn,) = parse_chat(text, source="t.cha").transcript.turns
    assert (turn.speaker, turn.utterances, turn.backchannels) == ("MOT", (0, 2), (1,))


def test_a_minimal_reply_in_overlap_is_a_back_channel_in_jefferson() -> None:
    text = ("Dr:   and then the [voices   ]\nP:                 [mm right]\n"
            "Dr:   started again\n")
    (turn,) = parse_jefferson(text.splitlines(), source="t.txt").transcript.turns
    assert (turn.speaker, turn.backchannels) == ("Dr", (1,))


def test_a_manual_phase_mark_ends_a_turn_in_chat_and_jefferson() -> None:
    """An outside review: two utterances of one speaker either side of a phase mark were one
    turn, with the phase of the first, so an attempt the transcriber put in CLOSING was
    counted in TREATMENT and not late. A gem whose name is no phase splits nothing."""
    from cakit.annotate import annotate

    chat = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Alma Therapist, PAT "
            "Bruno Participant\n@ID:\teng|x|DOC|||||Therapist|||\n"
            "@ID:\teng|x|PAT|||||Participant|||\n"
            "@Bg:\tTREATMENT\n*DOC:\tlet us talk about your tablets .\n"
            "*PAT:\tokay .\n@Eg:\tTREATMENT\n@Bg:\tCLOSING\n"
            "*PAT:\tcan the people on the telly read my thoughts ?\n"
            "*DOC:\twe can talk about that next time .\n@Eg:\tCLOSING\n@End\n")
    jefferson = ("((phase: treatment))\nDr:    are you still taking the tablets?\n"
                 "P:     yes every day.\n((phase: pre-closing))\n"
                 "P:     why do the neighbours keep watching me through the wall?\n"
                 "Dr:    we can talk about that next time.\n")
    for transcript, speaker, late in (
            (parse_chat(chat, source="t.cha").transcript, "PAT", "CLOSING"),
            (parse_jefferson(jefferson.splitlines(), source="t.txt").transcript, "P",
             "PRE_CLOSING")):
        assert [t.speaker for t in transcript.turns].count(speaker) == 2, transcript.source
        (attempt,) = annotate(transcript).attempts
        assert (attempt.phase, attempt.late) == (late, True), transcript.source
    plain = (f"{HEAD}*MOT:\tlook .\n@G:\tbath time\n*MOT:\tin you go .\n@End\n")
    assert len(parse_chat(plain, source="t.cha").transcript.turns) == 1
