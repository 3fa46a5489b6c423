"""PDF text across producers and gutters, OCR of scans, and speed against raw pypdfium2.

Prints, in one run:

* CER (edit distance / ground-truth length, white space removed) of ``read_pdf``
  on two-column pages made by ``tests/data/make_columns.py`` at gutters of
  0.3-1.2 cm, next to raw pypdfium2 ``get_text_range`` and ``pdftotext`` (poppler,
  when installed) on the same files;
* OCR CER and pages per second on noised 200-dpi scans made by
  ``tests/data/make_scans.py`` from known text;
* CER per producer on the ground-truth PDFs committed in ``tests/data/pdfs/producers``
  (printed by Chromium, made by ``tests/data/make_producers.py``), next to raw pypdfium2
  and pdftotext, with the output lines that are not in the ground truth (running headers,
  folios, sidebars left in the body); when Chromium is installed, the same on a held-out
  set printed in the run (``make_producers.py --heldout``: texts swapped, other gutters);
* pages per second of ``read_pdf`` (``ocr="never"``) and of raw pypdfium2 text
  extraction on the real PDFs in ``../shared/pdfs/real`` (when present), and
  their ratio (target >= 0.35);
* seconds to read one page of 10,000 and of 40,000 scattered glyphs (linear: about 4x).

Usage::

    .venv/bin/python benchmarks/pdf_producers.py [--real DIR] [--no-ocr] [--no-scattered]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from pdf_cer import levenshtein  # noqa: E402  (benchmarks/ is not a package)

from policytext.ingest.pdf import read_pdf  # noqa: E402


def forget_checked() -> None:
    """Forget the files the pre-check passed in this process (older versions keep none)."""
    from policytext.ingest import pdf

    getattr(pdf, "_CHECKED", {}).clear()


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "data" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def squeeze(text: str) -> str:
    return "".join(text.split())


def cer(got: str, truth: str) -> float:
    return levenshtein(squeeze(got), truth) / max(1, len(truth))


def raw_pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in doc:
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        doc.close()


def pdftotext(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=False).stdout


def columns(tmp: Path) -> None:
    make = _load("make_columns")
    paragraphs = [
        p
        for p in (ROOT / "tests/data/pdfs/journal-header.txt").read_text(encoding="utf-8").splitlines()
        if len(p) > 30
    ]
    print("two columns (reportlab, 10.5 pt CJK, justified): CER by gutter")
    print(f"{'gutter cm':>9} {'read_pdf':>9} {'pypdfium2':>9} {'pdftotext':>9}")
    for gutter in (0.3, 0.35, 0.5, 0.7, 0.9, 1.2):
        path = tmp / f"columns-{gutter}.pdf"
        truth = make.columns_pdf(paragraphs * 2, path, gutter_cm=gutter)
        ours = cer("".join(read_pdf(path).pages), truth)
        raw = cer("".join(raw_pdfium(path)), truth)
        pt = pdftotext(path)
        pts = "n/a" if pt is None else f"{cer(pt, truth):.3f}"
        print(f"{gutter:>9} {ours:>9.3f} {raw:>9.3f} {pts:>9}")


def made(folder: Path) -> None:
    """CER per producer on the committed ground-truth PDFs, and lines left that are not in the truth."""
    files = sorted(folder.glob("*.pdf"))
    where = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else "held out, printed now"
    print(f"\nmade PDFs with ground truth ({len(files)}, {where}): CER, white space removed")
    print(
        f"{'file':<28} {'read_pdf':>9} {'pypdfium2':>9} {'pdftotext':>9}  "
        "lines not in the truth (header, folio, sidebar)"
    )
    for path in files:
        truth_text = path.with_suffix(".txt").read_text(encoding="utf-8")
        truth = squeeze(truth_text)
        pages = read_pdf(path).pages
        extra = [ln for page in pages for ln in page.splitlines() if squeeze(ln) and squeeze(ln) not in truth]
        pt = pdftotext(path)
        pts = "n/a" if pt is None else f"{cer(pt, truth):.4f}"
        shown = "; ".join(e[:24] for e in extra[:3]) + (f" (+{len(extra) - 3})" if len(extra) > 3 else "")
        print(
            f"{path.stem:<28} {cer(''.join(pages), truth):>9.4f}"
            f" {cer(''.join(raw_pdfium(path)), truth):>9.4f}"
            f" {pts:>9}  {len(extra)} {shown}"
        )


def scattered(tmp: Path, glyphs: int = 40_000) -> None:
    """Seconds to read one page of ``glyphs`` glyphs at random places, and a quarter of them: linear?"""
    import random

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    font = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
    pdfmetrics.registerFont(TTFont("ScatterCJK", str(font)))
    print("\none page of scattered glyphs (random places, 6 pt)")
    for n in (glyphs // 4, glyphs):
        rng = random.Random(n)
        path = tmp / f"scattered-{n}.pdf"
        canvas = Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)
        canvas.setFont("ScatterCJK", 6)
        for _ in range(n):
            canvas.drawString(rng.uniform(20, 570), rng.uniform(20, 820), chr(rng.randint(0x4E00, 0x9FA5)))
        canvas.showPage()
        canvas.save()
        t0 = time.perf_counter()
        read_pdf(path, ocr="never")
        t1 = time.perf_counter()
        raw_pdfium(path)
        t2 = time.perf_counter()
        print(f"{n:>7} glyphs: read_pdf {t1 - t0:6.2f} s, raw pypdfium2 {t2 - t1:5.2f} s")


def scans(tmp: Path) -> None:
    make = _load("make_scans")
    lines = (ROOT / "tests/data/pdfs/official-dash.txt").read_text(encoding="utf-8").splitlines()
    path = make.scan_pdf(lines, tmp / "scan.pdf", seed=11)
    started = time.perf_counter()
    result = read_pdf(path)
    seconds = time.perf_counter() - started
    truth = squeeze("".join(lines))
    n = len(result.pages)
    print(
        f"\nOCR, noised 200-dpi scan of known text ({n} pages): CER {cer(''.join(result.pages), truth):.3f}, "
        f"{n / seconds:.2f} pages/s ({seconds / n:.1f} s/page; engine {result.engine})"
    )


def speed(real: Path, repeat: int = 3) -> None:
    files = sorted(p for p in real.glob("*.pdf") if not p.name.startswith("A25"))  # A25: scans, no text layer
    if not files:
        print(f"\nno real PDFs in {real}: speed not measured")
        return
    read_pdf(files[0], ocr="never")  # warm up: imports (numpy) and caches are not the files' time
    raw_pdfium(files[0])
    print(f"\nspeed on {len(files)} real PDFs in {real} (text layer only, ocr=never; best of {repeat} runs)")
    print(f"{'file':<44} {'pages':>5} {'read_pdf s':>10} {'pdfium s':>9} {'ratio':>6}")
    tot_ours = tot_raw = 0.0
    pages = 0
    for path in files:
        raw_s = ours_s = float("inf")
        for _ in range(repeat):  # the best of a few runs: a loaded machine adds noise, never speed
            t0 = time.perf_counter()
            n = len(raw_pdfium(path))
            forget_checked()  # each run pays the decompression-bomb pre-check, as a first read does
            t1 = time.perf_counter()
            read_pdf(path, ocr="never")
            t2 = time.perf_counter()
            raw_s, ours_s = min(raw_s, t1 - t0), min(ours_s, t2 - t1)
        tot_raw += raw_s
        tot_ours += ours_s
        pages += n
        print(f"{path.name[:44]:<44} {n:>5} {ours_s:>10.2f} {raw_s:>9.2f} {raw_s / ours_s:>6.2f}")
    print(
        f"{'all':<44} {pages:>5} {tot_ours:>10.2f} {tot_raw:>9.2f} {tot_raw / tot_ours:>6.2f}"
        f"   (read_pdf {100 * tot_ours / max(1, pages):.2f} s per 100 pages; target ratio >= 0.35)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "pdfs" / "real")
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR measurement (slow)")
    parser.add_argument(
        "--no-scattered", action="store_true", help="skip the page of 40,000 scattered glyphs"
    )
    parser.add_argument("--speed-only", action="store_true", help="only the speed on the real PDFs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per file for speed (the best counts)")
    args = parser.parse_args()
    if args.speed_only:
        speed(args.real, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        columns(Path(tmp))
        made(ROOT / "tests" / "data" / "pdfs" / "producers")
        if shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome"):
            _load("make_producers").main(Path(tmp) / "heldout", heldout=True)
            made(Path(tmp) / "heldout")
        if not args.no_ocr:
            scans(Path(tmp))
        speed(args.real, args.repeat)
        if not args.no_scattered:
            scattered(Path(tmp))


if __name__ == "__main__":
    main()
