"""Read-only SQL for users (``policytext sql``): one statement on a connection that cannot write.

Read-only by construction: the database is opened with ``mode=ro`` and an authorizer refuses
what a read-only file still allows (``ATTACH``, ``VACUUM INTO``, temporary objects, extensions).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.store.db import Store

_DENIED = {
    getattr(sqlite3, name)
    for name in (
        "SQLITE_ATTACH",
        "SQLITE_DETACH",
        "SQLITE_INSERT",
        "SQLITE_DELETE",
        "SQLITE_ALTER_TABLE",
        "SQLITE_REINDEX",
        "SQLITE_ANALYZE",
        "SQLITE_CREATE_INDEX",
        "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_TEMP_INDEX",
        "SQLITE_CREATE_TEMP_TABLE",
        "SQLITE_CREATE_TEMP_TRIGGER",
        "SQLITE_CREATE_TEMP_VIEW",
        "SQLITE_CREATE_TRIGGER",
        "SQLITE_CREATE_VIEW",
        "SQLITE_CREATE_VTABLE",
        "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TABLE",
        "SQLITE_DROP_TEMP_INDEX",
        "SQLITE_DROP_TEMP_TABLE",
        "SQLITE_DROP_TEMP_TRIGGER",
        "SQLITE_DROP_TEMP_VIEW",
        "SQLITE_DROP_TRIGGER",
        "SQLITE_DROP_VIEW",
        "SQLITE_DROP_VTABLE",
        "SQLITE_SAVEPOINT",
    )
    if hasattr(sqlite3, name)
}


def _authorizer(
    action: int, arg1: str | None, arg2: str | None, dbname: str | None, source: str | None
) -> int:
    if action in _DENIED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and arg2 in {"load_extension", "writefile", "readfile", "edit"}:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def sql(
    db: str | os.PathLike[str],
    statement: str,
    params: Sequence[Any] | dict[str, Any] = (),
    *,
    limit: int | None = None,
) -> pd.DataFrame:
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
            if (
                "readonly" in message
                or "not authorized" in message
                or "read-only" in message
                or "query_only" in message
            ):
                raise UsageError(
                    f"sql is read-only: the statement was refused ({message}); "
                    "write queries (INSERT, UPDATE, DELETE, CREATE, ATTACH, VACUUM INTO …) are not allowed"
                ) from exc
            raise UsageError(
                f"sql: {message}; check the statement (tables: documents, sentences, mentions, "
                "mention_agglomerations, document_agglomerations, pages, annotations, runs, failures)"
            ) from exc
        finally:
            conn.set_authorizer(None)
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
