"""Reports, plots, excerpts and de-identification over annotated consultations.

The pieces, each usable on its own:

- `cakit.report.inputs`: one consultation's annotations plus the denominators (words,
  turns, seconds per phase) computed from its transcript;
- `cakit.report.tables`: pure functions returning pandas DataFrames (counts, rates,
  pooled figures, per consultation / clinician / carer presence, chains);
- `cakit.report.cube`: the counts of every code per consultation × phase as one array,
  from which the pooled and per-consultation tables are computed;
- `cakit.report.render`: DataFrames → rich renderables (only the CLI prints them);
- `cakit.report.plots`: matplotlib figures (Agg backend, never a window);
- `cakit.report.html`: one self-contained HTML report;
- `cakit.report.page`: the HTML page shell, banner and caveat every output shares;
- `cakit.report.excerpts`: trainer excerpts (txt, Markdown, HTML, Word);
- `cakit.report.deid`: de-identification with keyed pseudonyms and an audit log;
- `cakit.report.lines`: transcripts as display lines with physical line numbers;
- `cakit.report.serialize`, `cakit.report.wordml`: CSV/JSON/Markdown/Excel, and .docx.

Nothing here is imported by `import cakit`, and this `__init__` imports nothing heavy:
pandas and matplotlib load only when a table or a plot is built.
"""

from __future__ import annotations

__all__ = ["cube", "deid", "excerpts", "html", "inputs", "lines", "page", "plots",
           "render", "serialize", "tables", "wordml"]
