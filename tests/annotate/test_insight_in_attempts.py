"""Insight, someone else's view or a denial inside an attempt does not undo it.

A rule tried for codebook 1.14 made a statement the patient seems to take back in the same
turn no attempt: "I feel like they're all looking at me. I know they're not really", "my
mate thought the radio talked to him. I'm not like that". It removed three of dev2's four
false attempts and changed no blind set, but a review with probes like these found it
cancelling 24 of 29 genuine attempts: patients say "I know it wasn't real" of last time
while telling of this time, quote the nurse's or the GP's view to reject it, say it
sarcastically, or answer the voices' commands with "I'm not like that". Losing those would
undercount exactly the attempts that matter most, so the rule was dropped. These turns keep
it, or anything like it, from coming back unnoticed; each is a turn raising psychotic
content that the shipped rules code. Invented by the team (the reviewer's probes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotate._helpers import FIRST, after_opening

ATTEMPTS_WITH_INSIGHT = [
    # past insight, present content
    "the voices have come back, every night, calling me dirty. I know it wasn't real last "
    "time in hospital. this is different.",
    "they're reading my thoughts off the telly again, worse than ever. I know now it wasn't "
    "real back in March.",
    "somebody's following me home from the bus stop every night this week. I knew it wasn't "
    "true the first time, this time I've seen him.",
    # "part of" in the delusion's own grammar
    "the voices keep telling me to give all my money away. I realised it was part of a test.",
    "the radio's been sending me messages about the end of the world. I know the fire on the "
    "news was part of that.",
    # someone else's view, quoted to reject it
    "the voices are real. the nurse reckons I know it's not real and I'm putting it on for "
    "attention.",
    "there's a voice in my head and it's not mine. the doctor on the ward said that's just me "
    "thinking out loud. it isn't.",
    "something gets into my body and works my arms like a puppet. people see me shouting and "
    "think that's me doing it. it's him.",
    # sarcasm
    "the man next door has bugged the flat, he's listening to everything. yeah yeah, I know "
    "it's not real, that's what you lot always say.",
    # a denial that answers the voices, not the experience
    "the voices tell me to hurt people. I won't do it, I'm not like that.",
    "the voice says I should steal from my mum's purse. I'm not like that, I've always been "
    "honest.",
    "the man on the news was talking about me again, saying I'd done something terrible. I've "
    "never done nothing like that in my life.",
    "the voices told me to jump off the bridge. afterwards they said they were only joking, "
    "they always do that to me.",
    "the dentist put a chip in my tooth and it's sending signals to the police. there's "
    "nothing weird about it, they do it to loads of people.",
    # current experience, with insight
    "I've been hearing voices again these last few weeks. I know they're not real.",
    "I keep feeling like people in the shop are talking about me. I know they're not really, "
    "it's horrible though.",
]


@pytest.mark.parametrize("turn", ATTEMPTS_WITH_INSIGHT)
def test_insight_inside_an_attempt_leaves_it_an_attempt(tmp_path: Path, turn: str) -> None:
    coded = after_opening(tmp_path, turn)
    assert [a.line for a in coded.attempts] == [FIRST], turn
