"""Fixtures for the ingestion tests: the folder of generated test PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "pdfs"


@pytest.fixture(scope="session")
def pdf_dir() -> Path:
    """``tests/data/pdfs``: small PDFs made by ``tests/data/make_test_pdfs.py``, with golden text."""
    return DATA
