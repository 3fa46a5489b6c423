"""Schema 4: nothing stored twice; the migration from schema 3 keeps every row and correction.

``tests/data/store_v3.db.gz`` is a schema-3 store written by policytext before schema 4: the
sample corpus ingested, then hand corrections of every kind (a status set and a type changed on
the web, a mention deleted on the web, one deleted by import, a mechanism added to a sentence).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policytext import query as q
from policytext import timeline as tl
from policytext.export import extraction_of
from policytext.store import SCHEMA_VERSION, reads
from policytext.store.db import Store
from policytext.store.filters import Filters
from policytext.store.fts import fts_query, fts_tokens

#: Every table and view of schema 3 that readers see, with the order that makes its dump comparable.
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
    "version_sets": "id",
    "document_list": "doc_id",
    "mechanism_links": "mention_id, agglomeration",
    "sentence_search": "sid",
}


def _reads(db: Path) -> dict[str, Any]:
    with Store(db, readonly=True) as store:
        doc_ids = reads.document_ids(store)
        extractions = {d: extraction_of(store, d) for d in doc_ids}
        documents = [store.load_document(d) for d in doc_ids]
    return {
        "mechanisms": q.mechanisms(db),
        "documents": q.documents(db),
        "timeline": tl.timeline_counts(db, include_document_links=True),
        "search": q.search(db, "补偿"),
        "search_typed": q.search(db, "机制", types="eco_compensation"),
        "extractions": extractions,
        "loaded": documents,
    }


def _fts_integrity(store: Store) -> None:
    store.conn.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('integrity-check')")


def test_v3_store_migrates_keeping_every_row_and_every_correction(
    old_store: Callable[[str], Path],
    dump_rows: Callable[..., dict[str, list[tuple[object, ...]]]],
) -> None:
    db = old_store("store_v3")
    before = dump_rows(db, TABLES)
    assert len(before["annotations"]) == 5
    assert {r[4] for r in before["annotations"]} == {"set", "delete", "add"}
    assert any(r[-2] for r in before["mentions"])  # deleted mentions are kept
    old = _reads(db)  # read-only: the old store as it is
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 3
    size_before = db.stat().st_size
    with Store(db) as store:  # migrates
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        assert [tuple(r) for r in store.execute("PRAGMA integrity_check")] == [("ok",)]
        assert store.execute("PRAGMA foreign_key_check").fetchall() == []
        _fts_integrity(store)
        assert store.check(sample=None) == []
        # what was stored twice is gone
        columns = {r[1] for r in store.execute("PRAGMA table_info(mention_rows)")}
        assert "attributes_json" not in columns and {"attribute_keys", "extra_json"} <= columns
        assert store.execute("SELECT COUNT(*) FROM mention_rows WHERE extra_json LIKE '%status%'").fetchone()[
            0
        ] == sum(1 for r in before["mentions"] if r[11] != r[15].get("status", r[11]))  # only stale ones
        indexes = [r[1] for r in store.execute("PRAGMA index_list(sentence_rows)")]
        assert indexes == ["sqlite_autoindex_sentence_rows_1"]  # the primary key (doc, idx), nothing else
        assert (
            store.execute(
                "SELECT COUNT(*) FROM pragma_table_info('sentence_rows') WHERE name = 'sid'"
            ).fetchone()[0]
            == 0
        )
    after = dump_rows(db, TABLES)
    for table in TABLES:
        assert after[table] == before[table], table
    new = _reads(db)
    for key in ("mechanisms", "documents", "timeline", "search", "search_typed"):
        pd.testing.assert_frame_equal(new[key], old[key], obj=key)
    assert len(old["search_typed"]) > 0
    assert new["extractions"] == old["extractions"]
    assert new["loaded"] == old["loaded"]
    assert db.stat().st_size < size_before


def test_a_correction_shows_in_the_attributes(old_store: Callable[[str], Path]) -> None:
    db = old_store("store_v3")
    with Store(db) as store:
        mid, doc_id, status = store.execute(
            "SELECT mention_id, doc_id, status FROM mentions WHERE kind = 'mechanism' AND deleted = 0 "
            "AND mention_id NOT IN (SELECT mention_id FROM annotations WHERE mention_id IS NOT NULL) "
            "ORDER BY mention_id"
        ).fetchone()
        new = "lacking" if status != "lacking" else "proposed"
        store.correct_mention(mid, action="set", annotator="a", status=new)
        attrs = json.loads(
            store.execute("SELECT attributes_json FROM mentions WHERE mention_id = ?", (mid,)).fetchone()[0]
        )
        assert attrs["status"] == new
        exported = [
            m
            for m in extraction_of(store, doc_id).mentions
            if m.kind == "mechanism" and m.attributes.get("status") == new
        ]
        assert exported


def test_fresh_store_keeps_the_extractor_attributes(tmp_path: Path) -> None:
    from policytext.extract.pipeline import Extractor
    from policytext.ingest.document import build_document

    corpus = Path(__file__).resolve().parents[2] / "corpora" / "sample"
    extractor = Extractor.load()
    expected: dict[tuple[str, str, str, int, int], list[dict[str, Any]]] = {}
    with Store(tmp_path / "s.db") as store:
        for path in sorted(corpus.glob("*.txt")) + sorted(corpus.glob("*.html")):
            doc = build_document(path)
            ex = extractor.extract(doc)
            store.add_document(doc, ex, fmt=path.suffix[1:])
            for m in ex.mentions:
                expected.setdefault((doc.doc_id, m.kind, m.type, m.start, m.end), []).append(m.attributes)
        got: dict[tuple[str, str, str, int, int], list[dict[str, Any]]] = {}
        for r in store.execute(
            'SELECT doc_id, kind, type, start, "end", attributes_json FROM mentions ORDER BY mention_id'
        ):
            got.setdefault(tuple(r)[:5], []).append(json.loads(r[5]))
        kinds = {k[1] for k in got}
        assert kinds == {"mechanism", "measure", "agglomeration"}
        assert got == expected
        # only what no column holds is stored: the family of a mechanism, nothing of an agglomeration
        extra = {
            kind: {
                k
                for (e,) in store.execute("SELECT extra_json FROM mention_rows WHERE kind = ?", (kind,))
                for k in json.loads(e or "{}")
            }
            for kind in kinds
        }
        assert extra == {"mechanism": {"family"}, "measure": set(), "agglomeration": {"link_basis"}}


def test_a_document_with_sentence_ids_out_of_order_is_renumbered(
    old_store: Callable[[str], Path],
    dump_rows: Callable[..., dict[str, list[tuple[object, ...]]]],
) -> None:
    db = old_store("store_v3")
    with sqlite3.connect(db, isolation_level=None) as c:
        doc, first_sentence = c.execute(
            "SELECT s.doc, MIN(s.text) FROM sentence_rows s WHERE s.text LIKE '%机制%' "
            "GROUP BY s.doc ORDER BY s.doc LIMIT 1"
        ).fetchone()
        rows = c.execute(
            "SELECT sid, idx, text FROM sentence_rows WHERE doc = ? ORDER BY idx", (doc,)
        ).fetchall()
        top = c.execute("SELECT MAX(sid) FROM sentence_rows").fetchone()[0]
        c.execute("BEGIN")
        for sid, idx, text in rows:  # ids in reverse order, after every other one
            new = top + len(rows) - idx
            c.execute(
                "INSERT INTO sentences_fts (sentences_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                (sid, fts_tokens(text)),
            )
            c.execute("UPDATE sentence_rows SET sid = ? WHERE sid = ?", (new, sid))
            c.execute("INSERT INTO sentences_fts (rowid, tokens) VALUES (?, ?)", (new, fts_tokens(text)))
        c.execute("COMMIT")
    with Store(db, readonly=True) as ro:
        assert ro.check(sample=None) == []
    old = dump_rows(db, TABLES)
    found_before = q.search(db, first_sentence[:12])
    with Store(db) as store:
        assert store.check(sample=None) == []
        _fts_integrity(store)
        first = store.execute("SELECT first_sid FROM doc_rows WHERE id = ?", (doc,)).fetchone()[0]
        assert first > top
    new = dump_rows(db, TABLES)
    assert len(found_before) > 0
    pd.testing.assert_frame_equal(q.search(db, first_sentence[:12]), found_before)
    for table in TABLES:
        if table in ("sentences", "sentence_search"):  # that document's ids changed, nothing else
            assert sorted(r[1:] for r in new[table]) == sorted(r[1:] for r in old[table])
            continue
        assert new[table] == old[table], table


def test_sentence_ids_of_new_documents_follow_and_are_found(old_store: Callable[[str], Path]) -> None:
    db = old_store("store_v3")
    with Store(db) as store:
        from policytext.types import Document, Metadata, Sentence

        text = "建立横向生态补偿机制。推动成本共担。"
        doc = Document(
            doc_id="new",
            path="new.txt",
            text=text,
            original_text=text,
            pages=[],
            sentences=[Sentence(0, 0, 10, text[:10]), Sentence(1, 10, 17, text[10:])],
            meta=Metadata(),
        )
        top = store.execute("SELECT MAX(sid) FROM sentences").fetchone()[0]
        store.add_document(doc)
        sids = [r[0] for r in store.execute("SELECT sid FROM sentences WHERE doc_id = 'new' ORDER BY idx")]
        assert sids == [top + 1, top + 2]
        assert [
            (r["doc_id"], r["sentence_idx"]) for r in reads.search(store, "成本共担") if r["doc_id"] == "new"
        ] == [("new", 1)]
        store.add_document(doc, replace=True)  # re-ingest: the same ids again, the index rows moved with them
        assert store.check(sample=None) == []


# ----------------------------------------------------------------------------- filters on the base tables

#: Real texts (dev split) naming agglomerations and mechanisms.
REAL = [
    "law-sh-yrd-demo-zone-decision-2020",
    "law-spc-chengyu-financial-court-2022",
    "law-cq-river-chief-2020",
    "law-zj-caoejiang-basin-2020",
    "law-gd-hengqin-cooperation-zone-2023",
    "law-yangtze-river-protection",
    "law-zj-huzhou-eco-demo-zone-2016",
    "gwr-national-2020",
]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    from policytext import api

    db = tmp_path_factory.mktemp("real") / "real.db"
    api.ingest([str(shared_dir / "corpus" / "real" / "txt" / f"{name}.txt") for name in REAL], db, workers=0)
    return db


FILTERS: list[dict[str, Any]] = [
    {},
    {"types": "eco_compensation"},
    {"types": ["cost_sharing", "生态补偿"], "since": "2016"},
    {"agglomerations": "长三角"},
    {"agglomerations": ["yangtze_delta", "chengyu"], "status": "proposed"},
    {"stage": ["establish", "improve"], "doc_type": ["official", "other", "plan"]},
    {"basis": ["sentence", "heading"], "until": "2021"},
    {"status": "none"},
]


def _view_mentions(store: Store, f: Filters) -> list[int]:
    """The same selection through the ``mentions`` and ``documents`` views (the reference)."""
    where, params = f.mention_sql("m", "d")
    sql = (
        "SELECT m.mention_id FROM mentions m JOIN documents d ON d.doc_id = m.doc_id "
        f"WHERE m.kind = 'mechanism' {''.join(' AND ' + w for w in where)} ORDER BY m.mention_id"
    )
    return [r[0] for r in store.execute(sql, params)]


def _view_documents(store: Store, f: Filters) -> list[str]:
    """Documents under ``f`` through the views: the type clause as it was (``mentions`` view)."""
    where: list[str] = []
    params: list[Any] = []
    if f.types:
        where.append(
            "EXISTS (SELECT 1 FROM mentions mt WHERE mt.doc_id = d.doc_id AND mt.kind = 'mechanism' "
            f"AND mt.deleted = 0 AND mt.type IN ({', '.join('?' for _ in f.types)}))"
        )
        params += list(f.types)
    rest, ps = f.without("types").document_sql("d", related=True)
    cond = ("WHERE " + " AND ".join(where + rest)) if where + rest else ""
    sql = f"SELECT d.doc_id FROM documents d {cond} ORDER BY d.date, d.doc_id"
    return [r[0] for r in store.execute(sql, params + ps)]


def _view_search(store: Store, query: str, f: Filters) -> list[tuple[str, int]]:
    """Sentences found through the ``sentences`` view's ids, mention filters through ``mentions``."""
    where, params = f.mention_sql("m", "d")
    doc_where, doc_params = f.without("types", "agglomerations").document_sql("d")
    exists = ""
    if f.mention_filtered():
        exists = (
            " AND EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = s.doc_id AND m.sentence_idx = s.idx "
            f"AND m.kind = 'mechanism'{''.join(' AND ' + w for w in where)})"
        )
    sql = (
        "SELECT s.doc_id, s.idx FROM sentences s JOIN documents d ON d.doc_id = s.doc_id "
        "WHERE s.sid IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?)"
        f"{''.join(' AND ' + w for w in doc_where)}{exists} ORDER BY s.doc_id, s.idx"
    )
    return [tuple(r) for r in store.execute(sql, [fts_query(query), *doc_params, *params])]


@pytest.mark.parametrize("values", FILTERS, ids=[json.dumps(v, ensure_ascii=False) for v in FILTERS])
def test_filters_on_the_base_tables_select_what_the_views_select(
    real_db: Path, values: dict[str, Any]
) -> None:
    with Store(real_db, readonly=True) as store:
        f = Filters.make(store, **values)
        assert store.execute("SELECT COUNT(*) FROM mention_rows WHERE kind = 'mechanism'").fetchone()[0] > 20
        got = sorted(r["mention_id"] for r in reads.mentions(store, f))
        assert got == _view_mentions(store, f)
        assert reads.count_mentions(store, f)["mentions"] == len(got)
        assert [r["doc_id"] for r in reads.documents(store, f)] == _view_documents(store, f)
        for query in ("机制", "生态 补偿", "长江 OR 合作"):
            found = sorted((r["doc_id"], r["sentence_idx"]) for r in reads.search(store, query, f))
            assert found == _view_search(store, query, f)
            assert reads.search_count(store, query, f) == len(found)


def test_the_filtered_reads_use_the_indexes(real_db: Path) -> None:
    with Store(real_db, readonly=True) as store:
        f = Filters.make(store, types="eco_compensation", agglomerations="长三角")
        doc_where, params = f.document_sql("d", related=True)
        plan = " | ".join(
            r[3]
            for r in store.execute(
                f"EXPLAIN QUERY PLAN SELECT d.doc_id FROM doc_rows d WHERE {' AND '.join(doc_where)}", params
            )
        )
        assert "LIST SUBQUERY" in plan and "mention_rows_type" in plan  # found once, not per document
        assert "sqlite_autoindex_document_agglomerations_1" in plan
        body = store.fts_from + " WHERE sentences_fts MATCH ?"
        plan = " | ".join(r[3] for r in store.execute(f"EXPLAIN QUERY PLAN SELECT s.text {body}", ["补"]))
        assert "doc_rows_first_sid" in plan and "PRIMARY KEY (doc=? AND idx=?)" in plan
        assert "SCAN s" not in plan and "SCAN d" not in plan


def test_a_quote_inside_a_word_splits_it_in_the_index_check_and_search(tmp_path: Path) -> None:
    from policytext.types import Document, Metadata, Sentence

    text = '真实值/10"t 仿真值。IJKL"3:;CDM 补偿。'
    cut = text.index("。") + 1
    doc = Document(
        doc_id="q",
        path="q.txt",
        text=text,
        original_text=text,
        pages=[],
        sentences=[Sentence(0, 0, cut, text[:cut]), Sentence(1, cut, len(text), text[cut:])],
        meta=Metadata(),
    )
    with Store(tmp_path / "q.db") as store:
        store.add_document(doc)
        assert store.check(sample=None) == []  # each sentence found by its own text
        assert [r["sentence_idx"] for r in reads.search(store, '10"t')] == [0]
        assert [r["sentence_idx"] for r in reads.search(store, 'IJKL"3')] == [1]
