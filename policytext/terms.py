"""Term-frequency tables over time, with the project's own tokenizer.

:func:`term_table` segments the body sentences (boilerplate left out) of every stored document
with the tokenizer of :func:`policytext.nlp.make_nlp` (jieba with the gazetteer's and the
taxonomy's words, so 长三角 and 生态补偿 stay one term) and counts terms per period and,
optionally, per document type or primary agglomeration.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.export import document_table, selected_documents
from policytext.query import _Borrowed
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters

GROUPS = ("none", "doc_type", "agglomeration")
TERM_COLUMNS = ["period", "group", "term", "count", "documents", "per_10k", "period_tokens"]
_CJK_RE = re.compile(r"^[\u3400-\u9fff]+$")


def _period(year: Any, width: int) -> str:
    if year is None or year != year:
        return "undated"
    y = int(year)
    if width == 1:
        return str(y)
    start = y - y % width
    return f"{start}-{start + width - 1}"


def term_table(
    db: str | os.PathLike[str] | Store,
    *,
    period: int = 1,
    group: str = "none",
    top: int = 30,
    min_len: int = 2,
    terms: list[str] | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """The most frequent terms of each period (and group).

    Args:
        db: the store.
        period: years per period.
        group: ``none``, ``doc_type`` or ``agglomeration`` (the document's primary agglomeration).
        top: terms kept per period and group (by count; ties by term).
        min_len: shortest term counted (Chinese characters only).
        terms: count only these terms (all of them kept, zero counts included).
        filters: count in the documents these select (:func:`policytext.export.selected_documents`;
            default: all).

    Returns:
        Columns :data:`TERM_COLUMNS`: ``count`` (occurrences), ``documents`` (documents using the
        term), ``per_10k`` (occurrences per 10,000 counted tokens of the period and group).
    """
    if group not in GROUPS:
        raise UsageError(f"--by {group!r}: choose {', '.join(GROUPS)}")
    if period < 1 or top < 1:
        raise UsageError("--period and --top: give 1 or more")
    from policytext.nlp import make_nlp

    seg: Any = make_nlp(with_components=False).tokenizer  # the JiebaTokenizer (segment)
    with _Borrowed(db) as store:
        docs = document_table(store)
        if filters is not None:
            selected = {d["doc_id"] for d in selected_documents(store, filters)}
            docs = docs[docs["doc_id"].isin(selected)]
        sents = reads.sentences(store)
    key_of: dict[str, tuple[str, str]] = {}
    for r in docs.to_dict("records"):
        g = "all"
        if group == "doc_type":
            g = str(r["doc_type"] or "other")
        elif group == "agglomeration":
            g = str(r["primary_agglomeration"] or "none")
        key_of[r["doc_id"]] = (_period(r["year"], period), g)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    docs_with: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    tokens: Counter[tuple[str, str]] = Counter()
    wanted = set(terms or [])
    for s in sents:
        if s["boilerplate"] or s["doc_id"] not in key_of:
            continue
        key = key_of[s["doc_id"]]
        for w in seg.segment(s["text"]):
            if len(w) < min_len or not _CJK_RE.match(w):
                continue
            tokens[key] += 1
            if wanted and w not in wanted:
                continue
            counts[key][w] += 1
            docs_with[key][w].add(s["doc_id"])
    rows = []
    for key in sorted(tokens):
        c = counts[key]
        chosen = (
            sorted(wanted) if wanted else [w for w, _ in sorted(c.items(), key=lambda x: (-x[1], x[0]))[:top]]
        )
        for w in chosen:
            rows.append(
                {
                    "period": key[0],
                    "group": key[1],
                    "term": w,
                    "count": c.get(w, 0),
                    "documents": len(docs_with[key].get(w, ())),
                    "per_10k": round(c.get(w, 0) * 10000 / tokens[key], 3),
                    "period_tokens": tokens[key],
                }
            )
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


__all__ = ["GROUPS", "TERM_COLUMNS", "term_table"]
