"""The extractor on whole documents: agglomerations, mechanisms with attributes, measures, output contract."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policytext.extract import Extractor, document_output, to_output
from policytext.types import Document, Extraction

DOC = """关于推进长三角生态绿色一体化发展示范区建设的若干意见
一、建立成本分担机制
沪苏浙两省一市应当建立成本共担、利益共享机制。
污染治理费用应由迁入和迁出地两地共同承担。
二、完善生态补偿
示范区内的流域横向生态补偿机制尚未有效建立。
城市群是城市发展的最高层次的空间组织形式。
加快建设沪苏湖城际铁路，打通断头路。
参考文献
[1] 张三. 建立成本共担机制研究[J]. 2020.
"""


@pytest.fixture()
def doc(text_document: Callable[..., Document]) -> Document:
    return text_document(DOC, "yrd.txt")


def mech(ex: Extraction, sentence_part: str) -> dict[str, dict]:
    return {
        m.type: m.attributes for m in ex.mentions if m.kind == "mechanism" and sentence_part in m.sentence
    }


def test_agglomerations_counted_and_primary(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    assert ex.primary_agglomeration == "yangtze_delta"
    assert [a.id for a in ex.agglomerations] == ["yangtze_delta"]


def test_mechanisms_with_attributes_and_linked_agglomeration(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    found = mech(ex, "两省一市")
    assert set(found) == {"cost_sharing", "benefit_sharing"}
    assert found["cost_sharing"]["status"] == "proposed" and found["cost_sharing"]["stage"] == "establish"
    # no agglomeration in the sentence: the document's primary one (from the title paragraph or the primary)
    assert found["cost_sharing"]["agglomerations"] == ["yangtze_delta"]
    lacking = mech(ex, "尚未有效建立")
    assert lacking["eco_compensation"]["status"] == "lacking"
    assert "ecology" in lacking["eco_compensation"]["domains"]


def test_offsets_page_and_sentence_are_consistent(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    for m in ex.mentions:
        assert doc.text[m.start : m.end] == m.text
        s = doc.sentences[m.sentence_index]
        assert s.start <= m.start and m.end <= s.end and s.text == m.sentence


def test_reference_list_and_generic_sentence_carry_nothing(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    assert not [m for m in ex.mentions if "张三" in m.sentence]
    assert not [m for m in ex.mentions if m.kind == "mechanism" and "最高层次" in m.sentence]


def test_measures_precision_first(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    measures = [m for m in ex.mentions if m.kind == "measure"]
    assert [m.sentence for m in measures] == ["加快建设沪苏湖城际铁路，打通断头路。"]


def test_the_shipped_pipeline_keeps_what_the_rules_find_where_its_policy_trusts_them(doc: Document) -> None:
    """A type whose per-type policy keeps rule hits (the model has too few examples of it to
    overrule them) is found by the shipped pipeline wherever the rules find it."""
    full = Extractor.load()
    if full.model is None:
        pytest.skip("no trained model in models/mechanisms")
    rules_only = Extractor.load(model=False).extract(doc)
    with_model = full.extract(doc)
    paraphrase = "污染治理费用应由迁入和迁出地两地共同承担"
    assert "cost_sharing" in mech(rules_only, paraphrase)  # the rules know this wording
    assert "cost_sharing" in mech(with_model, paraphrase)
    assert {m.source for m in with_model.mentions if m.kind == "mechanism"} <= {"rule", "model", "both"}


def test_versions_on_every_extraction(rules: Extractor, doc: Document) -> None:
    ex = rules.extract(doc)
    assert ex.versions["taxonomy"].endswith("@2026.2") and ex.versions["gazetteer"].endswith("@2026.1")
    assert ex.versions["model"] == "none"


def test_output_contract(rules: Extractor, doc: Document) -> None:
    out = to_output([document_output(doc, rules.extract(doc))], [])
    assert out["schema"] == "policytext/v1"
    d = out["documents"][0]
    for key in (
        "id",
        "path",
        "title",
        "date",
        "date_source",
        "doc_type",
        "pages",
        "agglomerations",
        "primary_agglomeration",
        "mentions",
        "warnings",
    ):
        assert key in d
    for m in d["mentions"]:
        assert {
            "kind",
            "type",
            "text",
            "sentence",
            "sentence_index",
            "page",
            "start",
            "end",
            "score",
            "source",
            "attributes",
        } <= set(m)
        if m["kind"] == "mechanism":
            assert {"status", "stage", "domains", "agglomerations"} <= set(m["attributes"])
    # one mechanism mention per (sentence, type)
    keys = [(m["sentence_index"], m["type"]) for m in d["mentions"] if m["kind"] == "mechanism"]
    assert len(keys) == len(set(keys))


def test_traditional_text_maps_to_the_same_ids(
    rules: Extractor, text_document: Callable[..., Document]
) -> None:
    doc = text_document("推動長三角城市羣一體化發展，建立成本共擔機制。\n", "trad.txt")
    ex = rules.extract(doc)
    assert ex.primary_agglomeration == "yangtze_delta"
    assert "cost_sharing" in {m.type for m in ex.mentions if m.kind == "mechanism"}
    assert doc.original_text.startswith("推動長三角")


def test_user_gazetteer_entries_extend_the_default(
    tmp_path: Path, text_document: Callable[..., Document]
) -> None:
    extra = tmp_path / "mine.jsonl"
    extra.write_text(
        '{"id": "subei_metro", "name": "苏北都市圈", "kind": "metro", "aliases": ["苏北城市带"]}\n',
        encoding="utf-8",
    )
    ex = Extractor.load(model=False, gazetteer=extra)
    ids = {
        a.id for a in ex.extract(text_document("推进苏北城市带和长三角协同发展。\n", "d.txt")).agglomerations
    }
    assert ids == {"subei_metro", "yangtze_delta"}
