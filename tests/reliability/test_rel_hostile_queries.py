"""Hostile strings through the query interfaces: bound as parameters, never spliced."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import integrity, run_cli

from policytext import api
from policytext.store import reads
from policytext.store.db import Store

INJECTIONS = [
    "'; DROP TABLE documents; --",
    '"; DROP TABLE documents; --',
    "') OR 1=1 --",
    '补偿" OR "1"="1',
    "NEAR(补偿 机制)",
    "tokens:补偿",
    "补偿*",
    "^补偿",
    '"',
    '"""',
    "*",
    "(",
    "AND OR NOT",
    "{tokens}: 补",
    "\x00补偿",
    "补偿; ATTACH DATABASE '/tmp/x.db' AS x",
    "\ud800",
    "x" * 10_000,
]


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("q") / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"d{n}.txt").write_text(mbi.policy_text(f"q{n}"), encoding="utf-8")
    db = folder.parent / "q.db"
    api.ingest([folder], db, workers=0, model=False)
    return db


@pytest.mark.parametrize("query", INJECTIONS)
def test_search_treats_input_as_text(store_db: Path, query: str) -> None:
    with Store(store_db, readonly=True) as store:
        before = store.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        rows = reads.search(store, query)
        for r in rows:  # whatever matched holds the words literally (FTS operators are not honoured;
            # a bare OR separates alternatives, and each alternative is searched literally)
            assert "补" in r["text"] or "x" in r["text"]
        assert store.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == before == 3
    assert integrity(store_db) == "ok"


def test_search_still_finds_the_literal_words(store_db: Path) -> None:
    with Store(store_db, readonly=True) as store:
        assert reads.search(store, '一体化 "OR" 不存在的词') == []  # quoted, OR is a word to find
        found = reads.search(store, "一体化")
        assert found and reads.search(store, "一体化 OR 不存在的词") == found  # bare: alternatives
        assert reads.search(store, "生态保护补偿") or reads.search(store, "一体化")


def test_readonly_store_refuses_writes(store_db: Path) -> None:
    with Store(store_db, readonly=True) as store:
        with pytest.raises(sqlite3.OperationalError):
            store.execute("DROP TABLE documents")
        with pytest.raises(sqlite3.OperationalError):
            store.execute("INSERT INTO failures (path, reason, message, failed_at) VALUES ('x','io','m','t')")


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE documents",
        "DELETE FROM documents",
        "SELECT 1; DROP TABLE documents",
        "UPDATE documents SET text = ''",
        "ATTACH DATABASE '/tmp/pt-evil.db' AS evil",
        "PRAGMA journal_mode = DELETE",
        "CREATE TABLE evil (x)",
    ],
)
def test_sql_command_is_read_only(store_db: Path, statement: str) -> None:
    proc = run_cli(["sql", statement, "--db", str(store_db)])
    if "No such command" in proc.stderr:
        pytest.skip("policytext sql is not there yet")
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    conn = sqlite3.connect(store_db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='evil'").fetchone()[0] == 0
    assert not Path("/tmp/pt-evil.db").exists()


@pytest.mark.parametrize("query", ["'; DROP TABLE documents; --", '补偿" OR "1"="1', "NEAR(补偿"])
def test_search_command_with_injection(store_db: Path, query: str) -> None:
    proc = run_cli(["search", query, "--db", str(store_db)])
    if "No such command" in proc.stderr:
        pytest.skip("policytext search is not there yet")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    conn = sqlite3.connect(store_db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
