"""Networks of a store, for Gephi and networkx: policy citations and co-occurrences.

* :func:`citation_network`: a directed graph document → cited policy. Citations are the
  《title》 references of each document's body sentences; a cited title that matches the title of
  a stored document (after removing spaces and the brackets) becomes an edge to that document's
  node; any other title is an external node carrying the date of its first citing document.
* :func:`cooccurrence_network`: an undirected weighted graph of agglomerations and mechanism
  types (a mechanism mention linked to an agglomeration adds 1 to that pair) and of
  agglomerations with each other (named in the same sentence); each edge carries its total
  ``weight`` and one ``w_<period>`` per period.

:func:`write_graph` writes GEXF, GraphML (both read back by ``networkx``) or two CSV files
(``*_nodes.csv``, ``*_edges.csv``).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from policytext.errors import UsageError
from policytext.export import document_table, mention_table, selected_documents
from policytext.query import _Borrowed
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters

KINDS = ("citations", "cooccurrence")
GRAPH_FORMATS = ("gexf", "graphml", "csv")

_TITLE_RE = re.compile(r"《([^《》\n]{2,80})》")
_SPACE_RE = re.compile(r"\s+")


def normalise_title(title: str) -> str:
    """A title as compared for resolution: no spaces, no book-title brackets.

    >>> normalise_title(" 《长江三角洲 区域一体化发展规划纲要》")
    '长江三角洲区域一体化发展规划纲要'
    """
    return _SPACE_RE.sub("", title).strip("《》")


def cited_titles(text: str) -> list[str]:
    """The 《title》 references of a text, in order (nested brackets keep the outer title out).

    >>> cited_titles("根据《国家新型城镇化规划（2014－2020年）》和《中华人民共和国预算法》")
    ['国家新型城镇化规划（2014－2020年）', '中华人民共和国预算法']
    """
    return [m.group(1).strip() for m in _TITLE_RE.finditer(text)]


def citation_network(db: str | os.PathLike[str] | Store, *, filters: Filters | None = None) -> nx.DiGraph:
    """Documents and the policies they cite (see the module docstring).

    Args:
        db: the store.
        filters: cite from the documents these select (:func:`policytext.export.selected_documents`);
            a stored document they cite is a node too, whether selected or not. Default: every
            document.

    Nodes: ``kind`` (``document`` or ``external``), ``label`` (title, or file name when untitled),
    ``date``, ``year`` (stored documents: their own; external: the first citing document's),
    ``doc_type`` (documents), ``citations`` (times cited). Edges: ``weight`` (times the title is
    cited in the document), ``title`` (as cited).
    """
    with _Borrowed(db) as store:
        docs = document_table(store)
        sents = reads.sentences(store)
        chosen = None if filters is None else {d["doc_id"] for d in selected_documents(store, filters)}
    g = nx.DiGraph()
    by_title: dict[str, str] = {}
    dates: dict[str, str | None] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for r in docs.to_dict("records"):
        label = r["title"] if isinstance(r["title"], str) and r["title"] else r["document"]
        date = r["date"] if isinstance(r["date"], str) else ""
        attrs[r["doc_id"]] = {
            "kind": "document",
            "label": str(label),
            "date": date,
            "year": int(r["year"]) if r["year"] is not None and r["year"] == r["year"] else 0,
            "doc_type": str(r["doc_type"] or ""),
            "citations": 0,
        }
        if chosen is None or r["doc_id"] in chosen:
            g.add_node(r["doc_id"], **attrs[r["doc_id"]])
        dates[r["doc_id"]] = date or None
        if isinstance(r["title"], str) and r["title"]:
            by_title.setdefault(normalise_title(r["title"]), r["doc_id"])
    cites: dict[tuple[str, str], int] = Counter()
    shown: dict[tuple[str, str], str] = {}
    for s in sents:
        if s["boilerplate"] or (chosen is not None and s["doc_id"] not in chosen):
            continue
        for title in cited_titles(s["text"]):
            key = normalise_title(title)
            if not key:
                continue
            target = by_title.get(key, f"ext:{key}")
            if target == s["doc_id"]:
                continue  # a document naming itself
            cites[(s["doc_id"], target)] += 1
            shown.setdefault((s["doc_id"], target), title)
    for (src, dst), n in sorted(cites.items()):
        if dst in attrs and dst not in g:  # a stored document the selection cites
            g.add_node(dst, **attrs[dst])
        elif dst not in g:
            g.add_node(dst, kind="external", label=dst[4:], date="", year=0, doc_type="", citations=0)
        first = g.nodes[dst]
        if first["kind"] == "external":
            d = dates.get(src)
            if d and (not first["date"] or d < first["date"]):
                first["date"], first["year"] = d, int(d[:4])
        g.add_edge(src, dst, weight=n, title=shown[(src, dst)])
        g.nodes[dst]["citations"] += n
    return g


def _period(year: Any, width: int) -> str:
    if year is None or year != year:
        return "undated"
    y = int(year)
    start = y - (y % width) if width > 1 else y
    return str(start) if width == 1 else f"{start}_{start + width - 1}"


def cooccurrence_network(
    db: str | os.PathLike[str] | Store, *, period: int = 5, filters: Filters | None = None
) -> nx.Graph:
    """Agglomerations × mechanism types, and agglomeration × agglomeration, weighted, by period.

    Args:
        db: the store.
        period: years per period (``w_2015_2019`` …; 1 gives one per year).
        filters: agglomeration × mechanism edges count the mechanism mentions these keep (as
            ``query mechanisms`` does); agglomeration × agglomeration edges count the sentences of
            the documents they select (:func:`policytext.export.selected_documents`). Default: all.

    Nodes: ``kind`` (``agglomeration`` or ``mechanism``), ``label``. Edges: ``kind``
    (``agglomeration-mechanism`` or ``agglomeration-agglomeration``), ``weight`` and
    ``w_<period>`` (0 where the pair does not occur in that period).
    """
    if period < 1:
        raise UsageError(f"--period {period}: give a number of years, 1 or more")
    from policytext.export.codebook import type_labels

    with _Borrowed(db) as store:
        ments = mention_table(store)
        if filters is not None:
            chosen = {d["doc_id"] for d in selected_documents(store, filters)}
            kept = mention_table(store, filters)
            ments = pd.concat(
                [
                    kept[kept["kind"] == "mechanism"],
                    ments[(ments["kind"] == "agglomeration") & ments["doc_id"].isin(chosen)],
                ]
            )
        names = reads.agglomeration_names(store)
    zh = type_labels()
    weights: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    kinds: dict[tuple[str, str], str] = {}
    in_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    sentence_period: dict[tuple[str, int], str] = {}
    for m in ments.to_dict("records"):
        p = _period(m["year"], period)
        if m["kind"] == "mechanism":
            for a in m["agglomerations"] or []:
                key = (f"agg:{a}", f"mech:{m['type']}")
                weights[key][p] += 1
                kinds[key] = "agglomeration-mechanism"
        elif m["kind"] == "agglomeration" and m["sentence_idx"] is not None:
            k = (m["doc_id"], int(m["sentence_idx"]))
            in_sentence[k].add(m["type"])
            sentence_period[k] = p
    for k, aggs in in_sentence.items():
        for a, b in combinations(sorted(aggs), 2):
            key = (f"agg:{a}", f"agg:{b}")
            weights[key][sentence_period[k]] += 1
            kinds[key] = "agglomeration-agglomeration"
    periods = sorted({p for c in weights.values() for p in c})
    g = nx.Graph()
    for (u, v), c in sorted(weights.items()):
        for node in (u, v):
            if node not in g:
                kind, ident = node.split(":", 1)
                label = names.get(ident, ident) if kind == "agg" else zh.get(ident, (ident, ""))[0]
                g.add_node(node, kind="agglomeration" if kind == "agg" else "mechanism", label=label)
        attrs: dict[str, Any] = {"kind": kinds[(u, v)], "weight": sum(c.values())}
        attrs.update({f"w_{p}": c.get(p, 0) for p in periods})
        g.add_edge(u, v, **attrs)
    g.graph["periods"] = json.dumps(periods)
    return g


def write_graph(g: nx.Graph, out: str | os.PathLike[str], fmt: str) -> list[Path]:
    """Write ``g`` as GEXF, GraphML or CSV (``<stem>_nodes.csv`` and ``<stem>_edges.csv``).

    Raises:
        UsageError: an unknown format, or the folder of ``out`` does not exist.
    """
    if fmt not in GRAPH_FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(GRAPH_FORMATS)}")
    path = Path(out)
    if not path.parent.is_dir():
        raise UsageError(f"--out {out}: folder {path.parent} does not exist; create it first")
    if fmt == "gexf":
        nx.write_gexf(g, path)
        return [path]
    if fmt == "graphml":
        nx.write_graphml(g, path)
        return [path]
    from policytext.export.tables import to_csv

    stem = path.with_suffix("")
    nodes = pd.DataFrame([{"id": n, **a} for n, a in g.nodes(data=True)])
    edges = pd.DataFrame([{"source": u, "target": v, **a} for u, v, a in g.edges(data=True)])
    written = [Path(f"{stem}_nodes.csv"), Path(f"{stem}_edges.csv")]
    written[0].write_text(to_csv(nodes, bom=True), encoding="utf-8")
    written[1].write_text(to_csv(edges, bom=True), encoding="utf-8")
    return written


__all__ = [
    "GRAPH_FORMATS",
    "KINDS",
    "citation_network",
    "cited_titles",
    "cooccurrence_network",
    "normalise_title",
    "write_graph",
]
