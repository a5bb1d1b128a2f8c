"""The one conftest: shared-data location, a blank spaCy pipeline, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: Real and reference CHAT data live beside the repository, never inside it.
SHARED_DATA = REPO.parent / "shared" / "data"
CHAT_DATA = SHARED_DATA / "chat"
DEMO = REPO / "corpora" / "demo"
GOLD = REPO / "annotations" / "demo-gold"

needs_shared = pytest.mark.skipif(
    not CHAT_DATA.is_dir(),
    reason=f"shared CHAT data not found at {CHAT_DATA} (it exists in CI and the workspace)",
)


#: The REFI-QDA schemas (Project.xsd, Codebook.xsd), beside the repository too.
REFI_QDA = SHARED_DATA / "refi-qda"
needs_refi_qda = pytest.mark.skipif(
    not (REFI_QDA / "Project.xsd").is_file(),
    reason=f"REFI-QDA schemas not found at {REFI_QDA} (they exist in CI and the workspace)",
)


def chat_files(folder: str) -> list[Path]:
    """Sorted .cha files of one shared-data folder (empty when the data is absent)."""
    directory = CHAT_DATA / folder
    return sorted(directory.glob("*.cha")) if directory.is_dir() else []


@pytest.fixture(scope="session")
def nlp_blank():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("en")


@pytest.fixture()
def runner():  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    return CliRunner()
