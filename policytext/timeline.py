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


def _filters(store: Store, include_document_links: bool, filters: dict[str, Any]) -> Filters:
    """The timeline filters (direct links only unless ``include_document_links``)."""
    return direct_only(Filters.make(store, **filters), include_document_links)


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
    with _Borrowed(db) as store:
        f = _filters(store, include_document_links, filters)
        counted = reads.period_counts(store, f, by=by)  # GROUP BY in SQL
        per_period = reads.period_documents(store, f, by=by)
        names = reads.agglomeration_names(store)
    out = []
    for r in counted:
        p, agg = r["period"], r["agglomeration"]
        row: dict[str, Any] = {
            "period": p,
            "agglomeration": agg,
            "agglomeration_name": names.get(agg) if agg else None,
            "type": r["type"],
            "documents": r["documents"],
            "mentions": r["mentions"],
            "period_documents": per_period.get(p, 0),
        }
        if normalize:
            n = per_period.get(p, 0)
            row["doc_share"] = round(r["documents"] / n, 6) if n else None
            row["mentions_per_document"] = round(r["mentions"] / n, 6) if n else None
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
    with _Borrowed(db) as store:
        f = _filters(store, include_document_links, filters)
        firsts = reads.period_firsts(store, f, by=by)  # chosen in SQL
        names = reads.agglomeration_names(store)
    out = [
        {**r, "agglomeration_name": names.get(r["agglomeration"]) if r["agglomeration"] else None}
        for r in firsts
    ]
    out.sort(key=lambda r: (r["agglomeration"] or "", r["date"] or "", r["type"]))
    return _frame(out, FIRST_COLUMNS)


def _step(counts: list[dict[str, Any]], values: tuple[str, ...]) -> str | None:
    """A period's most frequent known value; a tie goes to the one seen last (the state the period
    ended in). ``counts``: rows of :func:`~policytext.store.reads.period_value_counts`."""
    known = [c for c in counts if c["value"] in values]
    if not known:
        return None
    return str(max(known, key=lambda c: (c["n"], c["last"]))["value"])


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
    with _Borrowed(db) as store:
        f = _filters(store, include_document_links, filters)
        totals = reads.period_totals(store, f, by=by)  # GROUP BY in SQL
        values = {c: reads.period_value_counts(store, f, c, by=by) for c in ("stage", "status")}
        names = reads.agglomeration_names(store)
    allowed = {"stage": stages(), "status": statuses()}
    cells: dict[str, dict[tuple[str | None, str, str], list[dict[str, Any]]]] = {"stage": {}, "status": {}}
    for column, rows in values.items():
        for r in rows:
            cells[column].setdefault((r["agglomeration"], r["type"], r["period"]), []).append(r)
    out = []
    for t in sorted(totals, key=lambda r: (r["agglomeration"] or "", r["type"])):
        agg, type_, periods = t["agglomeration"], t["type"], t["periods"]
        paths = {
            column: _path(
                [(p, _step(cells[column].get((agg, type_, p), []), allowed[column])) for p in periods]
            )
            for column in ("stage", "status")
        }
        out.append(
            {
                "agglomeration": agg,
                "agglomeration_name": names.get(agg) if agg else None,
                "type": type_,
                "stage_path": paths["stage"],
                "status_path": paths["status"],
                "first_period": periods[0],
                "last_period": periods[-1],
                "periods": periods,
                "mentions": t["mentions"],
                "documents": t["documents"],
            }
        )
    return _frame(out, PATH_COLUMNS)
