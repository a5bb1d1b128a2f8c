"""The self-contained HTML report: parses, holds every consultation and table, no assets."""

from __future__ import annotations

import re

import lxml.html
import pytest

from cakit.report.deid import Deidentifier
from cakit.report.html import esc, report_html, table_html
from cakit.report.inputs import consultation_input
from cakit.report.tables import by_consultation
from cakit.report.views import REPORT_VIEWS, build_report
from tests.report._helpers import TEST_KEY, gold_pairs


@pytest.fixture(scope="module")
def page() -> tuple[str, list[str], list[str]]:
    pairs = list(gold_pairs())
    inputs = [consultation_input(t, a) for t, a in pairs]
    report = build_report(inputs)
    deid = Deidentifier.for_transcripts([t for t, _ in pairs], key=TEST_KEY)
    extra = {"by_consultation": by_consultation(inputs)}
    text = report_html(report, list(zip(inputs, [t for t, _ in pairs], strict=True)), deid=deid,
                       extra_tables=extra)
    labels = [deid.identifier(a.id) for _, a in pairs]
    return text, labels, [*report.tables, *extra]


def test_html_report_parses_and_has_every_consultation_and_table(
        page: tuple[str, list[str], list[str]]) -> None:
    text, labels, names = page
    tree = lxml.html.fromstring(text)
    sections = tree.findall(".//section")
    assert len(sections) == 14
    headings = [s.find("h2").text_content() for s in sections]
    assert headings == [f"Consultation {label}" for label in labels]
    for name in names:
        assert tree.get_element_by_id(f"t-{name}") is not None, name
    assert set(REPORT_VIEWS.get("phase").titles) - {"pooled_by_phase"} <= set(names)
    assert len(tree.findall(".//svg")) == 3
    assert "About these figures" in text and "not diagnoses" in text


def test_html_report_is_self_contained(page: tuple[str, list[str], list[str]]) -> None:
    text, _, _ = page
    tree = lxml.html.fromstring(text)
    assert not tree.findall(".//script") and not tree.findall(".//link")
    assert not tree.findall(".//img")
    for element in tree.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute) or ""
            assert not value.startswith(("http:", "https:", "//")), value
    assert "@import" not in text and not re.search(r"url\((?!#)", text)  # only internal refs


def test_html_report_transcript_lines_codes_and_evidence(
        page: tuple[str, list[str], list[str]]) -> None:
    text, _, _ = page
    tree = lxml.html.fromstring(text)
    attempt = tree.get_element_by_id("c0-l41")
    assert "att" in attempt.get("class")
    assert attempt.find_class("no")[0].text_content() == "41"
    assert "a1 PSY_Q" in attempt.find_class("codes")[0].text_content()
    assert "gold" in attempt.get("title") and "41:18" in attempt.get("title")
    response = tree.get_element_by_id("c0-l45")
    assert "resp" in response.get("class")
    assert "QUESTION_BACK +HESITATE" in response.find_class("codes")[0].text_content()
    assert "u:m (.) what do you think?" in response.find_class("t")[0].text_content()
    carer = tree.get_element_by_id("c0-l99")
    assert "carer" in carer.get("class")
    lines = tree.find_class("ln")
    assert len(lines) > 1000


def test_html_escapes_transcript_text() -> None:
    import pandas as pd

    frame = pd.DataFrame({"consultation": ["<b>x</b>"], "n": [1]})
    html = table_html(frame, title="<t>")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert esc('a"b') == "a&quot;b"
    # the fast/slow marks > < of real transcripts arrive escaped
    transcript, annotations = gold_pairs()[0]
    item = consultation_input(transcript, annotations)
    text = report_html(build_report([item]), [(item, transcript)], deid=None, plots=False)
    assert ">the ones at night,<" not in text
    assert "&gt;the ones at night,&lt;" in text
    assert re.search(r"NOT DE-IDENTIFIED", text)


def test_html_clinician_view_pseudonymises_clinicians_keeping_the_role() -> None:
    pairs = list(gold_pairs())
    inputs = [consultation_input(t, a) for t, a in pairs]
    deid = Deidentifier.for_transcripts([t for t, _ in pairs], key=TEST_KEY)
    text = report_html(build_report(inputs, "clinician"),
                       list(zip(inputs, [t for t, _ in pairs], strict=True)), deid=deid,
                       plots=False)
    table = lxml.html.fromstring(text).get_element_by_id("t-by_clinician")
    names = [row.find("td").text_content() for row in table.findall(".//tbody/tr")]
    assert "Dr Okafor" not in names and deid.clinician("Dr Okafor") in names
    # a speaker label is pseudonymised with its consultation: neither leaks a name
    harlow = f"{deid.clinician('Consultant')}@{deid.identifier('02-harlow-consultant')}"
    assert harlow in names and not any("harlow" in name.lower() for name in names)
    assert "(no clinician turn)" in names
