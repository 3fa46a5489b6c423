"""Read latency, start-up and store size on a store of N documents, for one or more source trees.

The store is built from the real text corpus: every file is read, cleaned and extracted once,
then written N times in all (cycling through the files) through ``Store.add_document``, each
copy under its own document id and path, so the store holds N documents of real length and
real mentions. Every command is timed as a user runs it: ``python -m policytext ...`` in a fresh
process, output captured (not a terminal), the median of several rounds.

With ``--baseline DIR`` (a source tree of an earlier version, e.g. ``git archive``) the same
store is built and the same commands are timed with that tree too, in the same run, so the
figures compare like with like.

Usage::

    .venv/bin/python benchmarks/scale.py --scale 5000 --baseline /tmp/policytext-main

``benchmarks/run.py --scale N`` runs this section as part of the full benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real" / "txt"
MB = 1024 * 1024

#: The mention read of ``query mechanisms`` as plain SQL: the floor of that command (schema 2 tables).
REFERENCE_SQL = """
    SELECT m.*, d.filename, d.title, d.date, d.doc_type, s.start AS sentence_start
      FROM mentions m JOIN documents d ON d.doc_id = m.doc_id
      LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.idx = m.sentence_idx
     WHERE m.kind = 'mechanism' AND m.deleted = 0
     ORDER BY d.date, m.doc_id, m.start"""
#: The same read on the base tables (integer keys, schema 3 and later), as ``store.reads`` runs it.
REFERENCE_SQL_V3 = """
    SELECT m.*, d.doc_id, d.filename, d.title, d.date, d.doc_type, s.start AS sentence_start
      FROM mention_rows m JOIN doc_rows d ON d.id = m.doc
      LEFT JOIN sentence_rows s ON s.doc = m.doc AND s.idx = m.sentence_idx
     WHERE m.kind = 'mechanism' AND m.deleted = 0
     ORDER BY d.date, d.doc_id, m.start"""


@dataclass
class TreeResult:
    """What one source tree measured."""

    label: str
    build_seconds: float = 0.0
    documents: int = 0
    text_mb: float = 0.0
    store_mb: float = 0.0
    ingested_mb: float = 0.0
    compact_seconds: float | None = None
    mechanisms: int = 0
    latency: dict[str, float] = field(default_factory=dict)
    reference_sql: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Store size over the UTF-8 size of the stored (clean) text."""
        return self.store_mb / self.text_mb if self.text_mb else 0.0


def build_store(db: Path, n: int, real: Path) -> dict[str, Any]:
    """Write ``n`` documents made of the real corpus into ``db`` (runs with the tree on the path)."""
    import dataclasses

    from policytext.extract.pipeline import Extractor
    from policytext.ingest.document import build_document
    from policytext.store.db import Store

    t0 = time.perf_counter()
    extractor = Extractor.load()
    base = []
    for path in sorted(p for p in real.iterdir() if p.is_file() and not p.name.startswith(".")):
        doc = build_document(path)
        base.append((doc, extractor.extract(doc)))
    text_bytes = 0
    with Store(db) as store:
        run_id = store.start_run("bench-scale", {"n": n}, extractor.versions)
        for i in range(n):
            doc, extraction = base[i % len(base)]
            copy = dataclasses.replace(
                doc,
                doc_id=hashlib.sha256(f"{doc.doc_id}:{i}".encode()).hexdigest(),
                path=f"{doc.path}#{i}",
            )
            store.add_document(copy, extraction, fmt="txt", run_id=run_id)
            text_bytes += len(doc.text.encode("utf-8"))
        store.finish_run(run_id, stored=n, skipped=0, failed=0, status="done")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.perf_counter() - t0
        ingested = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        compact_seconds = None
        if hasattr(store, "compact"):  # a tree without `policytext compact` is measured as ingested
            t1 = time.perf_counter()
            store.compact()
            compact_seconds = time.perf_counter() - t1
    return {
        "seconds": seconds,
        "documents": n,
        "text_bytes": text_bytes,
        "ingested_bytes": ingested,
        "compact_seconds": compact_seconds,
    }


def store_parts(db: Path, top: int = 6) -> dict[str, float]:
    """The largest tables and indexes of the store in MB (SQLite's ``dbstat``), largest first."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, SUM(pgsize) AS size FROM dbstat GROUP BY name ORDER BY size DESC LIMIT ?", (top,)
        ).fetchall()
    except sqlite3.OperationalError:  # an SQLite built without dbstat
        rows = []
    finally:
        conn.close()
    return {name: size / MB for name, size in rows}


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"}


def cli_seconds(tree: Path, args: list[str], *, rounds: int, cwd: Path) -> float:
    """Median wall time of ``python -m policytext ARGS`` with ``tree`` first on the path."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "policytext", *args], capture_output=True, env=_env(tree), cwd=cwd
        )
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            raise RuntimeError(f"policytext {' '.join(args)} failed:\n{proc.stderr.decode()[-2000:]}")
    return statistics.median(times)


def reference_sql_seconds(db: Path, rounds: int) -> tuple[float, int]:
    """Median time of :data:`REFERENCE_SQL` in plain sqlite3 (all rows fetched) and the row count."""
    times, rows = [], 0
    for _ in range(rounds):
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        v3 = conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'mention_rows'").fetchone()
        t = time.perf_counter()
        rows = len(conn.execute(REFERENCE_SQL_V3 if v3 else REFERENCE_SQL).fetchall())
        times.append(time.perf_counter() - t)
        conn.close()
    return statistics.median(times), rows


COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "extract one small file (start-up)": ["extract", "{small}"],
    "info": ["info", "{db}"],
    "query mechanisms (table)": ["query", "mechanisms", "--db", "{db}"],
    "query mechanisms (CSV)": ["query", "mechanisms", "--db", "{db}", "-f", "csv"],
    "query documents (table)": ["query", "documents", "--db", "{db}"],
    "search 生态补偿 (table)": ["search", "生态补偿", "--db", "{db}"],
    "timeline (table)": ["timeline", "--db", "{db}"],
    "report (HTML)": ["report", "--db", "{db}", "--out", "{work}/report.html"],
}
TARGETS = {
    "extract one small file (start-up)": 1.0,
    "query mechanisms (table)": 1.5,
    "search 生态补偿 (table)": 1.5,
    "timeline (table)": 1.5,
    "report (HTML)": 3.0,
}


def measure_tree(label: str, tree: Path, n: int, real: Path, work: Path, rounds: int) -> TreeResult:
    """Build the N-document store with ``tree`` and time every command of :data:`COMMANDS`."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "scale.db"
    spec = work / "spec.json"
    spec.write_text(json.dumps({"db": str(db), "n": n, "real": str(real)}), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, __file__, "--build", str(spec)],
        capture_output=True,
        text=True,
        env=_env(tree),
        cwd=work,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"building the store with {tree} failed:\n{proc.stderr[-3000:]}")
    built = json.loads(proc.stdout.strip().splitlines()[-1])
    small = work / "small.txt"
    small.write_text("推动长三角生态保护补偿机制建设，建立跨省横向补偿机制。\n", encoding="utf-8")
    result = TreeResult(label, built["seconds"], built["documents"], built["text_bytes"] / MB)
    result.store_mb = sum(p.stat().st_size for p in work.glob("scale.db*")) / MB
    result.ingested_mb = built.get("ingested_bytes", 0) / MB or result.store_mb
    result.compact_seconds = built.get("compact_seconds")
    result.parts = store_parts(db)
    for name, args in COMMANDS.items():
        argv = [a.format(db=db, small=small, work=work) for a in args]
        result.latency[name] = cli_seconds(tree, argv, rounds=rounds, cwd=work)
    result.reference_sql, result.mechanisms = reference_sql_seconds(db, rounds)
    return result


def run(
    n: int, trees: dict[str, Path], real: Path = REAL, rounds: int = 3, keep: Path | None = None
) -> list[TreeResult]:
    """Measure every tree (label -> source folder) on an N-document store; in the order given."""
    out = []
    with tempfile.TemporaryDirectory(prefix="ptscale-") as tmp:
        for i, (label, tree) in enumerate(trees.items()):
            work = (keep or Path(tmp)) / f"tree{i}"
            print(f"scale {n}: {label} ({tree}) …", file=sys.stderr, flush=True)
            out.append(measure_tree(label, tree, n, real, work, rounds))
    return out


def report(results: list[TreeResult], n: int) -> list[str]:
    """The section as Markdown lines: latency per command per tree, store size, targets."""
    labels = [r.label for r in results]
    lines = [
        f"### Read commands, start-up and store size on {n:,} documents",
        "",
        f"The store: the real text corpus written {n:,} times over (each copy its own id); "
        "every command in a "
        "fresh process, output captured, median of the rounds. Reference: the mention read of `query "
        "mechanisms` as plain SQL in sqlite3, all rows fetched.",
        "",
        "| command | " + " | ".join(f"{lab} s" for lab in labels) + " | target |",
        "|---|" + "---:|" * len(labels) + "---|",
    ]
    for name in COMMANDS:
        target = TARGETS.get(name)
        cells = " | ".join(f"{r.latency[name]:.2f}" for r in results)
        lines.append(f"| `{name}` | {cells} | {f'≤ {target:g} s' if target else ''} |")
    cells = " | ".join(f"{r.reference_sql:.2f}" for r in results)
    lines.append(
        f"| reference: the same mention read in sqlite3 ({results[-1].mechanisms:,} rows) | {cells} | |"
    )
    lines += [
        "",
        "| store | " + " | ".join(labels) + " | target |",
        "|---|" + "---:|" * len(labels) + "---|",
        "| clean text stored (UTF-8 MB) | " + " | ".join(f"{r.text_mb:,.1f}" for r in results) + " | |",
        "| store file as ingested (MB) | " + " | ".join(f"{r.ingested_mb:,.1f}" for r in results) + " | |",
        "| store file after `policytext compact` (MB; – without it) | "
        + " | ".join(f"{r.store_mb:,.1f}" if r.compact_seconds is not None else "–" for r in results)
        + " | |",
        "| compact, s | "
        + " | ".join(f"{r.compact_seconds:.1f}" if r.compact_seconds is not None else "–" for r in results)
        + " | |",
        "| store / text as ingested | "
        + " | ".join(f"{r.ingested_mb / r.text_mb:.2f}×" for r in results)
        + " | |",
        "| KB per document | "
        + " | ".join(f"{1024 * r.store_mb / max(1, r.documents):,.0f}" for r in results)
        + " | |",
        "| store / text (after compact where available) | "
        + " | ".join(f"{r.ratio:.2f}×" for r in results)
        + " | ≤ 2.5× |",
        "| building it (read + extract the corpus once, write N documents), s | "
        + " | ".join(f"{r.build_seconds:.0f}" for r in results)
        + " | |",
        "| largest parts (MB / text MB, dbstat) | "
        + " | ".join(
            "<br>".join(f"`{name}` {mb / r.text_mb:.2f}×" for name, mb in r.parts.items()) or "–"
            for r in results
        )
        + " | |",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--scale", type=int, default=5000, help="documents in the store (default: %(default)s)"
    )
    parser.add_argument("--baseline", type=Path, help="also measure this source tree (an earlier version)")
    parser.add_argument("--real", type=Path, default=REAL, help="the real text corpus (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command (default: %(default)s)")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        spec = json.loads(args.build.read_text(encoding="utf-8"))
        print(json.dumps(build_store(Path(spec["db"]), int(spec["n"]), Path(spec["real"]))))
        return 0
    trees = {"this tree": ROOT}
    if args.baseline:
        trees = {"baseline": args.baseline, **trees}
    print("\n".join(report(run(args.scale, trees, args.real, args.rounds), args.scale)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
