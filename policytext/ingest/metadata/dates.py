"""Written dates: the shapes a Chinese text writes a date in, parsed to ``YYYY[-MM[-DD]]``.

``2019年2月19日``, ``2019-02-19``, ``2019/2/19``, ``20190219``, ``二〇一九年二月十九日``,
``2019年2月`` and format-metadata values (``datetime``, ISO strings, PDF ``D:2019…`` dates).
A value is kept only when it is a real day from 1949 up to the reference day.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from policytext.ingest.metadata.lines import Line

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
#: Chinese digits of years written in full (二〇一九) and of months and days (十二).
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

# Dates as they are written, from the most precise; a time or a weekday may follow a stamp.
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


def format_date(year: int, month: int | None = None, day: int | None = None, *, today: date) -> str | None:
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


def dates_in(line: str, *, today: date, year_month: bool = True) -> list[tuple[str, int, int]]:
    """Every date written in ``line``: ``(value, start, end)`` in reading order, non-overlapping."""
    line = line.translate(FULLWIDTH_DIGITS)
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in RE_DATE_YMD.finditer(line):
        value = format_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in RE_DATE_CN.finditer(line):
        year = _cn_number(m.group(1))
        month = _cn_number(m.group(2))
        day = _cn_number(m.group(3)) if m.group(3) else None
        if year is None or month is None:
            continue
        value = format_date(year, month, day, today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in RE_DATE_COMPACT.finditer(line):
        value = format_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), today=today)
        if value and free(m.start(), m.end()):
            found.append((value, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    if year_month:
        for m in RE_DATE_YM.finditer(line):
            month_text = m.group(2) or m.group(3)
            value = format_date(int(m.group(1)), int(month_text), today=today)
            if value and free(m.start(), m.end()):
                found.append((value, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def _is_standalone(line: str, span: tuple[int, int]) -> tuple[bool, bool]:
    """Whether ``line`` is only a date (plus a time, weekday or source); and whether it has a time."""
    rest = line.translate(FULLWIDTH_DIGITS)
    rest = rest[: span[0]] + " " + rest[span[1] :]
    rest = re.sub(r"(?:信息)?来源\s*[:：].*$", "", rest)
    has_time = bool(RE_TIME.search(rest))
    rest = RE_TIME.sub(" ", rest)
    rest = RE_WEEKDAY.sub(" ", rest)
    return not RE_STAMP_RESIDUE.sub("", rest), has_time


def standalone_date(line: Line, *, today: date) -> tuple[str, bool] | None:
    """The date of a line that is only a date (a stamp, a signature date), and whether it has a time."""
    found = dates_in(line.text, today=today)
    if len(found) != 1 or len(line.text) > 50:
        return None
    value, start, end = found[0]
    alone, has_time = _is_standalone(line.text, (start, end))
    return (value, has_time) if alone else None


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
        return format_date(value.year, value.month, value.day, today=today)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(FULLWIDTH_DIGITS)
    found = dates_in(text, today=today)
    if found:
        return found[0][0]
    m = RE_DATE_ISO.match(text)
    if m:
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(2) and m.group(3) else None
        return format_date(year, month, day, today=today)
    return None
