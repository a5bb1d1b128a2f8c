"""Trainer excerpts: chosen attempt → response sequences as numbered Jefferson extracts.

A sequence is chosen by attempt subtype, any code it carries (uptake, uptake subtype,
modifier, carer code, flags), outcome, phase or consultation; it is shown with N turns of
context before the attempt and after its last coded turn, the source's physical line
numbers, an arrow on every line of the attempt and of the coded responses, a header
(consultation, phase, codes, outcome, evidence) and a citation
`id@sha256[:8] lines a–b`. The layout is the source's own (see `cakit.report.lines`), so
overlap brackets stay aligned.

De-identification (when a `Deidentifier` is given) happens while the excerpt is built,
so nothing identifying reaches a renderer. Renderers: plain text, Markdown, HTML, Word.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cakit.annotations import (
    NOT_CODED,
    Attempt,
    ConsultationAnnotations,
    Evidence,
    TurnRecord,
    consultation_keys,
)
from cakit.codes import CodeCatalogue
from cakit.media import MediaFile, find_media, lines_span, media_element
from cakit.model import Transcript
from cakit.report.deid import Deidentifier
from cakit.report.inputs import normal_phase
from cakit.report.lines import SourceView, numbered, source_view
from cakit.report.page import CAVEAT, DEIDENTIFIED, NOT_DEIDENTIFIED, page

FLAGS = ("LATE", "CARER_FIRST", "JOINT_LAUGHTER", "CROSSES_PHASE", "CARER_INVOLVED")


def known_codes(catalogue: CodeCatalogue) -> tuple[str, ...]:
    """Every code `--code` accepts: the codebook's attempt, response, modifier and carer
    codes with their subtypes, and the sequence flags."""
    codes = [code.name for code in catalogue.codes
             if code.family not in ("turn", "carer") and code.name != "CARER_RESPONSE"]
    return (*codes, *FLAGS)


PHASE_ALIASES = {"OPEN": "OPENING", "HISTORY": "PROBLEM_HISTORY", "EXAM": "EXAMINATION",
                 "TREAT": "TREATMENT", "PRECLOSING": "PRE_CLOSING", "CLOSE": "CLOSING"}
EVIDENCE_PER_CODE = 2


def normal_code(value: str) -> str:
    """Upper case with `-` and spaces as `_` (`pre-closing` → `PRE_CLOSING`)."""
    return value.strip().upper().replace("-", "_").replace(" ", "_")


def normal_phase_name(value: str) -> str:
    code = normal_code(value)
    return PHASE_ALIASES.get(code.replace("_", ""), PHASE_ALIASES.get(code, code))


@dataclass(frozen=True, slots=True)
class Selection:
    """Which sequences to show; an empty tuple means "any"."""

    codes: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    consultations: tuple[str, ...] = ()

    def consultation_matches(self, annotations: ConsultationAnnotations) -> bool:
        if not self.consultations:
            return True
        names = {annotations.id, annotations.source}
        source = annotations.source.replace("\\", "/").rsplit("/", 1)[-1]
        names |= {source, source.rsplit(".", 1)[0]}
        return any(wanted in names for wanted in self.consultations)


def sequence_codes(annotations: ConsultationAnnotations, attempt: Attempt) -> set[str]:
    """Every code a sequence carries: subtypes, uptakes, modifiers, carer codes, flags."""
    codes = {"PSY_ATTEMPT", *attempt.subtypes}
    for response in annotations.responses_to(attempt.id):
        codes.add(response.uptake)
        if response.uptake_subtype:
            codes.add(response.uptake_subtype)
        codes.update(response.modifiers)
    codes.update(carer.code for carer in annotations.carer_responses_to(attempt.id))
    sequence = annotations.sequence(attempt.id)
    if attempt.late or normal_phase(attempt.phase) in ("PRE_CLOSING", "CLOSING"):
        codes.add("LATE")
    if sequence is not None:
        for flag, value in (("CARER_FIRST", sequence.carer_first),
                            ("JOINT_LAUGHTER", sequence.joint_laughter),
                            ("CROSSES_PHASE", sequence.crosses_phase),
                            ("CARER_INVOLVED", sequence.carer_involved)):
            if value:
                codes.add(flag)
    return codes


def select(items: Iterable[tuple[Transcript, ConsultationAnnotations]],
           selection: Selection) -> list[tuple[Transcript, ConsultationAnnotations, Attempt]]:
    """The sequences that match every given criterion, in corpus and line order."""
    chosen = []
    for transcript, coded in items:
        if not selection.consultation_matches(coded):
            continue
        for attempt in sorted(coded.attempts, key=lambda a: a.line):
            if selection.subtypes and not set(selection.subtypes) & set(attempt.subtypes):
                continue
            if selection.phases and normal_phase(attempt.phase) not in selection.phases:
                continue
            if selection.outcomes:
                sequence = coded.sequence(attempt.id)
                if sequence is None or sequence.outcome not in selection.outcomes:
                    continue
            if selection.codes and not set(selection.codes) & sequence_codes(coded,
                                                                              attempt):
                continue
            chosen.append((transcript, coded, attempt))
    return chosen


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    number: int
    text: str
    marked: bool


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One rendered-ready excerpt (already de-identified when that was asked for)."""

    consultation: str
    sha256: str
    phase: str
    attempt_id: str
    outcome: str
    summary: tuple[tuple[str, str], ...]
    evidence: tuple[str, ...]
    lines: tuple[ExcerptLine, ...]
    width: int
    first_line: int
    last_line: int
    media: MediaFile | None = None  # the recording, only when media is linked
    span_ms: tuple[int, int] | None = None  # first to last bullet of the lines shown
    heading: str = ""  # what the excerpt shows when it is not an attempt's sequence

    @property
    def citation(self) -> str:
        return f"{self.consultation}@{self.sha256[:8]} lines {self.first_line}–{self.last_line}"

    @property
    def title(self) -> str:
        shown = self.heading or f"attempt {self.attempt_id}"
        return f"{self.consultation} · {self.phase} · {shown}"


@dataclass
class ExcerptBuilder:
    """Builds excerpts, caching each transcript's source view; de-identifies if asked."""

    context: int = 2
    deid: Deidentifier | None = None
    media: bool = False
    #: transcript source → its consultation's key in the run (`consultation_keys`: two
    #: files of one name are `p01` and `p01~2`); the consultation id when absent
    keys: Mapping[str, str] = field(default_factory=dict)
    _views: dict[int, SourceView] = field(default_factory=dict)
    _media_files: dict[int, MediaFile | None] = field(default_factory=dict)

    def view(self, transcript: Transcript) -> SourceView:
        key = id(transcript)
        if key not in self._views:
            self._views[key] = source_view(transcript)
        return self._views[key]

    def build(self, transcript: Transcript, annotations: ConsultationAnnotations,
              attempt: Attempt) -> Excerpt:
        """The excerpt for one attempt's sequence."""
        first, last, marked = sequence_lines(annotations, attempt, self.context)
        cid, lines = self._extract(transcript, annotations, first, last, marked)
        summary, evidence = self._header(transcript, annotations, attempt)
        sequence = annotations.sequence(attempt.id)
        return Excerpt(
            consultation=cid, sha256=transcript.sha256 or annotations.sha256,
            phase=normal_phase(attempt.phase), attempt_id=attempt.id,
            outcome=sequence.outcome if sequence else "", summary=tuple(summary),
            evidence=tuple(evidence), lines=lines,
            width=max((len(str(line.number)) for line in lines), default=1),
            first_line=first, last_line=last, **self._media(transcript, first, last),
        )

    def build_lines(self, transcript: Transcript, annotations: ConsultationAnnotations,
                    first: int, last: int, marked: dict[int, str], *, phase: str,
                    heading: str, summary: Sequence[tuple[str, str]] = ()) -> Excerpt:
        """An excerpt of physical lines first..last that is not an attempt's sequence (a
        search hit): arrows on `marked` (line → speaker), de-identified like the others."""
        cid, lines = self._extract(transcript, annotations, first, last, marked)
        return Excerpt(
            consultation=cid, sha256=transcript.sha256 or annotations.sha256,
            phase=normal_phase(phase), attempt_id="", outcome="", summary=tuple(summary),
            evidence=(), lines=lines,
            width=max((len(str(line.number)) for line in lines), default=1),
            first_line=first, last_line=last, heading=heading,
            **self._media(transcript, first, last),
        )

    def _extract(self, transcript: Transcript, annotations: ConsultationAnnotations,
                 first: int, last: int, marked: dict[int, str]
                 ) -> tuple[str, tuple[ExcerptLine, ...]]:
        """The consultation id as shown and lines first..last, de-identified if asked."""
        chosen = self.view(transcript).between(first, last)
        cid = self.keys.get(transcript.source, annotations.id)
        if self.deid is not None:
            cid = self.deid.identifier(cid, file=transcript.source)
            texts = self.deid.lines([(line.number, line.text, line.label_end) for line in chosen],
                                    file=transcript.source, consultation=annotations.id)
        else:
            texts = [line.text for line in chosen]
        return cid, tuple(
            ExcerptLine(line.number, text, line.number in marked and line.kind == "talk"
                        and line.speaker == marked[line.number])
            for line, text in zip(chosen, texts, strict=True)
        )

    def _media(self, transcript: Transcript, first: int, last: int) -> dict[str, Any]:
        """The recording and the segment of lines first..last, when media is linked."""
        if not self.media:
            return {}
        key = id(transcript)
        if key not in self._media_files:
            self._media_files[key] = find_media(transcript)
        found = self._media_files[key]
        span = lines_span(transcript, first, last)
        return {"media": found, "span_ms": span} if found and span else {}

    def _clean(self, text: str, transcript: Transcript, annotations: ConsultationAnnotations,
               line: int) -> str:
        if self.deid is None:
            return text
        return self.deid.evidence(text, file=transcript.source, consultation=annotations.id,
                                  line=line)

    def _header(self, transcript: Transcript, annotations: ConsultationAnnotations,
                attempt: Attempt) -> tuple[list[tuple[str, str]], list[str]]:
        summary: list[tuple[str, str]] = []
        evidence: list[str] = []
        categories = f" [{', '.join(attempt.categories)}]" if attempt.categories else ""
        chain = f" · chain {attempt.chain_id} #{attempt.attempt_index}" if attempt.chain_id else ""
        summary.append(("attempt", f"{'+'.join(attempt.subtypes) or 'PSY_ATTEMPT'}{categories}"
                                   f" (line {attempt.line}) · {attempt.initiative}{chain}"))
        evidence += self._evidence(attempt.id, attempt.evidence, transcript, annotations)
        for response in sorted(annotations.responses_to(attempt.id), key=lambda r: r.rank):
            code = response.uptake + (f"/{response.uptake_subtype}"
                                      if response.uptake_subtype else "")
            modifiers = "".join(f" +{m}" for m in response.modifiers)
            where = (f"line {response.line}" if response.line else
                     "nobody coded a response" if response.uptake == NOT_CODED else
                     "no clinician turn")
            gap = f", gap {response.gap_before_s:.1f} s" if response.gap_before_s is not None \
                else ""
            summary.append((f"R{response.rank}", f"{code}{modifiers} ({where}{gap})"))
            evidence += self._evidence(f"R{response.rank}", response.evidence, transcript,
                                       annotations)
        for carer in annotations.carer_responses_to(attempt.id):
            summary.append(("carer", f"{carer.code} (line {carer.line})"))
            evidence += self._evidence(carer.code, carer.evidence, transcript, annotations)
        sequence = annotations.sequence(attempt.id)
        if sequence is not None:
            flags = [name for name, value in (
                ("hesitated", sequence.hesitated), ("laughed", sequence.laughed),
                ("carer first", sequence.carer_first), ("joint laughter", sequence.joint_laughter),
                ("late", sequence.late or attempt.late), ("crosses phase", sequence.crosses_phase),
            ) if value]
            summary.append(("outcome", sequence.outcome + (f" ({', '.join(flags)})"
                                                           if flags else "")))
        return summary, evidence

    def _evidence(self, who: str, items: Sequence[Evidence], transcript: Transcript,
                  annotations: ConsultationAnnotations) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        for item in items:
            if item.text in seen or len(out) >= EVIDENCE_PER_CODE:
                continue
            seen.add(item.text)
            text = self._clean(item.text, transcript, annotations, item.line)
            where = f"{item.line}:{item.col}" if item.col else f"{item.line}"
            quoted = f" “{text}”" if text else ""
            out.append(f"{who} {item.rule}{quoted} ({where})")
        return out


def sequence_lines(annotations: ConsultationAnnotations, attempt: Attempt,
                   context: int) -> tuple[int, int, dict[int, str]]:
    """First and last physical line of a sequence with `context` turns either side, and
    the lines of its attempt and coded turns (line → speaker)."""
    turns = sorted(annotations.turns, key=lambda record: record.line)
    position = {record.id: index for index, record in enumerate(turns)}
    responses = annotations.responses_to(attempt.id)
    carers = annotations.carer_responses_to(attempt.id)
    anchor = position.get(attempt.turn_id, _index_at(turns, attempt.line))
    coded = [anchor]
    coded += [position[r.turn_id] for r in responses if r.turn_id in position]
    coded += [position[c.turn_id] for c in carers if c.turn_id in position]
    first_turn = turns[max(0, anchor - context)] if turns else None
    last_turn = turns[min(len(turns) - 1, max(coded) + context)] if turns else None
    first = first_turn.line if first_turn else attempt.line
    last = last_turn.end_line if last_turn else attempt.line
    return first, last, _marked_lines([turns[i] for i in coded if 0 <= i < len(turns)])


def _index_at(turns: Sequence[TurnRecord], line: int) -> int:
    for index, record in enumerate(turns):
        if record.line <= line <= record.end_line:
            return index
    return 0


def _marked_lines(turns: Iterable[TurnRecord]) -> dict[int, str]:
    """Physical line → speaker, for every line of the attempt and coded turns."""
    marked: dict[int, str] = {}
    for record in turns:
        for number in range(record.line, record.end_line + 1):
            marked.setdefault(number, record.speaker)
    return marked


def build_excerpts(items: Iterable[tuple[Transcript, ConsultationAnnotations]],
                   selection: Selection = Selection(), *, context: int = 2,
                   limit: int | None = None, deid: Deidentifier | None = None,
                   media: bool = False) -> list[Excerpt]:
    """Select sequences and build their excerpts (at most `limit`); with `media`, each
    carries the recording found beside its transcript and its segment."""
    items = list(items)
    builder = ExcerptBuilder(context=context, deid=deid, media=media,
                             keys=keys_by_source(items))
    chosen = select(items, selection)
    if limit is not None:
        chosen = chosen[:limit]
    return [builder.build(t, a, attempt) for t, a, attempt in chosen]


def keys_by_source(items: Sequence[tuple[Transcript, ConsultationAnnotations]]
                   ) -> dict[str, str]:
    """Each transcript's consultation key in the run, by its source."""
    return dict(zip((transcript.source for transcript, _ in items),
                    consultation_keys(annotations.id for _, annotations in items), strict=True))


# -- renderers ------------------------------------------------------------------------------

def _banner(deidentified: bool) -> str:
    return DEIDENTIFIED if deidentified else NOT_DEIDENTIFIED


def excerpt_lines(excerpt: Excerpt) -> list[str]:
    """The extract itself: arrow column, physical line number, source layout."""
    return [numbered(line.number, line.text, excerpt.width, line.marked)
            for line in excerpt.lines]


def to_text(excerpts: Sequence[Excerpt], *, deidentified: bool = True) -> str:
    """Plain text, one excerpt after another."""
    out = [_banner(deidentified), CAVEAT, ""]
    if not excerpts:
        out.append("No sequence matches the selection.")
    for number, excerpt in enumerate(excerpts, 1):
        out.append(f"Excerpt {number} of {len(excerpts)} — {excerpt.title}")
        for label, value in excerpt.summary:
            out.append(f"  {label:<9}{value}")
        for index, item in enumerate(excerpt.evidence):
            out.append(f"  {'evidence' if index == 0 else '':<9}{item}")
        out.append(f"  {'cite':<9}{excerpt.citation}")
        out.append("")
        out.extend(excerpt_lines(excerpt))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def to_markdown(excerpts: Sequence[Excerpt], *, deidentified: bool = True) -> str:
    """Markdown: a heading per excerpt, its codes as a list, the extract in a code block."""
    out = ["# cakit excerpts", "", f"> {_banner(deidentified)}", ">", f"> {CAVEAT}", ""]
    if not excerpts:
        out.append("No sequence matches the selection.")
    for number, excerpt in enumerate(excerpts, 1):
        out.append(f"## Excerpt {number}: {_md_escape(excerpt.title)}")
        out.append("")
        for label, value in excerpt.summary:
            out.append(f"- **{label}**: {_md_escape(value)}")
        for item in excerpt.evidence:
            out.append(f"- evidence: {_md_escape(item)}")
        out.append(f"- cite: `{excerpt.citation}`")
        out.append("")
        fence = "````" if any("```" in line.text for line in excerpt.lines) else "```"
        out.append(fence + "text")
        out.extend(excerpt_lines(excerpt))
        out.append(fence)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def to_html(excerpts: Sequence[Excerpt], *, deidentified: bool = True,
            media_base: Path | None = None) -> str:
    """One self-contained HTML page (no external assets); everything escaped.

    An excerpt that carries a recording gets a player for its segment, linked relative to
    `media_base` (default: the working folder); the recording is never embedded."""
    parts = []
    if not excerpts:
        parts.append("<p>No sequence matches the selection.</p>")
    for number, excerpt in enumerate(excerpts, 1):
        rows = "".join(
            f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
            for label, value in excerpt.summary)
        rows += "".join(f"<dt>evidence</dt><dd>{html.escape(item)}</dd>"
                        for item in excerpt.evidence)
        rows += f"<dt>cite</dt><dd><code>{html.escape(excerpt.citation)}</code></dd>"
        body = "\n".join(
            f'<span class="{"hit" if line.marked else "ctx"}">'
            f"{html.escape(numbered(line.number, line.text, excerpt.width, line.marked))}</span>"
            for line in excerpt.lines)
        parts.append(f'<section class="excerpt"><h2>Excerpt {number}: '
                     f"{html.escape(excerpt.title)}</h2><dl>{rows}</dl>"
                     f'<pre class="extract">{body}</pre>{_player(excerpt, media_base)}'
                     "</section>")
    return page("cakit excerpts", "\n".join(parts), deidentified=deidentified, caveat=CAVEAT)


def _player(excerpt: Excerpt, base: Path | None) -> str:
    if excerpt.media is None or excerpt.span_ms is None:
        return ""
    return media_element(excerpt.media, excerpt.span_ms, base or Path("."))


def to_docx(excerpts: Sequence[Excerpt], *, deidentified: bool = True) -> bytes:
    """A Word document: headings, codes, and the extract in Courier New, spaces kept."""
    from cakit.report.wordml import Paragraph, docx_bytes

    paragraphs = [Paragraph("cakit excerpts", "title"),
                  Paragraph(_banner(deidentified), "normal" if deidentified else "warning"),
                  Paragraph(CAVEAT, "small")]
    if not excerpts:
        paragraphs.append(Paragraph("No sequence matches the selection."))
    for number, excerpt in enumerate(excerpts, 1):
        paragraphs.append(Paragraph(f"Excerpt {number}: {excerpt.title}", "heading"))
        for label, value in excerpt.summary:
            paragraphs.append(Paragraph(f"{label}: {value}", "small"))
        for item in excerpt.evidence:
            paragraphs.append(Paragraph(f"evidence: {item}", "small"))
        paragraphs.append(Paragraph(f"cite: {excerpt.citation}", "small"))
        for line in excerpt.lines:
            paragraphs.append(Paragraph(
                numbered(line.number, line.text, excerpt.width, line.marked), "mono",
                bold=line.marked))
    return docx_bytes(paragraphs)


__all__ = [
    "Excerpt", "ExcerptBuilder", "Selection", "build_excerpts", "known_codes", "normal_code",
    "normal_phase_name", "select", "sequence_codes", "sequence_lines", "to_docx", "to_html",
    "to_markdown", "to_text",
]
