"""Transcript → CHAT text (CA mode for transcripts read from Jefferson).

Two paths:

* A transcript read from CHAT is written back item for item from what was read (headers,
  main-tier content, gaps, dependent tiers, in source order), so CHAT → model → CHAT reads
  back to an equal model.
* Any other transcript (Jefferson, Word) is rendered from the model: headers generated
  from the participants and metadata (`@UTF8`, `@Begin`, `@Languages`, `@Participants`,
  `@Options: CA`, `@ID`, `@Media` when there are bullets, `@End`) and each token from its
  clean form and features with the CHAT-CA glyphs of the table in `cakit.notation`
  (° ◉ ∆ ∇ ☺ ⁎ ⁇, ⌈⌉⌊⌋ with index digits for concurrent overlaps, ≡ for latching, ⤆ for
  a cut-off, ∙hh, &=comments, intonation arrows). Nothing is written that the CHAT reader
  would report as an error; marks CHAT has no glyph for are kept as `[=! …]` codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cakit.formats._order import talk_lines
from cakit.formats.chat.headers import CHAT_ROLES, chat_role
from cakit.formats.jefferson.shape import ordered_items, split_alternative, word_shape
from cakit.formats.jefferson.writer import laugh_letters
from cakit.model import Event, Feature, Header, Participant, Role, Token, Transcript, Utterance
from cakit.notation import (
    CHAT_PREFIX_MARKS,
    CHAT_SPAN_MARKS,
    INTONATION_TO_CA,
    UNDERLINE_BEGIN,
    UNDERLINE_END,
    written_mark,
)
from cakit.phase_marks import manual_label

#: cakit role → CHAT participant role, for transcripts that did not come from CHAT.
CHAT_ROLE_FOR: dict[Role, str] = {
    "clinician": "Therapist",
    "patient": "Participant",
    "carer": "Relative",
    "other": "Other",
    "unknown": "Unidentified",
}

_BARE = frozenset({"Begin", "End", "Blank", "New Episode", "UTF8", "NewEpisode"})
_OPTIONAL_ARGUMENT = frozenset({"Bg", "Eg"})

_SPAN_BITS = 0
for _bit, _ in CHAT_SPAN_MARKS:
    _SPAN_BITS |= _bit

#: CHAT wants numbers spelled out; a word written with digits is kept as written and
#: marked with a user form code, so it passes the CHAT check (E220) without being changed.
DIGITS_FORM = "z:digits"
#: The CHAT-CA glyphs for a cut-off and for laughter in a word (⤆, Ἡ).
_CUTOFF = written_mark("chat", Feature.CUTOFF).mark
_LAUGH = written_mark("chat", Feature.LAUGH).mark

_CODE_CHARS = re.compile(r"[^A-Z0-9_'\-]")
_EVENT_CHARS = re.compile(r"[\s\[\]<>(){}\x00-\x1f“”‹›〔〕⌈⌉⌊⌋≡≈≋@]+")
_WORD_DROP = re.compile(r"[@\[\]<>(){}\x00-\x1f“”‹›〔〕]")
_DATE = re.compile(r"^\d{2}-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-\d{4}$")
_METADATA_HEADERS = {"transcriber": "Transcriber", "location": "Location",
                     "setting": "Situation", "situation": "Situation", "date": "Date"}
#: CHAT headers a Jefferson header block or `((@Name: value))` line carries back as
#: themselves (free text, or checked below): `@Comment:\tx`, never `@Comment:\tComment: x`.
_PASS_THROUGH = frozenset({
    "Comment", "Bg", "Eg", "G", "Location", "Situation", "Activities", "Transcriber", "Coder",
    "Warning", "Recording Quality", "Room Layout", "Tape Location", "New Episode", "Blank",
    "Date",
})


#: Media file suffixes that CHAT's `@Media` leaves out (it names the file without one).
_MEDIA_SUFFIX = re.compile(r"\.(?:wav|mp3|mp4|m4a|aac|ogg|flac|mov|avi|mpg|mpeg|webm)$",
                           re.IGNORECASE)


def _media_name(value: str) -> str:
    """`@Media` from a source's media line: `r03_v20_s5.wav, audio` (an ELAN file's media
    URL) → `r03_v20_s5, audio`; a quoted URL stays as it is."""
    name, comma, rest = value.partition(",")
    if name.strip().startswith('"'):
        return value
    return _MEDIA_SUFFIX.sub("", name.strip()) + comma + rest


def to_chat(transcript: Transcript) -> str:
    """The transcript as CHAT text (a `.cha` file's content, ending with a newline)."""
    if transcript.format == "chat":
        return _verbatim(transcript)
    return _from_model(transcript)


# --- CHAT → CHAT ------------------------------------------------------------------------


def _verbatim(transcript: Transcript) -> str:
    """Re-emit what the CHAT reader kept, in source-line order."""
    entries: list[tuple[int, int, str]] = []
    for header in transcript.headers:
        entries.append((header.line, 0, _header_line(header.name, header.value)))
    for utterance in transcript.utterances:
        entries.append((utterance.line, 1, f"*{utterance.speaker}:\t{utterance.content}"))
        for tier in utterance.tiers:
            entries.append((tier.line, 3, f"%{tier.name}:\t{tier.text}"))
    for gap in transcript.gaps:
        entries.append((gap.line, 2, f"\t{gap.text}"))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return "\n".join(text for _, _, text in entries) + "\n"


def _header_line(name: str, value: str) -> str:
    if not value and (name in _BARE or name in _OPTIONAL_ARGUMENT):
        return f"@{name}"
    return f"@{name}:\t{value}"


# --- model → CHAT-CA ----------------------------------------------------------------------


def chat_codes(participants: tuple[Participant, ...]) -> dict[str, str]:
    """Speaker label → a valid, unique CHAT code (upper case, ≤ 7 characters)."""
    codes: dict[str, str] = {}
    used: set[str] = set()
    for participant in participants:
        base = _CODE_CHARS.sub("", participant.code.upper())[:7] or "SPK"
        code = base
        number = 2
        while code in used:
            suffix = str(number)
            code = base[: 7 - len(suffix)] + suffix
            number += 1
        used.add(code)
        codes[participant.code] = code
    return codes


def _from_model(transcript: Transcript) -> str:
    codes = chat_codes(transcript.participants)
    for utterance in transcript.utterances:
        if utterance.speaker not in codes:
            codes[utterance.speaker] = _CODE_CHARS.sub("", utterance.speaker.upper())[:7] or "SPK"
    language = "eng"
    for name, value in transcript.metadata:
        if name.lower() in ("language", "languages") and re.fullmatch(r"[a-z]{3}", value.strip()):
            language = value.strip()
    lines = ["@UTF8", "@Begin", f"@Languages:\t{language}"]
    entries = []
    roles: dict[str, str] = {}
    for participant in transcript.participants:
        role = _chat_role(participant)
        roles[codes[participant.code]] = role
        code = codes[participant.code]
        given = participant.name if participant.id is not None else ""  # a CHAT name
        name = re.sub(r"[^\w'-]+", "_", given or participant.code).strip("_")
        entries.append(f"{code} {name} {role}" if name and name != code else f"{code} {role}")
    for speaker in {u.speaker for u in transcript.utterances}:
        code = codes[speaker]
        if code not in roles:
            roles[code] = "Unidentified"
            entries.append(f"{code} Unidentified")
    lines.append(f"@Participants:\t{', '.join(entries)}")
    lines.append("@Options:\tCA")
    for code, role in roles.items():
        lines.append(f"@ID:\t{language}|cakit|{code}|||||{role}|||")
    media = next((h.value for h in transcript.headers if h.name == "Media" and h.position == 0
                  and h.value.strip()), "")
    if media:
        lines.append(f"@Media:\t{_media_name(_clean_text(media))}")
    elif any(u.media is not None for u in transcript.utterances):
        lines.append(f"@Media:\t{re.sub(r'[^A-Za-z0-9_.-]', '_', transcript.id)}, audio")
    first_line = transcript.utterances[0].line if transcript.utterances else 1 << 30
    gems = _paired_gems(transcript.headers)
    for header in transcript.headers:
        if header.position != 0 or header.name in ("phase", "note", "Media") or (
                header.line > first_line) or _declares_participants(header):
            continue
        lines.append(_metadata_header(header.name, header.value, header.line in gems))
    body: list[tuple[int, int, str]] = []
    overlaps = _OverlapIndex(transcript)
    utterance_lines = talk_lines(transcript)
    for position, utterance in enumerate(transcript.utterances):
        main = _main_tier(utterance, transcript, codes, overlaps, position)
        body.append((utterance_lines[position], 1, main))
    for gap in transcript.gaps:
        text = _pause_text(gap.duration, "timed" if gap.duration is not None else "micro")
        if gap.position == 0:
            body.append((gap.line, 0, f"@Comment:\tgap {text}"))
        else:
            anchor = utterance_lines[gap.position - 1]
            bullet = f" \x15{gap.media.start_ms}_{gap.media.end_ms}\x15" if gap.media else ""
            body.append((anchor, 2 + gap.line, f"\t{text}{bullet}"))
    for header in transcript.headers:
        if header.name == "phase":
            # a phase mark stays one as a lazy gem, which CHAT closes by the next
            text = _clean_text(header.value)
            mark = f"@G:\t{text}" if manual_label(text) else f"@Comment:\tphase: {text}"
            body.append((header.line, 0, mark.rstrip()))
        elif header.position > 0 and header.name != "note":
            body.append((header.line, 0, _metadata_header(header.name, header.value,
                                                          header.line in gems)))
        elif header.name == "note" and header.line > first_line:
            body.append((header.line, 0, f"@Comment:\t{_clean_text(header.value)}".rstrip()))
    body.sort(key=lambda entry: (entry[0], entry[1]))
    lines.extend(text for _, _, text in body)
    lines.append("@End")
    return "\n".join(lines) + "\n"


def _clean_text(value: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f]", " ", value).split())


def _declares_participants(header: Header) -> bool:
    """A `Participants:` header in the Jefferson writer's form, which @Participants and
    @ID already say in full."""
    from cakit.formats.jefferson.reader import CAKIT_DECLARATION

    parts = header.value.split(";")
    return header.name == "Participants" and all(CAKIT_DECLARATION.match(p) for p in parts)


def _chat_role(participant: Participant) -> str:
    """The CHAT role the source gave (kept through Jefferson) when CHAT lists it and it
    reads back as the same cakit role; else the CHAT role for the cakit role. A Jefferson
    `GRA = Gran, carer (Grandma)` is written `Relative`: `Grandma` is no CHAT role, and
    read back it would leave the carer without a role (the change is said, CK420)."""
    kept = participant.id.role if participant.id is not None else ""
    if kept in CHAT_ROLES and chat_role(participant.code, kept, {}) == participant.role:
        return kept
    return CHAT_ROLE_FOR.get(participant.role, "Unidentified")


def chat_losses(transcript: Transcript) -> list[str]:
    """What a CHAT rendering of a transcript from another notation cannot keep, one phrase
    per kind: speakers' roles that CHAT does not list, written as another."""
    changed = []
    for participant in transcript.participants:
        kept = participant.id.role if participant.id is not None else ""
        written = _chat_role(participant)
        if kept and kept != written:
            changed.append(f"{participant.code} {kept!r} → {written}")
    if not changed:
        return []
    return [f"the roles {', '.join(changed)} (a role CHAT does not list, or one that would "
            "read back as another cakit role)"]


def _paired_gems(headers: tuple[Header, ...]) -> set[int]:
    """Lines of `Bg`/`Eg` headers that close properly (same label, in order)."""
    paired: set[int] = set()
    open_gems: list[tuple[str, int]] = []
    for header in sorted(headers, key=lambda h: h.line):
        label = _clean_text(header.value)
        if header.name == "Bg":
            open_gems.append((label, header.line))
        elif header.name == "Eg" and open_gems and open_gems[-1][0] == label:
            paired.update((open_gems.pop()[1], header.line))
    return paired


def _metadata_header(name: str, value: str, paired: bool = False) -> str:
    text = _clean_text(value)
    chat = name if name in _PASS_THROUGH else _METADATA_HEADERS.get(name.lower())
    if chat in ("Bg", "Eg") and not paired:
        chat = None  # a gem CHAT would report as unclosed: kept as a comment
    if chat in ("Bg", "Eg", "G", "New Episode", "Blank") and not text:
        return f"@{chat}"
    if chat == "Date" and not _DATE.match(text):
        chat = None
    if chat and text:
        return f"@{chat}:\t{text}"
    return f"@Comment:\t{name}: {text}".rstrip()


@dataclass(slots=True)
class _OverlapIndex:
    """Top/bottom sides and index digits for every overlap link.

    The first onset of a link is the top (⌈), later ones bottoms (⌊). Concurrent groups get
    distinct digits 2–9 (index 1 is written without a digit), and an index is not reused
    while the CHAT reader could still pair it with an earlier top.
    """

    transcript: Transcript
    tops: dict[str, str] = field(default_factory=dict)  # link → top speaker
    remaining: dict[str, int] = field(default_factory=dict)  # link → onsets not yet written
    index: dict[str, int] = field(default_factory=dict)
    busy: dict[int, int] = field(default_factory=dict)  # index → free after this utterance
    latches: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.latches = _latch_speakers(self.transcript)
        for utterance in self.transcript.utterances:
            for event in utterance.events:
                if event.kind == "overlap" and event.label.endswith("begin") and event.link:
                    self.remaining[event.link] = self.remaining.get(event.link, 0) + 1
                    self.tops.setdefault(event.link, utterance.speaker)

    def onset(self, event: Event, speaker: str, position: int) -> str:
        link = event.link
        if link and link in self.index and self.tops.get(link) != speaker:
            number = self.index[link]
            self.remaining[link] -= 1
            if self.remaining[link] <= 0:
                self.busy[number] = position
            return "⌊" + _digit(number)
        number = self._free(position)
        if link:
            self.index[link] = number
            self.remaining[link] -= 1
            self.busy[number] = -1 if self.remaining[link] > 0 else position + 8
        else:
            self.busy[number] = position + 8
        return "⌈" + _digit(number)

    def end(self, event: Event, speaker: str, recent: dict[str, str]) -> str:
        link = event.link or recent.get(speaker, "")
        number = self.index.get(link, 1)
        top = self.tops.get(link, speaker) == speaker
        return ("⌉" if top else "⌋") + _digit(number)

    def _free(self, position: int) -> int:
        for number in range(1, 10):
            until = self.busy.get(number)
            if until is None or (until != -1 and until < position):
                return number
        return 9


def _digit(number: int) -> str:
    return "" if number == 1 else str(number)


@dataclass(slots=True)
class _Word:
    """One word item: glyphs before, the word, a form marker, span closers, codes after."""

    pre: str
    body: str
    form: str = ""
    close: str = ""
    after: list[str] = field(default_factory=list)

    def render(self) -> str:
        if self.form:
            # a form marker runs to the end of the item: closers go in an item of their own
            word = self.pre + self.body + "@" + self.form
            return " ".join([word, *([self.close] if self.close else []), *self.after])
        return " ".join([self.pre + self.body + self.close, *self.after])


def _main_tier(
    utterance: Utterance, transcript: Transcript, codes: dict[str, str],
    overlaps: _OverlapIndex, position: int,
) -> str:
    speaker = codes.get(utterance.speaker, utterance.speaker)
    items: list[object] = []  # str or _Word
    linkers: list[str] = []
    open_bits = 0
    last_word: _Word | None = None
    recent_link: dict[str, str] = {}
    final_index = len(utterance.tokens)

    def close(keep: int) -> None:
        nonlocal open_bits
        closing = open_bits & ~keep
        if closing and last_word is not None:
            for bit, glyph in reversed(CHAT_SPAN_MARKS):
                if closing & bit:
                    last_word.close += glyph
        open_bits &= keep

    for item in ordered_items(utterance):
        if isinstance(item, Token):
            word = _token(item, open_bits)
            wanted = item.features & _SPAN_BITS
            if item.kind == "untranscribed":
                # xxx takes no glued glyphs (☺xxx would read as a word)
                wanted &= open_bits & ~Feature.UNCERTAIN
            if wanted & Feature.VERY_QUIET:
                wanted &= ~Feature.QUIET
            close(wanted)
            opening = ""
            for bit, glyph in CHAT_SPAN_MARKS:
                if wanted & bit and not open_bits & bit:
                    opening += glyph
            open_bits |= wanted
            word.pre = opening + word.pre
            items.append(word)
            last_word = word
            continue
        text = _event(item, utterance, transcript, codes, overlaps, position, recent_link,
                      final_index)
        if not text:
            continue
        if text.startswith("+"):
            linkers.append(text)
        elif text.startswith("[") and last_word is not None:
            last_word.after.append(text)
        else:
            items.append(text)
    close(0)
    if items and all(item == "!" for item in items):
        items.insert(0, "0")  # a bare terminator needs something to end (E306)
    rendered = [item.render() if isinstance(item, _Word) else str(item) for item in items]
    if utterance.media is not None:
        rendered.append(f"\x15{utterance.media.start_ms}_{utterance.media.end_ms}\x15")
    content = " ".join(linkers + [part for part in rendered if part]) or "0"
    return f"*{speaker}:\t{content}"


def _token(token: Token, open_bits: int) -> _Word:
    features = token.features
    if token.kind == "untranscribed":
        return _Word("", "xxx")
    shape, alternative = split_alternative(word_shape(token))
    body = _WORD_DROP.sub("", shape.replace("(h)", _LAUGH).replace("(hh)", _LAUGH))
    body = re.sub(r"\((h+)\)", _LAUGH, body)
    if not body:
        body = _WORD_DROP.sub("", token.clean) or "xxx"
    body = re.sub(r"-(?=0)", "", body)  # `-0` would read as an omitted affix (E212)
    if body[0] in "&+-":
        body = body.lstrip("&+-") or "xxx"
    if features & Feature.LAUGH and _LAUGH not in body:
        body = body[0] + _LAUGH + body[1:]
    pre = "".join(glyph for bit, glyph in CHAT_PREFIX_MARKS if features & bit)
    if token.kind == "filler":
        pre = "&-" + pre
    elif token.kind == "fragment":
        pre = "&+" + pre
    if features & Feature.CUTOFF:
        body += _CUTOFF
    if features & (Feature.EMPHASIS | Feature.ACCENT):
        body = UNDERLINE_BEGIN + body + UNDERLINE_END
    digits = any(ch.isdigit() for ch in body)
    if body[0] == "0" and not pre:
        # a leading 0 would make the word an omission (`0word`); an empty underline pair
        # in front keeps it a spoken word and adds nothing to its clean form
        pre = UNDERLINE_BEGIN + UNDERLINE_END
    word = _Word(pre, body, form=DIGITS_FORM if digits else "")
    if features & Feature.TREMULOUS:
        word.after.append("[=! tremulous]")
    if alternative:
        word.after.append(f"[=? {_EVENT_CHARS.sub(' ', alternative).strip()}]")
    return word


def _event(
    event: Event, utterance: Utterance, transcript: Transcript, codes: dict[str, str],
    overlaps: _OverlapIndex, position: int, recent: dict[str, str], final_index: int,
) -> str:
    kind = event.kind
    label = event.label
    if kind == "overlap":
        if label.endswith("begin"):
            if event.link:
                recent[utterance.speaker] = event.link
            return overlaps.onset(event, utterance.speaker, position)
        return overlaps.end(event, utterance.speaker, recent)
    if kind == "latch":
        partner = _latch_partner(event, utterance, overlaps.latches)
        same_speaker = partner is not None and partner == utterance.speaker
        if label == "start":
            return "+≈" if same_speaker else "≡"
        if label == "end" or event.index >= final_index:
            return "≈" if same_speaker else "≡"
        return "≡"
    if kind == "pause":
        return _pause_text(event.value, label)
    if kind == "intonation":
        return INTONATION_TO_CA.get(label, "")
    if kind == "comment":
        text = _EVENT_CHARS.sub("_", label).strip("_").rstrip(".?!")
        return f"&={text}" if text else ""
    if kind == "laugh":
        letters = laugh_letters(event.text)
        if set(letters.lower()) <= {"h"}:
            return "&=laughs"
        return letters
    if kind == "breath":
        letters = "".join(ch for ch in event.text if ch.isalpha()) or "hh"
        return ("∙" + letters) if label == "in" else letters
    if kind == "sound":
        letters = "".join(ch for ch in event.text if ch.isalpha()) or label
        return f"&={letters}"
    if kind == "interposed":
        said = _EVENT_CHARS.sub("_", label).strip("_")
        other = _other_speaker(utterance, transcript, codes)
        return f"&*{other}:{said}" if said else ""
    return ""


def _latch_speakers(transcript: Transcript) -> dict[str, list[tuple[int, str]]]:
    """Latch link → (utterance index, speaker) of each half."""
    found: dict[str, list[tuple[int, str]]] = {}
    for utterance in transcript.utterances:
        for event in utterance.events:
            if event.kind == "latch" and event.link:
                found.setdefault(event.link, []).append((utterance.index, utterance.speaker))
    return found


def _latch_partner(
    event: Event, utterance: Utterance, halves: dict[str, list[tuple[int, str]]]
) -> str | None:
    """The speaker of the other half of a linked latch, if any."""
    for index, speaker in halves.get(event.link, ()) if event.link else ():
        if index != utterance.index:
            return speaker
    return None


def _other_speaker(utterance: Utterance, transcript: Transcript, codes: dict[str, str]) -> str:
    """Who said an interposed `{mhm}`: the nearest other speaker around the utterance."""
    utterances = transcript.utterances
    index = utterance.index
    for distance in range(1, 4):
        for other in (index - distance, index + distance):
            if 0 <= other < len(utterances) and utterances[other].speaker != utterance.speaker:
                return codes.get(utterances[other].speaker, utterances[other].speaker)
    for participant in transcript.participants:
        if participant.code != utterance.speaker:
            return codes.get(participant.code, participant.code)
    return codes.get(utterance.speaker, utterance.speaker)


def _pause_text(value: float | None, label: str) -> str:
    if label == "untimed":  # a pause of no stated length (a BNC <pause> tag)
        return "&=pause"
    if label == "micro" or value is None:
        return "(.)"
    if label == "medium" and value == 0.5:
        return "(..)"
    if label == "long" and value == 1.0:
        return "(...)"
    if round(value * 10) == value * 10:
        return f"({value:.1f})"
    return f"({value:.3f}".rstrip("0") + ")"


__all__ = ["CHAT_ROLE_FOR", "chat_codes", "to_chat"]
