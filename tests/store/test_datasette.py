"""``policytext datasette``: the store in Datasette, Chinese search, views, facets, corrections."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datasette")

from policytext.store.datasette import make_app


def _get(app: Any, *urls: str) -> list[Any]:
    async def run() -> list[Any]:
        await app.invoke_startup()
        out = []
        for url in urls:
            r = await app.client.get(url)
            assert r.status_code == 200, (url, r.text[:500])
            out.append(r.json())
        return out

    return asyncio.run(run())


def test_datasette_searches_chinese_and_serves_the_views(sample_db: Path, copy_store, tmp_path: Path) -> None:
    db = copy_store(sample_db, tmp_path / "corpus.db")
    with sqlite3.connect(db) as c:
        expected = {r[0] for r in c.execute("SELECT sid FROM sentences WHERE text LIKE '%税收分成%'")}
        n_links = c.execute("SELECT COUNT(*) FROM mechanism_links").fetchone()[0]
        n_docs = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert expected and n_links
    box, form, links, docs, corrections = _get(
        make_app(db),
        "/corpus/sentence_search.json?_search=税收分成&_shape=array&_size=max",
        "/corpus/search.json?q=税收分成&_shape=array",
        "/corpus/mechanism_links.json?_facet=type&_size=0",
        "/corpus/document_list.json?_shape=array&_size=max",
        "/corpus/annotations.json?_shape=array",
    )
    assert {r["sid"] for r in box} == expected  # a two-word Chinese string, not a whole-token match
    assert {r["sid"] for r in form} == expected
    assert all("税收分成" in r["text"] for r in form)
    assert links["filtered_table_rows_count"] == n_links
    facet = links["facet_results"]
    facet = facet.get("results", facet)  # the shape of Datasette 1.0 and 0.6x
    assert sum(v["count"] for v in facet["type"]["results"]) == n_links
    assert len(docs) == n_docs and {"mechanisms", "title", "doc_type"} <= set(docs[0])
    assert corrections == []


def test_datasette_refuses_an_unmigrated_store(tmp_path: Path) -> None:
    import gzip
    import shutil

    from policytext.errors import UsageError

    db = tmp_path / "old.db"
    with (
        gzip.open(Path(__file__).resolve().parents[1] / "data" / "store_v2.db.gz") as src,
        db.open("wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    with pytest.raises(UsageError, match="policytext compact"):
        make_app(db)
