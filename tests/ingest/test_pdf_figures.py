"""Text of figures set beside the running text: kept out of the body flow (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.ingest.pdf import read_pdf

FONT = Path(__file__).resolve().parents[2] / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
TEXT = (
    "统一现状图数据库建设采用三级数据库架构基础库整合土地矿产海洋水森林草原湿地荒漠及国家公园九类"
    "自然资源调查监测数据通过数据抽取转换加载流程实现字段结构值域字典时空基准及元数据标识符的统一"
    "主题库聚焦重点区域面向业务有关应用场景基于基础库与公共库通过数据提取关联分析与专题建模形成定制化的数据产品"
)
LABELS = ["数据汇聚", "基础检查", "专题应用"]
CREDIT = "孙东明制图"
CAPTION = "图２ 统一现状图建设总体技术架构"  # the test font has no ASCII digits
SIZE = 10.5


def squeeze(text: str) -> str:
    return "".join(text.split())


def figure_pdf(path: Path) -> tuple[str, str]:
    """A two-column page (like a CNKI journal page): the left column ends above a figure that
    reaches into the right column, whose lines run on beside the figure, narrower. The figure
    holds small labels, a credit set upright at its left and a caption under it. Returns the
    two paragraphs of the body (left column, right column)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("FigureCJK", str(FONT)))
    c = Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)
    c.setFont("FigureCJK", SIZE)
    text = TEXT * 12
    fig_x0, fig_x1, fig_bottom, fig_top = 60.0, 400.0, 200.0, 400.0
    rows = list(range(780, int(fig_top) + 20, -16))  # the left column stops above the figure
    left = [text[21 * k : 21 * k + 21] for k in range(len(rows))]
    left[-1] = left[-1][:15] + "。"  # a short last line ends the paragraph
    pos = 21 * (len(rows) - 1) + 15
    for y, piece in zip(rows, left, strict=True):
        c.drawString(60, y, piece)
    right: list[str] = []
    for k, y in enumerate(range(780, 60, -16)):
        if k == 0:  # a paragraph starts, indented two characters
            x, n = 305 + 2 * SIZE, 19
        elif fig_bottom - 12 <= y <= fig_top + 12:  # beside the figure: narrower
            x, n = fig_x1 + 10, 12
        else:
            x, n = 305, 21
        right.append(text[pos : pos + n])
        pos += n
        c.drawString(x, y, right[-1])
    image = Image.new("RGB", (340, 200), (225, 235, 245))
    c.drawImage(ImageReader(image), fig_x0, fig_bottom, fig_x1 - fig_x0, fig_top - fig_bottom)
    c.setFont("FigureCJK", 7)
    for k, label in enumerate(LABELS):
        c.drawString(fig_x0 + 30 + 100 * k, fig_bottom + 100 + 20 * (k % 2), label)
    for k, ch in enumerate(CREDIT):  # a credit set upright just left of the figure
        c.drawString(fig_x0 - 9, fig_bottom + 80 - 8 * k, ch)
    c.setFont("FigureCJK", 9.5)
    c.drawString(fig_x0 + 90, fig_bottom - 14, CAPTION)
    c.showPage()
    c.save()
    return "".join(left), "".join(right)


def test_figure_text_beside_the_running_text_stays_out_of_the_body(tmp_path: Path) -> None:
    path = tmp_path / "figure.pdf"
    left, right = figure_pdf(path)
    result = read_pdf(path, ocr="never")
    lines = result.pages[0].splitlines()
    # the left column flows into the right one, and the lines beside the figure run on: two paragraphs
    assert [squeeze(ln) for ln in lines] == [left, right]
    figures = [a for a in result.meta["asides"] if a["kind"] == "figure"]
    assert len(figures) == 1
    aside = squeeze(figures[0]["text"])
    assert all(label in aside for label in LABELS)
    assert CREDIT in aside and aside.endswith(squeeze(CAPTION))


def test_an_image_behind_the_running_text_is_no_figure(tmp_path: Path) -> None:
    # a tinted image under a column (a background): the lines that cross its edge keep it in the body
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("FigureCJK", str(FONT)))
    path = tmp_path / "background.pdf"
    c = Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)
    c.drawImage(ImageReader(Image.new("RGB", (50, 200), (240, 240, 240))), 40, 200, 200, 560)
    c.setFont("FigureCJK", SIZE)
    pieces = []
    for k in range(30):
        n = 40 if k % 6 != 5 else 8  # the short last line of each paragraph lies over the image only
        piece = (TEXT * 3)[k * 40 : k * 40 + n]
        pieces.append(piece)
        c.drawString(60, 780 - 18 * k, piece)
    c.showPage()
    c.save()
    result = read_pdf(path, ocr="never")
    assert [a for a in result.meta["asides"] if a["kind"] == "figure"] == []
    assert squeeze(result.pages[0]) == "".join(pieces)


@pytest.mark.shared
def test_cnki_figure_credit_and_caption_leave_the_column_flow(shared_dir: Path) -> None:
    result = read_pdf(shared_dir / "pdfs" / "real" / "A01_journal_cnki_zhongguotudi_2025.pdf", ocr="never")
    page = result.pages[3]
    assert "孙" not in page.splitlines() and "图2 统一现状图建设总体技术架构" not in page
    # the left column's last paragraph is followed by the right column's first one
    assert "支撑各项自然资源管理工作。\n二是政务外网" in page
    # the lines set narrower beside the figure run on as one paragraph
    assert "专题应用等内容。其具体技术架构与技术路线如图 2、图 3 所示。\n一是数据汇聚。" in page
    figures = {a["page"]: squeeze(a["text"]) for a in result.meta["asides"] if a["kind"] == "figure"}
    assert figures[4] == "孙东明制图图2统一现状图建设总体技术架构"
