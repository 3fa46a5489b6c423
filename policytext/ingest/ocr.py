"""OCR for PDF pages without a usable text layer, offline.

RapidOCR on ONNX Runtime (the optional extra ``ocr``: ``pip install 'policytext[ocr]'``)
ships its Chinese detection and recognition models inside its wheel, so nothing
is downloaded at run time. A page is rendered by PDFium, recognised line by line,
and handed back as positioned characters (:class:`~policytext.ingest.layout.Char`),
so that reading order, running headers, folios and reflow are the same code as for
a text layer (:mod:`policytext.ingest.layout`).

``ocr`` modes used by :func:`policytext.ingest.pdf.read_pdf`:

* ``auto``: only pages that fail the text-quality gate (no text layer, or a garbled
  one such as fonts without a ToUnicode map);
* ``always``: every page, text layer or not;
* ``never``: no OCR; such pages stay empty with a warning.
"""

from __future__ import annotations

from typing import Any

from policytext.ingest.layout import Char

OCR_MODES = ("auto", "always", "never")
ENGINE_NAME = "rapidocr"
#: Rendering resolution: 200 dpi, the resolution of ordinary office scans.
DPI = 200
#: The longer side of the rendered page is capped (a scanned book page of 1,200 pt
#: would otherwise render to 5,000 px and take ten times longer for no gain).
MAX_SIDE = 2400
#: Lines recognised with a lower confidence are dropped (noise, stamps, figure marks).
MIN_SCORE = 0.5
#: A line of a single character needs more confidence: shapes, rules and specks read as ``一`` or ``三``.
MIN_SCORE_SINGLE = 0.9
INSTALL_HINT = "install the OCR extra: pip install 'policytext[ocr]'"

_ENGINE: Any = None

__all__ = ["DPI", "ENGINE_NAME", "OCR_MODES", "available", "check_mode", "ocr_image", "recogniser"]


def check_mode(mode: str) -> str:
    """Return ``mode`` when it is one of :data:`OCR_MODES`.

    Raises:
        ValueError: an unknown mode.
    """
    if mode not in OCR_MODES:
        raise ValueError(f"unknown OCR mode {mode!r}; use one of {', '.join(OCR_MODES)}")
    return mode


def available() -> bool:
    """True when RapidOCR and ONNX Runtime are installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def recogniser() -> Any:
    """The process-wide RapidOCR engine, loaded once (about half a second).

    Raises:
        ImportError: the ``ocr`` extra is not installed.
    """
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE = RapidOCR()
    return _ENGINE


def render_scale(width: float, height: float) -> float:
    """PDF points to pixels: :data:`DPI`, capped so the longer side stays within :data:`MAX_SIDE`."""
    scale = DPI / 72
    longest = max(width, height, 1.0)
    return min(scale, MAX_SIDE / longest)


def ocr_image(image: Any, scale: float) -> list[Char]:
    """Recognise an RGB page image and return its characters in page points (top-down).

    Each recognised line becomes characters spread evenly over the line's box: OCR
    gives no per-glyph boxes, and the layout code needs only rows, line extents and
    the line height.

    Args:
        image: an ``H x W x 3`` uint8 array.
        scale: pixels per point of the rendering.
    """
    result, _ = recogniser()(image)
    lines: list[tuple[str, float, float, float, float]] = []
    for box, text, score in result or []:
        text = " ".join(text.split())
        if not text or float(score) < (MIN_SCORE_SINGLE if len(text) == 1 else MIN_SCORE):
            continue
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        if bottom > top and x1 > x0:
            lines.append((text, x0, top, x1, bottom))
    if not lines:
        return []
    # OCR boxes of body lines differ by a few points in height; the layout code reads a change
    # of font size as a new paragraph, so heights near the page's median are snapped to it
    heights = sorted(b - t for _, _, t, _, b in lines)
    median = heights[len(heights) // 2]
    chars: list[Char] = []
    for text, x0, top, x1, bottom in lines:
        height = bottom - top
        if abs(height - median) <= 0.35 * median:
            mid = (top + bottom) / 2
            top, bottom, height = mid - median / 2, mid + median / 2, median
        step = (x1 - x0) / len(text)
        size = 0.85 * height  # the box includes some leading around the glyphs
        for k, ch in enumerate(text):
            chars.append(Char(ch, x0 + k * step, top, x0 + (k + 1) * step, bottom, size))
    return chars
