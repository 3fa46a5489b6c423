"""Sentences that are not body text: reference lists, author bios, funding notes,
web-page navigation, captions, tables, English-only lines. They carry no mention."""

from __future__ import annotations

import re
from collections.abc import Sequence

from policytext.clean.resources import HAN_RE
from policytext.clean.sentences import line_starts
from policytext.types import Sentence

# A heading after which everything is back matter until the next body heading.
_BACK_MATTER_START = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?\s*(?:参考文献|References|REFERENCES|注释|附录|作者简介|致谢)\s*(?:\*\*)?\s*[:：]?\s*$"
)
_BODY_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节])")
_LINE_BOILER = re.compile(
    r"^\s*(?:\[\d+\]|［\d+］|\d+\.\s*[A-Z][a-z]+,)"  # reference entries
    r"|作者简介|通讯作者|通信作者|基金项目|收稿日期|修回日期|录用日期|DOI[:：]|doi[:：]|E-?mail|中图分类号|文献标识码|文章编号|引用格式|本文引用"
    r"|您现在的位置|当前位置|下载\s*打印|打印\s*全屏|分享到|【?关闭窗口】?|扫一扫|字号[:：]|责编[:：]|责任编辑|网站标识码|ICP备|版权所有|主办单位|来源[:：]\s*$|点击量|浏览次数"
    r"|^\s*(?:图|表|Fig\.?|Table)\s*\d+|<t[dr]|</t[dr]>|^\s*\|.*\|\s*$"
)


def boilerplate_indexes(text: str, sentences: Sequence[Sentence]) -> set[int]:
    """Indexes of sentences that are boilerplate (see module docstring).

    Each line is examined once (a cache by line start), so the cost stays linear in the
    text even for a megabyte-long line of many sentences.
    """
    out: set[int] = set()
    in_back = False
    lines: dict[int, tuple[bool, bool, bool]] = {}
    for s, line_start in zip(sentences, line_starts(text, sentences)):
        info = lines.get(line_start)
        if info is None:
            line_end = text.find("\n", line_start)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            info = (
                bool(_BACK_MATTER_START.match(line)),
                bool(_BODY_HEADING.match(line)),
                bool(_LINE_BOILER.search(line)),
            )
            lines[line_start] = info
        back_start, body_heading, line_boiler = info
        if line_start == s.start and back_start:
            in_back = True
            out.add(s.index)
            continue
        if in_back and line_start == s.start and body_heading and not line_boiler:
            in_back = False
        if in_back or line_boiler or _LINE_BOILER.search(s.text):
            out.add(s.index)
            continue
        if not HAN_RE.search(s.text):
            out.add(s.index)
    return out
