"""The one table of transcription marks cakit reads and writes, and the views taken of it.

`MARKS` lists every mark of Jefferson's notation, of CHAT in CA mode and of GAT 2 that cakit
knows: what it means, what the model records for it (a `Feature` bit on the words it
covers, an `Event`, or a token), which notations use it, which readers read it and which
writers write it. The readers and writers do not keep tables of their own: the Jefferson
reader (`cakit.formats.jefferson.marks`), the CHAT reader and both writers take the views
below, so a mark cannot mean one thing to one reader and another to a writer. docs/notation.md
shows the table (`markdown_table`) with notes on what converting loses.

Marks read by position inside a word (a stretch colon, a cut-off hyphen, capitals, `(h)`)
or paired by the tokenizers' own rules (`°°`, `>fast<`, `<slow>`, `(unsure)`) are listed
too, so the table is complete, but the code that reads them lives in the tokenizers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cakit.model import Feature, feature_names

#: Notations a mark belongs to: Jefferson's (with the Hepburn & Bolden additions and the
#: variants common in clinical transcription keys), CHAT's CA mode, GAT 2.
Notation = Literal["jefferson", "chat-ca", "gat2"]
#: cakit's readers: the Jefferson reader in its default convention and in `--convention
#: gat2`, and the CHAT reader (the CHAT-CA glyphs in any CHAT file, the marks CA mode
#: borrows from Jefferson only with `@Options: CA`).
Reader = Literal["jefferson", "gat2", "chat"]
#: cakit's writers of transcripts (`cakit convert --to jefferson` / `--to chat`).
Writer = Literal["jefferson", "chat"]
#: Where a mark stands and so how it is read:
#: span    – a pair around talk (`mark` opens, `close` closes); every word between gets
#:           `feature`. One-character pairs that open and close alike are looked up;
#:           the others are paired by the tokenizers.
#: before, inside, after – a mark on a word; the word gets `feature`. One-character marks
#:           are looked up wherever they stand on the word, unless they also open or
#:           close a span (Jefferson's `<`), which leaves them to the tokenizer's pairing.
#: shape   – how the word itself is written (capitals, stretch colons, a final hyphen,
#:           underlining): read by position, by the tokenizers' own code.
#: item    – read as an item of its own: an `Event` (pause, overlap, intonation …) or a
#:           token (`( )` unclear talk).
Place = Literal["span", "before", "inside", "after", "shape", "item"]

_NOTATIONS: dict[str, Notation] = {"J": "jefferson", "C": "chat-ca", "G": "gat2"}
_READERS: dict[str, Reader] = {"j": "jefferson", "g": "gat2", "c": "chat"}
_WRITERS: dict[str, Writer] = {"j": "jefferson", "c": "chat"}
_WORD_PLACES = ("before", "inside", "after")


@dataclass(frozen=True, slots=True)
class Mark:
    """One mark as one notation uses it.

    A mark that means different things in different notations (`.` is a fall in Jefferson,
    a low fall in GAT 2) has a row for each. Exactly one of `feature`, `event` and `token`
    says what the model records, or none for a mark that is read and dropped.
    """

    mark: str  #: as written; for a span, the opening mark
    meaning: str
    place: Place
    feature: Feature = Feature.NONE  #: the feature bit(s) it sets
    event: str = ""  #: or the event it becomes: "kind" or "kind:label"
    token: str = ""  #: or the kind of token it becomes
    notations: frozenset[Notation] = frozenset()
    read: frozenset[Reader] = frozenset()
    write: frozenset[Writer] = frozenset()
    close: str = ""  #: a span's closing mark
    value: float | None = None  #: a pause's seconds, for pauses that are not timed
    #: other labels of the same event kind that the writer(s) in `write` render with this
    #: mark because their notation has none of its own (`.` for a CHAT-CA low fall)
    also_writes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The event kind (`intonation`, `pause` …), or ""."""
        return self.event.partition(":")[0]

    @property
    def label(self) -> str:
        """The event label (`fall`, `micro` …), or ""."""
        return self.event.partition(":")[2]


def _row(
    mark: str, meaning: str, place: Place, records: Feature | str, notations: str, read: str,
    write: str = "", *, close: str = "", value: float | None = None,
    also_writes: tuple[str, ...] = (),
) -> Mark:
    """A row in short: notations as letters J C G, readers j g c, writers j c.

    `records` is a `Feature`, an event "kind:label", "token:kind", or "" (dropped).
    """
    feature, event, token = Feature.NONE, "", ""
    if isinstance(records, Feature):
        feature = records
    elif records.startswith("token:"):
        token = records[6:]
    else:
        event = records
    return Mark(
        mark, meaning, place, feature, event, token,
        frozenset(_NOTATIONS[n] for n in notations), frozenset(_READERS[r] for r in read),
        frozenset(_WRITERS[w] for w in write), close, value, also_writes,
    )


F = Feature
MARKS: tuple[Mark, ...] = (
    # --- spans: loudness, tempo, voice quality (writers open them in this order) ---------
    _row("°°", "much quieter than the talk around it (quiet as well)", "span", F.VERY_QUIET,
         "JC", "jgc", "jc", close="°°"),
    _row("°", "quieter than the talk around it", "span", F.QUIET, "JC", "jgc", "jc", close="°"),
    _row("◉", "louder than the talk around it", "span", F.LOUD, "C", "jgc", "c", close="◉"),
    _row(">", "faster, compressed talk", "span", F.FAST, "J", "jgc", "j", close="<"),
    _row("∆", "faster talk", "span", F.FAST, "C", "jgc", "c", close="∆"),
    _row("<", "slower, drawn-out talk", "span", F.SLOW, "J", "jgc", "j", close=">"),
    _row("∇", "slower talk", "span", F.SLOW, "C", "jgc", "c", close="∇"),
    _row("£", "smile voice (Hepburn & Bolden)", "span", F.SMILE, "J", "jg", "j", close="£"),
    _row("$", "smile voice (a common key variant)", "span", F.SMILE, "J", "jg", close="$"),
    _row("☺", "smile voice", "span", F.SMILE, "C", "jgc", "c", close="☺"),
    _row("#", "creaky voice", "span", F.CREAKY, "J", "jg", "j", close="#"),
    _row("*", "creaky voice (a key variant)", "span", F.CREAKY, "J", "jg", close="*"),
    _row("⁎", "creaky voice", "span", F.CREAKY, "C", "jgc", "c", close="⁎"),
    _row("~", "wobbly, tremulous voice (Hepburn)", "span", F.TREMULOUS, "J", "jg", "j",
         close="~"),
    _row("(", "uncertain hearing; `(word/ward)` gives two hearings, the first kept",
         "span", F.UNCERTAIN, "JG", "jgc", "j", close=")"),
    _row("⁇", "uncertain hearing", "span", F.UNCERTAIN, "C", "jgc", "c", close="⁇"),
    _row("_", "underlining typed as marks: emphasis", "span", F.EMPHASIS, "J", "jg", "j",
         close="_"),
    _row("∬", "whispered", "span", F.WHISPER, "C", "jgc", "jc", close="∬"),
    _row("∮", "sung", "span", F.SINGING, "C", "jgc", "jc", close="∮"),
    _row("▁", "low pitch register", "span", F.LOW_PITCH, "C", "jgc", "jc", close="▁"),
    _row("▔", "high pitch register", "span", F.HIGH_PITCH, "C", "jgc", "jc", close="▔"),
    _row("♋", "breathy voice", "span", F.BREATHY, "C", "jgc", "jc", close="♋"),
    _row("Ϋ", "yawning", "span", F.YAWN, "C", "jgc", "jc", close="Ϋ"),
    _row("§", "precise, careful articulation", "span", F.PRECISE, "C", "jgc", "jc",
         close="§"),
    _row("↫", "a repeated segment (`↫p-p↫parents`); the segment is left out of the word",
         "span", F.SEGMENT_REPETITION, "C", "jgc", "j", close="↫"),
    # GAT 2 labelled spans `<<label> … >`; other labels become comment events
    _row("<<f>", "forte, loud", "span", F.LOUD, "G", "g", close=">"),
    _row("<<ff>", "fortissimo, very loud", "span", F.LOUD, "G", "g", close=">"),
    _row("<<p>", "piano, quiet", "span", F.QUIET, "G", "g", close=">"),
    _row("<<pp>", "pianissimo, very quiet", "span", F.QUIET | F.VERY_QUIET, "G", "g",
         close=">"),
    _row("<<all>", "allegro, fast", "span", F.FAST, "G", "g", close=">"),
    _row("<<acc>", "accelerando, speeding up", "span", F.FAST, "G", "g", close=">"),
    _row("<<len>", "lento, slow", "span", F.SLOW, "G", "g", close=">"),
    _row("<<rall>", "rallentando, slowing down", "span", F.SLOW, "G", "g", close=">"),
    _row("<<laughing>", "said laughing", "span", F.LAUGH, "G", "g", close=">"),
    _row("<<lachend>", "said laughing (German label)", "span", F.LAUGH, "G", "g", close=">"),
    _row("<<:-)>", "smile voice", "span", F.SMILE, "G", "g", close=">"),
    _row("<<smiling>", "smile voice", "span", F.SMILE, "G", "g", close=">"),
    _row("<<creaky>", "creaky voice", "span", F.CREAKY, "G", "g", close=">"),
    _row("<<whispering>", "whispered", "span", F.WHISPER, "G", "g", close=">"),
    _row("<<h>", "breathy voice", "span", F.BREATHY, "G", "g", close=">"),
    _row("<<singing>", "sung", "span", F.SINGING, "G", "g", close=">"),
    _row("<<tremulous>", "tremulous voice", "span", F.TREMULOUS, "G", "g", close=">"),
    # --- marks on a word (writers put the `before` ones in front of it, in this order) --
    _row("<", "before a word, never closed: a hurried, jump-started start", "before",
         F.HURRIED_START, "J", "jg", "j"),
    _row("⤇", "hurried start", "before", F.HURRIED_START, "C", "jgc", "c"),
    _row("↑", "sharp step up in pitch", "before", F.PITCH_UP, "JCG", "jgc", "jc"),
    _row("^", "step up in pitch (a keyboard variant of ↑)", "before", F.PITCH_UP, "J", "jg"),
    _row("↓", "sharp step down in pitch", "before", F.PITCH_DOWN, "JCG", "jgc", "jc"),
    _row("↻", "pitch reset", "before", F.PITCH_RESET, "C", "jgc", "jc"),
    _row("⁑", "hardening (glottalised onset)", "before", F.HARDENING, "C", "jgc", "jc"),
    _row("∾", "constriction", "before", F.CONSTRICTION, "C", "jgc", "jc"),
    _row("≠", "blocking (a disfluency)", "before", F.BLOCKING, "C", "jgc", "jc"),
    _row("∙", "in-breath inside a word", "before", F.INBREATH, "C", "jgc", "jc"),
    _row("Ἡ", "laughter inside a word", "inside", F.LAUGH, "C", "jgc", "c"),
    _row("ˈ", "primary stress", "inside", F.EMPHASIS, "C", "jgc"),
    _row("ˌ", "secondary stress", "inside", F.EMPHASIS, "C", "jgc"),
    _row("⤆", "sudden stop, cut-off", "after", F.CUTOFF, "C", "jgc", "c"),
    # --- the shape of the word --------------------------------------------------------
    _row("-", "at the end of a word: cut off", "shape", F.CUTOFF, "JG", "jgc", "j"),
    _row(":", "after a sound: stretched (more colons, longer)", "shape", F.STRETCHED, "JCG",
         "jgc", "jc"),
    _row("(h)", "inside a word: laughter or breathiness (`w(h)ord`)", "shape", F.LAUGH, "J",
         "jg", "j"),
    _row("CAPS", "two or more capitals: louder (short acronyms excepted)", "shape", F.LOUD,
         "J", "jc", "j"),
    _row("CAPS", "capitals: the focus accent of the unit", "shape", F.ACCENT, "G", "g", "j"),
    _row("!CAPS!", "extra-strong accent (the `!` are dropped)", "shape", F.ACCENT, "G", "g"),
    _row("underline", "underlined letters in a Word file: emphasis", "shape", F.EMPHASIS,
         "J", "jg"),
    _row("\x02\x01", "underlined letters: emphasis (CHAT's control codes)", "shape",
         F.EMPHASIS, "C", "c", "c", close="\x02\x02"),
    _row("\u0332", "combining low line after each underlined letter: emphasis", "shape",
         F.EMPHASIS, "C", "c"),
    # --- timing and sequencing ----------------------------------------------------------
    _row("[", "overlap onset", "item", "overlap:begin", "JG", "jg", "j"),
    _row("]", "overlap end", "item", "overlap:end", "JG", "jg", "j"),
    _row("[[", "two turns starting at once", "item", "overlap:begin", "J", "jg", "j"),
    _row("]]", "end of a `[[` overlap", "item", "overlap:end", "J", "jg", "j"),
    _row("⌈", "overlap onset, upper speaker (index digit 2–9 optional)", "item",
         "overlap:top_begin", "C", "c", "c"),
    _row("⌉", "overlap end, upper speaker", "item", "overlap:top_end", "C", "c", "c"),
    _row("⌊", "overlap onset, lower speaker", "item", "overlap:bottom_begin", "C", "c", "c"),
    _row("⌋", "overlap end, lower speaker", "item", "overlap:bottom_end", "C", "c", "c"),
    _row("=", "latching: no gap, or one speaker's talk carried across lines", "item",
         "latch", "JG", "jgc", "j"),
    _row("≡", "latching, uptake with no gap", "item", "latch", "C", "c", "c"),
    _row("≈", "no break: the talk goes on on the speaker's next line", "item", "latch", "C",
         "c", "c"),
    _row("≋", "technical break: the talk goes on after an interruption", "item", "latch",
         "C", "c"),
    _row("(.)", "micropause, too short to time", "item", "pause:micro", "JCG", "jgc", "jc",
         value=0.1),
    _row("(..)", "medium pause, untimed", "item", "pause:medium", "C", "jgc", "jc",
         value=0.5),
    _row("(...)", "long pause, untimed", "item", "pause:long", "C", "jgc", "c", value=1.0),
    _row("(0.5)", "timed silence in seconds (`(1:02.5)` with minutes; `( 0.5 )`, `(0.5s)` "
         "and `(1.2 secs)`, as transcribers also type them, are read the same)", "item",
         "pause:timed", "JCG", "jgc", "jc"),
    _row("(-)", "short pause, about 0.2–0.5 s", "item", "pause:short", "G", "jg", value=0.35),
    _row("(--)", "medium pause, about 0.5–0.8 s", "item", "pause:medium", "G", "jg",
         value=0.65),
    _row("(---)", "long pause, about 0.8–1.0 s", "item", "pause:long", "G", "jg", value=0.9),
    _row("...", "long pause (clinical keys); four or more dots too", "item", "pause:long",
         "J", "jg", value=1.0),
    _row("…", "long pause (clinical keys)", "item", "pause:long", "J", "jg", value=1.0),
    _row("((pause))", "a pause nobody timed, as cakit writes a BNC `<pause>` tag (no seconds "
         "counted)", "item", "pause:untimed", "J", "jg", "j"),
    _row("&=pause", "a pause nobody timed, as cakit writes a BNC `<pause>` tag (no seconds "
         "counted)", "item", "pause:untimed", "C", "c", "c"),
    # --- intonation: Jefferson punctuation marks prosody, not grammar --------------------
    _row(".", "falling, final intonation", "item", "intonation:fall", "J", "jc", "j",
         also_writes=("fall_low", "fall_mid", "fall_back")),
    _row(",", "continuing intonation", "item", "intonation:continuing", "J", "jc", "j",
         also_writes=("level", "back")),
    _row("?", "strongly rising intonation", "item", "intonation:rise", "J", "jc", "j",
         also_writes=("rise_high",)),
    _row("¿", "a rise weaker than `?`", "item", "intonation:weak_rise", "J", "jc", "j",
         also_writes=("rise_mid", "rise_back")),
    _row("?,", "a rise weaker than `?` (typed without `¿`)", "item", "intonation:weak_rise",
         "J", "j"),
    _row("!", "animated tone (some transcribers)", "item", "intonation:exclaim", "J", "jgc",
         "jc"),
    _row(";", "continuing intonation (typed as `;`)", "item", "intonation:continuing", "J",
         "j"),
    _row(".", "low fall", "item", "intonation:fall_low", "G", "g"),
    _row(";", "fall to mid", "item", "intonation:fall_mid", "G", "g"),
    _row("-", "level (a dash standing apart, `so -`)", "item", "intonation:level", "G", "g"),
    _row(",", "rise to mid", "item", "intonation:rise_mid", "G", "g"),
    _row("¿", "rise to mid", "item", "intonation:rise_mid", "G", "g"),
    _row("?,", "rise to mid", "item", "intonation:rise_mid", "G", "g"),
    _row("?", "high rise", "item", "intonation:rise_high", "G", "g"),
    _row("⇗", "rise to high", "item", "intonation:rise_high", "C", "c", "c",
         also_writes=("rise",)),
    _row("↗", "rise to mid", "item", "intonation:rise_mid", "C", "c", "c",
         also_writes=("weak_rise",)),
    _row("→", "level", "item", "intonation:level", "C", "c", "c", also_writes=("continuing",)),
    _row("↘", "fall to mid", "item", "intonation:fall_mid", "C", "c", "c"),
    _row("⇘", "fall to low", "item", "intonation:fall_low", "C", "c", "c",
         also_writes=("fall",)),
    _row("↖", "rise back", "item", "intonation:rise_back", "C", "c", "c"),
    _row("↙", "fall back", "item", "intonation:fall_back", "C", "c", "c"),
    _row("←", "back", "item", "intonation:back", "C", "c", "c"),
    _row("∞", "unmarked ending", "item", "intonation:unmarked", "C", "c", "c"),
    # --- breath, laughter, sounds ---------------------------------------------------------
    _row(".hh", "in-breath, more h for longer (`.hhih`, `.shih`: sobbing)", "item",
         "breath:in", "J", "jg", "j"),
    _row("∙hh", "in-breath", "item", "breath:in", "C", "jgc", "c"),
    _row("hh", "out-breath (or a sigh, or laughter)", "item", "breath:out", "JC", "jgc", "jc"),
    _row("°h", "in-breath, `°hh` longer", "item", "breath:in", "G", "g"),
    _row("h°", "out-breath, `hh°` longer", "item", "breath:out", "G", "g"),
    _row("heh", "laugh particles: heh, hah, haha, hehe …; ha, he, huh only next to another",
         "item", "laugh:particle", "JCG", "jgc", "jc"),
    _row("pt", "lip smack", "item", "sound:lip_smack", "J", "jg", "j"),
    _row("tch", "tongue click", "item", "sound:click", "J", "jg", "j"),
    _row("tsk", "tongue click", "item", "sound:click", "J", "jg", "j"),
    _row("tk", "tongue click", "item", "sound:click", "J", "jg", "j"),
    _row("ptk", "tongue click", "item", "sound:click", "J", "jg", "j"),
    # CHAT has no mark for them: cakit writes Jefferson's as `&=` events, read back as sounds
    _row("&=pt", "lip smack (as cakit writes Jefferson's `pt`)", "item", "sound:lip_smack",
         "C", "c", "c"),
    _row("&=tch", "tongue click (as cakit writes Jefferson's `tch`)", "item", "sound:click",
         "C", "c", "c"),
    _row("&=tsk", "tongue click (as cakit writes Jefferson's `tsk`)", "item", "sound:click",
         "C", "c", "c"),
    _row("&=tk", "tongue click (as cakit writes Jefferson's `tk`)", "item", "sound:click",
         "C", "c", "c"),
    _row("&=ptk", "tongue click (as cakit writes Jefferson's `ptk`)", "item", "sound:click",
         "C", "c", "c"),
    # --- transcriber's notes ----------------------------------------------------------
    _row("((", "transcriber's description, `((laughs))`", "item", "comment", "JG", "jg", "j",
         close="))"),
    _row("{", "brief acknowledgement inside another's turn, `{mhm}` (a clinical key)", "item",
         "interposed", "J", "jg", "j", close="}"),
    _row("( )", "talk that could not be made out", "item", "token:untranscribed", "J", "jg",
         "j"),
    _row("(xxx)", "unintelligible syllables", "item", "token:untranscribed", "G", "jg"),
    _row("→", "analyst's arrow pointing at a line", "item", "", "J", "jg"),
)
del F


# --- views: what each reader looks up and each writer writes ----------------------------


def _spans() -> frozenset[str]:
    return frozenset(m.mark for m in MARKS if m.place == "span") | frozenset(
        m.close for m in MARKS if m.place == "span"
    )


def span_marks(reader: Reader) -> dict[str, int]:
    """One-character marks that open and close a span alike, as `reader` looks them up.

    `°` is among them; the tokenizers check for `°°` before they look it up.
    """
    return {
        m.mark: int(m.feature) for m in MARKS
        if m.place == "span" and reader in m.read and len(m.mark) == 1 and m.close == m.mark
    }


def word_marks(reader: Reader) -> dict[str, int]:
    """One-character marks that give the word they stand on a feature, wherever they stand.

    Marks that also open or close a span (Jefferson's `<`) are left to the tokenizer.
    """
    spans = _spans()
    return {
        m.mark: int(m.feature) for m in MARKS
        if m.place in _WORD_PLACES and reader in m.read and len(m.mark) == 1
        and m.mark not in spans
    }


def event_labels(kind: str, reader: Reader, notation: Notation | None = None) -> dict[str, str]:
    """Mark → event label, for the marks of one event kind that `reader` reads.

    `notation` keeps only the marks of that notation (the CHAT reader reads CHAT-CA's
    intonation arrows as items of their own, Jefferson's punctuation only glued to words).
    """
    return {
        m.mark: m.label for m in MARKS
        if m.kind == kind and reader in m.read and (notation is None or notation in m.notations)
    }


def pause_marks(reader: Reader) -> dict[str, tuple[float, str]]:
    """Untimed pause marks `reader` reads → (nominal seconds, label)."""
    return {
        m.mark: (m.value, m.label) for m in MARKS
        if m.kind == "pause" and m.value is not None and reader in m.read
    }


def span_labels(reader: Reader) -> dict[str, int]:
    """GAT 2 span labels (`f` of `<<f> … >`) → feature bits."""
    return {
        m.mark[2:-1]: int(m.feature) for m in MARKS
        if m.place == "span" and m.mark.startswith("<<") and reader in m.read
    }


def written_spans(writer: Writer) -> tuple[tuple[int, str, str], ...]:
    """(feature, opening mark, closing mark) of the spans `writer` writes, in opening order."""
    return tuple(
        (int(m.feature), m.mark, m.close) for m in MARKS
        if m.place == "span" and writer in m.write
    )


def written_before(writer: Writer) -> tuple[tuple[int, str], ...]:
    """(feature, mark) of the marks `writer` puts in front of a word, in writing order."""
    return tuple(
        (int(m.feature), m.mark) for m in MARKS if m.place == "before" and writer in m.write
    )


def written_mark(writer: Writer, feature: Feature) -> Mark:
    """The row `writer` writes a word feature with (a cut-off, laughter, underlining)."""
    for m in MARKS:
        if m.feature == feature and writer in m.write and m.place in (*_WORD_PLACES, "shape"):
            return m
    raise KeyError(f"the {writer} writer has no mark for {feature!r}")


def written_labels(kind: str, writer: Writer) -> dict[str, str]:
    """Event label → the mark `writer` writes for it, for one event kind."""
    return {
        label: m.mark for m in MARKS
        if m.kind == kind and writer in m.write for label in (m.label, *m.also_writes)
    }


# --- the CHAT reader's and the writers' views ---------------------------------------------

#: CHAT-CA spans (one glyph opens and closes); `°°` is checked for before `°`.
CA_PAIRED: dict[str, int] = span_marks("chat")
#: CHAT-CA word-attached glyphs: the word that contains one carries the feature.
CA_ATTACHED: dict[str, int] = word_marks("chat")
#: CHAT-CA overlap glyphs → position and begin/end.
CA_OVERLAP: dict[str, str] = event_labels("overlap", "chat")
#: CHAT-CA intonation arrows → contour.
CA_INTONATION: dict[str, str] = event_labels("intonation", "chat", "chat-ca")
#: CHAT-CA latching and continuation glyphs (their label comes from where they stand).
CA_LATCH: frozenset[str] = frozenset(event_labels("latch", "chat", "chat-ca"))
#: Jefferson punctuation the CHAT reader takes for intonation when glued to a CA word.
CA_GLUED_INTONATION: dict[str, str] = event_labels("intonation", "chat", "jefferson")

_UNDERLINE = written_mark("chat", Feature.EMPHASIS)
UNDERLINE_BEGIN = _UNDERLINE.mark
UNDERLINE_END = _UNDERLINE.close
COMBINING_LOW_LINE = "\u0332"

JEFFERSON_SPAN_MARKS: tuple[tuple[int, str, str], ...] = written_spans("jefferson")
#: CHAT-CA spans open and close with the same glyph.
CHAT_SPAN_MARKS: tuple[tuple[int, str], ...] = tuple(
    (bit, mark) for bit, mark, _ in written_spans("chat")
)
JEFFERSON_PREFIX_MARKS: tuple[tuple[int, str], ...] = written_before("jefferson")
CHAT_PREFIX_MARKS: tuple[tuple[int, str], ...] = written_before("chat")
#: Intonation contour → the mark each writer writes (nearest mark when it has none).
INTONATION_TO_JEFFERSON: dict[str, str] = written_labels("intonation", "jefferson")
INTONATION_TO_CA: dict[str, str] = written_labels("intonation", "chat")


# --- the table as Markdown (docs/notation.md) ---------------------------------------------

_NOTATION_NAMES: dict[str, str] = {"jefferson": "Jefferson", "chat-ca": "CHAT-CA",
                                   "gat2": "GAT 2"}
_READER_NAMES: dict[str, str] = {"jefferson": "Jefferson", "gat2": "GAT 2", "chat": "CHAT"}
_WRITER_NAMES: dict[str, str] = {"jefferson": "Jefferson", "chat": "CHAT"}


def _shown(text: str) -> str:
    """A mark for a Markdown cell: control and combining characters as code points."""
    parts: list[str] = []
    for ch in text:
        if ord(ch) < 0x20 or ch == "\u0332":
            parts.append(f"U+{ord(ch):04X}")
        else:
            parts.append(ch)
    return " ".join(parts) if any(len(p) > 1 for p in parts) else "".join(parts)


def _mark_cell(m: Mark) -> str:
    if m.mark in ("CAPS", "!CAPS!", "underline"):
        return {"CAPS": "CAPITALS", "!CAPS!": "`!`CAPITALS`!`", "underline": "underlining"}[
            m.mark]
    if m.place == "span" and m.mark.startswith("<<"):
        return f"`{m.mark} … {m.close}`"
    if m.place == "span" or m.close:
        return f"`{_shown(m.mark)}`…`{_shown(m.close)}`"
    return f"`{_shown(m.mark)}`"


def _records_cell(m: Mark) -> str:
    if m.feature:
        return " + ".join(f"`{name}`" for name in feature_names(m.feature))
    if m.event:
        text = f"`{m.event}` event"
        return text if m.value is None else f"{text}, {m.value:g} s"
    if m.token:
        return f"`{m.token}` token"
    return "nothing (dropped)"


def _names(keys: frozenset[str], names: dict[str, str]) -> str:
    return ", ".join(names[key] for key in names if key in keys) or "—"


def _written_cell(m: Mark) -> str:
    text = _names(m.write, _WRITER_NAMES)
    if m.also_writes:
        text += " (also for " + ", ".join(f"`{label}`" for label in m.also_writes) + ")"
    return text


def markdown_table() -> str:
    """`MARKS` as a Markdown table: mark, meaning, what cakit records, who reads and writes it.

    "Read by" names the Jefferson reader in its two conventions (Jefferson, GAT 2) and the
    CHAT reader (CA mode).
    """
    lines = [
        "| Mark | Meaning | cakit records | Notation | Read by | Written by |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in MARKS:
        cells = (
            _mark_cell(m), m.meaning, _records_cell(m),
            _names(m.notations, _NOTATION_NAMES),
            _names(m.read, _READER_NAMES),
            _written_cell(m),
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


# --- shared lexical classes -----------------------------------------------------------

#: Laugh particles (Jefferson): heh, hah, hih, haha, hehe, huhuh… Two-letter "he",
#: "ha", "hi" are words (pronouns, greetings), and `huh` alone is left as a word because
#: "huh?" is a repair initiator (`REPAIR_OI`, docs/codebook.md).
LAUGH_PARTICLE = re.compile(r"^(?!huh$)(?:h[aeiou]h+|(?:h[aeiou]){2,}h*)$", re.IGNORECASE)

#: Out-breath `hh`, in-breath `.hh` (Jefferson) or `∙hh` (CHAT-CA).
OUTBREATH = re.compile(r"^h{2,}$", re.IGNORECASE)

#: What follows the in-breath dot (Jefferson `.hh`, CHAT-CA `∙hh`): breath, or laughing on
#: the in-breath (`.hih`, `.shih`).
INBREATH_BODY = r"(?:hh*ih|shih|h+)"

#: Non-verbal descriptions that count as laughing or smiling (`SMILE_LAUGH`,
#: docs/codebook.md).
LAUGH_DESCRIPTIONS = re.compile(r"(?:\b|_)(laugh|chuckl|giggl|smil|grin|snigger|titter)",
                                re.I)  # `_`: CHAT writes "both laugh" as &=both_laugh

#: Fillers (a sign of `HESITATE`, docs/codebook.md), compared on the clean, lower-cased form.
FILLERS = frozenset({"um", "uh", "er", "erm", "uhm", "hmm", "ehm", "em", "ah", "eh", "mm"})

#: Minimal acknowledgement tokens (`MINIMAL`, docs/codebook.md).
MINIMAL_TOKENS = frozenset(
    {
        "mm", "mhm", "mmhm", "mm-hm", "hm", "uh-huh", "uhhuh", "uh", "huh", "yeah", "yes",
        "yep", "yup", "right", "okay", "ok", "oh", "sure", "fine", "alright", "i", "see",
    }
)

#: Pause text → (seconds, label). Micropauses count 0.1 s.
PAUSE_RE = re.compile(r"^\((\.{1,3}|\d+(?::\d+)?\.\d*|\d*\.\d+|\d+)\)$")
#: `(.)`, `(..)`, `(...)` as the CHAT reader reads them: inner dots → (seconds, label).
_DOTS = {mark[1:-1]: reading for mark, reading in pause_marks("chat").items()}


def pause_value(text: str) -> tuple[float | None, str] | None:
    """Seconds and label of a pause written `(.)`, `(..)`, `(...)` or `(1.5)`; else None.

    `(..)` and `(...)` have no measured duration in CHAT; they are given nominal values
    (0.5 s, 1.0 s) only so they can add up, and are labelled so a report can tell.
    """
    match = PAUSE_RE.match(text)
    if not match:
        return None
    inner = match.group(1)
    if inner in _DOTS:
        return _DOTS[inner]
    if ":" in inner:
        minutes, seconds = inner.split(":", 1)
        return int(minutes) * 60 + float(seconds or 0), "timed"
    return float(inner), "timed"


#: A terminator or intonation mark written between two words without a space ("three?four",
#: "one.Do", "that?⌈°sh'always"): after a letter, with a letter later in the same item
#: (group 1).
_GLUED_MARK = re.compile(r"(?<=[^\W\d_])[.?!](?=[^\s.?!]*?([^\W\d_]))")


def glued_marks(text: str) -> list[int]:
    """Positions of the marks in one whitespace-free item that end a word with another
    word after them: "?" and "!" always, "." only from a small letter to a capital
    ("one.Do"), so that initialisms, e-mail and web addresses ("o.k.", "name@example.com",
    "nhs.uk") and words in capitals for loudness ("E.G.") stay one item. Both readers split
    there: read as one, the two words would count as one word nobody said ("onedo")."""
    if "@" in text or "://" in text:
        return []
    return [match.start() for match in _GLUED_MARK.finditer(text)
            if text[match.start()] != "."
            or (text[match.start() - 1].islower() and match.group(1).isupper())]
