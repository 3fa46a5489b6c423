"""Schema 3: every text once, integer keys, contentless index; the migration keeps every row.

``tests/data/store_v2.db.gz`` is a schema-2 store written by policytext before schema 3: the
sample corpus and a traditional-character notice, with hand corrections of every kind (a status
set, a type changed, a mention deleted on the web, one deleted by import, a mechanism added).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from policytext import query as q
from policytext import timeline as tl
from policytext.store import SCHEMA_VERSION, reads
from policytext.store.db import Store
from policytext.types import Document, Metadata, Sentence

#: Every table of schema 2 with the order that makes its dump comparable.
TABLES = {
    "documents": "doc_id",
    "sentences": "sid",
    "pages": "doc_id, number",
    "mentions": "mention_id",
    "mention_agglomerations": "mention_id, agglomeration_id",
    "document_agglomerations": "doc_id, agglomeration_id",
    "document_paths": "doc_id, path",
    "annotations": "annotation_id",
    "runs": "run_id",
    "failures": "path",
    "store_meta": "key",
}


def test_migration_keeps_every_row_and_every_correction(
    old_store: Callable[[str], Path],
    dump_rows: Callable[..., dict[str, list[tuple[object, ...]]]],
) -> None:
    db = old_store("store_v2")
    before = dump_rows(db, TABLES)
    assert len(before["annotations"]) == 5 and any(r[-1] for r in before["mentions"])  # deleted ones
    assert any(r[17] for r in before["documents"])  # a converted (traditional) document
    mech_before = q.mechanisms(db)  # read-only on the old store: not migrated
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 2
    size_before = db.stat().st_size
    with Store(db) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert store.check(sample=None) == []
    after = dump_rows(db, TABLES)
    for table in TABLES:
        assert after[table] == before[table], table
    pd.testing.assert_frame_equal(q.mechanisms(db), mech_before)
    assert db.stat().st_size < 0.6 * size_before


def test_old_store_reads_the_same_before_and_after_migration(old_store: Callable[[str], Path]) -> None:
    db = old_store("store_v2")
    old = {
        "timeline": tl.timeline_counts(db, include_document_links=True),
        "documents": q.documents(db),
        "search": q.search(db, "补偿"),
        "traditional": q.search(db, "成本共担"),
    }
    with Store(db, readonly=True) as ro:
        doc_ids = [r[0] for r in ro.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
        loaded = [ro.load_document(i) for i in doc_ids]
    with Store(db) as store:  # migrates
        assert [store.load_document(i) for i in doc_ids] == loaded
    pd.testing.assert_frame_equal(tl.timeline_counts(db, include_document_links=True), old["timeline"])
    pd.testing.assert_frame_equal(q.documents(db), old["documents"])
    pd.testing.assert_frame_equal(q.search(db, "补偿"), old["search"])
    assert len(old["traditional"]) > 0
    pd.testing.assert_frame_equal(q.search(db, "成本共担"), old["traditional"])


def test_text_is_stored_once(tmp_path: Path) -> None:
    text = "第一条 建立成本共担机制。\n\n完善生态保护补偿机制。  \n尾注"
    sents = [Sentence(0, 0, 13, text[0:13]), Sentence(1, 15, 26, text[15:26]), Sentence(2, 29, 31, "尾注")]
    doc = Document(
        doc_id="d1", path="d1.txt", text=text, original_text=text, pages=[], sentences=sents, meta=Metadata()
    )
    with Store(tmp_path / "s.db") as store:
        store.add_document(doc)
        row = store.execute("SELECT text, tail FROM doc_rows").fetchone()
        assert row["text"] is None  # rebuilt from the sentences and the gaps between them
        assert store.execute("SELECT text FROM documents").fetchone()[0] == text
        assert store.load_document("d1") == doc
        # a document whose sentences do not tile its text keeps the text whole
        odd = Document(
            doc_id="d2",
            path="d2.txt",
            text="甲乙丙",
            original_text="甲乙丙",
            pages=[],
            sentences=[Sentence(0, 0, 2, "甲乙"), Sentence(1, 1, 3, "乙丙")],
            meta=Metadata(),
        )
        store.add_document(odd)
        assert store.execute("SELECT text FROM doc_rows WHERE doc_id='d2'").fetchone()[0] == "甲乙丙"
        assert store.load_document("d2") == odd
        # the index holds no copy of the text
        assert [tuple(r) for r in store.execute("SELECT tokens FROM sentences_fts")] == [(None,)] * 5
        assert [r["doc_id"] for r in reads.search(store, "补偿")] == ["d1"]


def test_check_finds_a_broken_index_and_compact_repairs_it(old_store: Callable[[str], Path]) -> None:
    db = old_store("store_v2")
    with Store(db) as store:
        store.conn.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('delete-all')")
        problems = store.check(sample=None)
        assert problems and all("full-text index" in p for p in problems)
        sizes = store.compact()
        assert store.check(sample=None) == []
        assert sizes["after"] <= sizes["before"]
        assert reads.search(store, "补偿")


def test_integrity_after_ingest_correction_reingest_and_compaction(tmp_path: Path) -> None:
    from policytext import api

    corpus = Path(__file__).resolve().parents[2] / "corpora" / "sample"
    db = tmp_path / "s.db"
    api.ingest([str(corpus)], db, workers=0)
    with Store(db) as store:
        assert store.check(sample=None) == []
        mid, doc_id, idx = store.execute(
            "SELECT mention_id, doc_id, sentence_idx FROM mentions WHERE kind='mechanism' ORDER BY mention_id"
        ).fetchone()
        store.correct_mention(mid, action="delete", annotator="a")
        store.add_sentence_mechanism(doc_id, idx, type="cost_sharing", status="proposed", annotator="a")
        assert store.check(sample=None) == []
    api.ingest([str(corpus)], db, workers=0, force=True)  # re-ingest: rows deleted, index rows deleted
    with Store(db) as store:
        assert store.check(sample=None) == []
        assert len(store.annotations()) == 2
        assert store.execute("SELECT deleted FROM mentions WHERE mention_id=?", (mid,)).fetchone() is None
        store.compact()
        assert store.check(sample=None) == []
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("view", ["documents", "sentences", "mentions", "pages"])
def test_views_have_the_schema_2_columns(tmp_path: Path, view: str, old_store: Callable[[str], Path]) -> None:
    old = old_store("store_v2")
    with sqlite3.connect(old) as c:
        columns = [r[1] for r in c.execute(f"PRAGMA table_info({view})")]
    with Store(tmp_path / "new.db") as store:
        assert [r[1] for r in store.execute(f"PRAGMA table_info({view})")] == columns
