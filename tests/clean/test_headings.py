"""The one home of heading patterns, Han ranges and page-furniture cues: every consumer uses it."""

from __future__ import annotations

import re

import pytest

from policytext.clean import chrome, cues, headings, normalize, resources
from policytext.extract import boilerplate, pipeline, rules
from policytext.lexicons import gazetteer
from policytext.nlp import tokenizer


def test_consumers_share_the_patterns() -> None:
    assert rules.HEADING_LINE is headings.HEADING_LINE
    assert rules.ARTICLE_LINE is headings.ARTICLE_LINE
    assert pipeline.heading_level is headings.heading_level
    assert boilerplate.BODY_HEADING is headings.BODY_HEADING
    assert normalize.CLEAN_HEADING_RE is headings.CLEAN_HEADING_RE


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("第二章 机制", 1),
        ("## 第十一章 协同", 1),
        ("一、总体要求", 1),
        ("第三节 财政", 2),
        ("（三）财政", 2),
        ("(四)交通", 2),
        ("1.交通", 3),
        ("12、生态", 3),
        ("1.5亿元投资", None),
        ("第十条 补偿资金按年度拨付。", None),
        ("2019年国务院政府工作报告", None),
        ("一、" + "长" * 60, None),
    ],
)
def test_heading_level(line: str, level: int | None) -> None:
    assert headings.heading_level(line) == level
    # every line with a level opens with a heading number for the classifier too
    if level is not None:
        assert headings.HEADING_LINE.match(line)


def test_article_and_body_heading() -> None:
    assert headings.ARTICLE_LINE.match("第一百零二条 本办法自发布之日起施行。")
    assert headings.ARTICLE_LINE.match("第十〇条 x")
    assert not headings.ARTICLE_LINE.match("第三章 总则")
    assert headings.BODY_HEADING.match("  一、引言")
    assert headings.BODY_HEADING.match("# 第二章 现状")
    assert not headings.BODY_HEADING.match("（一）引言")


def test_clean_heading_re_keeps_labels_and_bullets() -> None:
    for line in ("摘 要：城市群", "关键词：都市圈", "Key words: x", "● 交通", "第一部分 总则", "1.2.3 方法"):
        assert headings.CLEAN_HEADING_RE.match(line), line
    assert not headings.CLEAN_HEADING_RE.match("城市群是城市发展的最高层次")


def test_han_ranges_nest() -> None:
    assert resources.HAN == resources.HAN_UNIFIED + resources.HAN_COMPAT
    unified = re.compile(f"[{resources.HAN_UNIFIED}]")
    # basic block, extension A, and a compatibility ideograph only in the wide class
    assert unified.match("城") and unified.match("\u3400") and not unified.match("\uf900")
    assert resources.HAN_RE.match("\uf900") and not resources.HAN_RE.match("A")
    assert gazetteer._HAN_RE.pattern == f"[{resources.HAN_UNIFIED}]"
    assert tokenizer._HAN_WORD.pattern == f"[{resources.HAN_UNIFIED}]+"


def test_boilerplate_draws_on_the_cues() -> None:
    for cue in ("作者简介：张三", "基金项目：国家社科基金", "您现在的位置：首页", "版权所有 某某网"):
        assert boilerplate.is_boilerplate_text(cue), cue
    for heading in cues.BACK_MATTER_HEADINGS:
        assert boilerplate._BACK_MATTER_START.match(f"**{heading}**")
    assert not boilerplate.is_boilerplate_text("建立成本共担机制。")


def test_location_marks_are_location_labels() -> None:
    assert set(cues.WEB_LOCATION_MARKS) <= set(cues.WEB_LOCATION_LABELS)
    # 版权所有 has one home: the copyright cue of the web-chrome table, not a footer label too
    assert "版权所有" not in cues.SITE_FOOTER_LABELS
    assert [cue.name for cue, _ in chrome.web_chrome_cues("版权所有 某某网")] == ["copyright"]
