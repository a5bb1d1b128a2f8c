"""Annotations of one consultation, and the JSON export every other tool reads.

These are the values the annotator returns, the reporter counts, the store keeps and
`cakit evaluate` compares. Their JSON form is normative (the JSON annotation
export"): field names must not change. A few fields beyond the design's example are
added (`sha256`, `timing_available`, `nonverbal_available`, `carer_present`, `status`,
`producer`, `initiative`, `polarity` …); readers that do not know them ignore them.
Line numbers are physical 1-based lines of the source file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from cakit._quick_init import quick_init, quick_state
from cakit.errors import CakitError

if TYPE_CHECKING:
    from cakit.codes import CodeCatalogue

PHASES: tuple[str, ...] = (
    "OPENING", "PROBLEM_HISTORY", "EXAMINATION", "TREATMENT", "PRE_CLOSING", "CLOSING",
)
#: Phase order for reports, with UNKNOWN kept as its own row (docs/codebook.md).
PHASES_WITH_UNKNOWN: tuple[str, ...] = (*PHASES, "UNKNOWN")
LATE_PHASES = frozenset({"PRE_CLOSING", "CLOSING"})

CATEGORIES: tuple[str, ...] = (
    "voices", "visions", "other_senses", "persecution", "thought_interference", "control",
    "reference", "grandiose", "somatic", "religious", "emotional", "epistemic",
)
STATUSES: tuple[str, ...] = ("proposed", "accepted", "rejected", "edited")


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Why a code was given: the rule that fired, the text it matched, and where."""

    rule: str
    text: str
    line: int
    col: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnRecord:
    id: str
    speaker: str
    role: str
    line: int
    end_line: int
    phase: str = "UNKNOWN"


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseSpan:
    phase: str
    start_turn: str
    end_turn: str
    start_line: int
    end_line: int
    confidence: float = 0.0
    reopened: bool = False
    manual: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """A patient's attempt to raise possibly psychotic content (docs/codebook.md)."""

    id: str
    turn_id: str
    line: int
    subtypes: tuple[str, ...]
    categories: tuple[str, ...] = ()
    phase: str = "UNKNOWN"
    late: bool = False
    chain_id: str = ""
    attempt_index: int = 1
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    initiative: str = "self"
    polarity: str = "present"
    re_raised: bool = False
    status: str = "proposed"
    producer: str = ""

    @property
    def primary_subtype(self) -> str:
        """QUESTION > REPEAT > EMO > ASSERT (docs/codebook.md)."""
        for subtype in ("PSY_Q", "PSY_REPEAT", "PSY_EMO", "PSY_ASSERT"):
            if subtype in self.subtypes:
                return subtype
        return self.subtypes[0] if self.subtypes else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnCode:
    """A code on one turn outside sequences: PSY_ELICITED, REPAIR_OI, MEDCHECK_SYMPTOM."""

    turn_id: str
    line: int
    evidence: tuple[Evidence, ...] = ()
    status: str = "proposed"
    producer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """A clinician turn in an attempt's window, coded for uptake and delivery (docs/codebook.md)."""

    attempt_id: str
    turn_id: str | None
    line: int | None
    rank: int
    role: str = "clinician"
    uptake: str = "UNCLASSIFIED"
    uptake_subtype: str | None = None
    modifiers: tuple[str, ...] = ()
    gap_before_s: float | None = None
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    to_domain: str | None = None
    status: str = "proposed"
    producer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CarerResponse:
    attempt_id: str
    turn_id: str
    line: int
    code: str
    evidence: tuple[Evidence, ...] = ()
    status: str = "proposed"
    producer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceRecord:
    """One attempt → response sequence and its outcome (docs/codebook.md)."""

    attempt_id: str
    outcome: str
    hesitated: bool = False
    laughed: bool = False
    carer_involved: bool = False
    late: bool = False
    crosses_phase: bool = False
    carer_first: bool = False
    joint_laughter: bool = False
    patient_laughed_first: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsultationAnnotations:
    """Everything coded in one consultation."""

    id: str
    source: str
    format: str
    sha256: str = ""
    turns: tuple[TurnRecord, ...] = ()
    phases: tuple[PhaseSpan, ...] = ()
    attempts: tuple[Attempt, ...] = ()
    elicited: tuple[TurnCode, ...] = ()
    repairs: tuple[TurnCode, ...] = ()
    medchecks: tuple[TurnCode, ...] = ()
    responses: tuple[Response, ...] = ()
    carer_responses: tuple[CarerResponse, ...] = ()
    sequences: tuple[SequenceRecord, ...] = ()
    timing_available: bool = False
    nonverbal_available: bool = False
    carer_present: bool = False

    def turn(self, turn_id: str | None) -> TurnRecord | None:
        for record in self.turns:
            if record.id == turn_id:
                return record
        return None

    def attempt(self, attempt_id: str) -> Attempt | None:
        for attempt in self.attempts:
            if attempt.id == attempt_id:
                return attempt
        return None

    def responses_to(self, attempt_id: str) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if r.attempt_id == attempt_id)

    def carer_responses_to(self, attempt_id: str) -> tuple[CarerResponse, ...]:
        return tuple(r for r in self.carer_responses if r.attempt_id == attempt_id)

    def sequence(self, attempt_id: str) -> SequenceRecord | None:
        for sequence in self.sequences:
            if sequence.attempt_id == attempt_id:
                return sequence
        return None

    def phase_at_line(self, line: int) -> str:
        """Phase of the turn that contains `line` (UNKNOWN when no turn does)."""
        for record in self.turns:
            if record.line <= line <= record.end_line:
                return record.phase
        return "UNKNOWN"


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnotationSet:
    """The JSON export: annotations for several consultations, with the versions used."""

    cakit_version: str
    codebook_version: str
    transcripts: tuple[ConsultationAnnotations, ...] = field(default=())


# made once per turn and per piece of evidence
for _hot in (TurnRecord, Evidence):
    quick_init(_hot)
# every code of a consultation travels from a report's worker to the reporting process
for _sent in (Evidence, TurnRecord, PhaseSpan, Attempt, TurnCode, Response, CarerResponse,
              SequenceRecord, ConsultationAnnotations):
    quick_state(_sent)


def stable_id(*parts: object) -> str:
    """A short id that is identical across runs for the same inputs."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:16]


# -- JSON ------------------------------------------------------------------------------

#: per type met: a dataclass's field names, a getter of their values and whether every
#: field is a plain JSON value (str, int, float, bool, None); None for any other type
_FieldGetter = tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]], bool]
_FIELD_GETTERS: dict[type, _FieldGetter | None] = {}
_SCALARS = frozenset({"str", "int", "float", "bool", "None"})


def _field_getter(kind: type) -> _FieldGetter | None:
    if not hasattr(kind, "__dataclass_fields__"):
        return None
    items = fields(kind)
    names = tuple(f.name for f in items)
    flat = all(set(re.findall(r"\w+", str(f.type))) <= _SCALARS for f in items)
    if len(names) >= 2:
        return names, attrgetter(*names), flat
    return names, lambda value: tuple(getattr(value, name) for name in names), flat


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    kind = type(value)
    if kind not in _FIELD_GETTERS:
        _FIELD_GETTERS[kind] = _field_getter(kind)
    getter = _FIELD_GETTERS[kind]
    if getter is None:
        return value
    names, values, flat = getter
    if flat:  # one record per turn: most of an export
        return dict(zip(names, values(value), strict=True))
    return {name: _plain(item) for name, item in zip(names, values(value), strict=True)}


def to_dict(annotation_set: AnnotationSet) -> dict[str, Any]:
    """The normative JSON shape as plain Python values."""
    out: dict[str, Any] = _plain(annotation_set)
    return out


def consultation_json(consultation: ConsultationAnnotations) -> str:
    """One consultation as the one-line JSON object it is in the export's `transcripts`."""
    return json.dumps(_plain(consultation), ensure_ascii=False)


def to_json(annotation_set: AnnotationSet, *, indent: int | None = 2) -> str:
    return json.dumps(to_dict(annotation_set), indent=indent, ensure_ascii=False)


class AnnotationFormatError(CakitError, ValueError):
    """An annotation JSON document does not have the export's shape."""


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def field_names(cls: type) -> frozenset[str]:
    """The field names of a dataclass, looked up once per class (`dataclasses.fields` was a
    sixth of a warm report's time when called for every record read)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def _build(cls: type[Any], data: Any, where: str, evidence: bool = True) -> Any:
    if not isinstance(data, Mapping):
        raise AnnotationFormatError(f"{where}: expected an object, found {type(data).__name__}")
    known = field_names(cls)
    kwargs: Mapping[str, Any]
    if "evidence" not in data and data.keys() <= known and list not in map(type, data.values()):
        kwargs = data  # a turn or a phase span: nothing to drop or convert (1.6 times as fast)
    else:
        # unknown extra fields are tolerated (forward compatibility); lists become tuples
        kwargs = {name: tuple(value) if isinstance(value, list) else value
                  for name, value in data.items() if name in known and name != "evidence"}
        if evidence and "evidence" in known and data.get("evidence"):
            kwargs["evidence"] = tuple(_build(Evidence, item, f"{where}.evidence[{k}]")
                                       for k, item in enumerate(data["evidence"]))
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise AnnotationFormatError(f"{where}: {exc}") from None


_LISTS: dict[str, type[Any]] = {
    "turns": TurnRecord,
    "phases": PhaseSpan,
    "attempts": Attempt,
    "elicited": TurnCode,
    "repairs": TurnCode,
    "medchecks": TurnCode,
    "responses": Response,
    "carer_responses": CarerResponse,
    "sequences": SequenceRecord,
}


def consultation_from_dict(
    data: Mapping[str, Any], where: str = "transcript", *, evidence: bool = True
) -> ConsultationAnnotations:
    """One consultation of the export shape; with `evidence=False` its codes are built
    without their evidence (for counting, which never reads it: building it was a fifth
    of a warm report's work per file)."""
    kwargs: dict[str, Any] = {}
    for name in ("id", "source", "format", "sha256", "timing_available", "nonverbal_available",
                 "carer_present"):
        if name in data:
            kwargs[name] = data[name]
    for name, cls in _LISTS.items():
        items = data.get(name) or []
        if not isinstance(items, list):
            raise AnnotationFormatError(f"{where}.{name}: expected a list")
        kwargs[name] = tuple(
            _build(cls, item, f"{where}.{name}[{k}]", evidence) for k, item in enumerate(items)
        )
    for required in ("id", "source", "format"):
        if required not in kwargs:
            raise AnnotationFormatError(f"{where}: missing {required!r}")
    return ConsultationAnnotations(**kwargs)


#: What a value of each field type written in the export may be (JSON: lists for tuples).
_SHAPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "str | None": (str, type(None)), "int": (int,),
    "int | None": (int, type(None)), "float": (int, float),
    "float | None": (int, float, type(None)), "bool": (bool,),
}


def _value_problem(value: Any, kind: str) -> str | None:
    """Why a JSON value cannot be a field of the given type (None when it can)."""
    if kind.startswith("tuple["):
        if not isinstance(value, list):
            return f"expected a list, found {_json_type(value)}"
        if kind == "tuple[str, ...]" and not all(isinstance(v, str) for v in value):
            return "expected a list of strings"
        return None
    allowed = _SHAPES.get(kind)
    if allowed is None:
        return None
    if isinstance(value, bool) and bool not in allowed:
        return f"expected {kind}, found a boolean"
    return None if isinstance(value, allowed) else f"expected {kind}, found {_json_type(value)}"


def _json_type(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number",
             str: "a string", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


#: Where a value is in an export: keys and list positions from the top
#: (`("transcripts", 0, "turns", 3, "line")`).
JsonPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ShapeProblem:
    """One thing `shape_problems` found: where (`on_key`: the key itself, not its value)
    and what."""

    where: JsonPath
    message: str
    on_key: bool = False

    def __str__(self) -> str:
        return f"{json_path_text(self.where)}: {self.message}"


def json_path_text(where: JsonPath) -> str:
    """`transcripts[0].turns[3].line` for `("transcripts", 0, "turns", 3, "line")`."""
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def shape_problems(data: Mapping[str, Any]) -> list[ShapeProblem]:
    """What the reader (lenient, for forward compatibility) would pass over in an export
    written or edited by hand, such as a gold file: keys that are not the export's (a
    misspelt `attempts` reads as "no attempts"), null or mistyped values, and codes that
    point at an attempt or a turn the consultation does not have."""
    problems: list[ShapeProblem] = []
    transcripts = data.get("transcripts") if isinstance(data, Mapping) else None
    if not isinstance(transcripts, list):
        return [ShapeProblem((), "not a cakit annotation export: no 'transcripts' list")]
    known = {f.name: str(f.type) for f in fields(ConsultationAnnotations)}
    for k, consultation in enumerate(transcripts):
        where: JsonPath = ("transcripts", k)
        if not isinstance(consultation, Mapping):
            problems.append(ShapeProblem(where, "expected an object, found "
                                         f"{_json_type(consultation)}"))
            continue
        for key in consultation:
            if key not in known:
                problems.append(ShapeProblem((*where, key), f"unknown key {key!r} (the "
                                             f"export's keys are {', '.join(known)})", True))
            elif key not in _LISTS:
                problem = _value_problem(consultation[key], known[key])
                if problem:
                    problems.append(ShapeProblem((*where, key), problem))
        for name, cls in _LISTS.items():
            items = consultation.get(name, [])
            if not isinstance(items, list):
                problems.append(ShapeProblem((*where, name),
                                             f"expected a list, found {_json_type(items)}"))
                continue
            types = {f.name: str(f.type) for f in fields(cls)}
            for n, item in enumerate(items):
                if not isinstance(item, Mapping):
                    continue  # the reader says so
                for key, value in item.items():
                    if key not in types:
                        problems.append(ShapeProblem((*where, name, n, key),
                                                     f"unknown key {key!r}", True))
                    elif key != "evidence":
                        problem = _value_problem(value, types[key])
                        if problem:
                            problems.append(ShapeProblem((*where, name, n, key), problem))
                    else:
                        problems.extend(_evidence_problems(value, (*where, name, n, key)))
        problems.extend(_reference_problems(consultation, where))
    return problems


def _evidence_problems(items: Any, where: JsonPath) -> list[ShapeProblem]:
    """What is wrong with an `evidence` list: each item an object with `rule`, `text` and
    `line` (and `col`), of the export's types."""
    if not isinstance(items, list):
        return [ShapeProblem(where, f"expected a list, found {_json_type(items)}")]
    types = {f.name: str(f.type) for f in fields(Evidence)}
    problems: list[ShapeProblem] = []
    for n, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(ShapeProblem((*where, n),
                                         f"expected an object, found {_json_type(item)}"))
            continue
        for key in ("rule", "text", "line"):
            if key not in item:
                problems.append(ShapeProblem((*where, n), f"evidence needs {key!r}"))
        for key, value in item.items():
            if key not in types:
                problems.append(ShapeProblem((*where, n, key), f"unknown key {key!r}", True))
            else:
                problem = _value_problem(value, types[key])
                if problem:
                    problems.append(ShapeProblem((*where, n, key), problem))
    return problems


def _reference_problems(consultation: Mapping[str, Any], where: JsonPath
                        ) -> list[ShapeProblem]:
    """Codes pointing at an attempt or a turn the consultation does not have."""
    def ids(name: str) -> set[Any]:
        items = consultation.get(name)
        return {item.get("id") for item in items if isinstance(item, Mapping)} \
            if isinstance(items, list) else set()

    attempts, turns = ids("attempts"), ids("turns")
    problems = []
    for name in ("responses", "carer_responses", "sequences"):
        items = consultation.get(name)
        for n, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, Mapping) and item.get("attempt_id") not in attempts:
                problems.append(ShapeProblem(
                    (*where, name, n, "attempt_id"), f"attempt_id {item.get('attempt_id')!r} "
                    "is no attempt of this consultation"))
    if turns:
        for name in ("attempts", "elicited", "repairs", "medchecks", "responses",
                     "carer_responses"):
            items = consultation.get(name)
            for n, item in enumerate(items if isinstance(items, list) else []):
                turn = item.get("turn_id") if isinstance(item, Mapping) else None
                if turn is not None and turn not in turns:
                    problems.append(ShapeProblem((*where, name, n, "turn_id"),
                                                 f"turn_id {turn!r} is no turn of this "
                                                 "consultation"))
    return problems


def from_dict(data: Mapping[str, Any]) -> AnnotationSet:
    """Parse the export shape (raises AnnotationFormatError with the path to the problem)."""
    if not isinstance(data, Mapping) or "transcripts" not in data:
        raise AnnotationFormatError("not a cakit annotation export: no 'transcripts' list")
    transcripts = data["transcripts"]
    if not isinstance(transcripts, list):
        raise AnnotationFormatError("'transcripts' must be a list")
    return AnnotationSet(
        cakit_version=str(data.get("cakit_version", "")),
        codebook_version=str(data.get("codebook_version", "")),
        transcripts=tuple(
            consultation_from_dict(item, f"transcripts[{k}]") for k, item in enumerate(transcripts)
        ),
    )


def from_json(text: str) -> AnnotationSet:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFormatError(f"not valid JSON: {exc}") from None
    return from_dict(data)


def merge(sets: Iterable[AnnotationSet]) -> AnnotationSet:
    """Several exports as one (versions taken from the first)."""
    sets = list(sets)
    if not sets:
        return AnnotationSet(cakit_version="", codebook_version="")
    transcripts: list[ConsultationAnnotations] = []
    for item in sets:
        transcripts.extend(item.transcripts)
    return AnnotationSet(
        cakit_version=sets[0].cakit_version,
        codebook_version=sets[0].codebook_version,
        transcripts=tuple(transcripts),
    )


def rows(consultation: ConsultationAnnotations) -> list[dict[str, Any]]:
    """CSV rows: one per attempt and one per response/carer response (flat, for spreadsheets)."""
    out: list[dict[str, Any]] = []
    for attempt in consultation.attempts:
        sequence = consultation.sequence(attempt.id)
        out.append({
            "consultation": consultation.id, "source": consultation.source, "kind": "attempt",
            "attempt_id": attempt.id,
            "turn_id": attempt.turn_id, "line": attempt.line, "phase": attempt.phase,
            "code": "PSY_ATTEMPT", "subtype": attempt.primary_subtype,
            "subtypes": ";".join(attempt.subtypes), "categories": ";".join(attempt.categories),
            "late": attempt.late, "chain_id": attempt.chain_id,
            "attempt_index": attempt.attempt_index, "rank": "", "modifiers": "",
            "gap_before_s": "", "outcome": sequence.outcome if sequence else "",
            "confidence": attempt.confidence,
            "evidence": " | ".join(f"{e.rule}: {e.text}" for e in attempt.evidence),
        })
        for response in consultation.responses_to(attempt.id):
            out.append({
                "consultation": consultation.id, "source": consultation.source,
                "kind": "response", "attempt_id": attempt.id,
                "turn_id": response.turn_id or "", "line": response.line or "",
                "phase": consultation.phase_at_line(response.line) if response.line else "",
                "code": response.uptake, "subtype": response.uptake_subtype or "",
                "subtypes": "", "categories": "", "late": "", "chain_id": "",
                "attempt_index": "", "rank": response.rank,
                "modifiers": ";".join(response.modifiers),
                "gap_before_s": "" if response.gap_before_s is None else response.gap_before_s,
                "outcome": "", "confidence": response.confidence,
                "evidence": " | ".join(f"{e.rule}: {e.text}" for e in response.evidence),
            })
        for carer in consultation.carer_responses_to(attempt.id):
            out.append({
                "consultation": consultation.id, "source": consultation.source,
                "kind": "carer_response",
                "attempt_id": attempt.id, "turn_id": carer.turn_id, "line": carer.line,
                "phase": consultation.phase_at_line(carer.line), "code": carer.code,
                "subtype": "", "subtypes": "", "categories": "", "late": "", "chain_id": "",
                "attempt_index": "", "rank": "", "modifiers": "", "gap_before_s": "",
                "outcome": "", "confidence": "",
                "evidence": " | ".join(f"{e.rule}: {e.text}" for e in carer.evidence),
            })
    return out


CSV_COLUMNS: Sequence[str] = (
    "consultation", "source", "kind", "attempt_id", "turn_id", "line", "phase", "code", "subtype",
    "subtypes", "categories", "late", "chain_id", "attempt_index", "rank", "modifiers",
    "gap_before_s", "outcome", "confidence", "evidence",
)


def consultation_csv(consultation: ConsultationAnnotations) -> str:
    """The consultation's CSV rows (no header line), as they appear in the export; cells
    that could start a formula get a leading `'` (`cakit.spreadsheet`)."""
    from cakit.spreadsheet import csv_records

    return csv_records(rows(consultation), CSV_COLUMNS, header=False)


def consultation_keys(ids: Iterable[str]) -> list[str]:
    """The consultations' ids, in run order, made unique: a repeated id (two files of one
    name in different folders) gets `~2`, `~3` (`p01`, `p01~2`). Every output that names
    consultations (report, summary, freq, mlu, search, excerpts) keys them so, so two
    files are never one row, and one file has one pseudonym everywhere."""
    ids = list(ids)
    taken = set(ids)  # a file may itself be called p01~2: a key never takes another's id
    seen: dict[str, int] = {}
    used: set[str] = set()
    keys: list[str] = []
    for identifier in ids:
        count = seen.get(identifier, 0) + 1
        key = identifier if count == 1 else f"{identifier}~{count}"
        while count > 1 and (key in used or key in taken):
            count += 1
            key = f"{identifier}~{count}"
        seen[identifier] = count
        used.add(key)
        keys.append(key)
    return keys


#: The R1 "uptake" of an attempt whose responses nobody coded: an attempt a coder added, or
#: relabelled from another code, or one whose every proposed response a coder rejected.
#: The annotator looks for responses to its own attempts only, so counting such an attempt
#: as NO_UPTAKE would claim the clinician did not take it up. Being no code of the
#: codebook, it is decisive and leads to the codebook's last ("otherwise") outcome.
NOT_CODED = "NOT_CODED"


#: The evidence rule of a `NOT_CODED` stand-in: the machine proposed responses and the coder
#: rejected every one (a decision), or nobody coded any (the coder's own attempt).
RESPONSES_REJECTED = "responses_rejected"
NO_RESPONSE_CODED = "no_response_coded"


def not_coded(attempt: Attempt, *, rejected: bool = False) -> Response:
    """The stand-in R1 of an attempt with no response coded (`NOT_CODED`): reports, the
    JSON export and agreement then count it as what it is, not as NO_UPTAKE. `rejected`:
    it is a machine attempt whose every proposed response the coder rejected."""
    rule = RESPONSES_REJECTED if rejected else NO_RESPONSE_CODED
    return Response(attempt_id=attempt.id, turn_id=None, line=None, rank=1, uptake=NOT_CODED,
                    evidence=(Evidence(rule=rule, text="", line=attempt.line),))


def rejected_all(response: Response) -> bool:
    """Whether a `NOT_CODED` stand-in says the coder rejected every proposed response."""
    return any(e.rule == RESPONSES_REJECTED for e in response.evidence)


def outcome(uptakes: list[str], catalogue: CodeCatalogue | None = None) -> str:
    """Sequence outcome from the uptakes of R1–R3, by the codebook's outcome rules (the
    packaged codebook's when none is given): the annotator and the coders' effective codes
    both use it."""
    from cakit.annotate.codebook import builtin_catalogue

    return (catalogue or builtin_catalogue()).outcome(uptakes)
