"""Aligning two versions of a transcript utterance by utterance (`cakit.store.alignment`)."""

from __future__ import annotations

from cakit.store.alignment import Alignment, fingerprint


def _prints(*utterances: str) -> list[str]:
    return [fingerprint(u.split()) for u in utterances]


def test_alignment_tells_a_deleted_utterance_from_a_like_one_that_remains() -> None:
    old = _prints("are you hearing voices", "no", "okay good", "and the tablets",
                  "are you hearing voices", "no", "good")
    new = _prints("and the tablets", "are you hearing voices", "no", "good")
    deleted = _prints("are you hearing voices", "no", "okay good")
    assert fingerprint(["no"]) == deleted[1] and len(set(old)) == 5  # "no" twice, alike
    alignment = Alignment.between("v1", old, new)
    assert alignment.equal == {3: 0, 4: 1, 5: 2, 6: 3}
    assert 1 not in alignment.equal and not alignment.replaced  # the first "no" is gone
    assert alignment.belongs(1, 2) is False  # the remaining "no" is another's counterpart
    assert alignment.belongs(5, 2) is True


def test_alignment_edited_and_inserted_talk() -> None:
    old = _prints("hello", "how are you", "fine", "bye")
    new = _prints("hello", "how are you today", "fine thanks", "one more thing", "bye")
    alignment = Alignment.between("v1", old, new)
    assert alignment.equal == {0: 0, 3: 4}
    # the edited stretch: its old utterances may be any of its new ones
    assert alignment.replaced == {1: (1, 2, 3), 2: (1, 2, 3)}
    assert alignment.candidates(1) == ((1, 2, 3), ())
    assert alignment.belongs(2, 3) is True and alignment.belongs(2, 4) is False
    inserted = Alignment.between("v1", _prints("a", "b"), _prints("a", "new", "b"))
    assert inserted.candidates(-1) == ((), (1,))  # only new talk is no one's counterpart
    assert inserted.belongs(0, 1) is None
