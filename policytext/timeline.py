"""Mechanisms over time: counts per period, first mentions, stage and status paths.

Periods come from the document date: ``by="year"`` uses the year; ``by="month"`` uses
``YYYY-MM`` and leaves out documents dated to the year only. Undated documents are left
out of every timeline. A mention linked to several agglomerations counts for each of them;
a mention linked to none counts under agglomeration ``None``.

>>> from policytext import timeline
>>> timeline.timeline_counts("corpus.db", by="year", types=["生态补偿"], normalize=True)   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.query import STAGES, STATUSES, Filters, _Borrowed, _frame
from policytext.store.db import Store

PERIODS = ("year", "month")

COUNT_COLUMNS = ["period", "agglomeration", "agglomeration_name", "type", "documents", "mentions", "period_documents"]
NORMALIZED_COLUMNS = ["doc_share", "mentions_per_document"]
FIRST_COLUMNS = [
    "agglomeration", "agglomeration_name", "type", "period", "date", "doc_id", "document", "title", "page",
    "sentence_idx", "start", "end", "status", "stage", "text", "sentence", "mention_id",
]
PATH_COLUMNS = [
    "agglomeration", "agglomeration_name", "type", "stage_path", "status_path", "first_period", "last_period",
    "periods", "mentions", "documents",
]


def _period_sql(by: str, d: str = "d") -> tuple[str, str]:
    """(period expression, condition that the document has such a period)."""
    if by == "year":
        return f"CAST({d}.year AS TEXT)", f"{d}.year IS NOT NULL"
    if by == "month":
        return f"substr({d}.date, 1, 7)", f"length({d}.date) >= 7"
    raise UsageError(f"--by {by!r}: choose year or month")


def _filters(store: Store, types: Any, agglomerations: Any, since: Any, until: Any, doc_type: Any) -> Filters:
    return Filters.make(store, types=types, agglomerations=agglomerations, since=since, until=until,
                        doc_type=doc_type)


def _names(store: Store) -> dict[str, str]:
    return {r["agglomeration_id"]: r["name"] for r in store.rows(
        "SELECT agglomeration_id, MIN(name) AS name FROM document_agglomerations GROUP BY agglomeration_id")}


def _mention_rows(store: Store, f: Filters, by: str) -> list[dict[str, Any]]:
    """One row per (mechanism mention, linked agglomeration) in dated documents, oldest first."""
    period, has_period = _period_sql(by)
    where, params = f.mention_sql()
    agg_cond = ""
    if f.agglomerations:
        agg_cond = f" AND ma.agglomeration_id IN ({', '.join('?' for _ in f.agglomerations)})"
        params = params + list(f.agglomerations)
    return store.rows(
        f"""SELECT {period} AS period, ma.agglomeration_id AS agglomeration, m.type, m.mention_id, m.doc_id,
                   d.date, d.filename AS document, d.title, m.page, m.sentence_idx, m.start, m."end", m.status,
                   m.stage, m.text, s.text AS sentence
            FROM mentions m
            JOIN documents d ON d.doc_id = m.doc_id
            LEFT JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id
            LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.idx = m.sentence_idx
            WHERE m.kind = 'mechanism' AND m.deleted = 0 AND {has_period}
                  {''.join(' AND ' + w for w in where)}{agg_cond}
            ORDER BY d.date, m.doc_id, m.start, m.type, ma.agglomeration_id""",
        params,
    )


def timeline_counts(db: str | os.PathLike[str] | Store, *, by: str = "year", types: Any = None,
                    agglomerations: Any = None, since: Any = None, until: Any = None, doc_type: Any = None,
                    normalize: bool = False) -> pd.DataFrame:
    """Documents and mentions per period × agglomeration × mechanism type.

    Args:
        db: a store or its path.
        by: ``year`` or ``month``.
        types, agglomerations: ids or names (several allowed).
        since, until, doc_type: restrict the documents (also the ones counted per period).
        normalize: add ``doc_share`` (documents with the type ÷ all documents of the period)
            and ``mentions_per_document`` (mentions ÷ all documents of the period).

    Returns:
        Columns :data:`COUNT_COLUMNS` (+ :data:`NORMALIZED_COLUMNS`), sorted by period,
        agglomeration and type. ``period_documents`` counts every document of the period.
    """
    with _Borrowed(db) as store:
        f = _filters(store, types, agglomerations, since, until, doc_type)
        rows = _mention_rows(store, f, by)
        period, has_period = _period_sql(by)
        dwhere, dparams = f.document_sql()
        per_period = {r["period"]: r["n"] for r in store.rows(
            f"""SELECT {period} AS period, COUNT(*) AS n FROM documents d
                WHERE {has_period}{''.join(' AND ' + w for w in dwhere)} GROUP BY 1""", dparams)}
        names = _names(store)
    docs: dict[tuple[str, str | None, str], set[str]] = {}
    ments: Counter[tuple[str, str | None, str]] = Counter()
    for r in rows:
        key = (r["period"], r["agglomeration"], r["type"])
        docs.setdefault(key, set()).add(r["doc_id"])
        ments[key] += 1
    out = []
    for key in sorted(docs, key=lambda k: (k[0], k[1] or "", k[2])):
        p, agg, t = key
        row: dict[str, Any] = {
            "period": p, "agglomeration": agg, "agglomeration_name": names.get(agg) if agg else None, "type": t,
            "documents": len(docs[key]), "mentions": ments[key], "period_documents": per_period.get(p, 0),
        }
        if normalize:
            n = per_period.get(p, 0)
            row["doc_share"] = round(len(docs[key]) / n, 6) if n else None
            row["mentions_per_document"] = round(ments[key] / n, 6) if n else None
        out.append(row)
    return _frame(out, COUNT_COLUMNS + (NORMALIZED_COLUMNS if normalize else []))


def first_mentions(db: str | os.PathLike[str] | Store, *, by: str = "year", types: Any = None,
                   agglomerations: Any = None, since: Any = None, until: Any = None,
                   doc_type: Any = None) -> pd.DataFrame:
    """The earliest mention of each mechanism type per agglomeration, with its provenance.

    Earliest = smallest document date, then document id, then offset. A date given only as a
    year sorts before the full dates of that year.

    Returns:
        Columns :data:`FIRST_COLUMNS`, sorted by agglomeration, then date, then type.
    """
    with _Borrowed(db) as store:
        f = _filters(store, types, agglomerations, since, until, doc_type)
        rows = _mention_rows(store, f, by)
        names = _names(store)
    first: dict[tuple[str | None, str], dict[str, Any]] = {}
    for r in rows:  # rows come oldest first
        first.setdefault((r["agglomeration"], r["type"]), r)
    out = []
    for (agg, t), r in first.items():
        out.append({**r, "agglomeration_name": names.get(agg) if agg else None})
    out.sort(key=lambda r: (r["agglomeration"] or "", r["date"] or "", r["type"]))
    return _frame(out, FIRST_COLUMNS)


def _pick(values: list[str], order: tuple[str, ...]) -> str | None:
    """The most frequent value; a tie goes to the one seen last (the state the period ended in)."""
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    for v in reversed(values):
        if counts[v] == best:
            return v
    return None  # pragma: no cover


def _path(steps: list[tuple[str, str | None]]) -> str:
    """``explore 2016 → establish 2019``: a step is shown when the value changes."""
    shown: list[str] = []
    last: str | None = None
    for period, value in steps:
        if value is None or value == last:
            continue
        shown.append(f"{value} {period}")
        last = value
    return " → ".join(shown)


def stage_paths(db: str | os.PathLike[str] | Store, *, by: str = "year", types: Any = None,
                agglomerations: Any = None, since: Any = None, until: Any = None,
                doc_type: Any = None) -> pd.DataFrame:
    """The stage and status path of each (agglomeration, mechanism type) over time.

    For every period the most frequent stage (and status) of the mentions is taken (a tie goes
    to the later mention); the path lists the periods where it changes, e.g.
    ``explore 2016 → establish 2019 → improve 2022``.

    Returns:
        Columns :data:`PATH_COLUMNS`; ``periods`` lists the periods with a mention.
    """
    with _Borrowed(db) as store:
        f = _filters(store, types, agglomerations, since, until, doc_type)
        rows = _mention_rows(store, f, by)
        names = _names(store)
    groups: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["agglomeration"], r["type"]), []).append(r)
    out = []
    for (agg, t), rs in sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        periods = sorted({r["period"] for r in rs})
        stage_steps = [(p, _pick([r["stage"] for r in rs if r["period"] == p and r["stage"] in STAGES], STAGES))
                       for p in periods]
        status_steps = [(p, _pick([r["status"] for r in rs if r["period"] == p and r["status"] in STATUSES],
                                  STATUSES)) for p in periods]
        out.append({
            "agglomeration": agg, "agglomeration_name": names.get(agg) if agg else None, "type": t,
            "stage_path": _path(stage_steps), "status_path": _path(status_steps),
            "first_period": periods[0], "last_period": periods[-1], "periods": periods,
            "mentions": len({r["mention_id"] for r in rs}), "documents": len({r["doc_id"] for r in rs}),
        })
    return _frame(out, PATH_COLUMNS)
