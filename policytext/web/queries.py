"""What the web page shows: filtered mechanism mentions, facet counts, charts, context.

The page's filters are the store's one :class:`~policytext.store.filters.Filters` (built by
:meth:`Filters.from_params`), so ``?agg=长三角`` selects what ``policytext query --agglomeration 长三角``
selects; the reads are :mod:`policytext.store.reads`. Nothing here writes.
"""

from __future__ import annotations

import colorsys
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import LINK_BASES, STATUSES
from policytext.store.filters import Filters as StoreFilters

PAGE_SIZE = 50

# 16 distinguishable colours, given to the taxonomy's types in order.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#b5651d",
    "#637939",
    "#ad494a",
    "#7b4173",
    "#3182bd",
)


def type_colours(type_ids: list[str]) -> dict[str, str]:
    """A colour per mechanism type: the palette in taxonomy order, then stable hashed hues."""
    colours = {t: PALETTE[i] for i, t in enumerate(type_ids[: len(PALETTE)])}
    for t in type_ids[len(PALETTE) :]:
        colours[t] = colour_of(t)
    return colours


def colour_of(name: str) -> str:
    """A stable colour for a name that is not in the taxonomy."""
    hue = int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


#: The largest result offset taken from a URL (SQLite integers are 64-bit).
MAX_OFFSET = 1 << 31


@dataclass
class Filters:
    """What the reader selected, as shown in the form and links; empty strings and None mean 'any'.

    :meth:`resolve` turns it into the store's :class:`~policytext.store.filters.Filters` (ids or
    Chinese names and aliases accepted) and writes the canonical ids back, so the form shows them.
    """

    type: str = ""
    agg: str = ""
    year_from: int | None = None
    year_to: int | None = None
    status: str = ""
    doc_type: str = ""
    basis: str = ""
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        def year(key: str) -> int | None:
            v = (params.get(key) or "").strip()
            return int(v) if v.isdigit() and len(v) == 4 else None

        offset = (params.get("offset") or "0").strip()
        return cls(
            type=(params.get("type") or "").strip(),
            agg=(params.get("agg") or "").strip(),
            year_from=year("year_from"),
            year_to=year("year_to"),
            status=(params.get("status") or "").strip(),
            doc_type=(params.get("doc_type") or "").strip(),
            basis=(params.get("basis") or "").strip(),
            offset=min(int(offset), MAX_OFFSET) if offset.isdigit() else 0,
        )

    def params(self, **change: Any) -> dict[str, str]:
        """Non-empty filters as query parameters (``change`` overrides some)."""
        out = {}
        for f in fields(self):
            v = change.get(f.name, getattr(self, f.name))
            if v not in ("", None, 0):
                out[f.name] = str(v)
        return out

    def resolve(self, store: Store, *, limit: int | None = PAGE_SIZE) -> StoreFilters:
        """The store's filters for these values (canonical ids written back into the form).

        Raises:
            UsageError: an unknown type, agglomeration, status, document type or basis.
        """
        values = {k: v for k, v in self.params().items() if k != "offset"}
        sf = StoreFilters.from_params(store, values, limit=limit)
        sf = replace(sf, offset=self.offset)
        if sf.types:
            self.type = sf.types[0]
        if sf.agglomerations:
            self.agg = sf.agglomerations[0]
        return sf


def agglomeration_names(store: Store) -> dict[str, str]:
    """Agglomeration id → display name, as stored with the documents."""
    return reads.agglomeration_names(store)


def facets(store: Store, f: StoreFilters) -> dict[str, list[dict[str, Any]]]:
    """For each filter, every value with its count under the *other* filters (zero counts kept)."""

    def merge(all_values: list[str], got: dict[str, int]) -> list[dict[str, Any]]:
        values = list(dict.fromkeys(all_values + sorted(got)))
        return [{"value": v, "count": got.get(v, 0)} for v in values]

    year_values = [str(y) for y in reads.years(store)]
    return {
        "type": merge(reads.mention_types(store), reads.counts(store, f.without("types"), by="type")),
        "agg": merge(
            reads.agglomeration_ids_by_occurrences(store),
            reads.counts(store, f.without("agglomerations"), by="agglomeration"),
        ),
        "status": merge(list(STATUSES), reads.counts(store, f.without("statuses"), by="status")),
        "doc_type": merge(reads.doc_types(store), reads.counts(store, f.without("doc_types"), by="doc_type")),
        "year": merge(year_values, reads.counts(store, f.without("period"), by="year")),
        "basis": merge(list(LINK_BASES), reads.counts(store, f.without("basis"), by="basis")),
    }


def totals(store: Store, f: StoreFilters) -> dict[str, int]:
    """How many mentions and documents match every filter."""
    return reads.count_mentions(store, f)


def results(store: Store, f: StoreFilters) -> list[dict[str, Any]]:
    """One page of matching mentions with their sentence (newest documents first)."""
    rows = reads.mentions(store, f, order="newest")
    for r in rows:
        r["filename"] = r["document"]
        r["page"] = r["sentence_page"] if r["sentence_page"] is not None else r["page"]
        text = r["sentence"] or r["text"]
        base = r["sentence_start"] if r["sentence"] is not None else r["start"]
        r["segments"] = segments(
            text, base, [{"start": r["start"], "end": r["end"], "kind": "mechanism", "type": r["type"]}]
        )
    return rows


def timeline(store: Store, f: StoreFilters) -> dict[str, Any]:
    """Mentions per document year and type under every filter but the period."""
    cells = [
        {"year": r["year"], "type": r["type"], "n": r["n"]}
        for r in reads.year_type_counts(store, f.without("period"))
    ]
    years = reads.years(store)
    if years:
        years = list(range(min(years), max(years) + 1))
    return {"years": years, "cells": cells}


def heatmap(store: Store, f: StoreFilters, *, max_aggs: int = 14) -> dict[str, Any]:
    """Mentions per type × agglomeration under every filter but those two (top agglomerations)."""
    rows = reads.pair_counts(store, f.without("types", "agglomerations"))
    per_agg: dict[str, int] = {}
    for r in rows:
        per_agg[r["agg"]] = per_agg.get(r["agg"], 0) + r["n"]
    aggs = sorted(per_agg, key=lambda a: (-per_agg[a], a))[:max_aggs]
    for agg in f.agglomerations:
        if agg not in aggs and agg in per_agg:
            aggs.append(agg)
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
    view = reads.document_view(store, doc_id)
    if view is None:
        return None
    mentions = view["mentions"]
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for m in mentions:
        by_sentence.setdefault(m["sentence_idx"] if m["sentence_idx"] is not None else -1, []).append(m)
    pages: list[dict[str, Any]] = []
    for s in view["sentences"]:
        ms = by_sentence.get(s["idx"], [])
        s["mechanisms"] = [m for m in ms if m["kind"] == "mechanism"]
        s["segments"] = segments(s["text"], s["start"], ms)
        if not pages or pages[-1]["number"] != s["page"]:
            pages.append({"number": s["page"], "sentences": []})
        pages[-1]["sentences"].append(s)
    return {
        "doc": view["doc"],
        "pages": pages,
        "agglomerations": view["agglomerations"],
        "n_mechanisms": sum(1 for m in mentions if m["kind"] == "mechanism"),
    }


def search(store: Store, query: str, *, limit: int = 100) -> list[dict[str, Any]]:
    """Full-text search (:meth:`Store.search`) with the query's terms marked in each sentence."""
    hits = reads.search(store, query, limit=limit)
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
