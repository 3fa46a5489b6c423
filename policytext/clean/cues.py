"""Words that mark page furniture rather than body text, in one place.

Journal articles carry labels (摘要, 关键词), notes (作者简介, 基金项目, 收稿日期) and back
matter (参考文献, 致谢); web pages carry navigation and footer labels (当前位置, 主办单位),
from which :mod:`policytext.clean.chrome` builds its one table of web-page chrome.
Every module that recognises such lines draws on these tuples. Each entry is a regular
expression fragment (most are literal words; ``摘\\s*要`` tolerates a space inside), so a
consumer joins the ones it needs with ``"|".join(...)`` inside a group.
"""

from __future__ import annotations

#: Labels that open the abstract of a Chinese journal article (``摘要：``, ``【内容提要】``).
ABSTRACT_LABELS = (r"摘\s*要", "内容提要")
#: 提要, short for 内容提要: a label only before a word boundary or a colon (提要求 is body text).
SHORT_ABSTRACT_LABEL = r"提\s*要"
#: The English abstract label.
ENGLISH_ABSTRACT_LABEL = "Abstract"
#: Labels of an article's key words (``关键词：``, letter-spaced ``关 键 词``, ``Key words:``).
KEYWORD_LABELS = (r"关\s*键\s*词", "关键字", r"Key\s*words?")
#: Headings of an article's reference list.
REFERENCE_HEADINGS = ("参考文献", "References", "REFERENCES")

#: Labels that open a journal article's front matter or a block of it (``摘要：``, ``关键词：``):
#: every label above, and the author note.
ARTICLE_LABELS = (
    *ABSTRACT_LABELS,
    SHORT_ABSTRACT_LABEL,
    ENGLISH_ABSTRACT_LABEL,
    *KEYWORD_LABELS,
    "参考文献",
    "作者简介",
)

#: Headings after which a journal article's back matter runs until the next body heading.
BACK_MATTER_HEADINGS = (*REFERENCE_HEADINGS, "注释", "附录", "作者简介", "致谢")

#: Notes of a journal article that are never body text: authors, funding, dates,
#: classification numbers, identifiers and the suggested citation.
ARTICLE_NOTES = (
    "作者简介",
    "通讯作者",
    "通信作者",
    "基金项目",
    "收稿日期",
    "修回日期",
    "录用日期",
    "DOI[:：]",
    "doi[:：]",
    "E-?mail",
    "中图分类号",
    "文献标识码",
    "文章编号",
    "引用格式",
    "本文引用",
)

#: The "you are here" labels that open a web page's navigation trail (at the start of a line).
WEB_LOCATION_LABELS = ("您现在的位置", "您当前的位置", "当前位置", "所在位置", "现在位置", "您的位置")
#: The location labels distinctive enough to mark a line wherever they stand before a colon
#: (所在位置 and the like also occur in body text, 当前位置 without a colon too).
WEB_LOCATION_MARKS = ("您现在的位置", "当前位置")

#: Labels that open a line of a government site's footer (``主办单位：…``); 版权所有 is the
#: copyright cue of :data:`policytext.clean.chrome.WEB_CHROME`, with or without a colon.
SITE_FOOTER_LABELS = (
    "主办单位",
    "承办单位",
    "主办",
    "承办",
    "协办单位",
    "技术支持",
    "运维单位",
    "运行维护",
    "网站维护",
    "联系我们",
    "网站地图",
    "建议使用",
)
