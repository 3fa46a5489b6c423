"""Every read of the store, under one :class:`~policytext.store.filters.Filters`.

The CLI (``query``, ``timeline``), the Python API (:mod:`policytext.query`,
:mod:`policytext.timeline`), the web page, the report and the export call these functions;
SQL on the store's tables lives here and in :mod:`policytext.store.db` only. Rows are plain
dicts; the public modules shape them into DataFrames or pages.

Hand corrections are applied to the mentions when they are made
(:mod:`policytext.store.corrections`), so every read here sees corrected data; deleted
mentions are left out by the filters unless ``include_deleted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policytext.errors import UsageError
from policytext.store.attributes import AGGLOMERATION_JOIN, ATTRIBUTES_SQL
from policytext.store.db import Store
from policytext.store.filters import Filters
from policytext.store.fts import fts_query

PERIODS = ("year", "month")

# The base tables (integer keys, schema 3): doc_rows d, sentence_rows s, mention_rows m.
_MENTION_COLUMNS = """
    SELECT m.mention_id, d.doc_id, d.filename AS document, d.title, d.date, d.year, d.doc_type, m.page,
           m.sentence_idx, m.start, m."end", m.kind, m.type, m.text, m.status, m.stage, m.link_basis,
           m.domains_json, m.agglomerations_json, m.score, m.source, s.text AS sentence,
           s.start AS sentence_start,
           s.page AS sentence_page, v.taxonomy AS taxonomy_version, v.gazetteer AS gazetteer_version,
           v.model AS model_version, v.policytext AS policytext_version,
           m.deleted"""
_MENTION_FROM = """
    FROM mention_rows m
    JOIN doc_rows d ON d.id = m.doc
    LEFT JOIN sentence_rows s ON s.doc = m.doc AND s.idx = m.sentence_idx
    LEFT JOIN version_sets v ON v.id = m.versions"""
_MENTION_SELECT = _MENTION_COLUMNS + _MENTION_FROM

_ORDERS = {
    "document": 'd.date, d.doc_id, m.start, m."end", m.type, m.mention_id',
    "export": 'd.date, d.doc_id, m.start, m."end", m.kind, m.type, m.mention_id',
    "newest": "d.date DESC, d.doc_id, m.sentence_idx, m.start",
    "score": "m.type, COALESCE(m.score, 0) DESC, d.year IS NULL, d.year, d.doc_id, m.start, m.mention_id",
}


def _and(where: Sequence[str]) -> str:
    return "".join(" AND " + w for w in where)


# ----------------------------------------------------------------------------- mentions


def mentions(
    store: Store,
    f: Filters,
    *,
    kind: str | None = "mechanism",
    agglomeration_types: Sequence[str] = (),
    order: str = "document",
) -> list[dict[str, Any]]:
    """Stored mentions under ``f`` with their provenance (document, date, page, sentence, offsets).

    Args:
        kind: ``mechanism``, ``measure``, ``agglomeration`` or None (every kind).
        agglomeration_types: for ``agglomeration`` mentions, the agglomeration ids named
            (their ``type``); the filter's agglomerations also select them.
        order: ``document`` (oldest document first), ``export``, ``newest`` or ``score``.
    """
    if kind == "agglomeration":
        where, params = f.document_sql()
        if not f.include_deleted:
            where.insert(0, "m.deleted = 0")
        ids = [*f.agglomerations, *agglomeration_types]
        if ids:
            where.append(f"m.type IN ({', '.join('?' for _ in ids)})")
            params += ids
    else:
        where, params = f.mention_sql()
    if kind is not None:
        where.insert(0, "m.kind = ?")
        params.insert(0, kind)
    page, page_params = f.page_sql()
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return store.rows(f"{_MENTION_SELECT} {cond} ORDER BY {_ORDERS[order]} {page}", [*params, *page_params])


def count_mentions(store: Store, f: Filters, *, kind: str = "mechanism") -> dict[str, int]:
    """How many mentions (and distinct documents) match ``f``."""
    where, params = f.mention_sql()
    r = store.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT m.doc) FROM mention_rows m JOIN doc_rows d "
        f"ON d.id = m.doc WHERE m.kind = ?{_and(where)}",
        [kind, *params],
    ).fetchone()
    return {"mentions": int(r[0]), "documents": int(r[1])}


def counts(store: Store, f: Filters, *, by: str, kind: str = "mechanism") -> dict[str, int]:
    """Mentions matching ``f`` counted by ``type``, ``status``, ``stage``, ``doc_type``, ``year``,
    ``agglomeration`` or ``basis`` (a mention linked to several agglomerations counts for each).
    A missing status counts as ``none``."""
    exprs = {
        "type": ("m.type", ""),
        "status": ("COALESCE(m.status, 'none')", ""),
        "stage": ("m.stage", ""),
        "doc_type": ("d.doc_type", ""),
        "year": ("d.year", ""),
        "basis": ("m.link_basis", ""),
        "agglomeration": (
            "ma.agglomeration_id",
            "JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id",
        ),
    }
    if by not in exprs:
        raise UsageError(f"counts by {by!r}: choose from {', '.join(exprs)}")
    expr, join = exprs[by]
    where, params = f.mention_sql()
    rows = store.rows(
        f"SELECT {expr} AS v, COUNT(DISTINCT m.mention_id) AS n FROM mention_rows m "
        f"JOIN doc_rows d ON d.id = m.doc {join} WHERE m.kind = ?{_and(where)} GROUP BY v",
        [kind, *params],
    )
    return {str(r["v"]): int(r["n"]) for r in rows if r["v"] is not None}


def pair_counts(store: Store, f: Filters, *, kind: str = "mechanism") -> list[dict[str, Any]]:
    """Mentions per (type, agglomeration) under ``f``: ``[{"type", "agg", "n"}]``."""
    where, params = f.mention_sql()
    return store.rows(
        f"""SELECT m.type AS type, ma.agglomeration_id AS agg, COUNT(DISTINCT m.mention_id) AS n
            FROM mention_rows m JOIN doc_rows d ON d.id = m.doc
            JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id
            WHERE m.kind = ?{_and(where)} GROUP BY m.type, ma.agglomeration_id""",
        [kind, *params],
    )


def year_type_counts(store: Store, f: Filters, *, kind: str = "mechanism") -> list[dict[str, Any]]:
    """Mentions and documents per (document year, type) under ``f``, dated documents only."""
    where, params = f.mention_sql()
    return store.rows(
        f"""SELECT d.year AS year, m.type AS type, COUNT(*) AS n, COUNT(DISTINCT m.doc) AS docs
            FROM mention_rows m JOIN doc_rows d ON d.id = m.doc
            WHERE m.kind = ? AND d.year IS NOT NULL{_and(where)} GROUP BY d.year, m.type ORDER BY d.year""",
        [kind, *params],
    )


def agglomeration_mechanism_counts(store: Store, f: Filters) -> dict[str, dict[str, int]]:
    """Per linked agglomeration: mechanism mentions and documents under ``f``."""
    where, params = f.mention_sql()
    return {
        r["id"]: {"mentions": r["mentions"], "documents": r["documents"]}
        for r in store.rows(
            f"""SELECT ma.agglomeration_id AS id, COUNT(*) AS mentions, COUNT(DISTINCT m.doc) AS documents
            FROM mention_rows m JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id
            JOIN doc_rows d ON d.id = m.doc
            WHERE m.kind = 'mechanism'{_and(where)} GROUP BY ma.agglomeration_id""",
            params,
        )
    }


def mention_types(store: Store, *, kind: str = "mechanism") -> list[str]:
    """Every type stored for ``kind`` (deleted mentions included: they name the labels in use)."""
    return [
        r["type"]
        for r in store.rows("SELECT DISTINCT type FROM mention_rows WHERE kind = ? ORDER BY type", (kind,))
    ]


# ----------------------------------------------------------------------------- over time


def _period_sql(by: str, d: str = "d") -> tuple[str, str]:
    """(period expression, condition that the document has such a period)."""
    if by == "year":
        return f"CAST({d}.year AS TEXT)", f"{d}.year IS NOT NULL"
    if by == "month":
        return f"substr({d}.date, 1, 7)", f"length({d}.date) >= 7"
    raise UsageError(f"--by {by!r}: choose year or month")


def period_mentions(store: Store, f: Filters, *, by: str = "year") -> list[dict[str, Any]]:
    """One row per (mechanism mention, linked agglomeration) in dated documents, oldest first.

    With agglomeration filters only the matching links are returned; a mention linked to none
    gives one row with agglomeration None.
    """
    period, body, params = _period_from(f, by, sentences=True)
    return store.rows(
        f"""SELECT {period} AS period, ma.agglomeration_id AS agglomeration, m.type, m.mention_id, d.doc_id,
                   d.date, d.year, d.filename AS document, d.title, m.page, m.sentence_idx, m.start, m."end",
                   m.status, m.stage, m.link_basis, m.text, s.text AS sentence
            {body}
            ORDER BY {_PERIOD_ORDER}""",
        params,
    )


def _period_from(f: Filters, by: str, *, sentences: bool = False) -> tuple[str, str, list[Any]]:
    """(period expression, FROM … WHERE … of the linked mechanism mentions in dated documents, params):
    one row per (mention, agglomeration link), as :func:`period_mentions` returns them; with
    ``sentences`` the mention's sentence is joined as ``s``."""
    period, has_period = _period_sql(by)
    where, params = f.mention_sql()
    agg_cond = ""
    if f.agglomerations:
        agg_cond = f" AND ma.agglomeration_id IN ({', '.join('?' for _ in f.agglomerations)})"
        params = params + list(f.agglomerations)
    sentence_join = (
        "\n            LEFT JOIN sentence_rows s ON s.doc = m.doc AND s.idx = m.sentence_idx"
        if sentences
        else ""
    )
    sql = f"""FROM mention_rows m
            JOIN doc_rows d ON d.id = m.doc
            LEFT JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id{sentence_join}
            WHERE m.kind = 'mechanism' AND {has_period}{_and(where)}{agg_cond}"""
    return period, sql, params


#: The order of :func:`period_mentions` (oldest first), made total by the mention id.
_PERIOD_ORDER = 'd.date, d.doc_id, m.start, m.type, ma.agglomeration_id, m."end", m.mention_id'


def period_counts(store: Store, f: Filters, *, by: str = "year") -> list[dict[str, Any]]:
    """Documents and mentions per (period, agglomeration, type), counted in SQL.

    The counts of :func:`period_mentions` grouped: ``mentions`` counts (mention, link) rows, so a
    mention linked to several agglomerations counts for each; sorted by period, agglomeration
    (None first) and type.
    """
    period, body, params = _period_from(f, by)
    return store.rows(
        f"""SELECT {period} AS period, ma.agglomeration_id AS agglomeration, m.type AS type,
                   COUNT(DISTINCT m.doc) AS documents, COUNT(*) AS mentions
            {body}
            GROUP BY 1, 2, 3 ORDER BY 1, COALESCE(ma.agglomeration_id, ''), 3""",
        params,
    )


def period_firsts(store: Store, f: Filters, *, by: str = "year") -> list[dict[str, Any]]:
    """The earliest row of :func:`period_mentions` for each (agglomeration, type), chosen in SQL."""
    period, body, params = _period_from(f, by)
    return store.rows(
        f"""SELECT * FROM (
                SELECT {period} AS period, ma.agglomeration_id AS agglomeration, m.type, m.mention_id,
                       d.doc_id, d.date, d.year, d.filename AS document, d.title, m.page, m.sentence_idx,
                       m.start, m."end", m.status, m.stage, m.link_basis, m.text,
                       (SELECT s.text FROM sentence_rows s WHERE s.doc = m.doc AND s.idx = m.sentence_idx)
                           AS sentence,
                       ROW_NUMBER() OVER (PARTITION BY ma.agglomeration_id, m.type
                                          ORDER BY {_PERIOD_ORDER}) AS rank
                {body})
            WHERE rank = 1""",
        params,
    )


def period_value_counts(store: Store, f: Filters, column: str, *, by: str = "year") -> list[dict[str, Any]]:
    """Per (agglomeration, type, period, value of ``column``): how many rows of
    :func:`period_mentions` have it (``n``) and the position of the last one in their order
    (``last``), so that the most frequent value of a period, ties to the later, is read off.

    Args:
        column: ``stage`` or ``status``.
    """
    if column not in ("stage", "status"):
        raise UsageError(f"period values of {column!r}: choose stage or status")
    period, body, params = _period_from(f, by)
    return store.rows(
        f"""SELECT agglomeration, type, period, value, COUNT(*) AS n, MAX(pos) AS last FROM (
                SELECT ma.agglomeration_id AS agglomeration, m.type AS type, {period} AS period,
                       m.{column} AS value, ROW_NUMBER() OVER (ORDER BY {_PERIOD_ORDER}) AS pos
                {body})
            GROUP BY 1, 2, 3, 4""",
        params,
    )


def period_totals(store: Store, f: Filters, *, by: str = "year") -> list[dict[str, Any]]:
    """Per (agglomeration, type): distinct mentions and documents, and the periods with a mention
    (``periods``, ascending), over the rows of :func:`period_mentions`."""
    period, body, params = _period_from(f, by)
    rows = store.rows(
        f"""SELECT ma.agglomeration_id AS agglomeration, m.type AS type,
                   COUNT(DISTINCT m.mention_id) AS mentions, COUNT(DISTINCT m.doc) AS documents,
                   group_concat(DISTINCT {period}) AS periods
            {body}
            GROUP BY 1, 2""",
        params,
    )
    for r in rows:
        r["periods"] = sorted(r["periods"].split(","))
    return rows


def period_documents(store: Store, f: Filters, *, by: str = "year") -> dict[str, int]:
    """Documents per period under the document filters of ``f``."""
    period, has_period = _period_sql(by)
    where, params = f.document_sql()
    return {
        r["period"]: r["n"]
        for r in store.rows(
            f"SELECT {period} AS period, COUNT(*) AS n FROM "
            f"doc_rows d WHERE {has_period}{_and(where)} GROUP BY 1",
            params,
        )
    }


def first_mentions(store: Store, f: Filters) -> list[dict[str, Any]]:
    """The earliest linked mention of each (agglomeration, type), chosen in SQL: undated documents
    last, then by date, document, offset; oldest first."""
    where, params = f.mention_sql()
    order = "d.year IS NULL, d.year, d.date, d.doc_id, m.start, m.mention_id"
    return store.rows(
        f"""SELECT agg, type, doc_id, page, sentence_idx, start, text, link_basis, year, date FROM (
                SELECT ma.agglomeration_id AS agg, m.type AS type, d.doc_id AS doc_id, m.page AS page,
                       m.sentence_idx AS sentence_idx, m.start AS start, m.text AS text, m.link_basis,
                       d.year AS year, d.date AS date,
                       ROW_NUMBER() OVER (PARTITION BY ma.agglomeration_id, m.type ORDER BY {order}) AS rank,
                       ROW_NUMBER() OVER (ORDER BY {order}) AS pos
                FROM mention_rows m JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id
                JOIN doc_rows d ON d.id = m.doc WHERE m.kind = 'mechanism'{_and(where)})
            WHERE rank = 1 ORDER BY pos""",
        params,
    )


def example_mentions(
    store: Store, f: Filters, *, per_type: int, kind: str = "mechanism"
) -> list[dict[str, Any]]:
    """Example mentions for each type, chosen in SQL: whole sentences (20 characters or more) before
    short ones, then highest score, oldest year, document, offset; one per document and at most
    ``per_type`` per type. Rows as :func:`mentions`, in that order."""
    where, params = f.mention_sql()
    order = (
        "m.type, length(s.text) < 20, COALESCE(m.score, 0) DESC, d.year IS NULL, d.year, d.doc_id, m.start, "
        "m.mention_id"
    )
    return store.rows(
        f"""SELECT * FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY type ORDER BY o_rank) AS type_rank FROM (
                    SELECT *, ROW_NUMBER() OVER (PARTITION BY type, doc_id ORDER BY o_rank) AS doc_rank FROM (
                        {_MENTION_COLUMNS}, ROW_NUMBER() OVER (ORDER BY {order}) AS o_rank {_MENTION_FROM}
                        WHERE m.kind = ? AND s.text IS NOT NULL{_and(where)}))
                WHERE doc_rank = 1)
            WHERE type_rank <= ? ORDER BY o_rank""",
        [kind, *params, per_type],
    )


def years(store: Store) -> list[int]:
    """The distinct document years, ascending."""
    return [
        r["year"]
        for r in store.rows("SELECT DISTINCT year FROM doc_rows WHERE year IS NOT NULL ORDER BY year")
    ]


# ----------------------------------------------------------------------------- documents


def documents(store: Store, f: Filters, *, order: str = "date") -> list[dict[str, Any]]:
    """Stored documents under the document filters of ``f`` (and: naming one of its agglomerations,
    holding a mechanism of one of its types), with ``agglomerations`` (ids, main one first)."""
    where, params = f.document_sql(related=True)
    orders = {"date": "d.date, d.doc_id", "year": "d.year IS NULL, d.year, d.date, d.doc_id"}
    page, page_params = f.page_sql()
    rows = store.rows(
        f"""SELECT d.doc_id, d.filename AS document, d.path, d.title, d.date, d.year, d.date_source,
            d.doc_type,
                   d.doc_number, d.issuer, d.primary_agglomeration, d.n_pages, d.n_chars,
                   (SELECT COUNT(*) FROM sentence_rows s WHERE s.doc = d.id) AS n_sentences,
                   (SELECT COUNT(*) FROM mention_rows m WHERE m.doc = d.id AND m.kind = 'mechanism'
                        AND m.deleted = 0) AS n_mechanisms,
                   d.format
            FROM doc_rows d
            {("WHERE " + " AND ".join(where)) if where else ""}
            ORDER BY {orders[order]} {page}""",
        params + page_params,
    )
    aggs: dict[str, list[str]] = {}
    for r in store.rows(
        "SELECT doc_id, agglomeration_id FROM document_agglomerations "
        "ORDER BY doc_id, is_primary DESC, count DESC, agglomeration_id"
    ):
        aggs.setdefault(r["doc_id"], []).append(r["agglomeration_id"])
    for r in rows:
        r["agglomerations"] = aggs.get(r["doc_id"], [])
    return rows


def document_paths(store: Store, doc_id: str) -> list[str]:
    """Every path a document was found under (the first one stored first)."""
    return [
        r[0]
        for r in store.execute(
            "SELECT path FROM doc_rows WHERE doc_id=? UNION SELECT path FROM document_paths WHERE doc_id=?",
            (doc_id, doc_id),
        )
    ]


def document_view(store: Store, doc_id: str) -> dict[str, Any] | None:
    """One document's row, its sentences, its current mentions and agglomerations (for the web page)."""
    doc = store.execute(
        "SELECT doc_id, path, filename, title, date, year, doc_type, issuer, doc_number, n_pages, format, "
        "primary_agglomeration, id FROM doc_rows WHERE doc_id=?",
        (doc_id,),
    ).fetchone()
    if doc is None:
        return None
    row = dict(doc)
    key = row.pop("id")
    return {
        "doc": row,
        "mentions": store.rows(
            """SELECT mention_id, kind, type, text, sentence_idx, start, "end", page, score, source,
                status, stage, link_basis, agglomerations_json
               FROM mention_rows WHERE doc=? AND deleted=0 ORDER BY start""",
            (key,),
        ),
        "sentences": store.rows(
            'SELECT idx, start, "end", page, text, boilerplate FROM sentence_rows WHERE doc=? ORDER BY idx',
            (key,),
        ),
        "agglomerations": store.rows(
            "SELECT agglomeration_id, name, kind, known, count, is_primary FROM document_agglomerations "
            "WHERE doc_id=? ORDER BY count DESC",
            (doc_id,),
        ),
    }


def document_extraction_rows(store: Store, doc_id: str) -> dict[str, Any]:
    """What rebuilds a document's :class:`~policytext.types.Extraction`: its current mentions (with
    their sentence text), agglomerations, main agglomeration, versions and boilerplate sentences."""
    key = _key(store, doc_id)
    return {
        "sentences": {
            r["idx"]: r["text"]
            for r in store.rows("SELECT idx, text FROM sentence_rows WHERE doc = ?", (key,))
        },
        "mentions": store.rows(
            f"""SELECT m.mention_id, m.kind, m.type, m.text, m.sentence_idx, m.start, m."end", m.page,
                       m.score, m.source, {ATTRIBUTES_SQL} AS attributes_json
                FROM mention_rows m JOIN doc_rows d ON d.id = m.doc {AGGLOMERATION_JOIN}
                WHERE m.doc = ? AND m.deleted = 0 ORDER BY m.start, m."end", m.kind, m.type, m.mention_id""",
            (key,),
        ),
        "agglomerations": store.rows(
            "SELECT * FROM document_agglomerations WHERE doc_id = ? ORDER BY is_primary DESC, "
            "count DESC, agglomeration_id",
            (doc_id,),
        ),
        "document": store.rows(
            "SELECT primary_agglomeration, versions_json FROM doc_rows WHERE doc_id = ?", (doc_id,)
        )[0],
        "boilerplate": [
            r["idx"]
            for r in store.rows(
                "SELECT idx FROM sentence_rows WHERE doc = ? AND boilerplate = 1 ORDER BY idx", (key,)
            )
        ],
    }


def _key(store: Store, doc_id: str) -> int | None:
    """The integer key of a document (None when it is not stored)."""
    row = store.execute("SELECT id FROM doc_rows WHERE doc_id = ?", (doc_id,)).fetchone()
    return int(row[0]) if row else None


def document_ids(store: Store) -> list[str]:
    """Every document id, oldest date first."""
    return [r[0] for r in store.execute("SELECT doc_id FROM doc_rows ORDER BY date, doc_id").fetchall()]


def sentences(store: Store) -> list[dict[str, Any]]:
    """Every sentence with its document's name, date and type, in document order."""
    return store.rows(
        """SELECT d.doc_id, d.filename AS document, d.date, d.year, d.doc_type, s.idx AS sentence_idx, s.page,
                  s.start, s."end", s.text, s.boilerplate
           FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc
           ORDER BY d.date, d.doc_id, s.idx"""
    )


def neighbours(store: Store, doc_id: str, idx: int) -> dict[int, str]:
    """The texts of the sentences just before and after sentence ``idx``."""
    return {
        r["idx"]: r["text"]
        for r in store.rows(
            "SELECT idx, text FROM sentence_rows WHERE doc = (SELECT id FROM doc_rows WHERE doc_id = ?) "
            "AND idx IN (?, ?)",
            (doc_id, idx - 1, idx + 1),
        )
    }


def corpus_counts(store: Store) -> dict[str, int]:
    """Pages, paged documents, sentences, characters and failures stored."""
    one = lambda sql: int(store.execute(sql).fetchone()[0])  # noqa: E731
    return {
        "pages": one("SELECT COALESCE(SUM(n_pages), 0) FROM doc_rows"),
        "paged_documents": one("SELECT COUNT(*) FROM doc_rows WHERE n_pages > 0"),
        "sentences": one("SELECT COUNT(*) FROM sentence_rows"),
        "characters": one("SELECT COALESCE(SUM(n_chars), 0) FROM doc_rows"),
        "failures": one("SELECT COUNT(*) FROM failures"),
    }


def latest_versions(store: Store) -> str | None:
    """The versions JSON of the latest run."""
    run = store.execute("SELECT versions_json FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    return str(run[0]) if run and run[0] else None


def main_model_version(store: Store) -> str | None:
    """The model version most mentions were found with."""
    row = store.execute(
        "SELECT v.model FROM mention_rows m JOIN version_sets v ON v.id = m.versions "
        "WHERE v.model IS NOT NULL "
        "GROUP BY v.model ORDER BY COUNT(*) DESC, v.model LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


# ----------------------------------------------------------------------------- agglomerations


def agglomeration_names(store: Store) -> dict[str, str]:
    """Agglomeration id → display name, as stored with the documents."""
    return {
        r["agglomeration_id"]: r["name"]
        for r in store.rows(
            "SELECT agglomeration_id, MIN(name) AS name FROM "
            "document_agglomerations GROUP BY agglomeration_id"
        )
    }


def agglomeration_ids_by_occurrences(store: Store) -> list[str]:
    """Agglomeration ids, most name occurrences first."""
    return [
        r["agglomeration_id"]
        for r in store.rows(
            "SELECT agglomeration_id, SUM(count) AS n FROM document_agglomerations GROUP BY agglomeration_id "
            "ORDER BY n DESC, agglomeration_id"
        )
    ]


def document_agglomerations(store: Store, f: Filters) -> list[dict[str, Any]]:
    """One row per (agglomeration, document naming it) under the document filters of ``f``."""
    where, params = f.document_sql()
    if f.agglomerations:
        where.append(f"da.agglomeration_id IN ({', '.join('?' for _ in f.agglomerations)})")
        params += list(f.agglomerations)
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return store.rows(
        f"""SELECT da.agglomeration_id AS agglomeration, da.doc_id, da.name, da.kind, da.known, da.count,
                   da.is_primary, d.date, d.filename
            FROM document_agglomerations da JOIN doc_rows d ON d.doc_id = da.doc_id {cond}
            ORDER BY da.agglomeration_id, d.date, da.doc_id""",
        params,
    )


def agglomeration_summary(store: Store) -> list[dict[str, Any]]:
    """Per agglomeration id: name, kind, known, documents naming it, occurrences, documents where main."""
    return store.rows(
        "SELECT agglomeration_id AS id, MIN(name) AS name, MIN(kind) AS kind, MIN(known) AS known, "
        "COUNT(DISTINCT doc_id) AS documents, SUM(count) AS occurrences, SUM(is_primary) AS primary_in "
        "FROM document_agglomerations GROUP BY agglomeration_id"
    )


def doc_types(store: Store) -> list[str]:
    """The distinct stored document types."""
    return [r["doc_type"] for r in store.rows("SELECT DISTINCT doc_type FROM doc_rows ORDER BY doc_type")]


# ----------------------------------------------------------------------------- search


def _search_sql(store: Store, query: str, f: Filters) -> tuple[str, list[Any]] | None:
    """FROM/WHERE of a full-text search under ``f`` (None when the query has no term)."""
    match = fts_query(query)
    if not match:
        return None
    where, params = f.document_sql()
    if f.mention_filtered():
        m_where, m_params = f.mention_sql("m_s")
        where.append(
            "EXISTS (SELECT 1 FROM mention_rows m_s WHERE m_s.doc = s.doc AND m_s.sentence_idx = s.idx "
            f"AND m_s.kind = 'mechanism'{_and(m_where)})"
        )
        params += m_params
    return f"{store.fts_from} WHERE sentences_fts MATCH ?{_and(where)}", [match, *params]


def search(store: Store, query: str, f: Filters | None = None) -> list[dict[str, Any]]:
    """Full-text search over sentences, newest documents first (Chinese substrings work).

    ``query`` is read by :func:`~policytext.store.fts.query_groups`: terms all present, ``OR``
    between alternatives, every term a quoted phrase (never FTS5 syntax). The document filters of
    ``f`` select the sentence's document; its mention filters (type, agglomeration, status, stage,
    basis) keep sentences holding a mechanism mention that matches them; its limit and offset page.
    """
    f = f or Filters()
    got = _search_sql(store, query, f)
    if got is None:
        return []
    body, params = got
    page, page_params = f.page_sql()
    return store.rows(
        f"""SELECT d.doc_id, d.title, d.date, d.path, d.filename AS document, s.idx AS sentence_idx, s.page,
                   s.start, s."end", s.text
            {body} ORDER BY d.date DESC, d.doc_id, s.idx {page}""",
        [*params, *page_params],
    )


def search_count(store: Store, query: str, f: Filters | None = None) -> int:
    """How many sentences :func:`search` finds under ``f`` (its limit and offset aside)."""
    got = _search_sql(store, query, f or Filters())
    if got is None:
        return 0
    body, params = got
    return int(store.execute(f"SELECT COUNT(*) {body}", params).fetchone()[0])


# ----------------------------------------------------------------------------- corrections


def corrected_sentences(store: Store) -> list[dict[str, Any]]:
    """Each corrected sentence once, in the order of its latest correction, with that correction's
    annotator, time and status and the sentence's current mechanisms (``mechanisms``)."""
    latest = store.rows(
        """SELECT a.doc_id, a.sentence_idx, s.text AS sentence, MAX(a.annotation_id) AS last_id
           FROM annotations a JOIN doc_rows d ON d.doc_id = a.doc_id
           JOIN sentence_rows s ON s.doc = d.id AND s.idx = a.sentence_idx
           GROUP BY a.doc_id, a.sentence_idx ORDER BY last_id"""
    )
    for r in latest:
        last = store.execute(
            "SELECT annotator, created_at, status FROM annotations WHERE annotation_id=?", (r["last_id"],)
        ).fetchone()
        r.update(annotator=last["annotator"], created_at=last["created_at"], last_status=last["status"])
        r["mechanisms"] = store.sentence_mechanisms(r["doc_id"], r["sentence_idx"])
    return latest


def annotated_sentences(store: Store) -> set[tuple[str, int]]:
    """(doc_id, sentence_idx) of every sentence with a hand correction."""
    return {
        (r["doc_id"], r["sentence_idx"])
        for r in store.rows("SELECT DISTINCT doc_id, sentence_idx FROM annotations")
    }


__all__ = [
    "PERIODS",
    "agglomeration_ids_by_occurrences",
    "agglomeration_mechanism_counts",
    "agglomeration_names",
    "agglomeration_summary",
    "annotated_sentences",
    "corpus_counts",
    "corrected_sentences",
    "count_mentions",
    "counts",
    "doc_types",
    "document_agglomerations",
    "document_extraction_rows",
    "document_ids",
    "document_paths",
    "document_view",
    "documents",
    "example_mentions",
    "first_mentions",
    "latest_versions",
    "main_model_version",
    "mention_types",
    "mentions",
    "neighbours",
    "pair_counts",
    "period_counts",
    "period_documents",
    "period_firsts",
    "period_mentions",
    "period_totals",
    "period_value_counts",
    "search",
    "search_count",
    "sentences",
    "year_type_counts",
    "years",
]
