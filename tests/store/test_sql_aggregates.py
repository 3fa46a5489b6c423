"""Timelines, first mentions, stage paths and report examples are aggregated in SQL; each equals
the row-by-row computation over the mentions it summarises (the way they were computed before)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policytext import timeline as tl
from policytext.export.report import collect
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters, direct_only, stages, statuses


@pytest.fixture()
def db(sample_db: Path, copy_store, tmp_path: Path) -> Path:
    """The sample store with corrections: a deleted mention, a changed status, an added mechanism."""
    path = copy_store(sample_db, tmp_path / "copy.db")
    with Store(path) as store:
        ms = store.rows(
            "SELECT mention_id, doc_id, sentence_idx FROM mentions WHERE kind='mechanism' ORDER BY mention_id"
        )
        store.correct_mention(ms[0]["mention_id"], action="delete", annotator="a")
        store.correct_mention(ms[1]["mention_id"], action="set", status="lacking", annotator="a")
        store.add_sentence_mechanism(
            ms[2]["doc_id"], ms[2]["sentence_idx"], type="tax_sharing", status="proposed", annotator="a"
        )
    return path


def _rows(db: Path, by: str, links: bool) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, str]]:
    with Store(db, readonly=True) as store:
        f = direct_only(Filters(), links)
        return (
            reads.period_mentions(store, f, by=by),
            reads.period_documents(store, f, by=by),
            reads.agglomeration_names(store),
        )


@pytest.mark.parametrize(("by", "links"), [("year", False), ("year", True), ("month", True)])
def test_timeline_counts_equal_the_row_by_row_counts(db: Path, by: str, links: bool) -> None:
    rows, per_period, names = _rows(db, by, links)
    docs: dict[tuple[Any, ...], set[str]] = {}
    ments: Counter[tuple[Any, ...]] = Counter()
    for r in rows:
        key = (r["period"], r["agglomeration"], r["type"])
        docs.setdefault(key, set()).add(r["doc_id"])
        ments[key] += 1
    expected = [
        {
            "period": p,
            "agglomeration": a,
            "agglomeration_name": names.get(a) if a else None,
            "type": t,
            "documents": len(docs[(p, a, t)]),
            "mentions": ments[(p, a, t)],
            "period_documents": per_period.get(p, 0),
            "doc_share": round(len(docs[(p, a, t)]) / per_period[p], 6),
            "mentions_per_document": round(ments[(p, a, t)] / per_period[p], 6),
        }
        for p, a, t in sorted(docs, key=lambda k: (k[0], k[1] or "", k[2]))
    ]
    got = tl.timeline_counts(db, by=by, normalize=True, include_document_links=links)
    assert len(expected) > 5
    assert got.to_dict("records") == pd.DataFrame(expected)[list(got.columns)].to_dict("records")


def test_first_mentions_equal_the_first_row_of_each_pair(db: Path) -> None:
    rows, _, names = _rows(db, "year", True)
    first: dict[tuple[Any, str], dict[str, Any]] = {}
    for r in rows:
        first.setdefault((r["agglomeration"], r["type"]), r)
    got = tl.first_mentions(db, include_document_links=True)
    assert len(got) == len(first) > 3
    for r in _records(got):
        want = first[(r["agglomeration"], r["type"])]
        assert (r["mention_id"], r["doc_id"], r["period"], r["sentence"]) == (
            want["mention_id"],
            want["doc_id"],
            want["period"],
            want["sentence"],
        )
        assert r["agglomeration_name"] == (names.get(r["agglomeration"]) if r["agglomeration"] else None)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows with None for missing values (a frame shows a missing agglomeration as NaN)."""
    return [
        {k: (None if not isinstance(v, list) and pd.isna(v) else v) for k, v in r.items()}
        for r in df.to_dict("records")
    ]


def _pick(values: list[str]) -> str | None:
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in reversed(values) if counts[v] == best)


def test_stage_paths_equal_the_row_by_row_paths(db: Path) -> None:
    rows, _, _ = _rows(db, "year", True)
    groups: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["agglomeration"], r["type"]), []).append(r)
    got = {
        (r["agglomeration"], r["type"]): r for r in _records(tl.stage_paths(db, include_document_links=True))
    }
    assert set(got) == set(groups)
    for key, rs in groups.items():
        periods = sorted({r["period"] for r in rs})
        for column, allowed in (("stage", stages()), ("status", statuses())):
            steps = [
                (p, _pick([r[column] for r in rs if r["period"] == p and r[column] in allowed]))
                for p in periods
            ]
            assert got[key][f"{column}_path"] == tl._path(steps)
        assert got[key]["periods"] == periods
        assert got[key]["mentions"] == len({r["mention_id"] for r in rs})
        assert got[key]["documents"] == len({r["doc_id"] for r in rs})


@pytest.mark.parametrize("per_type", [1, 3])
def test_report_examples_equal_the_row_by_row_choice(db: Path, per_type: int) -> None:
    with Store(db, readonly=True) as store:
        rows = [r for r in reads.mentions(store, Filters(), order="score") if r["sentence"] is not None]
        rows.sort(key=lambda r: (r["type"], len(r["sentence"]) < 20))
        picked: dict[str, list[int]] = {}
        seen: set[tuple[str, str]] = set()
        for r in rows:
            if len(picked.setdefault(r["type"], [])) >= per_type or (r["type"], r["doc_id"]) in seen:
                continue
            seen.add((r["type"], r["doc_id"]))
            picked[r["type"]].append(r["mention_id"])
        got: dict[str, list[int]] = {}
        for r in reads.example_mentions(store, Filters(), per_type=per_type):
            got.setdefault(r["type"], []).append(r["mention_id"])
        assert got == {t: ids for t, ids in picked.items() if ids}
        data = collect(store, examples_per_type=per_type)
    assert sum(len(t["examples"]) for t in data.examples) == sum(len(v) for v in picked.values())
