"""The CHAT reader's fast path for plain utterances gives exactly what the full tokenizer
gives: same transcript, same diagnostics, on every real and reference file and on
hand-made edge cases (commas, untranscribed words, bullets, %mor alignment)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cakit.formats.chat.tokens as tokens
from cakit.formats._text import decode_bytes
from cakit.formats.chat.reader import parse_chat
from cakit.model import ParseResult
from tests.conftest import CHAT_DATA, DEMO, chat_files, needs_shared

NEVER = re.compile(r"(?!x)x")
HEAD = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child\n"
        "@ID:\teng|x|CHI|||||Target_Child|||\n")
EDGE_CASES = [
    "well , I want it .",
    "no , .",
    "yes , no , maybe ?",
    "I'm , you'd , ok ! \x151_2\x15",
    "hi , xxx .",
    "go yyy .",
    "ok , go .\n%mor:\tco|ok cm|cm v|go .\n%gra:\t1|3|COM 2|1|LP 3|0|ROOT 4|3|PUNCT",
    "ok , go .\n%mor:\tco|ok v|go .",
    "dogs' bones .\n%mor:\tn|dog-PL n|bone-PL .",
    "bad bullet . \x155_2\x15",
]


def _both_ways(text: str, source: str, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[ParseResult, ParseResult]:
    fast = parse_chat(text, source=source)
    with monkeypatch.context() as patch:
        patch.setattr(tokens, "_SIMPLE", NEVER)
        full = parse_chat(text, source=source)
    return fast, full


CA_HEAD = HEAD.replace("@Languages:", "@Options:\tCA\n@Languages:")
#: in CA mode capitals, h-words and commas are read differently: the fast path must know
CA_EDGE_CASES = ["yes I know .", "NO I don't .", "heh heh .", "hh okay .", "yes , no .",
                 "well OK then .", "right . \x151_2\x15", "xxx .", "Hello there ?"]


@pytest.mark.parametrize(("head", "content"), [(HEAD, c) for c in EDGE_CASES]
                         + [(CA_HEAD, c) for c in CA_EDGE_CASES])
def test_fast_path_matches_full_tokenizer_on_edge_cases(
    head: str, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, full = _both_ways(f"{head}*CHI:\t{content}\n@End\n", "<edge>", monkeypatch)
    assert fast.transcript == full.transcript
    assert fast.diagnostics == full.diagnostics


def test_fast_path_is_taken_for_plain_utterances() -> None:
    result = parse_chat(f"{HEAD}*CHI:\tyes , no .\n%mor:\tco|yes cm|cm co|no .\n@End\n")
    assert not result.errors
    utterance = result.transcript.utterances[0]
    assert [token.clean for token in utterance.tokens] == ["yes", "no"]
    assert [event.kind for event in utterance.events] == ["separator", "terminator"]


@needs_shared
def test_fast_path_matches_full_tokenizer_on_every_real_file(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = ("childes", "cabnc-ca", "testchat/good", "chatter-reference", "testchat/bad",
               "chatter-error-corpus")
    files: list[Path] = [path for folder in folders for path in chat_files(folder)]
    files += sorted(DEMO.glob("*.cha"))
    assert len(files) > 500, f"expected the shared corpora under {CHAT_DATA}"
    different = []
    for path in files:
        text = decode_bytes(path.read_bytes(), str(path)).text
        fast, full = _both_ways(text, str(path), monkeypatch)
        if fast.transcript != full.transcript or fast.diagnostics != full.diagnostics:
            different.append(path.name)
    assert different == []


def test_parse_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from cakit.errors import ParseError

    text = f"{HEAD}*CHI:\tyes .\n@End\n"
    assert gc.isenabled()
    parse_chat(text)
    assert gc.isenabled()
    with pytest.raises(ParseError):
        parse_chat(f"{HEAD}*CHI yes .\n@End\n", errors="raise")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_chat(text)
        assert not gc.isenabled()
    finally:
        gc.enable()
