"""Patient phrasings the lexicon should catch, and everyday talk it should leave alone.

Invented by the team, sentence by sentence, to check that the codebook generalises beyond
its seed phrases (persecution, thought interference, each sense, reference, grandiosity,
somatic and technology themes, questions, fear); none comes from a transcript. Each is
said unprompted after a neutral history, so a hit is a PSY_ATTEMPT.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotate._helpers import FIRST, OPENING, annotate_text

PSYCHOTIC_CONTENT = [
    'the people across the road have been watching my flat again',
    "I reckon my phone's been tapped, there's clicking on the line",
    "there's a van outside every night, they're keeping tabs on me",
    'my neighbours are trying to poison the water',
    "someone's been coming in my flat and moving things around",
    'the police have got a file on me, I know they have',
    "I think they've put a camera in the smoke alarm",
    'they follow me when I go to the shops, two men in a grey car',
    'people at the bus stop were talking about me, I could tell',
    "someone's putting thoughts into my head that aren't mine",
    'I feel like people can read my mind',
    'my thoughts get broadcast, everybody on the bus can hear them',
    'something takes over my body and makes me move',
    "it's like I'm being controlled by someone else",
    'they take my thoughts away, my head just goes empty',
    "I keep hearing someone whisper my name when nobody's there",
    "there's a man's voice that talks over the telly",
    'I saw a figure standing at the end of my bed last night',
    'I can feel things crawling under my skin',
    "there's a smell of burning that nobody else can smell",
    'I hear music coming from the walls',
    'the voice says I should hurt myself',
    'my dead mum talks to me at night',
    'the newsreader was sending messages to me through the telly',
    'the songs on the radio are about me',
    "I've been chosen by God for a special mission",
    "I'm the devil, I've got evil inside me",
    'the number plates are giving me signs',
    "I've got special powers, I can stop the rain",
    "there's a chip in my head that they put in at the hospital",
    'my insides are rotting, I can feel my organs dying',
    'the wifi is beaming signals into my brain',
    'do you think the voices are real?',
    "why do I keep hearing them when I'm on my own?",
    "is it normal to see things that aren't there?",
    "can they really hear what I'm thinking?",
    "could the tablets be what's making the voices louder?",
    "the voices, they still frighten me, I can't sleep with them",
    "I'm scared of what the voices will make me do",
    # structures rather than phrases: others' acts timed to the patient's own, harassment by
    # an unnamed "they", someone else doing the thinking, special meaning
    "every time I go out someone coughs at me",
    "whenever I think something somebody on the telly says it",
    "they won't leave me alone, day and night",
    "they've been on at me all week, I get no peace",
    "it's like somebody else is thinking for me",
    "it was a sign, it was meant for me",
    "that song was a message for me",
    "the angel tells me what to do",
    "the presenter on the radio knows all about me",
    "I get told off all day by them, nobody else hears it",
    # everyday idiom for the same experiences (a third set, written after the first two)
    "I've been getting the voices again",
    "they're in my ear all day chattering",
    "there's this noise in my head like people talking",
    "I can hear people when there's no one there",
    'the telly was talking about me last night',
    'people are out to get me',
    "I feel like I'm being watched all the time",
    "everyone's looking at me funny in the street",
    "they're all in on it, the whole estate",
    "they've got it in for me at the job centre, they're all in it together",
    "I think I'm being tested, it's like a game they're playing with me",
    "I've got a gift, I can see things other people can't",
    "I've been sent here for a reason, I'm on a mission",
    "my head's full of other people's thoughts",
    "there's someone else in my head, I can't think straight",
    "there's something growing inside me, I can feel it",
    "my body doesn't feel like mine any more",
    'I see shadows moving out of the corner of my eye',
    'the faces in the wallpaper keep staring at me',
    'they frighten the life out of me, the voices',
    "I can't cope with them shouting at me all night",
    "why won't they leave me alone?",
    'do other people hear them as well?',
    'I know things before they happen',
    'the birds were telling me something this morning',
    'my thoughts are being played out loud',
    "somebody's put a spell on me",
    "there's a man who follows me everywhere I go",
    'the council have put something in the pipes to get at me',
    'I get messages through the number plates',
    "I'm not ill, it's them doing it to me",
    "they talk about me behind my back, saying I'm a paedophile",
    "my food's been tampered with, it tastes wrong",
    "I smell gas all the time but there's nothing there",
    'I feel electric shocks going through my legs at night',
]

EVERYDAY_TALK = [
    "I've been going to the gym three times a week",
    'my sister came round on Sunday and we had a roast',
    'the tablets make me really sleepy in the mornings',
    "I've put on a lot of weight since starting the injection",
    "I'm a bit worried about money, the rent's gone up",
    'I watched a film about aliens on the telly last night',
    "my mum's been poorly, she's in hospital with her hip",
    "I can't get to sleep till about two in the morning",
    "my neighbour's dog barks all night, it drives me mad",
    "I heard on the radio that it's going to snow",
    'my friend thinks I should get a job at the supermarket',
    'the bus was late again so I nearly missed this',
    'I feel a bit low, to be honest',
    'I saw my cousin at the shops last week',
    'do I still need to have the blood tests?',
    'can I cut down the dose a bit?',
    "I've been reading the bible a lot, it helps me relax",
    'I went to church on Sunday with my gran',
    'I was talking to my mate on the phone for hours',
    "the doctor at the surgery said my blood pressure's fine",
    # epistemic worry alone is a modifier, not an attempt (CODEBOOK §7 K)
    "am I going mad, doctor?",
    # the same structures with named, everyday people and things
    "every time I stand up I go a bit dizzy",
    "whenever I ring the council they put me on hold",
    "my mum's always on at me to eat more",
    "the kids won't leave me alone when I'm on the phone",
    "the advert was for a new sofa",
    "they've come back from holiday, my sister and her kids",
    "my sister talks to me every day on the phone",
    "every time I see the nurse she takes my blood pressure",
    "the lights in the kitchen keep flickering, I need an electrician",
    "the angel cake my gran made was lovely",
    'the noise from next door is doing my head in',
    "I've been getting headaches again",
    'people at work are nice enough',
    "I feel like I'm being a bit lazy lately",
    "everyone's been looking forward to Christmas",
    "my sister's got a gift for baking",
    "I'm on a mission to lose weight",
    "my head's full of worries about the rent",
    "I can't think straight when I'm tired",
    "I saw my nan on Sunday, she's doing well",
    'the wallpaper in the kitchen needs changing',
    'the kids frighten the life out of me when they climb things',
    'my neighbour follows me on facebook',
    'the council have put the rent up again',
    'I got a parking ticket on the number plate',
    "I'm not ill, just a bit tired",
    'the food at the hospital tastes awful',
    'I could smell gas in the kitchen so I rang the gas board',
    'I get cramp in my legs at night',
    'my phone keeps getting messages from the bank',
    'do other people get side effects like this?',
    'why is the bus always late?',
    'the birds wake me up at five every morning',
    "it's like a film, the new shopping centre",
    'they talk about football all the time at work',
]


def _attempt_lines(tmp_path: Path, utterance: str) -> list[int]:
    annotations = annotate_text(tmp_path, OPENING + f"P:  {utterance}\nD:  okay.\n")
    return [attempt.line for attempt in annotations.attempts]


@pytest.mark.parametrize("utterance", PSYCHOTIC_CONTENT)
def test_psychotic_content_is_an_attempt(tmp_path: Path, utterance: str) -> None:
    assert FIRST in _attempt_lines(tmp_path, utterance)


@pytest.mark.parametrize("utterance", EVERYDAY_TALK)
def test_everyday_talk_is_not_an_attempt(tmp_path: Path, utterance: str) -> None:
    assert FIRST not in _attempt_lines(tmp_path, utterance)
