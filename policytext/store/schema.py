"""Store schema and ordered migrations (``PRAGMA user_version``).

Each migration runs in its own transaction; the version is bumped in the same
transaction, so a store is always at a well-defined version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    args_json TEXT NOT NULL DEFAULT '{}',
    versions_json TEXT NOT NULL DEFAULT '{}',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    stored INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'running'
);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    format TEXT,
    engine TEXT,
    encoding TEXT,
    title TEXT,
    date TEXT,
    date_source TEXT,
    year INTEGER,
    doc_number TEXT,
    issuer TEXT,
    doc_type TEXT NOT NULL DEFAULT 'other',
    primary_agglomeration TEXT,
    n_pages INTEGER NOT NULL DEFAULT 0,
    n_chars INTEGER NOT NULL DEFAULT 0,
    converted INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    original_text TEXT,
    meta_json TEXT NOT NULL DEFAULT '{}',
    warnings_json TEXT NOT NULL DEFAULT '[]',
    versions_json TEXT NOT NULL DEFAULT '{}',
    run_id INTEGER REFERENCES runs(run_id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_type ON documents(doc_type);
CREATE TABLE document_paths (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (doc_id, path)
);
CREATE TABLE pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE sentences (
    sid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER,
    text TEXT NOT NULL,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    UNIQUE (doc_id, idx)
);
CREATE VIRTUAL TABLE sentences_fts USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE document_agglomerations (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    agglomeration_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT,
    known INTEGER NOT NULL DEFAULT 1,
    count INTEGER NOT NULL DEFAULT 0,
    is_primary INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, agglomeration_id)
);
CREATE TABLE mentions (
    mention_id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    sentence_idx INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER,
    score REAL,
    source TEXT,
    status TEXT,
    stage TEXT,
    domains_json TEXT NOT NULL DEFAULT '[]',
    agglomerations_json TEXT NOT NULL DEFAULT '[]',
    attributes_json TEXT NOT NULL DEFAULT '{}',
    taxonomy_version TEXT,
    gazetteer_version TEXT,
    model_version TEXT,
    policytext_version TEXT,
    run_id INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mentions_doc ON mentions(doc_id, kind, type);
CREATE INDEX mentions_type ON mentions(kind, type);
CREATE TABLE mention_agglomerations (
    mention_id INTEGER NOT NULL REFERENCES mentions(mention_id) ON DELETE CASCADE,
    agglomeration_id TEXT NOT NULL,
    PRIMARY KEY (mention_id, agglomeration_id)
);
CREATE INDEX mention_agglomerations_id ON mention_agglomerations(agglomeration_id);
CREATE TABLE annotations (
    annotation_id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    sentence_idx INTEGER NOT NULL,
    mention_id INTEGER,
    action TEXT NOT NULL CHECK (action IN ('add', 'set', 'delete')),
    type TEXT,
    status TEXT,
    stage TEXT,
    old_type TEXT,
    old_status TEXT,
    annotator TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'web',
    created_at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX annotations_sentence ON annotations(doc_id, sentence_idx);
CREATE TABLE failures (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    run_id INTEGER,
    failed_at TEXT NOT NULL
);
"""


def _migrate_1(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1):
        conn.execute(statement)


def _split(script: str) -> list[str]:
    parts = []
    buf: list[str] = []
    for line in script.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            parts.append("\n".join(buf))
            buf = []
    if "".join(buf).strip():
        parts.append("\n".join(buf))
    return parts


def _migrate_2(conn: sqlite3.Connection) -> None:
    """Mentions record how their agglomeration link was found (``link_basis``).

    One of ``sentence``, ``heading``, ``paragraph``, ``document``; NULL when no agglomeration
    is linked or, for rows stored before this version, when it is unknown.
    """
    conn.execute("ALTER TABLE mentions ADD COLUMN link_basis TEXT")
    conn.execute("CREATE INDEX mentions_basis ON mentions(kind, link_basis)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_1, _migrate_2]
assert len(MIGRATIONS) == SCHEMA_VERSION


def read_as_current(conn: sqlite3.Connection, version: int) -> None:
    """Let a read-only connection to an older store read like the current schema.

    A read-only file cannot be migrated, so the columns added since ``version`` are supplied by
    temporary views that shadow the tables (SQLite looks names up in ``temp`` first): an old
    store stays readable, its new columns NULL (unknown). Opening it for writing migrates it.
    """
    if version < 2:
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS mentions AS SELECT *, NULL AS link_basis FROM main.mentions"
        )


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a connection's database up to :data:`SCHEMA_VERSION`; return the old version.

    Raises:
        RuntimeError: when the database was written by a newer policytext.
    """
    old = conn.execute("PRAGMA user_version").fetchone()[0]
    if old > SCHEMA_VERSION:
        raise RuntimeError(
            f"store schema version {old} is newer than this policytext ({SCHEMA_VERSION}); upgrade policytext"
        )
    for version in range(old + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue  # another process migrated meanwhile
            MIGRATIONS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return old
