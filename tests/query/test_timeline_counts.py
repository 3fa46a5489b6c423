"""Timeline figures against values computed independently from the raw store rows."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from policytext import timeline as tl
from policytext.cli import main


def _agg(row: dict) -> str | None:
    """The row's agglomeration; a mention linked to none (link basis ``none``) is NaN from pandas."""
    a = row["agglomeration"]
    return a if isinstance(a, str) else None


def raw_mentions(db: Path, document_links: bool = False) -> list[dict]:
    """Mechanism mentions of dated documents, one dict per mention (aggs from the JSON column).

    Timelines count direct links by default: a mention whose agglomeration came from the document as
    a whole (``link_basis = 'document'``) is left out unless ``document_links``."""
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        rows = c.execute("""SELECT m.mention_id, m.doc_id, m.type, m.status, m.stage, m.start,
        m.agglomerations_json, m.link_basis,
                                   d.date FROM mentions m, documents d
                      WHERE m.doc_id = d.doc_id AND m.kind = 'mechanism' AND d.date IS NOT NULL""").fetchall()
    return [dict(r) for r in rows if document_links or r["link_basis"] != "document"]


def test_timeline_counts_match_hand_computed(sample_db: Path) -> None:
    docs_per_year = Counter()
    with sqlite3.connect(sample_db) as c:
        for (date,) in c.execute("SELECT date FROM documents"):
            docs_per_year[date[:4]] += 1
    by_name = Counter(
        f.name[:4]
        for f in (Path(__file__).resolve().parents[2] / "corpora" / "sample").iterdir()
        if f.name[:4].isdigit()
    )
    assert docs_per_year == by_name  # the sample files are named by their year
    docs: dict[tuple, set] = defaultdict(set)
    ments: Counter = Counter()
    for m in raw_mentions(sample_db):
        for a in json.loads(m["agglomerations_json"]) or [None]:
            key = (m["date"][:4], a, m["type"])
            docs[key].add(m["doc_id"])
            ments[key] += 1
    df = tl.timeline_counts(sample_db, by="year", normalize=True)
    got = {(r["period"], _agg(r), r["type"]): r for r in df.to_dict("records")}
    assert set(got) == set(docs)
    for key, r in got.items():
        assert r["documents"] == len(docs[key])
        assert r["mentions"] == ments[key]
        assert r["period_documents"] == docs_per_year[key[0]]
        assert r["doc_share"] == pytest.approx(len(docs[key]) / docs_per_year[key[0]], abs=1e-6)
    every = Counter()
    for m in raw_mentions(sample_db, document_links=True):
        for a in json.loads(m["agglomerations_json"]) or [None]:
            every[(m["date"][:4], a, m["type"])] += 1
    assert every != ments  # the sample has document-level links: the default leaves them out
    df = tl.timeline_counts(sample_db, by="year", include_document_links=True)
    assert {(r["period"], _agg(r), r["type"]): r["mentions"] for r in df.to_dict("records")} == dict(every)


def test_timeline_counts_filters_by_alias(sample_db: Path) -> None:
    a = tl.timeline_counts(sample_db, types="生态补偿", agglomerations="长三角")
    b = tl.timeline_counts(sample_db, types="eco_compensation", agglomerations="yangtze_delta")
    assert a.equals(b) and len(a)
    expected = Counter(
        m["date"][:4]
        for m in raw_mentions(sample_db)
        if m["type"] == "eco_compensation" and "yangtze_delta" in json.loads(m["agglomerations_json"])
    )
    assert dict(zip(a["period"], a["mentions"])) == dict(expected)


def test_timeline_by_month_leaves_out_year_only_dates(sample_db: Path) -> None:
    df = tl.timeline_counts(sample_db, by="month")
    assert df["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    expected = sum(
        1
        for m in raw_mentions(sample_db)
        if len(m["date"]) >= 7
        for _ in (json.loads(m["agglomerations_json"]) or [None])
    )
    assert df["mentions"].sum() == expected


def test_first_mentions_are_earliest(sample_db: Path) -> None:
    first: dict[tuple, tuple] = {}
    for m in raw_mentions(sample_db):
        for a in json.loads(m["agglomerations_json"]) or [None]:
            k = (a, m["type"])
            cand = (m["date"], m["doc_id"], m["start"])
            if k not in first or cand < first[k]:
                first[k] = cand
    df = tl.first_mentions(sample_db)
    got = {(_agg(r), r["type"]): (r["date"], r["doc_id"], r["start"]) for r in df.to_dict("records")}
    assert got == first
    yd = df[(df["agglomeration"] == "yangtze_delta") & (df["type"] == "co_built_parks")].iloc[0]
    assert yd["date"] == "2017-11-20" and yd["document"] == "2017-yangtze-delta-park-agreement.pdf"


def test_stage_paths_follow_the_periods(sample_db: Path) -> None:
    per: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for m in sorted(raw_mentions(sample_db), key=lambda m: (m["date"], m["doc_id"], m["start"], m["type"])):
        for a in json.loads(m["agglomerations_json"]) or [None]:
            if m["stage"]:
                per[(a, m["type"])][m["date"][:4]].append(m["stage"])
    df = tl.stage_paths(sample_db)
    got = {(_agg(r), r["type"]): r["stage_path"] for r in df.to_dict("records")}
    for key, periods in per.items():
        steps, last = [], None
        for p in sorted(periods):
            c = Counter(periods[p])
            best = max(c.values())
            stage = next(s for s in reversed(periods[p]) if c[s] == best)
            if stage != last:
                steps.append(f"{stage} {p}")
                last = stage
        assert got[key] == " → ".join(steps)
    assert any("→" in p for p in got.values())


def test_cli_timeline(sample_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "timeline",
                "--db",
                str(sample_db),
                "--by",
                "year",
                "--type",
                "生态补偿",
                "--normalize",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"period", "agglomeration", "type", "documents", "mentions", "doc_share"} <= set(rows[0])
    for show in ("first", "stages"):
        assert main(["timeline", "--db", str(sample_db), "--show", show, "--format", "csv"]) == 0
    assert main(["timeline", "--db", str(sample_db), "--by", "decade"]) == 2
