"""The codebook written beside every exported dataset, and the labels the exports share.

One home for the human-readable names of coded values: mechanism types (from the taxonomy),
statuses, stages, domains, document types and date precision, in Chinese and English. The
Excel sheet of type names, the Stata value labels, the Datasette label tables and the codebook
itself all read them from here.

>>> STATUS_LABELS["established"]
('已建立', 'established')
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from policytext.store.filters import DOC_TYPES, STATUSES, default_taxonomy, stages

#: status id -> (Chinese, English)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "proposed": ("提出/部署", "proposed (called for, not yet in place)"),
    "established": ("已建立", "established"),
    "lacking": ("缺乏/不足", "lacking (named as missing or weak)"),
}
#: stage id -> (Chinese, English)
STAGE_LABELS: dict[str, tuple[str, str]] = {
    "explore": ("探索", "explore"),
    "establish": ("建立", "establish"),
    "improve": ("健全完善", "improve"),
    "implement": ("落实实施", "implement"),
}
#: domain id -> (Chinese, English)
DOMAIN_LABELS: dict[str, tuple[str, str]] = {
    "infrastructure": ("基础设施", "infrastructure"),
    "transport": ("交通", "transport"),
    "industry": ("产业", "industry"),
    "innovation": ("科技创新", "innovation"),
    "public_services": ("公共服务", "public services"),
    "ecology": ("生态环境", "ecology"),
    "factor_market": ("要素市场", "factor markets"),
    "social_security": ("社会保障", "social security"),
    "finance_tax": ("财税金融", "finance and tax"),
}
#: document type id -> (Chinese, English)
DOC_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "official": ("公文", "official document"),
    "plan": ("规划", "plan"),
    "article": ("文章", "article"),
    "news": ("新闻", "news"),
    "other": ("其他", "other"),
}
#: date_precision value -> (Chinese, English)
PRECISION_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年", "year known only"),
    "month": ("月", "year and month known"),
    "day": ("日", "full date known"),
}
#: mention kind -> (Chinese, English)
KIND_LABELS: dict[str, tuple[str, str]] = {
    "mechanism": ("一体化机制", "integration mechanism"),
    "measure": ("具体措施", "concrete measure"),
    "agglomeration": ("城市群/都市圈", "urban agglomeration or metropolitan area"),
}

#: Meaning of each exported column (Chinese, English).
COLUMNS: dict[str, tuple[str, str]] = {
    "doc_id": ("文件编号（原文件字节的 sha256）", "document id (sha256 of the file bytes)"),
    "document": ("文件名", "file name"),
    "path": ("文件路径", "file path at ingest"),
    "title": ("标题", "title"),
    "date": ("发布日期（原样，可为年、年月或年月日）", "date as found (year, year-month or full date)"),
    "date_start": ("日期所指时段的第一天", "first day of the period the date names"),
    "date_precision": ("日期精度：year / month / day", "date precision: year, month or day"),
    "year": ("年份", "year"),
    "date_source": ("日期来源", "where the date was found"),
    "doc_type": ("文件类型", "document type"),
    "doc_number": ("发文字号", "document number (文号)"),
    "issuer": ("发文机关", "issuing body"),
    "primary_agglomeration": ("主要城市群", "main agglomeration of the document"),
    "agglomerations": ("涉及的城市群", "agglomerations named or linked"),
    "n_pages": ("页数", "pages"),
    "n_chars": ("字数", "characters of clean text"),
    "n_sentences": ("句数", "sentences"),
    "n_mechanisms": ("机制提及数", "mechanism mentions"),
    "format": ("原文件格式", "source file format"),
    "mention_id": ("提及编号", "mention id"),
    "page": ("页码", "page"),
    "sentence_idx": ("句序号（从0起）", "sentence index (from 0)"),
    "start": ("起始字符位置", "start character offset"),
    "end": ("结束字符位置", "end character offset"),
    "kind": ("提及种类", "mention kind"),
    "type": ("类型", "type (mechanism type id, agglomeration id, or measure)"),
    "text": ("文本", "text"),
    "status": ("机制状态", "mechanism status"),
    "stage": ("机制阶段", "mechanism stage"),
    "domains": ("领域", "policy domains"),
    "link_basis": ("城市群关联依据", "how the linked agglomeration was found"),
    "score": ("置信度", "score"),
    "source": ("来源（规则、模型或人工）", "source (rule, model or hand)"),
    "sentence": ("所在句子", "the sentence"),
    "boilerplate": ("是否模板文字（页眉、导航等）", "boilerplate (headers, navigation)"),
    "labels": ("句中机制类型", "mechanism types of the sentence"),
    "spans": ("片段（句内位置）", "spans, offsets within the sentence"),
    "attributes": ("各类型的属性", "attributes per type"),
    "annotated": ("是否经人工校正", "corrected by hand"),
    "taxonomy_version": ("类型体系版本", "taxonomy version"),
    "gazetteer_version": ("城市群名录版本", "gazetteer version"),
    "model_version": ("模型版本", "model version"),
    "policytext_version": ("policytext 版本", "policytext version"),
}

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def type_labels() -> dict[str, tuple[str, str]]:
    """Mechanism type id -> (Chinese, English), in taxonomy order."""
    return {t.id: (t.zh, t.en) for t in default_taxonomy().types}


def type_table() -> pd.DataFrame:
    """One row per mechanism type: id, Chinese and English names, family, definition, cue words."""
    rows = [
        {
            "id": t.id,
            "中文名称": t.zh,
            "name": t.en,
            "family": t.family,
            "definition": t.definition,
            "cue_words": "、".join(t.words[:12]),
        }
        for t in default_taxonomy().types
    ]
    return pd.DataFrame(rows, columns=["id", "中文名称", "name", "family", "definition", "cue_words"])


def date_parts(value: Any) -> tuple[pd.Timestamp | None, str | None]:
    """The first day of the period a stored date names, and its precision.

    >>> date_parts("2019-05")
    (Timestamp('2019-05-01 00:00:00'), 'month')
    >>> date_parts(None)
    (None, None)
    """
    if not isinstance(value, str):
        return None, None
    m = _DATE_RE.match(value.strip())
    if not m:
        return None, None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        ts = pd.Timestamp(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, None
    return ts, "day" if day else "month" if month else "year"


def with_typed_dates(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``date_start`` (datetime64, the first day of the period) and ``date_precision``
    (``year | month | day``) inserted after ``date``; unchanged when it has no ``date`` column."""
    if "date" not in df.columns:
        return df
    parts = [date_parts(v) for v in df["date"].tolist()]
    out = df.copy()
    at = list(out.columns).index("date") + 1
    out.insert(at, "date_start", pd.to_datetime(pd.Series([p[0] for p in parts], dtype="object")))
    out.insert(at + 1, "date_precision", pd.Series([p[1] for p in parts], dtype="object"))
    return out


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    esc = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def codebook_markdown(tables: dict[str, list[str]]) -> str:
    """The codebook (Markdown, Chinese and English) of the exported ``tables`` (name -> columns)."""
    tx = default_taxonomy()
    out = [
        "# policytext codebook / 编码手册\n",
        f"Taxonomy / 类型体系: {tx.name} {tx.version}\n",
        "Dates / 日期: `date` is kept as found; `date_start` is the first day of the period it names "
        "and `date_precision` says whether the year, the month or the day is known "
        "(`date` 原样保留；`date_start` 为所指时段的第一天；`date_precision` 表示精确到年、月或日).\n",
        "Text cells that begin with `=`, `+`, `-` or `@` (also after spaces) are prefixed with `'` "
        "in CSV and Excel so that a spreadsheet shows them as text and never evaluates them "
        "(以 `= + - @` 开头的文本单元格前加 `'`，电子表格不会把它们当作公式).\n",
    ]
    for name, cols in tables.items():
        out.append(f"\n## {name}\n")
        out.append(_md_table(["column", "中文", "meaning"], [[c, *COLUMNS.get(c, ("", ""))] for c in cols]))
    out.append("\n## Mechanism types / 机制类型\n")
    out.append(
        _md_table(
            ["id", "中文", "English", "family", "definition", "cue words / 线索词"],
            [[t.id, t.zh, t.en, t.family, t.definition, "、".join(t.words[:12])] for t in tx.types],
        )
    )
    for title, labels, order in (
        ("Status / 机制状态", STATUS_LABELS, STATUSES),
        ("Stage / 机制阶段", STAGE_LABELS, stages()),
        ("Domains / 领域", DOMAIN_LABELS, tuple(tx.domains)),
        ("Document types / 文件类型", DOC_TYPE_LABELS, DOC_TYPES),
        ("Mention kinds / 提及种类", KIND_LABELS, tuple(KIND_LABELS)),
        ("Date precision / 日期精度", PRECISION_LABELS, tuple(PRECISION_LABELS)),
    ):
        out.append(f"\n## {title}\n")
        out.append(_md_table(["value", "中文", "English"], [[v, *labels.get(v, (v, v))] for v in order]))
    return "".join(out)


__all__ = [
    "COLUMNS",
    "DOC_TYPE_LABELS",
    "DOMAIN_LABELS",
    "KIND_LABELS",
    "PRECISION_LABELS",
    "STAGE_LABELS",
    "STATUS_LABELS",
    "codebook_markdown",
    "date_parts",
    "type_labels",
    "type_table",
    "with_typed_dates",
]
