"""Past one machine: --dask maps the same per-file worker over a Dask cluster and gives
byte-identical output to the local pool (a LocalCluster with two worker processes)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cakit.cli import cli
from tests.conftest import DEMO, REPO

distributed = pytest.importorskip("distributed", reason="the dask extra is part of the test "
                                  "extras; install cakit[test]")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "demo").mkdir(parents=True)
    shutil.copyfile(REPO / "cakit.yaml", root / "cakit.yaml")
    for path in sorted(DEMO.glob("*.txt"))[:5] + sorted(DEMO.glob("*.cha")):
        shutil.copyfile(path, root / "demo" / path.name)
    return root


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dask_gives_the_same_output_as_the_local_pool(project: Path, scheduler: str) -> None:
    corpus = str(project / "demo")
    local = _run(["annotate", corpus, "--no-store", "--jobs", "2"])
    on_dask = _run(["annotate", corpus, "--no-store", "--dask", scheduler])
    assert on_dask == local and '"attempts"' in local
    for fmt in ("csv", "md"):
        assert _run(["report", corpus, "--no-store", "--format", fmt, "--dask", scheduler]) \
            == _run(["report", corpus, "--no-store", "--format", fmt, "--jobs", "2"])


def test_dask_workers_write_and_reuse_the_store(project: Path, scheduler: str) -> None:
    corpus = str(project / "demo")
    first = _run(["report", corpus, "--format", "csv", "--dask", scheduler])
    assert list((project / "annotations" / "store" / "auto").rglob("*.jsonl"))
    assert _run(["report", corpus, "--format", "csv", "--jobs", "2"]) == first


def test_an_unreachable_scheduler_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(project / "demo"), "--dask",
                                      "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output
