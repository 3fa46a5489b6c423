"""Page geometry: from positioned characters to reading-order paragraphs.

The PDF engines in :mod:`policytext.ingest.pdf` only produce :class:`Char`
records (top-down coordinates, in points). Everything that depends on layout
lives here and is independent of the engine:

1. :func:`page_rows` groups characters into rows and splits rows into
   segments at wide gaps (so two columns never merge into one line);
2. running headers, footers and folios are judged across pages by the caller
   with :mod:`policytext.ingest.boilerplate`;
3. :func:`find_gutter` detects a two-column body and :func:`order_lines`
   puts segments in reading order (full-width blocks, then left column, then
   right column, band by band);
4. :func:`reflow` joins hard-wrapped lines into one line per paragraph.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from typing import Any

from policytext.clean.cues import ARTICLE_LABELS, ARTICLE_NOTES, BACK_MATTER_HEADINGS
from policytext.clean.resources import CELL_SEP

# characters that never start a line in Chinese typesetting (kinsoku)
NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’…%％·,.;:?!)]")
ENUMERATOR_RE = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节条篇部分]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）"
    r"|\(\d+\)|\[\d+\]|\d+(\.\d+)+(?:\s|(?=[\u4e00-\u9fff]))|\d{1,2}\s+(?=[\u4e00-\u9fff])|\d+[、．]|[①-⑳]|附件\s*\d*[:：])"
)
#: labels and notes of a journal article (摘要：, 关键词：, 基金项目：): their home is clean.cues
LABEL_RE = re.compile(rf"^(?:{'|'.join((*ARTICLE_LABELS, *ARTICLE_NOTES))})\s*[:：]", re.IGNORECASE)
SENTENCE_END = frozenset("。！？：；…!?:;")
_SPACES_RE = re.compile(r"\s+")
# a space between two CJK characters is letter-spacing or justification, never a word break
_CJK_CLASS = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK_CLASS}) (?={_CJK_CLASS})")
# two glyphs side by side, neither a space nor CJK (:func:`is_cjk`): a word space may go between
_NOT_CJK = r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
_LATIN_PAIR_RE = re.compile(_NOT_CJK * 2)
_TEXT, _SIZE, _X0, _X1, _TOP, _BOTTOM = (attrgetter(n) for n in ("text", "size", "x0", "x1", "top", "bottom"))
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")
_WHITE_RE = re.compile(r"\s")
# a glyph text that is empty or a line break (texts joined by NULs, which no glyph text holds)
_BREAK_RE = re.compile("(?:^|\0)(?:\r|\n|\r\n)?(?:\0|$)")
_GEOMETRY = tuple(attrgetter(name) for name in ("x0", "x1", "top", "bottom", "size"))


def is_cjk(ch: str) -> bool:
    """True for Han characters, CJK punctuation, kana, hangul and full-width forms."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


@dataclass(slots=True)
class Char:
    """One glyph: text and box in points, top-down coordinates."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class Geometry:
    """The boxes of a page's characters as arrays, one entry per :class:`Char` in order (what an
    engine that fetches boxes in bulk has at hand): ``x0, x1, top, bottom, size`` and ``space``
    (the glyph is white space)."""

    x0: Any
    x1: Any
    top: Any
    bottom: Any
    size: Any
    space: Any


@dataclass(slots=True)
class Segment:
    """A run of characters on one row without a wide gap; the unit of layout."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    first_width: float  # width of the first word (Latin) or character (CJK)

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Line:
    """A line of a column in reading order, with the horizontal bounds of its column."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    first_width: float
    left: float
    right: float
    group: tuple[int, int]  # (band, side): side 0 left/single, 1 right; (-1, 2) full-width


def _median(values: list[float], default: float) -> float:
    return statistics.median(values) if values else default


def _join_chars(chars: list[Char], joined: str | None = None) -> str:
    """The text of a run: glyph texts, a space where two Latin glyphs stand apart (a fifth of an em),
    runs of spaces as one, no space between CJK glyphs. ``joined``: the glyph texts joined, when made."""
    if joined is None:
        joined = "".join(map(_TEXT, chars))
    if _LATIN_PAIR_RE.search(joined) is None:  # no two Latin glyphs side by side: no space to add
        text = _SPACES_RE.sub(" ", joined).strip()
        return expand_ligature(_CJK_SPACE_RE.sub("", text) if " " in text else text)
    out: list[str] = []
    prev: Char | None = None
    for c in chars:
        if prev is not None and c.text != " " and prev.text != " ":
            gap = c.x0 - prev.x1
            if gap > 0.2 * max(c.size, prev.size) and not (is_cjk(c.text[0]) or is_cjk(prev.text[-1])):
                out.append(" ")
        out.append(c.text)
        prev = c
    text = _SPACES_RE.sub(" ", "".join(out)).strip()
    return expand_ligature(_CJK_SPACE_RE.sub("", text) if " " in text else text)


def _segment(chars: list[Char]) -> Segment | None:
    joined = "".join(map(_TEXT, chars))
    text = _join_chars(chars, joined)
    if not text:
        return None
    inked = chars if _WHITE_RE.search(joined) is None else [c for c in chars if not c.text.isspace()]
    sizes = list(map(_SIZE, inked))
    low, high = min(sizes), max(sizes)
    size = low if low == high else _median(sizes, chars[0].size)  # a run in one size: no sorting
    first = inked[0]
    first_x1 = first.x1
    if first.text.isascii() and first.text.isalnum():
        for c in inked[1:]:
            if c.text.isspace() or not c.text.isascii() or c.x0 - first_x1 > 0.2 * size:
                break
            first_x1 = c.x1
    return Segment(
        text=text,
        x0=inked[0].x0,
        top=min(map(_TOP, inked)),
        x1=max(map(_X1, inked)),
        bottom=max(map(_BOTTOM, inked)),
        size=size,
        first_width=first_x1 - first.x0,
    )


def _dedupe(chars: list[Char], geometry: Geometry | None = None) -> list[Char]:
    """Drop glyphs drawn twice at the same place (fake bold, shadow text); ``chars`` itself when
    none is. ``geometry``: the arrays of ``chars``, when made."""
    import numpy as np

    n = len(chars)
    if geometry is None:
        x0 = np.fromiter(map(_X0, chars), dtype=np.float64, count=n)
        top = np.fromiter(map(_TOP, chars), dtype=np.float64, count=n)
    else:
        x0, top = geometry.x0, geometry.top
    xs = np.trunc(x0 + 0.5).astype(np.int64)
    ys = np.trunc(top + 0.5).astype(np.int64)
    keys = list(zip(map(_TEXT, chars), xs.tolist(), ys.tolist(), strict=True))
    if len(set(keys)) == n:
        return chars  # nothing drawn twice (nearly every page)
    seen: set[tuple[str, int, int]] = set()
    out: list[Char] = []
    prev: Char | None = None
    for c, key in zip(chars, keys, strict=True):
        # the letters of a ligature share one box and come one after the other ("ff" in "Effects")
        ligature = prev is not None and prev.x0 == c.x0 and prev.x1 == c.x1 and prev.top == c.top
        if key not in seen or ligature:
            seen.add(key)
            out.append(c)
        prev = c
    return out


def expand_ligature(text: str) -> str:
    """Latin typographic ligatures (U+FB00-FB06: ``ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ``) as their letters; other text as is.

    NFKC applies only there: on the rest of a Chinese page it would turn full-width
    punctuation into ASCII.
    """
    if _LIGATURE_RE.search(text) is not None:
        return "".join(unicodedata.normalize("NFKC", ch) if "\ufb00" <= ch <= "\ufb06" else ch for ch in text)
    return text


def _overlap(a: Char | Segment, b: Char | Segment) -> float:
    return min(a.bottom, b.bottom) - max(a.top, b.top)


@dataclass(frozen=True, slots=True)
class Float:
    """A box floated inside a column (a related-links box, a text box, a figure's labels): its
    text lies on ``side`` of the local gutter at ``x`` (0: left, 1: right) from ``top`` to ``bottom``,
    while the body flows on the other side and runs across above or below it."""

    x: float
    top: float
    bottom: float
    side: int
    edge: float = 0.0  # where the body's lines end (box on the right) or start (box on the left)
    outer: float = 0.0  # the box's far side: its left edge (box on the left) or right edge

    def covers(self, y: float) -> bool:
        """True when the height ``y`` lies within the box's rows."""
        return self.top - 1.0 <= y <= self.bottom + 1.0

    def holds(self, s: Segment) -> bool:
        """True when segment ``s`` is text of the box."""
        if not self.covers(s.center_y):
            return False
        if self.side == 0:
            return s.x1 <= self.x + 0.5 and s.x0 >= self.outer - 0.5
        return s.x0 >= self.x - 0.5 and s.x1 <= self.outer + 0.5


@dataclass(frozen=True, slots=True)
class Cuts:
    """Where no run of glyphs may cross: a page's column gutter and the local gutters of floats."""

    split: float | None = None
    floats: tuple[Float, ...] = ()

    def between(self, left: Char, right: Char) -> bool:
        """True when the step from ``left`` to ``right`` jumps over a gutter: a real gap (a quarter
        em) on both sides of it; a full-width line set tight runs over a column gutter."""
        if right.x0 - left.x1 <= 0.25 * min(left.size, right.size):
            return False
        if self.split is not None and left.x1 <= self.split + 0.5 and right.x0 >= self.split - 0.5:
            return True
        y = (right.top + right.bottom) / 2
        return any(f.covers(y) and left.x1 <= f.x + 0.5 and right.x0 >= f.x - 0.5 for f in self.floats)


def _cuts(split: float | Cuts | None) -> Cuts:
    return split if isinstance(split, Cuts) else Cuts(split)


def _continues(last: Char, c: Char, gap: float, split: Cuts) -> bool:
    """True when ``c`` goes on the run that ends with ``last`` (both on one line).

    The gap may be negative: loose boxes of full-width punctuation are an em wide
    while the pen advances half an em (``》，`` set tight), so a box that overlaps
    its predecessor still continues the run when the pen moved forward.
    """
    size = max(c.size, last.size)
    dx = c.x0 - last.x1
    if dx > gap * size or split.between(last, c):
        return False
    if c.x0 == last.x0 and c.x1 == last.x1:  # letters of one ligature glyph
        return True
    return dx >= -0.5 * size or c.x0 - last.x0 >= 0.25 * size


def _runs(chars: list[Char], gap: float, split: Cuts, geometry: Geometry | None = None) -> list[list[Char]]:
    """Split characters, in drawing order, into horizontal runs on one line without a wide gap
    (and never across the gutter ``split``).

    A glyph continues the run of the glyph before it (spaces ride along with the run they
    follow). Most steps are judged at once with numpy: same box bottom and size, both boxes of
    some height, the pen a little further on (the tops of CJK glyphs' loose boxes vary glyph by
    glyph); the boxes then overlap by the lower one's height and :func:`_continues` holds.
    The other steps are judged one by one.
    """
    import numpy as np

    if not chars:
        return []
    if geometry is None:
        spaces = np.fromiter(map(str.isspace, map(_TEXT, chars)), dtype=bool, count=len(chars))
    else:
        spaces = geometry.space
    ink = np.flatnonzero(~spaces)
    if not len(ink):
        return []
    inked = [chars[i] for i in ink.tolist()]
    n = len(inked)
    if geometry is None:
        x0, x1, top, bottom, size = (
            np.fromiter(map(get, inked), dtype=np.float64, count=n) for get in _GEOMETRY
        )
    else:
        g = geometry
        x0, x1, top, bottom, size = (a[ink] for a in (g.x0, g.x1, g.top, g.bottom, g.size))
    step = x0[1:] - x1[:-1]
    fast = (
        (bottom[1:] == bottom[:-1])
        & (size[1:] == size[:-1])
        & (bottom[1:] > top[1:])
        & (bottom[:-1] > top[:-1])
        & (step >= -0.5 * size[1:])
        & (step <= 0.25 * size[1:])
    )
    starts = [0]
    for j in np.flatnonzero(~fast).tolist():
        last, c = inked[j], inked[j + 1]
        same_line = _overlap(c, last) > 0.5 * min(c.bottom - c.top, last.bottom - last.top)
        if not (same_line and _continues(last, c, gap, split)):
            starts.append(j + 1)
    cut = [*ink[starts].tolist(), len(chars)]
    return [chars[a:b] for a, b in pairwise(cut)]


def char_gutter(
    chars: list[Char], *, min_gap: float = 6.0, arrays: tuple[Any, ...] | None = None
) -> float | None:
    """The x of a narrow column gutter seen in the glyph boxes of many rows, or None.

    Segments are cut at gaps wider than 1.2 em, so a gutter narrower than that
    (Chinese journals set 0.35-0.8 cm) would glue each left-column line to its
    right-column neighbour before columns are looked for. Here the interiors of
    all glyph boxes are projected on the x axis; a gutter is a band in the middle
    of the page at least ``min_gap`` points wide that almost no glyph covers, with
    many rows of text on both sides. Abutting CJK glyphs on a grid leave only
    hairline bands, far narrower than ``min_gap``.
    """
    import numpy as np

    boxes = glyph_boxes(chars) if arrays is None else arrays
    if boxes is None or len(boxes[0]) < 60:
        return None
    x0, x1, top, bottom, sizes = boxes
    xmin, xmax = float(x0.min()), float(x1.max())
    width = xmax - xmin
    lo, hi = int(xmin + 0.3 * width), int(xmax - 0.3 * width)
    if hi - lo < min_gap:
        return None
    size = float(np.median(sizes))
    span = int(xmax) + 3
    delta = np.zeros(span + 1, dtype=np.int64)
    starts = np.clip(np.floor(x0 + 0.5).astype(int) + 1, 0, span)
    ends = np.clip(np.ceil(x1 - 0.5).astype(int), 0, span)
    ok = ends > starts
    np.add.at(delta, starts[ok], 1)
    np.add.at(delta, ends[ok], -1)
    cover = np.cumsum(delta)[lo : hi + 1]
    rows = np.unique(np.round((top + bottom) / 2 / np.maximum(1.0, 0.5 * sizes))).size
    # a few full-width lines (title, abstract) may cross: up to a fifth of the rows the columns hold
    crossing = max(1, rows // 15, min(int(0.2 * float(np.median(cover))), rows // 6))
    free = cover <= crossing
    best: tuple[int, int] | None = None
    start: int | None = None
    for i, f in enumerate([*free.tolist(), False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    if best is None or best[1] - best[0] < max(min_gap, 0.5 * size):
        return None
    gutter = lo + (best[0] + best[1]) / 2
    left_rows = np.unique(np.round(top[x1 <= gutter])).size
    right_rows = np.unique(np.round(top[x0 >= gutter])).size
    if min(left_rows, right_rows) < 5:
        return None
    return gutter


def _bands(cy: Any, sizes: Any) -> Any:
    """Band index of each glyph: glyphs sorted by centre height start a new band (a text line)
    where the centre moves down by more than a third of the glyph size."""
    import numpy as np

    order = np.argsort(cy, kind="stable")
    step = np.diff(cy[order]) > 0.35 * np.minimum(sizes[order][1:], sizes[order][:-1])
    band = np.empty(len(cy), dtype=np.int64)
    band[order] = np.concatenate(([0], np.cumsum(step)))
    return band


#: blank-run heights looked at per text line (a pathological page has many)
_MAX_HEIGHTS = 64
#: a page with more local gutters than this is a chart or a grid, not text beside boxes: no floats
#: (it also bounds the work of cutting runs and segments at the floats)
MAX_FLOATS = 8


def find_floats(
    chars: list[Char],
    *,
    split: float | None = None,
    min_gap: float = 6.0,
    arrays: tuple[Any, ...] | None = None,
) -> list[Float]:
    """Boxes floated inside a column, found from the glyph boxes of each text line (band).

    A float leaves a *local* gutter: a vertical band at least ``min_gap`` points wide that is
    blank in at least three consecutive text lines, with text on both sides of it, while a line
    just above or below runs across it (the body flows around the box). The box
    is the side set in a smaller font than the body, whose side is set in the size of the lines
    that run across (within the column ``split`` bounds), and whose lines do not share the
    baselines of the body side. A box in the body's own size cannot be told from the cells of a
    table, list numbers or equation numbers: it is left in the body. A gutter through most lines of
    the page is a column gutter (:func:`char_gutter`), not a float; a page with (next to) no
    glyph smaller than its median size has no box to find. ``arrays``: the page's
    :func:`glyph_boxes`, when already made.
    """
    import numpy as np

    boxes = glyph_boxes(chars) if arrays is None else arrays
    if boxes is None or len(boxes[0]) < 60:
        return []
    x0, x1, top, bottom, sizes = boxes
    if np.count_nonzero(sizes < 0.92 * np.median(sizes)) < 8:
        return []  # nothing on the page is set smaller than its body text: no box to find
    cy = (top + bottom) / 2
    band = _bands(cy, sizes)
    nb = int(band.max()) + 1
    if nb < 5:
        return []
    small = np.unique(band[sizes < 0.92 * np.median(sizes)])
    if len(small) < 2 or int(np.diff(small).min()) > 0.7 * nb:
        return []  # small print on one line, or only far apart (a running header and a folio): no box
    origin = int(np.floor(x0.min()))
    span = int(np.ceil(x1.max())) - origin + 2
    starts = np.clip(np.floor(x0 + 0.5).astype(int) - origin, 0, span)  # abutting glyphs leave no
    ends = np.clip(np.ceil(x1 - 0.5).astype(int) - origin, 0, span)  # hairline between them
    ok = ends > starts
    cells = nb * (span + 1)
    row0 = band[ok] * (span + 1)
    delta = np.bincount(row0 + starts[ok], minlength=cells) - np.bincount(row0 + ends[ok], minlength=cells)
    inked = np.cumsum(delta.reshape(nb, span + 1), axis=1)[:, :span] > 0
    blank = ~inked
    run = np.zeros((nb, span), dtype=np.int32)  # lines blank in a row, ending at each line
    run[0] = blank[0]
    for b in range(1, nb):
        run[b] = np.where(blank[b], run[b - 1] + 1, 0)
    # inked columns of a line within [lo, hi): ink_cs[line, hi] - ink_cs[line, lo]
    ink_cs = np.zeros((nb, span + 1), dtype=np.int32)
    np.cumsum(inked, axis=1, out=ink_cs[:, 1:])
    width = max(2, int(min_gap))
    order = np.argsort(band, kind="stable")  # glyphs line by line: a line range is a slice
    x0, x1, top, bottom, sizes, band = (v[order] for v in (x0, x1, top, bottom, sizes, band))
    firsts = np.searchsorted(band, np.arange(nb + 1))
    band_top = np.minimum.reduceat(top, firsts[:-1])
    band_bottom = np.maximum.reduceat(bottom, firsts[:-1])
    found: list[Float] = []
    seen: set[tuple[int, int, int]] = set()
    # blank runs of three lines or more that end at a line: the next line is inked there
    ending = run.copy()
    ending[:-1] = np.where(inked[1:], run[:-1], 0)
    padded = np.zeros((nb, span + 2), dtype=np.int8)
    padded[:, 1:-1] = ending >= 3
    lines, cols = np.nonzero(np.diff(padded, axis=1))  # starts and stops alternate, line by line
    keep = cols[1::2] - cols[0::2] >= width
    for b in np.unique(lines[0::2][keep]).tolist():
        row = run[b]
        wide = _true_runs(ending[b] >= 3, width)
        heights = np.unique(np.concatenate([ending[b, lo:hi] for lo, hi in wide]))
        for h in heights[heights >= 3][-_MAX_HEIGHTS:].tolist():
            if h > 0.7 * nb:
                continue  # a column gutter (or a margin) through most of the page
            for lo, hi in _true_runs(row >= h, width):
                if b + 1 < nb and 2 * (ink_cs[b + 1, hi] - ink_cs[b + 1, lo]) < hi - lo:
                    continue  # the blank run goes on below: it ends further down
                h_eff = int(row[lo:hi].min())
                a = b - h_eff + 1
                if (a, lo, hi) in seen:
                    continue
                seen.add((a, lo, hi))
                crossed = [
                    j
                    for j in (a - 1, b + 1)
                    if 0 <= j < nb and ink_cs[j, hi] - ink_cs[j, lo] > 0.7 * (hi - lo)
                ]
                if not crossed:
                    continue
                # the body flows on: its side is set in the size of the lines that run across
                flow = float(np.median(np.concatenate([sizes[firsts[j] : firsts[j + 1]] for j in crossed])))
                sl = slice(firsts[a], firsts[b + 1])
                fl = _judge_float(
                    (x0[sl], x1[sl], bottom[sl], sizes[sl], band[sl]),
                    (lo + origin, hi + origin),
                    split,
                    (float(band_top[a]), float(band_bottom[b])),
                    flow,
                )
                if fl is not None:
                    found.append(fl)
                    if len(found) > MAX_FLOATS:
                        return []  # a chart or a grid of glyphs, not boxes beside a text column
    return found


def glyph_boxes(chars: list[Char]) -> tuple[Any, ...] | None:
    """Arrays ``x0, x1, top, bottom, size`` of the inked glyphs (wider than a point), or None."""
    import numpy as np

    boxes = [
        (c.x0, c.x1, c.top, c.bottom, c.size) for c in chars if c.x1 - c.x0 > 1.0 and not c.text.isspace()
    ]
    if not boxes:
        return None
    return tuple(np.array(boxes, dtype=float).T)


def _true_runs(mask: Any, min_width: int = 1) -> list[tuple[int, int]]:
    """``[start, stop)`` of each run of True in a boolean array at least ``min_width`` long."""
    import numpy as np

    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, stops = edges[0::2], edges[1::2]
    keep = stops - starts >= min_width
    return list(zip(starts[keep].tolist(), stops[keep].tolist(), strict=True))


def _judge_float(
    glyphs: tuple[Any, ...],
    gap: tuple[float, float],
    split: float | None,
    extent: tuple[float, float],
    flow: float,
) -> Float | None:
    """The float beside the local gutter ``gap``, from the ``glyphs`` (``x0, x1, bottom, size,
    line`` arrays) of the lines it runs through, or None (see :func:`find_floats`). ``flow``:
    the size of the lines that run across the gutter; ``extent``: top and bottom of the lines."""
    import numpy as np

    x0, x1, bottom, sizes, band = glyphs
    if split is not None and gap[0] - 1.0 <= split <= gap[1] + 1.0:
        return None  # the column gutter, widened by short lines beside it
    left = x1 <= gap[0] + 0.5
    right = x0 >= gap[1] - 0.5
    if split is not None and gap[1] <= split:  # the column holding the gutter bounds both sides
        right &= x1 <= split + 0.5
    elif split is not None and gap[0] >= split:
        left &= x0 >= split - 0.5
    if left.sum() < 4 or right.sum() < 4:
        return None
    sl, sr = float(np.median(sizes[left])), float(np.median(sizes[right]))
    body_l, body_r = abs(sl - flow) <= 0.08 * flow, abs(sr - flow) <= 0.08 * flow
    if body_l == body_r:
        return None
    side = 1 if body_l else 0
    box, body = (left, right) if side == 0 else (right, left)
    if (sr if side == 1 else sl) > 0.92 * flow or box.sum() < 8:
        return None  # a box set in the body's size cannot be told from a table or a list
    box_lines = np.unique(band[box])
    body_lines = np.unique(band[body])
    if len(box_lines) < 2 or len(body_lines) < 2:
        return None
    # lines of a box keep their own baselines; rows of a table share them with the body side
    base = np.asarray(bottom)
    body_cy = np.sort(np.array([np.median(base[body & (band == k)]) for k in body_lines]))
    shared = 0
    for k in box_lines:
        c = float(np.median(base[box & (band == k)]))
        tol = min(1.0, 0.1 * float(np.median(sizes[box & (band == k)])))
        i = int(np.searchsorted(body_cy, c - tol))
        shared += i < len(body_cy) and body_cy[i] <= c + tol
    if shared > 0.5 * len(box_lines):
        return None
    outer = float(x1[box].max()) if side == 1 else float(x0[box].min())
    return Float((gap[0] + gap[1]) / 2, extent[0], extent[1], side, gap[0] if side == 1 else gap[1], outer)


def page_segments(
    chars: list[Char],
    *,
    gap: float = 1.2,
    split: float | Cuts | None = None,
    geometry: Geometry | None = None,
) -> list[Segment]:
    """Characters to segments: horizontal runs split at gaps wider than ``gap`` em.

    Runs are first taken in drawing order (a line is nearly always drawn left to
    right, whatever the order of blocks), then runs that continue each other on
    the same line are merged.
    """
    given = chars
    chars = _dedupe(chars, geometry)
    if min(map(_SIZE, chars), default=1.0) <= 0 or _BREAK_RE.search("\0".join(map(_TEXT, chars))):
        chars = [c for c in chars if c.text and c.text not in "\r\n" and c.size > 0]
    cuts = _cuts(split)
    runs = _runs(chars, gap, cuts, geometry if chars is given else None)
    return [seg for seg in (_segment(m) for m in _merge_runs(runs, gap, cuts)) if seg]


#: runs looked at in each height bucket when a run looks for the run it continues
_MERGE_CANDIDATES = 8


def _merge_runs(runs: list[list[Char]], gap: float, split: Cuts) -> list[list[Char]]:
    """Join runs that continue each other on one line, left to right; linear in the number of runs.

    A run is appended to the latest run whose last glyph it continues. Candidates are
    looked up in buckets of the tail's height on the page (one bucket per largest em):
    runs come in order of their left edge, so the last runs filed in a bucket are the
    nearest on the left, and only the last ``_MERGE_CANDIDATES`` are looked at; a bucket
    forgets runs whose tail lies too far left to be continued by any later run. A page
    of densely scattered glyphs stays linear.
    """
    runs = sorted(runs, key=lambda r: r[0].x0)
    if not runs:
        return []
    em = max(max(map(_SIZE, run)) for run in runs)
    cell = max(1.0, em)
    reach = gap * em
    merged: list[list[Char]] = []
    tails: list[Char] = []
    buckets: dict[int, list[int]] = {}
    pruned_at: dict[int, int] = {}

    def tail_of(seg: list[Char]) -> Char:
        return next((c for c in reversed(seg) if not c.text.isspace()), seg[-1])

    def file(k: int) -> None:
        key = int((tails[k].top + tails[k].bottom) / 2 // cell)
        bucket = buckets.setdefault(key, [])
        if not bucket or bucket[-1] != k:
            bucket.append(k)

    for run in runs:
        head = run[0]
        key = int((head.top + head.bottom) / 2 // cell)
        best = -1
        for b in (key - 1, key, key + 1):
            bucket = buckets.get(b)
            if not bucket:
                continue
            if len(bucket) >= 2 * pruned_at.get(b, 8):  # amortised: drop runs left behind for good
                bucket[:] = [k for k in bucket if tails[k].x1 >= head.x0 - reach]
                pruned_at[b] = max(8, len(bucket))
            hx0, htop, hbottom = head.x0, head.top, head.bottom
            for k in bucket[-_MERGE_CANDIDATES:]:  # the latest runs filed are the nearest on the left
                if k <= best:
                    continue
                tail = tails[k]
                if tail.x1 < hx0 - reach or tail.bottom <= htop or tail.top >= hbottom:
                    continue
                overlap = min(hbottom, tail.bottom) - max(htop, tail.top)
                if overlap > 0.5 * min(hbottom - htop, tail.bottom - tail.top) and _continues(
                    tail, head, gap, split
                ):
                    best = k
        if best >= 0:
            merged[best].extend(run)
            tails[best] = tail_of(merged[best])
            file(best)
        else:
            merged.append(list(run))
            tails.append(tail_of(run))
            file(len(merged) - 1)
    return merged


def page_rows(
    chars: list[Char],
    *,
    gap: float = 1.2,
    split: float | Cuts | None = None,
    geometry: Geometry | None = None,
) -> list[list[Segment]]:
    """Segments grouped into rows across the whole page, top to bottom, each row left to right.

    ``split``: the x of a column gutter (:func:`char_gutter`) that no segment may cross, or
    :class:`Cuts` with the local gutters of floats (:func:`find_floats`) too. ``geometry``: the
    boxes of ``chars`` as arrays (:class:`Geometry`), when the engine made them.
    """
    rows: list[list[Segment]] = []
    segments = page_segments(chars, gap=gap, split=split, geometry=geometry)
    for s in sorted(segments, key=lambda s: s.center_y):
        row = rows[-1] if rows else None
        if row is not None and abs(s.center_y - row[0].center_y) <= 0.5 * min(s.size, row[0].size):
            row.append(s)
        else:
            rows.append([s])
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def row_text(row: list[Segment]) -> str:
    return " ".join(s.text for s in row)


def find_gutter(segments: list[Segment], *, min_side: int = 3) -> float | None:
    """The x of the gap between two text columns, or None for a one-column page."""
    if len(segments) < 2 * min_side:
        return None
    xmin = min(s.x0 for s in segments)
    xmax = max(s.x1 for s in segments)
    width = xmax - xmin
    if width <= 0:
        return None
    narrow = [s for s in segments if s.x1 - s.x0 < 0.6 * width]
    if len(narrow) < 2 * min_side:
        return None
    lo, hi = int(xmin + 0.3 * width), int(xmax - 0.3 * width)
    if hi <= lo:
        return None
    import numpy as np

    # cover[x - lo]: segments over x, from max(lo, int(x0)) to min(hi, int(x1)) inclusive
    lefts = np.trunc(np.fromiter(map(_X0, narrow), dtype=np.float64)).astype(np.int64)
    rights = np.trunc(np.fromiter(map(_X1, narrow), dtype=np.float64)).astype(np.int64)
    starts, stops = np.maximum(lo, lefts) - lo, np.minimum(hi, rights) - lo + 1
    ok = stops > starts
    delta = np.bincount(starts[ok], minlength=hi - lo + 2) - np.bincount(stops[ok], minlength=hi - lo + 2)
    cover = np.cumsum(delta)[: hi - lo + 1].tolist()
    floor = min(cover)
    if floor > max(2, len(narrow) // 8):  # a few short full-width lines may cross the gutter
        return None
    best: tuple[int, int] | None = None
    start: int | None = None
    for i, c in enumerate([*cover, floor + 1]):
        if c == floor and start is None:
            start = i
        elif c != floor and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    size = _median([s.size for s in segments], 10.0)
    if best is None or best[1] - best[0] < 0.5 * size:
        return None
    gutter = lo + (best[0] + best[1]) / 2
    left = [s for s in narrow if s.x1 <= gutter]
    right = [s for s in narrow if s.x0 >= gutter]
    if len(left) < min_side or len(right) < min_side:
        return None
    # a column of folios beside titles (a table of contents) or of figures beside labels is no text column
    wl, wr = _median([s.x1 - s.x0 for s in left], 0.0), _median([s.x1 - s.x0 for s in right], 0.0)
    if min(wl, wr) < 0.3 * max(wl, wr):
        return None
    for side in (left, right):
        edge = min(s.x0 for s in side)
        aligned = sum(1 for s in side if s.x0 <= edge + 2.5 * s.size)
        if aligned < 0.6 * len(side):
            return None
    # lines of a text column fill most of it; the cells of a table's two columns fill neither
    fill_l = wl / max(1.0, gutter - min(s.x0 for s in left))
    fill_r = wr / max(1.0, max(s.x1 for s in right) - gutter)
    if max(fill_l, fill_r) < 0.5:
        return None
    return gutter


def find_sidebar(segments: list[Segment]) -> tuple[float, int] | None:
    """A narrow column of short lines beside the body (a web page's navigation, a margin box), or None.

    Returns ``(x, side)``: the sidebar lies left of ``x`` (side 0) or right of it (side 1).
    It is a band in the outer third of the page that no segment crosses, with at least three
    segments beyond it, much narrower than the body's lines and not on the body's rows (a
    table's label column or the folios of a table of contents share the rows of the text
    beside them).
    """
    import numpy as np

    if len(segments) < 8:
        return None
    xmin, xmax = min(s.x0 for s in segments), max(s.x1 for s in segments)
    width = xmax - xmin
    size = _median([s.size for s in segments], 10.0)
    if width < 20 * size:
        return None
    delta = np.zeros(int(xmax) + 3, dtype=np.int64)
    for s in segments:
        delta[int(s.x0)] += 1
        delta[int(s.x1) + 1] -= 1
    cover = np.cumsum(delta)
    for side, (lo, hi) in (
        (0, (xmin + 0.05 * width, xmin + 0.35 * width)),
        (1, (xmax - 0.35 * width, xmax - 0.05 * width)),
    ):
        free = (cover[int(lo) : int(hi) + 1] == 0).tolist()
        best: tuple[int, int] | None = None
        start: int | None = None
        for i, f in enumerate([*free, False]):
            if f and start is None:
                start = i
            elif not f and start is not None:
                if best is None or i - start > best[1] - best[0]:
                    best = (start, i)
                start = None
        if best is None or best[1] - best[0] < 0.8 * size:
            continue
        x = int(lo) + (best[0] + best[1]) / 2
        out = [s for s in segments if (s.x1 <= x if side == 0 else s.x0 >= x)]
        body = [s for s in segments if (s.x0 >= x if side == 0 else s.x1 <= x)]
        if len(out) < 3 or len(body) < len(out):
            continue
        if _median([s.x1 - s.x0 for s in out], 0.0) >= 0.3 * _median([s.x1 - s.x0 for s in body], 0.0):
            continue
        # rows set together (a table, a contents list) share the baseline to a point; a sidebar
        # in a smaller font may share the rows' centres, never their baselines
        bases = sorted(s.bottom for s in body)
        aligned = 0
        for s in out:
            tol = min(1.0, 0.1 * s.size)
            k = bisect_left(bases, s.bottom - tol)
            aligned += k < len(bases) and bases[k] <= s.bottom + tol
        if aligned <= 0.5 * len(out):
            return x, side
    return None


#: how a footnote starts: a circled number, a bracketed or bare number, a star or dagger, 注, or
#: a note label of a journal's first page (收稿日期, 基金项目, 作者简介: their home is clean.cues)
FOOTNOTE_MARK_RE = re.compile(
    r"^(?:[①-⑳]|\[\d{1,3}\]|\d{1,3}(?:[)）.、:：]|\s|(?=\D))|[*＊†‡]|注\s*[\d:：]|[¹²³⁴-⁹⁰]"
    rf"|(?:{'|'.join(ARTICLE_NOTES)}))"
)
#: a heading of back matter (参考文献, References): the small print under it is no footnote
BACK_MATTER_RE = re.compile(rf"^\s*(?:{'|'.join(BACK_MATTER_HEADINGS)})\s*$")


def _rows_of(segments: list[Segment]) -> list[list[Segment]]:
    rows: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: s.center_y):
        if rows and abs(s.center_y - rows[-1][0].center_y) <= 0.5 * min(s.size, rows[-1][0].size):
            rows[-1].append(s)
        else:
            rows.append([s])
    return rows


def body_size(segments: list[Segment]) -> float:
    """The font size of most of the text: the median size, each segment weighted by its length."""
    return _median([s.size for s in segments for _ in range(max(1, len(s.text) // 8))], 10.0)


def find_footnotes(segments: list[Segment], height: float, *, body: float | None = None) -> list[Segment]:
    """The segments of the footnotes at the foot of a page, or an empty list.

    Footnotes are the last rows of the body (running footers and folios are gone by now) set
    in a smaller font (at most 0.9 times the body's), in the lower half of the page, set off
    from the body by more than the body's own leading (the rule and the space around it), the
    first starting with a note mark (``①``, ``1``, ``[1]``, ``*``, ``注：``). A caption under a
    figure at the foot of a page has no mark and stays. ``body``: the body's font size on the
    whole page (a column may hold more notes than body text); by default that of ``segments``.
    """
    if len(segments) < 4:
        return []
    rows = _rows_of(segments)
    body = body or body_size(segments)
    k = len(rows)
    while k > 0 and max(s.size for s in rows[k - 1]) <= 0.9 * body:
        k -= 1
    if k in (0, len(rows)) or k < 2:
        return []
    top = min(s.top for s in rows[k])
    first = min(rows[k], key=lambda s: s.x0)
    if top < 0.5 * height or not FOOTNOTE_MARK_RE.match(first.text):
        return []
    if any(BACK_MATTER_RE.match(s.text) for s in rows[k - 1]):
        return []  # a list of references set small under its heading
    near = rows[max(0, k - 9) : k]  # the body's own leading, just above the notes
    leads = [
        min(s.top for s in b) - max(s.bottom for s in a)
        for a, b in pairwise(near)
        if abs(a[0].size - b[0].size) <= 0.1 * b[0].size
    ]
    lead = max(0.0, _median([g for g in leads if g > -2], 0.0))
    if top - max(s.bottom for s in rows[k - 1]) <= 1.3 * lead + 1.0:
        return []
    return [s for row in rows[k:] for s in row]


def order_lines(
    segments: list[Segment],
    gutter: float | None,
    bounds: tuple[float, float],
) -> list[Line]:
    """Put segments in reading order and merge those on the same row of a column into lines.

    With a gutter, segments crossing it are full-width blocks that cut the page
    into bands; in each band the left column is read before the right one.
    Segments on one row of a column (cells of a table, a contents entry and its
    page) are joined by :data:`~policytext.clean.resources.CELL_SEP` (a tab).
    """
    left_edge, right_edge = bounds
    keyed: list[tuple[tuple[float, ...], Segment, tuple[int, int], tuple[float, float]]] = []
    if gutter is None:
        for s in segments:
            keyed.append(((0, 0, 0, s.center_y, s.x0), s, (0, 0), (left_edge, right_edge)))
    else:
        spanning = sorted((s for s in segments if s.x0 < gutter < s.x1), key=lambda s: s.center_y)
        tops = [s.center_y for s in spanning]
        lefts = [s for s in segments if s.x1 <= gutter]
        rights = [s for s in segments if s.x0 >= gutter]
        left_bounds = (left_edge, max((s.x1 for s in lefts), default=gutter))
        right_bounds = (min((s.x0 for s in rights), default=gutter), right_edge)
        for k, s in enumerate(spanning):
            keyed.append(((k, 1, 0, s.center_y, s.x0), s, (-1, 2), (left_edge, right_edge)))
        for side, members in ((0, lefts), (1, rights)):
            b = left_bounds if side == 0 else right_bounds
            for s in members:
                band = bisect_left(tops, s.center_y)
                keyed.append(((band, 0, side, s.center_y, s.x0), s, (band, side), b))
    keyed.sort(key=lambda k: k[0])
    lines: list[Line] = []
    for _, s, group, (lb, rb) in keyed:
        prev = lines[-1] if lines else None
        if prev is not None and prev.group == group and s.top < prev.bottom and s.bottom > prev.top:
            overlap = min(s.bottom, prev.bottom) - max(s.top, prev.top)
            if overlap > 0.5 * min(s.size, prev.size):
                prev.text = (
                    f"{prev.text}{CELL_SEP}{s.text}" if s.x0 > prev.x1 else f"{s.text}{CELL_SEP}{prev.text}"
                )
                prev.x0, prev.x1 = min(prev.x0, s.x0), max(prev.x1, s.x1)
                prev.top, prev.bottom = min(prev.top, s.top), max(prev.bottom, s.bottom)
                continue
        lines.append(Line(s.text, s.x0, s.top, s.x1, s.bottom, s.size, s.first_width, lb, rb, group))
    return lines


def _joiner(prev: str, cur: str) -> str:
    a, b = prev[-1:], cur[:1]
    if (
        a
        and b
        and a.isascii()
        and b.isascii()
        and (a.isalnum() or a in ",.;:!?)")
        and (b.isalnum() or b in "(\"'")
    ):
        return " "
    return ""


def find_tables(paragraphs: list[str]) -> list[list[list[str]]]:
    """The tables among a page's paragraphs: runs of two or more rows whose cells are apart by
    :data:`~policytext.clean.resources.CELL_SEP`, each as rows of cells. A contents list (an
    entry and its page number a row) is no table."""
    tables: list[list[list[str]]] = []
    run: list[list[str]] = []
    for para in [*paragraphs, ""]:
        if CELL_SEP in para:
            run.append(para.split(CELL_SEP))
            continue
        contents = all(len(r) == 2 and _PAGE_REF_RE.match(r[1]) for r in run)
        if len(run) >= 2 and not contents:
            tables.append(run)
        run = []
    return tables


_PAGE_REF_RE = re.compile(r"^\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$", re.IGNORECASE)


def reflow(lines: list[Line]) -> list[str]:
    """Join hard-wrapped lines into paragraphs; headings and paragraph starts stay separate."""
    if not lines:
        return []
    body = _median([ln.size for ln in lines for _ in range(max(1, len(ln.text) // 8))], 10.0)
    pitches = [
        b.top - a.top
        for a, b in pairwise(lines)
        if a.group == b.group and abs(a.size - b.size) < 0.5 and b.top > a.top
    ]
    pitch = _median(pitches, 0.0)
    _snap_edges(lines)
    _narrow_blocks(lines)
    paragraphs: list[str] = []
    prev: Line | None = None
    for ln in lines:
        if prev is None or _starts_paragraph(prev, ln, body, pitch):
            paragraphs.append(ln.text)
        else:
            paragraphs[-1] += _joiner(paragraphs[-1], ln.text) + ln.text
        prev = ln
    return paragraphs


@dataclass(frozen=True, slots=True)
class Figure:
    """The box of an image or a drawing placed on the page (top-down points)."""

    x0: float
    top: float
    x1: float
    bottom: float


#: the label that starts a figure's caption (图2, 图 3-1, Fig. 4, Figure 5)
CAPTION_RE = re.compile(r"^\s*(?:图\s*\d|Fig(?:ure|\.)\s*\d)", re.IGNORECASE)


def _beside(segments: list[Segment], fig: Figure, reach: float) -> tuple[list[Segment], list[Segment]]:
    """The segments on the rows of ``fig`` (its height widened by ``reach`` above and below) that lie
    wholly left of it and wholly right of it."""
    rows = [s for s in segments if fig.top - reach <= s.center_y <= fig.bottom + reach]
    return [s for s in rows if s.x1 <= fig.x0 + 0.5], [s for s in rows if s.x0 >= fig.x1 - 0.5]


def find_figure_text(
    segments: list[Segment], figures: list[Figure], size: float
) -> tuple[list[list[Segment]], list[Figure]]:
    """The text of figures set beside the running text, and the figures the body wraps around.

    A figure counts when body text runs beside it: two segments or more on its rows lie wholly
    left or wholly right of it (a figure across a page, or a seal over a signature, has none:
    its text stays in the body). Its text is what lies inside its box (labels), narrow pieces
    just beside it (a credit set vertically) and a caption row starting with its label (``图2``,
    ``Fig. 3``) just above or below it, with the rows of the caption that follow. A figure with
    a line of running text in the body's size inside, or crossing its left or right edge, is an
    image behind the text (a background, a tinted box), no figure.
    ``size``: the body's font size. Returns the text of each figure (top to bottom, left to
    right) and the figures that count.
    """
    found: list[list[Segment]] = []
    wrapped: list[Figure] = []
    taken: set[int] = set()
    for fig in figures:
        left, right = _beside(segments, fig, 0.0)
        if len(left) < 2 and len(right) < 2:
            continue
        inside = [
            s
            for s in segments
            if fig.x0 <= (s.x0 + s.x1) / 2 <= fig.x1 and fig.top <= s.center_y <= fig.bottom
        ]
        if any(s.size >= 0.92 * size and len(s.text) > 20 for s in inside):
            continue
        if any(
            s.size >= 0.92 * size
            and fig.top <= s.center_y <= fig.bottom
            and (s.x0 < fig.x0 - size < fig.x0 + size < s.x1 or s.x0 < fig.x1 - size < fig.x1 + size < s.x1)
            for s in segments
        ):
            continue  # running text crosses its edge: an image behind the text (a background, a tint)
        wrapped.append(fig)
        picked = {id(s) for s in inside}
        for s in segments:
            if id(s) in picked or id(s) in taken:
                continue
            cx = (s.x0 + s.x1) / 2
            if (
                fig.top <= s.center_y <= fig.bottom
                and s.x1 - s.x0 <= 1.5 * s.size
                and (fig.x0 - size <= cx < fig.x0 or fig.x1 < cx <= fig.x1 + size)
            ):
                picked.add(id(s))  # a credit or a scale set upright beside the figure
        caption = [  # a row starting with the label, just under or over the box (or overlapping its edge)
            s
            for s in segments
            if CAPTION_RE.match(s.text)
            and fig.x0 <= (s.x0 + s.x1) / 2 <= fig.x1
            and (
                (fig.bottom - 0.5 * s.size < s.center_y and s.top - fig.bottom <= 1.5 * size)
                or (s.center_y < fig.top + 0.5 * s.size and fig.top - s.bottom <= 1.5 * size)
            )
        ]
        for first in caption[:1]:
            picked.add(id(first))
            last = first
            for s in segments:  # the rest of its row (the label and the title set apart)
                if abs(s.center_y - first.center_y) <= 0.5 * first.size and fig.x0 <= s.x0 and s.x1 <= fig.x1:
                    picked.add(id(s))
                    if s.bottom > last.bottom:
                        last = s
            for s in sorted(segments, key=lambda s: s.top):
                if (
                    last.bottom < s.top <= last.bottom + 0.6 * s.size
                    and abs(s.size - first.size) < 0.5
                    and fig.x0 <= (s.x0 + s.x1) / 2 <= fig.x1
                    and id(s) not in taken
                ):
                    picked.add(id(s))  # the caption's next row
                    last = s
        group = [s for s in segments if id(s) in picked and id(s) not in taken]
        taken |= picked
        if group:
            found.append(sorted(group, key=lambda s: (s.center_y, s.x0)))
    return found, wrapped


def fit_to_figures(lines: list[Line], figures: list[Figure]) -> None:
    """Give the lines of running text set beside a figure the edge they share there as their bound,
    so a sentence wrapped beside the figure runs on (the lines just above it that the wrap
    already narrows too: the figure's rows widened by an em and a half)."""
    for fig in figures:
        reach = 1.5 * _median([ln.size for ln in lines], 10.0)
        rows = [ln for ln in lines if fig.top - reach <= (ln.top + ln.bottom) / 2 <= fig.bottom + reach]
        right = [ln for ln in rows if fig.x1 - 0.5 <= ln.x0 <= fig.x1 + 2 * ln.size]
        if len(right) >= 2:
            edge = min(ln.x0 for ln in right)
            for ln in right:
                ln.left = max(ln.left, edge)
        left = [ln for ln in rows if fig.x0 - 2 * ln.size <= ln.x1 <= fig.x0 + 0.5]
        if len(left) >= 2:
            edge = max(ln.x1 for ln in left)
            for ln in left:
                ln.right = min(ln.right, edge)


def fit_to_floats(lines: list[Line], floats: list[Float]) -> None:
    """Give lines set beside a float the float's side as their bound, so a sentence wrapped there
    runs on (the box itself is out of the body flow)."""
    for fl in floats:
        for ln in lines:
            if fl.covers((ln.top + ln.bottom) / 2):
                if fl.side == 1 and ln.x1 <= fl.x:
                    ln.right = min(ln.right, max(fl.edge, ln.x1))
                elif fl.side == 0 and ln.x0 >= fl.x:
                    ln.left = max(ln.left, min(fl.edge, ln.x0))


def _narrow_blocks(lines: list[Line]) -> None:
    """Give lines of a narrow justified block (text set beside a figure or box) their own right edge.

    A left-aligned line that ends where its neighbour in the group ends, short of the
    group's right bound, is full in a narrower block: its right bound becomes its end,
    so a sentence wrapped there runs on.
    """
    for i, ln in enumerate(lines):
        if len(ln.text) < 4 or ln.right - ln.x1 <= 0.5 * ln.size or ln.x0 - ln.left > 0.5 * ln.size:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines):
                other = lines[j]
                if other.group == ln.group and len(other.text) >= 4 and abs(other.x1 - ln.x1) <= 1.0:
                    ln.right = ln.x1
                    break


def _shared_edge(values: list[float], need: int) -> float | None:
    """The smallest value that ``need`` of ``values`` share within 1.5 pt, or None."""
    starts = sorted(values)
    return next(
        (x for i, x in enumerate(starts) if i + need <= len(starts) and starts[i + need - 1] - x <= 1.5),
        None,
    )


def _snap_edges(lines: list[Line]) -> None:
    """Move each group's bounds to the left and right edges its lines share.

    The bounds come from the page extent (neighbour pages, a wide figure, an
    outdented caption); when most lines of a column start further right (or end
    further left), the indent and room tests against those bounds would make
    every line a paragraph start. A shared edge is the outermost x that at least
    a quarter of the group's lines (and two) start or end at, within 1.5 pt.
    """
    groups: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        groups.setdefault(ln.group, []).append(ln)
    for members in groups.values():
        if len(members) < 3:
            continue
        need = max(2, len(members) // 4)
        left = _shared_edge([ln.x0 for ln in members], need)
        right = _shared_edge([-ln.x1 for ln in members], need)
        for ln in members:
            if left is not None and left - 1.5 > ln.left:
                ln.left = min(left - 1.5, ln.x0)
            if right is not None and -right + 1.5 < ln.right:
                ln.right = max(-right + 1.5, ln.x1)


def _centered(ln: Line) -> bool:
    margin_l = ln.x0 - ln.left
    margin_r = ln.right - ln.x1
    return margin_l > 1.5 * ln.size and margin_r > 1.5 * ln.size and abs(margin_l - margin_r) < 1.5 * ln.size


def _symmetric(ln: Line) -> bool:
    return abs((ln.x0 - ln.left) - (ln.right - ln.x1)) < 1.5 * ln.size


def _runs_on(prev: Line, cur: Line) -> bool:
    """True when ``prev`` fills its line to the right edge, mid-sentence, and ``cur`` is not indented:
    the sentence runs on whatever ``cur`` starts with (``一、`` inside a sentence, a run-in heading
    in a larger font)."""
    return (
        prev.right - prev.x1 < 0.5 * min(prev.size, cur.size)
        and prev.text[-1:] not in SENTENCE_END
        and cur.x0 - cur.left <= 0.5 * cur.size
        and prev.group == cur.group
    )


def _starts_paragraph(prev: Line, cur: Line, body: float, pitch: float) -> bool:
    if abs(cur.size - prev.size) > 0.08 * max(cur.size, prev.size) and not _runs_on(prev, cur):
        return True
    if cur.group[1] == 2 and prev.group[1] != 2 and prev.group[0] >= 0:
        return True  # column text never flows into a full-width block
    if prev.group[1] == 2 and cur.group[1] != 2 and abs(cur.x0 - prev.x0) <= 1.0:
        # the short last line of a full-width block (an abstract) falls on one side of the gutter
        return not (prev.right - prev.x1 < 0.5 * prev.size and prev.text[-1:] not in SENTENCE_END)
    if prev.group == cur.group and cur.top > prev.top and pitch and cur.top - prev.top > 1.45 * pitch:
        return True
    if LABEL_RE.match(cur.text) or CELL_SEP in prev.text or CELL_SEP in cur.text:
        return True  # a label; a table row or a contents entry (cells apart by a tab) stands alone
    if cur.size > 1.1 * body and _centered(cur) and _symmetric(prev):
        return False  # a title wrapped over several centred lines in a large font
    if _centered(prev) or _centered(cur):
        return True
    if cur.text[:1] in NO_LINE_START:
        return False
    if cur.x0 - cur.left > 0.9 * cur.size:
        return True
    if ENUMERATOR_RE.match(cur.text) and not _runs_on(prev, cur):
        return True
    room = prev.right - prev.x1
    return room > max(cur.first_width, 0.9 * cur.size) + 0.3 * prev.size
