"""De-identification: find names, places, dates and numbers; replace them with pseudonyms.

Transcripts are clinical data, so excerpts and the HTML report are de-identified by default,
before anything is written. What is found:

- **declared names**: participant names from the transcripts' headers (CHAT
  `@Participants`, Jefferson `Participants: Dr = Dr Okafor (psychiatrist), …`), pooled over
  the whole corpus so a name declared in one file is also caught in another;
- **a roster** (`--roster FILE`): a CSV with columns `text,kind` or one name per line;
- **patterns**: e-mail addresses, street addresses ("12 Elm Grove"), UK postcodes, NHS
  numbers (3-3-4 digits), phone numbers, dates ("14/03/2024", "12-MAR-2024", "14th of
  March", "second of July"), street and place names ("Brixton Road", "St Anne's"), and
  names after a title ("Dr Mahmoud", "Mrs Quinn");
- **a capitalised-word heuristic**: CA transcripts are written in lower case, so a
  capitalised word that is not on a stop-list (I, God, weekdays, months, …) is very
  likely a proper noun. It is *replaced* when that is confident (the transcript follows the
  lower-case convention, or the word sits mid-sentence) and only *flagged* for review
  otherwise; both are written to the audit log.

Pseudonyms are consistent across the corpus and stable between runs: each is derived from
the normalised original with HMAC-SHA256 under a secret key kept **outside** the outputs
(`$CAKIT_DEID_KEY_FILE`, else `$XDG_CONFIG_HOME/cakit/deid.key` or
`~/.config/cakit/deid.key`, created with mode 0600 on first use). Without the key nobody
can test a guessed name against a pseudonym. A pseudonym looks like `[Name-Kavemoti]`;
its case follows the original (`KEVIN` → `[NAME-KAVEMOTI]`), and it replaces only the
matched letters, so CA marks around a name (`°Kevin°`, `£Dr Okafor£`) survive. When a
replacement changes a line's length before an overlap bracket, the partner brackets on
nearby lines are padded so the overlap stays aligned.

Every replacement (and every flagged hit) is recorded in `audit` — file, line, column,
kind, detector, original → pseudonym — for an audit CSV written *beside* the output, never
inside it: it contains the originals.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cakit.errors import DiagnosticsError
from cakit.model import Diagnostic, SourceSpan, Transcript
from cakit.report.names import (
    drug_word,
    english_words,
    everyday_words,
    is_word,
    name_word,
    ordinary_words,
    place_gazetteer,
)

KEY_ENV = "CAKIT_DEID_KEY_FILE"
KINDS = ("name", "place", "address", "date", "phone", "nhs", "postcode", "email", "id")
_LABELS = {"name": "Name", "place": "Place", "address": "Address", "date": "Date",
           "phone": "Phone", "nhs": "NHS", "postcode": "Postcode", "email": "Email", "id": "ID"}
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
BRACKETS = "[]⌈⌉⌊⌋"
AUDIT_COLUMNS = ("file", "consultation", "line", "col", "kind", "detector", "action",
                 "original", "pseudonym")

_TITLE = r"(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister|Father|Rev)"
_TITLE_WORDS = frozenset(_TITLE[3:-1].casefold().split("|"))
#: Letters of names as written in the UK's communities (Ionuț, Łukasz, Seán).
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zß-öø-ÿā-žș-ț"
_CAP = rf"(?:[A-Z]['’])?[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?"
_STREET = (r"(?:Road|Rd|Street|Lane|Grove|Avenue|Ave|Close|Drive|Crescent|Gardens|Terrace|"
           r"Court|Mews|Row|Walk|Square|Rise|Parade|Place|Way|Hill|Park|View)")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_ORDINAL_WORDS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
                  "twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
                  "nineteenth|twentieth|thirtieth|twenty[- ](?:first|second|third|fourth|fifth|"
                  "sixth|seventh|eighth|ninth)|thirty[- ]first")
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORDS})"
_NUMBER_WORDS = ("(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                 "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)")
#: A year said aloud: "twenty twenty two", "nineteen eighty seven", "two thousand and nine".
_SPOKEN_YEAR = ("(?:(?:nineteen|twenty)[- ](?:twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                "ninety|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                "nineteen|oh[- ][a-z]+)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
                "|two thousand(?: and)? [a-z]+)")

_DIGIT_WORD = (r"(?:oh|zero|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|"
               r"hundred)")
#: A phone or NHS number read out: "oh seven seven double oh, nine double oh, three five two".
_SPOKEN_DIGITS = re.compile(rf"\b{_DIGIT_WORD}(?:[\s,-]+{_DIGIT_WORD}){{6,}}\b", re.IGNORECASE)
_HOUSE_NUMBER = (r"(?:\d{1,4}[a-z]?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                 r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|"
                 r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen)")

#: (kind, detector, compiled pattern, group holding the span or 0), in priority order.
PATTERNS: tuple[tuple[str, str, re.Pattern[str], int], ...] = (
    ("email", "pattern", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), 0),
    ("address", "pattern", re.compile(
        rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_CAP}\s+){{1,3}}{_STREET}\b"), 0),
    ("postcode", "pattern", re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"), 0),
    ("nhs", "pattern", re.compile(r"(?<![\d+])[1-9]\d{2}[ -]\d{3}[ -]\d{4}(?![\d])"), 0),
    ("phone", "pattern", re.compile(
        r"(?<![\d])(?:\+44\s?\(?0?\)?\s?\d{2,4}|\(?0\d{2,4}\)?)[\s-]?\d{3,4}[\s-]?\d{3,4}"
        r"(?![\d])"), 0),
    ("nhs", "pattern", re.compile(r"(?<![\d])[1-9]\d{9}(?![\d])"), 0),
    # a hospital or record number: a few letters and six or more digits (RX1234567,
    # MRN 00123456 is caught by the digits alone only when they make an NHS number)
    ("id", "pattern", re.compile(r"\b[A-Za-z]{1,4}[ -]?\d{6,12}\b"), 0),
    ("date", "pattern", re.compile(
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b"), 0),
    ("date", "pattern", re.compile(
        rf"\b\d{{1,2}}-(?:{_MONTHS})-\d{{2,4}}\b", re.IGNORECASE), 0),
    ("date", "pattern", re.compile(
        rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?(?:{_MONTHS})\b"
        rf"(?:,?\s+(?:\d{{4}}|{_SPOKEN_YEAR}\b))?", re.IGNORECASE), 0),
    ("date", "pattern", re.compile(
        rf"\b(?:{_MONTHS})\s+(?:the\s+)?{_DAY}\b(?:,?\s+(?:\d{{4}}|{_SPOKEN_YEAR}\b))?"), 0),
    ("address", "pattern", re.compile(rf"\b(?:{_CAP}\s+){{1,2}}{_STREET}\b"), 0),
    ("place", "pattern", re.compile(r"\bSt\.?\s+[A-Z][a-z]+(?:['’]s)?"), 0),
    # the same, as CA transcripts write them: lower case, postcodes without the space,
    # flats before house numbers, e-mail addresses read out
    ("email", "spoken", re.compile(
        r"\b[a-z][\w.]*(?:\s+dot\s+[a-z]\w*)*\s+at\s+[a-z][\w-]*(?:\s+dot\s+[a-z][\w-]*)*"
        r"\s+dot\s+(?:com|org|net|co|uk|ac|nhs|gov|edu|info|io|ie|me|biz)"
        r"(?:\s+dot\s+(?:uk|com|org|net))?\b", re.IGNORECASE), 0),
    ("address", "lower case", re.compile(
        rf"\b(?:flat\s+\d+[a-z]?,?\s+)?{_HOUSE_NUMBER},?\s+(?:[a-z]+,?\s+){{1,3}}"
        rf"{_STREET.lower()}\b", re.IGNORECASE), 0),
    ("postcode", "lower case", re.compile(
        r"\b[a-pr-uwyz][a-hk-y]?\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2}\b", re.IGNORECASE), 0),
    ("place", "ward", re.compile(rf"\bward\s+(?:\d{{1,3}}[a-z]?|{_NUMBER_WORDS})\b",
                                 re.IGNORECASE), 0),
    ("date", "pattern", re.compile(
        rf"\b(?:{_MONTHS})\s+(?:(?:19|20)\d{{2}}|{_SPOKEN_YEAR})\b", re.IGNORECASE), 0),
)
#: Words that name a health-care place; the words before them name which one.
_INSTITUTION = re.compile(
    r"\b(?:hospital|infirmary|clinic|hospice|surgery|medical\s+centre|health\s+centre|"
    r"unit|ward|school|college|academy|university)\b", re.IGNORECASE)
#: Words an institution's name is often made of, besides the place name itself.
_INSTITUTION_WORDS = frozenset(
    "general royal district memorial university county city community teaching "
    "psychiatric mental health children's women's st saint high primary secondary grammar "
    "junior infant infants sixth form comprehensive".split())
_WORD_BEFORE = re.compile(r"([A-Za-zÀ-ÿ'’]+)\s+$")
_UPPER_WORD = re.compile(rf"(?<![\w'’@-])[{_UP}]{{3,}}(?![\w])")
_LOWER_WORD = re.compile(rf"(?<![\w'’@-])[{_LOW}][{_LOW}'’]{{2,}}(?![\w])")
#: Laughter and breath particles (CA): heh, hah, HhHah, hhh — never names.
_LAUGHTER = re.compile(r"(?i)^(?:h+(?:a+|e+|i+|o+|u+)?)+h*$")
#: A word with CA marks inside it: laughter or breath "cr(h)ying", stretching "ja::mes",
#: pitch "re↑ally", quiet or stressed stretches "so°rry°" — one word, never its pieces.
_IN_WORD_MARK = r"(?:\([^()\s]{1,3}\)|[:↑↓°_]+)"
_GLUED = re.compile(rf"(?<![\w'’@-])[A-Za-zÀ-ÿ'’]+(?:{_IN_WORD_MARK}[A-Za-zÀ-ÿ'’]*)*"
                    rf"{_IN_WORD_MARK}[A-Za-zÀ-ÿ'’]+(?![\w])")
_MARK_CHARS = re.compile(_IN_WORD_MARK)
#: Pauses and silences at the end of a text ("… night. (.) "), which do not end a sentence.
_TRAILING_PAUSES = re.compile(r"(?:\s*\((?:\.|\d*\.?\d+)\))+\s*$")
_TITLE_NAME = re.compile(rf"\b{_TITLE}\.?\s+({_CAP})(?:\s+({_CAP}))?")
#: A title and a name as CA transcripts write them: "mr kandiah", "dr kerr".
_TITLE_NAME_LOWER = re.compile(
    rf"\b(?:dr|doctor|mr|mrs|ms|miss|mx|prof|professor|nurse)\.?\s+([{_LOW}][{_LOW}'’-]+)"
    rf"(?:\s+([{_LOW}][{_LOW}'’-]+))?", re.IGNORECASE)
#: The same, said loudly: "DR ROBERTS".
_TITLE_NAME_UPPER = re.compile(
    r"\b(?:DR|DOCTOR|MR|MRS|MS|MISS|MX|PROF|PROFESSOR|NURSE)\.?\s+([A-Z]{2,}(?:-[A-Z]{2,})?)"
    r"(?:\s+([A-Z]{2,}(?:-[A-Z]{2,})?))?\b")
_CAPITALISED = re.compile(rf"(?<![\w'’@-]){_CAP}(?![\w])")
_PLACE_BEFORE = re.compile(
    r"(?:\bin|\bfrom|\bnear|\bround|\baround|\binto|\boutside|\bpast|\btowards|\bvia|"
    r"\bdown|\bof)\s+$", re.IGNORECASE)

#: Capitalised words that are not identifying (never replaced, never flagged).
STOP_WORDS = frozenset("""
I I'm I'll I've I'd OK Okay Oh Ooh Ah Eh Er Um Uh Mm Hm Yeah Yes No Hi Hello Bye
Mum Mam Mummy Dad Daddy Nan Nana Nanna Gran Granny Grandad Grandma Grandpa Auntie Uncle
God Christ Jesus Lord Allah Bible Quran Koran Heaven Devil Satan Buddha
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March July September October November December
Christmas Easter Diwali Eid Ramadan Hanukkah Halloween
English British Irish Scottish Welsh Polish Catholic Christian Muslim Jewish Hindu Sikh
NHS GP TV DVD CPN Dr Mr Mrs Ms Miss Mx Doctor Sir Madam Nurse Sister Doc
Facebook Instagram WhatsApp YouTube Google Internet Xbox PlayStation Netflix
England Scotland Wales Ireland Britain UK Europe Africa Asia America Australia Canada India
Pakistan Bangladesh Nigeria Ghana Somalia Kenya Uganda Eritrea Ethiopia Sudan Zimbabwe
Jamaica Trinidad Barbados Poland Romania Lithuania Latvia Bulgaria Portugal Spain France
Italy Germany Greece Cyprus Turkey Kurdistan Iran Iraq Syria Afghanistan Nepal China
Vietnam Philippines Malaysia
""".split())
#: Capitalised words that may be a month or a name: flagged, never replaced.
AMBIGUOUS = frozenset({"May", "June", "April", "August", "Will", "Bill", "Mark"})


@dataclass(frozen=True, slots=True)
class Term:
    """A known identifying string (declared name token, roster entry) and its kind."""

    text: str
    kind: str = "name"
    source: str = "header"


@dataclass(frozen=True, slots=True)
class Hit:
    """A span found in a text; `confident` hits are replaced, the others only flagged."""

    start: int
    end: int
    kind: str
    detector: str
    confident: bool = True


#: The rest of a hyphenated name after the part found: "okafor-smith", "mary-anne".
_HYPHENATED = re.compile(r"-[^\W\d_]{2,}(?![\w'’])")


def _with_hyphenated_part(text: str, hit: Hit) -> Hit:
    """A name hit taken over the hyphenated part that follows it: found as a name, the
    first half of "jamal okafor-smith" left "-smith" in clear."""
    if hit.kind != "name":
        return hit
    more = _HYPHENATED.match(text, hit.end)
    return replace(hit, end=more.end()) if more else hit


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One replacement or flagged hit, for the audit log (contains the original!)."""

    file: str
    consultation: str
    line: int
    col: int
    kind: str
    detector: str
    action: str
    original: str
    pseudonym: str


# -- the key ---------------------------------------------------------------------------------

def key_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the pseudonym key lives (see the module docstring for the order)."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return Path(env[KEY_ENV]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base).expanduser() / "cakit" / "deid.key"


def load_key(path: Path | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """Read the secret key, creating it (32 random bytes, mode 0600) on first use.

    Raises:
        OSError: the key file cannot be read or created.
    """
    target = path or key_path(environ)
    try:
        text = target.read_text(encoding="ascii").strip()
        if text:
            return bytes.fromhex(text)
    except FileNotFoundError:
        pass
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile
        return bytes.fromhex(target.read_text(encoding="ascii").strip())
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(secret + "\n")
    return bytes.fromhex(secret)


# -- terms from headers and rosters -------------------------------------------------------------

def header_terms(transcripts: Iterable[Transcript]) -> list[Term]:
    """Name tokens declared in the transcripts' participant headers."""
    from cakit.profile import participant_names
    from cakit.report.inputs import name_tokens

    terms: dict[str, Term] = {}
    for transcript in transcripts:
        for name in participant_names(transcript).values():
            for token in name_tokens(name):
                terms.setdefault(token.casefold(), Term(token, "name", "header"))
    return list(terms.values())


def label_terms(transcripts: Iterable[Transcript]) -> list[Term]:
    """Names used as speaker labels ("Ruairí:", "ELENI:", "hodan:", "dr kerr:"): the words
    of a Jefferson label that are neither a title, a role word cakit knows ("P", "Dr",
    "Mum", "Int") nor an everyday word. CHAT speaker codes (PAT, MOT) are codes; CHAT
    names come from the @Participants header."""
    from cakit.formats.jefferson.roles import resolve_role

    ordinary = everyday_words()
    terms: dict[str, Term] = {}
    for transcript in transcripts:
        if transcript.format == "chat":
            continue
        for participant in transcript.participants:
            for word in re.findall(rf"[{_UP}{_LOW}][{_UP}{_LOW}'’-]+", participant.code):
                key = word.casefold()
                if (resolve_role(word).how != "unknown" or _stop_word(word.capitalize())
                        or key in ordinary or key in _TITLE_WORDS):
                    continue
                terms.setdefault(key, Term(word, "name", "speaker label"))
    return list(terms.values())


class RosterError(DiagnosticsError):
    """A roster file (`--roster`) has rows that cannot be used; each is named at its line."""


_ROSTER_HINT = ("write the roster as CSV with commas: a header `text,kind`, then one name per "
                "row (kind: " + ", ".join(KINDS) + "); or one name per line, with no header")


def read_roster(path: Path) -> list[Term]:
    """A roster file: CSV with a `text` column (and optional `kind`), or one name per line.

    A row cakit cannot use is an error, never skipped: a name left out of the roster would
    stay in clear in every shared output.

    Raises:
        OSError: the file cannot be read.
        RosterError: rows that cannot be used (CK405, each at its line): a broken quote,
            more cells than the header (a semicolon- or tab-separated file), an empty name,
            an unknown kind, or a semicolon or tab inside a name.
    """
    text = path.read_text(encoding="utf-8-sig")
    rows = [(number, line) for number, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.startswith("#")]
    problems: list[Diagnostic] = []

    def problem(number: int, line: str, message: str) -> None:
        problems.append(Diagnostic("CK405", "error", message, SourceSpan(str(path), number, 1),
                                   _ROSTER_HINT, line))

    def cells(number: int, line: str) -> list[str] | None:
        try:
            return [cell.strip() for cell in next(csv.reader([line], strict=True))]
        except csv.Error as exc:
            problem(number, line, f"not a CSV row: {exc}")
            return None

    terms: list[Term] = []
    header = [cell.lower() for cell in cells(*rows[0]) or []] if rows else []
    if "text" in header:
        text_at = header.index("text")
        kind_at = header.index("kind") if "kind" in header else None
        for number, line in rows[1:]:
            row = cells(number, line)
            if row is None:
                continue
            if len(row) > len(header):
                problem(number, line, f"{len(row)} cells under a header of {len(header)}")
                continue
            value = row[text_at] if text_at < len(row) else ""
            kind = (row[kind_at] if kind_at is not None and kind_at < len(row) else "").lower()
            if not value:
                problem(number, line, "no name in the text column")
            elif ";" in value or "\t" in value:
                problem(number, line, f"{value!r} holds a semicolon or a tab: is the file "
                        "separated by semicolons?")
            elif kind and kind not in KINDS:
                problem(number, line, f"unknown kind {kind!r}")
            else:
                terms.append(Term(value, kind or "name", "roster"))
    else:
        for number, line in rows:
            name = line.strip()
            if ";" in name or "\t" in name:
                problem(number, line, f"{name!r} holds a semicolon or a tab: a roster without "
                        "a `text,kind` header has one name per line")
            else:
                terms.append(Term(name, "name", "roster"))
    if problems:
        raise RosterError(f"{path}: roster rows that cannot be used", problems)
    return terms


def lowercase_convention(transcript: Transcript) -> bool:
    """True when most utterances start in lower case (the CA convention)."""
    starts = 0
    lower = 0
    for utterance in transcript.utterances:
        for token in utterance.tokens:
            letters = [c for c in token.text if c.isalpha()]
            if letters:
                starts += 1
                lower += letters[0].islower() or token.text.isupper()
                break
    return starts == 0 or lower >= 0.6 * starts


def capitalised_words(transcripts: Iterable[Transcript], *, mid_sentence: bool = False
                      ) -> frozenset[str]:
    """Capitalised words (not on the stop-list) spoken anywhere in the corpus, normalised;
    with `mid_sentence`, only those written with a capital inside a sentence somewhere
    ("nice to meet you Joseph"), where the capital marks a name.

    Used to de-identify consultation ids, which are often file names holding a surname
    ("01-brennan-…") that the talk mentions as "Mrs Brennan"; and to replace a name that
    is also a word where it opens a sentence ("Joseph." after "that's me").
    """
    words: set[str] = set()
    for transcript in transcripts:
        for utterance in transcript.utterances:
            text = utterance.content
            for match in _CAPITALISED.finditer(text):
                if _stop_word(match.group(0)) or match.group(0) in AMBIGUOUS:
                    continue
                if mid_sentence and not _inside_sentence(text[:match.start()]):
                    continue
                words.add(person_key(match.group(0)))
    return frozenset(words)


def _inside_sentence(before: str) -> bool:
    """Whether a word after `before` is inside a sentence (not after . ? ! : or a quote)."""
    before = _TRAILING_PAUSES.sub("", before).rstrip()
    return bool(before) and before[-1] not in ".?!:;\"“" and any(c.isalpha() for c in before)


def place_words(transcripts: Iterable[Transcript]) -> frozenset[str]:
    """Capitalised words used more often after a place preposition ("in Catford") than
    elsewhere in the corpus. Deciding per corpus, not per line, keeps a word's pseudonym
    label the same in every excerpt."""
    place: dict[str, int] = {}
    other: dict[str, int] = {}
    for transcript in transcripts:
        for utterance in transcript.utterances:
            text = utterance.content
            for match in _CAPITALISED.finditer(text):
                word = person_key(match.group(0))
                bucket = place if _PLACE_BEFORE.search(text[:match.start()]) else other
                bucket[word] = bucket.get(word, 0) + 1
    return frozenset(w for w, n in place.items() if n > other.get(w, 0))


# -- the de-identifier ----------------------------------------------------------------------------

def _institutions(text: str) -> list[tuple[int, int, bool]]:
    """Spans naming a hospital, clinic or ward ("leeds general infirmary", "Elmhurst
    ward"): the keyword with the words before it that name it (not an ordinary English
    word, or one of the usual parts of such names); nothing when no such word precedes.
    Ordinary words in lower case name one only after "the", "on" or "at" ("the oleander
    unit", "on globe ward"), and are then flagged, not replaced ("I stopped college")."""
    english = english_words()
    spans = []
    for match in _INSTITUTION.finditer(text):
        start = match.start()
        named = worded = False
        while True:
            before = _WORD_BEFORE.search(text, 0, start)
            if before is None:
                break
            written = before.group(1)
            word = written.casefold()
            if word in _INSTITUTION_WORDS:
                start = before.start(1)
            elif word in english or (written.islower() and ("'" in word or "’" in word)):
                break  # an English word, or a contraction ("how's college")
            elif written.islower() and is_word(word):
                if worded:
                    start = before.start(1)
                    continue
                after_article = _WORD_BEFORE.search(text, 0, before.start(1))
                if after_article is None or after_article.group(1).casefold() not in (
                        "the", "on", "at"):
                    break
                start = before.start(1)
                worded = True
            else:
                start = before.start(1)
                named = True
        if named or worded:
            spans.append((start, match.end(), named))
    return spans


_DIGIT_VALUES = {"double": 0, "triple": 0, "hundred": 2}


def spoken_digit_count(text: str) -> int:
    """How many digits a number read out holds ("double oh" is two, "nine hundred" three)."""
    count = 0
    for word in re.findall(r"[a-z]+", text.casefold()):
        extra = _DIGIT_VALUES.get(word)
        if extra is None:
            count += 1
        elif word in ("double", "triple"):
            count += 1 if word == "double" else 2  # the next digit counts once more
        else:
            count += extra
    return count


_TOKEN = re.compile(rf"[{_UP}{_LOW}]+(?:['’.][{_UP}{_LOW}]+)*|-")
#: Words before a place said in lower case ("from reading", "down in bath").
_AT_PLACE = frozenset({"in", "from", "near", "to", "at", "round", "around", "outside",
                       "towards", "via", "into"})


def _gazetteer_places(text: str, skip: int) -> list[tuple[int, int, bool]]:
    """Places of the team's gazetteer in `text[skip:]`, in any case: (start, end, confident).
    A place made only of English words ("reading", "mile end") is confident when written
    with capitals mid-sentence, flagged after a place preposition or in capitals, and left
    alone otherwise ("I was reading")."""
    gazetteer = place_gazetteer()
    tokens = list(_TOKEN.finditer(text, skip))
    words = [t.group(0).casefold().replace("’", "'") for t in tokens]
    found: list[tuple[int, int, bool]] = []
    index = 0
    while index < len(tokens):
        match = gazetteer.match(words[index:])
        if match is None or words[index] == "-":
            index += 1
            continue
        size, named = match
        start, end = tokens[index].start(), tokens[index + size - 1].end()
        written = text[start:end]
        if _stop_word(written.capitalize()) or written.capitalize() in AMBIGUOUS:
            pass  # a month or a day ("see you in March"), never the town
        elif named:
            found.append((start, end, True))
        elif written[:1].isupper():
            if written.isupper() or not _inside_sentence(text[skip:start]):
                found.append((start, end, False))
            else:
                found.append((start, end, True))
        elif index > 0 and words[index - 1] in _AT_PLACE:
            found.append((start, end, False))
        index += size
    return found


def _stop_word(word: str) -> bool:
    """On the stop-list, also as a plural or possessive ("Sundays", "God's")."""
    return word in STOP_WORDS or word.rstrip("s'’") in STOP_WORDS or (
        word.endswith("s") and word[:-1] in STOP_WORDS)


def person_key(text: str) -> str:
    """The form a pseudonym is keyed on, and the one test of whether two spellings name
    one person: case, spacing, apostrophes' shape and in-word CA marks ignored, so
    "Kasia", "KASIA" and "ka::sia" are one person."""
    plain = _MARK_CHARS.sub("", text) if _GLUED.search(text) else text
    return " ".join(plain.casefold().replace("’", "'").split()).strip(".,;:")


def _case_like(original: str, pseudonym: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return pseudonym.upper()
    if letters and all(c.islower() for c in letters):
        return pseudonym.lower()
    return pseudonym


@dataclass
class Deidentifier:
    """Finds identifying spans and replaces them with keyed, stable pseudonyms.

    Build one per run with `for_transcripts`, pass every text through `text` or `lines`,
    then write `audit` beside the output.
    """

    key: bytes
    terms: Sequence[Term] = ()
    lowercase: Mapping[str, bool] = field(default_factory=dict)
    places: frozenset[str] = frozenset()
    spoken_names: frozenset[str] = frozenset()
    #: capitalised words written inside a sentence somewhere in the corpus (names)
    named_mid_sentence: frozenset[str] = frozenset()
    audit: list[AuditEntry] = field(default_factory=list)
    _seen: set[tuple[object, ...]] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        ordered = sorted({person_key(t.text): t for t in self.terms if person_key(t.text)}.values(),
                         key=lambda t: -len(t.text))
        self._kinds = {person_key(t.text): t for t in ordered}
        self._names = {person_key(t.text) for t in ordered if t.kind == "name"}
        # capitalised words of the corpus that are no English word ("Headingley"): their
        # lower-case forms (quoted evidence, CA talk) are the same name; the word lists
        # load only when there are such words (a table report pseudonymises ids only)
        words = ordinary_words() if self.spoken_names else frozenset()
        self._spoken = frozenset(w for w in self.spoken_names
                                 if w.isalpha() and len(w) > 2 and w not in words
                                 and not drug_word(w))
        self._terms_re = re.compile(
            r"(?<![\w])(?:" + "|".join(re.escape(t.text) for t in ordered) + r")(?![\w])",
            re.IGNORECASE) if ordered else None

    @classmethod
    def for_transcripts(cls, transcripts: Sequence[Transcript], *, roster: Path | None = None,
                        key: bytes | None = None,
                        environ: Mapping[str, str] | None = None) -> Deidentifier:
        """A de-identifier for a corpus: declared names of all transcripts plus a roster."""
        terms = header_terms(transcripts) + label_terms(transcripts)
        if roster is not None:
            terms.extend(read_roster(roster))
        return cls(key=key if key is not None else load_key(environ=environ), terms=terms,
                   lowercase={t.id: lowercase_convention(t) for t in transcripts},
                   places=place_words(transcripts), spoken_names=capitalised_words(transcripts),
                   named_mid_sentence=capitalised_words(transcripts, mid_sentence=True))

    # -- pseudonyms --------------------------------------------------------------------------
    def pseudonym(self, original: str, kind: str) -> str:
        """`[Kind-Code]`, the code a keyed hash of the normalised original (case as given)."""
        # a clinician's pseudonym shares its code with the same name's in the talk
        namespace = "np" if kind in ("name", "place", "clinician") else kind
        digest = hmac.new(self.key, f"{namespace}:{person_key(original)}".encode(),
                          hashlib.sha256).digest()
        code = "".join(_CONSONANTS[digest[2 * i] % len(_CONSONANTS)]
                       + _VOWELS[digest[2 * i + 1] % len(_VOWELS)] for i in range(4))
        return f"[{_LABELS.get(kind, kind.title())}-{code.capitalize()}]"

    # -- finding --------------------------------------------------------------------------------
    def find(self, text: str, *, skip: int = 0, lowercase: bool = True,
             folded: bool = False) -> list[Hit]:
        """Non-overlapping hits in `text[skip:]`, earlier and longer first. The speaker
        label (`text[:skip]`) is searched only for declared names and names after a title
        (`Dr Jones:`), so that labels such as `PSY:` or `Mum:` stay as they are.

        `folded`: the text was lower-cased by cakit, not by the transcriber (the
        annotator's evidence), so a declared name in lower case is the name, not a word
        ("that sean", not "before dawn") and is replaced."""
        hits: list[tuple[int, int, int, Hit]] = []
        priority = 0

        def add(start: int, end: int, kind: str, detector: str, confident: bool = True,
                in_label: bool = False) -> None:
            if (start >= skip or in_label) and end > start:
                hits.append((start, -(end - start), priority, Hit(start, end, kind, detector,
                                                                  confident)))

        for kind, detector, pattern, group in PATTERNS:
            priority += 1
            for match in pattern.finditer(text):
                add(match.start(group), match.end(group), kind, detector)
        priority += 1
        for match in _SPOKEN_DIGITS.finditer(text):
            digits = spoken_digit_count(match.group(0))
            if digits >= 10:
                first = match.group(0).split()[0].casefold()
                add(match.start(), match.end(),
                    "phone" if first in ("oh", "zero", "nought") or digits != 10 else "nhs",
                    "spoken")
        priority += 1
        ordinary = ordinary_words()
        if self._terms_re is not None:
            for match in self._terms_re.finditer(text):
                term = self._kinds.get(person_key(match.group(0)))
                # a declared name that is also a word, written as a word ("before dawn")
                word = match.group(0)
                as_word = not folded and word.islower() and person_key(word) in ordinary
                add(match.start(), match.end(), term.kind if term else "name",
                    term.source if term else "roster", confident=not as_word, in_label=True)
        priority += 1
        for pattern in (_TITLE_NAME, _TITLE_NAME_UPPER):
            for match in pattern.finditer(text):
                for group in (1, 2):
                    if match.group(group) and match.group(group) not in STOP_WORDS:
                        add(match.start(group), match.end(group), "name", "title",
                            in_label=True)
        for match in _TITLE_NAME_LOWER.finditer(text):
            for group in (1, 2):
                word = match.group(group)
                if not word or _stop_word(word.capitalize()):
                    break
                verdict = name_word(word)
                if verdict == "name" or (group == 1 and not is_word(word)):
                    add(match.start(group), match.end(group), "name", "title", in_label=True)
                elif verdict is not None:
                    add(match.start(group), match.end(group), "name", "title",
                        confident=False, in_label=True)
                else:
                    break  # "mr happy", "nurse said": a word, and the name ends there
        priority += 1
        for start, end, confident in _gazetteer_places(text, skip):
            add(start, end, "place", "place gazetteer", confident)
        priority += 1
        for start, end, confident in _institutions(text):
            add(start, end, "place", "institution", confident)
        priority += 1
        everyday = everyday_words()
        for match in _CAPITALISED.finditer(text):
            word = match.group(0)
            if _stop_word(word) or _LAUGHTER.match(word):
                continue
            key = person_key(word)
            if match.start() < skip:  # a speaker label: only a name the gazetteer knows
                if name_word(key) == "name":
                    add(match.start(), match.end(), "name", "gazetteer", in_label=True)
                continue
            if drug_word(key) or (key in everyday and word not in AMBIGUOUS
                                  and key not in self._names and key not in self.places):
                continue  # "It", "Well", "Yes" written in capitals for loudness
            kind = "place" if key in self.places else "name"
            mid_sentence = self._mid_sentence(text, match, skip)
            confident = word not in AMBIGUOUS and (
                lowercase or name_word(key) == "name" or mid_sentence) and (
                mid_sentence or key not in ordinary or key in self._names
                or key in self.named_mid_sentence)
            add(match.start(), match.end(), kind, "heuristic", confident)
        priority += 1
        for match in _UPPER_WORD.finditer(text):  # a name said loudly: ROBERTS, KASIA
            verdict = name_word(match.group(0)) if match.start() >= skip else None
            if verdict is not None:
                add(match.start(), match.end(), "name", "gazetteer", confident=verdict == "name")
        for match in _LOWER_WORD.finditer(text):
            word = match.group(0).rstrip("'’")
            if _LAUGHTER.match(word):
                continue
            key = word.casefold().removesuffix("'s")
            if key in self._spoken:  # written with a capital elsewhere in the corpus
                add(match.start(), match.start() + len(word),
                    "place" if key in self.places else "name", "spoken elsewhere")
                continue
            verdict = name_word(word)
            if verdict is not None:
                add(match.start(), match.start() + len(word), "name", "gazetteer",
                    confident=verdict == "name")
        glued = self._glued_words(text, skip)
        for start, end, verdict in glued:
            if verdict is not None:
                hits.append((start, -(end - start), -1,
                             Hit(start, end, "name", "gazetteer", verdict == "name")))
        chosen: list[Hit] = []
        end = -1
        for _, _, _, hit in sorted(hits, key=lambda item: item[:3]):
            if any(start <= hit.start and hit.end <= stop and (hit.start, hit.end) != (start, stop)
                   for start, stop, _ in glued):
                continue  # a piece of a word cut by a CA mark ("ying" of "cr(h)ying")
            if hit.start >= end:
                hit = _with_hyphenated_part(text, hit)
                chosen.append(hit)
                end = hit.end
        return chosen

    def _glued_words(self, text: str, skip: int) -> list[tuple[int, int, str | None]]:
        """Words with CA marks inside them, as spans, each with whether the word the marks
        cut is a name ("name", "maybe" or None): "ja(h)mes" is James, "cr(h)ying" is not."""
        found: list[tuple[int, int, str | None]] = []
        for match in _GLUED.finditer(text, skip):
            word = _MARK_CHARS.sub("", match.group(0))
            if _LAUGHTER.match(word):
                found.append((match.start(), match.end(), None))
                continue
            key = word.casefold().removesuffix("'s")
            verdict = "name" if key in self._spoken or key in self._names else name_word(word)
            found.append((match.start(), match.end(), verdict))
        return found

    @staticmethod
    def _mid_sentence(text: str, match: re.Match[str], skip: int) -> bool:
        return _inside_sentence(text[skip:match.start()])

    # -- replacing ------------------------------------------------------------------------------
    def _apply(self, text: str, hits: Sequence[Hit], *, file: str, consultation: str,
               line: int) -> tuple[str, list[tuple[int, int, int]]]:
        parts: list[str] = []
        edits: list[tuple[int, int, int]] = []
        cursor = 0
        for hit in hits:
            original = text[hit.start:hit.end]
            if not hit.confident:
                self._record(file, consultation, line, hit, "flagged", original, "")
                continue
            replacement = self.pseudonym(original, hit.kind)
            if hit.kind in ("name", "place"):
                replacement = _case_like(original, replacement)
            parts.append(text[cursor:hit.start])
            parts.append(replacement)
            edits.append((hit.start, hit.end, len(replacement)))
            cursor = hit.end
            self._record(file, consultation, line, hit, "replaced", original, replacement)
        parts.append(text[cursor:])
        return "".join(parts), edits

    def _record(self, file: str, consultation: str, line: int, hit: Hit, action: str,
                original: str, pseudonym: str) -> None:
        key = (file, line, hit.start, original, action)
        if key in self._seen:
            return
        self._seen.add(key)
        self.audit.append(AuditEntry(file, consultation, line, hit.start + 1, hit.kind,
                                     hit.detector, action, original, pseudonym))

    def text(self, text: str, *, file: str = "", consultation: str = "", line: int = 0,
             skip: int = 0) -> str:
        """`text` with every confident hit replaced (flagged hits recorded, kept)."""
        hits = self.find(text, skip=skip, lowercase=self.lowercase.get(consultation, True))
        return self._apply(text, hits, file=file, consultation=consultation, line=line)[0]

    def evidence(self, text: str, *, file: str = "", consultation: str = "",
                 line: int = 0) -> str:
        """The annotator's evidence (quoted talk, lower-cased by cakit) with every
        confident hit replaced; declared names count in any case (`find`'s `folded`)."""
        hits = self.find(text, lowercase=self.lowercase.get(consultation, True), folded=True)
        return self._apply(text, hits, file=file, consultation=consultation, line=line)[0]

    def lines(self, items: Sequence[tuple[int, str, int]], *, file: str = "",
              consultation: str = "") -> list[str]:
        """De-identify (line number, text, label width) items as one block.

        Overlap brackets that were aligned in the input stay aligned: when a replacement
        moves a bracket, its partners on nearby lines are padded to the same column.
        """
        lowercase = self.lowercase.get(consultation, True)
        originals = [text for _, text, _ in items]
        results = []
        all_edits = []
        for number, text, skip in items:
            hits = self.find(text, skip=skip, lowercase=lowercase)
            new, edits = self._apply(text, hits, file=file, consultation=consultation,
                                     line=number)
            results.append(new)
            all_edits.append(edits)
        return realign_brackets(originals, results, all_edits)

    def file_identifiers(self, paths: Sequence[str]) -> dict[str, str]:
        """Each transcript file (in run order) under the keyed pseudonym reports give its
        consultation: its name made unique as the report makes it
        (`cakit.annotations.consultation_keys`), so two files of one name in two folders
        stay two, and a file name (which may hold a name or a date of birth) is not shown."""
        from cakit.annotations import consultation_keys

        files = list(dict.fromkeys(paths))
        keys = consultation_keys(Path(path).stem for path in files)
        return {path: self.identifier(key) for path, key in zip(files, keys, strict=True)}

    def identifier(self, value: str, *, file: str = "") -> str:
        """A consultation id (usually a file name, which may hold a name or a date of
        birth) as a whole keyed pseudonym, `[ID-Kavemoti]`: the same id gets the same
        pseudonym in every output and run; the audit maps it back."""
        return self._replace_whole(value, "id", "consultation id", file)

    def clinician(self, label: str, *, file: str = "") -> str:
        """A clinician's label or declared name (`Dr Jones`, `DOC`) as a keyed pseudonym
        that keeps the role, `[Clinician-Kavemoti]`."""
        return self._replace_whole(label, "clinician", "speaker label", file)

    def _replace_whole(self, value: str, kind: str, detector: str, file: str) -> str:
        pseudonym = self.pseudonym(value, kind)
        self._record(file, value, 0, Hit(0, len(value), kind, detector), "replaced", value,
                     pseudonym)
        return pseudonym


def realign_brackets(originals: Sequence[str], results: Sequence[str],
                     edits: Sequence[Sequence[tuple[int, int, int]]]) -> list[str]:
    """Pad lines so brackets aligned in `originals` are aligned again in `results`.

    `edits[i]` lists (start, end, new length) replacements made in line i. Brackets at the
    same original column on lines at most 3 apart are partners.
    """
    lines = list(results)

    def moved(index: int, column: int) -> int:
        return sum(size - (end - start) for start, end, size in edits[index] if end <= column)

    if not any(moved(i, len(text)) for i, text in enumerate(originals)):
        return lines
    where: dict[int, list[int]] = {}
    for index, text in enumerate(originals):
        for column, char in enumerate(text):
            if char in BRACKETS and not any(s <= column < e for s, e, _ in edits[index]):
                where.setdefault(column, []).append(index)
    padding: list[list[tuple[int, int]]] = [[] for _ in lines]

    def position(index: int, column: int) -> int:
        return column + moved(index, column) + sum(d for c, d in padding[index] if c <= column)

    for column in sorted(where):
        members = sorted(where[column])
        clusters: list[list[int]] = [[members[0]]]
        for index in members[1:]:
            if index - clusters[-1][-1] <= 3:
                clusters[-1].append(index)
            else:
                clusters.append([index])
        for cluster in clusters:
            if len(cluster) < 2:
                continue
            target = max(position(i, column) for i in cluster)
            for index in cluster:
                current = position(index, column)
                if current < target:
                    text = lines[index]
                    lines[index] = text[:current] + " " * (target - current) + text[current:]
                    padding[index].append((column, target - current))
    return lines


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The audit log as CSV text (one row per replacement or flagged hit); cells that could
    start a formula get a leading `'` (`cakit.spreadsheet`)."""
    from cakit.spreadsheet import csv_text

    return csv_text(([entry.file, entry.consultation, entry.line, entry.col, entry.kind,
                      entry.detector, entry.action, entry.original, entry.pseudonym]
                     for entry in entries), header=AUDIT_COLUMNS)


def audit_path(output: str | Path | None) -> Path | None:
    """`<output>.deid-audit.csv`, beside the output; None for standard output and for an
    output that is no regular file (`-o /dev/null`, a FIFO): the log holds the originals,
    and must not land in /dev or beside a pipe."""
    if not output:
        return None
    path = Path(output)
    if path.exists() and not path.is_file():
        return None
    return path.with_name(path.name + ".deid-audit.csv")


__all__ = [
    "AUDIT_COLUMNS", "KEY_ENV", "AuditEntry", "Deidentifier", "Hit", "Term", "audit_csv",
    "audit_path", "header_terms", "key_path", "load_key", "lowercase_convention",
    "read_roster", "realign_brackets",
]
