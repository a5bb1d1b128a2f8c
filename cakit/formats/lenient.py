"""`--lenient`: CHAT problems that do not change the talk become warnings.

Real corpora (CABNC, older TalkBank files) carry header details the CHAT manual forbids but
every reader copes with: an age `60;1.1`, a role `Customer`, `@Options: heritage`, blank
lines, a missing `@End`. `relax()` is a post-filter of a reader's diagnostics: the listed
codes are re-issued as warnings (same code, place and message, hint saying they were
relaxed); everything else is untouched. The transcript model is the same either way, so
what is converted is exactly what was read; the warnings list what may be missing.

A file in which no utterance could be read at all (a tab-separated BNC export with a CHAT
header) is never relaxed: there is nothing to convert, and it gets error CK108.
"""

from __future__ import annotations

from dataclasses import replace

from cakit.model import Diagnostic, ParseResult, SourceSpan

#: Header-level codes: the talk reads the same whether or not they are fixed.
HEADER_CODES: dict[str, str] = {
    "E502": "missing @Begin/@End, or headers after @End",
    "E503": "missing @UTF8",
    "E504": "@ID without a language",
    "E505": "@ID with the wrong number of fields",
    "E507": "empty @Participants/@Languages",
    "E508": "empty date",
    "E517": "age not written years;months.days (60;1.1)",
    "E519": "unknown language code",
    "E522": "participant without @ID",
    "E523": "@ID for a code not in @Participants",
    "E524": "header naming a code not in @Participants",
    "E525": "unknown header name",
    "E531": "@Media name that differs from the file name",
    "E532": "role outside the CHAT list (Adult, Customer …)",
    "E533": "empty @Options",
    "E534": "unknown @Options value (heritage)",
    "E535": "@Media without a type",
    "E536": "unknown media type or status",
    "E540": "time value not hh:mm:ss",
    "E541": "time value not hh:mm:ss",
    "E542": "sex other than male/female",
    "E544": "@Media declared but no bullet",
    "E545": "date not DD-MON-YYYY",
    "E546": "SES value outside the CHAT list",
    "E549": "participant declared twice",
    "E550": "trailing comma in a header",
    "E747": "blank line",
}

#: Line-level codes the reader recovers from: the line is kept as read (or, for E101, left
#: out), and the warning names it, so a converted file says what it may have lost.
LINE_CODES: dict[str, str] = {
    "E101": "a line that is not CHAT (left out of the conversion)",
    "E220": "digits in a word (the word is kept as written)",
    "E306": "a terminator with nothing before it",
    "E307": "an invalid speaker code such as (STU)",
    "E308": "a speaker missing from @Participants",
    "E312": "a bracket that is not a CHAT annotation ([...])",
    "E316": "a main tier with no ':' after the speaker",
    "E323": "a main tier with no ':' after the speaker",
}

LENIENT_CODES: dict[str, str] = {**HEADER_CODES, **LINE_CODES}
LENIENT_HINT = "pass --lenient to read header-level and recoverable problems as warnings"
NO_TALK = "CK108"


def relax(result: ParseResult) -> ParseResult:
    """The result with every LENIENT_CODES error re-issued as a warning.

    A result with no utterance keeps its errors and gains CK108 (nothing to convert).
    """
    if not result.errors:
        return result
    if not result.transcript.utterances:
        source = result.transcript.source
        extra = Diagnostic(NO_TALK, "error", "no CHAT utterance (*SPK: line) could be read; "
                           "the file is not CHAT", SourceSpan(source, 1, 1),
                           "--lenient relaxes header problems, but there is no talk to keep")
        diagnostics = (*result.diagnostics, extra)
        return ParseResult(replace(result.transcript, diagnostics=diagnostics), diagnostics)
    relaxed = tuple(_relaxed(diagnostic) for diagnostic in result.diagnostics)
    return ParseResult(replace(result.transcript, diagnostics=relaxed), relaxed)


def _relaxed(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.severity != "error" or diagnostic.code not in LENIENT_CODES:
        return diagnostic
    hint = f"relaxed by --lenient ({LENIENT_CODES[diagnostic.code]})"
    return replace(diagnostic, severity="warning", hint=hint)


def relaxable(diagnostics: tuple[Diagnostic, ...]) -> bool:
    """True when some error is one `--lenient` would relax (worth saying so)."""
    return any(d.code in LENIENT_CODES for d in diagnostics if d.severity == "error")


__all__ = ["HEADER_CODES", "LENIENT_CODES", "LENIENT_HINT", "LINE_CODES", "relax", "relaxable"]
