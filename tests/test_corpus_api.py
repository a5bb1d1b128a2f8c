"""The notebook API: `cakit.read_corpus` → `Corpus` (cakit/corpus.py).

Reading, filtering and counting use small fixtures written in tmp_path. Whatever needs
codes annotates one demo consultation (spaCy's blank pipeline, no model download) once
per module.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cakit
from cakit.annotations import PHASES_WITH_UNKNOWN, ConsultationAnnotations
from cakit.corpus import (
    CODE_COLUMNS,
    HIT_COLUMNS,
    TOKEN_COLUMNS,
    TURN_COLUMNS,
    Corpus,
)
from cakit.errors import UnknownComponentError, UsageError

try:  # tests/ may or may not be a package; it is the same conftest either way
    from tests.conftest import DEMO
except ModuleNotFoundError:  # pragma: no cover
    from conftest import DEMO  # type: ignore[no-redef]

from tests.test_counts import CHAT_FIXTURE, JEFFERSON_FIXTURE

DEMO_FILE = DEMO / "01-brennan-jefferson.txt"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b-visit.cha").write_text(CHAT_FIXTURE, encoding="utf-8")
    (tmp_path / "a-visit.txt").write_text(JEFFERSON_FIXTURE, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def demo() -> Corpus:
    corpus = cakit.read_corpus(DEMO_FILE)
    corpus.annotate()
    return corpus


# -- reading ---------------------------------------------------------------------------

def test_read_corpus_is_exported_from_cakit() -> None:
    assert {"read_corpus", "Corpus"} <= set(cakit.__all__)
    assert cakit.read_corpus is cakit.corpus.read_corpus


def test_import_cakit_loads_neither_pandas_nor_spacy() -> None:
    code = ("import sys, cakit; print(sorted(m for m in ('pandas', 'spacy', 'numpy') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_read_corpus_folder_in_stable_order(folder: Path) -> None:
    corpus = cakit.read_corpus(folder)
    assert len(corpus) == 2
    assert [t.id for t in corpus] == ["a-visit", "b-visit"]
    assert [p.name for p in corpus.paths] == ["a-visit.txt", "b-visit.cha"]
    assert corpus[1].format == "chat"
    assert corpus.transcripts == tuple(corpus)
    assert repr(corpus) == "<Corpus: 2 transcripts, 13 utterances>"
    given = cakit.read_corpus([folder / "b-visit.cha", str(folder / "a-visit.txt")])
    assert [t.id for t in given] == ["b-visit", "a-visit"]
    assert [t.id for t in cakit.read_corpus(str(folder / "*.cha"))] == ["b-visit"]


def test_read_corpus_with_jobs_reads_the_same(folder: Path) -> None:
    one = cakit.read_corpus(folder)
    two = cakit.read_corpus(folder, jobs=2)
    assert one.transcripts == two.transcripts


def test_read_corpus_refuses_bad_paths_and_roles(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(UsageError):
        cakit.read_corpus(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no transcripts"):
        cakit.read_corpus(tmp_path / "empty")
    with pytest.raises(UsageError, match="not a role"):
        cakit.read_corpus(folder, roles={"Dr": "doctor"})


def test_read_corpus_roles_map_and_file(tmp_path: Path) -> None:
    path = tmp_path / "visit.txt"
    path.write_text(JEFFERSON_FIXTURE + "  7  Gx:   hiya\n", encoding="utf-8")
    unmapped = cakit.read_corpus(path)
    assert "CK301" in {d.code for d in unmapped.diagnostics()}
    mapped = cakit.read_corpus(path, roles={"Gx": "patient"})
    assert mapped[0].role_of("Gx") == "patient"
    assert "CK301" not in {d.code for d in mapped.diagnostics()}
    roles_file = tmp_path / "roles.yaml"
    roles_file.write_text("roles:\n  Gx: carer\n", encoding="utf-8")
    assert cakit.read_corpus(path, roles=roles_file)[0].role_of("Gx") == "carer"


def test_diagnostics_are_kept_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "visit.cha"
    path.write_text(CHAT_FIXTURE.replace("*PAT:\tuh", "*XYZ:\tuh"), encoding="utf-8")
    corpus = cakit.read_corpus(path)
    [problem] = corpus.diagnostics()
    assert (problem.code, problem.span.line) == ("E308", 14) and "XYZ" in problem.message
    assert len(corpus.utterances()) == 8


# -- talk and counts -------------------------------------------------------------------

def test_utterances_tokens_turns_filters(folder: Path) -> None:
    corpus = cakit.read_corpus(folder)
    assert len(corpus.utterances()) == 13
    patient = corpus.utterances(role="patient")
    assert {u.speaker for u in patient} == {"P", "PAT"}
    assert [u.speaker for u in corpus.utterances(speaker="PAT")] == ["PAT"] * 5
    assert len(corpus.utterances(speaker=["PAT", "DOC"])) == 8
    assert {t.kind for t in corpus.tokens(speaker="PAT")} == {
        "word", "filler", "fragment", "untranscribed", "omission"}
    assert all(turn.role == "clinician" for turn in corpus.turns(role="clinician"))
    assert len(corpus.turns()) == sum(len(t.turns) for t in corpus)


def test_word_frequencies_and_tables(folder: Path) -> None:
    corpus = cakit.read_corpus(folder)
    words = corpus.word_frequencies(speaker="PAT")
    assert sum(words.values()) == 16 and words["i"] == 3
    assert corpus.word_frequencies(speaker="PAT", keep_case=True)["I"] == 3
    assert corpus.word_frequencies(speaker="PAT", fillers=True)["um"] == 1
    freq = corpus.freq("role")
    assert list(freq.columns) == ["group", "role", "tokens", "types", "ttr"]
    assert freq.set_index("group").loc["patient", "tokens"] == 16 + 10
    mlu = corpus.mlu("speaker")
    assert list(mlu.group) == ["a-visit.txt:Dr", "a-visit.txt:P", "b-visit.cha:DOC",
                               "b-visit.cha:PAT"]
    assert mlu.set_index("group").loc["b-visit.cha:PAT", "mlu"] == 4.0
    with pytest.raises(UsageError, match="grouping"):
        corpus.mlu("clinic")  # type: ignore[arg-type]


# -- codes -----------------------------------------------------------------------------

def test_annotate_once_per_options(demo: Corpus) -> None:
    first = demo.annotate()
    assert len(first) == 1 and isinstance(first[0], ConsultationAnnotations)
    assert demo.annotate() is first  # kept, not made again
    assert first[0].attempts


def test_annotate_file_without_talk_gives_empty_codes(tmp_path: Path) -> None:
    path = tmp_path / "empty.cha"
    start, _, _ = CHAT_FIXTURE.partition("*DOC:")
    path.write_text(start + "@End\n", encoding="utf-8")
    codes = cakit.read_corpus(path).annotate()
    assert codes[0].id == "empty" and codes[0].turns == ()


def test_annotate_store_and_coder_options(tmp_path: Path) -> None:
    corpus = cakit.read_corpus(DEMO_FILE)
    with pytest.raises(UsageError):
        corpus.annotate(coder="AB", consensus=True)
    with pytest.raises(UsageError):
        corpus.annotate(coder="auto")
    store = tmp_path / "store"
    corpus.annotate(store=store)
    assert any(store.rglob("*.jsonl"))


def test_turn_dataframe(demo: Corpus) -> None:
    turns = demo.to_dataframe("turn")
    transcript = demo[0]
    assert tuple(turns.columns) == TURN_COLUMNS
    assert len(turns) == len(transcript.turns)
    assert set(turns.phase) <= set(PHASES_WITH_UNKNOWN)
    assert turns.loc[0, "text"] == transcript.utterances[0].content
    codes = demo.annotate()[0]
    attempt = codes.attempts[0]
    row = turns.set_index("turn_id").loc[attempt.turn_id]
    assert row.attempt_id == attempt.id and row.attempt_subtypes == attempt.subtypes
    assert "PSY_ATTEMPT" in row.codes
    response = next(r for r in codes.responses if r.rank == 1)
    answer = turns.set_index("turn_id").loc[response.turn_id]
    assert (answer.uptake, answer.response_to, answer["rank"]) == (
        response.uptake, response.attempt_id, 1)
    assert str(turns["rank"].dtype) == "Int64"
    assert turns.words.sum() == demo.freq("file").tokens.iloc[0]


def test_token_dataframe(demo: Corpus) -> None:
    tokens = demo.to_dataframe("token")
    assert tuple(tokens.columns) == TOKEN_COLUMNS
    assert len(tokens) == len(demo.tokens())
    assert int(tokens.counted.sum()) == sum(demo.word_frequencies().values())
    assert set(tokens.phase) <= set(PHASES_WITH_UNKNOWN)


def test_code_dataframe(demo: Corpus) -> None:
    codes = demo.to_dataframe("code")
    annotations = demo.annotate()[0]
    assert tuple(codes.columns) == CODE_COLUMNS
    kinds = codes.kind.value_counts()
    assert kinds["uptake"] == len(annotations.responses)
    assert kinds["outcome"] == len(annotations.sequences)
    assert kinds["attempt"] == sum(len(set(a.subtypes)) for a in annotations.attempts)
    assert kinds.get("carer", 0) == len(annotations.carer_responses)
    assert str(codes["line"].dtype) == "Int64"


def test_unknown_level(demo: Corpus) -> None:
    with pytest.raises(UsageError, match="unknown level"):
        demo.to_dataframe("word")  # type: ignore[arg-type]


def test_counts_by_phase_use_the_codes(demo: Corpus) -> None:
    by_phase = demo.mlu("phase")
    assert set(by_phase.group) - {"TOTAL"} <= set(PHASES_WITH_UNKNOWN)
    assert by_phase.set_index("group").loc["TOTAL", "words"] == \
        demo.mlu("role").set_index("group").loc["TOTAL", "words"]


def test_report(demo: Corpus) -> None:
    report = demo.report("consultation")
    assert "by_consultation" in report.tables
    assert len(report.tables["by_consultation"]) >= 1
    with pytest.raises(UnknownComponentError):
        cakit.read_corpus(DEMO_FILE).report("nonsense")  # fails before annotating


def test_search_runs_the_engine(demo: Corpus) -> None:
    hits = demo.search("role=patient & voices")
    assert tuple(hits.columns) == HIT_COLUMNS
    assert len(hits) >= 1 and set(hits.role) == {"patient"}
    assert hits.text.str.contains("voices").all()
    attempt = demo.annotate()[0].attempts[0]
    assert attempt.turn_id in set(hits.turn_id)
    pairs = demo.search("role=patient >> role=clinician")
    assert set(pairs.step) == {0, 1}
    assert (pairs.groupby("hit").size() == 2).all()
    with pytest.raises(UsageError, match="query:1:"):
        demo.search("role=doctor")
