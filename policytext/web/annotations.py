"""Corrections by hand, exported as labelled sentences for ``policytext train``.

A correction made in the web page (or through :meth:`Store.correct_mention` /
:meth:`Store.add_sentence_mechanism`) is a row of ``annotations``; the mention it
corrects is updated or marked ``deleted`` in the same transaction. The export writes
one line per corrected sentence with the sentence's mechanism types *after* the
corrections (``types: []`` when every mechanism of it was deleted: a negative).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from policytext.store import reads
from policytext.store.db import Store


def training_rows(store: Store) -> list[dict[str, Any]]:
    """The corrected sentences as ``{"doc","sentence","types","status","annotator","created_at"}``.

    One row per (document, sentence) with at least one annotation, in the order of their
    latest annotation; ``annotator`` and ``created_at`` are those of that latest one.
    """
    rows = []
    for r in reads.corrected_sentences(store):
        mentions = r["mechanisms"]
        types = sorted({m["type"] for m in mentions})
        status = r["last_status"]
        if status is None and mentions:
            status = (
                Counter(m["status"] for m in mentions if m["status"]).most_common(1)[0][0]
                if any(m["status"] for m in mentions)
                else None
            )
        rows.append(
            {
                "doc": r["doc_id"],
                "sentence": r["sentence"],
                "types": types,
                "status": status if types else None,
                "annotator": r["annotator"],
                "created_at": r["created_at"],
            }
        )
    return rows


def export_training_jsonl(store: Store, path: str | os.PathLike[str]) -> int:
    """Write the corrected sentences as JSONL that :func:`load_training_data` reads; returns the line count.

    Example:
        >>> export_training_jsonl(store, "corpora/annotations/web/corrections.jsonl")  # doctest: +SKIP
        12
    """
    rows = training_rows(store)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)
    return len(rows)
