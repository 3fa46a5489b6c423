"""Records to Docs: document_to_doc without re-extraction, DocBin round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import DocBin

from policytext.extract.pipeline import Extractor
from policytext.ingest.document import build_document
from policytext.nlp import docs_to_docbin, document_to_doc, make_nlp
from policytext.nlp.convert import SPAN_GROUPS, doc_to_document
from policytext.types import Extraction, Mention


def _spans(doc) -> list[tuple[str, str, int, int, int, int, dict]]:  # type: ignore[no-untyped-def,type-arg]
    return [
        (group, s.label_, s.start, s.end, s._.policytext["start"], s._.policytext["end"], s._.policytext)
        for group in SPAN_GROUPS.values()
        for s in doc.spans[group]
    ]


def test_convert_document_to_doc(tok_nlp: Language, sample_path: Path) -> None:
    document = build_document(sample_path)
    extraction = Extractor.load(model=False).extract(document)
    doc = document_to_doc(tok_nlp, document, extraction)
    assert doc.text == document.text
    assert doc._.policytext_doc_id == document.doc_id
    assert doc._.policytext["primary_agglomeration"] == extraction.primary_agglomeration
    got = sorted((s[6]["kind"], s[1], s[4], s[5]) for s in _spans(doc))
    assert got == sorted((m.kind, m.type, m.start, m.end) for m in extraction.mentions)
    assert [s.start_char for s in doc.sents] == [0] * (document.sentences[0].start != 0) + [
        s.start for s in document.sentences
    ]


def test_convert_same_offsets_keep_own_attributes(tok_nlp: Language) -> None:
    text = "建立成本共担和利益共享机制。"
    common: dict[str, Any] = {
        "kind": "mechanism",
        "text": text[:-1],
        "sentence": text,
        "sentence_index": 0,
        "start": 0,
        "end": len(text) - 1,
    }
    mentions = [
        Mention(type="cost_sharing", score=0.9, attributes={"stage": "establish"}, **common),
        Mention(type="benefit_sharing", score=0.6, attributes={"stage": "explore"}, **common),
    ]
    document = doc_to_document(tok_nlp.make_doc(text))
    doc = document_to_doc(tok_nlp, document, Extraction(mentions=mentions))
    spans = doc.spans["mechanisms"]
    assert [s._.policytext["attributes"]["stage"] for s in spans] == ["establish", "explore"]


def test_convert_docbin_round_trip(tok_nlp: Language, sample_path: Path) -> None:
    document = build_document(sample_path)
    extraction = Extractor.load(model=False).extract(document)
    doc = document_to_doc(tok_nlp, document, extraction)
    data = docs_to_docbin([doc]).to_bytes()
    (restored,) = DocBin().from_bytes(data).get_docs(make_nlp(with_components=False).vocab)
    assert restored.text == doc.text
    assert [t.text for t in restored] == [t.text for t in doc]
    assert _spans(restored) == _spans(doc)
    assert [s.start_char for s in restored.sents] == [s.start_char for s in doc.sents]
    assert restored._.policytext_doc_id == document.doc_id
    assert restored._.policytext == doc._.policytext
