"""Inflected forms without a trained model: hear/heard/hearing, follow/following/followed.

spaCy's blank English pipeline has no lemmatizer, and cakit must not download one. The
codebook's phrases are therefore expanded to their inflected forms when patterns are
compiled, and content words are reduced to a crude lemma for topical ties. Both are
deliberately simple (suffix rules plus an irregular table); they only need to be right for
the conversational vocabulary of the codebook.
"""

from __future__ import annotations

from functools import lru_cache

#: Irregular verbs (and a few nouns) that occur in the codebook's vocabulary.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "be": ("am", "is", "are", "was", "were", "been", "being"),
    "have": ("has", "had", "having"),
    "do": ("does", "did", "done", "doing"),
    "say": ("says", "said", "saying"),
    "hear": ("hears", "heard", "hearing"),
    "see": ("sees", "saw", "seen", "seeing"),
    "tell": ("tells", "told", "telling"),
    "think": ("thinks", "thought", "thinking"),
    "feel": ("feels", "felt", "feeling"),
    "know": ("knows", "knew", "known", "knowing"),
    "take": ("takes", "took", "taken", "taking"),
    "make": ("makes", "made", "making"),
    "get": ("gets", "got", "gotten", "getting"),
    "give": ("gives", "gave", "given", "giving"),
    "go": ("goes", "went", "gone", "going"),
    "come": ("comes", "came", "coming"),
    "put": ("puts", "putting"),
    "send": ("sends", "sent", "sending"),
    "speak": ("speaks", "spoke", "spoken", "speaking"),
    "steal": ("steals", "stole", "stolen", "stealing"),
    "read": ("reads", "reading"),
    "leave": ("leaves", "left", "leaving"),
    "keep": ("keeps", "kept", "keeping"),
    "sleep": ("sleeps", "slept", "sleeping"),
    "hide": ("hides", "hid", "hidden", "hiding"),
    "hurt": ("hurts", "hurting"),
    "catch": ("catches", "caught", "catching"),
    "bring": ("brings", "brought", "bringing"),
    "begin": ("begins", "began", "begun", "beginning"),
    "fight": ("fights", "fought", "fighting"),
    "choose": ("chooses", "chose", "chosen", "choosing"),
    "shake": ("shakes", "shook", "shaken", "shaking"),
    "stand": ("stands", "stood", "standing"),
    "write": ("writes", "wrote", "written", "writing"),
    "lie": ("lies", "lay", "lying"),
    "find": ("finds", "found", "finding"),
    "mean": ("means", "meant", "meaning"),
    "let": ("lets", "letting"),
    "set": ("sets", "setting"),
    "cut": ("cuts", "cutting"),
    "swear": ("swears", "swore", "sworn", "swearing"),
    "man": ("men",),
    "woman": ("women",),
    "person": ("people",),
    "child": ("children",),
    "wife": ("wives",),
    "life": ("lives",),
    "mouse": ("mice",),
    "tooth": ("teeth",),
    "foot": ("feet",),
}
_LEMMA_OF: dict[str, str] = {form: base for base, forms in _IRREGULAR.items() for form in forms}

#: Words never inflected (closed classes); phrases keep them exact.
CLOSED = frozenset(
    """i me my mine myself you your yours yourself he him his himself she her hers herself it its
    itself we us our ours they them their theirs themselves this that these those a an the
    and or but if so to of in on at by for from with about into over under through up down out
    off not no never there here what who whom whose which when where why how all any some
    every each other another one someone somebody something anyone anybody anything everyone
    everybody everything nobody nothing am is are was were be been being can could will would
    shall should may might must 's 're 've 'm 'd 'll n't""".split()
)

_VOWELS = set("aeiou")


def _double_final(word: str) -> bool:
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS | {"w", "x", "y"}
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
        and len(word) <= 4
    )


@lru_cache(maxsize=20000)
def lemma(word: str) -> str:
    """A crude lemma of a lower-case word (for ties and inflection); never empty."""
    if word in _LEMMA_OF:
        return _LEMMA_OF[word]
    if word in _IRREGULAR or word in CLOSED or len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("ied", "y")):
        if word.endswith(suffix) and len(word) > 4:
            return word[: -len(suffix)] + replacement
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            return stem[:-1]
        if stem.endswith(("at", "iv", "us", "ag", "ok", "ak", "ar", "ur", "ov", "id", "ir")) and (
            not stem.endswith(("eat", "oat"))
        ):
            return stem + "e"
        return stem
    if word.endswith("ed") and len(word) > 4:
        stem = word[:-2]
        if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            return stem[:-1]
        if word.endswith(("ated", "ived", "used", "aged", "oked", "ared", "ured", "oved", "ided")):
            return word[:-1]
        return stem
    if word.endswith("es") and word[:-2].endswith(("sh", "ch", "ss", "x", "z")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=20000)
def inflections(word: str) -> tuple[str, ...]:
    """The word and its inflected forms (lower case), for pattern compilation."""
    word = word.lower()
    if word in CLOSED or not word.isalpha():
        return (word,)
    base = lemma(word)
    forms = {word, base}
    if base in _IRREGULAR:
        forms.update(_IRREGULAR[base])
        if base in ("man", "woman", "person", "child", "wife", "life", "mouse", "tooth", "foot"):
            return tuple(sorted(forms))
    if base.endswith("y") and len(base) > 2 and base[-2] not in _VOWELS:
        forms.update({base[:-1] + "ies", base[:-1] + "ied", base + "ing"})
    elif base.endswith("e") and not base.endswith("ee"):
        forms.update({base + "s", base + "d", base[:-1] + "ing"})
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms.update({base + "es", base + "ed", base + "ing"})
    else:
        forms.update({base + "s", base + "ed", base + "ing"})
        if _double_final(base):
            forms.update({base + base[-1] + "ed", base + base[-1] + "ing"})
    return tuple(sorted(forms))


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """A normalised key for comparing content words (ties, repeats): both sides of a
    comparison go through the same rules, so "controlling" and "control", "believe" and
    "believing" share a key even where `lemma` is imperfect."""
    base = lemma(word.lower())
    if len(base) > 4 and base.endswith("e"):
        base = base[:-1]
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in _VOWELS:
        base = base[:-1]
    return base
