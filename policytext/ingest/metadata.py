"""Document metadata from the clean text: title, issue date, 文号, issuer, document type.

:func:`extract_metadata` reads the clean text (simplified Chinese, one paragraph
per line) plus whatever the reader found in the file format (PDF info, HTML meta
tags, docx core properties) and the file name. Every value it sets is explained
in ``Metadata.sources`` ("text line 3: 2019年2月19日 (signature date)").

The date is the *issue or publication* date, chosen by the first rule that fires:

1. **text, strong** (``date_source="text"``), strongest first: a labelled line
   (``发布时间：`` ``时间：`` ``日期：``, value on the same or the next line); a
   date-and-time stamp line near the top; a line that is only a date near the top
   ("（2019年2月18日）") or in the closing signature block ("二〇一九年二月十九日");
   the date of the session or vote in the opening lines ("——2008年3月5日在…会议上",
   legislative history "2018年10月26日 …会议…第二次修正": the latest one); a
   full date in the title ("《新闻联播》 (20221115)"); a news dateline with a
   year; a journal issue line ("区域经济评论 2021年第3期", "《经济研究参考》
   2020年04期", "生态学报,2017,37(12)") which gives the **year** only, since an
   issue number is not a month.
2. **format metadata** (``"metadata"``): publication, then creation date.
3. **file name** (``"filename"``): ``20221115``, ``2021-03-05``, ``201606``, ``2012``.
4. **text, weak** (``"text"``, year only): a lower bound from what the text cites:
   the latest year written "YYYY年" in the opening span that is neither a target
   ("到2035年", "2030年前"), nor part of a range ("2021年—2035年": plans often
   precede their period), nor an effective date ("自2016年1月1日起施行"), nor in
   the future; the latest year of an author-year citation "(张三，2022)"; the year of
   the latest datable event it names (党的二十大 → 2022, 二十届四中全会 → 2025,
   "十四五"规划…纲要 → 2021); a year in the title. A text cannot cite what did
   not yet exist, so the maximum is the best year guess; it is right on the
   development data more often than giving nothing (see benchmarks/metadata_eval.py).

Never used: the years a plan covers ("2016—2030年"), the year inside a document
number ("发改规划〔2019〕328号"), dates of events quoted in the body
("2019年，国家发展和改革委员会出台…"), effective dates ("自2013年1月1日起施行"),
received/revised dates of papers ("收稿日期").

When the chosen date is less precise than a later source that agrees with it
(a journal year 2017 and a file name 201706), the more precise value is kept and
``date_source`` names where it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from policytext.ingest.boilerplate import is_boilerplate_line
from policytext.types import Metadata

__all__ = [
    "DateCandidate",
    "classify_doc_type",
    "date_from_filename",
    "extract_metadata",
    "find_doc_number",
    "find_title",
    "parse_date",
    "text_date_candidates",
    "weak_year_guess",
]

# ---------------------------------------------------------------------------
# Resources: every compiled pattern and table of this module.
# ---------------------------------------------------------------------------

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

HEAD_LINES = 30  # non-empty lines searched for labelled dates and doc numbers
TOP_LINES = 15  # non-empty lines searched for stand-alone dates and session lines
TAIL_LINES = 10  # non-empty lines searched for the signature block
WEAK_SPAN = (
    6000  # characters of the opening searched for the weak year guess (best of 1500/3000/6000/all on dev)
)
EXCERPT = 40  # characters of evidence quoted in Metadata.sources

# Dates --------------------------------------------------------------------------
_Y = r"((?:19|20)\d{2})"
RE_DATE_YMD = re.compile(_Y + r"\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*日?")
RE_DATE_YM = re.compile(_Y + r"\s*(?:年\s*(\d{1,2})\s*月|[-/.](\d{1,2})(?![\d.\-/]))(?!\s*\d)")
RE_DATE_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
RE_DATE_CN = re.compile(
    r"([〇零○ＯO一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*([一二三四五六七八九十]{1,3})\s*[日号])?"
)
RE_DATE_ISO = re.compile(r"^\s*(?:D:)?((?:19|20)\d{2})-?(\d{2})?-?(\d{2})?")
RE_TIME = re.compile(r"\d{1,2}\s*[:：时]\s*\d{2}(?:\s*[:：分]\s*\d{2}\s*秒?)?\s*分?")
RE_WEEKDAY = re.compile(r"(?:星期|周)[一二三四五六日天]")
RE_STAMP_RESIDUE = re.compile(r"[\s()（）\[\]【】,，.。:：—\-·|]+")
RE_LABEL = re.compile(
    r"(?<!收稿)(?<!修回)(?<!录用)(?<!接收)(?<!出生)(?<!截止)(?<!有效)(?<!会议)(?<!开始)(?<!结束)"
    r"(?<!报名)(?<!申报)(?<!办理)(?<!受理)(?<!营业)(?<!活动)(?<!实施)(?<!施行)(?<!生效)(?<!访问)"
    r"(?<!引用)(?<!检索)(?<!投稿)(?<!举办)(?<!举行)(?<!考试)"
    r"(?:发布|发表|发文|印发|成文|公开|公布|出版|刊发|刊登|上传|更新|网络首发|信息)?\s*(?:时间|日期)\s*[:：]\s*"
)
RE_SESSION_WORDS = re.compile(r"会议|大会|届|通过|修订|修正|公布|批准|印发|颁布")
RE_SESSION_LEAD = re.compile(r"^[\s—\-－–（(]*")
RE_DATELINE = re.compile(
    r"(?:新华社|中新社|本报|人民网|新华网|央视网|中新网)[\u4e00-\u9fff]{0,8}?"
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:电|讯)"
)
RE_JOURNAL_ISSUE = re.compile(
    r"(?:《[^》]{2,20}》|[\u4e00-\u9fff]{2,12})\s*[,，]?\s*((?:19|20)\d{2})\s*年\s*"
    r"(?:第\s*)?(\d{1,2})\s*期"
)
RE_JOURNAL_CITATION = re.compile(
    r"[\u4e00-\u9fff]{2,12}\s*[,，]\s*((?:19|20)\d{2})\s*[,，]\s*\d{1,3}\s*"
    r"[（(]\s*\d{1,2}\s*[)）]"
)
RE_REFERENCE_ENTRY = re.compile(r"^\s*[\[［【]\s*\d{1,3}\s*[\]］】]")
RE_YEAR_MENTION = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
RE_YEAR_TARGET_BEFORE = re.compile(r"(?:(?<!截)[到至]|预计|力争|目标|计划|展望|远景)\s*$")
RE_YEAR_RANGE_END = re.compile(r"\d{4}\s*年?\s*[—\-－–~～至到]\s*$")
RE_YEAR_TARGET_AFTER = re.compile(r"^\s*年\s*(?:前|以前|之前|远景|左右|目标|愿景|将|要)")
RE_YEAR_RANGE_START = re.compile(r"^\s*年?\s*[—\-－–~～至到]\s*(?:19|20)\d{2}")
RE_YEAR_EFFECTIVE_AFTER = re.compile(r"^\s*年[^，。,\n]{0,10}起\s*(?:施行|实施|执行|生效)")
RE_CITATION_YEAR = re.compile(r"[（(][^()（）\n]{1,40}?[，,、]\s*((?:19|20)\d{2})[a-z]?\s*[)）]")
RE_FILENAME_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
RE_FILENAME_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)")
RE_FILENAME_Y = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

#: Datable events: a text that names one was written in or after that year.
_CN_ORD = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
PARTY_CONGRESS_YEARS = {"十六": 2002, "十七": 2007, "十八": 2012, "十九": 2017, "二十": 2022}
PLENUM_YEARS: dict[tuple[str, int], int] = {
    ("十七", 3): 2008,
    ("十七", 4): 2009,
    ("十七", 5): 2010,
    ("十七", 6): 2011,
    ("十七", 7): 2012,
    ("十八", 1): 2012,
    ("十八", 2): 2013,
    ("十八", 3): 2013,
    ("十八", 4): 2014,
    ("十八", 5): 2015,
    ("十八", 6): 2016,
    ("十八", 7): 2017,
    ("十九", 1): 2017,
    ("十九", 2): 2018,
    ("十九", 3): 2018,
    ("十九", 4): 2019,
    ("十九", 5): 2020,
    ("十九", 6): 2021,
    ("十九", 7): 2022,
    ("二十", 1): 2022,
    ("二十", 2): 2023,
    ("二十", 3): 2024,
    ("二十", 4): 2025,
}
FIVE_YEAR_OUTLINE_YEARS = {"十一": 2006, "十二": 2011, "十三": 2016, "十四": 2021, "十五": 2026}
RE_PARTY_CONGRESS = re.compile(r"(?:党的|中共)(十[六七八九]|二十)大")
RE_PLENUM = re.compile(r"(十[七八九]|二十)届([一二三四五六七])中全会")
RE_FIVE_YEAR_OUTLINE = re.compile(r"[“\"‘']?(十[一二三四五])五[”\"’']?\s*规划(?:和\s*2035\s*年远景目标)?纲要")

# Document numbers (文号) ----------------------------------------------------------
RE_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,10})\s*[〔\[［（(【]\s*((?:19|20)\d{2})\s*[〕\]］）)】]\s*"
    r"第?\s*(\d{1,4})\s*号"
)

# Titles -----------------------------------------------------------------------
RE_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
RE_TITLE_STOP = re.compile(
    r"^\s*[\[［【]?\s*(?:摘\s*要|内容提要|提\s*要|abstract|关\s*键\s*词|key\s*words?)\b"
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
RE_HAN = re.compile(r"[\u4e00-\u9fff]")
RE_BREADCRUMB_MARK = re.compile(r"^[>＞»›/]+$")
RE_BREADCRUMB_SPLIT = re.compile(r"\s*[>＞»›]\s*")
RE_LOCATION_PREFIX = re.compile(
    r"^(?:您现在的位置|您当前的位置|当前位置|所在位置|现在位置|您的位置)\s*[:：]?\s*"
)

# Document types --------------------------------------------------------------
RE_NEWS_STRONG = re.compile(
    r"新闻联播|(?:新华社|中新社)[\u4e00-\u9fff]{0,8}\d{0,4}年?\d{1,2}月\d{1,2}日电|本报讯"
)
RE_ARTICLE_HEAD = re.compile(
    r"^\s*[\[［【]?\s*(?:摘\s*要|内容提要)\s*[\]］】]?\s*[:：;；]?|^\s*doi\s*[:：]", re.IGNORECASE
)
RE_ARTICLE_ANY = re.compile(
    r"^\s*(?:关\s*键\s*词|关键字|key\s*words?|abstract|参考文献|references)\s*[:：;；]?",
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
    r"|(?:本报|新华社|中新社|央视)?记者\s*[\u4e00-\u9fff]{2,4}|^\s*(?:主持人|嘉宾)\s*[:：]?\s*$"
    r"|责任编辑\s*[:：]",
    re.MULTILINE,
)

# Issuers ----------------------------------------------------------------------
ORG_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|人大常委会|委员会|办公厅|办公室|"
    r"国务院|发展改革委|发改委|[部局厅委署院会府])"
)
RE_ORG_LINE = re.compile(r"^[\u4e00-\u9fff、（）()]{2,40}?" + ORG_SUFFIX + r"$")
RE_HEAD_OFFICIAL = re.compile(
    r"^(国务院|[\u4e00-\u9fff]{2,10}?(?:省|市|自治区)(?:人民政府)?)\s*"
    r"(?:省长|市长|总理|主席|区长)"
)
RE_TITLE_GOV = re.compile(r"^(?:\d{4}年)?([\u4e00-\u9fff]{2,10}?(?:省|市|自治区))(?:人民)?政府工作报告")
RE_LEGISLATURE = re.compile(
    r"((?:(?:(?![在日年月于])[\u4e00-\u9fff]){2,8}?(?:省|市|自治区))?(?:第[\u4e00-\u9fff]{1,4}届)?"
    r"(?:全国)?人民代表大会(?:常务委员会)?)第[\u4e00-\u9fff]{1,6}次会议"
)
RE_SOURCE_LINE = re.compile(r"(?<!资料)(?<!数据)(?<!图片)(?<!图表)(?<!表格)(?:信息)?来源\s*[:：]\s*(.*)$")
RE_ADOPTION_WORDS = re.compile(r"通过|修订|修正|批准|公布")
RE_SOURCE_VALUE = re.compile(
    r"^[《〈]?([^\s《》〈〉()（）:：,，]{2,30}?)[》〉]?(?=\s|\d{4}|$|[()（）,，]|作者|责编|编辑|时间)"
)


@dataclass(frozen=True)
class DateCandidate:
    """A date found somewhere, with how much it is trusted.

    Attributes:
        value: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
        source: ``text``, ``metadata`` or ``filename``.
        rank: strength of the rule that found it (higher wins).
        note: where it was found and why, for ``Metadata.sources``.
    """

    value: str
    source: str
    rank: int
    note: str

    @property
    def precision(self) -> int:
        """3 for a full date, 2 for year-month, 1 for a year."""
        return self.value.count("-") + 1


# Ranks of the text rules (strong ones >= RANK_STRONG).
RANK_LABEL = 100
RANK_STAMP = 90
RANK_STANDALONE = 80
RANK_SESSION = 75
RANK_TITLE_DATE = 70
RANK_DATELINE = 65
RANK_JOURNAL = 60
RANK_STRONG = 60
RANK_METADATA = 40
RANK_FILENAME = 30
RANK_WEAK = 10


# ---------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------


def _cn_number(chars: str) -> int | None:
    """Chinese numerals for a month or day (一 … 三十一) or a digit string (二〇一九)."""
    if not chars:
        return None
    if "十" not in chars:
        digits = [CN_DIGITS.get(c) for c in chars]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    tens, _, ones = chars.partition("十")
    t = CN_DIGITS.get(tens, -1) if tens else 1
    o = CN_DIGITS.get(ones, -1) if ones else 0
    if t < 0 or o < 0:
        return None
    return t * 10 + o


def _format(year: int, month: int | None = None, day: int | None = None, *, today: date) -> str | None:
    """``YYYY[-MM[-DD]]`` when the parts make a real date not after ``today``'s year."""
    if not 1949 <= year <= today.year:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if value > today:
        return None
    return value.isoformat()


def _dates_in(line: str, *, today: date, year_month: bool = True) -> list[tuple[str, int, int]]:
    """Every date written in ``line``: ``(value, start, end)`` in reading order, non-overlapping."""
    line = line.translate(FULLWIDTH_DIGITS)
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in RE_DATE_YMD.finditer(line):
        value = _format(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in RE_DATE_CN.finditer(line):
        year = _cn_number(m.group(1))
        month = _cn_number(m.group(2))
        day = _cn_number(m.group(3)) if m.group(3) else None
        if year is None or month is None:
            continue
        value = _format(year, month, day, today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in RE_DATE_COMPACT.finditer(line):
        value = _format(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    if year_month:
        for m in RE_DATE_YM.finditer(line):
            month_text = m.group(2) or m.group(3)
            value = _format(int(m.group(1)), int(month_text), today=today)
            if value and free(m.start(), m.end()):
                found.append((value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def _excerpt(line: str) -> str:
    line = line.strip()
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"


def _is_standalone(line: str, span: tuple[int, int]) -> tuple[bool, bool]:
    """Whether ``line`` is only a date (plus a time, weekday or source); and whether it has a time."""
    rest = line.translate(FULLWIDTH_DIGITS)
    rest = rest[: span[0]] + " " + rest[span[1] :]
    rest = re.sub(r"(?:信息)?来源\s*[:：].*$", "", rest)
    has_time = bool(RE_TIME.search(rest))
    rest = RE_TIME.sub(" ", rest)
    rest = RE_WEEKDAY.sub(" ", rest)
    return not RE_STAMP_RESIDUE.sub("", rest), has_time


def parse_date(value: Any, *, today: date | None = None) -> str | None:
    """Normalise a date from format metadata or a string to ``YYYY[-MM[-DD]]``.

    Accepts ``datetime``/``date`` objects, ISO strings ("2019-02-19T10:00:00+08:00"),
    PDF dates ("D:20190219103000+08'00'"), and Chinese dates ("2019年2月19日").

    Args:
        value: the raw value.
        today: the reference day (dates after it are rejected); defaults to today.

    Returns:
        the normalised date, or None when nothing valid is found.
    """
    today = today or date.today()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _format(value.year, value.month, value.day, today=today)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(FULLWIDTH_DIGITS)
    found = _dates_in(text, today=today)
    if found:
        return found[0][0]
    m = RE_DATE_ISO.match(text)
    if m:
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(2) and m.group(3) else None
        return _format(year, month, day, today=today)
    return None


# ---------------------------------------------------------------------------
# Lines of the text
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line number in the text
    text: str  # stripped


def _lines(text: str) -> list[_Line]:
    return [_Line(i + 1, raw.strip()) for i, raw in enumerate(text.split("\n")) if raw.strip()]


def _plain(line: str) -> str:
    """A line without Markdown heading marks and emphasis stars."""
    return RE_MD_HEADING.sub("", line).strip().strip("*").strip()


# ---------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------


def _breadcrumb_parts(lines: list[_Line]) -> set[str]:
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
    lines = _lines(text)[:20]
    crumbs = _breadcrumb_parts(lines)
    plain_pick: tuple[str, int] | None = None
    for line in lines:
        raw = line.text
        candidate = _plain(raw)
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
        dates = _dates_in(candidate, today=date.max)
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


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _labelled(lines: list[_Line], index: int, *, today: date) -> DateCandidate | None:
    line = lines[index]
    flat = line.text.translate(FULLWIDTH_DIGITS)
    for m in RE_LABEL.finditer(flat):
        value_text = flat[m.end() :]
        found = _dates_in(value_text, today=today)
        where = line
        if not found and not value_text.strip() and index + 1 < len(lines):
            where = lines[index + 1]
            found = _dates_in(where.text, today=today)
        if not found:
            year = re.match(r"\s*((?:19|20)\d{2})\s*年?(?!\d)", value_text)
            value = _format(int(year.group(1)), today=today) if year else None
            if not value:
                continue
            found = [(value, 0, 0)]
        return DateCandidate(
            found[0][0],
            "text",
            RANK_LABEL,
            f"text line {where.number}: {_excerpt(where.text)} (labelled date line)",
        )
    return None


def _standalone(line: _Line, *, today: date) -> tuple[str, bool] | None:
    found = _dates_in(line.text, today=today)
    if len(found) != 1 or len(line.text) > 50:
        return None
    value, start, end = found[0]
    alone, has_time = _is_standalone(line.text, (start, end))
    return (value, has_time) if alone else None


def _session_date(line: _Line, *, today: date) -> str | None:
    if len(line.text) > 140 or not RE_SESSION_WORDS.search(line.text):
        return None
    found = [d for d in _dates_in(line.text, today=today) if d[0].count("-") == 2]
    if not found:
        return None
    lead = RE_SESSION_LEAD.match(line.text)
    starts = lead.end() if lead else 0
    first, last = found[0], found[-1]
    if first[1] <= starts + 1:
        return first[0]
    if RE_STAMP_RESIDUE.sub("", line.text[last[2] :]) == "":
        return last[0]
    return None


def _journal_year(lines: list[_Line], *, today: date) -> DateCandidate | None:
    hits: list[tuple[str, _Line]] = []
    for position, line in enumerate(lines):
        if RE_REFERENCE_ENTRY.match(line.text):
            continue
        if len(line.text) <= 60 or position < HEAD_LINES:
            for m in RE_JOURNAL_ISSUE.finditer(line.text.translate(FULLWIDTH_DIGITS)):
                value = _format(int(m.group(1)), today=today)
                if value:
                    hits.append((value, line))
        if position < 6:
            for m in RE_JOURNAL_CITATION.finditer(line.text.translate(FULLWIDTH_DIGITS)):
                value = _format(int(m.group(1)), today=today)
                if value:
                    hits.append((value, line))
    if not hits:
        return None
    counts = Counter(value for value, _ in hits)
    best = max(counts, key=lambda v: (counts[v], -next(i for i, (x, _) in enumerate(hits) if x == v)))
    line = next(ln for value, ln in hits if value == best)
    return DateCandidate(
        best,
        "text",
        RANK_JOURNAL,
        f"text line {line.number}: {_excerpt(line.text)} (journal issue: year only)",
    )


def text_date_candidates(
    text: str, *, title: tuple[str, int] | None = None, today: date | None = None
) -> list[DateCandidate]:
    """The strong date evidence in ``text``, strongest first (see the module docstring).

    Args:
        text: clean document text.
        title: the title and its line number, when already known.
        today: the reference day; dates after it are ignored.

    Returns:
        candidates sorted by rank (highest first); empty when the text states no date.
    """
    today = today or date.today()
    lines = _lines(text)
    head = lines[:HEAD_LINES]
    tail = lines[-TAIL_LINES:] if len(lines) > HEAD_LINES else []
    out: list[DateCandidate] = []
    # 1. labelled lines
    for pool in (head, tail):
        for i in range(len(pool)):
            found = _labelled(pool, i, today=today)
            if found:
                out.append(found)
                break
    # 2-3. stand-alone dates at the top; signature dates at the end
    for line in lines[:TOP_LINES]:
        alone = _standalone(line, today=today)
        if alone:
            value, has_time = alone
            rank = RANK_STAMP if has_time else RANK_STANDALONE
            kind = "date-time stamp" if has_time else "stand-alone date under the title"
            out.append(
                DateCandidate(value, "text", rank, f"text line {line.number}: {_excerpt(line.text)} ({kind})")
            )
            break
    for line in reversed(lines[-8:] if len(lines) > 3 else []):
        alone = _standalone(line, today=today)
        if alone:
            out.append(
                DateCandidate(
                    alone[0],
                    "text",
                    RANK_STANDALONE,
                    f"text line {line.number}: {_excerpt(line.text)} (signature date)",
                )
            )
            break
    # 4. session / legislative history lines: the latest
    sessions = [(when, line) for line in lines[:12] if (when := _session_date(line, today=today))]
    if sessions:
        latest, where = max(sessions, key=lambda item: item[0])
        out.append(
            DateCandidate(
                latest,
                "text",
                RANK_SESSION,
                f"text line {where.number}: {_excerpt(where.text)} (session or adoption date)",
            )
        )
    # 5. a full date in the title
    if title:
        full = [d for d in _dates_in(title[0], today=today) if d[0].count("-") == 2]
        if full:
            out.append(
                DateCandidate(
                    full[0][0],
                    "text",
                    RANK_TITLE_DATE,
                    f"text line {title[1]}: {_excerpt(title[0])} (date in the title)",
                )
            )
    # 6. news dateline with a year
    for line in head:
        m = RE_DATELINE.search(line.text.translate(FULLWIDTH_DIGITS))
        if m:
            dateline = _format(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
            if dateline:
                out.append(
                    DateCandidate(
                        dateline,
                        "text",
                        RANK_DATELINE,
                        f"text line {line.number}: {_excerpt(line.text)} (news dateline)",
                    )
                )
                break
    # 7. journal issue line: year only
    journal = _journal_year(lines, today=today)
    if journal:
        out.append(journal)
    return sorted(out, key=lambda c: -c.rank)


def _event_years(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for m in RE_PARTY_CONGRESS.finditer(text):
        found.append((PARTY_CONGRESS_YEARS[m.group(1)], m.group(0)))
    for m in RE_PLENUM.finditer(text):
        year = PLENUM_YEARS.get((m.group(1), _CN_ORD[m.group(2)]))
        if year:
            found.append((year, m.group(0)))
    for m in RE_FIVE_YEAR_OUTLINE.finditer(text):
        found.append((FIVE_YEAR_OUTLINE_YEARS[m.group(1)], m.group(0)))
    return found


def weak_year_guess(
    text: str, *, title: str | None = None, today: date | None = None, span: int = WEAK_SPAN
) -> DateCandidate | None:
    """A year-only lower bound from what the text cites (rule 4 of the module docstring).

    Args:
        text: clean document text.
        title: the document title, if known (a year in it counts).
        today: the reference day; later years are ignored.
        span: how many opening characters are searched for "YYYY年" mentions and
            citations (datable events are searched everywhere).

    Returns:
        a candidate with ``rank=RANK_WEAK``, or None when the text names no year.
    """
    today = today or date.today()
    flat = text.translate(FULLWIDTH_DIGITS)
    opening = flat[:span]
    evidence: list[tuple[int, str]] = []
    for m in RE_YEAR_MENTION.finditer(opening):
        year = int(m.group(1))
        before = opening[max(0, m.start() - 4) : m.start()]
        after = opening[m.end() - 1 : m.end() + 4]
        if year > today.year or year < 1949:
            continue
        if RE_YEAR_TARGET_BEFORE.search(before) or RE_YEAR_RANGE_END.search(
            opening[max(0, m.start() - 8) : m.start()]
        ):
            continue
        rest = opening[m.end() - 1 : m.end() + 16]
        if (
            RE_YEAR_TARGET_AFTER.match(after)
            or RE_YEAR_EFFECTIVE_AFTER.match(rest)
            or RE_YEAR_RANGE_START.match(rest)
        ):
            continue
        evidence.append((year, m.group(0)))
    for m in RE_CITATION_YEAR.finditer(opening):
        year = int(m.group(1))
        if year <= today.year:
            evidence.append((year, m.group(0)))
    evidence.extend((y, s) for y, s in _event_years(flat) if y <= today.year)
    if title:
        for m in RE_YEAR_MENTION.finditer(title.translate(FULLWIDTH_DIGITS)):
            year = int(m.group(1))
            if year <= today.year and not RE_YEAR_TARGET_BEFORE.search(
                title[max(0, m.start() - 4) : m.start()]
            ):
                evidence.append((year, f"title {m.group(0)}"))
    if not evidence:
        return None
    year, why = max(evidence, key=lambda item: item[0])
    return DateCandidate(
        f"{year:04d}",
        "text",
        RANK_WEAK,
        f"text: latest year the text refers to ({_excerpt(why)}); a lower bound, year only",
    )


def _metadata_date(format_meta: dict[str, Any] | None, *, today: date) -> DateCandidate | None:
    if not format_meta:
        return None
    keys = {str(k).lstrip("/").lower(): v for k, v in format_meta.items()}
    for key in (
        "date",
        "pubdate",
        "published",
        "publication_date",
        "issued",
        "creationdate",
        "creation_date",
        "created",
        "moddate",
        "modified",
    ):
        if key in keys:
            value = parse_date(keys[key], today=today)
            if value:
                return DateCandidate(value, "metadata", RANK_METADATA, f"format metadata {key}: {keys[key]}")
    return None


def date_from_filename(path: str, *, today: date | None = None) -> DateCandidate | None:
    """The most precise date written in a file name (``xwlb-20221115`` → 2022-11-15,
    ``chinaxiv-201606.00174`` → 2016-06, ``gwr-national-2012`` → 2012).

    Args:
        path: the file path (only its name counts).
        today: the reference day.

    Returns:
        a candidate with ``source="filename"``, or None.
    """
    today = today or date.today()
    name = PurePath(path).name
    stem = PurePath(path).stem
    for pattern, parts in ((RE_FILENAME_YMD, 3), (RE_FILENAME_YM, 2), (RE_FILENAME_Y, 1)):
        for m in pattern.finditer(stem):
            numbers = [int(g) for g in m.groups()[:parts]]
            value = _format(*numbers, today=today)
            if value:
                return DateCandidate(value, "filename", RANK_FILENAME, f"file name {name}: {m.group(0)}")
    return None


def _choose_date(candidates: list[DateCandidate]) -> DateCandidate | None:
    """The best candidate, refined by a later, more precise one that agrees with it."""
    if not candidates:
        return None
    ordered = sorted(candidates, key=lambda c: -c.rank)
    best = ordered[0]
    if best.rank == RANK_WEAK:
        return best
    refined = best
    for other in ordered[1:]:
        if other.rank == RANK_WEAK:
            continue
        if other.precision > refined.precision and other.value.startswith(refined.value):
            refined = other
    if refined is best:
        return best
    return DateCandidate(
        refined.value, refined.source, best.rank, f"{best.note}; made precise by {refined.note}"
    )


# ---------------------------------------------------------------------------
# Document number, issuer, type
# ---------------------------------------------------------------------------


def find_doc_number(text: str) -> tuple[str, int] | None:
    """The document's own number (文号), e.g. ``发改规划〔2019〕328号``.

    Only the opening and closing lines are searched: numbers cited in the body
    belong to other documents. Brackets are normalised to 〔〕.

    Args:
        text: clean document text.

    Returns:
        ``(number, line_number)`` or None.
    """
    lines = _lines(text)
    pool = [ln for ln in lines[:HEAD_LINES] if len(ln.text) <= 80]
    if len(lines) > HEAD_LINES:
        pool += [ln for ln in lines[-TAIL_LINES:] if len(ln.text) <= 40]
    for line in pool:
        m = RE_DOC_NUMBER.search(line.text.translate(FULLWIDTH_DIGITS))
        if m:
            prefix = re.sub(r"^(?:关于|印发|转发|根据|按照|依据|见|《)", "", m.group(1))
            if prefix:
                return f"{prefix}〔{m.group(2)}〕{int(m.group(3))}号", line.number
    return None


def _find_issuer(lines: list[_Line], title: str | None) -> tuple[str, str] | None:
    tail = lines[-8:] if len(lines) > 3 else []
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        if _standalone(line, today=date.max) and i > 0:
            orgs: list[str] = []
            j = i - 1
            while j >= 0 and RE_ORG_LINE.match(tail[j].text) and len(orgs) < 4:
                orgs.insert(0, tail[j].text)
                j -= 1
            if orgs:
                return "、".join(orgs), f"text line {tail[i - 1].number}: signature block"
    for line in lines[:TOP_LINES]:
        m = RE_HEAD_OFFICIAL.match(line.text)
        if m:
            org = m.group(1)
            if org != "国务院" and not org.endswith("人民政府"):
                org += "人民政府"
            return org, f"text line {line.number}: {_excerpt(line.text)}"
    if title:
        m = RE_TITLE_GOV.match(title)
        if m:
            return m.group(1) + "人民政府", f"title: {_excerpt(title)}"
    for line in lines[:12]:
        m = RE_LEGISLATURE.search(line.text)
        if m and RE_ADOPTION_WORDS.search(line.text) and len(line.text) <= 140:
            return re.sub(
                r"第[\u4e00-\u9fff]{1,4}届", "", m.group(1)
            ), f"text line {line.number}: {_excerpt(line.text)}"
    pool = lines[:HEAD_LINES] + (lines[-TAIL_LINES:] if len(lines) > HEAD_LINES else [])
    for index, line in enumerate(pool):
        m = RE_SOURCE_LINE.search(line.text)
        if not m:
            continue
        value = m.group(1).strip()
        if not value and index + 1 < len(pool):
            value = pool[index + 1].text
        v = RE_SOURCE_VALUE.match(value.strip())
        if v:
            return v.group(1), f"text line {line.number}: {_excerpt(line.text)} (source line)"
    return None


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
    lines = _lines(text)
    opening = "\n".join(line.text for line in lines[:HEAD_LINES])
    head_title = title or ""
    m = RE_NEWS_STRONG.search(head_title + "\n" + "\n".join(line.text for line in lines[:8]))
    if m:
        return "news", f"news mark in the opening: {m.group(0)}"
    for line in lines[:HEAD_LINES]:
        if RE_ARTICLE_HEAD.match(_plain(line.text)):
            return "article", f"text line {line.number}: {_excerpt(line.text)} (abstract or DOI)"
    m = RE_ARTICLE_ANY.search("\n".join(_plain(line.text) for line in lines))
    if m:
        return "article", f"article heading: {m.group(0).strip()}"
    if head_title:
        clean_title = head_title.strip("《》 ")
        if RE_REPORT_TITLE.search(clean_title) and not RE_STUDY_WORDS.search(clean_title):
            return "official", f"title: {_excerpt(head_title)} (government work report)"
        if RE_PLAN_TITLE.search(clean_title):
            return "plan", f"title: {_excerpt(head_title)} (plan)"
        if RE_OFFICIAL_TITLE.search(clean_title):
            return "official", f"title: {_excerpt(head_title)} (official document)"
    for line in lines[:12]:
        if RE_LEGISLATURE.search(line.text) and RE_ADOPTION_WORDS.search(line.text) and len(line.text) <= 140:
            return "official", f"text line {line.number}: {_excerpt(line.text)} (adopted by a legislature)"
    number = find_doc_number(text)
    if number:
        return "official", f"document number {number[0]}"
    m = RE_NEWS_WEAK.search(opening + "\n" + "\n".join(line.text for line in lines[-TAIL_LINES:]))
    if m:
        return "news", f"news mark: {_excerpt(m.group(0))}"
    return "other", "no type mark found"


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def extract_metadata(
    text: str, *, path: str, format_meta: dict[str, Any] | None = None, today: date | None = None
) -> Metadata:
    """Title, issue date, 文号, issuer and type of a document, each with its source.

    Args:
        text: the clean document text (simplified Chinese, one paragraph per line).
        path: the input path (its file name is the last resort for the date).
        format_meta: metadata found by the reader (``ExtractedText.meta``): a
            ``title`` and dates under ``date``/``pubdate``/``created``/``CreationDate``….
        today: the reference day for "not in the future" checks; defaults to today.

    Returns:
        a :class:`~policytext.types.Metadata`; ``sources`` maps each field that was
        set to where it came from.
    """
    today = today or date.today()
    sources: dict[str, str] = {}
    lines = _lines(text)

    title_hit = find_title(text)
    title: str | None = None
    if title_hit:
        title = title_hit[0]
        sources["title"] = f"text line {title_hit[1]}"
    elif format_meta:
        meta_title = next(
            (
                str(v).strip()
                for k, v in format_meta.items()
                if str(k).lstrip("/").lower() == "title" and str(v).strip()
            ),
            None,
        )
        if meta_title:
            title = meta_title
            sources["title"] = "format metadata title"

    candidates = text_date_candidates(text, title=title_hit, today=today)
    for extra in (_metadata_date(format_meta, today=today), date_from_filename(path, today=today)):
        if extra:
            candidates.append(extra)
    if not candidates:
        weak = weak_year_guess(text, title=title, today=today)
        if weak:
            candidates.append(weak)
    chosen = _choose_date(candidates)
    if chosen:
        sources["date"] = chosen.note

    number = find_doc_number(text)
    if number:
        sources["doc_number"] = f"text line {number[1]}"

    issuer = _find_issuer(lines, title)
    if issuer:
        sources["issuer"] = issuer[1]

    doc_type, why = classify_doc_type(text, title)
    sources["doc_type"] = why

    return Metadata(
        title=title,
        date=chosen.value if chosen else None,
        date_source=chosen.source if chosen else None,
        doc_number=number[0] if number else None,
        issuer=issuer[0] if issuer else None,
        doc_type=doc_type,
        sources=sources,
    )
