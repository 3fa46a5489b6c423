"""Export speed: spaCy DocBin and Excel workbook of a store (seconds, printed).

Usage::

    python benchmarks/export_speed.py corpus.db            # an existing store
    python benchmarks/export_speed.py --ingest DIR [DIR…]  # ingest folders into a temporary store first

Prints the documents and characters of the store, then the seconds of ``export --format spacy``
and ``--format xlsx`` (each run once, written to a temporary folder).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Time the spaCy and Excel exports of one store."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("db", nargs="?", help="a store written by policytext ingest")
    ap.add_argument("--ingest", nargs="+", help="folders to ingest into a temporary store first")
    ap.add_argument("--formats", default="spacy,xlsx")
    args = ap.parse_args()
    from policytext import api
    from policytext.export import document_table, export

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench.db"
        if args.ingest:
            t = time.perf_counter()
            api.ingest(args.ingest, db, workers=0)
            print(f"ingest: {time.perf_counter() - t:.1f} s")
        docs = document_table(db)
        print(f"store: {db} ({len(docs)} documents, {int(docs['n_chars'].sum())} characters)")
        for fmt in args.formats.split(","):
            t = time.perf_counter()
            files = export(db, Path(tmp) / fmt, fmt=fmt)
            size = sum((Path(tmp) / fmt / f).stat().st_size for f in files)
            print(f"export --format {fmt}: {time.perf_counter() - t:.2f} s ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
