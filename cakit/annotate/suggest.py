"""Learn from coders, transparently: candidate lexicon phrases from the attempts a coder
added where the machine saw none.

For each patient turn a coder coded as an attempt and the machine did not, the phrases of
two or three consecutive words in it (not made only of the commonest words) are
candidates. Each candidate is shown with the missed turns it would recover (its support)
and with how many other patient turns in the corpus it would newly match that nobody
coded as an attempt (its collateral matches), so a false-positive risk is visible before
anyone adopts it. Nothing is adopted: the user edits the codebook, then `cakit codebook
check` and `cakit evaluate` show the effect.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cakit.annotations import ConsultationAnnotations
from cakit.model import Transcript

#: Words that make no phrase on their own: a candidate needs at least one word not here.
_COMMON = frozenset("""a an the and or but so to of in on at for with from by it it's is are
was were be been am i i'm me my you your he she they them we us our his her their this that
these those there here what which who how when where why do does did don't not no yes yeah
oh well just like mm um uh er erm okay ok right really very all some any one can could would
will should have has had get got go going know think mean said say says""".split())


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate phrase, the missed attempts it recovers and its collateral matches."""

    phrase: str
    support: tuple[str, ...]  # "file:line" of each missed attempt it matches
    collateral: int  # other patient turns it would newly match, coded by nobody
    collateral_examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodedFile:
    """One transcript with the machine's codes and a coder's (or the consensus) codes."""

    name: str
    transcript: Transcript
    machine: ConsultationAnnotations
    decided: ConsultationAnnotations


def _turn_words(transcript: Transcript) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Turn start line → (role, lower-case spoken words)."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for turn in transcript.turns:
        words = tuple(token.clean.lower() for index in turn.utterances
                      for token in transcript.utterances[index].tokens
                      if token.is_spoken and token.clean)
        out[transcript.utterances[turn.utterances[0]].line] = (turn.role, words)
    return out


def _phrases(words: Sequence[str]) -> set[str]:
    found = set()
    for size in (2, 3):
        for start in range(len(words) - size + 1):
            gram = words[start:start + size]
            if any(word not in _COMMON for word in gram):
                found.add(" ".join(gram))
    return found


def suggest(files: Iterable[CodedFile], *, top: int = 20) -> list[Suggestion]:
    """Candidate phrases, most supported first, then fewest collateral matches."""
    support: dict[str, list[str]] = defaultdict(list)
    others: list[tuple[str, set[str]]] = []  # (file:line, phrases) of uncoded patient turns
    for file in files:
        turns = _turn_words(file.transcript)
        starts = sorted(turns)
        machine = {_turn_of(a.line, starts) for a in file.machine.attempts}
        decided = {_turn_of(a.line, starts) for a in file.decided.attempts}
        for line, (role, words) in turns.items():
            if role != "patient" or line in machine:
                continue
            where = f"{file.name}:{line}"
            if line in decided:
                for phrase in _phrases(words):
                    support[phrase].append(where)
            else:
                others.append((where, _phrases(words)))
    suggestions = []
    for phrase, lines in support.items():
        hits = [where for where, phrases in others if phrase in phrases]
        suggestions.append(Suggestion(phrase, tuple(lines), len(hits), tuple(hits[:3])))
    suggestions.sort(key=lambda s: (-len(s.support), s.collateral, s.phrase))
    return suggestions[:top]


def _turn_of(line: int, starts: Sequence[int]) -> int:
    """The start line of the turn a code's line falls in."""
    index = bisect_right(starts, line) - 1
    return starts[max(index, 0)]
