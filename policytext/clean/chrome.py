"""Web page chrome: the lines of a government or news site that are not the document's text.

One table, :data:`WEB_CHROME`, holds every cue once (built on the labels of
:mod:`policytext.clean.cues`). A cue is searched in a stripped line and its ``drops`` says
what a match means:

* ``"anywhere"``: the line is furniture wherever the cue stands (``网站标识码``, ``ICP备``,
  ``扫一扫在手机打开当前页``);
* ``"start"``: the line is furniture when it opens with the cue (``您现在的位置：``,
  ``【关闭窗口】``, ``浏览次数：``); the same cue inside a line (an information bar
  ``发布时间：2021-03-05 浏览次数：12``) only marks the line as no body text: the line stays,
  since the metadata reads its date;
* ``"never"``: the line is no body text but is never dropped (``责任编辑：`` marks a news page
  for the document type, an empty ``来源：`` has its value on the next line).

A line made only of page-tool words (``下载 打印 全屏 收藏``, ``字号 大 中 小``) is furniture too.

Two questions, one table:

* :func:`is_boilerplate_line`: is the line only furniture? The HTML reader drops such lines
  (:func:`drop_boilerplate`) and the title search skips them.
* :func:`is_web_chrome`: is the line (or sentence) no body text? The extractor sets such
  sentences aside (:mod:`policytext.extract.boilerplate`).

A page read from HTML loses its furniture lines once, in the reader; a page saved as plain text
keeps them, and the extractor sets them aside with the same table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from policytext.clean.cues import SITE_FOOTER_LABELS, WEB_LOCATION_LABELS, WEB_LOCATION_MARKS

__all__ = [
    "BOILERPLATE_TOKENS",
    "WEB_CHROME",
    "ChromeCue",
    "drop_boilerplate",
    "is_boilerplate_line",
    "is_web_chrome",
    "web_chrome_cues",
]


@dataclass(frozen=True)
class ChromeCue:
    """One kind of web-page furniture.

    Attributes:
        name: what the cue is (for messages and tests).
        pattern: searched in the stripped line; ``^`` anchors a cue that is chrome only at the
            start of a line (相关报道 inside a sentence is body text).
        drops: when a match makes the whole line furniture: ``"anywhere"``, ``"start"`` (the
            match opens the line) or ``"never"``.
    """

    name: str
    pattern: re.Pattern[str]
    drops: Literal["anywhere", "start", "never"]

    def drops_line(self, match: re.Match[str]) -> bool:
        """Whether ``match`` (of :attr:`pattern` in a stripped line) makes the line furniture."""
        return self.drops == "anywhere" or (self.drops == "start" and match.start() == 0)


_COUNTERS = ("阅读量", "阅读次数", "浏览次数", "访问量", "点击数", "点击量", "浏览量")
_BUTTONS = (
    "关闭窗口",
    "关闭本页",
    "打印本页",
    "打印此页",
    "打印",
    "关闭",
    "返回顶部",
    "返回首页",
    "返回",
    "收藏本页",
    "加入收藏",
)
_RELATED = (
    *("上一篇", "下一篇", "上一条", "下一条"),
    *("相关链接", "相关报道", "相关新闻", "相关文章", "相关阅读", "推荐阅读"),
)
_SOCIAL = ("点赞", "打赏", "评论列表", "暂无评论", "发表评论", "我要评论", "我要纠错", "纠错")

#: Every web-chrome cue, each once.
WEB_CHROME: tuple[ChromeCue, ...] = (
    ChromeCue(
        "location trail",
        re.compile(
            rf"^(?:{'|'.join(WEB_LOCATION_LABELS)})\s*[:：]?|(?:{'|'.join(WEB_LOCATION_MARKS)})\s*[:：]"
        ),
        "start",
    ),
    ChromeCue("home crumb", re.compile(r"^首页\s*(?:[>＞»›]|$)"), "start"),
    ChromeCue("share bar", re.compile(r"^分享(?:到|\s*[:：])|分享到(?=\s|[:：]|$)"), "start"),
    ChromeCue(
        "page buttons",
        re.compile(rf"^【?\s*(?:{'|'.join(_BUTTONS)})\s*】?$|关闭窗口"),
        "start",
    ),
    ChromeCue("page tools", re.compile(r"下载\s*打印|打印\s*全屏"), "never"),
    ChromeCue(
        "site footer",
        re.compile(rf"^(?:{'|'.join(SITE_FOOTER_LABELS)})\s*[:：]|主办单位\s*[:：]"),
        "start",
    ),
    # 版权所有人 / 版权所有者 (the copyright holder) is body text
    ChromeCue("copyright", re.compile(r"^(?:Copyright|©)|版权所有(?![人者])", re.IGNORECASE), "start"),
    ChromeCue("site registration", re.compile(r"网站标识码|ICP备|ICP证|公网安备|网安备\s*\d"), "anywhere"),
    ChromeCue(
        "QR code",
        re.compile(r"扫一扫在手机(?:上)?打开当前页|(?:微信|手机)扫一扫|扫描二维码|用手机扫描"),
        "anywhere",
    ),
    ChromeCue("related links", re.compile(rf"^(?:{'|'.join(_RELATED)})\s*[:：]?"), "start"),
    ChromeCue("view counter", re.compile(rf"(?:{'|'.join(_COUNTERS)})\s*[:：]"), "start"),
    ChromeCue("font size", re.compile(r"【?\s*(?:字号|字体)\s*[:：]"), "start"),
    ChromeCue("comments", re.compile(rf"^(?:{'|'.join(_SOCIAL)})(?:\s*\(\d+\))?"), "start"),
    ChromeCue("editor", re.compile(r"责编\s*[:：]|责任编辑"), "never"),
    ChromeCue("empty source label", re.compile(r"来源[:：]\s*$"), "never"),
)

#: The page-tool words: a line made only of these is furniture.
BOILERPLATE_TOKENS = frozenset(
    {
        "下载",
        "打印",
        "全屏",
        "收藏",
        "分享",
        "字号",
        "字体",
        "大",
        "中",
        "小",
        "加大",
        "还原",
        "减小",
        "默认",
        "标准",
        "关闭",
        "关闭窗口",
        "打印本页",
        "返回顶部",
        "【",
        "】",
        "[",
        "]",
        ">",
        "＞",
        "»",
        "|",
        "｜",
        "：",
        ":",
        "/",
        "·",
        "A",
        "A+",
        "A-",
        "T",
        "T+",
        "T-",
        "-",
        "首页",
        "分享到",
    }
)
RE_TOKEN_SPLIT = re.compile(r"[\s【】\[\]:：|｜/]+|(?<=[>＞»])|(?=[>＞»])")


def _only_tools(stripped: str) -> bool:
    tokens = [t for t in RE_TOKEN_SPLIT.split(stripped) if t]
    return all(t in BOILERPLATE_TOKENS for t in tokens)


def web_chrome_cues(line: str) -> list[tuple[ChromeCue, re.Match[str]]]:
    """Every cue of :data:`WEB_CHROME` found in ``line`` (stripped), with its first match."""
    stripped = line.strip()
    found = []
    for cue in WEB_CHROME:
        m = cue.pattern.search(stripped)
        if m:
            found.append((cue, m))
    return found


def is_boilerplate_line(line: str) -> bool:
    """True when ``line`` is only page furniture of a government or news site, not text.

    Args:
        line: one line of text.

    Returns:
        True for lines like "下载 打印 全屏 收藏", "您现在的位置：首页 > …",
        "【关闭窗口】", "网站标识码…", "扫一扫在手机打开当前页"; False for an information
        bar that carries a date ("发布时间：2021-03-05 浏览次数：12").
    """
    stripped = line.strip()
    if not stripped:
        return False
    if any(cue.drops_line(m) for cue, m in web_chrome_cues(stripped)):
        return True
    return _only_tools(stripped)


def is_web_chrome(text: str) -> bool:
    """True when ``text`` (a line or a sentence) is page furniture or carries a chrome cue.

    Everything :func:`is_boilerplate_line` drops, plus lines where a cue stands inside
    ("发布时间：2021-03-05 浏览次数：12", "责任编辑：张三").
    """
    stripped = text.strip()
    if not stripped:
        return False
    return bool(web_chrome_cues(stripped)) or _only_tools(stripped)


def drop_boilerplate(lines: Iterable[str]) -> list[str]:
    """The lines that are not boilerplate (see :func:`is_boilerplate_line`)."""
    return [line for line in lines if not is_boilerplate_line(line)]
