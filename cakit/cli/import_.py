"""`cakit import qdpx FILE PATHS… --coder NAME`: codes from QDA software back into the store;
`cakit import qdc FILE`: a REFI-QDA codebook compared with cakit's.

A coder's codings in a REFI-QDA project (made in NVivo, ATLAS.ti, MAXQDA, QualCoder … on a
project `cakit export --to qdpx` wrote, or on the same transcripts) become that coder's
layer: accepts, relabels, rejections, notes and the coder's own codes. Whatever cannot be
imported is listed, never dropped in silence. See docs/exchange.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    codebook_option,
    consoles,
    corpus,
    drain,
    handle_errors,
    no_dash,
    paths_argument,
    roles_option,
    run_options,
    store_option,
)
from cakit.errors import UsageError

if TYPE_CHECKING:
    from cakit.exchange.qdc_compare import Comparison
    from cakit.exchange.qdpx_read import QdaProject, QdaSource
    from cakit.run import Coded


@click.group("import")
def import_group() -> None:
    """Bring codes made in other software back into the annotation store."""


def _coded(coded: Coded) -> Coded:
    return coded


def _users(project: QdaProject, user: str | None, coder: str) -> frozenset[str]:
    """The GUIDs of the project users whose codings are the coder's."""
    people = {guid: name for guid, name in project.users.items()
              if not name.startswith("cakit auto")}
    wanted = user or coder
    chosen = frozenset(guid for guid, name in people.items() if name == wanted)
    if chosen:
        return chosen
    if user is None and len(people) == 1:
        return frozenset(people)
    names = ", ".join(sorted(repr(name) for name in people.values())) or "none"
    raise UsageError(f"no user {wanted!r} in the project; its users (besides the machine) "
                     f"are: {names}. Choose one with --user NAME")


def _match(source: QdaSource, texts: dict[str, str], guids_of: dict[str, str],
           ) -> str | None:
    """The identity of the transcript a source is: by GUID, name, file name or text."""
    for identity, guid in guids_of.items():
        if source.guid == guid:
            return identity
    name = source.name.strip()
    for identity in texts:
        path = Path(identity)
        if name in (identity, path.name, path.stem):
            return identity
    for identity, text in texts.items():
        if source.text is not None and source.text == text:
            return identity
    return None


@import_group.command("qdpx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@paths_argument
@click.option("--coder", required=True, metavar="NAME",
              help="The coder whose layer the codes go into.")
@click.option("--user", metavar="NAME",
              help="The project user whose codings to take [default: the user named like "
                   "--coder, or the only user besides the machine].")
@click.option("--dry-run", is_flag=True, help="Say what would be imported; write nothing.")
@codebook_option
@store_option("Where the coder's layer is written.")
@roles_option
@handle_errors
def qdpx(file: str, paths: tuple[str, ...], coder: str, user: str | None, dry_run: bool,
         codebook: str | None, store_root: str | None, roles_file: str | None) -> None:
    """Import one user's codings in FILE (.qdpx) on the transcripts PATHS as --coder's layer.

    \b
    coded with the machine's code        → accept
    coded with another code of its kind  → relabel
    not coded, a note named "rejected"   → reject
    a note on a code                     → the decision's note
    a code on a turn the machine did not code that way → the coder's own code
    (a response counts as the machine's only if it is to the same attempt)
    Unknown codes, selections outside one turn and sources that match no transcript are
    listed (exit status 1) and not imported.
    """
    from cakit.annotate import codebook_for
    from cakit.exchange import guids
    from cakit.exchange.qdpx_import import plan_import
    from cakit.exchange.qdpx_read import read_qdpx
    from cakit.exchange.sourcetext import source_text
    from cakit.run import run_corpus
    from cakit.store import check_coder, layer_path, read_layer, save_decisions

    check_coder(coder)
    project = read_qdpx(Path(file))
    users = _users(project, user, coder)
    files = corpus(paths)
    options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                 store_root=store_root)
    book = codebook_for(codebook)
    out, err = consoles()
    done, problems = drain(run_corpus(files, options, _coded), len(files), "importing", err)
    coded = {result.value.file.identity: result.value for result in done
             if result.value is not None}
    texts = {identity: source_text(c.transcript) for identity, c in coded.items()}
    plain = {identity: text.text for identity, text in texts.items()}
    source_guids = {identity: guids.source_guid(identity) for identity in coded}
    not_imported: list[str] = []
    for source in project.sources:
        mine = any(c.user in users for s in source.selections for c in s.codings)
        identity = _match(source, plain, source_guids)
        if identity is None:
            if mine:
                not_imported.append(f"{source.name or source.guid}: matches none of the "
                                    "transcripts given; its codings were not imported")
            continue
        state = coded[identity].state()
        path = layer_path(store, coder, identity)
        plan = plan_import(project, source, texts[identity], state, read_layer(path), book,
                           coder=coder, users=users)
        not_imported.extend(plan.problems)
        counts = {kind: sum(1 for d in plan.decisions if d.decision == kind)
                  for kind in ("accept", "relabel", "reject")}
        notes = sum(1 for d in plan.decisions if d.decision is None)
        if not dry_run:
            save_decisions(store, identity, plan.decisions, sha256=state.transcript.sha256,
                           codes=plan.codes, utterances=state.text.fingerprints)
        out.print(f"{identity}: {counts['accept']} accepted, {counts['relabel']} relabelled, "
                  f"{counts['reject']} rejected, {notes} notes only, {len(plan.codes)} own "
                  f"codes, {plan.unchanged} unchanged" + (" (dry run)" if dry_run else ""),
                  markup=False, highlight=False)
    if not_imported:
        err.print(f"not imported ({len(not_imported)}):", markup=False, highlight=False)
        for line in not_imported:
            err.print(f"  {line}", markup=False, highlight=False)
    if problems or not_imported:
        raise SystemExit(1)


def _table(comparison: Comparison) -> list[tuple[str, str, str]]:
    """(status, .qdc code, cakit code) rows: matched, then unknown, then missing."""
    rows = [("matched", m.path, m.label) for m in comparison.matched]
    rows += [("unknown", u.path, "") for u in comparison.unknown]
    rows += [("missing", "", label) for label in comparison.missing]
    return rows


@import_group.command("qdc")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True, help="How to print the comparison.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), metavar="FILE.yaml",
              callback=no_dash,
              help="Also write the unknown codes as a YAML fragment to start a codebook "
                   "edit from (cakit never edits your codebook).")
@click.option("--force", is_flag=True, help="Replace an existing -o file.")
@click.option("--schema", type=click.Path(exists=True, dir_okay=False), metavar="XSD",
              help="Validate FILE against this Codebook.xsd (the REFI-QDA standard's "
                   "schema) instead of cakit's structural checks.")
@codebook_option
@handle_errors
def qdc(file: str, output_format: str, output: str | None, force: bool,
        schema: str | None, codebook: str | None) -> None:
    """Compare the REFI-QDA codebook FILE (.qdc) with cakit's codebook.

    \b
    FILE is checked first: a CodeBook of QDA-XML 1.0 with Codes, each Code with guid, name
    and isCodable (or, with --schema, validated against the standard's Codebook.xsd). A
    .qdc code matches a cakit code by name, case-insensitively: CODE, CODE/SUBTYPE, or a
    subtype nested under its code. Lists the matched codes, the .qdc codes cakit does not
    know (with their parent path) and the cakit codes missing from FILE. Exit status 0 when
    every .qdc code is known, 1 otherwise.
    """
    import json

    from cakit.cli._output import check_writable, output_stream
    from cakit.exchange.codes import code_entries
    from cakit.exchange.qdc_compare import as_json, compare, fragment
    from cakit.exchange.qdc_read import read_qdc

    check_writable(output, force)
    book = read_qdc(Path(file), schema=Path(schema) if schema else None)
    version, entries = code_entries(codebook)
    comparison = compare(book.codes, entries)
    out, _ = consoles()
    if output_format == "json":
        out.print(json.dumps(as_json(comparison, qdc=file, codebook_version=version),
                             indent=2, ensure_ascii=False), markup=False, highlight=False)
    else:
        from rich.table import Table

        table = Table(title=f"{file} against cakit's codebook {version}", title_justify="left")
        for column in ("status", ".qdc code", "cakit code"):
            table.add_column(column, overflow="fold")
        for row in _table(comparison):
            table.add_row(*row)
        out.print(table, markup=False, highlight=False)
        out.print(f"{len(comparison.matched)} matched, {len(comparison.unknown)} unknown to "
                  f"cakit, {len(comparison.missing)} cakit codes missing from the .qdc",
                  markup=False, highlight=False)
    if output:
        with output_stream(output, force=force) as stream:
            stream.write(fragment(comparison, qdc=Path(file).name, codebook_version=version))
    if not comparison.all_known:
        raise SystemExit(1)
