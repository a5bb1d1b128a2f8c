"""CHAT header values: `@Participants`, `@ID`, `@Options`, `@Languages`, `@Media`, dates.

Each function parses one header value and reports what breaks the CHAT rules at the exact
column, with the TalkBank error code (NOTATION.md §C.2).
"""

from __future__ import annotations

import re

from cakit.formats._diag import Collector
from cakit.model import ParticipantId, Role

#: Participant roles of the CHAT manual (closed list, case-sensitive; E532).
CHAT_ROLES = frozenset(
    """Target_Child Target_Adult Child Mother Father Brother Sister Sibling Grandfather
    Grandmother Relative Participant Therapist Informant Subject Investigator Partner Boy Girl
    Adult Teenager Male Female Visitor Friend Playmate Caretaker Environment Group
    Unidentified Uncertain Other Text Media PlayRole LENA Justification Teacher Student
    Doctor Nurse Speaker Narrator Host Guest Leader Member Justice Attorney Audience
    Interpreter Observer Camera_Operator Babysitter Husband Wife Aunt Uncle Cousin""".split()
)

#: CHAT role → cakit role (CODEBOOK §6.1). A corpus `cakit.yaml` can override per code.
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
}

OPTIONS = frozenset({"CA", "NoAlign", "dummy", "bullets", "multi", "CA-Unicode", "IPA"})
_SPEAKER_CODE = re.compile(r"^[A-Za-z0-9_'\-+]{1,7}$")
_AGE = re.compile(r"^~?\d{1,3};(?:\d{1,2}(?:\.\d{0,2})?)?$")
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
        diag.add("E507", "error", "@Participants is empty", line, col)
        return entries
    stripped = value.rstrip()
    if stripped.endswith(","):
        diag.add("E550", "error", "trailing comma in @Participants", line, col + len(stripped) - 1)
    seen: set[str] = set()
    offset = 0
    for part in value.split(","):
        fields = part.split()
        where = col + offset + (len(part) - len(part.lstrip()))
        offset += len(part) + 1
        if not fields:
            if part is not value.split(",")[-1]:
                diag.add("E320", "error", "empty entry in @Participants", line, where)
            continue
        code = fields[0]
        if not _SPEAKER_CODE.match(code):
            diag.add("E307", "error", f"invalid speaker code {code!r}", line, where,
                     hint="codes are up to 7 characters from A-Z 0-9 _ - '")
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
            diag.add("E549", "error", f"participant {code} declared twice", line, where)
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
        diag.add("E504", "error", "@ID has no language", line, col)
    else:
        for lang in language.split(","):
            lang = lang.strip()
            if not _LANGUAGE.match(lang):
                diag.add("E519", "error", f"invalid language code {lang!r} in @ID", line, col)
    if not code:
        diag.add("E505", "error", "@ID has no speaker code", line, col)
    if age and not _AGE.match(age):
        diag.add("E517", "error", f"invalid age {age!r}", line, col,
                 hint="ages look like 2;06.15 or 34;")
    if sex not in _SEX:
        diag.add("E542", "error", f"invalid sex {sex!r}", line, col, hint="male or female")
    if ses:
        for part in ses.split(","):
            part = part.strip()
            if part and part not in _SES_ETHNIC and part not in _SES_CODE:
                diag.add("E546", "error", f"invalid SES value {part!r}", line, col,
                         hint="ethnicity (White, Black, Asian …) and/or code (UC, MC, WC, LI)")
    if role and role not in CHAT_ROLES:
        diag.add("E532", "error", f"unknown role {role!r} in @ID", line, col)
    return ParticipantId(
        language=language, corpus=corpus, code=code, age=age, sex=sex, group=group, ses=ses,
        role=role, education=education, custom=custom,
    )


def check_languages(value: str, line: int, col: int, diag: Collector) -> tuple[str, ...]:
    stripped = value.strip()
    if not stripped:
        diag.add("E507", "error", "@Languages is empty", line, col)
        return ()
    if stripped.endswith(","):
        diag.add("E320", "error", "trailing comma in @Languages", line, col + len(stripped) - 1)
    languages = tuple(part.strip() for part in stripped.split(",") if part.strip())
    for lang in languages:
        if not _LANGUAGE.match(lang):
            diag.add("E519", "error", f"invalid language code {lang!r}", line, col,
                     hint="use ISO 639-3 codes such as eng, fra, deu")
    return languages


def check_options(value: str, line: int, col: int, diag: Collector) -> tuple[str, ...]:
    options = tuple(part.strip() for part in value.split(",") if part.strip())
    for option in options:
        if option not in OPTIONS:
            diag.add("E534", "error", f"unknown @Options value {option!r}", line, col,
                     hint="CHAT accepts CA, NoAlign, bullets, multi, dummy")
    return options


def check_date(value: str, line: int, col: int, diag: Collector) -> None:
    if not value.strip():
        diag.add("E508", "error", "empty date", line, col)
    elif not _DATE.match(value.strip()):
        diag.add("E545", "error", f"date {value.strip()!r} is not DD-MON-YYYY", line, col,
                 hint="e.g. 15-OCT-1962")


def check_media(value: str, line: int, col: int, diag: Collector, stem: str) -> tuple[str, str]:
    """`basename, audio|video|missing[, unlinked|missing|notrans]` → (basename, status)."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) < 2:
        diag.add("E535", "error", "@Media needs a file name and a type", line, col,
                 hint="e.g. @Media:\tsession1, audio")
        return (parts[0] if parts else "", "")
    name, kind = parts[0], parts[1]
    if kind not in ("audio", "video", "missing"):
        diag.add("E536", "error", f"media type {kind!r} is not audio, video or missing", line,
                 col)
    status = parts[2] if len(parts) > 2 else ""
    if status and status not in ("unlinked", "missing", "notrans"):
        diag.add("E536", "error", f"unknown media status {status!r}", line, col)
    if name.startswith(("http:", "https:")) and not name.startswith('"'):
        diag.add("E535", "error", "a remote media URL must be quoted", line, col)
    base = name.strip('"').rsplit("/", 1)[-1]
    base_stem = base.rsplit(".", 1)[0] if "." in base and not name.startswith('"') else base
    if stem and base_stem != stem and not name.startswith('"'):
        diag.add("E531", "warning", f"media name {base!r} does not match the file name {stem!r}",
                 line, col)
    return name, status
