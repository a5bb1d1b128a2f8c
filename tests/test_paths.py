"""Listing a corpus: each transcript once, however it is reached (folders given twice,
a folder reached through a symbolic link, a linked file beside its target)."""

from __future__ import annotations

import os
from pathlib import Path

from cakit.formats import supported_suffixes
from cakit.paths import RealPaths, expand_paths
from cakit.project import corpus_files

TURNS = "D:\thello.\nP:\thello.\n"


def _corpus(tmp_path: Path) -> Path:
    real = tmp_path / "real" / "corpus"
    (real / "sub").mkdir(parents=True)
    (real / "a.txt").write_text(TURNS, encoding="utf-8")
    (real / "sub" / "b.txt").write_text(TURNS, encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "real")  # a folder above the corpus
    (real / "sub" / "c.txt").symlink_to(real / "a.txt")  # a linked file beside its target
    return real


def test_real_paths_match_the_system_resolution(tmp_path: Path) -> None:
    real = _corpus(tmp_path)
    resolve = RealPaths()
    (real / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    for path in (real / "a.txt", tmp_path / "linked" / "corpus" / "sub" / "b.txt",
                 real / "sub" / "c.txt", tmp_path / "linked" / "corpus" / "sub" / "c.txt",
                 real / "sub" / "up" / ".." / "x.txt",  # ".." after a link: not lexical
                 Path("relative.txt")):
        assert resolve(path) == os.path.realpath(path)
        assert resolve(path) == resolve(path)  # the folder cache gives the same answer


def test_each_transcript_once_however_reached(tmp_path: Path) -> None:
    real = _corpus(tmp_path)
    through_link = tmp_path / "linked" / "corpus"
    paths = expand_paths([str(real), str(through_link), str(real / "sub")],
                         supported_suffixes())
    assert [p.relative_to(real).as_posix() for p in paths] == ["a.txt", "sub/b.txt"]

    files = corpus_files([str(through_link), str(real)], supported_suffixes())
    assert [f.identity for f in files] == ["a.txt", "sub/b.txt"]
    assert files[0].path == through_link / "a.txt"  # as found first, for messages


def test_projects_and_globs_list_the_same_transcripts(tmp_path: Path) -> None:
    """A project (its `cakit.yaml`, looked up once per folder) and a glob over it."""
    real = _corpus(tmp_path)
    (real / "cakit.yaml").write_text("roles:\n  D: clinician\n  P: patient\n",
                                     encoding="utf-8")
    (real / "sub" / "d.txt").write_text(TURNS, encoding="utf-8")
    pattern = str(tmp_path / "linked" / "corpus" / "**" / "*.txt")
    files = corpus_files([pattern, str(real / "sub")], supported_suffixes())
    assert [(f.identity, f.declared) for f in files] == [
        ("a.txt", True), ("sub/b.txt", True), ("sub/d.txt", True)]
    assert {f.root for f in files} == {tmp_path / "linked" / "corpus"}
