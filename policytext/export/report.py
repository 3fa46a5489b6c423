"""The HTML report of a store: one self-contained file that opens offline.

:func:`collect` reads what the report shows from a store with its own SQL
(parameters bound); :func:`render` fills ``templates/report.html.j2`` (Jinja2 with
autoescape, so every piece of document text is HTML-escaped) with that data and
inline SVG charts from :mod:`policytext.export.figures`; :func:`build_report` does
both and optionally writes the charts as 300 dpi PNG and SVG files for papers.

The output is deterministic: rows are sorted, no random state is used, and the
generation time appears in one meta line only (``SOURCE_DATE_EPOCH`` fixes it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from policytext import __version__
from policytext.errors import LexiconError
from policytext.lexicons.taxonomy import Taxonomy
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import Filters, direct_only

MECHANISM = "mechanism"
UNDATED = "未注明"
MAX_HEATMAP_ROWS = 40
#: A year's share of documents is shown only when at least this many documents back it (a year
#: with one document would swing between 0 and 100 %).
MIN_SHARE_DOCUMENTS = 3
#: Agglomerations and terms shown in the co-occurrence and key-terms figures.
MAX_NETWORK_AGGLOMERATIONS = 15
MAX_KEY_TERMS = 20
#: Years per period of the key-terms figure.
TERM_PERIOD = 5


@dataclass
class ReportData:
    """Everything the report shows, as plain, sorted Python values."""

    db: str
    versions: dict[str, str]
    overview: dict[str, Any]
    years: list[int]
    doc_years: list[str]
    doc_types: list[str]
    docs_by_year_type: list[list[int]]
    agglomerations: list[dict[str, Any]]
    types: list[dict[str, str]]
    heatmap_rows: list[dict[str, Any]]
    heatmap_matrix: list[list[int]]
    heatmap_hidden: int
    timelines: list[dict[str, Any]]
    first_mentions: list[dict[str, Any]]
    first_matrix: list[dict[str, Any]]
    examples: list[dict[str, Any]]
    documents: list[dict[str, Any]] = field(default_factory=list)
    network_edges: list[dict[str, Any]] = field(default_factory=list)
    key_terms: list[str] = field(default_factory=list)
    term_periods: list[str] = field(default_factory=list)
    term_matrix: list[list[float]] = field(default_factory=list)
    terms_counted: bool = False
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportResult:
    """What :func:`build_report` wrote."""

    html: Path
    figures: list[Path]
    data: ReportData


# -- reading the store --------------------------------------------------------------


def _file_url(path: str, bases: list[Path]) -> str:
    """A file:// URL for a stored document path (relative paths resolved against ``bases``)."""
    p = Path(path)
    if not p.is_absolute():
        candidates = [(b / p) for b in bases]
        p = next((c for c in candidates if c.exists()), candidates[0])
    return p.resolve().as_uri()


def _type_labels(store: Store, taxonomy: Taxonomy) -> list[dict[str, str]]:
    """Mechanism types: the taxonomy's in file order, then any other stored type, sorted."""
    known = [{"id": t.id, "zh": t.zh, "en": t.en, "family": t.family} for t in taxonomy.types]
    ids = {t["id"] for t in known}
    extra = sorted(t for t in reads.mention_types(store, kind=MECHANISM) if t not in ids)
    return known + [{"id": t, "zh": t, "en": t, "family": ""} for t in extra]


def _highlight(sentence: str, s_start: int, start: int, end: int, text: str) -> tuple[str, str, str]:
    """Split a sentence into (before, mention, after) around the mention."""
    a, b = start - s_start, end - s_start
    if not (0 <= a < b <= len(sentence) and sentence[a:b] == text):
        a = sentence.find(text)
        if a < 0 or not text:
            return sentence, "", ""
        b = a + len(text)
    return sentence[:a], sentence[a:b], sentence[b:]


def collect(
    store: Store,
    *,
    taxonomy: Taxonomy | None = None,
    examples_per_type: int = 3,
    base: Path | None = None,
    filters: Filters | None = None,
    key_terms: bool = False,
) -> ReportData:
    """Read the report's figures and tables from an open store.

    Args:
        store: an open store (read-only is enough).
        filters: report on the documents and mentions these select (default: everything).
        key_terms: count the key terms (segments every body sentence with the project's tokenizer:
            the slowest part of the report, so only when asked).
        taxonomy: names and order of the mechanism types (default: the shipped taxonomy).
        examples_per_type: example sentences per type, from different documents.
        base: folder that relative document paths are resolved against (default: the
            current folder, then the store's folder).

    Returns:
        The report data, every list sorted.
    """
    tx = taxonomy or Taxonomy.load()
    bases = [base] if base else [Path.cwd(), store.path.resolve().parent]
    types = _type_labels(store, tx)
    type_ids = [t["id"] for t in types]
    tlabel = {t["id"]: t["zh"] for t in types}

    # documents ------------------------------------------------------------------------
    every = filters or Filters()
    docs = reads.documents(store, every, order="year")
    for d in docs:
        d["url"] = _file_url(d["path"], bases)
        d["name"] = Path(d["path"]).name
    by_id = {d["doc_id"]: d for d in docs}
    dated = [d["year"] for d in docs if d["year"] is not None]
    years = list(range(min(dated), max(dated) + 1)) if dated else []
    doc_years = [str(y) for y in years] + ([UNDATED] if len(dated) < len(docs) else [])
    doc_types = sorted({d["doc_type"] for d in docs})
    cnt = Counter((d["doc_type"], str(d["year"]) if d["year"] is not None else UNDATED) for d in docs)
    docs_by_year_type = [[cnt[(t, y)] for y in doc_years] for t in doc_types]
    docs_per_year = Counter(d["year"] for d in docs if d["year"] is not None)

    # agglomerations -------------------------------------------------------------------
    aggs = reads.agglomeration_summary(store)
    agg_name = {a["id"]: a["name"] for a in aggs}
    mech_by_agg = reads.agglomeration_mechanism_counts(store, every)
    for a in aggs:
        a["mechanism_mentions"] = mech_by_agg.get(a["id"], {}).get("mentions", 0)
        a["mechanism_documents"] = mech_by_agg.get(a["id"], {}).get("documents", 0)
    for i in sorted(set(mech_by_agg) - set(agg_name)):
        agg_name[i] = i
        aggs.append(
            {
                "id": i,
                "name": i,
                "kind": None,
                "known": 0,
                "documents": 0,
                "occurrences": 0,
                "primary_in": 0,
                "mechanism_mentions": mech_by_agg[i]["mentions"],
                "mechanism_documents": mech_by_agg[i]["documents"],
            }
        )
    aggs.sort(key=lambda a: (-a["documents"], -a["mechanism_mentions"], a["id"]))

    # heatmap: agglomerations × types ----------------------------------------------------
    cells: Counter[tuple[str, str]] = Counter()
    for r in reads.pair_counts(store, every, kind=MECHANISM):
        cells[(r["agg"], r["type"])] = r["n"]
    totals: Counter[str] = Counter()
    for (agg_id, _), n in cells.items():
        totals[agg_id] += n
    ranked = sorted(totals, key=lambda a: (-totals[a], a))
    heat_ids = ranked[:MAX_HEATMAP_ROWS]
    heatmap_rows = [{"id": a, "name": agg_name.get(a, a), "total": totals[a]} for a in heat_ids]
    heatmap_matrix = [[cells[(a, t)] for t in type_ids] for a in heat_ids]

    # timelines: mentions per year and share of that year's documents -----------------
    per_year: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in reads.year_type_counts(store, every, kind=MECHANISM):
        per_year[r["type"]][r["year"]] = (r["n"], r["docs"])
    timelines = []
    for t in types:
        row = per_year.get(t["id"], {})
        counts = [row.get(y, (0, 0))[0] for y in years]
        ndocs = [row.get(y, (0, 0))[1] for y in years]
        shares = [
            (n / docs_per_year[y]) if docs_per_year[y] >= MIN_SHARE_DOCUMENTS else None
            for n, y in zip(ndocs, years)
        ]
        timelines.append(
            {
                **t,
                "counts": counts,
                "documents": ndocs,
                "shares": shares,
                "total": sum(counts),
                "cells": list(zip(counts, shares)),
            }
        )

    # first mention of each type per agglomeration --------------------------------------
    first = {(r["agg"], r["type"]): r for r in reads.first_mentions(store, direct_only(every))}
    agg_rank = {a: k for k, a in enumerate(ranked)}
    type_rank = {t: k for k, t in enumerate(type_ids)}
    first_mentions = []
    for (aid, tid), r in sorted(
        first.items(),
        key=lambda kv: (
            agg_rank.get(kv[0][0], 1 << 30),
            kv[0][0],
            type_rank.get(kv[0][1], 1 << 30),
            kv[0][1],
        ),
    ):
        doc = by_id.get(r["doc_id"])
        if doc is None:  # a mention of a document the filters leave out
            continue
        d = doc
        page = r["page"]
        first_mentions.append(
            {
                "agg_id": aid,
                "agg": agg_name.get(aid, aid),
                "type": tid,
                "type_zh": tlabel.get(tid, tid),
                "year": r["year"],
                "date": r["date"],
                "title": d["title"] or d["name"],
                "name": d["name"],
                "url": d["url"] + (f"#page={page}" if page and d["format"] == "pdf" else ""),
                "page": page,
                "text": r["text"],
            }
        )
    by_cell = {(r["agg_id"], r["type"]): r for r in first_mentions}
    first_matrix = [
        {"id": a, "name": agg_name.get(a, a), "cells": [by_cell.get((a, t)) for t in type_ids]}
        for a in ranked
    ]

    # example sentences -------------------------------------------------------------------
    # the candidates chosen in SQL: per type, one per document, at most examples_per_type
    rows = [
        r
        for r in reads.example_mentions(store, every, kind=MECHANISM, per_type=examples_per_type)
        if r["sentence"] is not None
    ]
    for r in rows:
        r["s_start"], r["s_page"] = r["sentence_start"], r["sentence_page"]
    rows.sort(key=lambda r: (r["type"], len(r["sentence"]) < 20))  # stable: whole sentences before headings
    picked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if len(picked[r["type"]]) >= examples_per_type or (r["type"], r["doc_id"]) in seen:
            continue
        doc = by_id.get(r["doc_id"])
        if doc is None:
            continue
        d = doc
        seen.add((r["type"], r["doc_id"]))
        before, hit, after = _highlight(r["sentence"], r["s_start"], r["start"], r["end"], r["text"])
        page = r["page"] if r["page"] is not None else r["s_page"]
        url = d["url"] + (f"#page={page}" if page and d["format"] == "pdf" else "")
        picked[r["type"]].append(
            {
                "before": before,
                "hit": hit,
                "after": after,
                "year": r["year"],
                "title": d["title"] or d["name"],
                "name": d["name"],
                "url": url,
                "page": page,
                "status": r["status"],
                "aggs": [agg_name.get(a, a) for a in json.loads(r["agglomerations_json"] or "[]")],
            }
        )
    examples = []
    for t in types:
        ex = sorted(picked.get(t["id"], []), key=lambda e: (e["year"] is None, e["year"] or 0, e["name"]))
        examples.append({**t, "examples": ex})

    # overview ------------------------------------------------------------------------------
    corpus = reads.corpus_counts(store)
    overview = {
        "documents": len(docs),
        "dated": len(dated),
        "years": f"{years[0]}–{years[-1]}" if years else "—",
        "pages": corpus["pages"],
        "paged_documents": corpus["paged_documents"],
        "sentences": corpus["sentences"],
        "characters": corpus["characters"],
        "mechanism_mentions": reads.count_mentions(store, every, kind=MECHANISM)["mentions"],
        "measures": reads.count_mentions(store, every, kind="measure")["mentions"],
        "agglomerations": len(aggs),
        "types_seen": sum(1 for t in timelines if t["total"]),
        "types": len(types),
        "failures": corpus["failures"],
    }
    # co-occurrence: agglomerations × mechanism types (mentions linked) ----------------------
    network_aggs = heat_ids[:MAX_NETWORK_AGGLOMERATIONS]
    network_edges = [
        {
            "agg": agg_name.get(a, a),
            "agg_id": a,
            "type": tlabel.get(t, t),
            "type_id": t,
            "weight": cells[(a, t)],
        }
        for a in network_aggs
        for t in type_ids
        if cells[(a, t)]
    ]

    # key terms per period ---------------------------------------------------------------------
    terms: list[str] = []
    term_periods: list[str] = []
    term_matrix: list[list[float]] = []
    if key_terms and docs:
        from policytext.terms import term_table

        # every term of every period (not a top few), so each cell of the figure is exact
        table = term_table(store, period=TERM_PERIOD, top=1 << 30, filters=filters)
        if len(table):
            total = table.groupby("term")["count"].sum()
            terms = sorted(total.index, key=lambda w: (-int(total[w]), w))[:MAX_KEY_TERMS]
            term_periods = sorted(set(table["period"]) - {"undated"})
            per = {(r["term"], r["period"]): float(r["per_10k"]) for r in table.to_dict("records")}
            term_matrix = [[per.get((w, p), 0.0) for p in term_periods] for w in terms]

    run = reads.latest_versions(store)
    versions = json.loads(run) if run else {}
    return ReportData(
        db=str(store.path),
        versions={k: str(v) for k, v in sorted(versions.items())},
        overview=overview,
        years=years,
        doc_years=doc_years,
        doc_types=doc_types,
        docs_by_year_type=docs_by_year_type,
        agglomerations=aggs,
        types=types,
        heatmap_rows=heatmap_rows,
        heatmap_matrix=heatmap_matrix,
        heatmap_hidden=max(0, len(ranked) - len(heat_ids)),
        timelines=timelines,
        first_mentions=first_mentions,
        first_matrix=first_matrix,
        examples=examples,
        documents=docs,
        network_edges=network_edges,
        key_terms=terms,
        term_periods=term_periods,
        term_matrix=term_matrix,
        terms_counted=bool(key_terms and docs),
        filters=every.values(),
    )


# -- charts ---------------------------------------------------------------------------------


def _type_title(t: dict[str, Any]) -> str:
    return f"{t['zh']} {t['id']}" if t["zh"] != t["id"] else t["id"]


def make_figures(data: ReportData, *, paper: bool = False) -> dict[str, Any]:
    """The report's matplotlib figures: documents, heatmap, one timeline per type, and with
    ``paper`` all timelines in one figure."""
    from policytext.export import figures as fg

    out: dict[str, Any] = {
        "documents": fg.documents_figure(data.doc_years, data.doc_types, data.docs_by_year_type),
        "heatmap": fg.heatmap_figure(
            [r["name"] for r in data.heatmap_rows], [_type_title(t) for t in data.types], data.heatmap_matrix
        ),
    }
    out["timeline"] = [
        fg.timeline_figure(data.years, t["counts"], t["shares"], title=_type_title(t)) for t in data.timelines
    ]
    out["cooccurrence"] = fg.network_figure(
        [
            (e["agg"], _type_title({"zh": e["type"], "id": e["type_id"]}), e["weight"])
            for e in data.network_edges
        ]
    )
    if data.terms_counted:
        out["key_terms"] = fg.terms_figure(data.key_terms, data.term_periods, data.term_matrix)
    if paper:
        out["timelines"] = fg.timelines_figure(
            data.years,
            [(_type_title(t), t["counts"], t["shares"]) for t in data.timelines],
            min_documents=MIN_SHARE_DOCUMENTS,
        )
    return out


def write_figures(figs: dict[str, Any], folder: Path) -> list[Path]:
    """Write the paper figures (heatmap, timelines, documents by year, co-occurrence network, key
    terms) as 300 dpi PNG and SVG."""
    from policytext.export import figures as fg

    paths: list[Path] = []
    for stem in ("heatmap", "timelines", "documents_by_year", "cooccurrence", "key_terms"):
        if stem == "key_terms" and stem not in figs:  # key terms not counted
            continue
        paths += fg.save_figure(figs["documents" if stem == "documents_by_year" else stem], folder, stem)
    return paths


# -- HTML -----------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policytext", "export/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = lambda x: f"{100 * x:.0f}%"
    env.filters["thousands"] = lambda x: f"{x:,}"
    return env


def generation_time() -> str:
    """Now in UTC to the second, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return t.strftime("%Y-%m-%d %H:%M:%S UTC")


def render(data: ReportData, figs: dict[str, Any], *, generated: str, examples_per_type: int = 3) -> str:
    """The report page as one HTML string (charts inline as SVG)."""
    from policytext.export import figures as fg

    charts = {
        "documents": Markup(
            fg.inline_svg(figs["documents"], "c-docs", "文件数：按年份与类型 documents by year and type")
        ),
        "heatmap": Markup(fg.inline_svg(figs["heatmap"], "c-heat", "城市群 × 机制类型热力图 heatmap")),
        "cooccurrence": Markup(
            fg.inline_svg(figs["cooccurrence"], "c-net", "城市群 × 机制类型共现网络 co-occurrence network")
        ),
        "key_terms": Markup(fg.inline_svg(figs["key_terms"], "c-terms", "关键词 key terms per period"))
        if "key_terms" in figs
        else "",
        "timeline": [
            Markup(fg.inline_svg(f, f"c-t{k}", f"{_type_title(t)}：时间线 timeline"))
            for k, (f, t) in enumerate(zip(figs["timeline"], data.timelines))
        ],
    }
    template = _environment().get_template("report.html.j2")
    context = {
        "d": data,
        "charts": charts,
        "generated": generated,
        "version": __version__,
        "timelines": list(zip(data.timelines, charts["timeline"])),
        "doc_rows": list(zip(data.doc_types, data.docs_by_year_type)),
        "docs_per_year": [sum(1 for doc in data.documents if doc["year"] == y) for y in data.years],
        "examples_per_type": examples_per_type,
        "min_share_documents": MIN_SHARE_DOCUMENTS,
        "term_period": TERM_PERIOD,
    }
    # the page embeds the bundled font, subset to the characters it shows
    font_css = fg.font_face_css(template.render(**context, font_css=""))
    return template.render(**context, font_css=Markup(font_css))


def build_report(
    db: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    figures_dir: str | os.PathLike[str] | None = None,
    taxonomy: str | os.PathLike[str] | None = None,
    examples_per_type: int = 3,
    generated: str | None = None,
    key_terms: bool = False,
    **filters: Any,
) -> ReportResult:
    """Write the HTML report of a store, and the paper figures when ``figures_dir`` is given.

    ``key_terms`` also counts the key terms per period (it segments every body sentence, which
    takes longer than the rest of the report together); without it the page says how to add them.

    ``filters`` (any of :data:`~policytext.store.filters.FILTER_FIELDS` by keyword) restrict the
    report to the documents and mentions they select; the page lists them.

    Raises:
        StoreError: the store is missing or not a policytext database.
        LexiconError: the taxonomy file is unusable.
    """
    tx = Taxonomy.load(Path(taxonomy)) if taxonomy else Taxonomy.load()
    if not tx.types:  # pragma: no cover - the loader already rejects this
        raise LexiconError(f"{taxonomy}: the taxonomy has no types; check the --taxonomy file")
    with Store(db, readonly=True) as store:
        f = Filters.make(store, **filters) if filters else None
        data = collect(
            store, taxonomy=tx, examples_per_type=examples_per_type, filters=f, key_terms=key_terms
        )
    figs = make_figures(data, paper=figures_dir is not None)
    page = render(data, figs, generated=generated or generation_time(), examples_per_type=examples_per_type)
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(page)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    written = write_figures(figs, Path(figures_dir)) if figures_dir is not None else []
    return ReportResult(html=out_path, figures=written, data=data)
