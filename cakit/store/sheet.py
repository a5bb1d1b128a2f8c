"""The review spreadsheet: machine codes out to Excel, coders' decisions back in.

Export writes one row per machine annotation (sheet "machine codes") with a `decision`
drop-down (accept/reject/relabel), a `relabel_to` drop-down of the codebook's labels and a
`note` column, plus a sheet "human codes" where a coder adds codes the machine did not
propose. Import validates every row before anything is written — unknown ids, bad
decisions, codes or subtypes not in the codebook, lines with no talk, responses with no
attempt — and returns the problems with their sheet and row numbers; the caller writes
nothing when there is any (unless told to skip invalid rows).

Transcript text is shown readably (`cakit.media.readable_bullets`: bullets as times) and
every row the export writes goes through `cakit.spreadsheet.append_row`, so no control
character reaches a worksheet and no text is taken for a formula: text that could start
one (a latched turn, `=it's fine`) is written with a leading `'`, which import removes
again (`restore`) from every cell it reads, so ids, paths and notes come back as written.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cakit.errors import CakitError, UsageError
from cakit.media import readable_bullets
from cakit.spreadsheet import append_row, restore
from cakit.store.anchors import context_fits, locate
from cakit.store.labels import (
    CodebookLike,
    all_labels,
    check_label,
    format_label,
    kind_for_code,
    parse_label,
)
from cakit.store.records import (
    DECISIONS,
    HumanCode,
    InvalidRecord,
    Layer,
    MachineItem,
    anchor_from_dict,
)
from cakit.store.state import MachineState

MACHINE_SHEET = "machine codes"
HUMAN_SHEET = "human codes"
CODES_SHEET = "codes"
MACHINE_COLUMNS: tuple[str, ...] = (
    "transcript", "id", "kind", "line", "attempt_line", "speaker", "context", "code", "subtype",
    "confidence", "evidence", "decision", "relabel_to", "note", "anchor",
)
#: the hidden column holding where each row's code stood when the sheet was exported
#: (`Anchor.to_dict` as JSON): on import, a transcript edited since then is checked
#: against it, so that a decision never lands on a like turn that took the row's id
HUMAN_COLUMNS: tuple[str, ...] = ("transcript", "line", "code", "subtype", "attempt_line", "note")
_WIDTHS = {"transcript": 28, "id": 18, "kind": 14, "line": 6, "attempt_line": 8, "speaker": 8,
           "context": 70, "code": 18, "subtype": 20, "confidence": 8, "evidence": 50,
           "decision": 10, "relabel_to": 28, "note": 40, "anchor": 10}


def _context(state: MachineState, item: MachineItem) -> tuple[str, str]:
    """(speaker, the coded turn's talk) for the row."""
    turn = state.text.turn(item.turn_id)
    if turn is None:
        index = state.text.index_of(item.anchor.utterance)
        utterance = state.text.utterances[index] if index is not None else None
        return (utterance.speaker if utterance else "",
                "(no clinician turn in the window)" if item.turn_id is None and utterance
                else "")
    talk = " / ".join(state.text.utterances[k].content for k in turn.utterances)
    return turn.speaker, readable_bullets(talk)


def export_workbook(states: Sequence[MachineState], codebook: CodebookLike, *,
                    layers: Mapping[str, Layer | None] | None = None) -> bytes:
    """The review workbook for these transcripts (xlsx bytes).

    Args:
        states: the transcripts' machine states.
        codebook: for the relabel drop-down.
        layers: source → a coder's layer, to pre-fill their decisions and notes.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = MACHINE_SHEET
    append_row(sheet, MACHINE_COLUMNS)
    for state in states:
        layer = (layers or {}).get(state.source)
        by_id = {item.id: item for item in state.items}
        for item in state.items:
            speaker, talk = _context(state, item)
            decision = layer.decision(item.id) if layer is not None else None
            attempt = by_id.get(item.attempt or "")
            relabel = ""
            if decision is not None and decision.decision == "relabel" and decision.code:
                relabel = format_label(decision.code, decision.subtype)
            append_row(sheet, [
                state.source, item.id, item.kind, item.anchor.line,
                attempt.anchor.line if attempt is not None else None, speaker, talk, item.code,
                item.subtype or "", item.confidence,
                readable_bullets(" | ".join(f"{e.get('rule', '')}: {e.get('text', '')}"
                                            for e in item.evidence)),
                decision.decision or "" if decision is not None else "", relabel,
                decision.note if decision is not None else "",
                json.dumps(item.anchor.to_dict(), ensure_ascii=False, separators=(",", ":")),
            ])
    rows = sheet.max_row
    codes = book.create_sheet(CODES_SHEET)
    labels = all_labels(codebook)
    append_row(codes, ["label"])
    for label in labels:
        append_row(codes, [label])
    codes.sheet_state = "hidden"
    decision_check = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"',
                                    allow_blank=True, showErrorMessage=True,
                                    errorTitle="decision",
                                    error="Choose accept, reject or relabel (or leave empty).")
    label_check = DataValidation(type="list",
                                 formula1=f"'{CODES_SHEET}'!$A$2:$A${len(labels) + 1}",
                                 allow_blank=True, showErrorMessage=True,
                                 errorTitle="relabel_to", error="Choose a code from the list.")
    sheet.add_data_validation(decision_check)
    sheet.add_data_validation(label_check)
    column = {name: _letter(k) for k, name in enumerate(MACHINE_COLUMNS, 1)}
    last = max(rows, 2) + 500
    decision_check.add(f"{column['decision']}2:{column['decision']}{last}")
    label_check.add(f"{column['relabel_to']}2:{column['relabel_to']}{last}")
    _style(sheet, MACHINE_COLUMNS, Font, Alignment)
    sheet.column_dimensions[column["anchor"]].hidden = True
    human = book.create_sheet(HUMAN_SHEET, 1)
    append_row(human, HUMAN_COLUMNS)
    code_names = [c for c in codebook.code_names
                  if kind_for_code(c, codebook.catalogue) is not None]
    human_check = DataValidation(type="list", formula1='"' + ",".join(code_names) + '"',
                                 allow_blank=True, showErrorMessage=True, errorTitle="code",
                                 error="Choose a code from the codebook.")
    human.add_data_validation(human_check)
    human_check.add("C2:C1000")
    _style(human, HUMAN_COLUMNS, Font, Alignment)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _style(sheet: Any, columns: Sequence[str], font: Any, alignment: Any) -> None:
    for k, name in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=k)
        cell.font = font(bold=True)
        sheet.column_dimensions[_letter(k)].width = _WIDTHS.get(name, 12)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = alignment(vertical="top", wrap_text=False)
    sheet.freeze_panes = "A2"


# -- import ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that cannot be applied, and why."""

    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"sheet {self.sheet!r} row {self.row}: {self.message}"


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """A valid decision row, to be recorded under the layer's lock."""

    source: str
    item: MachineItem
    decision: str | None
    code: str | None
    subtype: str | None
    note: str | None
    row: int


@dataclass(slots=True)
class ImportPlan:
    """What an import would write, and the rows it cannot apply."""

    decisions: list[DecisionRequest] = field(default_factory=list)
    codes: list[tuple[str, HumanCode, int]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    undecided: int = 0

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for request in self.decisions:
            seen.setdefault(request.source, None)
        for source, _, _ in self.codes:
            seen.setdefault(source, None)
        return list(seen)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value).strip())


def _int(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _rows(sheet: Any, columns: Sequence[str], name: str, required: Sequence[str],
          problems: list[RowProblem]) -> list[tuple[int, dict[str, Any]]]:
    header = [_text(c.value).lower() for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(RowProblem(name, 1, f"missing column(s): {', '.join(missing)} "
                                            f"(expected {', '.join(columns)})"))
        return []
    position = {name: header.index(name) for name in columns if name in header}
    out = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), 2):
        values = {name: row[k] if k < len(row) else None for name, k in position.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        out.append((number, values))
    return out


def plan_import(
    data: bytes, *, coder: str, codebook: CodebookLike,
    state_for: Callable[[str], MachineState], layer_for: Callable[[str], Layer | None],
) -> ImportPlan:
    """Validate every row of a review workbook; return what to write and what is wrong.

    Args:
        data: the xlsx bytes.
        coder: whose layer the decisions go to.
        codebook: to check codes and subtypes.
        state_for: source → its machine state (may raise CakitError for a bad transcript).
        layer_for: source → the coder's current layer (None when absent).

    Raises:
        UsageError: the file is not a workbook or lacks the "machine codes" sheet.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise UsageError(f"not a readable .xlsx workbook: {exc}") from None
    if MACHINE_SHEET not in book.sheetnames:
        raise UsageError(f"the workbook has no sheet {MACHINE_SHEET!r} "
                         "(export one with `cakit review-sheet export`)")
    plan = ImportPlan()
    states: dict[str, MachineState | str] = {}

    def state(source: str) -> MachineState | str:
        if source not in states:
            try:
                states[source] = state_for(source)
            except CakitError as exc:
                states[source] = str(exc).splitlines()[0]
        return states[source]

    seen_ids: dict[tuple[str, str], int] = {}
    for number, row in _rows(book[MACHINE_SHEET], MACHINE_COLUMNS, MACHINE_SHEET,
                             ("transcript", "id", "decision", "relabel_to", "note"),
                             plan.problems):
        problem = _decision_row(plan, number, row, codebook, state, seen_ids)
        if problem:
            plan.problems.append(RowProblem(MACHINE_SHEET, number, problem))
    if HUMAN_SHEET in book.sheetnames:
        added: dict[str, list[HumanCode]] = {}
        for number, row in _rows(book[HUMAN_SHEET], HUMAN_COLUMNS, HUMAN_SHEET,
                                 ("transcript", "line", "code"), plan.problems):
            problem = _code_row(plan, number, row, coder, codebook, state, layer_for, added)
            if problem:
                plan.problems.append(RowProblem(HUMAN_SHEET, number, problem))
    return plan


def _decision_row(plan: ImportPlan, number: int, row: Mapping[str, Any],
                  codebook: CodebookLike, state: Callable[[str], MachineState | str],
                  seen_ids: dict[tuple[str, str], int]) -> str | None:
    source = _text(row.get("transcript"))
    item_id = _text(row.get("id"))
    decision = _text(row.get("decision")).lower()
    relabel_to = _text(row.get("relabel_to"))
    note = _text(row.get("note"))
    if not decision and not relabel_to and not note:
        plan.undecided += 1
        return None
    if not source:
        return "no transcript"
    if not item_id:
        return "no id"
    key = (source, item_id)
    if key in seen_ids:
        return f"id {item_id} appears again (first on row {seen_ids[key]})"
    seen_ids[key] = number
    found = state(source)
    if isinstance(found, str):
        return f"transcript {source}: {found}"
    item = found.item(item_id)
    if item is None:
        return (f"unknown id {item_id!r} for {source} (the machine no longer proposes it, or "
                "the sheet was edited); export a fresh sheet")
    placed = _decided_item(found, item, _text(row.get("anchor")))
    if isinstance(placed, str):
        return placed
    item = placed
    twice = next((r.row for r in plan.decisions if (r.source, r.item.id) == (source, item.id)),
                 None)
    if twice is not None:
        return (f"this row and row {twice} decide the same code now that the transcript has "
                "changed; export a fresh sheet")
    if decision and decision not in DECISIONS:
        return f"decision {decision!r} is not one of accept, reject, relabel"
    code = subtype = None
    if decision == "relabel":
        if not relabel_to:
            return "decision is relabel but relabel_to is empty"
        code, subtype = parse_label(relabel_to, codebook, item.kind)
        problem = check_label(codebook, item.kind, code, subtype)
        if problem:
            return f"relabel_to {relabel_to!r}: {problem}"
    elif relabel_to:
        return f"relabel_to is filled in but decision is {decision or 'empty'!r}; " \
               "choose relabel or clear relabel_to"
    plan.decisions.append(DecisionRequest(source=source, item=item, decision=decision or None,
                                          code=code, subtype=subtype,
                                          note=note if note else None, row=number))
    return None


def _decided_item(state: MachineState, item: MachineItem, stored: str) -> MachineItem | str:
    """The machine item a row decided on, or why it cannot be known.

    The row names its code by id, but an id is a position among like codes: when the
    transcript was edited after the export (a turn like the decided one inserted above it),
    the id can now name another turn. The row's anchor says where its code stood; the item
    there, of the same kind and code, is the one decided. A sheet without anchors (made
    before they were written) is taken by id, as it always was."""
    if not stored:
        return item
    try:
        anchor = anchor_from_dict(json.loads(stored))
    except (ValueError, InvalidRecord):
        return "the hidden anchor column of this row was changed; export a fresh sheet"
    if anchor.sha256 == state.text.sha256 or context_fits(anchor, state.text,
                                                          item.anchor.utterance):
        return item
    outcome, moved = locate(anchor, state.text)
    if outcome in ("kept", "moved"):
        for other in state.items:
            if (other.kind, other.code, other.anchor.utterance) == (
                    item.kind, item.code, moved.utterance):
                return other
    return (f"the transcript changed after the sheet was exported, and this row's code "
            f"(line {anchor.line}: {anchor.quote!r}) is not where the sheet says; nothing "
            "is decided for it (export a fresh sheet, or decide it with cakit review)")


def _code_row(plan: ImportPlan, number: int, row: Mapping[str, Any], coder: str,
              codebook: CodebookLike, state: Callable[[str], MachineState | str],
              layer_for: Callable[[str], Layer | None],
              added: dict[str, list[HumanCode]]) -> str | None:
    from cakit.store.coding import plan_code

    source = _text(row.get("transcript"))
    if not source:
        return "no transcript"
    found = state(source)
    if isinstance(found, str):
        return f"transcript {source}: {found}"
    line = _int(row.get("line"))
    if line is None:
        return f"line {_text(row.get('line'))!r} is not a line number"
    attempt_text = _text(row.get("attempt_line"))
    attempt_line = _int(attempt_text)
    if attempt_text and attempt_line is None:
        return f"attempt_line {attempt_text!r} is not a line number"
    try:
        code = plan_code(found, layer_for(source), codebook, coder=coder, line=line,
                         code=_text(row.get("code")), subtype=_text(row.get("subtype")) or None,
                         attempt_line=attempt_line, note=_text(row.get("note")),
                         extra=tuple(added.get(source, ())))
    except UsageError as exc:
        return str(exc).replace("--attempt-line", "attempt_line")
    except CakitError as exc:
        return str(exc).splitlines()[0]
    added.setdefault(source, []).append(code)
    plan.codes.append((source, code, number))
    return None


def read_workbook(path: str | Path) -> bytes:
    """The bytes of a workbook file.

    Raises:
        UsageError: the file cannot be read.
    """
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
