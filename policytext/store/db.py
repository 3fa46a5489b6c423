"""``Store``: the SQLite database behind ``ingest``, ``query``, ``export``, ``report`` and ``serve``.

- WAL mode, foreign keys on, a busy timeout so that two writers cooperate.
- A document, its pages, sentences, full-text index rows, agglomerations and mentions
  are written in ONE transaction: a crash leaves either all of it or none of it.
- Every text is stored once (schema 3, :mod:`policytext.store.schema`): the sentences hold the
  text, the full-text index is contentless; :meth:`Store.compact` rebuilds the index and gives
  back free space, :meth:`Store.check` verifies the file and the index.
- Documents are keyed by the sha256 of the file bytes: the same file twice is stored once.
- Read-only use opens the file with ``mode=ro`` (``sql`` relies on it: writes are
  refused by SQLite itself, not by string checks).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from policytext.errors import StoreBusyError, StoreError
from policytext.store.attributes import pack
from policytext.store.corrections import Correction, apply_correction, link_basis_of, replay
from policytext.store.fts import fts_phrase, fts_tokens, printable, printable_path
from policytext.store.schema import (
    FTS_FROM,
    SCHEMA_VERSION,
    migrate,
    next_sid,
    read_as_current,
    split_text,
    version_set,
)
from policytext.types import Document, Extraction


def now() -> str:
    """UTC time stamp in ISO format, seconds precision."""
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


class Store:
    """An open policytext database.

    Args:
        path: the SQLite file (created and migrated when missing, unless read-only).
        readonly: open with ``mode=ro``; every write then fails inside SQLite.
        timeout: seconds to wait for another writer before giving up.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, readonly: bool = False, timeout: float = 30.0
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(
                        f"{self.path}: no such database; create it with "
                        f"`policytext ingest FOLDER --db {self.path}`"
                    )
                # percent-encoded: a "#" or "?" in the name is part of the path, not of the URI
                uri = f"file:{quote(self.path.resolve().as_posix())}?mode=ro"
                self.conn = sqlite3.connect(
                    uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
                )
            else:
                if self.path.parent and not self.path.parent.exists():
                    raise StoreError(
                        f"{self.path}: folder {self.path.parent} does not exist; create it first"
                    )
                self.conn = sqlite3.connect(
                    self.path, timeout=timeout, isolation_level=None, check_same_thread=False
                )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            #: the schema version of the file as open (read-only: possibly older than SCHEMA_VERSION)
            self.schema_version = SCHEMA_VERSION
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                migrate(self.conn)
            else:
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:
                    raise StoreError(
                        f"{self.path}: not a policytext database (schema version "
                        "0); point --db at a store written by `policytext ingest`"
                    )
                if version < SCHEMA_VERSION:
                    read_as_current(self.conn, version)
                self.schema_version = version
        except sqlite3.DatabaseError as exc:
            folder = self.path.parent if str(self.path.parent) else Path(".")
            if not readonly and not os.access(folder, os.W_OK):
                raise StoreError(
                    f"{self.path}: cannot write to folder {folder} (read-only or no permission); "
                    "choose a writable --db location"
                ) from exc
            if not readonly and self.path.exists() and not os.access(self.path, os.W_OK):
                raise StoreError(
                    f"{self.path}: the database file is read-only; make it writable or choose another --db"
                ) from exc
            raise StoreError(
                f"{self.path}: cannot open the database ({exc}); "
                "check the path, or restore the file from a backup"
            ) from exc
        except RuntimeError as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    # -- context management -------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent)."""
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------
    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusyError(
                    f"{self.path}: another process is writing to this "
                    "database; wait for it to finish or use another --db"
                ) from exc
            raise StoreError(f"{self.path}: {exc}") from exc

    def _write(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self._begin()
        try:
            result = fn(*args, **kwargs)
            self.conn.execute("COMMIT")
            return result
        except BaseException as exc:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            if isinstance(exc, sqlite3.OperationalError) and ("disk" in str(exc) or "full" in str(exc)):
                raise StoreError(
                    f"{self.path}: the disk is full ({exc}); free space and re-run: nothing stored was lost"
                ) from exc
            if isinstance(exc, sqlite3.DatabaseError):
                raise StoreError(
                    f"{self.path}: write failed ({exc}); nothing of this document was stored"
                ) from exc
            if isinstance(exc, UnicodeEncodeError):
                raise StoreError(
                    f"{self.path}: text that cannot be stored as UTF-8 ({exc.reason}); "
                    "nothing of this document was stored"
                ) from exc
            raise

    # -- runs ---------------------------------------------------------------
    def start_run(self, command: str, args: dict[str, Any], versions: dict[str, str]) -> int:
        """Record the start of a run; returns its id."""

        def do() -> int:
            cur = self.conn.execute(
                "INSERT INTO runs (command, args_json, versions_json, started_at) VALUES (?, ?, ?, ?)",
                (
                    command,
                    printable(json.dumps(args, ensure_ascii=False, sort_keys=True, default=str)),
                    json.dumps(versions, sort_keys=True),
                    now(),
                ),
            )
            return int(cur.lastrowid or 0)

        return int(self._write(do))

    def finish_run(
        self, run_id: int, *, stored: int, skipped: int, failed: int, status: str = "done"
    ) -> None:
        """Record the end of a run with its counts."""
        self._write(
            lambda: self.conn.execute(
                "UPDATE runs SET finished_at=?, stored=?, skipped=?, failed=?, status=? WHERE run_id=?",
                (now(), stored, skipped, failed, status, run_id),
            )
        )

    # -- documents ----------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        """Whether a document with this content hash is stored."""
        return self.conn.execute("SELECT 1 FROM doc_rows WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def known_ids(self) -> set[str]:
        """Content hashes of every stored document."""
        return {r[0] for r in self.conn.execute("SELECT doc_id FROM doc_rows")}

    def add_path(self, doc_id: str, path: str, run_id: int | None = None) -> None:
        """Remember another path under which a stored document was found."""
        self._write(
            lambda: self.conn.execute(
                "INSERT OR IGNORE INTO document_paths (doc_id, path, run_id) VALUES (?, ?, ?)",
                (doc_id, printable_path(path), run_id),
            )
        )

    def add_document(
        self,
        doc: Document,
        extraction: Extraction | None = None,
        *,
        fmt: str | None = None,
        run_id: int | None = None,
        replace: bool = False,
    ) -> bool:
        """Store a document with its pages, sentences and extraction in one transaction.

        Returns:
            True when written, False when a document with the same hash was already
            stored and ``replace`` is False.
        """
        return bool(self._write(self._add_document, doc, extraction, fmt, run_id, replace))

    def _add_document(
        self, doc: Document, extraction: Extraction | None, fmt: str | None, run_id: int | None, replace: bool
    ) -> bool:
        c = self.conn
        path = printable_path(doc.path)
        if c.execute("SELECT 1 FROM doc_rows WHERE doc_id=?", (doc.doc_id,)).fetchone():
            if not replace:
                c.execute(
                    "INSERT OR IGNORE INTO document_paths (doc_id, path, run_id) VALUES (?, ?, ?)",
                    (doc.doc_id, path, run_id),
                )
                return False
            kept = [
                dict(r)
                for r in c.execute(
                    "SELECT * FROM annotations WHERE doc_id=? ORDER BY annotation_id", (doc.doc_id,)
                )
            ]
            # the other paths the same bytes were found under survive the re-read (the old
            # main path among them when the file is now read from another copy)
            other_paths = [
                (r[0], r[1])
                for r in c.execute(
                    "SELECT path, run_id FROM document_paths WHERE doc_id=? "
                    "UNION SELECT path, run_id FROM doc_rows WHERE doc_id=?",
                    (doc.doc_id, doc.doc_id),
                )
                if r[0] != path
            ]
            self._delete_document(doc.doc_id)
        else:
            kept, other_paths = [], []
        ex = extraction or Extraction()
        m = doc.meta
        year = int(m.date[:4]) if m.date and m.date[:4].isdigit() else None
        ordered = sorted(doc.sentences, key=lambda s: s.index)
        # the text is kept as the sentences and the gaps between them; whole only when they do not tile it
        split = split_text(doc.text, [(s.index, s.start, s.end, s.text) for s in ordered])
        leads, tail = split if split is not None else ([""] * len(ordered), "")
        # sentence ids (the full-text index's row ids) are first_sid + index, assigned here: the
        # write lock is held, so sentences and their index rows go in as two batched statements
        first_sid = next_sid(c)
        cur = c.execute(
            """INSERT INTO doc_rows (doc_id, path, filename, size, format, engine, encoding, title, date,
                date_source, year, doc_number, issuer, doc_type, primary_agglomeration, n_pages, n_chars,
                converted, text, tail, original_text, meta_json, warnings_json, versions_json, run_id,
                ingested_at, first_sid)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                doc.doc_id,
                path,
                Path(path).name,
                doc.size,
                fmt,
                doc.engine,
                doc.encoding,
                m.title,
                m.date,
                m.date_source,
                year,
                m.doc_number,
                m.issuer,
                m.doc_type,
                ex.primary_agglomeration,
                len(doc.pages),
                len(doc.text),
                int(doc.original_text != doc.text),
                doc.text if split is None else None,
                tail,
                doc.original_text if doc.original_text != doc.text else None,
                json.dumps({"sources": m.sources, **doc.reading}, ensure_ascii=False, sort_keys=True),
                json.dumps(doc.warnings, ensure_ascii=False),
                json.dumps(ex.versions, sort_keys=True),
                run_id,
                now(),
                first_sid,
            ),
        )
        key = int(cur.lastrowid or 0)
        c.execute(
            "INSERT OR IGNORE INTO document_paths (doc_id, path, run_id) VALUES (?, ?, ?)",
            (doc.doc_id, path, run_id),
        )
        c.executemany(
            'INSERT INTO page_rows (doc, number, start, "end") VALUES (?, ?, ?, ?)',
            [(key, p.number, p.start, p.end) for p in doc.pages],
        )
        boiler = set(ex.boilerplate)
        c.executemany(
            'INSERT INTO sentence_rows (doc, idx, start, "end", page, boilerplate, lead, text) '
            "VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    key,
                    s.index,
                    s.start,
                    s.end,
                    s.page,
                    int(s.index in boiler),
                    leads[i],
                    s.text,
                )
                for i, s in enumerate(ordered)
            ],
        )
        c.executemany(
            "INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)",
            [(first_sid + s.index, fts_tokens(s.text)) for s in ordered],
        )
        c.executemany(
            "INSERT INTO document_agglomerations (doc_id, agglomeration_id, "
            "name, kind, known, count, is_primary) VALUES (?,?,?,?,?,?,?)",
            [
                (
                    doc.doc_id,
                    a.id,
                    a.name,
                    a.kind,
                    int(a.known),
                    a.count,
                    int(a.id == ex.primary_agglomeration),
                )
                for a in ex.agglomerations
            ],
        )
        versions = version_set(c, ex.versions) if ex.mentions else None
        doc_aggs = {a.id: {"name": a.name, "kind": a.kind, "known": int(a.known)} for a in ex.agglomerations}
        for mn in ex.mentions:
            attrs = mn.attributes or {}
            aggs = list(attrs.get("agglomerations") or [])
            columns = {
                "status": attrs.get("status"),
                "stage": attrs.get("stage"),
                "domains_json": json.dumps(attrs.get("domains") or [], ensure_ascii=False),
                "agglomerations_json": json.dumps(aggs, ensure_ascii=False),
                "link_basis": link_basis_of(attrs, aggs),
            }
            keys, extra = pack(attrs, columns, doc_aggs.get(mn.type))
            cur = c.execute(
                """INSERT INTO mention_rows (doc, kind, type, text, sentence_idx, start, "end", page, score,
                    source, status, stage, domains_json, agglomerations_json, attribute_keys, extra_json,
                    versions, run_id, link_basis)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    key,
                    mn.kind,
                    mn.type,
                    mn.text,
                    mn.sentence_index,
                    mn.start,
                    mn.end,
                    mn.page,
                    mn.score,
                    mn.source,
                    columns["status"],
                    columns["stage"],
                    columns["domains_json"],
                    columns["agglomerations_json"],
                    keys,
                    extra,
                    versions,
                    run_id,
                    columns["link_basis"],
                ),
            )
            if aggs:
                c.executemany(
                    "INSERT OR IGNORE INTO mention_agglomerations "
                    "(mention_id, agglomeration_id) VALUES (?, ?)",
                    [(cur.lastrowid, a) for a in aggs],
                )
        c.execute("DELETE FROM failures WHERE path=?", (path,))
        c.executemany(
            "INSERT OR IGNORE INTO document_paths (doc_id, path, run_id) VALUES (?, ?, ?)",
            [(doc.doc_id, p, r) for p, r in other_paths],
        )
        if kept:
            self._reapply_annotations(doc.doc_id, kept)
        return True

    def _delete_document(self, doc_id: str) -> None:
        """Delete a document and everything of it (its rows cascade); its index rows first.

        The index is contentless, so each sentence's index row is deleted by giving the tokens it
        was indexed with (the same :func:`fts_tokens` of the same text)."""
        c = self.conn
        c.executemany(
            "INSERT INTO sentences_fts (sentences_fts, rowid, tokens) VALUES ('delete', ?, ?)",
            [
                (sid, fts_tokens(text))
                for sid, text in c.execute(
                    f"SELECT sid, text FROM ({self.sentence_ids_sql}) WHERE doc_id = ?", (doc_id,)
                ).fetchall()
            ],
        )
        c.execute("DELETE FROM doc_rows WHERE doc_id=?", (doc_id,))

    def _reapply_annotations(self, doc_id: str, kept: list[dict[str, Any]]) -> None:
        """Carry hand corrections over a re-ingest of the same document (same hash, so the
        same sentences): each one is re-applied to the new mentions by
        :func:`~policytext.store.corrections.apply_correction`, in its original order, and its
        row is kept with its id, annotator and time."""
        replay(self.conn, kept)

    def replace_extraction(self, doc_id: str, extraction: Extraction, *, run_id: int | None = None) -> None:
        """Replace the agglomerations and machine mentions of a stored document (re-extraction)."""
        doc = self.load_document(doc_id)
        if doc is None:
            raise StoreError(f"no document {doc_id} in {self.path}")
        self._write(self._add_document, doc, extraction, None, run_id, True)

    def add_failure(
        self, path: str, reason: str, message: str, *, sha256: str | None = None, run_id: int | None = None
    ) -> None:
        """Record (or update) the failure of one input file."""
        self._write(
            lambda: self.conn.execute(
                """INSERT INTO failures (path, sha256, reason, message, run_id,
                    failed_at) VALUES (?,?,?,?,?,?)
                   ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, reason=excluded.reason,
                   message=excluded.message, run_id=excluded.run_id, failed_at=excluded.failed_at""",
                (printable_path(path), sha256, reason, printable_path(message), run_id, now()),
            )
        )

    # -- reading ------------------------------------------------------------
    def load_document(self, doc_id: str) -> Document | None:
        """Rebuild a :class:`Document` from the store (text, pages, sentences, metadata)."""
        from policytext.types import Metadata, Page, Sentence

        row = self.conn.execute("SELECT * FROM doc_rows WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        pages = [
            Page(r["number"], r["start"], r["end"])
            for r in self.conn.execute(
                'SELECT number, start, "end" FROM page_rows WHERE doc=? ORDER BY number', (row["id"],)
            )
        ]
        rows = self.conn.execute(
            'SELECT idx, start, "end", text, page, lead FROM sentence_rows WHERE doc=? ORDER BY idx',
            (row["id"],),
        ).fetchall()
        sents = [Sentence(r["idx"], r["start"], r["end"], r["text"], r["page"]) for r in rows]
        text = row["text"]
        if text is None:
            text = "".join(r["lead"] + r["text"] for r in rows) + row["tail"]
        meta_json = json.loads(row["meta_json"] or "{}")
        meta = Metadata(
            title=row["title"],
            date=row["date"],
            date_source=row["date_source"],
            doc_number=row["doc_number"],
            issuer=row["issuer"],
            doc_type=row["doc_type"],
            sources=meta_json.get("sources", {}),
        )
        return Document(
            doc_id=row["doc_id"],
            path=row["path"],
            text=text,
            original_text=row["original_text"] or text,
            pages=pages,
            sentences=sents,
            meta=meta,
            engine=row["engine"] or "",
            encoding=row["encoding"],
            size=row["size"],
            warnings=json.loads(row["warnings_json"] or "[]"),
            reading={k: v for k, v in meta_json.items() if k != "sources"},
        )

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Run one SQL statement (parameters bound, never spliced)."""
        return self.conn.execute(sql, params)

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Run a query and return plain dict rows."""
        return [dict(r) for r in self.conn.execute(sql, params)]

    def iter_documents(self) -> Iterator[sqlite3.Row]:
        """All document rows, oldest date first."""
        yield from self.conn.execute("SELECT * FROM documents ORDER BY date, doc_id")

    def stored_agglomeration_id(self, name: str) -> str | None:
        """The id of an agglomeration the store's documents name, by id or stored name (unlisted groups)."""
        row = self.conn.execute(
            "SELECT agglomeration_id FROM document_agglomerations "
            "WHERE agglomeration_id = ? OR name = ? LIMIT 1",
            (name, name),
        ).fetchone()
        return str(row[0]) if row else None

    def vocabularies(self) -> dict[str, list[str]]:
        """The statuses, stages and document types the store holds (filters accept them besides the
        taxonomy's, so a store written with another taxonomy stays queryable)."""
        return {
            "status": [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT status FROM mention_rows WHERE status IS NOT NULL ORDER BY status"
                )
            ],
            "stage": [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT stage FROM mention_rows WHERE stage IS NOT NULL ORDER BY stage"
                )
            ],
            "doc_type": [
                r[0] for r in self.conn.execute("SELECT DISTINCT doc_type FROM doc_rows ORDER BY doc_type")
            ],
        }

    def info(self) -> dict[str, Any]:
        """What is stored: counts, failures by reason, last runs, versions."""
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        failures = self.rows("SELECT reason, COUNT(*) AS n FROM failures GROUP BY reason ORDER BY n DESC")
        runs = self.rows(
            "SELECT run_id, command, started_at, finished_at, stored, skipped, "
            "failed, status, versions_json FROM runs ORDER BY run_id DESC LIMIT 5"
        )
        return {
            "path": str(self.path),
            "schema_version": self.conn.execute("PRAGMA user_version").fetchone()[0],
            "documents": one("SELECT COUNT(*) FROM doc_rows"),
            "pages": one("SELECT COUNT(*) FROM page_rows"),
            "sentences": one("SELECT COUNT(*) FROM sentence_rows"),
            "characters": one("SELECT COALESCE(SUM(n_chars), 0) FROM doc_rows"),
            "mentions": {
                r["kind"]: r["n"]
                for r in self.rows(
                    "SELECT kind, COUNT(*) AS n FROM mention_rows WHERE deleted=0 GROUP BY kind"
                )
            },
            "doc_types": {
                r["doc_type"]: r["n"]
                for r in self.rows("SELECT doc_type, COUNT(*) AS n FROM doc_rows GROUP BY doc_type")
            },
            "failures": {r["reason"]: r["n"] for r in failures},
            "failed_files": self.rows("SELECT path, reason, message FROM failures ORDER BY path"),
            "runs": runs,
            "versions": json.loads(runs[0]["versions_json"]) if runs else {},
        }

    # -- the full-text index's row ids ---------------------------------------
    @property
    def sentence_ids_sql(self) -> str:
        """SQL of every sentence's id in the full-text index: ``(sid, doc_id, text)``.

        From schema 4 the id is ``doc_rows.first_sid + sentence_rows.idx``; an older store read
        as it is (read-only) has ``sentence_rows.sid``.
        """
        if self.schema_version >= 4:
            return (
                "SELECT d.first_sid + s.idx AS sid, d.doc_id, s.text "
                "FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc"
            )
        return "SELECT s.sid, d.doc_id, s.text FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc"

    @property
    def fts_from(self) -> str:
        """``FROM`` the full-text index ``f`` joined to its sentence ``s`` and document ``d``
        (:data:`~policytext.store.schema.FTS_FROM` from schema 4; by ``sid`` in an older store)."""
        if self.schema_version >= 4:
            return FTS_FROM
        return "FROM sentences_fts f JOIN sentence_rows s ON s.sid = f.rowid JOIN doc_rows d ON d.id = s.doc"

    # -- maintenance --------------------------------------------------------
    def file_bytes(self) -> int:
        """The size of the store on disk: the database file with its write-ahead log."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def compact(self) -> dict[str, int]:
        """Rebuild the full-text index from the sentences, merge it, and give back free space.

        Run after a migration, many re-ingests or deletions (``policytext compact``). The index
        is rebuilt inside one write transaction (a crash leaves the old one); ``VACUUM`` then
        rewrites the file without its free pages.

        Returns:
            ``{"before": bytes, "after": bytes}`` on disk.

        Raises:
            StoreError: a read-only store, or another process writing.
        """
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only; compact needs write access")
        before = self.file_bytes()
        c = self.conn

        def rebuild() -> None:
            c.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('delete-all')")
            source = c.cursor().execute(f"SELECT sid, text FROM ({self.sentence_ids_sql}) ORDER BY sid")
            c.executemany(
                "INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)",
                ((sid, fts_tokens(text)) for sid, text in source),
            )
            c.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('optimize')")

        self._write(rebuild)
        try:
            c.execute("VACUUM")
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"{self.path}: the index was rebuilt but VACUUM failed ({exc}); "
                "free disk space (VACUUM needs about the store's size) and run compact again"
            ) from exc
        return {"before": before, "after": self.file_bytes()}

    def check(self, *, sample: int | None = 200) -> list[str]:
        """Verify the store; returns the problems found (empty: all good).

        Checks SQLite's ``PRAGMA integrity_check`` and ``foreign_key_check``, the full-text index's
        own ``integrity-check``, that the index holds exactly one row per sentence, and that each
        sampled sentence is found by a search for its own text (``sample=None``: every sentence).
        """
        c = self.conn
        problems = [f"integrity_check: {r[0]}" for r in c.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [
            f"foreign key: a row of {r[0]} (rowid {r[1]}) points at a missing {r[2]}"
            for r in c.execute("PRAGMA foreign_key_check")
        ]
        try:
            c.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc):
                problems.append(f"full-text index: {exc}")
        n_index = c.execute("SELECT COUNT(*) FROM sentences_fts").fetchone()[0]
        n_sent = c.execute("SELECT COUNT(*) FROM sentence_rows").fetchone()[0]
        if n_index != n_sent:
            problems.append(f"full-text index: {n_index} rows for {n_sent} sentences; run compact")
        stray = c.execute(
            "SELECT COUNT(*) FROM (SELECT rowid FROM sentences_fts "
            f"EXCEPT SELECT sid FROM ({self.sentence_ids_sql}))"
        ).fetchone()[0]
        if stray:
            problems.append(f"full-text index: {stray} rows of no sentence; run compact")
        step = 1 if sample is None else max(1, n_sent // max(1, sample))
        missed = 0
        for sid, text in c.execute(
            f"SELECT sid, text FROM ({self.sentence_ids_sql}) WHERE sid % ? = 0 ORDER BY sid", (step,)
        ).fetchall():
            # one phrase of its first whole tokens (a word cut in two would be another token)
            q = fts_phrase([w for w in fts_tokens(text).split()[:16] if any(ch.isalnum() for ch in w)])
            if (
                q
                and c.execute(
                    "SELECT 1 FROM sentences_fts WHERE sentences_fts MATCH ? AND rowid = ?", (q, sid)
                ).fetchone()
                is None
            ):
                missed += 1
        if missed:
            problems.append(f"full-text index: {missed} sentences not found by their own text; run compact")
        return problems

    # -- annotations (web) --------------------------------------------------
    # Corrections by hand (``policytext serve --edit``): each one is a row of
    # ``annotations`` and, in the same transaction, an update of the mention it corrects.

    def correct_mention(
        self,
        mention_id: int,
        *,
        action: str,
        annotator: str,
        type: str | None = None,
        status: str | None = None,
        note: str | None = None,
        source: str = "web",
    ) -> int:
        """Correct one mention by hand and record it in ``annotations``; returns the annotation id.

        Args:
            mention_id: the mention corrected.
            action: ``set`` (change its type and/or status) or ``delete`` (a false one:
                the row is kept and marked ``deleted``).
            annotator: who made the correction.
            type, status: the new values for ``set`` (None keeps the old value).

        Raises:
            StoreError: unknown mention, wrong action, or a read-only store.
        """
        if action not in {"set", "delete"}:
            raise StoreError(f"annotation action {action!r}: choose set or delete")
        if not annotator.strip():
            raise StoreError("an annotation needs an annotator name; pass --annotator NAME")

        def do() -> int:
            row = self.conn.execute(
                "SELECT d.doc_id, m.sentence_idx, m.type, m.status, m.stage, m.deleted FROM mention_rows m "
                "JOIN doc_rows d ON d.id = m.doc WHERE m.mention_id=?",
                (mention_id,),
            ).fetchone()
            if row is None or row["deleted"]:
                raise StoreError(
                    f"no mention {mention_id} in {self.path} (deleted, "
                    "or re-ingested meanwhile); reload the page"
                )
            return apply_correction(
                self.conn,
                Correction(
                    doc_id=row["doc_id"],
                    sentence_idx=row["sentence_idx"] if row["sentence_idx"] is not None else -1,
                    action=action,
                    annotator=annotator,
                    type=(type or row["type"]) if action == "set" else None,
                    status=(status or row["status"]) if action == "set" else None,
                    stage=row["stage"],
                    old_type=row["type"],
                    old_status=row["status"],
                    mention_id=mention_id,
                    source=source,
                    note=note,
                ),
            )

        return int(self._write_annotation(do))

    def add_sentence_mechanism(
        self,
        doc_id: str,
        sentence_idx: int,
        *,
        type: str,
        status: str | None,
        annotator: str,
        note: str | None = None,
        source: str = "web",
    ) -> int:
        """Add a mechanism the extractor missed to a whole sentence; returns the annotation id.

        The new mention spans the sentence and has ``source = 'annotation'``.
        """
        if not annotator.strip():
            raise StoreError("an annotation needs an annotator name; pass --annotator NAME")

        def do() -> int:
            return apply_correction(
                self.conn,
                Correction(
                    doc_id=doc_id,
                    sentence_idx=sentence_idx,
                    action="add",
                    annotator=annotator,
                    type=type,
                    status=status,
                    source=source,
                    note=note,
                ),
            )

        return int(self._write_annotation(do))

    def locate_sentence(
        self, text: str, *, doc_id: str | None = None, idx: int | None = None
    ) -> tuple[str, int] | None:
        """The stored sentence an imported line refers to: by (doc_id, idx) when its text matches, else
        the first sentence with exactly this text; None when the store has no such sentence."""
        if doc_id and idx is not None:
            r = self.conn.execute(
                "SELECT s.text FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc "
                "WHERE d.doc_id = ? AND s.idx = ?",
                (doc_id, idx),
            ).fetchone()
            if r is not None and r[0].strip() == text.strip():
                return doc_id, idx
        r = self.conn.execute(
            "SELECT d.doc_id, s.idx FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc WHERE s.text = ? "
            "ORDER BY d.doc_id, s.idx LIMIT 1",
            (text,),
        ).fetchone()
        return (str(r[0]), int(r[1])) if r is not None else None

    def sentence_mechanisms(self, doc_id: str, idx: int) -> list[dict[str, Any]]:
        """The current (corrected, not deleted) mechanism mentions of one sentence, oldest first."""
        return self.rows(
            "SELECT mention_id, type, status, stage FROM mention_rows "
            "WHERE doc = (SELECT id FROM doc_rows WHERE doc_id = ?) AND sentence_idx = ? "
            "AND kind = 'mechanism' AND deleted = 0 ORDER BY mention_id",
            (doc_id, idx),
        )

    def apply_corrections(self, corrections: Sequence[Correction]) -> list[int]:
        """Apply several corrections in ONE transaction "
        "(``import-annotations``); returns their annotation ids."""
        return list(self._write_annotation(lambda: [apply_correction(self.conn, c) for c in corrections]))

    def _write_annotation(self, fn: Any) -> Any:
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only; corrections need `policytext serve --edit`")
        return self._write(fn)

    def annotations(self, *, doc_id: str | None = None) -> list[dict[str, Any]]:
        """Corrections by hand, oldest first (optionally of one document)."""
        where, params = ("WHERE a.doc_id=?", (doc_id,)) if doc_id else ("", ())
        return self.rows(
            f"""SELECT a.*, s.text AS sentence FROM annotations a
                LEFT JOIN doc_rows d ON d.doc_id = a.doc_id
                LEFT JOIN sentence_rows s ON s.doc = d.id AND s.idx = a.sentence_idx
                {where} ORDER BY a.annotation_id""",
            params,
        )
