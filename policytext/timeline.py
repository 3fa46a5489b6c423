"""Mechanisms over time: counts per period, first mentions, stage and status paths.

Periods come from the document date: ``by="year"`` uses the year; ``by="month"`` uses
``YYYY-MM`` and leaves out documents dated to the year only. Undated documents are left
out of every timeline. A mention linked to several agglomerations counts for each of them;
a mention linked to none counts under agglomeration ``None``.

Timelines, first mentions and paths count *direct* links by default: a mention whose agglomeration
was found in its sentence, heading or paragraph (``link_basis``). A link made only because the
document as a whole is about the agglomeration (``link_basis = 'document'``) counts with
``include_document_links=True``; a ``basis`` filter selects exactly the bases given.

>>> from policytext import timeline
>>> timeline.timeline_counts("corpus.db", by="year", types=["生态补偿"], normalize=True)   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from policytext.query import _Borrowed, _frame
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters, direct_only, stages, statuses

#: Period granularities of the timelines.
PERIODS = reads.PERIODS

COUNT_COLUMNS = [
    "period",
    "agglomeration",
    "agglomeration_name",
    "type",
    "documents",
    "mentions",
    "period_documents",
]
NORMALIZED_COLUMNS = ["doc_share", "mentions_per_document"]
FIRST_COLUMNS = [
    "agglomeration",
    "agglomeration_name",
    "type",
    "period",
    "date",
    "doc_id",
    "document",
    "title",
    "page",
    "sentence_idx",
    "start",
    "end",
    "status",
    "stage",
    "link_basis",
    "text",
    "sentence",
    "mention_id",
]
PATH_COLUMNS = [
    "agglomeration",
    "agglomeration_name",
    "type",
    "stage_path",
    "status_path",
    "first_period",
    "last_period",
    "periods",
    "mentions",
    "documents",
]


@dataclass
class _PeriodMentions:
    """What every timeline reads: the selected mentions with their period (oldest first), the
    agglomerations' display names and, when asked for, the documents per period."""

    rows: list[dict[str, Any]]
    names: dict[str, str]
    period_documents: dict[str, int] = field(default_factory=dict)

    def name(self, agglomeration: str | None) -> str | None:
        """The display name of an agglomeration id (None for a mention linked to none)."""
        return self.names.get(agglomeration) if agglomeration else None


def _read(
    db: str | os.PathLike[str] | Store,
    *,
    by: str,
    include_document_links: bool,
    period_documents: bool = False,
    filters: dict[str, Any],
) -> _PeriodMentions:
    """One read of the store under the timeline filters (direct links only unless
    ``include_document_links``)."""
    with _Borrowed(db) as store:
        f = direct_only(Filters.make(store, **filters), include_document_links)
        rows = reads.period_mentions(store, f, by=by)
        per_period = reads.period_documents(store, f, by=by) if period_documents else {}
        names = reads.agglomeration_names(store)
    return _PeriodMentions(rows, names, per_period)


def timeline_counts(
    db: str | os.PathLike[str] | Store,
    *,
    by: str = "year",
    normalize: bool = False,
    include_document_links: bool = False,
    **filters: Any,
) -> pd.DataFrame:
    """Documents and mentions per period × agglomeration × mechanism type.

    Args:
        db: a store or its path.
        by: ``year`` or ``month``.
        normalize: add ``doc_share`` (documents with the type ÷ all documents of the period)
            and ``mentions_per_document`` (mentions ÷ all documents of the period).
        include_document_links: also count links made at document level (default: direct links only).
        filters: any of :data:`~policytext.store.filters.FILTER_FIELDS` by keyword (``types``,
            ``agglomerations``, ``since``, ``until``, ``status``, ``stage``, ``doc_type``, ``basis``);
            the document filters (dates, document type) also select the documents counted per period.

    Returns:
        Columns :data:`COUNT_COLUMNS` (+ :data:`NORMALIZED_COLUMNS`), sorted by period,
        agglomeration and type. ``period_documents`` counts every document of the period.
    """
    read = _read(
        db,
        by=by,
        include_document_links=include_document_links,
        filters=filters,
        period_documents=True,
    )
    per_period = read.period_documents
    docs: dict[tuple[str, str | None, str], set[str]] = {}
    ments: Counter[tuple[str, str | None, str]] = Counter()
    for r in read.rows:
        key = (r["period"], r["agglomeration"], r["type"])
        docs.setdefault(key, set()).add(r["doc_id"])
        ments[key] += 1
    out = []
    for key in sorted(docs, key=lambda k: (k[0], k[1] or "", k[2])):
        p, agg, t = key
        row: dict[str, Any] = {
            "period": p,
            "agglomeration": agg,
            "agglomeration_name": read.name(agg),
            "type": t,
            "documents": len(docs[key]),
            "mentions": ments[key],
            "period_documents": per_period.get(p, 0),
        }
        if normalize:
            n = per_period.get(p, 0)
            row["doc_share"] = round(len(docs[key]) / n, 6) if n else None
            row["mentions_per_document"] = round(ments[key] / n, 6) if n else None
        out.append(row)
    return _frame(out, COUNT_COLUMNS + (NORMALIZED_COLUMNS if normalize else []))


def first_mentions(
    db: str | os.PathLike[str] | Store,
    *,
    by: str = "year",
    include_document_links: bool = False,
    **filters: Any,
) -> pd.DataFrame:
    """The earliest mention of each mechanism type per agglomeration, with its provenance.

    Earliest = smallest document date, then document id, then offset. A date given only as a
    year sorts before the full dates of that year.

    Args:
        basis, include_document_links: as for :func:`timeline_counts` (default: direct links only).

    Returns:
        Columns :data:`FIRST_COLUMNS`, sorted by agglomeration, then date, then type.
    """
    read = _read(
        db,
        by=by,
        include_document_links=include_document_links,
        filters=filters,
    )
    first: dict[tuple[str | None, str], dict[str, Any]] = {}
    for r in read.rows:  # rows come oldest first
        first.setdefault((r["agglomeration"], r["type"]), r)
    out = []
    for (agg, _type), r in first.items():
        out.append({**r, "agglomeration_name": read.name(agg)})
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


def _steps(
    rows: list[dict[str, Any]], periods: list[str], column: str, values: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    """For each period, the most frequent known value of ``column`` among its rows (see :func:`_pick`)."""
    return [
        (p, _pick([r[column] for r in rows if r["period"] == p and r[column] in values], values))
        for p in periods
    ]


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


def stage_paths(
    db: str | os.PathLike[str] | Store,
    *,
    by: str = "year",
    include_document_links: bool = False,
    **filters: Any,
) -> pd.DataFrame:
    """The stage and status path of each (agglomeration, mechanism type) over time.

    For every period the most frequent stage (and status) of the mentions is taken (a tie goes
    to the later mention); the path lists the periods where it changes, e.g.
    ``explore 2016 → establish 2019 → improve 2022``.

    Returns:
        Columns :data:`PATH_COLUMNS`; ``periods`` lists the periods with a mention.
    """
    read = _read(
        db,
        by=by,
        include_document_links=include_document_links,
        filters=filters,
    )
    stage_values, status_values = stages(), statuses()
    groups: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
    for r in read.rows:
        groups.setdefault((r["agglomeration"], r["type"]), []).append(r)
    out = []
    for (agg, t), rs in sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        periods = sorted({r["period"] for r in rs})
        out.append(
            {
                "agglomeration": agg,
                "agglomeration_name": read.name(agg),
                "type": t,
                "stage_path": _path(_steps(rs, periods, "stage", stage_values)),
                "status_path": _path(_steps(rs, periods, "status", status_values)),
                "first_period": periods[0],
                "last_period": periods[-1],
                "periods": periods,
                "mentions": len({r["mention_id"] for r in rs}),
                "documents": len({r["doc_id"] for r in rs}),
            }
        )
    return _frame(out, PATH_COLUMNS)
