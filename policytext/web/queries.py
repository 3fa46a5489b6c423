"""The read queries behind the web page: filtered mechanism mentions, facet counts, charts, context.

Every value from the request is a bound parameter; nothing here writes.
"""

from __future__ import annotations

import colorsys
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from policytext.store.db import Store

PAGE_SIZE = 50
STATUSES = ("proposed", "established", "lacking")

# 16 distinguishable colours, given to the taxonomy's types in order.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#b5651d", "#637939", "#ad494a", "#7b4173", "#3182bd",
)


def type_colours(type_ids: list[str]) -> dict[str, str]:
    """A colour per mechanism type: the palette in taxonomy order, then stable hashed hues."""
    colours = {t: PALETTE[i] for i, t in enumerate(type_ids[: len(PALETTE)])}
    for t in type_ids[len(PALETTE):]:
        colours[t] = colour_of(t)
    return colours


def colour_of(name: str) -> str:
    """A stable colour for a name that is not in the taxonomy."""
    hue = int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


@dataclass
class Filters:
    """What the reader selected; empty strings and None mean 'any'."""

    type: str = ""
    agg: str = ""
    year_from: int | None = None
    year_to: int | None = None
    status: str = ""
    doc_type: str = ""
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        def year(key: str) -> int | None:
            v = (params.get(key) or "").strip()
            return int(v) if v.isdigit() and len(v) == 4 else None

        offset = (params.get("offset") or "0").strip()
        return cls(
            type=(params.get("type") or "").strip(), agg=(params.get("agg") or "").strip(),
            year_from=year("year_from"), year_to=year("year_to"), status=(params.get("status") or "").strip(),
            doc_type=(params.get("doc_type") or "").strip(), offset=int(offset) if offset.isdigit() else 0,
        )

    def params(self, **change: Any) -> dict[str, str]:
        """Non-empty filters as query parameters (``change`` overrides some)."""
        out = {}
        for f in fields(self):
            v = change.get(f.name, getattr(self, f.name))
            if v not in ("", None, 0):
                out[f.name] = str(v)
        return out

    def where(self, *, skip: tuple[str, ...] = ()) -> tuple[str, list[Any]]:
        """SQL conditions on ``mentions m JOIN documents d`` for every filter not in ``skip``."""
        sql = ["m.kind = 'mechanism'", "m.deleted = 0"]
        args: list[Any] = []
        if self.type and "type" not in skip:
            sql.append("m.type = ?")
            args.append(self.type)
        if self.status and "status" not in skip:
            if self.status == "none":
                sql.append("m.status IS NULL")
            else:
                sql.append("m.status = ?")
                args.append(self.status)
        if self.doc_type and "doc_type" not in skip:
            sql.append("d.doc_type = ?")
            args.append(self.doc_type)
        if "period" not in skip:
            if self.year_from is not None:
                sql.append("d.year >= ?")
                args.append(self.year_from)
            if self.year_to is not None:
                sql.append("d.year <= ?")
                args.append(self.year_to)
        if self.agg and "agg" not in skip:
            sql.append("EXISTS (SELECT 1 FROM mention_agglomerations ma WHERE ma.mention_id = m.mention_id AND ma.agglomeration_id = ?)")
            args.append(self.agg)
        return " AND ".join(sql), args


_BASE = "FROM mentions m JOIN documents d ON d.doc_id = m.doc_id"


def agglomeration_names(store: Store) -> dict[str, str]:
    """Agglomeration id → display name, as stored with the documents."""
    return {r["agglomeration_id"]: r["name"] for r in store.rows(
        "SELECT agglomeration_id, MIN(name) AS name FROM document_agglomerations GROUP BY agglomeration_id")}


def facets(store: Store, f: Filters) -> dict[str, list[dict[str, Any]]]:
    """For each filter, every value with its count under the *other* filters (zero counts kept)."""

    def counts(key: str, expr: str, join: str = "") -> dict[str, int]:
        where, args = f.where(skip=(key,))
        rows = store.rows(f"SELECT {expr} AS v, COUNT(DISTINCT m.mention_id) AS n {_BASE} {join} WHERE {where} GROUP BY v", args)
        return {str(r["v"]): r["n"] for r in rows if r["v"] is not None}

    def merge(all_values: list[str], got: dict[str, int]) -> list[dict[str, Any]]:
        values = list(dict.fromkeys(all_values + sorted(got)))
        return [{"value": v, "count": got.get(v, 0)} for v in values]

    all_types = [r["type"] for r in store.rows("SELECT DISTINCT type FROM mentions WHERE kind='mechanism' ORDER BY type")]
    all_aggs = [r["agglomeration_id"] for r in store.rows(
        "SELECT agglomeration_id, SUM(count) AS n FROM document_agglomerations GROUP BY agglomeration_id ORDER BY n DESC, agglomeration_id")]
    all_doc_types = [r["doc_type"] for r in store.rows("SELECT DISTINCT doc_type FROM documents ORDER BY doc_type")]
    years = [str(r["year"]) for r in store.rows("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
    status = counts("status", "COALESCE(m.status, 'none')")
    return {
        "type": merge(all_types, counts("type", "m.type")),
        "agg": merge(all_aggs, counts("agg", "ma.agglomeration_id", "JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id")),
        "status": merge(list(STATUSES), status),
        "doc_type": merge(all_doc_types, counts("doc_type", "d.doc_type")),
        "year": merge(years, counts("period", "d.year")),
    }


def totals(store: Store, f: Filters) -> dict[str, int]:
    """How many mentions and documents match every filter."""
    where, args = f.where()
    r = store.execute(f"SELECT COUNT(*), COUNT(DISTINCT m.doc_id) {_BASE} WHERE {where}", args).fetchone()
    return {"mentions": r[0], "documents": r[1]}


def results(store: Store, f: Filters, *, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """One page of matching mentions with their sentence (newest documents first)."""
    where, args = f.where()
    rows = store.rows(
        f"""SELECT m.mention_id, m.doc_id, m.type, m.status, m.stage, m.source, m.score, m.text, m.start, m."end",
                   m.sentence_idx, COALESCE(s.page, m.page) AS page, m.agglomerations_json,
                   d.title, d.filename, d.date, d.year, d.doc_type, s.text AS sentence, s.start AS s_start
            {_BASE} LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.idx = m.sentence_idx
            WHERE {where} ORDER BY d.date DESC, m.doc_id, m.sentence_idx, m.start LIMIT ? OFFSET ?""",
        [*args, limit, f.offset],
    )
    for r in rows:
        text = r["sentence"] or r["text"]
        base = r["s_start"] if r["sentence"] is not None else r["start"]
        r["segments"] = segments(text, base, [{"start": r["start"], "end": r["end"], "kind": "mechanism", "type": r["type"]}])
    return rows


def timeline(store: Store, f: Filters) -> dict[str, Any]:
    """Mentions per document year and type under every filter but the period."""
    where, args = f.where(skip=("period",))
    rows = store.rows(f"SELECT d.year AS year, m.type AS type, COUNT(*) AS n {_BASE} WHERE {where} AND d.year IS NOT NULL "
                      "GROUP BY d.year, m.type ORDER BY d.year", args)
    years = [r["year"] for r in store.rows("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
    if years:
        years = list(range(min(years), max(years) + 1))
    return {"years": years, "cells": rows}


def heatmap(store: Store, f: Filters, *, max_aggs: int = 14) -> dict[str, Any]:
    """Mentions per type × agglomeration under every filter but those two (top agglomerations)."""
    where, args = f.where(skip=("type", "agg"))
    rows = store.rows(
        f"""SELECT m.type AS type, ma.agglomeration_id AS agg, COUNT(DISTINCT m.mention_id) AS n {_BASE}
            JOIN mention_agglomerations ma ON ma.mention_id = m.mention_id WHERE {where} GROUP BY m.type, ma.agglomeration_id""",
        args,
    )
    per_agg: dict[str, int] = {}
    for r in rows:
        per_agg[r["agg"]] = per_agg.get(r["agg"], 0) + r["n"]
    aggs = sorted(per_agg, key=lambda a: (-per_agg[a], a))[:max_aggs]
    if f.agg and f.agg not in aggs and f.agg in per_agg:
        aggs.append(f.agg)
    keep = set(aggs)
    return {"aggs": aggs, "cells": [r for r in rows if r["agg"] in keep]}


def segments(text: str, base: int, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut ``text`` (starting at document offset ``base``) at span edges.

    Returns:
        ``[{"text", "spans"}]`` where ``spans`` are those covering the piece (for highlighting).
    """
    n = len(text)
    cuts = {0, n}
    local = []
    for sp in spans:
        a, b = max(0, sp["start"] - base), min(n, sp["end"] - base)
        if a < b:
            local.append((a, b, sp))
            cuts.update((a, b))
    edges = sorted(cuts)
    out = []
    for a, b in itertools.pairwise(edges):
        cover = [sp for (x, y, sp) in local if x <= a and b <= y]
        out.append({"text": text[a:b], "spans": cover})
    return out


def document_view(store: Store, doc_id: str) -> dict[str, Any] | None:
    """A document with its sentences grouped by page, each cut into highlighted segments."""
    doc = store.execute(
        "SELECT doc_id, path, filename, title, date, year, doc_type, issuer, doc_number, n_pages, format, primary_agglomeration "
        "FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
    if doc is None:
        return None
    mentions = store.rows(
        """SELECT mention_id, kind, type, text, sentence_idx, start, "end", page, score, source, status, stage,
                  agglomerations_json FROM mentions WHERE doc_id=? AND deleted=0 ORDER BY start""", (doc_id,))
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for m in mentions:
        by_sentence.setdefault(m["sentence_idx"] if m["sentence_idx"] is not None else -1, []).append(m)
    sentences = store.rows(
        'SELECT idx, start, "end", page, text, boilerplate FROM sentences WHERE doc_id=? ORDER BY idx', (doc_id,))
    pages: list[dict[str, Any]] = []
    for s in sentences:
        ms = by_sentence.get(s["idx"], [])
        s["mechanisms"] = [m for m in ms if m["kind"] == "mechanism"]
        s["segments"] = segments(s["text"], s["start"], ms)
        if not pages or pages[-1]["number"] != s["page"]:
            pages.append({"number": s["page"], "sentences": []})
        pages[-1]["sentences"].append(s)
    aggs = store.rows(
        "SELECT agglomeration_id, name, kind, known, count, is_primary FROM document_agglomerations WHERE doc_id=? ORDER BY count DESC",
        (doc_id,))
    return {"doc": dict(doc), "pages": pages, "agglomerations": aggs,
            "n_mechanisms": sum(1 for m in mentions if m["kind"] == "mechanism")}


def search(store: Store, query: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """Full-text search (:meth:`Store.search`) with the query's terms marked in each sentence."""
    hits = store.search(query, limit=limit)
    terms = [t.strip('"') for t in query.split() if t.strip('"')]
    for h in hits:
        spans = []
        for t in terms:
            i = h["text"].find(t)
            while i >= 0 and t:
                spans.append({"start": i, "end": i + len(t), "kind": "hit", "type": ""})
                i = h["text"].find(t, i + len(t))
        h["segments"] = segments(h["text"], 0, spans)
    return hits
