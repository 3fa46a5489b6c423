"""Web-page chrome is set aside once: the HTML reader drops the furniture lines, the extractor
flags what a plain-text copy keeps, with the same table; look-alike body lines stay body text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from policytext.clean.chrome import is_boilerplate_line
from policytext.extract.boilerplate import boilerplate_indexes
from policytext.ingest.document import build_document
from policytext.types import Document

FURNITURE = ["您现在的位置：首页 > 政务公开", "下载 打印 全屏 收藏", "【关闭窗口】", "网站标识码：1100000088"]
INFO_BAR = "发布时间：2021-03-05 浏览次数：12"
BODY = [
    "关于推进长三角城市群协同发展的实施意见",
    "我国成功主办二十国集团领导人杭州峰会，相关报道总点击量超过十亿次。",
    "建立城市群成本共担利益共享机制，把试点经验分享到全省各地。",
]


def _sentences_with(doc: Document, needle: str) -> list[int]:
    return [s.index for s in doc.sentences if needle in s.text]


def test_html_furniture_is_dropped_by_the_reader_and_not_flagged_again(tmp_path: Path) -> None:
    lines = [FURNITURE[0], BODY[0], INFO_BAR, *BODY[1:], *FURNITURE[1:]]
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>", encoding="utf-8"
    )
    doc = build_document(page)
    for line in FURNITURE:
        assert line not in doc.text
    assert not any(is_boilerplate_line(line) for line in doc.text.split("\n"))
    boiler = boilerplate_indexes(doc.text, doc.sentences)
    assert set(_sentences_with(doc, "浏览次数")) <= boiler  # kept for its date, no body text
    assert doc.meta.date == "2021-03-05"
    for line in BODY[1:]:
        first = line[:8]
        assert _sentences_with(doc, first) and not set(_sentences_with(doc, first)) & boiler


def test_plain_text_copy_keeps_the_furniture_and_the_extractor_flags_it(
    text_document: Callable[..., Document],
) -> None:
    lines = [FURNITURE[0], BODY[0], INFO_BAR, *BODY[1:], *FURNITURE[1:]]
    doc = text_document("\n".join(lines) + "\n", "page.txt")
    boiler = boilerplate_indexes(doc.text, doc.sentences)
    for needle in ("您现在的位置", "下载", "关闭窗口", "网站标识码", "浏览次数"):
        hits = _sentences_with(doc, needle)
        assert hits and set(hits) <= boiler, needle
    for line in BODY[1:]:
        first = line[:8]
        assert _sentences_with(doc, first) and not set(_sentences_with(doc, first)) & boiler
