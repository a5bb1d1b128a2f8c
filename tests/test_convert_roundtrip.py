"""`cakit convert` keeps what CHAT says, in CHAT → CHAT and CHAT → Jefferson → CHAT.

Real data: every CHAT file of the shared CABNC folder goes CHAT → Jefferson → CHAT with
`--lenient` through the CLI and must validate, keeping its utterances, overlap onsets and
media bullets (docs/convert.md). Constructed files check names, roles, @Media, `[>]`/`[<]`,
gems and comments, and that no header comes back doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cakit
from cakit.cli import cli
from cakit.formats.chat.reader import parse_chat
from cakit.formats.jefferson.writer import coincident_onsets
from cakit.model import Transcript
from cakit.summary import summarize

try:  # tests/ may or may not be a package; it is the same conftest either way
    from tests.conftest import DEMO, chat_files, needs_shared
except ModuleNotFoundError:  # pragma: no cover
    from conftest import DEMO, chat_files, needs_shared  # type: ignore[no-redef]

TAB_SEPARATED = {
    "021A-C0897X0026XX-AAZZP0.cha", "021A-C0897X0176XX-AAZZP0.cha",
    "021A-C0897X0519XX-ABZZP0.cha", "021A-C0897X0549XX-ABZZP0.cha",
}
CABNC = chat_files("cabnc-ca")
CABNC_CHAT = [path for path in CABNC if path.name not in TAB_SEPARATED]
CABNC_TABBED = [path for path in CABNC if path.name in TAB_SEPARATED]


def _params(files: list[Path]) -> list[object]:
    if not files:
        return [pytest.param(None, id="no-shared-data")]
    return [pytest.param(path, id=path.name) for path in files]


def _onsets(transcript: Transcript) -> int:
    """Overlap onsets: ⌈ and ⌊ (and Jefferson [), plus CHAT [>] and [<]."""
    return sum(
        1 for u in transcript.utterances for e in u.events
        if (e.kind == "overlap" and e.label.endswith("begin"))
        or (e.kind == "scoped" and e.label in ("<", ">"))
    )


def _bullets(transcript: Transcript) -> tuple[int, int]:
    """Utterances with media times, and pauses between turns with media times."""
    return (sum(1 for utterance in transcript.utterances if utterance.media is not None),
            sum(1 for gap in transcript.gaps if gap.media is not None))


def _convert(runner: CliRunner, source: Path, target: str, out: Path) -> Path:
    outcome = runner.invoke(cli, ["convert", str(source), "--to", target, "--lenient",
                                  "-o", str(out), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert "Traceback" not in outcome.output
    return out / source.with_suffix(".cha" if target == "chat" else ".txt").name


def _converted(sources: Sequence[Path], target: str, out: Path, *extra: str) -> Result:
    """`cakit convert SOURCES --to TARGET -o OUT`, which must succeed."""
    outcome = CliRunner().invoke(cli, ["convert", *map(str, sources), "--to", target, *extra,
                                       "-o", str(out), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    return outcome


@needs_shared
@pytest.mark.parametrize("path", _params(CABNC_CHAT))
def test_convert_roundtrip_cabnc_through_jefferson(path: Path, tmp_path: Path) -> None:
    assert len(CABNC_CHAT) == 30
    runner = CliRunner()
    jefferson = _convert(runner, path, "jefferson", tmp_path / "j")
    chat = _convert(runner, jefferson, "chat", tmp_path / "c")
    checked = runner.invoke(cli, ["validate", "--lenient", "--errors-only", "--no-color",
                                  str(chat)])
    assert checked.exit_code == 0, checked.output
    before = cakit.read(path).transcript
    after = cakit.read(chat).transcript
    assert len(after.utterances) == len(before.utterances)
    assert _bullets(after) == _bullets(before)
    # Jefferson puts one [ or [[ before a word for onsets that share it (`⌊terrible⌈`);
    # convert reports those (CK420), every other onset is kept
    assert _onsets(before) - coincident_onsets(before) <= _onsets(after) <= _onsets(before)


@needs_shared
@pytest.mark.parametrize("path", _params(CABNC_TABBED))
def test_convert_roundtrip_tab_separated_file_fails_clearly(path: Path, tmp_path: Path) -> None:
    outcome = CliRunner().invoke(cli, ["convert", str(path), "--to", "jefferson", "--lenient",
                                       "-o", str(tmp_path), "--no-color"])
    assert outcome.exit_code == 1
    assert f"{path}:1:1: CK108 no CHAT utterance" in outcome.output
    assert f"{path}: not converted" in outcome.output
    assert "Traceback" not in outcome.output
    assert not list(tmp_path.iterdir())


# -- constructed cases -----------------------------------------------------------------

SMALL = (
    "@UTF8\n@Begin\n@Languages:\teng\n"
    "@Participants:\tDOC Anna_Smith Doctor, PAT Bob Participant\n@Options:\tCA\n"
    "@ID:\teng|c|DOC|||||Doctor|||\n@ID:\teng|c|PAT|||||Participant|||\n"
    "@Media:\tsmall, audio\n@Comment:\thello there\n@Bg:\tintro\n"
    "*DOC:\thow <are you> [>] ? \x151000_2000\x15\n"
    "*PAT:\t<fine> [<] . \x152000_2500\x15\n"
    "@Comment:\tmid-file note\n@Eg:\tintro\n"
    "*DOC:\tgood ⌈ yes ⌉ . \x152500_3000\x15\n"
    "*PAT:\t⌊ mhm ⌋ . \x152600_3100\x15\n@End\n"
)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.cha"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _headers(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("@")]


def test_convert_roundtrip_chat_to_chat_is_verbatim(small: Path, tmp_path: Path) -> None:
    out = _convert(CliRunner(), small, "chat", tmp_path / "c")
    assert out.read_text(encoding="utf-8") == SMALL


def test_convert_roundtrip_jefferson_keeps_names_roles_media(small: Path,
                                                             tmp_path: Path) -> None:
    runner = CliRunner()
    jefferson = _convert(runner, small, "jefferson", tmp_path / "j")
    text = jefferson.read_text(encoding="utf-8")
    assert "Participants: DOC = Anna_Smith, clinician (Doctor); PAT = Bob, patient " \
           "(Participant)" in text
    assert "((media 00:01.000-00:02.000))" in text
    back = _convert(runner, jefferson, "chat", tmp_path / "c").read_text(encoding="utf-8")
    headers = _headers(back)
    assert "@Participants:\tDOC Anna_Smith Doctor, PAT Bob Participant" in headers
    assert "@ID:\teng|cakit|DOC|||||Doctor|||" in headers
    assert "@Media:\tsmall, audio" in headers
    assert "\x151000_2000\x15" in back and "\x152600_3100\x15" in back


def test_convert_roundtrip_jefferson_keeps_comments_and_gems(small: Path,
                                                             tmp_path: Path) -> None:
    runner = CliRunner()
    jefferson = _convert(runner, small, "jefferson", tmp_path / "j")
    back = _convert(runner, jefferson, "chat", tmp_path / "c").read_text(encoding="utf-8")
    headers = _headers(back)
    for line in ("@Comment:\thello there", "@Bg:\tintro", "@Comment:\tmid-file note",
                 "@Eg:\tintro"):
        assert line in headers, headers
    assert not [h for h in headers if h.startswith("@Comment:\t") and ":" in h[10:]], headers
    assert headers.index("@Comment:\tmid-file note") < headers.index("@Eg:\tintro")


def test_convert_roundtrip_jefferson_keeps_scoped_overlaps(small: Path,
                                                           tmp_path: Path) -> None:
    runner = CliRunner()
    jefferson = _convert(runner, small, "jefferson", tmp_path / "j")
    lines = jefferson.read_text(encoding="utf-8").splitlines()
    top = next(line for line in lines if "how" in line)
    bottom = next(line for line in lines if "fine" in line)
    assert top.index("[are") == bottom.index("[fine")  # aligned, so read back as a pair
    chat = _convert(runner, jefferson, "chat", tmp_path / "c")
    result = parse_chat(chat.read_text(encoding="utf-8"), source=str(chat), stem="small")
    assert not result.errors
    assert summarize(result.transcript).overlaps == 2
    assert summarize(cakit.read(small).transcript).overlaps == 2


def test_convert_roundtrip_summary_counts_scoped_overlaps(small: Path) -> None:
    transcript = cakit.read(small).transcript
    assert summarize(transcript).overlaps == 2  # one [>]/[<] pair and one ⌈ ⌊ pair


def test_convert_roundtrip_jefferson_warns_what_it_leaves_out(small: Path,
                                                               tmp_path: Path) -> None:
    text = SMALL.replace("@ID:\teng|c|PAT|||||", "@ID:\teng|c|PAT|60;01.01||||").replace(
        "*PAT:\t<fine> [<] . \x152000_2500\x15\n",
        "*PAT:\t<fine> [<] . \x152000_2500\x15\n%com:\tquietly\n")
    small.write_text(text, encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["convert", str(small), "--to", "jefferson", "-o",
                                       str(tmp_path / "j"), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert f"{small}:1:1: CK420 Jefferson cannot hold 1 dependent tier" in outcome.output
    assert "@ID details (age, sex, SES …) of 1 participant" in outcome.output


def test_convert_roundtrip_jefferson_warns_of_bullets_inside_utterances(
        small: Path, tmp_path: Path) -> None:
    """A CA turn timed in segments keeps one time in Jefferson, from its first bullet to
    its last; the inner bullets are reported, not dropped silently (an audit found 11 in
    one CABNC file gone without a word)."""
    small.write_text(SMALL.replace("*DOC:\tgood ⌈ yes ⌉ . \x152500_3000\x15\n",
                                   "*DOC:\tgood \x152400_2600\x15 ⌈ yes ⌉ . "
                                   "\x152600_3000\x15\n"), encoding="utf-8")
    (utterance,) = [u for u in cakit.read(small).transcript.utterances if "good" in u.words]
    assert utterance.media is not None
    assert (utterance.media.start_ms, utterance.media.end_ms) == (2400, 3000)
    outcome = CliRunner().invoke(cli, ["convert", str(small), "--to", "jefferson", "-o",
                                       str(tmp_path / "j"), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert "CK420 Jefferson cannot hold 1 media bullet inside utterances" in outcome.output
    written = (tmp_path / "j" / "small.txt").read_text(encoding="utf-8")
    assert "((media 00:02.400-00:03.000))" in written


def test_convert_roundtrip_lenient_names_each_relaxed_talk_line(small: Path,
                                                                tmp_path: Path) -> None:
    small.write_text(SMALL.replace("*PAT:\t<fine> [<] .", "*PAT:\t<fine> [<] [...] ."),
                     encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["convert", str(small), "--to", "jefferson", "--lenient",
                                       "-o", str(tmp_path / "j"), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert f"{small}:12:" in outcome.output
    assert "E312 unknown annotation '[...]' (relaxed by --lenient)" in outcome.output


def test_convert_roundtrip_lenient_relaxes_header_problems(small: Path,
                                                            tmp_path: Path) -> None:
    small.write_text(SMALL.replace("@ID:\teng|c|PAT|||||", "@ID:\teng|c|PAT|60;1.1||||")
                     .replace("@Options:\tCA", "@Options:\tCA, heritage"), encoding="utf-8")
    runner = CliRunner()
    strict = runner.invoke(cli, ["convert", str(small), "--to", "chat", "-o",
                                 str(tmp_path / "s"), "--no-color"])
    assert strict.exit_code == 1
    assert "E517 invalid age '60;1.1'" in strict.output
    assert "hint: pass --lenient" in strict.output
    assert "Traceback" not in strict.output
    lenient = _convert(runner, small, "chat", tmp_path / "l")
    assert lenient.is_file()
    shown = runner.invoke(cli, ["convert", str(small), "--to", "jefferson", "--lenient", "-o",
                                str(tmp_path / "j"), "--no-color"]).output
    assert f"{small}:1:1: E517 relaxed by --lenient (1 ×)" in shown
    checked = runner.invoke(cli, ["validate", "--lenient", "--no-color", str(lenient)])
    assert checked.exit_code == 0, checked.output
    assert "E517" in checked.output  # still reported, as a warning


def test_convert_roundtrip_unclosed_gem_from_jefferson_stays_a_comment(tmp_path: Path) -> None:
    source = tmp_path / "bg.txt"
    source.write_text("Participants: Dr = doctor; P = patient\n\n1 Dr: hello.\n"
                      "2    ((@Bg: x))\n3 P: hi.\n", encoding="utf-8")
    chat = _convert(CliRunner(), source, "chat", tmp_path / "c")
    assert "@Comment:\tBg: x" in _headers(chat.read_text(encoding="utf-8"))


def test_convert_roundtrip_laughter_survives_jefferson_to_chat(tmp_path: Path) -> None:
    """An audit converted Jefferson laughter to CHAT and found 6 words and 12 laughs become
    9 words and 9 laughs: "huh huh" read as words, `∙shih` (laughing on the in-breath) as a
    word, and `&=both_laugh` not as laughter. Both readers now read them alike."""
    source = tmp_path / "laughs.txt"
    source.write_text("Dr:   hih hih hih that's funny\nP:    HAH HAH yeah heheh\n"
                      "Dr:   huh huh .shih\nP:    hahaha l(h)i(h)ke really ((both laugh))\n"
                      "Dr:   eh heh\nP:    huh? what did you say\n", encoding="utf-8")
    chat = _convert(CliRunner(), source, "chat", tmp_path / "out")
    before, after = (summarize(cakit.read(p).transcript) for p in (source, chat))
    assert (after.words, after.laughter, after.in_breaths) == (
        before.words, before.laughter, before.in_breaths)
    assert before.laughter >= 11  # every particle, the (h) word and ((both laugh))
    assert "huh" in [t.clean for u in cakit.read(chat).transcript.utterances
                     for t in u.tokens]  # a lone "huh?" stays a word


def test_convert_roundtrip_jefferson_writes_no_omitted_word_and_cuts_fragments(
        tmp_path: Path) -> None:
    """An audit found `the boy 0is falling down` written as `the boy is falling down` (a
    word the child did not say, counted), `&+fr` as the word `fr` and `&~gaga` as `gaga`,
    with no CK420. The omission is left out and said, the fragment is cut off (`fr-`),
    and the nonword's lost marking is said."""
    source = tmp_path / "kid.cha"
    source.write_text(
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, INV Investigator\n"
        "@ID:\teng|c|CHI|||||Target_Child|||\n@ID:\teng|c|INV|||||Investigator|||\n"
        "*INV:\twhat is he doing ?\n*CHI:\tthe boy 0is &+fr &~gaga falling down .\n@End\n",
        encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["convert", str(source), "--to", "jefferson", "-o",
                                       str(tmp_path / "j"), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert "CK420 Jefferson cannot hold 1 omitted word (0word" in outcome.output
    assert "1 nonword (&~: written as words)" in outcome.output
    written = (tmp_path / "j" / "kid.txt").read_text(encoding="utf-8")
    assert "the boy fr- gaga falling down." in written
    before, after = (summarize(cakit.read(p).transcript) for p in (source,
                                                                     tmp_path / "j" / "kid.txt"))
    assert after.words == before.words == 10  # the omission is no word in either


def test_convert_roundtrip_jefferson_keeps_stu_and_bracketed_stu_apart(tmp_path: Path) -> None:
    """CABNC writes both `*STU:` and `*(STU):` in one file; an audit found both written as
    `STU`, merging two speakers (7 codes became 5) without a word."""
    source = tmp_path / "two.cha"
    source.write_text(
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tSTU Stuart Engineer, MAR Mark "
        "Engineer\n@Options:\tCA\n@ID:\teng|c|STU|||||Engineer|||\n@ID:\teng|c|MAR|||||"
        "Engineer|||\n*STU:\twell I don't know\n*(STU):\tsomething else\n"
        "*MAR:\tright\n@End\n", encoding="utf-8")
    written = _convert(CliRunner(), source, "jefferson", tmp_path / "j")
    speakers = [u.speaker for u in cakit.read(written).transcript.utterances]
    assert speakers == ["STU", "STU2", "MAR"]
    assert "STU2 = unknown" in written.read_text(encoding="utf-8")


def test_convert_roundtrip_a_media_name_unlike_the_file_name_is_said_not_refused(
        tmp_path: Path) -> None:
    """An audit found every real ELAN file refused by `convert --to chat` (its media is
    `r03_v20_s5.wav`, the file `sample_3.0.eaf`) with "a cakit bug; please report it",
    and a Jefferson file whose `Media:` names another recording the same. The mismatch is
    the source's: E531 is shown as a warning, the file converted, the suffix dropped."""
    source = tmp_path / "session.txt"
    source.write_text("Media: r03_v20_s5.wav, audio\n\nDr:   hello ((media 00:01.000-00:02.000))\n"
                      "P:    hi ((media 00:02.000-00:02.500))\n", encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["convert", str(source), "--to", "chat", "-o",
                                       str(tmp_path / "c"), "--no-color"])
    assert outcome.exit_code == 0, outcome.output
    assert "E531 media name 'r03_v20_s5' does not match the file name 'session'" in \
        outcome.output
    assert "cakit bug" not in outcome.output
    assert "@Media:\tr03_v20_s5, audio\n" in (tmp_path / "c" / "session.cha").read_text(
        encoding="utf-8")


def test_convert_roundtrip_a_speaker_declared_unknown_stays_unknown(tmp_path: Path) -> None:
    """A Jefferson `REG = unknown` is written to CHAT as `Unidentified`; read back, REG
    must not become a clinician by its label (registrar): the counts would change, and
    cakit never guesses a role."""
    source = tmp_path / "j.txt"
    source.write_text("Participants: PAT = Bob, patient (Participant); REG = unknown\n\n"
                      "PAT:  I hear voices at night.\nREG:  okay.\nPAT:  they talk about me.\n"
                      "REG:  right, what do they say?\n", encoding="utf-8")
    written = _convert(CliRunner(), source, "chat", tmp_path / "out")
    assert "REG Unidentified" in written.read_text(encoding="utf-8")
    roles = {p.code: p.role for p in cakit.read(written).transcript.participants}
    original = {p.code: p.role for p in cakit.read(source).transcript.participants}
    assert original == {"PAT": "patient", "REG": "unknown"} and roles == original
    runner = CliRunner()
    reports = [runner.invoke(cli, ["report", str(path), "--no-store", "--by", "consultation",
                                   "--format", "csv"]) for path in (source, written)]
    # the CHAT file says the role is not known, so its reading names REG (CK301); the
    # Jefferson declaration is read as given. Either way REG is nobody's clinician
    assert "CK301 speaker REG (CHAT role 'Unidentified') has no cakit role" in reports[1].stderr
    rows = [report.stdout.splitlines()[1].split(",")[3:] for report in reports]
    assert rows[0] == rows[1]


def test_convert_roundtrip_untimed_pauses_stay_pauses_in_jefferson(tmp_path: Path) -> None:
    # CHAT `&=pause` (a BNC <pause>: nobody timed it) has no Jefferson mark: it is written
    # `((pause))`, which read back as a comment until an outside review saw CABNC lose
    # 96 of 117 pauses (and HESITATE codes with them) on the way to Jefferson
    source = tmp_path / "p.cha"
    source.write_text("@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Ann Doctor, "
                      "PAT Bob Participant\n@ID:\teng|c|DOC|||||Doctor|||\n"
                      "@ID:\teng|c|PAT|||||Participant|||\n*DOC:\tanything else ?\n"
                      "*PAT:\t&=pause the voices again .\n*DOC:\tright &=pause okay .\n@End\n",
                      encoding="utf-8")
    written = _convert(CliRunner(), source, "jefferson", tmp_path / "out")
    assert written.read_text(encoding="utf-8").count("((pause))") == 2
    pauses = [e for u in cakit.read(written).transcript.utterances for e in u.events
              if e.kind == "pause"]
    assert [(e.label, e.value) for e in pauses] == [("untimed", None)] * 2
    assert summarize(cakit.read(written).transcript).pauses == \
        summarize(cakit.read(source).transcript).pauses == 2


@needs_shared
def test_convert_roundtrip_bnc_pauses_survive_jefferson(tmp_path: Path) -> None:
    path = next(path for path in CABNC if path.name == "021A-C0897X0040XX-ABZZP0.cha")
    written = _convert(CliRunner(), path, "jefferson", tmp_path / "out")
    before = summarize(cakit.read(path).transcript)
    assert before.pauses > 100
    assert summarize(cakit.read(written).transcript).pauses == before.pauses


def test_convert_says_when_the_converted_file_counts_differently(tmp_path: Path) -> None:
    # CHAT-CA reads `tk` as a word, Jefferson as a tongue click: the word count changes,
    # and convert says which figure did
    source = tmp_path / "small.cha"  # the name its @Media gives
    source.write_text(SMALL.replace("*DOC:\tgood", "*DOC:\ttk good"), encoding="utf-8")
    outcome = _converted([source], "jefferson", tmp_path / "j")
    before = summarize(cakit.read(source).transcript)
    after = summarize(cakit.read(tmp_path / "j" / "small.txt").transcript)
    assert after.words == before.words - 1
    assert "CK421 the converted file counts differently: " in outcome.stderr
    assert f"words {before.words} → {after.words}" in outcome.stderr
    (tmp_path / "plain").mkdir()
    plain = tmp_path / "plain" / "small.cha"
    plain.write_text(SMALL, encoding="utf-8")
    same = _converted([plain], "eaf", tmp_path / "eaf")
    assert "CK421" not in same.output


def test_convert_a_role_chat_does_not_list_is_written_as_one_that_reads_back(
        tmp_path: Path) -> None:
    # `Grandma` is no CHAT role: written as it was, the file did not validate and the
    # conversion was refused as "a cakit bug"; with --lenient the carer came back unknown
    source = tmp_path / "g.txt"
    source.write_text("Participants: DOC = Ann, clinician (Doctor); GRA = Gran, carer "
                      "(Grandma); PAT = Bob, patient\n\nDOC:  hello.\nGRA:  hi.\nPAT:  hi.\n",
                      encoding="utf-8")
    outcome = _converted([source], "chat", tmp_path / "out")
    assert "CK420 CHAT cannot hold the roles GRA 'Grandma' → Relative" in outcome.stderr
    assert "CK421" not in outcome.stderr
    written = tmp_path / "out" / "g.cha"
    assert "GRA Gran Relative" in written.read_text(encoding="utf-8")
    back = cakit.read(written)
    assert back.errors == ()
    assert {p.code: p.role for p in back.transcript.participants} == \
        {p.code: p.role for p in cakit.read(source).transcript.participants}


@needs_shared
def test_convert_chat_to_chat_counts_the_same_on_real_files(tmp_path: Path) -> None:
    # verbatim: read back (relaxed as the source was), every figure is the source's
    outcome = _converted(CABNC_CHAT, "chat", tmp_path, "--lenient")
    assert "CK421" not in outcome.output
    jefferson = _converted(CABNC_CHAT, "jefferson", tmp_path / "j", "--lenient")
    assert "CK421" in jefferson.stderr  # CA marks, docs/convert.md


def test_convert_clicks_stay_sounds_from_jefferson_to_chat(tmp_path: Path) -> None:
    # `pt` and `tch` were written `&=pt`, `&=tch` and read back as transcriber's comments,
    # so the demo consultation 07 gained "non-verbal notes" it never had (outside review)
    sources = sorted(DEMO.glob("*.txt"))
    _converted(sources, "chat", tmp_path)

    def sounds(transcript: Transcript) -> list[tuple[str, str]]:
        # CHAT writes a comment's spaces as `_` (`&=rolls_sleeve`)
        return [(e.kind, e.label.replace("_", " ")) for u in transcript.utterances
                for e in u.events if e.kind in ("sound", "comment")]

    clicked = 0
    for source in sources:
        before = cakit.read(source).transcript
        after = cakit.read(tmp_path / source.with_suffix(".cha").name).transcript
        assert sounds(after) == sounds(before), source.name
        clicked += any(kind == "sound" for kind, _ in sounds(before))
    assert clicked >= 1


def test_convert_demo_to_elan_keeps_every_reported_figure(tmp_path: Path) -> None:
    # an outside review found ELAN conversion changing codes: CHAT talk written as CHAT
    # (⌈ ⌉, &=laughs) and pauses on their own line dropped. Now the report of the EAF
    # files is the report of the demo, row by row
    out = tmp_path / "eaf"
    _converted([DEMO], "eaf", out)
    (out / "cakit.yaml").write_text("roles:\n  Gran: carer\n", encoding="utf-8")  # the demo's

    def rows(folder: Path) -> dict[str, list[str]]:
        result = CliRunner().invoke(cli, ["report", str(folder), "--by", "consultation",
                                          "--format", "csv", "--no-store"])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        # consultation id, then every count; the format and sha256 differ by nature
        return {line.split(",")[0]: line.split(",")[3:] for line in lines[1:]}

    before, after = rows(DEMO), rows(out)
    assert len(before) == 14
    assert after == before


def test_convert_to_elan_keeps_an_undeclared_speaker_unknown(tmp_path: Path) -> None:
    # CABNC 021A-C0897X0298XX: REG speaks without being declared; the EAF held no role for
    # it, and read back REG was a registrar (a clinician) by the built-in label map
    source = tmp_path / "small.cha"
    source.write_text(SMALL.replace("*PAT:\t⌊ mhm ⌋ .", "*REG:\t⌊ mhm ⌋ ."), encoding="utf-8")
    _converted([source], "eaf", tmp_path / "e", "--lenient")
    roles = {p.code: p.role for p in cakit.read(tmp_path / "e" / "small.eaf").transcript
             .participants}
    assert roles["REG"] == "unknown" and roles["DOC"] == "clinician"


def test_convert_roundtrip_phase_marks_stay_phase_marks_in_chat(tmp_path: Path) -> None:
    """An outside review: Jefferson `((phase: …))` lines were written to CHAT as
    `@Comment: phase: …`, which the CHAT reader does not take as a phase mark, so the
    analyst's phases were replaced by the automatic ones without a word. They are now lazy
    gems (`@G: examination`), and a comment that names no phase stays a comment."""
    from cakit.phase_marks import manual_marks

    source = tmp_path / "m.txt"
    source.write_text("((phase: opening))\nDr:    morning, come and sit down.\nP:     morning.\n"
                      "((phase: examination))\nDr:    how have things been?\n"
                      "P:     not good. I keep hearing voices at night.\n"
                      "((phase: not sure yet))\nDr:    what do the voices say?\n"
                      "((phase: closing))\nDr:    okay see you in a month.\nP:     bye.\n",
                      encoding="utf-8")
    chat = _convert(CliRunner(), source, "chat", tmp_path / "c")
    text = chat.read_text(encoding="utf-8")
    assert "@G:\texamination" in text and "@Comment:\tphase: not sure yet" in text
    before, after = (cakit.read(p).transcript for p in (source, chat))
    assert manual_marks(after.headers) == manual_marks(before.headers)
    assert [m for _, m in manual_marks(after.headers)] == ["OPENING", "EXAMINATION", "CLOSING"]


def test_convert_roundtrip_clinicians_stay_apart_and_keep_declared_names(tmp_path: Path) -> None:
    """An outside review: Jefferson → CHAT wrote the label as the participant's name (`DR
    Dr Therapist`), and `report --by clinician` groups clinicians by declared name, so every
    converted consultation's "Dr" became one clinician; a header's `Dr = Dr Okafor` became
    "Dr". The report now reads the same clinicians from the converted file."""
    from cakit.profile import participant_names

    plain = tmp_path / "a.txt"
    plain.write_text("Dr:    how have things been?\nP:     the voices are back.\n",
                     encoding="utf-8")
    named = tmp_path / "b.txt"
    named.write_text("Participants: Dr = Dr Okafor (psychiatrist), P = Kevin Brennan (patient)"
                     "\n\nDr:    how have things been?\nP:     the voices are back.\n",
                     encoding="utf-8")
    for source in (plain, named):
        chat = _convert(CliRunner(), source, "chat", tmp_path / "c")
        before = participant_names(cakit.read(source).transcript)
        after = participant_names(cakit.read(chat).transcript)
        assert before.get("Dr") == after.get("DR"), (source.name, before, after)
    assert participant_names(cakit.read(tmp_path / "c" / "b.cha").transcript)["DR"] == \
        "Dr Okafor"
    assert "DR" not in participant_names(cakit.read(tmp_path / "c" / "a.cha").transcript)


def test_convert_roundtrip_says_when_freq_and_mlu_words_change(tmp_path: Path) -> None:
    """An outside review: CHAT → Jefferson turned retraced words, replacements and fragments
    into words (CHI MLU 4.0 → 5.333) and CK421 said nothing: it compared `summary`'s
    figures only, which count retraced words anyway."""
    source = tmp_path / "kids.cha"
    source.write_text(
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, MOT Mother\n"
        "@ID:\teng|qa|CHI|3;00.||||Target_Child|||\n@ID:\teng|qa|MOT|||||Mother|||\n"
        "*MOT:\tdo you want the ball ?\n*CHI:\t<I want> [/] I want (be)cause it is red .\n"
        "*CHI:\tdis [: this] one .\n*CHI:\tthe doggy is running [//] runs &+fa fast .\n"
        "@End\n", encoding="utf-8")
    result = _converted([source], "jefferson", tmp_path / "j")
    assert result.exit_code == 0, result.output
    assert "CK421" in result.stderr and "words freq counts 18 → 22" in result.stderr
    assert "words mlu counts" in result.stderr


def test_convert_roundtrip_back_to_back_overlaps_of_three_speakers_stay_apart(
        tmp_path: Path) -> None:
    """An outside review: a `[>]`/`[<]` overlap right after another overlap, with a third
    speaker, was written with all four `[` in one column; read back, three made one
    three-party overlap and the fourth was unpaired (CK305 on cakit's own output), and who
    overlapped whom changed. The later overlap is now written three columns apart."""
    source = tmp_path / "ca.cha"
    source.write_text(
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Doc Therapist, PAT Pat "
        "Participant, MOT Mum Mother\n@Options:\tCA\n@ID:\teng|qa|DOC|||||Therapist|||\n"
        "@ID:\teng|qa|PAT|||||Participant|||\n@ID:\teng|qa|MOT|||||Mother|||\n"
        "*DOC:\tso how are you ⇗\n*MOT:\t⌈ yes ⌉ no:: ⇘\n*DOC:\t⌊ mm ⌋ right ⇘\n"
        "*PAT:\t<I know> [>] .\n*MOT:\t<me too> [<] .\n@End\n", encoding="utf-8")
    jefferson = _convert(CliRunner(), source, "jefferson", tmp_path / "j")
    back = cakit.read(jefferson)
    assert not [d for d in back.diagnostics if d.code == "CK305"]

    def pairs(transcript: Transcript) -> set[frozenset[str]]:
        found: dict[str, set[str]] = {}
        for utterance in transcript.utterances:
            for event in utterance.events:
                if event.kind == "overlap" and event.link and event.label.endswith("begin"):
                    found.setdefault(event.link, set()).add(
                        f"{utterance.speaker}{utterance.index}")
        return {frozenset(members) for members in found.values()}

    assert pairs(back.transcript) == {frozenset({"MOT1", "DOC2"}), frozenset({"PAT3", "MOT4"})}
