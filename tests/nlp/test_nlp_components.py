"""Pipeline components: the extractor's spans equal Extractor.extract; sentences match split_sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from policytext.clean.sentences import split_sentences
from policytext.extract.pipeline import Extractor
from policytext.ingest.document import build_document
from policytext.nlp import load_nlp, make_nlp, save_nlp
from policytext.nlp.convert import SPAN_GROUPS, text_doc_id

Key = tuple[str, str, int, int]


@pytest.fixture(scope="module")
def full_nlp() -> Language:
    """The full pipeline, rules only (fast and deterministic)."""
    return make_nlp(model=False)


def _span_keys(doc) -> list[Key]:  # type: ignore[no-untyped-def]
    keys = []
    for kind, group in SPAN_GROUPS.items():
        for span in doc.spans[group]:
            info = span._.policytext
            assert info["kind"] == kind and info["type"] == span.label_
            assert span.start_char <= info["start"] < info["end"] <= span.end_char
            keys.append((kind, span.label_, info["start"], info["end"]))
    return sorted(keys)


def test_components_in_pipeline(full_nlp: Language) -> None:
    assert full_nlp.pipe_names == ["policytext_sentencizer", "policytext_extractor"]


def test_components_extractor_spans_equal_mentions(full_nlp: Language, sample_path: Path) -> None:
    document = build_document(sample_path)
    extraction = Extractor.load(model=False).extract(document)
    doc = full_nlp(document.text)
    assert doc.text == document.text
    expected = sorted((m.kind, m.type, m.start, m.end) for m in extraction.mentions)
    assert expected and _span_keys(doc) == expected
    assert doc._.policytext_doc_id == text_doc_id(document.text)
    mech = {(m.type, m.start, m.end): m.attributes for m in extraction.mentions if m.kind == "mechanism"}
    for span in doc.spans["mechanisms"]:
        info = span._.policytext
        assert info["attributes"] == mech[(span.label_, info["start"], info["end"])]


def test_components_keep_given_doc_id(full_nlp: Language) -> None:
    doc = full_nlp.make_doc("推进长株潭都市圈建立成本共担机制。")
    doc._.policytext_doc_id = "abc"
    doc = full_nlp.get_pipe("policytext_extractor")(doc)
    assert doc._.policytext_doc_id == "abc"
    assert [s.label_ for s in doc.spans["agglomerations"]] == ["changzhutan_metro"]
    assert "cost_sharing" in [s.label_ for s in doc.spans["mechanisms"]]


def test_components_sentences_match_split_sentences(full_nlp: Language, sample_path: Path) -> None:
    text = build_document(sample_path).text
    doc = full_nlp(text)
    expected = split_sentences(text)
    got = [s for s in doc.sents if s.text.strip()]
    assert len(got) == len(expected)
    for sent, ref in zip(got, expected):
        assert sent.start_char == ref.start
        assert sent.text.strip() == ref.text


def test_components_saved_pipeline_extracts_the_same(
    full_nlp: Language, sample_path: Path, tmp_path: Path
) -> None:
    text = build_document(sample_path).text
    before = _span_keys(full_nlp(text))
    save_nlp(full_nlp, tmp_path / "pipe")
    assert (tmp_path / "pipe" / "policytext_extractor" / "gazetteer.jsonl").exists()
    loaded = load_nlp(tmp_path / "pipe")
    assert loaded.pipe_names == full_nlp.pipe_names
    assert _span_keys(loaded(text)) == before
