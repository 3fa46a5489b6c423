"""The text as the metadata rules read it: numbered non-empty lines and the windows searched.

Every rule looks at the opening (:data:`HEAD_LINES`, :data:`TOP_LINES`) or the closing
(:data:`TAIL_LINES`) lines of the clean text, and quotes at most :data:`EXCERPT` characters of
the line it relied on in ``Metadata.sources``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD_LINES = 30  # non-empty lines searched for labelled dates and doc numbers
TOP_LINES = 15  # non-empty lines searched for stand-alone dates and session lines
TAIL_LINES = 10  # non-empty lines searched for the signature block
EXCERPT = 40  # characters of evidence quoted in Metadata.sources

RE_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


@dataclass(frozen=True)
class Line:
    """One non-empty line of the text."""

    number: int  # 1-based line number in the text
    text: str  # stripped


def text_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, stripped, with their 1-based line numbers."""
    return [Line(i + 1, raw.strip()) for i, raw in enumerate(text.split("\n")) if raw.strip()]


def plain(line: str) -> str:
    """A line without Markdown heading marks and emphasis stars."""
    return RE_MD_HEADING.sub("", line).strip().strip("*").strip()


def excerpt(line: str) -> str:
    """``line`` cut to :data:`EXCERPT` characters, for ``Metadata.sources``."""
    line = line.strip()
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"
