"""Citation and co-occurrence networks: written, read back by networkx, titles resolved."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from policytext.cli import main
from policytext.export import document_table, mention_table
from policytext.network import citation_network, cited_titles, cooccurrence_network, normalise_title


def test_cited_titles_and_normalisation() -> None:
    text = "依据《中华人民共和国 环境保护法》和《长江三角洲区域一体化发展规划纲要》，制定本条例。"
    assert cited_titles(text) == ["中华人民共和国 环境保护法", "长江三角洲区域一体化发展规划纲要"]
    assert normalise_title("《中华人民共和国 环境保护法》") == "中华人民共和国环境保护法"


def test_citations_resolve_to_stored_documents(sample_db: Path, tmp_path: Path) -> None:
    from policytext.store import reads
    from policytext.store.db import Store

    g = citation_network(sample_db)
    docs = document_table(sample_db)
    assert {n for n, a in g.nodes(data=True) if a["kind"] == "document"} == set(docs["doc_id"])
    titles = {
        normalise_title(t): d for t, d in zip(docs["title"], docs["doc_id"]) if isinstance(t, str) and t
    }
    with Store(sample_db, readonly=True) as store:
        sents = [s for s in reads.sentences(store) if not s["boilerplate"]]
    expected = set()
    for s in sents:
        for t in cited_titles(s["text"]):
            target = titles.get(normalise_title(t), "ext:" + normalise_title(t))
            if target != s["doc_id"]:
                expected.add((s["doc_id"], target))
    assert set(g.edges()) == expected and expected
    for _, v in g.edges():
        if g.nodes[v]["kind"] == "external":
            citing = list(g.predecessors(v))
            dates = [g.nodes[u]["date"] for u in citing if g.nodes[u]["date"]]
            assert g.nodes[v]["date"] == (min(dates) if dates else "")

    for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        out = tmp_path / f"c.{fmt}"
        assert main(["network", "--db", str(sample_db), "--format", fmt, "--out", str(out)]) == 0
        back = reader(out)
        assert set(back.nodes()) == set(g.nodes()) and set(back.edges()) == set(g.edges())
        assert all(back.nodes[n]["kind"] in {"document", "external"} for n in back.nodes())
    assert main(["network", "--db", str(sample_db), "--format", "csv", "--out", str(tmp_path / "c.csv")]) == 0
    edges = pd.read_csv(tmp_path / "c_edges.csv", encoding="utf-8-sig")
    assert len(edges) == g.number_of_edges() and edges["weight"].dtype == "int64"


def test_cooccurrence_weights_match_mentions(sample_db: Path, tmp_path: Path) -> None:
    g = cooccurrence_network(sample_db, period=5)
    m = mention_table(sample_db)
    mech = m[m["kind"] == "mechanism"]
    pairs = [(f"agg:{a}", f"mech:{t}") for t, aggs in zip(mech["type"], mech["agglomerations"]) for a in aggs]
    counts = pd.Series(pairs).value_counts() if pairs else pd.Series(dtype=int)
    for (u, v), n in counts.items():
        assert g.edges[u, v]["weight"] == n
        periods = [k for k in g.edges[u, v] if k.startswith("w_")]
        assert sum(g.edges[u, v][k] for k in periods) == n
    assert len(counts) and sum(
        1 for *_, a in g.edges(data=True) if a["kind"] == "agglomeration-mechanism"
    ) == len(counts)
    out = tmp_path / "co.graphml"
    assert (
        main(
            ["network", "--db", str(sample_db), "--kind", "cooccurrence", "-f", "graphml", "--out", str(out)]
        )
        == 0
    )
    assert nx.read_graphml(out).number_of_edges() == g.number_of_edges()
    assert main(["network", "--db", str(sample_db), "--kind", "nope", "--out", str(out)]) == 2


@pytest.mark.parametrize("fmt", ["dot"])
def test_unknown_graph_format_refused(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    assert main(["network", "--db", str(sample_db), "-f", fmt, "--out", str(tmp_path / "x")]) == 2
