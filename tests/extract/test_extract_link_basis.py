"""How a mechanism's agglomeration was found: sentence, heading, paragraph, document or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from policytext.extract import Extractor
from policytext.extract.pipeline import heading_level
from policytext.ingest.document import build_document
from policytext.types import DIRECT_BASES, LINK_BASES, NO_LINK, Document

NATIONAL = """2019年国务院政府工作报告
一、过去一年的工作
推动京津冀协同发展，发展壮大新动能。
各地要建立生态补偿机制，完善转移支付制度。
二、今年的工作
（一）区域协调
长三角区域一体化发展上升为国家战略。
推进长三角生态环境联防联控。
（二）财政
建立跨省流域横向生态补偿机制。
三、其他
加快粤港澳大湾区建设，建立粤港澳联席会议制度。
完善成本分担机制。
"""

ONE = """关于南京都市圈一体化发展的若干措施
第一条 建立都市圈城市间成本共担机制。
第二条 各市共同出资设立都市圈合作基金。
"""


def mechs(rules: Extractor, text_document: Callable[..., Document], text: str) -> dict[str, dict]:
    ex = rules.extract(text_document(text))
    out: dict[str, dict] = {}
    for m in ex.mentions:
        if m.kind in ("mechanism", "measure"):
            assert m.attributes["link_basis"] in (*LINK_BASES, NO_LINK)
            assert bool(m.attributes["agglomerations"]) == (m.attributes["link_basis"] != NO_LINK)
        if m.kind == "mechanism":
            out[m.sentence] = m.attributes
    return out


def test_national_document_does_not_hand_mechanisms_to_one_agglomeration(
    rules: Extractor, text_document: Callable[..., Document]
) -> None:
    found = mechs(rules, text_document, NATIONAL)
    # named in its own sentence
    assert found["推进长三角生态环境联防联控。"]["link_basis"] == "sentence"
    assert found["推进长三角生态环境联防联控。"]["agglomerations"] == ["yangtze_delta"]
    # no agglomeration in sentence, heading or paragraph; the document names three: no link
    assert found["各地要建立生态补偿机制，完善转移支付制度。"]["link_basis"] == "none"
    assert found["各地要建立生态补偿机制，完善转移支付制度。"]["agglomerations"] == []
    # a new top-level heading ends the scope of the one before
    assert found["完善成本分担机制。"]["link_basis"] == "none"


def test_heading_links_only_under_its_own_heading(
    rules: Extractor, text_document: Callable[..., Document]
) -> None:
    text = (
        "综合报告\n一、推进长三角一体化\n建立跨省流域横向生态补偿机制。\n二、其他工作\n建立成本分担机制。\n"
    )
    found = mechs(rules, text_document, text)
    assert found["建立跨省流域横向生态补偿机制。"]["link_basis"] == "heading"
    assert found["建立跨省流域横向生态补偿机制。"]["agglomerations"] == ["yangtze_delta"]
    assert found["建立成本分担机制。"]["link_basis"] == "none"


def test_paragraph_link(rules: Extractor, text_document: Callable[..., Document]) -> None:
    text = "综合报告\n成渝地区双城经济圈建设加快推进，两地建立成本共担机制。另有多项改革。\n"
    ex = rules.extract(text_document(text))
    bases = {m.sentence: m.attributes["link_basis"] for m in ex.mentions if m.kind == "mechanism"}
    assert set(bases.values()) <= {"sentence", "paragraph"} and bases


def test_document_about_one_agglomeration_links_by_document(
    rules: Extractor, text_document: Callable[..., Document]
) -> None:
    found = mechs(rules, text_document, ONE)
    assert found["第二条各市共同出资设立都市圈合作基金。"]["link_basis"] == "document"
    assert found["第二条各市共同出资设立都市圈合作基金。"]["agglomerations"] == ["nanjing_metro"]


def test_heading_levels() -> None:
    assert heading_level("一、总体要求") == 1 and heading_level("第二章 机制") == 1
    assert heading_level("（三）财政") == 2 and heading_level("1.交通") == 3
    assert heading_level("2019年国务院政府工作报告") is None
    assert set(DIRECT_BASES) < set(LINK_BASES)


def test_news_day_links_no_story_by_document(rules: Extractor, shared_dir: Path) -> None:
    doc = build_document(shared_dir / "corpus" / "real" / "txt" / "xwlb-20231201.txt")
    assert doc.meta.doc_type == "news"
    ex = rules.extract(doc)
    bases = [m.attributes["link_basis"] for m in ex.mentions if m.kind == "mechanism"]
    assert bases and "document" not in bases
