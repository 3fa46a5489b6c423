"""The SQLite store: round trip, deduplication, replace, search, read-only, failures."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from policytext.errors import StoreError
from policytext.ingest.document import build_document
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.fts import fts_query, fts_tokens
from policytext.types import Document, Extraction, Mention, Metadata, Page, Sentence

TEXT = "完善生态保护补偿机制，探索跨省横向补偿。\n建立成本共担、利益共享机制。"


def _doc(doc_id: str = "a" * 64, path: str = "/tmp/doc.txt", text: str = TEXT) -> Document:
    s1_end = text.index("。") + 1
    s2_start = text.index("\n") + 1
    sents = [
        Sentence(0, 0, s1_end, text[:s1_end], 1),
        Sentence(1, s2_start, len(text), text[s2_start:], 2),
    ]
    return Document(
        doc_id=doc_id,
        path=path,
        text=text,
        original_text=text,
        pages=[Page(1, 0, s1_end), Page(2, s2_start, len(text))],
        sentences=sents,
        meta=Metadata(
            title="生态补偿意见",
            date="2021-03-05",
            date_source="text",
            doc_number="发改规划〔2021〕1号",
            issuer="国家发展改革委",
            doc_type="official",
            sources={"date": "text", "title": "text"},
        ),
        engine="txt",
        encoding="utf-8",
        size=len(text.encode()),
        warnings=["a note"],
    )


def _extraction(doc: Document, n: int = 2) -> Extraction:
    s = doc.sentences[1]
    start = doc.text.index("成本共担")
    mentions = [
        Mention(
            "mechanism",
            "cost_sharing",
            "成本共担",
            s.text,
            1,
            start,
            start + 4,
            2,
            attributes={"status": "proposed", "agglomerations": ["yangtze_delta"]},
        ),
        Mention("mechanism", "benefit_sharing", "利益共享", s.text, 1, start + 5, start + 9, 2),
    ][:n]
    return Extraction(mentions=mentions, versions={"taxonomy": "t@1", "gazetteer": "g@1", "model": "m@1"})


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "s.db") as s:
        yield s


def _count(store: Store, table: str) -> int:
    return store.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_round_trip(store: Store) -> None:
    doc = _doc()
    assert store.add_document(doc, _extraction(doc), fmt="txt") is True
    assert store.load_document(doc.doc_id) == doc
    assert store.has_document(doc.doc_id)
    assert store.known_ids() == {doc.doc_id}
    assert store.load_document("b" * 64) is None


def test_round_trip_of_built_document_with_traditional_text(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "trad.txt"
    f.write_text("長三角城市羣一體化發展。\n建立成本共擔機制。\n", encoding="utf-8")
    doc = build_document(f)
    assert doc.text != doc.original_text
    assert store.add_document(doc, fmt="txt")
    back = store.load_document(doc.doc_id)
    assert back == doc
    assert back.original_text.startswith("長三角")


def test_same_document_twice_stored_once(store: Store) -> None:
    doc = _doc()
    assert store.add_document(doc, _extraction(doc)) is True
    again = _doc(path="/tmp/copy.txt")
    assert store.add_document(again, _extraction(again)) is False
    assert _count(store, "documents") == 1
    assert _count(store, "mentions") == 2
    assert _count(store, "sentences") == 2
    paths = {r[0] for r in store.execute("SELECT path FROM document_paths")}
    assert paths == {"/tmp/doc.txt", "/tmp/copy.txt"}


def test_replace_leaves_no_leftovers(store: Store) -> None:
    doc = _doc()
    store.add_document(doc, _extraction(doc, 2))
    assert _count(store, "mentions") == 2
    shorter = _doc(text="建立成本共担、利益共享机制。\n完善制度。")
    assert store.add_document(shorter, _extraction(shorter, 1), replace=True) is True
    assert _count(store, "documents") == 1
    assert _count(store, "mentions") == 1
    assert _count(store, "sentences") == 2
    assert _count(store, "pages") == 2
    assert _count(store, "sentences_fts") == 2
    assert _count(store, "mention_agglomerations") == 1
    assert reads.search(store, "补偿") == []
    assert store.load_document(doc.doc_id).text == shorter.text


def test_mention_versions_stored(store: Store) -> None:
    doc = _doc()
    store.add_document(doc, _extraction(doc))
    rows = store.rows(
        'SELECT type, start, "end", text, taxonomy_version, gazetteer_version, model_version FROM mentions'
    )
    assert {r["type"] for r in rows} == {"cost_sharing", "benefit_sharing"}
    for r in rows:
        assert doc.text[r["start"] : r["end"]] == r["text"]
        assert (r["taxonomy_version"], r["gazetteer_version"], r["model_version"]) == ("t@1", "g@1", "m@1")


def test_search_finds_two_character_word_inside_longer_word(store: Store) -> None:
    doc = _doc()
    store.add_document(doc)
    hits = reads.search(store, "补偿")
    assert len(hits) == 1
    h = hits[0]
    assert h["text"] == "完善生态保护补偿机制，探索跨省横向补偿。"
    assert (h["sentence_idx"], h["page"], h["start"], h["end"]) == (0, 1, 0, len(h["text"]))
    assert h["title"] == "生态补偿意见"
    assert reads.search(store, "共担 共享")[0]["sentence_idx"] == 1
    assert reads.search(store, "保护机制") == []


def test_fts_tokens_and_query() -> None:
    assert fts_tokens("补偿GDP").split() == ["补", "偿", "GDP"]
    assert fts_query('税收分成 "GDP"') == '"税 收 分 成" AND "GDP"'
    assert fts_query("") == ""


@pytest.mark.parametrize(
    "query", ['" OR 1=1 --', "NEAR(", "*", 'a" OR "b', "补偿 OR", "NOT", "^补", "(", '""', "AND"]
)
def test_injection_strings_are_harmless(store: Store, query: str) -> None:
    doc = _doc()
    store.add_document(doc)
    q = fts_query(query)
    # only quoted phrases reach FTS5, joined by the AND / OR (and parentheses) that fts_query writes
    assert re.fullmatch(r'(\s|\(|\)|AND|OR|"[^"]*")*', q), q
    hits = reads.search(store, query)
    assert isinstance(hits, list)
    for h in hits:
        assert h["doc_id"] == doc.doc_id
    assert _count(store, "documents") == 1


def test_readonly_store_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Store(db) as s:
        s.add_document(_doc())
    with Store(db, readonly=True) as ro:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ro.execute("DELETE FROM doc_rows")  # the base table under the documents view
        with pytest.raises(sqlite3.OperationalError):
            ro.execute("DELETE FROM documents")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            ro.execute("INSERT INTO failures (path, reason, message, failed_at) VALUES ('x', 'io', 'm', 't')")
        assert ro.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
        assert reads.search(ro, "补偿")


def test_readonly_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


def test_integrity_check(store: Store) -> None:
    doc = _doc()
    store.add_document(doc, _extraction(doc))
    assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("readonly", [False, True])
def test_non_database_file_raises_store_error(tmp_path: Path, readonly: bool) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("this is not a database, 这不是数据库\n" * 50, encoding="utf-8")
    with pytest.raises(StoreError) as info:
        Store(bad, readonly=readonly)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("[PT-E301]")
    assert str(bad) in msg


def test_missing_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "s.db")


def test_failure_recorded_and_cleared_on_success(store: Store) -> None:
    doc = _doc()
    store.add_failure(doc.path, "corrupt", "first try failed")
    store.add_failure(doc.path, "timeout", "second try timed out")
    assert store.rows("SELECT path, reason, message FROM failures") == [
        {"path": doc.path, "reason": "timeout", "message": "second try timed out"}
    ]
    assert store.info()["failures"] == {"timeout": 1}
    store.add_document(doc)
    assert _count(store, "failures") == 0
    assert store.info()["failures"] == {}


def test_info_counts(store: Store) -> None:
    doc = _doc()
    run = store.start_run("ingest", {"inputs": ["x"]}, {"taxonomy": "t@1"})
    store.add_document(doc, _extraction(doc), run_id=run)
    store.finish_run(run, stored=1, skipped=0, failed=0)
    info = store.info()
    assert (info["documents"], info["pages"], info["sentences"], info["characters"]) == (
        1,
        2,
        2,
        len(doc.text),
    )
    assert info["mentions"] == {"mechanism": 2}
    assert info["doc_types"] == {"official": 1}
    assert info["versions"] == {"taxonomy": "t@1"}
    assert info["runs"][0]["stored"] == 1 and info["runs"][0]["status"] == "done"


def test_replace_extraction(store: Store) -> None:
    doc = _doc()
    store.add_document(doc, _extraction(doc, 2))
    store.replace_extraction(doc.doc_id, _extraction(doc, 1))
    assert _count(store, "mentions") == 1
    assert store.load_document(doc.doc_id) == doc
    with pytest.raises(StoreError):
        store.replace_extraction("c" * 64, Extraction())
