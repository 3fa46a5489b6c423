"""Build the bundled sample corpus from ``corpora/sources``.

Every source document (``<id>.txt``: line 1 = title, then one paragraph per
line) is written to ``corpora/sample/<id>.<ext>`` in the format named by the
manifest: a one-column official PDF, a two-column journal PDF, plain text in
several encodings, an HTML page with portal boilerplate, a docx or Markdown.
For every PDF, ``corpora/groundtruth/<id>.txt`` holds the text that extraction
should return: the paragraphs in reading order, one per line, without running
headers or page numbers.

The output is byte-for-byte reproducible: fixed fonts, reportlab ``invariant``
mode, dates from the manifest and fixed zip timestamps in docx files.

Usage::

    .venv/bin/python corpora/build_sample.py [--sources DIR] [--out DIR] [--truth DIR]
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONT_FILE = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
SOURCES = ROOT / "corpora" / "sources"
SAMPLE = ROOT / "corpora" / "sample"
TRUTH = ROOT / "corpora" / "groundtruth"

EXTENSIONS = {
    "pdf-official": "pdf",
    "pdf-journal": "pdf",
    "txt-utf8": "txt",
    "txt-utf8-bom": "txt",
    "txt-gb18030": "txt",
    "txt-big5": "txt",
    "txt-utf16": "txt",
    "html": "html",
    "docx": "docx",
    "md": "md",
}

HEADING_RE = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节篇部分]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"
    r"|\d+(\.\d+)*[\s、．]|参考文献$|附件)"
)
DOC_NUMBER_RE = re.compile(r"〔\d{4}〕\s*\d+\s*号")
DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
META_PREFIXES = ("作者：", "单位：", "摘要：", "关键词：", "Abstract:", "Keywords:")
REFERENCE_RE = re.compile(r"^\[\d+\]")


# ---------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class Source:
    """One row of ``manifest.csv`` with the text lines of ``<id>.txt`` (title first)."""

    id: str
    title: str
    date: str
    doc_type: str
    issuer: str
    doc_number: str
    format: str
    lines: tuple[str, ...]


def read_sources(folder: Path) -> list[Source]:
    """Read ``manifest.csv`` and the ``<id>.txt`` files beside it, in manifest order."""
    out: list[Source] = []
    with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (folder / f"{row['id']}.txt").read_text(encoding="utf-8-sig")
            lines = tuple(line.strip() for line in text.splitlines() if line.strip())
            out.append(
                Source(
                    id=row["id"].strip(),
                    title=(row.get("title") or lines[0]).strip(),
                    date=(row.get("date") or "").strip(),
                    doc_type=(row.get("doc_type") or "").strip(),
                    issuer=(row.get("issuer") or "").strip(),
                    doc_number=(row.get("doc_number") or "").strip(),
                    format=(row.get("format") or "txt-utf8").strip(),
                    lines=lines,
                )
            )
    return out


def _pick(doc_id: str, salt: str, n: int = 2) -> int:
    """A deterministic choice among ``n`` variants for a document."""
    return zlib.crc32(f"{salt}:{doc_id}".encode()) % n


def _parse_date(value: str) -> datetime:
    parts = [int(p) for p in re.findall(r"\d+", value)[:3]] + [1, 1]
    year = parts[0] if parts and parts[0] > 1900 else 2020
    return datetime(year, max(1, min(parts[1], 12)), max(1, min(parts[2], 28)))


# ---------------------------------------------------------------------------
# Structure: what each line of a source is


@dataclass(frozen=True)
class Block:
    """A paragraph of a source with its role (title, heading, para, meta, docnum, addressee, sig, ref)."""

    role: str
    text: str


def structure(src: Source) -> list[Block]:
    """Give each line of a source a role used for layout."""
    lines = list(src.lines)
    blocks = [Block("title", lines[0])]
    body = lines[1:]
    # signature and date lines at the end of official documents
    tail: list[Block] = []
    if src.format != "pdf-journal" and body and DATE_LINE_RE.match(body[-1]):
        tail.insert(0, Block("sig", body.pop()))
        while body and len(body[-1]) <= 30 and not body[-1].endswith(("。", "；", "：")) and len(tail) < 3:
            tail.insert(0, Block("sig", body.pop()))
    in_refs = False
    seen_body = False
    for line in body:
        if src.format == "pdf-journal" and line.startswith(META_PREFIXES) and not seen_body:
            blocks.append(Block("meta", line))
        elif not seen_body and DOC_NUMBER_RE.search(line) and len(line) <= 40:
            blocks.append(Block("docnum", line))
        elif not seen_body and line.endswith("：") and len(line) <= 120 and not HEADING_RE.match(line):
            blocks.append(Block("addressee", line))
            seen_body = True
        elif line == "参考文献":
            blocks.append(Block("heading", line))
            in_refs = True
            seen_body = True
        elif in_refs and REFERENCE_RE.match(line):
            blocks.append(Block("ref", line))
        elif HEADING_RE.match(line) and len(line) <= 40:
            blocks.append(Block("heading", line))
            seen_body = True
        else:
            blocks.append(Block("para", line))
            seen_body = True
    return blocks + tail


# ---------------------------------------------------------------------------
# Fonts and line breaking

CJK_FONT = "DroidSansFallback"
LATIN_FONT = "Helvetica"
CID_FONT = "STSong-Light"
WIN_ANSI_EXTRA = set("—–·•“”‘’…×")
NO_LINE_START = set("，。、；：？！）》」』】〕”’…%％·")
_ASCII_TOKEN = re.compile(r"[\x21-\x7e]+ ?| ")


@lru_cache(maxsize=1)
def _register_fonts() -> frozenset[int]:
    from fontTools.ttLib import TTFont as FontFile
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(CJK_FONT, str(FONT_FILE)))
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    cmap = FontFile(str(FONT_FILE), lazy=True).getBestCmap()
    return frozenset(cmap)


def font_for(ch: str) -> str:
    """The font that draws a character: Helvetica for ASCII, the embedded CJK font, else STSong."""
    if " " <= ch <= "~" or ch in WIN_ANSI_EXTRA:
        return LATIN_FONT
    if ord(ch) in _register_fonts():
        return CJK_FONT
    return CID_FONT


@cache
def char_width(ch: str) -> float:
    """Advance width of a character at size 1."""
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(ch, font_for(ch), 1000) / 1000


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def runs(text: str) -> Iterator[tuple[str, str]]:
    """Split a line into (font, text) runs."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or font_for(text[i]) != font_for(text[start]):
            yield font_for(text[start]), text[start:i]
            start = i


def _tokens(text: str) -> list[str]:
    """Break units: one CJK character, or an ASCII word with its trailing space."""
    out: list[str] = []
    pos = 0
    for m in _ASCII_TOKEN.finditer(text):
        out.extend(text[pos : m.start()])
        out.append(m.group())
        pos = m.end()
    out.extend(text[pos:])
    return out


def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    """Greedy line breaking with a simple kinsoku rule (no closing punctuation at a line start)."""
    lines: list[list[str]] = [[]]
    avail = width - indent
    used = 0.0
    for tok in _tokens(text):
        w = text_width(tok.rstrip(), size)
        if used + w > avail + 0.01 and lines[-1]:
            carry: list[str] = []
            if tok[0] in NO_LINE_START and len(lines[-1]) > 1:
                carry = [lines[-1].pop()]
            lines.append(carry)
            avail = width
            used = text_width("".join(carry), size)
        if w > avail and not lines[-1]:  # a word longer than the line: break it
            for ch in tok:
                if used + char_width(ch) * size > avail and lines[-1]:
                    lines.append([])
                    used = 0.0
                lines[-1].append(ch)
                used += char_width(ch) * size
            continue
        lines[-1].append(tok)
        used += text_width(tok, size)
    return ["".join(t).rstrip() for t in lines if "".join(t).strip()]


# ---------------------------------------------------------------------------
# Placed lines and PDF pages


@dataclass
class Line:
    """A line of text placed on a page: baseline ``y``, ``x`` left edge, character spacing."""

    text: str
    x: float
    y: float
    size: float
    char_space: float = 0.0
    word_space: float = 0.0


@dataclass
class PageOps:
    """The lines of one page, grouped by region so they can be drawn in any order."""

    regions: dict[str, list[Line]] = field(default_factory=dict)
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y

    def add(self, region: str, line: Line) -> None:
        self.regions.setdefault(region, []).append(line)


@dataclass(frozen=True)
class Style:
    size: float
    leading: float
    align: str = "justify"  # justify | left | center | right
    indent: float = 0.0  # first-line indent in em
    before: float = 0.0  # extra space above, in points


def set_lines(text: str, style: Style, x0: float, width: float) -> list[Line]:
    """Break a paragraph into placed lines (y relative to the first baseline, going down)."""
    indent = style.indent * style.size
    wrapped = wrap(text, width, style.size, indent)
    out: list[Line] = []
    for i, t in enumerate(wrapped):
        first = i == 0
        last = i == len(wrapped) - 1
        lead = indent if first else 0.0
        natural = text_width(t, style.size)
        x = x0 + lead
        cs = ws = 0.0
        if style.align == "center":
            x = x0 + (width - natural) / 2
        elif style.align == "right":
            x = x0 + width - natural
        elif style.align == "justify" and not last and len(t) > 1:
            extra = width - lead - natural
            if re.search(r"[^\x00-\x7f]", t):
                cs = extra / (len(t) - 1)
            elif t.count(" "):
                ws = extra / t.count(" ")
        out.append(Line(t, x, -i * style.leading, style.size, cs, ws))
    return out


def draw_line(canvas: object, line: Line) -> None:
    """Draw one line run by run (fonts change between CJK and Latin text)."""
    c = canvas
    t = c.beginText(line.x, line.y)  # type: ignore[attr-defined]
    t.setCharSpace(line.char_space)
    t.setWordSpace(line.word_space)
    for font, chunk in runs(line.text):
        t.setFont(font, line.size)
        t.textOut(chunk)
    c.drawText(t)  # type: ignore[attr-defined]


def write_pdf(
    path: Path | io.BytesIO,
    pages: list[PageOps],
    *,
    title: str,
    date: str,
    draw_order: Iterable[str],
    encrypt: str | None = None,
    page_size: tuple[float, float] = (595.28, 841.89),
) -> None:
    """Write pages with reportlab, drawing regions in ``draw_order``; deterministic bytes."""
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    when = _parse_date(date)
    target = str(path) if isinstance(path, Path) else path
    c = Canvas(target, pagesize=page_size, invariant=1, encrypt=encrypt)
    c.setDateFormatter(lambda *_: when.strftime("D:%Y%m%d090000+08'00'"))
    c.setTitle(title)
    c.setProducer("policytext sample builder (reportlab)")
    order = list(draw_order)
    for page in pages:
        for region in order + sorted(set(page.regions) - set(order)):
            for line in page.regions.get(region, []):
                draw_line(c, line)
        c.setLineWidth(0.5)
        for x0, x1, y in page.rules:
            c.line(x0, y, x1, y)
        c.showPage()
    c.save()


A4_W, A4_H = 595.28, 841.89


class Flow:
    """Pours paragraphs into a sequence of frames (columns), opening pages as needed."""

    def __init__(
        self,
        frames: list[tuple[str, float, float]],
        *,
        top: float,
        bottom: float,
        new_page: Callable[[], PageOps],
        first_top: float | None = None,
        page: PageOps | None = None,
    ) -> None:
        self.frames = frames  # (region, x0, width); all frames have the same width
        self.top = top
        self.bottom = bottom
        self.new_page = new_page
        self.page = page if page is not None else new_page()
        self.frame = 0
        self.page_top = first_top if first_top is not None else top
        self.y = self.page_top

    def _next_frame(self) -> None:
        self.frame += 1
        if self.frame == len(self.frames):
            self.page = self.new_page()
            self.frame = 0
            self.page_top = self.top
        self.y = self.page_top

    def add(self, text: str, style: Style) -> None:
        _, start_x0, width = self.frames[self.frame]
        lines = set_lines(text, style, start_x0, width)
        if self.y != self.page_top:
            self.y -= style.before
        for line in lines:
            if self.y - style.size < self.bottom:
                self._next_frame()
            region, x0, _ = self.frames[self.frame]
            line.x += x0 - start_x0
            line.y = self.y - style.size
            self.page.add(region, line)
            self.y -= style.leading


PAGE_NUMBER_FORMS = ("— {n} —", "- {n} -", "第{n}页", "{n}")


def official_pages(src: Source, blocks: list[Block]) -> list[PageOps]:
    """One-column official layout: centred title, indented body, page-number footer, optional header."""
    pages: list[PageOps] = []
    left, right = 80.0, 75.0
    width = A4_W - left - right
    header = src.issuer if src.issuer and _pick(src.id, "header") == 0 else ""
    form = PAGE_NUMBER_FORMS[_pick(src.id, "folio", len(PAGE_NUMBER_FORMS))]

    def new_page() -> PageOps:
        page = PageOps()
        pages.append(page)
        folio = form.format(n=len(pages))
        page.add("footer", Line(folio, (A4_W - text_width(folio, 12)) / 2, 46, 12))
        if header:
            page.add("header", Line(header, A4_W - right - text_width(header, 10.5), A4_H - 52, 10.5))
            page.rules.append((left, A4_W - right, A4_H - 58))
        return page

    styles = {
        "title": Style(20, 32, "center"),
        "docnum": Style(14, 26, "center", before=8),
        "addressee": Style(14, 26, "justify", before=18),
        "heading": Style(14, 26, "justify", indent=2),
        "para": Style(14, 26, "justify", indent=2),
        "sig": Style(14, 26, "right"),
    }
    flow = Flow([("body", left, width)], top=A4_H - 92, bottom=84, new_page=new_page)
    prev = ""
    for block in blocks:
        style = styles.get(block.role, styles["para"])
        if block.role == "sig" and prev != "sig":
            style = Style(14, 26, "right", before=30)
        elif block.role in ("para", "heading") and prev == "title":
            style = Style(style.size, style.leading, style.align, style.indent, before=18)
        flow.add(block.text, style)
        prev = block.role
    return pages


def journal_pages(src: Source, blocks: list[Block]) -> list[PageOps]:
    """Two-column journal layout with full-width front matter and a running header."""
    pages: list[PageOps] = []
    left = right = 54.0
    gutter = 18.0
    full = A4_W - left - right
    col = (full - gutter) / 2
    when = _parse_date(src.date)
    journal = src.issuer or "城市发展研究"
    running = f"{journal} {when.year}年第{when.month}期"
    first_folio = 10 + zlib.crc32(src.id.encode()) % 90
    variant = _pick(src.id, "journal")

    def new_page() -> PageOps:
        page = PageOps()
        pages.append(page)
        folio = str(first_folio + len(pages) - 1)
        if variant == 0:
            page.add("header", Line(running, left, A4_H - 50, 9))
            page.add("header", Line(folio, A4_W - right - text_width(folio, 9), A4_H - 50, 9))
        else:
            page.add("header", Line(running, (A4_W - text_width(running, 9)) / 2, A4_H - 50, 9))
            folio = f"· {folio} ·"
            page.add("footer", Line(folio, (A4_W - text_width(folio, 9)) / 2, 36, 9))
        page.rules.append((left, A4_W - right, A4_H - 56))
        return page

    front = [b for b in blocks if b.role in ("title", "meta")]
    body = [b for b in blocks if b.role not in ("title", "meta")]
    head = Flow([("full", left, full)], top=A4_H - 80, bottom=60, new_page=new_page)
    for block in front:
        if block.role == "title":
            style = Style(16, 24, "center")
        elif block.text.startswith("作者："):
            style = Style(10.5, 16, "center", before=6)
        elif block.text.startswith("单位："):
            style = Style(9, 14, "center")
        else:
            style = Style(9, 14, "justify", before=4)
        head.add(block.text, style)
    y = head.y - 10
    head.page.rules.append((left, A4_W - right, y + 4))
    flow = Flow(
        [("left", left, col), ("right", left + col + gutter, col)],
        top=A4_H - 72,
        bottom=56,
        new_page=new_page,
        first_top=y - 6,
        page=head.page,
    )
    for block in body:
        if block.role == "heading":
            style = Style(10.5, 16, "left", before=5)
        elif block.role == "ref":
            style = Style(8, 12, "justify")
        else:
            style = Style(9.5, 15, "justify", indent=2)
        flow.add(block.text, style)
    return pages


def ground_truth(blocks: list[Block]) -> str:
    """The reading-order text of a rendered PDF: one paragraph per line."""
    return "".join(b.text + "\n" for b in blocks)


def build_pdf(src: Source, path: Path) -> str:
    """Write the PDF of a source and return its ground-truth text."""
    blocks = structure(src)
    if src.format == "pdf-journal":
        pages = journal_pages(src, blocks)
        order = ("header", "footer", "right", "full", "left")
    else:
        pages = official_pages(src, blocks)
        order = ("footer", "header", "body")
    write_pdf(path, pages, title=src.title, date=src.date, draw_order=order)
    return ground_truth(blocks)


# ---------------------------------------------------------------------------
# Text, HTML, docx, Markdown


def hard_wrap(text: str, width: int = 38) -> list[str]:
    """Cut a paragraph into lines of ``width`` characters, as text exported from a typesetter."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def plain_text(src: Source) -> str:
    """The text of a source as a realistic plain-text file (hard-wrapped for some documents)."""
    blocks = structure(src)
    wrapped = _pick(src.id, "wrap") == 0
    out = [blocks[0].text, ""]
    for block in blocks[1:]:
        indent = "\u3000\u3000" if block.role in ("para",) else ""
        if wrapped:
            out.extend(hard_wrap(indent + block.text))
        else:
            out.append(indent + block.text)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def html_page(src: Source) -> str:
    """A government-portal page around the document text."""
    blocks = structure(src)
    when = _parse_date(src.date).strftime("%Y-%m-%d")
    site = src.issuer or "中国政府网"
    body = "\n".join(
        f"<h3>{html.escape(b.text)}</h3>"
        if b.role == "heading"
        else f'<p style="text-align: right;">{html.escape(b.text)}</p>'
        if b.role == "sig"
        else f'<p style="text-indent: 2em;">{html.escape(b.text)}</p>'
        for b in blocks[1:]
    )
    title = html.escape(blocks[0].text)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_{html.escape(site)}</title>
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{when} 09:00">
</head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zhengce/">政策</a> | <a href="/hudong/">互动</a> | <a href="/fuwu/">服务</a> | <a href="/sousuo/">搜索</a></div>
<div class="crumb">首页 &gt; 政策文件</div>
<div class="article">
<h1>{title}</h1>
<div class="pages-date">发布时间：{when} 来源：{html.escape(site)}</div>
<div class="tools">下载 打印 全屏 收藏 字号：大 中 小</div>
<div id="UCAP-CONTENT" class="pages_content">
{body}
</div>
<div class="share">【我要纠错】 责任编辑：办公厅</div>
</div>
<div class="footer">主办单位：{html.escape(site)}办公厅 网站标识码：bm04000001 京ICP备05070218号 京公网安备11010202000001号</div>
</body>
</html>
"""


def markdown(src: Source) -> str:
    blocks = structure(src)
    out = [f"# {blocks[0].text}", ""]
    for b in blocks[1:]:
        out += [f"## {b.text}" if b.role == "heading" else b.text, ""]
    return "\n".join(out)


def write_docx(src: Source, path: Path) -> None:
    """A Word file with the title as heading and fixed core properties and zip timestamps."""
    import docx

    blocks = structure(src)
    when = _parse_date(src.date)
    document = docx.Document()
    document.add_heading(blocks[0].text, level=1)
    for b in blocks[1:]:
        if b.role == "heading":
            document.add_heading(b.text, level=2)
        else:
            document.add_paragraph(b.text)
    props = document.core_properties
    props.title = src.title
    props.author = src.issuer or ""
    props.created = when
    props.modified = when
    props.last_modified_by = ""
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    _write_fixed_zip(buf.getvalue(), path, (when.year, when.month, when.day, 9, 0, 0))


def _write_fixed_zip(data: bytes, path: Path, stamp: tuple[int, int, int, int, int, int]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))


def write_text(src: Source, path: Path) -> None:
    """Plain text in the encoding named by the format."""
    text = plain_text(src)
    fmt = src.format
    if fmt == "txt-big5":
        import opencc

        data = opencc.OpenCC("s2t").convert(text).encode("big5", errors="replace")
    elif fmt == "txt-gb18030":
        data = text.replace("\n", "\r\n").encode("gb18030")
    elif fmt == "txt-utf16":
        data = text.encode("utf-16")
    elif fmt == "txt-utf8-bom":
        data = text.encode("utf-8-sig")
    elif fmt == "md":
        data = markdown(src).encode("utf-8")
    else:
        data = text.encode("utf-8")
    path.write_bytes(data)


def build(sources: Path, out: Path, truth: Path) -> list[Path]:
    """Rebuild every sample file (and the ground truth of PDFs); return the written paths."""
    docs = read_sources(sources)
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for src in docs:
        if src.format not in EXTENSIONS:
            raise SystemExit(f"{src.id}: unknown format {src.format!r}; expected one of {sorted(EXTENSIONS)}")
        path = out / f"{src.id}.{EXTENSIONS[src.format]}"
        if src.format.startswith("pdf-"):
            gt = build_pdf(src, path)
            (truth / f"{src.id}.txt").write_text(gt, encoding="utf-8")
            written.append(truth / f"{src.id}.txt")
        elif src.format == "html":
            path.write_text(html_page(src), encoding="utf-8")
        elif src.format == "docx":
            write_docx(src, path)
        else:
            write_text(src, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--out", type=Path, default=SAMPLE)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    args = parser.parse_args(argv)
    written = build(args.sources, args.out, args.truth)
    print(f"wrote {len(written)} files to {args.out} and {args.truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
