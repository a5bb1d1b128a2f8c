"""The page every HTML output shares: one self-contained document (inline CSS, no
scripts, no external assets) with the de-identification banner and the caveat.

The HTML report, trainer excerpts and search results all go through `page`, and the text
outputs use the same banner and caveat wording, so every format says the same thing.
"""

from __future__ import annotations

import html

NOT_DEIDENTIFIED = ("WARNING: NOT DE-IDENTIFIED (--no-deidentify). This output contains names, "
                    "places, dates and other identifying details from the transcripts. Do not "
                    "share it.")
DEIDENTIFIED = ("De-identified: names, places, dates, phone and record numbers are replaced by "
                "keyed pseudonyms such as [Name-Kavemoti]. The audit log is kept separately.")
CAVEAT = ("cakit tags talk about possibly psychotic content, not diagnoses; codes are "
          "automatic first-pass codes unless stated otherwise.")

CSS = """
:root { --ink:#1d1d1f; --muted:#666; --rule:#ddd; --att:#fff1c2; --resp:#dcefff;
        --carer:#f3e1ff; --ctx:#eef7ee; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem;
       line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid var(--rule); } h3 { font-size: 1.05rem; }
.warning { background: #ffe3e3; border: 2px solid #c00000; color: #800000; padding: .6rem;
           font-weight: bold; }
.deid { background: #eef5ff; border: 1px solid #9bbce6; padding: .6rem; }
.notes { background: #fafafa; border: 1px solid var(--rule); padding: .4rem 1rem; }
table.data { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: .15rem .5rem; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.total td, table.data tr.total th { font-weight: bold; border-top: 2px solid #999; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .8rem; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
.tx { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Courier New", monospace;
      font-size: .8rem; border: 1px solid var(--rule); }
.ln { display: grid; grid-template-columns: 3.5em 1.4em minmax(0, 1fr) 24em;
      border-left: 6px solid transparent; }
.ln .no { color: var(--muted); text-align: right; padding-right: .4em; }
.ln .t { white-space: pre; overflow-x: auto; }
.ln .codes { font-family: system-ui, sans-serif; font-size: .75rem; color: #333;
             padding-left: .5em; border-left: 1px solid var(--rule); }
.ln.att { background: var(--att); } .ln.resp { background: var(--resp); }
.ln.carer { background: var(--carer); } .ln.ctx .codes { color: #2a6b2a; }
.ph { font-family: system-ui, sans-serif; font-size: .75rem; font-weight: bold;
      background: #f2f2f2; padding: .1rem .5rem; border-top: 1px solid var(--rule); }
.ph-OPENING { border-left-color: #6baed6; } .ph-PROBLEM_HISTORY { border-left-color: #fd8d3c; }
.ph-EXAMINATION { border-left-color: #74c476; } .ph-TREATMENT { border-left-color: #9e9ac8; }
.ph-PRE_CLOSING { border-left-color: #fb6a4a; } .ph-CLOSING { border-left-color: #969696; }
.ph-UNKNOWN { border-left-color: #ffffff; }
pre.extract { background: #fbfbfb; border: 1px solid var(--rule); padding: .5rem;
              overflow-x: auto; }
pre.extract .hit { font-weight: bold; }
dl { display: grid; grid-template-columns: 8em 1fr; gap: .1rem .5rem; font-size: .85rem; }
dt { color: var(--muted); } dd { margin: 0; }
nav ul { columns: 3; font-size: .85rem; }
.media { font-size: .8rem; color: var(--muted); margin: .3rem 0; white-space: nowrap; }
.media audio, .media video { vertical-align: middle; max-width: 100%; max-height: 12rem; }
"""


def esc(value: object) -> str:
    """HTML-escape anything (quotes too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def page(title: str, body: str, *, deidentified: bool, caveat: str = "") -> str:
    """A complete, self-contained HTML document."""
    banner = (f'<p class="deid">{esc(DEIDENTIFIED)}</p>' if deidentified
              else f'<p class="warning">{esc(NOT_DEIDENTIFIED)}</p>')
    note = f"<p><em>{esc(caveat)}</em></p>" if caveat else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1>{banner}{note}\n{body}\n</body></html>\n")


__all__ = ["CAVEAT", "CSS", "DEIDENTIFIED", "NOT_DEIDENTIFIED", "esc", "page"]
