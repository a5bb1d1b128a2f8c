"""The codebook as data: validation with YAML positions, edits without touching Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from cakit.annotate import Annotator, load_codebook, parse_codebook
from cakit.annotate.codebook import PACKAGED_CODEBOOK
from cakit.errors import CodebookError
from tests.annotate._helpers import FIRST, OPENING

SOURCE = (PACKAGED_CODEBOOK).read_text(encoding="utf-8")


def test_project_codebook_loads() -> None:
    codebook = load_codebook(PACKAGED_CODEBOOK)
    assert codebook.version
    assert {c.name for c in codebook.lexicon} >= {"voices", "persecution", "medication"}
    assert codebook.thresholds.hesitate_gap_s == 1.0
    assert "ENGAGE_EXPLORE" in codebook.subtypes("ENGAGE")


def _problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "bad.yaml")
    return [(d.span.line, d.span.col, d.message) for d in caught.value.diagnostics]


def test_every_problem_is_reported_at_its_yaml_line() -> None:
    text = SOURCE.replace("hesitate_gap_s: 1.0", "hesitate_gap_s: soon", 1)
    text = text.replace(
        "  voices:\n    section: A", "  voices:\n    section: A\n    colour: red", 1
    )
    problems = _problems(text)
    lines = text.split("\n")
    messages = [m for _, _, m in problems]
    assert any("hesitate_gap_s" in m for m in messages)
    assert any("unknown pattern key" in m or "colour" in m for m in messages) or len(problems) >= 1
    for line, _, message in problems:
        if "hesitate_gap_s" in message:
            assert "hesitate_gap_s" in lines[line - 1]


def test_unknown_word_class_and_pattern_key() -> None:
    text = SOURCE.replace(
        "[[$agent], [$persecute], [me, my, us]]", "[[$agents], [$persecute], [me]]", 1
    )
    text = text.replace(
        "      - following me\n", "      - {phrase: following me, colour: red}\n", 1
    )
    problems = _problems(text)
    assert any("unknown word class '$agents'" in m for _, _, m in problems)
    assert any("unknown pattern key 'colour'" in m for _, _, m in problems)
    line = next(line for line, _, m in problems if "colour" in m)
    assert "colour" in text.split("\n")[line - 1]


def test_a_pattern_id_names_one_pattern() -> None:
    """Evidence cites a rule by its id, so two patterns with one id (even in different
    sections) are an error at the second, naming the first."""
    duplicate = "      - {phrase: tailing me, id: voices.hear_someone}\n"
    text = SOURCE.replace("      - following me\n", "      - following me\n" + duplicate, 1)
    problems = _problems(text)
    twice = [(line, m) for line, _, m in problems if "used twice" in m]
    assert len(twice) == 1, problems
    line, message = twice[0]
    assert "'voices.hear_someone'" in message
    assert "tailing me" in text.split("\n")[line - 1]
    first = int(message.rsplit("line ", 1)[1].rstrip(")"))
    assert "id: voices.hear_someone" in text.split("\n")[first - 1]


@pytest.mark.parametrize("bad_id", ['""', "context.voices.anaphora"])
def test_a_pattern_id_is_not_empty_nor_the_annotators_own(bad_id: str) -> None:
    extra = f"      - {{phrase: tailing me, id: {bad_id}}}\n"
    text = SOURCE.replace("      - following me\n", "      - following me\n" + extra, 1)
    problems = _problems(text)
    assert any("cannot be used" in m for _, _, m in problems), problems


def test_near_slot_words_are_single_words() -> None:
    text = SOURCE.replace("[[$agent], [$persecute], [me, my, us]]",
                          "[[$agent], [$persecute], [me, \"all of us\"]]", 1)
    problems = _problems(text)
    assert any("'all of us' has a space" in m for _, _, m in problems)


def test_missing_frame_and_bad_yaml() -> None:
    problems = _problems(SOURCE.replace("  empathy_frames:", "  empathy_framez:", 1))
    assert any("'empathy_frames' is missing" in m for _, _, m in problems)
    problems = _problems("version: 1\nthresholds: [unclosed\n")
    assert problems and "YAML" in problems[0][2]


def test_blank_pipeline_only() -> None:
    text = SOURCE.replace("      - following me\n", "      - {tokens: [{POS: VERB}]}\n", 1)
    problems = _problems(text)
    assert any("trained spaCy pipeline" in m for _, _, m in problems)


def test_researcher_adds_a_phrase_without_python(tmp_path: Path) -> None:
    import cakit

    transcript_path = tmp_path / "t.txt"
    transcript_path.write_text(OPENING + "P:  the pixies are at the gate again.\nD:  mm.\n",
                               encoding="utf-8")
    transcript = cakit.read(transcript_path).transcript
    before = Annotator(load_codebook(PACKAGED_CODEBOOK)).annotate(transcript)
    assert before.attempts == ()
    edited = tmp_path / "codebook.yaml"
    edited.write_text(SOURCE.replace("      - following me\n",
                                     "      - following me\n      - pixies are at the gate\n", 1),
                      encoding="utf-8")
    after = Annotator(load_codebook(edited)).annotate(transcript)
    assert [a.line for a in after.attempts] == [FIRST]
    assert after.attempts[0].categories[0] == "persecution"


def test_threshold_change_changes_coding(tmp_path: Path) -> None:
    import cakit

    path = tmp_path / "t.txt"
    path.write_text(
        OPENING + "P:  the voices tell me I'm useless.\n    (0.8)\nD:  what do they say?\n",
        encoding="utf-8",
    )
    transcript = cakit.read(path).transcript
    default = Annotator(load_codebook(PACKAGED_CODEBOOK)).annotate(transcript)
    assert "HESITATE" not in default.responses[0].modifiers
    edited = tmp_path / "codebook.yaml"
    edited.write_text(SOURCE.replace("hesitate_gap_s: 1.0", "hesitate_gap_s: 0.7", 1),
                      encoding="utf-8")
    sensitive = Annotator(load_codebook(edited)).annotate(transcript)
    assert "HESITATE" in sensitive.responses[0].modifiers


def test_codebook_cli(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cakit.cli import cli

    ok = runner.invoke(cli, ["codebook", "check", str(PACKAGED_CODEBOOK)])
    assert ok.exit_code == 0 and "ok:" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(SOURCE.replace("hesitate_gap_s: 1.0", "hesitate_gap_s: -1", 1), encoding="utf-8")
    failed = runner.invoke(cli, ["codebook", "check", str(bad)])
    assert failed.exit_code == 1
    assert f"{bad}:" in failed.output and "CK402" in failed.output
    shown = runner.invoke(cli, ["codebook", "show", str(PACKAGED_CODEBOOK), "--no-color"])
    assert shown.exit_code == 0 and "persecution" in shown.output
    assert "departs from its coding scheme" in shown.output  # deviations are data, and shown


def test_codebook_a_key_written_twice_is_an_error_not_a_silent_replacement() -> None:
    # an outside review appended a second `voices:` category to add one phrase: YAML kept
    # only the second, 54 built-in patterns went, `codebook check` said ok, and the demo's
    # attempts fell from 34 to 30
    first = SOURCE.index("\nlexicon:\n  voices:\n")
    lexicon = first + len("\nlexicon:\n")
    second = "  voices:\n    section: A\n    label: one more phrase\n"
    doubled = SOURCE[:lexicon] + second + SOURCE[lexicon:]
    with pytest.raises(CodebookError) as raised:
        parse_codebook(doubled, source="twice.yaml")
    messages = [str(d) for d in raised.value.diagnostics]
    assert any("CK402" in m and "'voices' appears twice" in m for m in messages), messages
