"""The spaCy export: the same DocBin as the plain one-Doc-at-a-time build, through the pool too."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("policytext.nlp.convert")

import spacy
from spacy.tokens import Doc, DocBin, Span

from policytext.export import docbin as export_docbin
from policytext.export import export, extraction_of
from policytext.nlp import make_nlp
from policytext.nlp.convert import SPAN_GROUPS
from policytext.store import reads
from policytext.store.db import Store


def _reference(db: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """The DocBin as built before, one Doc at a time with spaCy's own ``DocBin.add``, and what each
    document should hold, worked out from the store without the conversion code: tokens of the
    pipeline's tokenizer, a sentence start at the token holding each sentence's first character,
    a span per mention (its type, widened to whole tokens)."""
    from policytext.nlp import docs_to_docbin, document_to_doc

    nlp = make_nlp(with_components=False)
    docs, expected = [], []
    with Store(db, readonly=True) as store:
        for doc_id in reads.document_ids(store):
            document = store.load_document(doc_id)
            assert document is not None
            extraction = extraction_of(store, doc_id)
            docs.append(document_to_doc(nlp, document, extraction))
            plain = nlp.make_doc(document.text)
            offsets = [t.idx for t in plain]
            starts = {0} | {
                bisect.bisect_right(offsets, s.start) - 1
                for s in document.sentences
                if 0 <= s.start < s.end <= len(document.text)
            }
            spans = set()
            for m in extraction.mentions:
                if m.kind in SPAN_GROUPS:
                    span = plain.char_span(m.start, m.end, alignment_mode="expand")
                    assert span is not None
                    spans.add((SPAN_GROUPS[m.kind], m.type, span.start, span.end))
            expected.append(
                {
                    "doc_id": doc_id,
                    "words": [(t.text, t.whitespace_) for t in plain],
                    "starts": [i in starts for i in range(len(plain))],
                    "spans": spans,
                }
            )
    return bytes(docs_to_docbin(docs).to_bytes()), expected


@pytest.fixture(scope="module")
def reference(sample_db: Path) -> tuple[bytes, list[dict[str, Any]]]:
    return _reference(sample_db)


@pytest.mark.parametrize("workers", [0, 2])
def test_spacy_export_equals_the_plain_build(
    sample_db: Path,
    tmp_path: Path,
    reference: tuple[bytes, list[dict[str, Any]]],
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the sample corpus is small: let it through the pool anyway when workers are asked for
    monkeypatch.setattr(export_docbin, "POOL_MIN_CHARS", 0)
    seen: list[tuple[int, int]] = []
    export(sample_db, tmp_path, fmt="spacy", workers=workers, progress=lambda d, n: seen.append((d, n)))
    data = (tmp_path / "docs.spacy").read_bytes()
    old, expected = reference
    assert data == old
    assert [d for d, _ in seen] == list(range(1, len(expected) + 1))
    assert {n for _, n in seen} == {len(expected)}
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("zh").vocab))
    assert [d._.policytext_doc_id for d in docs] == [e["doc_id"] for e in expected]
    for doc, want in zip(docs, expected):
        assert [(t.text, t.whitespace_) for t in doc] == want["words"]
        assert [bool(t.is_sent_start) for t in doc] == want["starts"]
        got = {(g, s.label_, s.start, s.end) for g in SPAN_GROUPS.values() for s in doc.spans[g]}
        assert got == want["spans"]
    assert sum(len(e["spans"]) for e in expected) > 0 and sum(sum(e["starts"]) for e in expected) > len(docs)


def test_spacy_export_of_filtered_documents(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path / "all", fmt="spacy")
    export(sample_db, tmp_path / "some", fmt="spacy", agglomerations=["长三角"])
    vocab = spacy.blank("zh").vocab
    every = list(DocBin().from_disk(tmp_path / "all" / "docs.spacy").get_docs(vocab))
    some = list(DocBin().from_disk(tmp_path / "some" / "docs.spacy").get_docs(vocab))
    assert 0 < len(some) < len(every)
    assert all(any(s.label_ == "yangtze_delta" for s in d.spans["agglomerations"]) for d in some)


def test_docbin_fields_equal_docbin_add() -> None:
    """The fast fields hold what ``DocBin.add`` stores, for a Doc with every string attribute set."""
    nlp = spacy.blank("en")
    doc = Doc(
        nlp.vocab,
        words=["Cities", "share", "costs", "."],
        spaces=[True, True, False, False],
        tags=["NNS", "VBP", "NNS", "."],
        lemmas=["city", "share", "cost", "."],
        morphs=["Number=Plur", "", "Number=Plur", ""],
        deps=["nsubj", "ROOT", "dobj", "punct"],
        heads=[1, 1, 1, 1],
        ents=["B-GPE", "O", "O", "O"],
    )
    doc.spans["mechanisms"] = [Span(doc, 1, 3, label="cost_sharing", span_id="m:0", kb_id="Q1")]
    doc.cats = {"policy": 1.0}
    doc.user_data["k"] = "v"
    empty = Doc(nlp.vocab, words=[])
    for d in (doc, empty):
        plain = DocBin(store_user_data=True)
        plain.add(d)
        fast = DocBin(store_user_data=True)
        for k, v in export_docbin.docbin_fields(d).items():
            setattr(fast, k, v)
        assert fast.strings == plain.strings
        assert fast.to_bytes() == plain.to_bytes()
