"""Page furniture of PDF pages: running headers and footers, and folios.

Running headers and footers are found by :func:`edge_rows` and compared across pages by their
:func:`signature`; folios by :func:`is_page_number`; both are used by :mod:`policytext.ingest.pdf`.

Web-page furniture ("下载 打印 全屏 收藏", "您现在的位置：首页 > …", "网站标识码" …) has its
home in :mod:`policytext.clean.chrome`, below the extractor that needs it too; its line test
and the table are re-exported here for the readers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from policytext.clean.chrome import WEB_CHROME, drop_boilerplate, is_boilerplate_line

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

#: The web-chrome table of :mod:`policytext.clean.chrome`, under the name the readers export.
BOILERPLATE_PATTERNS = WEB_CHROME


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
