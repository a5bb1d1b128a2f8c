"""De-identification benchmark as a regression guard (issue "Safe to share").

The measurement is `tests/deid_measure.py` (also printed by `python benchmarks/deid.py`):
`cakit excerpts`, `cakit report --format html` and `cakit report --by consultation|clinician
--format csv` run as subprocesses on the planted set `tests/data/deid/` (363 planted
identifiers of 15 kinds in 10 Jefferson and 3 CHAT files, key `planted.csv`) with a
temporary pseudonym key; then the HTML report of `corpora/demo` for false replacements.

Measured on 2026-12-06 (cakit/report/deid.py sha256[:12] e3c31258069a and 6418c745d97a,
the same figures; `benchmarks/deid.py` prints the digest it measured):

- recall (removed or flagged) 335/363 = 92.3% — 334 removed, 1 flagged, 27 LEAKED
  (targets: >= 99% and 0 leaked — NOT met yet); strict: 36/363 planted texts are printed
  somewhere in the outputs (the same name leaking on another line counts there);
- by place: filename 25/25, header 63/63, label 36/45 (80.0%), turn 212/230 (92.2%);
- by kind: address, date of birth, e-mail, hospital, NHS number, phone, postcode 100%;
  titled name 64/66, full name 27/28, place 32/34, school/workplace 13/14,
  date 20/22, ward 9/10, surname 22/25, first name 57/72 (79.2%);
- by case: digits 31/31, title 206/220, mixed 28/29, lower 48/55, upper 23/28;
- leaks: an undeclared name used as a speaker label (`Aoife:` ×9), ALL-CAPS or lower-case
  names not declared in a header (`TUNDE`, `KASIA`, `EILIDH`, `delroy`, `shahid`, `aga`,
  `pudsey`, `doctor zielinski`, `DR ROBERTS`), spelled-out dates/wards (`March twenty
  twenty two`, `ward four`), `October 2023`, and identifiers replaced in the line but
  printed again, lower-cased, in the codes' evidence quotes (excerpt `evidence` lines, HTML
  line tooltips: `headingley`, `zielinski`, `intake high school`);
- false replacements: planted set 16/311 = 5.1% of words replaced (drug names such as
  Olanzapine, sentence-initial Hiya/Honestly/Aye/Lovely/Typical/Anyway, Inshallah, Chinese,
  Paddy, Rose as a verb); demo corpus 0/113 = 0.0% (target <= 1%).

The floors below are these values minus a small margin: raise them as de-identification
improves (the targets are in `TARGET_*`, not asserted yet).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deid_measure import (
    DemoResult,
    PlantedResult,
    check_planted,
    load_controls,
    load_planted,
    measure_demo,
    measure_planted,
)

TARGET_RECALL = 0.99
TARGET_FALSE_RATE = 0.01

RECALL_FLOOR = 0.90  # measured 0.923
MAX_LEAKS = 33  # measured 27
MAX_PRINTED_ANYWHERE = 42  # measured 36
PLACE_FLOORS = {"filename": 0.96, "header": 0.97, "label": 0.75, "turn": 0.89}
KIND_FLOORS = {  # measured: 100% unless noted
    "address": 0.93, "date_of_birth": 0.91, "email": 0.91, "hospital": 0.94,
    "nhs_number": 0.83, "phone": 0.92, "postcode": 0.93, "titled_name": 0.93,
    "full_name": 0.92, "place": 0.90, "school_workplace": 0.85, "date": 0.85,
    "ward": 0.80, "surname": 0.80, "first_name": 0.75,
}
PLANTED_FALSE_RATE_CEILING = 0.07  # measured 0.051
DEMO_FALSE_RATE_CEILING = 0.01  # measured 0.000 (target <= 1%)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlantedResult, DemoResult]:
    workdir: Path = tmp_path_factory.mktemp("deid-benchmark")
    return measure_planted(workdir), measure_demo(workdir)


def test_planted_set_is_big_and_varied() -> None:
    items = load_planted()
    assert len(items) >= 300
    assert len({item.kind for item in items}) >= 12
    assert {item.place for item in items} == {"turn", "header", "filename", "label"}
    assert {"upper", "title", "lower"} <= {item.case for item in items}
    assert len(load_controls()) >= 40


def test_every_planted_row_is_where_the_key_says() -> None:
    assert check_planted(load_planted()) == []


def test_recall_floor(measured: tuple[PlantedResult, DemoResult]) -> None:
    planted, _ = measured
    leaks = [f"{i.file}:{i.line} {i.text!r}" for i in planted.leaks()]
    assert planted.recall >= RECALL_FLOOR, leaks
    assert len(leaks) <= MAX_LEAKS, leaks
    assert len(planted.anywhere) <= MAX_PRINTED_ANYWHERE, [i.text for i in planted.anywhere]


@pytest.mark.parametrize("place", sorted(PLACE_FLOORS))
def test_recall_by_place(measured: tuple[PlantedResult, DemoResult], place: str) -> None:
    caught, total = measured[0].by("place")[place]
    assert caught / total >= PLACE_FLOORS[place], (place, caught, total)


@pytest.mark.parametrize("kind", sorted(KIND_FLOORS))
def test_recall_by_kind(measured: tuple[PlantedResult, DemoResult], kind: str) -> None:
    caught, total = measured[0].by("kind")[kind]
    assert caught / total >= KIND_FLOORS[kind], (kind, caught, total)


def test_false_replacements(measured: tuple[PlantedResult, DemoResult]) -> None:
    planted, demo = measured
    rate = len(planted.false_words) / planted.word_replacements
    assert rate <= PLANTED_FALSE_RATE_CEILING, [r["original"] for r in planted.false_words]
    assert demo.word_replacements, "the demo report replaced nothing"
    assert demo.false_rate <= DEMO_FALSE_RATE_CEILING, [r["original"] for r in demo.false]
