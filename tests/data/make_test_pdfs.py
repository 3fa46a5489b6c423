"""Generate the small test PDFs in ``tests/data/pdfs`` and their golden text.

Run ``.venv/bin/python tests/data/make_test_pdfs.py`` after changing the
sample builder; the output is deterministic and committed.

* ``official-dash.pdf``: one column, folio ``- n -``, no header, 2 pages.
* ``official-header.pdf``: one column, running header (issuer) and bare-number folios.
* ``journal-header.pdf``: two columns, header "journal year issue" + folio drawn first,
  right column drawn before the left one, 2 pages.
* ``journal-footer.pdf``: the same article with a centred header and ``· n ·`` footer.
* ``garbled.pdf``: the official text with the ToUnicode maps removed (text is garbage).
* ``engine-split.pdf``: page 1 readable by every engine, page 2 only by PDFium (ActualText).
* ``encrypted.pdf`` (user password), ``truncated.pdf``, ``scanned.pdf`` (image only).

Golden files ``<name>.txt`` hold the reading-order paragraphs, one per line.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "pdfs"


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_sample", ROOT / "corpora" / "build_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_sample"] = module
    spec.loader.exec_module(module)
    return module


def strip_tounicode(data: bytes) -> bytes:
    """Blank every ``/ToUnicode n 0 R`` entry in place (same length keeps xref offsets valid)."""
    return re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group()), data)


def main() -> None:
    bs = _builder()
    OUT.mkdir(parents=True, exist_ok=True)
    sources = {s.id: s for s in bs.read_sources(HERE / "sources")}
    official, journal = sources["test-official"], sources["test-journal"]
    variants = {
        "official-dash": dataclasses.replace(official, id="test-official"),
        "official-header": dataclasses.replace(official, id="official-header"),
        "journal-header": dataclasses.replace(journal, id="test-journal"),
        "journal-footer": dataclasses.replace(journal, id="journal-2col"),
    }
    for name, src in variants.items():
        gt = bs.build_pdf(src, OUT / f"{name}.pdf")
        (OUT / f"{name}.txt").write_text(gt, encoding="utf-8")

    clean = (OUT / "official-dash.pdf").read_bytes()
    (OUT / "garbled.pdf").write_bytes(strip_tounicode(clean))
    (OUT / "truncated.pdf").write_bytes(clean[: len(clean) * 6 // 10])

    paragraphs = [b.text for b in bs.structure(official)[3:9]]
    _two_fonts(bs, paragraphs[:3], paragraphs[3:], OUT / "engine-split.pdf")
    (OUT / "engine-split.txt").write_text("".join(p + "\n" for p in paragraphs), encoding="utf-8")

    small = [bs.PageOps(regions={"body": [bs.Line("本文件受密码保护。", 80, 700, 14)]})]
    bs.write_pdf(
        OUT / "encrypted.pdf",
        small,
        title="加密文件",
        date="2021-01-01",
        draw_order=("body",),
        encrypt="secret",
    )
    _scanned(OUT / "official-dash.pdf", OUT / "scanned.pdf")


def _two_fonts(bs, first: list[str], second: list[str], target: Path) -> None:  # type: ignore[no-untyped-def]
    """Page 1 in STSong (CMap-encoded: every engine reads it); page 2 in the embedded font
    without ToUnicode maps but with /ActualText spans: PDFium reads it, pdfminer sees only CIDs."""
    from reportlab.pdfgen.canvas import Canvas

    bs._register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.28, 841.89), invariant=1, pageCompression=0)
    c.setDateFormatter(lambda *_: "D:20210315090000+08'00'")
    for font, paragraphs in ((bs.CID_FONT, first), (bs.CJK_FONT, second)):
        y = 760.0
        for text in paragraphs:
            for line in bs.set_lines(text, bs.Style(14, 26, "justify", indent=2), 80, 430):
                if font == bs.CJK_FONT:
                    actual = "FEFF" + line.text.encode("utf-16-be").hex().upper()
                    c._code.append(f"/Span <</ActualText <{actual}>>> BDC")
                c.setFont(font, 14)
                c.drawString(line.x, y, line.text)
                if font == bs.CJK_FONT:
                    c._code.append("EMC")
                y -= 26
        c.showPage()
    c.save()
    target.write_bytes(strip_tounicode(buf.getvalue()))


def _scanned(source: Path, target: Path) -> None:
    """A PDF with a page image and no text layer, as a scanner makes it."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    doc = pdfium.PdfDocument(str(source))
    try:
        image = doc[0].render(scale=0.6).to_pil().convert("L")
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=40)
    c = Canvas(str(target), pagesize=(595.28, 841.89), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, 595.28, 841.89)
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
