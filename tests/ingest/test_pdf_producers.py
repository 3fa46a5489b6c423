"""Reading order, re-flow and page furniture on PDFs printed by a real engine (Chromium), and the
layout rules they need: tight punctuation, ligatures, roman folios, table rows, narrow gutters."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from policytext.ingest.boilerplate import is_page_number
from policytext.ingest.layout import Char, expand_ligature, page_rows
from policytext.ingest.pdf import MAX_STREAM_BYTES, _cannot_exceed, read_pdf

PRODUCERS = Path(__file__).resolve().parents[1] / "data" / "pdfs" / "producers"
MADE = sorted(p.stem for p in PRODUCERS.glob("*.pdf"))


def squeeze(text: str) -> str:
    return "".join(text.split())


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def truth_lines(name: str) -> list[str]:
    return (PRODUCERS / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def test_made_pdfs_are_committed() -> None:
    assert {"chromium-gongwen", "chromium-roman", "chromium-columns-0.35", "chromium-columns-0.5"} <= set(
        MADE
    )


@pytest.mark.parametrize("name", MADE)
def test_made_pdf_reads_at_low_cer_with_nothing_left_over(name: str) -> None:
    pages = read_pdf(PRODUCERS / f"{name}.pdf").pages
    truth = squeeze("".join(truth_lines(name)))
    got = squeeze("".join(pages))
    assert edit_distance(got, truth) / len(truth) <= 0.02
    # no running header, folio or other line that is not text of the document
    assert [ln for page in pages for ln in page.splitlines() if squeeze(ln) not in truth] == []


@pytest.mark.parametrize("name", ["chromium-gongwen", "chromium-columns-0.35", "chromium-columns-0.5"])
def test_made_pdf_paragraphs_come_out_whole(name: str) -> None:
    # hard wraps re-flowed: every paragraph of the ground truth is one line of the output
    lines = {squeeze(ln) for page in read_pdf(PRODUCERS / f"{name}.pdf").pages for ln in page.splitlines()}
    paragraphs = [squeeze(p) for p in truth_lines(name) if len(p) > 60 and "\t" not in p]
    whole = [p for p in paragraphs if p in lines]
    assert len(whole) >= len(paragraphs) - 1  # a paragraph cut by a page break is two lines


def test_gongwen_table_rows_keep_their_cells_apart() -> None:
    text = "\n".join(read_pdf(PRODUCERS / "chromium-gongwen.pdf").pages)
    rows = [ln for ln in truth_lines("chromium-gongwen") if "\t" in ln]
    assert len(rows) == 5
    for row in rows:
        assert row in text.splitlines()  # one line per row, cells separated by a tab


def test_contents_entries_stay_one_a_line_with_their_page() -> None:
    lines = read_pdf(PRODUCERS / "chromium-roman.pdf").pages[0].splitlines()
    entries = [ln for ln in truth_lines("chromium-roman") if "\t" in ln]
    assert entries and all(e in lines for e in entries)


def test_roman_folios_are_page_numbers() -> None:
    assert all(is_page_number(t) for t in ["i", "ii", "iv", "ix", "xiv", "- vi -", "XII"])
    assert not any(is_page_number(t) for t in ["is", "I am", "vv", "mix", "iii a", "v."])


def test_ligatures_expand_only_latin_ligatures() -> None:
    assert expand_ligature("E\ufb00ects of \ufb01nance") == "Effects of finance"
    assert expand_ligature("城市群，都市圈（一）") == "城市群，都市圈（一）"  # full-width forms stay


def _line(text: str, x: float, step: float, top: float = 100.0, size: float = 10.0) -> list[Char]:
    out = []
    for ch in text:
        out.append(Char(ch, x, top, x + size, top + size, size))
        x += step
    return out


def test_letters_of_a_ligature_in_one_box_are_kept_in_order() -> None:
    # PDFium gives "ff" of "Effects" as two letters with the same box; neither is dropped as a duplicate
    chars = [
        *_line("E", 100, 6, size=10),
        Char("f", 106, 100, 112, 110, 10),
        Char("f", 106, 100, 112, 110, 10),
    ]
    chars += _line("ects", 112, 5, size=10)
    rows = page_rows(chars)
    assert [s.text for row in rows for s in row] == ["Effects"]


def test_tight_full_width_punctuation_stays_in_its_line() -> None:
    # Word for Mac sets "》，" tight: the comma's em box starts inside the bracket's; the line stays whole
    chars = _line("分为《前出师表》", 80, 16) + _line("，最常见、", 80 + 8 * 16 - 8, 16)
    rows = page_rows(chars)
    assert [s.text for row in rows for s in row] == ["分为《前出师表》，最常见、"]


def test_short_stream_with_ordinary_content_is_not_inflated_whole() -> None:
    data = zlib.compress(b"0 0 m 10 10 l S\n" * 1000)
    assert _cannot_exceed(data, 0, len(data), MAX_STREAM_BYTES)
    nested = zlib.compress(zlib.compress(b"\0" * 100_000))  # [/FlateDecode /FlateDecode]: counted
    assert not _cannot_exceed(nested, 0, len(nested), MAX_STREAM_BYTES)
    assert not _cannot_exceed(data, 0, len(data), 1000)  # longer than limit / 1032: counted


@pytest.mark.shared
def test_real_word_for_mac_lines_keep_their_pieces_in_order(shared_dir: Path) -> None:
    text = squeeze(
        "".join(read_pdf(shared_dir / "pdfs" / "real" / "A13_gongwen_word_mac.pdf", ocr="never").pages)
    )
    assert (
        "上给后主刘禅的一篇著名奏章，分为《前出师表》和《后出师表》，最常见、流传最广的是《前出师表》。"
        in text
    )


@pytest.mark.shared
def test_real_journal_abstract_reads_in_order(shared_dir: Path) -> None:
    page = read_pdf(shared_dir / "pdfs" / "real" / "A02_journal_page_pymupdf4182.pdf", ocr="never").pages[0]
    assert (
        "摘要：数字交互时代，数字拟人品兼具了拟人产品互动性、数字产品数字技术内核以及自身内容化，表现出"
        in squeeze(page)
    )


def test_web_navigation_sidebar_and_box_are_kept_apart_from_the_body() -> None:
    result = read_pdf(PRODUCERS / "chromium-web.pdf")
    lines = result.pages[0].splitlines()
    head = truth_lines("chromium-web")[0]
    assert lines[0] == head  # the article's heading first, not the navigation beside it
    body = "".join(lines)
    assert not any(item in body for item in ["政务公开", "办事服务", "相关阅读", "情况通报"])
    kinds = {a["kind"]: a for a in result.meta["asides"]}
    assert set(kinds) == {"sidebar", "float"} and all(a["page"] == 1 for a in kinds.values())
    nav = squeeze(kinds["sidebar"]["text"])
    assert all(item in nav for item in ["首页", "政务公开", "办事服务"])
    box = squeeze(kinds["float"]["text"])
    assert box.startswith("相关阅读：") and box.endswith("湖北省区域协调发展情况通报")
    # the sentence wrapped beside the box runs on
    assert any(ln.startswith("为深入贯彻落实") and ln.endswith("提出如下实施意见。") for ln in lines)
