"""A store of the sample corpus, built once per test session (shared with tests/export)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def build_sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest corpora/sample once per session; later calls reuse the file."""
    from policytext import api

    db = tmp_path_factory.getbasetemp() / "policytext-sample.db"
    if not db.exists():
        api.ingest([str(REPO / "corpora" / "sample")], db, workers=0)
    return db


def copy_store(src: Path, dst: Path) -> Path:
    """A private copy of a store (SQLite backup API, so WAL content is included)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_store(tmp_path_factory)
