"""Page ranges: a long PDF read in consecutive ranges (by several workers) joins into the whole."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from policytext.errors import IngestError
from policytext.ingest.document import assemble_document
from policytext.ingest.pdf import join_ranges, page_count, read_pdf
from policytext.types import ExtractedText


def _without_timing(result: ExtractedText) -> tuple[object, ...]:
    meta = {k: v for k, v in result.meta.items() if k != "ocr_seconds"}
    return result.pages, result.engine, meta, result.warnings, result.first_page, result.paged


def _ranges(count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(count, start + size)) for start in range(0, count, size)]


@pytest.fixture(scope="module")
def real_dir(shared_dir: Path) -> Path:
    return shared_dir / "pdfs" / "real"


@pytest.mark.shared
def test_page_count_matches_the_manifest(real_dir: Path) -> None:
    with (real_dir / "MANIFEST.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert page_count(real_dir / row["file"]) == int(row["pages"]), row["file"]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("prefix", "size"),
    [("A13", 5), ("A17", 1), ("A17", 4), ("A22", 3), ("A22", 7), ("A01", 2)],
)
def test_joined_ranges_equal_the_whole_real_file(real_dir: Path, prefix: str, size: int) -> None:
    path = next(real_dir.glob(f"{prefix}_*.pdf"))
    whole = read_pdf(path, ocr="never")
    parts = [read_pdf(path, ocr="never", pages=r) for r in _ranges(page_count(path), size)]
    joined = join_ranges(path, parts, ocr="never")
    assert _without_timing(joined) == _without_timing(whole)
    # the clean document, its sentences and their pages are the same too
    a = assemble_document(joined, doc_id="x", path=str(path), size=1)
    b = assemble_document(whole, doc_id="x", path=str(path), size=1)
    assert a.text == b.text and a.sentences == b.sentences and a.pages == b.pages


@pytest.mark.shared
def test_a_range_keeps_the_file_page_numbers(real_dir: Path) -> None:
    path = real_dir / "A13_gongwen_word_mac.pdf"
    whole = read_pdf(path, ocr="never")
    part = read_pdf(path, ocr="never", pages=(5, 9))
    assert part.first_page == 6 and part.pages == whole.pages[5:9]
    doc = assemble_document(part, doc_id="x", path=str(path), size=1)
    assert [p.number for p in doc.pages] == [6, 7, 8, 9]
    assert {s.page for s in doc.sentences} <= {6, 7, 8, 9}
    assert doc.sentences[0].page == 6


def test_notes_of_a_range_name_file_pages(pdf_dir: Path) -> None:
    path = pdf_dir / "engine-split.pdf"
    first = read_pdf(path, engine="pdfplumber,pypdfium2", pages=(0, 1))
    second = read_pdf(path, engine="pdfplumber,pypdfium2", pages=(1, 2))
    assert first.warnings == [] and first.engine == "pdfplumber"
    assert second.warnings == ["page 2: pdfplumber: garbled; used pypdfium2"]
    assert second.engine == "pypdfium2"
    whole = read_pdf(path, engine="pdfplumber,pypdfium2")
    joined = join_ranges(path, [first, second], engine="pdfplumber,pypdfium2")
    assert _without_timing(joined) == _without_timing(whole)
    assert joined.engine == "pdfplumber+pypdfium2"


def test_running_headers_go_at_a_range_boundary(pdf_dir: Path) -> None:
    path = pdf_dir / "journal-header.pdf"
    whole = read_pdf(path)
    assert [read_pdf(path, pages=(i, i + 1)).pages[0] for i in range(2)] == whole.pages


def test_a_partial_range_without_text_is_no_error_but_the_whole_is(pdf_dir: Path) -> None:
    path = pdf_dir / "garbled.pdf"
    part = read_pdf(path, ocr="never", pages=(1, 2))
    assert part.pages == [""] and "page 2" in part.warnings[0] and "garbled" in part.warnings[0]
    first = read_pdf(path, ocr="never", pages=(0, 1))
    with pytest.raises(IngestError) as err:
        join_ranges(path, [first, part], ocr="never")
    assert err.value.reason == "no_text" and "garbled" in err.value.message
    with pytest.raises(IngestError) as whole_err:
        read_pdf(path, ocr="never")
    assert whole_err.value.message == err.value.message


@pytest.mark.parametrize("pages", [(2, 3), (1, 1), (-1, 1), (0, 3)])
def test_a_range_outside_the_file_is_refused(pdf_dir: Path, pages: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="page range"):
        read_pdf(pdf_dir / "official-dash.pdf", pages=pages)


def test_ranges_that_do_not_follow_each_other_are_refused(pdf_dir: Path) -> None:
    path = pdf_dir / "official-dash.pdf"
    second = read_pdf(path, pages=(1, 2))
    with pytest.raises(ValueError, match="not consecutive"):
        join_ranges(path, [second, second])
    with pytest.raises(ValueError, match="at least one"):
        join_ranges(path, [])


def test_page_count_refuses_what_read_pdf_refuses(pdf_dir: Path) -> None:
    with pytest.raises(IngestError) as err:
        page_count(pdf_dir / "truncated.pdf")
    assert err.value.reason == "corrupt"
    assert page_count(pdf_dir / "official-dash.pdf") == 2
