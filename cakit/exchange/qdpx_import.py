"""Turning one source of a REFI-QDA project into a coder's decisions and codes (pure).

For the chosen user's codings on one transcript:

- a selection cakit exported for a machine code (known by its GUID) is that code: coded
  with the machine's label → accept; with another label the code's kind can take →
  relabel; not coded but with a note named `rejected` → reject; only a note → a note;
- any other selection is placed by its characters on the turn (line) that holds it: a
  code the machine gave that turn and the coder has not yet decided → accept; another
  label when exactly one undecided machine code of that family is on the turn →
  relabel; otherwise the coder's own code (`plan_code`), tied (responses, modifiers,
  carer responses) to the attempt a `responds to` link names, else to the nearest attempt
  before it;
- everything else — unknown codes, selections outside one turn, codes cakit cannot store —
  is returned as a problem, with where it is, and not imported.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from cakit.errors import UsageError
from cakit.exchange import guids
from cakit.exchange.qdpx import REJECTED, RESPONDS_TO
from cakit.exchange.qdpx_read import QdaProject, QdaSelection, QdaSource
from cakit.exchange.sourcetext import SourceLine, SourceText, recorded_sha
from cakit.store.coding import plan_code
from cakit.store.labels import ATTEMPT_BOUND, CodebookLike, check_label, family, kind_for_code
from cakit.store.records import Decision, HumanCode, Layer, MachineItem
from cakit.store.state import MachineState
from cakit.store.sync import make_decision


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing one source would write to the coder's layer, and what it could not."""

    decisions: tuple[Decision, ...] = ()
    codes: tuple[HumanCode, ...] = ()
    problems: tuple[str, ...] = ()
    #: decisions already in the layer exactly as imported (nothing to write)
    unchanged: int = 0


def code_labels(project: QdaProject, codebook: CodebookLike) -> dict[str, str | None]:
    """Each code GUID's cakit label (`CODE` or `CODE/SUBTYPE`), None when it has none.

    A code is known by its name: a codebook code (`ENGAGE`), a subtype nested under its
    code (`ENGAGE` → `ENGAGE_EXPLORE`), or a written label (`ENGAGE/ENGAGE_EXPLORE`).
    Families and other grouping codes have no label.
    """
    names = set(codebook.code_names)
    out: dict[str, str | None] = {}
    for guid, code in project.codes.items():
        name = code.name.strip()
        parent = project.codes.get(code.parent or "")
        parent_name = parent.name.strip() if parent is not None else ""
        written, _, written_subtype = name.partition("/")
        if parent_name in names and name in codebook.subtypes(parent_name):
            out[guid] = f"{parent_name}/{name}"
        elif name in names or (written in names and written_subtype
                               and written_subtype in codebook.subtypes(written)):
            out[guid] = name
        else:
            out[guid] = None
    return out


def _split(label: str) -> tuple[str, str | None]:
    code, _, subtype = label.partition("/")
    return code, subtype or None


@dataclass
class _Planner:
    project: QdaProject
    source: QdaSource
    text: SourceText
    state: MachineState
    layer: Layer | None
    codebook: CodebookLike
    coder: str
    users: frozenset[str]
    labels: dict[str, str | None]
    decisions: dict[str, Decision] = field(default_factory=dict)
    codes: list[HumanCode] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    def where(self, selection: QdaSelection) -> str:
        quote = ""
        if self.source.text is not None and 0 <= selection.start < selection.end:
            quote = " ".join(self.source.text[selection.start:selection.end].split())[:60]
        return (f"{self.source.name or self.source.guid}: characters {selection.start}-"
                f"{selection.end} {quote!r}")

    def notes(self, selection: QdaSelection, extra: Sequence[str] = ()) -> tuple[bool, str, str]:
        """(rejected?, note text, note time) of the chosen user's notes on a selection."""
        rejected, texts, time = False, [], ""
        for ref in (*selection.notes, *extra):
            note = self.project.notes.get(ref)
            if note is None or (note.user and note.user not in self.users):
                continue
            if note.name.strip().lower() == REJECTED:
                rejected = True
            if note.text.strip():
                texts.append(note.text.strip())
            time = time or note.time
        return rejected, "\n".join(texts), time

    def decide(self, item: MachineItem, decision: str | None, label: str | None, note: str,
               time: str) -> None:
        code, subtype = _split(label) if decision == "relabel" and label else (None, None)
        previous = self.layer.decision(item.id) if self.layer is not None else None
        if previous is not None and (previous.decision, previous.code, previous.subtype,
                                     previous.note) == (decision, code, subtype, note):
            self.unchanged += 1
            return
        attempt = self.state.item(item.attempt) if item.attempt else None
        self.decisions[item.id] = make_decision(
            item, coder=self.coder, decision=decision, code=code, subtype=subtype, note=note,
            previous=previous, attempt=attempt, time=time or None)

    def relabel_ok(self, item: MachineItem, label: str) -> bool:
        code, subtype = _split(label)
        return code in family(self.codebook.catalogue, item.kind) and \
            check_label(self.codebook, item.kind, code, subtype) is None

    def transcript_changed(self) -> bool:
        """Whether the transcript is not the version the archive was exported from: by the
        sha256 a cakit export records, else (an older export) by its text."""
        recorded = recorded_sha(self.source.description)
        if recorded is not None:
            return recorded != self.state.transcript.sha256
        return self.source.text is not None and self.source.text != self.text.text

    def placed(self, selection: QdaSelection, item: MachineItem) -> MachineItem | None:
        """The machine item a selection cakit exported decides on, once the transcript has
        changed: a selection's GUID names a code by its id, which is a position among like
        codes, so a like turn inserted above would take it. The item whose line, with the
        line before or after it, reads as the selection's did is the one; None when no
        single item does."""
        old = self.exported_lines.around(selection.start)
        fits = []
        for other in self.state.items:
            if (other.kind, other.code) != (item.kind, item.code):
                continue
            line = self.text.line_of_utterance(other.anchor.utterance)
            if line is None:
                continue
            new = self.current_lines.around(line.start)
            if new[1] == old[1] and (new[0] == old[0] or new[2] == old[2]):
                fits.append(other)
        return fits[0] if len(fits) == 1 else None

    @cached_property
    def exported_lines(self) -> _Lines:
        return _Lines(self.source.text or "")

    @cached_property
    def current_lines(self) -> _Lines:
        return _Lines(self.text.text)

    def line_of(self, selection: QdaSelection) -> SourceLine | None:
        if self.source.text != self.text.text:
            return None
        return self.text.line_at(selection.start, selection.end)

    def attempt_line(self, selection: QdaSelection, line: SourceLine) -> int | None:
        """The line of the attempt a response coded on `selection` belongs to."""
        for origin, target, name in self.project.links:
            if origin == selection.guid and name.strip().lower() == RESPONDS_TO:
                for item in self.state.items:
                    if guids.item_selection(item.id) == target:
                        return item.anchor.line
                for other in self.source.selections:
                    found = self.line_of(other) if other.guid == target else None
                    if found is not None and found.turn_id is not None:
                        turn = self.state.text.turn(found.turn_id)
                        return turn.line if turn is not None else None
        turn = self.state.text.turn(line.turn_id)
        if turn is None:
            return None
        rejected = {d.target for d in self.decisions.values() if d.decision == "reject"}
        lines = [item.anchor.line for item in self.state.items
                 if item.kind == "attempt" and item.anchor.line <= turn.line
                 and item.id not in rejected]
        lines += [code.anchor.line for code in self.codes
                  if code.kind == "attempt" and code.anchor.line <= turn.line]
        return max(lines) if lines else None

    def for_attempt(self, selection: QdaSelection, line: SourceLine, label: str,
                    on_turn: Sequence[MachineItem]) -> list[MachineItem]:
        """The machine items on the turn a coding placed by position may decide: for a
        response, modifier or carer response, only those to the attempt the coding
        belongs to (its `responds to` link, else the nearest attempt before it). A coder's
        ENGAGE to their own attempt is not an accept of the machine's ENGAGE to another
        attempt on the same turn."""
        if kind_for_code(_split(label)[0], self.codebook.catalogue) not in ATTEMPT_BOUND:
            return list(on_turn)
        attempt_line = self.attempt_line(selection, line)
        out = []
        for item in on_turn:
            attempt = self.state.item(item.attempt) if item.attempt else None
            if attempt is not None and attempt.anchor.line == attempt_line:
                out.append(item)
        return out

    def own(self, selection: QdaSelection, line: SourceLine, label: str, note: str,
            time: str) -> None:
        code, subtype = _split(label)
        turn = self.state.text.turn(line.turn_id)
        if turn is None:
            self.problems.append(f"{self.where(selection)}: not on a turn; {label} not imported")
            return
        kind = kind_for_code(code, self.codebook.catalogue)
        attempt_line = self.attempt_line(selection, line) if kind in ATTEMPT_BOUND else None
        try:
            planned = plan_code(self.state, self.layer, self.codebook, coder=self.coder,
                                line=turn.line, code=code, subtype=subtype,
                                attempt_line=attempt_line, note=note,
                                extra=tuple(self.codes))
        except UsageError as exc:
            self.problems.append(f"{self.where(selection)}: {label} not imported: {exc}")
            return
        if time:
            planned = replace(planned, time=time)
        existing = [c for c in (self.layer.codes if self.layer else ()) if c.id == planned.id]
        if existing and existing[0].note == planned.note:
            self.unchanged += 1
            return
        self.codes.append(planned)

    def selection(self, selection: QdaSelection, items: dict[str, MachineItem]) -> None:
        codings = [c for c in selection.codings if c.user in self.users]
        rejected, note, note_time = self.notes(
            selection, [ref for c in codings for ref in c.notes])
        labelled: list[tuple[str, str]] = []
        for coding in codings:
            label = self.labels.get(coding.code)
            if label is None:
                code = self.project.codes.get(coding.code)
                name = code.name if code is not None else coding.code
                self.problems.append(f"{self.where(selection)}: unknown code {name!r}; "
                                     "not imported")
                continue
            labelled.append((label, coding.time))
        item = items.get(selection.guid)
        if item is not None and self.transcript_changed():
            placed = self.placed(selection, item)
            if placed is None:
                for label, _ in labelled:
                    self.problems.append(
                        f"{self.where(selection)}: {label} not imported: the transcript "
                        "changed around it since the export, and its turn is not found "
                        "for sure (export a fresh project)")
                return
            item = placed
        if item is not None:
            own = [lab for lab in labelled if lab[0] == item.label]
            other = [lab for lab in labelled if lab[0] != item.label]
            if own:
                self.decide(item, "accept", None, note, own[0][1] or note_time)
            elif other and self.relabel_ok(item, other[0][0]):
                self.decide(item, "relabel", other[0][0], note, other[0][1] or note_time)
                other = other[1:]
            elif rejected:
                self.decide(item, "reject", None, note, note_time)
            elif note:
                self.decide(item, None, None, note, note_time)
            labelled, note = other, ""
            if not labelled:
                return
        if not labelled:
            return
        line = self.line_of(selection)
        if line is None:
            why = ("the source's text is not the transcript's" if self.source.text !=
                   self.text.text else "it is not inside one turn")
            for label, _ in labelled:
                self.problems.append(f"{self.where(selection)}: {label} not imported: {why}")
            return
        on_turn = [i for i in self.state.items if i.anchor.utterance in line.utterances]
        for label, time in labelled:
            undecided = [i for i in self.for_attempt(selection, line, label, on_turn)
                         if i.id not in self.decisions]
            same = [i for i in undecided if i.label == label]
            if same:
                self.decide(same[0], "accept", None, note, time or note_time)
                continue
            family = [i for i in undecided if self.relabel_ok(i, label)]
            if len(family) == 1:
                self.decide(family[0], "relabel", label, note, time or note_time)
                continue
            self.own(selection, line, label, note, time or note_time)


class _Lines:
    """A source text's lines, split once, found by character offset."""

    def __init__(self, text: str) -> None:
        split = text.split("\n")
        self.lines = ["", *split, ""]  # an empty line before the first and after the last
        self.starts: list[int] = []  # where each line of the text starts
        offset = 0
        for line in split:
            self.starts.append(offset)
            offset += len(line) + 1

    def around(self, offset: int) -> tuple[str, str, str]:
        """The line holding `offset`, with the lines before and after it."""
        index = max(bisect.bisect_right(self.starts, offset), 1)
        return self.lines[index - 1], self.lines[index], self.lines[index + 1]


def plan_import(project: QdaProject, source: QdaSource, text: SourceText,
                state: MachineState, layer: Layer | None, codebook: CodebookLike, *,
                coder: str, users: frozenset[str]) -> ImportPlan:
    """The decisions and codes the chosen users' codings on `source` make (nothing is
    written); `users` are the GUIDs (normalised) whose codings count as the coder's."""
    planner = _Planner(project=project, source=source, text=text, state=state, layer=layer,
                       codebook=codebook, coder=coder, users=users,
                       labels=code_labels(project, codebook))
    items = {guids.item_selection(item.id): item for item in state.items}
    if source.text is None:
        planner.problems.append(f"{source.name or source.guid}: the archive does not hold "
                                "its text; selections placed by GUID only")
    elif source.text != text.text:
        planner.problems.append(f"{source.name or source.guid}: its text is not the "
                                "transcript's as cakit exports it; only selections cakit "
                                "exported (known by GUID) were imported")
    # cakit's own selections first, so a code placed by position never takes a machine
    # code a selection by GUID decides
    for selection in sorted(source.selections,
                            key=lambda s: (s.guid not in items, s.start, s.end, s.guid)):
        planner.selection(selection, items)
    return ImportPlan(decisions=tuple(planner.decisions.values()), codes=tuple(planner.codes),
                      problems=tuple(planner.problems), unchanged=planner.unchanged)
