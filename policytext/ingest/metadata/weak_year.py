"""The weak year guess: a year-only lower bound from what a text cites (rule 4 of the date).

The latest year written "YYYY年" in the opening span that is neither a target
("到2035年", "2030年前"), nor part of a range ("2021年—2035年": plans often
precede their period), nor an effective date ("自2016年1月1日起施行"), nor in
the future; the latest year of an author-year citation "(张三，2022)"; the year of
the latest datable event it names (党的二十大 → 2022, 二十届四中全会 → 2025,
"十四五"规划…纲要 → 2021); a year in the title. A text cannot cite what did
not yet exist, so the maximum is the best year guess; it is right on the
development data more often than giving nothing (see benchmarks/metadata_eval.py).
"""

from __future__ import annotations

import re
from datetime import date

from policytext.ingest.metadata.dates import FULLWIDTH_DIGITS
from policytext.ingest.metadata.issue_date import RANK_WEAK, DateCandidate
from policytext.ingest.metadata.lines import excerpt

WEAK_SPAN = (
    6000  # characters of the opening searched for the weak year guess (best of 1500/3000/6000/all on dev)
)
RE_YEAR_MENTION = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
RE_YEAR_TARGET_BEFORE = re.compile(r"(?:(?<!截)[到至]|预计|力争|目标|计划|展望|远景)\s*$")
RE_YEAR_RANGE_END = re.compile(r"\d{4}\s*年?\s*[—\-－–~～至到]\s*$")
RE_YEAR_TARGET_AFTER = re.compile(r"^\s*年\s*(?:前|以前|之前|远景|左右|目标|愿景|将|要)")
RE_YEAR_RANGE_START = re.compile(r"^\s*年?\s*[—\-－–~～至到]\s*(?:19|20)\d{2}")
RE_YEAR_EFFECTIVE_AFTER = re.compile(r"^\s*年[^，。,\n]{0,10}起\s*(?:施行|实施|执行|生效)")
RE_CITATION_YEAR = re.compile(r"[（(][^()（）\n]{1,40}?[，,、]\s*((?:19|20)\d{2})[a-z]?\s*[)）]")


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
        f"text: latest year the text refers to ({excerpt(why)}); a lower bound, year only",
    )
