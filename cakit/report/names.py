"""Which words may be a person's name: a gazetteer, and the English words it must not trust.

Transcripts in the CA convention are written in lower case, so a capital letter cannot be
relied on to find names ("priya said", "gareth's mum"). The gazetteer holds first names
and surnames from the person-name data that the Faker package ships (MIT licence) for the
locales that cover the UK's population: British, Irish (English and Irish spellings),
Indian and Pakistani, Nigerian (English, Yoruba, Igbo, Hausa), Ghanaian, Kenyan, South
African, Polish, American and New Zealand names — about 12,000 names. To these the team's
own list of given names common in the UK's communities is added (`TEAM_GIVEN_NAMES`:
Scottish and Welsh to Somali, Punjabi, Polish, Cantonese and Roma, about 2,250 names,
1,700 of them not in Faker). Both are read from the installed package, never fetched.

A gazetteer word that is also an English dictionary word (GCIDE, from the english-words
package, MIT) is never replaced on its own: a first name that is a rarer word ("john",
"mary") is *flagged* for review; an everyday word ("will", "rose", "good", "day") is left
alone (`english_words`: Faker's common English words, cakit's function words and the
name-like words of everyday talk below).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Faker person-name locales whose names are read (see the module docstring).
LOCALES = ("en_GB", "en_IE", "ga_IE", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG",
           "tw_GH", "en_KE", "zu_ZA", "pl_PL", "en_US", "en_NZ")
_NAME_LISTS = ("first_names", "first_names_male", "first_names_female", "last_names",
               "last_names_male", "last_names_female", "male_last_names", "unisex_last_names")
#: The team's list of given names common in the UK (see the file's header): one lower-case
#: name a line under `# community` lines; names that are English words are left out of it.
TEAM_GIVEN_NAMES = Path(__file__).resolve().parent.parent / "data" / "names" / "given_names_uk.txt"
TEAM_SURNAMES = Path(__file__).resolve().parent.parent / "data" / "names" / "surnames_uk.txt"

#: Everyday words that are also names, written by the team: a name-like word alone in
#: lower case is never enough to replace it.
NAME_LIKE_WORDS = frozenset("""
will bill mark rose may june april august grace hope joy faith summer autumn dawn sky holly
ivy lily daisy pearl ruby amber crystal jade penny sandy rusty frank miles bob pat sue art
gene guy jack nick rob ray drew chase dean grant hunter lance read reed ward lane park wood
hill hall bell cook baker miller smith white brown green black grey gray young king long
price hart rich best moody hardy hunt cross field stone fox house street north south east
west major rock glen dale victor august sterling ash bay brook cliff gale heath marsh moss
sage storm wade wells winter spring day night page walker fisher parker porter turner
carter mason shepherd butler taylor booth bishop dean knight noble golden sweet love lovely
bond banks burns rivers waters lee kay dee may sunny rain star honey angel faith patience
constance prudence christian earl duke prince princess queen rex sonny buddy chip coco
""".split())


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), lower case, letters only, 3+ letters: Faker's names of
    `LOCALES` and the team's given names."""
    found: dict[bool, set[str]] = {True: set(), False: set()}
    for locale in LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        provider = module.Provider
        for attribute in _NAME_LISTS:
            values = getattr(provider, attribute, None) or ()
            for name in values:
                for part in str(name).replace("-", " ").split():
                    word = part.strip(".'’").casefold()
                    if len(word) >= 3 and word.isalpha():
                        found[attribute.startswith("first")].add(word)
    found[True].update(team_given_names())
    found[False].update(team_surnames())
    return frozenset(found[True]), frozenset(found[False])


def _team_list(path: Path) -> frozenset[str]:
    """One of the team's name lists: lower case, letters only, 3+ letters; `#` lines are
    comments; empty when the file is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    names = (line.strip().casefold() for line in text.splitlines())
    return frozenset(name for name in names
                     if name and not name.startswith("#") and len(name) >= 3 and name.isalpha())


@lru_cache(maxsize=1)
def team_given_names() -> frozenset[str]:
    """The team's given names common in the UK's communities (`TEAM_GIVEN_NAMES`)."""
    return _team_list(TEAM_GIVEN_NAMES)


@lru_cache(maxsize=1)
def team_surnames() -> frozenset[str]:
    """The team's surnames common in the UK's communities (`TEAM_SURNAMES`)."""
    return _team_list(TEAM_SURNAMES)


def is_word(word: str) -> bool:
    """An English word, also inflected ("looked", "borders", "crying"): the dictionary
    lists only base forms."""
    key = word.casefold().strip(".'’!")
    ordinary = ordinary_words()
    if key in ordinary:
        return True
    for ending, replacement in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                                ("ing", "e"), ("ies", "y"), ("ied", "y")):
        if key.endswith(ending) and len(key) > len(ending) + 2:
            stem = key[: -len(ending)] + replacement
            if ending == "es" and not stem.endswith(("s", "x", "z", "ch", "sh", "o")):
                continue  # "leeds" is not "lee" + es
            if ending == "s" and len(stem) < 5:
                continue  # nor "leed" + s: short stems are too often rare dictionary words
            if stem in ordinary or (len(stem) > 3 and stem[-1] == stem[-2]
                                    and stem[:-1] in ordinary):
                return True
    return False


TEAM_PLACES = Path(__file__).resolve().parent.parent / "data" / "names" / "places_uk.txt"
#: Nations and states: too large to identify anyone ("she's gone back to Wales").
_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland", "ireland", "britain",
                      "great britain", "united kingdom", "uk", "europe"})


@dataclass(frozen=True)
class PlaceGazetteer:
    """The team's UK place names (`TEAM_PLACES`), lower case, as word tuples: `named` are
    places in any case ("pudsey", "bethnal green"); `worded` are made only of English words
    ("reading", "small heath", "mile end"), trusted only when written with capitals."""

    named: frozenset[tuple[str, ...]]
    worded: frozenset[tuple[str, ...]]
    longest: int

    def match(self, words: Sequence[str]) -> tuple[int, bool] | None:
        """The longest place at the start of `words` (lower case): (length, named)."""
        for size in range(min(self.longest, len(words)), 0, -1):
            key = tuple(words[:size])
            if key in self.named:
                return size, True
            if key in self.worded:
                return size, False
        return None


@lru_cache(maxsize=1)
def place_gazetteer() -> PlaceGazetteer:
    """The place gazetteer; empty when the file is missing."""
    try:
        text = TEAM_PLACES.read_text(encoding="utf-8")
    except FileNotFoundError:
        return PlaceGazetteer(frozenset(), frozenset(), 0)
    named: set[tuple[str, ...]] = set()
    worded: set[tuple[str, ...]] = set()
    for line in text.splitlines():
        place = line.strip().casefold().replace("’", "'").rstrip("!")
        if not place or place.startswith("#") or place in _NATIONS:
            continue
        words = tuple(place.replace("-", " - ").split())
        content = [w for w in words if w not in ("-", "on", "upon", "the", "in", "le", "by")]
        if all(is_word(w) for w in content):
            worded.add(words)
        else:
            named.add(words)
    longest = max((len(w) for w in named | worded), default=0)
    return PlaceGazetteer(frozenset(named), frozenset(worded), longest)


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The words of an English dictionary (GCIDE, as the english-words package ships it),
    lower case: a name that is also a dictionary word ("good", "day", "ring") is not
    trusted on its own."""
    try:
        from english_words import get_english_words_set
    except ImportError:
        return frozenset()
    return frozenset(get_english_words_set(["gcide"], lower=True))


def name_word(word: str) -> str | None:
    """Whether a lower-case word is a name: "name" (in the gazetteer and no English word:
    "priya", "gareth", "kowalczyk"), "maybe" (a first name that is also a rarer English
    word: "john", "mary" — flag it), or None."""
    key = word.casefold().removesuffix("'s").removesuffix("’s")
    first, last = _gazetteer()
    words = dictionary()
    if key not in first and key not in last and key.endswith("s") and key not in words:
        key = key[:-1]  # a family by name: "the campbells"
    if key not in first and key not in last:
        return None
    if key not in words and not (key.endswith("s") and key[:-1] in words):
        return "name"
    if key in first and key not in english_words():
        return "maybe"
    return None


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """The dictionary and the everyday words together, built once: the union of two large
    sets costs milliseconds, and `is_word` runs for every word of the place gazetteer
    (built per call, it made `cakit excerpts corpora/demo` take 48 s)."""
    return dictionary() | english_words()


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Common English words and the name-like words of everyday talk: never taken for a
    name in lower case on their own."""
    return everyday_words() | NAME_LIKE_WORDS


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """The commonest English words: a capital letter on one ("It", "Well", "Perhaps") is
    sentence case or loudness in a CA transcript, never a name."""
    from cakit.annotate.inflect import CLOSED

    try:
        from faker.providers.lorem.en_US import Provider
        common = frozenset(str(word).casefold() for word in Provider.word_list)
    except ImportError:
        common = frozenset()
    return common | CLOSED | frozenset(
        "yeah yes okay ok oh ah er um erm mm hmm no hi hello bye right well sorry please "
        "thanks cheers mum dad nan gran god doctor nurse said made mad got went told asked "
        "came gone done hiya hiyah aye ta inshallah mashallah alhamdulillah honestly anyway "
        "lovely typical chinese indian pakistani bangladeshi nigerian ghanaian jamaican "
        "african caribbean asian arabic urdu punjabi bengali somali polish".split()) | _PEOPLES


#: Nationalities, peoples and languages: adjectives of everyday talk, never a person.
_PEOPLES = frozenset("""
vietnamese tamil kurdish turkish greek cypriot romanian lithuanian latvian estonian
portuguese italian spanish french german dutch belgian swiss austrian filipino filipina
sinhalese sinhala lankan eritrean ethiopian sudanese afghan iranian persian farsi pashto
dari hindi gujarati marathi telugu malayalam kannada sindhi pashtun kashmiri yoruba igbo
hausa twi akan swahili amharic tigrinya cantonese mandarin hakka korean japanese thai
malay malaysian indonesian nepali nepalese russian ukrainian belarusian bulgarian
hungarian czech slovak slovakian slovenian croatian serbian bosnian albanian kosovan
macedonian syrian iraqi egyptian moroccan algerian tunisian libyan yemeni saudi emirati
lebanese palestinian jordanian israeli kenyan ugandan tanzanian zimbabwean zambian
malawian congolese cameroonian sierra leonean gambian senegalese jamaican barbadian
bajan trinidadian guyanese grenadian vincentian antiguan dominican cuban brazilian
colombian mexican american canadian australian scots geordie scouse brummie cockney
roma romani gypsy traveller travellers gaelic cornish manx
""".split())


#: Endings of drug names (olanzapine, risperidone, aripiprazole, sertraline, diazepam …).
_DRUG_ENDINGS = ("apine", "idone", "azole", "aline", "oxetine", "azepam", "azine", "pramine",
                 "ipride", "ixol", "olol", "statin", "mycin", "cillin", "ipine", "oxine")


@lru_cache(maxsize=4096)
def drug_word(word: str) -> bool:
    """A medicine's name, never a person's: the codebook's medication words or a drug
    ending."""
    key = word.casefold()
    return key.endswith(_DRUG_ENDINGS) or key in _medication_words()


@lru_cache(maxsize=1)
def _medication_words() -> frozenset[str]:
    from cakit.annotate import codebook_for
    from cakit.errors import CakitError

    try:
        categories = codebook_for(None).lexicon
    except CakitError:
        return frozenset()
    words: set[str] = set()
    for category in categories:
        if category.name == "medication":
            words.update(p.words[0] for p in category.patterns
                         if p.kind == "phrase" and len(p.words) == 1 and p.words[0].isalpha())
    return frozenset(words)
