"""Reading, annotating (or reusing the store) and measuring many transcripts for a report.

For each file: read it; if the annotation store holds a machine layer whose sha256 equals
the transcript's and whose codebook key (version + content hash) equals the current
codebook's, reuse it (no spaCy, no annotating); otherwise annotate and, unless told not
to, save the layer so the next run is fast. Then compute the per-phase denominators
(`consultation_input`) in the same worker, so only a few numbers — not a whole
transcript — travel back between processes. Results come back in input order, one file
at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cakit.model import Diagnostic, Role, Transcript
from cakit.report.inputs import ConsultationInput, consultation_input

if TYPE_CHECKING:
    from cakit.annotate.pipeline import Annotator


@dataclass(frozen=True, slots=True)
class Loaded:
    """One file's report input, what reading it reported, and whether the store was used."""

    path: Path
    consultation: ConsultationInput | None
    diagnostics: tuple[Diagnostic, ...]
    reused: bool
    transcript: Transcript | None = None
    #: a corrupt or stale coder layer (`--coder`/`--consensus`); the file is not reported
    store_error: str = ""
    #: whether a coder's layer existed for this transcript (`--coder`/`--consensus`)
    coded: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


_STATE: dict[str, object] = {}


def _init(codebook: str | None, version: str | None, store: str | None, write_store: bool,
          roles: Mapping[str, Role] | None, keep: bool,
          coders: tuple[str | None, str | None, bool]) -> None:
    _STATE.clear()
    layers, coder, consensus = coders
    _STATE.update(codebook=codebook, version=version, store=store, write_store=write_store,
                  roles=dict(roles or {}), keep=keep, layers=layers, coder=coder,
                  consensus=consensus)


def _annotator() -> Annotator:
    from cakit.annotate import annotator_for

    if "annotator" not in _STATE:
        codebook = _STATE.get("codebook")
        _STATE["annotator"] = annotator_for(str(codebook) if codebook else None)
        from cakit.annotate.batch import settle_long_lived_objects

        settle_long_lived_objects()
    return _STATE["annotator"]  # type: ignore[return-value]


def _current_version() -> str:
    """The codebook key (version + content hash), computed once per process."""
    version = _STATE.get("version")
    if version is None:
        from cakit.store.state import codebook_key

        codebook = _STATE.get("codebook")
        version = codebook_key(str(codebook) if codebook else None)
        _STATE["version"] = version
    return str(version)


def _one(path: Path) -> Loaded:
    from cakit.formats import read

    roles = _STATE.get("roles") or None
    result = read(path, roles=roles)  # type: ignore[arg-type]
    transcript = result.transcript
    if not transcript.utterances:
        return Loaded(path, None, result.diagnostics, False)
    annotations = None
    reused = False
    store = _STATE.get("store")
    if store:
        from cakit.store import load_auto

        stored = load_auto(Path(str(store)), transcript.source)
        if stored is not None:
            header, layer = stored
            if header.get("sha256") == transcript.sha256 and \
                    str(header.get("codebook_version")) == _current_version():
                annotations = layer
                reused = True
    if annotations is None:
        annotations = _annotator().annotate(transcript)
        if store and _STATE.get("write_store"):
            from cakit import __version__
            from cakit.store import save_auto

            save_auto(annotations, Path(str(store)), codebook_version=_current_version(),
                      cakit_version=__version__, transcript=transcript)
    coded = False
    if _STATE.get("coder") or _STATE.get("consensus"):
        from cakit.errors import StoreError
        from cakit.store import coders, effective

        layers = Path(str(_STATE["layers"]))
        coder = str(_STATE["coder"]) if _STATE.get("coder") else None
        names = coders(layers, transcript.source)
        coded = coder in names if coder else bool(names)
        try:
            annotations = effective(annotations, root=layers, source=transcript.source,
                                    coder=coder, consensus=bool(_STATE.get("consensus")),
                                    transcript=transcript)
        except StoreError as exc:
            return Loaded(path, None, result.diagnostics, reused, store_error=str(exc))
    consultation = consultation_input(transcript, annotations)
    keep = transcript if _STATE.get("keep") else None
    return Loaded(path, consultation, result.diagnostics, reused, keep, coded=coded)


def load_consultations(
    files: list[Path], *, codebook: str | None = None, jobs: int = 1,
    store: Path | None = None, write_store: bool = True,
    roles: Mapping[str, Role] | None = None, keep_transcripts: bool = False,
    coder: str | None = None, consensus: bool = False, layers: Path | None = None,
) -> Iterator[Loaded]:
    """Report inputs for `files`, in order; `jobs > 1` uses worker processes.

    `store` is the annotation store root for the machine layer (None: never read or
    write it). With `coder` or `consensus` the annotations are the effective ones — the
    machine's as decided by that coder (or the majority) in the store at `layers`
    (default: `store`), plus the coders' own codes. With `keep_transcripts` each result
    carries its transcript (only in one process: the workers would have to pickle whole
    transcripts back).

    Raises:
        CodebookError: the codebook is invalid.
    """
    parallel = jobs > 1 and len(files) > 1
    version = None
    if parallel:  # validate here: a worker's CodebookError would not travel back well
        from cakit.annotate.codebook import load_codebook
        from cakit.store.state import codebook_key

        load_codebook(codebook)
        version = codebook_key(codebook)
    human_root = layers if layers is not None else store
    if (coder or consensus) and human_root is None:
        raise ValueError("coder or consensus needs the store that holds the coder layers")
    args = (codebook, version, str(store) if store else None, write_store, roles,
            keep_transcripts and not parallel,
            (str(human_root) if human_root else None, coder, consensus))
    if not parallel:
        _init(*args)
        for path in files:
            yield _one(path)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(16, len(files) // (jobs * 4) or 1))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init,
                             initargs=args) as pool:
        yield from pool.map(_one, files, chunksize=chunk)


__all__ = ["Loaded", "load_consultations"]
