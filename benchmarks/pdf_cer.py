"""Character error rate and speed of PDF extraction on the bundled sample corpus.

For every ``corpora/sample/<id>.pdf`` with ``corpora/groundtruth/<id>.txt``
this prints, per document and per layout (official / journal) and engine:

* CER = Levenshtein distance / ground-truth length, on text with all
  whitespace removed;
* whether a running header or a page number survived in the body;
* pages per second of ``read_pdf`` and, as references, of raw pypdfium2
  ``get_text_range`` and raw pdfplumber ``extract_text``.

Targets: CER <= 1 % one column, <= 2 % two columns, no header or folio left.

Usage::

    .venv/bin/python benchmarks/pdf_cer.py [--sample DIR] [--truth DIR] [--engines pypdfium2,pdfplumber]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from policytext.ingest.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"official": 0.01, "journal": 0.02}
LEFTOVER_RE = re.compile(r"^(?:[-—–·\s]*\d{1,4}[-—–·\s]*|第\s*\d+\s*页|.*\d{4}年第\d+期.*)$")


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row at a time (O(len(a) * len(b)) work, O(len(b)) memory)."""
    if not a or not b:
        return max(len(a), len(b))
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1, dtype=np.int64)
    prev = idx.copy()
    for ch in a:
        cur = np.empty_like(prev)
        cur[0] = prev[0] + 1
        np.minimum(prev[1:] + 1, prev[:-1] + (codes != ord(ch)), out=cur[1:])
        prev = np.minimum.accumulate(cur - idx) + idx
    return int(prev[-1])


def cer(hypothesis: str, truth: str) -> float:
    """Character error rate on text without whitespace."""
    h, t = "".join(hypothesis.split()), "".join(truth.split())
    return levenshtein(h, t) / max(1, len(t))


def leftovers(pages: list[str], truth: str) -> list[str]:
    """Lines that look like running headers or folios and are not in the ground truth."""
    known = set(truth.splitlines())
    return [ln for p in pages for ln in p.splitlines() if LEFTOVER_RE.match(ln.strip()) and ln not in known]


def raw_speed(pdfs: list[Path]) -> dict[str, float]:
    """Pages per second of the bare engines (no layout analysis)."""
    import pdfplumber
    import pypdfium2 as pdfium

    out: dict[str, float] = {}
    pages = 0
    t = time.perf_counter()
    for p in pdfs:
        doc = pdfium.PdfDocument(str(p))
        for page in doc:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        doc.close()
    out["raw pypdfium2 get_text_range"] = pages / (time.perf_counter() - t)
    t = time.perf_counter()
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    out["raw pdfplumber extract_text"] = pages / (time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=ROOT / "corpora" / "sample")
    parser.add_argument("--truth", type=Path, default=ROOT / "corpora" / "groundtruth")
    parser.add_argument("--engines", default="pypdfium2,pdfplumber")
    args = parser.parse_args(argv)
    pdfs = sorted(p for p in args.sample.glob("*.pdf") if (args.truth / f"{p.stem}.txt").exists())
    if not pdfs:
        print(f"no PDF with ground truth in {args.sample}; run corpora/build_sample.py first")
        return 1
    per_layout: dict[tuple[str, str], list[float]] = defaultdict(list)
    speed: dict[str, list[float]] = defaultdict(list)
    failures = 0
    print(f"{'document':40} {'engine':11} {'layout':8} {'pages':>5} {'CER %':>7} {'left':>4} {'pages/s':>8}")
    for pdf in pdfs:
        truth = (args.truth / f"{pdf.stem}.txt").read_text(encoding="utf-8")
        for engine in args.engines.split(","):
            t = time.perf_counter()
            result = read_pdf(pdf, engine=engine)
            elapsed = time.perf_counter() - t
            text = "\n".join(result.pages)
            layout = "journal" if _two_columns(pdf) else "official"
            rate = cer(text, truth)
            left = leftovers(result.pages, truth)
            per_layout[(layout, engine)].append(rate)
            speed[engine].append(len(result.pages) / elapsed)
            failures += rate > TARGETS[layout] or bool(left)
            print(
                f"{pdf.stem[:40]:40} {engine:11} {layout:8} {len(result.pages):5d} {100 * rate:7.2f}"
                f" {len(left):4d} {len(result.pages) / elapsed:8.1f}"
            )
    print()
    for (layout, engine), rates in sorted(per_layout.items()):
        print(
            f"{layout:8} {engine:11} docs={len(rates):3d} mean CER={100 * statistics.mean(rates):.2f}%"
            f" max={100 * max(rates):.2f}% target<={100 * TARGETS[layout]:.0f}%"
        )
    for engine, values in speed.items():
        print(f"read_pdf {engine:11} median {statistics.median(values):.1f} pages/s")
    for name, value in raw_speed(pdfs).items():
        print(f"{name:32} {value:.1f} pages/s")
    return 1 if failures else 0


def _two_columns(pdf: Path) -> bool:
    """The layout of a sample PDF, from its name in the manifest or from its content."""
    manifest = pdf.parents[1] / "sources" / "manifest.csv"
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8-sig").splitlines():
            if line.startswith(f"{pdf.stem},"):
                return "pdf-journal" in line
    return "journal" in pdf.stem


if __name__ == "__main__":
    raise SystemExit(main())
