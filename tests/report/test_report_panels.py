"""Report panels: each timeline on its own scale, shares only where enough documents back them, the
co-occurrence network and key-terms figures from the store, and a report under filters."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import GENERATED

from policytext import query as q
from policytext.export import report as rp
from policytext.store.db import Store


def test_report_shares_need_three_documents(sample_report) -> None:
    data = sample_report.data
    with Store(data.db, readonly=True) as store:
        per_year = Counter(r["year"] for r in store.rows("SELECT year FROM documents WHERE year IS NOT NULL"))
    assert any(0 < n < rp.MIN_SHARE_DOCUMENTS for n in per_year.values())  # the rule has work to do
    assert any(n >= rp.MIN_SHARE_DOCUMENTS for n in per_year.values())
    for t in data.timelines:
        for year, share, docs in zip(data.years, t["shares"], t["documents"]):
            if per_year[year] < rp.MIN_SHARE_DOCUMENTS:
                assert share is None, (t["id"], year)
            else:
                assert share == docs / per_year[year]
    html = sample_report.html.read_text(encoding="utf-8")
    assert f"at least {rp.MIN_SHARE_DOCUMENTS} documents" in html and 'id="share-rule"' in html


def test_report_timelines_have_their_own_scale(sample_report) -> None:
    data = sample_report.data
    figs = rp.make_figures(data)
    tops = []
    for fig, t in zip(figs["timeline"], data.timelines):
        ax = fig.axes[0]
        assert ax.get_ylim()[1] == max([*t["counts"], 1]) * 1.15
        tops.append(ax.get_ylim()[1])
    assert len(set(tops)) > 1  # one spike no longer flattens the other panels


def test_report_network_and_key_terms_come_from_the_store(sample_report) -> None:
    data = sample_report.data
    with Store(data.db, readonly=True) as store:
        pairs = {
            (r["agg"], r["type"]): r["n"]
            for r in store.rows(
                "SELECT ma.agglomeration_id AS agg, m.type AS type, COUNT(DISTINCT m.mention_id) AS n "
                "FROM mentions m JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id "
                "WHERE m.kind = 'mechanism' AND m.deleted = 0 GROUP BY 1, 2"
            )
        }
    assert data.network_edges
    for e in data.network_edges:
        assert pairs[(e["agg_id"], e["type_id"])] == e["weight"]
    shown = {e["agg_id"] for e in data.network_edges}
    assert len(shown) == min(rp.MAX_NETWORK_AGGLOMERATIONS, len({a for a, _ in pairs}))
    assert len(data.key_terms) == rp.MAX_KEY_TERMS
    assert len(data.term_matrix) == len(data.key_terms)
    assert all(len(row) == len(data.term_periods) for row in data.term_matrix)
    assert all(any(v > 0 for v in row) for row in data.term_matrix)


def test_report_under_filters(sample_db: Path, tmp_path: Path) -> None:
    result = rp.build_report(
        sample_db, tmp_path / "r.html", generated=GENERATED, agglomerations="长三角", since="2018"
    )
    expected = q.mechanisms(sample_db, agglomerations="长三角", since="2018")
    assert result.data.overview["mechanism_mentions"] == len(expected) > 0
    docs = q.documents(sample_db, agglomerations="长三角", since="2018")
    assert result.data.overview["documents"] == len(docs)
    html = result.html.read_text(encoding="utf-8")
    assert re.search(r'id="filters">[^<]*agglomerations = yangtze_delta', html)
