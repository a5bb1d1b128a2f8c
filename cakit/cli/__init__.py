"""The `cakit` command line: the only place that prints, reads arguments or exits.

Commands live in their own modules and are imported only when invoked, so `cakit --help`
never pays for spaCy or pandas. Exit codes: 0 success, 1 data errors, 2 usage errors.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

#: command name → (module, attribute, one-line help shown by `cakit --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("cakit.cli.validate", "validate", "Check transcripts and print every problem."),
    "summary": ("cakit.cli.summary", "summary", "Count speakers, turns, words and CA features."),
    "freq": ("cakit.cli.freq", "freq",
             "Word frequencies, types and tokens by role, speaker, phase or file."),
    "mlu": ("cakit.cli.mlu", "mlu", "Mean length of utterance (and of turn) in words."),
    "annotate": ("cakit.cli.annotate", "annotate",
                 "Code attempts, responses, sequences and phases; export them."),
    "evaluate": ("cakit.cli.evaluate", "evaluate",
                 "Compare annotations with a gold standard (P/R/F1, kappa)."),
    "codebook": ("cakit.cli.codebook", "codebook",
                 "Check, show or document the codebook; suggest phrases from coders."),
    "explain": ("cakit.cli.explain", "explain",
                "What a diagnostic code (E517, CK304 …) means and what to do."),
    "convert": ("cakit.cli.convert", "convert",
                "Convert transcripts to CHAT, Jefferson or ELAN (.eaf)."),
    "formats": ("cakit.cli.formats", "formats",
                "List the transcript formats cakit reads and writes, plug-ins included."),
    "show": ("cakit.cli.show", "show", "Show a transcript with line numbers and CA marks."),
    "report": ("cakit.cli.report", "report",
               "Counts, rates and shares by phase, consultation, clinician or carer."),
    "excerpts": ("cakit.cli.excerpts", "excerpts",
                 "De-identified Jefferson extracts of chosen sequences, for teaching."),
    "search": ("cakit.cli.search", "search",
               "Find turns by words, CA features, codes and speakers (a concordance)."),
    "review": ("cakit.cli.review", "review",
               "Accept, reject or relabel the machine's codes, one at a time."),
    "review-sheet": ("cakit.cli.review", "review_sheet",
                     "Review machine codes in a spreadsheet (export, import)."),
    "code": ("cakit.cli.code", "code", "Add a code the machine did not propose."),
    "export": ("cakit.cli.export", "export",
               "Export to REFI-QDA (.qdpx project, .qdc codebook) or ConvoKit."),
    "import": ("cakit.cli.import_", "import_group",
               "Bring coders' codes back from a REFI-QDA project (.qdpx)."),
    "agree": ("cakit.cli.agree", "agree",
              "Agreement between coders (percent, kappa, alpha) with prevalence."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cakit", prog_name="cakit")
def cli() -> None:
    """cakit: conversation analysis of clinical consultation transcripts.

    Reads CHAT (including CA mode) and Jefferson transcripts (.txt, .docx), tags patient
    attempts to raise possibly psychotic content and the responses to them, and reports
    those sequences by consultation phase. It describes talk; it never diagnoses.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="cakit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
