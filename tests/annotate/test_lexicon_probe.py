"""Patient phrasings the lexicon should catch, and everyday talk it should leave alone.

Invented by the team, sentence by sentence, to check that the codebook generalises beyond
its seed phrases (persecution, thought interference, each sense, reference, grandiosity,
somatic and technology themes, questions, fear); none comes from a transcript. Each is
said unprompted after a neutral history, so a hit is a PSY_ATTEMPT.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cakit
from cakit.annotate import annotator_for
from tests.annotate._helpers import FIRST, OPENING, after_opening

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
    'they want to get us, me and my mum',
    'they keep muttering to me through the floor',
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
    # what patients do about it, who they think is behind it, what it does to them
    "I've had to cover the windows with foil so they can't see in",
    'I unplugged the telly because it was watching me',
    'I had to move out because of what they were doing to me',
    "it's like a presence in the room with me at night",
    "I can feel someone in the room with me when I'm on my own",
    'my thoughts get jumbled and then someone answers them',
    "the tablets are poisoning me, that's what they're really for",
    "you're in on it too, aren't you?",
    'is it the tablets making me hear things?',
    "I'm being punished for what I did",
    "the devil's been at me again",
    "I'm scared to go to sleep because of what comes at night",
    "they've been playing tricks on me, moving my stuff",
    "someone's been reading my letters before they get to me",
    'there are people living in the loft, I can hear them moving',
    "my reflection doesn't look like me, it's someone else",
    "the voices said you'd say that",
    "they make me do things I don't want to do",
    'I keep seeing the same car everywhere I go',
    'the man on the news winked at me',
    "I'm connected to the internet in my head",
    'I can hear what people are thinking',
    "I've been getting signs all week that something's coming",
    # questions, recurrence, misidentified relatives, commands, special powers
    'is it normal that the telly talks to me?',
    'do you think they can hear us now?',
    'can you make the voices go away?',
    'is there something that stops them getting in my head?',
    'should I be worried that I can hear my dead brother?',
    "the whispering's been worse this week",
    "they were on at me all last night, I didn't sleep a wink",
    'I had a bad time with the voices on Saturday',
    "it's the same as before, the people at the window",
    "I've been hearing the music again, the one that's about me",
    "it gets really loud in my head and I can't shut it off",
    'I keep catching people staring at me on the bus',
    "my brother's been replaced, it's not really him",
    "my mum's not my real mum, they swapped her",
    "I'm being tracked through my phone",
    "there's something implanted in my tooth",
    'I can feel them touching me at night',
    'the TV sends me special messages, only I understand them',
    "I am the son of God, I've always known",
    "I've been given powers to heal people",
    'I cry every night because of what they say about me',
    'they say horrible things, that I should kill myself',
    'I saw an angel in the garden',
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
    "nobody believes me when I say I've stopped smoking",
    "I've had to cover the windows because the sun's so bright",
    'I unplugged the telly because the electric bill was so high',
    'I had to move out because the landlord sold the house',
    "I don't go out much because of my knee",
    "I told the police about the burglary but they didn't do anything",
    'the bathroom in the flat has a strange smell from the drains',
    'my mum answers the phone in the evenings',
    "I'm scared to go to the dentist",
    'the kids keep moving my stuff around',
    'do you know when my next appointment is?',
    'is it the tablets making me put on weight?',
    'I keep seeing the same adverts on facebook for shoes',
    'I heard my name being called at the pharmacy',
    'my letters keep going to the wrong address',
    "they make me do the washing up at my mum's",
    'why do the buses only come every hour?',
    'is it normal to feel this tired on the tablets?',
    'how do I make an appointment with the nurse?',
    "what if I can't find a job?",
    'do you think I can go back to work?',
    'can you make the injection every four weeks instead?',
    'should I be worried about my blood pressure?',
    "the weather's been worse this week",
    "my back was bad all last night, I didn't sleep a wink",
    'I had a bad time with my mum on Saturday',
    "I've been listening to music again, it helps",
    'my tinnitus gets really loud at night',
    'the lady in the shop knew my name because I go in every day',
    "my phone's been replaced, the old one broke",
    'I had a filling in my tooth last week',
    "I've been careful what I eat",
    'I cry every night since my dad died',
    'my sister says horrible things about my boyfriend',
    'I saw a fox in the garden',
    # everyday structures that once read as attempts (reported speech, errands, hearing loss)
    "I couldn't hear a thing with my bad ear",
    'do you want us to get some milk on the way?',
    'we want to get rid of the old settee',
    'what he said to me at the bus stop was rude',
    'she said to me you look tired',
    # everyday sentences near psychotic patterns: a replaced boiler, a late bus, a wall
    "we've had the boiler replaced with a new combi",
    'I swapped the late shift for an early one',
    "my thoughts are all over the place with the move",
    "the kids' school sent a message for me about the trip",
    'it was my fault we were late, I lost the keys',
    'I turned round and the bus had gone, typical',
    "I'm trying to get my provisional licence",
    'the bus from next door goes through the town',
    'my legs took me ages to get going this morning',
    'everything tasted like cardboard after the covid',
    "we painted the houses on the estate for the jubilee",
]


def _attempt_lines(tmp_path: Path, utterance: str) -> list[int]:
    annotations = after_opening(tmp_path, utterance, "okay.")
    return [attempt.line for attempt in annotations.attempts]


@pytest.mark.parametrize("utterance", PSYCHOTIC_CONTENT)
def test_psychotic_content_is_an_attempt(tmp_path: Path, utterance: str) -> None:
    assert FIRST in _attempt_lines(tmp_path, utterance)


def _coded_first(tmp_path: Path, utterance: str, signal: str) -> bool:
    path = tmp_path / "t.txt"
    path.write_text(OPENING + f"P:  {utterance}\nD:  okay.\n", encoding="utf-8")
    coded = annotator_for(signal=signal).annotate(cakit.read(path).transcript)
    return FIRST in [attempt.line for attempt in coded.attempts]


@pytest.mark.parametrize("utterance", EVERYDAY_TALK)
def test_the_lexicon_leaves_everyday_talk_alone(tmp_path: Path, utterance: str) -> None:
    assert not _coded_first(tmp_path, utterance, "rules")


def test_the_classifier_codes_almost_no_everyday_talk(tmp_path: Path) -> None:
    """The shipped annotator (rules and the attempt classifier) on the everyday sentences.
    Until codebook 1.14 it coded none of them. The classifier of codebook 1.15, trained on
    a seventh author's turns too, codes two with P(attempt) >= 0.98: "they make me do the
    washing up at my mum's" (0.985) and "the lady in the shop knew my name because I go in
    every day" (0.998): a bag of words, pairs and triples cannot read "because I go in every
    day" as the ordinary reason it is. That is 1.9%, more than on the invented held-out,
    development and clinic turns (0.5-0.9%); a ceiling at today's count, so that a model
    that codes more everyday talk fails here, and the rules are checked sentence by
    sentence above."""
    coded = [u for u in EVERYDAY_TALK if _coded_first(tmp_path, u, "both")]
    assert len(coded) <= 2, coded
