# ruff: noqa: E501  (transcript lines are data)
"""Regenerate the planted de-identification set tests/data/deid/ (transcripts + key).

Run by hand:  python benchmarks/make_deid_planted.py

Every consultation below is invented; every name, place, number and address is fictional
(phone numbers use the Ofcom drama ranges, e-mails example.org/.com). The transcripts are
written here with markers so that the key is exact:

- ``⟦kind:text⟧`` plants an identifier (``text`` is what the file holds);
- ``«text»`` marks an ordinary word that must NOT be replaced (a control).

Markers are stripped from the files; `planted.csv` (file,line,text,kind,case,place) and
`controls.csv` (file,line,text,why) record them with physical 1-based line numbers. Items
in file names are listed with line 0 and place ``filename``; identifiers inside a speaker
label have place ``label``; in a header block (Jefferson header, CHAT ``@`` lines) ``header``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "data" / "deid"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _planted_writer import KINDS, Key, case_of, write

# -- the transcripts ------------------------------------------------------------------------
# Jefferson bodies: (label, talk) tuples, or a str for a continuation / silence line.
# A label may itself hold a marker ("⟦tn:Dr Jones⟧").

FILES: list[dict] = []

FILES.append(dict(
    name="sarah-jones-dob-03-05-1987.txt",
    filename_items=[("fn", "sarah"), ("sn", "jones"), ("dob", "03-05-1987")],
    numbered="right",
    header=[
        "Title: CMHT review, ⟦hosp:Leeds General Infirmary⟧ outpatients (cakit deid test, fictional)",
        "Date: ⟦date:14/02/2024⟧",
        "Transcriber: cakit team",
        "Key: Jefferson (2004); £ = smile voice",
        "Participants: Dr = ⟦tn:Dr Okoro⟧ (psychiatrist), P = ⟦full:Sarah Jones⟧ (patient), "
        "Mum = ⟦tn:Mrs Jones⟧ (mother)",
    ],
    body=[
        ("Dr", "hello ⟦fn:Sarah⟧, (.) come in."),
        ("P", "hiya."),
        ("Mum", "«Oh» these stairs. heh heh"),
        ("Dr", "sorry. (.) I'm ⟦tn:Dr Okoro⟧, we met on ⟦ward:ward 12⟧ last year."),
        ("P", "yeah I remember. (.) «God» that feels like ages ago."),
        ("Dr", "can I just check your details. (.) date of birth ⟦dob:03/05/1987⟧?"),
        ("P", "yeah."),
        ("Dr", "and you're still at ⟦addr:14 Harrow Lane⟧, ⟦town:Headingley⟧, ⟦pc:LS6 2AB⟧?"),
        ("P", "yeah (.) well no we moved to ⟦addr:flat 3, 27 Kirkstall Road⟧,"),
        "      postcode ⟦pc:ls62ab⟧ (.) no sorry that's the old one.",
        ("Dr", "mm. (.) and the mobile's ⟦tel:07700 900123⟧?"),
        ("P", "that's right."),
        ("Dr", "and your NHS number here says ⟦nhs:485 777 3456⟧."),
        ("Mum", "she's got it written down. (.) «May» I see?"),
        ("Dr", "and it's ⟦sn:Jones⟧ with a J, (.) ⟦sn:JONES⟧, on the letters?"),
        ("Dr", "«Of» course."),
        "      (0.8)",
        ("Dr", "so how have things been since ⟦date:the 2nd of January⟧?"),
        ("P", "not great. (.) I've been hearing the voices again at night."),
        ("Dr", "what do they say?"),
        ("P", "they say my name. (.) ⟦fn:SARAH⟧ (.) like that, «really» loud."),
        "      are they real? can anyone else hear them?",
        "      (1.2)",
        ("Dr", "u:m (.) what do you think?"),
        ("P", "I dunno. (.) my boss ⟦full:Gareth Thompson⟧ at ⟦work:Greggs⟧ on ⟦addr:Otley Road⟧"),
        "      says I look tired all the time.",
        ("Mum", "she's been taking the «Olanzapine» like she should."),
        ("Dr", "good. (.) «Monday» and «Thursday» still ok for the clinic at"),
        "      ⟦hosp:Hollybank Clinic⟧?",
        ("P", "yeah. (.) my sister ⟦fn:bethan⟧ can drive me from ⟦town:pudsey⟧."),
        ("Dr", "lovely. (.) and you can e-mail me at ⟦mail:r.okoro@example.org⟧"),
        ("Mum", "«Bill» came through for the parking again, (.) we had to pay it."),
        ("Dr", "oh «dear». (.) right, (.) see you in «March» then."),
        ("P", "bye ⟦tn:Dr Okoro⟧."),
    ],
))

FILES.append(dict(
    name="02-okafor-cardiff.txt",
    filename_items=[("sn", "okafor"), ("town", "cardiff")],
    numbered=None,
    header=[
        "Title: Early intervention review, ⟦town:Cardiff⟧ (cakit deid test, fictional)",
        "Date: ⟦date:9 March 2024⟧",
        "Participants: ⟦tn:Dr Llewellyn⟧ = ⟦tn:Dr Rhys Llewellyn⟧ (psychiatrist), "
        "P = ⟦full:Chiamaka Okafor⟧ (patient), Partner = ⟦full:Dafydd Pugh⟧ (partner)",
    ],
    body=[
        ("⟦tn:Dr Llewellyn⟧", "morning ⟦fn:Chiamaka⟧, (.) and you must be ⟦fn:Dafydd⟧."),
        ("Partner", "that's me. (.) «Hiya»."),
        ("⟦tn:Dr Llewellyn⟧", "how are things at ⟦work:Cardiff High School⟧?"),
        ("P", "I'm off sick. (.) the head, ⟦tn:Mrs Bethan Price⟧, has been really nice."),
        ("⟦tn:Dr Llewellyn⟧", "good. (.) are you still on ⟦addr:9a Cardigan Terrace⟧?"),
        ("P", "yeah, (.) ⟦pc:CF24 4HQ⟧."),
        ("Partner", "it's ⟦pc:cf24 4hq⟧ on the letters, lower case, heh."),
        ("⟦tn:Dr Llewellyn⟧", "and the landline ⟦tel:029 2018 0456⟧?"),
        ("P", "we don't use it. (.) use my mobile ⟦tel:+44 7700 900456⟧."),
        ("⟦tn:Dr Llewellyn⟧", "«Will» do. (.) tell me about the thoughts."),
        ("P", "people can hear what I'm thinking. (.) on the bus to ⟦town:Merthyr Tydfil⟧"),
        "                    they all turned round.",
        ("⟦tn:Dr Llewellyn⟧", "mm. (.) since when?"),
        ("P", "since ⟦date:the fifth of November⟧ I think."),
        ("Partner", "she was in ⟦hosp:the Royal Gwent Hospital⟧ before, on ⟦ward:Rowan ward⟧."),
        ("⟦tn:Dr Llewellyn⟧", "yes (.) ⟦tn:Dr Angharad Evans⟧ wrote to me from there."),
        ("P", "my mum ⟦full:Ngozi Okafor⟧ thinks it's the stress."),
        ("⟦tn:Dr Llewellyn⟧", "⟦fn:Rose⟧ said you'd been sleeping badly."),
        ("P", "«Rose» at six most days, (.) then back to bed."),
        ("⟦tn:Dr Llewellyn⟧", "and the «Aripiprazole», (.) any side effects?"),
        ("P", "no. (.) «Honestly» it's fine."),
        ("Partner", "her NHS number's ⟦nhs:943-476-5919⟧ if you need it for the letter."),
        ("⟦tn:Dr Llewellyn⟧", "thanks. (.) e-mail is ⟦mail:chiamaka dot okafor at example dot com⟧?"),
        ("P", "yeah."),
        ("⟦tn:Dr Llewellyn⟧", "right, (.) see you on «Wednesday»."),
        ("Partner", "cheers ⟦fn:rhys⟧. (.) I mean doctor."),
    ],
))

FILES.append(dict(
    name="03-macleod-glasgow.txt",
    filename_items=[("sn", "macleod"), ("town", "glasgow")],
    numbered="left",
    header=[
        "Title: Home visit, ⟦town:GLASGOW⟧ (cakit deid test, fictional)",
        "Date: ⟦date:2024-04-17⟧",
        "Participants: CPN = ⟦full:Morag Fraser⟧ (nurse), P = ⟦full:Callum MacLeod⟧ (patient), "
        "Dad = ⟦full:Hamish MacLeod⟧ (father)",
    ],
    body=[
        ("CPN", "hiya ⟦fn:Callum⟧, (.) it's ⟦fn:Morag⟧ from the team."),
        ("P", "aye come in."),
        ("Dad", "ye found us alright? (.) ⟦addr:45 Dalkeith Street⟧ confuses everyone."),
        ("CPN", "«Aye», (.) the sat nav took me to ⟦town:Partick⟧ first."),
        ("Dad", "heh heh. (.) «HhHah Hah»"),
        ("CPN", "so (.) date of birth still ⟦dob:12-MAR-1990⟧?"),
        ("P", "aye."),
        ("CPN", "and ⟦pc:G12 8QQ⟧."),
        ("P", "that's us."),
        ("CPN", "and it's still ⟦sn:MacLeod⟧ on the door, not ⟦sn:Fraser⟧?"),
        ("CPN", "how's the job at ⟦work:the Royal Mail depot⟧ in ⟦town:Govan⟧?"),
        ("P", "I stopped going. (.) the cameras are watching me there."),
        "        they put a chip in my phone. is that possible?",
        "        (1.5)",
        ("CPN", "hmm (.) what makes you think that?"),
        ("P", "my pal ⟦fn:EILIDH⟧ said so. (.) ⟦full:EILIDH CAMPBELL⟧. she knows."),
        ("Dad", "that lassie's trouble."),
        ("Dad", "she's a ⟦sn:Campbell⟧. (.) the ⟦sn:campbells⟧ are all trouble."),
        ("CPN", "okay. (.) ⟦tn:Dr Sunil Mehta⟧ wants to see you at"),
        "        ⟦hosp:Gartnavel Royal Hospital⟧ on ⟦date:the 3rd of May⟧.",
        ("P", "«May» as well. (.) «Sunday» is no good though."),
        ("Dad", "I'll take him. (.) phone me on ⟦tel:0141 496 0017⟧."),
        ("CPN", "and the e-mail, ⟦mail:hamish.macleod@example.net⟧?"),
        ("Dad", "aye."),
        ("CPN", "the «Clozapine» bloods are due «Friday» as well."),
        ("P", "fine. «Christmas» was rubbish by the way."),
        ("CPN", "sorry to hear that. (.) bye ⟦fn:callum⟧, bye ⟦tn:Mr MacLeod⟧."),
    ],
))

FILES.append(dict(
    name="04-sharma-priya.txt",
    filename_items=[("sn", "sharma"), ("fn", "priya")],
    numbered="right",
    header=[
        "Title: Outpatient follow-up (cakit deid test, fictional)",
        "Date: ⟦date:21/05/2024⟧",
        "Recording: ⟦hosp:Bradford Royal Infirmary⟧, ⟦ward:Elmhurst ward⟧ interview room",
        "Participants: Dr = ⟦tn:Dr Siddiqui⟧ (psychiatrist), P = ⟦full:Priya Sharma⟧ (patient), "
        "Sister = ⟦full:Anjali Sharma⟧ (sister)",
    ],
    body=[
        ("Dr", "come in ⟦fn:Priya⟧. (.) hello, you must be ⟦fn:Anjali⟧."),
        ("Sister", "yes hi. (.) «Sorry» we're late, the traffic from ⟦town:Shipley⟧."),
        ("Dr", "no problem. (.) I'm ⟦tn:Dr Ayesha Siddiqui⟧."),
        ("P", "hello."),
        ("Dr", "are you still on ⟦ward:Ward 7B⟧ at night or home now?"),
        ("P", "home. (.) ⟦addr:112 Manningham Lane⟧, ⟦pc:BD8 7BB⟧."),
        ("Dr", "and the number, ⟦tel:07700 900789⟧?"),
        ("Sister", "that's mine actually. (.) hers is ⟦tel:07700900321⟧."),
        ("Dr", "okay. (.) and what about the voices?"),
        ("P", "they're worse. (.) there's a man's voice, he says he's ⟦fn:Mohammed⟧,"),
        "      he tells me I'm being punished. why me?",
        "      (1.0)",
        ("Dr", "that sounds frightening."),
        ("P", "it is. (.) «Allah» knows I've tried."),
        ("Sister", "she stopped going to ⟦work:Bradford College⟧ because of it."),
        ("Dr", "mm. (.) and ⟦tn:Mr Gurpreet Sandhu⟧, your key worker, visits?"),
        ("P", "every «Tuesday»."),
        ("Dr", "we'll write to ⟦tn:Dr Farhana Begum⟧ at the practice on"),
        "      ⟦addr:27 Oak Lane⟧.",
        ("Sister", "her date of birth is ⟦dob:14th of August 1995⟧ for the letter."),
        ("Dr", "thanks. (.) and the «Sertraline» dose stays the same."),
        ("P", "«Diwali» is next week, can I still go to ⟦town:Leicester⟧?"),
        ("Dr", "of course. (.) e-mail ⟦mail:priya_s88@mail.example.com⟧ if you need us."),
        ("Sister", "bye doctor. (.) «Bye»."),
        ("P", "bye ⟦tn:DR SIDDIQUI⟧."),
    ],
))

FILES.append(dict(
    name="05-ADEYEMI-brixton.txt",
    filename_items=[("sn", "ADEYEMI"), ("town", "brixton")],
    numbered=None,
    header=[],
    body=[
        ("Dr", "hello ⟦fn:Tunde⟧. (.) come and sit down."),
        ("P", "alright doc."),
        ("Dr", "how's ⟦town:Brixton⟧ treating you?"),
        ("P", "same as ever. (.) I moved though, ⟦addr:flat 6, 18 Coldharbour Lane⟧."),
        ("Dr", "⟦pc:SW9 8EP⟧?"),
        ("P", "⟦pc:sw98ep⟧ yeah."),
        ("Dr", "and your mum, ⟦full:Marcia Adeyemi⟧, is she still your next of kin?"),
        ("P", "yeah. (.) her number's ⟦tel:020 7946 0018⟧."),
        ("Dr", "great. (.) how are things at ⟦work:the Tesco in Stockwell⟧?"),
        ("P", "my manager ⟦fn:delroy⟧ keeps watching me. (.) I think he's"),
        "    putting stuff in the tea. can he do that?",
        "    (1.1)",
        ("Dr", "we:ll (.) let's talk about the tablets first."),
        ("P", "the «Risperidone»? (.) «Yeah» I take it."),
        ("Dr", "good. (.) ⟦tn:Nurse Winston Clarke⟧ said you missed the depot."),
        ("P", "I was at my cousin ⟦full:Kwame Asante⟧'s in ⟦town:Croydon⟧."),
        ("Dr", "okay. (.) your NHS number is ⟦nhs:401 023 2137⟧, I'll note it."),
        ("P", "born ⟦dob:22/11/1998⟧ if you need that too."),
        ("Dr", "I have it. (.) you were at ⟦hosp:King's College Hospital⟧ in ⟦date:June 2023⟧?"),
        ("P", "yeah, on ⟦ward:Ruskin ward⟧. (.) ⟦tn:Dr Baptiste⟧ was nice."),
        ("Dr", "«Good». (.) e-mail me at ⟦mail:tunde dot a at example dot org⟧ then."),
        ("P", "«Mark» my words, (.) I'll be there."),
        ("Dr", "and everyone at work still calls you ⟦sn:Adeyemi⟧?"),
        ("Dr", "see you ⟦fn:TUNDE⟧."),
    ],
))

FILES.append(dict(
    name="06-nowak-katarzyna-dob-1979.txt",
    filename_items=[("sn", "nowak"), ("fn", "katarzyna"), ("dob", "1979")],
    numbered="right",
    header=[
        "Title: Depot clinic, ⟦hosp:Meadowfield Medical Centre⟧ (cakit deid test, fictional)",
        "Date: ⟦date:3 June 2024⟧",
        "Participants: Nurse = ⟦tn:Sister Agnes Dunne⟧ (nurse), P = ⟦full:Katarzyna Nowak⟧ "
        "(patient), Husband = ⟦full:Piotr Nowak⟧ (husband)",
    ],
    body=[
        ("Nurse", "hello ⟦fn:Kasia⟧, (.) and ⟦fn:Piotr⟧, come in."),
        ("P", "dzień dobry. (.) hello."),
        ("Husband", "we came from ⟦town:Peterborough⟧, (.) long way."),
        ("Nurse", "still at ⟦addr:7 Lincoln Road⟧, ⟦pc:PE1 2RZ⟧?"),
        ("P", "yes."),
        ("Nurse", "date of birth ⟦dob:2 February 1979⟧?"),
        ("P", "yes. (.) «February» yes."),
        ("Nurse", "phone ⟦tel:01733 960 123⟧?"),
        ("Husband", "or mine ⟦tel:+44 (0)7700 900654⟧."),
        ("Nurse", "lovely. (.) any trouble since last time?"),
        ("P", "the neighbour, ⟦full:Grzegorz Wiśniewski⟧, he is sending signals"),
        "           through the wall. why is he doing this?",
        "           (1.3)",
        ("Nurse", "mm (.) shall we do the injection first?"),
        ("P", "okay. (.) «Jesus» it hurts last time."),
        ("Husband", "she works at ⟦work:Amazon in Peterborough⟧ on the nights."),
        ("Nurse", "right. (.) ⟦tn:Dr Zielinski⟧ will review at ⟦hosp:Cavell Centre⟧."),
        ("P", "⟦tn:doctor zielinski⟧ is good. (.) polish like us."),
        ("Nurse", "heh. (.) her NHS number ⟦nhs:6504328911⟧ is on the card."),
        ("Husband", "e-mail ⟦mail:k nowak at example dot co dot uk⟧."),
        ("Nurse", "«Lovely». (.) see you in four weeks."),
        ("P", "thank you. (.) ⟦fn:KASIA⟧ says thank you. heh"),
    ],
))

FILES.append(dict(
    name="07-chen-manchester.txt",
    filename_items=[("sn", "chen"), ("town", "manchester")],
    numbered="right",
    header=[
        "Title: EIP review, ⟦town:Manchester⟧ (cakit deid test, fictional)",
        "Date: ⟦date:11/06/2024⟧",
        "Participants: Dr = ⟦tn:Dr O'Driscoll⟧ (psychiatrist), P = ⟦full:Mei Ling Chen⟧ "
        "(patient), Mum = ⟦full:Li Na Wong⟧ (mother)",
    ],
    body=[
        ("Dr", "hi ⟦fn:Mei Ling⟧. (.) and ⟦tn:Mrs Wong⟧, hello."),
        ("Mum", "hello doctor."),
        ("Dr", "I'm ⟦tn:Dr Siobhan O'Driscoll⟧. (.) you're in ⟦town:Moss Side⟧ now?"),
        ("P", "yeah, ⟦addr:33 Claremont Road⟧, ⟦pc:M14 5RX⟧."),
        ("Dr", "and you're at ⟦work:the University of Manchester⟧?"),
        ("P", "I was. (.) I left in ⟦date:October 2023⟧."),
        ("Dr", "what happened?"),
        ("P", "the lecturers were talking about me in code. (.) ⟦tn:Professor Zhang⟧"),
        "      said my name in every lecture. ⟦fn:mei ling⟧ this, ⟦fn:mei ling⟧ that.",
        "      was it real?",
        "      (1.6)",
        ("Dr", "mm. (.) «Okay». (.) how's your sleep?"),
        ("Mum", "she doesn't sleep. (.) I call ⟦fn:Jun⟧, her brother, at night."),
        ("Dr", "so ⟦sn:Chen⟧ is dad's name and ⟦sn:Wong⟧ is yours?"),
        ("Dr", "is ⟦fn:Jun⟧ in ⟦town:Salford⟧ still?"),
        ("Mum", "yes. (.) his number ⟦tel:0161 496 0732⟧."),
        ("Dr", "and your GP is ⟦tn:Dr Wei Zhang⟧ at ⟦hosp:Princess Road Surgery⟧?"),
        ("P", "yeah."),
        ("Dr", "date of birth ⟦dob:1 September 2001⟧."),
        ("P", "yes."),
        ("Dr", "and you were on ⟦ward:Bluebell Ward⟧ at ⟦hosp:Manchester Royal Infirmary⟧."),
        ("Mum", "«Yes». (.) «Chinese» New Year she was there."),
        ("Dr", "I'm sorry. (.) the e-mail for the letter ⟦mail:meiling.chen@example.ac.uk⟧?"),
        ("P", "yeah. (.) ⟦nhs:712 345 6789⟧ is my number."),
        ("Dr", "«Thank» you. (.) «I» will see you in «April»."),
    ],
))

FILES.append(dict(
    name="08-obrien-aoife.txt",
    filename_items=[("sn", "obrien"), ("fn", "aoife")],
    numbered=None,
    header=[],
    body=[
        ("⟦tn:Dr Mensah⟧", "hello ⟦fn:Aoife⟧, (.) come through."),
        ("⟦fn:Aoife⟧", "hiya."),
        ("⟦tn:Dr Mensah⟧", "you're from ⟦town:Kilburn⟧ originally?"),
        ("⟦fn:Aoife⟧", "⟦town:Galway⟧, then ⟦town:Kilburn⟧. (.) me da ⟦full:Padraig O'Brien⟧ still lives there."),
        ("⟦tn:Dr Mensah⟧", "right. (.) address ⟦addr:56 Willesden Lane⟧, ⟦pc:NW6 7RB⟧?"),
        ("⟦fn:Aoife⟧", "yeah."),
        ("⟦tn:Dr Mensah⟧", "and your date of birth, ⟦dob:17/03/1993⟧."),
        ("⟦fn:Aoife⟧", "«Paddy»'s day, yeah. heh heh"),
        ("⟦tn:Dr Mensah⟧", "heh. (.) how are things?"),
        ("⟦fn:Aoife⟧", "the priest at ⟦work:St Mary's Primary⟧ keeps sending me messages"),
        "               in the hymns. (.) «God» is angry with me. is he?",
        "               (1.2)",
        ("⟦tn:Dr Mensah⟧", "u:m (.) tell me more about the messages."),
        ("⟦fn:Aoife⟧", "⟦tn:Father Brady⟧ reads them out. (.) ⟦full:Ciaran Brady⟧."),
        ("⟦tn:Dr Mensah⟧", "mm. (.) are you still working at the school?"),
        ("⟦fn:Aoife⟧", "no. (.) «Bill» from the office rang, (.) said don't come in."),
        ("⟦tn:Dr Mensah⟧", "okay. (.) your phone is ⟦tel:07700 900 111⟧?"),
        ("⟦fn:Aoife⟧", "yeah. (.) e-mail ⟦mail:aoife.obrien@example.ie⟧."),
        ("⟦tn:Dr Mensah⟧", "and you were at ⟦hosp:the Royal Free⟧ on ⟦date:the 30th of January⟧?"),
        ("⟦fn:Aoife⟧", "yeah for me chest. (.) «Anyway»."),
        ("⟦tn:Dr Mensah⟧", "see you ⟦fn:aoife⟧, (.) take care."),
    ],
))

FILES.append(dict(
    name="09-warsame-handsworth.txt",
    filename_items=[("sn", "warsame"), ("town", "handsworth")],
    numbered="right",
    header=[
        "Title: Crisis team visit (cakit deid test, fictional)",
        "Date: ⟦date:1st of July 2024⟧",
        "Participants: Dr = ⟦tn:Dr Kwarteng⟧ (psychiatrist), P = ⟦full:Abdi Warsame⟧ (patient), "
        "Brother = ⟦full:Hassan Warsame⟧ (brother)",
    ],
    body=[
        ("Dr", "salaam ⟦fn:Abdi⟧. (.) ⟦fn:Hassan⟧, thanks for coming."),
        ("Brother", "no problem doc."),
        ("Dr", "you're in ⟦town:Handsworth⟧, ⟦addr:88 Soho Road⟧?"),
        ("P", "yeah. (.) ⟦pc:B21 9DP⟧."),
        ("Brother", "⟦pc:b219dp⟧, he always forgets the space."),
        ("Dr", "«Ha». (.) phone ⟦tel:0121 496 0555⟧?"),
        ("P", "yeah."),
        ("Dr", "and you were on ⟦ward:Larch ward⟧ at ⟦hosp:the Oleaster Centre⟧."),
        ("P", "⟦date:May 14th⟧. (.) they let me out ⟦date:the twenty-first of May⟧."),
        ("Dr", "how has it been since?"),
        ("P", "the voices are telling me ⟦full:Yusuf Ahmed⟧ wants to hurt me."),
        "      he works at ⟦work:the Jaguar plant⟧ in ⟦town:Castle Bromwich⟧. is he after me?",
        "      (1.4)",
        ("Dr", "mm (.) what do you think?"),
        ("Brother", "⟦fn:yusuf⟧ is his old friend, doc. nothing happened."),
        ("P", "the ⟦sn:Ahmeds⟧ are after me. (.) all of them."),
        ("Dr", "okay. (.) NHS number ⟦nhs:321 654 0987⟧?"),
        ("P", "yeah. (.) «Ramadan» starts soon."),
        ("Dr", "right. (.) ⟦tn:Ms Chidinma Eze⟧ from the team will call."),
        ("Brother", "e-mail ⟦mail:h.warsame@example.com⟧ for me."),
        ("Dr", "«Will» do. (.) bye ⟦fn:ABDI⟧."),
    ],
))

FILES.append(dict(
    name="10-pritchard-wrexham.txt",
    filename_items=[("sn", "pritchard"), ("town", "wrexham")],
    numbered="left",
    header=[
        "Title: Outpatients (cakit deid test, fictional)",
        "Date: ⟦date:08/07/2024⟧",
        "Participants: ⟦tn:Dr Hughes⟧ = ⟦tn:Dr Gwen Hughes⟧ (psychiatrist), "
        "⟦fn:Hannah⟧ = ⟦full:Hannah Pritchard⟧ (patient)",
    ],
    body=[
        ("⟦tn:Dr Hughes⟧", "hello ⟦fn:Hannah⟧. (.) how's ⟦town:Wrexham⟧?"),
        ("⟦fn:Hannah⟧", "wet. heh heh (.) «Typical»."),
        ("⟦tn:Dr Hughes⟧", "«Still» at ⟦addr:4 Bradley Road⟧, ⟦pc:LL13 7TP⟧?"),
        ("⟦fn:Hannah⟧", "yeah. (.) or ⟦pc:ll137tp⟧ as the form says."),
        ("⟦tn:Dr Hughes⟧", "and the job at ⟦work:Wrexham Maelor Hospital⟧ canteen?"),
        ("⟦fn:Hannah⟧", "I left. (.) the telly was talking to me about it."),
        "                it said I had to leave. why would it say that?",
        "                (1.1)",
        ("⟦tn:Dr Hughes⟧", "that must have been strange."),
        ("⟦fn:Hannah⟧", "yeah. (.) my nan, ⟦full:Gwenllian Roberts⟧, thinks it's a curse."),
        ("⟦tn:Dr Hughes⟧", "mm. (.) ⟦tn:DR ROBERTS⟧ from ⟦hosp:Heddfan Unit⟧ phoned me."),
        ("⟦fn:Hannah⟧", "he's no relation. (.) «Nobody» is, in ⟦town:Rhosllanerchrugog⟧."),
        ("⟦tn:Dr Hughes⟧", "heh. (.) your mobile ⟦tel:07700 900 246⟧?"),
        ("⟦fn:Hannah⟧", "yeah. born ⟦dob:6.4.1996⟧, before you ask."),
        ("⟦tn:Dr Hughes⟧", "thank you. (.) «Will» you keep taking the «Quetiapine»?"),
        ("⟦fn:Hannah⟧", "yeah. (.) ⟦mail:hannah.p@example.co.uk⟧ for the letter."),
        ("⟦tn:Dr Hughes⟧", "lovely. (.) see you on ⟦date:2nd August⟧."),
    ],
))

# CHAT files: (code, talk) tuples; no digits in utterances (numbers spelled out).
CHAT: list[dict] = []

CHAT.append(dict(
    name="11-begum-chat.cha",
    filename_items=[("sn", "begum")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tDOC ⟦fn:Olumide⟧ Therapist, PAT ⟦fn:Farzana⟧ Participant, MOT ⟦fn:Rokeya⟧ Mother",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|DOC|||||Therapist|||",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|MOT|||||Mother|||",
        "@Date:\t⟦date:05-APR-2024⟧",
        "@Comment:\tFictional consultation for the cakit de-identification test. No real patient.",
        "@Comment:\tClinic at ⟦hosp:Newham Centre for Mental Health⟧. DOC is ⟦tn:Dr Olumide Bankole⟧, "
        "PAT is ⟦full:Farzana Begum⟧, DOB ⟦dob:19/09/1999⟧.",
    ],
    body=[
        ("DOC", "hello ⟦fn:Farzana⟧ ⇘ hello ⟦tn:Mrs Begum⟧ ."),
        ("MOT", "hello doctor ⇘ we came from ⟦town:Stratford⟧ on the bus ."),
        ("DOC", "lovely ⇘ are you still on ⟦addr:Romford Road⟧ ⇗"),
        ("PAT", "yeah ⇘ flat twelve ."),
        ("DOC", "how's the job at ⟦work:Westfield⟧ ⇗"),
        ("PAT", "&-um the customers are whispering about me ⇘ they know what I'm thinking ⇗"),
        ("DOC", "(1.2) what makes you think they know ⇗"),
        ("PAT", "they say my name ⇘ ⟦fn:FARZANA⟧ ⇘ like that ."),
        ("MOT", "&=laughs she's always worried ."),
        ("DOC", "mhm ⇘ ⟦tn:Dr Rahul Ghosh⟧ wrote that you were on ⟦ward:Sapphire ward⟧ ."),
        ("PAT", "on ⟦date:the ninth of March⟧ ⇘ yeah ."),
        ("DOC", "and your brother ⟦fn:shahid⟧ ⇘ is he still in ⟦town:Ilford⟧ ⇗"),
        ("MOT", "yes ⇘ his e-mail is ⟦mail:shahid dot begum at example dot com⟧ ."),
        ("DOC", "☺lovely☺ ⇘ see you on «Friday» ."),
        ("PAT", "«Inshallah» ."),
    ],
))

CHAT.append(dict(
    name="12-zielinski-chat.cha",
    filename_items=[("sn", "zielinski")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tNUR ⟦fn:Duncan⟧ Nurse, PAT ⟦fn:Agnieszka⟧ Participant, FAT ⟦fn:Tadeusz⟧ Father",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|NUR|||||Nurse|||",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|FAT|||||Father|||",
        "@Date:\t⟦date:18-JUL-2024⟧",
        "@Comment:\tFictional. Depot clinic in ⟦town:Boston⟧, ⟦pc:PE21 6QR⟧. PAT is ⟦full:Agnieszka Zielinska⟧.",
    ],
    body=[
        ("NUR", "hiya ⟦fn:Agnieszka⟧ ⇘ hiya ⟦fn:Tadeusz⟧ ."),
        ("FAT", "hello ⇘ we drive from ⟦town:Skegness⟧ ."),
        ("NUR", "&=laughs long way ⇘ still at the caravan on ⟦addr:Burgh Road⟧ ⇗"),
        ("PAT", "yes ⇘ yes ."),
        ("NUR", "and you work at ⟦work:the Butlins⟧ ⇗"),
        ("PAT", "not now ⇘ the radio is telling me things ⇘ about me ⇘ is it true ⇗"),
        ("FAT", "she listens too much ."),
        ("NUR", "(1.1) ∙hh let's do the injection first ⇘ ⟦fn:aga⟧ ."),
        ("PAT", "okay ⇘ ⟦tn:Dr Nowicki⟧ said the same ."),
        ("NUR", "is it ⟦sn:Zielinska⟧ or ⟦sn:Zielinski⟧ on your letters ⇗"),
        ("NUR", "and your date of birth ⇘ ⟦dob:the fourth of June nineteen ninety⟧ ⇗"),
        ("PAT", "yes ."),
        ("NUR", "we'll see you at ⟦hosp:Pilgrim Hospital⟧ then ⇘ on ⟦ward:Bostonian ward⟧ ."),
        ("FAT", "«HhHah» ⇘ «hah» ⇘ that place ."),
        ("NUR", "☺I know☺ ⇘ bye ⟦fn:AGNIESZKA⟧ ."),
    ],
))

CHAT.append(dict(
    name="13-thompson-chat.cha",
    filename_items=[("sn", "thompson")],
    header=[
        "@UTF8",
        "@Begin",
        "@Languages:\teng",
        "@Participants:\tDOC ⟦fn:Eleanor⟧ Therapist, PAT ⟦fn:Gareth⟧ Participant, SIS ⟦fn:Megan⟧ Sister",
        "@Options:\tCA",
        "@ID:\teng|cakitdeid|DOC|||||Therapist|||",
        "@ID:\teng|cakitdeid|PAT|||||Participant|||",
        "@ID:\teng|cakitdeid|SIS|||||Sister|||",
        "@Date:\t⟦date:22-AUG-2024⟧",
        "@Comment:\tFictional. DOC is ⟦tn:Dr Eleanor Whitfield⟧; clinic at ⟦hosp:St James's Hospital⟧, ⟦town:Leeds⟧.",
    ],
    body=[
        ("DOC", "come in ⟦fn:Gareth⟧ ⇘ and ⟦fn:Megan⟧ ⇘ hello ."),
        ("SIS", "hiya ⇘ ☺we got lost☺ ."),
        ("DOC", "&=laughs everyone does ."),
        ("PAT", "&-um I need to give you my new e-mail ⇘ ⟦mail:gareth dot t at example dot org⟧ ."),
        ("DOC", "thank you ⇘ and you're in ⟦town:Armley⟧ now ⇗"),
        ("PAT", "yeah ⇘ on ⟦addr:Tong Road⟧ ⇘ near ⟦work:Armley Library⟧ where I volunteer ."),
        ("DOC", "how are things ⇗"),
        ("PAT", "the voices are back ⇘ they sound like ⟦tn:Mr Hargreaves⟧ from school ⇘ why him ⇗"),
        ("DOC", "(1.3) &-um tell me what they say ."),
        ("PAT", "that I'm useless ⇘ like at ⟦work:Intake High School⟧ ."),
        ("SIS", "our mum ⟦full:Janet Thompson⟧ says it's the cannabis ."),
        ("DOC", "mhm ⇘ you were on ⟦ward:ward four⟧ at ⟦hosp:the Becklin Centre⟧ ⇗"),
        ("PAT", "in ⟦date:March twenty twenty two⟧ ⇘ yeah ."),
        ("DOC", "okay ⇘ the team will ring ⇘ is the «rose» garden still open ⇗"),
        ("SIS", "«Will» she ring me too ⇗"),
        ("DOC", "yes ⇘ bye ⟦fn:gareth⟧ ."),
    ],
))


# -- writing --------------------------------------------------------------------------------

def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in (".txt", ".cha", ".csv"):
            old.unlink()
    key = Key()
    planted, controls = key.planted, key.controls
    for spec in FILES + CHAT:
        (OUT / spec["name"]).write_text(write(spec, key), encoding="utf-8")
        for kind, item in spec["filename_items"]:
            assert item in spec["name"], (item, spec["name"])
            planted.append((spec["name"], 0, item, KINDS[kind], case_of(item), "filename"))
    with (OUT / "planted.csv").open("w", newline="", encoding="utf-8") as stream:
        writer_ = csv.writer(stream, lineterminator="\n")
        writer_.writerow(["file", "line", "text", "kind", "case", "place"])
        writer_.writerows(sorted(planted, key=lambda r: (r[0], r[1])))
    with (OUT / "controls.csv").open("w", newline="", encoding="utf-8") as stream:
        writer_ = csv.writer(stream, lineterminator="\n")
        writer_.writerow(["file", "line", "text"])
        writer_.writerows(sorted(controls, key=lambda r: (r[0], r[1])))
    # the one label no rule can place (an undeclared first name, file 08)
    (OUT / "roles.yaml").write_text("roles:\n  Aoife: patient\n", encoding="utf-8")
    kinds = {row[3] for row in planted}
    print(f"{len(planted)} planted identifiers of {len(kinds)} kinds, {len(controls)} controls, "
          f"{len(FILES) + len(CHAT)} files -> {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
