"""Turns derived from utterances (docs/codebook.md).

A turn is a maximal run of talk by one speaker. A minimal back-channel by someone else in
overlap ("[mm]" inside the patient's telling) does not end the turn; it is kept on the turn
as a back-channel instead.

A silence the transcriber wrote on its own line between two utterances of one speaker
(`D: mm.` / `(0.8)` / `D: okay so …`) does end it: the floor was open and nobody else took
it, so the resumption is a new turn. This is how the coding scheme reads (R1
ACKNOWLEDGE, then R2 TOPIC_SHIFT). A pause inside a line, or on a continuation line of the
same turn, stays inside the turn.

A manual phase mark between two utterances of one speaker (a CHAT gem `@Bg: CLOSING`, a
Jefferson `((phase: closing))`) ends it too: the transcriber put the two in different
phases, and one turn has one phase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence

from cakit.model import Gap, Header, Role, Turn, Utterance
from cakit.notation import MINIMAL_TOKENS
from cakit.phase_marks import manual_marks

_LETTERS = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
#: How a CHAT code in brackets opens, after its `[` (`[<]`, `[= x]`, `[: x]`, `[+ RES]`,
#: `[/?]`, `[^ ns]`, `[% …]`, `[x 3]` …): a Jefferson overlap `[` opens talk instead.
_CODE_OPENING = r"(?:[<>=:/*+\-%?!^#]|x )"
#: Overlap marks: CHAT ⌈ ⌉ ⌊ ⌋ and `[<]` `[>]`, a Jefferson `[` (before talk, not a CHAT
#: code), and a `{mm}` back-channel.
_OVERLAP_MARK = re.compile(rf"[⌈⌉⌊⌋{{]|\[[<>]\d?\]|\[(?!{_CODE_OPENING})")
#: Descriptions, CHAT codes and bullets: not words. Jefferson overlap brackets ("[mm]")
#: are kept, so the words inside them still count.
_COMMENT = re.compile(
    rf"\(\([^)]*\)\)|&=\S+|\[{_CODE_OPENING}[^\]]*\]|\x15[^\x15]*\x15"
)


def is_backchannel(utterance: Utterance) -> bool:
    """Up to three minimal tokens ("mm", "yeah", "right") marked as overlapping."""
    content = utterance.content
    if not _OVERLAP_MARK.search(content):
        return False
    words = _LETTERS.findall(_COMMENT.sub(" ", content))
    if not words or len(words) > 3:
        return False
    return all(word.lower().replace(":", "") in MINIMAL_TOKENS for word in words)


def turn_breaks(gaps: Iterable[Gap], headers: Iterable[Header]) -> frozenset[int]:
    """The indices of utterances that never continue the turn before them: those after a
    silence on its own line (`Gap.position`) or after a manual phase mark."""
    return frozenset(gap.position for gap in gaps) | frozenset(
        position for position, _ in manual_marks(headers))


def derive_turns(
    utterances: Sequence[Utterance], role_of: Callable[[str], Role],
    breaks_before: Collection[int] = (),
) -> tuple[Turn, ...]:
    """Group utterances into turns; back-channels inside another's turn do not split it.

    `breaks_before` holds the indices of utterances that never continue the turn before
    them (`turn_breaks`).
    """
    turns: list[Turn] = []
    count = len(utterances)
    i = 0
    while i < count:
        first = utterances[i]
        speaker = first.speaker
        members = [i]
        backchannels: list[int] = []
        j = i + 1
        while j < count:
            candidate = utterances[j]
            if candidate.speaker == speaker and j not in breaks_before:
                members.append(j)
                j += 1
                continue
            if (
                j + 1 < count
                and utterances[j + 1].speaker == speaker
                and is_backchannel(candidate)
            ):
                backchannels.append(j)
                j += 1
                continue
            break
        last = utterances[members[-1]]
        turns.append(
            Turn(
                id=f"t{len(turns) + 1}",
                index=len(turns),
                speaker=speaker,
                role=role_of(speaker),
                utterances=tuple(members),
                line=first.line,
                end_line=last.end_line,
                backchannels=tuple(backchannels),
            )
        )
        i = j
    return tuple(turns)
