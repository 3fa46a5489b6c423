"""Two-column pages with known text at a chosen gutter width (0.3 cm and up).

``columns_pdf(paragraphs, target, gutter_cm=...)`` sets the paragraphs in two
justified columns of 10.5 pt CJK text (first-line indent, the last line of a
paragraph ragged) with the bundled font and returns the ground-truth text in
reading order: the whole left column, then the right one. Chinese journals use
gutters of 0.35-0.8 cm, narrower than the gap at which a line is cut into pieces.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
A4 = (595.28, 841.89)


def columns_pdf(paragraphs: list[str], target: Path, *, gutter_cm: float, size: float = 10.5) -> str:
    """Write a one-page two-column PDF; return its text in reading order (white space removed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("ColumnsCJK", str(FONT)))
    width, height = A4
    margin = 56.0
    gutter = gutter_cm / 2.54 * 72
    col = (width - 2 * margin - gutter) / 2
    per_line = int(col // size)
    lines: list[tuple[str, bool]] = []
    for para in paragraphs:
        text = "\u3000\u3000" + re.sub(r"[\x00-\x7f]", "", para)  # the bundled font has CJK glyphs only
        lines.extend(
            (text[i : i + per_line], i + per_line < len(text)) for i in range(0, len(text), per_line)
        )
    rows = int((height - 2 * margin) // (1.5 * size))
    canvas = Canvas(str(target), pagesize=A4, invariant=1)
    truth: list[str] = []
    for side in range(2):
        x0 = margin + side * (col + gutter)
        for k, (line, justified) in enumerate(lines[side * rows : (side + 1) * rows]):
            obj = canvas.beginText(x0, height - margin - k * 1.5 * size)
            obj.setFont("ColumnsCJK", size)
            if justified:
                obj.setCharSpace((col - len(line) * size) / max(1, len(line) - 1))
            obj.textLine(line)
            canvas.drawText(obj)
            truth.append(line)
    canvas.showPage()
    canvas.save()
    return "".join("".join(truth).split())
