"""The report tables against the gold annotations, counted independently by hand."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from cakit.annotations import ConsultationAnnotations, consultation_from_dict
from cakit.report import tables
from cakit.report.inputs import consultation_input
from cakit.report.views import REPORT_VIEWS, build_report
from tests.conftest import REPO
from tests.report._helpers import gold_json, gold_pairs, gold_stems

PHASE_ORDER = ["OPENING", "PROBLEM_HISTORY", "EXAMINATION", "TREATMENT", "PRE_CLOSING",
               "CLOSING", "UNKNOWN"]


def _phase(value: object) -> str:
    return value if value in PHASE_ORDER[:-1] else "UNKNOWN"  # type: ignore[return-value]


def hand_counts() -> dict[str, Counter[tuple[str, str]]]:
    """Plain loops over the raw gold JSON: family → Counter((phase, code))."""
    counts: dict[str, Counter[tuple[str, str]]] = {
        "attempts": Counter(), "r1_uptake": Counter(), "r1_engage": Counter(),
        "outcome": Counter(), "r1_modifier": Counter(), "carer": Counter(),
        "context": Counter(), "sequences": Counter(),
    }
    for stem in gold_stems():
        data = gold_json(stem)
        turn_phase = {turn["id"]: _phase(turn["phase"]) for turn in data["turns"]}
        attempt_phase = {}
        for attempt in data["attempts"]:
            phase = _phase(attempt["phase"])
            attempt_phase[attempt["id"]] = phase
            counts["attempts"][(phase, "PSY_ATTEMPT")] += 1
            for subtype in set(attempt["subtypes"]):
                counts["attempts"][(phase, subtype)] += 1
        for response in data["responses"]:
            if response["rank"] != 1:
                continue
            phase = attempt_phase[response["attempt_id"]]
            counts["r1_uptake"][(phase, response["uptake"])] += 1
            if response["uptake"] == "ENGAGE":
                counts["r1_engage"][(phase, response["uptake_subtype"])] += 1
            for modifier in set(response["modifiers"]):
                counts["r1_modifier"][(phase, modifier)] += 1
        for sequence in data["sequences"]:
            phase = attempt_phase[sequence["attempt_id"]]
            counts["sequences"][(phase, "SEQUENCES")] += 1
            counts["outcome"][(phase, sequence["outcome"])] += 1
            if sequence.get("carer_first"):
                counts["carer"][(phase, "CARER_FIRST")] += 1
            if sequence.get("joint_laughter"):
                counts["carer"][(phase, "JOINT_LAUGHTER")] += 1
        for carer in data["carer_responses"]:
            counts["carer"][(attempt_phase[carer["attempt_id"]], carer["code"])] += 1
        for key, code in (("elicited", "PSY_ELICITED"), ("repairs", "REPAIR_OI"),
                          ("medchecks", "MEDCHECK_SYMPTOM")):
            for item in data.get(key, []):
                counts["context"][(turn_phase[item["turn_id"]], code)] += 1
    return counts


@pytest.fixture(scope="module")
def pooled() -> pd.DataFrame:
    return tables.pooled_by_phase(list(gold_pairs()))


@pytest.mark.parametrize("family", ["attempts", "r1_uptake", "r1_engage", "outcome",
                                    "r1_modifier", "carer", "context", "sequences"])
def test_tables_pooled_counts_equal_hand_counts_from_gold(family: str,
                                                          pooled: pd.DataFrame) -> None:
    expected = hand_counts()[family]
    assert sum(expected.values()) > 0 or family == "context"
    part = pooled[(pooled["family"] == family) & (pooled["phase"] != tables.ALL)]
    found = {(row.phase, row.code): row.count for row in part.itertuples() if row.count}
    assert found == dict(expected)
    totals = pooled[(pooled["family"] == family) & (pooled["phase"] == tables.ALL)]
    by_code: Counter[str] = Counter()
    for (_, code), n in expected.items():
        by_code[code] += n
    assert {r.code: r.count for r in totals.itertuples() if r.count} == dict(by_code)


def test_tables_gold_totals_match_the_demo_readme() -> None:
    # the coverage table of corpora/demo/README.md, restated
    wide = tables.counts_by_phase(list(gold_pairs()))
    total = wide.loc["ALL"]
    assert total["PSY_ATTEMPT"] == 34
    assert (total["PSY_Q"], total["PSY_ASSERT"], total["PSY_EMO"], total["PSY_REPEAT"]) == (
        13, 21, 6, 10)
    assert total["PSY_ELICITED"] == 49 and total["REPAIR_OI"] == 2
    assert total["R1+HESITATE"] == 10 and total["R1+SMILE_LAUGH"] == 6
    assert total["out ENGAGED_IMMEDIATE"] == 10 and total["out ENGAGED_DELAYED"] == 5
    assert total["CARER_SUPPORT"] == 10 and total["CARER_FIRST"] == 11
    assert total["JOINT_LAUGHTER"] == 5


def test_tables_phase_rows_in_report_order_with_unknown_and_unclassified() -> None:
    wide = tables.counts_by_phase(list(gold_pairs()), ["r1_uptake"])
    assert list(wide.index) == [*PHASE_ORDER, "ALL"]
    assert "R1 UNCLASSIFIED" in wide.columns
    assert wide.loc["UNKNOWN"].sum() == 0
    assert (wide.loc[PHASE_ORDER].sum() == wide.loc["ALL"]).all()


def test_tables_unknown_phase_and_unclassified_uptake_are_counted() -> None:
    transcript, gold = gold_pairs()[0]
    data = gold_json("01-brennan-jefferson")
    data["attempts"][0]["phase"] = "SOMETHING_ELSE"
    data["responses"][0]["uptake"] = "UNCLASSIFIED"
    changed: ConsultationAnnotations = consultation_from_dict(data)
    wide = tables.counts_by_phase([(transcript, changed)])
    assert wide.loc["UNKNOWN", "PSY_ATTEMPT"] == 1
    assert wide.loc["UNKNOWN", "R1 UNCLASSIFIED"] == 1
    assert wide.loc["UNKNOWN", "sequences"] == 1
    assert wide.loc["ALL", "PSY_ATTEMPT"] == len(gold.attempts)


def test_tables_denominators_duration_only_from_media() -> None:
    stats = tables.phase_stats(list(gold_pairs()))
    timed = set(stats.loc[stats["timed"], "consultation"])
    assert timed == {"11-rahman-chat-media", "12-wojcik-chat-media"}
    untimed = stats[~stats["timed"]]
    assert untimed["phase_duration_s"].isna().all()  # never a made-up zero
    media = stats[stats["consultation"] == "11-rahman-chat-media"]
    assert media["phase_duration_s"].sum() > 60
    # words per phase add up to the transcript's spoken tokens
    transcript, _ = next(p for p in gold_pairs() if p[1].id == "11-rahman-chat-media")
    spoken = sum(1 for u in transcript.utterances for t in u.tokens if t.is_spoken)
    assert media["phase_words"].sum() == spoken
    turns = stats.groupby("consultation")["phase_turns"].sum()
    assert turns["01-brennan-jefferson"] == len(gold_json("01-brennan-jefferson")["turns"])


def test_tables_rates_pooled_and_per_consultation() -> None:
    pairs = list(gold_pairs())
    long = tables.phase_counts(pairs)
    row = long[(long["consultation"] == "01-brennan-jefferson")
               & (long["phase"] == "PROBLEM_HISTORY") & (long["code"] == "PSY_ATTEMPT")].iloc[0]
    assert row["count"] == 1
    assert row["per_1000_words"] == pytest.approx(1000 / row["phase_words"])
    assert math.isnan(row["per_10_min"])
    rates = tables.rates_by_phase(pairs)
    all_row = rates.loc["ALL"]
    assert all_row["count"] == 34 and all_row["n_consultations"] == 14
    assert all_row["per_1000_words"] == pytest.approx(34 / all_row["phase_words"] * 1000)
    per_consultation = tables.by_consultation(pairs)["attempts_per_1000_words"]
    assert all_row["mean_per_1000_words"] == pytest.approx(per_consultation.mean())
    assert all_row["median_per_1000_words"] == pytest.approx(per_consultation.median())
    # per 10 minutes: only the two consultations with media timing feed it
    assert all_row["n_timed"] == 2
    assert all_row["count_timed"] == 6
    assert all_row["per_10_min"] == pytest.approx(6 / all_row["phase_duration_s"] * 600)
    unknown = rates.loc["UNKNOWN"]
    assert unknown["n_consultations"] == 0 and math.isnan(unknown["per_1000_words"])


def test_tables_indicators_shares() -> None:
    frame = tables.indicators(list(gold_pairs()))
    late = frame[frame["indicator"] == "late attempts / attempts"].iloc[0]
    assert (late["numerator"], late["denominator"]) == (10, 34)
    engaged = frame[frame["indicator"] == tables.ENGAGED_INDICATOR].set_index("group")
    assert engaged.loc["ALL", "numerator"] == 15 and engaged.loc["ALL", "denominator"] == 34
    assert math.isnan(engaged.loc["OPENING", "share"])  # no sequences, no share
    hesitate = frame[frame["indicator"] == "R1 HESITATE / sequences"].set_index("group")
    assert hesitate.loc["carer present", "denominator"] + hesitate.loc[
        "no carer", "denominator"] == 34
    assert hesitate.loc["ALL", "numerator"] == 10


def test_tables_chains_from_gold() -> None:
    frame = tables.chains(list(gold_pairs()))
    lengths = Counter(frame["length"])
    assert lengths[2] == 6 and lengths[3] == 2  # README: 6 chains of 2, 2 chains of 3
    summary = tables.chain_summary(list(gold_pairs())).set_index("measure")["value"]
    assert summary["repeat chains (2+ attempts)"] == 8


def test_tables_per_clinician_and_carer_views() -> None:
    pairs = list(gold_pairs())
    clinicians = tables.by_clinician(pairs).set_index("clinician")
    assert clinicians.loc["Dr Okafor", "sequences"] == 2
    assert clinicians.loc["Dr Okafor", "R1 QUESTION_BACK"] == 1
    assert clinicians.loc[tables.NO_CLINICIAN, "R1 NO_UPTAKE"] == 2
    assert clinicians["sequences"].sum() == 34
    carer = tables.by_carer(pairs).set_index("group")
    assert carer.loc["ALL", "attempts"] == 34
    assert carer.loc["carer present", "consultations"] + carer.loc[
        "no carer", "consultations"] == 14


def test_tables_empty_corpus_views_do_not_fail() -> None:
    transcript, gold = next(p for p in gold_pairs() if p[1].id == "07-achterberg-noattempt")
    for view in REPORT_VIEWS.names():
        report = build_report([(transcript, gold)], view)
        assert report.tables and report.main in report.tables
    wide = tables.counts_by_phase([(transcript, gold)])
    assert wide.loc["ALL", "PSY_ATTEMPT"] == 0


def test_tables_inputs_without_transcript_have_no_rates() -> None:
    _, gold = gold_pairs()[0]
    item = consultation_input(None, gold)
    assert item.words == 0 and item.duration_s is None
    rates = tables.rates_by_phase([item])
    assert math.isnan(rates.loc["ALL", "per_1000_words"])
    assert rates.loc["ALL", "count"] == len(gold.attempts)


def test_tables_report_notes_name_missing_nonverbal_notes() -> None:
    notes = " ".join(tables.report_notes(list(gold_pairs())))
    assert "not diagnoses" in notes and "first-pass" in notes
    for stem in ("07-achterberg-noattempt", "09-fitzgerald-dollar", "13-adebayo-chat-gems"):
        assert stem in notes


def test_tables_report_notes_say_when_a_coders_attempt_has_no_response_coded() -> None:
    # an outside review relabelled a turn code as an attempt: nobody looked for its
    # responses, and its outcome counted as NO_UPTAKE without a word; the effective codes
    # now give it the stand-in R1 NOT_CODED (cakit.store.effective), counted as such
    from dataclasses import replace

    from cakit.annotations import SequenceRecord, not_coded

    pairs = list(gold_pairs())
    transcript, gold = pairs[0]
    assert gold.attempts and not any(n for n in tables.report_notes(pairs)
                                     if "no response coded" in n)
    added = replace(gold.attempts[0], id="a-human", producer="human:IJ", status="edited")
    changed = replace(gold, attempts=(*gold.attempts, added),
                      responses=(*gold.responses, not_coded(added)),
                      sequences=(*gold.sequences,
                                 SequenceRecord(attempt_id="a-human", outcome="UNRESOLVED")))
    notes = tables.report_notes([(transcript, changed), *pairs[1:]])
    assert any(n.startswith("1 attempt(s) have no response coded") and "UNRESOLVED" in n
               for n in notes), notes
    assert not any("does not define" in n for n in notes), notes
    before = tables.counts_by_phase([(transcript, gold)])
    after = tables.counts_by_phase([(transcript, changed)])
    assert after.loc["ALL", "R1 NOT_CODED"] == 1
    assert after.loc["ALL", "R1 NO_UPTAKE"] == before.loc["ALL", "R1 NO_UPTAKE"]
    assert after.loc["ALL", "out NO_UPTAKE"] == before.loc["ALL", "out NO_UPTAKE"]
    assert after.loc["ALL", "out UNRESOLVED"] == before.loc["ALL", "out UNRESOLVED"] + 1
    # nobody spoke an R1 nobody coded: its own row, not "(no clinician turn)"
    clinicians = tables.by_clinician([(transcript, changed)])
    assert tables.NOT_CODED_CLINICIAN in set(clinicians["clinician"])
    # and the trainer's excerpt says so
    from cakit.report.excerpts import Selection, build_excerpts

    excerpts = build_excerpts([(transcript, changed)], Selection())
    mine = next(e for e in excerpts if e.attempt_id == "a-human")
    assert any("nobody coded a response" in text for _, text in mine.summary)


def test_a_report_view_registered_before_first_use_joins_the_built_in_ones() -> None:
    """A plug-in view coexists with the built-ins and every format shows its tables."""
    from cakit.report.serialize import to_csv, to_markdown
    from cakit.report.views import ReportView

    def count_turns(prepared, codes):  # type: ignore[no-untyped-def]
        import pandas as pd

        return {"turns": pd.DataFrame({"consultation": tables.consultation_keys(prepared),
                                       "turns": [len(i.annotations.turns) for i in prepared]})}

    view = ReportView("turns", "turns per consultation", count_turns, {"turns": "Turns"},
                      main="turns")
    REPORT_VIEWS.register("turns", view)
    try:
        assert {"phase", "consultation", "clinician", "carer", "turns"} <= set(REPORT_VIEWS)
        pairs = gold_pairs()[:2]
        built = build_report(pairs, "turns")
        assert list(built.tables) == ["turns"] and built.titles["turns"] == "Turns"
        assert to_csv(built).splitlines()[0] == "consultation,turns"
        assert "## Turns" in to_markdown(built)
        assert build_report(pairs, "phase").main == "pooled_by_phase"
    finally:
        REPORT_VIEWS.unregister("turns")
    assert "turns" not in REPORT_VIEWS


def test_slim_inputs_give_the_same_tables_in_every_view() -> None:
    """What a report keeps per consultation (`slim`: only the turns codes point to, no
    evidence) gives exactly the tables the full inputs give, in every view and format."""
    from cakit.report.inputs import as_inputs, slim
    from cakit.report.serialize import to_csv, to_json, to_markdown

    full = as_inputs(gold_pairs())
    lean = [slim(item) for item in full]
    assert sum(len(i.annotations.turns) for i in lean) < sum(len(i.annotations.turns)
                                                              for i in full)
    for view in REPORT_VIEWS.names():
        wide, narrow = build_report(full, view), build_report(lean, view)
        for write in (to_csv, to_json, to_markdown):
            assert write(narrow) == write(wide), (view, write.__name__)


def test_a_clinician_with_symptom_checks_but_no_r1_counts_their_consultations() -> None:
    """An audit found such a row with 0 consultations, and every R1 count of the table
    turned into a float (1.0) by the gaps in that row."""
    import cakit
    from cakit.annotate import annotate

    pairs = []
    for path in sorted((REPO / "corpora" / "demo").iterdir()):
        if path.suffix in (".txt", ".cha", ".docx"):
            transcript = cakit.read(path).transcript
            pairs.append((transcript, annotate(transcript)))
    frame = tables.by_clinician(pairs)
    only_checks = frame[frame["sequences"] == 0]
    assert len(only_checks) >= 1
    assert (only_checks["consultations"] >= 1).all()
    assert (only_checks["MEDCHECK_SYMPTOM"] >= 1).all()
    assert only_checks["engaged_share"].isna().all()  # no sequences: no share, not 0
    counts = [c for c in frame.columns if c.startswith("R1") or c in (
        "consultations", "sequences", "engaged", "MEDCHECK_SYMPTOM")]
    assert all(frame[c].dtype.kind == "i" for c in counts), frame.dtypes



def test_a_clinicians_consultations_include_those_where_they_only_checked_symptoms(
        tmp_path: Path) -> None:
    """An audit gave Dr Lindgren two consultations: one where he only asked a symptom
    check, one where he gave every R1. His row said 1 consultation, beside the symptom
    check from the other one."""
    import cakit
    from cakit.annotate import annotate

    demo = REPO / "corpora" / "demo"
    renamed = tmp_path / "01.txt"
    renamed.write_text((demo / "01-brennan-jefferson.txt").read_text(encoding="utf-8")
                       .replace("Dr Okafor", "Dr Lindgren"), encoding="utf-8")
    pairs = [(t, annotate(t)) for t in (
        cakit.read(demo / "07-achterberg-noattempt.txt").transcript,
        cakit.read(renamed).transcript)]
    alone = tables.by_clinician(pairs[1:])
    (row,) = tables.by_clinician(pairs).to_dict("records")
    assert row["clinician"] == "Dr Lindgren" and row["sequences"] > 0
    assert row["MEDCHECK_SYMPTOM"] > int(alone.iloc[0]["MEDCHECK_SYMPTOM"])  # 07's check
    assert row["consultations"] == 2


def test_r1_modifier_shares_are_of_sequences_as_their_labels_say() -> None:
    """The indicators say "R1 HESITATE / sequences", the per-clinician table "shares are of
    sequences", yet every hesitate and smile-laugh share divided by attempts (a reading
    of the code found it; equal while every attempt has a sequence). Here the gold's
    first consultation loses its sequence records, as a hand-coded layer may have none."""
    from dataclasses import replace

    pairs = list(gold_pairs())
    transcript, first = pairs[0]
    assert first.sequences and first.attempts
    pairs[0] = (transcript, replace(first, sequences=()))
    sequences = sum(len(a.sequences) for _, a in pairs)
    attempts = sum(len(a.attempts) for _, a in pairs)
    assert sequences < attempts
    shares = tables.indicators(pairs).set_index(["indicator", "group"])
    for label in ("R1 HESITATE / sequences", "R1 SMILE_LAUGH / sequences"):
        assert shares.loc[(label, "ALL"), "denominator"] == sequences
    carer = tables.by_carer(pairs).set_index("group").loc["ALL"]
    hesitating = shares.loc[("R1 HESITATE / sequences", "ALL"), "numerator"]
    assert carer["hesitate_share"] == pytest.approx(hesitating / sequences)
    clinicians = tables.by_clinician(pairs)
    assert clinicians["sequences"].sum() == sequences
    with_share = clinicians[clinicians["sequences"] > 0]
    assert (with_share["hesitate_share"] <= 1).all()


def test_a_clinician_named_in_two_cases_is_one_row(tmp_path: Path) -> None:
    """An audit declared "Dr Okafor" in one file and "DR OKAFOR" in another: two rows with
    --no-deidentify, but one pseudonym for both by default, so the de-identified table
    showed the same clinician twice. One person, one row."""
    import cakit
    from cakit.annotate import annotate

    source = REPO / "corpora" / "demo" / "01-brennan-jefferson.txt"
    text = source.read_text(encoding="utf-8")
    spellings = ("Dr O'Kafor", "DR  O'KAFOR", "Dr O’Kafor")
    copies = []
    for k, spelling in enumerate(spellings):
        copy = tmp_path / f"0{k}-again.txt"
        copy.write_text(text.replace("Dr = Dr Okafor", f"Dr = {spelling}"), encoding="utf-8")
        copies.append(cakit.read(copy).transcript)
    pairs = [(t, annotate(t)) for t in copies]
    alone = tables.by_clinician(pairs[:1]).set_index("clinician")
    every = tables.by_clinician(pairs).set_index("clinician")
    assert list(every.index) == list(alone.index) == ["Dr O'Kafor"]
    assert every.loc["Dr O'Kafor", "consultations"] == 3
    assert every.loc["Dr O'Kafor", "sequences"] == 3 * alone.loc["Dr O'Kafor", "sequences"]
    # the same test gives them one pseudonym
    from cakit.report.deid import person_key

    assert len({person_key(spelling) for spelling in spellings}) == 1


def test_codes_the_codebook_does_not_define_are_counted_and_said() -> None:
    """An audit renamed CHALLENGE in a copy of the codebook: a coder's relabel to CHALLENGE
    went on being counted, in a column of its own, with nothing said."""
    from dataclasses import replace

    pairs = list(gold_pairs())
    transcript, first = pairs[0]
    assert first.responses
    renamed = replace(first.responses[0], uptake="DISPUTE", rank=1)
    pairs[0] = (transcript, replace(first, responses=(renamed, *first.responses[1:])))
    assert tables.unknown_codes(pairs) == ["R1 DISPUTE"]
    notes = build_report(pairs, "consultation").notes
    assert any("codebook does not define" in note and "R1 DISPUTE" in note for note in notes)
    assert "R1 DISPUTE" in tables.by_consultation(pairs).columns  # counted, never dropped
    assert not tables.unknown_codes(gold_pairs())
