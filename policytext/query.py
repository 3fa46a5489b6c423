"""Query a store: mechanisms, documents, agglomerations, full-text search and read-only SQL.

Every function takes an open :class:`~policytext.store.db.Store` (or a path) and returns a
``pandas.DataFrame`` with a fixed column order; the ``query``, ``search`` and ``sql`` commands
of the CLI only format these frames. Filters accept ids or Chinese names and aliases
(``长三角`` = ``yangtze_delta``, ``生态补偿`` = ``eco_compensation``) and always reach SQLite as
bound parameters, never spliced into the statement.

Every mention row carries its provenance: document (``doc_id``, file name, title), date,
page, sentence index and text, and ``start``/``end`` offsets into the document's clean text.

>>> from policytext import query
>>> with query.open_store("corpus.db") as store:                       # doctest: +SKIP
...     df = query.mechanisms(store, types=["生态补偿"], agglomerations=["长三角"], since="2018")
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import (
    DOC_TYPES,
    KINDS,
    LINK_BASES,
    Filters,
    check_date,
    default_gazetteer,
    default_taxonomy,
    resolve_agglomerations,
    resolve_types,
    split_values,
    stages,
    statuses,
)
from policytext.store.fts import query_groups
from policytext.store.sql import sql

_default_taxonomy = default_taxonomy
_default_gazetteer = default_gazetteer


def __getattr__(name: str) -> Any:
    """``STATUSES`` and ``STAGES`` are the taxonomy's (read when first asked for)."""
    if name == "STATUSES":
        return statuses()
    if name == "STAGES":
        return stages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MENTION_COLUMNS = [
    "doc_id",
    "document",
    "title",
    "date",
    "year",
    "doc_type",
    "page",
    "sentence_idx",
    "start",
    "end",
    "kind",
    "type",
    "type_zh",
    "text",
    "status",
    "stage",
    "domains",
    "agglomerations",
    "link_basis",
    "score",
    "source",
    "sentence",
    "mention_id",
    "taxonomy_version",
    "gazetteer_version",
    "model_version",
    "policytext_version",
]
DOCUMENT_COLUMNS = [
    "doc_id",
    "document",
    "path",
    "title",
    "date",
    "year",
    "date_source",
    "doc_type",
    "doc_number",
    "issuer",
    "primary_agglomeration",
    "agglomerations",
    "n_pages",
    "n_chars",
    "n_sentences",
    "n_mechanisms",
    "format",
]
AGGLOMERATION_COLUMNS = [
    "agglomeration",
    "name",
    "kind",
    "known",
    "parent",
    "plan_approved",
    "documents",
    "primary_documents",
    "mentions",
    "mechanisms",
    "first_date",
    "last_date",
    "first_doc_id",
    "first_document",
]
SEARCH_COLUMNS = [
    "doc_id",
    "document",
    "title",
    "date",
    "page",
    "sentence_idx",
    "start",
    "end",
    "match_start",
    "match_end",
    "before",
    "sentence",
    "after",
]


# ----------------------------------------------------------------------------- opening


def open_store(db: str | os.PathLike[str] | Store) -> Store:
    """Open a store read-only (a :class:`Store` passed in is returned as is).

    Raises:
        StoreError: the file is missing or not a policytext store.
    """
    return db if isinstance(db, Store) else Store(db, readonly=True)


class _Borrowed:
    """Context manager: open a path read-only, or borrow an open store without closing it."""

    def __init__(self, db: str | os.PathLike[str] | Store) -> None:
        self.owned = not isinstance(db, Store)
        self.store = open_store(db)

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        if self.owned:
            self.store.close()


# ----------------------------------------------------------------------------- queries


def mention_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Mention rows of :func:`policytext.store.reads.mentions` as the one mention table (columns
    :data:`MENTION_COLUMNS`, with the Chinese type name of mechanisms), shared by :func:`mentions`,
    the export and the web page's downloads."""
    tx = _default_taxonomy()
    for r in rows:
        r["domains"] = json.loads(r.pop("domains_json", None) or "[]")
        r["agglomerations"] = json.loads(r.pop("agglomerations_json", None) or "[]")
        t = tx.get(r["type"]) if r["kind"] == "mechanism" else None
        r["type_zh"] = t.zh if t is not None else None
    return _frame(rows, MENTION_COLUMNS)


def mentions(
    db: str | os.PathLike[str] | Store,
    *,
    kind: str = "mechanism",
    limit: int | None = None,
    offset: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Stored mentions of one kind with their provenance, oldest document first.

    Args:
        db: a store or its path (opened read-only).
        kind: ``mechanism`` | ``measure`` | ``agglomeration``.
        limit, offset: at most this many rows, after skipping ``offset``.
        filters: any of :data:`~policytext.store.filters.FILTER_FIELDS` by keyword: ``types``
            (type ids or names; for ``agglomeration`` mentions: agglomeration ids), ``agglomerations``
            (ids, names or aliases; a mention matches when linked to one of them), ``since``,
            ``until`` (inclusive, YYYY, YYYY-MM or YYYY-MM-DD), ``status``, ``stage``, ``doc_type``,
            ``basis`` (how the agglomeration link was found).

    Returns:
        One row per mention, columns :data:`MENTION_COLUMNS`.
    """
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: choose from {', '.join(KINDS)}")
    with _Borrowed(db) as store:
        if kind == "agglomeration":
            named = resolve_agglomerations(filters.pop("types", None), store=store, option="--type")
            f = Filters.make(store, limit=limit, offset=offset, **filters)
            rows = reads.mentions(store, f, kind=kind, agglomeration_types=named)
        else:
            f = Filters.make(store, limit=limit, offset=offset, **filters)
            rows = reads.mentions(store, f, kind=kind)
    return mention_frame(rows)


def mechanisms(db: str | os.PathLike[str] | Store, **filters: Any) -> pd.DataFrame:
    """Mechanism mentions (see :func:`mentions` for the filters).

    >>> mechanisms("corpus.db", types="eco_compensation", agglomerations="长三角",
    ...            since=2018, until=2022, status="established")             # doctest: +SKIP
    """
    return mentions(db, kind="mechanism", **filters)


def documents(
    db: str | os.PathLike[str] | Store,
    *,
    limit: int | None = None,
    offset: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Stored documents with their metadata and agglomerations, oldest first.

    Args:
        limit, offset: at most this many rows, after skipping ``offset``.
        filters: the filters of :data:`~policytext.store.filters.DOCUMENT_FIELDS`: ``since``,
            ``until``, ``doc_type``; ``agglomerations`` keeps documents naming one of these groups,
            ``types`` documents with a mechanism mention of one of these types.

    Returns:
        Columns :data:`DOCUMENT_COLUMNS`; ``agglomerations`` is a list of ids.
    """
    with _Borrowed(db) as store:
        rows = reads.documents(store, Filters.make(store, limit=limit, offset=offset, **filters))
    return _frame(rows, DOCUMENT_COLUMNS)


def agglomerations(db: str | os.PathLike[str] | Store, **filters: Any) -> pd.DataFrame:
    """Agglomerations the store's documents mention, with counts and their first document.

    Returns:
        One row per agglomeration id (columns :data:`AGGLOMERATION_COLUMNS`), most documents first:
        ``documents`` (documents naming it), ``primary_documents`` (documents where it is the main
        one), ``mentions`` (name occurrences), ``mechanisms`` (mechanism mentions linked to it),
        first/last dates and the first document (provenance).
    """
    with _Borrowed(db) as store:
        f = Filters.make(store, **filters)
        rows = reads.document_agglomerations(store, f)
        mech = {
            k: v["mentions"]
            for k, v in reads.agglomeration_mechanism_counts(store, f.without("agglomerations")).items()
        }
    gz = _default_gazetteer()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = out.get(r["agglomeration"])
        if a is None:
            entry = gz.get(r["agglomeration"]) if r["known"] else None
            a = out[r["agglomeration"]] = {
                "agglomeration": r["agglomeration"],
                "name": r["name"],
                "kind": r["kind"],
                "known": bool(r["known"]),
                "parent": entry.parent if entry else None,
                "plan_approved": entry.plan_approved if entry else None,
                "documents": 0,
                "primary_documents": 0,
                "mentions": 0,
                "mechanisms": mech.get(r["agglomeration"], 0),
                "first_date": r["date"],
                "last_date": r["date"],
                "first_doc_id": r["doc_id"],
                "first_document": r["filename"],
            }
        a["documents"] += 1
        a["primary_documents"] += int(r["is_primary"])
        a["mentions"] += int(r["count"] or 0)
        if r["date"] is not None and (a["last_date"] is None or r["date"] > a["last_date"]):
            a["last_date"] = r["date"]
    ordered = sorted(out.values(), key=lambda a: (-a["documents"], -a["mentions"], a["agglomeration"]))
    return _frame(ordered, AGGLOMERATION_COLUMNS)


def search(
    db: str | os.PathLike[str] | Store,
    text: str,
    *,
    limit: int | None = 50,
    offset: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Full-text search over sentences (Chinese substrings work), newest documents first.

    Terms must all occur; ``OR`` between terms gives alternatives (``生态补偿 OR 成本共担``); quotes
    group words. Every term becomes a quoted FTS5 phrase, so operators or quotes in ``text`` are
    searched for literally, never interpreted. ``filters`` are those of
    :data:`~policytext.store.filters.FILTER_FIELDS`: document filters select the sentence's
    document, mention filters keep sentences holding a matching mechanism mention (see
    :func:`policytext.store.reads.search`). Each hit carries the sentence, its neighbours
    (``before``/``after``), its page and offsets, and the offsets of the first literal occurrence
    of a term (``match_start``/``match_end``, or empty).

    >>> search("corpus.db", "税收分成 OR 成本共担", agglomerations="长三角")  # doctest: +SKIP
    """
    if limit is not None and limit < 1:
        raise UsageError(f"--limit {limit}: give a positive number")
    terms = [t for group in query_groups(text) for t in group]
    with _Borrowed(db) as store:
        hits = reads.search(store, text, Filters.make(store, limit=limit, offset=offset, **filters))
        rows: list[dict[str, Any]] = []
        for h in hits:
            near = reads.neighbours(store, h["doc_id"], h["sentence_idx"])
            pos = _first_match(h["text"], terms)
            rows.append(
                {
                    "doc_id": h["doc_id"],
                    "document": h["document"],
                    "title": h["title"],
                    "date": h["date"],
                    "page": h["page"],
                    "sentence_idx": h["sentence_idx"],
                    "start": h["start"],
                    "end": h["end"],
                    "match_start": h["start"] + pos[0] if pos else None,
                    "match_end": h["start"] + pos[1] if pos else None,
                    "before": near.get(h["sentence_idx"] - 1),
                    "sentence": h["text"],
                    "after": near.get(h["sentence_idx"] + 1),
                }
            )
    return _frame(rows, SEARCH_COLUMNS)


def search_count(db: str | os.PathLike[str] | Store, text: str, **filters: Any) -> int:
    """How many sentences :func:`search` finds (without limit or offset)."""
    with _Borrowed(db) as store:
        return reads.search_count(store, text, Filters.make(store, **filters))


def _first_match(sentence: str, terms: Sequence[str]) -> tuple[int, int] | None:
    low = sentence.lower()
    found = [(low.find(t.lower()), len(t)) for t in terms]
    found = [(i, n) for i, n in found if i >= 0]
    if not found:
        return None
    i, n = min(found)
    return i, i + n


# ----------------------------------------------------------------------------- helpers


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` in that order (object dtype kept for text and lists)."""
    df = pd.DataFrame(rows, columns=list(columns))
    for col in df.columns:
        if df[col].dtype == float and col in {
            "year",
            "page",
            "sentence_idx",
            "start",
            "end",
            "match_start",
            "match_end",
            "n_pages",
            "n_chars",
        }:
            df[col] = df[col].astype("Int64")
    return df


__all__ = [
    "AGGLOMERATION_COLUMNS",
    "DOCUMENT_COLUMNS",
    "DOC_TYPES",
    "KINDS",
    "LINK_BASES",
    "MENTION_COLUMNS",
    "SEARCH_COLUMNS",
    "Filters",
    "agglomerations",
    "check_date",
    "documents",
    "mechanisms",
    "mentions",
    "open_store",
    "resolve_agglomerations",
    "resolve_types",
    "search",
    "search_count",
    "split_values",
    "sql",
]
