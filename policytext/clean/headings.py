"""Heading and enumerator patterns of Chinese official and academic texts, in one place.

Headings are numbered ``一、`` / ``（一）`` / ``第X章`` / ``第X节`` / ``1.``; provisions of a
legal or official text are ``第X条``. The building blocks below are shared by every module that
recognises such lines; each consumer combines them for its own purpose:

* :data:`HEADING_LINE`: a sentence that opens with a heading number (a context feature of the
  classifier, ``extract.rules``);
* :data:`ARTICLE_LINE`: a provision ``第X条`` (article-structured texts, status of provisions);
* :data:`BODY_HEADING`: a body heading that ends a back-matter block (``extract.boilerplate``);
* :data:`HEADING_LEVELS` and :func:`heading_level`: the outline level of a heading line, for
  linking mechanisms to the agglomeration their heading names (``extract.pipeline``);
* :data:`CLEAN_HEADING_RE`: the looser test of the cleaner (``clean.normalize.reflow``) that keeps
  headings, bullets and article labels on their own line.
"""

from __future__ import annotations

import re

from policytext.clean.cues import ARTICLE_LABELS

#: Chinese numerals of heading numbers (一 … 十), with 百 for chapters, and 零/〇 for articles.
CN_DIGITS = "一二三四五六七八九十"
CN_NUMBER = CN_DIGITS + "百"
CN_NUMBER_ZERO = CN_NUMBER + "零〇"

#: Optional markdown hashes before a heading (texts converted from markdown or HTML).
MARKDOWN_HASHES = r"(?:#+\s*)?"
#: ``一、``
LIST_ITEM = f"[{CN_DIGITS}]+、"
#: ``（一）`` or ``(一)``
PAREN_ITEM = f"[（(][{CN_DIGITS}]+[)）]"
#: ``第X章``
CHAPTER = f"第[{CN_NUMBER}]+章"
#: ``第X节``
SECTION = f"第[{CN_NUMBER}]+节"
#: ``第X章`` or ``第X节``
CHAPTER_OR_SECTION = f"第[{CN_NUMBER}]+[章节]"
#: ``1.`` / ``1、`` / ``1．``
ARABIC_ITEM = r"\d{1,2}[.、．]"
#: ``第X条``
ARTICLE = f"第[{CN_NUMBER_ZERO}]+条"

#: A line that opens with a heading number: 一、 / （一） / 第X章 / 第X节 / 1.
HEADING_LINE = re.compile(
    f"^{MARKDOWN_HASHES}(?:{LIST_ITEM}|{PAREN_ITEM}|{CHAPTER_OR_SECTION}|{ARABIC_ITEM})"
)
#: An article of a legal or official text: 第X条.
ARTICLE_LINE = re.compile(f"^{ARTICLE}")
#: A top-level body heading (一、 / 第X章 / 第X节), indented or not: ends a back-matter block.
BODY_HEADING = re.compile(f"^\\s*{MARKDOWN_HASHES}(?:{LIST_ITEM}|{CHAPTER_OR_SECTION})")

#: Outline levels: 1 = 第X章 / 一、, 2 = 第X节 / （一）, 3 = 1. (not a decimal such as 1.5).
HEADING_LEVELS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(f"^{MARKDOWN_HASHES}{CHAPTER}"), 1),
    (re.compile(f"^{MARKDOWN_HASHES}{LIST_ITEM}"), 1),
    (re.compile(f"^{MARKDOWN_HASHES}{SECTION}"), 2),
    (re.compile(f"^{MARKDOWN_HASHES}{PAREN_ITEM}"), 2),
    (re.compile(f"^{MARKDOWN_HASHES}{ARABIC_ITEM}(?!\\d)"), 3),
)
#: A line longer than this is a sentence, not a heading (for :func:`heading_level`).
MAX_HEADING_CHARS = 60


def heading_level(line: str) -> int | None:
    """The outline level of a heading line (1 = 第X章 / 一、, 2 = 第X节 / （一）, 3 = 1.), or None.

    >>> heading_level("一、总体要求"), heading_level("（三）财政"), heading_level("1.5亿元")
    (1, 2, None)
    """
    if len(line) > MAX_HEADING_CHARS:
        return None
    for pattern, level in HEADING_LEVELS:
        if pattern.match(line):
            return level
    return None


#: The cleaner's heading test: numbered sections (一、 一. （一） 第X章/节/条/部分/篇/编 1.2.3),
#: markdown hashes, bullets, circled numbers and the labels of a journal article (摘要, 关键词 …).
CLEAN_HEADING_RE = re.compile(
    r"^\s*(?:"
    r"#{1,6}\s|"
    f"[{CN_NUMBER}]+[、.．]|"
    f"{PAREN_ITEM}|"
    f"第[{CN_NUMBER_ZERO}0-9]+[章节条部分篇编]|"
    r"\d{1,2}(?:\.\d{1,2}){0,3}[、.．\s]|"
    r"[●■◆▲□○◇•·\-*]\s*|"
    r"[①②③④⑤⑥⑦⑧⑨⑩]|"
    f"(?:{'|'.join(ARTICLE_LABELS)})\\b"
    r")",
    re.IGNORECASE,
)
