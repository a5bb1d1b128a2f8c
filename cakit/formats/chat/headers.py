"""CHAT header values: `@Participants`, `@ID`, `@Options`, `@Languages`, `@Media`, dates.

Each function parses one header value and reports what breaks the CHAT rules at the exact
column, with the TalkBank error code (the CHAT manual's header rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cakit.formats._diag import Collector
from cakit.model import ParticipantId, Role

#: Participant roles of the CHAT manual (closed list, case-sensitive; E532).
CHAT_ROLES = frozenset({
    "Target_Child", "Target_Adult", "Child", "Mother", "Father", "Brother", "Sister", "Sibling",
    "Grandfather", "Grandmother", "Relative", "Participant", "Therapist", "Informant", "Subject",
    "Investigator", "Partner", "Boy", "Girl", "Adult", "Teenager", "Male", "Female", "Visitor",
    "Friend", "Playmate", "Caretaker", "Environment", "Group", "Unidentified", "Uncertain", "Other",
    "Text", "Media", "PlayRole", "LENA", "Justification", "Teacher", "Student", "Doctor", "Nurse",
    "Speaker", "Narrator", "Host", "Guest", "Leader", "Member", "Justice", "Attorney", "Audience",
    "Interpreter", "Observer", "Camera_Operator", "Babysitter", "Husband", "Wife", "Aunt", "Uncle",
    "Cousin"
})

#: CHAT role → cakit role (docs/codebook.md). A corpus `cakit.yaml` can override per code or
#: per CHAT role. Roles that say nothing about who someone is in a consultation (Adult,
#: Speaker, Unidentified …) are left out: such a speaker's role stays unknown, never guessed.
CHAT_ROLE_MAP: dict[str, Role] = {
    "Doctor": "clinician",
    "Therapist": "clinician",
    "Nurse": "clinician",
    "Participant": "patient",
    "Target_Adult": "patient",
    "Subject": "patient",
    "Target_Child": "patient",
    "Child": "patient",
    "Mother": "carer",
    "Father": "carer",
    "Brother": "carer",
    "Sister": "carer",
    "Sibling": "carer",
    "Grandfather": "carer",
    "Grandmother": "carer",
    "Relative": "carer",
    "Partner": "carer",
    "Husband": "carer",
    "Wife": "carer",
    "Friend": "carer",
    "Caretaker": "carer",
    "Aunt": "carer",
    "Uncle": "carer",
    "Cousin": "carer",
    # people present who are neither the patient, a clinician nor family
    "Investigator": "other",
    "Interpreter": "other",
    "Observer": "other",
    "Camera_Operator": "other",
    "Student": "other",
    "Teacher": "other",
    "Visitor": "other",
    "Audience": "other",
    "Environment": "other",
    "Media": "other",
    "Text": "other",
    "Other": "other",
}

def chat_role(code: str, role: str, overrides: Mapping[str, Role]) -> Role:
    """A CHAT speaker's cakit role: the corpus map by speaker code, then by CHAT role (any
    case), then the CHAT role table, then the built-in label table by code (`DOC`, `PAT`,
    `MUM` …); "unknown" when none says, never a guess. A speaker declared `Unidentified`
    is unknown whatever its code: the file says who it is not known (cakit writes a
    Jefferson `REG = unknown` so, which must not come back as a registrar)."""
    from cakit.formats.jefferson.roles import DEFAULT_LABELS

    if overrides:
        lowered = {key.lower(): value for key, value in overrides.items()}
        for key in (code, role):
            if key and key.lower() in lowered:
                return lowered[key.lower()]
    if role in CHAT_ROLE_MAP:
        return CHAT_ROLE_MAP[role]
    if role == "Unidentified":
        return "unknown"
    return DEFAULT_LABELS.get(code.lower(), "unknown")


OPTIONS = frozenset({"CA", "NoAlign", "dummy", "bullets", "multi", "CA-Unicode", "IPA"})

#: Header names of the CHAT manual's closed list (E525 for anything else). `Birth of`,
#: `Birthplace of` and `L1 of` take a participant code and are matched by prefix.
KNOWN_HEADERS = frozenset({
    "UTF8", "PID", "Begin", "End", "Languages", "Participants", "Options", "ID", "Media", "Date",
    "Location", "Situation", "Activities", "Transcriber", "Coder", "Transcription", "Types",
    "Number", "Warning", "Videos", "Thumbnail", "Font", "Window", "Comment", "Bg", "Eg", "G",
    "Blank", "Page", "Bck", "T"
}) | frozenset(
    {"Time Duration", "Time Start", "Recording Quality", "Room Layout", "Tape Location",
     "Color words", "New Episode"}
)
PARTICIPANT_HEADERS = ("Birth of ", "Birthplace of ", "L1 of ")

#: Speaker codes: up to 7 characters from upper-case A-Z, digits, _ - ' (and + for the
#: joint speakers some corpora write, `CHI+MOT`).
_SPEAKER_CODE = re.compile(r"^[A-Z0-9_'\-+]{1,7}$")
#: Ages: years; then two-digit months, then optionally a two-digit day (E517).
_AGE = re.compile(r"^~?\d{1,3};(?:\d{2}(?:\.(?:\d{2})?)?)?$")
_DATE = re.compile(r"^\d{2}-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-\d{4}$")
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_SES_ETHNIC = {"White", "Black", "Asian", "Latino", "Pacific", "Native", "Multiple", "Unknown"}
_SES_CODE = {"UC", "MC", "WC", "LI"}
_SEX = {"", "male", "female"}


def parse_participants(
    value: str, line: int, col: int, diag: Collector
) -> list[tuple[str, str, str]]:
    """`CODE [Name …] Role, …` → [(code, name, role)]; reports E532/E549/E550/E320."""
    entries: list[tuple[str, str, str]] = []
    if not value.strip():
        diag.add("E507", "error", "@Participants is empty", line, col,
                 hint="list the speakers: CHI Target_Child, MOT Mother")
        return entries
    stripped = value.rstrip()
    if stripped.endswith(","):
        diag.add("E550", "error", "trailing comma in @Participants", line, col + len(stripped) - 1,
                 hint="delete the comma after the last participant")
    seen: set[str] = set()
    offset = 0
    for part in value.split(","):
        fields = part.split()
        where = col + offset + (len(part) - len(part.lstrip()))
        offset += len(part) + 1
        if not fields:
            if part is not value.split(",")[-1]:
                diag.add("E320", "error", "empty entry in @Participants", line, where,
                         hint="delete the doubled comma")
            continue
        code = fields[0]
        if not _SPEAKER_CODE.match(code):
            diag.add("E307", "error", f"invalid speaker code {code!r}", line, where,
                     hint="codes are up to 7 characters from upper-case A-Z, 0-9, _ - '")
        if len(fields) == 1:
            diag.add("E532", "error", f"participant {code} has no role", line, where,
                     hint="write CODE [Name] Role, e.g. PAT Kevin Participant")
            entries.append((code, "", ""))
            continue
        role = fields[-1]
        name = " ".join(fields[1:-1])
        if role not in CHAT_ROLES:
            diag.add("E532", "error", f"unknown participant role {role!r} for {code}", line,
                     where, hint="roles come from the CHAT manual's list (e.g. Therapist, "
                     "Participant, Mother)")
        if code in seen:
            diag.add("E549", "error", f"participant {code} declared twice", line, where,
                     hint="each code appears once in @Participants")
        seen.add(code)
        entries.append((code, name, role))
    return entries


def parse_id(value: str, line: int, col: int, diag: Collector) -> ParticipantId | None:
    """The ten `@ID` fields; reports E505 (shape), E517 (age), E542 (sex), E546 (SES)."""
    fields = value.split("|")
    if len(fields) != 11 or fields[-1].strip():
        diag.add("E505", "error", f"@ID needs 10 fields ending with '|' (found {len(fields) - 1})",
                 line, col, hint="lang|corpus|code|age|sex|group|SES|role|education|custom|")
        fields = (fields + [""] * 11)[:11]
    stripped = [f.strip() for f in fields]
    language, corpus, code, age, sex, group, ses, role, education, custom = stripped[:10]
    if not language:
        diag.add("E504", "error", "@ID has no language", line, col,
                 hint="the first @ID field is the ISO 639-3 language, e.g. eng")
    else:
        for lang in language.split(","):
            lang = lang.strip()
            if not _LANGUAGE.match(lang):
                diag.add("E519", "error", f"invalid language code {lang!r} in @ID", line, col,
                         hint="use ISO 639-3 codes such as eng, fra, deu")
    if not code:
        diag.add("E505", "error", "@ID has no speaker code", line, col,
                 hint="the third @ID field is the speaker code, e.g. CHI")
    if age and not _AGE.match(age):
        diag.add("E517", "error", f"invalid age {age!r}", line, col,
                 hint="ages are years;months.days with two-digit months and days: 2;06.15, "
                 "1;08. or 34;")
    if sex not in _SEX:
        diag.add("E542", "error", f"invalid sex {sex!r}", line, col, hint="male or female")
    if ses:
        for part in ses.split(","):
            part = part.strip()
            if part and part not in _SES_ETHNIC and part not in _SES_CODE:
                diag.add("E546", "error", f"invalid SES value {part!r}", line, col,
                         hint="ethnicity (White, Black, Asian …) and/or code (UC, MC, WC, LI)")
    if role and role not in CHAT_ROLES:
        diag.add("E532", "error", f"unknown role {role!r} in @ID", line, col,
                 hint="roles come from the CHAT manual's list (e.g. Therapist, Mother)")
    return ParticipantId(
        language=language, corpus=corpus, code=code, age=age, sex=sex, group=group, ses=ses,
        role=role, education=education, custom=custom,
    )


def check_languages(value: str, line: int, col: int, diag: Collector) -> tuple[str, ...]:
    stripped = value.strip()
    if not stripped:
        diag.add("E507", "error", "@Languages is empty", line, col,
                 hint="name the languages: @Languages:\\teng")
        return ()
    if stripped.endswith(","):
        diag.add("E320", "error", "trailing comma in @Languages", line, col + len(stripped) - 1,
                 hint="delete the comma after the last language")
    languages = tuple(part.strip() for part in stripped.split(",") if part.strip())
    for lang in languages:
        if not _LANGUAGE.match(lang):
            diag.add("E519", "error", f"invalid language code {lang!r}", line, col,
                     hint="use ISO 639-3 codes such as eng, fra, deu")
    return languages


_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_TIME_START = re.compile(rf"^{_CLOCK}$")
_TIME_DURATION = re.compile(rf"^{_CLOCK}(?:-{_CLOCK})?(?:\s*[;,]\s*{_CLOCK}(?:-{_CLOCK})?)*$")


def check_time(name: str, value: str, line: int, col: int, diag: Collector) -> None:
    """`@Time Start:\t8:30:31` (E541), `@Time Duration:\t10:00-11:00` (E540)."""
    start = name == "Time Start"
    pattern = _TIME_START if start else _TIME_DURATION
    if not pattern.match(value.strip()):
        diag.add("E541" if start else "E540", "error", f"@{name} value {value.strip()!r} is "
                 "not a clock time" + ("" if start else " range"), line, col,
                 hint="e.g. 8:30:31" if start else "e.g. 10:00-11:00")


def check_options(value: str, line: int, col: int, diag: Collector) -> tuple[str, ...]:
    options = tuple(part.strip() for part in value.split(",") if part.strip())
    if not options:
        diag.add("E533", "error", "@Options is empty", line, col,
                 hint="write @Options:\tCA, or delete the header")
    for option in options:
        if option not in OPTIONS:
            diag.add("E534", "error", f"unknown @Options value {option!r}", line, col,
                     hint="CHAT accepts CA, NoAlign, bullets, multi, dummy")
    return options


def check_header_name(name: str, value: str, line: int, col: int, diag: Collector) -> None:
    """E525 for a header name outside the CHAT list; `@Page` needs a page number."""
    if name in KNOWN_HEADERS:
        if name == "Page" and value and not value.isdigit():
            diag.add("E525", "error", f"@Page value {value!r} is not a page number", line, col,
                     hint="write @Page:\t12 (digits only)")
        return
    if name.startswith(PARTICIPANT_HEADERS):
        return
    diag.add("E525", "error", f"unknown header @{name}", line, 1,
             hint="CHAT has a closed list of headers; put free text in @Comment")


def check_date(value: str, line: int, col: int, diag: Collector) -> None:
    if not value.strip():
        diag.add("E508", "error", "empty date", line, col,
                 hint="write DD-MON-YYYY, e.g. 15-OCT-1962")
    elif not _DATE.match(value.strip()):
        diag.add("E545", "error", f"date {value.strip()!r} is not DD-MON-YYYY", line, col,
                 hint="e.g. 15-OCT-1962")


def check_media(
    value: str, line: int, col: int, diag: Collector, stem: str
) -> tuple[str, str, str]:
    """`basename, audio|video|missing[, unlinked|missing|notrans]` → (basename, type, status)."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) < 2:
        diag.add("E535", "error", "@Media needs a file name and a type", line, col,
                 hint="e.g. @Media:\tsession1, audio")
        return (parts[0] if parts else "", "", "")
    name, kind = parts[0], parts[1]
    if kind not in ("audio", "video", "missing"):
        diag.add("E536", "error", f"media type {kind!r} is not audio, video or missing", line,
                 col, hint="e.g. @Media:\\tsession1, audio")
    status = parts[2] if len(parts) > 2 else ""
    if status and status not in ("unlinked", "missing", "notrans"):
        diag.add("E536", "error", f"unknown media status {status!r}", line, col,
                 hint="the status is unlinked, missing or notrans")
    if name.startswith(("http:", "https:")) and not name.startswith('"'):
        diag.add("E535", "error", "a remote media URL must be quoted", line, col,
                 hint='write the URL in double quotes: "https://…"')
    base = name.strip('"').rsplit("/", 1)[-1]
    base_stem = base.rsplit(".", 1)[0] if "." in base and not name.startswith('"') else base
    # A corpus flattened out of its folder tree names files dir__name.cha (as the chatter
    # reference corpus does); the media name then matches the last path part.
    if stem and stem not in (base, base_stem) and not stem.endswith(
        ("__" + base, "__" + base_stem)
    ) and not name.startswith('"'):
        diag.add("E531", "error", f"media name {base!r} does not match the file name {stem!r}",
                 line, col, hint=f"name the media after the transcript: @Media:\t{stem}, "
                 f"{kind or 'audio'}")
    return name, kind, status
