"""Layer files: round trip, stable ids, atomic writes, locking, corrupt lines."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from cakit.annotate import codebook_key
from cakit.errors import StoreError
from cakit.store import (
    consultation_of,
    decide,
    layer_path,
    load_auto_layer,
    locked,
    read_layer,
    save_auto,
    update_layer,
)

from ._fixtures import BASE, ident, insert_before, machine_state, write


def test_store_save_auto_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    state = machine_state(path, tmp_path / "store")
    layer = load_auto_layer(tmp_path / "store", state.identity)
    assert layer is not None
    assert layer.header.sha256 == state.transcript.sha256
    assert layer.header.codebook_version == codebook_key(None)
    assert layer.header.source == "t.txt"  # the path in its folder, wherever cakit runs
    assert consultation_of(layer) == state.consultation
    again = machine_state(path, tmp_path / "store")
    assert not again.annotated and again.items == state.items  # reused, not re-annotated


def test_store_codes_rebuilt_without_evidence_differ_in_nothing_else(tmp_path: Path) -> None:
    """A warm report rebuilds the stored codes without their evidence (it counts them and
    never reads it): every other field must be exactly as stored."""
    from dataclasses import replace

    path = write(tmp_path, "t.txt", BASE)
    state = machine_state(path, tmp_path / "store")
    layer = read_layer(layer_path(tmp_path / "store", "auto", "t.txt"))
    assert layer is not None
    full, bare = consultation_of(layer), consultation_of(layer, evidence=False)
    assert full == state.consultation and full.attempts and full.attempts[0].evidence
    lists = ("attempts", "elicited", "repairs", "medchecks", "responses", "carer_responses")
    for name in lists:
        assert all(not item.evidence for item in getattr(bare, name))
    assert bare == replace(full, **{name: tuple(replace(item, evidence=())
                                                for item in getattr(full, name))
                                    for name in lists})


def test_store_load_auto_absent_is_none(tmp_path: Path) -> None:
    assert load_auto_layer(tmp_path / "store", "nothing.txt") is None


def test_store_stable_ids_survive_lines_inserted_before(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    first = machine_state(path, tmp_path / "store")
    path.write_text(insert_before(BASE, ["Dr:   morning.", "P:    morning."]), encoding="utf-8")
    second = machine_state(path, tmp_path / "store")
    assert second.annotated
    assert [(i.id, i.kind, i.code) for i in first.items] == \
        [(i.id, i.kind, i.code) for i in second.items]
    assert [i.anchor.line + 2 for i in first.items] == [i.anchor.line for i in second.items]
    assert len({i.id for i in first.items}) == len(first.items)  # ids are unique


def test_store_stable_ids_depend_on_path_not_hash(tmp_path: Path) -> None:
    one = write(tmp_path, "one.txt", BASE)
    two = write(tmp_path, "two.txt", BASE)
    ids_one = {i.id for i in machine_state(one, tmp_path / "store").items}
    ids_two = {i.id for i in machine_state(two, tmp_path / "store").items}
    assert not ids_one & ids_two


def test_store_failed_rename_leaves_previous_file_intact(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    state = machine_state(path, root)
    decide(root, state, state.items[0], coder="ann", decision="accept")
    layer_file = layer_path(root, "ann", ident(path))
    before = layer_file.read_bytes()

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full (injected between the temporary write and the rename)")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="injected"):
        decide(root, state, state.items[1], coder="ann", decision="reject")
    monkeypatch.undo()
    assert layer_file.read_bytes() == before
    leftovers = [p.name for p in layer_file.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    layer = read_layer(layer_file)
    assert layer is not None and [d.target for d in layer.decisions] == [state.items[0].id]


def test_store_corrupt_line_reports_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    state = machine_state(path, root)
    for item in state.items[:3]:
        decide(root, state, item, coder="ann", decision="accept")
    layer_file = layer_path(root, "ann", ident(path))
    lines = layer_file.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]  # a torn line 3
    layer_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corrupt = layer_file.read_bytes()
    with pytest.raises(StoreError) as info:
        read_layer(layer_file)
    assert str(info.value).startswith(f"{layer_file}:3: not valid JSON")
    with pytest.raises(StoreError, match=r":3: "):
        decide(root, state, state.items[4], coder="ann", decision="reject")
    assert layer_file.read_bytes() == corrupt


@pytest.mark.parametrize("line,bad,message", [
    (2, '{"type": "decision", "target": "x"}', "missing 'kind'"),
    (2, '{"type": "weird"}', "'type' is 'weird'"),
    (1, '{"type": "header", "schema": 99, "layer": "ann", "source": "t", "sha256": ""}',
     "schema 99"),
])
def test_store_invalid_record_is_reported_with_its_line(tmp_path: Path, line: int, bad: str,
                                                        message: str) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    state = machine_state(path, root)
    decide(root, state, state.items[0], coder="ann", decision="accept")
    layer_file = layer_path(root, "ann", ident(path))
    lines = layer_file.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = bad
    layer_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        read_layer(layer_file)
    assert str(info.value).startswith(f"{layer_file}:{line}:")
    assert message in str(info.value)


def test_store_lock_timeout_gives_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "store" / "ann" / "t.jsonl"
    with locked(target), pytest.raises(StoreError, match="another process"):
        update_layer(target, lambda current: current, timeout=0.2)


def _writer(path: str, root: str, numbers: list[int], barrier: object) -> None:
    from cakit.store import HumanCode, TranscriptText
    from cakit.store.sync import human_code, save_code

    state = machine_state(path, Path(root))
    text = TranscriptText.of(state.transcript)
    barrier.wait()  # type: ignore[attr-defined]
    for number in numbers:
        anchor = text.anchor(number % len(text.words))
        code: HumanCode = human_code(coder="ann", kind="elicited", code="PSY_ELICITED",
                                     subtype=None, anchor=anchor, identity=state.identity,
                                     note=f"w{number}", attempt=f"n{number}")
        save_code(Path(root), state.identity, code, sha256=state.transcript.sha256)


def test_store_two_processes_lose_no_update(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    machine_state(path, root)  # annotate once, so the workers only read the auto layer
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_writer, args=(str(path), str(root), list(range(k, 60, 2)),
                                              barrier))
        for k in (0, 1)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    layer = read_layer(layer_path(root, "ann", ident(path)))
    assert layer is not None
    assert sorted(c.note for c in layer.codes) == sorted(f"w{n}" for n in range(60))


def test_store_two_processes_deciding_lose_no_decision(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    state = machine_state(path, root)
    count = len(state.items)
    context = multiprocessing.get_context("fork")
    evens = [i for i in range(count) if i % 2 == 0]
    odds = [i for i in range(count) if i % 2 == 1]
    barrier = context.Barrier(2)

    def run(indices: list[int]) -> None:
        local = machine_state(path, root)
        barrier.wait()
        for _ in range(3):  # repeat to make the writes overlap
            for index in indices:
                decide(root, local, local.items[index], coder="ann", decision="accept")

    workers = [context.Process(target=run, args=(part,)) for part in (evens, odds)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    layer = read_layer(layer_path(root, "ann", ident(path)))
    assert layer is not None
    assert {d.target for d in layer.decisions} == {i.id for i in state.items}
    assert all(len(d.history) == 2 for d in layer.decisions)  # three writes each, none lost


def test_store_save_auto_writes_the_items_it_is_given(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    state = machine_state(path, tmp_path / "a")
    written = save_auto(tmp_path / "b", state.identity, state.consultation, state.items,
                        codebook_version="x", cakit_version="y", inputs="z")
    layer = read_layer(written)
    assert layer is not None and layer.items == state.items
    assert (layer.header.codebook_version, layer.header.inputs) == ("x", "z")


def test_store_layer_copied_to_another_coder_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.txt", BASE)
    root = tmp_path / "store"
    state = machine_state(path, root)
    decide(root, state, state.items[0], coder="ann", decision="accept")
    source = layer_path(root, "ann", ident(path))
    copy = layer_path(root, "ben", ident(path))
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    with pytest.raises(StoreError, match=r":1: this file belongs to layer 'ann'"):
        read_layer(copy)


#: Lines msgspec reads itself: the values must be json.loads's, types included.
_MSGSPEC_LINES = [
    '{"type": "item", "confidence": 0.9, "evidence": [{"rule": "r", "col": 0}]}',
    '{"id": 123456789012345678901234567890, "low": -9223372036854775809}',  # past 64 bits
    '{"note": "caf\\u00e9 \\"quoted\\" \\\\ tab\\t", "same": 1, "same": 2}',
    '{"quote": "Ω £ — ↑word↑ \u2028", "pair": "\\ud83d\\ude00"}',
    '{"tiny": 5e-324, "zero": -0.0, "big": 1.7976931348623157e308, "e": 1E2}',
]
#: Lines msgspec refuses and json.loads decides (the first four json.dumps may write).
_JSON_LINES = [
    '{"gap_before_s": NaN}',
    '{"score": Infinity, "low": -Infinity}',
    '{"lone": "\\ud800"}',
    '{"huge": 1e400}',
    '"\ud800"',  # a raw lone surrogate: msgspec cannot even encode it
]


@pytest.mark.parametrize("line", _MSGSPEC_LINES + _JSON_LINES)
def test_store_json_line_reads_what_the_standard_library_reads(line: str) -> None:
    import json

    import msgspec

    from cakit.store.layers import json_line

    try:
        msgspec.json.decode(line)
        refused = False
    except ValueError:  # msgspec.DecodeError, or UnicodeEncodeError for a raw surrogate
        refused = True
    assert refused == (line in _JSON_LINES)  # each line tests the path it is listed for
    ours, theirs = json_line(line), json.loads(line)
    assert repr(ours) == repr(theirs)  # NaN != NaN, so compared by form
    if isinstance(theirs, dict):
        assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]


def test_store_json_line_error_names_the_column() -> None:
    import json

    from cakit.store.layers import json_line

    with pytest.raises(json.JSONDecodeError) as info:
        json_line('{"type": "item", "id": "x",, "kind": "attempt"}')
    assert (info.value.msg, info.value.colno) == ("Expecting property name enclosed in "
                                                  "double quotes", 28)
