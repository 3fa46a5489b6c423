"""Reading order that holds across producers: narrow gutters, and the real PDFs in ../shared."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from policytext.ingest.pdf import read_pdf

DATA = Path(__file__).resolve().parents[1] / "data"


def _make_columns():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_columns", DATA / "make_columns.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_columns"] = module
    spec.loader.exec_module(module)
    return module


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


@pytest.mark.parametrize("gutter_cm", [0.3, 0.35, 0.5, 0.7, 0.9, 1.2])
def test_two_columns_read_in_order_at_every_gutter(tmp_path: Path, pdf_dir: Path, gutter_cm: float) -> None:
    paragraphs = [
        p for p in (pdf_dir / "journal-header.txt").read_text(encoding="utf-8").splitlines() if len(p) > 30
    ]
    path = tmp_path / f"columns-{gutter_cm}.pdf"
    truth = _make_columns().columns_pdf(paragraphs * 2, path, gutter_cm=gutter_cm)
    got = squeeze("".join(read_pdf(path).pages))
    assert edit_distance(got, truth) / len(truth) <= 0.02


REAL = ["A01", "A02", "A04", "A11", "A13", "A17", "A22"]


@pytest.fixture(scope="module")
def real_dir(shared_dir: Path) -> Path:
    return shared_dir / "pdfs" / "real"


@pytest.mark.shared
@pytest.mark.parametrize("prefix", REAL)
def test_real_pdfs_are_read_without_hanging(real_dir: Path, prefix: str) -> None:
    path = next(real_dir.glob(f"{prefix}_*.pdf"))
    result = read_pdf(path, ocr="never")
    text = squeeze("".join(result.pages))
    assert len(result.pages) >= 1 and len(text) > 200


@pytest.mark.shared
def test_journal_template_that_hung_is_read(real_dir: Path) -> None:
    result = read_pdf(real_dir / "A04_journal_aas_template.pdf", ocr="never")
    assert len(result.pages) == 4 and "自动化学报" in squeeze("".join(result.pages))
