"""Export speed: spaCy DocBin and Excel workbook of a store (seconds, printed).

Usage::

    python benchmarks/export_speed.py corpus.db            # an existing store
    python benchmarks/export_speed.py --ingest DIR [DIR…]  # ingest folders into a temporary store first

Prints the documents and characters of the store, then the seconds of ``export --format spacy``
and ``--format xlsx`` (each run once, written to a temporary folder): wall time, and CPU time of
this process and of the worker processes it started (the spaCy export tokenises in ``--workers``
processes; 0 = in this process). On a machine shared with other work, the CPU seconds are the
steadier figure.
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
    ap.add_argument("--workers", type=int, default=None, help="spaCy export workers (default: all cores)")
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
            t, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            files = export(db, Path(tmp) / fmt, fmt=fmt, workers=args.workers)
            wall = time.perf_counter() - t
            cpu, children = time.process_time() - cpu, _children_cpu() - children
            size = sum((Path(tmp) / fmt / f).stat().st_size for f in files)
            print(
                f"export --format {fmt}: {wall:.2f} s wall, CPU {cpu:.2f} s here + {children:.2f} s in "
                f"workers ({size / 1e6:.1f} MB)"
            )


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


if __name__ == "__main__":
    main()
