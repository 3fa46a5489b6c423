"""Sentences that are not body text: reference lists, author bios, funding notes,
web-page chrome, captions, tables, English-only lines. They carry no mention.

Web-page chrome is recognised by :func:`policytext.clean.chrome.is_web_chrome`, the table the
HTML reader drops its furniture lines with; the cues of journal articles come from
:mod:`policytext.clean.cues`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policytext.clean.chrome import is_web_chrome
from policytext.clean.cues import ARTICLE_NOTES, BACK_MATTER_HEADINGS
from policytext.clean.headings import BODY_HEADING, MARKDOWN_HASHES
from policytext.clean.resources import HAN_RE
from policytext.clean.sentences import line_starts
from policytext.types import Sentence

# A heading after which everything is back matter until the next body heading.
_BACK_MATTER_START = re.compile(
    f"^\\s*{MARKDOWN_HASHES}(?:\\*\\*)?\\s*(?:{'|'.join(BACK_MATTER_HEADINGS)})\\s*(?:\\*\\*)?\\s*[:：]?\\s*$"
)
_LINE_BOILER = re.compile(
    r"^\s*(?:\[\d+\]|［\d+］|\d+\.\s*[A-Z][a-z]+,)"  # reference entries
    f"|{'|'.join(ARTICLE_NOTES)}"
    r"|^\s*(?:图|表|Fig\.?|Table)\s*\d+|<t[dr]|</t[dr]>|^\s*\|.*\|\s*$"
)


def is_boilerplate_text(text: str) -> bool:
    """Whether a line or a sentence is no body text by its own words: a reference entry, a note
    of a journal article, web-page chrome, a caption or a table row."""
    return bool(_LINE_BOILER.search(text)) or is_web_chrome(text)


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
                bool(BODY_HEADING.match(line)),
                is_boilerplate_text(line),
            )
            lines[line_start] = info
        back_start, body_heading, line_boiler = info
        if line_start == s.start and back_start:
            in_back = True
            out.add(s.index)
            continue
        if in_back and line_start == s.start and body_heading and not line_boiler:
            in_back = False
        if in_back or line_boiler or is_boilerplate_text(s.text):
            out.add(s.index)
            continue
        if not HAN_RE.search(s.text):
            out.add(s.index)
    return out
