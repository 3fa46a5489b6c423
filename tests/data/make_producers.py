"""Ground-truth PDFs printed by a real engine: Chromium (Skia/PDF), as a browser prints a web page.

``python tests/data/make_producers.py [--heldout] [--only=NAME] [OUT_DIR]`` writes, for every layout
below, ``<name>.pdf`` and ``<name>.txt`` (the text a reader should get, in reading order, one
paragraph a line; table rows with cells separated by a tab) into ``OUT_DIR`` (default
``tests/data/pdfs/producers``). Chromium is needed only to regenerate: the small PDFs are committed,
so tests and benchmarks run where no browser is installed.

Layouts, all set in the bundled CJK font and justified as browsers do:

* ``chromium-gongwen``: a 公文 (red title, document number, headings, indented paragraphs, a
  table) with running headers that differ on odd and even pages and ``- N -`` folios on the
  outer side;
* ``chromium-roman``: front matter with roman-numeral folios and a table of contents
  (entries with dot leaders and page numbers, kept one a line);
* ``chromium-columns-<gutter>``: a journal page (full-width title and abstract above two
  columns) at gutters of 0.35, 0.5 and 0.8 cm;
* ``chromium-web``: a web article with a navigation sidebar and a related-links box, which
  are not part of the body text;
* ``chromium-footnotes``: pages of a report with numbered footnotes (``①``) in a smaller font
  under a rule at the foot of each page; the notes are not body text: ``<name>.notes.txt`` holds
  them, one a line, for the readers that keep them apart.

The text comes from ``tests/data/sources`` (synthetic documents written for the tests).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
SOURCES = ROOT / "tests" / "data" / "sources"
OUT = ROOT / "tests" / "data" / "pdfs" / "producers"
GUTTERS = (0.35, 0.5, 0.8)
HELDOUT_GUTTERS = (0.4, 0.6, 1.0)

BASE_CSS = """
@font-face { font-family: "CJK"; src: url("FONT"); }
html { font-family: "CJK"; }
body { margin: 0; }
p { margin: 0; text-align: justify; }
"""

TABLE = [
    ["指标", "2020年", "2025年目标", "属性"],
    ["城市群常住人口城镇化率（%）", "62.9", "67", "预期性"],
    ["都市圈通勤铁路里程（公里）", "380", "800", "预期性"],
    ["跨市通办政务服务事项（项）", "120", "300", "约束性"],
    ["省际断头路（条）", "14", "0", "约束性"],
]


def _paragraphs(name: str) -> list[str]:
    lines = (SOURCES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip()]


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _page(css: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><style>'
        + BASE_CSS.replace("FONT", FONT.as_uri())
        + css
        + "</style></head><body>"
        + body
        + "</body></html>"
    )


def _table_html(rows: list[list[str]]) -> str:
    out = ['<table class="data">']
    for k, row in enumerate(rows):
        tag = "th" if k == 0 else "td"
        out.append("<tr>" + "".join(f"<{tag}>{_esc(c)}</{tag}>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _heading(text: str) -> bool:
    numbered = re.match(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\d+(\.\d+)*\s", text)
    return bool(numbered) and len(text) < 30


def gongwen(source: str = "test-official") -> tuple[str, list[str]]:
    """A 公文 with a red title, a table, odd/even running headers and outer ``- N -`` folios."""
    paras = _paragraphs(source)
    title, number, *rest = paras
    css = """
@page { size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }
@page :right { @top-right { content: "长江中游城市群协同发展实施意见"; font: 10pt "CJK"; }
               @bottom-right { content: "- " counter(page) " -"; font: 14pt "CJK"; } }
@page :left { @top-left { content: "湖北省发展和改革委员会"; font: 10pt "CJK"; }
              @bottom-left { content: "- " counter(page) " -"; font: 14pt "CJK"; } }
h1 { color: #c00; font-size: 22pt; text-align: center; font-weight: normal; margin: 0 0 12pt; }
.num { text-align: center; font-size: 16pt; margin-bottom: 18pt; }
p { font-size: 16pt; line-height: 28pt; text-indent: 2em; }
p.h { text-indent: 2em; font-weight: bold; }
p.to { text-indent: 0; }
table.data { border-collapse: collapse; margin: 12pt 0; font-size: 12pt; width: 100%; }
table.data td, table.data th { border: 1px solid #000; padding: 3pt 6pt; font-weight: normal; }
"""
    body = [f"<h1>{_esc(title)}</h1>", f'<div class="num">{_esc(number)}</div>']
    truth = [title, number]
    for k, p in enumerate(rest):
        cls = "to" if p.endswith("：") and k == 0 else ("h" if _heading(p) else "")
        body.append(f'<p class="{cls}">{_esc(p)}</p>')
        truth.append(p)
        if k == len(rest) // 2:
            body.append(_table_html(TABLE))
            truth.extend("\t".join(row) for row in TABLE)
    return _page(css, "".join(body)), truth


def roman(source: str = "test-journal") -> tuple[str, list[str]]:
    """Front matter: a table of contents and a preface, folios in lower-case roman numerals."""
    paras = _paragraphs(source)
    heads = [p for p in paras if _heading(p)][:8]
    text = [p for p in paras if not _heading(p) and len(p) > 60][:6]
    css = """
@page { size: A5; margin: 2cm 1.8cm 2.2cm 1.8cm;
        @bottom-center { content: counter(page, lower-roman); font: 10pt "CJK"; } }
h2 { font-size: 15pt; text-align: center; font-weight: normal; margin: 0 0 10pt; }
.toc div { display: flex; font-size: 10.5pt; line-height: 18pt; }
.toc .t { white-space: nowrap; }
.toc .dots { flex: 1; border-bottom: 1px dotted #000; margin: 0 4pt 5pt; }
p { font-size: 10.5pt; line-height: 17pt; text-indent: 2em; }
.brk { break-before: page; }
"""
    body = ["<h2>目录</h2>", '<div class="toc">']
    truth = ["目录"]
    for k, h in enumerate(heads):
        entry = f'<span class="t">{_esc(h)}</span><span class="dots"></span><span>{k + 1}</span>'
        body.append(f"<div>{entry}</div>")
        truth.append(f"{h}\t{k + 1}")
    body.append('</div><h2 class="brk">前言</h2>')
    truth.append("前言")
    for p in text:
        body.append(f"<p>{_esc(p)}</p>")
        truth.append(p)
    return _page(css, "".join(body)), truth


def columns(gutter_cm: float, source: str = "test-journal") -> tuple[str, list[str]]:
    """A journal page: full-width title and abstract, then two columns ``gutter_cm`` apart."""
    paras = _paragraphs(source)
    title = paras[0]
    abstract = next((p for p in paras if p.startswith("摘要")), paras[3])
    front = ("关键词", "Abstract", "Key")
    body_paras = [p for p in paras[1:] if p is not abstract and not p.startswith(front)]
    css = f"""
@page {{ size: A4; margin: 2.2cm 2cm 2.4cm 2cm; }}
h1 {{ font-size: 18pt; text-align: center; font-weight: normal; margin: 0 0 10pt; }}
.abs {{ font-size: 9pt; line-height: 14pt; margin: 0 1.5cm 12pt; }}
.cols {{ column-count: 2; column-gap: {gutter_cm}cm; }}
.cols p {{ font-size: 10.5pt; line-height: 16pt; text-indent: 2em; }}
.cols p.h {{ text-indent: 0; font-weight: bold; margin: 4pt 0; }}
"""
    body = [f"<h1>{_esc(title)}</h1>", f'<p class="abs">{_esc(abstract)}</p>', '<div class="cols">']
    truth = [title, abstract]
    for p in body_paras[:16]:
        body.append(f'<p class="{"h" if _heading(p) else ""}">{_esc(p)}</p>')
        truth.append(p)
    body.append("</div>")
    return _page(css, "".join(body)), truth


def web(source: str = "test-official") -> tuple[str, list[str]]:
    """A web article with a navigation sidebar and a related-links box beside the text."""
    paras = _paragraphs(source)[2:12]
    css = """
@page { size: A4; margin: 1.5cm; }
.wrap { display: flex; gap: 0.8cm; }
nav { width: 3.2cm; font-size: 9pt; line-height: 15pt; border-right: 1px solid #999; padding-right: 6pt; }
nav div { margin-bottom: 4pt; }
main { flex: 1; }
main h1 { font-size: 17pt; font-weight: normal; margin: 0 0 10pt; }
main p { font-size: 11pt; line-height: 19pt; text-indent: 2em; margin-bottom: 4pt; }
aside { float: right; width: 4.2cm; margin: 0 0 6pt 10pt; padding: 6pt; border: 1px solid #999;
        font-size: 9pt; line-height: 14pt; }
"""
    nav = ["首页", "政务公开", "政策文件", "政策解读", "发展规划", "区域协调", "统计数据"]
    nav += ["互动交流", "办事服务"]
    related = ["相关阅读：", "长江中游城市群发展规划解读", "武汉都市圈发展三年行动方案"]
    related.append("湖北省区域协调发展情况通报")
    head = "长江中游城市群协同发展实施意见全文"
    body = ['<div class="wrap"><nav>', *(f"<div>{_esc(n)}</div>" for n in nav), "</nav><main>"]
    body.append(f"<h1>{_esc(head)}</h1>")
    truth = [head]
    for k, p in enumerate(paras):
        if k == 1:
            body.append("<aside>" + "".join(f"<div>{_esc(r)}</div>" for r in related) + "</aside>")
        body.append(f"<p>{_esc(p)}</p>")
        truth.append(p)
    body.append("</main></div>")
    return _page(css, "".join(body)), truth


NOTES = [
    "①《长江中游城市群发展“十四五”实施方案》，国家发展改革委2022年2月印发。",
    "②跨界断面水质考核以国家地表水环境质量标准为依据，按月监测、按季通报。",
    "③医保异地就医直接结算覆盖全部统筹地区和定点医疗机构。",
    "④产业园区税收分享比例由合作各方协商确定，原则上不低于百分之三十。",
]


def footnotes(source: str = "test-official") -> tuple[str, list[str], list[str]]:
    """Report pages with numbered footnotes under a rule at the foot of each page (Chromium has no
    CSS footnotes: each page is a box of the page's height with the notes set at its bottom)."""
    paras = [p for p in _paragraphs(source) if len(p) > 40]
    css = """
@page { size: A4; margin: 2.5cm 2.5cm 2cm 2.5cm; }
.page { position: relative; height: 24.5cm; break-after: page; }
.page:last-child { break-after: auto; }
p { font-size: 12pt; line-height: 22pt; text-indent: 2em; margin-bottom: 6pt; }
.notes { position: absolute; bottom: 0; left: 0; right: 0; border-top: 0.75pt solid #000;
         padding-top: 6pt; width: 6cm; }
.notes div { font-size: 9pt; line-height: 13pt; width: 16cm; }
"""
    body: list[str] = []
    truth: list[str] = []
    notes: list[str] = []
    chunks: list[list[str]] = [[], []]
    for p in paras:  # what fits above the notes: about 700 characters a page
        page = next((c for c in chunks if sum(map(len, c)) + len(p) <= 700), None)
        if page is not None:
            page.append(p)
    for k, chunk in enumerate(chunks):
        page_notes = NOTES[2 * k : 2 * k + 2]
        html_paras = []
        for j, p in enumerate(chunk):
            text = p + (page_notes[j][0] if j < len(page_notes) else "")
            html_paras.append(f"<p>{_esc(text)}</p>")
            truth.append(text)
        note_html = "".join(f"<div>{_esc(n)}</div>" for n in page_notes)
        body.append(f'<div class="page">{"".join(html_paras)}<div class="notes">{note_html}</div></div>')
        notes.extend(page_notes)
    return _page(css, "".join(body)), truth, notes


def layouts(*, heldout: bool = False) -> dict[str, tuple[str, list[str]]]:
    """Every layout by name: (HTML, ground-truth lines).

    ``heldout``: the same layouts with the two source texts swapped and other gutters
    (0.4, 0.6, 1.0 cm), for figures on PDFs the layout rules were not developed on.
    """
    if heldout:
        out = {
            "chromium-gongwen": gongwen("test-journal"),
            "chromium-roman": roman("test-official"),
            "chromium-web": web("test-journal"),
        }
        for g in HELDOUT_GUTTERS:
            out[f"chromium-columns-{g}"] = columns(g, "test-official")
        return out
    out = {"chromium-gongwen": gongwen(), "chromium-roman": roman(), "chromium-web": web()}
    for g in GUTTERS:
        out[f"chromium-columns-{g}"] = columns(g)
    return out


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("no Chromium on PATH: the PDFs committed in tests/data/pdfs/producers stay as they are")


def print_pdf(html_text: str, target: Path) -> None:
    """Print ``html_text`` to ``target`` with headless Chromium (no browser header or footer)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html_text, encoding="utf-8")
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={target}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(out: Path = OUT, *, heldout: bool = False, only: str | None = None) -> None:
    """Print every layout (or the one named ``only``) to ``out/<name>.pdf`` with its ground truth
    ``out/<name>.txt`` (and ``out/<name>.notes.txt`` for the footnotes)."""
    out.mkdir(parents=True, exist_ok=True)
    made = layouts(heldout=heldout)
    page, truth, notes = footnotes("test-journal" if heldout else "test-official")
    made["chromium-footnotes"] = (page, truth)
    for name, (page, truth) in made.items():
        if only is not None and name != only:
            continue
        print_pdf(page, out / f"{name}.pdf")
        (out / f"{name}.txt").write_text("\n".join(truth) + "\n", encoding="utf-8")
        if name == "chromium-footnotes":
            (out / f"{name}.notes.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")
        print(name, (out / f"{name}.pdf").stat().st_size, "bytes")


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    only = next((f.split("=", 1)[1] for f in flags if f.startswith("--only=")), None)
    main(Path(args[0]) if args else OUT, heldout="--heldout" in flags, only=only)
