"""The one table of marks (`cakit.notation.MARKS`): consistent, documented, and what each
writer writes reads back as what it was written for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cakit.formats.chat import tokens as chat_tokens
from cakit.formats.chat.reader import parse_chat
from cakit.formats.jefferson import marks as jefferson_marks
from cakit.formats.jefferson import parse_jefferson
from cakit.model import Feature, Utterance
from cakit.notation import (
    CA_ATTACHED,
    CA_INTONATION,
    CA_PAIRED,
    CHAT_PREFIX_MARKS,
    CHAT_SPAN_MARKS,
    INTONATION_TO_CA,
    INTONATION_TO_JEFFERSON,
    JEFFERSON_PREFIX_MARKS,
    JEFFERSON_SPAN_MARKS,
    MARKS,
    markdown_table,
    pause_value,
    written_mark,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "notation.md"
READERS = ("jefferson", "gat2", "chat")
CA_HEAD = (
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child\n@Options:\tCA\n"
    "@ID:\teng|corpus|CHI|||||Target_Child|||\n"
)


def jefferson_turn(content: str) -> Utterance:
    result = parse_jefferson([f"P: {content}"], source="t.txt")
    assert not result.errors, [str(d) for d in result.errors]
    (utterance,) = result.transcript.utterances
    return utterance


def chat_turn(content: str) -> Utterance:
    result = parse_chat(f"{CA_HEAD}*CHI:\t{content}\n@End\n", source="t.cha")
    assert not result.errors, [str(d) for d in result.errors]
    (utterance,) = result.transcript.utterances
    return utterance


def features_of(utterance: Utterance, clean: str) -> int:
    return next(t.features for t in utterance.tokens if t.clean == clean)


# --- the table itself ----------------------------------------------------------------------


def test_notation_doc_holds_the_generated_table() -> None:
    assert markdown_table() in DOC.read_text(encoding="utf-8"), (
        "docs/notation.md is out of date: paste the output of "
        "cakit.notation.markdown_table() between its BEGIN/END comments"
    )


def test_notation_rows_are_well_formed() -> None:
    for mark in MARKS:
        records = [bool(mark.feature), bool(mark.event), bool(mark.token)]
        assert sum(records) <= 1, mark
        assert mark.notations and mark.read, mark
        assert (mark.place == "span") <= bool(mark.close), mark
        assert mark.value is None or mark.kind == "pause", mark
        # conversions belong to one writer's notation
        assert not mark.also_writes or len(mark.write) == 1, mark
        assert not mark.feature or mark.place != "item", mark


@pytest.mark.parametrize("reader", READERS)
def test_notation_no_mark_means_two_things_to_one_reader(reader: str) -> None:
    """Two rows a reader looks up under the same mark would silently shadow each other."""
    looked_up: Counter[tuple[str, str]] = Counter()
    for mark in MARKS:
        if reader not in mark.read:
            continue
        group = "span" if mark.place == "span" else "word" if mark.feature else mark.kind
        looked_up[group, mark.mark] += 1
    assert [key for key, count in looked_up.items() if count > 1] == []


@pytest.mark.parametrize("writer", ["jefferson", "chat"])
def test_notation_each_thing_is_written_one_way(writer: str) -> None:
    """A contour or a feature a writer looks up in the table has one mark there.

    (Overlaps and latches are written by position: `[` or `[[`, `≡` or `≈`.)
    """
    contours: Counter[str] = Counter()
    features: Counter[int] = Counter()
    for mark in MARKS:
        if writer not in mark.write:
            continue
        if mark.kind == "intonation":
            contours.update((mark.label, *mark.also_writes))
        if mark.feature:
            features[int(mark.feature)] += 1
    assert [label for label, count in contours.items() if count > 1] == []
    assert [Feature(bit) for bit, count in features.items() if count > 1] == []


def test_notation_chat_spans_open_and_close_alike() -> None:
    for mark in MARKS:
        if mark.place == "span" and "chat" in mark.write:
            assert mark.close == mark.mark, mark


def test_notation_jefferson_reader_reads_every_chat_ca_glyph() -> None:
    """A feature Jefferson has no mark for is written with its CHAT-CA glyph."""
    assert set(CA_PAIRED) <= set(jefferson_marks.TOGGLES)
    assert set(CA_ATTACHED) <= set(jefferson_marks.ATTACHED)


def test_notation_letter_like_glyphs_are_known_to_the_chat_tokenizer() -> None:
    """Unicode counts Ἡ, Ϋ, ˈ and ˌ as letters; the CHAT tokenizer must not."""
    letters = {glyph for glyph in (*CA_PAIRED, *CA_ATTACHED) if glyph.isalpha()}
    assert letters <= chat_tokens._ALPHA_GLYPHS | chat_tokens._STRESS


def test_notation_pauses_read_as_listed() -> None:
    for mark in MARKS:
        if mark.kind != "pause" or mark.value is None:
            continue
        reading = (mark.value, mark.label)
        if "jefferson" in mark.read:
            assert jefferson_marks.pause_reading(mark.mark) == reading, mark
        if "chat" in mark.read:
            assert pause_value(mark.mark) == reading, mark


# --- what the writers write reads back -------------------------------------------------------


#: each writer's format, read back by its reader
READ_BACK = {"jefferson": jefferson_turn, "chat": chat_turn}
SPANS = [("jefferson", *span) for span in JEFFERSON_SPAN_MARKS] + [
    ("chat", bit, glyph, glyph) for bit, glyph in CHAT_SPAN_MARKS
]
WORD_MARKS = [("jefferson", *mark) for mark in JEFFERSON_PREFIX_MARKS] + [
    ("chat", *mark) for mark in CHAT_PREFIX_MARKS
]
#: (writer, label, mark, separator): CHAT-CA arrows stand apart, Jefferson's are glued
CONTOURS = [("jefferson", label, mark, "") for label, mark in INTONATION_TO_JEFFERSON.items()] + [
    ("chat", label, mark, " ") for label, mark in INTONATION_TO_CA.items() if mark in CA_INTONATION
]
WRITTEN = {"jefferson": INTONATION_TO_JEFFERSON, "chat": INTONATION_TO_CA}


@pytest.mark.parametrize(("writer", "bit", "opening", "closing"), SPANS)
def test_notation_spans_read_back(writer: str, bit: int, opening: str, closing: str) -> None:
    utterance = READ_BACK[writer](f"so {opening}word{closing} then")
    assert features_of(utterance, "word") & bit
    assert not features_of(utterance, "then") & bit


@pytest.mark.parametrize(("writer", "bit", "mark"), WORD_MARKS)
def test_notation_word_marks_read_back(writer: str, bit: int, mark: str) -> None:
    utterance = READ_BACK[writer](f"so {mark}word then")
    assert features_of(utterance, "word") & bit
    assert not features_of(utterance, "so") & bit


@pytest.mark.parametrize(("writer", "label", "mark", "separator"), CONTOURS)
def test_notation_intonation_reads_back(writer: str, label: str, mark: str,
                                        separator: str) -> None:
    utterance = READ_BACK[writer](f"so word{separator}{mark}")
    (event,) = [e for e in utterance.events if e.kind == "intonation"]
    assert event.text == mark
    # a nearest mark reads back as a contour that is written with the same mark
    assert WRITTEN[writer][event.label] == mark


def test_notation_chat_writes_exclaim_as_the_exclamation_mark() -> None:
    """`!` is not a CHAT-CA arrow: the CHAT writer writes it as it is."""
    assert INTONATION_TO_CA["exclaim"] == INTONATION_TO_JEFFERSON["exclaim"] == "!"


@pytest.mark.parametrize("feature", [Feature.CUTOFF, Feature.LAUGH])
def test_notation_written_word_shapes_read_back(feature: Feature) -> None:
    jefferson = written_mark("jefferson", feature).mark
    word = "wor" + jefferson if feature == Feature.CUTOFF else "w" + jefferson + "ord"
    assert jefferson_turn(f"so {word} then").tokens[1].features & feature
    chat = written_mark("chat", feature).mark
    word = "wor" + chat if feature == Feature.CUTOFF else "w" + chat + "ord"
    assert chat_turn(f"so {word} then").tokens[1].features & feature


def test_notation_chat_underline_reads_back() -> None:
    underline = written_mark("chat", Feature.EMPHASIS)
    utterance = chat_turn(f"so {underline.mark}word{underline.close} then")
    assert features_of(utterance, "word") & Feature.EMPHASIS
    assert not features_of(utterance, "then") & Feature.EMPHASIS
