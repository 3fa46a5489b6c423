"""Fixtures of the spaCy pipeline tests: one tokenizer-only pipeline per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from policytext.nlp import make_nlp

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "sources" / "2016-changzhutan-action-plan.txt"


@pytest.fixture(scope="session")
def tok_nlp() -> Language:
    """``make_nlp(with_components=False)`` with the packaged gazetteer and taxonomy."""
    return make_nlp(with_components=False)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """A real policy text of the project corpus."""
    if not SAMPLE.exists():
        pytest.skip(f"sample {SAMPLE} is absent")
    return SAMPLE
