"""Read-only SQL for users (``policytext sql``): one statement on a connection that cannot write.

Read-only by construction: the database is opened with ``mode=ro`` and an authorizer refuses
what a read-only file still allows (``ATTACH``, ``VACUUM INTO``, temporary objects, extensions).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
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


#: What a statement can read, named in error messages.
_TABLES = (
    "views: documents, sentences, mentions, pages, document_list, mechanism_links, sentence_search; "
    "tables: mention_agglomerations, document_agglomerations, document_paths, annotations, runs, failures, "
    "sentences_fts"
)

#: Default bounds of one ``sql`` statement (``--timeout``, ``--max-steps``).
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_STEPS = 2_000_000_000
#: The progress handler runs every this many SQLite virtual-machine instructions.
PROGRESS_EVERY = 10_000


class _Guard:
    """SQLite progress handler: stop the statement past a deadline, a step budget, or on Ctrl-C.

    Returning non-zero makes SQLite abort the statement (``OperationalError: interrupted``);
    ``stopped`` says why. While the statement runs, SIGINT (Ctrl-C) only sets a flag (see
    :meth:`on_sigint`): a ``KeyboardInterrupt`` raised inside the callback would be swallowed
    by the sqlite3 module.
    """

    def __init__(self, timeout: float | None, max_steps: int | None) -> None:
        self.deadline = time.monotonic() + timeout if timeout else None
        self.max_calls = max_steps // PROGRESS_EVERY if max_steps else None
        self.calls = 0
        self.stopped = ""

    def on_sigint(self, signum: int, frame: object) -> None:
        """The SIGINT handler while the statement runs: ask the next callback to stop."""
        self.stopped = "interrupt"

    def __call__(self) -> int:
        self.calls += 1
        if self.stopped:
            return 1
        if self.max_calls is not None and self.calls > self.max_calls:
            self.stopped = "steps"
        elif self.deadline is not None and time.monotonic() > self.deadline:
            self.stopped = "timeout"
        return 1 if self.stopped else 0


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
    timeout: float | None = DEFAULT_TIMEOUT,
    max_steps: int | None = DEFAULT_MAX_STEPS,
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
        timeout: seconds the statement may run (None: no limit).
        max_steps: SQLite virtual-machine instructions the statement may execute (None: no limit);
            a recursive CTE without end stops here even on a fast machine.

    Raises:
        UsageError: the statement writes, is not valid SQL, holds more than one statement, or
            went past ``timeout`` or ``max_steps`` (the message names the bound and the option).
        KeyboardInterrupt: Ctrl-C; the statement is stopped inside SQLite at once.
    """
    path = db.path if isinstance(db, Store) else db
    with Store(path, readonly=True) as store:
        conn = store.conn
        conn.execute("PRAGMA query_only = ON")
        conn.set_authorizer(_authorizer)
        guard = _Guard(timeout, max_steps)
        conn.set_progress_handler(guard, PROGRESS_EVERY)
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, guard.on_sigint)
        try:
            cur = conn.execute(statement, params)
            rows = cur.fetchmany(limit) if limit is not None else cur.fetchall()
            columns = [c[0] for c in cur.description or []]
        except sqlite3.OperationalError as exc:
            if guard.stopped == "interrupt":
                raise KeyboardInterrupt from None
            if guard.stopped == "timeout":
                raise UsageError(
                    f"sql: stopped after {timeout:g} s (--timeout); simplify the statement or raise --timeout"
                ) from None
            if guard.stopped == "steps":
                raise UsageError(
                    f"sql: stopped after {max_steps:,} steps (--max-steps); simplify the statement "
                    "(a recursive CTE without an end?) or raise --max-steps"
                ) from None
            if "cannot modify" in str(exc) or "because it is a view" in str(exc):  # a write to a view
                raise UsageError(
                    f"sql is read-only: the statement was refused ({exc}); "
                    "write queries (INSERT, UPDATE, DELETE, CREATE, ATTACH, VACUUM INTO …) are not allowed"
                ) from exc
            raise UsageError(f"sql: {exc}; check the statement ({_TABLES})") from exc
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
            raise UsageError(f"sql: {message}; check the statement ({_TABLES})") from exc
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            conn.set_progress_handler(None, 0)
            conn.set_authorizer(None)
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
