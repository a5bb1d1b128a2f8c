"""The CHAT reader: text → `Transcript`, every problem a `Diagnostic` at its exact line.

One bad line never loses the file: each logical line is read on its own and every problem
is collected (or raised on the first error in strict mode). With `tokenize=False` only
headers, speakers, bullets and turns are read, for corpus-wide counts that need no words.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cakit.formats._diag import Collector, ErrorMode
from cakit.formats._lines import LogicalLine, join_continuations
from cakit.formats._text import split_lines
from cakit.formats.chat import headers as hdr
from cakit.formats.chat.tiers import KNOWN_TIERS, check_gra, check_mor, mor_items
from cakit.formats.chat.tokens import MainTier, tokenize_main
from cakit.model import (
    DependentTier,
    Event,
    Gap,
    Header,
    MediaTime,
    ParseResult,
    Participant,
    Role,
    Transcript,
    Utterance,
)
from cakit.notation import pause_value
from cakit.turns import derive_turns, turn_breaks

_BARE_HEADERS = frozenset({"Begin", "End", "Blank", "New Episode", "UTF8", "Bg", "Eg", "G"})
#: A pause alone on a continuation line, maybe with its bullet: the gap after a turn,
#: `(0.5)`, `(.)`, `(1:02.5)` or, as CABNC also writes it, `(.7)`.
_GAP_LINE = re.compile(
    r"^\t\s*(\((?:\.{1,3}|\d+(?::\d+)?\.\d*|\.\d+)\))\s*(\x15(\d+)_(\d+)-?\x15)?\s*$")
_BULLET_ANY = re.compile(r"\x15(\d+)_(\d+)-?\x15")
_CONTROL = re.compile(r"[\x00\x03-\x08\x0b\x0c\x0e-\x14\x16-\x1f\x7f]")
#: U+0001 and U+0002 are legal only as the underline pairs U+0002 U+0001 / U+0002 U+0002.
_UNDERLINE_SCAN = re.compile(r"\x02[\x01\x02]|(?P<stray>[\x01\x02])")
_SPEAKER = re.compile(r"^[A-Z0-9_'\-+]{1,7}$")
_PRE_BEGIN = frozenset({"UTF8", "PID", "Font", "Window", "Color words"})


@dataclass(slots=True)
class _Pending:
    """An utterance under construction (dependent tiers still to come)."""

    speaker: str
    line: int
    col: int
    end_line: int
    content: str
    main: MainTier | None
    tiers: list[DependentTier] = field(default_factory=list)
    mor: tuple[str, ...] | None = None


def parse_chat(
    text: str,
    *,
    source: str = "<string>",
    errors: ErrorMode = "collect",
    tokenize: bool = True,
    sha256: str = "",
    roles: Mapping[str, Role] | None = None,
    stem: str = "",
    check_tiers: bool = False,
) -> ParseResult:
    """Read CHAT text.

    Args:
        text: the decoded file.
        source: path used in diagnostics and spans.
        errors: "raise" stops at the first error (`ParseError`); "collect" keeps going.
        tokenize: False reads headers, speakers, bullets and turns only.
        sha256: hash of the source bytes, recorded on the transcript.
        roles: speaker code or CHAT role → cakit role, overriding the defaults.
        stem: file name without suffix, for the `@Media` name check (default: from
            `source`).
        check_tiers: check the structure of %mor and %gra tiers against the main tier
            (about a fifth of reading time on morphologically tagged corpora; nothing that
            analyses talk uses those tiers, so only `cakit validate` and `cakit convert`
            ask for it).

    Raises:
        ParseError: in "raise" mode, on the first error.
    """
    lines = split_lines(text)
    diag = Collector(source, lines, errors)
    if not stem and not source.startswith("<"):
        stem = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    reader = _Reader(lines, diag, tokenize=tokenize, stem=stem, check_tiers=check_tiers)
    # Reading builds many small acyclic objects; the cyclic collector would rescan them
    # again and again (~6% of reading time) and can find nothing to free. It is paused
    # for the parse only and left as it was found.
    collecting = gc.isenabled()
    gc.disable()
    try:
        reader.run()
        return reader.finish(source=source, sha256=sha256, roles=roles or {})
    finally:
        if collecting:
            gc.enable()


class _Reader:
    def __init__(self, lines: list[str], diag: Collector, *, tokenize: bool, stem: str,
                 check_tiers: bool = False) -> None:
        self.lines = lines
        self.diag = diag
        self.tokenize = tokenize
        self.check_tiers = check_tiers
        self.stem = stem
        self.headers: list[Header] = []
        self.pending: list[_Pending] = []
        self.gaps: list[Gap] = []
        self.participants: list[tuple[str, str, str, int]] = []
        self.ids: dict[str, tuple[int, object]] = {}
        self.options: tuple[str, ...] = ()
        self.ca = False
        self.begin_lines: list[int] = []
        self.end_lines: list[int] = []
        self.utf8_line = 0
        self.media_status = ""
        self.media_kind = ""
        self.media_line = 0
        self.has_media_header = False
        self.languages: tuple[str, ...] = ()
        self.gems: list[tuple[str, int]] = []  # open @Bg gems: (label, line)
        self.person_headers: list[tuple[str, int]] = []  # @Birth of X …: (code, line)
        # open long features / nonvocal spans across the file: (type, label) → positions
        self.long_open: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self.seen_speakers: set[str] = set()
        self.after_end = False
        self.last_utterance: _Pending | None = None

    # -- the line loop -------------------------------------------------------------------
    def run(self) -> None:
        lines = self.lines
        count = len(lines)
        if count == 0 or not any(line.strip() for line in lines):
            self.diag.add("E003", "error", "file has no content", 1, 1,
                          hint="a CHAT file has at least @UTF8, @Begin, @Participants and @End")
            return
        i = 0
        while i < count:
            raw = lines[i]
            if not raw:
                self.diag.add("E747", "warning" if self.after_end else "error", "blank line",
                              i + 1, 1, hint="CHAT files have no blank lines; delete it")
                i += 1
                continue
            first = raw[0]
            if first == "\t":
                self.diag.add("E101", "error", "continuation line with nothing to continue",
                              i + 1, 1, hint="a TAB-initial line continues the line above; "
                              "join it to a header or tier, or delete the TAB")
                i += 1
                continue
            if first == "*":
                i = self._main(i)
                continue
            if first == "%" and not self.tokenize:
                # headers+speakers+turns reading skips dependent tiers (and their checks)
                i += 1
                while i < count and lines[i].startswith("\t"):
                    i += 1
                continue
            ll, i = join_continuations(lines, i)
            if _CONTROL.search(ll.text) or "\x02" in ll.text or "\x01" in ll.text:
                self._controls(ll)
            if first == "@":
                self._header(ll)
            elif first == "%":
                self._dependent(ll)
            else:
                self.diag.add("E101", "error", "line is not a header (@), main tier (*), "
                              "dependent tier (%) or TAB continuation", ll.first_line, 1,
                              hint="every CHAT line starts with @, *, % or a TAB")

    def _controls(self, ll: LogicalLine) -> None:
        """E315: C0 control characters other than TAB, bullets and underline pairs."""
        text = ll.text
        bad = _CONTROL.search(text)
        if bad is None and ("\x01" in text or "\x02" in text):
            bad = next((m for m in _UNDERLINE_SCAN.finditer(text) if m.group("stray")), None)
        if bad is not None:
            self.diag.add("E315", "error", f"invalid control character U+{ord(bad.group()):04X}",
                          *ll.position(bad.start()),
                          hint="delete it; only TAB, media bullets (U+0015) and underline "
                          "pairs (U+0002 U+0001 … U+0002 U+0002) may appear")

    # -- headers -------------------------------------------------------------------------
    def _header(self, ll: LogicalLine) -> None:
        text = ll.text
        line = ll.first_line
        colon = text.find(":")
        name_end = colon if colon > 0 else len(text)
        name = text[1:name_end].rstrip()
        value = ""
        if colon > 0:
            rest = text[colon + 1 :]
            if not rest.startswith("\t") and rest.strip():
                self.diag.add("E303", "warning", f"@{name}: is followed by a space, not a TAB",
                              line, colon + 2, hint="CHAT puts exactly one TAB after the colon")
            elif rest.startswith("\t\t"):
                self.diag.add("E303", "warning", f"@{name}: is followed by two TABs", line,
                              colon + 2, hint="CHAT puts exactly one TAB after the colon")
            value = rest.strip()
            value_col = colon + 1 + (len(rest) - len(rest.lstrip())) + 1
        else:
            value_col = len(text) + 1
            if name not in _BARE_HEADERS:
                self.diag.add("E323" if " " not in name else "E320", "error",
                              f"header @{name} has no ':'", line, len(text) + 1,
                              hint="write @Name:\\tvalue")
        position = len(self.pending)
        self.headers.append(Header(name=name, value=value, line=line, position=position))
        hdr.check_header_name(name, value, line, value_col, self.diag)
        if self.after_end:
            self.diag.add("E502", "error", f"@{name} after @End", line, 1,
                          hint="@End is the last line; move the header above it")
        if name == "UTF8":
            self.utf8_line = line
            if self.headers and len(self.headers) > 1:
                earlier = [h.name for h in self.headers[:-1]]
                if earlier != ["Font"] and earlier != ["Window"] and any(
                    h not in _PRE_BEGIN for h in earlier
                ):
                    self.diag.add("CK203", "warning", "@UTF8 is not the first line", line, 1,
                                  hint="CHAT files start with @UTF8")
        elif name == "Begin":
            self.begin_lines.append(line)
        elif name == "End":
            self.end_lines.append(line)
            self.after_end = True
        elif name == "Participants":
            for code, person, role in hdr.parse_participants(value, line, value_col, self.diag):
                self.participants.append((code, person, role, line))
        elif name == "ID":
            participant_id = hdr.parse_id(value, line, value_col, self.diag)
            if participant_id is not None and participant_id.code:
                self.ids[participant_id.code] = (line, participant_id)
        elif name == "Options":
            self.options = hdr.check_options(value, line, value_col, self.diag)
            self.ca = self.ca or any(option.startswith("CA") for option in self.options)
        elif name == "Languages":
            if "CA" in (part.strip() for part in value.split(",")):
                # CABNC CA-lite habit: CA mode declared as a "language"
                self.ca = True
                self.diag.add("CK205", "warning", "CA mode is declared in @Languages", line,
                              value_col + value.find("CA"),
                              hint="CHAT declares CA mode with @Options:\tCA")
                value = ", ".join(p.strip() for p in value.split(",") if p.strip() != "CA")
            self.languages = hdr.check_languages(value, line, value_col, self.diag)
        elif name == "Date":
            hdr.check_date(value, line, value_col, self.diag)
        elif name == "Media":
            self.has_media_header = True
            _, self.media_kind, self.media_status = hdr.check_media(
                value, line, value_col, self.diag, self.stem
            )
            self.media_line = line
        elif name in ("Bg", "Eg", "G"):
            self._gem(name, value, line)
        elif name == "Time Duration" or name == "Time Start":
            hdr.check_time(name, value, line, value_col, self.diag)
        elif name.startswith(hdr.PARTICIPANT_HEADERS):
            code = name.split(" of ", 1)[1].strip()
            self.person_headers.append((code, line))
            if name.startswith("Birth of ") and value:
                hdr.check_date(value, line, value_col, self.diag)

    def _gem(self, name: str, label: str, line: int) -> None:
        """Gems: @Bg/@Eg pair by label (they may interleave); @G is a lazy gem (E526–E530)."""
        if name == "G":
            if not label:
                self.diag.add("E529", "error", "@G needs a label", line, 1,
                              hint="write @G:\tlabel")
            elif self.gems:
                self.diag.add("E530", "error", f"lazy gem @G {label} inside the @Bg "
                              f"{self.gems[-1][0] or '(unlabelled)'} gem", line, 1,
                              hint="close the @Bg gem with @Eg before a lazy @G gem")
            return
        if name == "Bg":
            if any(open_label == label for open_label, _ in self.gems):
                self.diag.add("E529", "error", f"@Bg {label or '(unlabelled)'} opened again "
                              "before its @Eg", line, 1, hint="close it with @Eg first")
            self.gems.append((label, line))
            return
        for position in range(len(self.gems) - 1, -1, -1):
            if self.gems[position][0] == label:
                del self.gems[position]
                return
        self.diag.add("E527", "error", f"@Eg {label or '(unlabelled)'} has no matching @Bg",
                      line, 1, hint="every @Eg closes an earlier @Bg with the same label")

    # -- main tiers ----------------------------------------------------------------------
    def _main(self, i: int) -> int:
        lines = self.lines
        count = len(lines)
        # peel pause-only continuation lines off the end: they are gaps between speakers
        end = i + 1
        while end < count and lines[end].startswith("\t"):
            end += 1
        gap_start = end
        while gap_start - 1 > i and _GAP_LINE.match(lines[gap_start - 1]):
            gap_start -= 1
        ll, _ = join_continuations(lines, i, gap_start)
        text = ll.text
        line = ll.first_line
        colon = text.find(":")
        head = text[1:colon] if colon >= 0 else text[1:]
        no_colon = colon < 0 or " " in head or "\t" in head
        if no_colon:
            # no colon after the speaker: keep the line as an utterance all the same
            parts = text[1:].split(None, 1)
            speaker = parts[0] if parts else ""
            self.diag.add("E323" if len(parts) > 1 else "E316", "error",
                          f"main tier '*{speaker}' has no ':' after the speaker", line, 2,
                          hint="write *SPK:\tcontent")
            offset0 = text.find(parts[1], 1 + len(speaker)) if len(parts) > 1 else len(text)
            colon = 1 + len(speaker)
        else:
            speaker = head
            rest = text[colon + 1 :]
            if rest.startswith("\t"):
                offset0 = colon + 2
                if rest.startswith("\t ") and not self.ca and rest.strip():
                    self.diag.add("E758", "error", f"space before the content of *{speaker}:",
                                  line, colon + 3, hint="delete the space after the TAB (only "
                                  "CA files may align content with spaces)")
            else:
                stripped = rest.lstrip(" \t")
                if not stripped:
                    offset0 = len(text)
                else:
                    self.diag.add("CK204", "warning", f"*{speaker}: is followed by spaces, not "
                                  "one TAB", line, colon + 2, hint="CHAT puts exactly one TAB "
                                  "after the colon")
                    offset0 = colon + 1 + (len(rest) - len(stripped))
        if not _SPEAKER.match(speaker):
            self.diag.add("E307" if speaker else "E304", "error",
                          f"invalid speaker code {speaker!r}" if speaker else
                          "main tier has no speaker code", line, 2,
                          hint="speaker codes are up to 7 characters from upper-case A-Z, "
                          "0-9, _ - ' (e.g. *CHI:)")
        content = text[offset0:]
        if _CONTROL.search(text) or "\x02" in text or "\x01" in text:
            self._controls(ll)
        if not content.strip() and not no_colon:
            self.diag.add("E306", "error", f"*{speaker}: has no content", line, colon + 2,
                          hint="transcribe what was said, or write 0 . for an action")
        if speaker and speaker not in self.seen_speakers:
            self.seen_speakers.add(speaker)
            if self.participants and speaker not in {p[0] for p in self.participants}:
                self.diag.add("E308", "error", f"speaker {speaker} is not in @Participants",
                              line, 2, hint="declare every speaker in @Participants")
        if self.after_end:
            self.diag.add("E502", "error", "utterance after @End", line, 1,
                          hint="@End is the last line; move the utterance above it")
        if not self.begin_lines:
            self.diag.add("E502", "error", "utterance before @Begin", line, 1,
                          hint="start the file with @UTF8 and @Begin")
        main: MainTier | None = None
        if self.tokenize:
            main = tokenize_main(content, offset0, ll, ca=self.ca, diag=self.diag,
                                 languages=self.languages)
            self._check_main(main, line, colon + 2)
            if main.long_features:
                self._long_features(main)
        pending = _Pending(speaker, line, colon + 2, ll.last_line, content, main)
        self.pending.append(pending)
        self.last_utterance = pending
        self._gaps(i, gap_start, end)
        return end

    def _long_features(self, main: MainTier) -> None:
        """Pair `&{l=X` … `&}l=X` (and `&{n=…`) across utterances: spans may cross lines."""
        for begin, kind, label, line, col in main.long_features:
            key = (kind, label)
            if begin:
                self.long_open.setdefault(key, []).append((line, col))
                continue
            stack = self.long_open.get(key)
            if stack:
                stack.pop()
                continue
            name = "long feature" if kind == "l" else "nonvocal span"
            self.diag.add("E359" if kind == "l" else "E368", "error",
                          f"{name} &}}{kind}={label} ends but was never begun", line, col,
                          hint=f"open it earlier with &{{{kind}={label}, or fix the label")

    def _gaps(self, i: int, gap_start: int, end: int) -> None:
        for k in range(gap_start, end):
            match = _GAP_LINE.match(self.lines[k])
            if not match:
                continue
            pause = pause_value(match.group(1))
            media = MediaTime(int(match.group(3)), int(match.group(4))) if match.group(2) else None
            self.gaps.append(
                Gap(text=self.lines[k][1:].strip(), duration=pause[0] if pause else None,
                    line=k + 1, col=self.lines[k].find("(") + 1, position=len(self.pending),
                    media=media)
            )

    def _check_main(self, main: MainTier, line: int, col: int) -> None:
        if (not main.terminator and not self.ca and main.tokens) or (
            not main.terminator and not self.ca and not main.tokens and main.events
            and any(e.kind not in ("bullet",) for e in main.events)
        ):
            self.diag.add("E305", "error", "utterance has no terminator", line, col,
                          hint="end the utterance with . ? ! or +... (CA mode may omit it)")
        if main.open_spans:
            # CA-lite transcripts let ° and friends run across lines: a warning in CA mode.
            self.diag.add("E230", "warning" if self.ca else "error", "a CA delimiter "
                          "(° ∆ ∇ ☺ …) is opened but not closed in this utterance", line, col,
                          hint="paired CA marks balance within the utterance")
        if main.media is not None and not self.has_media_header:
            pass  # reported once at the end (E752)

    # -- dependent tiers -----------------------------------------------------------------
    def _dependent(self, ll: LogicalLine) -> None:
        text = ll.text
        line = ll.first_line
        colon = text.find(":")
        if colon < 0:
            self.diag.add("E323", "error", "dependent tier has no ':'", line, 1,
                          hint="write %tier:\\tcontent, e.g. %com:\\tlaughs")
            return
        name = text[1:colon]
        rest = text[colon + 1 :]
        if not rest.startswith("\t"):
            self.diag.add("E303", "warning", f"%{name}: is followed by a space, not a TAB",
                          line, colon + 2, hint="CHAT puts exactly one TAB after the colon")
        value = rest.strip()
        col = colon + 2
        owner = self.last_utterance
        if owner is None:
            self.diag.add("E404", "error", f"%{name} tier with no main tier before it", line, 1,
                          hint="dependent tiers follow the *SPK: line they describe")
            return
        if name not in KNOWN_TIERS and not name.startswith("x"):
            self.diag.add("E605", "error", f"unknown dependent tier %{name}", line, 2,
                          hint="standard tiers are %mor %gra %pho %com %act …; user-defined "
                          "tiers start with %x")
        if owner.tiers and any(tier.name == name for tier in owner.tiers):
            self.diag.add("E401", "error", f"%{name} appears twice on one utterance", line, 2,
                          hint="merge the two lines into one tier")
        if not value:
            self.diag.add("E756", "error", f"%{name} is empty", line, col,
                          hint="add the content or delete the tier")
        items: tuple[str, ...] = ()
        if name in ("mor", "gra") and self.tokenize:
            items = mor_items(value)
            if name == "mor" and self.check_tiers:
                value_start = colon + 1 + (len(rest) - len(rest.lstrip()))
                check_mor(items, owner.main, line, col, self.diag, value,
                          lambda offset: ll.position(value_start + offset))
                owner.mor = items
            elif name == "gra" and self.check_tiers:
                check_gra(items, owner.mor, line, col, self.diag)
        media = tuple(
            MediaTime(int(m.group(1)), int(m.group(2))) for m in _BULLET_ANY.finditer(value)
        ) if "\x15" in value else ()
        owner.tiers.append(DependentTier(name, value, line, col, items, media))

    # -- assembling the transcript -------------------------------------------------------
    def finish(self, *, source: str, sha256: str, roles: Mapping[str, Role]) -> ParseResult:
        diag = self.diag
        lines = self.lines
        if lines and any(line.strip() for line in lines):
            if not self.utf8_line:
                diag.add("E503", "error", "missing @UTF8 header", 1, 1,
                         hint="the first line of a CHAT file is @UTF8")
            if len(self.begin_lines) != 1:
                diag.add("E502", "error", "missing @Begin" if not self.begin_lines else
                         "@Begin appears more than once", (self.begin_lines or [1])[-1], 1,
                         hint="a CHAT file has exactly one @Begin, after @UTF8")
            if len(self.end_lines) != 1:
                where = self.end_lines[-1] if self.end_lines else len(lines)
                diag.add("E502", "error", "missing @End" if not self.end_lines else
                         "@End appears more than once", where, 1,
                         hint="a CHAT file ends with @End")
            if not self.participants:
                diag.add("E522", "error", "missing @Participants header", 1, 1,
                         hint="declare the speakers: @Participants:\\tCHI Target_Child, MOT Mother")
        participant_codes = {p[0] for p in self.participants}
        for (kind, label), positions in self.long_open.items():
            name = "long feature" if kind == "l" else "nonvocal span"
            for line, col in positions:
                diag.add("E358" if kind == "l" else "E367", "error",
                         f"{name} &{{{kind}={label} is never closed", line, col,
                         hint=f"close it with &}}{kind}={label}")
        for label, line in self.gems:
            diag.add("E526", "error", f"@Bg {label or '(unlabelled)'} is never closed", line, 1,
                     hint=f"close the gem with @Eg{(':' + chr(9) + label) if label else ''}")
        for code, line in self.person_headers:
            if participant_codes and code not in participant_codes:
                diag.add("E524", "error", f"header names {code}, who is not in @Participants",
                         line, 1, hint="declare the speaker in @Participants or fix the code")
        for code, _, _, line in self.participants:
            if code not in self.ids:
                text = lines[line - 1] if 0 < line <= len(lines) else ""
                diag.add("E522", "error", f"participant {code} has no @ID header", line,
                         max(text.find(code), 0) + 1,
                         hint=f"add @ID:\tlang|corpus|{code}|age|sex|group|SES|role|"
                         "education|custom|")
        for code, (line, _) in self.ids.items():
            if participant_codes and code not in participant_codes:
                diag.add("E523", "error", f"@ID for {code}, who is not in @Participants", line, 1,
                         hint="add the speaker to @Participants or fix the code in @ID")
        participants = []
        for code, name, role, line in self.participants:
            participant_id = self.ids.get(code, (0, None))[1]
            id_role = getattr(participant_id, "role", "")
            if id_role and role and id_role != role:
                diag.add("E532", "error",
                         f"@ID role {id_role!r} differs from @Participants role {role!r} for "
                         f"{code}", self.ids[code][0], 1,
                         hint="use the same role in @ID and @Participants")
            cakit_role = hdr.chat_role(code, role, roles)
            participants.append(
                Participant(code=code, role=cakit_role, name=name, label_role=role, line=line,
                            id=participant_id)  # type: ignore[arg-type]
            )
        utterances = self._utterances()
        if self.tokenize:
            utterances = _pair_overlaps(utterances, diag)
            has_bullets = any(u.media is not None for u in utterances)
            if has_bullets and not self.has_media_header:
                first = next(u for u in utterances if u.media is not None)
                diag.add("E752", "warning", "media bullets but no @Media header", first.line, 1,
                         hint="name the recording: @Media:\\tbasename, audio")
            _check_bullets(utterances, diag)
        self._check_media_linkage(utterances)
        role_by_code = {p.code: p.role for p in participants}
        turns = derive_turns(utterances, lambda code: role_by_code.get(code, "unknown"),
                             turn_breaks(self.gaps, self.headers))
        metadata = tuple((h.name, h.value) for h in self.headers if h.position == 0 and h.value)
        transcript = Transcript(
            id=self.stem or source.rsplit("/", 1)[-1].rsplit(".", 1)[0],
            source=source,
            format="chat",
            sha256=sha256,
            headers=tuple(self.headers),
            participants=tuple(participants),
            utterances=tuple(utterances),
            gaps=tuple(self.gaps),
            turns=turns,
            options=self.options,
            metadata=metadata,
            diagnostics=tuple(diag.items),
            line_count=len(lines),
        )
        return ParseResult(transcript, tuple(diag.items))

    def _check_media_linkage(self, utterances: list[Utterance]) -> None:
        """E544: linked media without any timing; E552: unlinked/notrans with timing."""
        if not self.has_media_header:
            return
        first_bullet = 0
        for utterance in utterances:
            if utterance.media is not None or any(e.kind == "bullet" for e in utterance.events):
                first_bullet = utterance.line
                break
            timed = next((tier for tier in utterance.tiers if tier.media), None)
            if timed is not None:
                first_bullet = timed.line
                break
        status = self.media_status
        if status in ("unlinked", "notrans") and first_bullet:
            self.diag.add("E552", "error", f"@Media says {status} but the file has timing "
                          "bullets", first_bullet, 1,
                          hint="remove the bullets, or drop '" + status + "' from @Media if the "
                          "transcript is linked")
        elif self.media_kind in ("audio", "video") and not status and not first_bullet and (
            utterances
        ):
            self.diag.add("E544", "error", f"@Media declares linked {self.media_kind} but no "
                          "utterance has a timing bullet", self.media_line, 1,
                          hint="add ', unlinked' (or ', missing') to @Media, or link the "
                          "transcript to its media")

    def _utterances(self) -> list[Utterance]:
        utterances: list[Utterance] = []
        for index, pending in enumerate(self.pending):
            main = pending.main
            if main is not None:
                utterances.append(
                    Utterance(
                        id=f"u{index + 1}", index=index, speaker=pending.speaker,
                        line=pending.line, col=pending.col, end_line=pending.end_line,
                        content=pending.content, tokens=tuple(main.tokens),
                        events=tuple(main.events), terminator=main.terminator,
                        media=main.media, tiers=tuple(pending.tiers), tokenized=True,
                    )
                )
            else:
                media = None
                last = pending.content.rstrip()
                if last.endswith("\x15"):
                    match = _BULLET_ANY.search(last[last.rfind("\x15", 0, len(last) - 1):])
                    if match:
                        media = MediaTime(int(match.group(1)), int(match.group(2)))
                utterances.append(
                    Utterance(
                        id=f"u{index + 1}", index=index, speaker=pending.speaker,
                        line=pending.line, col=pending.col, end_line=pending.end_line,
                        content=pending.content, media=media, tiers=tuple(pending.tiers),
                        tokenized=False,
                    )
                )
        return utterances


def _pair_overlaps(utterances: list[Utterance], diag: Collector) -> list[Utterance]:
    """Link each top overlap onset (⌈) to the bottom onset (⌊) of another speaker.

    Pairing is by index and order: the earliest unpaired top with the same index from a
    different speaker, within the preceding few utterances.
    """
    open_tops: list[tuple[int, int, str, int, str]] = []  # (utt, event, speaker, number, link)
    links: dict[tuple[int, int], str] = {}
    counter = 0
    for u_index, utterance in enumerate(utterances):
        if not utterance.events:
            continue
        for e_index, event in enumerate(utterance.events):
            if event.kind != "overlap":
                continue
            if event.label == "top_begin":
                counter += 1
                link = f"ov{counter}"
                open_tops.append((u_index, e_index, utterance.speaker, event.number, link))
                links[(u_index, e_index)] = link
            elif event.label == "bottom_begin":
                match = None
                for candidate in open_tops:
                    if (
                        candidate[3] == event.number
                        and candidate[2] != utterance.speaker
                        and u_index - candidate[0] <= 8
                    ):
                        match = candidate
                        break
                if match is None:
                    diag.add("E347", "warning", f"bottom overlap {event.text} has no matching "
                             "top overlap ⌈ from another speaker", event.line, event.col,
                             hint="pair it with a ⌈ (same index) in another speaker's turn "
                             "just before")
                    continue
                open_tops.remove(match)
                links[(u_index, e_index)] = match[4]
        # tops older than 8 utterances can no longer be paired
        stale = [t for t in open_tops if u_index - t[0] > 8]
        for top in stale:
            open_tops.remove(top)
    if not links:
        return utterances
    result = list(utterances)
    touched = {u for u, _ in links}
    for u_index in touched:
        utterance = result[u_index]
        events = list(utterance.events)
        for (u, e), link in links.items():
            if u == u_index:
                events[e] = replace(events[e], link=link)
        result[u_index] = replace(utterance, events=tuple(events))
    _link_ends(result)
    return result


def _link_ends(utterances: list[Utterance]) -> None:
    """Give each overlap end (⌉ ⌋) the link of the onset before it in the same utterance."""
    for index, utterance in enumerate(utterances):
        if not any(e.kind == "overlap" and e.link for e in utterance.events):
            continue
        events = list(utterance.events)
        current: dict[tuple[str, int], str] = {}
        changed = False
        for position, event in enumerate(events):
            if event.kind != "overlap":
                continue
            side = event.label.split("_")[0]
            if event.label.endswith("begin") and event.link:
                current[(side, event.number)] = event.link
            elif event.label.endswith("end") and not event.link:
                link = current.get((side, event.number))
                if link:
                    events[position] = replace(event, link=link)
                    changed = True
        if changed:
            utterances[index] = replace(utterance, events=tuple(events))


def _check_bullets(utterances: list[Utterance], diag: Collector) -> None:
    last_start: dict[str, int] = {}
    for utterance in utterances:
        media = utterance.media
        if media is None:
            continue
        previous = last_start.get(utterance.speaker)
        if previous is not None and media.start_ms < previous:
            diag.add("E701", "error", f"bullet starts at {media.start_ms} ms, before this "
                     f"speaker's previous bullet ({previous} ms)", utterance.line, 1,
                     hint="check the times: each speaker's bullets run forwards")
        last_start[utterance.speaker] = media.start_ms


__all__ = ["Event", "parse_chat"]
