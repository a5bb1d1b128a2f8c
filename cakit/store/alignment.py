"""Two versions of a transcript, utterance by utterance: which old utterance became which.

A coder's layer records, beside the hash of the transcript version its anchors point into,
a short fingerprint of every utterance of that version (`fingerprints`). When the
transcript changes, the old and the new sequences of fingerprints are aligned as a diff
aligns lines (`difflib.SequenceMatcher`): an old utterance is either the same as one new
utterance (`equal`), part of a stretch that was edited (`replaced`: the new utterances of
that stretch), or gone (deleted). An anchor's own words and context cannot tell a deleted
"P: no." from a like "P: no." that remains; the alignment can, because the remaining one
is the counterpart of another old utterance.

Pure functions over tuples; nothing here reads or writes the store.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Hex digits of an utterance fingerprint (32 bits: a collision between two utterances of
#: one transcript is rare, and harmless: a place is still checked against the quote).
FINGERPRINT_DIGITS = 8


def fingerprint(words: Sequence[str]) -> str:
    """A short hash of an utterance's words (as anchors count them)."""
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"),
                             digest_size=FINGERPRINT_DIGITS // 2)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Alignment:
    """Old utterance index → its place in the new version (see the module docstring)."""

    #: the version the old fingerprints describe
    sha256: str
    #: old index → new index of the same utterance
    equal: dict[int, int]
    #: old index → the new indices of the edited stretch it belongs to
    replaced: dict[int, tuple[int, ...]]
    #: new indices that are the same as some old utterance
    claimed: frozenset[int]
    #: new indices of talk inserted where the old version had nothing
    inserted: frozenset[int] = frozenset()
    #: old index → how many utterances long its run of equal ones is (a lone equal
    #: utterance amid edited talk — "P: no." in a file replaced by another — is weak)
    run: dict[int, int] = field(default_factory=dict)
    #: the two versions have the same utterances (nothing to re-anchor)
    unchanged: bool = False
    #: old index → (old start, old end, new start, new end) of its edited stretch
    stretch: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    #: `inserted`, in order
    _inserted_order: tuple[int, ...] = ()

    @classmethod
    def between(cls, sha256: str, old: Sequence[str], new: Sequence[str]) -> Alignment:
        """Align the fingerprints `old` (of version `sha256`) with `new`."""
        matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
        equal: dict[int, int] = {}
        replaced: dict[int, tuple[int, ...]] = {}
        inserted: set[int] = set()
        run: dict[int, int] = {}
        stretch: dict[int, tuple[int, int, int, int]] = {}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                equal.update({i1 + k: j1 + k for k in range(i2 - i1)})
                run.update(dict.fromkeys(range(i1, i2), i2 - i1))
            elif tag == "replace":
                block = tuple(range(j1, j2))
                replaced.update({i: block for i in range(i1, i2)})
                stretch.update(dict.fromkeys(range(i1, i2), (i1, i2, j1, j2)))
            elif tag == "insert":
                inserted.update(range(j1, j2))
        return cls(sha256=sha256, equal=equal, replaced=replaced,
                   claimed=frozenset(equal.values()), inserted=frozenset(inserted), run=run,
                   unchanged=list(old) == list(new), stretch=stretch,
                   _inserted_order=tuple(sorted(inserted)))

    def candidates(self, old: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Where old utterance `old` may now be, when it is not `equal` to one: first the
        new utterances of its edited stretch, then talk inserted where there was none
        (moved or restored talk). Never an utterance that is another old utterance's
        counterpart, nor one of another's edited stretch."""
        return self.replaced.get(old, ()), self._inserted_order

    def near(self, old: int, width: int) -> tuple[int, ...]:
        """The new utterances of old utterance `old`'s edited stretch within `width` of
        where it would fall if the stretch were rewritten evenly (a long stretch — every
        line of a file edited — is not searched whole for each anchor)."""
        if old not in self.stretch:
            return ()
        i1, i2, j1, j2 = self.stretch[old]
        guess = j1 + (old - i1) * (j2 - j1) // max(i2 - i1, 1)
        return tuple(range(max(j1, guess - width), min(j2, guess + width + 1)))

    def lone(self, old: int) -> bool:
        """Whether old utterance `old` is equal to a new one only as a run of one."""
        return self.run.get(old, 0) == 1

    def belongs(self, old: int, new: int) -> bool | None:
        """Whether new utterance `new` stands for old utterance `old`: True when it is its
        counterpart or in its edited stretch, False when it is another old utterance's
        counterpart, None when the alignment cannot say (inserted talk)."""
        if self.equal.get(old) == new or new in self.replaced.get(old, ()):
            return True
        if new in self.claimed or new not in self.inserted:
            return False  # another's counterpart, or in another's edited stretch
        return None


__all__ = ["FINGERPRINT_DIGITS", "Alignment", "fingerprint"]
