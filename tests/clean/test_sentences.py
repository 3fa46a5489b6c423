"""Sentence splitting with offsets and pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.clean import clean_pages, split_sentences
from policytext.types import Page


def _texts(text: str, **kw) -> list[str]:
    return [s.text for s in split_sentences(text, **kw)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("城市群发展。都市圈建设！协同吗？", ["城市群发展。", "都市圈建设！", "协同吗？"]),
        ("他说：“要建立机制。”然后结束。", ["他说：“要建立机制。”", "然后结束。"]),
        ("一是建立机制；二是完善制度。", ["一是建立机制；二是完善制度。"]),
        ("一、总体要求\n坚持协同发展。", ["一、总体要求", "坚持协同发展。"]),
        ("  城市群发展。  \n\n  ", ["城市群发展。"]),
        ("。。。\n——\n", []),
        ("没有标点的一行", ["没有标点的一行"]),
    ],
)
def test_split_table(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_offsets_and_indexes() -> None:
    text = "城市群发展。\n都市圈建设！"
    sents = split_sentences(text)
    assert [(s.index, s.start, s.end) for s in sents] == [(0, 0, 6), (1, 7, 13)]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert all(s.page is None for s in sents)


def test_pages_assigned_by_first_character() -> None:
    c = clean_pages(["第一页城市群发展。第一页还有一句。", "第二页都市圈建设。"])
    sents = split_sentences(c.text, c.pages)
    assert [(s.text, s.page) for s in sents] == [
        ("第一页城市群发展。", 1),
        ("第一页还有一句。", 1),
        ("第二页都市圈建设。", 2),
    ]


def test_sentence_over_page_break_is_one_sentence_on_first_page() -> None:
    c = clean_pages(["第一页的内容讲到城市群的发展需要建立成本共担", "利益共享机制。第二页。"])
    sents = split_sentences(c.text, c.pages)
    assert sents[0].text == "第一页的内容讲到城市群的发展需要建立成本共担利益共享机制。"
    assert sents[0].page == 1
    assert (sents[1].text, sents[1].page) == ("第二页。", 2)


def test_long_sentence_cut_at_comma() -> None:
    text = "城市群发展，" * 50 + "结束。"
    sents = split_sentences(text, max_len=40)
    assert all(len(s.text) <= 40 for s in sents)
    assert all(s.text.endswith("，") for s in sents[:-1])
    assert "".join(s.text for s in sents) == text


def test_long_text_without_punctuation_cut_at_max_len() -> None:
    text = "城" * 105
    sents = split_sentences(text, max_len=50)
    assert [len(s.text) for s in sents] == [50, 50, 5]


def test_explicit_page_list() -> None:
    text = "甲句。乙句。丙句。"
    sents = split_sentences(text, [Page(1, 0, 3), Page(2, 3, 6), Page(3, 6, 9)])
    assert [s.page for s in sents] == [1, 2, 3]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=2, max_value=60))
def test_offsets_valid_for_any_text(text: str, max_len: int) -> None:
    sents = split_sentences(text, max_len=max_len)
    prev_end = 0
    for i, s in enumerate(sents):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert prev_end <= s.start < s.end
        assert len(s.text) <= max_len
        prev_end = s.end


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from([*list("城市群发展，。；！？\n ”"), "a", "1"]), max_size=500))
def test_offsets_valid_policy_alphabet(text: str) -> None:
    sents = split_sentences(text, max_len=30)
    prev_end = 0
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert prev_end <= s.start < s.end
        assert len(s.text) <= 30
        assert s.text == s.text.strip()
        prev_end = s.end
