"""``network`` and ``terms`` take the filters of ``query`` and ``export``, and each changes the output
as it should."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from policytext.cli import main
from policytext.export import mention_table, selected_documents
from policytext.network import citation_network, cooccurrence_network
from policytext.store.db import Store
from policytext.store.filters import Filters
from policytext.terms import term_table


def _rows(df: pd.DataFrame) -> set[tuple[object, ...]]:
    return set(df.itertuples(index=False, name=None))


def test_terms_count_only_the_selected_documents(sample_db: Path) -> None:
    every = term_table(sample_db, group="doc_type", top=10)
    with Store(sample_db, readonly=True) as store:
        official = term_table(
            store, group="doc_type", top=10, filters=Filters.make(store, doc_type=["official"])
        )
        recent = term_table(store, period=1, top=10, filters=Filters.make(store, since="2020"))
    assert len(official) and set(official["group"]) == {"official"}
    assert _rows(official) == _rows(every[every["group"] == "official"])
    yearly = term_table(sample_db, period=1, top=10)
    assert len(recent) and set(recent["period"]) == {p for p in yearly["period"] if p >= "2020"}
    assert _rows(recent) == _rows(yearly[yearly["period"] >= "2020"])


def test_mention_only_filters_select_documents_holding_such_a_mention(sample_db: Path) -> None:
    with sqlite3.connect(sample_db) as c:
        lacking = {
            r[0]
            for r in c.execute(
                "SELECT DISTINCT doc_id FROM mentions WHERE kind = 'mechanism' AND deleted = 0 "
                "AND status = 'lacking'"
            )
        }
        every = {r[0] for r in c.execute("SELECT doc_id FROM documents")}
    with Store(sample_db, readonly=True) as store:
        got = {d["doc_id"] for d in selected_documents(store, Filters.make(store, status=["lacking"]))}
        counted = term_table(store, top=3, filters=Filters.make(store, status=["lacking"]))
    assert got == lacking and 0 < len(lacking) < len(every)
    assert counted["period_tokens"].sum() < term_table(sample_db, top=3)["period_tokens"].sum()


def test_citations_from_the_selected_documents(sample_db: Path) -> None:
    g = citation_network(sample_db)
    with Store(sample_db, readonly=True) as store:
        recent = citation_network(store, filters=Filters.make(store, since="2020"))
    kept = {(u, v) for u, v in g.edges() if g.nodes[u]["date"] >= "2020"}
    assert set(recent.edges()) == kept and 0 < len(kept) < g.number_of_edges()
    sources = {u for u, _ in recent.edges()}
    assert all(recent.nodes[u]["date"] >= "2020" for u in sources)


def test_cooccurrence_counts_the_mentions_the_filters_keep(sample_db: Path) -> None:
    m = mention_table(sample_db)
    mech = m[(m["kind"] == "mechanism") & (m["status"] == "established")]
    pairs = pd.Series(
        [(f"agg:{a}", f"mech:{t}") for t, aggs in zip(mech["type"], mech["agglomerations"]) for a in aggs]
    ).value_counts()
    with Store(sample_db, readonly=True) as store:
        g = cooccurrence_network(store, filters=Filters.make(store, status=["established"]))
    got = {
        (u, v) if u.startswith("agg:") else (v, u): a["weight"]
        for u, v, a in g.edges(data=True)
        if a["kind"] == "agglomeration-mechanism"
    }
    assert got == dict(pairs.items()) and got
    assert len(got) < sum(
        1
        for *_, a in cooccurrence_network(sample_db).edges(data=True)
        if a["kind"] == "agglomeration-mechanism"
    )


def test_cli_network_and_terms_take_the_filters(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "co.graphml"
    args = ["network", "--db", str(sample_db), "--kind", "cooccurrence", "-f", "graphml", "--out", str(out)]
    assert main([*args, "--type", "生态补偿"]) == 0
    g = nx.read_graphml(out)
    mechs = {n for n, a in g.nodes(data=True) if a["kind"] == "mechanism"}
    assert mechs == {"mech:eco_compensation"}
    table = tmp_path / "t.csv"
    terms = ["terms", "--db", str(sample_db), "--by", "doc_type", "--out", str(table)]
    assert main([*terms, "--doc-type", "plan"]) == 0
    assert set(pd.read_csv(table)["group"]) == {"plan"}
    assert main([*terms, "--agglomeration", "no-such-place"]) == 2


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_cli_bad_filter_value_is_a_usage_error(sample_db: Path, tmp_path: Path, flag: str) -> None:
    args = ["network", "--db", str(sample_db), "--out", str(tmp_path / "c.gexf"), flag, "2020-13"]
    assert main(args) == 2
    assert not (tmp_path / "c.gexf").exists()
