"""Words that mark page furniture rather than body text, in one place.

Journal articles carry labels (摘要, 关键词), notes (作者简介, 基金项目, 收稿日期) and back
matter (参考文献, 致谢); web pages carry navigation and footer chrome (当前位置, 版权所有).
Every module that recognises such lines draws on these tuples. Each entry is a regular
expression fragment (most are literal words; ``摘\\s*要`` tolerates a space inside), so a
consumer joins the ones it needs with ``"|".join(...)`` inside a group.
"""

from __future__ import annotations

#: Labels that open a journal article's front matter or a block of it (``摘要：``, ``关键词：``).
ARTICLE_LABELS = (
    r"摘\s*要",
    "关键词",
    "关键字",
    "参考文献",
    "作者简介",
    "Abstract",
    r"Key\s*words",
    "Keywords",
)

#: Headings after which a journal article's back matter runs until the next body heading.
BACK_MATTER_HEADINGS = ("参考文献", "References", "REFERENCES", "注释", "附录", "作者简介", "致谢")

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

#: The "you are here" labels of a web page's navigation trail.
WEB_NAVIGATION = ("您现在的位置", "当前位置")

#: Web page chrome other than the navigation trail: print and share buttons, editors,
#: the site's footer (registration numbers, copyright, sponsor) and view counters.
WEB_CHROME = (
    r"下载\s*打印",
    r"打印\s*全屏",
    "分享到",
    "【?关闭窗口】?",
    "扫一扫",
    "字号[:：]",
    "责编[:：]",
    "责任编辑",
    "网站标识码",
    "ICP备",
    "版权所有",
    "主办单位",
    r"来源[:：]\s*$",
    "点击量",
    "浏览次数",
)
