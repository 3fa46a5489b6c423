"""Read the text of a PDF, page by page, in reading order.

``read_pdf(path)`` returns an :class:`~policytext.types.ExtractedText` with
one string per page. Two engines produce positioned characters:

* ``pypdfium2`` (default): PDFium's text page and loose character boxes;
  about 5-10 times faster than pdfplumber on CJK documents.
* ``pdfplumber`` (pdfminer.six): slower, kept for layout analysis and tables.

``engine="auto"`` reads every page with pypdfium2 and sends a page that fails
the quality gate (:func:`page_quality`: empty page, U+FFFD, private-use or
``(cid:N)`` glyphs, characters without a Unicode mapping, too little Han or
Latin text) to pdfplumber. ``engine="pdfplumber,pypdfium2"`` names another
order. A page that no engine reads well is left empty with a warning: garbled
text is never returned as text.

Layout (reading order, headers, footers, folios, columns, paragraph reflow)
is engine-independent and lives in :mod:`policytext.ingest.layout`. Pages
are streamed: at most ``2 * WINDOW + 1`` pages of positioned text are held at
once, because running headers are recognised by comparing a page with its
neighbours.
"""

from __future__ import annotations

import ctypes
import functools
import mmap
import os
import re
import statistics
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from policytext.clean.resources import HAN_UNIFIED
from policytext.errors import IngestError
from policytext.ingest import ocr as ocrmod
from policytext.ingest.boilerplate import edge_rows, is_page_number, signature
from policytext.ingest.layout import (
    Char,
    Cuts,
    Figure,
    Float,
    Geometry,
    Segment,
    body_size,
    char_gutter,
    find_figure_text,
    find_floats,
    find_footnotes,
    find_gutter,
    find_sidebar,
    find_tables,
    fit_to_figures,
    fit_to_floats,
    glyph_boxes,
    order_lines,
    page_rows,
    reflow,
    row_text,
)
from policytext.types import ExtractedText

ENGINES = ("pypdfium2", "pdfplumber")
AUTO_ORDER = ("pypdfium2", "pdfplumber")
WINDOW = 4  # neighbours on each side compared when looking for running headers
NO_TEXT_MESSAGE = "no text layer on any page; the file looks scanned: run OCR (--ocr auto)"
GARBLED_MESSAGE = (
    "the text layer is garbled on every page (fonts without a ToUnicode map); run OCR (--ocr auto)"
)
OCR_EMPTY_MESSAGE = "no text layer on any page and OCR found no text in the page images; check the scan"

#: one character in this many is asked for a Unicode-map error on pages of many characters
MAP_ERROR_STRIDE = 4
# generated line breaks, NULs and PDFium's markers are never text; a space may be generated
_SKIP_CODES = frozenset((0, 0x0D, 0x0A, 0xFFFE, 0x02, 0x20))
#: the last code point that ``str.isspace`` holds true (U+3000, the ideographic space)
_LAST_SPACE = 0x3000


@functools.cache
def _skip_table() -> Any:
    """A boolean array over the UTF-16 code units: True for :data:`_SKIP_CODES`."""
    import numpy as np

    table = np.zeros(0x10000, dtype=bool)
    table[list(_SKIP_CODES)] = True
    return table


@functools.cache
def _space_table() -> Any:
    """A boolean array up to :data:`_LAST_SPACE`: True where ``str.isspace`` holds."""
    import numpy as np

    return np.array([chr(c).isspace() for c in range(_LAST_SPACE + 1)], dtype=bool)


#: A compressed stream that inflates to more than this is refused (a decompression bomb).
MAX_STREAM_BYTES = 256 << 20
#: a page of more objects than this is not searched for figures (a chart of many thousand paths)
MAX_PAGE_OBJECTS = 20_000
#: an image or drawing narrower or lower than this (points) is no figure (a logo, a rule, a bullet)
MIN_FIGURE = 24.0
# a literal first: re scans for it fast (a leading look-behind would make it try every byte);
# an ``endstream`` followed by a line break is skipped where it is found
_RE_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")

__all__ = [
    "ENGINES",
    "MAX_STREAM_BYTES",
    "PageQuality",
    "check_streams",
    "check_streams_once",
    "iter_pages",
    "join_ranges",
    "page_count",
    "page_quality",
    "read_pdf",
]


# ---------------------------------------------------------------------------
# Engines: positioned characters for one page at a time


@dataclass
class RawPage:
    """What an engine gives for one page."""

    chars: list[Char]
    width: float
    height: float
    unmapped: int = 0  # characters the engine could not map to Unicode
    #: :func:`~policytext.ingest.layout.glyph_boxes` of ``chars`` when the engine made them
    boxes: tuple[Any, ...] | None = None
    figures: list[Figure] = field(default_factory=list)  # images and drawings placed on the page
    geometry: Geometry | None = None  # the boxes of ``chars`` as arrays, when the engine made them


class Engine(Protocol):
    name: str

    def page_count(self) -> int: ...

    def page(self, index: int) -> RawPage: ...

    def metadata(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class PdfiumEngine:
    """PDFium through pypdfium2: text page, loose char boxes, font sizes."""

    name = "pypdfium2"

    def __init__(self, path: str) -> None:
        import pypdfium2 as pdfium
        from pypdfium2 import raw

        self._raw = raw
        self._get_box: Any = None
        self._drawings = _has_drawings(path)
        try:
            self._doc = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
                raise IngestError(
                    "encrypted", "the PDF is password-protected; decrypt it first (e.g. qpdf --decrypt)", path
                ) from exc
            raise IngestError(
                "corrupt", f"PDFium cannot parse the file ({exc}); get a fresh copy", path
            ) from exc

    def page_count(self) -> int:
        return len(self._doc)

    def page(self, index: int) -> RawPage:
        page = self._doc[index]
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                got = self._chars(textpage.raw, height, width)
            finally:
                textpage.close()
            if got.chars and self._drawings:
                got.figures = self._figures(page.raw, width, height)
            return got
        finally:
            page.close()

    def _codes(self, tp: Any, count: int) -> list[int]:
        """The UTF-16 code unit of every character index of the page, in one call (one per index as
        :func:`FPDFText_GetUnicode` gives it); per character when the bulk text does not line up."""
        raw = self._raw
        buf = ctypes.create_string_buffer(2 * (count + 1))
        got = raw.FPDFText_GetText(tp, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        if got == count + 1:
            return memoryview(buf.raw[: 2 * count]).cast("H").tolist()
        return [raw.FPDFText_GetUnicode(tp, k) for k in range(count)]

    def _chars(self, tp: Any, height: float, width: float) -> RawPage:
        """Positioned characters of one text page: the text in one call, then one box per glyph.

        The C calls run in ``map`` over index sequences (no Python bytecode between them): the
        boxes into one buffer, converted with numpy; the font size only where the box bottom
        or height changes (it changes with the size; the tops of CJK glyphs' boxes vary glyph
        by glyph). Unicode-map errors are asked of every character of a page of up to 256
        characters and of every ``MAP_ERROR_STRIDE``-th of a longer one (scaled up): the
        quality gate needs a share, not the exact count; a page of up to 1,024 characters
        where the sample finds an error is counted exactly. Generated characters (PDFium's
        own spaces and line breaks) are recognised among the spaces only.
        """
        import numpy as np

        raw = self._raw
        count = raw.FPDFText_CountChars(tp)
        codes = self._codes(tp, count)
        arr = np.array(codes, dtype=np.int64)
        if ((arr >= 0xD800) & (arr <= 0xDFFF)).any():
            kept, kept_codes, gaps, unmapped = self._select_slow(tp, codes)
        else:
            spaces = np.flatnonzero(arr == 0x20)
            generated = [k for k in spaces.tolist() if raw.FPDFText_IsGenerated(tp, k)]
            keep = ~_skip_table()[arr]
            keep[spaces] = True
            keep[generated] = False
            kept_arr = np.flatnonzero(keep)
            kept = kept_arr.tolist()
            kept_codes = arr[kept_arr].tolist()
            gaps = {}
            for pos in np.searchsorted(kept_arr, generated).tolist():
                if pos:
                    gaps[pos] = pos - 1
            unmapped = self._map_errors(tp, kept, count)
        n = len(kept)
        if not n:
            return RawPage([], width, height, 0)
        rects = (raw.FS_RECTF * n)()
        base, step = ctypes.addressof(rects), ctypes.sizeof(raw.FS_RECTF)
        handle = ctypes.cast(tp, ctypes.c_void_p).value
        list(map(self._box_fn(), repeat(handle, n), kept, range(base, base + n * step, step)))
        box = np.frombuffer(rects, dtype=np.float32).reshape(n, 4).astype(np.float64)
        left, right = box[:, 0], box[:, 2]
        top, bottom = height - box[:, 1], height - box[:, 3]
        tall = bottom - top
        ask = np.ones(n, dtype=bool)
        ask[1:] = (bottom[1:] != bottom[:-1]) | (np.abs(tall[1:] - tall[:-1]) > 0.05 * np.abs(tall[:-1]))
        asked = np.flatnonzero(ask)
        at = [kept[j] for j in asked.tolist()]
        sizes_at = np.array(list(map(raw.FPDFText_GetFontSize, repeat(tp, len(at)), at)), dtype=np.float64)
        h = tall[asked]
        odd = (h > 0) & ~((0.3 * h <= sizes_at) & (sizes_at <= 3 * h))
        sizes_at[odd] = h[odd]
        size = sizes_at[np.cumsum(ask) - 1]
        xs0, xs1, ts, bs, ss = left.tolist(), right.tolist(), top.tolist(), bottom.tolist(), size.tolist()
        if not gaps:
            chars = list(map(Char, map(chr, kept_codes), xs0, ts, xs1, bs, ss))
        else:
            chars = []
            for j, c in enumerate(kept_codes):
                before = gaps.get(j)
                if before is not None and xs0[j] - xs1[before] >= 0.2 * ss[j]:
                    chars.append(Char(" ", xs1[before], ts[j], xs0[j], bs[j], ss[j]))
                chars.append(Char(chr(c), xs0[j], ts[j], xs1[j], bs[j], ss[j]))
        points = np.array(kept_codes, dtype=np.int64)
        space = (points <= _LAST_SPACE) & _space_table()[np.minimum(points, _LAST_SPACE)]
        ink = (right - left > 1.0) & ~space
        boxes = (left[ink], right[ink], top[ink], bottom[ink], size[ink]) if ink.any() else None
        geometry = None if gaps else Geometry(left, right, top, bottom, size, space)
        return RawPage(chars, width, height, min(unmapped, len(chars)), boxes, geometry=geometry)

    def _map_errors(self, tp: Any, kept: list[int], count: int) -> int:
        """Characters without a Unicode mapping among ``kept``: exact, or sampled (see :meth:`_chars`)."""
        has_error = self._raw.FPDFText_HasUnicodeMapError
        if count <= 256:
            return sum(map(has_error, repeat(tp, len(kept)), kept))
        sample = [k for k in kept if k % MAP_ERROR_STRIDE == 0]
        found = sum(map(has_error, repeat(tp, len(sample)), sample))
        if found and count <= 1024:
            rest = [k for k in kept if k % MAP_ERROR_STRIDE]
            return found + sum(map(has_error, repeat(tp, len(rest)), rest))
        return found * MAP_ERROR_STRIDE

    def _select_slow(self, tp: Any, codes: list[int]) -> tuple[list[int], list[int], dict[int, int], int]:
        """The characters of a page with surrogate pairs, one by one: ``(indexes, code points,
        gaps, unmapped)``; a gap maps a position to the position before a generated space."""
        raw = self._raw
        kept: list[int] = []
        kept_codes: list[int] = []
        gaps: dict[int, int] = {}
        unmapped = 0
        pending_high = 0
        for k, code in enumerate(codes):
            if code in _SKIP_CODES:
                if code == 0x20 and raw.FPDFText_IsGenerated(tp, k):
                    if kept:
                        gaps[len(kept)] = len(kept) - 1
                    continue
                if code != 0x20:
                    continue
            if 0xD800 <= code <= 0xDBFF:
                pending_high = code
                continue
            if 0xDC00 <= code <= 0xDFFF and pending_high:
                code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
            elif 0xDC00 <= code <= 0xDFFF:  # a lone low surrogate is no character
                unmapped += 1
                continue
            pending_high = 0
            kept.append(k)
            kept_codes.append(code)
        return kept, kept_codes, gaps, unmapped + self._map_errors(tp, kept, len(codes))

    def _figures(self, page: Any, width: float, height: float) -> list[Figure]:
        """The images and form drawings placed on the page (top level only) that may be figures:
        inside the page, at least ``MIN_FIGURE`` points on each side and at most half the page
        (a page background or a banner bleeding off the edge is none). A page of more than
        ``MAX_PAGE_OBJECTS`` objects is not looked at."""
        raw = self._raw
        count = raw.FPDFPage_CountObjects(page)
        if count > MAX_PAGE_OBJECTS:
            return []
        objects = list(map(raw.FPDFPage_GetObject, repeat(page, count), range(count)))
        kinds = list(map(raw.FPDFPageObj_GetType, objects))
        wanted = (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM)
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        out: list[Figure] = []
        for obj, kind in zip(objects, kinds, strict=True):
            if kind not in wanted or not raw.FPDFPageObj_GetBounds(
                obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
            ):
                continue
            fig = Figure(left.value, height - top.value, right.value, height - bottom.value)
            w, h = fig.x1 - fig.x0, fig.bottom - fig.top
            if fig.x0 < -1 or fig.top < -1 or fig.x1 > width + 1 or fig.bottom > height + 1:
                continue
            if min(w, h) >= MIN_FIGURE and w * h <= 0.5 * width * height:
                out.append(fig)
        return out

    def _box_fn(self) -> Any:
        """``FPDFText_GetLooseCharBox`` taking the box's address as an int (no argument objects)."""
        if self._get_box is None:
            proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
            address = ctypes.cast(self._raw.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
            assert address is not None  # a function of the loaded library
            self._get_box = proto(address)
        return self._get_box

    def render(self, index: int, scale: float) -> Any:
        """The page as an ``H x W x 3`` RGB array at ``scale`` pixels per point."""
        page = self._doc[index]
        try:
            return page.render(scale=scale, rev_byteorder=True).to_numpy()[:, :, :3]
        finally:
            page.close()

    def metadata(self) -> dict[str, Any]:
        try:
            return dict(self._doc.get_metadata_dict(skip_empty=True))
        except Exception:  # metadata is optional: lenient, as pdfplumber is
            return {}

    def close(self) -> None:
        self._doc.close()


class PlumberEngine:
    """pdfminer.six through pdfplumber: ``page.chars`` with font-size boxes."""

    name = "pdfplumber"

    def __init__(self, path: str) -> None:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

        try:
            self._pdf = pdfplumber.open(path)
            self._pages = self._pdf.pages
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise IngestError(
                "encrypted", "the PDF is password-protected; decrypt it first (e.g. qpdf --decrypt)", path
            ) from exc
        except Exception as exc:
            if type(exc).__name__ == "PdfminerException" and isinstance(exc.args[0], PDFPasswordIncorrect):
                raise IngestError(
                    "encrypted", "the PDF is password-protected; decrypt it first", path
                ) from exc
            raise IngestError(
                "corrupt", f"pdfminer cannot parse the file ({exc!r}); get a fresh copy", path
            ) from exc

    def page_count(self) -> int:
        return len(self._pages)

    def page(self, index: int) -> RawPage:
        page = self._pages[index]
        try:
            chars: list[Char] = []
            unmapped = 0
            for c in page.chars:
                if not c.get("upright", True):
                    continue
                text = c["text"]
                if text.startswith("(cid:"):
                    unmapped += 1
                    text = "\ufffd"
                chars.append(Char(text, c["x0"], c["top"], c["x1"], c["bottom"], c["size"]))
            width, height = float(page.width), float(page.height)
            figures = [
                Figure(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"]))
                for im in page.images
                if im["x0"] >= -1
                and im["top"] >= -1
                and im["x1"] <= width + 1
                and im["bottom"] <= height + 1
                and min(im["x1"] - im["x0"], im["bottom"] - im["top"]) >= MIN_FIGURE
                and (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) <= 0.5 * width * height
            ]
            return RawPage(chars, width, height, unmapped, figures=figures)
        finally:
            page.close()

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in self._pdf.metadata.items() if isinstance(v, str)}

    def close(self) -> None:
        self._pdf.close()


# the dictionary of an image or form XObject: a stream, so never inside a compressed object stream
_RE_DRAWING = re.compile(rb"/Subtype\s*/(?:Image|Form)\b")


def _has_drawings(path: str) -> bool:
    """True when the file may hold images or form drawings (figures): an XObject of that subtype
    is written out in the file's bytes. Pages of a file without are not searched for figures
    (a page of many objects takes a C call per object). True when the file cannot be scanned."""
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return False
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _RE_DRAWING.search(buf) is not None
    except (OSError, ValueError):
        return True


def _open_engine(name: str, path: str) -> Engine:
    return PdfiumEngine(path) if name == "pypdfium2" else PlumberEngine(path)


# ---------------------------------------------------------------------------
# Quality gate


@dataclass(frozen=True)
class PageQuality:
    """Figures of the quality gate for one page's raw text."""

    chars: int  # non-space characters
    han_share: float
    bad_share: float  # U+FFFD, private use, controls, unmapped glyphs
    odd_share: float  # accented Latin, Cyrillic, symbols: typical of a wrong font encoding

    @property
    def verdict(self) -> str:
        """``ok``, ``empty`` or ``garbled``."""
        if self.chars == 0:
            return "empty"
        if self.bad_share > 0.05 or self.odd_share > 0.2:
            return "garbled"
        return "ok"


# accented Latin, Greek/Cyrillic and other scripts (not the Greek letters of formulas), box drawing
_ODD_RE = re.compile("[\u00c0-\u024f\u0370-\u0390\u03ca-\u1fff\u2500-\u25ff]")
_BAD_RE = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\x00-\x1f\x7f-\x9f]")
_HAN_RE = re.compile(f"[{HAN_UNIFIED}]")
_SPACE_RE = re.compile(r"\s+")  # what str.isspace holds true
_TEXT = attrgetter("text")


def page_quality(raw: RawPage) -> PageQuality:
    """Measure how much of a page's raw text looks like real text (regular expressions over the page)."""
    text = _SPACE_RE.sub("", "".join(map(_TEXT, raw.chars)))
    n = len(text)
    if n == 0:
        return PageQuality(0, 0.0, 0.0, 0.0)
    bad = raw.unmapped + len(_BAD_RE.findall(text))
    han = len(_HAN_RE.findall(text))
    odd = len(_ODD_RE.findall(text))
    return PageQuality(n, han / n, min(1.0, bad / n), odd / n)


# ---------------------------------------------------------------------------
# Pages in a window: running headers need the neighbours


@dataclass
class _Page:
    number: int  # 1-based
    rows: list[list[Segment]]
    height: float
    engine: str
    edges: list[int] = field(default_factory=list)
    edge_signatures: set[str] = field(default_factory=set)
    core: tuple[float, float] | None = None  # horizontal extent of the non-edge rows
    gutter: float | None = None  # column gap found among the non-edge rows
    edge_marks: dict[int, tuple[int, int]] = field(default_factory=dict)  # edge row -> (top, size) rounded
    body_size: float = 0.0  # median font size of the non-edge rows
    floats: list[Float] = field(default_factory=list)  # boxes floated inside a column
    figures: list[Figure] = field(default_factory=list)  # images and drawings on the page


def _prepare(number: int, raw: RawPage, engine: str) -> _Page:
    arrays = raw.boxes if raw.boxes is not None else glyph_boxes(raw.chars)
    split = char_gutter(raw.chars, arrays=arrays)
    floats = find_floats(raw.chars, split=split, arrays=arrays)
    rows = page_rows(raw.chars, split=Cuts(split, tuple(floats)), geometry=raw.geometry)
    page = _Page(number, rows, raw.height, engine, floats=floats, figures=raw.figures)
    page.edges = edge_rows(rows, raw.height)
    for i in page.edges:
        kept = [s for s in rows[i] if not is_page_number(s.text)]
        if kept:
            page.edge_signatures.add(signature(row_text(kept)))
        page.edge_marks[i] = (round(min(s.top for s in rows[i])), round(2 * rows[i][0].size))
    core = [
        s
        for i, row in enumerate(rows)
        if i not in page.edges
        for s in row
        if not any(f.holds(s) for f in floats)
    ]
    if core:
        page.core = (min(s.x0 for s in core), max(s.x1 for s in core))
        page.gutter = find_gutter(core)
        page.body_size = statistics.median(s.size for s in core)
    return page


def _alternating_header(page: _Page, row: int, others: list[_Page]) -> bool:
    """A running header or footer whose text alternates between odd and even pages (book title,
    chapter title): an edge row in a smaller font than the body, at the place and in the size of
    an edge row of a neighbour page, whose text differs."""
    mark = page.edge_marks.get(row)
    if mark is None or not page.body_size or mark[1] / 2 >= 0.9 * page.body_size:
        return False
    top, size = mark
    return any(abs(t - top) <= 2 and z == size for p in others for t, z in p.edge_marks.values())


@dataclass
class _PageText:
    """What a page gives: the body text, and the text kept apart from the body flow."""

    text: str
    asides: list[dict[str, Any]] = field(default_factory=list)  # {"page", "kind", "text"}
    tables: list[dict[str, Any]] = field(default_factory=list)  # {"page", "rows"}


def _block_text(segments: list[Segment]) -> str:
    edges = (min(s.x0 for s in segments), max(s.x1 for s in segments))
    return "\n".join(reflow(order_lines(segments, None, edges)))


def _page_text(page: _Page, neighbours: list[_Page]) -> _PageText:
    others = [p for p in neighbours if p is not page and p.rows]
    need = 1 if len(others) < 3 else 2
    body: list[Segment] = []
    alternating: list[list[Segment]] = []  # edge rows that look like odd/even running headers
    for i, row in enumerate(page.rows):
        if i in page.edges:
            kept = [s for s in row if not is_page_number(s.text)]
            if len(kept) < len(row):  # a folio, alone or inside a running header
                continue
            sig = signature(row_text(kept))
            if sum(1 for p in others if sig in p.edge_signatures) >= need:
                continue
            if _alternating_header(page, i, others):
                alternating.append(kept)
            body.extend(kept)
        else:
            body.extend(row)
    asides: list[dict[str, Any]] = []
    if page.gutter is not None:  # footnotes of a two-column page sit at the foot of a column
        g, size = page.gutter, body_size(body)
        notes = find_footnotes([s for s in body if s.x1 <= g], page.height, body=size)
        notes += find_footnotes([s for s in body if s.x0 >= g], page.height, body=size)
    else:
        notes = find_footnotes(body, page.height)
    if notes:  # footnotes at the foot of the page (in the place and size of a footer, too)
        kept_ids = {id(s) for s in notes}
        body = [s for s in body if id(s) not in kept_ids]
        asides.append({"page": page.number, "kind": "footnote", "text": _block_text(notes)})
    else:
        kept_ids = set()
    gone = {id(s) for row in alternating if not any(id(s) in kept_ids for s in row) for s in row}
    body = [s for s in body if id(s) not in gone]
    if not body:
        return _PageText("", asides)
    wrapped: list[Figure] = []
    if page.figures:  # the text of figures the body wraps around: kept apart, never in the body flow
        groups, wrapped = find_figure_text(body, page.figures, body_size(body))
        for group in groups:
            ids = {id(s) for s in group}
            body = [s for s in body if id(s) not in ids]
            asides.append({"page": page.number, "kind": "figure", "text": _block_text(group)})
        if not body:
            return _PageText("", asides)
    for fl in page.floats:  # boxes floated in a column: kept apart, never in the body flow
        box = [s for s in body if fl.holds(s)]
        if box:
            body = [s for s in body if not fl.holds(s)]
            asides.append({"page": page.number, "kind": "float", "text": _block_text(box)})
    sidebar = find_sidebar(body) if body else None
    if sidebar is not None:  # a navigation or margin column beside the body
        x, side = sidebar
        aside = [s for s in body if (s.x1 <= x if side == 0 else s.x0 >= x)]
        body = [s for s in body if (s.x0 >= x if side == 0 else s.x1 <= x)]
        asides.insert(0, {"page": page.number, "kind": "sidebar", "text": _block_text(aside)})
    if not body:
        return _PageText("", asides)
    extents = [p.core for p in neighbours if p.core] or [(min(s.x0 for s in body), max(s.x1 for s in body))]
    bounds = (
        min(min(e[0] for e in extents), min(s.x0 for s in body)),
        max(max(e[1] for e in extents), max(s.x1 for s in body)),
    )
    gutter = find_gutter(body)
    if gutter is None:  # a short last page of a two-column article: borrow the neighbours' gutter
        for g in (p.gutter for p in neighbours if p.gutter is not None):
            crossing = sum(1 for s in body if s.x0 < g < s.x1)
            if crossing <= max(1, len(body) // 20) and any(s.x1 <= g for s in body):
                gutter = g
                break
    lines = order_lines(body, gutter, bounds)
    fit_to_floats(lines, page.floats)
    fit_to_figures(lines, wrapped)
    paragraphs = reflow(lines)
    tables = [{"page": page.number, "rows": rows} for rows in find_tables(paragraphs)]
    return _PageText("\n".join(paragraphs), asides, tables)


# ---------------------------------------------------------------------------
# Public API


def _engine_order(engine: str) -> tuple[str, ...]:
    names = AUTO_ORDER if engine == "auto" else tuple(n.strip() for n in engine.split(",") if n.strip())
    if not names or any(n not in ENGINES for n in names) or len(set(names)) != len(names):
        raise ValueError(
            f"unknown PDF engine {engine!r}; use 'auto', one of {ENGINES} or a comma-separated order"
        )
    return names


def _check_file(path: str) -> None:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 4096))
            tail = fh.read()
    except OSError as exc:
        raise IngestError(
            "io", f"cannot read the file ({exc.strerror}); check the path and permissions", path
        ) from exc
    if b"%PDF-" not in head:
        raise IngestError("corrupt", "not a PDF file (no %PDF- header); check the file type", path)
    if b"%%EOF" not in tail:
        raise IngestError("corrupt", "the PDF is truncated (no %%EOF marker); download it again", path)


def _is_zlib_header(head: bytes) -> bool:
    return len(head) == 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _rounds(obj: Any, data: bytes, chunk: int) -> Iterator[bytes]:
    """Inflate ``data`` with the decompressor ``obj``, ``chunk`` bytes of output at a time.

    Each round either yields a full ``chunk`` (and leaves input in ``unconsumed_tail``)
    or ends the loop: input used up, end of stream, or no progress. A finished stream
    keeps its trailing bytes (the end-of-line before ``endstream``) in
    ``unconsumed_tail`` for ever, so the loop stops at ``eof``, never on the tail alone.
    """
    while data and not obj.eof:
        out = obj.decompress(data, chunk)
        tail = obj.unconsumed_tail
        if out:
            yield out
        if not tail or len(tail) >= len(data):
            return
        data = tail


def _inflated_size(buf: Any, start: int, end: int, limit: int) -> int:
    """Bytes that the zlib data at ``buf[start:end]`` inflates to, counted up to just past
    ``limit`` in bounded memory and bounded work; 0 when it is not zlib data. A stream whose
    output is itself zlib data (``/Filter [/FlateDecode /FlateDecode]``) is counted at the
    inner level.

    Work is bounded: input is fed once in steps, every round of inflating produces a
    full chunk or ends, and the rounds are capped (deflate expands at most 1032-fold).
    A stream that would need more rounds than the cap counts as larger than ``limit``.
    """
    chunk, step = 1 << 20, 1 << 16
    cap = 8 + 2 * ((end - start) // step) + 2 * 1032 * ((end - start) // chunk + 1) + 2 * (limit // chunk)
    outer = zlib.decompressobj()
    inner: Any = None
    first = True
    flat = nested = rounds = 0  # bytes out of the outer level; out of the inner level

    # the outer level of a nested stream holds the inner stream, a little longer than what it
    # inflates to (stored blocks add 5 bytes in 16 KiB): it may pass the limit by that much
    flat_limit = limit + limit // 1000 + 64

    def over() -> bool:
        return (flat > (flat_limit if inner is not None else limit)) or nested > limit or rounds > cap

    try:
        for pos in range(start, end, step):
            for out in _rounds(outer, bytes(buf[pos : min(end, pos + step)]), chunk):
                rounds += 1
                flat += len(out)
                if first:
                    first = False
                    if _is_zlib_header(out[:2]):
                        inner = zlib.decompressobj()
                if inner is not None:
                    try:
                        for piece in _rounds(inner, out, chunk):
                            rounds += 1
                            nested += len(piece)
                            if over():
                                return max(flat, nested, limit + 1)
                    except zlib.error:
                        inner = None
                if over():
                    return max(flat, nested, limit + 1)
            if outer.eof:
                break
    except zlib.error:
        pass
    # output that merely starts like a zlib header is counted flat unless it is a whole inner stream
    return nested if inner is not None and inner.eof else flat


#: deflate expands at most 1032-fold (258-byte matches coded in 2 bits at best)
DEFLATE_MAX_RATIO = 1032


def _cannot_exceed(buf: Any, start: int, end: int, limit: int) -> bool:
    """True when the zlib stream at ``buf[start:end]`` cannot inflate past ``limit`` bytes: it is short
    enough that even the densest deflate stays under the limit, and its output does not start with
    a zlib header (a nested ``[/FlateDecode /FlateDecode]`` stream multiplies the ratio). Only the
    first bytes are inflated; ordinary streams skip the full count."""
    if (end - start) * DEFLATE_MAX_RATIO > limit:
        return False
    try:
        head = zlib.decompressobj().decompress(bytes(buf[start : min(end, start + 4096)]), 2)
    except zlib.error:
        return True  # not inflatable: PDFium will report it; nothing to count
    return len(head) == 2 and not _is_zlib_header(head)


def check_streams(path: str, *, limit: int = MAX_STREAM_BYTES) -> None:
    """Refuse a PDF with a compressed stream that inflates to more than ``limit`` bytes.

    Every deflate stream is inflated chunk by chunk and counted (two levels for
    ``[/FlateDecode /FlateDecode]``), never held in memory; other streams (JPEG
    images) are skipped. Inflating is fast next to text extraction. The PDF
    engines would otherwise inflate such a stream whole (a 1 MB file of compressed
    zeros becomes 1 GB in memory, and pdfminer then parses it for hours).

    Raises:
        IngestError: ``corrupt`` when a stream is too large.
    """
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                for m in _RE_STREAM.finditer(buf):
                    if buf[max(0, m.start() - 3) : m.start()] == b"end":
                        continue
                    start = m.end()
                    end = buf.find(b"endstream", start)
                    end = len(buf) if end == -1 else end
                    if end - start < 2 or not _is_zlib_header(buf[start : start + 2]):
                        continue
                    if _cannot_exceed(buf, start, end, limit):
                        continue
                    size = _inflated_size(buf, start, end, limit)
                    if size > limit:
                        raise IngestError(
                            "corrupt",
                            f"a compressed stream at byte {start} inflates to more than {limit >> 20} MB "
                            "(a decompression bomb, or a damaged file); the file was not read",
                            path,
                        )
    except (OSError, ValueError) as exc:
        raise IngestError(
            "io", f"cannot read the file ({exc}); check the path and permissions", path
        ) from exc


#: files that passed :func:`check_streams` in this process, by (real path, size, mtime): the ranges
#: of one long PDF read by one worker are checked once; a file changed since is checked again
_CHECKED: dict[tuple[str, int, int], None] = {}
_CHECKED_MAX = 256


def check_streams_once(path: str, *, limit: int = MAX_STREAM_BYTES) -> None:
    """:func:`check_streams`, skipped for a file that passed it in this process and has not changed
    (same size and modification time) since: :func:`page_count` and every page range of a long
    PDF would otherwise inflate all of its streams again.

    Raises:
        IngestError: as :func:`check_streams`.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise IngestError(
            "io", f"cannot read the file ({exc.strerror}); check the path and permissions", path
        ) from exc
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if limit == MAX_STREAM_BYTES and key in _CHECKED:
        return
    check_streams(path, limit=limit)
    if limit == MAX_STREAM_BYTES:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[key] = None


def _date(value: str | None) -> str | None:
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    if not ("01" <= month <= "12" and "01" <= day <= "31"):
        return None
    return f"{year}-{month}-{day}"


def _check_range(pages: tuple[int, int] | None, count: int, path: str) -> tuple[int, int]:
    """The 0-based ``[start, stop)`` page range to read; the whole file when ``pages`` is None."""
    if pages is None:
        return 0, count
    start, stop = pages
    if not 0 <= start < stop <= count:
        raise ValueError(
            f"{path}: page range {pages!r} is not within the file's {count} pages; "
            f"give 0 <= start < stop <= {count}"
        )
    return start, stop


def iter_pages(
    path: str | os.PathLike[str],
    *,
    engine: str = "auto",
    warnings: list[str] | None = None,
    used: set[str] | None = None,
    meta: dict[str, Any] | None = None,
    ocr: str = "auto",
    pages: tuple[int, int] | None = None,
) -> Iterator[str]:
    """Yield the reading-order text of each page of a PDF, streaming.

    Args:
        path: the PDF file.
        engine: ``auto``, ``pypdfium2``, ``pdfplumber`` or a comma-separated order of engines.
        warnings: a list that receives human-readable notes about pages.
        used: a set that receives the names of the engines that produced text (``rapidocr`` for OCR).
        meta: a dict that receives the PDF metadata (title, creation_date, producer), ``page_stats``
            (pages readable, garbled, tried by OCR: what :func:`join_ranges` needs to judge the whole),
            ``asides`` (text kept apart from the body: ``{"page", "kind", "text"}`` with kind
            ``sidebar``, ``float``, ``figure`` or ``footnote``), ``tables`` (``{"page", "rows"}``,
            rows of cells; in the page text a row is one line, cells apart by a tab) and, when a
            page was read by OCR, ``ocr_pages`` (1-based page numbers) and ``ocr_seconds``.
        ocr: ``auto`` (OCR pages that fail the quality gate), ``always`` or ``never``;
            see :mod:`policytext.ingest.ocr`.
        pages: ``(start, stop)``, 0-based, stop exclusive: yield only those pages. Up to
            ``WINDOW`` pages on each side are read as context (running headers are judged
            against the neighbours), so each page's text is the one a read of the whole file
            gives; notes, engines and OCR pages are those of the range only. Context pages that
            need OCR are read by OCR too: split a scanned file in long ranges.

    Raises:
        IngestError: ``io``, ``encrypted``, ``corrupt``, ``unsupported`` (``ocr="always"`` without
            the OCR extra) or ``no_text`` (after the last page, when no page of the whole file is
            readable; a partial range with no readable page yields empty pages and notes instead).
        ValueError: an unknown engine or OCR mode, or a page range outside the file.
    """
    spath = os.fspath(path)
    order = _engine_order(engine)
    ocr = ocrmod.check_mode(ocr)
    if ocr == "always" and not ocrmod.available():
        raise IngestError("unsupported", f"--ocr always needs RapidOCR; {ocrmod.INSTALL_HINT}", spath)
    mode = ocr if ocr == "never" or ocrmod.available() else "missing"
    ocr_log = _OcrLog(mode)
    context_log = _OcrLog(mode)  # OCR of context pages outside the range is not reported
    notes = warnings if warnings is not None else []
    engines_used = used if used is not None else set()
    _check_file(spath)
    check_streams_once(spath)
    opened: dict[str, Engine] = {}
    try:
        primary = opened.setdefault(order[0], _open_engine(order[0], spath))
        count = primary.page_count()
        if count == 0:
            raise IngestError("corrupt", "the PDF has no pages; get a fresh copy", spath)
        start, stop = _check_range(pages, count, spath)
        if meta is not None:
            info = primary.metadata()
            meta.update(
                title=(info.get("Title") or "").strip() or None,
                creation_date=_date(info.get("CreationDate")),
                producer=(info.get("Producer") or "").strip() or None,
            )
        window: deque[_Page] = deque()
        pending = 0  # index in window of the next page to emit
        readable = garbled = 0
        scratch: list[str] = []

        asides: list[dict[str, Any]] = []
        tables: list[dict[str, Any]] = []

        def emit(idx: int) -> str | None:
            page = window[idx]
            if not start < page.number <= stop:
                return None  # a context page
            neighbours = list(window)[max(0, idx - WINDOW) : idx + WINDOW + 1]
            got = _page_text(page, neighbours)
            asides.extend(got.asides)
            tables.extend(got.tables)
            return got.text

        for index in range(max(0, start - WINDOW), min(count, stop + WINDOW)):
            inside = start <= index < stop
            if inside:
                page = _read_page(index, order, opened, spath, notes, ocr_log)
                if page.rows:
                    readable += 1
                    engines_used.add(page.engine)
                elif page.engine == "garbled":
                    garbled += 1
            else:
                page = _read_page(index, order, opened, spath, scratch, context_log)
            window.append(page)
            while pending < len(window) and len(window) - 1 - pending >= WINDOW:
                text = emit(pending)
                if text is not None:
                    yield text
                pending += 1
                if pending > WINDOW:
                    window.popleft()
                    pending -= 1
        while pending < len(window):
            text = emit(pending)
            if text is not None:
                yield text
            pending += 1
        stats = {"readable": readable, "garbled": garbled, "ocr_tried": ocr_log.tried}
        if meta is not None:
            meta["page_stats"] = stats
            meta["asides"] = asides
            meta["tables"] = tables
            if ocr_log.pages:
                meta.update(ocr_pages=list(ocr_log.pages), ocr_seconds=round(ocr_log.seconds, 3))
        if (start, stop) == (0, count):
            _raise_if_unreadable(stats, mode, spath)
    finally:
        for eng in opened.values():
            eng.close()


def _raise_if_unreadable(stats: dict[str, int], mode: str, path: str) -> None:
    """Raise ``no_text`` when no page was readable, saying why (scanned, garbled, OCR found nothing)."""
    if stats["readable"]:
        return
    if stats["ocr_tried"]:
        raise IngestError("no_text", OCR_EMPTY_MESSAGE, path)
    message = GARBLED_MESSAGE if stats["garbled"] else NO_TEXT_MESSAGE
    if mode == "missing":
        message += f" ({ocrmod.INSTALL_HINT})"
    raise IngestError("no_text", message, path)


@dataclass
class _OcrLog:
    """What OCR did in one document: mode (``auto``/``always``/``never``/``missing``), pages, time."""

    mode: str
    pages: list[int] = field(default_factory=list)
    tried: int = 0
    seconds: float = 0.0


def _ocr_page(
    index: int, opened: dict[str, Engine], path: str, notes: list[str], log: _OcrLog, why: str
) -> _Page:
    """Render page ``index`` with PDFium and read it with RapidOCR."""
    import time

    number = index + 1
    started = time.perf_counter()
    pdfium_engine = opened.get("pypdfium2")
    if pdfium_engine is None:
        pdfium_engine = opened["pypdfium2"] = _open_engine("pypdfium2", path)
    assert isinstance(pdfium_engine, PdfiumEngine)
    raw = pdfium_engine.page(index)  # for the page size
    scale = ocrmod.render_scale(raw.width, raw.height)
    chars = ocrmod.ocr_image(pdfium_engine.render(index, scale), scale)
    log.tried += 1
    log.seconds += time.perf_counter() - started
    if not chars:
        notes.append(f"page {number}: {why}; OCR ({ocrmod.ENGINE_NAME}) found no text")
        return _Page(number, [], 0.0, "empty")
    log.pages.append(number)
    notes.append(f"page {number}: {why}; text read by OCR ({ocrmod.ENGINE_NAME})")
    return _prepare(number, RawPage(chars, raw.width, raw.height), ocrmod.ENGINE_NAME)


def _read_page(
    index: int, order: tuple[str, ...], opened: dict[str, Engine], path: str, notes: list[str], log: _OcrLog
) -> _Page:
    number = index + 1
    if log.mode == "always":
        return _ocr_page(index, opened, path, notes, log, "OCR of every page requested")
    verdicts: list[str] = []
    for name in order:
        if name not in opened:
            opened[name] = _open_engine(name, path)
        try:
            raw = opened[name].page(index)
        except Exception as exc:  # one broken page must not stop the document
            verdicts.append(f"{name}: unreadable ({type(exc).__name__})")
            continue
        verdict = page_quality(raw).verdict
        if verdict == "ok":
            if verdicts:
                notes.append(f"page {number}: {'; '.join(verdicts)}; used {name}")
            return _prepare(number, raw, name)
        verdicts.append(f"{name}: {verdict}")
        del raw
    if log.mode == "auto":
        why = "no text layer" if all(v.endswith("empty") for v in verdicts) else "; ".join(verdicts)
        return _ocr_page(index, opened, path, notes, log, why)
    if all(v.endswith("empty") for v in verdicts):
        notes.append(f"page {number} has no text layer")
        return _Page(number, [], 0.0, "empty")
    notes.append(
        f"page {number}: text layer is garbled or unreadable ({'; '.join(verdicts)}); page left empty"
    )
    return _Page(number, [], 0.0, "garbled")


def read_pdf(
    path: str | os.PathLike[str],
    *,
    engine: str = "auto",
    ocr: str = "auto",
    pages: tuple[int, int] | None = None,
) -> ExtractedText:
    """Extract the text of a PDF, one reading-order string per page.

    Args:
        path: the PDF file.
        engine: ``auto`` (pypdfium2 with a per-page fallback to pdfplumber), ``pypdfium2``,
            ``pdfplumber``, or a comma-separated order such as ``pdfplumber,pypdfium2``.
        ocr: ``auto`` (OCR the pages without a usable text layer, when the ``ocr`` extra is
            installed), ``always`` or ``never``.
        pages: ``(start, stop)``, 0-based, stop exclusive: read only those pages (a long PDF
            split across workers; see :func:`page_count` and :func:`join_ranges`). Page numbers
            stay those of the file: ``first_page`` is ``start + 1`` and notes name file pages.

    Returns:
        ExtractedText with ``paged=True``; ``engine`` names the engines used (``a+b``, with
        ``rapidocr`` when a page was read by OCR); ``meta`` has ``title``, ``creation_date``
        (YYYY-MM-DD), ``producer`` and ``page_stats``, plus ``ocr_pages`` and ``ocr_seconds`` when
        OCR read pages (each such page also has a warning saying so).

    Raises:
        IngestError: reason ``io``, ``encrypted``, ``corrupt``, ``unsupported`` or ``no_text``
            (``no_text`` only for a read of the whole file: see :func:`iter_pages`).
        ValueError: an unknown engine name or OCR mode, or a page range outside the file.
    """
    warnings: list[str] = []
    used: set[str] = set()
    meta: dict[str, Any] = {}
    texts = list(
        iter_pages(Path(path), engine=engine, warnings=warnings, used=used, meta=meta, ocr=ocr, pages=pages)
    )
    order = (*_engine_order(engine), ocrmod.ENGINE_NAME)
    return ExtractedText(
        pages=texts,
        paged=True,
        engine="+".join(n for n in order if n in used),
        meta=meta,
        warnings=warnings,
        first_page=1 if pages is None else pages[0] + 1,
    )


def page_count(path: str | os.PathLike[str]) -> int:
    """The number of pages of a PDF, without reading any page (for splitting it into ranges).

    The same checks as :func:`read_pdf` come first (a PDF file, not truncated, no decompression
    bomb), so a file refused here is refused there with the same error.

    Raises:
        IngestError: ``io``, ``encrypted`` or ``corrupt``.
    """
    spath = os.fspath(path)
    _check_file(spath)
    check_streams_once(spath)
    engine = PdfiumEngine(spath)
    try:
        return engine.page_count()
    finally:
        engine.close()


def join_ranges(
    path: str | os.PathLike[str], parts: Sequence[ExtractedText], *, engine: str = "auto", ocr: str = "auto"
) -> ExtractedText:
    """Join the results of :func:`read_pdf` over consecutive page ranges of one file into one.

    The result equals what ``read_pdf`` gives for the pages the parts cover (for the whole file
    when they cover it): the page texts in order, warnings in page order, the engines used in
    the order ``read_pdf`` names them, OCR pages together and their seconds added up. Each
    page's text already equals the whole-file read (``read_pdf`` reads context pages beside a
    range), so cleaning the joined pages joins a sentence that runs over a range boundary.

    Args:
        path: the PDF file the parts were read from (named in an error).
        parts: the range results, in page order, each starting where the previous one stops.
        engine: the engine order the parts were read with (it orders the names in ``engine``).
        ocr: the OCR mode the parts were read with (for the message of a file without text).

    Raises:
        ValueError: no parts, parts that are not PDF pages, or ranges that are not consecutive.
        IngestError: ``no_text`` when no page of the parts is readable, as ``read_pdf`` raises it.
    """
    if not parts:
        raise ValueError("join_ranges needs at least one page range")
    expected = parts[0].first_page
    for part in parts:
        if not part.paged or "page_stats" not in part.meta:
            raise ValueError("join_ranges joins results of read_pdf(path, pages=...) only")
        if part.first_page != expected:
            raise ValueError(
                f"page ranges are not consecutive: expected page {expected}, got page {part.first_page}"
            )
        expected += len(part.pages)
    used = {name for part in parts for name in part.engine.split("+") if name}
    known = (*_engine_order(engine), ocrmod.ENGINE_NAME)
    first = parts[0].meta
    meta: dict[str, Any] = {k: first[k] for k in ("title", "creation_date", "producer") if k in first}
    stats = {k: sum(p.meta["page_stats"][k] for p in parts) for k in ("readable", "garbled", "ocr_tried")}
    meta["page_stats"] = stats
    meta["asides"] = [a for p in parts for a in p.meta.get("asides", [])]
    meta["tables"] = [t for p in parts for t in p.meta.get("tables", [])]
    ocr_pages = [n for p in parts for n in p.meta.get("ocr_pages", [])]
    if ocr_pages:
        meta["ocr_pages"] = ocr_pages
        meta["ocr_seconds"] = round(sum(p.meta.get("ocr_seconds", 0.0) for p in parts), 3)
    mode = ocrmod.check_mode(ocr)
    if mode != "never" and not ocrmod.available():
        mode = "missing"
    _raise_if_unreadable(stats, mode, os.fspath(path))
    return ExtractedText(
        pages=[text for p in parts for text in p.pages],
        paged=True,
        engine="+".join(n for n in known if n in used),
        meta=meta,
        warnings=[w for p in parts for w in p.warnings],
        first_page=parts[0].first_page,
    )
