"""The issue or publication date of a document: every candidate, and the one chosen.

The date is chosen by the first rule that fires:

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
4. **text, weak** (``"text"``, year only): a lower bound from what the text cites, see
   :mod:`policytext.ingest.metadata.weak_year`.

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
from datetime import date
from pathlib import PurePath
from typing import Any

from policytext.clean.resources import HAN_BASIC
from policytext.ingest.metadata.dates import (
    FULLWIDTH_DIGITS,
    RE_STAMP_RESIDUE,
    dates_in,
    format_date,
    parse_date,
    standalone_date,
)
from policytext.ingest.metadata.lines import HEAD_LINES, TAIL_LINES, TOP_LINES, Line, excerpt, text_lines

RE_LABEL = re.compile(
    r"(?<!收稿)(?<!修回)(?<!录用)(?<!接收)(?<!出生)(?<!截止)(?<!有效)(?<!会议)(?<!开始)(?<!结束)"
    r"(?<!报名)(?<!申报)(?<!办理)(?<!受理)(?<!营业)(?<!活动)(?<!实施)(?<!施行)(?<!生效)(?<!访问)"
    r"(?<!引用)(?<!检索)(?<!投稿)(?<!举办)(?<!举行)(?<!考试)"
    r"(?:发布|发表|发文|印发|成文|公开|公布|出版|刊发|刊登|上传|更新|网络首发|信息)?\s*(?:时间|日期)\s*[:：]\s*"
)
RE_SESSION_WORDS = re.compile(r"会议|大会|届|通过|修订|修正|公布|批准|印发|颁布")
RE_SESSION_LEAD = re.compile(r"^[\s—\-－–（(]*")
RE_DATELINE = re.compile(
    rf"(?:新华社|中新社|本报|人民网|新华网|央视网|中新网)[{HAN_BASIC}]{{0,8}}?"
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:电|讯)"
)
RE_JOURNAL_ISSUE = re.compile(
    rf"(?:《[^》]{{2,20}}》|[{HAN_BASIC}]{{2,12}})\s*[,，]?\s*((?:19|20)\d{{2}})\s*年\s*"
    r"(?:第\s*)?(\d{1,2})\s*期"
)
RE_JOURNAL_CITATION = re.compile(
    rf"[{HAN_BASIC}]{{2,12}}\s*[,，]\s*((?:19|20)\d{{2}})\s*[,，]\s*\d{{1,3}}\s*"
    r"[（(]\s*\d{1,2}\s*[)）]"
)
RE_REFERENCE_ENTRY = re.compile(r"^\s*[\[［【]\s*\d{1,3}\s*[\]］】]")
RE_FILENAME_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
RE_FILENAME_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)")
RE_FILENAME_Y = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


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


def _labelled(lines: list[Line], index: int, *, today: date) -> DateCandidate | None:
    line = lines[index]
    flat = line.text.translate(FULLWIDTH_DIGITS)
    for m in RE_LABEL.finditer(flat):
        value_text = flat[m.end() :]
        found = dates_in(value_text, today=today)
        where = line
        if not found and not value_text.strip() and index + 1 < len(lines):
            where = lines[index + 1]
            found = dates_in(where.text, today=today)
        if not found:
            year = re.match(r"\s*((?:19|20)\d{2})\s*年?(?!\d)", value_text)
            value = format_date(int(year.group(1)), today=today) if year else None
            if not value:
                continue
            found = [(value, 0, 0)]
        return DateCandidate(
            found[0][0],
            "text",
            RANK_LABEL,
            f"text line {where.number}: {excerpt(where.text)} (labelled date line)",
        )
    return None


def _session_date(line: Line, *, today: date) -> str | None:
    if len(line.text) > 140 or not RE_SESSION_WORDS.search(line.text):
        return None
    found = [d for d in dates_in(line.text, today=today) if d[0].count("-") == 2]
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


def _journal_year(lines: list[Line], *, today: date) -> DateCandidate | None:
    hits: list[tuple[str, Line]] = []
    for position, line in enumerate(lines):
        if RE_REFERENCE_ENTRY.match(line.text):
            continue
        if len(line.text) <= 60 or position < HEAD_LINES:
            for m in RE_JOURNAL_ISSUE.finditer(line.text.translate(FULLWIDTH_DIGITS)):
                value = format_date(int(m.group(1)), today=today)
                if value:
                    hits.append((value, line))
        if position < 6:
            for m in RE_JOURNAL_CITATION.finditer(line.text.translate(FULLWIDTH_DIGITS)):
                value = format_date(int(m.group(1)), today=today)
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
        f"text line {line.number}: {excerpt(line.text)} (journal issue: year only)",
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
    lines = text_lines(text)
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
        alone = standalone_date(line, today=today)
        if alone:
            value, has_time = alone
            rank = RANK_STAMP if has_time else RANK_STANDALONE
            kind = "date-time stamp" if has_time else "stand-alone date under the title"
            out.append(
                DateCandidate(value, "text", rank, f"text line {line.number}: {excerpt(line.text)} ({kind})")
            )
            break
    for line in reversed(lines[-8:] if len(lines) > 3 else []):
        alone = standalone_date(line, today=today)
        if alone:
            out.append(
                DateCandidate(
                    alone[0],
                    "text",
                    RANK_STANDALONE,
                    f"text line {line.number}: {excerpt(line.text)} (signature date)",
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
                f"text line {where.number}: {excerpt(where.text)} (session or adoption date)",
            )
        )
    # 5. a full date in the title
    if title:
        full = [d for d in dates_in(title[0], today=today) if d[0].count("-") == 2]
        if full:
            out.append(
                DateCandidate(
                    full[0][0],
                    "text",
                    RANK_TITLE_DATE,
                    f"text line {title[1]}: {excerpt(title[0])} (date in the title)",
                )
            )
    # 6. news dateline with a year
    for line in head:
        m = RE_DATELINE.search(line.text.translate(FULLWIDTH_DIGITS))
        if m:
            dateline = format_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
            if dateline:
                out.append(
                    DateCandidate(
                        dateline,
                        "text",
                        RANK_DATELINE,
                        f"text line {line.number}: {excerpt(line.text)} (news dateline)",
                    )
                )
                break
    # 7. journal issue line: year only
    journal = _journal_year(lines, today=today)
    if journal:
        out.append(journal)
    return sorted(out, key=lambda c: -c.rank)


def metadata_date(format_meta: dict[str, Any] | None, *, today: date) -> DateCandidate | None:
    """The publication date of the format metadata, else its creation or modification date."""
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
            value = format_date(*numbers, today=today)
            if value:
                return DateCandidate(value, "filename", RANK_FILENAME, f"file name {name}: {m.group(0)}")
    return None


def choose_date(candidates: list[DateCandidate]) -> DateCandidate | None:
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
