"""Throughput, scaling and memory of ingestion, stage by stage, with reference points.

Corpora:

* a generated corpus of PDFs (``benchmarks/gen_corpus.py``: text assembled
  deterministically from ``corpora/sources``, rendered with the official one-column and
  journal two-column layouts of ``corpora/build_sample.py``), cached in
  ``benchmarks/.cache/`` (outside git) and reused;
* the shared real corpus (``../shared/corpus/real/txt``).

For each stage (PDF/text reading, cleaning, NLP/extraction, store writes) the documents
are run one after the other in this process (one core), timing each stage per document;
memory is the peak resident memory of the process during the stage. References measured
in the same run on the same input: raw pypdfium2 text extraction (the ceiling of PDF
reading), raw pdfplumber ``extract_text`` and plain jieba segmentation of the same clean
text (its own ``jieba.Tokenizer``). End to end is ``policytext.api.ingest`` (read, clean,
extract, store) in a fresh process with 1 and 2 workers and with the Dask engine; its peak
memory is the PSS summed over the process and its workers. Scaling: time per document at
10/100/1,000 documents and one 2,000-page PDF.

Usage::

    .venv/bin/python benchmarks/run.py --quick     # small sizes, under 2 minutes
    .venv/bin/python benchmarks/run.py             # full: 200 PDFs, 1,000 documents, 2,000 pages
    .venv/bin/python benchmarks/run.py --profile   # also profile the extraction stage (cProfile)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_corpus  # noqa: E402
from memwatch import Watch, peak_rss_self  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
REAL = ROOT.parent / "shared" / "corpus" / "real" / "txt"
MB = 1024 * 1024

SIZES: dict[str, dict[str, Any]] = {
    "full": {"docs": 200, "scaling": (10, 100, 1000), "big": 2000, "real": None, "plumber_pages": 400},
    "quick": {"docs": 12, "scaling": (10, 30, 60), "big": 300, "real": 20, "plumber_pages": 40},
}
TARGETS = {"e2e_pages_per_s_2_workers": 50.0, "extraction_vs_jieba": 0.5}


# ---------------------------------------------------------------------------
# stage measurements (this process, one core)
# ---------------------------------------------------------------------------
@dataclass
class Row:
    corpus: str
    what: str
    docs: int
    pages: int
    chars: int
    seconds: float
    peak_mb: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def chars_s(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


def raw_pdfium(paths: list[str]) -> tuple[int, int, float]:
    import pypdfium2 as pdfium

    pages = chars = 0
    t = time.perf_counter()
    for p in paths:
        doc = pdfium.PdfDocument(p)
        for page in doc:
            tp = page.get_textpage()
            chars += len(tp.get_text_range())
            tp.close()
            page.close()
            pages += 1
        doc.close()
    return pages, chars, time.perf_counter() - t


def _raw_pdfium_one(path: str) -> tuple[int, int]:
    pages, chars, _ = raw_pdfium([path])
    return pages, chars


def raw_pdfium_processes(paths: list[str], processes: int) -> tuple[int, int, float]:
    """Raw pypdfium2 text over ``paths`` in ``processes`` processes (largest file first): the
    machine's own parallel speed-up, the reference of the pool's."""
    from multiprocessing import get_context

    order = sorted(paths, key=lambda p: -os.path.getsize(p))
    t = time.perf_counter()
    with get_context("fork").Pool(processes) as pool:
        got = pool.map(_raw_pdfium_one, order, chunksize=1)
    return sum(g[0] for g in got), sum(g[1] for g in got), time.perf_counter() - t


def raw_pdfplumber(paths: list[str], max_pages: int) -> tuple[int, int, float, int]:
    """pdfplumber extract_text on whole documents until ``max_pages`` pages are read."""
    import pdfplumber

    pages = chars = docs = 0
    t = time.perf_counter()
    for p in paths:
        if pages >= max_pages:
            break
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                page.close()
                pages += 1
        docs += 1
    return pages, chars, time.perf_counter() - t, docs


def stages(corpus: str, paths: list[str], *, reader_label: str) -> list[Row]:
    """Read, clean, extract (rules + model, rules only), jieba, store: per document, timed per stage."""
    import jieba

    import policytext.ingest.document as document_mod
    from policytext.extract.pipeline import Extractor
    from policytext.ingest.discover import sha256_file
    from policytext.ingest.document import build_document, file_format, read_file
    from policytext.store.db import Store

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    tok.initialize()
    extractor = Extractor.load()
    rules_only = Extractor.load(model=False)
    names = ["read", "clean", "extract", "extract_rules", "jieba", "store"]
    secs = dict.fromkeys(names, 0.0)
    peak = dict.fromkeys(names, 0)
    pages = chars = docs = 0
    failed = 0
    tmp = tempfile.mkdtemp(prefix="ptbench-")
    real_read = document_mod.read_file
    gc.collect()
    with Store(Path(tmp) / "stage.db") as store, Watch() as w:
        run_id = store.start_run("bench", {}, extractor.versions)

        def timed(name: str, fn: Any, *a: Any, **k: Any) -> Any:
            w.reset()
            t = time.perf_counter()
            out = fn(*a, **k)
            secs[name] += time.perf_counter() - t
            peak[name] = max(peak[name], w.sample(), w.peak)
            return out

        for path in paths:
            digest = sha256_file(path)
            try:
                extracted = timed("read", read_file, path)
            except Exception:
                failed += 1
                continue
            # build_document minus reading = cleaning
            document_mod.read_file = lambda *_a, _got=extracted, **_k: _got
            try:
                doc = timed("clean", build_document, path, doc_id=digest)
            finally:
                document_mod.read_file = real_read
            ex = timed("extract", extractor.extract, doc)
            timed("extract_rules", rules_only.extract, doc)
            timed("jieba", tok.lcut, doc.text)
            timed("store", store.add_document, doc, ex, fmt=file_format(path, extracted), run_id=run_id)
            docs += 1
            pages += len(doc.pages)
            chars += len(doc.text)
            del extracted, doc, ex
    labels = {
        "read": reader_label,
        "clean": "cleaning (normalise, re-flow, sentences, metadata)",
        "extract": "NLP/extraction (rules + model)",
        "extract_rules": "NLP/extraction (rules only)",
        "jieba": "reference: plain jieba segmentation (same text)",
        "store": "store writes (SQLite, one transaction per document)",
    }
    rows = [Row(corpus, labels[n], docs, pages, chars, secs[n], peak[n] / MB) for n in names]
    total = sum(secs[n] for n in ("read", "clean", "extract", "store"))
    rows.append(
        Row(corpus, "sum of the stages, one core", docs, pages, chars, total, max(peak.values()) / MB)
    )
    if failed:
        rows[0].note = f"{failed} unreadable files left out"
    return rows


# ---------------------------------------------------------------------------
# end to end in a fresh process
# ---------------------------------------------------------------------------
def child_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    """Run api.ingest as ``spec`` says and report time, counts and peak memory (this process + workers)."""
    from policytext import api

    runner = None
    if spec.get("engine") == "dask":
        from policytext.engines.dask_engine import make_runner

        runner = make_runner(n_workers=spec["workers"])
    db = Path(spec["db"])
    extra: dict[str, Any] = {k: spec[k] for k in ("split_pages", "timeout") if spec.get(k) is not None}
    with Watch(tree=True) as w:
        t = time.perf_counter()
        s = api.ingest(
            spec["inputs"], db, workers=spec["workers"], model=spec.get("model"), runner=runner, **extra
        )
        wall = time.perf_counter() - t
    return {
        "seconds": wall,
        "stored": s.stored,
        "failed": s.failed,
        "pages": s.pages,
        "chars": s.characters,
        "peak_mb": w.peak / MB,
        "peak_rss_mb": w.peak_rss / MB,
        "main_hwm_mb": peak_rss_self() / MB,
        "db_mb": db.stat().st_size / MB if db.exists() else 0.0,
    }


def ingest_in_child(
    inputs: list[str],
    *,
    workers: int,
    engine: str = "local",
    split_pages: int | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ptbench-") as tmp:
        spec = {
            "inputs": inputs,
            "workers": workers,
            "engine": engine,
            "db": str(Path(tmp) / "bench.db"),
            "split_pages": split_pages,
            "timeout": timeout,
        }
        list_file = Path(tmp) / "spec.json"
        list_file.write_text(json.dumps(spec), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(list_file)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def e2e_row(corpus: str, label: str, r: dict[str, Any]) -> Row:
    note = f"{r['failed']} failed" if r["failed"] else ""
    return Row(corpus, label, r["stored"], r["pages"], r["chars"], r["seconds"], r["peak_mb"], note, r)


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def table(rows: list[Row], refs: dict[str, dict[str, float]]) -> list[str]:
    out = [
        "| corpus | stage | docs | pages | chars | s | pages/s | chars/s | peak MB | vs reference |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ref = refs.get(r.corpus, {})
        vs = r.note
        cmp = []
        if r.pages and ref.get("pdfium_pages_s") and "jieba" not in r.what and "raw" not in r.what:
            cmp.append(f"{r.pages_s / ref['pdfium_pages_s']:.2f}× raw pypdfium2")
            if ref.get("plumber_pages_s") and ("PDF" in r.what or "end to end" in r.what):
                cmp.append(f"{r.pages_s / ref['plumber_pages_s']:.1f}× raw pdfplumber")
        if ref.get("jieba_chars_s") and (
            "extraction" in r.what or "end to end" in r.what or "store" in r.what or "cleaning" in r.what
        ):
            cmp.append(f"{r.chars_s / ref['jieba_chars_s']:.2f}× jieba")
        vs = "; ".join(([vs] if vs else []) + cmp)
        pages_s = f"{r.pages_s:,.1f}" if r.pages else "–"
        peak = f"{r.peak_mb:,.0f}" if r.peak_mb is not None else "–"
        out.append(
            f"| {r.corpus} | {r.what} | {r.docs} | {fmt_int(r.pages) if r.pages else '–'} "
            f"| {fmt_int(r.chars)} "
            f"| {r.seconds:.2f} | {pages_s} | {fmt_int(r.chars_s)} | {peak} | {vs} |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (under 2 minutes)")
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help="where generated PDFs are kept (default: %(default)s)"
    )
    parser.add_argument("--real", type=Path, default=REAL, help="the real text corpus (default: %(default)s)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask engine run")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the extraction stage on the generated corpus"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="also time the read commands on a store of N documents (scale.py)",
    )
    parser.add_argument("--baseline", type=Path, help="with --scale: also measure this source tree")
    parser.add_argument(
        "--pool",
        action="store_true",
        help="only the pool section: the long PDF split across workers and the 1/2-worker speed-up",
    )
    parser.add_argument("--big", type=int, help="pages of the long PDF (default: 2,000; --quick 300)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child_ingest(json.loads(args.child.read_text(encoding="utf-8")))))
        return 0
    if args.pool:
        return pool_section(args)

    t_all = time.perf_counter()
    mode = "quick" if args.quick else "full"
    size = SIZES[mode]
    args.cache.mkdir(parents=True, exist_ok=True)
    (args.cache / ".gitignore").write_text("*\n", encoding="utf-8")
    gen = gen_corpus.ensure(gen_corpus.main_specs(size["docs"]), args.cache / "generated")
    big = gen_corpus.ensure([gen_corpus.big_spec(size["big"])], args.cache / "big")[0]
    scaling = gen_corpus.ensure(gen_corpus.scaling_specs(max(size["scaling"])), args.cache / "scaling")
    real: list[str] = []
    if args.real.is_dir():
        real = sorted(str(p) for p in args.real.iterdir() if p.is_file() and not p.name.startswith("."))
        if size["real"]:
            real = real[: size["real"]]
    else:
        print(f"note: real corpus {args.real} not found; skipped", file=sys.stderr)
    corp = f"generated ({len(gen)} PDFs)"
    corp_real = f"real ({len(real)} txt)"
    log = lambda msg: print(f"[{time.perf_counter() - t_all:6.1f} s] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    rows: list[Row] = []
    refs: dict[str, dict[str, float]] = {corp: {}, corp_real: {}}
    # references: raw engines
    log("raw pypdfium2 …")
    p, c, s = raw_pdfium(gen)
    rows.append(Row(corp, "reference: raw pypdfium2 get_text_range (ceiling)", len(gen), p, c, s))
    refs[corp]["pdfium_pages_s"] = p / s
    log("raw pdfplumber …")
    p, c, s, d = raw_pdfplumber(gen, size["plumber_pages"])
    rows.append(Row(corp, "reference: raw pdfplumber extract_text", d, p, c, s, note=f"first {d} documents"))
    refs[corp]["plumber_pages_s"] = p / s
    # stages
    log("stages, generated corpus …")
    st = stages(corp, gen, reader_label="PDF text (read_pdf: pypdfium2 + layout)")
    refs[corp]["jieba_chars_s"] = st[4].chars_s
    rows.extend(st)
    if real:
        log("stages, real corpus …")
        st = stages(corp_real, real, reader_label="text reading (decode, detect encoding)")
        refs[corp_real]["jieba_chars_s"] = st[4].chars_s
        rows.extend(st)
    # end to end
    workers_rows: list[Row] = []
    for n in (1, 2):
        log(f"end to end, {n} worker(s) …")
        r = ingest_in_child(gen, workers=n)
        workers_rows.append(e2e_row(corp, f"end to end ingest+extract, {n} worker{'s' if n > 1 else ''}", r))
    rows.extend(workers_rows)
    if not args.no_dask:
        try:
            import distributed  # noqa: F401

            log("end to end, Dask LocalCluster …")
            r = ingest_in_child(gen, workers=2, engine="dask")
            rows.append(e2e_row(corp, "end to end, Dask engine (LocalCluster, 2 workers)", r))
        except ImportError:
            log("dask.distributed not installed: Dask engine skipped")
    if real:
        log("end to end, real corpus …")
        rows.append(
            e2e_row(corp_real, "end to end ingest+extract, 2 workers", ingest_in_child(real, workers=2))
        )

    # scaling
    log("scaling …")
    startup = ingest_in_child([], workers=2)["seconds"]
    grow = []
    for n in size["scaling"]:
        r = ingest_in_child(scaling[:n], workers=2)
        grow.append((n, r))
    log(f"one {size['big']}-page PDF …")
    big_r = ingest_in_child([big], workers=2)

    profile_lines: list[str] = []
    if args.profile:
        log("profiling extraction …")
        profile_lines = profile_extraction(gen)

    # ---------------------------------------------------------------- print
    cmd = (
        "python benchmarks/run.py"
        + (" --quick" if args.quick else "")
        + (" --no-dask" if args.no_dask else "")
    )
    cpu = _cpu_name()
    print(f"\n## Benchmark ({mode}): `{cmd}`\n")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores ({cpu}), "
        f"{time.strftime('%Y-%m-%d')}; stage rows: one core, documents one after the other; end-to-end rows: "
        "`api.ingest` in a fresh process, peak MB = PSS of the process and its workers.\n"
    )
    print("\n".join(table(rows, refs)))

    print("\n### Workers\n")
    print("| workers | s | pages/s | chars/s | speed-up |")
    print("|---:|---:|---:|---:|---:|")
    base = workers_rows[0].seconds
    for n, wr in zip((1, 2), workers_rows):
        print(
            f"| {n} | {wr.seconds:.1f} | {wr.pages_s:,.1f} | {fmt_int(wr.chars_s)} "
            f"| {base / wr.seconds:.2f}× |"
        )

    print(
        f"\n### Growth (2 workers, {gen_corpus.scaling_specs(1)[0].pages}-4-page PDFs; start-up "
        f"= ingest of no file = {startup:.2f} s)\n"
    )
    print("| documents | pages | s | s/document | s/document after start-up | pages/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    marg = []
    for n, r in grow:
        m = (r["seconds"] - startup) / n
        marg.append(m)
        print(
            f"| {n:,} | {r['pages']:,} | {r['seconds']:.2f} | {r['seconds'] / n:.4f} | {m:.4f} "
            f"| {r['pages'] / r['seconds']:,.1f} |"
        )
    linear = marg[-1] <= 1.25 * marg[-2]

    print("\n### One large document\n")
    print("| pages | chars | s | pages/s | peak MB (PSS, process + workers) | store MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {big_r['pages']:,} | {big_r['chars']:,} | {big_r['seconds']:.1f} | "
        f"{big_r['pages'] / big_r['seconds']:,.1f} | {big_r['peak_mb']:,.0f} | {big_r['db_mb']:,.1f} |"
    )

    # targets
    by = {r.what: r for r in rows if r.corpus == corp}
    e2e2 = workers_rows[1]
    ext = by["NLP/extraction (rules + model)"]
    jb = by["reference: plain jieba segmentation (same text)"]
    stage_rows = [
        by[k] for k in by if k.startswith(("PDF text", "cleaning", "NLP/extraction (rules + model)", "store"))
    ]
    slowest = max(stage_rows, key=lambda r: r.seconds)
    store_row = by["store writes (SQLite, one transaction per document)"]
    serial = by["sum of the stages, one core"]
    print("\n### Targets\n")
    checks = [
        (
            f"end to end with 2 workers ≥ {TARGETS['e2e_pages_per_s_2_workers']:.0f} pages/s",
            f"{e2e2.pages_s:.1f} pages/s",
            e2e2.pages_s >= TARGETS["e2e_pages_per_s_2_workers"],
        ),
        (
            "NLP/extraction ≥ 0.5 × plain jieba segmentation (chars/s)",
            f"{ext.chars_s / jb.chars_s:.2f}×",
            ext.chars_s >= TARGETS["extraction_vs_jieba"] * jb.chars_s,
        ),
        (
            "the store is not the bottleneck (store writes < 10 % of one-core stage time)",
            f"{100 * store_row.seconds / serial.seconds:.1f} %",
            store_row.seconds < 0.1 * serial.seconds,
        ),
        (
            "time grows linearly (s/document after start-up at the largest size ≤ 1.25 × the previous)",
            " → ".join(f"{m:.4f}" for m in marg),
            linear,
        ),
        (
            f"memory bounded on {big_r['pages']:,} pages (peak < 512 MB)",
            f"{big_r['peak_mb']:,.0f} MB",
            big_r["peak_mb"] < 512,
        ),
    ]
    print("| target | measured | |")
    print("|---|---|---|")
    for what, val, ok in checks:
        print(f"| {what} | {val} | {'met' if ok else '**missed**'} |")
    shares = ", ".join(
        f"{r.what.split(' (')[0]} {100 * r.seconds / serial.seconds:.0f} %" for r in stage_rows
    )
    print(
        f"\nSlowest stage (one core, generated corpus): **{slowest.what}**, "
        f"{100 * slowest.seconds / serial.seconds:.0f} % of the stage time ({shares})."
    )
    if profile_lines:
        print("\n### Profile of the extraction stage (cProfile, top functions by own time)\n")
        print("```\n" + "\n".join(profile_lines) + "\n```")
    if args.scale:
        import scale

        trees = (
            {"this tree": ROOT} if args.baseline is None else {"baseline": args.baseline, "this tree": ROOT}
        )
        print("\n" + "\n".join(scale.report(scale.run(args.scale, trees, args.real), args.scale)))
    print(f"\n(total benchmark time {time.perf_counter() - t_all:.0f} s)")
    return 0


def pool_section(args: argparse.Namespace) -> int:
    """The pool's figures, each beside its reference from the same run.

    * one long PDF through the pool with 2 workers, split into page ranges (``--split-pages``
      200) and, as the reference, read whole by one worker (``--split-pages 0``): time, pages/s,
      peak RSS summed over all processes (the main one and its workers; shared pages counted in
      each, so an upper bound), peak PSS of the same, the main process's own peak (VmHWM);
      raw pypdfium2 text of the same file as the reading ceiling;
    * the generated mixed batch with 1 and 2 workers: the speed-up, beside raw pypdfium2 text of
      the same files in 1 and 2 processes (what the machine gives two processes in this run).
    """
    t_all = time.perf_counter()
    mode = "quick" if args.quick else "full"
    size = SIZES[mode]
    pages = args.big or size["big"]
    args.cache.mkdir(parents=True, exist_ok=True)
    (args.cache / ".gitignore").write_text("*\n", encoding="utf-8")
    gen = gen_corpus.ensure(gen_corpus.main_specs(size["docs"]), args.cache / "generated")
    big = gen_corpus.ensure([gen_corpus.big_spec(pages)], args.cache / "big")[0]
    log = lambda msg: print(f"[{time.perf_counter() - t_all:6.1f} s] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    load = os.getloadavg()[0]

    log(f"one {pages}-page PDF: raw pypdfium2, whole in one worker, split across 2 workers …")
    raw_p, _raw_c, raw_s = raw_pdfium([big])
    # a time limit the whole read can meet on a loaded machine, the same for both runs
    whole = ingest_in_child([big], workers=2, split_pages=0, timeout=3600)
    split = ingest_in_child([big], workers=2, split_pages=200, timeout=3600)
    log("mixed batch: raw pypdfium2 in 1 and 2 processes, ingest with 1 and 2 workers …")
    raw1 = raw_pdfium_processes(gen, 1)
    raw2 = raw_pdfium_processes(gen, 2)
    one = ingest_in_child(gen, workers=1)
    two = ingest_in_child(gen, workers=2)
    load = max(load, os.getloadavg()[0])

    print(
        f"\n## Pool benchmark ({mode}): `python benchmarks/run.py --pool"
        + (" --quick" if args.quick else "")
        + (f" --big {args.big}" if args.big else "")
        + "`\n"
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores "
        f"({_cpu_name()}), {time.strftime('%Y-%m-%d')}; load average up to {load:.1f} during the run"
        + (" (**a loaded machine**: other work shared the cores)" if load > 1.0 else "")
        + ".\n"
    )
    print(f"### One {pages:,}-page PDF through the pool (2 workers)\n")
    print(
        "| run | s | pages/s | peak RSS, all processes (MB) | peak PSS, all (MB) | main process peak (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in (
        ("split into 200-page ranges (default)", split),
        ("reference: read whole (--split-pages 0)", whole),
    ):
        print(
            f"| {label} | {r['seconds']:.1f} | {r['pages'] / r['seconds']:,.1f} | {r['peak_rss_mb']:,.0f} "
            f"| {r['peak_mb']:,.0f} | {r['main_hwm_mb']:,.0f} |"
        )
    print(f"| reference: raw pypdfium2 text, one process | {raw_s:.1f} | {raw_p / raw_s:,.1f} | – | – | – |")
    ok = split["peak_rss_mb"] <= 512
    print(
        f"\nTarget ≤ 512 MB peak RSS of all processes: {split['peak_rss_mb']:,.0f} MB, "
        f"{'met' if ok else '**missed**'}; split vs whole: "
        f"{whole['seconds'] / split['seconds']:.2f}× the speed.\n"
    )
    print(f"### Workers on the generated mixed batch ({len(gen)} PDFs, {one['pages']:,} pages)\n")
    print("| run | 1 | 2 | speed-up |")
    print("|---|---:|---:|---:|")
    print(
        f"| policytext ingest + extract, pages/s | {one['pages'] / one['seconds']:,.1f} "
        f"| {two['pages'] / two['seconds']:,.1f} | {one['seconds'] / two['seconds']:.2f}× |"
    )
    print(
        f"| reference: raw pypdfium2 text, pages/s (processes) | {raw1[0] / raw1[2]:,.1f} "
        f"| {raw2[0] / raw2[2]:,.1f} | {raw1[2] / raw2[2]:.2f}× |"
    )
    print(f"\n(pool benchmark time {time.perf_counter() - t_all:.0f} s)")
    return 0


def profile_extraction(paths: list[str], limit_docs: int = 60) -> list[str]:
    import cProfile
    import io
    import pstats

    from policytext.extract.pipeline import Extractor
    from policytext.ingest.document import build_document

    extractor = Extractor.load()
    docs = [build_document(p) for p in paths[:limit_docs]]
    prof = cProfile.Profile()
    prof.enable()
    for d in docs:
        extractor.extract(d)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(18)
    return [ln for ln in buf.getvalue().splitlines() if ln.strip()][3:]


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
