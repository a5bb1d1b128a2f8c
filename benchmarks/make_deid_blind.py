# ruff: noqa: E501  (transcript lines are data)
"""Regenerate the BLIND planted de-identification set tests/data/deid_blind/ (transcripts + key).

Run by hand:  python benchmarks/make_deid_blind.py

A second planted set, kept apart from tests/data/deid/ so that cakit's de-identifier can be
measured on identifiers it was never tuned on. It was written blind: by someone who had not
seen cakit's name lists (cakit/data/names/), its detector (cakit/report/deid.py, names.py)
or its de-identification tests, and who took from benchmarks/make_deid_planted.py only its
format (markers, FILES layout, output columns). None of the names, places, streets,
hospitals, schools, numbers or e-mails of that set is used here.

Everything is invented. The consultations are fictional; no person here is real. Names were
made up to cover the UK's population (English, Scottish, Welsh, Irish, Northern Irish,
Pakistani, Indian, Bangladeshi, Sri Lankan Tamil, Chinese, Vietnamese, Nigerian, Ghanaian,
Somali, Eritrean, Caribbean, Polish, Romanian, Lithuanian, Portuguese, Turkish, Kurdish,
Arabic, Greek Cypriot, Italian, Filipino). Towns, districts, streets, hospitals and
workplaces are ordinary UK place names used as settings (some hospitals and firms exist,
as in any clinic letter; the house numbers, flats and people attached to them are made up).

- Phone numbers are from Ofcom's drama ranges: mobiles 07700 900xxx, landlines
  0113 496 0xxx, 0121 496 0xxx, 0131 496 0xxx, 0151 496 0xxx, 0161 496 0xxx,
  0118 496 0xxx, 020 7946 0xxx, 028 9018 0xxx, 029 2018 0xxx and 01632 960xxx.
- E-mails are at example.org, example.com and example.net only.
- NHS numbers are fictional: those starting 999 are in the range reserved for testing
  (and carry a valid modulus-11 check digit, so a checksum does not give them away);
  the others deliberately FAIL the check digit, so none can be a real person's number.
  `main()` asserts both.

The transcripts are written here with markers so that the key is exact:

- ``⟦kind:text⟧`` plants an identifier (``text`` is what the file holds);
- ``«text»`` marks an ordinary word that must NOT be replaced (a control).

Markers are stripped from the files; `planted.csv` (file,line,text,kind,case,place) and
`controls.csv` (file,line,text,why) record them with physical 1-based line numbers. Items
in file names are listed with line 0 and place ``filename``; identifiers inside a speaker
label have place ``label``; in a header block (Jefferson header, CHAT ``@`` lines)
``header``; in talk ``turn``. `roles.yaml` maps the speaker labels that are names to roles.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "data" / "deid_blind"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _planted_writer import KINDS, Key, case_of, write

# Why each control must survive (looked up lower-cased; an all-capitals control not listed
# here is a shouted word). A control missing from this table is an error.
WHY = {
    # words that are also first names
    "will": "word that is also a name (verb)",
    "may": "word that is also a name (modal verb)",
    "rose": "word that is also a name (verb)",
    "grace": "word that is also a name (prayer before a meal)",
    "bill": "word that is also a name (an invoice)",
    "mark": "word that is also a name (verb)",
    "hope": "word that is also a name (verb, sentence-initial)",
    "faith": "word that is also a name (belief)",
    "sunny": "word that is also a name (weather)",
    "dawn": "word that is also a name (daybreak)",
    "summer": "word that is also a name (season)",
    "frank": "word that is also a name (adjective)",
    "chase": "word that is also a name (verb)",
    "pat": "word that is also a name (verb)",
    "sue": "word that is also a name (verb)",
    "carol": "word that is also a name (a Christmas carol)",
    "robin": "word that is also a name (the bird)",
    "ivy": "word that is also a name (the plant)",
    "amber": "word that is also a name (traffic light)",
    "june": "month that is also a name",
    "april": "month that is also a name",
    # words that are also places
    "bath": "word that is also a place (the tub)",
    "reading": "word that is also a place (reading a book), sentence-initial",
    "sale": "word that is also a place (a shop sale)",
    "street": "word that is also a place (a street)",
    "nelson": "word that is also a place (a wrestling hold)",
    # interjections, laughter
    "hiya": "interjection",
    "ooh": "interjection",
    "ta": "interjection (thanks)",
    "cheers": "interjection (thanks)",
    "diolch": "interjection (Welsh thanks)",
    "heh": "laughter particle",
    "heh heh": "laughter particle",
    "hah hah": "laughter particle",
    "hhh": "laughter/breath particle",
    "hah": "laughter particle",
    # kin terms used as address
    "mam": "kinship term",
    "appa": "kinship term (Tamil, father)",
    "amma": "kinship term (Tamil, mother)",
    "nan": "kinship term",
    # drugs
    "olanzapine": "drug name", "clozaril": "drug name (brand)", "mirtazapine": "drug name",
    "sertraline": "drug name", "aripiprazole": "drug name", "lithium": "drug name",
    "quetiapine": "drug name", "abilify": "drug name (brand)", "depakote": "drug name (brand)",
    "procyclidine": "drug name", "zopiclone": "drug name",
    # months, days, festivals
    "monday": "day", "tuesday": "day", "wednesday": "day", "thursday": "day",
    "friday": "day", "saturday": "day", "sunday": "day",
    "january": "month", "march": "month", "august": "month", "october": "month",
    "christmas": "festival", "eid": "festival",
    # sentence-initial / religious capitals
    "right": "sentence-initial capital", "honestly": "sentence-initial capital",
    "well": "sentence-initial capital", "lovely": "sentence-initial capital",
    "morning": "sentence-initial capital (greeting)", "sorry": "sentence-initial capital",
    "god": "religious word, capitalised",
}


def why_of(text: str) -> str:
    key = text.lower()
    if key in WHY:
        return WHY[key] + (" (shouted)" if text.isupper() and len(text) > 1 else "")
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return "shouted word"
    raise ValueError(f"control {text!r} has no reason in WHY")


# -- the transcripts ------------------------------------------------------------------------
# Jefferson bodies: (label, talk) tuples, or a str for a continuation / silence line.
# A label may itself hold a marker ("⟦tn:Dr Thevarajah⟧").

FILES: list[dict] = []

FILES.append(dict(
    name="01-boateng-kofi-dob-1986-harehills.txt",
    filename_items=[("sn", "boateng"), ("fn", "kofi"), ("dob", "1986"), ("town", "harehills")],
    numbered="right",
    header=[
        "Title: Outpatient review, ⟦hosp:Newton Green Clinic⟧, ⟦town:Chapeltown⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:23/01/2025⟧",
        "Transcriber: cakit team",
        "Participants: Dr = ⟦tn:Dr Caoimhe Mulcahy⟧ (consultant psychiatrist), P = ⟦full:Kofi Boateng⟧ (patient), "
        "Wife = ⟦full:Akosua Boateng⟧ (wife)",
    ],
    body=[
        ("Dr", "come in, (.) ⟦tn:Mr Boateng⟧, (.) and this must be ⟦fn:Akosua⟧?"),
        ("Wife", "°hello°. «heh»"),
        ("Dr", "take a seat. (0.5) «Right», so (.) I've got your date of birth as ⟦dob:12.10.1986⟧,"),
        "is that still right?",
        ("P", "yes doctor."),
        ("Dr", "and it's still ⟦sn:Boateng⟧ with a G on the end, yes? (.) at ⟦addr:41 Gathorne Terrace⟧?"),
        ("P", "=no we moved. (.) ⟦addr:flat 2, 9 Roundhay Mount⟧."),
        ("Wife", "the postcode's ⟦pc:ls8 3qe⟧."),
        ("Dr", "thank you. (.) [and the phone]"),
        ("Wife", "[his mobile] is ⟦tel:07700 900 582⟧, (.) mine's ⟦tel:07700900617⟧."),
        ("Dr", "lovely. (1.0) so how've things been since ⟦date:the eleventh of December⟧?"),
        ("P", "not good. (.) at work (.) at ⟦work:Arla dairy⟧ in ⟦town:Morley⟧ they- they put cameras in the lockers."),
        "I hear them talking about me.",
        ("Dr", "who's talking?"),
        ("P", "my supervisor, ⟦full:Dean Hollingworth⟧. (.) and ⟦fn:wayne⟧ from the night shift."),
        ("Wife", "he hasn't been in since ↑«Christmas»."),
        ("Dr", "mm hm. (.) and the «olanzapine», are you taking it?"),
        ("P", "some days. (.) «Honestly» it makes me sleep too much."),
        ("Wife", "I give it him with his tea. (.) my sister ⟦full:Efua Quaye⟧ is a nurse at"),
        "⟦hosp:St Bride's Hospital⟧, she says keep going.",
        ("Dr", "good. (.) I'll write to your GP, ⟦tn:Dr Ranasinghe⟧, at ⟦hosp:Meanwood Health Centre⟧."),
        ("P", "okay."),
        ("Dr", "and you were on ⟦ward:Ward 5⟧ at ⟦hosp:the Becton Unit⟧ in ⟦date:April 2023⟧?"),
        ("P", "yes. (.) ⟦tn:Nurse Oyebanji⟧ looked after me. (.) ⟦fn:Folake⟧."),
        ("Dr", "can I check the NHS number, (.) ⟦nhs:999 526 0182⟧?"),
        ("Wife", "that's it. (.) and e-mail ⟦mail:akosua.boateng@example.net⟧ for letters."),
        ("Dr", "«Will» do. (.) the «bill» for the parking, (.) keep the ticket and we'll refund it."),
        ("Wife", "«Ooh» thank you."),
        ("Dr", "see you in six weeks, ⟦fn:Kofi⟧."),
        ("P", "thank you doctor. (.) °«ta»°."),
    ],
))

FILES.append(dict(
    name="02-mcguigan-portadown.txt",
    filename_items=[("sn", "mcguigan"), ("town", "portadown")],
    numbered=None,
    header=[],
    body=[
        ("⟦tn:Dr Thevarajah⟧", "hiya ⟦fn:Ruairí⟧, (.) hello ⟦tn:Mrs McGuigan⟧. (.) come on in."),
        ("⟦tn:Mrs McGuigan⟧", "«Ooh» it's roasting in here."),
        ("⟦tn:Dr Thevarajah⟧", "«heh heh» (.) sorry, the heating's stuck. (.) so you came up from ⟦town:Portadown⟧?"),
        ("⟦fn:Ruairí⟧", "aye. (.) ⟦addr:27 Obins Street⟧ still."),
        ("⟦tn:Mrs McGuigan⟧", "⟦pc:BT62 1BW⟧."),
        ("⟦tn:Dr Thevarajah⟧", "grand. (.) and ⟦dob:the ninth of July nineteen ninety-seven⟧, that's your birthday?"),
        ("⟦fn:Ruairí⟧", "that's me."),
        ("⟦tn:Dr Thevarajah⟧", "how's the job at ⟦work:Moy Park⟧?"),
        ("⟦fn:Ruairí⟧", "I packed it in. (0.8) the lads on the line (.) ⟦full:Trevor McCullough⟧ and them"),
        "they were sending signals with the forklifts.",
        ("⟦tn:Dr Thevarajah⟧", "signals."),
        ("⟦fn:Ruairí⟧", "=aye. (.) flashing. (.) telling me to go to ⟦town:Lurgan⟧ and not come back."),
        ("⟦tn:Mrs McGuigan⟧", "he walked the whole way to ⟦town:LURGAN⟧ in the rain, doctor. the «WHOLE» way."),
        ("⟦tn:Dr Thevarajah⟧", "that must have been frightening. (.) ↑were you frightened?"),
        ("⟦fn:Ruairí⟧", "a wee bit. (.) my cousin ⟦fn:Oisín⟧ found me at the bus station."),
        ("⟦tn:Mrs McGuigan⟧", "the ⟦sn:McGuigans⟧ all go walkabout. (.) his granda was the same."),
        ("⟦tn:Dr Thevarajah⟧", "mm. (.) and ⟦tn:Dr Gallagher⟧ saw you at ⟦hosp:Craigavon Area Hospital⟧?"),
        ("⟦tn:Mrs McGuigan⟧", "on ⟦ward:Bluestone ward⟧, aye. (.) ⟦date:22nd of November⟧."),
        ("⟦tn:Dr Thevarajah⟧", "and the «Clozaril», (.) how's that going?"),
        ("⟦fn:Ruairí⟧", "makes me dribble. (.) «hhh» (.) but the voices are quieter."),
        ("⟦tn:Mrs McGuigan⟧", "his da, ⟦full:Seamus McGuigan⟧, is the same. (.) he'd be on it too if he'd go."),
        "(1.2)",
        ("⟦tn:Dr Thevarajah⟧", "is your phone still ⟦tel:028 9018 0734⟧?"),
        ("⟦tn:Mrs McGuigan⟧", "that's the house. (.) mobile's ⟦tel:07700-900-903⟧."),
        ("⟦tn:Dr Thevarajah⟧", "and ⟦mail:ruairi.mcguigan@example.com⟧ still works?"),
        ("⟦fn:Ruairí⟧", "aye. (.) we say «grace» before the dinner and all now, (.) ma makes me."),
        ("⟦tn:Dr Thevarajah⟧", "right so (.) ⟦tn:Mrs Orla Beattie⟧ from the team will call out to you on «Wednesday»."),
        ("⟦tn:Mrs McGuigan⟧", "is she the one from ⟦town:Tandragee⟧?"),
        ("⟦tn:Dr Thevarajah⟧", "she is. (.) she used to be at ⟦hosp:the Mullinure Centre⟧ in ⟦town:Armagh⟧."),
        ("⟦fn:Ruairí⟧", "bye ⟦tn:Dr Thevarajah⟧. (.) «cheers»."),
    ],
))

FILES.append(dict(
    name="03-NGUYEN-lan-hull.txt",
    filename_items=[("sn", "NGUYEN"), ("fn", "lan"), ("town", "hull")],
    numbered="left",
    header=[
        "Title: Perinatal mental health clinic, ⟦hosp:Kingfisher House⟧, ⟦town:Hull⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:4 February 2025⟧",
        "Interpreter: ⟦full:Tran Minh Duc⟧ (Vietnamese)",
        "Participants: Dr = ⟦tn:Dr Iwona Kaczmarek⟧ (psychiatrist), P = ⟦full:Nguyen Thi Lan⟧ (patient), Int = interpreter",
    ],
    body=[
        ("Dr", "hello ⟦fn:Lan⟧. (.) and thank you ⟦fn:Duc⟧ for interpreting."),
        ("Int", "no problem. (.) she says hello."),
        ("Dr", "can you ask how she's been since the baby came?"),
        ("Int", "((speaks Vietnamese)) (2.0) she says (.) not sleeping. (.) the baby, ⟦fn:Bao⟧, (.) cries all night."),
        ("Dr", "mm. (.) and is she still at ⟦addr:112 Hessle Road⟧?"),
        ("P", "yes. yes. (.) ⟦pc:HU3 4ST⟧."),
        ("Int", "she says her husband ⟦full:Pham Van Hung⟧ works at ⟦work:Lucky Nails⟧ in ⟦town:Beverley⟧"),
        "(.) very long hours.",
        ("Dr", "okay. (.) does she have family nearby?"),
        ("Int", "her sister ⟦fn:Hoa⟧ in ⟦town:Deptford⟧, (.) she comes sometimes."),
        ("P", "((Vietnamese)) °⟦fn:Hoa⟧°"),
        ("Dr", "and the health visitor, (.) ⟦tn:Mrs Gillian Pennock⟧?"),
        ("Int", "she came on ⟦date:the 28th of January⟧. (.) she was worried."),
        ("Dr", "yes she rang me. (0.5) ask if she has any thoughts of harming herself or ⟦fn:Bao⟧."),
        ("Int", "((speaks Vietnamese)) (3.0) she says no. (.) never the baby. (.) but sometimes she wishes"),
        "to (.) sleep and not wake.",
        ("Dr", "thank you for telling me. (.) that's important."),
        ("Dr", "we'll start «mirtazapine», it's fine with breastfeeding, (.) and if things get worse"),
        "there's a bed at ⟦hosp:the Westwood Mother and Baby Unit⟧, ⟦ward:Ward 14⟧.",
        ("Int", "she asks (.) will you write to the GP, (.) ⟦tn:Dr Olowe⟧?"),
        ("Dr", "yes. (.) date of birth for the letter, ⟦dob:3/9/1994⟧?"),
        ("P", "yes."),
        ("Dr", "and phone, (.) ⟦tel:01632 960 418⟧?"),
        ("Int", "she says use her husband's (.) ⟦tel:07700-900-274⟧."),
        ("Dr", "lovely. (.) NHS number ⟦nhs:9991590838⟧, (.) and (.) see you ⟦date:Friday 21 February⟧."),
        ("P", "cảm ơn. (.) thank you ⟦tn:doctor kaczmarek⟧."),
    ],
))

FILES.append(dict(
    name="04-rahman-shahana-whitechapel.txt",
    filename_items=[("sn", "rahman"), ("fn", "shahana"), ("town", "whitechapel")],
    numbered="right",
    header=[
        "Title: home treatment team visit, ⟦town:whitechapel⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:11 feb 2025⟧",
        "Participants: Dr = ⟦tn:dr osei-bonsu⟧ (psychiatrist), P = ⟦full:shahana rahman⟧ (patient), "
        "Dad = ⟦full:abdul mannan⟧ (father)",
    ],
    body=[
        ("Dr", "hello ⟦fn:shahana⟧. (.) salaam ⟦tn:mr mannan⟧."),
        ("Dad", "walaikum salaam doctor."),
        ("Dr", "so you're still at ⟦addr:31 wexford house, jubilee street⟧?"),
        ("P", "yeah. (.) ⟦pc:e1 3px⟧."),
        ("Dr", "and you've stopped going to ⟦work:stepney green sixth form⟧?"),
        ("P", "I had to. (.) everyone on the bus (.) they could hear my thoughts. (.) like a radio."),
        ("Dad", "she stay in her room, doctor. (.) ↑all day."),
        ("Dr", "°mm°. (.) when did that start?"),
        ("P", "about ⟦date:the twelfth of december⟧? (.) after ⟦fn:nasima⟧'s wedding."),
        ("Dad", "her cousin. (.) in ⟦town:bethnal green⟧. (.) everyone was there."),
        ("Dr", "and your aunt, ⟦full:jahanara khatun⟧, you said she had something similar."),
        ("Dad", "yes. (.) she was in ⟦hosp:the royal london⟧, (.) long time ago."),
        ("Dr", "okay. (.) date of birth, (.) ⟦dob:07/06/2003⟧."),
        ("P", "yeah."),
        ("Dr", "and the «sertraline» the gp started, (.) ⟦tn:dr chowdhury⟧?"),
        ("P", "I stopped it. (.) made me feel weird. (0.5) «hhh»"),
        ("Dad", "my mobile is ⟦tel:oh seven seven double oh, nine double oh, three five two⟧."),
        ("Dr", "thank you. (.) we might suggest ⟦ward:globe ward⟧ at ⟦hosp:the mile end unit⟧ for a few days if-"),
        ("Dad", "=no. (.) no hospital."),
        ("P", "no. (.) I'll take the tablets."),
        ("Dr", "okay. (.) ⟦full:rubel hossain⟧ from our team will come tomorrow morning."),
        ("P", "what time. (.) I «may» be asleep."),
        ("Dr", "around ten. (.) and can I email you at ⟦mail:shahana dot rahman at example dot org⟧?"),
        ("P", "yeah. (.) it's ⟦sn:rahman⟧ with an h, (.) people forget the h."),
        ("Dad", "and «eid» is coming, (.) she must be well for «eid»."),
        ("Dr", "nhs number's ⟦nhs:618 190 9379⟧. (.) okay. (.) bye ⟦fn:shahana⟧."),
    ],
))

FILES.append(dict(
    name="05-urquhart-lachlan-kirkcaldy.txt",
    filename_items=[("sn", "urquhart"), ("fn", "lachlan"), ("town", "kirkcaldy")],
    numbered="right",
    header=[
        "Title: CMHT outpatients, ⟦hosp:Whyteman's Brae Hospital⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:2025-03-06⟧",
        "Participants: Dr = ⟦tn:Dr Georgiou⟧ (psychiatrist), P = ⟦full:Lachlan Urquhart⟧ (patient), "
        "Mum = ⟦tn:Mrs Mhairi Urquhart⟧ (mother)",
    ],
    body=[
        ("Dr", "come away in ⟦fn:Lachlan⟧. (.) hello ⟦tn:Mrs Urquhart⟧."),
        ("Mum", "hiya. (.) call me ⟦fn:Mhairi⟧, doctor."),
        ("P", "[((sniffs))]"),
        ("Dr", "[okay] ⟦fn:Mhairi⟧. (.) and it's still ⟦addr:6 Balfour Crescent⟧, ⟦town:Kirkcaldy⟧?"),
        ("Mum", "aye, ⟦pc:KY1 2QH⟧. (.) or is it ⟦pc:Ky1 2qh⟧ on the form, I never know."),
        ("Dr", "either's fine «heh heh». (.) so (.) how's college?"),
        ("P", "I'm no going back to ⟦work:FIFE COLLEGE⟧. (0.8) «NO» way."),
        ("Dr", "what happened?"),
        ("Mum", "↑⟦fn:Lachla::n⟧, (.) sit up and tell the doctor."),
        ("P", "the lecturer, ⟦full:Ailsa Drummond⟧, (.) she put a thing in my laptop."),
        "reads my mind. (.) I «KNOW» she does. (.) she even kens where I live,",
        "⟦addr:SIX BALFOUR CRESCENT⟧. (.) she said it oot loud.",
        ("Mum", "he smashed the laptop, doctor. (.) in the «bath»."),
        ("Dr", "mm. (.) and the «aripiprazole», have you been taking it?"),
        ("P", "aye. (.) most days."),
        ("Mum", "his pal ⟦fn:Kyle⟧ from ⟦town:Glenrothes⟧ gives him weed."),
        ("Dr", "°right°. (.) cannabis can make the voices worse, ⟦fn:Lachie⟧."),
        ("P", "=I know."),
        ("Dr", "you were in ⟦hosp:Stratheden⟧ last year, (.) ⟦ward:Muir ward⟧?"),
        ("Mum", "⟦date:August 2024⟧. (.) three weeks."),
        ("Dr", "okay. (.) ⟦full:Gregor Baillie⟧ is still your CPN?"),
        ("Mum", "aye, he's ↑lovely. (.) ⟦sn:Baillie⟧ by name, (.) no bailiff heh."),
        ("Dr", "and the number, ⟦tel:0131 496 0871⟧?"),
        ("Mum", "that's my work. (.) I'm at ⟦work:the Victoria Hospital laundry⟧."),
        ("Mum", "mobile's ⟦tel:07700 900937⟧."),
        ("Dr", "and date of birth, ⟦dob:14 Jan 2005⟧."),
        ("P", "aye."),
        ("Dr", "I'll e-mail ⟦mail:mhairi.urquhart@example.org⟧ the letter then."),
        ("Mum", "«ta». (.) and it's ⟦sn:URQUHART⟧, (.) U R Q, (.) they always spell it wrong."),
        ("Dr", "see you in «June» then."),
        ("P", "aye. (.) «cheers» ⟦tn:Dr Georgiou⟧."),
    ],
))

FILES.append(dict(
    name="06-KYRIACOU-eleni-palmers-green.txt",
    filename_items=[("sn", "KYRIACOU"), ("fn", "eleni"), ("town", "palmers-green")],
    numbered="right",
    header=[],
    body=[
        ("⟦tn:DR ADEBAYO⟧", "morning ⟦fn:Eleni⟧. (.) and ⟦fn:Andreas⟧, good to see you."),
        ("⟦fn:ANDREAS⟧", "«Morning»."),
        ("⟦tn:DR ADEBAYO⟧", "you came from ⟦town:Palmers Green⟧?"),
        ("⟦fn:ELENI⟧", "yes. (.) ⟦addr:58 Fox Lane⟧. (.) ⟦pc:n13 4ab⟧."),
        ("⟦tn:DR ADEBAYO⟧", "and ⟦tn:Mrs Christodoulou⟧ next door is still checking in?"),
        ("⟦fn:ELENI⟧", "⟦fn:Despina⟧, yes. (.) she brings food. (.) too much food. «heh heh»"),
        ("⟦fn:ANDREAS⟧", "she's been ↑much better doctor. (.) she went back to ⟦work:Yiasou Bakery⟧ on ⟦addr:Green Lanes⟧."),
        ("⟦tn:DR ADEBAYO⟧", "that's great. (.) how is your mood?"),
        ("⟦fn:ELENI⟧", "better. (.) I still have bad days. (.) «Sunday» is the worst."),
        ("⟦tn:DR ADEBAYO⟧", "mm. (.) what happens on Sundays?"),
        ("⟦fn:ELENI⟧", "I think about ⟦fn:Yiannis⟧. (.) my husband. (.) he died ⟦date:5th of October 2022⟧."),
        ("⟦tn:DR ADEBAYO⟧", "I'm so sorry."),
        "(2.0)",
        ("⟦fn:ANDREAS⟧", "she stays in bed. (.) I go round after work, (.) from ⟦work:Enfield Council⟧."),
        ("⟦tn:DR ADEBAYO⟧", "and the «lithium» levels were fine. (.) ⟦tn:Dr Hadjipavlou⟧ checked them at ⟦hosp:Chase Farm Hospital⟧."),
        ("⟦fn:ELENI⟧", "yes. (.) on the ⟦ward:Cedar Ward⟧ day clinic."),
        ("⟦fn:ANDREAS⟧", "can you send the letter to my e-mail? (.) ⟦mail:Andreas.Charalambous@Example.Com⟧"),
        ("⟦tn:DR ADEBAYO⟧", "of course. (.) I'll «chase» the bloods too. (.) date of birth ⟦dob:30-11-1958⟧?"),
        ("⟦fn:ELENI⟧", "yes."),
        ("⟦fn:ANDREAS⟧", "and her NHS, (.) reading off the card, (.) ⟦nhs:Nine Nine Nine, Eight Two One, Nine Nine Three Oh⟧."),
        ("⟦fn:ELENI⟧", "I «SAID» I'M «FINE», ⟦fn:ANDREAS⟧. (.) stop fussing."),
        ("⟦fn:ANDREAS⟧", "okay okay. (.) «heh»"),
        ("⟦tn:DR ADEBAYO⟧", "and you've got the crisis number, ⟦tel:020 7946 0593⟧?"),
        ("⟦fn:ELENI⟧", "on the fridge. (.) next to the «Christmas» card from ⟦full:Stavroula Ioannou⟧."),
        ("⟦tn:DR ADEBAYO⟧", "good. (.) see you in eight weeks then ⟦tn:Mrs Kyriacou⟧."),
        ("⟦fn:ELENI⟧", "thank you ⟦tn:Dr Adebayo⟧. (.) ⟦sn:Adebayo⟧, (.) I'll remember."),
    ],
))

FILES.append(dict(
    name="07-prosser-cerys-dob-1999-ebbw-vale.txt",
    filename_items=[("sn", "prosser"), ("fn", "cerys"), ("dob", "1999"), ("town", "ebbw-vale")],
    numbered="left",
    header=[
        "Title: Early intervention in psychosis, ⟦hosp:Ysbyty Aneurin Bevan⟧, ⟦town:Ebbw Vale⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:Thursday 13 March 2025⟧",
        "Recording: ⟦ward:Ward 3 West⟧ interview room",
        "Participants: Dr = ⟦tn:Dr Rowena Bautista⟧ (psychiatrist), P = ⟦full:Cerys Prosser⟧ (patient), "
        "⟦fn:Iolo⟧ = ⟦full:Iolo Meredith⟧ (partner)",
    ],
    body=[
        ("Dr", "bore da ⟦fn:Cerys⟧. (.) hiya ⟦fn:Iolo⟧."),
        ("⟦fn:Iolo⟧", "«Hiya»."),
        ("Dr", "did you get the bus up from ⟦town:Tredegar⟧?"),
        ("P", "⟦fn:iolo⟧ drove us. (.) we're in ⟦town:Beaufort⟧ now, (.) ⟦addr:19 Heol y Coed⟧."),
        ("Dr", "and the postcode?"),
        ("⟦fn:Iolo⟧", "⟦pc:np23 5rg⟧."),
        ("Dr", "lovely. (.) an:d how are things at ⟦work:Ysgol Gynradd Cwm Glas⟧?"),
        ("P", "I'm off. (.) the kids were- (.) they were saying things about me in Welsh, (.) but backwards."),
        ("Dr", "↑backwards."),
        ("P", "=yeah. (.) like code. (0.6) the head, ⟦tn:Mr Gethin Powell⟧, knows. (.) he set it up."),
        ("⟦fn:Iolo⟧", "he's been really good about it to be «frank»."),
        ("Dr", "mm. (.) and your «mam», (.) ⟦full:Siân Prosser⟧?"),
        ("P", "she's in ⟦town:Abergavenny⟧. (.) she doesn't know."),
        ("Dr", "o::kay. (.) .hhh have you been sleeping?"),
        ("P", "no. (.) I read all night. (.) «Reading» helps a bit."),
        ("Dr", "and the «quetiapine»?"),
        ("⟦fn:Iolo⟧", "she takes it. (.) I watch her."),
        ("Dr", "good. (.) date of birth, ⟦dob:the twenty-fourth of april nineteen ninety-nine⟧?"),
        ("P", "yep."),
        ("Dr", "and mobile ⟦tel:07700 900 158⟧?"),
        ("P", "that's mine. (.) ⟦fn:iolo⟧ (.) what's yours again?"),
        ("⟦fn:Iolo⟧", "⟦tel:oh seven seven double oh, nine hundred, two six one⟧."),
        ("Dr", "thanks. (.) ⟦tn:Nurse Rhiannon Bevan⟧ will be your care coordinator."),
        ("P", "is she the one from ⟦town:Brynmawr⟧?"),
        ("Dr", "that's her. (.) NHS number ⟦nhs:999 016 6137⟧."),
        ("Dr", "and e-mail, (.) ⟦mail:cerys.prosser@example.net⟧?"),
        ("P", "yeah. (.) «diolch»."),
        ("Dr", "see you on ⟦date:27 March⟧ then, (.) same room on ⟦ward:ward three west⟧."),
    ],
))

FILES.append(dict(
    name="08-jama-hodan-sparkbrook.txt",
    filename_items=[("sn", "jama"), ("fn", "hodan"), ("town", "sparkbrook")],
    numbered=None,
    header=[],
    body=[
        ("⟦tn:dr kerr⟧", "hello ⟦fn:hodan⟧, (.) come in, (.) and you're ⟦fn:mahad⟧?"),
        ("⟦fn:mahad⟧", "yeah her brother."),
        ("⟦tn:dr kerr⟧", "good to meet you. (.) you're still in ⟦town:sparkbrook⟧?"),
        ("⟦fn:hodan⟧", "yeah ⟦addr:14 ladypool road⟧. (.) ⟦pc:b12 8ll⟧."),
        ("⟦tn:dr kerr⟧", "and the number ⟦tel:0121 496 0419⟧ on file."),
        ("⟦fn:mahad⟧", "that's old. (.) use ⟦tel:07700 900 706⟧."),
        ("⟦tn:dr kerr⟧", "thanks. (.) so what's been happening?"),
        ("⟦fn:hodan⟧", "I stopped college. (.) at ⟦work:moseley road college⟧. (.) the teacher ⟦tn:mrs ashworth⟧ (.) she hates me."),
        ("⟦fn:mahad⟧", "she was top of the class before."),
        ("⟦tn:dr kerr⟧", "mm. (.) «hhh» (.) how's your sleep?"),
        ("⟦fn:hodan⟧", "no. (.) I sleep in the day. (.) at night I hear ⟦full:fadumo abdullahi⟧."),
        ("⟦tn:dr kerr⟧", "your friend?"),
        ("⟦fn:hodan⟧", "=from ⟦town:st pauls⟧, in ⟦town:bristol⟧. (.) she died. (.) in ⟦date:june 2021⟧."),
        ("⟦fn:mahad⟧", "that's when it started doctor. (.) our mum, ⟦full:sahra nur⟧, wants her to see the imam."),
        ("⟦tn:dr kerr⟧", "that's fine alongside what we do. (.) and the «olanzapine»?"),
        ("⟦fn:hodan⟧", "I take it. (.) I'm getting fat. «heh heh» (.) °fat°."),
        ("⟦tn:dr kerr⟧", "we can look at that. (.) ⟦full:yonas tesfay⟧, the dietitian, runs a group at ⟦hosp:the zinnia centre⟧."),
        ("⟦fn:mahad⟧", "where's that."),
        ("⟦tn:dr kerr⟧", "⟦addr:100 sydenham road⟧, ⟦town:small heath⟧. (.) by the «sale» signs on the corner."),
        ("⟦tn:dr kerr⟧", "date of birth ⟦dob:19 may 2001⟧?"),
        ("⟦fn:hodan⟧", "yes. (.) ⟦sn:jama⟧, (.) j a m a."),
        ("⟦tn:dr kerr⟧", "and nhs number ⟦nhs:757-975-4324⟧."),
        ("⟦fn:mahad⟧", "e-mail is ⟦mail:mahad.jama@example.org⟧, (.) send it to me."),
        ("⟦tn:dr kerr⟧", "«will» do. (.) she was on ⟦ward:ward 2⟧ at ⟦hosp:the oleander unit⟧, wasn't she?"),
        ("⟦fn:mahad⟧", "yeah (.) ⟦date:the fourth of july⟧ they let her out."),
        ("⟦tn:dr kerr⟧", "«right». (.) see you next month ⟦fn:hodan⟧."),
        ("⟦fn:hodan⟧", "bye. (.) bye ⟦tn:dr kerr⟧."),
    ],
))

FILES.append(dict(
    name="09-Popescu-Ionut-Slough.txt",
    filename_items=[("sn", "Popescu"), ("fn", "Ionut"), ("town", "Slough")],
    numbered=None,
    header=[
        "Title: Outpatient follow-up, ⟦hosp:Upton Hospital⟧, ⟦town:Slough⟧ (cakit deid blind test, fictional)",
        "Date: ⟦date:18.03.2025⟧",
        "Participants: Dr = ⟦tn:Dr Bertolini⟧ (psychiatrist), P = ⟦full:Ionuț Popescu⟧ (patient), "
        "Wife = ⟦full:Mihaela Popescu⟧ (wife)",
        "Notes: key worker ⟦full:Daniela Stanciu⟧; P's DOB ⟦dob:1 June 1984⟧; NHS no. ⟦nhs:999 186 0916⟧",
    ],
    body=[
        ("Dr", "hello ⟦fn:Ionuț⟧, (.) ⟦tn:Mrs Popescu⟧."),
        ("Wife", "hello doctor. (.) he is not good."),
        ("P", "I am ok."),
        ("Wife", "=he is ↑«NOT» ok. (.) he doesn't sleep."),
        ("Dr", "what's keeping you awake?"),
        ("P", "the neighbour. (.) ⟦fn:Darius⟧. (.) ⟦full:DARIUS PETRAUSKAS⟧. (.) he has machine in the wall."),
        "he listens. (.) then he tells his boss at ⟦work:the Mars factory⟧.",
        ("Dr", "and where do you work now?"),
        ("P", "⟦work:DHL⟧ at ⟦town:Colnbrook⟧. (.) night shift. (.) with ⟦fn:Tiago⟧ and ⟦full:João Carvalho⟧."),
        ("Dr", "do they hear the machine?"),
        ("P", "no. (.) only me. (0.8) why only me?"),
        ("Dr", "°mm°. (.) .hhh it sounds very frightening."),
        ("Wife", "we are at ⟦addr:Flat 4B, 77 Stoke Poges Lane⟧, (.) ⟦pc:SL1 3NY⟧. (.) the wall is just a wall."),
        ("Dr", "yes that's what I have."),
        ("Dr", "your phone, ⟦tel:+44 7700 900 845⟧?"),
        ("Wife", "yes. (.) and the house ⟦tel:0118 496 0227⟧."),
        ("Dr", "thanks. (.) ⟦fn:Daniela⟧ said you missed the depot on ⟦date:4 March⟧."),
        ("P", "I was working."),
        ("Dr", "okay. (.) we could think about coming into ⟦ward:Orchid Ward⟧ at ⟦hosp:Prospect Park Hospital⟧ for a bit."),
        ("P", "«NO». (.) no hospital. (.) I'M NOT GOING TO ⟦hosp:PROSPECT PARK⟧, NOT ⟦ward:ORCHID WARD⟧."),
        ("Wife", "he was there before, (.) ⟦date:January 2024⟧. (.) he hated it."),
        ("Dr", "okay. (.) let's increase the «Abilify» instead."),
        ("Wife", "our daughter ⟦fn:Ana-Maria⟧ can bring him on «Monday»."),
        ("Dr", "great. (.) she's at ⟦work:Herschel Grammar⟧ still?"),
        ("Wife", "yes, year ten. (.) very clever. (.) she wants to «sue» the neighbour heh."),
        ("Dr", "e-mail me at ⟦mail:m.bertolini@example.org⟧ if anything changes."),
        ("P", "«Ta». (.) thank you."),
    ],
))

FILES.append(dict(
    name="10-pilkington-jade-dob-1992-barnsley.txt",
    filename_items=[("sn", "pilkington"), ("fn", "jade"), ("dob", "1992"), ("town", "barnsley")],
    numbered="left",
    header=[
        "Title: Home treatment review (cakit deid blind test, fictional)",
        "Date: ⟦date:Mon 7th April 2025⟧",
        "Location: ⟦addr:Flat 3, 12 Pontefract Road⟧, ⟦town:Barnsley⟧ ⟦pc:S71 1AJ⟧",
        "Participants: Dr = ⟦tn:Dr Omar Mansour⟧ (psychiatrist), P = ⟦full:Jade Pilkington⟧ (patient), "
        "Mum = ⟦full:Dawn Pilkington⟧ (mother)",
    ],
    body=[
        ("Dr", "hello ⟦fn:Jade⟧, (.) ⟦tn:Mrs Pilkington⟧."),
        ("P", "«HIYA»! (.) HIYA DOCTOR! [come in come in]"),
        ("Mum", "[sorry about the] mess doctor."),
        ("Dr", "that's alright. (.) how are you feeling ⟦fn:Jade⟧?"),
        ("P", "↑«BRILLIANT». (.) I've not slept since «Friday» and I don't NEED to."),
        ("Mum", "she was up at four painting the bathroom. (.) before «dawn»."),
        ("P", "=and I've got a new job at ⟦work:ASDA⟧ in ⟦town:CUDWORTH⟧, (.) START ON «MONDAY»."),
        ("Dr", "°okay°. (.) and how's the money going?"),
        ("P", "I bought a car off ⟦full:KEVIN ROEBUCK⟧, (.) ⟦fn:KEV⟧, from the pub."),
        ("Mum", "and eight hundred quid in the «sale» at ⟦town:Meadowhall⟧."),
        ("Dr", "mm. (.) ⟦fn:Jade⟧, (.) have you been taking the «lithium»?"),
        ("P", "DON'T NEED IT. (.) I'M NOT ILL. (.) I'm not going back to ⟦hosp:KENDRAY⟧, (.) not ⟦ward:WARD NINE⟧."),
        ("Mum", "she was on ⟦ward:Beech ward⟧ in ⟦date:September 2023⟧."),
        ("Dr", "I know. (.) we::ll, nobody's talking about hospital yet."),
        ("P", "RING ME. (.) RING ME ON ⟦tel:OH SEVEN SEVEN DOUBLE OH NINE HUNDRED FOUR SIX NINE⟧."),
        ("Mum", "that's not even her number. «heh» (.) it's ⟦tel:07700 900 385⟧."),
        ("P", "AND E-MAIL ME, ⟦mail:JADE DOT PILKO AT EXAMPLE DOT COM⟧, (.) I'M STARTING A BUSINESS."),
        ("Dr", "«hah». (.) what kind of business?"),
        ("P", "candles. (.) with my mate ⟦full:Summer Hague⟧. (.) and ⟦sn:HAGUE⟧'S MUM'S GOT A SHOP."),
        ("Mum", "her NHS number's ⟦nhs:999 628 1949⟧ if you need it."),
        ("P", "I KNOW MY NUMBER, ⟦nhs:NINE NINE NINE SIX TWO EIGHT ONE NINE FOUR NINE⟧!"),
        ("Dr", "thank you. (.) and date of birth ⟦dob:the second of November nineteen ninety-two⟧."),
        ("Mum", "that's right."),
        ("P", "I'M GONNA CALL ⟦tn:DR PATERSON⟧ AT ⟦hosp:THE ROYSTON SURGERY⟧, (.) HE'LL TELL YOU."),
        ("Dr", "you can. (.) I'll ring him too."),
        ("Mum", "she wants to drive to ⟦town:Whitby⟧ tonight, doctor."),
        ("P", "↑⟦town:WHITBY⟧! (.) fish and chips! «HAH»"),
        ("Dr", "let's talk about tonight first. (.) ⟦full:Aidan Farrow⟧ from our team can stay till ten."),
        ("P", "°okay°. (.) °okay°."),
    ],
))

# CHAT files: (code, talk) tuples; no digits in utterances (numbers spelled out).
# Names in @Participants use CHAT's underscore form; CHAT roles are from the CHAT list
# (Participant for the patient, Doctor/Nurse for staff).
CHAT: list[dict] = []

CHAT.append(dict(
    name="11-chaudhry-zainab-oldham.cha",
    filename_items=[("sn", "chaudhry"), ("fn", "zainab"), ("town", "oldham")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tPAT ⟦full:Zainab_Chaudhry⟧ Participant, DOC ⟦tn:Dr_Whitcombe⟧ Doctor, MOT ⟦full:Nasreen_Chaudhry⟧ Mother",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|DOC|||||Doctor|||",
        "@ID:\teng|cakitdeid|MOT|||||Mother|||",
        "@Date:\t⟦date:25-FEB-2025⟧",
        "@Location:\t⟦hosp:Hollinwood Resource Centre⟧, ⟦town:Oldham⟧",
        "@Comment:\tFictional consultation for the cakit blind de-identification test. No real patient.",
        "@Comment:\tPAT DOB ⟦dob:02-AUG-1990⟧, lives at ⟦addr:22 Waterloo Street⟧, ⟦town:Glodwick⟧, ⟦pc:OL4 1ES⟧.",
    ],
    body=[
        ("DOC", "hello ⟦fn:Zainab⟧ ⇘ and ⟦tn:Mrs Chaudhry⟧ ⇘ come in ."),
        ("MOT", "salaam doctor ."),
        ("DOC", "how have you been since ⟦date:the third of February⟧ ⇗"),
        ("PAT", "&-um not good ⇘ I keep hearing ⟦fn:Imran⟧ ."),
        ("DOC", "your ex-husband ⇗"),
        ("PAT", "yeah ⇘ ⟦full:Imran Qureshi⟧ ⇘ he's in ⟦town:Rochdale⟧ but I hear him in the flat ."),
        ("MOT", "he's not there doctor ⇘ I tell her ."),
        ("DOC", "mhm ⇘ what does he say ⇗"),
        ("PAT", "that I'm a bad mum ⇘ that ⟦fn:aleena⟧ will be taken away ."),
        ("DOC", "(1.5) that sounds really hard ."),
        ("MOT", "⟦fn:Aleena⟧ is with me ⇘ she's at ⟦work:Greenacres Primary⟧ ⇘ she's fine ."),
        ("DOC", "good ⇘ and you're still working at ⟦work:Boots⟧ in ⟦town:Ashton-under-Lyne⟧ ⇗"),
        ("PAT", "on sick leave ⇘ my manager ⟦full:Nadia Butt⟧ has been kind ."),
        ("DOC", "and the «sertraline» ⇘ is it helping ⇗"),
        ("PAT", "a bit ⇘ &=sighs ⇘ «Hope» so ."),
        ("DOC", "the team at ⟦hosp:Parklands House⟧ can see you more often ⇘ ⟦tn:Mr Bilal Raja⟧ will ring ."),
        ("MOT", "my number is ⟦tel:oh one six one four nine six oh eight two three⟧ ."),
        ("DOC", "thank you ⇘ and e-mail ⇗"),
        ("PAT", "⟦mail:zainab chaudhry at example dot com⟧ ⇘ all one word ."),
        ("DOC", "and your NHS number is ⟦nhs:nine nine nine three nine oh nine nine six three⟧ ⇗"),
        ("PAT", "yeah ⇘ I think so ."),
        ("MOT", "it's ⟦sn:Chaudhry⟧ with a d h ⇘ not ⟦sn:Choudhury⟧ ."),
        ("DOC", "see you in «April» then ⇘ bye ⟦fn:Zainab⟧ ."),
        ("MOT", "Allah hafiz ⇘ thank you ⟦tn:Dr Whitcombe⟧ ."),
    ],
))

CHAT.append(dict(
    name="12-sivakumar-tharshini.cha",
    filename_items=[("sn", "sivakumar"), ("fn", "tharshini")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tPAT ⟦full:tharshini_sivakumar⟧ Participant, DOC ⟦full:ifeoma_nwosu⟧ Doctor, FAT ⟦full:sivakumar_kandiah⟧ Father",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|DOC|||||Doctor|||",
        "@ID:\teng|cakitdeid|FAT|||||Father|||",
        "@Date:\t⟦date:10-MAR-2025⟧",
        "@Location:\t⟦hosp:alperton lodge clinic⟧",
        "@Comment:\tFictional. PAT born ⟦dob:17/12/2006⟧, NHS ⟦nhs:494 875 7491⟧, student at ⟦work:wembley park sixth form college⟧.",
    ],
    body=[
        ("DOC", "vanakkam ⟦fn:tharshini⟧ ⇘ hello ⟦tn:mr kandiah⟧ ."),
        ("FAT", "hello doctor ⇘ she did not want to come ."),
        ("PAT", "I «DID» want to come ⇘ «appa» ."),
        ("DOC", "&=laughs okay ⇘ tell me about school ."),
        ("PAT", "exams ⇘ I can't focus ⇘ ⟦tn:ms kowalska⟧ said I might have to resit ."),
        ("DOC", "mhm ⇘ and the thoughts about food ⇗"),
        ("PAT", "still there ⇘ I eat at ⟦fn:kajan⟧'s sometimes ⇘ my cousin in ⟦town:alperton⟧ ."),
        ("FAT", "her «amma» cooks everything she likes ⇘ she eats nothing ."),
        ("DOC", "(1.0) it's hard for you both ."),
        ("DOC", "⟦tn:dr ramanathan⟧ at the surgery said your weight dropped ."),
        ("PAT", "a bit ."),
        ("DOC", "we'd like you to see the eating disorder team at ⟦hosp:cedar house⟧ ⇘ in ⟦town:kenton⟧ ."),
        ("FAT", "when ⇗"),
        ("DOC", "⟦date:the twenty-fourth of march⟧ ⇘ a «monday» ."),
        ("FAT", "I drive a cab ⇘ for ⟦work:addison lee⟧ ⇘ I can take her ."),
        ("DOC", "great ⇘ your address is still ⟦addr:forty-two ealing road⟧ ⇗"),
        ("FAT", "yes ⇘ yes ⇘ ⟦town:wembley⟧ ."),
        ("DOC", "and the mobile ⟦tel:oh seven seven double oh nine double oh four four one⟧ ⇗"),
        ("PAT", "that's mine ⇘ appa's is different ."),
        ("DOC", "okay ⇘ and e-mail ⟦mail:t dot sivakumar at example dot net⟧ ."),
        ("PAT", "yeah ⇘ ☺thanks☺ ."),
        ("DOC", "and is it still ⟦sn:kandiah⟧ for dad on the forms ⇗"),
        ("FAT", "yes ⇘ Tamil way ⇘ my name is her surname ."),
        ("FAT", "⟦fn:THARSHINI⟧ ⇘ come ⇘ we go ⇘ the car park ⇘ the «bill» ."),
    ],
))

CHAT.append(dict(
    name="13-alleyne-des-toxteth.cha",
    filename_items=[("sn", "alleyne"), ("fn", "des"), ("town", "toxteth")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tPAT ⟦full:Desmond_Alleyne⟧ Participant, DOC ⟦tn:Dr_Yildiz⟧ Doctor, SIS ⟦full:Claudette_Forbes⟧ Sister",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|DOC|||||Doctor|||",
        "@ID:\teng|cakitdeid|SIS|||||Sister|||",
        "@Date:\t⟦date:02-APR-2025⟧",
        "@Location:\t⟦hosp:Lodge Lane Resource Centre⟧, ⟦town:Toxteth⟧",
        "@Comment:\tFictional. PAT DOB ⟦dob:08-06-1961⟧, ⟦addr:15 Granby Street⟧, ⟦pc:L8 2TU⟧, tel ⟦tel:0151 496 0366⟧.",
    ],
    body=[
        ("DOC", "good afternoon ⟦tn:Mr Alleyne⟧ ⇘ hello ⟦fn:Claudette⟧ ."),
        ("PAT", "afternoon doctor ⇘ you can call me ⟦fn:Des⟧ ."),
        ("DOC", "⟦fn:Des⟧ ⇘ okay ⇘ how've you been ⇗"),
        ("PAT", "the spirits are quieter ⇘ praise «God» ."),
        ("SIS", "he goes to ⟦hosp:Ullet Road Day Centre⟧ twice a week now ."),
        ("DOC", "that's good ⇘ and the «Depakote» ⇘ any problems ⇗"),
        ("PAT", "makes my hands shake ⇘ see ."),
        ("DOC", "mm ⇘ we'll check your levels ⇘ ⟦tn:Sister Hêvî Barzani⟧ can do the bloods on «Thursday» ."),
        ("PAT", "the Kurdish lady ⇘ she's nice ⇘ she calls me ⟦tn:Mister Des⟧ ."),
        ("DOC", "&=laughs yes ."),
        ("SIS", "our brother ⟦full:Errol Alleyne⟧ came up from ⟦town:St Pauls⟧ ⇘ in ⟦town:Bristol⟧ ⇘ to see him ."),
        ("PAT", "⟦fn:errol⟧ ⇘ he talks too much ⇘ «hah hah» ."),
        ("DOC", "&=laughs ⇘ and your date of birth is ⟦dob:the eighth of June nineteen sixty-one⟧ ⇗"),
        ("PAT", "yes ma'am ."),
        ("DOC", "and you worked for ⟦work:Merseyrail⟧ ⇗"),
        ("PAT", "thirty years ⇘ on the trains ⇘ from ⟦town:Hunts Cross⟧ to ⟦town:Southport⟧ ."),
        ("DOC", "okay ⇘ ⟦tn:Dr Faulkner⟧ your GP at ⟦hosp:Princes Park Health Centre⟧ will get a letter ."),
        ("SIS", "send a copy to me ⇘ ⟦mail:Claudette Dot Forbes At Example Dot Org⟧ ⇘ and ring ⟦tel:Oh Seven Seven Double Oh Nine Double Oh Six One Seven⟧ ."),
        ("DOC", "☺I will☺ ⇘ is that your number or his ⇗"),
        ("SIS", "mine ⇘ and his NHS number ⟦nhs:NINE NINE NINE OH THREE OH EIGHT TWO FOUR ONE⟧ ."),
        ("DOC", "you don't have to shout ⇘ ☺I heard you☺ ."),
        ("SIS", "sorry ⇘ I ran the «amber» light to get here ⇘ still rushing ."),
        ("DOC", "lovely ⇘ see you in the «summer» then ."),
        ("PAT", "«God» bless ⇘ bye ⟦tn:Dr Yildiz⟧ ."),
    ],
))

CHAT.append(dict(
    name="14-huang-norwich.cha",
    filename_items=[("sn", "huang"), ("town", "norwich")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tPAT ⟦full:Xiaoling_Huang⟧ Participant, DOC ⟦tn:Dr_Gebremedhin⟧ Doctor, FRI ⟦full:Layla_Haddad⟧ Friend",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|DOC|||||Doctor|||",
        "@ID:\teng|cakitdeid|FRI|||||Friend|||",
        "@Date:\t⟦date:16-APR-2025⟧",
        "@Location:\t⟦hosp:Hellesdon Hospital⟧, ⟦town:Norwich⟧",
        "@Comment:\tFictional. PAT DOB ⟦dob:1999-05-21⟧, postgraduate at ⟦work:University of East Anglia⟧, "
        "halls ⟦addr:Block C, Nelson Court⟧, ⟦pc:nr47tj⟧; mobile ⟦tel:07700 900 094⟧.",
    ],
    body=[
        ("DOC", "hello ⟦fn:Xiaoling⟧ ⇘ and you're ⟦fn:Layla⟧ ⇗"),
        ("FRI", "yeah ⇘ her flatmate ⇘ she asked me to come ."),
        ("DOC", "thank you ⇘ how are you ⟦fn:Xiaoling⟧ ⇗"),
        ("PAT", "tired ⇘ I don't sleep ⇘ my supervisor ⟦tn:Professor Hartley⟧ wants the chapter ."),
        ("DOC", "mhm ."),
        ("PAT", "and my mum calls from ⟦town:Chengdu⟧ every night ⇘ about marriage ."),
        ("DOC", "(1.2) ⟦fn:Layla⟧ ⇘ you said on the phone you were worried ."),
        ("FRI", "she said she wanted to walk into the sea at ⟦town:Cromer⟧ ⇘ she said it twice ."),
        ("PAT", "I didn't mean it ."),
        ("DOC", "it's okay ⇘ I'm glad she told me ⇘ have you had those thoughts today ⇗"),
        ("PAT", "(2.0) a little ⇘ not a plan ."),
        ("DOC", "thank you for being honest ⇘ I'd like ⟦full:Jerome Dela Cruz⟧ from the crisis team to see you tomorrow ."),
        ("PAT", "okay ."),
        ("DOC", "and you were seen at ⟦hosp:the Norfolk and Norwich⟧ on ⟦date:the ninth of April⟧ ⇗"),
        ("PAT", "yes ⇘ after the tablets ⇘ the «zopiclone» ."),
        ("FRI", "I found her ⇘ with ⟦full:Ka Yan Leung⟧ from the lab ."),
        ("DOC", "okay ⇘ your GP is ⟦tn:Dr Esposito⟧ at ⟦hosp:the University Medical Centre⟧ ⇗"),
        ("PAT", "yes ⇘ ⟦tn:Doctor Giuseppina Esposito⟧ ."),
        ("DOC", "and the number to reach you ⇘ ⟦tel:oh one six three two nine six oh five one two⟧ ⇗"),
        ("FRI", "that's the flat ⇘ her mobile is broken ."),
        ("DOC", "okay ⇘ e-mail ⟦mail:x dot huang at example dot net⟧ ⇗"),
        ("PAT", "yes ⇘ and my NHS number is ⟦nhs:Four Eight Six Two Five Two Seven Six Oh One⟧ ."),
        ("DOC", "we could also think about ⟦ward:Glaven Ward⟧ if things get worse ."),
        ("PAT", "I don't want hospital ."),
        ("DOC", "I hear you ⇘ let's see how tomorrow goes ."),
        ("FRI", "I'll stay with her ⇘ we'll watch films ⇘ I'll «pat» her on the head like a dog ."),
        ("PAT", "&=laughs she sings «carol» songs at me ⇘ in «April» ."),
        ("DOC", "☺that's nice☺ ⇘ bye ⟦fn:xiaoling⟧ ."),
    ],
))

# Speaker labels that are names (the roles cakit cannot know from a built-in label map).
ROLES = {
    "Dr Thevarajah": "clinician", "Ruairí": "patient", "Mrs McGuigan": "carer",
    "DR ADEBAYO": "clinician", "ELENI": "patient", "ANDREAS": "carer",
    "Iolo": "carer",
    "dr kerr": "clinician", "hodan": "patient", "mahad": "carer",
}


# -- writing --------------------------------------------------------------------------------

def nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    digit = 0 if digit == 11 else digit
    return digit != 10 and digit == int(digits[9])


_SPOKEN = {"oh": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4",
           "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def nhs_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits:
        return digits
    return "".join(_SPOKEN[w] for w in re.findall(r"[a-z]+", text.lower()))


def check(planted: list, controls: list, residue: list, texts: dict) -> None:
    """Raise unless the key matches the files exactly (and the set meets its brief)."""
    problems: list[str] = []
    lines = {name: text.split("\n") for name, text in texts.items()}
    for file, line, item, kind, _case, _place in planted:
        if line == 0:
            if item not in file:
                problems.append(f"{file}: {item!r} not in the file name")
        elif item not in lines[file][line - 1]:
            problems.append(f"{file}:{line}: planted {item!r} not on its line")
        if kind == "nhs_number":
            digits = nhs_digits(item)
            if len(digits) != 10:
                problems.append(f"{file}:{line}: NHS number {item!r} is not ten digits")
            elif digits.startswith("999") != nhs_valid(digits):
                problems.append(f"{file}:{line}: NHS number {item!r} breaks the fictional rule")
    for file, line, item, _why in controls:
        if item not in lines[file][line - 1]:
            problems.append(f"{file}:{line}: control {item!r} not on its line")
    for name, text in texts.items():
        if re.search("[⟦⟧«»]", text):
            problems.append(f"{name}: a marker was left in the file")
    # every planted name/place must be marked wherever it occurs (the key is exact)
    wordy = {"first_name", "surname", "full_name", "titled_name", "place", "hospital",
             "school_workplace", "ward", "address"}
    needles = sorted({row[2] for row in planted if row[3] in wordy and len(row[2]) >= 3})
    for file, line, rest in residue:
        for needle in needles:
            for variant in {needle, needle.replace("_", " ")}:
                if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", rest, re.IGNORECASE):
                    problems.append(f"{file}:{line}: unmarked {variant!r} in {rest.strip()!r}")
    # the brief
    by_kind_case: dict[str, set] = {}
    for row in planted:
        by_kind_case.setdefault(row[3], set()).add(row[4])
    for kind in KINDS.values():
        missing = {"title", "lower", "upper"} - by_kind_case.get(kind, set())
        if missing:
            problems.append(f"kind {kind} has no {sorted(missing)} item")
    cases = Counter(row[4] for row in planted)
    places = Counter(row[5] for row in planted)
    n = len(planted)
    if n < 320:
        problems.append(f"only {n} planted items")
    if cases["lower"] < 0.25 * n or cases["upper"] < 0.10 * n:
        problems.append(f"case mix {dict(cases)} misses 25% lower / 10% upper")
    for place in ("filename", "header", "label"):
        if places[place] < 30:
            problems.append(f"only {places[place]} items in {place}")
    if problems:
        raise SystemExit("make_deid_blind: key check failed:\n  " + "\n  ".join(problems))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in (".txt", ".cha", ".csv", ".yaml"):
            old.unlink()
    key = Key(why=why_of, words_only_chat=True)
    planted, controls, residue = key.planted, key.controls, key.residue
    texts: dict[str, str] = {}
    for spec in FILES + CHAT:
        texts[spec["name"]] = write(spec, key)
        for kind, item in spec["filename_items"]:
            planted.append((spec["name"], 0, item, KINDS[kind], case_of(item), "filename"))
    check(planted, controls, residue, texts)
    for name, text in texts.items():
        (OUT / name).write_text(text, encoding="utf-8")
    with (OUT / "planted.csv").open("w", newline="", encoding="utf-8") as stream:
        writer_ = csv.writer(stream, lineterminator="\n")
        writer_.writerow(["file", "line", "text", "kind", "case", "place"])
        writer_.writerows(sorted(planted, key=lambda r: (r[0], r[1])))
    with (OUT / "controls.csv").open("w", newline="", encoding="utf-8") as stream:
        writer_ = csv.writer(stream, lineterminator="\n")
        writer_.writerow(["file", "line", "text", "why"])
        writer_.writerows(sorted(controls, key=lambda r: (r[0], r[1])))
    (OUT / "roles.yaml").write_text(
        "roles:\n" + "".join(f"  {label}: {role}\n" for label, role in ROLES.items()),
        encoding="utf-8")

    kinds = Counter(row[3] for row in planted)
    cases = Counter(row[4] for row in planted)
    places = Counter(row[5] for row in planted)
    n = len(planted)
    print(f"{len(texts)} files ({len(FILES)} Jefferson, {len(CHAT)} CHAT) -> {OUT.relative_to(REPO)}")
    print(f"{n} planted identifiers of {len(kinds)} kinds, {len(controls)} controls")
    print("per kind:  " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    print("per case:  " + ", ".join(f"{k} {v} ({100 * v / n:.0f}%)" for k, v in cases.most_common()))
    print("per place: " + ", ".join(f"{k} {v}" for k, v in places.most_common()))


if __name__ == "__main__":
    main()
