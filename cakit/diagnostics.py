"""The catalogue of diagnostic codes: what each code means and what to do about it.

Every problem cakit reports carries a stable code (`path:line:col: CODE message`). The
`CK…` codes are cakit's own; the `E…` codes check CHAT and are numbered as in CLAN's CHECK
program, so a CHAT user can look a code up in either tool (`W210`, a CHAT warning, keeps
the name it has always had). This module is the one list of them: one `Entry` per code the
program can emit, with its usual severity, a one-line meaning and a hint.

`explain(code)` gives an entry; `cakit explain CODE` prints it, `cakit explain --all` lists
them all, and `docs/diagnostics.md` is `cakit explain --all --format md` (`markdown()`).
A test keeps this list and the codes written in the source the same, in both directions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from cakit.errors import UnknownComponentError
from cakit.model import Severity


@dataclass(frozen=True, slots=True)
class Entry:
    """One diagnostic code.

    `severity` is the one the code is usually reported with; `note` says when it is
    reported with another (CA mode, `--lenient`, …). `area` is the catalogue section.
    """

    code: str
    severity: Severity
    meaning: str
    hint: str
    note: str = ""
    area: str = ""

    @property
    def severity_text(self) -> str:
        """`error`, or `error (a warning in CA mode)` when the severity varies."""
        return f"{self.severity} ({self.note})" if self.note else self.severity


def _e(code: str, severity: Severity, meaning: str, hint: str, note: str = "") -> Entry:
    return Entry(code, severity, meaning, hint, note)


def _section(area: str, *entries: Entry) -> tuple[Entry, ...]:
    return tuple(replace(entry, area=area) for entry in entries)


#: the note of every code `--lenient` re-issues as a warning (cakit.formats.lenient)
_LENIENT = "a warning with --lenient"
_CA = "a warning in CA mode"

_SECTIONS: tuple[tuple[Entry, ...], ...] = (
    _section(
        "Reading any transcript file",
        _e("CK100", "error", "The file cannot be read at all (it is missing, a folder, or "
           "not readable by you).",
           "Check the path and the file's permissions."),
        _e("CK101", "error", "The file is empty (zero bytes, or only a byte-order mark).",
           "Check that this is the file you meant; an empty file has nothing to read."),
        _e("CK102", "error", "The file contains NUL bytes: it is binary, not a text "
           "transcript.",
           "Export the transcript as text (.cha, .txt), as .docx or as .eaf and read that."),
        _e("CK103", "error", "Some bytes can be decoded neither as UTF-8 nor as Windows-1252 "
           "(or are broken UTF-16); they were read as U+FFFD.",
           "Re-save the file as UTF-8 and check the characters around the reported place."),
        _e("CK104", "warning", "The file is not UTF-8; it was decoded as Windows-1252 "
           "(cp1252) or UTF-16. Or it is UTF-8 with a few bytes that are not (text pasted "
           "in from elsewhere): those are read as Windows-1252 characters, the rest as "
           "UTF-8, and the warning points at the first.",
           "Re-save the file as UTF-8 (check the characters it points at).",
           "info for a whole file in Windows-1252 in formats that need not be UTF-8; an "
           "error in a CHAT file that declares `@UTF8`"),
        _e("CK105", "warning", "A line is over 100,000 characters long: is this really a "
           "transcript?",
           "Check that the file is a transcript and that its line breaks survived."),
        _e("CK106", "error", "The file's format is unknown: neither its suffix nor its "
           "contents match a format cakit reads.",
           "Give the file the suffix of its format; the message lists the suffixes cakit "
           "reads."),
        _e("CK107", "warning", "The CHAT file starts with a byte-order mark (BOM).",
           "Re-save the file as UTF-8 without a BOM."),
        _e("CK108", "error", "Not one CHAT utterance (`*SPK:` line) could be read, so "
           "`--lenient` has no talk to keep.",
           "Check that the file really is CHAT (for example not a tab-separated export "
           "under a CHAT header)."),
    ),
    _section(
        "CHAT: habits from other conventions",
        _e("CK201", "warning", "A Jefferson comment `((…))` inside a CHAT-CA file.",
           "Write non-verbal events the CHAT way: `&=description`."),
        _e("CK202", "warning", "A Jefferson cut-off `-` at the end of a word in a CHAT-CA "
           "file.",
           "Mark a cut-off with `⤆` in CHAT-CA."),
        _e("CK203", "warning", "`@UTF8` is not the first line of the CHAT file.",
           "Move `@UTF8` to the first line."),
        _e("CK204", "warning", "The colon after a main tier's speaker is followed by spaces, "
           "not one TAB.",
           "Put exactly one TAB after `*SPK:`."),
        _e("CK205", "warning", "CA mode is declared in `@Languages` (a CABNC habit) instead "
           "of `@Options`.",
           "Take `CA` out of `@Languages` and write `@Options:\\tCA`."),
        _e("CK206", "warning", "A British National Corpus tag in a main tier, left over from a "
           "conversion (CABNC has hundreds): `<pause>` or `<pause dur=N>` is read as a pause "
           "(timed when the tag gives seconds), `<unclear>` as unintelligible speech (`xxx`), "
           "and vocal events such as `<laugh>`, `<cough>` or `<singing>` as non-verbal events; "
           "never as the words \"pause\", \"unclear\" or \"laugh\".",
           "Write them the CHAT way: `(.)`, `(1.5)`, `xxx`, `&=laughs`."),
    ),
    _section(
        "Speakers and roles",
        _e("CK301", "error", "A speaker has no role (clinician, patient, carer, other): its "
           "label is not known, and cakit never guesses a role (for CHAT, only the commands "
           "that code talk check this).",
           "Map the label in the project's cakit.yaml (`roles: {Gran: carer}`) or in a "
           "`--roles` file."),
        _e("CK302", "error", "A speaker label is ambiguous: it could name more than one "
           "role (for example `C:` clinician or carer).",
           "Say who the speaker is in cakit.yaml `roles:`, in a `--roles` file or (Jefferson) "
           "in the transcript's Participants header."),
    ),
    _section(
        "Jefferson and GAT 2 transcripts",
        _e("CK303", "warning", "A line has no speaker label and there is no turn before it "
           "to continue; it is kept as a note, not as talk.",
           "Start the turn with a speaker label such as `Dr:` or `P:`."),
        _e("CK304", "warning", "A paired mark (`°…°`, `£…£`, `#…#`, `~…~`, `>…<`, `<…>`, "
           "`_…_`) is opened but not closed in the same turn.",
           "Close the mark before the turn ends, or delete the stray opening mark."),
        _e("CK305", "warning", "An overlap onset `[` has no `[` of another speaker in the "
           "same column (±2) in the turns around it, so it is not paired.",
           "Print the `[` of both speakers in the same column."),
        _e("CK306", "warning", "A `]` closes an overlap the speaker never opened with `[`.",
           "Add the `[` where the overlapping talk starts, or delete the `]`."),
        _e("CK307", "warning", "A `<` or `>` has no partner in the turn: it is neither part "
           "of `>fast<` or `<slow>` nor a hurried start (`<word`).",
           "Write `>fast<` and `<slow>` in pairs; a lone `<` goes right before a word."),
        _e("CK308", "warning", "A turn has a speaker label but no talk.",
           "Transcribe the turn or remove the empty label."),
        _e("CK309", "warning", "A file read as Jefferson looks like CHAT (it starts with "
           "`@UTF8` or `@Begin`).",
           "Give the file the .cha suffix, or read it as CHAT."),
        _e("CK310", "error", "The transcript has no content, or no line starts with a "
           "speaker label.",
           "Start each turn with a speaker label such as `Dr:` or `P:`."),
        _e("CK311", "warning", "A comment `((` or an acknowledgement `{` is never closed.",
           "Write comments as `((description))` and acknowledgements as `{mhm}`."),
        _e("CK312", "warning", "A GAT 2 span `<<label>` is never closed with `>`.",
           "Close the span with `>` after the words it covers."),
        _e("CK313", "warning", "The `(` of an uncertain hearing is never closed.",
           "Write uncertain hearings as `(word)`."),
        _e("CK314", "warning", "A line of talk has no speaker label and is not indented under "
           "the talk: it is read as more of the turn before, which may be a missing label.",
           "Start the line with its speaker's label, or indent it under the talk above."),
    ),
    _section(
        "Word .docx transcripts",
        _e("CK320", "error", "The file is not a readable .docx: not a zip archive, a damaged "
           "one, or its `word/document.xml` cannot be unpacked.",
           "Save the transcript again from Word as .docx (or as plain text)."),
        _e("CK321", "error", "The zip archive is not a Word document: it has no "
           "`word/document.xml`, or that has no document body.",
           "Save the transcript from Word as .docx."),
        _e("CK322", "error", "The archive is too big to be a transcript (over 10,000 "
           "entries, or over 50 MB unpacked); cakit refuses to unpack it.",
           "Check that this is the transcript; save the text alone as .docx or .txt."),
        _e("CK323", "error", "An entry of the archive has an unsafe path (absolute, or "
           "pointing outside the archive); cakit refuses to read it.",
           "Do not read this file; save the transcript again from Word."),
        _e("CK324", "error", "`word/document.xml` is not well-formed XML.",
           "Save the file again from Word."),
        _e("CK325", "warning", "The document has tracked changes; insertions were read as "
           "text, deletions left out.",
           "Accept or reject all changes in Word so the transcript is what you mean."),
        _e("CK326", "warning", "The document has Word comments; they are not part of the "
           "transcript and are ignored.",
           "Move anything that belongs to the transcript into the text as `((…))`."),
        _e("CK327", "error", "The document is encrypted (password-protected).",
           "Remove the password in Word and save again."),
        _e("CK328", "error", "This is an old binary Word .doc file, not a .docx.",
           "Open it in Word and save it as .docx."),
    ),
    _section(
        "Project files: configuration and codebook",
        _e("CK401", "error", "A corpus configuration file (cakit.yaml or a `--roles` file) "
           "is invalid: not UTF-8, not YAML, not a mapping, an unknown setting, an unknown "
           "role or convention, a setting or speaker label given twice (YAML would keep the "
           "last), or a `convention:` in a `--roles` file.",
           "Fix the file at the reported line; `roles:` maps speaker labels to clinician, "
           "patient, carer or other; `convention:` (cakit.yaml only) is jefferson or gat2."),
        _e("CK402", "error", "The codebook YAML is invalid (not YAML, a missing or unknown "
           "section, a malformed pattern, a bad value, a key written twice, which YAML would "
           "silently replace).",
           "Fix the codebook at the reported line; `cakit codebook check` lists every "
           "problem."),
        _e("CK403", "error", "A codebook pattern cannot be compiled by spaCy.",
           "Fix the pattern at the reported line of the codebook."),
        _e("CK404", "error", "The codebook and the annotator's rules disagree: a code no "
           "rule can give, a code the annotator gives but the codebook does not define, or a "
           "code's rule naming a step that does not exist.",
           "Give the code a rule (or remove it), define the code the annotator gives, or "
           "name an existing step in `before:`."),
        _e("CK405", "error", "A roster file (`--roster`) has a row cakit cannot use: a broken "
           "quote, more cells than the header (a file separated by semicolons or tabs), an "
           "empty name, an unknown kind, or a semicolon or tab inside a name. Nothing is "
           "skipped: a name left out would stay in clear in every shared output.",
           "Write the roster as CSV with commas: a header `text,kind`, then one name per row "
           "(kind: name, place, address, date, phone, nhs, postcode, email, id); or one name "
           "per line with no header."),
        _e("CK406", "error", "A gold annotations file (`cakit evaluate --gold`) is not one "
           "cakit can score without guessing: not valid JSON, a key that is not the "
           "export's (a misspelt `attempts` would read as no attempts), a null or mistyped "
           "value, a key written twice in one object (JSON keeps the last), or a code that "
           "points at an attempt or turn the consultation does not have.",
           "Fix the gold file at the reported line; docs/export-json.md gives the export's "
           "keys and what each holds."),
    ),
    _section(
        "Writing outputs and converting",
        _e("CK410", "error", "An output cannot be written where asked: its folder cannot be "
           "created or written (a file in the way, no permission, a read-only disk).",
           "Choose another output path, or fix the folder's permissions."),
        _e("CK411", "error", "The output path is a folder, a socket or a block device; "
           "cakit writes regular files, character devices (`/dev/null`) and FIFOs only.",
           "Give the path of a file to write."),
        _e("CK420", "warning", "Converting to Jefferson or to ELAN leaves out what the target "
           "cannot hold (dependent tiers, `@ID` details, pauses between utterances …); the "
           "warning names it.",
           "Nothing to fix: keep the source file, which still holds everything."),
        _e("CK421", "warning", "The converted file, read back, gives other figures than its "
           "source (speakers by role, turns, words, duration, overlaps, pauses, laughter, "
           "in-breaths, as `cakit summary` counts them; the words `freq` and `mlu` each count, "
           "without retraced words, fillers and fragments): the target notation cannot hold "
           "something, or writes it so that it reads differently. Codes that depend on "
           "those figures (HESITATE on pauses, SMILE_LAUGH on laughter …) can change too.",
           "Analyse the source file; if the converted one must be used, compare `cakit "
           "summary` and `cakit annotate` on both."),
    ),
    _section(
        "The annotation store",
        _e("CK430", "warning", "A coder's layer in the project's store is of a transcript "
           "that is no longer in the project: renamed and edited, moved out of the project, "
           "or deleted (or renamed, when two transcripts of the run have its bytes). Its "
           "decisions are kept, but they apply to no transcript, so no count, export or "
           "review includes them. A transcript renamed or moved without an edit takes its "
           "layers with it; an edit and a rename together cannot be told from a new "
           "transcript. Only a project's own store (annotations/store beside its "
           "cakit.yaml) is checked.",
           "If the transcript was renamed and edited: give it its old name again and run "
           "`cakit annotate` on it once (its decisions follow the edit), then rename it "
           "(they follow the rename). If it was deleted on purpose, move the layer file "
           "named out of the store to keep it, or remove it: the warning then stops."),
    ),
    _section(
        "ELAN .eaf files",
        _e("CK501", "error", "The .eaf file is not well-formed XML.",
           "The file is damaged or not XML; save it again from ELAN."),
        _e("CK502", "error", "Well-formed XML whose root element is not "
           "`ANNOTATION_DOCUMENT`: not an ELAN annotation document.",
           "Check that this is the .eaf file (not a .pfsx or another XML file)."),
        _e("CK503", "error", "An annotation refers to a time slot that `TIME_ORDER` does "
           "not define.",
           "The document is damaged; save it again from ELAN."),
        _e("CK504", "warning", "A tier is not read as speech: it has no time-aligned "
           "annotations, or no PARTICIPANT and a linguistic type unlike speech.",
           "Give each speaker's tier a PARTICIPANT and time-aligned annotations.",
           "info for a dependent tier, which is never read"),
        _e("CK505", "error", "No tier of transcribed speech at all.",
           "Give each speaker's tier a PARTICIPANT, or time-aligned annotations."),
    ),
    _section(
        "Search queries (`cakit search -q`; reported as query:1:COL)",
        _e("CK601", "error", "A term is missing: the query is empty, ends after an "
           "operator, or has an operator where a word, feature or name=value belongs.",
           "Put a term there: a word (voices), a feature (laugh) or an attribute "
           "(role=patient); docs/search.md lists them."),
        _e("CK602", "error", "A quote, a regular expression or a parenthesis is opened and "
           "never closed, or a `)` closes nothing.",
           "Close the phrase with `\"`, the expression with `/`, the group with `)`."),
        _e("CK603", "error", "Two terms stand side by side with no operator between them.",
           "Join them with `&` (and) or `|` (or); quote a phrase: \"hear voices\"."),
        _e("CK604", "error", "An unknown attribute before `=` (or `>=` …), or an operator "
           "the attribute does not take.",
           "Use an attribute search knows (role, speaker, phase, code, outcome, "
           "responds_to, rank, category, file, overlap, pitch, feature); only pause and gap "
           "compare seconds."),
        _e("CK605", "error", "A value the attribute does not take: an unknown role, phase, "
           "code, outcome or subtype, a bound that is not a number, an invalid regular "
           "expression, an empty phrase.",
           "The message suggests the nearest names; `cakit codebook show` lists the codes."),
        _e("CK606", "error", "`>>` is misplaced (at an end, inside parentheses, after `!`) "
           "or its window is not 1 to 1000 turns.",
           "Write A >> B or A >>3 B, with `>>` between whole turn patterns."),
        _e("CK607", "error", "A character that is not part of the syntax (`>`, `=`, `<`, "
           "`!` …) inside a word.",
           "Put bounds and values after a name (pause>=1, role=patient), `!` before a term, "
           "and use `>>` for 'followed by'."),
    ),
    _section(
        "CHAT validation (E numbers as in CLAN's CHECK)",
        _e("E003", "error", "The CHAT file is empty or has only blank lines.",
           "A CHAT file has at least `@UTF8`, `@Begin`, `@Participants` and `@End`."),
        _e("E101", "error", "A line is not a header (`@`), a main tier (`*`), a dependent "
           "tier (`%`) or a TAB continuation, or a TAB continuation has no line to continue.",
           "Start every line with `@`, `*`, `%` or a TAB; join a stray continuation to the "
           "line above.",
           _LENIENT + ", and the line is left out"),
        _e("E202", "error", "A word ends in `@` with no form type after it.",
           "Add the form type (`word@c`, `word@s:fra`) or delete the `@`."),
        _e("E203", "error", "An unknown form type after `@`, or a form type that cannot "
           "mark a compound.",
           "Use a form marker from the CHAT list; compounds take only `@c`, `@n`, `@f` or a "
           "language (`@s:…`)."),
        _e("E208", "error", "An empty replacement `[: ]` or `[:: ]`.",
           "Write the target words: `word [: target]`."),
        _e("E209", "error", "A whole word is written in parentheses, as if it were a "
           "shortening.",
           "Parentheses mark only the unspoken part of a word: `(be)cause`."),
        _e("E212", "warning", "An old-style `&` item (`&uh`, read as a fragment), or the "
           "omitted-affix notation `-0` in a word.",
           "Write `&-um` (filler), `&+fr` (fragment), `&~nonword` or `&=event`; code an "
           "omitted affix with `[* m]`.",
           "an error for `-0`"),
        _e("E214", "error", "The count of a repetition `[x N]` is not a number.",
           "Write `[x 3]` for something said three times."),
        _e("E220", "error", "A word contains digits: a number written in digits, or digits "
           "in a word of a language that does not write tones with them.",
           "Write numbers out as they were said (`twenty five`), or mark the word's "
           "language (`word@s:zho`).",
           _LENIENT),
        _e("E230", "error", "A CA delimiter (`°`, `∆`, `∇`, `☺` …) is opened but not closed "
           "in the utterance.",
           "Close the paired CA mark within the utterance.",
           _CA),
        _e("E241", "error", "An untranscribed marker that is not `xxx`, `yyy` or `www` "
           "(`xx`, `XXXX` …).",
           "Write `xxx` (unintelligible), `yyy` (phonetic) or `www` (untranscribed)."),
        _e("E242", "error", "A quotation mark `“` is never closed, or a `”` has no `“`.",
           "Open and close the quotation with `“ ”` in the same utterance."),
        _e("E243", "error", "A `|` inside a word on the main tier.",
           "`|` belongs on `%mor` only (part of speech | stem); delete it."),
        _e("E248", "error", "A bare `@s` in an utterance whose language is neither the "
           "first nor the second of `@Languages`, so the language it switches to is unclear.",
           "Name the language: `word@s:eng`."),
        _e("E249", "error", "A bare `@s` but `@Languages` declares no second language.",
           "Name the language (`word@s:fra`) or add it to `@Languages`."),
        _e("E252", "error", "A syllable pause `^` at the start or end of a word, not "
           "between its syllables.",
           "Write `rhi^noceros`; a block at the start of a word is `≠`."),
        _e("E256", "error", "A curly quote (U+2018 or U+2019) used as an apostrophe in a "
           "word.",
           "Write the ASCII apostrophe `'` (`don't`); quotations use `“ ”`.",
           _CA),
        _e("E258", "error", "Consecutive commas.",
           "Write a single comma, or `„` for a tag question.",
           _CA),
        _e("E303", "warning", "The colon of a header or dependent tier is followed by a "
           "space or by two TABs, not by one TAB.",
           "Put exactly one TAB after the colon."),
        _e("E304", "error", "A main tier has no speaker code (`*:`).",
           "Write the speaker's code: `*CHI:`."),
        _e("E305", "error", "A terminator problem: the utterance has no terminator, has two, "
           "or has one in the middle or glued inside a word.",
           "End each utterance with exactly one terminator (`.` `?` `!` `+...` …); use a "
           "comma inside it."),
        _e("E306", "error", "An utterance with no content, or with a terminator and nothing "
           "before it.",
           "Transcribe what was said, or write `0 .` for an action without speech.",
           _LENIENT),
        _e("E307", "error", "An invalid speaker code (on a main tier or in "
           "`@Participants`), such as `(STU)`.",
           "Use up to 7 characters from upper-case A-Z, 0-9, `_`, `-` and `'`.",
           _LENIENT),
        _e("E308", "error", "A speaker who talks is not declared in `@Participants`.",
           "Declare every speaker in `@Participants`.",
           _LENIENT),
        _e("E309", "error", "An item the main tier cannot hold: an unknown terminator or "
           "linker, the old `#` pause, or stray punctuation.",
           "Main-tier items are words, events (`&=…`), pauses, `[annotations]` and one "
           "terminator; write pauses as `(.)` or `(1.5)`.",
           _CA),
        _e("E312", "error", "A `[` is never closed with `]`, or a bracket that is not a "
           "CHAT annotation (`[...]`).",
           "Annotations look like `[: word]`, `[/]`, `[* m]`, `[= text]`; fix or delete the "
           "bracket.",
           _LENIENT),
        _e("E313", "error", "A `(` inside a word is never closed.",
           "Shortenings look like `(be)cause`; pauses like `(.)`."),
        _e("E314", "error", "A `[` with no annotation in it.",
           "Delete the stray `[`, or complete the annotation (`[: word]`, `[/]`)."),
        _e("E315", "error", "An invalid control character.",
           "Delete it: only TAB, media bullets (U+0015) and underline pairs (U+0002 U+0001 "
           "… U+0002 U+0002) may appear."),
        _e("E316", "error", "Something required is empty: a main tier `*SPK` with neither "
           "`:` nor content, or an event `&=` with no description.",
           "Write `*SPK:\\tcontent`; describe the event: `&=laughs`.",
           _LENIENT),
        _e("E320", "error", "A header is malformed: a name with a space and no `:`, an empty "
           "entry in `@Participants` (doubled comma), or a trailing comma in `@Languages`.",
           "Write `@Name:\\tvalue` and delete doubled or trailing commas."),
        _e("E323", "error", "A header, main tier or dependent tier has no `:` after its "
           "name.",
           "Write `@Name:\\tvalue`, `*SPK:\\tcontent` or `%tier:\\tcontent`.",
           _LENIENT),
        _e("E342", "error", "A group `<…>` is not followed by an annotation.",
           "Put the annotation right after the group: `<words> [/]`, `<words> [: x]`."),
        _e("E345", "error", "A group `<` is never closed with `>`.",
           "Close the group before its annotation."),
        _e("E346", "error", "A `>` closes a group that was never opened.",
           "Open the group with `<` before its first word."),
        _e("E347", "warning", "A bottom overlap `⌊` has no matching top overlap `⌈` from "
           "another speaker.",
           "Pair it with a `⌈` (same index) in the other speaker's turn just before."),
        _e("E348", "warning", "An overlap `⌈` or `⌊` is not closed in its utterance.",
           "Close it with `⌉` or `⌋` (with the same index)."),
        _e("E356", "error", "An underline is begun but not ended in the utterance.",
           "End the underline with U+0002 U+0002.",
           _CA),
        _e("E357", "error", "An underline end without an underline begin.",
           "An underline is U+0002 U+0001 … U+0002 U+0002.",
           _CA),
        _e("E358", "error", "A long feature `&{l=LABEL` is never closed.",
           "Close it with `&}l=LABEL`."),
        _e("E359", "error", "A long feature `&}l=LABEL` ends but was never begun.",
           "Open it earlier with `&{l=LABEL`, or fix the label."),
        _e("E360", "error", "A malformed media bullet.",
           "A bullet is `•start_end•` in milliseconds.",
           "a warning for an old-style skip bullet ending in `-`"),
        _e("E364", "error", "A terminator character (`.` `?` `!`) inside an event `&=…`.",
           "Put a space before the terminator: `&=laughs .`."),
        _e("E367", "error", "A nonvocal span `&{n=LABEL` is never closed.",
           "Close it with `&}n=LABEL`."),
        _e("E368", "error", "A nonvocal span `&}n=LABEL` ends but was never begun.",
           "Open it earlier with `&{n=LABEL`, or fix the label."),
        _e("E369", "error", "A malformed nonvocal or long-feature marker.",
           "Write `&{n=LABEL … &}n=LABEL`, `&{l=LABEL … &}l=LABEL`, or `&{n=LABEL}` for a "
           "single event."),
        _e("E370", "warning", "A retrace (`[/]`, `[//]` …) is not followed by the material "
           "it retraces.",
           "Write the words said again or corrected after the retrace, or remove the "
           "marker.",
           "an error when only non-speech follows it"),
        _e("E372", "error", "A quotation `“` is opened inside another quotation.",
           "Close the first quotation before opening another."),
        _e("E373", "warning", "An overlap written with index 1 (`⌈1`); the first overlap's "
           "index is implicit.",
           "Write `⌈` for the first overlap and `⌈2` … `⌈9` for later ones."),
        _e("E382", "error", "A `%mor` item has its fusional suffix `&` after its `=gloss`.",
           "Write `pos|stem&FUS-SUFFIX=gloss` (the gloss comes last)."),
        _e("E387", "error", "A fragment (`&+fr`) has a replacement `[: …]`.",
           "Replacements follow real words; delete the replacement."),
        _e("E388", "error", "A nonword (`&~…`) has a replacement `[: …]`.",
           "Replacements follow real words; delete the replacement."),
        _e("E389", "error", "A filler (`&-um`) has a replacement `[: …]`.",
           "Replacements follow real words; delete the replacement."),
        _e("E391", "error", "A replacement word is untranscribed (`xxx`) or omitted "
           "(`0word`).",
           "A replacement gives the real target word(s)."),
        _e("E401", "error", "The same dependent tier appears twice on one utterance.",
           "Merge the two lines into one tier."),
        _e("E404", "error", "A dependent tier with no main tier before it.",
           "Dependent tiers follow the `*SPK:` line they describe."),
        _e("E502", "error", "`@Begin` or `@End` is missing or repeated, or a header or "
           "utterance comes after `@End` (or an utterance before `@Begin`).",
           "A CHAT file has one `@Begin` after `@UTF8` and ends with one `@End`.",
           _LENIENT),
        _e("E503", "error", "The `@UTF8` header is missing.",
           "Make `@UTF8` the first line.",
           _LENIENT),
        _e("E504", "error", "An `@ID` has no language.",
           "The first `@ID` field is the ISO 639-3 language, e.g. `eng`.",
           _LENIENT),
        _e("E505", "error", "An `@ID` does not have 10 fields ending with `|`, or has no "
           "speaker code.",
           "Write `@ID:\\tlang|corpus|code|age|sex|group|SES|role|education|custom|`.",
           _LENIENT),
        _e("E507", "error", "`@Participants` or `@Languages` is empty.",
           "List the speakers (`CHI Target_Child, MOT Mother`) or the languages (`eng`).",
           _LENIENT),
        _e("E508", "error", "An empty date.",
           "Write the date as DD-MON-YYYY, e.g. `15-OCT-1962`.",
           _LENIENT),
        _e("E517", "error", "An `@ID` age is not written years;months.days with two-digit "
           "months and days.",
           "Write ages like `2;06.15`, `1;08.` or `34;`.",
           _LENIENT),
        _e("E519", "error", "A language code (in `@Languages` or `@ID`) is not three "
           "lower-case letters.",
           "Use ISO 639-3 codes such as `eng`, `fra`, `deu`.",
           _LENIENT),
        _e("E522", "error", "The `@Participants` header is missing, or a participant has no "
           "`@ID`.",
           "Declare the speakers in `@Participants` and give each one an `@ID`.",
           _LENIENT),
        _e("E523", "error", "An `@ID` for a speaker who is not in `@Participants`.",
           "Add the speaker to `@Participants` or fix the code in `@ID`.",
           _LENIENT),
        _e("E524", "error", "A header about a participant (`@Birth of`, `@Birthplace of`, "
           "`@L1 of`) names a code not in `@Participants`.",
           "Declare the speaker in `@Participants` or fix the code.",
           _LENIENT),
        _e("E525", "error", "An unknown header name, or an `@Page` value that is not a page "
           "number.",
           "CHAT has a closed list of headers; put free text in `@Comment`.",
           _LENIENT),
        _e("E526", "error", "A gem `@Bg` is never closed with `@Eg`.",
           "Close the gem with `@Eg` (with the same label)."),
        _e("E527", "error", "An `@Eg` has no matching `@Bg`.",
           "Every `@Eg` closes an earlier `@Bg` with the same label."),
        _e("E529", "error", "A lazy gem `@G` has no label, or a `@Bg` is opened again "
           "before its `@Eg`.",
           "Write `@G:\\tlabel`; close a `@Bg` gem with `@Eg` before reopening it."),
        _e("E530", "error", "A lazy gem `@G` inside an open `@Bg` gem.",
           "Close the `@Bg` gem with `@Eg` before a lazy `@G` gem."),
        _e("E531", "error", "The `@Media` name differs from the transcript's file name.",
           "Name the media after the transcript: `@Media:\\tsession1, audio`.",
           _LENIENT),
        _e("E532", "error", "A participant's role is missing or not in the CHAT list, or "
           "the `@ID` role differs from the `@Participants` role.",
           "Use a CHAT role (`Therapist`, `Participant`, `Mother` …), the same in `@ID` and "
           "`@Participants`.",
           _LENIENT),
        _e("E533", "error", "`@Options` is empty.",
           "Write `@Options:\\tCA`, or delete the header.",
           _LENIENT),
        _e("E534", "error", "An unknown `@Options` value.",
           "CHAT accepts CA, NoAlign, bullets, multi, dummy.",
           _LENIENT),
        _e("E535", "error", "`@Media` lacks a file name or a type, or names a remote media "
           "URL that is not quoted.",
           "Write `@Media:\\tsession1, audio`; quote a URL: `\"https://…\"`.",
           _LENIENT),
        _e("E536", "error", "The `@Media` type is not audio, video or missing, or its status "
           "is not unlinked, missing or notrans.",
           "Write e.g. `@Media:\\tsession1, audio, unlinked`.",
           _LENIENT),
        _e("E540", "error", "An `@Time Duration` value is not a clock-time range.",
           "Write e.g. `10:00-11:00`.",
           _LENIENT),
        _e("E541", "error", "An `@Time Start` value is not a clock time.",
           "Write e.g. `8:30:31`.",
           _LENIENT),
        _e("E542", "error", "The sex in an `@ID` is neither male nor female.",
           "Write `male` or `female`, or leave the field empty.",
           _LENIENT),
        _e("E544", "error", "`@Media` declares linked media but no utterance has a timing "
           "bullet.",
           "Add `, unlinked` (or `, missing`) to `@Media`, or link the transcript to its "
           "media.",
           _LENIENT),
        _e("E545", "error", "A date is not written DD-MON-YYYY.",
           "Write e.g. `15-OCT-1962`.",
           _LENIENT),
        _e("E546", "error", "An SES value in an `@ID` is outside the CHAT list.",
           "Use an ethnicity (White, Black, Asian …) and/or a code (UC, MC, WC, LI).",
           _LENIENT),
        _e("E549", "error", "A participant is declared twice in `@Participants`.",
           "List each code once.",
           _LENIENT),
        _e("E550", "error", "A trailing comma in `@Participants`.",
           "Delete the comma after the last participant.",
           _LENIENT),
        _e("E552", "error", "`@Media` says unlinked or notrans but the file has timing "
           "bullets.",
           "Remove the bullets, or drop the status from `@Media` if the transcript is "
           "linked."),
        _e("E604", "error", "A `%gra` tier without a `%mor` tier.",
           "`%gra` relations index the `%mor` items; add `%mor` or drop `%gra`."),
        _e("E605", "error", "An unknown dependent tier name.",
           "Use a standard tier (`%mor`, `%gra`, `%com`, `%act` …); user-defined tiers "
           "start with `%x`."),
        _e("E701", "error", "A bullet's start is not before its end, or starts before the "
           "same speaker's previous bullet.",
           "Check the times: a bullet is `•start_end•` with start < end, and each "
           "speaker's bullets run forwards."),
        _e("E705", "error", "`%mor` has fewer items than the main tier has words.",
           "Give each main-tier word one `%mor` item."),
        _e("E706", "error", "`%mor` has more items than the main tier has words.",
           "Give each main-tier word one `%mor` item."),
        _e("E708", "error", "A `%gra` item is not `index|head|RELATION`.",
           "Write relations like `1|2|SUBJ`."),
        _e("E713", "error", "A `%gra` head points beyond the `%mor` chunks.",
           "A head is 0 (the root) or the index of another `%mor` chunk."),
        _e("E716", "error", "`%mor` lacks the main tier's terminator.",
           "End `%mor` with the main tier's terminator."),
        _e("E720", "error", "`%gra` has a different number of relations than `%mor` has "
           "chunks.",
           "Write one `%gra` relation per `%mor` word and clitic."),
        _e("E721", "error", "The `%gra` indexes are out of sequence.",
           "Number the relations 1, 2, 3 …"),
        _e("E722", "error", "`%gra` has no root (no relation with head 0).",
           "Make exactly one relation the root, e.g. `2|0|ROOT`."),
        _e("E723", "error", "`%gra` has more than one ROOT relation.",
           "Make exactly one relation the ROOT."),
        _e("E724", "error", "The `%gra` relations form a cycle.",
           "Every chain of heads must end at the root (0)."),
        _e("E747", "error", "A blank line.",
           "CHAT files have no blank lines; delete it.",
           "a warning after `@End`, and with --lenient"),
        _e("E748", "error", "A bullet time has a leading zero.",
           "Write bullet times as plain milliseconds: 12, not 012."),
        _e("E751", "error", "A pause is glued to a word.",
           "Put spaces around `(.)` and `(1.5)`.",
           _CA),
        _e("E752", "warning", "The file has media bullets but no `@Media` header.",
           "Name the recording: `@Media:\\tbasename, audio`."),
        _e("E753", "error", "A word is only a repeated segment `↫…↫`.",
           "Attach the repeated segment to the word it repeats: `↫p↫parents`."),
        _e("E754", "error", "`@l` marks more than a single letter.",
           "Use `@k` for a letter sequence, `@ls` for a letter plural."),
        _e("E755", "error", "The utterance's language (`[- lang]`) is not declared in "
           "`@Languages`.",
           "Add the language to `@Languages`, or fix the precode."),
        _e("E756", "error", "An empty dependent tier.",
           "Add the content or delete the tier."),
        _e("E758", "error", "A space after the TAB before a main tier's content (outside "
           "CA mode).",
           "Delete the space after the TAB."),
        _e("E759", "error", "An annotation `[…]` with nothing to attach to.",
           "Put the annotation after the word or `<group>` it is about."),
        _e("E760", "error", "A `%mor` item has an empty part of speech.",
           "Every item is `pos|stem`, e.g. `n|dog`."),
        _e("E766", "error", "A linker (`++`, `+^`, `+<` …) is not at the start of the "
           "utterance.",
           "Linkers open the utterance; move it to the start."),
        _e("W210", "warning", "A terminator is glued to the word before it (`hello.`), outside "
           "CA mode.",
           "Put a space before the terminator: `hello .`."),
    ),
    _section(
        "Internal errors",
        _e("CK900", "error", "An unexpected internal error while annotating one file; that "
           "file is left out and the others are coded.",
           "This is a bug in cakit: please report it with the file (if you may share it)."),
    ),
)

#: code → entry, in catalogue order (sections, then code)
CATALOGUE: Mapping[str, Entry] = MappingProxyType(
    {entry.code: entry for section in _SECTIONS for entry in section}
)

#: the catalogue's sections, in order
AREAS: tuple[str, ...] = tuple(section[0].area for section in _SECTIONS)

_CODE = re.compile(r"^(?:CK|E|W)\d{3}$")


def normal_code(code: str) -> str:
    """A code as cakit writes it: `ck304 ` → `CK304`."""
    return code.strip().upper()


def is_known(code: str) -> bool:
    return normal_code(code) in CATALOGUE


def explain(code: str) -> Entry:
    """The catalogue entry for `code` (case and surrounding spaces do not matter).

    Raises:
        UnknownComponentError: no such code; the message suggests close ones.
    """
    key = normal_code(code)
    entry = CATALOGUE.get(key)
    if entry is not None:
        return entry
    close = difflib.get_close_matches(key, list(CATALOGUE), n=3, cutoff=0.6)
    shape = "" if _CODE.match(key) else " (codes look like CK304 or E517)"
    hint = (f"did you mean {', '.join(close)}?" if close
            else "`cakit explain --all` lists every code")
    raise UnknownComponentError(f"unknown diagnostic code {code.strip()!r}{shape}; {hint}")


def all_entries() -> tuple[Entry, ...]:
    """Every entry, sorted by code (CK…, then E…, then W…)."""
    return tuple(sorted(CATALOGUE.values(), key=lambda entry: entry.code))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(entries: Iterable[Entry] | None = None) -> str:
    """The catalogue (or the given entries) as a markdown document, by section."""
    chosen = list(CATALOGUE.values()) if entries is None else list(entries)
    lines = [
        "# Diagnostic codes",
        "",
        "This file is generated from the catalogue in `cakit/diagnostics.py` by",
        "`cakit explain --all --format md > docs/diagnostics.md`; edit the catalogue and run",
        "that command again (a test checks that the two agree).",
        "",
        "Every problem cakit reports has a code: `path:line:col: CODE message`.",
        "`CK` codes are cakit's own; `E` codes (and `W210`) check CHAT and are numbered as in",
        "CLAN's CHECK program. An **error** makes `cakit validate` exit with 1; a **warning**",
        "or an **info** note does not. The severity is the usual one; where a code is",
        "sometimes reported with another, the brackets say when. `cakit explain CODE` prints",
        "one entry, and `cakit validate --ignore CODE` hides a code.",
    ]
    for area in AREAS:
        rows = [entry for entry in chosen if entry.area == area]
        if not rows:
            continue
        lines += ["", f"## {area}", "", "| Code | Severity | Meaning | What to do |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| {entry.code} | {_cell(entry.severity_text)} | {_cell(entry.meaning)} | "
                  f"{_cell(entry.hint)} |" for entry in sorted(rows, key=lambda e: e.code)]
    return "\n".join(lines) + "\n"


__all__ = ["AREAS", "CATALOGUE", "Entry", "all_entries", "explain", "is_known", "markdown",
           "normal_code"]
