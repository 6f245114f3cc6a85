"""Fixtures for the knowledge tests: the loaded knowledge, and a writable copy of its data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import knowledge
from knowledge.loader import DATA_DIR


@pytest.fixture(scope="session")
def kb() -> knowledge.Knowledge:
    """The project's knowledge, loaded once."""
    return knowledge.load_knowledge()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A throwaway copy of knowledge/data that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    yield target
    knowledge.clear_cache()
