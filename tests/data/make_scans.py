"""Scanned pages with known text: rendered at 200 dpi, then noised like an office scan.

``scan_pdf(paragraphs, target, seed=...)`` lays the paragraphs out on A4 pages
with the bundled CJK font (hard-wrapped, first-line indent), rotates the page by
a fraction of a degree, blurs it, adds grain and speckles, saves the page as a
JPEG image and wraps it in a PDF without a text layer. The output depends only on
the arguments and the seed, so tests build their scans on the fly; the ground truth
is the paragraphs themselves.

Run ``.venv/bin/python tests/data/make_scans.py OUT.pdf`` to write a sample.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
DPI = 200
A4 = (595.28, 841.89)


def _fallback_font() -> Path:
    """DejaVu Sans, shipped with matplotlib (a dependency)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    try:
        return {cp for table in font["cmap"].tables if table.isUnicode() for cp in table.cmap}
    finally:
        font.close()


def _pages(
    paragraphs: list[str], font_px: int, width_px: int, height_px: int
) -> list[list[tuple[str, bool]]]:
    """Hard-wrap paragraphs into page lines; each line says whether it is justified (not a last line)."""
    per_line = (width_px - 2 * int(0.12 * width_px)) // font_px
    rows_per_page = (height_px - 2 * int(0.1 * height_px)) // int(1.8 * font_px)
    lines: list[tuple[str, bool]] = []
    for para in paragraphs:
        text = "\u3000\u3000" + para
        starts = range(0, len(text), per_line)
        lines.extend((text[i : i + per_line], i + per_line < len(text)) for i in starts)
    return [lines[i : i + rows_per_page] for i in range(0, len(lines), rows_per_page)]


def scan_images(paragraphs: list[str], *, seed: int = 0, font_pt: float = 12.0) -> list[object]:
    """The noised page images (PIL, grey) of the paragraphs."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = np.random.default_rng(seed)
    width_px, height_px = round(A4[0] / 72 * DPI), round(A4[1] / 72 * DPI)
    font_px = round(font_pt / 72 * DPI)
    font = ImageFont.truetype(str(FONT), font_px)
    fallback = ImageFont.truetype(str(_fallback_font()), font_px)  # digits and Latin: not in the CJK font
    covered = _cmap(FONT)
    images = []
    for page in _pages(paragraphs, font_px, width_px, height_px):
        img = Image.new("L", (width_px, height_px), 255)
        draw = ImageDraw.Draw(img)
        y = int(0.1 * height_px)
        left = int(0.12 * width_px)
        measure = ((width_px - 2 * left) // font_px) * font_px
        for line, justified in page:
            fonts = [font if ord(ch) in covered else fallback for ch in line]
            natural = sum(f.getlength(ch) for f, ch in zip(fonts, line, strict=True))
            spread = (measure - natural) / max(1, len(line) - 1) if justified else 0.0
            x = float(left)
            for f, ch in zip(fonts, line, strict=True):
                draw.text((x, y + (0 if f is font else 0.1 * font_px)), ch, font=f, fill=0)
                x += f.getlength(ch) + spread
            y += int(1.8 * font_px)
        img = img.rotate(float(rng.uniform(-0.6, 0.6)), resample=Image.BICUBIC, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
        arr = np.asarray(img, dtype=np.float32)
        arr += rng.normal(0, 18, arr.shape)  # scanner grain
        specks = rng.random(arr.shape) < 0.002  # dust
        arr[specks] = rng.choice([0.0, 255.0], size=int(specks.sum()))
        arr = 0.85 * arr + 30  # grey paper, not quite black ink
        images.append(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))
    return images


def scan_pdf(paragraphs: list[str], target: Path, *, seed: int = 0) -> Path:
    """Write a PDF of noised page images (no text layer) of ``paragraphs`` to ``target``."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(target), pagesize=A4, invariant=1)
    for img in scan_images(paragraphs, seed=seed):
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=70)  # type: ignore[attr-defined]
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, *A4)
        c.showPage()
    c.save()
    return target


if __name__ == "__main__":
    source = ROOT / "tests" / "data" / "pdfs" / "official-dash.txt"
    paras = source.read_text(encoding="utf-8").splitlines()
    scan_pdf(paras, Path(sys.argv[1] if len(sys.argv) > 1 else "scan.pdf"))
