"""Exports opened by the programs they are for, where those run here: LibreOffice (headless) opens
the Excel workbook and the CSV files, pandas reads every table format, spaCy reads the DocBin.
A filtered export holds what the same filters select in a query."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from policytext import query as q
from policytext.export import export

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
TEXT_COLUMNS = ("document", "title", "type_zh", "text", "sentence")


def _soffice(tmp_path: Path, convert_to: str, src: Path, *infilter: str) -> Path:
    out = tmp_path / "lo-out"
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: never the user's settings
    cmd = [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    cmd += [*infilter, "--convert-to", convert_to, "--outdir", str(out), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def exported(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("in-tools")
    for fmt in ("csv", "xlsx", "parquet", "jsonl", "stata"):
        export(sample_db, out / fmt, fmt=fmt)
    return out


@pytest.mark.slow
@needs_libreoffice
def test_xlsx_opens_in_libreoffice(exported: Path, tmp_path: Path) -> None:
    # every sheet back to CSV (UTF-8, sheet -1 = all sheets), then compared with the export's own CSV
    out = _soffice(
        tmp_path, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
        exported / "xlsx" / "policytext.xlsx",
    )  # fmt: skip
    for table in ("documents", "mentions", "sentences"):
        lo = pd.read_csv(out / f"policytext-{table}.csv", dtype=str, keep_default_na=False)
        ours = pd.read_csv(
            exported / "csv" / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        assert list(lo.columns) == list(ours.columns), table
        assert len(lo) == len(ours) > 0, table
        for col in TEXT_COLUMNS:
            if col in ours.columns:
                assert lo[col].tolist() == ours[col].tolist(), (table, col)
        for col in ("year", "date_start"):
            if col in ours.columns:
                assert lo[col].tolist() == ours[col].tolist(), (table, col)  # integers and ISO dates


@pytest.mark.slow
@needs_libreoffice
def test_csv_opens_in_libreoffice_as_utf8(exported: Path, tmp_path: Path) -> None:
    # no character set given: LibreOffice must find UTF-8 itself (the byte order mark says so)
    src = tmp_path / "mentions.csv"
    shutil.copy(exported / "csv" / "mentions.csv", src)
    out = _soffice(tmp_path, "xlsx", src, "--infilter=CSV:44,34,,1")
    from openpyxl import load_workbook

    rows = list(load_workbook(out / "mentions.xlsx", read_only=True).active.iter_rows(values_only=True))
    ours = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(rows[0]) == list(ours.columns)  # the first header is "doc_id", not "\ufeffdoc_id"
    col = list(ours.columns).index("sentence")
    assert [r[col] or "" for r in rows[1:]] == ours["sentence"].tolist()
    assert any("城市群" in (r[col] or "") for r in rows[1:])


def test_pandas_reads_every_table_format(exported: Path) -> None:
    readers = {
        "csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"),
        "parquet": pd.read_parquet,
        "jsonl": lambda p: pd.read_json(p, lines=True),
        "stata": pd.read_stata,
    }
    suffix = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl", "stata": "dta"}
    sizes: dict[str, set[int]] = {}
    for fmt, read in readers.items():
        for table in ("documents", "mentions", "sentences"):
            df = read(exported / fmt / f"{table}.{suffix[fmt]}")
            sizes.setdefault(table, set()).add(len(df))
            assert "doc_id" in df.columns
    book = pd.read_excel(exported / "xlsx" / "policytext.xlsx", sheet_name=None)
    for table in ("documents", "mentions", "sentences"):
        sizes[table].add(len(book[table]))
    assert all(len(s) == 1 for s in sizes.values()), sizes  # every format holds the same rows


def test_filtered_export_holds_what_the_query_selects(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path, fmt="jsonl", agglomerations="长三角", since="2019")
    mentions = pd.read_json(tmp_path / "mentions.jsonl", lines=True)
    mech = mentions[mentions["kind"] == "mechanism"]
    expected = q.mechanisms(sample_db, agglomerations="长三角", since="2019")
    assert sorted(mech["mention_id"]) == sorted(expected["mention_id"]) and len(expected)
    docs = pd.read_json(tmp_path / "documents.jsonl", lines=True)
    assert sorted(docs["doc_id"]) == sorted(
        q.documents(sample_db, agglomerations="长三角", since="2019")["doc_id"]
    )
    sents = pd.read_json(tmp_path / "sentences.jsonl", lines=True)
    assert set(sents["doc_id"]) <= set(docs["doc_id"]) and len(sents)
    import json

    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["filters"] == {"agglomerations": ["yangtze_delta"], "since": "2019"}
