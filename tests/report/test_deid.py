"""De-identification on the demo corpus: every planted item goes, pseudonyms are stable."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from cakit.report.deid import (
    KEY_ENV,
    Deidentifier,
    audit_csv,
    audit_path,
    key_path,
    load_key,
    read_roster,
    realign_brackets,
)
from cakit.report.excerpts import Selection, build_excerpts, to_text
from cakit.report.html import report_html
from cakit.report.inputs import consultation_input
from cakit.report.lines import source_view
from cakit.report.views import build_report
from tests.conftest import REPO
from tests.report._helpers import TEST_KEY, gold_pairs, planted_items

_KEEP = {"Dr", "Mr", "Mrs", "St", "clinic", "ward", "Road", "Grove", "of", "Elm"}


def leaked(item: str, text: str) -> list[str]:
    """The parts of a planted item still present in `text` (empty when it is gone)."""
    found = []
    if re.search(rf"(?<![A-Za-z0-9]){re.escape(item)}(?![A-Za-z0-9])", text, re.IGNORECASE):
        found.append(item)
    if not any(c.isdigit() for c in item) and "@" not in item:
        for token in re.findall(r"[A-Za-z]+", item):
            if token in _KEEP or len(token) < 3:
                continue
            if re.search(rf"(?<![A-Za-z]){re.escape(token)}(?![A-Za-z])", text, re.IGNORECASE):
                found.append(token)
    return found


def full_excerpts(deid: Deidentifier) -> str:
    """Every attempt with enough context to cover its whole transcript."""
    return to_text(build_excerpts(gold_pairs(), Selection(), context=500, deid=deid))


def deid_for_demo(key: bytes = TEST_KEY) -> Deidentifier:
    return Deidentifier.for_transcripts([t for t, _ in gold_pairs()], key=key)


def html_page(deid: Deidentifier | None) -> str:
    pairs = list(gold_pairs())
    inputs = [consultation_input(t, a) for t, a in pairs]
    report = build_report(inputs)
    items = list(zip(inputs, [t for t, _ in pairs], strict=True))
    return report_html(report, items, deid=deid, plots=False)


@pytest.fixture(scope="module")
def excerpt_text() -> tuple[str, Deidentifier]:
    deid = deid_for_demo()
    return full_excerpts(deid), deid


@pytest.fixture(scope="module")
def html_text() -> tuple[str, Deidentifier]:
    deid = deid_for_demo()
    return html_page(deid), deid


@pytest.mark.parametrize(("stem", "item"), [
    (stem, item) for stem, items in sorted(planted_items().items()) for item in items])
def test_deid_planted_item_absent_from_excerpts_and_html(
        stem: str, item: str, excerpt_text: tuple[str, Deidentifier],
        html_text: tuple[str, Deidentifier]) -> None:
    assert not leaked(item, excerpt_text[0]), f"{item} ({stem}) leaked into the excerpts"
    assert not leaked(item, html_text[0]), f"{item} ({stem}) leaked into the HTML report"


def test_deid_planted_items_in_the_talk_are_in_the_audit_log(
        html_text: tuple[str, Deidentifier]) -> None:
    _, deid = html_text
    originals = {entry.original.casefold() for entry in deid.audit
                 if entry.action == "replaced"}
    missing = []
    for transcript, _ in gold_pairs():
        body = "\n".join(line.text for line in source_view(transcript).lines)
        for item in planted_items()[transcript.id]:
            if not leaked(item, body):
                continue  # only in the header block, which is never shown
            parts = leaked(item, body)
            if item.casefold() in originals:
                continue
            if not all(p.casefold() in originals or any(p.casefold() in o for o in originals)
                       for p in parts if p != item):
                missing.append((transcript.id, item))
    assert not missing
    assert any(entry.kind == "date" for entry in deid.audit)
    assert any(entry.kind == "nhs" and entry.original == "943 476 5919" for entry in deid.audit)


def test_deid_same_name_same_pseudonym_within_and_between_runs(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "deid.key"))
    first = Deidentifier.for_transcripts([t for t, _ in gold_pairs()])
    text_one = full_excerpts(first)
    second = Deidentifier.for_transcripts([t for t, _ in gold_pairs()])
    text_two = full_excerpts(second)
    assert text_one == text_two
    assert first.pseudonym("Kevin", "name") == second.pseudonym("Kevin", "name")
    by_original: dict[str, set[str]] = {}
    for entry in first.audit:
        if entry.action == "replaced":
            by_original.setdefault(entry.original.casefold(), set()).add(entry.pseudonym.casefold())
    assert by_original["kevin"] and all(len(v) == 1 for v in by_original.values())
    # another key gives other pseudonyms: they cannot be recomputed without it
    other = Deidentifier(key=b"\x01" * 32)
    assert other.pseudonym("Kevin", "name") != first.pseudonym("Kevin", "name")


def test_deid_key_file_created_private_via_environment(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "deid.key"
    environ = {KEY_ENV: str(target)}
    assert key_path(environ) == target
    key = load_key(environ=environ)
    assert len(key) == 32 and target.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert load_key(environ=environ) == key
    assert key_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "cakit" / "deid.key"
    assert key_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "cakit" / "deid.key"


def test_deid_ca_marks_around_names_survive(excerpt_text: tuple[str, Deidentifier]) -> None:
    text, deid = excerpt_text
    kevin = deid.pseudonym("Kevin", "name")
    okafor = deid.pseudonym("Okafor", "name")
    assert f"°{kevin}°" in text  # °Kevin°
    assert kevin.upper() in text  # KEVIN stays upper case
    assert re.search(rf"£he's told me all about you Dr {re.escape(okafor)}£", text)


@pytest.mark.parametrize(("text", "kind", "original"), [
    ("call me on 07700 900123 tomorrow", "phone", "07700 900123"),
    ("NHS number 943 476 5919", "nhs", "943 476 5919"),
    ("we moved to 12 Elm Grove last year", "address", "12 Elm Grove"),
    ("postcode SE13 6LH yeah", "postcode", "SE13 6LH"),
    ("mail abena.osei@example.com", "email", "abena.osei@example.com"),
    ("seen on 14/03/2024", "date", "14/03/2024"),
    ("seen on the 14th of March", "date", "the 14th of March"),
    ("back on the second of July", "date", "the second of July"),
    ("dated 12-MAR-2024", "date", "12-MAR-2024"),
    ("by March 14th 2024 at the latest", "date", "March 14th 2024"),
    ("ask Dr Mahmoud about it", "name", "Mahmoud"),
    ("down at St Anne's ward", "place", "St Anne's ward"),
    # as CA transcripts write them: lower case, postcodes without the space, read out
    ("she's in leeds general infirmary now", "place", "leeds general infirmary"),
    ("they moved him to ward 12 last night", "place", "ward 12"),
    ("I'm at flat 3, 45 hyde park road", "address", "flat 3, 45 hyde park road"),
    ("the postcode's ls62ab", "postcode", "ls62ab"),
    ("email gareth.t at example dot org", "email", "gareth.t at example dot org"),
    ("priya came round", "name", "priya"),
    # found by the blind planted set (kinds of miss, not its items)
    ("ring oh seven seven double oh, nine double oh, three five two", "phone",
     "oh seven seven double oh, nine double oh, three five two"),
    ("it's NINE NINE NINE SIX TWO EIGHT ONE NINE FOUR NINE", "nhs",
     "NINE NINE NINE SIX TWO EIGHT ONE NINE FOUR NINE"),
    ("I saw mr pemberton-okoye today", "name", "pemberton-okoye"),
    ("we're at forty-two station road now", "address", "forty-two station road"),
    ("SIX MARLOWE CRESCENT, that's us", "address", "SIX MARLOWE CRESCENT"),
    ("my cousin Ionuț came", "name", "Ionuț"),
    ("my sister drives me from pudsey", "place", "pudsey"),
    ("we moved to Reading last year", "place", "Reading"),
    ("ALL THE WAY FROM TODMORDEN", "place", "TODMORDEN"),
    ("her friend Hoa comes", "name", "Hoa"),
    ("email jo dot bloggs at example dot co dot uk", "email",
     "jo dot bloggs at example dot co dot uk"),
])
def test_deid_pattern_detectors(text: str, kind: str, original: str) -> None:
    deid = Deidentifier(key=TEST_KEY)
    out = deid.text(text, file="x.txt", consultation="x", line=3)
    assert original not in out
    entry = next(e for e in deid.audit if e.original == original)
    assert entry.kind == kind and entry.action == "replaced" and entry.line == 3
    assert entry.pseudonym in out


def test_deid_heuristic_flags_when_not_confident() -> None:
    deid = Deidentifier(key=TEST_KEY, lowercase={"sentence": False})
    out = deid.text("Yesterday I saw Tomasz. Perhaps Ewa knows. Quillby rang, then.",
                    consultation="sentence")
    # "Tomasz" follows a lower-case word: replaced; "Ewa" follows a full stop but is a
    # name in the gazetteer: replaced; "Quillby" follows one and is no known name: flagged;
    # "Perhaps" is an everyday English word: left alone, not even flagged
    assert "Tomasz" not in out and "Ewa" not in out and "Quillby" in out and "Perhaps" in out
    actions = {e.original: e.action for e in deid.audit}
    assert actions["Tomasz"] == actions["Ewa"] == "replaced"
    assert actions["Quillby"] == "flagged"
    assert "Perhaps" not in actions
    # months that are also names are flagged, never replaced; stop words are left alone
    deid = Deidentifier(key=TEST_KEY)
    out = deid.text("off sick till May (.) thank God, on Sundays")
    assert out == "off sick till May (.) thank God, on Sundays"
    assert [e.action for e in deid.audit] == ["flagged"]


def test_team_given_names_list_is_clean() -> None:
    """The team's list: lower case, letters only, 3+ letters, no English word, grouped."""
    from cakit.report.names import TEAM_GIVEN_NAMES, _gazetteer, english_words, team_given_names

    lines = TEAM_GIVEN_NAMES.read_text(encoding="utf-8").splitlines()
    groups: dict[str, list[str]] = {}
    group = ""
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith("#") or not line.strip():
            if line.startswith("# ") and following and not following.startswith("#"):
                group = line[2:]  # a community: the comment line just above its names
                assert group not in groups, group
                groups[group] = []
            continue
        assert line == line.strip().casefold() and line.isalpha() and len(line) >= 3, line
        assert group, f"{line!r} before any group"
        assert line not in groups[group], (group, line)
        groups[group].append(line)
    names = team_given_names()
    assert len(groups) >= 25 and all(len(found) >= 40 for found in groups.values()), {
        g: len(found) for g, found in groups.items()}
    assert names == {name for found in groups.values() for name in found}
    assert not names & english_words()
    assert names <= _gazetteer()[0]


def test_deid_team_names_in_lower_case() -> None:
    deid = Deidentifier(key=TEST_KEY)
    out = deid.text("gosia and mhairi came with chinonso, crying, from wales (.) i'll will it")
    for name in ("gosia", "mhairi", "chinonso"):
        assert name not in out
    assert "crying, from wales (.) i'll will it" in out


def test_deid_roster_csv_and_plain(tmp_path: Path) -> None:
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text("text,kind\nHarlow,name\nElmhurst Ward,place\n", encoding="utf-8")
    plain = tmp_path / "roster.txt"
    plain.write_text("# names\nDanny\n", encoding="utf-8")
    terms = read_roster(csv_file) + read_roster(plain)
    assert [(t.text, t.kind) for t in terms] == [("Harlow", "name"), ("Elmhurst Ward", "place"),
                                                 ("Danny", "name")]
    deid = Deidentifier(key=TEST_KEY, terms=terms)
    out = deid.text("harlow went to elmhurst ward with danny")
    assert "harlow" not in out and "elmhurst" not in out and "danny" not in out
    assert deid.pseudonym("Elmhurst Ward", "place").lower() in out


@pytest.mark.parametrize(("text", "line", "message"), [
    ("text,kind\nHarlow;name\nDanny,name\n", 2, "holds a semicolon or a tab"),
    ("text;kind\nHarlow;name\n", 1, "holds a semicolon or a tab"),
    ('text,kind\nDanny,name\n"Harlow,name\n', 3, "not a CSV row"),
    ("text,kind\nHarlow,name,extra\n", 2, "3 cells under a header of 2"),
    ("text,kind\n,place\n", 2, "no name in the text column"),
    ("text,kind\nHarlow,nurse\n", 2, "unknown kind 'nurse'"),
])
def test_deid_roster_rows_that_cannot_be_used_are_errors(tmp_path: Path, text: str, line: int,
                                                         message: str) -> None:
    """A roster row cakit cannot use (a file separated by semicolons, as some spreadsheets
    write it; a broken quote) is an error at its line: skipped, its name would stay in
    clear in every shared output."""
    from cakit.report.deid import RosterError

    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_roster(roster)
    problem = caught.value.diagnostics[0]
    assert problem.code == "CK405" and problem.span.line == line
    assert message in problem.message and f"{roster}:{line}:1: CK405" in str(caught.value)


def test_deid_a_bad_roster_stops_the_report_before_anything_is_written(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cakit.cli import cli
    from tests.conftest import DEMO

    roster = tmp_path / "roster.csv"
    roster.write_text("text,kind\nBrennan;name\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(DEMO / "01-brennan-jefferson.txt"),
                                      "--no-store", "--format", "html", "-o", str(out),
                                      "--roster", str(roster)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{roster}:2:1: CK405" in result.output
    assert not out.exists()


def test_deid_identifier_replaces_the_whole_id() -> None:
    """A file name can hold a name nobody says (13-adebayo) or a date of birth: the whole
    consultation id is replaced, stably, and the audit maps it back."""
    deid = deid_for_demo()
    for value in ("01-brennan-jefferson", "13-adebayo-chat-gems", "sarah-jones-dob-03-05-1987"):
        shown = deid.identifier(value, file=f"{value}.txt")
        assert shown.startswith("[ID-") and shown == deid_for_demo().identifier(value)
        assert not any(part in shown.lower() for part in value.split("-") if len(part) > 2)
        assert any(e.original == value and e.pseudonym == shown for e in deid.audit)
    assert deid.identifier("a") != deid.identifier("b")


def test_deid_clinician_keeps_the_role_and_the_name_code() -> None:
    deid = deid_for_demo()
    shown = deid.clinician("Dr Okafor")
    assert shown.startswith("[Clinician-") and "Okafor" not in shown
    # the same code as the name's pseudonym in the talk, so a reader can follow the person
    assert shown.split("-", 1)[1] == deid.pseudonym("Dr Okafor", "name").split("-", 1)[1]


def test_deid_realign_brackets_after_a_longer_pseudonym() -> None:
    lines = ["P:   I told Ama [about it]", "Dr:             [mm      ]", "P:   yeah."]
    deid = Deidentifier(key=TEST_KEY)
    out = deid.lines([(1, lines[0], 2), (2, lines[1], 3), (3, lines[2], 2)])
    assert "Ama" not in out[0]
    assert out[0].index("[about") == out[1].index("[mm")
    assert out[0].rindex("]") == out[1].rindex("]")
    assert out[2] == lines[2]
    # nothing replaced: nothing moves
    assert realign_brackets(lines, lines, [[], [], []]) == lines


def test_deid_audit_csv_and_path(tmp_path: Path) -> None:
    deid = Deidentifier(key=TEST_KEY)
    deid.text("ring 07700 900123", file="f.txt", consultation="c", line=9)
    text = audit_csv(deid.audit)
    assert text.splitlines()[0] == "file,consultation,line,col,kind,detector,action,original," \
                                   "pseudonym"
    assert "f.txt,c,9,6,phone,pattern,replaced,07700 900123,[Phone-" in text
    assert audit_path(tmp_path / "out.docx") == tmp_path / "out.docx.deid-audit.csv"
    # no log with the originals beside /dev/null, a pipe or standard output (an audit
    # found `report -o /dev/null` writing /dev/null.deid-audit.csv)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert audit_path("/dev/null") is None and audit_path(fifo) is None
    assert audit_path(None) is None and audit_path("") is None


def test_deid_report_to_dev_null_writes_no_audit_log(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cakit.cli import cli

    before = set(Path("/dev").iterdir())
    result = CliRunner().invoke(cli, ["report", str(REPO / "corpora" / "demo" /
                                                   "01-brennan-jefferson.txt"),
                                      "--no-store", "--format", "csv", "-o", "/dev/null"])
    assert result.exit_code == 0, result.output
    assert "use -o FILE to keep the audit log" in result.stderr
    assert set(Path("/dev").iterdir()) == before


def test_deid_nothing_identifying_in_the_audit_free_html_when_opted_out() -> None:
    page = html_page(None)
    assert "NOT DE-IDENTIFIED" in page
    assert "Kevin" in page


def test_deid_words_cut_by_ca_marks_are_read_whole() -> None:
    """A CA mark inside a word ("cr(h)ying", "ka::sia") leaves pieces; the lookup reads
    the word the marks cut, never a piece, and the same person keeps one pseudonym."""
    deid = Deidentifier(key=TEST_KEY)
    out = deid.text("she was cr(h)ying, lau(h)ghing (h)ah, and ka::sia came with pri(h)ya")
    assert out.startswith("she was cr(h)ying, lau(h)ghing (h)ah, and ")
    assert "ka::sia" not in out and "pri(h)ya" not in out
    assert deid.text("kasia") in out and deid.text("priya") in out
    # a piece that is a name on its own ("ali" of "ali(h)son") is not replaced alone
    alison = deid.text("we(h)ll ali(h)son")
    assert alison.startswith("we(h)ll [") and "son" not in alison


@pytest.mark.parametrize("text", [
    "I read all night. (.) Reading helps a bit.",  # a word opening a sentence: flagged only
    "see you in March then, (.) or in May",  # months, not the town of March
    "she's Vietnamese, (.) her mum speaks Tamil and Kurdish",
    "and the Clozaril, (.) and the Abilify, how's that going?",
    "hah hah HhHah hee hee (h)",
    "I stopped college, (.) how's college",
    "she's gone back to Wales",
    "I dug all the borders out",
])
def test_deid_ordinary_words_found_by_the_blind_set_stay(text: str) -> None:
    deid = Deidentifier(key=TEST_KEY, spoken_names=frozenset({"clozaril", "abilify"}))
    assert deid.text(text) == text
    assert all(entry.action == "flagged" for entry in deid.audit)


def test_deid_names_as_speaker_labels_and_in_lower_case_declarations(tmp_path: Path) -> None:
    """A label that is a name (`Ruairí:`, `ELENI:`, `hodan:`) and a name declared in lower
    case (`P = shahana rahman`) are replaced wherever they appear; role labels stay."""
    from cakit.formats import read

    path = tmp_path / "visit.txt"
    path.write_text(
        "Title: home visit (invented)\nDate: 11 feb 2025\n"
        "Interpreter: Tran Minh Duc (Vietnamese)\n"
        "Participants: Dr = dr osei (psychiatrist), P = shahana rahman (patient)\n\n"
        "Dr:     hello shahana. (.) and hello Ruairí.\n"
        "Ruairí: hiya.\nELENI: she's asleep.\nhodan: mm.\nP:      hello doctor.\n",
        encoding="utf-8")
    transcript = read(path, roles={"Ruairí": "carer", "ELENI": "carer", "hodan": "other"}
                      ).transcript
    assert [h.name for h in transcript.headers[:3]] == ["Title", "Date", "Interpreter"]
    deid = Deidentifier.for_transcripts([transcript], key=TEST_KEY)
    lines = [(u.line, f"{u.speaker}: {u.content}", len(u.speaker) + 2)
             for u in transcript.utterances]
    shown = "\n".join(deid.lines(lines, file="visit.txt", consultation="visit"))
    for name in ("shahana", "Ruairí", "ELENI", "hodan", "rahman"):
        assert name.casefold() not in shown.casefold(), (name, shown)
    assert "\nP: hello doctor." in shown and shown.startswith("Dr: hello")


def test_team_surnames_and_places_lists_are_clean() -> None:
    """The team's surnames (grouped by community, lower case, letters only) and UK places
    (one per line, no repeats) load into the gazetteers."""
    from cakit.report.names import (
        TEAM_PLACES,
        TEAM_SURNAMES,
        _gazetteer,
        place_gazetteer,
        team_surnames,
    )

    groups = 0
    for line in TEAM_SURNAMES.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or not line.strip():
            continue
        if line.startswith("#"):
            continue
        assert line == line.strip().casefold() and line.isalpha() and len(line) >= 3, line
    text = TEAM_SURNAMES.read_text(encoding="utf-8")
    groups = sum(1 for line in text.splitlines() if line.startswith("# ") and line[2:3].isupper()
                 and "," not in line and len(line) < 60)
    assert groups >= 30 and len(team_surnames()) >= 4000
    assert team_surnames() <= _gazetteer()[1]
    places = [line for line in TEAM_PLACES.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(places) >= 5000 and len({p.casefold() for p in places}) == len(places)
    gazetteer = place_gazetteer()
    assert gazetteer.match(["pudsey"]) == (1, True)
    assert gazetteer.match(["bethnal", "green"]) == (2, True)
    assert gazetteer.match(["reading"]) == (1, False)  # an English word: capitals decide
    assert gazetteer.match(["wales"]) is None  # a nation identifies nobody


def test_pseudonymising_ids_alone_loads_no_word_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table report only pseudonymises consultation ids and clinicians: the English word
    lists (a fifth of a second to load) are read only when transcript words need them."""
    import cakit.report.deid as deid_module

    def refuse() -> frozenset[str]:
        raise AssertionError("word lists loaded")

    monkeypatch.setattr(deid_module, "ordinary_words", refuse)
    monkeypatch.setattr(deid_module, "english_words", refuse)
    deid = deid_module.Deidentifier(key=bytes(range(32)))
    assert deid.identifier("01-sarah-jones").startswith("[ID-")
    with pytest.raises(AssertionError, match="word lists loaded"):
        deid_module.Deidentifier(key=bytes(range(32)), spoken_names=frozenset({"headingley"}))
