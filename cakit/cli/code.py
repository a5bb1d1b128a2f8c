"""`cakit code FILE --line N --code X --coder NAME`: add a code the machine did not propose."""

from __future__ import annotations

from pathlib import Path

import click

from cakit.cli._common import codebook_option, handle_errors, roles_option, store_option


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--line", "line", type=click.IntRange(1), required=True,
              help="A line of the turn to code (as numbered in the source file).")
@click.option("--code", "code", required=True, help="The code (e.g. PSY_ATTEMPT, ENGAGE).")
@click.option("--subtype", help="Its subtype (e.g. PSY_Q, ENGAGE_EXPLORE).")
@click.option("--attempt-line", type=click.IntRange(1),
              help="For a response, modifier or carer response: a line of its attempt.")
@click.option("--coder", required=True, help="Your coder name (your layer in the store).")
@click.option("--note", default="", help="A note kept with the code.")
@store_option()
@codebook_option
@roles_option
@handle_errors
def code(file: str, line: int, code: str, subtype: str | None, attempt_line: int | None,
         coder: str, note: str, store_root: str | None, codebook: str | None,
         roles_file: str | None) -> None:
    """Add your own code to one turn of a transcript.

    The codebook checks the code and subtype; a response (an uptake code, HESITATE,
    SMILE_LAUGH, CARER_RESPONSE) needs --attempt-line pointing at an attempt — the
    machine's, or one you coded. The code is stored in your layer, anchored to the
    utterance's text so it survives edits to the transcript. Adding the same code again
    replaces it (with the new note).
    """
    from cakit.annotate.codebook import load_codebook
    from cakit.cli._common import run_options
    from cakit.cli.review import open_state
    from cakit.project import corpus_file
    from cakit.store import check_coder, layer_path, read_layer
    from cakit.store.coding import decide_many, plan_code, response_there

    check_coder(coder)
    target = corpus_file(Path(file))
    options, root = run_options([target], codebook=codebook, roles_file=roles_file,
                                store_root=store_root)
    state = open_state(target, options, coder)
    layer = read_layer(layer_path(root, coder, state.identity))
    human = plan_code(state, layer, load_codebook(codebook), coder=coder, line=line, code=code,
                      subtype=subtype, attempt_line=attempt_line, note=note)
    decide_many(root, state, (), coder=coder, codes=(human,))
    where = f"line {human.anchor.line}"
    if human.attempt_anchor is not None:
        where += f" (attempt on line {human.attempt_anchor.line})"
    click.echo(f"{file}: {coder} coded {human.label} at {where}: {human.anchor.quote[:60]!r}")
    if human.kind == "modifier" and not response_there(
            state, read_layer(layer_path(root, coder, state.identity)), human):
        # kept (an import may store a modifier before its response), but counted nowhere
        click.echo(f"{file}:{human.anchor.line}: note: {human.code} is kept, but it counts "
                   "only on a response: this turn holds none to that attempt (you rejected "
                   "the machine's, or there was none); code the response here too", err=True)
