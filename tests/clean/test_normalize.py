"""The pure cleaning steps and the page-aware cleaner."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.clean import (
    clean_pages,
    clean_text,
    normalize_chars,
    normalize_punctuation,
    normalize_whitespace,
    reflow,
    to_simplified,
)
from policytext.clean.resources import HAN_RE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＧＤＰ增长５％，好", "GDP增长5%，好"),
        ("ＡＢＣ１２３", "ABC123"),
        ("城市群，都市圈：规划；协同（试行）", "城市群，都市圈：规划；协同（试行）"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("城市\u200b群\ufeff发展", "城市群发展"),
        ("plain ascii, unchanged: (yes)", "plain ascii, unchanged: (yes)"),
    ],
)
def test_normalize_chars(raw: str, expected: str) -> None:
    assert normalize_chars(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("城市群,都市圈(试行)兰州-西宁", "城市群，都市圈（试行）兰州—西宁"),
        ("城市群;都市圈:协同?发展!", "城市群；都市圈：协同？发展！"),
        ("兰州-西宁城市群", "兰州—西宁城市群"),
        ("规划期为2016-2030年", "规划期为2016—2030年"),
        ("发布于2020-05-20", "发布于2020-05-20"),
        ("GDP, CPI and PPI (2020)", "GDP, CPI and PPI (2020)"),
    ],
)
def test_normalize_punctuation(raw: str, expected: str) -> None:
    assert normalize_punctuation(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("城 市 群  发展\n\n\n  GDP增长", "城市群发展\n\nGDP增长"),
        ("增长 5%", "增长5%"),
        ("Yangtze River  Delta", "Yangtze River Delta"),
        ("长三角 Yangtze River Delta 城市群", "长三角 Yangtze River Delta 城市群"),
        ("\n\n  城市群\t\u3000发展  \n\n", "城市群发展"),
        ("城市群 ， 发展", "城市群，发展"),
    ],
)
def test_normalize_whitespace(raw: str, expected: str) -> None:
    assert normalize_whitespace(raw) == expected


WRAPPED = "城市群是城市发展的最高层次的空间组织形\n式。作为资源要素的主要集聚地和协同创新\n的最强承载体。" * 3
FLOWED = "城市群是城市发展的最高层次的空间组织形式。作为资源要素的主要集聚地和协同创新的最强承载体。" * 3


def test_reflow_joins_hard_wrapped_lines() -> None:
    assert reflow(WRAPPED) == FLOWED


def test_reflow_joins_across_blank_line_after_every_wrapped_line() -> None:
    text = (
        "城市群是城市发展的最高层次的空间组织形\n\n式。作为资源要素的主要集聚地和协同创新\n\n的最强承载体。\n\n"
    ) * 3
    para = "城市群是城市发展的最高层次的空间组织形式。作为资源要素的主要集聚地和协同创新的最强承载体。"
    assert reflow(text) == "\n".join([para] * 3)


def test_reflow_keeps_paragraph_per_line_text() -> None:
    text = (
        "城市群是城市发展的最高层次的空间组织形式。\n作为资源要素的主要集聚地和协同创新的最强承载体。\n" * 4
    )
    assert reflow(text) == text


def test_reflow_keeps_heading_on_its_own_line() -> None:
    out = reflow("一、总体要求\n" + WRAPPED)
    assert out.split("\n") == ["一、总体要求", FLOWED]


def test_reflow_joins_latin_words_with_a_space() -> None:
    line = "the integration of the Yangtze River Delta"
    text = "\n".join([line + " region and"] * 3 + [line + " area."] + [line + " region and"] * 3 + ["end."])
    first = reflow(text).split("\n")[0]
    assert first == " ".join([line + " region and"] * 3 + [line + " area."])


def test_normalize_whitespace_keeps_latin_han_space() -> None:
    assert normalize_whitespace("城 市 群  发展\n\n\n  GDP 增长") == "城市群发展\n\nGDP 增长"


def test_to_simplified_converts_traditional_text() -> None:
    assert to_simplified("長三角城市羣一體化發展") == "长三角城市群一体化发展"


@pytest.mark.parametrize("text", ["显著的著作成果", "长三角城市群一体化发展", "GDP growth", ""])
def test_to_simplified_leaves_simplified_text_alone(text: str) -> None:
    assert to_simplified(text) == text


def test_clean_text_traditional_document() -> None:
    assert clean_text("長三角城市羣一體化發展，協同推進。") == "长三角城市群一体化发展，协同推进。"


def test_clean_pages_traditional_keeps_original_of_same_length() -> None:
    c = clean_pages(["長三角城市羣一體化發展。", "建立區域協調機制。"])
    assert c.converted
    assert c.text == "长三角城市群一体化发展。\n建立区域协调机制。"
    assert c.original_text == "長三角城市羣一體化發展。\n建立區域協調機制。"
    assert len(c.original_text) == len(c.text)


def test_clean_pages_simplified_not_converted() -> None:
    c = clean_pages(["长三角城市群一体化发展。"])
    assert not c.converted
    assert c.original_text == c.text


def test_clean_pages_offsets_cover_text() -> None:
    pages = ["第一页：城市群发展规划。", "第二页：都市圈协同发展。", "第三页：建立成本共担机制。"]
    c = clean_pages(pages)
    assert [p.number for p in c.pages] == [1, 2, 3]
    assert c.pages[0].start == 0
    assert c.pages[-1].end == len(c.text)
    for prev, nxt in zip(c.pages, c.pages[1:]):
        assert prev.end <= nxt.start
        assert c.text[prev.end : nxt.start].strip() == ""
    for p, raw in zip(c.pages, pages):
        assert c.text[p.start : p.end] == raw


def test_clean_pages_joins_sentence_over_page_break() -> None:
    c = clean_pages(["第一页的内容讲到城市群的发展需要建立成本共担", "利益共享机制。第二页。"])
    assert c.text == "第一页的内容讲到城市群的发展需要建立成本共担利益共享机制。第二页。"
    assert c.pages[0].end == c.pages[1].start == 22
    assert c.text[c.pages[1].start : c.pages[1].end] == "利益共享机制。第二页。"


def test_clean_pages_separates_finished_page() -> None:
    c = clean_pages(["第一页的内容讲到城市群的发展。", "第二页讲都市圈。"])
    assert c.text == "第一页的内容讲到城市群的发展。\n第二页讲都市圈。"


def test_clean_pages_unpaged_has_no_page_records() -> None:
    c = clean_pages(["城市群发展。"], paged=False)
    assert c.pages == []
    assert c.text == "城市群发展。"


# -- properties -------------------------------------------------------------
SIMPLIFIED_HAN = "城市群都市圈长三角一体化发展建立成本共担利益共享机制生态保护补偿"
_text = st.text(
    alphabet=st.sampled_from(
        list(SIMPLIFIED_HAN) + list(" \n\t\u3000,.;:()-—，。；：（）ＡＢ１２ab12%\r\u200b")
    ),
    max_size=300,
)
_any_text = st.text(max_size=300)


@settings(max_examples=150, deadline=None)
@given(_any_text)
def test_clean_text_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=150, deadline=None)
@given(_text)
def test_clean_text_idempotent_on_policy_alphabet(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


def _han(text: str) -> list[str]:
    return sorted(HAN_RE.findall(text))


@settings(max_examples=150, deadline=None)
@given(_text)
def test_clean_text_keeps_every_han_character(text: str) -> None:
    assert _han(clean_text(text)) == _han(text)


@settings(max_examples=150, deadline=None)
@given(_any_text)
def test_clean_text_keeps_han_characters_of_any_text(text: str) -> None:
    # compatibility ideographs and radicals unfold to Han characters under NFKC
    unfolded = "".join(HAN_RE.findall(unicodedata.normalize("NFKC", text)))
    expected = _han(to_simplified(unfolded))
    assert _han(clean_text(text)) == expected
