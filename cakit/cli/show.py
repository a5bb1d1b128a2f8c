"""`cakit show FILE [--lines A-B] [--no-color]`: a transcript in the terminal, Jefferson style.

Lines carry the physical line numbers of the source file (the numbers an analyst cites and
the numbers every diagnostic and annotation uses), speakers are coloured by role, and CA
marks stay visible: any transcript, CHAT included, is laid out as Jefferson text with its
overlap brackets aligned.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from cakit.cli._common import (
    consoles,
    handle_errors,
    roles_option,
)
from cakit.errors import UsageError

ROLE_STYLES = {
    "clinician": "bold blue",
    "patient": "bold green",
    "carer": "bold magenta",
    "other": "bold cyan",
    "unknown": "bold red",
}
#: CA marks highlighted in the talk: overlaps, latches, pauses, comments, delivery marks.
MARK_STYLES: tuple[tuple[str, str], ...] = (
    (r"\(\([^)]*\)\)", "italic dim"),
    (r"\((?:\.|\d*\.\d+|\d+(?:\.\d*)?|-{1,3})\)|\.\.\.", "cyan"),
    (r"\[\[?|\]\]?", "bold yellow"),
    (r"=", "bold yellow"),
    (r"[°£$#~↑↓<>_]", "yellow"),
    (r"\{[^}]*\}", "dim"),
    (r"\[\d+(?::\d\d)+\.\d–\d+(?::\d\d)+\.\d\]", "dim"),  # media bullet times
)
_RANGE = re.compile(r"^\s*(\d*)\s*(?:-\s*(\d*))?\s*$")


def parse_range(text: str | None) -> tuple[int, int] | None:
    """`"10-20"` → (10, 20); `"10-"`, `"-20"` and `"15"` work too.

    Raises:
        UsageError: the range is not of that form or runs backwards.
    """
    if text is None:
        return None
    match = _RANGE.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise UsageError(f"--lines expects A-B (e.g. 10-40), not {text!r}")
    start = int(match.group(1)) if match.group(1) else 1
    if match.group(2):
        end = int(match.group(2))
    elif "-" in text:
        end = 1 << 30
    else:
        end = start
    if end < start:
        raise UsageError(f"--lines {text}: the range runs backwards")
    return start, end


@click.command()
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--lines", "line_range", metavar="A-B", help="Show only source lines A to B.")
@roles_option
@click.option("--convention", type=click.Choice(["jefferson", "gat2"]), default=None,
              help="How to read Jefferson marks (gat2: capitals = accent). Default: the "
              "project's cakit.yaml `convention:`, else jefferson.")
@click.option("--no-color", is_flag=True, help="Plain output.")
@handle_errors
def show(
    path: str, line_range: str | None, roles_file: str | None, convention: str | None,
    no_color: bool,
) -> None:
    """Show a transcript with its source line numbers and speakers coloured by role.

    Any transcript (CHAT, Jefferson, Word) is laid out as Jefferson text, media bullets as
    times ([00:33.9–00:44.3], hours as 1:02:03.4). Problems found
    while reading are printed after it; the exit code is 1 if there were errors.
    """
    from rich.text import Text

    from cakit.config import load_roles_file
    from cakit.formats import read
    from cakit.formats.jefferson.writer import render_lines
    from cakit.media import readable_bullets, time_span

    wanted = parse_range(line_range)
    roles = load_roles_file(Path(roles_file)) if roles_file else None
    result = read(path, roles=roles, convention=convention)  # type: ignore[arg-type]
    transcript = result.transcript
    out, err = consoles(no_color)
    rows = render_lines(transcript, media=True, bullet=time_span)
    heads = [h for h in transcript.headers if h.position == 0 and h.name not in
             ("UTF8", "Begin", "End", "ID", "Options", "PID", "Font", "Window", "phase", "note")
             and (not transcript.utterances or h.line < transcript.utterances[0].line)]
    numbers = [row.source_line for row in rows] + [h.line for h in heads]
    width = len(str(max(numbers, default=1)))
    label_width = max((len(row.label) for row in rows), default=0) + 1
    shown = 0
    if wanted is None:
        roles_line = Text(f"{transcript.source} ({transcript.format}) ", style="bold")
        for participant in transcript.participants:
            roles_line.append(f" {participant.code}", style=ROLE_STYLES[participant.role])
            roles_line.append(f"={participant.role}", style="dim")
        out.print(roles_line)
    for header in heads:
        if wanted is not None and not wanted[0] <= header.line <= wanted[1]:
            continue
        prefix = "@" if transcript.format == "chat" else ""
        out.print(Text.assemble((f"{header.line:>{width}}  ", "dim"),
                                (f"{prefix}{header.name}: {readable_bullets(header.value)}",
                                 "dim")))
        shown += 1
    for row in rows:
        if wanted is not None and not wanted[0] <= row.source_line <= wanted[1]:
            continue
        label = f"{row.label}:" if row.label else ""
        line = Text.assemble(
            (f"{row.source_line:>{width}}  ", "dim"),
            (f"{label:<{label_width}}", ROLE_STYLES.get(row.role, "") if row.label else ""),
            "  ",
        )
        content = Text(readable_bullets(row.content), style="dim" if row.kind != "talk" else "")
        for pattern, style in MARK_STYLES:
            content.highlight_regex(pattern, style)
        line.append_text(content)
        out.print(line)
        shown += 1
    if wanted is not None and not shown:
        err.print(f"no lines of {path} in {line_range}", style="yellow", markup=False,
                  soft_wrap=True)
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "info":
            continue
        head, _, rest = str(diagnostic).partition("\n")
        err.print(head, style="bold red" if diagnostic.severity == "error" else "yellow",
                  markup=False, highlight=False, soft_wrap=True)
        if rest:
            err.print(rest, markup=False, highlight=False, soft_wrap=True)
    if result.errors:
        raise SystemExit(1)
