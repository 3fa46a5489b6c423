"""Fixtures shared by the extraction tests: the default taxonomy, the rules-only extractor, a
document built from a text, and the mechanism types the rules give a sentence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policytext.extract import Extractor
from policytext.extract.rules import match_types
from policytext.ingest.document import build_document
from policytext.lexicons.taxonomy import Taxonomy
from policytext.types import Document


@pytest.fixture(scope="module")
def tx() -> Taxonomy:
    """The default taxonomy."""
    return Taxonomy.load()


@pytest.fixture(scope="module")
def rules() -> Extractor:
    """The extractor with the rules only (no model)."""
    return Extractor.load(model=False)


@pytest.fixture()
def text_document(tmp_path: Path) -> Callable[..., Document]:
    """``text_document(text, name="doc.txt")``: the text written to a file and read as a Document."""

    def build(text: str, name: str = "doc.txt") -> Document:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return build_document(path)

    return build


@pytest.fixture(scope="session")
def types() -> Callable[[str, Taxonomy], set[str]]:
    """``types(sentence, taxonomy)``: the mechanism types the rules find in a sentence."""

    def types_of(sentence: str, taxonomy: Taxonomy) -> set[str]:
        return {m.type for m in match_types(sentence, taxonomy)}

    return types_of
