"""A self-contained HTML report: tables, plots and every transcript with its codes.

One file, no external assets (no CDN, no web fonts, no scripts): plots are inline SVG,
styles are inline CSS, so the page opens offline and can be archived as is. Everything
that comes from a transcript — talk, names, evidence, ids — is HTML-escaped, and passes
through the de-identifier first unless the caller explicitly opted out (then the page
carries a visible warning).

Per consultation the transcript is laid out as Jefferson text with the source's physical
line numbers (`cakit.report.lines`); attempt, response and carer lines are highlighted,
their codes shown in a side column, and their evidence (rule, matched text, line:col) in
the line's `title` (hover) attribute.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cakit.media import find_media, lines_span, media_element
from cakit.report.deid import Deidentifier
from cakit.report.excerpts import sequence_lines
from cakit.report.inputs import ConsultationInput, PhaseLookup, normal_phase
from cakit.report.lines import ViewLine, source_view
from cakit.report.page import CAVEAT, CSS, esc, page

if TYPE_CHECKING:
    import pandas as pd

    from cakit.annotations import ConsultationAnnotations, Evidence
    from cakit.model import Transcript
    from cakit.report.tables import Report

# -- tables -------------------------------------------------------------------------------------

def _is_share(name: str) -> bool:
    return name == "share" or name.endswith("_share")


def table_html(frame: pd.DataFrame, *, title: str = "", caption: str = "",
               table_id: str = "") -> str:
    """A DataFrame as an HTML table (numbers right-aligned, shares as %, NaN as –)."""
    import pandas as pd

    from cakit.report.render import fmt_number, fmt_share

    named_index = frame.index.name is not None
    head = "".join(f"<th>{esc(name)}</th>" for name in
                   ([frame.index.name] if named_index else []) + list(frame.columns))
    rows = []
    for index, record in zip(frame.index, frame.to_dict("records"), strict=True):
        cells = []
        if named_index:
            cells.append(f"<th>{esc(index)}</th>")
        for name, value in record.items():
            text = fmt_share(value) if _is_share(str(name)) else fmt_number(value, 2)
            numeric = pd.api.types.is_number(value) and not isinstance(value, bool)
            cells.append(f'<td class="num">{esc(text)}</td>' if numeric
                         else f"<td>{esc(text)}</td>")
        total = ' class="total"' if named_index and index == "ALL" else ""
        rows.append(f"<tr{total}>{''.join(cells)}</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    heading = f"<h3>{esc(title)}</h3>" if title else ""
    return (f'{heading}<table class="data"{ident}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _svg(figure: Any) -> str:
    from cakit.report.plots import figure_bytes

    text = figure_bytes(figure, "svg").decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)


# -- transcripts --------------------------------------------------------------------------------

@dataclass
class _LineCodes:
    kind: str = ""
    labels: list[str] | None = None
    evidence: list[str] | None = None

    def add(self, kind: str, label: str, evidence: Sequence[str]) -> None:
        order = ["ctx", "carer", "resp", "att"]
        if not self.kind or order.index(kind) > order.index(self.kind):
            self.kind = kind
        self.labels = [*(self.labels or []), label]
        self.evidence = [*(self.evidence or []), *evidence]


def _evidence_texts(items: Sequence[Evidence], clean: Any) -> list[str]:
    out = []
    for item in items[:4]:
        text = clean(item.text, item.line)
        out.append(f"{item.rule}: “{text}” ({item.line}:{item.col})" if text else item.rule)
    return out


def line_codes(annotations: ConsultationAnnotations, clean: Any) -> dict[int, _LineCodes]:
    """Physical line → codes shown beside it (attempts, responses, carer, context codes)."""
    codes: dict[int, _LineCodes] = {}
    turns = {record.id: record for record in annotations.turns}

    def span(turn_id: str | None, line: int | None) -> range:
        record = turns.get(turn_id or "")
        if record is not None:
            return range(record.line, record.end_line + 1)
        return range(line, line + 1) if line else range(0)

    for attempt in annotations.attempts:
        sequence = annotations.sequence(attempt.id)
        outcome = f" → {sequence.outcome}" if sequence else ""
        label = (f"{attempt.id} {'+'.join(attempt.subtypes)} "
                 f"[{', '.join(attempt.categories)}]{outcome}")
        for number in span(attempt.turn_id, attempt.line):
            codes.setdefault(number, _LineCodes()).add(
                "att", label if number == attempt.line else f"{attempt.id} (cont.)",
                _evidence_texts(attempt.evidence, clean) if number == attempt.line else [])
        for response in annotations.responses_to(attempt.id):
            subtype = f"/{response.uptake_subtype}" if response.uptake_subtype else ""
            modifiers = "".join(f" +{m}" for m in response.modifiers)
            label = f"{attempt.id} R{response.rank} {response.uptake}{subtype}{modifiers}"
            for number in span(response.turn_id, response.line):
                codes.setdefault(number, _LineCodes()).add(
                    "resp", label, _evidence_texts(response.evidence, clean)
                    if number == response.line else [])
        for carer in annotations.carer_responses_to(attempt.id):
            for number in span(carer.turn_id, carer.line):
                codes.setdefault(number, _LineCodes()).add(
                    "carer", f"{attempt.id} {carer.code}",
                    _evidence_texts(carer.evidence, clean) if number == carer.line else [])
    for name, items in (("PSY_ELICITED", annotations.elicited), ("REPAIR_OI", annotations.repairs),
                        ("MEDCHECK_SYMPTOM", annotations.medchecks)):
        for item in items:
            codes.setdefault(item.line, _LineCodes()).add(
                "ctx", name, _evidence_texts(item.evidence, clean))
    return codes


def _players(transcript: Transcript | None, annotations: ConsultationAnnotations,
             media_base: Path | None) -> dict[str, str]:
    """Attempt id → a player for its sequence (attempt to last coded turn), when a
    recording is linked, found, and the sequence has bullets."""
    if media_base is None or transcript is None:
        return {}
    found = find_media(transcript)
    if found is None:
        return {}
    players = {}
    for attempt in annotations.attempts:
        first, last, _ = sequence_lines(annotations, attempt, 0)
        span = lines_span(transcript, first, last)
        if span is not None:
            players[attempt.id] = media_element(found, span, media_base)
    return players


def transcript_html(index: int, item: ConsultationInput, transcript: Transcript | None,
                    label: str, deid: Deidentifier | None,
                    media_base: Path | None = None) -> str:
    """One consultation: facts, its sequences, and the coded transcript. With
    `media_base`, each sequence gets a player for its segment of the recording found
    beside the transcript, linked relative to that folder."""
    annotations = item.annotations
    source = transcript.source if transcript else annotations.source

    def clean(text: str, line: int) -> str:  # the annotator's evidence, lower-cased by cakit
        if deid is None or not text:
            return text
        return deid.evidence(text, file=source, consultation=annotations.id, line=line)

    flags = []
    if not item.timing_available:
        flags.append("no timed pauses or media (HESITATE may be under-counted)")
    if not item.nonverbal_available:
        flags.append("no ((non-verbal)) notes (SMILE_LAUGH may be under-counted)")
    if item.carer_present:
        flags.append("carer present")
    facts = (f"<p>sha256 <code>{esc(item.sha256[:8])}</code> · {esc(annotations.format)} · "
             f"{item.turns} turns · {item.words} words"
             + (f" · {item.duration_s / 60:.1f} min" if item.duration_s else "")
             + (f" · {esc('; '.join(flags))}" if flags else "") + "</p>")
    players = _players(transcript, annotations, media_base)
    rows = []
    for attempt in sorted(annotations.attempts, key=lambda a: a.line):
        sequence = annotations.sequence(attempt.id)
        r1 = next((r for r in annotations.responses_to(attempt.id) if r.rank == 1), None)
        rows.append(
            f'<tr><td><a href="#c{index}-l{attempt.line}">{esc(attempt.id)}</a></td>'
            f"<td class=\"num\">{attempt.line}</td><td>{esc(normal_phase(attempt.phase))}</td>"
            f"<td>{esc('+'.join(attempt.subtypes))}</td>"
            f"<td>{esc(r1.uptake if r1 else 'NO_UPTAKE')}</td>"
            f"<td>{esc(sequence.outcome if sequence else '')}</td>"
            + (f"<td>{players.get(attempt.id, '')}</td>" if players else "") + "</tr>")
    recording = "<th>recording</th>" if players else ""
    sequences = ("<table class=\"data\"><thead><tr><th>attempt</th><th>line</th><th>phase</th>"
                 f"<th>subtypes</th><th>R1</th><th>outcome</th>{recording}</tr></thead><tbody>"
                 + "".join(rows) + "</tbody></table>") if rows else "<p>No attempts coded.</p>"
    if transcript is None:
        body = "<p>(transcript not available)</p>"
    else:
        body = _transcript_lines(index, transcript, annotations, deid, clean)
    return (f'<section class="consultation" id="c{index}"><h2>Consultation {esc(label)}</h2>'
            f"{facts}{sequences}{body}</section>")


def _transcript_lines(index: int, transcript: Transcript, annotations: ConsultationAnnotations,
                      deid: Deidentifier | None, clean: Any) -> str:
    view = source_view(transcript)
    lines: list[ViewLine] = list(view.lines)
    if deid is not None:
        texts = deid.lines([(line.number, line.text, line.label_end) for line in lines],
                           file=transcript.source, consultation=annotations.id)
    else:
        texts = [line.text for line in lines]
    codes = line_codes(annotations, clean)
    phase_of = PhaseLookup(annotations.turns)
    out = ['<div class="tx">']
    current = None
    for line, text in zip(lines, texts, strict=True):
        phase = phase_of(line.number)
        if phase != current:
            out.append(f'<div class="ph ph-{esc(phase)}">{esc(phase)}</div>')
            current = phase
        info = codes.get(line.number)
        is_talk = line.kind == "talk"
        kind = info.kind if info and (is_talk or info.kind == "ctx") else ""
        title = f' title="{esc(chr(10).join(info.evidence or []))}"' if info and \
            info.evidence else ""
        arrow = "→" if kind in ("att", "resp", "carer") else ""
        side = esc(" · ".join(dict.fromkeys(info.labels or []))) if info and kind else ""
        out.append(
            f'<div class="ln ph-{esc(phase)} {kind}" id="c{index}-l{line.number}"{title}>'
            f'<span class="no">{line.number}</span><span class="ar">{arrow}</span>'
            f'<span class="t">{esc(text)}</span><span class="codes">{side}</span></div>')
    out.append("</div>")
    return "".join(out)


# -- the report -----------------------------------------------------------------------------

def report_html(report: Report, items: Sequence[tuple[ConsultationInput, Transcript | None]], *,
                deid: Deidentifier | None, plots: bool = True, title: str = "cakit report",
                extra_tables: Mapping[str, pd.DataFrame] | None = None,
                media_base: Path | None = None) -> str:
    """The full page: notes, every table of `report` (plus `extra_tables`), plots, and each
    consultation's coded transcript. `deid=None` means not de-identified (warned). With
    `media_base`, sequences link their recordings relative to that folder (never embedded;
    see `cakit.media`)."""
    from cakit.report.pseudonymise import consultation_labels, relabel_frame, relabel_note
    from cakit.report.render import legends
    from cakit.report.tables import consultation_keys

    inputs = [item for item, _ in items]
    sources = {key: (t.source if t else item.annotations.source)
               for key, (item, t) in zip(consultation_keys(inputs), items, strict=True)}
    labels = consultation_labels(report, deid, sources)
    parts = []
    notes = [f"<li>{esc(relabel_note(note, labels))}</li>" for note in report.notes]
    parts.append(f'<div class="notes"><h2>About these figures</h2><ul>{"".join(notes)}</ul></div>')
    tables = dict(report.tables)
    tables.update(extra_tables or {})
    captions = legends(report.catalogue)
    toc = [f'<li><a href="#t-{esc(name)}">{esc(report.titles.get(name, name))}</a></li>'
           for name in tables]
    toc += [f'<li><a href="#c{i}">{esc(labels.get(k, k))}</a></li>'
            for i, k in enumerate(report.consultations)]
    parts.append(f"<nav><h2>Contents</h2><ul>{''.join(toc)}</ul></nav>")
    parts.append("<h2>Tables</h2>")
    for name, frame in tables.items():
        shown = relabel_frame(frame, labels, deid)
        parts.append(table_html(shown, title=report.titles.get(name, name),
                                caption=captions.get(name, ""), table_id=f"t-{name}"))
    if plots and inputs:
        from cakit.report.plots import outcome_figure, timeline_figure, uptake_figure
        from cakit.report.tables import pooled_by_phase

        pooled = report.tables.get("pooled_by_phase")
        if pooled is None:
            pooled = pooled_by_phase(inputs, report.catalogue)
        parts.append("<h2>Plots</h2>")
        codes = report.catalogue
        for caption, figure in (
                ("Response types (R1 uptake) by phase", uptake_figure(pooled, codes)),
                ("Outcome shares by phase", outcome_figure(pooled, codes)),
                ("Consultation timelines", timeline_figure(inputs, labels, codes))):
            parts.append(f"<figure>{_svg(figure)}<figcaption>{esc(caption)}</figcaption></figure>")
    parts.append("<h2>Consultations</h2>")
    pairs = zip(report.consultations, items, strict=True)
    for index, (key, (item, transcript)) in enumerate(pairs):
        parts.append(transcript_html(index, item, transcript, labels.get(key, key), deid,
                                     media_base))
    return page(title, "\n".join(parts), deidentified=deid is not None, caveat=CAVEAT)


__all__ = ["CSS", "esc", "line_codes", "page", "report_html", "table_html", "transcript_html"]
