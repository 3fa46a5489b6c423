"""Fixtures of the reliability suite: generated bad inputs and one ingest over them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_bad_inputs as mbi  # noqa: E402


@pytest.fixture(scope="session")
def bad_cases(tmp_path_factory: pytest.TempPathFactory) -> list[mbi.Case]:
    """The mixed batch of good and bad files (see ``make_bad_inputs.build_bad_folder``)."""
    return mbi.build_bad_folder(tmp_path_factory.mktemp("bad") / "in")


@pytest.fixture(scope="session")
def bad_ingest(bad_cases: list[mbi.Case], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One ingest (2 workers) over the mixed batch: (summary, db path)."""
    from policytext import api

    db = tmp_path_factory.mktemp("bad-db") / "bad.db"
    summary = api.ingest([bad_cases[0].path.parent], db, workers=2, timeout=60, model=False)
    return summary, db
