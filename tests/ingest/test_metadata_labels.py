"""The labels of a journal article have one home (clean.cues): the title search, the document
type, the cleaner's heading test and the PDF layout's label test all read them from there."""

from __future__ import annotations

import re

import pytest

from policytext.clean import cues
from policytext.clean.headings import CLEAN_HEADING_RE
from policytext.ingest.layout import LABEL_RE
from policytext.ingest.metadata import classify_doc_type, find_title
from policytext.ingest.metadata import doc_type as doc_type_module
from policytext.ingest.metadata import title as title_module

LABEL_LINES = [
    "摘要：本文研究城市群",
    "摘 要 本文研究城市群",
    "【内容提要】本文研究都市圈",
    "关键词：城市群；都市圈",
    "关 键 词：城市群",
    "关键字：都市圈",
    "Key words: city cluster",
    "Keyword: metropolitan area",
    "Abstract: this paper",
]


@pytest.mark.parametrize("line", LABEL_LINES)
def test_the_title_search_stops_at_every_article_label(line: str) -> None:
    # a label line before any title: the search stops there and finds no title
    assert find_title(f"{line}\n长三角城市群协同发展研究") is None


@pytest.mark.parametrize("line", LABEL_LINES)
def test_every_article_label_makes_an_article(line: str) -> None:
    text = f"长三角城市群协同发展研究\n张三\n{line}\n一、引言\n城市群是新型城镇化的主体形态。"
    assert classify_doc_type(text)[0] == "article"


@pytest.mark.parametrize("line", LABEL_LINES)
def test_the_cleaner_and_the_pdf_layout_know_the_same_labels(line: str) -> None:
    if line.startswith("【"):
        return  # a bracketed label is the metadata's alone: the cleaner and the layout see 摘要 bare
    assert CLEAN_HEADING_RE.match(line)
    if re.search(r"[:：]", line):
        assert LABEL_RE.match(line)


def test_a_word_that_starts_like_a_label_is_body_text() -> None:
    body = "提要求各城市加快建立成本共担机制，推动基础设施互联互通。"
    assert not CLEAN_HEADING_RE.match(body)
    assert find_title(f"{body}\n") is None  # a sentence, not a title: the search stops at it
    assert find_title(f"长三角城市群发展规划\n{body}") == ("长三角城市群发展规划", 1)
    assert classify_doc_type(f"长三角城市群发展情况\n{body}")[0] != "article"


def test_metadata_patterns_are_built_from_the_cues() -> None:
    for label in (*cues.ABSTRACT_LABELS, *cues.KEYWORD_LABELS, cues.ENGLISH_ABSTRACT_LABEL):
        assert label in title_module.RE_TITLE_STOP.pattern
    for label in cues.ABSTRACT_LABELS:
        assert label in doc_type_module.RE_ARTICLE_HEAD.pattern
    for label in (*cues.KEYWORD_LABELS, *cues.REFERENCE_HEADINGS):
        assert label in doc_type_module.RE_ARTICLE_ANY.pattern
    assert set(cues.ARTICLE_LABELS) >= {*cues.ABSTRACT_LABELS, *cues.KEYWORD_LABELS}
    assert set(cues.BACK_MATTER_HEADINGS) >= set(cues.REFERENCE_HEADINGS)
