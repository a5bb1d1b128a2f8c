"""ELAN (EAF): the writer's documents validate and read back; EAF written by ELAN reads."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from cakit.cli import cli
from cakit.formats import format_for, read
from cakit.formats.elan import parse_eaf, to_coded_eaf
from cakit.formats.elan.codes import vocabularies
from cakit.formats.elan.names import GAP_TIER
from cakit.formats.elan.writer import media_descriptor, to_eaf, utterance_text
from cakit.formats.jefferson.writer import utterance_texts
from cakit.model import MediaTime, Transcript
from tests.conftest import DEMO, SHARED_DATA

ELAN_DATA = SHARED_DATA / "elan"
needs_elan = pytest.mark.skipif(
    not ELAN_DATA.is_dir(),
    reason=f"shared ELAN data not found at {ELAN_DATA} (it exists in CI and the workspace)",
)
DATE = datetime(2024, 3, 12, 9, 30, tzinfo=timezone.utc)
DEMO_FILES = sorted(p for p in DEMO.iterdir() if p.suffix in (".cha", ".txt", ".docx"))
MEDIA_FILE = DEMO / "11-rahman-chat-media.cha"
JEFFERSON_FILE = DEMO / "01-brennan-jefferson.txt"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ELAN_DATA / "EAFv3.0.xsd")))


def _transcript(path: Path) -> Transcript:
    result = read(path)
    assert not result.errors, [str(d) for d in result.errors]
    return result.transcript


def _write(tmp_path: Path, text: str, name: str = "doc.eaf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _written(transcript: Transcript) -> dict[int, str]:
    """Each utterance's text as an EAF holds it: CHAT talk in Jefferson notation (which is
    how an EAF is read back), other talk as transcribed."""
    if transcript.format == "chat":
        return utterance_texts(transcript)
    return {u.index: utterance_text(u) for u in transcript.utterances}


def _talk(transcript: Transcript) -> list[tuple[str, str, MediaTime | None]]:
    written = _written(transcript)
    return [(u.speaker, written[u.index], u.media) for u in transcript.utterances]


# -- writing -----------------------------------------------------------------------------

@needs_elan
@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_demo_eaf_validates_against_the_schema(path: Path, schema: etree.XMLSchema) -> None:
    transcript = _transcript(path)
    document = etree.fromstring(to_coded_eaf(transcript, date=DATE).encode("utf-8"))
    assert schema.validate(document), str(schema.error_log)
    speaker_tiers = document.findall("TIER[@LINGUISTIC_TYPE_REF='utterance']")
    assert [t.get("TIER_ID") for t in speaker_tiers] == [p.code for p in transcript.participants]
    assert len(document.findall("TIER[@LINGUISTIC_TYPE_REF='utterance']/ANNOTATION/"
                                "ALIGNABLE_ANNOTATION")) == len(transcript.utterances)
    # silences on a line of their own have a tier of their own, with no speaker
    gaps = document.findall(f"TIER[@TIER_ID='{GAP_TIER}']/ANNOTATION/ALIGNABLE_ANNOTATION")
    assert len(gaps) == len(transcript.gaps)


def test_demo_files_cover_every_input_format() -> None:
    assert {p.suffix for p in DEMO_FILES} == {".cha", ".txt", ".docx"}


def test_times_come_from_bullets_and_slots_are_unaligned_without_them() -> None:
    timed = etree.fromstring(to_eaf(_transcript(MEDIA_FILE), date=DATE).encode())
    values = [slot.get("TIME_VALUE") for slot in timed.iter("TIME_SLOT")]
    assert values[:4] == ["300", "3400", "3600", "6300"]
    assert None not in values
    assert [int(v) for v in values] == sorted(int(v) for v in values)  # ELAN wants them in order
    plain = _transcript(JEFFERSON_FILE)
    untimed = etree.fromstring(to_eaf(plain, date=DATE).encode())
    slots = untimed.findall("TIME_ORDER/TIME_SLOT")
    assert len(slots) == 2 * (len(plain.utterances) + len(plain.gaps))
    assert all(slot.get("TIME_VALUE") is None for slot in slots)


def test_media_header_becomes_a_media_descriptor() -> None:
    document = etree.fromstring(to_eaf(_transcript(MEDIA_FILE), date=DATE).encode())
    (media,) = document.findall("HEADER/MEDIA_DESCRIPTOR")
    assert media.get("MEDIA_URL") == "11-rahman-chat-media"
    assert media.get("MIME_TYPE") == "audio/*"
    assert media_descriptor("C:\\rec\\visit 3.MP4, video") == ("visit 3.MP4", "video/mp4")
    assert media_descriptor("clinic.wav, audio, notrans") == ("clinic.wav", "audio/x-wav")
    assert media_descriptor(" , audio") is None


def test_talk_only_without_codes() -> None:
    document = etree.fromstring(to_eaf(_transcript(MEDIA_FILE), date=DATE).encode())
    assert document.findall("TIER[@PARENT_REF]") == []
    assert document.findall("CONTROLLED_VOCABULARY") == []


# -- reading back with a real ELAN library ------------------------------------------------

def test_pympi_reads_tiers_times_and_values(tmp_path: Path) -> None:
    pympi = pytest.importorskip("pympi", reason="pympi-ling is in the test extra")
    from cakit.annotate import annotator_for, codebook_for

    transcript = _transcript(MEDIA_FILE)
    codes = annotator_for().annotate(transcript)
    assert codes.attempts and codes.responses
    path = _write(tmp_path, to_coded_eaf(transcript, date=DATE))
    eaf = pympi.Elan.Eaf(str(path))
    tiers = set(eaf.get_tier_names())
    assert {"DOC", "PAT", "MOT", "attempts@PAT", "responses@DOC", "phase@PAT"} <= tiers
    assert eaf.get_parameters_for_tier("PAT")["PARTICIPANT"] == "Imran"
    written = _written(transcript)
    for participant in transcript.participants:
        expected = [(u.media.start_ms, u.media.end_ms, written[u.index])
                    for u in transcript.utterances
                    if u.speaker == participant.code and u.media is not None]
        assert sorted(eaf.get_annotation_data_for_tier(participant.code)) == sorted(expected)
    attempt_values = {value for *_, value, _ in eaf.get_ref_annotation_data_for_tier(
        "attempts@PAT")}
    assert attempt_values == {s for a in codes.attempts for s in a.subtypes}
    uptakes = {value for *_, value, _ in eaf.get_ref_annotation_data_for_tier("responses@DOC")}
    assert uptakes == {r.uptake_subtype or r.uptake for r in codes.responses if r.turn_id}
    cv = eaf.get_cv_entries("attempt")
    assert sorted(value for (values, _) in cv.values() for value, _, _ in values) == sorted(
        vocabularies(codebook_for())["attempt"])
    assert eaf.media_descriptors[0]["MEDIA_URL"] == "11-rahman-chat-media"


def test_pympi_reads_unaligned_jefferson(tmp_path: Path) -> None:
    pympi = pytest.importorskip("pympi", reason="pympi-ling is in the test extra")
    transcript = _transcript(JEFFERSON_FILE)
    eaf = pympi.Elan.Eaf(str(_write(tmp_path, to_eaf(transcript, date=DATE))))
    patient = eaf.get_annotation_data_for_tier("P")
    assert patient[0] == (None, None, utterance_text(transcript.utterances[1]))


# -- eaf → cakit → eaf -------------------------------------------------------------------

@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_round_trip_keeps_every_utterance(path: Path, tmp_path: Path) -> None:
    original = _transcript(path)
    first = _write(tmp_path, to_coded_eaf(original, date=DATE), "first.eaf")
    back = read(first)
    assert not back.errors, [str(d) for d in back.errors]
    assert sorted(_talk(back.transcript), key=repr) == sorted(_talk(original), key=repr)
    assert {(p.code, p.role) for p in back.transcript.participants} == {
        (p.code, p.role) for p in original.participants if any(
            u.speaker == p.code for u in original.utterances)}
    again = read(_write(tmp_path, to_eaf(back.transcript, date=DATE), "second.eaf"))
    assert _talk(again.transcript) == _talk(back.transcript)
    assert [h.value for h in again.transcript.headers] == [
        h.value for h in back.transcript.headers]


def test_unaligned_talk_keeps_document_order_between_timed_talk(tmp_path: Path) -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00Z" VERSION="3.0">
  <HEADER TIME_UNITS="milliseconds"/>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="1000"/>
    <TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="2000"/>
    <TIME_SLOT TIME_SLOT_ID="t3"/>
    <TIME_SLOT TIME_SLOT_ID="t4"/>
    <TIME_SLOT TIME_SLOT_ID="t5" TIME_VALUE="3000"/>
    <TIME_SLOT TIME_SLOT_ID="t6" TIME_VALUE="4000"/>
  </TIME_ORDER>
  <TIER TIER_ID="Dr" PARTICIPANT="Dr Okafor" LINGUISTIC_TYPE_REF="default-lt">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="t5" TIME_SLOT_REF2="t6">
      <ANNOTATION_VALUE>any more?</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2">
      <ANNOTATION_VALUE>how are you?</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="Pt" LINGUISTIC_TYPE_REF="default-lt">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="t3" TIME_SLOT_REF2="t4">
      <ANNOTATION_VALUE>the voices are back</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
"""
    result = read(_write(tmp_path, text))
    assert not result.diagnostics, [str(d) for d in result.diagnostics]
    transcript = result.transcript
    assert [u.content for u in transcript.utterances] == [
        "how are you?", "the voices are back", "any more?"]
    assert [u.media for u in transcript.utterances] == [
        MediaTime(1000, 2000), None, MediaTime(3000, 4000)]
    assert [u.line for u in transcript.utterances] == [15, 19, 13]
    assert [t.speaker for t in transcript.turns] == ["Dr", "Pt", "Dr"]
    assert transcript.participant("Dr").name == "Dr Okafor"  # type: ignore[union-attr]
    assert transcript.role_of("Pt") == "patient"
    assert transcript.utterances[1].words == ("the", "voices", "are", "back")


# -- what cakit does not read, and broken input ------------------------------------------

_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00Z" VERSION="3.0">
  <HEADER TIME_UNITS="milliseconds"/>
  <TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="0"/>
    <TIME_SLOT TIME_SLOT_ID="t2" TIME_VALUE="900"/></TIME_ORDER>
{tiers}
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="speech" TIME_ALIGNABLE="true"/>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="gloss" CONSTRAINTS="Symbolic_Association"
    TIME_ALIGNABLE="false"/>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="gesture" CONTROLLED_VOCABULARY_REF="G"
    TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
"""
_SPEECH = """  <TIER TIER_ID="{tier}" LINGUISTIC_TYPE_REF="{type}">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{id}" TIME_SLOT_REF1="t1"
      TIME_SLOT_REF2="{end}"><ANNOTATION_VALUE>hello</ANNOTATION_VALUE>
    </ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>"""


def _doc(*tiers: str) -> bytes:
    return _TEMPLATE.format(tiers="\n".join(tiers)).encode("utf-8")


def _codes(data: bytes, **roles: str) -> list[tuple[str, str, int]]:
    result = parse_eaf(data, source="x.eaf", roles=roles)  # type: ignore[arg-type]
    return [(d.code, d.severity, d.span.line) for d in result.diagnostics]


def test_unknown_speaker_is_ck301_at_its_tier() -> None:
    data = _doc(_SPEECH.format(tier="Speaker7", type="speech", id="a1", end="t2"))
    assert _codes(data) == [("CK301", "error", 6)]
    assert _codes(data, Speaker7="carer") == []


def test_tiers_that_are_not_speech_are_reported_not_read() -> None:
    dependent = ('  <TIER TIER_ID="gl" PARENT_REF="Dr" LINGUISTIC_TYPE_REF="gloss">\n'
                 '    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="r1" ANNOTATION_REF="a1">'
                 '<ANNOTATION_VALUE>x</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>\n'
                 "  </TIER>")
    empty = '  <TIER TIER_ID="Pt" LINGUISTIC_TYPE_REF="speech"/>'
    data = _doc(_SPEECH.format(tier="Dr", type="speech", id="a1", end="t2"), dependent, empty,
                _SPEECH.format(tier="hands", type="gesture", id="a2", end="t2"))
    assert _codes(data) == [("CK504", "info", 11), ("CK504", "warning", 14),
                            ("CK504", "warning", 15)]
    result = parse_eaf(data, source="x.eaf")
    assert [p.code for p in result.transcript.participants] == ["Dr"]
    messages = " ".join(d.message for d in result.diagnostics)
    assert "controlled vocabulary" in messages and "no time-aligned" in messages


def test_a_missing_time_slot_is_an_error_not_a_crash() -> None:
    data = _doc(_SPEECH.format(tier="Dr", type="speech", id="a1", end="t9"))
    assert _codes(data) == [("CK503", "error", 7)]
    assert parse_eaf(data, source="x.eaf").transcript.utterances == ()


def test_a_document_without_speech_is_an_error() -> None:
    assert _codes(_doc()) == [("CK505", "error", 2)]


@pytest.mark.parametrize(("data", "code", "line"), [
    (b"", "CK501", 1),
    (b"<ANNOTATION_DOCUMENT>\n<TIER>\n</ANNOT", "CK501", 3),
    (b"<html><body/></html>", "CK502", 1),
])
def test_broken_xml_is_one_diagnostic(data: bytes, code: str, line: int) -> None:
    result = parse_eaf(data, source="x.eaf")
    assert [(d.code, d.severity, d.span.line) for d in result.diagnostics] == [
        (code, "error", line)]


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
            + _TEMPLATE.split("\n", 1)[1].format(tiers=_SPEECH.format(
                tier="Dr", type="speech", id="a1", end="t2").replace("hello", "&e;")))
    result = parse_eaf(data.encode(), source="x.eaf")
    assert "TOP-SECRET" not in " ".join(u.content for u in result.transcript.utterances)


def test_eaf_is_found_by_suffix_and_by_content() -> None:
    data = _doc(_SPEECH.format(tier="Dr", type="speech", id="a1", end="t2"))
    by_suffix = format_for(Path("a.eaf"), b"")
    by_content = format_for(Path("a.xml"), data[:4096])
    assert by_suffix is not None and by_suffix.name == "elan"
    assert by_content is not None and by_content.name == "elan"


# -- documents written by ELAN itself ----------------------------------------------------

@needs_elan
@pytest.mark.parametrize("name", ["sample_3.0.eaf", "sample_2.7.eaf"])
def test_real_elan_documents_read_without_error(name: str) -> None:
    result = read(ELAN_DATA / name, roles={"text": "patient"})
    assert not result.errors, [str(d) for d in result.errors[:5]]
    transcript = result.transcript
    assert [p.code for p in transcript.participants] == ["text"]
    assert len(transcript.utterances) > 100
    first = transcript.utterances[0]
    assert first.media is not None and first.media.end_ms > first.media.start_ms
    assert first.words
    starts = [u.media.start_ms for u in transcript.utterances if u.media is not None]
    assert starts == sorted(starts)
    assert first.line > 1
    not_read = {d.message.split("'")[1] for d in result.diagnostics if d.code == "CK504"}
    assert {"gestures", "words-timesub", "words-pos"} <= not_read
    assert [h.value for h in transcript.headers] == ["r03_v20_s5.wav, audio"]


@needs_elan
def test_real_elan_document_without_roles_names_the_speaker() -> None:
    result = read(ELAN_DATA / "sample_3.0.eaf")
    assert [d.code for d in result.errors] == ["CK301"]
    assert "'text'" in result.errors[0].message


# -- the CLI -----------------------------------------------------------------------------

def test_cli_convert_to_eaf_then_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "eaf"
    outcome = runner.invoke(cli, ["convert", str(MEDIA_FILE), "--to", "eaf", "-o", str(out)])
    assert outcome.exit_code == 0, outcome.output
    written = out / "11-rahman-chat-media.eaf"
    assert b"<ANNOTATION_DOCUMENT" in written.read_bytes()
    checked = runner.invoke(cli, ["validate", str(written)])
    assert checked.exit_code == 0, checked.output


def test_cli_validate_reports_malformed_eaf_without_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT>\n  <TIER\n')
    outcome = CliRunner().invoke(cli, ["validate", "--no-color", str(path)])
    assert outcome.exit_code == 1
    assert f"{path}:4:1: CK501 not well-formed XML" in outcome.output
    assert "Traceback" not in outcome.output
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)


def test_control_characters_never_reach_the_xml() -> None:
    from cakit.model import Participant, Utterance

    transcript = Transcript(
        id="x", source="x.txt", format="jefferson", sha256="",
        participants=(Participant(code="Dr\x01", role="clinician", name="A\x02B"),),
        utterances=(Utterance(id="u1", index=0, speaker="Dr\x01", line=1, col=1, end_line=1,
                              content="so\x0b how   are\x00 you"),),
    )
    document = etree.fromstring(to_eaf(transcript, date=DATE).encode())
    (tier,) = document.findall("TIER")
    assert (tier.get("TIER_ID"), tier.get("PARTICIPANT")) == ("Dr", "AB")
    assert tier.findtext("ANNOTATION/ALIGNABLE_ANNOTATION/ANNOTATION_VALUE") == "so how are you"


@needs_elan
def test_eaf_read_from_elan_writes_valid_eaf(schema: etree.XMLSchema) -> None:
    transcript = read(ELAN_DATA / "sample_2.7.eaf", roles={"text": "patient"}).transcript
    document = etree.fromstring(to_coded_eaf(transcript, date=DATE).encode("utf-8"))
    assert schema.validate(document), str(schema.error_log)
    (media,) = document.findall("HEADER/MEDIA_DESCRIPTOR")
    assert (media.get("MEDIA_URL"), media.get("MIME_TYPE")) == ("r03_v20_s5.wav", "audio/x-wav")


def test_a_silent_participant_survives_the_round_trip() -> None:
    from cakit.model import Participant, Utterance

    transcript = Transcript(
        id="x", source="x.txt", format="jefferson", sha256="",
        participants=(Participant(code="Dr", role="clinician"),
                      Participant(code="Nan", role="carer", name="Gran")),
        utterances=(Utterance(id="u1", index=0, speaker="Dr", line=1, col=1, end_line=1,
                              content="hello"),),
    )
    back = parse_eaf(to_eaf(transcript, date=DATE).encode(), source="x.eaf")
    assert back.diagnostics == ()
    assert [(p.code, p.role, p.name) for p in back.transcript.participants] == [
        ("Dr", "clinician", ""), ("Nan", "carer", "Gran")]


@pytest.mark.parametrize("target", ["chat", "jefferson"])
def test_talk_read_from_an_eaf_is_written_in_talk_order(tmp_path: Path, target: str) -> None:
    """An EAF keeps each speaker's talk together on their own tier, so its XML lines are
    not talk order; converting it must still write the talk in the order it was said."""
    source = DEMO / "11-rahman-chat-media.cha"
    eaf = tmp_path / "11-rahman-chat-media.eaf"  # @Media names the recording after it
    eaf.write_text(to_eaf(read(source).transcript, date=datetime(2026, 1, 1, tzinfo=timezone.utc)),
                   encoding="utf-8")
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  DOC: clinician\n  PAT: patient\n  MOT: carer\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(eaf), "--to", target, "-o",
                                      str(tmp_path / "out"), "--roles", str(roles)])
    assert result.exit_code == 0, result.output
    written = read(next((tmp_path / "out").iterdir()), roles={
        "DOC": "clinician", "PAT": "patient", "MOT": "carer"}).transcript
    original = read(source).transcript
    assert [u.speaker for u in written.utterances] == [u.speaker for u in original.utterances]


def _dependent_annotations(path: Path) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """(dependent tier, parent tier, utterance text, start, end, value) of every annotation
    on a dependent tier: what an annotation is, independent of ids."""
    root = etree.parse(str(path)).getroot()
    times = {s.get("TIME_SLOT_ID"): s.get("TIME_VALUE") for s in root.iter("TIME_SLOT")}
    utterances = {}
    for tier in root.iter("TIER"):
        for ann in tier.iter("ALIGNABLE_ANNOTATION"):
            utterances[ann.get("ANNOTATION_ID")] = (
                tier.get("TIER_ID"), ann.findtext("ANNOTATION_VALUE"),
                times.get(ann.get("TIME_SLOT_REF1")), times.get(ann.get("TIME_SLOT_REF2")))
    found = []
    for tier in root.iter("TIER"):
        if not tier.get("PARENT_REF"):
            continue
        for ann in tier.iter("REF_ANNOTATION"):
            parent, text, start, end = utterances[ann.get("ANNOTATION_REF")]
            found.append((tier.get("TIER_ID", ""), parent, text, start, end,
                          ann.findtext("ANNOTATION_VALUE") or ""))
    return sorted(found)


@needs_elan
def test_eaf_to_eaf_keeps_every_annotation_including_edits_made_in_elan(
        tmp_path: Path, schema: etree.XMLSchema) -> None:
    """eaf → cakit → eaf: cakit's code tiers (with a coder's change made in ELAN) and a
    lab's own dependent tier come back on the same utterances, not re-coded."""
    runner = CliRunner()
    first = tmp_path / "first"
    assert runner.invoke(cli, ["convert", str(MEDIA_FILE), "--to", "eaf", "-o",
                               str(first)]).exit_code == 0
    (source,) = first.glob("*.eaf")
    document = etree.parse(str(source))
    root = document.getroot()
    attempt = next(t for t in root.iter("TIER") if t.get("TIER_ID", "").startswith("attempts@"))
    value = attempt.find(".//ANNOTATION_VALUE")
    assert value is not None
    value.text = "PSY_EMO"  # a coder's edit in ELAN
    doc_tier = next(t for t in root.iter("TIER") if t.get("TIER_ID") == "DOC")
    gesture = etree.Element("TIER", TIER_ID="gesture@DOC", PARENT_REF="DOC",
                            LINGUISTIC_TYPE_REF="gesture")
    first_utterance = doc_tier.find(".//ALIGNABLE_ANNOTATION")
    assert first_utterance is not None
    ref = etree.SubElement(etree.SubElement(gesture, "ANNOTATION"), "REF_ANNOTATION",
                           ANNOTATION_ID="a9999",
                           ANNOTATION_REF=first_utterance.get("ANNOTATION_ID", ""))
    etree.SubElement(ref, "ANNOTATION_VALUE").text = "nods"
    root.findall("TIER")[-1].addnext(gesture)
    root.findall("LINGUISTIC_TYPE")[-1].addnext(etree.Element(
        "LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID="gesture", TIME_ALIGNABLE="false",
        GRAPHIC_REFERENCES="false", CONSTRAINTS="Symbolic_Association"))
    document.write(str(source), xml_declaration=True, encoding="UTF-8")
    before = _dependent_annotations(source)
    assert before[[b[0] for b in before].index("gesture@DOC")][:2] == ("gesture@DOC", "DOC")

    second = tmp_path / "second"
    result = runner.invoke(cli, ["convert", str(source), "--to", "eaf", "-o", str(second)])
    assert result.exit_code == 0, result.output
    assert "not made again" in result.output
    (written,) = second.glob("*.eaf")
    assert _dependent_annotations(written) == before
    assert "PSY_EMO" in {a[-1] for a in before}
    assert schema.validate(etree.parse(str(written))), str(schema.error_log)


@needs_elan
def test_eaf_to_eaf_carries_the_codes_of_every_demo_consultation(
        tmp_path: Path, schema: etree.XMLSchema) -> None:
    """An untimed speaker who says the same thing twice (two "yeah."s) has two utterances
    with one key (tier, no times, text): the second's codes could not follow it, and
    every Jefferson demo file failed EAF → EAF."""
    runner = CliRunner()
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(cli, ["convert", str(DEMO), "--to", "eaf", "-o",
                               str(first)]).exit_code == 0
    result = runner.invoke(cli, ["convert", str(first), "--to", "eaf", "-o", str(second)])
    assert result.exit_code == 0, result.output
    sources = sorted(first.glob("*.eaf"))
    assert len(sources) == 14
    for source in sources:
        written = second / source.name
        assert _dependent_annotations(written) == _dependent_annotations(source), source.name
        assert schema.validate(etree.parse(str(written))), str(schema.error_log)


def test_an_annotation_that_cannot_be_carried_stops_the_conversion(tmp_path: Path) -> None:
    """An annotation whose utterance is not in the converted talk is never dropped: the
    file is not converted and the reason is printed."""
    from cakit.formats.elan.carry import carry_dependent_tiers

    text = to_coded_eaf(_transcript(MEDIA_FILE), date=DATE)
    root = etree.fromstring(text.encode())
    ref = next(root.iter("REF_ANNOTATION"))
    ref.set("ANNOTATION_REF", "a-missing")
    carried = carry_dependent_tiers(etree.tostring(root), to_eaf(_transcript(MEDIA_FILE),
                                                                 date=DATE))
    assert any("refers to an utterance that is not in the converted document" in p
               for p in carried.problems)


@needs_elan
@pytest.mark.parametrize("name", ["sample_2.7.eaf", "sample_3.0.eaf"])
def test_real_elan_documents_keep_every_tier_through_eaf_to_eaf(
        tmp_path: Path, name: str, schema: etree.XMLSchema) -> None:
    """The words, parts of speech and gestures of real ELAN documents (time subdivision
    on unaligned slots, symbolic subdivision, an EAF 2.7 vocabulary) all come through."""
    roles = tmp_path / "roles.yaml"
    roles.write_text("roles:\n  text: patient\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(ELAN_DATA / name), "--roles", str(roles),
                                      "--to", "eaf", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "out").glob("*.eaf")

    def values(path: Path) -> dict[str, list[str]]:
        root = etree.parse(str(path)).getroot()
        return {str(t.get("TIER_ID")): sorted(v.text or "" for v in t.iter("ANNOTATION_VALUE"))
                for t in root.iter("TIER")}

    source, out = values(ELAN_DATA / name), values(written)
    assert all(out[tier] == annotations for tier, annotations in source.items())
    assert sum(map(len, source.values())) > 8000
    assert schema.validate(etree.parse(str(written))), str(schema.error_log)


def test_an_overlap_counts_once_through_elan(tmp_path: Path) -> None:
    """An audit converted Jefferson to ELAN and found each overlap counted twice: the two
    `[` are paired in Jefferson by their column, which one tier per speaker loses (the
    demo's harlow file 2 → 4, a CABNC file 75 → 150). Onsets are paired by their order."""
    from cakit.summary import summarize

    source = tmp_path / "pair.txt"
    source.write_text("Dr:   how are [you ] today?\nP:           [fine] thanks.\n"
                      "Dr:   good [to hear]\nP:        [mm     ]\nDr:   and [then\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "eaf", "-o",
                                      str(tmp_path / "e")])
    assert result.exit_code == 0, result.output
    jefferson = read(source).transcript
    elan = read(tmp_path / "e" / "pair.eaf").transcript
    assert summarize(jefferson).overlaps == summarize(elan).overlaps == 3  # 2 pairs, 1 lone
    links = [e.link for u in elan.utterances for e in u.events if e.kind == "overlap"]
    assert links[:4] == ["ov1"] * 4 and len(set(links[4:8])) == 1 and links[4]
    demo = _transcript(DEMO / "02-harlow-consultant.txt")
    again = tmp_path / "harlow.eaf"
    again.write_text(to_eaf(demo, date=DATE), encoding="utf-8")
    assert summarize(read(again).transcript).overlaps == summarize(demo).overlaps == 2


def test_converting_chat_to_elan_says_what_it_leaves_out(tmp_path: Path) -> None:
    """An audit converted CABNC files to ELAN: their pauses on lines of their own (one
    file's pause time went from 102.5 s to 27.1 s), %com tiers and @Comment lines were
    gone without a word; converting to Jefferson said so (CK420), to ELAN nothing. The
    pauses are now kept, on a tier of their own; the rest is said."""
    source = tmp_path / "gap.cha"
    source.write_text(
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tDOC Doctor, PAT Participant\n"
        "@Options:\tCA\n@ID:\teng|c|DOC|||||Doctor|||\n@ID:\teng|c|PAT|||||Participant|||\n"
        "@Comment:\ta note\n*DOC:\thow are you\n\t(2.5)\n*PAT:\tfine\n%com:\tquietly\n@End\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "eaf", "-o",
                                      str(tmp_path / "e"), "--no-color"])
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "CK420" in line]
    assert any("1 dependent tier" in line for line in said), said
    assert not any("pause" in line for line in said), said
    assert any("headers Comment" in line for line in said), said
    assert "CK421" not in result.output
    back = read(tmp_path / "e" / "gap.eaf").transcript
    assert [(gap.text, gap.duration, gap.position) for gap in back.gaps] == [("(2.5)", 2.5, 1)]
