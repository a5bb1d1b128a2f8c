"""`cakit export --to FORMAT [PATHS…] -o OUT`: codes and transcripts for other software.

Formats come from `cakit.exchange.EXPORTERS`: `qdpx` (REFI-QDA project), `qdc` (REFI-QDA
codebook) and `convokit` (a ConvoKit corpus folder). See docs/exchange.md.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cakit.cli._common import (
    codebook_option,
    coder_options,
    consoles,
    corpus,
    drain,
    handle_errors,
    jobs_option,
    no_dash,
    roles_option,
    run_options,
    store_option,
    warn_uncoded,
)
from cakit.errors import UnknownComponentError, UsageError

if TYPE_CHECKING:
    from cakit.exchange import ExportDoc, Exporter
    from cakit.run import Coded


def export_doc(coded: Coded, *, root: Path | None, coder: str | None) -> ExportDoc:
    """One coded transcript as exporters see it, with the coders' layers to export."""
    from cakit.exchange import ExportDoc
    from cakit.store import coders, layer_path, machine_items, read_layer

    identity = coded.file.identity
    layers = []
    if root is not None:
        for name in coders(root, identity):
            if coder is not None and name != coder:
                continue
            layer = read_layer(layer_path(root, name, identity))
            if layer is not None:
                layers.append((name, layer))
    decided_items = (coded.items if coded.annotations is coded.machine
                     else machine_items(coded.annotations, coded.text, identity))
    return ExportDoc(identity=identity, transcript=coded.transcript, machine=coded.machine,
                     decided=coded.annotations, items=coded.items,
                     decided_items=decided_items, layers=tuple(layers))


def _exporter(name: str) -> Exporter:
    from cakit.exchange import EXPORTERS

    try:
        return EXPORTERS.get(name)
    except UnknownComponentError as exc:
        raise UsageError(f"--to: {exc}") from None


def _check_folder(output: str, names: tuple[str, ...], force: bool) -> None:
    from cakit.cli._output import check_writable

    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{output} is not a folder; a ConvoKit corpus is a folder (-o DIR)")
    for name in names:
        check_writable(str(folder / name), force)


@click.command("export")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option("--to", "to", required=True, metavar="FORMAT",
              help="qdpx (REFI-QDA project: NVivo, ATLAS.ti, MAXQDA, QualCoder …), qdc "
                   "(REFI-QDA codebook; no PATHS needed) or convokit (a corpus folder).")
@click.option("-o", "--output", required=True, type=click.Path(), callback=no_dash,
              help="The file to write (qdpx, qdc) or the folder (convokit).")
@click.option("--force", is_flag=True, help="Replace existing output files.")
@codebook_option
@jobs_option
@store_option("Where the machine layers and the coders' layers are.")
@roles_option
@coder_options
@handle_errors
def export(paths: tuple[str, ...], to: str, output: str, force: bool, codebook: str | None,
           store_root: str | None, roles_file: str | None, coder: str | None,
           consensus: bool, jobs: int = 1) -> None:
    """Export transcripts, the machine's codes and the coders' decisions.

    \b
    qdpx      a REFI-QDA project: the transcripts as text sources (one turn a line), the
              codebook, the machine's codes and each coder's decisions as codings by
              users, consultations as cases (bring codes back: cakit import qdpx)
    qdc       the codebook alone as a REFI-QDA codebook
    convokit  a ConvoKit corpus folder (one utterance per turn, codes in its meta)

    With --coder NAME a qdpx holds only that coder's decisions, and convokit codes are
    those NAME decided. With --consensus a qdpx also has a user "consensus" coding the
    codes most coders kept, and convokit codes are the consensus.

    An export is a working copy of the data, not a shareable output: qdpx and convokit
    hold the transcripts as written (names, places, file names, speaker labels), so
    keep them as confidential as the transcripts.
    """
    from cakit.build import build_id
    from cakit.cli._output import check_writable, write_bytes
    from cakit.exchange import ExportInput
    from cakit.exchange.codes import code_entries
    from cakit.run import run_corpus

    exporter = _exporter(to)
    if exporter.needs_corpus and not paths:
        raise UsageError(f"--to {to} exports transcripts: give PATHS")
    if not exporter.needs_corpus and paths:
        raise UsageError(f"--to {to} exports the codebook only; leave out PATHS")
    if exporter.output == "file":
        check_writable(output, force)
    version, codes = code_entries(codebook)
    decided_by = f"coder {coder}" if coder else "consensus" if consensus else "machine"
    data = ExportInput(codebook_version=version, codes=codes, cakit_version=build_id(),
                       decided_by=decided_by)
    _, err = consoles()
    problems = 0
    if exporter.needs_corpus:
        files = corpus(paths)
        options, store = run_options(files, codebook=codebook, roles_file=roles_file,
                                     store_root=store_root, coder=coder, consensus=consensus)
        if exporter.output == "folder":
            _check_folder(output, ("utterances.jsonl",), force)
        finish = functools.partial(export_doc, root=options.coder_root, coder=coder)
        done, problems = drain(run_corpus(files, options, finish, jobs=jobs), len(files),
                               "exporting", err)
        docs = tuple(result.value for result in done if result.value is not None)
        warn_uncoded(err, coder, consensus, sum(result.coded for result in done), len(done),
                     store)
        data = replace(data, docs=docs)
    made = exporter.make(data)
    if exporter.output == "file":
        write_bytes(output, made[""], force=force)
    else:
        _check_folder(output, tuple(made), force)
        Path(output).mkdir(parents=True, exist_ok=True)
        for name, body in made.items():
            write_bytes(str(Path(output) / name), body, force=force)
    err.print(f"wrote {output} ({to}, {len(data.docs)} transcripts)", markup=False,
              highlight=False)
    if exporter.needs_corpus:
        err.print("NOT de-identified: the export holds the transcripts, file names and "
                  "speaker labels as written; keep it as confidential as the transcripts",
                  style="bold red", markup=False, highlight=False)
    if problems:
        raise SystemExit(1)
