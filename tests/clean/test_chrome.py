"""Web-page chrome has one table: each chrome line is caught by exactly one cue, look-alike body
lines by none; the reader, the title search and the extractor all use it."""

from __future__ import annotations

import pytest

from policytext.clean import chrome, cues
from policytext.extract import boilerplate as extract_boilerplate
from policytext.ingest import boilerplate as ingest_boilerplate
from policytext.ingest import readers
from policytext.ingest.metadata import title

# fmt: off
#: (line, the one cue that catches it, whether the line is only furniture)
CHROME_LINES = [
    ("您现在的位置：首页 > 政务公开 > 规划计划", "location trail", True),
    ("当前位置", "location trail", True),
    ("首页 > 新闻中心", "home crumb", True),
    ("分享到：", "share bar", True),
    ("分享到 微信 微博", "share bar", True),
    ("分享到微信", "share bar", True),
    ("【关闭窗口】", "page buttons", True),
    ("打印本页", "page buttons", True),
    ("主办单位：某某省人民政府办公厅", "site footer", True),
    ("版权所有：某某省人民政府", "copyright", True),
    ("Copyright © 2021 某某网", "copyright", True),
    ("网站标识码：1100000088", "site registration", True),
    ("某某省人民政府办公厅主办 京ICP备05070218号", "site registration", True),
    ("扫一扫在手机打开当前页", "QR code", True),
    ("相关报道：", "related links", True),
    ("阅读量：1024", "view counter", True),
    ("【字号：大 中 小】", "font size", True),
    ("我要纠错", "comments", True),
    # inside a line: no body text, but the line stays (the date, the news mark, the next line)
    ("发布时间：2021-03-05 浏览次数：12", "view counter", False),
    ("时间：2020-01-01 【打印】【关闭窗口】", "page buttons", False),
    ("下载 打印 发布日期：2020-01-01", "page tools", False),
    ("责任编辑：张三", "editor", False),
    ("信息来源：", "empty source label", False),
    ("某某网 版权所有", "copyright", False),
]
#: Body lines with the same words: no cue catches them.
LOOK_ALIKES = [
    "我国成功主办二十国集团领导人杭州峰会。",
    "共同分享发展机遇，把试点经验分享到全省各地。",
    "据相关报道，长三角一体化示范区建设成效明显。",
    "政务网站点击量大幅增长。",
    "依法保护版权所有人的合法权益。",
    "明确城市群在全国发展格局中的当前位置和功能定位。",
    "返回原籍地就业的高校毕业生享受同等政策。",
    "扫码即可办理的事项达到120项。",
    "来源：辽宁日报",
]
# fmt: on


@pytest.mark.parametrize(("line", "cue", "only_furniture"), CHROME_LINES)
def test_a_chrome_line_is_caught_by_exactly_one_cue(line: str, cue: str, only_furniture: bool) -> None:
    assert [c.name for c, _ in chrome.web_chrome_cues(line)] == [cue]
    assert chrome.is_web_chrome(line)
    assert chrome.is_boilerplate_line(line) is only_furniture


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_a_look_alike_body_line_is_kept(line: str) -> None:
    assert chrome.web_chrome_cues(line) == []
    assert not chrome.is_boilerplate_line(line)
    assert not chrome.is_web_chrome(line)
    assert not extract_boilerplate.is_boilerplate_text(line)


def test_tool_words_alone_are_furniture_not_words_in_a_sentence() -> None:
    assert chrome.is_boilerplate_line("下载 打印 全屏 收藏")
    assert chrome.is_boilerplate_line("【 A+ A A- 】")
    assert not chrome.is_boilerplate_line("下载打印材料，填写后提交。")


def test_every_consumer_uses_the_one_table() -> None:
    assert ingest_boilerplate.is_boilerplate_line is chrome.is_boilerplate_line
    assert ingest_boilerplate.drop_boilerplate is chrome.drop_boilerplate
    assert ingest_boilerplate.BOILERPLATE_PATTERNS is chrome.WEB_CHROME
    assert readers.is_boilerplate_line is chrome.is_boilerplate_line
    assert title.is_boilerplate_line is chrome.is_boilerplate_line
    assert extract_boilerplate.is_web_chrome is chrome.is_web_chrome
    assert not hasattr(cues, "WEB_CHROME")


def test_each_cue_word_has_one_entry() -> None:
    names = [cue.name for cue in chrome.WEB_CHROME]
    assert len(names) == len(set(names))
    # the words that used to live in two tables are caught by one cue each
    words = ("版权所有", "主办单位：", "网站标识码", "ICP备", "分享到：", "关闭窗口", "字号：", "点击量：")
    for word in words:
        assert len(chrome.web_chrome_cues(f"某某 {word}")) == 1, word
