"""Finding layers stored under an older identity of a transcript, and moving them.

Before project roots (layer schema 2 and older), a transcript's identity was its path
relative to the folder cakit was run from, so the same file could be stored under several
keys (`corpora/demo/x.txt`, `demo/x.txt`, an absolute path …). When a transcript has no
machine layer under its current identity yet, `rekey_layers` looks for such older layer
files of the same file name under another key (never a schema 3 one: that is keyed by
project identity, so it belongs to another transcript) and:

- an old **auto** layer is removed: it is regenerable, and the current run writes it anew;
- an old **coder** layer is rewritten under the current identity, its decisions pointed
  at the same machine codes under their new stable ids (the ids hash the identity) and
  its own codes given their new ids, then the old file is removed. If the coder already
  has a layer under the current identity, both are kept and the caller is told: a human
  decision is never dropped, and two layers are never merged silently.

It also finds a coder's layer keyed by project identity whose transcript had the same
bytes and whose file is gone: the transcript was renamed or moved. That layer is moved
the same way. (A copy left beside the original is another transcript; the original's
file is still there.)

`stranded_layers` finds, in a project's own store, the coder layers whose transcript is no
longer in the project (renamed and edited, or deleted), so that a run can say so; with
`claimants`, a run knows which of its transcripts has such a layer's bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from cakit.annotations import ConsultationAnnotations
from cakit.errors import StoreError
from cakit.store.anchors import TranscriptText
from cakit.store.items import machine_items
from cakit.store.layers import (
    AUTO,
    json_line,
    layer_file_name,
    layer_path,
    read_layer,
    update_layer,
)
from cakit.store.records import PROJECT_KEYED, Layer, MachineItem
from cakit.store.sync import human_code_id

_KEY_SUFFIX = re.compile(r"-[0-9a-f]{8}\.jsonl$")


@dataclass(frozen=True, slots=True)
class Rekeyed:
    """One layer file found under an older identity, and what was done with it."""

    layer: str
    old_identity: str
    path: Path
    #: moved | removed (a regenerable auto layer) | kept-both (the coder has a layer under
    #: the current identity already)
    outcome: str

    def message(self, identity: str) -> str:
        if self.outcome == "kept-both":
            return (f"{identity}: {self.layer}: an older layer of this transcript is stored as "
                    f"{self.old_identity!r} ({self.path}) beside the current one; both were "
                    "kept — merge them by hand")
        return (f"{identity}: {self.layer}: layer stored under its old identity "
                f"{self.old_identity!r} re-keyed")


def same_transcript(old_identity: str, old_sha256: str, identity: str, path: Path,
                    sha256: str) -> bool:
    """Whether a layer stored as `old_identity` is of the transcript now at `path` (pure
    but for resolving an absolute old path): the same file name and either the same bytes,
    one path being a tail of the other (`corpora/demo/x.txt` ~ `demo/x.txt`), or the same
    absolute file."""
    old = PurePosixPath(old_identity)
    new = PurePosixPath(identity)
    if old.name != new.name:
        return False
    if old_sha256 and old_sha256 == sha256:
        return True
    if old.is_absolute():
        return Path(old_identity) == path.resolve()
    shorter, longer = sorted((old.parts, new.parts), key=len)
    return longer[len(longer) - len(shorter):] == shorter


class StoreListing:
    """A store's layer files by transcript stem, listed once, when first asked.

    For every transcript that has no layer yet, `rekey_layers` looks for files of the same
    stem under another key. Listing every layer folder for each of them made a first run
    quadratic in the corpus: at 14,000 transcripts, 14,000 listings of 14,000 files. A run
    lists the store once instead. What it misses is harmless: a file written later in the
    run is keyed by project identity (never a candidate), and a file gone since is skipped
    when it cannot be read.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._by_stem: dict[str, list[tuple[str, Path]]] | None = None
        self._by_sha: dict[str, list[tuple[str, Path, str]]] | None = None

    def same_bytes(self, sha256: str) -> list[tuple[str, Path, str]]:
        """(layer name, file, identity) of the coder layers, keyed by project identity,
        whose transcript version has these bytes: a renamed or moved transcript's. Each
        file's header line is read once per run, when first asked."""
        if self._by_sha is None:
            self._by_sha = {}
            for entries in self.by_stem().values():
                for layer, entry in entries:
                    keyed = _project_keyed(entry) if layer != AUTO else None
                    if keyed is not None:
                        identity, sha = keyed
                        self._by_sha.setdefault(sha, []).append((layer, entry, identity))
        return self._by_sha.get(sha256, [])

    def candidates(self, identity: str) -> list[tuple[str, Path]]:
        """(layer name, file) for files of the same stem under another key, in every
        layer, in folder and file name order."""
        current = layer_file_name(identity)
        return [(layer, entry) for layer, entry in
                self.by_stem().get(PurePosixPath(identity).stem, ()) if entry.name != current]

    def by_stem(self) -> dict[str, list[tuple[str, Path]]]:
        """(layer name, file) of every layer file, by transcript stem."""
        if self._by_stem is None:
            self._by_stem = self._list()
        return self._by_stem

    def _list(self) -> dict[str, list[tuple[str, Path]]]:
        by_stem: dict[str, list[tuple[str, Path]]] = {}
        for layer, entry, stem in layer_files(self.root):
            by_stem.setdefault(stem, []).append((layer, entry))
        return by_stem


def layer_files(root: Path, *, skip: Iterable[str] = ()) -> Iterator[tuple[str, Path, str]]:
    """(layer name, file, transcript stem) of every layer file in the store `root`, in
    folder and file name order; the layers named in `skip` are not listed."""
    if not root.is_dir():
        return
    skipped = set(skip)
    for folder in sorted(root.iterdir()):
        if folder.name in skipped or not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            suffix = _KEY_SUFFIX.search(entry.name)
            if suffix is not None and suffix.start() > 0 and entry.is_file():
                yield folder.name, entry, entry.name[:suffix.start()]


def _header(path: Path) -> dict[str, object] | None:
    """A layer file's header line, or None when it cannot be read as one."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = json_line(handle.readline())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("type") == "header" else None


def _project_keyed(path: Path) -> tuple[str, str] | None:
    """(identity, transcript sha256) from the header of a layer keyed by project identity
    (schema 3 and later); None for an older layer or a file that is not one."""
    header = _header(path)
    schema = header.get("schema") if header is not None else None
    if header is None or not isinstance(schema, int) or schema < PROJECT_KEYED:
        return None
    return str(header.get("source", "")), str(header.get("sha256", ""))


def _gone(old_identity: str, path: Path) -> bool:
    """Whether the transcript an identity named is no longer where it was. An identity is a
    path from its project's folder; the store does not say which folder that was, so the
    file must exist from none of the folders above this transcript, other than as this
    transcript itself (a store given with --store may serve more than one project)."""
    here = path.resolve()
    if PurePosixPath(old_identity).is_absolute():
        return not Path(old_identity).exists()
    return not any((folder / old_identity).exists() and (folder / old_identity).resolve() != here
                   for folder in here.parents)


def same_file_elsewhere(listing: StoreListing, identity: str, path: Path
                        ) -> list[tuple[str, str]]:
    """(layer name, identity) of the coder layers keyed by another identity that names this
    very file from another folder. With no `cakit.yaml`, a transcript's identity is its
    path from the folder named on the command line, so `cakit review corpus/sub/x.txt` and
    `cakit agree corpus` key one file two ways: moving its layer to and fro would leave
    one command without the coder's decisions, or split them over two layers."""
    here = path.resolve()
    found = []
    # files of the same stem under another key only (their names hash the identity): a
    # warm run reads no header unless such a file is there
    for layer_name, entry in listing.candidates(identity):
        keyed = _project_keyed(entry) if layer_name != AUTO else None
        if keyed is None or keyed[0] == identity or PurePosixPath(keyed[0]).is_absolute():
            continue
        if any((folder / keyed[0]).resolve() == here for folder in here.parents):
            found.append((layer_name, keyed[0]))
    return found


def rekey_layers(root: Path, identity: str, path: Path, consultation: ConsultationAnnotations,
                 text: TranscriptText, items: tuple[MachineItem, ...], *,
                 listing: StoreListing | None = None) -> tuple[Rekeyed, ...]:
    """Move every layer of this transcript stored under an older identity (see the module).

    Args:
        root: the store folder.
        identity: the transcript's current identity.
        path: the transcript file.
        consultation: its current machine codes; `items` are their items under `identity`.
        text: the transcript, indexed.
        listing: the store's files as a run listed them once (None: list them now).

    Raises:
        StoreError: a layer cannot be written (the old file is then left in place).
    """
    done: list[Rekeyed] = []
    listing = listing or StoreListing(root)  # one listing of the store for both searches
    for layer_name, old_path in listing.candidates(identity):
        try:
            old = read_layer(old_path)
        except StoreError:
            continue  # a corrupt file is reported where it is used, never touched here
        if old is None or old.header.schema >= PROJECT_KEYED or not same_transcript(
                old.header.source, old.header.sha256, identity, path, text.sha256):
            continue  # a layer keyed by project identity is some other transcript's
        if layer_name == AUTO:
            with contextlib.suppress(FileNotFoundError):
                old_path.unlink()
            done.append(Rekeyed(AUTO, old.header.source, old_path, "removed"))
            continue
        done.append(_move(root, layer_name, old, old_path, identity, consultation, text,
                          items))
    # a transcript renamed or moved within its project: a coder's layer of the same bytes
    # whose file is gone is this transcript's (a copy left in place is another's)
    for layer_name, old_path, old_identity in listing.same_bytes(text.sha256):
        if old_identity == identity or not _gone(old_identity, path):
            continue
        try:
            old = read_layer(old_path)
        except StoreError:
            continue
        if old is None or old.header.sha256 != text.sha256:
            continue
        done.append(_move(root, layer_name, old, old_path, identity, consultation, text,
                          items))
    return tuple(done)


def _move(root: Path, layer_name: str, old: Layer, old_path: Path, identity: str,
          consultation: ConsultationAnnotations, text: TranscriptText,
          items: tuple[MachineItem, ...]) -> Rekeyed:
    """A coder layer stored under another identity, rewritten under `identity` and its old
    file removed; both kept (and said) when the coder has a layer under `identity`."""
    target = layer_path(Path(root), layer_name, identity)
    if target.exists():
        return Rekeyed(layer_name, old.header.source, old_path, "kept-both")
    moved = _moved(old, identity, consultation, text, items)

    def create(current: Layer | None) -> Layer | None:
        return moved if current is None else current

    update_layer(target, create)
    old_path.unlink()
    return Rekeyed(layer_name, old.header.source, old_path, "moved")


def _moved(layer: Layer, identity: str, consultation: ConsultationAnnotations,
           text: TranscriptText, items: tuple[MachineItem, ...]) -> Layer:
    """The coder layer under `identity`: machine ids and the coder's own ids recomputed."""
    old_identity = layer.header.source
    old_items = machine_items(consultation, text, old_identity)
    ids = {old.id: new.id for old, new in zip(old_items, items, strict=True)}
    for code in sorted(layer.codes, key=lambda c: c.kind != "attempt"):  # attempts first
        ids[code.id] = human_code_id(identity, coder=code.coder, kind=code.kind, code=code.code,
                                     subtype=code.subtype, anchor=code.anchor,
                                     attempt=ids.get(code.attempt or "", code.attempt))
    decisions = tuple(replace(d, target=ids.get(d.target, d.target)) for d in layer.decisions)
    codes = tuple(replace(c, id=ids[c.id], attempt=ids.get(c.attempt, c.attempt)
                          if c.attempt else None) for c in layer.codes)
    return Layer(header=replace(layer.header, source=identity), decisions=decisions,
                 codes=codes)


@dataclass(frozen=True, slots=True)
class Stranded:
    """A coder's layer whose transcript is no longer in its project: renamed and edited,
    moved out, or deleted. Its decisions are kept but apply to no transcript."""

    layer: str
    path: Path
    identity: str
    #: the transcript's bytes when the layer was last brought in step with it
    sha256: str

    def contents(self) -> tuple[int, int]:
        """(decisions, own codes) the layer holds; (0, 0) when it cannot be read."""
        try:
            layer = read_layer(self.path)
        except StoreError:
            return 0, 0
        return (len(layer.decisions), len(layer.codes)) if layer is not None else (0, 0)

    def message(self, same: Sequence[Path] = ()) -> str:
        """The CK430 warning, `path:1:1: CK430 …`; `same` are the transcripts of the run
        with the bytes the layer was made on, when there are two or more."""
        decisions, codes = self.contents()
        where = (f"; {len(same)} transcripts of this run have the bytes it was made on "
                 f"({', '.join(map(str, same[:3]))}), so it was left where it is"
                 if same else "")
        return (f"{self.path}:1:1: CK430 {self.layer}'s layer is of {self.identity}, which is "
                f"no longer in the project ({decisions} decision(s), {codes} own code(s)): "
                f"they count nowhere{where} (cakit explain CK430)")


def stranded_layers(root: Path, project: Path, present: Iterable[str]) -> list[Stranded]:
    """The coder layers in `root`, the store of the project folder `project`, whose
    transcript (their identity, a path from `project`) is not there. `present` are the
    identities of the run's transcripts: their layers are passed over unread.

    Only a project's own store can tell this: a store given elsewhere may serve other
    projects, whose transcripts it cannot find. Layers keyed by an older identity (schema 2
    and older) are left out (the first run over their transcript moves them), and so is a
    layer that cannot be read (it is reported where it is used)."""
    known = {layer_file_name(identity) for identity in present}
    stranded: list[Stranded] = []
    for layer, entry, _ in layer_files(Path(root), skip=(AUTO,)):
        if entry.name in known:
            continue
        keyed = _project_keyed(entry)
        if keyed is not None and keyed[0] and not _found(keyed[0], Path(project)):
            stranded.append(Stranded(layer, entry, *keyed))
    return sorted(stranded, key=lambda s: (s.identity, s.layer))


def claimants(stranded: Sequence[Stranded], paths: Iterable[Path]) -> dict[str, list[Path]]:
    """For the bytes of each stranded layer's transcript, the given transcripts that have
    them (each is read and hashed only when some layer is stranded). Exactly one is the
    transcript renamed there; two or more cannot be told apart."""
    wanted = {layer.sha256 for layer in stranded}
    found: dict[str, list[Path]] = {sha: [] for sha in wanted}
    if not wanted:
        return found
    for path in paths:
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue  # the run reports it
        if digest in found:
            found[digest].append(Path(path))
    return found


def _found(identity: str, project: Path) -> bool:
    if PurePosixPath(identity).is_absolute():
        return Path(identity).exists()
    return (project / identity).exists()
