"""Who issued a document and under which number: the 文号 and the issuer.

The issuer comes, first match wins, from the signature block (organisations above the
closing date), the head of government who delivers a work report (上海市市长 → 上海市人民政府),
the title of a government work report, the legislature that adopted the text (…人民代表大会
常务委员会第X次会议通过), or a source line (来源：…).
"""

from __future__ import annotations

import re
from datetime import date

from policytext.clean.resources import HAN_BASIC
from policytext.ingest.metadata.dates import FULLWIDTH_DIGITS, standalone_date
from policytext.ingest.metadata.lines import HEAD_LINES, TAIL_LINES, TOP_LINES, Line, excerpt, text_lines

# Document numbers (文号)
RE_DOC_NUMBER = re.compile(
    rf"([{HAN_BASIC}]{{1,10}})\s*[〔\[［（(【]\s*((?:19|20)\d{{2}})\s*[〕\]］）)】]\s*"
    r"第?\s*(\d{1,4})\s*号"
)


# Issuers
ORG_SUFFIX = (
    r"(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|人大常委会|委员会|办公厅|办公室|"
    r"国务院|发展改革委|发改委|[部局厅委署院会府])"
)
RE_ORG_LINE = re.compile(rf"^[{HAN_BASIC}、（）()]{{2,40}}?" + ORG_SUFFIX + r"$")
RE_HEAD_OFFICIAL = re.compile(
    rf"^(国务院|[{HAN_BASIC}]{{2,10}}?(?:省|市|自治区)(?:人民政府)?)\s*"
    r"(?:省长|市长|总理|主席|区长)"
)
RE_TITLE_GOV = re.compile(rf"^(?:\d{{4}}年)?([{HAN_BASIC}]{{2,10}}?(?:省|市|自治区))(?:人民)?政府工作报告")
RE_LEGISLATURE = re.compile(
    rf"((?:(?:(?![在日年月于])[{HAN_BASIC}]){{2,8}}?(?:省|市|自治区))?(?:第[{HAN_BASIC}]{{1,4}}届)?"
    rf"(?:全国)?人民代表大会(?:常务委员会)?)第[{HAN_BASIC}]{{1,6}}次会议"
)
#: the term of a legislature (第十三届), dropped from the issuer's name
RE_TERM = re.compile(rf"第[{HAN_BASIC}]{{1,4}}届")
RE_SOURCE_LINE = re.compile(r"(?<!资料)(?<!数据)(?<!图片)(?<!图表)(?<!表格)(?:信息)?来源\s*[:：]\s*(.*)$")
RE_ADOPTION_WORDS = re.compile(r"通过|修订|修正|批准|公布")
RE_SOURCE_VALUE = re.compile(
    r"^[《〈]?([^\s《》〈〉()（）:：,，]{2,30}?)[》〉]?(?=\s|\d{4}|$|[()（）,，]|作者|责编|编辑|时间)"
)


def find_doc_number(text: str) -> tuple[str, int] | None:
    """The document's own number (文号), e.g. ``发改规划〔2019〕328号``.

    Only the opening and closing lines are searched: numbers cited in the body
    belong to other documents. Brackets are normalised to 〔〕.

    Args:
        text: clean document text.

    Returns:
        ``(number, line_number)`` or None.
    """
    lines = text_lines(text)
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


def adopting_legislature(line: str) -> re.Match[str] | None:
    """The legislature named in an adoption line (…人民代表大会常务委员会第X次会议通过), or None.

    Group 1 is the legislature. A line longer than 140 characters is body text, not an
    adoption line.
    """
    if len(line) > 140:
        return None
    m = RE_LEGISLATURE.search(line)
    return m if m and RE_ADOPTION_WORDS.search(line) else None


def find_issuer(lines: list[Line], title: str | None) -> tuple[str, str] | None:
    """The issuer and where it was found (see the module docstring), or None.

    Args:
        lines: the non-empty lines of the clean text.
        title: the title, if known.

    Returns:
        ``(issuer, source note)`` or None.
    """
    tail = lines[-8:] if len(lines) > 3 else []
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        if standalone_date(line, today=date.max) and i > 0:
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
            return org, f"text line {line.number}: {excerpt(line.text)}"
    if title:
        m = RE_TITLE_GOV.match(title)
        if m:
            return m.group(1) + "人民政府", f"title: {excerpt(title)}"
    for line in lines[:12]:
        m = adopting_legislature(line.text)
        if m:
            return RE_TERM.sub("", m.group(1)), f"text line {line.number}: {excerpt(line.text)}"
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
            return v.group(1), f"text line {line.number}: {excerpt(line.text)} (source line)"
    return None
