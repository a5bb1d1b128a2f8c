#!/usr/bin/env python3
"""Regenerate corpora/demo/10-quinn-docx.docx, the Word copy of a fictional demo consultation.

The consultation is invented by the cakit team; no real patient is involved.

The file is written with the standard library only (zipfile plus hand-written
WordprocessingML), so it can be rebuilt anywhere and byte-for-byte identically:
every zip member gets the same fixed timestamp and the members are written in a
fixed order.

Layout, as a conversation analyst would type it in Word:
  * one paragraph (<w:p>) per transcript line, so paragraph k is line k;
  * a tab (<w:tab/>) between the line number, the speaker label and the talk;
  * continuation lines and timed silences leave the label cell empty;
  * the header block and the blank line under it are paragraphs too;
  * emphasis is underlining: ``_word_`` in LINES below becomes a run with
    <w:rPr><w:u w:val="single"/></w:rPr> (the underscores are not written).

Usage:  python corpora/tools/make_demo_docx.py [OUTPUT]
"""
from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_TIME = (2024, 6, 11, 12, 0, 0)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "demo" / "10-quinn-docx.docx"

# One entry per paragraph. "\t" separates line number, label and talk; _word_ = underlined.
LINES = [
    'Title: Outpatient follow-up, Deptford (cakit demo 10, fictional)',
    'Date: 11/06/2024',
    'Participants: Dr = Dr Patel (psychiatrist), P = Niamh Quinn (patient), M = Mrs Quinn (mother)',
    '',
    '1\tDr:\thello Niamh, (.) come in. (.) hello Mrs Quinn.',
    '2\tM:\thello doctor.',
    '3\tP:\thi.',
    "4\tDr:\thave a seat. (.) it's warm out there today.",
    "5\tM:\tit's roasting. (.) we walked from the station.",
    "6\tDr:\toh you didn't.",
    '7\tM:\theh we di::d.',
    '8\t\t(0.8)',
    '9\tDr:\tso Niamh, (.) how have you been since April?',
    '10\tP:\t(0.5) okay. (.) I think.',
    '11\tDr:\tyou think.',
    "12\tP:\twork's been hard. (.) they've put me on the tills.",
    '13\tDr:\tat the supermarket?',
    '14\tP:\tyeah. (.) I hate the tills. (.) everyone looks at you.',
    "15\tM:\tshe's been coming home in a state.",
    '16\tDr:\twhat is it about the tills?',
    '17\tP:\tjust (.) people. (.) the queue. (.) all of them at once.',
    '18\tDr:\tthat sounds stressful.',
    '19\tP:\tit is. (.) I asked to go back on the shelves.',
    '20\tDr:\tand what did they say?',
    "21\tP:\tthey'll _think_ about it.",
    '22\tM:\tI might ring them.',
    "23\tP:\t↑mum. (.) don't.",
    '24\tDr:\theh',
    '25\t\t(0.6)',
    "26\tDr:\tand how's your mood been?",
    '27\tP:\tup and down. (.) more down.',
    '28\tDr:\tsleeping?',
    '29\tP:\tnot great.',
    '30\t\t(1.0)',
    '31\tDr:\tokay. (.) can I do your blood pressure while we talk.',
    '32\tP:\tokay.',
    '33\tDr:\t((puts cuff on)) just relax your arm.',
    '34\t\t(3.5)',
    "35\tDr:\tone twenty over seventy-five. (.) that's fine.",
    '36\tP:\tI saw a face at the window again. (.) on Friday.',
    '37\t\t(.) just looking in at me.',
    '38\tM:\tshe did, (.) she was really shaken. (.) she slept in',
    '39\t\twith me.',
    '40\tDr:\twhat was that like for you, Niamh?',
    "41\tP:\tI couldn't breathe. (.) I thought they'd come in.",
    '42\tDr:\twho do you think it was?',
    "43\tP:\tI don't know. (.) them. (.) the people.",
    '44\tDr:\tthat sounds terrifying.',
    '45\tP:\t~it was.~',
    '46\tM:\tshe had all the lights on till morning.',
    '47\t\t(0.9)',
    '48\tDr:\tand apart from the face, (.) any voices?',
    '49\tP:\tno.',
    '50\tDr:\tanyone following you, (.) out and about?',
    '51\tP:\tno. (.) just at the window.',
    '52\tDr:\tany thoughts of harming yourself?',
    '53\tP:\tno.',
    '54\t\t(0.7)',
    "55\tDr:\tnow (.) the medication. (.) you're on the amisulpride,",
    '56\t\t(.) two hundred milligrams twice a day.',
    '57\tP:\tyeah.',
    '58\tDr:\tand you take it?',
    '59\tP:\tmostly.',
    '60\tM:\tshe misses the morning one.',
    '61\tDr:\tit might be worth thinking about the depot again,',
    "62\t\t(.) the injection, (.) so you don't have to remember.",
    "63\tP:\tI _really_ don't want the injection.",
    '64\tDr:\tokay.',
    '65\tP:\tit hurts, (.) and I feel like a p(h)in cushion.',
    "66\tDr:\tthat's fair. (.) we'll stay with the tablets then.",
    "67\t\tbut let's try an alarm on your phone for the morning dose.",
    "68\tM:\tI'll text her.",
    "69\tP:\t£you'll text me twenty times.£",
    '70\tM:\t£I will.£',
    "71\tDr:\theh (.) that's what mums are for.",
    '72\t\t(0.8)',
    "73\tDr:\tI'd also like to go up a little, (.) to three hundred",
    "74\t\tin the morning, (.) because of what's been happening",
    '75\t\tat night.',
    '76\tP:\twill it make me tired?',
    '77\tDr:\tit can do a bit. (.) _tell_ me if it does.',
    '78\tP:\tokay.',
    '79\t\t(0.6)',
    "80\tDr:\tright. (.) so I'll see you in a month, (.) and I'll write to",
    '81\t\tDr Byrne at the surgery about the dose.',
    '82\tP:\tcan they see me through the window at night though?',
    '83\t\t(.) the people?',
    '84\tDr:\theh (.) no, (.) no one can see you through the window.',
    '85\tM:\theh heh',
    '86\tP:\t°okay.°',
    '87\tDr:\talright. (.) take care Niamh. (.) bye Mrs Quinn.',
    '88\tM:\tbye now, (.) thanks.',
    '89\tP:\tbye.',
]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)

UNDERLINE = re.compile(r"_([^_]+)_")


def _text_run(text: str, underline: bool = False) -> str:
    props = '<w:rPr><w:u w:val="single"/></w:rPr>' if underline else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _cell_runs(cell: str) -> list[str]:
    runs: list[str] = []
    pos = 0
    for m in UNDERLINE.finditer(cell):
        if m.start() > pos:
            runs.append(_text_run(cell[pos : m.start()]))
        runs.append(_text_run(m.group(1), underline=True))
        pos = m.end()
    if pos < len(cell):
        runs.append(_text_run(cell[pos:]))
    return runs


def paragraph(line: str) -> str:
    if line == "":
        return "<w:p/>"
    runs: list[str] = []
    for i, cell in enumerate(line.split("\t")):
        if i:
            runs.append("<w:r><w:tab/></w:r>")
        runs.extend(_cell_runs(cell))
    return "<w:p>" + "".join(runs) + "</w:p>"


def document_xml(lines: list[str]) -> str:
    body = "".join(paragraph(line) for line in lines)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
        "</w:body></w:document>"
    )


def build(out: Path) -> None:
    members = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document_xml(LINES)),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data.encode("utf-8"), compresslevel=9)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
