"""The title of a document: the first heading-like line of its opening that is not page furniture."""

from __future__ import annotations

import re
from datetime import date

from policytext.clean.chrome import is_boilerplate_line
from policytext.clean.cues import (
    ABSTRACT_LABELS,
    ENGLISH_ABSTRACT_LABEL,
    KEYWORD_LABELS,
    SHORT_ABSTRACT_LABEL,
    WEB_LOCATION_LABELS,
)
from policytext.clean.resources import HAN_BASIC
from policytext.ingest.metadata.dates import RE_STAMP_RESIDUE, dates_in
from policytext.ingest.metadata.issue_date import RE_JOURNAL_CITATION
from policytext.ingest.metadata.issuer import RE_DOC_NUMBER
from policytext.ingest.metadata.lines import RE_MD_HEADING, Line, plain, text_lines

#: the title search stops at an article label (摘要, 关键词 …) or the first body line
_STOP_LABELS = (*ABSTRACT_LABELS, SHORT_ABSTRACT_LABEL, ENGLISH_ABSTRACT_LABEL, *KEYWORD_LABELS)
RE_TITLE_STOP = re.compile(
    rf"^\s*[\[［【]?\s*(?:{'|'.join(_STOP_LABELS)})\b"
    r"|^\s*(?:各位代表|第一条|第一章|一、|引言|前言|正文)",
    re.IGNORECASE,
)
RE_TITLE_SKIP = re.compile(
    r"^\s*(?:doi|https?://|www\.)|^\s*(?:来源|信息来源|时间|日期|发布|作者|责任编辑|编辑|"
    r"字号|分享|阅读|点击|浏览|记者|通讯员|主持人|嘉宾|本报讯|收稿)",
    re.IGNORECASE,
)
RE_INLINE_LABEL = re.compile(r"(?:发布)?(?:时间|日期|来源|信息来源|作者)\s*[:：]")
RE_BOOK_TITLE_LINE = re.compile(r"^《([^《》]+)》$")
RE_HAN = re.compile(f"[{HAN_BASIC}]")
RE_BREADCRUMB_MARK = re.compile(r"^[>＞»›/]+$")
RE_BREADCRUMB_SPLIT = re.compile(r"\s*[>＞»›]\s*")
RE_LOCATION_PREFIX = re.compile(rf"^(?:{'|'.join(WEB_LOCATION_LABELS)})\s*[:：]?\s*")


def _breadcrumb_parts(lines: list[Line]) -> set[str]:
    parts: set[str] = set()
    for i, line in enumerate(lines):
        location = RE_LOCATION_PREFIX.match(line.text)
        if location:
            parts.update(p for p in RE_BREADCRUMB_SPLIT.split(line.text[location.end() :]) if p)
        if RE_BREADCRUMB_MARK.match(line.text):
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines):
                    parts.add(lines[j].text)
    return parts


def find_title(text: str) -> tuple[str, int] | None:
    """The title: the first heading-like line of the opening that is not page furniture.

    Markdown headings win over plain lines; boilerplate, breadcrumbs, labels
    (来源：, 时间：), DOI lines, dates and sentences are skipped; the search stops at
    the abstract, the first article or the first body paragraph. A line that is a
    whole book title (《…》) loses its brackets; a title glued to a label on the
    same line ("…研究时间: 2020-05-20") is cut before the label.

    Args:
        text: clean document text.

    Returns:
        ``(title, line_number)`` or None.
    """
    lines = text_lines(text)[:20]
    crumbs = _breadcrumb_parts(lines)
    plain_pick: tuple[str, int] | None = None
    for line in lines:
        raw = line.text
        candidate = plain(raw)
        if RE_TITLE_STOP.match(candidate):
            break
        if is_boilerplate_line(raw) or candidate in crumbs or RE_BREADCRUMB_MARK.match(candidate):
            continue
        if RE_TITLE_SKIP.match(candidate) or not RE_HAN.search(candidate):
            continue
        if RE_JOURNAL_CITATION.search(candidate) or RE_DOC_NUMBER.fullmatch(candidate):
            continue
        label = RE_INLINE_LABEL.search(candidate)
        if label and label.start() >= 4:
            candidate = candidate[: label.start()].strip()
        elif len(candidate) > 80 or (
            candidate.endswith(("。", "；", "，", "：", ":", ";")) and len(candidate) > 30
        ):
            break  # a body paragraph: the title, if any, came before it
        if (
            len(candidate) < 4
            or len(candidate) > 80
            or candidate.endswith(("。", "；", "，", "：", ":", ";"))
        ):
            continue
        if RE_JOURNAL_CITATION.search(candidate) or RE_DOC_NUMBER.fullmatch(candidate):
            continue
        dates = dates_in(candidate, today=date.max)
        if dates and len(RE_STAMP_RESIDUE.sub("", candidate)) <= (dates[0][2] - dates[0][1]) + 2:
            continue
        book = RE_BOOK_TITLE_LINE.match(candidate)
        if book:
            candidate = book.group(1).strip()
        if RE_MD_HEADING.match(raw):
            return candidate, line.number
        if plain_pick is None:
            plain_pick = (candidate, line.number)
            if not any(RE_MD_HEADING.match(other.text) for other in lines):
                return plain_pick
    return plain_pick
