"""Charts of the report with matplotlib: heatmap, timelines, documents by year.

Chinese labels are drawn with the bundled Droid Sans Fallback font (registered with
matplotlib's font manager, never looked up among system fonts); Latin letters and
digits come from DejaVu Sans, which ships with matplotlib. SVG text is written as
glyph paths, so an SVG shows the same on a machine without any CJK font.

Every figure is deterministic: fixed hash salt for SVG ids, no creation date, no
random state.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

FONT_FILE = "data/fonts/DroidSansFallbackFull.ttf"
PNG_DPI = 300
COLORS = [
    "#1f5f8b",
    "#d9822b",
    "#3a8e5c",
    "#b23a48",
    "#7155a3",
    "#8c6d46",
    "#c9579e",
    "#6b6b6b",
    "#9aa531",
    "#1fa0b0",
]
BAR = "#1f5f8b"
LINE = "#d9822b"
HEAT = LinearSegmentedColormap.from_list(
    "policytext_heat", ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
)


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the bundled CJK font with matplotlib once; return its family name."""
    path = Path(str(resources.files("policytext").joinpath(FONT_FILE)))
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@contextmanager
def chart_style() -> Iterator[None]:
    """rcParams of every chart: bundled fonts, SVG text as paths, fixed SVG hash salt."""
    rc: dict[str, Any] = {
        "font.family": ["DejaVu Sans", cjk_font()],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "policytext-report",
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#888888",
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "text.usetex": False,
        "path.simplify": False,
    }
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        yield


def _label(text: str) -> str:
    """A label safe for matplotlib (no mathtext)."""
    return text.replace("$", r"\$")


# -- figures -----------------------------------------------------------------


def heatmap_figure(
    rows: Sequence[str], cols: Sequence[str], matrix: Sequence[Sequence[int]], *, title: str = ""
) -> Figure:
    """Agglomerations (rows) × mechanism types (columns), cells annotated with counts."""
    with chart_style():
        n_r, n_c = max(len(rows), 1), max(len(cols), 1)
        fig = Figure(figsize=(2.6 + 0.42 * n_c, 2.9 + 0.3 * n_r), layout="constrained")
        ax = fig.add_subplot()
        data = [list(r) for r in matrix] or [[0] * n_c]
        vmax = max([max(r) for r in data if r] + [1])
        im = ax.imshow(data, cmap=HEAT, vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
        ax.set_xticks(
            range(len(cols)), [_label(c) for c in cols], rotation=60, ha="right", rotation_mode="anchor"
        )
        ax.set_yticks(range(len(rows)), [_label(r) for r in rows])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                if v:
                    ax.text(
                        j,
                        i,
                        str(v),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v > vmax * 0.55 else "#222222",
                    )
        cb = fig.colorbar(im, ax=ax, shrink=0.6, pad=0.01)
        cb.set_label("提及次数 mentions")
        if title:
            ax.set_title(_label(title), loc="left")
        return fig


def timeline_figure(
    years: Sequence[int],
    counts: Sequence[int],
    shares: Sequence[float | None],
    *,
    title: str,
    ymax: int | None = None,
    ax: Any = None,
    figsize: tuple[float, float] = (3.4, 2.1),
) -> Figure:
    """Mentions per year (bars, left axis, scaled to this panel unless ``ymax``) and share of that
    year's documents (line, right axis, %); a share of None (too few documents) leaves a gap."""
    with chart_style():
        fig = None
        if ax is None:  # fixed margins: much faster than a layout engine, and the same every time
            fig = Figure(figsize=figsize)
            fig.subplots_adjust(left=0.1, right=0.88, bottom=0.13, top=0.86)
            ax = fig.add_subplot()
        xs = list(years)
        ax.bar(xs, list(counts), color=BAR, width=0.7, label="提及 mentions")
        ax.set_ylim(0, max(ymax or 0, max([*counts, 1])) * 1.15)
        ax.set_title(_label(title), loc="left")
        ax.tick_params(labelsize=7)
        if xs:
            step = max(1, (len(xs) + 5) // 6)
            ax.set_xticks(xs[::step], [str(y) for y in xs[::step]])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2 = ax.twinx()
        ax2.plot(
            xs,
            [100 * s if s is not None else float("nan") for s in shares],
            color=LINE,
            marker="o",
            markersize=2.5,
            linewidth=1.2,
            label="文件占比 % of documents",
        )
        ax2.set_ylim(0, 105)
        ax2.tick_params(labelsize=7, colors=LINE)
        ax2.spines["right"].set_visible(True)
        ax2.spines["right"].set_color(LINE)
        ax2.spines["top"].set_visible(False)
        return fig if fig is not None else ax.figure


def timelines_figure(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[int], Sequence[float | None]]],
    *,
    min_documents: int = 3,
) -> Figure:
    """All types as small multiples, each panel with its own count scale (for papers)."""
    with chart_style():
        n = max(len(series), 1)
        ncols = 4
        nrows = (n + ncols - 1) // ncols
        height = 2.3 * nrows + 0.6
        fig = Figure(figsize=(12, height))
        fig.subplots_adjust(
            left=0.03, right=0.965, bottom=0.35 / height, top=1 - 0.75 / height, wspace=0.38, hspace=0.5
        )
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= len(series):
                ax.set_visible(False)
                continue
            label, counts, shares = series[k]
            timeline_figure(years, counts, shares, title=label, ax=ax)
        fig.suptitle(
            "机制类型时间线：柱 = 提及次数（左轴，各图刻度不同），"
            f"线 = 当年文件占比 %（右轴，文件不足{min_documents}份的年份不显示）",
            fontsize=10,
            y=1 - 0.2 / height,
        )
        return fig


def documents_figure(years: Sequence[str], types: Sequence[str], counts: Sequence[Sequence[int]]) -> Figure:
    """Documents per year, stacked by document type; ``counts[t][y]``."""
    with chart_style():
        fig = Figure(figsize=(max(4.0, 1.2 + 0.45 * len(years)), 2.8), layout="constrained")
        ax = fig.add_subplot()
        xs = list(range(len(years)))
        bottom = [0] * len(years)
        for k, (t, row) in enumerate(zip(types, counts)):
            ax.bar(xs, list(row), bottom=bottom, color=COLORS[k % len(COLORS)], width=0.7, label=_label(t))
            bottom = [b + v for b, v in zip(bottom, row)]
        ax.set_xticks(xs, list(years), rotation=45 if len(years) > 10 else 0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("文件数 documents")
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return fig


def network_figure(edges: Sequence[tuple[str, str, int]], *, title: str = "") -> Figure:
    """A two-column co-occurrence network: agglomerations (left) linked to mechanism types (right),
    line width and opacity by the number of mentions linking them; node size by weighted degree.

    Args:
        edges: ``(agglomeration label, type label, mentions)``.
    """
    with chart_style():
        left = sorted({a for a, _, _ in edges}, key=lambda a: (-sum(w for x, _, w in edges if x == a), a))
        right = sorted({t for _, t, _ in edges}, key=lambda t: (-sum(w for _, y, w in edges if y == t), t))
        rows = max(len(left), len(right), 1)
        fig = Figure(figsize=(8.0, max(2.2, 0.32 * rows + 0.8)))
        fig.subplots_adjust(left=0.24, right=0.62, bottom=0.04, top=0.92 if title else 0.97)
        ax = fig.add_subplot()
        ax.set_axis_off()
        if not edges:
            ax.text(0.5, 0.5, "无数据 no linked mentions", ha="center", va="center", fontsize=8)
            return fig

        def ys(n: int) -> list[float]:
            return [1.0 - (k + 0.5) / rows for k in range(n)] if n else []

        ya, yt = dict(zip(left, ys(len(left)))), dict(zip(right, ys(len(right))))
        top = max(w for _, _, w in edges)
        for a, t, w in sorted(edges, key=lambda e: e[2]):
            share = w / top
            ax.plot([0, 1], [ya[a], yt[t]], color=BAR, linewidth=0.4 + 3.6 * share, alpha=0.15 + 0.6 * share)
        deg_a = {a: sum(w for x, _, w in edges if x == a) for a in left}
        deg_t = {t: sum(w for _, y, w in edges if y == t) for t in right}
        most = max([*deg_a.values(), *deg_t.values()])
        ax.scatter(
            [0] * len(left), [ya[a] for a in left], s=[12 + 120 * deg_a[a] / most for a in left], color=BAR
        )
        ax.scatter(
            [1] * len(right),
            [yt[t] for t in right],
            s=[12 + 120 * deg_t[t] / most for t in right],
            color=LINE,
        )
        for a in left:
            ax.text(-0.04, ya[a], _label(f"{a} ({deg_a[a]})"), ha="right", va="center", fontsize=7)
        for t in right:
            ax.text(1.04, yt[t], _label(f"{t} ({deg_t[t]})"), ha="left", va="center", fontsize=7)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, 1)
        if title:
            ax.set_title(_label(title), loc="left")
        return fig


def terms_figure(terms: Sequence[str], periods: Sequence[str], values: Sequence[Sequence[float]]) -> Figure:
    """Key terms × periods: occurrences per 10,000 tokens as shaded cells with the value written in."""
    with chart_style():
        fig = Figure(figsize=(max(3.6, 1.6 + 0.9 * len(periods)), max(2.2, 0.26 * len(terms) + 1.0)))
        fig.subplots_adjust(left=0.3, right=0.97, bottom=0.16, top=0.95)
        ax = fig.add_subplot()
        if not terms or not periods:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "无数据 no terms", ha="center", va="center", fontsize=8)
            return fig
        top = max(max(row) for row in values) or 1.0
        ax.imshow([[v / top for v in row] for row in values], cmap=HEAT, vmin=0, vmax=1, aspect="auto")
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                ax.text(
                    j,
                    i,
                    f"{v:.0f}" if v >= 10 else f"{v:.1f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if v / top > 0.55 else "#222222",
                )
        ax.set_xticks(range(len(periods)), [p.replace("_", "–") for p in periods], fontsize=7)
        ax.set_yticks(range(len(terms)), [_label(t) for t in terms], fontsize=7)
        ax.set_xlabel("每万词出现次数 per 10,000 tokens", fontsize=7)
        return fig


# -- output --------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_REF = re.compile(r'(id="|"#|url\(#)([^")]+)')


def svg_text(fig: Figure) -> str:
    """The figure as a standalone SVG document (text as paths, no date).

    Figures are finished before they are saved, so the text is kept on the figure and
    reused (the inline chart and the paper file are the same drawing).
    """
    cached = getattr(fig, "_policytext_svg", None)
    if cached is not None:
        return str(cached)
    with chart_style():
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "policytext"})
    fig._policytext_svg = buf.getvalue()  # type: ignore[attr-defined]
    return fig._policytext_svg  # type: ignore[attr-defined]


def inline_svg(fig: Figure, prefix: str, label: str) -> str:
    """The figure as an ``<svg>`` element to paste into HTML.

    The XML prolog, doctype, comments and metadata are dropped, every id gets
    ``prefix`` (several charts in one page never share an id), and ``label`` becomes
    the chart's accessible name.
    """
    svg = svg_text(fig)
    svg = svg[svg.index("<svg") :]
    svg = _COMMENT.sub("", svg)
    svg = _METADATA.sub("", svg)
    ids = set(_ID.findall(svg))
    svg = _REF.sub(lambda m: f"{m[1]}{prefix}-{m[2]}" if m[2] in ids else m[0], svg)
    # namespaces are implied for inline SVG in HTML: the element carries no URL at all
    svg = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", svg)
    attrs = f'class="chart" role="img" aria-label="{html.escape(label, quote=True)}" '
    return svg.replace("<svg ", "<svg " + attrs, 1).strip()


def save_figure(fig: Figure, folder: Path, stem: str) -> list[Path]:
    """Write ``stem.png`` (300 dpi) and ``stem.svg`` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    with chart_style():
        fig.savefig(png, dpi=PNG_DPI, metadata={"Software": None}, facecolor="white")
    svg.write_text(svg_text(fig), encoding="utf-8")
    return [png, svg]


def font_face_css(text: str, *, family: str = "PolicytextCJK") -> str:
    """An ``@font-face`` rule embedding the bundled CJK font, subset to the non-ASCII characters of ``text``.

    The subset is a WOFF file in a ``data:`` URL, so the page shows its Chinese text
    without any system font and without loading anything. Returns "" when ``text``
    has no character the font covers.
    """
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = str(resources.files("policytext").joinpath(FONT_FILE))
    font = TTFont(path, recalcTimestamp=False)
    cmap = font.getBestCmap()
    chars = sorted({ord(c) for c in text if ord(c) > 0x7F and ord(c) in cmap})
    if not chars:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = [0, 1, 2]
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=chars)
    sub.subset(font)
    font.flavor = "woff"
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: 100 900; '
        f'src: url(data:font/woff;base64,{data}) format("woff"); }}'
    )
