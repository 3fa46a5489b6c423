"""Page furniture, in one place: what is printed on a page but is not the document's text.

* Web pages: the boilerplate of Chinese government and news sites ("下载 打印 全屏 收藏",
  "您现在的位置：首页 > …", "网站标识码" …), described once in :data:`BOILERPLATE_PATTERNS`
  from the cue words of :mod:`policytext.clean.cues` and exposed through
  :func:`is_boilerplate_line`, so that other stages reuse it.
* PDF pages: running headers and footers (:func:`edge_rows`, compared across pages by their
  :func:`signature`) and folios (:func:`is_page_number`), used by :mod:`policytext.ingest.pdf`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from policytext.clean.cues import SITE_FOOTER_LABELS, WEB_LOCATION_LABELS

if TYPE_CHECKING:
    from policytext.ingest.layout import Segment

__all__ = [
    "BOILERPLATE_PATTERNS",
    "PAGE_NUMBER_RE",
    "drop_boilerplate",
    "edge_rows",
    "is_boilerplate_line",
    "is_page_number",
    "signature",
]

# Boilerplate of Chinese government and news pages. A line is boilerplate when it
# matches one of these patterns (``search``), or when it is made only of the
# page-tool words in BOILERPLATE_TOKENS.
BOILERPLATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^(?:{'|'.join(WEB_LOCATION_LABELS)})\s*[:：]?"),
    re.compile(r"^首页\s*(?:[>＞»›]|$)"),
    re.compile(r"^分享(?:到)?\s*[:：]"),
    re.compile(
        r"^【?\s*(?:关闭窗口|关闭本页|打印本页|打印此页|打印|关闭|返回顶部|返回首页|返回|收藏本页|加入收藏)\s*】?$"
    ),
    re.compile(rf"^(?:{'|'.join(SITE_FOOTER_LABELS)})\s*[:：]"),
    re.compile(r"^(?:Copyright|版权所有|©)", re.IGNORECASE),
    re.compile(r"网站标识码|ICP备|ICP证|公网安备|网安备\s*\d"),
    re.compile(r"扫一扫在手机(?:上)?打开当前页|(?:微信|手机)扫一扫|扫描二维码|用手机扫描"),
    re.compile(
        r"^(?:上一篇|下一篇|上一条|下一条|相关链接|相关报道|相关新闻|相关文章|相关阅读|推荐阅读)\s*[:：]?"
    ),
    re.compile(r"^(?:阅读量|阅读次数|浏览次数|访问量|点击数|点击量|浏览量)\s*[:：]"),
    re.compile(r"^【?\s*(?:字号|字体)\s*[:：]"),
    re.compile(r"^(?:点赞|打赏|评论列表|暂无评论|发表评论|我要评论|我要纠错|纠错)(?:\s*\(\d+\))?"),
)
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


def is_boilerplate_line(line: str) -> bool:
    """True when ``line`` is page furniture of a government or news site, not text.

    Args:
        line: one line of text.

    Returns:
        True for lines like "下载 打印 全屏 收藏", "您现在的位置：首页 > …",
        "【关闭窗口】", "网站标识码…", "扫一扫在手机打开当前页".
    """
    stripped = line.strip()
    if not stripped:
        return False
    if any(p.search(stripped) for p in BOILERPLATE_PATTERNS):
        return True
    tokens = [t for t in RE_TOKEN_SPLIT.split(stripped) if t]
    return all(t in BOILERPLATE_TOKENS for t in tokens)


def drop_boilerplate(lines: Iterable[str]) -> list[str]:
    """The lines that are not boilerplate (see :func:`is_boilerplate_line`)."""
    return [line for line in lines if not is_boilerplate_line(line)]


# ---------------------------------------------------------------------------
# PDF pages: running headers, footers and folios
# ---------------------------------------------------------------------------

PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－·•~\s]*\d{1,4}[-—–－·•~\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[/,，]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|[-—–－·•~\s]*(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})[-—–－·•~\s]*)$",  # roman folios of front matter
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_SPACES_RE = re.compile(r"\s+")


def signature(text: str) -> str:
    """What stays the same in a running header across pages: no spaces, digits as ``#``."""
    return _DIGITS_RE.sub("#", _SPACES_RE.sub("", text))


def is_page_number(text: str) -> bool:
    """True for bare folios: ``3``, ``— 3 —``, ``- 3 -``, ``· 3 ·``, ``第3页``, ``3/12``, ``Page 3 of 12``."""
    return bool(PAGE_NUMBER_RE.match(text.strip()))


def edge_rows(rows: list[list[Segment]], height: float, *, depth: int = 2, zone: float = 0.15) -> list[int]:
    """Indexes of rows that may be headers or footers: the outer ``depth`` rows within the margin zone."""
    if not rows:
        return []
    picks: set[int] = set()
    for i in range(min(depth, len(rows))):
        if rows[i][0].top <= height * zone or all(s.bottom <= height * zone for s in rows[i]):
            picks.add(i)
        j = len(rows) - 1 - i
        if min(s.top for s in rows[j]) >= height * (1 - zone):
            picks.add(j)
    return sorted(picks)
