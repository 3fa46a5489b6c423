"""``mentions.link_basis``: stored, migrated, filtered, carried in output; timelines count direct links."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from policytext import query as q
from policytext import timeline as tl
from policytext.cli import main
from policytext.errors import StoreError, UsageError
from policytext.export import mention_table
from policytext.store import SCHEMA_VERSION
from policytext.store.db import Store
from policytext.store.schema import _migrate_1
from policytext.types import AgglomerationCount, Document, Extraction, Mention, Metadata, Sentence

SENTENCES = ["推动长三角生态补偿。", "二、成本共担", "建立成本共担机制。", "完善税收分成。", "探索联合基金。"]


def _document(doc_id: str, date: str) -> Document:
    text, sents, pos = "", [], 0
    for i, s in enumerate(SENTENCES):
        sents.append(Sentence(i, pos, pos + len(s), s, 1))
        text += s
        pos += len(s)
    return Document(
        doc_id=doc_id,
        path=f"/tmp/{doc_id}.txt",
        text=text,
        original_text=text,
        pages=[],
        sentences=sents,
        meta=Metadata(title=doc_id, date=date, doc_type="official"),
    )


def _extraction(doc: Document, bases: list[str | None]) -> Extraction:
    mentions = []
    for i, basis in enumerate(bases):
        s = doc.sentences[i if i != 1 else 2]
        aggs = ["yangtze_delta"] if basis is not None else []
        attrs = {"status": "proposed", "stage": "establish", "agglomerations": aggs, "link_basis": basis}
        mentions.append(
            Mention(
                kind="mechanism",
                type=("eco_compensation", "cost_sharing", "tax_sharing", "joint_fund", "cost_sharing")[i],
                text=s.text[:4],
                sentence=s.text,
                sentence_index=s.index,
                start=s.start,
                end=s.start + 4,
                page=1,
                attributes=attrs,
            )
        )
    return Extraction(
        mentions=mentions,
        primary_agglomeration="yangtze_delta",
        agglomerations=[AgglomerationCount("yangtze_delta", "长三角", "城市群", True, 1)],
    )


BASES: list[str | None] = ["sentence", "heading", "paragraph", "document", None]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "basis.db"
    with Store(path) as store:
        for n, year in enumerate(("2019-05-01", "2021-03-02")):
            doc = _document(f"d{n}", year)
            store.add_document(doc, _extraction(doc, BASES), fmt="txt")
    return path


def test_link_basis_is_stored_and_carried_in_output(db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(db) as c:
        got = [
            r[0] for r in c.execute("SELECT link_basis FROM mentions WHERE doc_id='d0' ORDER BY mention_id")
        ]
    assert got == BASES
    df = q.mechanisms(db)
    d0 = df[df["doc_id"] == "d0"].sort_values("mention_id")
    assert [None if pd.isna(b) else b for b in d0["link_basis"]] == BASES
    assert "link_basis" in mention_table(db).columns
    out = tmp_path / "rows.jsonl"
    assert (
        main(
            [
                "query",
                "mechanisms",
                "--db",
                str(db),
                "--basis",
                "heading,document",
                "-f",
                "jsonl",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["link_basis"] for r in rows) == ["document", "document", "heading", "heading"]


def test_basis_filter_and_its_errors(db: Path) -> None:
    assert set(q.mechanisms(db, basis="sentence")["link_basis"]) == {"sentence"}
    assert len(q.mechanisms(db, basis=["sentence", "paragraph"])) == 4
    with pytest.raises(UsageError, match="--basis 'nearby'"):
        q.mechanisms(db, basis="nearby")
    assert main(["query", "mechanisms", "--db", str(db), "--basis", "nearby"]) == 2


def test_timelines_count_direct_links_unless_asked(db: Path) -> None:
    direct = tl.timeline_counts(db, agglomerations="长三角")
    assert int(direct["mentions"].sum()) == 6  # sentence, heading, paragraph × 2 documents
    every = tl.timeline_counts(db, agglomerations="长三角", include_document_links=True)
    assert int(every["mentions"].sum()) == 8
    first = tl.first_mentions(db, agglomerations="长三角")
    assert "document" not in set(first["link_basis"]) and set(first["period"]) == {"2019"}
    first_all = tl.first_mentions(db, agglomerations="长三角", include_document_links=True)
    assert "joint_fund" in set(first_all["type"]) and "joint_fund" not in set(first["type"])
    only_doc = tl.timeline_counts(db, basis="document")
    assert set(only_doc["type"]) == {"joint_fund"} and int(only_doc["mentions"].sum()) == 2
    # a mention without any link still counts, under agglomeration None
    unlinked = tl.timeline_counts(db, types="cost_sharing")
    assert unlinked["agglomeration"].isna().sum() == 2  # one per document


def test_web_basis_parameter(db: Path) -> None:
    testclient = pytest.importorskip("starlette.testclient")
    from policytext.web.app import create_app

    c = testclient.TestClient(create_app(db), base_url="http://127.0.0.1:8765")
    page = c.get("/", params={"basis": "document", "partial": "1"})
    assert page.status_code == 200 and 'id="n-mentions">2<' in page.text
    assert c.get("/", params={"basis": "nearby"}).status_code == 400


def test_unknown_link_basis_is_refused_at_write(tmp_path: Path) -> None:
    doc = _document("bad", "2020")
    ex = _extraction(doc, ["sentence"])
    ex.mentions[0].attributes["link_basis"] = "guess"
    with Store(tmp_path / "x.db") as store, pytest.raises(StoreError, match="link_basis 'guess'"):
        store.add_document(doc, ex)


def test_old_store_migrates_with_unknown_basis(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    _migrate_1(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.execute(
        "INSERT INTO documents (doc_id, path, filename, text, ingested_at, date, year) "
        "VALUES ('old', 'old.txt', 'old.txt', '建立成本共担机制。', 'now', '2018', 2018)"
    )
    conn.execute("""INSERT INTO mentions (doc_id, kind, type, text, sentence_idx, start, "end")
                    VALUES ('old', 'mechanism', 'cost_sharing', '成本共担', 0, 2, 6)""")
    conn.close()
    old = q.mechanisms(path)  # read-only: not migrated, still readable, the basis unknown
    assert len(old) == 1 and old.iloc[0]["link_basis"] is None and q.mechanisms(path, basis="sentence").empty
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
    with Store(path) as store:  # opening for writing migrates
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    df = q.mechanisms(path)
    assert len(df) == 1 and df.iloc[0]["link_basis"] is None
    assert len(tl.timeline_counts(path)) == 1  # unknown basis still counts
