"""Export a store: document and mention tables, a sentence-level tagged dataset, spaCy DocBin,
doccano and Label Studio files for correction by hand.

:func:`export` writes into one folder and never outside it; the same store gives the same
bytes (rows sorted, fixed column order, fixed times inside Excel files); only
``manifest.json`` carries the time of the export.

>>> from policytext.export import export
>>> export("corpus.db", "out", fmt="parquet")          # doctest: +SKIP
['documents.parquet', 'mentions.parquet', 'sentences.parquet', 'manifest.json']
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from policytext.errors import UsageError
from policytext.export import tables as T
from policytext.export.codebook import codebook_markdown, type_table, with_typed_dates
from policytext.export.docbin import spacy_bytes
from policytext.query import DOCUMENT_COLUMNS, MENTION_COLUMNS, _Borrowed, _frame, mention_frame
from policytext.store import reads
from policytext.store.db import Store, now
from policytext.store.filters import FILTER_FIELDS, STATUSES, Filters

FORMATS = ("csv", "xlsx", "parquet", "jsonl", "stata", "spacy", "doccano", "label-studio")
#: Text columns stored as categoricals (Parquet dictionaries) in the tables.
CATEGORICAL = (
    "doc_type",
    "date_source",
    "date_precision",
    "format",
    "kind",
    "type",
    "status",
    "stage",
    "link_basis",
    "source",
)

SENTENCE_COLUMNS = [
    "doc_id",
    "document",
    "date",
    "year",
    "doc_type",
    "sentence_idx",
    "page",
    "start",
    "end",
    "text",
    "boilerplate",
    "labels",
    "status",
    "stage",
    "domains",
    "agglomerations",
    "spans",
    "attributes",
    "annotated",
]
# ----------------------------------------------------------------------------- tables


def document_table(db: str | os.PathLike[str] | Store, f: Filters | None = None) -> pd.DataFrame:
    """One row per document under ``f``'s document filters (see :func:`policytext.query.documents`),
    oldest first."""
    with _Borrowed(db) as store:
        rows = reads.documents(store, f or Filters())
    return _frame(rows, DOCUMENT_COLUMNS)


def mention_table(db: str | os.PathLike[str] | Store, f: Filters | None = None) -> pd.DataFrame:
    """Every stored mention (agglomerations, mechanisms, measures) under ``f`` with provenance, in
    document order: the query's mention table (:data:`policytext.query.MENTION_COLUMNS`)."""
    with _Borrowed(db) as store:
        rows = reads.mentions(store, f or Filters(), kind=None, order="export")
    return mention_frame(rows)


def selected_documents(store: Store, f: Filters) -> list[dict[str, Any]]:
    """The documents ``f`` selects for a whole-document analysis (networks, term tables): those
    under its document filters (dates, type; naming an agglomeration, holding a mechanism type,
    see :func:`policytext.store.reads.documents`) and, when it sets a filter that only mentions have
    (status, stage, link basis), holding a mechanism mention that every filter keeps."""
    docs = reads.documents(store, f)
    if any(getattr(f, field.name) for field in FILTER_FIELDS if field.document_where is None):
        holding = {m["doc_id"] for m in reads.mentions(store, f, kind="mechanism")}
        docs = [d for d in docs if d["doc_id"] in holding]
    return docs


def _sentence_status(attrs: dict[str, dict[str, Any]], key: str) -> str | None:
    values: list[str] = [str(a[key]) for a in attrs.values() if a.get(key)]
    if not values:
        return None
    counts = Counter(values)
    order = list(STATUSES) if key == "status" else sorted(counts)
    return sorted(counts, key=lambda v: (-counts[v], order.index(v) if v in order else 99, v))[0]


def sentence_table(
    db: str | os.PathLike[str] | Store, f: Filters | None = None, *, include_boilerplate: bool = True
) -> pd.DataFrame:
    """The sentence-level tagged dataset: every sentence with its mechanism labels and attributes.

    ``labels`` are the mechanism types of the sentence's current mentions — hand corrections are
    applied to the mentions by the store (``annotated`` is True where one was made); ``status``/``stage``
    are the
    most frequent of its mentions; ``spans`` lists mention spans (mechanism, measure and
    agglomeration) with offsets relative to the sentence; ``attributes`` holds per type status,
    stage, domains and agglomerations. ``f`` selects the documents (its document filters, see
    :meth:`Filters.document_sql`); every current mention of their sentences is kept.
    """
    with _Borrowed(db) as store:
        docs = None if f is None else {d["doc_id"] for d in reads.documents(store, f)}
        sents = reads.sentences(store)
        ments = reads.mentions(store, Filters(), kind=None, order="export")
        annotated = reads.annotated_sentences(store)
    if docs is not None:
        sents = [s for s in sents if s["doc_id"] in docs]
    ments.sort(
        key=lambda m: (
            m["doc_id"],
            m["sentence_idx"] if m["sentence_idx"] is not None else -1,
            m["start"],
            m["end"],
            m["kind"],
            m["type"],
            m["mention_id"],
        )
    )
    by_sent: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for m in ments:
        by_sent.setdefault((m["doc_id"], m["sentence_idx"]), []).append(m)
    out = []
    for s in sents:
        key = (s["doc_id"], s["sentence_idx"])
        if s["boilerplate"] and not include_boilerplate:
            continue
        attrs: dict[str, dict[str, Any]] = {}
        spans: list[dict[str, Any]] = []
        domains: set[str] = set()
        aggs: set[str] = set()
        for m in by_sent.get(key, []):
            spans.append(
                {
                    "start": m["start"] - s["start"],
                    "end": m["end"] - s["start"],
                    "label": m["type"],
                    "kind": m["kind"],
                }
            )
            if m["kind"] == "agglomeration":
                aggs.add(m["type"])
                continue
            d = json.loads(m["domains_json"] or "[]")
            a = json.loads(m["agglomerations_json"] or "[]")
            domains.update(d)
            aggs.update(a)
            if m["kind"] == "mechanism" and m["type"] not in attrs:
                attrs[m["type"]] = {
                    "status": m["status"],
                    "stage": m["stage"],
                    "domains": d,
                    "agglomerations": a,
                }
        out.append(
            {
                **s,
                "boilerplate": bool(s["boilerplate"]),
                "labels": sorted(attrs),
                "status": _sentence_status(attrs, "status"),
                "stage": _sentence_status(attrs, "stage"),
                "domains": sorted(domains),
                "agglomerations": sorted(aggs),
                "spans": spans,
                "attributes": {k: attrs[k] for k in sorted(attrs)},
                "annotated": key in annotated,
            }
        )
    return _frame(out, SENTENCE_COLUMNS)


def extraction_of(store: Store, doc_id: str) -> Any:
    """Rebuild a :class:`policytext.types.Extraction` from the stored mentions of one document."""
    from policytext.types import AgglomerationCount, Extraction, Mention

    got = reads.document_extraction_rows(store, doc_id)
    sentences = got["sentences"]
    mentions = [
        Mention(
            kind=r["kind"],
            type=r["type"],
            text=r["text"],
            sentence=sentences.get(r["sentence_idx"], ""),
            sentence_index=r["sentence_idx"],
            start=r["start"],
            end=r["end"],
            page=r["page"],
            score=r["score"] if r["score"] is not None else 1.0,
            source=r["source"] or "rule",
            attributes=json.loads(r["attributes_json"] or "{}"),
        )
        for r in got["mentions"]
    ]
    aggs = [
        AgglomerationCount(r["agglomeration_id"], r["name"], r["kind"] or "", bool(r["known"]), r["count"])
        for r in got["agglomerations"]
    ]
    doc = got["document"]
    return Extraction(
        mentions=mentions,
        agglomerations=aggs,
        primary_agglomeration=doc["primary_agglomeration"],
        boilerplate=got["boilerplate"],
        versions=json.loads(doc["versions_json"] or "{}"),
    )


# ----------------------------------------------------------------------------- schemas


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    s, i, f, b, ls = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.list_(pa.string())
    cat = pa.dictionary(pa.int32(), pa.string())
    types = {
        "date_start": pa.date32(),
        **dict.fromkeys(CATEGORICAL, cat),
        "year": i,
        "page": i,
        "sentence_idx": i,
        "start": i,
        "end": i,
        "n_pages": i,
        "n_chars": i,
        "n_sentences": i,
        "n_mechanisms": i,
        "mention_id": i,
        "score": f,
        "boilerplate": b,
        "annotated": b,
        "labels": ls,
        "domains": ls,
        "agglomerations": ls,
    }

    def schema(cols: list[str]) -> Any:
        return pa.schema([(c, types.get(c, s)) for c in cols])

    return {
        "documents": schema(_dated(DOCUMENT_COLUMNS)),
        "mentions": schema(_dated(MENTION_COLUMNS)),
        "sentences": schema(_dated(SENTENCE_COLUMNS)),
    }


def _dated(cols: list[str]) -> list[str]:
    """``cols`` with ``date_start`` and ``date_precision`` after ``date`` (see :func:`with_typed_dates`)."""
    if "date" not in cols:
        return cols
    at = cols.index("date") + 1
    return [*cols[:at], "date_start", "date_precision", *cols[at:]]


def _stata_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Variable labels (Chinese) and value labels (Chinese name and id) for the Stata files."""
    from policytext.export import codebook as cb

    variables = {c: f"{zh} / {en}" for c, (zh, en) in cb.COLUMNS.items()}
    label = lambda d: {k: f"{zh} ({k})" for k, (zh, _) in d.items()}  # noqa: E731
    values = {
        "status": label(cb.STATUS_LABELS),
        "stage": label(cb.STAGE_LABELS),
        "doc_type": label(cb.DOC_TYPE_LABELS),
        "kind": label(cb.KIND_LABELS),
        "date_precision": label(cb.PRECISION_LABELS),
        "type": label(cb.type_labels()),
    }
    return variables, values


# ----------------------------------------------------------------------------- export


def export(
    db: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str = "csv",
    prefix: str = "",
    include_boilerplate: bool = True,
    bom: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    **filters: Any,
) -> list[str]:
    """Export a store into ``out_dir`` (created when missing) in one format.

    Args:
        db: the store (opened read-only).
        out_dir: the folder to write; nothing is written outside it.
        fmt: ``csv | xlsx | parquet | jsonl | stata`` (tables ``documents``, ``mentions``,
            ``sentences``, each with ``date_start`` and ``date_precision``; Excel: one workbook with
            three sheets and a sheet of type names in Chinese and English; Stata: ``.dta`` files
            with Chinese variable and value labels), ``spacy`` (``docs.spacy``, a DocBin with spans),
            ``doccano`` (``doccano.jsonl`` sentence classification + ``doccano_spans.jsonl``),
            ``label-studio`` (``label_studio.json`` tasks + ``label_studio_config.xml``).
        prefix: optional file-name prefix (letters, digits, ``_-.``; no folders).
        include_boilerplate: keep boilerplate sentences in the sentence dataset (always left out of
            doccano and Label Studio files).
        bom: start CSV files with a UTF-8 byte order mark (Excel then reads Chinese right).
        progress: called with (documents done, documents in all) by the spaCy export.
        workers: worker processes of the spaCy export (None = every core, 0 = in this process;
            see :func:`~policytext.export.docbin.spacy_bytes`).
        filters: any of :data:`~policytext.store.filters.FILTER_FIELDS` by keyword (as for
            :func:`policytext.query.mechanisms`): the mention table keeps the mentions that match,
            the documents, sentences and the spaCy, doccano and Label Studio files the documents that
            match the document filters (dates, type; naming an agglomeration, holding a type).

    Every format also writes ``codebook.md`` (columns, mechanism types with definitions and cue
    words, attribute values; Chinese and English).

    Returns:
        The names of the written files (``manifest.json`` last).

    Raises:
        UsageError: unknown format, a bad prefix, or ``out_dir`` is a file.
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(FORMATS)}")
    if prefix:
        T.safe_name(prefix)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    name = lambda n: f"{prefix}-{n}" if prefix else n  # noqa: E731
    written: list[str] = []

    def put(fname: str, data: bytes | str) -> None:
        full = name(fname)
        T.write_bytes(out, full, data.encode("utf-8") if isinstance(data, str) else data)
        written.append(full)

    with Store(db, readonly=True) as store:
        f = Filters.make(store, **filters) if filters else None
        counts: dict[str, int] = {}
        tables: dict[str, list[str]] = {}
        if fmt in {"csv", "xlsx", "parquet", "jsonl", "stata"}:
            frames = {
                "documents": with_typed_dates(document_table(store, f)),
                "mentions": with_typed_dates(mention_table(store, f)),
                "sentences": with_typed_dates(
                    sentence_table(store, f, include_boilerplate=include_boilerplate)
                ),
            }
            counts = {k: len(v) for k, v in frames.items()}
            tables = {k: [str(c) for c in v.columns] for k, v in frames.items()}
            if fmt == "xlsx":
                put("policytext.xlsx", T.xlsx_bytes([*frames.items(), ("types 类型", type_table())]))
            elif fmt == "stata":
                variables, values = _stata_labels()
                for key, df in frames.items():
                    put(f"{key}.dta", T.stata_bytes(df, variable_labels=variables, value_labels=values))
            else:
                schemas = _schemas() if fmt == "parquet" else {}
                for key, df in frames.items():
                    if fmt == "csv":
                        put(f"{key}.csv", T.to_csv(df, bom=bom))
                    elif fmt == "jsonl":
                        put(f"{key}.jsonl", T.to_jsonl(df))
                    else:
                        put(f"{key}.parquet", T.parquet_bytes(df, schemas[key]))
        elif fmt == "spacy":
            ids = reads.document_ids(store) if f is None else [d["doc_id"] for d in reads.documents(store, f)]
            put("docs.spacy", spacy_bytes(store, ids, progress=progress, workers=workers))
            counts = {"documents": len(ids)}
        else:
            from policytext.export import annotation_tools as at

            sents = sentence_table(store, f, include_boilerplate=False)
            counts = {"sentences": len(sents)}
            if fmt == "doccano":
                put("doccano.jsonl", at.to_doccano(sents))
                put("doccano_spans.jsonl", at.to_doccano_spans(sents))
            else:
                put("label_studio.json", at.to_label_studio(sents, model_version=_model_version(store)))
                put("label_studio_config.xml", at.label_studio_config())
        info = store.info()
    put("codebook.md", codebook_markdown(tables))
    manifest = {
        "format": fmt,
        "files": list(written),
        "rows": counts,
        "filters": f.values() if f is not None else {},
        "store": str(Path(db)),
        "exported_at": now(),
        "versions": info.get("versions", {}),
        "schema_version": info.get("schema_version"),
    }
    put("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return written


def _model_version(store: Store) -> str:
    return reads.main_model_version(store) or "policytext"


__all__ = [
    "FORMATS",
    "document_table",
    "export",
    "extraction_of",
    "mention_table",
    "selected_documents",
    "sentence_table",
    "spacy_bytes",
]
