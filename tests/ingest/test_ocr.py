"""OCR of pages without a usable text layer: a noised 200-dpi scan of known text, mixed PDFs, modes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from policytext.errors import IngestError
from policytext.ingest.pdf import read_pdf

pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed (make setup installs it)")

DATA = Path(__file__).resolve().parents[1] / "data"


def _make_scans():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_scans", DATA / "make_scans.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scans"] = module
    spec.loader.exec_module(module)
    return module


def squeeze(text: str) -> str:
    return "".join(text.split())


def cer(got: str, want: str) -> float:
    """Character error rate, white space removed."""
    a, b = squeeze(got), squeeze(want)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(b))


@pytest.fixture(scope="module")
def truth(pdf_dir: Path) -> list[str]:
    return (pdf_dir / "official-dash.txt").read_text(encoding="utf-8").splitlines()[:8]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory, truth: list[str]) -> Path:
    return _make_scans().scan_pdf(truth, tmp_path_factory.mktemp("scan") / "scan.pdf", seed=7)


@pytest.fixture(scope="module")
def scanned(scan: Path):  # type: ignore[no-untyped-def]
    return read_pdf(scan)


def test_noised_scan_is_read_by_ocr_within_five_percent_cer(scanned, truth: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert len(scanned.pages) == 1
    assert cer(scanned.pages[0], "".join(truth)) <= 0.05
    assert "长江中游城市群协同发展" in squeeze(scanned.pages[0])


def test_ocr_pages_carry_provenance(scanned) -> None:  # type: ignore[no-untyped-def]
    assert scanned.engine == "rapidocr"
    assert scanned.meta["ocr_pages"] == [1] and scanned.meta["ocr_seconds"] > 0
    assert any("page 1" in w and "OCR (rapidocr)" in w for w in scanned.warnings)


def test_ocr_reflows_hard_wrapped_lines_into_paragraphs(scanned, truth: list[str]) -> None:  # type: ignore[no-untyped-def]
    paragraphs = [p for p in scanned.pages[0].splitlines() if p.strip()]
    assert len(paragraphs) == len(truth)  # one per paragraph, not one per printed line


def test_mixed_pdf_is_read_per_page(tmp_path: Path, pdf_dir: Path) -> None:
    import pypdfium2 as pdfium

    # the scanned page holds other text: a title repeated at the top of both pages is a running header
    truth = (pdf_dir / "official-dash.txt").read_text(encoding="utf-8").splitlines()[8:14]
    scan = _make_scans().scan_pdf(truth, tmp_path / "scan.pdf", seed=3)
    mixed = pdfium.PdfDocument.new()
    for source in (pdf_dir / "official-dash.pdf", scan):
        src = pdfium.PdfDocument(str(source))
        mixed.import_pages(src, [0])
        src.close()
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    mixed.close()
    result = read_pdf(path)
    assert result.engine == "pypdfium2+rapidocr" and result.meta["ocr_pages"] == [2]
    text_layer = read_pdf(pdf_dir / "official-dash.pdf", ocr="never").pages[0]
    assert squeeze(result.pages[0]) == squeeze(text_layer)  # the text layer page is not OCR'd
    assert cer(result.pages[1], "".join(truth)) <= 0.05


def test_never_leaves_scans_to_the_clear_error(scan: Path) -> None:
    with pytest.raises(IngestError) as err:
        read_pdf(scan, ocr="never")
    assert err.value.reason == "no_text" and "OCR" in err.value.message


def test_garbled_text_layer_goes_to_ocr_in_auto(pdf_dir: Path) -> None:
    result = read_pdf(pdf_dir / "garbled.pdf")
    assert "rapidocr" in result.engine and result.meta["ocr_pages"]
    golden = "".join((pdf_dir / "official-dash.txt").read_text(encoding="utf-8").split())
    assert cer("".join(result.pages), golden) <= 0.05


def test_image_without_text_is_still_a_clear_error(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "blank-scan.pdf"
    Image.new("L", (1654, 2339), 250).save(path, format="PDF", resolution=200)
    with pytest.raises(IngestError) as err:
        read_pdf(path)
    assert err.value.reason == "no_text" and "OCR found no text" in err.value.message


def test_unknown_ocr_mode_is_rejected(pdf_dir: Path) -> None:
    with pytest.raises(ValueError, match="OCR mode"):
        read_pdf(pdf_dir / "official-dash.pdf", ocr="sometimes")


def test_cli_ocr_modes_reach_the_reader_and_the_store(capsys, scan: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``--ocr never`` on ``text`` gives the clear no_text error; ``ingest`` (default auto) stores the
    OCR text with the engine and the OCR'd pages recorded."""
    import json
    import sqlite3

    from policytext.cli import main

    assert main(["text", str(scan), "--ocr", "never"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "scan.pdf" in err and "OCR" in err
    assert main(["text", str(scan), "--ocr", "sometimes"]) == 2
    assert "--ocr" in capsys.readouterr().err
    db = tmp_path / "s.db"
    assert main(["ingest", str(scan), "--db", str(db), "--quiet", "--no-extract"]) == 0
    con = sqlite3.connect(db)
    engine, meta, text = con.execute("SELECT engine, meta_json, text FROM documents").fetchone()
    con.close()
    assert "rapidocr" in engine
    assert json.loads(meta)["ocr_pages"] == [1]
    assert len(squeeze(text)) > 100
