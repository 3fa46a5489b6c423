"""Text kept apart from the body flow: boxes floated in a column, sidebars, footnotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.ingest.document import assemble_document
from policytext.ingest.pdf import join_ranges, read_pdf

FONT = Path(__file__).resolve().parents[2] / "policytext" / "data" / "fonts" / "DroidSansFallbackFull.ttf"
BODY = (
    "推动长江中游城市群协同发展是构建新发展格局的重要举措各地要加强组织领导完善工作机制强化政策协同"
    "确保各项任务落到实处形成上下联动部门协同的工作格局不断提高区域协调发展水平"
)
BOX = ["相关阅读：", "城市群发展规划解读", "都市圈三年行动方案", "区域协调情况通报"]


def squeeze(text: str) -> str:
    return "".join(text.split())


def _canvas(path: Path):  # type: ignore[no-untyped-def]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("AsideCJK", str(FONT)))
    return Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def float_pdf(path: Path, *, side: int) -> str:
    """A column of 11 pt text flowing around a 9 pt box on the ``side`` (0 left, 1 right) of the
    column; returns the body text in reading order."""
    c = _canvas(path)
    left, right, size = 60.0, 535.0, 11.0
    full = int((right - left) // size)
    box_w = 130.0
    narrow = int((right - left - box_w - 20) // size)
    text = BODY * 8
    pos, y = 0, 780.0
    lines: list[str] = []
    c.setFont("AsideCJK", size)
    for k in range(14):
        beside = 3 <= k < 9
        n = narrow if beside else full
        piece = text[pos : pos + n]
        pos += n
        x = left + box_w + 20 if beside and side == 0 else left
        c.drawString(x, y, piece)
        lines.append(piece)
        y -= 19
    c.setFont("AsideCJK", 9)
    bx = left if side == 0 else right - box_w
    by = 780.0 - 3 * 19 - 4
    for item in BOX:
        c.drawString(bx, by, item)
        by -= 14
    c.showPage()
    c.save()
    return "".join(lines)


@pytest.mark.parametrize("side", [0, 1])
def test_a_box_floated_in_the_column_is_cut_out_at_its_local_gutter(tmp_path: Path, side: int) -> None:
    path = tmp_path / f"float-{side}.pdf"
    body = float_pdf(path, side=side)
    result = read_pdf(path, ocr="never")
    assert squeeze(result.pages[0]) == body
    assert len(result.pages[0].splitlines()) == 1  # the paragraph runs on beside the box
    assert [a["kind"] for a in result.meta["asides"]] == ["float"]
    assert squeeze(result.meta["asides"][0]["text"]) == "".join(BOX)


def test_rows_of_a_table_in_the_body_size_are_no_float(tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    c = _canvas(path)
    c.setFont("AsideCJK", 11)
    y = 800.0
    for k in range(8):
        y -= 19
        c.drawString(60, y, BODY[k * 10 : k * 10 + 40])
    for value in "一二三四五六":
        y -= 19
        c.drawString(60, y, f"指标名称第{value}项")
        c.drawString(400, y, f"{value}十万元")
    for k in range(8):
        y -= 19
        c.drawString(60, y, BODY[k * 10 : k * 10 + 40])
    c.showPage()
    c.save()
    result = read_pdf(path, ocr="never")
    assert result.meta["asides"] == []
    assert "指标名称第三项\t三十万元" in result.pages[0].splitlines()


def test_asides_reach_the_document_and_survive_joined_ranges(tmp_path: Path) -> None:
    path = tmp_path / "float.pdf"
    float_pdf(path, side=1)
    whole = read_pdf(path, ocr="never")
    assert join_ranges(path, [read_pdf(path, ocr="never", pages=(0, 1))], ocr="never").meta == whole.meta
    doc = assemble_document(whole, doc_id="x", path=str(path), size=1)
    assert doc.reading["asides"] == whole.meta["asides"]
    assert "相关阅读" not in doc.text


PRODUCERS = Path(__file__).resolve().parents[1] / "data" / "pdfs" / "producers"


def test_footnotes_at_the_page_foot_go_to_asides_page_by_page() -> None:
    path = PRODUCERS / "chromium-footnotes.pdf"
    result = read_pdf(path, ocr="never")
    notes = (PRODUCERS / "chromium-footnotes.notes.txt").read_text(encoding="utf-8").splitlines()
    footnotes = [a for a in result.meta["asides"] if a["kind"] == "footnote"]
    assert [a["page"] for a in footnotes] == [1, 2]
    assert [ln for a in footnotes for ln in a["text"].splitlines()] == notes
    body = squeeze("".join(result.pages))
    assert not any(squeeze(n)[1:] in body for n in notes)
    truth = squeeze((PRODUCERS / "chromium-footnotes.txt").read_text(encoding="utf-8"))
    assert body == truth


@pytest.mark.shared
def test_a_journal_first_page_keeps_its_notes_apart(shared_dir: Path) -> None:
    result = read_pdf(shared_dir / "pdfs" / "real" / "A04_journal_aas_template.pdf", ocr="never")
    notes = [a for a in result.meta["asides"] if a["kind"] == "footnote"]
    assert [a["page"] for a in notes] == [1]
    assert notes[0]["text"].startswith("收稿日期") and "Recommended by" in notes[0]["text"]
    first = result.pages[0]
    assert "收稿日期" not in first and "本文是《自动化学报》中文稿件" in squeeze(first)


@pytest.mark.shared
@pytest.mark.parametrize("prefix", ["A01", "A02", "A04", "A11", "A13", "A17", "A22"])
def test_real_pages_without_boxes_keep_their_text_in_the_body(shared_dir: Path, prefix: str) -> None:
    # tables, lists, figures beside text (their text is kind "figure"), author photos with their notes:
    # none is a float or sidebar
    path = next((shared_dir / "pdfs" / "real").glob(f"{prefix}_*.pdf"))
    asides = read_pdf(path, ocr="never").meta["asides"]
    assert [a for a in asides if a["kind"] not in ("footnote", "figure")] == []
