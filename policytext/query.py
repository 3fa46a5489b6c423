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
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.store.db import Store

STATUSES = ("proposed", "established", "lacking")
STAGES = ("explore", "establish", "improve", "implement")
DOC_TYPES = ("official", "plan", "article", "news", "other")
KINDS = ("mechanism", "measure", "agglomeration")

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SPLIT_RE = re.compile(r"[,，、;；]")

MENTION_COLUMNS = [
    "doc_id", "document", "title", "date", "year", "doc_type", "page", "sentence_idx", "start", "end",
    "kind", "type", "type_zh", "text", "status", "stage", "domains", "agglomerations", "score", "source",
    "sentence", "mention_id", "taxonomy_version", "gazetteer_version", "model_version",
]
DOCUMENT_COLUMNS = [
    "doc_id", "document", "path", "title", "date", "year", "date_source", "doc_type", "doc_number", "issuer",
    "primary_agglomeration", "agglomerations", "n_pages", "n_chars", "n_sentences", "n_mechanisms", "format",
]
AGGLOMERATION_COLUMNS = [
    "agglomeration", "name", "kind", "known", "parent", "plan_approved", "documents", "primary_documents",
    "mentions", "mechanisms", "first_date", "last_date", "first_doc_id", "first_document",
]
SEARCH_COLUMNS = [
    "doc_id", "document", "title", "date", "page", "sentence_idx", "start", "end", "match_start", "match_end",
    "before", "sentence", "after",
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


# ----------------------------------------------------------------------------- filters


def split_values(values: str | Iterable[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values (``a,b`` ``生态补偿、税收分成``).

    >>> split_values(["a,b", "c"])
    ['a', 'b', 'c']
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in _SPLIT_RE.split(v) if p.strip())
    return out


def resolve_types(values: str | Iterable[str] | None, *, taxonomy: Any = None) -> list[str]:
    """Mechanism type ids from ids, Chinese or English names.

    >>> resolve_types(["生态补偿", "tax_sharing"])
    ['eco_compensation', 'tax_sharing']

    Raises:
        UsageError: a value names no type of the taxonomy.
    """
    names = split_values(values)
    if not names:
        return []
    tx = taxonomy or _default_taxonomy()
    out: list[str] = []
    for name in names:
        tid = tx.resolve(name)
        if tid is None:
            raise UsageError(f"--type {name!r}: no such mechanism type; use an id or Chinese name of the taxonomy "
                             f"({', '.join(tx.ids)})")
        if tid not in out:
            out.append(tid)
    return out


def resolve_agglomerations(values: str | Iterable[str] | None, *, store: Store | None = None,
                           gazetteer: Any = None) -> list[str]:
    """Agglomeration ids from ids, names or aliases (``长三角`` → ``yangtze_delta``).

    Unlisted groups stored by ingest (``known = 0``, id = surface form such as ``徐州都市圈``)
    are accepted when the store holds them.

    Raises:
        UsageError: a value is neither in the gazetteer nor in the store.
    """
    names = split_values(values)
    if not names:
        return []
    gz = gazetteer or _default_gazetteer()
    out: list[str] = []
    for name in names:
        entry = gz.get(name)
        aid = entry.id if entry is not None else None
        if aid is None and store is not None:
            row = store.execute(
                "SELECT agglomeration_id FROM document_agglomerations WHERE agglomeration_id = ? OR name = ? LIMIT 1",
                (name, name),
            ).fetchone()
            aid = row[0] if row else None
        if aid is None:
            raise UsageError(f"--agglomeration {name!r}: not a known agglomeration id, name or alias; "
                             "list them with `policytext query agglomerations`")
        if aid not in out:
            out.append(aid)
    return out


def _choices(option: str, values: str | Iterable[str] | None, allowed: Sequence[str]) -> list[str]:
    out = split_values(values)
    for v in out:
        if v not in allowed:
            raise UsageError(f"{option} {v!r}: choose from {', '.join(allowed)}")
    return out


def check_date(option: str, value: str | int | None) -> str | None:
    """Validate a ``--since``/``--until`` value (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise UsageError(f"{option} {value!r}: write a year (2018), a month (2018-06) or a day (2018-06-30)")
    return text


@dataclass(frozen=True)
class Filters:
    """Resolved filters (canonical ids); build with :meth:`make`.

    ``since`` and ``until`` are inclusive and compare document dates to the precision
    given: ``until="2022"`` keeps every date of 2022.
    """

    types: tuple[str, ...] = ()
    agglomerations: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    statuses: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()

    @classmethod
    def make(cls, store: Store | None = None, *, types: Any = None, agglomerations: Any = None,
             since: str | int | None = None, until: str | int | None = None, status: Any = None,
             stage: Any = None, doc_type: Any = None) -> Filters:
        """Resolve and validate user-facing filter values.

        Raises:
            UsageError: an unknown type, agglomeration, status, stage, document type or a bad date.
        """
        return cls(
            types=tuple(resolve_types(types)),
            agglomerations=tuple(resolve_agglomerations(agglomerations, store=store)),
            since=check_date("--since", since),
            until=check_date("--until", until),
            statuses=tuple(_choices("--status", status, STATUSES)),
            stages=tuple(_choices("--stage", stage, STAGES)),
            doc_types=tuple(_choices("--doc-type", doc_type, DOC_TYPES)),
        )

    def document_sql(self, d: str = "d") -> tuple[list[str], list[Any]]:
        """WHERE clauses (and their parameters) on the documents table aliased ``d``."""
        where: list[str] = []
        params: list[Any] = []
        if self.since:
            where.append(f"{d}.date >= ?")
            params.append(self.since)
        if self.until:
            where.append(f"substr({d}.date, 1, ?) <= ?")
            params += [len(self.until), self.until]
        if self.doc_types:
            where.append(f"{d}.doc_type IN ({_marks(self.doc_types)})")
            params += list(self.doc_types)
        return where, params

    def mention_sql(self, m: str = "m", d: str = "d") -> tuple[list[str], list[Any]]:
        """WHERE clauses on mentions ``m`` joined to documents ``d`` (types, agglomerations, status, dates)."""
        where, params = self.document_sql(d)
        if self.types:
            where.append(f"{m}.type IN ({_marks(self.types)})")
            params += list(self.types)
        if self.agglomerations:
            where.append(f"EXISTS (SELECT 1 FROM mention_agglomerations ma_f WHERE ma_f.mention_id = {m}.mention_id "
                         f"AND ma_f.agglomeration_id IN ({_marks(self.agglomerations)}))")
            params += list(self.agglomerations)
        if self.statuses:
            where.append(f"{m}.status IN ({_marks(self.statuses)})")
            params += list(self.statuses)
        if self.stages:
            where.append(f"{m}.stage IN ({_marks(self.stages)})")
            params += list(self.stages)
        return where, params


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


_TAXONOMY: Any = None
_GAZETTEER: Any = None


def _default_taxonomy() -> Any:
    global _TAXONOMY
    if _TAXONOMY is None:
        from policytext.lexicons.taxonomy import Taxonomy

        _TAXONOMY = Taxonomy.load()
    return _TAXONOMY


def _default_gazetteer() -> Any:
    global _GAZETTEER
    if _GAZETTEER is None:
        from policytext.lexicons.gazetteer import Gazetteer

        _GAZETTEER = Gazetteer.load()
    return _GAZETTEER


# ----------------------------------------------------------------------------- queries


def mentions(db: str | os.PathLike[str] | Store, *, kind: str = "mechanism", types: Any = None,
             agglomerations: Any = None, since: str | int | None = None, until: str | int | None = None,
             status: Any = None, stage: Any = None, doc_type: Any = None, limit: int | None = None) -> pd.DataFrame:
    """Stored mentions of one kind with their provenance, oldest document first.

    Args:
        db: a store or its path (opened read-only).
        kind: ``mechanism`` | ``measure`` | ``agglomeration``.
        types: mechanism type ids or names (for ``agglomeration`` mentions: agglomeration ids).
        agglomerations: ids, names or aliases; a mention matches when linked to one of them.
        since, until: inclusive date bounds (YYYY, YYYY-MM or YYYY-MM-DD).
        status, stage, doc_type: allowed values (see :data:`STATUSES`, :data:`STAGES`, :data:`DOC_TYPES`).
        limit: at most this many rows.

    Returns:
        One row per mention, columns :data:`MENTION_COLUMNS`.
    """
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: choose from {', '.join(KINDS)}")
    with _Borrowed(db) as store:
        if kind == "agglomeration":
            f = Filters.make(store, agglomerations=agglomerations, since=since, until=until, doc_type=doc_type)
            agg_types = resolve_agglomerations(types, store=store)
            where, params = f.document_sql()
            if f.agglomerations or agg_types:
                ids = list(f.agglomerations) + agg_types
                where.append(f"m.type IN ({_marks(ids)})")
                params += ids
        else:
            f = Filters.make(store, types=types, agglomerations=agglomerations, since=since, until=until,
                             status=status, stage=stage, doc_type=doc_type)
            where, params = f.mention_sql()
        sql = f"""
            SELECT m.doc_id, d.filename AS document, d.title, d.date, d.year, d.doc_type, m.page,
                   m.sentence_idx, m.start, m."end", m.kind, m.type, m.text, m.status, m.stage,
                   m.domains_json, m.agglomerations_json, m.score, m.source, s.text AS sentence, m.mention_id,
                   m.taxonomy_version, m.gazetteer_version, m.model_version
            FROM mentions m
            JOIN documents d ON d.doc_id = m.doc_id
            LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.idx = m.sentence_idx
            WHERE m.deleted = 0 AND m.kind = ? {''.join(' AND ' + w for w in where)}
            ORDER BY d.date, m.doc_id, m.start, m."end", m.type, m.mention_id
            {'LIMIT ?' if limit is not None else ''}"""
        args = [kind, *params] + ([int(limit)] if limit is not None else [])
        rows = store.rows(sql, args)
    tx = _default_taxonomy()
    for r in rows:
        r["domains"] = json.loads(r.pop("domains_json") or "[]")
        r["agglomerations"] = json.loads(r.pop("agglomerations_json") or "[]")
        t = tx.get(r["type"]) if kind == "mechanism" else None
        r["type_zh"] = t.zh if t is not None else None
    return _frame(rows, MENTION_COLUMNS)


def mechanisms(db: str | os.PathLike[str] | Store, **filters: Any) -> pd.DataFrame:
    """Mechanism mentions (see :func:`mentions` for the filters).

    >>> mechanisms("corpus.db", types="eco_compensation", agglomerations="长三角",
    ...            since=2018, until=2022, status="established")             # doctest: +SKIP
    """
    return mentions(db, kind="mechanism", **filters)


def documents(db: str | os.PathLike[str] | Store, *, agglomerations: Any = None, doc_type: Any = None,
              since: str | int | None = None, until: str | int | None = None, types: Any = None,
              limit: int | None = None) -> pd.DataFrame:
    """Stored documents with their metadata and agglomerations, oldest first.

    Args:
        agglomerations: keep documents that mention one of these groups (ids, names, aliases).
        doc_type: ``official | plan | article | news | other`` (one or several).
        since, until: inclusive date bounds.
        types: keep documents with at least one mechanism mention of these types.
        limit: at most this many rows.

    Returns:
        Columns :data:`DOCUMENT_COLUMNS`; ``agglomerations`` is a list of ids.
    """
    with _Borrowed(db) as store:
        f = Filters.make(store, agglomerations=agglomerations, doc_type=doc_type, since=since, until=until,
                         types=types)
        where, params = f.document_sql()
        if f.agglomerations:
            where.append(f"EXISTS (SELECT 1 FROM document_agglomerations da WHERE da.doc_id = d.doc_id "
                         f"AND da.agglomeration_id IN ({_marks(f.agglomerations)}))")
            params += list(f.agglomerations)
        if f.types:
            where.append(f"EXISTS (SELECT 1 FROM mentions mt WHERE mt.doc_id = d.doc_id AND mt.kind = 'mechanism' "
                         f"AND mt.deleted = 0 AND mt.type IN ({_marks(f.types)}))")
            params += list(f.types)
        sql = f"""
            SELECT d.doc_id, d.filename AS document, d.path, d.title, d.date, d.year, d.date_source, d.doc_type,
                   d.doc_number, d.issuer, d.primary_agglomeration, d.n_pages, d.n_chars,
                   (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.doc_id) AS n_sentences,
                   (SELECT COUNT(*) FROM mentions m WHERE m.doc_id = d.doc_id AND m.kind = 'mechanism'
                        AND m.deleted = 0) AS n_mechanisms,
                   d.format
            FROM documents d
            {('WHERE ' + ' AND '.join(where)) if where else ''}
            ORDER BY d.date, d.doc_id
            {'LIMIT ?' if limit is not None else ''}"""
        rows = store.rows(sql, params + ([int(limit)] if limit is not None else []))
        aggs: dict[str, list[str]] = {}
        for r in store.rows("SELECT doc_id, agglomeration_id FROM document_agglomerations "
                            "ORDER BY doc_id, is_primary DESC, count DESC, agglomeration_id"):
            aggs.setdefault(r["doc_id"], []).append(r["agglomeration_id"])
    for r in rows:
        r["agglomerations"] = aggs.get(r["doc_id"], [])
    return _frame(rows, DOCUMENT_COLUMNS)


def agglomerations(db: str | os.PathLike[str] | Store, *, agglomerations: Any = None, doc_type: Any = None,
                   since: str | int | None = None, until: str | int | None = None) -> pd.DataFrame:
    """Agglomerations the store's documents mention, with counts and their first document.

    Returns:
        One row per agglomeration id (columns :data:`AGGLOMERATION_COLUMNS`), most documents first:
        ``documents`` (documents naming it), ``primary_documents`` (documents where it is the main
        one), ``mentions`` (name occurrences), ``mechanisms`` (mechanism mentions linked to it),
        first/last dates and the first document (provenance).
    """
    with _Borrowed(db) as store:
        f = Filters.make(store, agglomerations=agglomerations, doc_type=doc_type, since=since, until=until)
        where, params = f.document_sql()
        if f.agglomerations:
            where.append(f"da.agglomeration_id IN ({_marks(f.agglomerations)})")
            params += list(f.agglomerations)
        cond = ("WHERE " + " AND ".join(where)) if where else ""
        rows = store.rows(
            f"""SELECT da.agglomeration_id AS agglomeration, da.doc_id, da.name, da.kind, da.known, da.count,
                       da.is_primary, d.date, d.filename
                FROM document_agglomerations da JOIN documents d ON d.doc_id = da.doc_id {cond}
                ORDER BY da.agglomeration_id, d.date, da.doc_id""",
            params,
        )
        mwhere, mparams = f.document_sql()
        mech = {
            r["agglomeration_id"]: r["n"]
            for r in store.rows(
                f"""SELECT ma.agglomeration_id, COUNT(*) AS n FROM mention_agglomerations ma
                    JOIN mentions m ON m.mention_id = ma.mention_id JOIN documents d ON d.doc_id = m.doc_id
                    WHERE m.kind = 'mechanism' AND m.deleted = 0 {''.join(' AND ' + w for w in mwhere)}
                    GROUP BY ma.agglomeration_id""",
                mparams,
            )
        }
    gz = _default_gazetteer()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = out.get(r["agglomeration"])
        if a is None:
            entry = gz.get(r["agglomeration"]) if r["known"] else None
            a = out[r["agglomeration"]] = {
                "agglomeration": r["agglomeration"], "name": r["name"], "kind": r["kind"], "known": bool(r["known"]),
                "parent": entry.parent if entry else None, "plan_approved": entry.plan_approved if entry else None,
                "documents": 0, "primary_documents": 0, "mentions": 0, "mechanisms": mech.get(r["agglomeration"], 0),
                "first_date": r["date"], "last_date": r["date"], "first_doc_id": r["doc_id"],
                "first_document": r["filename"],
            }
        a["documents"] += 1
        a["primary_documents"] += int(r["is_primary"])
        a["mentions"] += int(r["count"] or 0)
        if r["date"] is not None and (a["last_date"] is None or r["date"] > a["last_date"]):
            a["last_date"] = r["date"]
    ordered = sorted(out.values(), key=lambda a: (-a["documents"], -a["mentions"], a["agglomeration"]))
    return _frame(ordered, AGGLOMERATION_COLUMNS)


def search(db: str | os.PathLike[str] | Store, text: str, *, limit: int = 50) -> pd.DataFrame:
    """Full-text search over sentences (Chinese substrings work), newest documents first.

    Uses :meth:`Store.search`: every term becomes a quoted FTS5 phrase, so operators or quotes
    in ``text`` are searched for literally, never interpreted. Each hit carries the sentence,
    its neighbours (``before``/``after``), its page and offsets, and the offsets of the first
    literal occurrence of a term (``match_start``/``match_end``, or empty).

    >>> search("corpus.db", "税收分成").iloc[0]["sentence"]                   # doctest: +SKIP
    """
    if limit is not None and limit < 1:
        raise UsageError(f"--limit {limit}: give a positive number")
    terms = [t.strip('"').strip() for t in re.findall(r'"[^"]+"|\S+', text)]
    terms = [t for t in terms if t]
    with _Borrowed(db) as store:
        hits = store.search(text, limit=limit)
        rows: list[dict[str, Any]] = []
        for h in hits:
            near = {r["idx"]: r["text"] for r in store.rows(
                "SELECT idx, text FROM sentences WHERE doc_id = ? AND idx IN (?, ?)",
                (h["doc_id"], h["sentence_idx"] - 1, h["sentence_idx"] + 1))}
            pos = _first_match(h["text"], terms)
            rows.append({
                "doc_id": h["doc_id"], "document": os.path.basename(h["path"] or ""), "title": h["title"],
                "date": h["date"], "page": h["page"], "sentence_idx": h["sentence_idx"], "start": h["start"],
                "end": h["end"], "match_start": h["start"] + pos[0] if pos else None,
                "match_end": h["start"] + pos[1] if pos else None,
                "before": near.get(h["sentence_idx"] - 1), "sentence": h["text"], "after": near.get(h["sentence_idx"] + 1),
            })
    return _frame(rows, SEARCH_COLUMNS)


def _first_match(sentence: str, terms: Sequence[str]) -> tuple[int, int] | None:
    low = sentence.lower()
    found = [(low.find(t.lower()), len(t)) for t in terms]
    found = [(i, n) for i, n in found if i >= 0]
    if not found:
        return None
    i, n = min(found)
    return i, i + n


# ----------------------------------------------------------------------------- read-only SQL

_DENIED = {
    getattr(sqlite3, name)
    for name in (
        "SQLITE_ATTACH", "SQLITE_DETACH", "SQLITE_INSERT", "SQLITE_DELETE", "SQLITE_ALTER_TABLE", "SQLITE_REINDEX",
        "SQLITE_ANALYZE", "SQLITE_CREATE_INDEX", "SQLITE_CREATE_TABLE", "SQLITE_CREATE_TEMP_INDEX",
        "SQLITE_CREATE_TEMP_TABLE", "SQLITE_CREATE_TEMP_TRIGGER", "SQLITE_CREATE_TEMP_VIEW", "SQLITE_CREATE_TRIGGER",
        "SQLITE_CREATE_VIEW", "SQLITE_CREATE_VTABLE", "SQLITE_DROP_INDEX", "SQLITE_DROP_TABLE",
        "SQLITE_DROP_TEMP_INDEX", "SQLITE_DROP_TEMP_TABLE", "SQLITE_DROP_TEMP_TRIGGER", "SQLITE_DROP_TEMP_VIEW",
        "SQLITE_DROP_TRIGGER", "SQLITE_DROP_VIEW", "SQLITE_DROP_VTABLE", "SQLITE_SAVEPOINT",
    )
    if hasattr(sqlite3, name)
}


def _authorizer(action: int, arg1: str | None, arg2: str | None, dbname: str | None, source: str | None) -> int:
    if action in _DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and arg2 in {"load_extension", "writefile", "readfile", "edit"}:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def sql(db: str | os.PathLike[str], statement: str, params: Sequence[Any] | dict[str, Any] = (), *,
        limit: int | None = None) -> pd.DataFrame:
    """Run one SQL statement on a read-only connection and return its rows.

    Read-only by construction: the database is opened with ``mode=ro`` (SQLite itself refuses
    every write), and an authorizer also refuses what a read-only file still allows (``ATTACH``,
    which creates files, ``VACUUM INTO``, temporary tables and extension loading).

    Args:
        db: the store path (always reopened read-only, even when a writable store exists).
        statement: one SQL statement.
        params: values for ``?`` or ``:name`` placeholders.
        limit: keep at most this many rows.

    Raises:
        UsageError: the statement writes, is not valid SQL, or holds more than one statement.
    """
    path = db.path if isinstance(db, Store) else db
    with Store(path, readonly=True) as store:
        conn = store.conn
        conn.execute("PRAGMA query_only = ON")
        conn.set_authorizer(_authorizer)
        try:
            cur = conn.execute(statement, params)
            rows = cur.fetchmany(limit) if limit is not None else cur.fetchall()
            columns = [c[0] for c in cur.description or []]
        except sqlite3.Warning as exc:  # pragma: no cover - older Pythons
            raise UsageError(f"sql: {exc}; run one statement at a time") from exc
        except sqlite3.ProgrammingError as exc:
            raise UsageError(f"sql: {exc}; run one statement at a time") from exc
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if "readonly" in message or "not authorized" in message or "read-only" in message or "query_only" in message:
                raise UsageError(f"sql is read-only: the statement was refused ({message}); "
                                 "write queries (INSERT, UPDATE, DELETE, CREATE, ATTACH, VACUUM INTO …) are not allowed") from exc
            raise UsageError(f"sql: {message}; check the statement (tables: documents, sentences, mentions, "
                             "mention_agglomerations, document_agglomerations, pages, annotations, runs, failures)") from exc
        finally:
            conn.set_authorizer(None)
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


# ----------------------------------------------------------------------------- helpers


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` in that order (object dtype kept for text and lists)."""
    df = pd.DataFrame(rows, columns=list(columns))
    for col in df.columns:
        if df[col].dtype == float and col in {"year", "page", "sentence_idx", "start", "end", "match_start",
                                             "match_end", "n_pages", "n_chars"}:
            df[col] = df[col].astype("Int64")
    return df
