"""Tables in PDFs: a row a line, cells apart by one CELL_SEP through cleaning, marked in meta."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.clean.pipeline import clean_pages
from policytext.clean.resources import CELL_SEP
from policytext.clean.sentences import split_sentences
from policytext.ingest.document import assemble_document
from policytext.ingest.pdf import read_pdf

PRODUCERS = Path(__file__).resolve().parents[1] / "data" / "pdfs" / "producers"


def _truth_rows(name: str) -> list[list[str]]:
    lines = (PRODUCERS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [ln.split("\t") for ln in lines if "\t" in ln]


def test_a_table_is_marked_with_its_rows_and_cells() -> None:
    result = read_pdf(PRODUCERS / "chromium-gongwen.pdf", ocr="never")
    assert result.meta["tables"] == [{"page": 2, "rows": _truth_rows("chromium-gongwen")}]


def test_a_contents_list_is_no_table() -> None:
    assert read_pdf(PRODUCERS / "chromium-roman.pdf", ocr="never").meta["tables"] == []


def test_rows_keep_one_separator_through_cleaning_and_each_is_one_sentence() -> None:
    path = PRODUCERS / "chromium-gongwen.pdf"
    doc = assemble_document(read_pdf(path, ocr="never"), doc_id="x", path=str(path), size=1)
    sentences = [s.text for s in doc.sentences]
    for row in _truth_rows("chromium-gongwen"):
        line = CELL_SEP.join(row)
        assert line in doc.text.splitlines()
        assert line in sentences
    assert doc.reading["tables"][0]["page"] == 2


def test_the_cleaner_keeps_a_single_separator_and_glues_no_cells() -> None:
    cleaned = clean_pages(["行政处罚\t4119\t19 ", "行政复议\t3\n城市群\t\u3000发展"])
    # a lone tab is a cell separator; a tab inside a run of other white space is white space
    assert cleaned.text.splitlines() == ["行政处罚\t4119\t19", "行政复议\t3", "城市群发展"]


def test_a_row_is_one_sentence_whatever_its_cells_hold_and_prose_is_cut_as_before() -> None:
    text = "推进一体化发展。建立协调机制！\n措施\t完善机制。加强协调\t2025年\n下一段第一句。第二句"
    got = [s.text for s in split_sentences(text)]
    assert got == [
        "推进一体化发展。",
        "建立协调机制！",
        "措施\t完善机制。加强协调\t2025年",
        "下一段第一句。",
        "第二句",
    ]


def test_a_row_at_a_page_end_is_not_joined_to_the_next_page() -> None:
    cleaned = clean_pages(
        ["正文第一段的内容。\n指标名称\t数值说明较长的一格内容", "下一页开头的文字继续写下去没有标点"]
    )
    assert cleaned.text.splitlines()[1] == "指标名称\t数值说明较长的一格内容"


@pytest.mark.shared
def test_cells_of_a_real_report_table_are_not_glued(shared_dir: Path) -> None:
    path = shared_dir / "pdfs" / "real" / "A11_gov_annual_report_hongze_2023.pdf"
    doc = assemble_document(read_pdf(path, ocr="never"), doc_id="x", path=str(path), size=1)
    assert "行政处罚\t4119" in doc.text and "行政处罚4119" not in doc.text
    assert any(t["rows"][0][0] == "信息内容" for t in doc.reading["tables"])
