"""The document type (``official``, ``plan``, ``article``, ``news``, ``other``) and the reason."""

from __future__ import annotations

import re

from policytext.clean.cues import ABSTRACT_LABELS, ENGLISH_ABSTRACT_LABEL, KEYWORD_LABELS, REFERENCE_HEADINGS
from policytext.clean.resources import HAN_BASIC
from policytext.ingest.metadata.issuer import adopting_legislature, find_doc_number
from policytext.ingest.metadata.lines import HEAD_LINES, TAIL_LINES, excerpt, plain, text_lines

RE_NEWS_STRONG = re.compile(
    rf"新闻联播|(?:新华社|中新社)[{HAN_BASIC}]{{0,8}}\d{{0,4}}年?\d{{1,2}}月\d{{1,2}}日电|本报讯"
)
#: an abstract label or a DOI line in the opening
RE_ARTICLE_HEAD = re.compile(
    rf"^\s*[\[［【]?\s*(?:{'|'.join(ABSTRACT_LABELS)})\s*[\]］】]?\s*[:：;；]?|^\s*doi\s*[:：]", re.IGNORECASE
)
#: a key-word label, an English abstract or a reference heading anywhere
RE_ARTICLE_ANY = re.compile(
    rf"^\s*(?:{'|'.join((*KEYWORD_LABELS, ENGLISH_ABSTRACT_LABEL, *REFERENCE_HEADINGS))})\s*[:：;；]?",
    re.IGNORECASE | re.MULTILINE,
)
RE_REPORT_TITLE = re.compile(r"政府工作报告")
RE_STUDY_WORDS = re.compile(r"分析|解读|研究|评述|综述|述评|探讨|思考|视角|启示|测度|评价")
RE_PLAN_TITLE = re.compile(
    r"(?:规划|纲要|方案|行动计划|实施计划)(?:[（(][^）)]{0,20}[）)])?$"
    r"|印发.{0,60}(?:规划|纲要|方案|行动计划).{0,20}的通知$"
)
RE_OFFICIAL_TITLE = re.compile(
    r"(?:通知|意见|办法|决定|条例|规定|法|批复|函|细则|公告|通告|命令|决议|"
    r"规则|章程|指引|准则|复函|报告)(?:[（(][^）)]{0,20}[）)])?$"
)
RE_NEWS_WEAK = re.compile(
    r"(?:信息)?来源\s*[:：]\s*[^\n]{0,20}(?:日报|晚报|早报|时报|商报|新闻|报社|报|网|"
    r"电视台|广播|客户端|新华社|通讯社)"
    rf"|(?:本报|新华社|中新社|央视)?记者\s*[{HAN_BASIC}]{{2,4}}|^\s*(?:主持人|嘉宾)\s*[:：]?\s*$"
    r"|责任编辑\s*[:：]",
    re.MULTILINE,
)


def classify_doc_type(text: str, title: str | None = None) -> tuple[str, str]:
    """The document type and the reason.

    Order: strong news marks (新闻联播, a 新华社…电 dateline, 本报讯) → ``news``;
    an abstract in the opening, or keywords/abstract/references headings, or a DOI →
    ``article``; the title: 政府工作报告 (not a study of one) → ``official``,
    规划/纲要/方案/行动计划 (or a notice that issues one) → ``plan``,
    通知/意见/办法/决定/条例/规定/法/批复/函… → ``official``; legislative
    adoption lines or a 文号 in the opening → ``official``; weak news marks (来源：…日报/网,
    记者, 主持人/嘉宾, 责任编辑) → ``news``; otherwise ``other``.

    Args:
        text: clean document text.
        title: the title, if known.

    Returns:
        ``(doc_type, reason)``.
    """
    lines = text_lines(text)
    opening = "\n".join(line.text for line in lines[:HEAD_LINES])
    head_title = title or ""
    m = RE_NEWS_STRONG.search(head_title + "\n" + "\n".join(line.text for line in lines[:8]))
    if m:
        return "news", f"news mark in the opening: {m.group(0)}"
    for line in lines[:HEAD_LINES]:
        if RE_ARTICLE_HEAD.match(plain(line.text)):
            return "article", f"text line {line.number}: {excerpt(line.text)} (abstract or DOI)"
    m = RE_ARTICLE_ANY.search("\n".join(plain(line.text) for line in lines))
    if m:
        return "article", f"article heading: {m.group(0).strip()}"
    if head_title:
        clean_title = head_title.strip("《》 ")
        if RE_REPORT_TITLE.search(clean_title) and not RE_STUDY_WORDS.search(clean_title):
            return "official", f"title: {excerpt(head_title)} (government work report)"
        if RE_PLAN_TITLE.search(clean_title):
            return "plan", f"title: {excerpt(head_title)} (plan)"
        if RE_OFFICIAL_TITLE.search(clean_title):
            return "official", f"title: {excerpt(head_title)} (official document)"
    for line in lines[:12]:
        if adopting_legislature(line.text):
            return "official", f"text line {line.number}: {excerpt(line.text)} (adopted by a legislature)"
    number = find_doc_number(text)
    if number:
        return "official", f"document number {number[0]}"
    m = RE_NEWS_WEAK.search(opening + "\n" + "\n".join(line.text for line in lines[-TAIL_LINES:]))
    if m:
        return "news", f"news mark: {excerpt(m.group(0))}"
    return "other", "no type mark found"
