"""Store schema and ordered migrations (``PRAGMA user_version``).

Each migration runs in its own transaction; the version is bumped in the same
transaction, so a store is always at a well-defined version.

Schema 3 keeps every text once. The base tables have integer keys: ``doc_rows`` (one row per
document, ``id`` integer, ``doc_id`` the content hash), ``sentence_rows`` (each sentence's text
with the gap before it, ``lead``, so the document text is the sentences joined), ``mention_rows``
and ``page_rows``. ``documents``, ``sentences``, ``mentions`` and ``pages`` are views with the
columns of schema 2 (``doc_id`` the hash, ``documents.text`` rebuilt from the sentences), so SQL
written for earlier stores, ``policytext sql`` and Datasette read them unchanged. The full-text
index ``sentences_fts`` is contentless: it holds the index of the sentences' characters (every Han
character a token, :func:`~policytext.store.fts.fts_tokens`), not a copy of their text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable

from policytext.store.attributes import AGGLOMERATION_JOIN, ATTRIBUTES_SQL, pack
from policytext.store.fts import fts_tokens

SCHEMA_VERSION = 4

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


#: Schema 3: base tables with integer keys; the schema-2 names are views over them.
_V3_TABLES = """
CREATE TABLE version_sets (
    id INTEGER PRIMARY KEY,
    taxonomy TEXT,
    gazetteer TEXT,
    model TEXT,
    policytext TEXT
);
CREATE TABLE doc_rows (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
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
    text TEXT,
    tail TEXT NOT NULL DEFAULT '',
    original_text TEXT,
    meta_json TEXT NOT NULL DEFAULT '{}',
    warnings_json TEXT NOT NULL DEFAULT '[]',
    versions_json TEXT NOT NULL DEFAULT '{}',
    run_id INTEGER REFERENCES runs(run_id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX doc_rows_date ON doc_rows(date);
CREATE INDEX doc_rows_type ON doc_rows(doc_type);
CREATE TABLE sentence_rows (
    sid INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES doc_rows(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    lead TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    UNIQUE (doc, idx)
);
CREATE TABLE page_rows (
    doc INTEGER NOT NULL REFERENCES doc_rows(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    PRIMARY KEY (doc, number)
);
CREATE TABLE mention_rows (
    mention_id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES doc_rows(id) ON DELETE CASCADE,
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
    versions INTEGER REFERENCES version_sets(id),
    run_id INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    link_basis TEXT
);
CREATE INDEX mention_rows_doc ON mention_rows(doc, sentence_idx);
CREATE INDEX mention_rows_type ON mention_rows(kind, type);
"""

#: The full-text index: contentless (the text is in ``sentence_rows``). Its rowid is the sentence id:
#: ``sentence_rows.sid`` in schema 3, ``doc_rows.first_sid + sentence_rows.idx`` from schema 4 on.
FTS_TABLE = """
CREATE VIRTUAL TABLE sentences_fts USING fts5(
    tokens, content = '', tokenize = 'unicode61 remove_diacritics 0'
)"""

#: The schema-2 tables as views (same columns, same order) over the base tables (schema 4).
_VIEWS = f"""
CREATE VIEW documents AS
SELECT d.doc_id, d.path, d.filename, d.size, d.format, d.engine, d.encoding, d.title, d.date,
       d.date_source, d.year, d.doc_number, d.issuer, d.doc_type, d.primary_agglomeration, d.n_pages,
       d.n_chars, d.converted,
       COALESCE(d.text, (SELECT group_concat(x.lead || x.text, '') FROM (
                    SELECT lead, text FROM sentence_rows WHERE doc = d.id ORDER BY idx) x) || d.tail,
                d.tail) AS text,
       d.original_text, d.meta_json, d.warnings_json, d.versions_json, d.run_id, d.ingested_at
  FROM doc_rows d;
CREATE VIEW sentences AS
SELECT d.first_sid + s.idx AS sid, d.doc_id, s.idx, s.start, s."end", s.page, s.text, s.boilerplate
  FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc;
CREATE VIEW pages AS
SELECT d.doc_id, p.number, p.start, p."end" FROM page_rows p JOIN doc_rows d ON d.id = p.doc;
CREATE VIEW mentions AS
SELECT m.mention_id, d.doc_id, m.kind, m.type, m.text, m.sentence_idx, m.start, m."end", m.page, m.score,
       m.source, m.status, m.stage, m.domains_json, m.agglomerations_json,
       {ATTRIBUTES_SQL} AS attributes_json,
       v.taxonomy AS taxonomy_version, v.gazetteer AS gazetteer_version, v.model AS model_version,
       v.policytext AS policytext_version, m.run_id, m.deleted, m.link_basis
  FROM mention_rows m JOIN doc_rows d ON d.id = m.doc LEFT JOIN version_sets v ON v.id = m.versions
  {AGGLOMERATION_JOIN};
CREATE TRIGGER mentions_update INSTEAD OF UPDATE ON mentions BEGIN
    UPDATE mention_rows SET type = NEW.type, status = NEW.status, stage = NEW.stage, deleted = NEW.deleted
     WHERE mention_id = OLD.mention_id;
END;
"""

#: Views for browsing (Datasette, ``policytext sql``): one row per list a reader asks for.
_BROWSE = """
CREATE VIEW document_list AS
SELECT d.doc_id, d.filename, d.title, d.date, d.year, d.doc_type, d.issuer, d.doc_number,
       d.primary_agglomeration, d.format, d.n_pages, d.n_chars,
       (SELECT COUNT(*) FROM mention_rows m WHERE m.doc = d.id AND m.kind = 'mechanism'
           AND m.deleted = 0) AS mechanisms,
       d.path
  FROM doc_rows d;
CREATE VIEW mechanism_links AS
SELECT m.mention_id, d.doc_id, d.filename AS document, d.title, d.date, d.year, d.doc_type, m.type,
       m.status, m.stage, ma.agglomeration_id AS agglomeration, m.link_basis, m.page, m.sentence_idx,
       m.text, s.text AS sentence, m.source
  FROM mention_rows m JOIN doc_rows d ON d.id = m.doc
  LEFT JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id
  LEFT JOIN sentence_rows s ON s.doc = m.doc AND s.idx = m.sentence_idx
 WHERE m.kind = 'mechanism' AND m.deleted = 0;
CREATE VIEW sentence_search AS
SELECT d.first_sid + s.idx AS sid, d.doc_id, d.filename AS document, d.title, d.date, d.year, d.doc_type,
       s.idx AS sentence_idx, s.page, s.text, s.boilerplate
  FROM sentence_rows s JOIN doc_rows d ON d.id = s.doc;
"""


def version_set(conn: sqlite3.Connection, versions: dict[str, str]) -> int | None:
    """The id of a set of taxonomy, gazetteer, model and policytext versions (added when new);
    None when none is known. Mentions refer to it instead of repeating the four strings."""
    values = tuple(versions.get(k) for k in ("taxonomy", "gazetteer", "model", "policytext"))
    if all(v is None for v in values):
        return None
    row = conn.execute(
        "SELECT id FROM version_sets "
        "WHERE taxonomy IS ? AND gazetteer IS ? AND model IS ? AND policytext IS ?",
        values,
    ).fetchone()
    if row is not None:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO version_sets (taxonomy, gazetteer, model, policytext) VALUES (?, ?, ?, ?)", values
    )
    return int(cur.lastrowid or 0)


def split_text(text: str, sentences: Iterable[tuple[int, int, int, str]]) -> tuple[list[str], str] | None:
    """The gaps of ``text`` around its sentences: ``(leads, tail)`` so that joining
    ``lead + sentence`` for every sentence, then ``tail``, gives ``text`` back.

    Args:
        sentences: ``(idx, start, end, text)`` in index order.

    Returns:
        None when the sentences do not tile the text in order (then the text is stored whole).
    """
    leads: list[str] = []
    pos = 0
    for _idx, start, end, sent in sentences:
        if start < pos or end < start or text[start:end] != sent:
            return None
        leads.append(text[pos:start])
        pos = end
    return leads, text[pos:]


def _migrate_3(conn: sqlite3.Connection) -> None:
    """Every text once, integer keys, a contentless full-text index (see the module docstring).

    Every row of every table is kept: documents, sentences (with their ids), pages, mentions
    (with their ids, so ``mention_agglomerations`` and ``annotations`` still point at them) and
    hand corrections. The space freed is given back by :meth:`Store.compact` (``VACUUM``).
    """
    for statement in _split(_V3_TABLES):
        conn.execute(statement)
    doc_columns = [
        r[1] for r in conn.execute("PRAGMA table_info(documents)") if r[1] not in {"text", "original_text"}
    ]
    cols = ", ".join(doc_columns)
    conn.execute(
        f"INSERT INTO doc_rows ({cols}, original_text) SELECT {cols}, original_text FROM documents "
        "ORDER BY rowid"
    )
    for doc, doc_id, text in conn.execute(
        "SELECT d.id, d.doc_id, o.text FROM doc_rows d JOIN documents o USING (doc_id)"
    ).fetchall():
        rows = conn.execute(
            'SELECT sid, idx, start, "end", page, text, boilerplate FROM sentences WHERE doc_id = ? '
            "ORDER BY idx",
            (doc_id,),
        ).fetchall()
        split = split_text(text, [(r[1], r[2], r[3], r[5]) for r in rows])
        if split is None:
            leads, tail = [""] * len(rows), ""
            conn.execute("UPDATE doc_rows SET text = ? WHERE id = ?", (text, doc))
        else:
            leads, tail = split
            conn.execute("UPDATE doc_rows SET tail = ? WHERE id = ?", (tail, doc))
        conn.executemany(
            'INSERT INTO sentence_rows (sid, doc, idx, start, "end", page, boilerplate, lead, text) '
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(r[0], doc, r[1], r[2], r[3], r[4], r[6], lead, r[5]) for r, lead in zip(rows, leads)],
        )
    conn.execute(
        'INSERT INTO page_rows (doc, number, start, "end") '
        'SELECT d.id, p.number, p.start, p."end" FROM pages p JOIN doc_rows d USING (doc_id)'
    )
    versions = ("taxonomy_version", "gazetteer_version", "model_version", "policytext_version")
    conn.execute(
        "INSERT INTO version_sets (taxonomy, gazetteer, model, policytext) "
        f"SELECT DISTINCT {', '.join(versions)} "
        f"FROM mentions WHERE COALESCE({', '.join(versions)}) IS NOT NULL"
    )
    mention_columns = [
        r[1] for r in conn.execute("PRAGMA table_info(mentions)") if r[1] != "doc_id" and r[1] not in versions
    ]
    cols = ", ".join(mention_columns)
    conn.execute(
        f"INSERT INTO mention_rows (doc, versions, {cols}) "
        "SELECT d.id, (SELECT v.id FROM version_sets v WHERE v.taxonomy IS m.taxonomy_version "
        "AND v.gazetteer IS m.gazetteer_version AND v.model IS m.model_version "
        "AND v.policytext IS m.policytext_version), "
        f"{', '.join('m.' + c for c in mention_columns)} "
        "FROM mentions m JOIN doc_rows d USING (doc_id) ORDER BY m.mention_id"
    )
    # the tables that name documents by their hash, or mentions by id, now refer to the base tables;
    # they are rebuilt before the old tables go (dropping a parent deletes its children's rows)
    for table in ("document_paths", "document_agglomerations", "annotations", "mention_agglomerations"):
        sql = conn.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0]
        indexes = [
            r[0]
            for r in conn.execute(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            )
        ]
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_v2")
        conn.execute(
            sql.replace("REFERENCES documents(doc_id)", "REFERENCES doc_rows(doc_id)").replace(
                "REFERENCES mentions(mention_id)", "REFERENCES mention_rows(mention_id)"
            )
        )
        conn.execute(f"INSERT INTO {table} SELECT * FROM {table}_v2")
        conn.execute(f"DROP TABLE {table}_v2")
        for index in indexes:
            conn.execute(index)
    for table in ("sentences_fts", "mentions", "pages", "sentences", "documents"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute(FTS_TABLE)
    conn.executemany(
        "INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)",
        (
            (sid, fts_tokens(text))
            for sid, text in conn.execute("SELECT sid, text FROM sentence_rows").fetchall()
        ),
    )
    # the views over the base tables are made by the last migration (:func:`_migrate_4`)


#: Schema 4: sentences keyed by (document, index), without a row id and its second index.
_V4_SENTENCES = """
CREATE TABLE sentence_rows_v4 (
    doc INTEGER NOT NULL REFERENCES doc_rows(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    page INTEGER,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    lead TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID"""


#: ``FROM`` the full-text index ``f`` joined to its sentence ``s`` and document ``d`` (schema 4): a row
#: id's document is the one with the greatest ``first_sid`` not above it (index
#: ``doc_rows_first_sid``), its sentence the primary key ``(doc, rowid - first_sid)``.
FTS_FROM = (
    "FROM sentences_fts f "
    "JOIN doc_rows d ON d.first_sid = (SELECT MAX(x.first_sid) FROM doc_rows x WHERE x.first_sid <= f.rowid) "
    "JOIN sentence_rows s ON s.doc = d.id AND s.idx = f.rowid - d.first_sid"
)


def next_sid(conn: sqlite3.Connection) -> int:
    """The first sentence id after every stored one (schema 4): a new document's ``first_sid``."""
    row = conn.execute(
        "SELECT MAX(d.first_sid + COALESCE((SELECT MAX(s.idx) + 1 FROM sentence_rows s "
        "WHERE s.doc = d.id), 0)) FROM doc_rows d WHERE d.first_sid = (SELECT MAX(first_sid) FROM doc_rows)"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 1


def _migrate_4(conn: sqlite3.Connection) -> None:
    """Nothing stored twice: a mention's attributes as what no column holds, sentences without a
    second index (see :mod:`policytext.store.attributes` and the module docstring).

    Every row is kept. A mention's attributes become ``attribute_keys`` and ``extra_json``
    (:func:`~policytext.store.attributes.pack`; the ``mentions`` view rebuilds the same dict).
    A document gets ``first_sid``, its sentence ids become ``first_sid + idx``: the ids the
    sentences have when they are numbered in order, as policytext always wrote them, so the
    full-text index stays as it is; a document whose ids are not (a store edited by hand) is
    renumbered and its index rows moved.
    """
    for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {name}")  # its INSTEAD OF trigger goes with it
    # -- mentions: attributes without what the columns hold
    conn.execute("ALTER TABLE mention_rows ADD COLUMN attribute_keys INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE mention_rows ADD COLUMN extra_json TEXT")
    aggs = {
        (r[0], r[1]): {"name": r[2], "kind": r[3], "known": r[4]}
        for r in conn.execute(
            "SELECT doc_id, agglomeration_id, name, kind, known FROM document_agglomerations"
        )
    }
    cur = conn.cursor().execute(
        "SELECT m.mention_id, m.status, m.stage, m.domains_json, m.agglomerations_json, m.link_basis, "
        "m.attributes_json, m.type, d.doc_id FROM mention_rows m JOIN doc_rows d ON d.id = m.doc"
    )
    updates = []
    for mid, status, stage, domains, agg_json, basis, attrs, type_, doc_id in cur:
        columns = {
            "status": status,
            "stage": stage,
            "domains_json": domains,
            "agglomerations_json": agg_json,
            "link_basis": basis,
        }
        keys, extra = pack(json.loads(attrs or "{}"), columns, aggs.get((doc_id, type_)))
        updates.append((keys, extra, mid))
    conn.executemany(
        "UPDATE mention_rows SET attribute_keys = ?, extra_json = ? WHERE mention_id = ?", updates
    )
    conn.execute("ALTER TABLE mention_rows DROP COLUMN attributes_json")
    # -- sentences: id = first_sid + idx, keyed by (doc, idx)
    conn.execute("ALTER TABLE doc_rows ADD COLUMN first_sid INTEGER")
    spans = conn.execute(
        "SELECT doc, MAX(sid), MIN(sid - idx), MAX(sid - idx), MIN(idx), MAX(idx) "
        "FROM sentence_rows GROUP BY doc ORDER BY MIN(sid)"
    ).fetchall()
    kept, moved, last = [], [], 0
    for doc, hi, first_lo, first_hi, idx_lo, idx_hi in spans:
        if first_lo == first_hi and idx_lo >= 0 and first_lo > last:
            kept.append((first_lo, doc))
            last = hi
        else:
            moved.append((doc, idx_hi))
    conn.executemany("UPDATE doc_rows SET first_sid = ? WHERE id = ?", kept)
    for doc, idx_hi in moved:
        rows = conn.execute("SELECT sid, idx, text FROM sentence_rows WHERE doc = ?", (doc,)).fetchall()
        conn.executemany(
            "INSERT INTO sentences_fts (sentences_fts, rowid, tokens) VALUES ('delete', ?, ?)",
            [(sid, fts_tokens(text)) for sid, _, text in rows],
        )
        first = last + 1
        conn.execute("UPDATE doc_rows SET first_sid = ? WHERE id = ?", (first, doc))
        conn.executemany(
            "INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)",
            [(first + idx, fts_tokens(text)) for _, idx, text in rows],
        )
        last = first + idx_hi
    conn.execute("UPDATE doc_rows SET first_sid = ? WHERE first_sid IS NULL", (last + 1,))
    conn.execute(_V4_SENTENCES)
    conn.execute(
        'INSERT INTO sentence_rows_v4 (doc, idx, start, "end", page, boilerplate, lead, text) '
        'SELECT doc, idx, start, "end", page, boilerplate, lead, text FROM sentence_rows ORDER BY doc, idx'
    )
    conn.execute("DROP TABLE sentence_rows")
    conn.execute("ALTER TABLE sentence_rows_v4 RENAME TO sentence_rows")
    conn.execute("CREATE INDEX doc_rows_first_sid ON doc_rows(first_sid)")
    for statement in _split(_VIEWS) + _split(_BROWSE):
        conn.execute(statement)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_1, _migrate_2, _migrate_3, _migrate_4]
assert len(MIGRATIONS) == SCHEMA_VERSION


def read_as_current(conn: sqlite3.Connection, version: int) -> None:
    """Let a read-only connection to an older store read like the current schema.

    A read-only file cannot be migrated, so what changed since ``version`` is supplied by temporary
    views that shadow the tables (SQLite looks names up in ``temp`` first): the columns added since
    (NULL: unknown), the schema-3 base tables over the schema-2 ones, the schema-4 attribute
    columns. Sentence ids differ (schema 4 has no ``sentence_rows.sid``): :attr:`Store.fts_from`
    joins the full-text index as the store's version needs. An old store stays readable; opening
    it for writing migrates it.
    """
    if version < 2:
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS mentions AS SELECT *, NULL AS link_basis FROM main.mentions"
        )
    if version < 3:
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS doc_rows AS SELECT rowid AS id, *, '' AS tail FROM main.documents"
        )
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS sentence_rows AS SELECT s.sid, d.rowid AS doc, s.idx, s.start, "
            "s.\"end\", s.page, s.boilerplate, '' AS lead, s.text "
            "FROM main.sentences s JOIN main.documents d USING (doc_id)"
        )
        conn.execute(
            'CREATE TEMP VIEW IF NOT EXISTS page_rows AS SELECT d.rowid AS doc, p.number, p.start, p."end" '
            "FROM main.pages p JOIN main.documents d USING (doc_id)"
        )
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS mention_rows AS "
            "SELECT m.*, d.rowid AS doc, m.mention_id AS versions, "
            "0 AS attribute_keys, m.attributes_json AS extra_json "
            "FROM mentions m JOIN main.documents d USING (doc_id)"
        )
        # each mention its own version set (id = mention id): the four strings as the mention has them
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS version_sets AS "
            "SELECT mention_id AS id, taxonomy_version AS taxonomy, "
            "gazetteer_version AS gazetteer, model_version AS model, policytext_version AS policytext "
            "FROM main.mentions"
        )
    elif version < 4:
        # the attributes whole in extra_json (no key read from a column); sentences keep their sid
        conn.execute(
            "CREATE TEMP VIEW IF NOT EXISTS mention_rows AS "
            "SELECT *, 0 AS attribute_keys, attributes_json AS extra_json FROM main.mention_rows"
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
    if 0 < old < 4 <= SCHEMA_VERSION:
        conn.execute("VACUUM")  # give back the space of what was stored twice before version 4
    return old
