"""De-identification benchmark as a regression guard (issue "Safe to share").

The measurement is `tests/deid_measure.py` (also printed by `python benchmarks/deid.py`):
`cakit excerpts`, `cakit report --format html` and `cakit report --by consultation|clinician
--format csv` run as subprocesses on the planted set `tests/data/deid/` (363 planted
identifiers of 15 kinds in 10 Jefferson and 3 CHAT files, key `planted.csv`) with a
temporary pseudonym key; then the HTML report of `corpora/demo` for false replacements.

Measured on 2026-12-06, first (deid.py e3c31258069a): recall 335/363 = 92.3% with 27
leaks (an undeclared `Aoife:` speaker label ×9, ALL-CAPS and lower-case undeclared names,
spoken dates and wards, names repeated in the evidence quotes), false replacements 16/311
= 5.1% on the planted set (drug names, sentence-initial Hiya/Honestly/Aye, Inshallah,
Chinese), 0/113 on the demo.

Then, after the gazetteer in speaker labels and ALL-CAPS words, capitalised names of the
corpus caught in lower case too, drug names and everyday interjections never names, and
dates/wards said in words:

- recall 355/363 = 97.8%, 7 LEAKED (targets >= 99% and 0 leaked: NOT met); strict 10/363
  planted texts printed anywhere;
- by place: filename 25/25, header 63/63, label 45/45, turn 223/230 (97.0%);
- by kind: 100% for address, date, date of birth, e-mail, full name, hospital, NHS number,
  phone, postcode, school/workplace, surname, titled name, ward; place 33/34, first name
  66/72 (91.7%);
- leaks: names in no gazetteer (`EILIDH`, `TUNDE`, `KASIA`, `delroy`, `shahid`, `aga`)
  and the place `pudsey`;
- false replacements: planted set 2/320 = 0.6% (`Rose` as a verb, `Paddy's day`); demo
  corpus 0/113 = 0.0% (target <= 1%).

Then, on 2026-12-06, after the team's list of given names common in the UK's communities
(`cakit/data/names/given_names_uk.txt`, 2,255 names, 1,730 of them not in Faker) joined
the gazetteer (deid.py f28a1fc74e30, unchanged):

- recall 361/363 = 99.4% (360 removed, 1 flagged: `aga`, also an English word), 1 LEAKED
  (the place `pudsey`; target 0 leaked: NOT met); strict 3/363 printed anywhere;
- by place: turn 229/230 (99.6%), the others 100%; by kind: first name 72/72, place 33/34,
  the others 100%;
- false replacements: planted set 2/329 = 0.6% (`Rose`, `Paddy's day`, as before); demo
  corpus 0/113 = 0.0%.

The six first names that leaked before were named above before the list was written, so
this set cannot show how well the list does on names it was not told about.

Then, on 2026-12-06, a second planted set (`tests/data/deid_blind/`, 531 identifiers of 15
kinds in 10 Jefferson and 4 CHAT files, 87 controls) written blind by a helper who had not
seen cakit's name lists or detector. **First measurement, before any change for it**
(deid.py 3a0819519c71): recall 435/531 = 81.9% with 96 leaks, false replacements 14/392 =
3.6%. The leaks were: names used as speaker labels (`Ruairí:`, `ELENI:`, `hodan:`, `dr
kerr:`), names declared in lower case (`shahana rahman`), places in lower case or capitals
(`sparkbrook`, `LURGAN`), numbers read out (`oh seven seven double oh …`), titles in lower
case (`mr kandiah`), addresses with number words (`forty-two ealing road`), letters beyond
Latin-1 (`Ionuț`), `Hoa` read as laughter; false: drug brand names, nationalities.

After fixing those kinds of miss (not the items: `HAGUE` and other single items stay
leaks), the team's lists of UK places (5,658) and surnames (5,874 across 48 communities),
both written by helpers who had not seen either planted set, and a header block that names
an `Interpreter:` under its `Title:` (deid.py, this commit):

- first set: recall 362/363 = 99.7%, 0 leaked (3 flagged: `Rose`, `aga`, `Intake High
  School`), false replacements 1/324 = 0.3%;
- blind set (no longer blind: its misses informed the fixes): recall 521/531 = 98.1%, 10
  leaked (hospitals named in ordinary lower-case words: `the royal london`, `the mile end
  unit`, `cedar house`; `small heath`; `DHL`, `ASDA`; `PROSPECT PARK`; `HAGUE`), false
  replacements 1/459 = 0.2%; demo 0/112.

The floors below are these values minus a small margin: raise them as de-identification
improves (the targets are in `TARGET_*`, not asserted yet).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deid_measure import (
    BLIND_DIR,
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

RECALL_FLOOR = 0.99  # measured 0.997
MAX_LEAKS = 1  # measured 0
MAX_PRINTED_ANYWHERE = 5  # measured 3
PLACE_FLOORS = {"filename": 0.96, "header": 0.97, "label": 0.95, "turn": 0.99}  # turn 0.996
KIND_FLOORS = {  # measured: 100% unless noted
    "address": 0.93, "date_of_birth": 0.91, "email": 0.91, "hospital": 0.94,
    "nhs_number": 0.83, "phone": 0.92, "postcode": 0.93, "titled_name": 0.95,
    "full_name": 0.92, "place": 0.90, "school_workplace": 0.92, "date": 0.93,
    "ward": 0.90, "surname": 0.95, "first_name": 0.98,
}
PLANTED_FALSE_RATE_CEILING = 0.015  # measured 0.003
BLIND_RECALL_FLOOR = 0.97  # measured 0.981 (target 0.99: NOT met on the blind set)
BLIND_MAX_LEAKS = 14  # measured 10
BLIND_FALSE_RATE_CEILING = 0.01  # measured 0.002
DEMO_FALSE_RATE_CEILING = 0.01  # measured 0.000 (target <= 1%)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlantedResult, DemoResult]:
    workdir: Path = tmp_path_factory.mktemp("deid-benchmark")
    return measure_planted(workdir), measure_demo(workdir)


@pytest.fixture(scope="module")
def blind(tmp_path_factory: pytest.TempPathFactory) -> PlantedResult:
    return measure_planted(tmp_path_factory.mktemp("deid-blind"), BLIND_DIR)


@pytest.mark.parametrize("folder", [None, BLIND_DIR], ids=["planted", "blind"])
def test_planted_set_is_big_and_varied(folder: Path | None) -> None:
    items = load_planted(folder) if folder else load_planted()
    assert len(items) >= 300
    assert len({item.kind for item in items}) >= 12
    assert {item.place for item in items} == {"turn", "header", "filename", "label"}
    assert {"upper", "title", "lower"} <= {item.case for item in items}
    assert len(load_controls(folder) if folder else load_controls()) >= 40


@pytest.mark.parametrize("folder", [None, BLIND_DIR], ids=["planted", "blind"])
def test_every_planted_row_is_where_the_key_says(folder: Path | None) -> None:
    assert (check_planted(load_planted(folder), folder) if folder
            else check_planted(load_planted())) == []


def test_blind_set_recall_and_false_replacements(blind: PlantedResult) -> None:
    leaks = [f"{i.file}:{i.line} {i.text!r}" for i in blind.leaks()]
    assert blind.recall >= BLIND_RECALL_FLOOR, leaks
    assert len(leaks) <= BLIND_MAX_LEAKS, leaks
    rate = len(blind.false_words) / blind.word_replacements
    assert rate <= BLIND_FALSE_RATE_CEILING, [r["original"] for r in blind.false_words]
    assert not blind.controls_replaced, blind.controls_replaced


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
