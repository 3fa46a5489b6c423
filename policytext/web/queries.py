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
from dataclasses import dataclass, field
from typing import Any

from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import FIELDS_BY_PARAM, FILTER_FIELDS, MAX_OFFSET
from policytext.store.filters import Filters as StoreFilters
from policytext.store.fts import query_groups

PAGE_SIZE = 50
#: Search hits per page.
SEARCH_PAGE = 100

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


@dataclass
class Form:
    """What the reader selected: the web parameter of each of
    :data:`~policytext.store.filters.FILTER_FIELDS` (empty means any) and the result offset.

    :meth:`resolve` turns it into the store's :class:`~policytext.store.filters.Filters` (ids or
    Chinese names and aliases accepted) and writes the canonical ids back, so the form shows them.
    """

    values: dict[str, str] = field(default_factory=dict)
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Form:
        """The form's values from a request's query parameters (unknown ones ignored)."""
        offset = (params.get("offset") or "0").strip()
        return cls(
            values={f.param: (params.get(f.param) or "").strip() for f in FILTER_FIELDS},
            offset=min(int(offset), MAX_OFFSET) if offset.isdigit() else 0,
        )

    def __getattr__(self, name: str) -> str:
        """A filter's value by its web parameter (``form.agg``), empty when not set."""
        if name in FIELDS_BY_PARAM:
            return self.__dict__.get("values", {}).get(name, "")
        raise AttributeError(name)

    def params(self, **change: Any) -> dict[str, str]:
        """Non-empty filters (and a non-zero offset) as query parameters; ``change`` overrides some."""
        merged: dict[str, Any] = {**self.values, "offset": self.offset, **change}
        return {k: str(v) for k, v in merged.items() if v not in ("", None, 0)}

    def resolve(self, store: Store, *, limit: int | None = PAGE_SIZE) -> StoreFilters:
        """The store's filters for these values (canonical ids written back into the form).

        Raises:
            UsageError: an unknown type, agglomeration, status, stage, document type or basis.
        """
        sf = StoreFilters.from_params(store, {**self.values, "offset": str(self.offset)}, limit=limit)
        for f in FILTER_FIELDS:
            v = getattr(sf, f.name)
            if v and f.multiple:
                self.values[f.param] = ",".join(v)
        return sf

    def chart_filters(self) -> dict[str, Any]:
        """The selected values the charts mark (years as numbers)."""
        out: dict[str, Any] = dict(self.values)
        for f in FILTER_FIELDS:
            if f.facet == "year":
                v = self.values.get(f.param, "")
                out[f.param] = int(v[:4]) if v[:4].isdigit() else None
        return out


#: The page's own name for the form (templates and older callers say ``Filters``).
Filters = Form


def agglomeration_names(store: Store) -> dict[str, str]:
    """Agglomeration id → display name, as stored with the documents."""
    return reads.agglomeration_names(store)


def facets(store: Store, f: StoreFilters) -> dict[str, list[dict[str, Any]]]:
    """For each filter's web parameter, every value with its count under the *other* filters
    (zero counts kept); filters that share a facet (from/to: the years) clear each other."""

    def merge(all_values: list[str], got: dict[str, int]) -> list[dict[str, Any]]:
        values = list(dict.fromkeys(all_values + sorted(got)))
        return [{"value": v, "count": got.get(v, 0)} for v in values]

    out: dict[str, list[dict[str, Any]]] = {}
    done: dict[str, list[dict[str, Any]]] = {}
    for fld in FILTER_FIELDS:
        if fld.facet not in done:
            others = f.without(*[g.name for g in FILTER_FIELDS if g.facet == fld.facet])
            done[fld.facet] = merge(fld.values(store), reads.counts(store, others, by=fld.facet))
        out[fld.param] = done[fld.facet]
    return out


def form_fields(form: Form, facet_values: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The form's selects, one per filter: parameter, label, options with counts, current value."""
    return [
        {
            "param": fld.param,
            "label": fld.label,
            "options": facet_values[fld.param],
            "current": form.values.get(fld.param, ""),
            "any": "all" if fld.multiple else "any",
            "counts": fld.multiple,
        }
        for fld in FILTER_FIELDS
    ]


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


def search(store: Store, query: str, f: StoreFilters) -> tuple[list[dict[str, Any]], int]:
    """One page of full-text hits under ``f`` (:func:`policytext.store.reads.search`: ``OR`` between
    alternatives) with the query's terms marked in each sentence, and how many sentences match."""
    hits = reads.search(store, query, f)
    terms = [t for group in query_groups(query) for t in group]
    for h in hits:
        spans = []
        for t in terms:
            i = h["text"].find(t)
            while i >= 0 and t:
                spans.append({"start": i, "end": i + len(t), "kind": "hit", "type": ""})
                i = h["text"].find(t, i + len(t))
        h["segments"] = segments(h["text"], 0, spans)
    return hits, reads.search_count(store, query, f)
