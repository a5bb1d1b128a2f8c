"""British National Corpus tags left in converted CHAT (CABNC): read as what they mean,
never as the words "pause", "unclear" or "laugh"."""

from __future__ import annotations

from pathlib import Path

import cakit
from tests.conftest import chat_files, needs_shared

HEAD = ("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tJOE Joe Adult, PAT Pat Adult\n"
        "@Options:\tCA\n@ID:\teng|bnc|JOE|||||Adult|||\n@ID:\teng|bnc|PAT|||||Adult|||\n")


def _read(tmp_path: Path, lines: str) -> cakit.ParseResult:
    path = tmp_path / "bnc.cha"
    path.write_text(HEAD + lines + "@End\n", encoding="utf-8")
    return cakit.read(path)


def test_bnc_tags_become_pauses_unclear_speech_and_events(tmp_path: Path) -> None:
    result = _read(tmp_path, "*JOE:\t<pause> where's Grandpa ?\n"
                             "*PAT:\tcup of tea <pause dur=8> please <unclear> .\n"
                             "*JOE:\tlittle rabbit <laugh> .\n*PAT:\t<clears throat> no .\n")
    first, second, third, fourth = result.transcript.utterances
    words = [t.clean for u in result.transcript.utterances for t in u.tokens]
    assert not {"pause", "unclear", "laugh", "clears", "throat"} & set(words)
    assert [(e.kind, e.label, e.value) for e in first.events if e.kind == "pause"] == \
        [("pause", "untimed", None)]
    assert [(e.label, e.value) for e in second.events if e.kind == "pause"] == [("timed", 8.0)]
    assert [t.kind for t in second.tokens][-1] == "untranscribed"
    assert [(e.kind, e.label) for e in third.events if e.kind == "comment"] == \
        [("comment", "laugh")]
    assert [(e.kind, e.label) for e in fourth.events if e.kind == "comment"] == \
        [("comment", "clears throat")]
    assert [d.code for d in result.diagnostics].count("CK206") == 5


def test_a_chat_group_that_happens_to_hold_the_word_stays_a_group(tmp_path: Path) -> None:
    result = _read(tmp_path, "*JOE:\t<pause> [/] pause here .\n")
    assert [t.clean for t in result.transcript.utterances[0].tokens].count("pause") == 2
    assert "CK206" not in {d.code for d in result.diagnostics}


@needs_shared
def test_no_bnc_tag_is_read_as_a_word_in_cabnc() -> None:
    files = [path for path in chat_files("cabnc-ca")
             if any(line.startswith("*") and "<pause>" in line
                    for line in path.read_text("utf-8").splitlines())]
    assert files
    for path in files:
        result = cakit.read(path)
        assert not any(t.text.startswith("<") and t.clean in ("pause", "unclear", "laugh")
                       for u in result.transcript.utterances for t in u.tokens), path
        assert any(d.code == "CK206" for d in result.diagnostics)
