"""`cakit freq` and `cakit mlu` (`cakit.counts`): hand counts on small CHAT and Jefferson
fixtures, CLAN's definitions on a real CHILDES file, and pylangacq 0.19 on all of them.

The CHILDES files are read in place from the shared data folder (tests skip without it).
The CLAN check does not use cakit's reader: `clan_counts` below applies CLAN's default
FREQ and MLU exclusions to the raw main-tier text, so a tokenizer bug cannot hide itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import cakit
from cakit.counts import (
    frequency_rows,
    merge,
    mlu_rows,
    spoken_words,
    tally,
    total_row,
    utterance_length,
    word_frequencies,
)

try:  # tests/ may or may not be a package; it is the same conftest either way
    from tests.conftest import CHAT_DATA, chat_files, needs_shared
except ModuleNotFoundError:  # pragma: no cover
    from conftest import CHAT_DATA, chat_files, needs_shared  # type: ignore[no-redef]

CHAT_FIXTURE = """\
@UTF8
@Begin
@Languages:\teng
@Participants:\tDOC Ann Therapist, PAT Bob Participant
@ID:\teng|test|DOC|||||Therapist|||
@ID:\teng|test|PAT|||||Participant|||
*DOC:\thow are you today ?
*PAT:\t<I I> [/] I am &-um fine .
*PAT:\tdis [: this] is xxx good .
*DOC:\tgood .
*PAT:\tI (.) want to go +/.
*DOC:\tmhm .
*PAT:\t+, home now .
*PAT:\tuh I &+th think 0is so .
@End
"""

JEFFERSON_FIXTURE = """\
Participants: Dr = Dr Smith (psychiatrist), P = Pat Jones (patient)

  1  Dr:   HELLO there, (.) how a::re you.
  2  P:    u:m (.) °not bad° heh heh
  3  Dr:   good.
  4  P:    I've been hearing ( ) voices
  5        they talk to m(h)e.
  6  Dr:   o- okay
"""


@pytest.fixture()
def chat_file(tmp_path: Path) -> Path:
    path = tmp_path / "visit.cha"
    path.write_text(CHAT_FIXTURE, encoding="utf-8")
    return path


@pytest.fixture()
def jefferson_file(tmp_path: Path) -> Path:
    path = tmp_path / "visit.txt"
    path.write_text(JEFFERSON_FIXTURE, encoding="utf-8")
    return path


def _read(path: Path) -> cakit.Transcript:
    result = cakit.read(path)
    assert not result.errors, [str(d) for d in result.errors]
    return result.transcript


# -- hand counts: CHAT -----------------------------------------------------------------

def test_counts_chat_words_follow_clan_exclusions(chat_file: Path) -> None:
    transcript = _read(chat_file)
    words = [spoken_words(utterance) for utterance in transcript.utterances]
    assert words == [
        ["how", "are", "you", "today"],
        ["I", "am", "fine"],  # <I I> [/] retraced, &-um a filler
        ["this", "is", "good"],  # dis [: this] → this; xxx not a word
        ["good"],
        ["I", "want", "to", "go"],
        ["mhm"],
        ["home", "now"],
        ["uh", "I", "think", "so"],  # a plain uh is a word to FREQ; &+th, 0is are not
    ]
    assert spoken_words(transcript.utterances[1], fillers=True) == ["I", "am", "um", "fine"]
    lengths = [utterance_length(utterance) for utterance in transcript.utterances]
    # MLU: xxx puts the utterance out; a plain uh is not counted
    assert lengths == [4, 3, None, 1, 4, 1, 2, 3]


def test_counts_chat_frequencies_by_role_match_hand_counts(chat_file: Path) -> None:
    tallies = tally(_read(chat_file), by="role")
    rows = {row.group: row for row in frequency_rows(tallies, "role")}
    assert list(rows) == ["clinician", "patient"]
    assert (rows["clinician"].tokens, rows["clinician"].types) == (6, 6)
    patient = rows["patient"]
    assert (patient.tokens, patient.types, patient.ttr) == (16, 14, 0.875)
    assert patient.frequencies[0] == ("i", 3)
    total = total_row(tallies)
    assert (total.tokens, total.types) == (22, 19)
    kept = frequency_rows(tally(_read(chat_file), by="role", keep_case=True), "role")
    assert ("I", 3) in kept[1].frequencies
    with_fillers = frequency_rows(tally(_read(chat_file), by="role", fillers=True), "role")
    assert (with_fillers[1].tokens, with_fillers[1].types) == (17, 15)


def test_counts_chat_mlu_matches_hand_counts(chat_file: Path) -> None:
    rows = {row.group: row for row in mlu_rows(tally(_read(chat_file), by="role"), "role")}
    patient = rows["patient"]
    # 3 (I am fine) · 4 + 2 (I want to go +/. … +, home now: one utterance) · 3 (I think so)
    assert (patient.utterances, patient.words, patient.mlu) == (3, 12, 4.0)
    assert patient.sd == pytest.approx(1.414, abs=0.001)
    assert (patient.turns, patient.mlt) == (3, 4.0)
    clinician = rows["clinician"]
    assert (clinician.utterances, clinician.words, clinician.mlu) == (3, 6, 2.0)
    by_speaker = mlu_rows(tally(_read(chat_file), by="speaker", file="visit.cha"), "speaker")
    assert [(row.group, row.role) for row in by_speaker] == [
        ("visit.cha:DOC", "clinician"), ("visit.cha:PAT", "patient")]


# -- hand counts: Jefferson ------------------------------------------------------------

def test_counts_jefferson_marks_removed_and_fillers_left_out(jefferson_file: Path) -> None:
    transcript = _read(jefferson_file)
    assert [spoken_words(u) for u in transcript.utterances] == [
        ["HELLO", "there", "how", "are", "you"],
        ["not", "bad"],  # u:m a filler; heh heh laugh particles, not words
        ["good"],
        ["I've", "been", "hearing", "voices", "they", "talk", "to", "me"],  # ( ) untranscribed
        ["o", "okay"],  # a cut-off word counts as written
    ]
    rows = {row.group: row for row in frequency_rows(tally(transcript), "role")}
    assert (rows["clinician"].tokens, rows["clinician"].types) == (8, 8)
    assert ("hello", 1) in rows["clinician"].frequencies  # capitals are loudness
    assert (rows["patient"].tokens, rows["patient"].types) == (10, 10)
    mlu = {row.group: row for row in mlu_rows(tally(transcript), "role")}
    # the utterance with ( ) is left out; the continuation line is the same utterance
    assert (mlu["patient"].utterances, mlu["patient"].words) == (1, 2)
    assert (mlu["clinician"].utterances, mlu["clinician"].words) == (3, 8)
    assert mlu["clinician"].mlu == 2.667


def test_counts_by_phase_needs_phases(chat_file: Path) -> None:
    transcript = _read(chat_file)
    with pytest.raises(ValueError, match="phase"):
        tally(transcript, by="phase")
    tallies = tally(transcript, by="phase", phase_of=lambda line: "OPENING" if line < 10
                    else "CLOSING")
    assert [row.group for row in frequency_rows(tallies, "phase")] == ["OPENING", "CLOSING"]


def test_counts_merge_adds_files(chat_file: Path, jefferson_file: Path) -> None:
    parts = [tally(_read(chat_file)), tally(_read(jefferson_file))]
    rows = {row.group: row for row in frequency_rows(merge(parts), "role")}
    assert rows["patient"].tokens == 16 + 10
    assert rows["clinician"].tokens == 6 + 8


# -- the commands ----------------------------------------------------------------------

def test_cli_freq_json_and_csv(runner, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    result = runner.invoke(cli, ["freq", str(chat_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["by"] == "role"
    patient = data["groups"][1]
    assert (patient["group"], patient["tokens"], patient["types"]) == ("patient", 16, 14)
    assert patient["words"]["i"] == 3
    assert data["total"]["tokens"] == 22
    result = runner.invoke(cli, ["freq", str(chat_file), "--format", "csv", "--summary"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "group,role,tokens,types,ttr", "clinician,clinician,6,6,1.0",
        "patient,patient,16,14,0.875", "TOTAL,,22,19,0.864"]
    result = runner.invoke(cli, ["freq", str(chat_file), "--format", "csv", "--top", "1"])
    assert result.output.splitlines()[1:] == ["clinician,clinician,are,1",
                                              "patient,patient,i,3", "TOTAL,,i,3"]


def test_cli_mlu_table_and_csv(runner, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    result = runner.invoke(cli, ["mlu", str(chat_file), "--by", "role", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "group,role,utterances,words,mlu,sd,turns,mlt",
        "clinician,clinician,3,6,2.0,1.414,3,2.0",
        "patient,patient,3,12,4.0,1.414,3,4.0",
        "TOTAL,,6,18,3.0,1.732,6,3.0"]  # lengths 4 1 1 3 6 3
    result = runner.invoke(cli, ["mlu", str(chat_file), "--no-deidentify"])
    assert result.exit_code == 0, result.output
    assert "visit.cha:PAT" in result.output and "4.000" in result.output
    assert "NOT de-identified" in result.stderr
    shown = runner.invoke(cli, ["mlu", str(chat_file)])  # the default: keyed pseudonyms
    assert shown.exit_code == 0 and "4.000" in shown.output
    assert "visit" not in shown.output and "PAT" not in shown.output.replace("patient", "")
    assert "[ID-" in shown.output and "[Patient-" in shown.output


def test_cli_csv_cells_cannot_become_formulas(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    path = tmp_path / "=1+1.cha"
    path.write_text(CHAT_FIXTURE, encoding="utf-8")
    result = runner.invoke(cli, ["mlu", str(path), "--by", "file", "--format", "csv",
                                 "--no-deidentify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("'=1+1.cha,")


def test_cli_reading_errors_exit_1(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    path = tmp_path / "broken.cha"
    path.write_text(CHAT_FIXTURE.replace("@ID:\teng|test|PAT|||||Participant|||\n", "")
                    .replace("*PAT:\tuh", "*XYZ:\tuh"), encoding="utf-8")
    result = runner.invoke(cli, ["freq", str(path), "--summary"])
    assert result.exit_code == 1
    assert "broken.cha" in result.output


# -- CLAN's definitions on a CHILDES file ------------------------------------------------

_BULLET = re.compile("\x15[^\x15]*\x15")
_OTHER_CODE = re.compile(r"\[(?![/:]|e\])[^\]]*\]|\[::[^\]]*\]")
_REPLACED_GROUP = re.compile(r"<[^<>]*>\s*\[:\s([^\]]*)\]")
_REPLACED_WORD = re.compile(r"\S+\s*\[:\s([^\]]*)\]")
_RETRACED_GROUP = re.compile(r"<[^<>]*>\s*\[(?:/{1,3}[-?]?|e)\]")
_RETRACED_WORD = re.compile(r"\S+\s*\[(?:/{1,3}[-?]?|e)\]")


def clan_counts(path: Path, speaker: str) -> tuple[Counter[str], list[int]]:
    """Word frequencies (lower-cased) and MLU utterance lengths of one speaker, by CLAN's
    default FREQ and MLU rules applied to the raw `*SPK:` text (continuations joined)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tiers: list[str] = []
    for line in lines:
        if line.startswith("*"):
            tiers.append(line)
        elif line.startswith("\t") and tiers and not tiers[-1].startswith("%"):
            tiers[-1] += " " + line.strip()
        elif line.startswith(("%", "@")):
            tiers.append("%")  # a dependent tier or header ends the main tier
    frequencies: Counter[str] = Counter()
    lengths: list[int] = []
    for tier in tiers:
        if not tier.startswith(f"*{speaker}:"):
            continue
        text = _BULLET.sub(" ", tier.split(":", 1)[1])
        text = _OTHER_CODE.sub(" ", text)  # [?] [!] [+ RES] [= x] [<] [>] …
        text = _REPLACED_GROUP.sub(r" \1 ", text)
        text = _REPLACED_WORD.sub(r" \1 ", text)
        text = _RETRACED_GROUP.sub(" ", text)
        text = _RETRACED_WORD.sub(" ", text)
        words: list[str] = []
        unintelligible = False
        for item in re.sub(r"[<>‹›“”]", " ", text).split():
            if item.lower() in ("xxx", "yyy", "www"):
                unintelligible = True
                continue
            if item.startswith(("&", "0", "#", "-", "+")) or re.fullmatch(r"\(\S*\)", item):
                continue  # fillers, events, omissions, pauses, linkers and terminators
            # form marker, shortening parentheses, lengthening `:` and syllable pause `^`
            word = re.sub(r"@\S*$", "", item)
            word = re.sub(r"[():^]", "", word).strip(".,?!")
            if word and re.search(r"\w", word):
                words.append(word.lower())
        frequencies.update(words)
        mlu_words = [word for word in words if word not in ("uh", "um")]
        if not unintelligible and mlu_words:
            lengths.append(len(mlu_words))
    return frequencies, lengths


@needs_shared
@pytest.mark.parametrize("speaker", ["CHI", "MOT"])
def test_counts_match_clan_definitions_on_eve(speaker: str) -> None:
    path = CHAT_DATA / "childes" / "eve.cha"
    text = path.read_text(encoding="utf-8")
    assert "\t+, " not in text, "eve.cha has no +, continuation: the counter ignores them"
    expected_words, expected_lengths = clan_counts(path, speaker)
    transcript = _read(path)
    rows = frequency_rows(tally(transcript, by="speaker", file="eve"), "speaker")
    row = next(r for r in rows if r.group == f"eve:{speaker}")
    assert dict(row.frequencies) == dict(expected_words)
    assert (row.tokens, row.types) == (sum(expected_words.values()), len(expected_words))
    mlu = next(r for r in mlu_rows(tally(transcript, by="speaker", file="eve"), "speaker")
               if r.group == f"eve:{speaker}")
    assert (mlu.utterances, mlu.words) == (len(expected_lengths), sum(expected_lengths))
    lengths = [n for u in transcript.utterances if u.speaker == speaker
               and (n := utterance_length(u)) is not None]
    assert lengths == expected_lengths


# -- pylangacq 0.19 on every CHILDES file --------------------------------------------------

def _pylangacq_word(word: str) -> bool:
    """pylangacq's words that CLAN does not count: terminators and other punctuation
    (`+...` comes out as `...`), omitted words (`0is`), untranscribed xxx/yyy/www."""
    return bool(re.search(r"\w", word)) and not word.startswith("0") \
        and word.lower() not in ("xxx", "yyy", "www")


@needs_shared
@pytest.mark.parametrize("path", chat_files("childes") or [None],
                         ids=lambda p: p.name if p else "no-shared-data")
def test_counts_agree_with_pylangacq(path: Path | None) -> None:
    import pylangacq  # a test dependency, pinned: the departures below are 0.19's

    assert pylangacq.__version__.startswith("0.19"), pylangacq.__version__
    assert path is not None
    reader = pylangacq.Reader.from_files([str(path)], parallel=False)
    transcript = _read(path)
    # word frequencies: pylangacq strips `+` from compounds (ice+cream → icecream)
    theirs: Counter[str] = Counter()
    for word, count in reader.word_frequencies(keep_case=False).items():
        if _pylangacq_word(word):
            theirs[word] += count
    ours: Counter[str] = Counter()
    for word, count in word_frequencies([transcript]).items():
        ours[word.replace("+", "")] += count
    assert ours == theirs
    # MLU lengths, utterance by utterance: pylangacq also counts plain uh/um, and does not
    # always leave out an utterance with xxx; CLAN's exclusions are applied to its words
    for speaker in sorted({u.speaker for u in transcript.utterances}):
        utterances = [u for u in transcript.utterances if u.speaker == speaker]
        their_words = reader.words(participants=speaker, by_utterances=True)
        assert len(their_words) == len(utterances)
        for utterance, words in zip(utterances, their_words, strict=True):
            if re.search(r"(?<![\w@])(?:xxx|yyy|www)\b", utterance.content):
                continue
            counted = [w for w in words if _pylangacq_word(w) and w.lower() not in ("uh", "um")]
            assert utterance_length(utterance) == (len(counted) or None), (
                f"{path.name}:{utterance.line}: {utterance.content}")
