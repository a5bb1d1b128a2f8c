"""`cakit review FILE --coder NAME`: step through the machine's codes and decide on each.

Keys (one per line, then Enter — so a test, a pipe or a screen reader can drive it):
a accept · r reject · l relabel · n note · b back · s skip · q quit · ? help.
Every decision is saved at once (atomic, locked); running the command again resumes at
the first undecided item. `cakit review-sheet export/import` does the same through a
spreadsheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cakit.cli._common import (
    codebook_option,
    echo_sync,
    handle_errors,
    no_dash,
    roles_option,
    store_option,
)

if TYPE_CHECKING:
    from cakit.project import CorpusFile
    from cakit.run import RunOptions
    from cakit.store import MachineState

_KEYS = "[a]ccept [r]eject re[l]abel [n]ote [b]ack [s]kip [q]uit [?]"
_HELP = """\
  a  accept the code as proposed
  r  reject it (the machine was wrong to propose it)
  l  relabel: choose another code/subtype from the codebook
  n  add or change a note (the item stays undecided until you decide)
  b  back to the previous item
  s  skip to the next item without deciding
  q  quit (everything decided so far is saved; run again to resume)"""
_KIND_NAMES = {"attempt": "attempt", "response": "response", "modifier": "delivery modifier",
               "carer_response": "carer response", "elicited": "elicited answer",
               "repair": "patient repair", "medcheck": "symptom check in medication talk"}


def open_state(file: CorpusFile, options: RunOptions, coder: str | None, *,
               err: bool = True) -> MachineState:
    """A transcript's machine state for reviewing, after bringing the coder's layer in step
    with it; says what re-keying and re-anchoring found."""
    from cakit.run import code_one
    from cakit.store import sync_coder

    outcome = code_one(file, options)
    assert outcome.value is not None and options.coder_root is not None
    for note in outcome.notes:
        click.echo(note, err=True)
    state = outcome.value.state()
    for report in outcome.sync_reports:
        echo_sync(report, state.source, err=err)
    if coder and coder not in {report.coder for report in outcome.sync_reports}:
        echo_sync(sync_coder(options.coder_root, coder, state.identity, state.text,
                             state.items), state.source, err=err)
    return state


def _options(files: list[CorpusFile], codebook: str | None, roles_file: str | None,
             store_root: str | None) -> tuple[RunOptions, Path]:
    from cakit.cli._common import run_options

    return run_options(files, codebook=codebook, roles_file=roles_file, store_root=store_root)


def _lines(state: Any, first: int, last: int) -> list[tuple[int, str]]:
    """Numbered talk between two lines: utterances (first line) and free-standing pauses."""
    out: list[tuple[int, str]] = []
    for utterance in state.transcript.utterances:
        if utterance.end_line >= first and utterance.line <= last:
            out.append((utterance.line, f"{utterance.speaker}: {utterance.content}"))
    for gap in state.transcript.gaps:
        if first <= gap.line <= last:
            out.append((gap.line, f"      {gap.text}"))
    out.sort(key=lambda pair: pair[0])
    return out


def _holds(item: Any, decision: Any) -> bool:
    """Whether the coder's decision decides the item as the machine proposes it now: not a
    reject of what the machine proposed there before, which says nothing about the code
    proposed now (the item is offered again), nor a note alone."""
    from cakit.store.effective import verdict_for

    return decision is not None and verdict_for(item, decision, "").status != "proposed"


def _show(state: Any, items: list[Any], position: int, decisions: dict[str, Any],
          context: int) -> None:
    item = items[position]
    by_id = {i.id: i for i in state.items}
    attempt = by_id.get(item.attempt or "")
    decision = decisions.get(item.id)
    done = sum(1 for i in items if _holds(i, decisions.get(i.id)))
    status = "undecided"
    if decision is not None and decision.decided:
        status = decision.decision or ""
        if decision.decision == "relabel":
            status += f" → {decision.code}" + (f"/{decision.subtype}" if decision.subtype else "")
        seen = (decision.proposed_code, decision.proposed_subtype)
        if seen != (item.code, item.subtype):
            # decided on another proposal: an accept keeps the code the coder saw, a reject
            # of it says nothing about this one (docs/store.md)
            was = decision.proposed_code + (f"/{seen[1]}" if seen[1] else "")
            status = ("undecided: you rejected " + was + ", which the machine proposed then"
                      if decision.decision == "reject" else
                      f"{status} of {was}, which the machine proposed then")
    click.echo("")
    click.echo(click.style(f"[{position + 1}/{len(items)}] {_KIND_NAMES.get(item.kind, item.kind)}"
                           f" — {status}  ({done} decided)", bold=True))
    target_first, target_last = item.anchor.line, item.anchor.end_line
    first = target_first - context
    if attempt is not None:
        first = min(first, attempt.anchor.line - 1)
    for number, talk in _lines(state, max(1, first), target_last + context):
        if target_first <= number <= target_last:
            mark = "→"
        elif attempt is not None and number == attempt.anchor.line:
            mark = "A"
        else:
            mark = " "
        line = f"{number:>5} {mark} {talk}"
        click.echo(click.style(line, bold=True) if mark == "→" else line)
    if item.turn_id is None and item.kind == "response":
        click.echo("        (no clinician turn in the response window)")
    label = item.code + (f" / {item.subtype}" if item.subtype else "")
    if item.kind == "attempt" and len(item.subtypes) > 1:
        label += f"  (all subtypes: {', '.join(item.subtypes)})"
    click.echo(f"  code: {label}   confidence {item.confidence:.2f}")
    for evidence in item.evidence[:6]:
        where = f"line {evidence.get('line')}" + (f":{evidence['col']}" if evidence.get("col")
                                                   else "")
        click.echo(f"  evidence: {evidence.get('rule')} — {evidence.get('text')!r} ({where})")
    if decision is not None and decision.note:
        click.echo(f"  note: {decision.note}")
    if decision is not None and decision.anchor.status == "fuzzy":
        click.echo("  ! the transcript was edited here since you decided: check it still fits")


def _read(prompt: str) -> str | None:
    """One line from standard input (None at end of input).

    Reads `sys.stdin` itself, line by line: a new text wrapper per call would buffer ahead
    and swallow the following answers when input is piped (or given by a test).
    """
    import sys

    click.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo("")
        return None
    return line.rstrip("\r\n")


def _choose_label(codebook: Any, item: Any) -> tuple[str, str | None] | None:
    from cakit.store.labels import check_label, choices, format_label, parse_label

    options = choices(codebook, item.kind)
    click.echo("  relabel to (number or CODE[/SUBTYPE]; empty to cancel):")
    for number, (code, subtype) in enumerate(options, 1):
        click.echo(f"   {number:>2}  {format_label(code, subtype)}")
    while True:
        answer = _read("  > ")
        if answer is None or not answer.strip():
            return None
        answer = answer.strip()
        if answer.isdigit():
            number = int(answer)
            if 1 <= number <= len(options):
                return options[number - 1]
            click.echo(f"  no option {number}; choose 1-{len(options)}")
            continue
        code, subtype = parse_label(answer, codebook, item.kind)
        problem = check_label(codebook, item.kind, code, subtype)
        if problem is None:
            return code, subtype
        click.echo(f"  {problem}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--coder", required=True, help="Your coder name (your layer in the store).")
@store_option()
@codebook_option
@click.option("--context", "context", type=click.IntRange(0, 40), default=3, show_default=True,
              help="Lines of talk shown before and after the coded turn.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["attempt", "response", "modifier", "carer_response",
                                 "elicited", "repair", "medcheck"]),
              help="Review only these kinds of code (repeatable).")
@click.option("--from-start", is_flag=True,
              help="Start at the first item instead of the first undecided one.")
@roles_option
@handle_errors
def review(file: str, coder: str, store_root: str | None, codebook: str | None, context: int,
           kinds: tuple[str, ...], from_start: bool, roles_file: str | None) -> None:
    """Review the machine's codes for one transcript, one at a time.

    Shows each proposed code with the surrounding lines (numbered as in the source) and
    its evidence, and asks: a accept, r reject, l relabel, n note, b back, s skip, q
    quit. Each decision is saved immediately in your layer of the store, keyed by the
    code's stable id, so re-running `cakit annotate` never loses it. Run again to resume
    at the first undecided item.
    """
    from cakit.annotate.codebook import load_codebook
    from cakit.project import corpus_file
    from cakit.store import check_coder, decide, layer_path, read_layer

    check_coder(coder)
    target = corpus_file(Path(file))
    options, root = _options([target], codebook, roles_file, store_root)
    state = open_state(target, options, coder, err=False)
    book = load_codebook(codebook)
    items = [item for item in state.items if not kinds or item.kind in kinds]
    if not items:
        click.echo(f"{file}: the machine proposed no codes to review")
        return
    layer = read_layer(layer_path(root, coder, state.identity))
    decisions = {d.target: d for d in layer.decisions} if layer else {}
    undecided = [k for k, item in enumerate(items) if not _holds(item, decisions.get(item.id))]
    if not undecided and not from_start:
        click.echo(f"{file}: all {len(items)} codes are decided by {coder} "
                   "(use --from-start to go through them again)")
        return
    position = 0 if from_start else undecided[0]
    click.echo(f"{file}: {len(items)} machine codes, {len(items) - len(undecided)} decided by "
               f"{coder}; starting at {position + 1}")
    while 0 <= position < len(items):
        item = items[position]
        _show(state, items, position, decisions, context)
        answer = _read(f"{_KEYS} > ")
        if answer is None:
            break
        key = answer.strip().lower()[:1]
        if key == "q":
            break
        if key in ("?", "h"):
            click.echo(_HELP)
        elif key == "b":
            position = max(0, position - 1)
        elif key == "s" or key == "":
            position += 1
        elif key in ("a", "r"):
            decisions[item.id] = decide(root, state, item, coder=coder,
                                        decision="accept" if key == "a" else "reject")
            position += 1
        elif key == "l":
            chosen = _choose_label(book, item)
            if chosen is None:
                click.echo("  relabel cancelled")
                continue
            decisions[item.id] = decide(root, state, item, coder=coder, decision="relabel",
                                        code=chosen[0], subtype=chosen[1])
            position += 1
        elif key == "n":
            note = _read("  note: ")
            if note is None:
                break
            decisions[item.id] = decide(root, state, item, coder=coder, decision=None,
                                        note=note.strip())
        else:
            click.echo(f"  unknown key {answer.strip()!r}; {_KEYS}")
    decided = sum(1 for i in items if _holds(i, decisions.get(i.id)))
    left = len(items) - decided
    click.echo(f"{file}: {decided} of {len(items)} decided by {coder}"
               + (f"; {left} left — run again to resume" if left else "; all done"))


# -- the spreadsheet round trip --------------------------------------------------------

@click.group("review-sheet")
def review_sheet() -> None:
    """Review machine codes in a spreadsheet: export, fill in, import."""


@review_sheet.command("export")
@click.argument("paths", nargs=-1, required=True, metavar="PATHS...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              callback=no_dash, help="The .xlsx file to write.")
@click.option("--coder", help="Pre-fill this coder's decisions and notes.")
@store_option()
@codebook_option
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@roles_option
@handle_errors
def export_sheet(paths: tuple[str, ...], output: str, coder: str | None,
                 store_root: str | None, codebook: str | None, force: bool,
                 roles_file: str | None) -> None:
    """Write a review workbook: one row per machine code, with decision drop-downs.

    Columns: transcript, id (stable), kind, line, context, code, subtype, evidence, and
    for the coder: decision (accept/reject/relabel), relabel_to, note. The sheet "human
    codes" takes codes the machine did not propose (transcript, line, code, subtype,
    attempt_line, note).
    """
    from cakit.annotate.codebook import load_codebook
    from cakit.cli._common import corpus
    from cakit.cli._output import check_writable, write_bytes
    from cakit.store import check_coder, layer_path, read_layer
    from cakit.store.sheet import export_workbook

    check_writable(output, force)
    if coder:
        check_coder(coder)
    files = corpus(paths)
    options, root = _options(files, codebook, roles_file, store_root)
    states = [open_state(file, options, coder) for file in files]
    layers = None
    if coder:
        layers = {s.source: read_layer(layer_path(root, coder, s.identity)) for s in states}
    data = export_workbook(states, load_codebook(codebook), layers=layers)
    write_bytes(output, data, force=force)
    rows = sum(len(s.items) for s in states)
    click.echo(f"wrote {output}: {rows} machine codes from {len(states)} transcript(s)", err=True)


@review_sheet.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@click.option("--coder", required=True, help="Whose layer the decisions go to.")
@store_option()
@codebook_option
@click.option("--skip-invalid", is_flag=True,
              help="Apply the valid rows even if some rows are invalid (they are listed).")
@roles_option
@handle_errors
def import_sheet(workbook: str, coder: str, store_root: str | None, codebook: str | None,
                 skip_invalid: bool, roles_file: str | None) -> None:
    """Read decisions and human codes from a filled-in review workbook.

    Every row is checked first (unknown ids, bad decisions, codes or subtypes not in the
    codebook, lines with no talk). If any row is invalid, nothing is written and every
    bad row is listed with its row number — unless --skip-invalid is given.
    """
    from cakit.annotate.codebook import load_codebook
    from cakit.cli._common import DataError
    from cakit.project import corpus_file
    from cakit.store import check_coder, layer_path, read_layer
    from cakit.store.coding import decide_many
    from cakit.store.sheet import plan_import, read_workbook

    check_coder(coder)
    book = load_codebook(codebook)
    states: dict[str, Any] = {}
    run: list[tuple[RunOptions, Path]] = []

    def state_for(source: str) -> Any:
        if source not in states:
            if not Path(source).is_file():
                from cakit.errors import StoreError

                raise StoreError(f"no such transcript file: {source}")
            file = corpus_file(Path(source))
            if not run:  # the store is the first transcript's project's, as on export
                run.append(_options([file], codebook, roles_file, store_root))
            states[source] = open_state(file, run[0][0], coder)
        return states[source]

    def layer_for(source: str) -> Any:
        return read_layer(layer_path(run[0][1], coder, state_for(source).identity))

    plan = plan_import(read_workbook(workbook), coder=coder, codebook=book,
                       state_for=state_for, layer_for=layer_for)
    for problem in plan.problems:
        click.echo(f"{workbook}: {problem}", err=True)
    if plan.problems and not skip_invalid:
        raise DataError(f"{workbook}: {len(plan.problems)} row(s) cannot be applied; nothing "
                        "was written (fix them, or use --skip-invalid to apply the rest)")
    for source in plan.sources:
        requests = [(r.item, r.decision, r.code, r.subtype, r.note)
                    for r in plan.decisions if r.source == source]
        codes = [code for s, code, _ in plan.codes if s == source]
        decide_many(run[0][1], states[source], requests, coder=coder, codes=codes)
    click.echo(f"{workbook}: applied {len(plan.decisions)} decision(s) and {len(plan.codes)} "
               f"human code(s) for {coder}; {plan.undecided} row(s) left undecided"
               + (f"; skipped {len(plan.problems)} invalid row(s)" if plan.problems else ""),
               err=True)
