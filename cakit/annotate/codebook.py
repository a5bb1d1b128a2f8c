"""The codebook as data: a codebook YAML file loaded, validated and frozen.

Validation happens here, at the edge, and reports every problem at its YAML line and
column (all problems at once, not the first). The rest of the annotator only sees the
frozen `Codebook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cakit.annotate.codebook_codes import parse_catalogue
from cakit.annotate.yaml_nodes import NodeLoader, to_python
from cakit.codes import CodeCatalogue
from cakit.errors import CodebookError

#: The codebook cakit ships; a study's own codebook is given with --codebook (it never
#: depends on the folder cakit runs from).
PACKAGED_CODEBOOK = Path(__file__).resolve().parent.parent / "data" / "codebook.yaml"

SPEAKERS = ("clinician", "patient", "carer", "any")
PHASE_NAMES = ("OPENING", "PROBLEM_HISTORY", "EXAMINATION", "TREATMENT", "PRE_CLOSING", "CLOSING")
REQUIRED_FRAMES = (
    "first_person", "negation", "negation_after", "experiential_verbs", "present_markers",
    "other_person", "reported_self_tie", "research", "minimal", "fillers", "filler_phrases",
    "shift_markers", "return_frames", "explore_frames", "empathy_frames", "formulation_frames",
    "answer_frames", "topography_frames", "postpone_frames", "clarify_frames",
    "patient_repair_frames", "challenge_frames", "reassure_frames", "other_domain",
    "agenda_questions", "symptom_check", "carer_dismiss", "carer_support", "closing_nonverbal",
    "distress_nonverbal",
)
REQUIRED_CATEGORIES = (
    "voices", "visions", "other_senses", "persecution", "thought_interference", "control",
    "reference", "grandiose", "somatic", "religious", "epistemic", "emotional", "medication",
)
_PATTERN_KEYS = {"phrase", "near", "tokens", "gap", "weak", "exact", "at_start", "id", "domain"}
#: Lexicon categories of psychotic content (sections A–J): each names the symptom domains of
#: the rating scales its patterns belong to, with the items they come from.
PSYCHOTIC_CATEGORIES = REQUIRED_CATEGORIES[:10]


@dataclass(frozen=True, slots=True)
class Thresholds:
    hesitate_gap_s: float = 1.0
    hesitate_score_without_gap: int = 2
    response_window_turns: int = 8
    response_window_clinician_turns: int = 3
    repeat_window_turns: int = 0
    minimal_max_words: int = 3
    elicited_max_extra_words: int = 3
    answer_min_content_words: int = 5
    question_back_max_content_words: int = 5
    reassure_explanation_words: int = 15
    negation_window: int = 3
    joint_laughter_turns: int = 2
    follow_up_max_words: int = 14
    follow_up_turns: int = 6
    follow_ups_in_a_row: int = 2
    phase_window: int = 2
    phase_window_weight: float = 0.5
    phase_reopen_min_turns: int = 3
    preclosing_anchor_min_position: float = 0.45
    closing_anchor_min_position: float = 0.6


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled-to-be pattern; `words`/`slots`/`tokens` depending on `kind`."""

    id: str
    kind: str  # phrase | near | tokens
    words: tuple[str, ...] = ()
    slots: tuple[tuple[str, ...], ...] = ()
    gap: int = 0
    tokens: tuple[Any, ...] = ()
    weak: bool = False
    exact: bool = False
    at_start: bool = False
    line: int = 0
    col: int = 0
    #: the symptom domain a lexicon pattern belongs to (one of its category's domains)
    domain: str = ""

    @property
    def text(self) -> str:
        if self.kind == "phrase":
            return " ".join(self.words)
        if self.kind == "near":
            return " … ".join("/".join(slot[:3]) for slot in self.slots)
        return self.id


@dataclass(frozen=True, slots=True)
class Domain:
    """A symptom domain of the positive-symptom rating scales ("tactile hallucinations"),
    with the instrument items it comes from (`source`, e.g. "SAPS 9; PANSS P3; CAPE 32")."""

    id: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    section: str
    label: str
    first_person_required: bool
    patterns: tuple[Pattern, ...]
    domains: tuple[Domain, ...] = ()

    def domain_of(self, pattern: Pattern) -> Domain | None:
        """The pattern's domain: its own, else the category's first."""
        for domain in self.domains:
            if domain.id == (pattern.domain or domain.id):
                return domain
        return None


@dataclass(frozen=True, slots=True)
class Frame:
    name: str
    words: frozenset[str] = frozenset()
    patterns: tuple[Pattern, ...] = ()


@dataclass(frozen=True, slots=True)
class PhaseCue:
    phase: str
    speaker: str
    weight: float
    anchor: bool
    patterns: tuple[Pattern, ...] = ()
    lexicon: str = ""
    form: str = "any"  # any | question | statement: which clinician turns the cue counts in


#: Which signals code an attempt: the rules alone, the attempt classifier alone, or either.
SIGNALS = ("rules", "classifier", "both")


@dataclass(frozen=True, slots=True)
class ClassifierSettings:
    """The learned second signal (`cakit.annotate.classifier`): which signals code a
    patient turn as an attempt, and the score the classifier needs."""

    #: "rules" (the lexicon, frames and threads alone), "classifier" (its score alone) or
    #: "both" (either)
    signal: str = "rules"
    min_score: float = 0.98


@dataclass(frozen=True, slots=True)
class Codebook:
    version: str
    name: str
    source: str
    thresholds: Thresholds
    catalogue: CodeCatalogue
    word_classes: tuple[tuple[str, tuple[str, ...]], ...]
    lexicon: tuple[Category, ...]
    stoplist: tuple[Pattern, ...]
    frames: tuple[Frame, ...]
    phases: tuple[PhaseCue, ...]
    description: str = ""
    deviations: tuple[tuple[str, str, str], ...] = ()  # (section, decision, why)
    classifier: ClassifierSettings = ClassifierSettings()
    _frame_index: dict[str, Frame] = field(default_factory=dict, compare=False, repr=False)

    def frame(self, name: str) -> Frame:
        if not self._frame_index:
            self._frame_index.update({frame.name: frame for frame in self.frames})
        return self._frame_index[name]

    def category(self, name: str) -> Category:
        for category in self.lexicon:
            if category.name == name:
                return category
        raise KeyError(name)

    def subtypes(self, code: str) -> tuple[str, ...]:
        return self.catalogue.subtypes(code)

    @property
    def code_names(self) -> tuple[str, ...]:
        """Top-level codes (subtypes are listed under their parent)."""
        return tuple(code.name for code in self.catalogue.codes if not code.parent)


def _pattern(
    loader: NodeLoader, node: Any, prefix: str, index: int, classes: dict[str, tuple[str, ...]]
) -> Pattern | None:
    import yaml

    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.ScalarNode):
        words = tuple(str(node.value).lower().split())
        if not words:
            loader.problem(node, "empty pattern")
            return None
        return Pattern(id=f"{prefix}.{index}", kind="phrase", words=words, line=line, col=col)
    data = loader.mapping(node, "a pattern")
    if data is None:
        return None
    for key, value in data.items():
        if key not in _PATTERN_KEYS:
            loader.problem(value, f"unknown pattern key {key!r}",
                           "pattern keys: phrase, near, gap, tokens, weak, exact, at_start, id, "
                           "domain")
    flags: dict[str, Any] = {}
    for flag in ("weak", "exact", "at_start"):
        if flag in data:
            value = to_python(data[flag])
            if not isinstance(value, bool):
                loader.problem(data[flag], f"{flag} must be true or false")
            flags[flag] = bool(value)
    pattern_id = loader.scalar(data["id"], "id") if "id" in data else f"{prefix}.{index}"
    if "domain" in data:
        flags["domain"] = loader.scalar(data["domain"], "domain") or ""
    kinds = [k for k in ("phrase", "near", "tokens") if k in data]
    if len(kinds) != 1:
        loader.problem(node, "a pattern needs exactly one of phrase, near, tokens")
        return None
    kind = kinds[0]
    if kind == "phrase":
        text = loader.scalar(data["phrase"], "phrase") or ""
        words = tuple(text.lower().split())
        if not words:
            loader.problem(data["phrase"], "empty phrase")
            return None
        return Pattern(id=pattern_id or "", kind="phrase", words=words, line=line, col=col,
                       **flags)
    if kind == "near":
        slots_node = loader.sequence(data["near"], "near") or []
        slots: list[tuple[str, ...]] = []
        for slot_node in slots_node:
            slot_words: list[str] = []
            for word in loader.words(slot_node, "a near slot"):
                if word.startswith("$"):
                    name = word[1:]
                    if name not in classes:
                        loader.problem(slot_node, f"unknown word class {word!r}",
                                       f"defined classes: {', '.join(sorted(classes))}")
                        continue
                    slot_words.extend(classes[name])
                elif " " in word.strip():
                    loader.problem(slot_node, f"near slot word {word!r} has a space; a slot "
                                   "holds single words",
                                   "put the words in consecutive slots (with gap: 0)")
                else:
                    slot_words.append(word)
            if not slot_words:
                loader.problem(slot_node, "empty near slot")
                return None
            slots.append(tuple(dict.fromkeys(slot_words)))
        if len(slots) < 2:
            loader.problem(data["near"], "near needs at least two slots")
            return None
        gap = to_python(data["gap"]) if "gap" in data else 2
        if not isinstance(gap, int) or gap < 0 or gap > 10:
            loader.problem(data.get("gap", node), "gap must be a whole number from 0 to 10")
            gap = 2
        return Pattern(id=pattern_id or "", kind="near", slots=tuple(slots), gap=gap, line=line,
                       col=col, **flags)
    tokens = to_python(data["tokens"])
    if not isinstance(tokens, list) or not all(isinstance(t, dict) for t in tokens) or not tokens:
        loader.problem(data["tokens"], "tokens must be a list of spaCy token patterns")
        return None
    for token in tokens:
        for attr in token:
            if attr.upper() in ("POS", "TAG", "LEMMA", "DEP", "MORPH", "ENT_TYPE"):
                loader.problem(data["tokens"], f"token attribute {attr} needs a trained spaCy "
                               "pipeline", "cakit runs on a blank pipeline: use LOWER, ORTH, "
                               "TEXT, IS_PUNCT, LENGTH …")
    return Pattern(id=pattern_id or "", kind="tokens", tokens=tuple(tokens), line=line, col=col,
                   **flags)


def _patterns(
    loader: NodeLoader, node: Any, prefix: str, classes: dict[str, tuple[str, ...]]
) -> tuple[Pattern, ...]:
    items = loader.sequence(node, f"{prefix} patterns") or []
    out = []
    for index, item in enumerate(items, 1):
        pattern = _pattern(loader, item, prefix, index, classes)
        if pattern is not None:
            out.append(pattern)
    return tuple(out)


def _domains(loader: NodeLoader, entry: dict[str, Any], category: str,
             patterns: tuple[Pattern, ...]) -> tuple[Domain, ...]:
    """A category's `domains:` (id → label and source); every pattern's `domain:` must be
    one of them, and a category of psychotic content must declare at least one."""
    domains: list[Domain] = []
    node = entry.get("domains")
    for domain_id, domain_node in ((loader.mapping(node, "domains") or {}).items()
                                   if node is not None else ()):
        fields = loader.mapping(domain_node, f"domain {domain_id}") or {}
        label = loader.scalar(fields["label"], "label") if "label" in fields else None
        source = loader.scalar(fields["source"], "source") if "source" in fields else None
        if not label or not source:
            loader.problem(domain_node, f"domain {domain_id!r} needs a label and a source",
                           "source: the rating-scale items, e.g. \"SAPS 9; PANSS P3; CAPE 32\"")
            continue
        domains.append(Domain(domain_id, label, source))
    if node is None and category in PSYCHOTIC_CATEGORIES:
        loader.problem(entry.get("label") or entry["patterns"],
                       f"lexicon category {category} declares no symptom domains",
                       "add domains: {id: {label: ..., source: ...}}")
    known = {d.id for d in domains}
    for pattern in patterns:
        if pattern.domain and pattern.domain not in known:
            loader.problem_at(pattern.line, pattern.col,
                              f"pattern {pattern.id} has domain {pattern.domain!r}, which "
                              f"lexicon category {category} does not declare",
                              f"declared: {', '.join(sorted(known)) or 'none'}")
    return tuple(domains)


def parse_codebook(text: str, source: str = "codebook.yaml") -> Codebook:
    """Validate and freeze a codebook given as YAML text.

    Raises:
        CodebookError: with every problem found, each at its YAML line and column.
    """
    import yaml

    loader = NodeLoader(source, text)
    # libyaml's composer is ~10x faster and keeps node positions; pure Python otherwise
    fast_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=fast_loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)

        class _Mark:
            start_mark = mark

        loader.problem(_Mark() if mark else None, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        raise CodebookError(f"{source}: invalid codebook", loader.problems) from None
    if root is None:
        loader.problem(None, "the codebook is empty")
        raise CodebookError(f"{source}: invalid codebook", loader.problems)
    top = loader.mapping(root, "the codebook") or {}
    known_top = {"version", "name", "description", "thresholds", "codes", "outcomes",
                 "word_classes",
                 "lexicon", "stoplist", "frames", "phases", "deviations", "classifier"}
    for key, value in top.items():
        if key not in known_top:
            loader.problem(value, f"unknown section {key!r}",
                           f"sections: {', '.join(sorted(known_top))}")
    for required in ("version", "thresholds", "codes", "outcomes", "lexicon", "frames",
                     "phases"):
        if required not in top:
            loader.problem(root, f"missing section {required!r}")
    version = loader.scalar(top["version"], "version") if "version" in top else "0"
    name = loader.scalar(top["name"], "name") if "name" in top else ""
    description = loader.scalar(top["description"], "description") if "description" in top else ""

    thresholds = Thresholds()
    if "thresholds" in top:
        values = loader.mapping(top["thresholds"], "thresholds") or {}
        updates: dict[str, Any] = {}
        defaults = {f: getattr(thresholds, f) for f in Thresholds.__dataclass_fields__}
        for key, node in values.items():
            if key not in defaults:
                loader.problem(node, f"unknown threshold {key!r}",
                               f"thresholds: {', '.join(sorted(defaults))}")
                continue
            value = to_python(node)
            expected = type(defaults[key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool) or value < 0:
                loader.problem(node, f"threshold {key} must be a non-negative "
                               f"{'number' if expected is float else 'whole number'}")
                continue
            updates[key] = value
        thresholds = Thresholds(**{**defaults, **updates})

    classes: dict[str, tuple[str, ...]] = {}
    if "word_classes" in top:
        for class_name, node in (loader.mapping(top["word_classes"], "word_classes") or {}).items():
            classes[class_name] = loader.words(node, f"word class {class_name}")

    categories: list[Category] = []
    if "lexicon" in top:
        for category_name, node in (loader.mapping(top["lexicon"], "lexicon") or {}).items():
            entry = loader.mapping(node, f"lexicon category {category_name}") or {}
            if "patterns" not in entry:
                loader.problem(node, f"lexicon category {category_name} has no patterns")
                continue
            first_person = to_python(entry["first_person_required"]) if \
                "first_person_required" in entry else False
            patterns = _patterns(loader, entry["patterns"], f"lex.{category_name}", classes)
            domains = _domains(loader, entry, category_name, patterns)
            categories.append(Category(
                name=category_name,
                section=str(to_python(entry.get("section")) if "section" in entry else ""),
                label=str(to_python(entry["label"])) if "label" in entry else category_name,
                first_person_required=bool(first_person),
                patterns=patterns, domains=domains,
            ))
        names = {c.name for c in categories}
        for required in REQUIRED_CATEGORIES:
            if required not in names:
                loader.problem(top["lexicon"], f"lexicon category {required!r} is missing",
                               "the annotator's rules use every category (docs/codebook.md)")

    stoplist = _patterns(loader, top["stoplist"], "stop", classes) if "stoplist" in top else ()

    frames: list[Frame] = []
    if "frames" in top:
        for frame_name, node in (loader.mapping(top["frames"], "frames") or {}).items():
            entry = loader.mapping(node, f"frame {frame_name}") or {}
            words = frozenset(loader.words(entry["words"], "words")) if "words" in entry \
                else frozenset()
            patterns = _patterns(loader, entry["patterns"], f"frame.{frame_name}", classes) \
                if "patterns" in entry else ()
            if not words and not patterns:
                loader.problem(node, f"frame {frame_name} needs words or patterns")
            frames.append(Frame(frame_name, words, patterns))
        present = {f.name for f in frames}
        for required in REQUIRED_FRAMES:
            if required not in present:
                loader.problem(top["frames"], f"frame {required!r} is missing",
                               "the annotator's rules look this frame up by name")

    catalogue = parse_catalogue(loader, top, {frame.name for frame in frames})

    cues: list[PhaseCue] = []
    if "phases" in top:
        for phase, node in (loader.mapping(top["phases"], "phases") or {}).items():
            if phase not in PHASE_NAMES:
                loader.problem(node, f"unknown phase {phase!r}",
                               f"phases: {', '.join(PHASE_NAMES)}")
                continue
            entry = loader.mapping(node, f"phase {phase}") or {}
            for index, cue_node in enumerate(loader.sequence(entry.get("cues"), "cues") or [], 1):
                cue = loader.mapping(cue_node, "a phase cue") or {}
                speaker = loader.scalar(cue["speaker"], "speaker") if "speaker" in cue else "any"
                if speaker not in SPEAKERS:
                    loader.problem(cue.get("speaker"),
                                   f"speaker must be one of {', '.join(SPEAKERS)}")
                weight = to_python(cue["weight"]) if "weight" in cue else 1.0
                if not isinstance(weight, (int, float)) or isinstance(weight, bool):
                    loader.problem(cue.get("weight"), "weight must be a number")
                    weight = 1.0
                lexicon = loader.scalar(cue["lexicon"], "lexicon") if "lexicon" in cue else ""
                if lexicon and lexicon not in {c.name for c in categories}:
                    loader.problem(cue["lexicon"], f"unknown lexicon category {lexicon!r}")
                patterns = _patterns(loader, cue["patterns"], f"phase.{phase}.{index}", classes) \
                    if "patterns" in cue else ()
                if not patterns and not lexicon:
                    loader.problem(cue_node, "a phase cue needs patterns or a lexicon category")
                anchor = bool(to_python(cue["anchor"])) if "anchor" in cue else False
                form = loader.scalar(cue["form"], "form") if "form" in cue else "any"
                if form not in ("any", "question", "statement"):
                    loader.problem(cue["form"], "form must be any, question or statement")
                    form = "any"
                cues.append(PhaseCue(phase, speaker or "any", float(weight), anchor, patterns,
                                     lexicon or "", form or "any"))

    deviations: list[tuple[str, str, str]] = []
    if "deviations" in top:
        for node in loader.sequence(top["deviations"], "deviations") or []:
            entry = loader.mapping(node, "a deviation") or {}
            missing = [k for k in ("section", "decision", "why") if k not in entry]
            if missing:
                loader.problem(node, f"a deviation needs {', '.join(missing)}")
                continue
            deviations.append(tuple(  # type: ignore[arg-type]
                " ".join(str(loader.scalar(entry[k], k) or "").split())
                for k in ("section", "decision", "why")
            ))
    classifier = _classifier(loader, top.get("classifier"))
    _check_unique_ids(loader, [*(p for c in categories for p in c.patterns), *stoplist,
                               *(p for f in frames for p in f.patterns),
                               *(p for cue in cues for p in cue.patterns)])
    if loader.problems:
        raise CodebookError(f"{source}: invalid codebook ({len(loader.problems)} problems)",
                            loader.problems)
    return Codebook(
        version=version or "0", name=name or "", source=source, thresholds=thresholds,
        catalogue=catalogue, word_classes=tuple(classes.items()), lexicon=tuple(categories),
        stoplist=stoplist, frames=tuple(frames), phases=tuple(cues), description=description or "",
        deviations=tuple(deviations), classifier=classifier,
    )


#: Evidence the annotator writes itself (an anaphor tied to an asked category) is named
#: `context.<category>.anaphora`; a pattern id may not look like it.
_RESERVED_ID_PREFIX = "context."


def _check_unique_ids(loader: NodeLoader, patterns: list[Pattern]) -> None:
    """Every pattern id names one pattern, and no evidence the annotator writes itself: the
    evidence of a code cites it, and `cakit codebook suggest` and reviewers look a rule up
    by it."""
    first: dict[str, Pattern] = {}
    for pattern in patterns:
        if not pattern.id.strip() or pattern.id.startswith(_RESERVED_ID_PREFIX):
            loader.problem_at(pattern.line, pattern.col, f"pattern id {pattern.id!r} cannot be "
                              f"used: it is empty or starts with {_RESERVED_ID_PREFIX!r}",
                              f"{_RESERVED_ID_PREFIX}… names the annotator's own evidence")
            continue
        earlier = first.setdefault(pattern.id, pattern)
        if earlier is not pattern:
            loader.problem_at(pattern.line, pattern.col,
                              f"pattern id {pattern.id!r} is used twice (first at line "
                              f"{earlier.line})", "give each pattern its own id")


def _classifier(loader: NodeLoader, node: Any) -> ClassifierSettings:
    """The `classifier:` section (optional): `signal` and `min_score`."""
    if node is None:
        return ClassifierSettings()
    data = loader.mapping(node, "classifier") or {}
    settings = ClassifierSettings()
    for key, value in data.items():
        if key not in ("signal", "min_score"):
            loader.problem(value, f"unknown classifier key {key!r}", "keys: signal, min_score")
    signal = loader.scalar(data["signal"], "signal") if "signal" in data else settings.signal
    if signal not in SIGNALS:
        loader.problem(data.get("signal", node), f"classifier signal must be one of "
                       f"{', '.join(SIGNALS)}, not {signal!r}")
        signal = settings.signal
    score = to_python(data["min_score"]) if "min_score" in data else settings.min_score
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 < score <= 1:
        loader.problem(data.get("min_score", node), "min_score must be a number above 0 and "
                       "at most 1")
        score = settings.min_score
    return ClassifierSettings(signal=signal or "rules", min_score=float(score))


def default_codebook_path() -> Path:
    """The packaged codebook: the same wherever cakit runs."""
    return PACKAGED_CODEBOOK


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook file (default: the packaged codebook).

    Raises:
        CodebookError: the file is missing or invalid (every problem, with line and column).
    """
    file_path = Path(path) if path is not None else default_codebook_path()
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"cannot read codebook {file_path}: {exc}", ()) from None
    return parse_codebook(text, str(file_path))


@lru_cache(maxsize=1)
def builtin_catalogue() -> CodeCatalogue:
    """The catalogue of the codebook shipped with cakit (used where no codebook is given:
    the store's label checks, exports of stored codes, coders' effective outcomes)."""
    return load_codebook(PACKAGED_CODEBOOK).catalogue
