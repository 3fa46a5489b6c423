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

#: The "you are here" labels that open a web page's navigation trail (at the start of a line).
WEB_LOCATION_LABELS = ("您现在的位置", "您当前的位置", "当前位置", "所在位置", "现在位置", "您的位置")
#: The location labels distinctive enough to mark a line wherever they stand (所在位置 and
#: the like also occur in body text).
WEB_LOCATION_MARKS = ("您现在的位置", "当前位置")

#: Labels that open a line of a government site's footer (``主办单位：…``).
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
    "版权所有",
    "联系我们",
    "网站地图",
    "建议使用",
)

#: Web page chrome other than the location marks: print and share buttons, editors,
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
