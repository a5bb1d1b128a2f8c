"""A corpus for notebooks: `read_corpus(paths)` → `Corpus`, in the spirit of pylangacq's
reader, with cakit's codes and phases one call away::

    import cakit
    corpus = cakit.read_corpus("corpora/demo")
    corpus.to_dataframe("turn")

A `Corpus` holds the transcripts it read (frozen model values, in a stable file order)
and never changes them. Everything that needs the codes (`to_dataframe`, `report`,
`search`, counts by phase) annotates the corpus once, through the same corpus run the
command line uses, and keeps the result. pandas is imported only by the methods that
return DataFrames, spaCy only when annotating. docs/api.md walks through it.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cakit.errors import CakitError, UsageError
from cakit.model import ROLES, Diagnostic, Role, Token, Transcript, Turn, Utterance

if TYPE_CHECKING:
    import pandas as pd

    from cakit.annotations import ConsultationAnnotations
    from cakit.counts import GroupBy
    from cakit.project import CorpusFile
    from cakit.report.tables import Report

PathLike = str | os.PathLike[str]
Level = Literal["turn", "token", "code"]
#: `role=` / `speaker=` filters: one name or several.
Names = str | Iterable[str] | None
#: annotate()'s arguments: codebook, store, coder, consensus
_AnnotateKey = tuple[str | None, str | None, str | None, bool]

TURN_COLUMNS: tuple[str, ...] = (
    "transcript", "file", "turn_id", "speaker", "role", "line", "end_line", "phase", "text",
    "words", "attempt_id", "attempt_subtypes", "categories", "outcome", "response_to",
    "rank", "uptake", "uptake_subtype", "modifiers", "carer_codes", "turn_codes", "codes",
)
TOKEN_COLUMNS: tuple[str, ...] = (
    "transcript", "file", "utterance_id", "turn_id", "speaker", "role", "line", "col",
    "phase", "text", "clean", "kind", "features", "counted",
)
HIT_COLUMNS: tuple[str, ...] = (
    "hit", "step", "transcript", "file", "turn_id", "speaker", "role", "phase", "line",
    "end_line", "backchannel", "text",
)
CODE_COLUMNS: tuple[str, ...] = (
    "transcript", "file", "kind", "code", "turn_id", "line", "phase", "speaker", "role",
    "attempt_id", "rank", "status", "producer", "confidence", "evidence",
)
#: Turn codes outside sequences, by the annotation field that holds them.
_TURN_CODES = (("elicited", "PSY_ELICITED"), ("repairs", "REPAIR_OI"),
               ("medchecks", "MEDCHECK_SYMPTOM"))


# -- reading ---------------------------------------------------------------------------

_READER: dict[str, Any] = {}


def _start_reader(roles: Mapping[str, Role]) -> None:
    _READER.clear()
    _READER["roles"] = roles


def _read_one(file: CorpusFile) -> tuple[Transcript, tuple[Diagnostic, ...]]:
    from cakit.formats import read
    from cakit.speakers import unmapped_speakers

    result = read(file.path, roles=_READER["roles"])
    return result.transcript, (*result.diagnostics, *unmapped_speakers(result.transcript))


def _role_map(roles: Mapping[str, str] | PathLike | None) -> dict[str, Role]:
    if roles is None:
        return {}
    if isinstance(roles, (str, os.PathLike)):
        from cakit.config import load_roles_file

        return load_roles_file(Path(roles))
    mapped: dict[str, Role] = {}
    for label, role in roles.items():
        if role not in ROLES:
            raise UsageError(f"roles: {label!r} is mapped to {role!r}, which is not a role; "
                             f"choose from {', '.join(ROLES)}")
        mapped[str(label)] = role
    return mapped


def read_corpus(paths: PathLike | Iterable[PathLike], *,
                roles: Mapping[str, str] | PathLike | None = None, jobs: int = 1) -> Corpus:
    """Read transcripts into a `Corpus`.

    Args:
        paths: a file, a folder (searched recursively), a glob pattern, or several.
        roles: speaker label (or CHAT role) → cakit role, over the project's
            `cakit.yaml`; or the path of a YAML file of that shape (as `--roles`).
        jobs: worker processes for reading, and later for annotating.

    Raises:
        UsageError: a path does not exist, names no transcript, or `roles` maps a label
            to something that is not a role.
        ConfigError: the roles file or a `cakit.yaml` is invalid.

    Problems found while reading (and speakers without a role) do not raise: they are in
    `Corpus.diagnostics()`, as `cakit validate` would print them.

    .. versionadded:: 0.1
    """
    from cakit.formats import supported_suffixes
    from cakit.project import corpus_files
    from cakit.workers import ordered_map

    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    names = [os.fspath(path) for path in given]
    files = corpus_files(names, supported_suffixes())
    if not files:
        raise UsageError(f"no transcripts found in {', '.join(names) or 'the given paths'}")
    role_map = _role_map(roles)
    read = list(ordered_map(_read_one, files, jobs=jobs, initializer=_start_reader,
                            initargs=(role_map,)))
    return Corpus(files, [transcript for transcript, _ in read],
                  [diagnostics for _, diagnostics in read], roles=role_map, jobs=jobs)


# -- the corpus ------------------------------------------------------------------------

def _wanted(names: Names) -> frozenset[str] | None:
    if names is None:
        return None
    return frozenset([names] if isinstance(names, str) else names)


class Corpus:
    """Transcripts read together, in a stable order (the order the paths name them,
    folders sorted). Iterating gives the `Transcript`s; `len()` counts them.

    Build one with `read_corpus`. The transcripts are frozen values; annotations made
    by `annotate` are kept, so asking again costs nothing.
    """

    __slots__ = ("_annotations", "_diagnostics", "_files", "_index", "_jobs", "_latest",
                 "_roles", "_transcripts")

    def __init__(self, files: Iterable[CorpusFile], transcripts: Iterable[Transcript],
                 diagnostics: Iterable[tuple[Diagnostic, ...]], *,
                 roles: Mapping[str, Role] | None = None, jobs: int = 1) -> None:
        self._files: tuple[CorpusFile, ...] = tuple(files)
        self._transcripts: tuple[Transcript, ...] = tuple(transcripts)
        self._diagnostics: tuple[tuple[Diagnostic, ...], ...] = tuple(diagnostics)
        self._roles: dict[str, Role] = dict(roles or {})
        self._jobs = jobs
        #: annotate()'s results by its arguments, and the arguments of the latest call
        self._annotations: dict[_AnnotateKey, tuple[ConsultationAnnotations, ...]] = {}
        self._latest: _AnnotateKey | None = None
        #: the search index, and the annotate() arguments whose codes it holds
        self._index: tuple[_AnnotateKey | None, Any] | None = None

    # -- what it holds ---------------------------------------------------------------

    @property
    def transcripts(self) -> tuple[Transcript, ...]:
        return self._transcripts

    @property
    def paths(self) -> tuple[Path, ...]:
        """The transcript files, in corpus order."""
        return tuple(file.path for file in self._files)

    def __len__(self) -> int:
        return len(self._transcripts)

    def __iter__(self) -> Iterator[Transcript]:
        return iter(self._transcripts)

    def __getitem__(self, index: int) -> Transcript:
        return self._transcripts[index]

    def __repr__(self) -> str:
        utterances = sum(len(t.utterances) for t in self._transcripts)
        return f"<Corpus: {len(self)} transcripts, {utterances} utterances>"

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem found while reading, file by file (errors and warnings, and a
        CK301 error for each CHAT speaker who talks but has no role)."""
        return [diagnostic for found in self._diagnostics for diagnostic in found]

    # -- talk ------------------------------------------------------------------------

    def _speaking(self, speaker: Names, role: Names
                  ) -> Iterator[tuple[Transcript, Utterance]]:
        speakers, roles = _wanted(speaker), _wanted(role)
        for transcript in self._transcripts:
            for utterance in transcript.utterances:
                if speakers is not None and utterance.speaker not in speakers:
                    continue
                if roles is not None and transcript.role_of(utterance.speaker) not in roles:
                    continue
                yield transcript, utterance

    def utterances(self, *, speaker: Names = None, role: Names = None) -> list[Utterance]:
        """Every utterance, in corpus order; `speaker`/`role` keep those of the given
        speaker codes or roles ("clinician", "patient", "carer", "other", "unknown")."""
        return [utterance for _, utterance in self._speaking(speaker, role)]

    def tokens(self, *, speaker: Names = None, role: Names = None) -> list[Token]:
        """Every token (words, fillers, fragments, untranscribed items …; `Token.kind`
        says which), in corpus order, filtered as `utterances` is."""
        return [token for _, utterance in self._speaking(speaker, role)
                for token in utterance.tokens]

    def turns(self, *, speaker: Names = None, role: Names = None) -> list[Turn]:
        """Every turn (a speaker's run of talk; an overlapped back-channel does not end
        it), in corpus order, filtered by the turn's speaker or role."""
        speakers, roles = _wanted(speaker), _wanted(role)
        return [turn for transcript in self._transcripts for turn in transcript.turns
                if (speakers is None or turn.speaker in speakers)
                and (roles is None or turn.role in roles)]

    def word_frequencies(self, *, speaker: Names = None, role: Names = None,
                         keep_case: bool = False, fillers: bool = False) -> Counter[str]:
        """How often each word was said, counted as `cakit freq` counts (no xxx, fillers,
        fragments or retraced words; lower-cased unless `keep_case`)."""
        from cakit.counts import spoken_words

        counts: Counter[str] = Counter()
        for _, utterance in self._speaking(speaker, role):
            words = spoken_words(utterance, fillers=fillers)
            counts.update(words if keep_case else [word.lower() for word in words])
        return counts

    # -- counts as tables ------------------------------------------------------------

    def _tallies(self, by: GroupBy, *, keep_case: bool = False, fillers: bool = False
                 ) -> dict[tuple[str, ...], Any]:
        from cakit.counts import GROUPINGS, merge, tally

        if by not in GROUPINGS:
            raise UsageError(f"unknown grouping {by!r}; choose from {', '.join(GROUPINGS)}")
        phases: list[Any] = [None] * len(self)
        if by == "phase":
            from cakit.report.inputs import PhaseLookup

            phases = [PhaseLookup(item.turns) for item in self._current_annotations()]
        return merge(
            tally(transcript, by=by, file=file.identity, phase_of=phase_of,
                  keep_case=keep_case, fillers=fillers)
            for transcript, file, phase_of in zip(self._transcripts, self._files, phases,
                                                  strict=True)
        )

    def freq(self, by: GroupBy = "role", *, keep_case: bool = False,
             fillers: bool = False) -> pd.DataFrame:
        """Tokens, types and type/token ratio per group, as `cakit freq --summary` prints
        them: one row per role, speaker (`file:SPEAKER`), phase or file, then TOTAL.

        Raises:
            UsageError: `by` is not "role", "speaker", "phase" or "file".
        """
        import pandas as pd

        from cakit.counts import FREQUENCY_COLUMNS, frequency_rows, total_row

        tallies = self._tallies(by, keep_case=keep_case, fillers=fillers)
        rows = [*frequency_rows(tallies, by), total_row(tallies)]
        return pd.DataFrame([row.as_dict() for row in rows], columns=list(FREQUENCY_COLUMNS))

    def mlu(self, by: GroupBy = "speaker") -> pd.DataFrame:
        """Mean length of utterance in words per group, as `cakit mlu` prints it
        (utterances, words, MLU, SD, turns, words per turn).

        Raises:
            UsageError: `by` is not "role", "speaker", "phase" or "file".
        """
        import pandas as pd

        from cakit.counts import MLU_COLUMNS, mlu_rows

        rows = mlu_rows(self._tallies(by), by, total=by != "speaker")
        return pd.DataFrame([row.as_dict() for row in rows], columns=list(MLU_COLUMNS))

    # -- codes -----------------------------------------------------------------------

    def annotate(self, *, codebook: PathLike | None = None, store: PathLike | None = None,
                 coder: str | None = None, consensus: bool = False,
                 ) -> tuple[ConsultationAnnotations, ...]:
        """The codes of every transcript, in corpus order (one `ConsultationAnnotations`
        each; an empty one for a file with no talk).

        Args:
            codebook: codebook YAML (default: the codebook cakit ships).
            store: an annotation store to reuse current machine layers from and save new
                ones to (as the command line's `--store`); None touches no store.
            coder: apply this coder's decisions (accepted, rejected, relabelled codes and
                their own codes), read from `store`, else the project's store.
            consensus: apply the majority of the coders' decisions instead.

        Raises:
            CodebookError: the codebook is invalid.
            UsageError: `coder` with `consensus`, or an unusable coder name.
            StoreError: a stored layer is corrupt or cannot be written.
            CakitError: a transcript could not be coded (the message names it).

        The result is kept: the same call again returns it at once, and `to_dataframe`,
        `report` and counts by phase use the codes of the latest call.
        """
        key = (None if codebook is None else os.fspath(codebook),
               None if store is None else os.fspath(store), coder, consensus)
        if key not in self._annotations:
            self._annotations[key] = self._run_annotator(key)
        self._latest = key
        return self._annotations[key]

    def _current_annotations(self) -> tuple[ConsultationAnnotations, ...]:
        if self._latest is None:
            return self.annotate()
        return self._annotations[self._latest]

    def _run_annotator(self, key: _AnnotateKey) -> tuple[ConsultationAnnotations, ...]:
        from cakit.annotations import ConsultationAnnotations
        from cakit.project import default_store
        from cakit.run import RunOptions, machine_codes, run_corpus

        codebook, store, coder, consensus = key
        if coder and consensus:
            raise UsageError("coder and consensus exclude each other")
        if coder:
            from cakit.store import check_coder

            check_coder(coder)
        layers = Path(store) if store else (default_store(self._files)
                                            if coder or consensus else None)
        stranded = _warn_stranded(layers, self._files) if layers is not None else frozenset()
        options = RunOptions(codebook=codebook, roles=self._roles,
                             store=Path(store) if store else None, layers=layers,
                             coder=coder, consensus=consensus, stranded=stranded)
        out: list[ConsultationAnnotations] = []
        outcomes = run_corpus(self._files, options, machine_codes, jobs=self._jobs)
        for transcript, outcome in zip(self._transcripts, outcomes, strict=True):
            if outcome.store_error or outcome.failure:
                raise CakitError(outcome.store_error or outcome.failure)
            if outcome.value is None:  # no talk to code
                out.append(ConsultationAnnotations(
                    id=transcript.id, source=outcome.file.identity, format=transcript.format,
                    sha256=transcript.sha256))
            else:
                out.append(outcome.value)
        return tuple(out)

    def report(self, by: str = "phase") -> Report:
        """The tables `cakit report --by BY` shows (counts, rates and shares by phase,
        consultation, clinician or carer), as pandas DataFrames in `Report.tables`, not
        de-identified. Uses the codes of the latest `annotate` (annotating first with the
        defaults if there was none).

        Raises:
            UnknownComponentError: no report view has that name (the message lists them).
        """
        from cakit.annotate import codebook_for
        from cakit.report.inputs import consultation_input
        from cakit.report.views import REPORT_VIEWS, build_report

        REPORT_VIEWS.get(by)  # an unknown view fails before any annotating
        annotations = self._current_annotations()
        codebook = self._latest[0] if self._latest else None
        inputs = [consultation_input(transcript, codes)
                  for transcript, codes in zip(self._transcripts, annotations, strict=True)]
        return build_report(inputs, by, codebook_for(codebook).catalogue)

    def search(self, query: str) -> pd.DataFrame:
        """Turns matching a query in cakit's search language (as `cakit search`), over the
        talk and the codes of the latest `annotate` (annotating first if need be).

        One row per turn of each hit: `hit` numbers the hits; `step` is 0 for a one-part
        query and counts the parts of `A >> B`; then the transcript, file, turn, speaker,
        role, phase, lines, whether the unit is a back-channel inside another's turn, and
        the text as written. Not de-identified.

        Raises:
            QueryError: the query does not parse (the message points at the column).
        """
        import pandas as pd

        from cakit import search as engine
        annotations = self._current_annotations()  # sets self._latest
        if self._index is None or self._index[0] != self._latest:
            files = [engine.index_file(transcript, codes, path=file.identity)
                     for transcript, codes, file in zip(self._transcripts, annotations,
                                                        self._files, strict=True)]
            self._index = (self._latest, engine.CorpusIndex(files))
        index = self._index[1]
        rows: list[tuple[Any, ...]] = []
        for number, hit in enumerate(index.search(query)):
            for step, unit_number in enumerate(hit.units):
                unit = index.units[unit_number]
                transcript = self._transcripts[index.file_of[unit_number]]
                text = " ".join(transcript.utterances[i].content for i in unit.utterances)
                rows.append((number, step, transcript.id,
                             self._files[index.file_of[unit_number]].identity, unit.turn_id,
                             unit.speaker, unit.role, unit.phase, unit.line, unit.end_line,
                             unit.backchannel, text))
        return pd.DataFrame.from_records(rows, columns=list(HIT_COLUMNS))

    # -- DataFrames ------------------------------------------------------------------

    def to_dataframe(self, level: Level = "turn") -> pd.DataFrame:
        """The corpus as one pandas DataFrame, with its codes and phases.

        Args:
            level: "turn" (one row per turn: speaker, role, lines, phase, text, word
                count and the codes on the turn), "token" (one row per token, with
                whether `cakit freq` counts it) or "code" (one row per code: attempt
                subtypes, uptakes and their subtypes, delivery modifiers, carer codes,
                turn codes and sequence outcomes).

        Raises:
            UsageError: an unknown level.

        Multi-valued cells (subtypes, modifiers, codes, features) are tuples, so
        `DataFrame.explode` spreads them over rows. Annotates first if `annotate` has not
        been called (spaCy, a few seconds for a small corpus).
        """
        import pandas as pd

        builders = {"turn": (_turn_rows, TURN_COLUMNS), "token": (_token_rows, TOKEN_COLUMNS),
                    "code": (_code_rows, CODE_COLUMNS)}
        #: integer columns with empty cells: pandas' nullable integers, not floats
        nullable = {"turn": ("rank",), "token": (), "code": ("line", "rank")}
        if level not in builders:
            raise UsageError(f"unknown level {level!r}; choose from turn, token, code")
        build, columns = builders[level]
        rows: list[tuple[Any, ...]] = []
        for transcript, file, codes in zip(self._transcripts, self._files,
                                           self._current_annotations(), strict=True):
            rows.extend(build(transcript, file.identity, codes))
        frame = pd.DataFrame.from_records(rows, columns=list(columns))
        return frame.astype({name: "Int64" for name in nullable[level]})


# -- rows ------------------------------------------------------------------------------

def _warn_stranded(store: Path, files: Sequence[CorpusFile]) -> frozenset[str]:
    """As the command line does (`cakit.run.stranded_check`): the bytes of the stranded
    coder layers this run takes over; each other one is a `StrandedLayerWarning` (CK430),
    since its decisions count nowhere."""
    from cakit.run import stranded_check

    check = stranded_check(store, files)
    for layer, same in check.unclaimed:
        warnings.warn(layer.message(same), StrandedLayerWarning, stacklevel=4)
    return check.adoptable


class StrandedLayerWarning(CakitError, UserWarning):
    """A coder's layer in the project's store is of a transcript no longer in the project
    (CK430): its decisions apply to no transcript (`cakit explain CK430`). Turned into an
    error (`warnings.simplefilter("error", …)`), it is a CakitError like every other."""


def _turn_rows(transcript: Transcript, file: str, codes: ConsultationAnnotations
               ) -> list[tuple[Any, ...]]:
    from cakit.counts import spoken_words

    attempts = {attempt.turn_id: attempt for attempt in codes.attempts}
    outcomes = {sequence.attempt_id: sequence.outcome for sequence in codes.sequences}
    responses: dict[str, list[Any]] = {}
    for response in sorted(codes.responses, key=lambda r: r.rank):
        if response.turn_id:
            responses.setdefault(response.turn_id, []).append(response)
    carers: dict[str, list[str]] = {}
    for carer_response in codes.carer_responses:
        carers.setdefault(carer_response.turn_id, []).append(carer_response.code)
    turn_codes: dict[str, list[str]] = {}
    for field_name, code in _TURN_CODES:
        for item in getattr(codes, field_name):
            turn_codes.setdefault(item.turn_id, []).append(code)
    records = {record.id: record for record in codes.turns}
    rows: list[tuple[Any, ...]] = []
    for turn in transcript.turns:
        record = records.get(turn.id)
        utterances = [transcript.utterances[index] for index in turn.utterances]
        text = " ".join(utterance.content for utterance in utterances)
        words = sum(len(spoken_words(utterance)) for utterance in utterances)
        attempt = attempts.get(turn.id)
        first = responses.get(turn.id, [None])[0]
        modifiers = tuple(dict.fromkeys(m for r in responses.get(turn.id, ())
                                        for m in r.modifiers))
        carer = tuple(carers.get(turn.id, ()))
        others = tuple(turn_codes.get(turn.id, ()))
        all_codes: list[str] = []
        if attempt is not None:
            all_codes += ["PSY_ATTEMPT", *attempt.subtypes]
        for response in responses.get(turn.id, ()):
            all_codes += [response.uptake, *([response.uptake_subtype]
                                             if response.uptake_subtype else [])]
        all_codes += [*modifiers, *carer, *others]
        rows.append((
            transcript.id, file, turn.id, turn.speaker, turn.role, turn.line, turn.end_line,
            record.phase if record else "UNKNOWN", text, words,
            attempt.id if attempt else None,
            tuple(attempt.subtypes) if attempt else (),
            tuple(attempt.categories) if attempt else (),
            outcomes.get(attempt.id) if attempt else None,
            first.attempt_id if first else None, first.rank if first else None,
            first.uptake if first else None, first.uptake_subtype if first else None,
            modifiers, carer, others, tuple(dict.fromkeys(all_codes)),
        ))
    return rows


def _token_rows(transcript: Transcript, file: str, codes: ConsultationAnnotations
                ) -> list[tuple[Any, ...]]:
    from cakit.counts import counted_positions
    from cakit.report.inputs import PhaseLookup

    phase_of = PhaseLookup(codes.turns)
    turn_of = {index: turn.id for turn in transcript.turns for index in turn.utterances}
    rows: list[tuple[Any, ...]] = []
    for utterance in transcript.utterances:
        counted = counted_positions(utterance)
        role = transcript.role_of(utterance.speaker)
        turn_id = turn_of.get(utterance.index)
        for position, token in enumerate(utterance.tokens):
            rows.append((
                transcript.id, file, utterance.id, turn_id, utterance.speaker, role,
                token.line, token.col, phase_of(token.line), token.text, token.clean,
                token.kind, token.feature_names, position in counted,
            ))
    return rows


def _code_rows(transcript: Transcript, file: str, codes: ConsultationAnnotations
               ) -> list[tuple[Any, ...]]:
    records = {record.id: record for record in codes.turns}
    rows: list[tuple[Any, ...]] = []

    def add(kind: str, code: str, turn_id: str | None, line: int | None, attempt_id: str,
            rank: int | None, status: str, producer: str, confidence: float | None,
            evidence: Iterable[Any]) -> None:
        record = records.get(turn_id or "")
        rows.append((
            transcript.id, file, kind, code, turn_id, line,
            record.phase if record else codes.phase_at_line(line) if line else "UNKNOWN",
            record.speaker if record else None, record.role if record else None,
            attempt_id or None, rank, status or None, producer or None, confidence,
            " | ".join(f"{item.rule}: {item.text}" for item in evidence),
        ))

    for attempt in codes.attempts:
        for subtype in dict.fromkeys(attempt.subtypes):
            add("attempt", subtype, attempt.turn_id, attempt.line, attempt.id, None,
                attempt.status, attempt.producer, attempt.confidence, attempt.evidence)
    for response in codes.responses:
        common = (response.turn_id, response.line, response.attempt_id, response.rank,
                  response.status, response.producer, response.confidence)
        add("uptake", response.uptake, *common, response.evidence)
        if response.uptake_subtype:
            add("uptake_subtype", response.uptake_subtype, *common, ())
        for modifier in dict.fromkeys(response.modifiers):
            add("modifier", modifier, *common, ())
    for carer in codes.carer_responses:
        add("carer", carer.code, carer.turn_id, carer.line, carer.attempt_id, None,
            carer.status, carer.producer, None, carer.evidence)
    for field_name, code in _TURN_CODES:
        for item in getattr(codes, field_name):
            add("turn", code, item.turn_id, item.line, "", None, item.status, item.producer,
                None, item.evidence)
    attempt_of = {attempt.id: attempt for attempt in codes.attempts}
    for sequence in codes.sequences:
        anchor = attempt_of.get(sequence.attempt_id)
        add("outcome", sequence.outcome, anchor.turn_id if anchor else None,
            anchor.line if anchor else None, sequence.attempt_id, None, "", "", None, ())
    return rows


__all__ = ["CODE_COLUMNS", "HIT_COLUMNS", "TOKEN_COLUMNS", "TURN_COLUMNS", "Corpus", "Level",
           "read_corpus"]
