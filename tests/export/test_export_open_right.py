"""Exports as the tools they are for read them: Excel (BOM, autofilter, widths, text cells),
pandas (integer years, typed dates), Stata (labels), Parquet (categoricals), and the codebook."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from policytext.cli import main
from policytext.export import export
from policytext.export.codebook import date_parts, with_typed_dates
from policytext.export.tables import neutralise, to_csv, xlsx_bytes


def test_csv_has_bom_integer_years_and_typed_dates(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path / "a", fmt="csv")
    raw = (tmp_path / "a" / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    d = pd.read_csv(tmp_path / "a" / "documents.csv", encoding="utf-8-sig")
    assert d["year"].dtype == "int64" and d["n_pages"].dtype == "int64"
    assert set(d["date_precision"]) <= {"year", "month", "day"}
    starts = pd.to_datetime(d["date_start"])  # every date parses: no NaT where a date was stored
    assert starts.notna().sum() == d["date"].notna().sum()
    m = pd.read_csv(tmp_path / "a" / "mentions.csv", encoding="utf-8-sig")
    assert pd.api.types.is_integer_dtype(m["year"].dtype) or m["year"].isna().any()
    assert "2008.0" not in (tmp_path / "a" / "mentions.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "a" / "codebook.md").exists()
    assert main(["export", "--db", str(sample_db), "--out", str(tmp_path / "b"), "--no-bom"]) == 0
    assert not (tmp_path / "b" / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_integer_column_with_gaps_stays_integer_in_csv() -> None:
    df = pd.DataFrame({"year": pd.array([2008, None, 2019], dtype="Int64"), "t": ["a", "b", "c"]})
    back = pd.read_csv(io.StringIO(to_csv(df)))
    assert str(back["year"].dtype) in {"float64", "Int64"}  # pandas' reader: NaN needs a float
    assert to_csv(df).splitlines()[1:] == ["2008,a", ",b", "2019,c"]


def test_date_parts_and_precision() -> None:
    assert date_parts("2019") == (pd.Timestamp(2019, 1, 1), "year")
    assert date_parts("2019-05") == (pd.Timestamp(2019, 5, 1), "month")
    assert date_parts("2019-05-20") == (pd.Timestamp(2019, 5, 20), "day")
    assert date_parts("2019-13") == (None, None) and date_parts("") == (None, None)
    df = with_typed_dates(pd.DataFrame({"date": ["2019", None, "2020-02-29"], "x": [1, 2, 3]}))
    assert list(df.columns) == ["date", "date_start", "date_precision", "x"]
    assert pd.api.types.is_datetime64_any_dtype(df["date_start"])
    assert df["date_precision"].tolist() == ["year", None, "day"]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10", "'+86 10"),
        ("-2%", "'-2%"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ('  =HYPERLINK("x")', '\'  =HYPERLINK("x")'),
        ("\t=1", "'\t=1"),
        ("建立生态补偿机制=", "建立生态补偿机制="),
        ("a-b", "a-b"),
    ],
)
def test_formula_cells_neutralised(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe
    df = pd.DataFrame({"text": [cell]})
    assert pd.read_csv(io.StringIO(to_csv(df)), keep_default_na=False)["text"][0] == safe


def test_xlsx_text_cells_autofilter_widths_and_type_sheet(sample_db: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = xlsx_bytes([("s", pd.DataFrame({"text": ["=1+1", "建立都市圈同城化发展机制" * 3], "n": [1, 2]}))])
    wb = load_workbook(io.BytesIO(data))
    ws = wb["s"]
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s" and ws["B3"].value == 2
    assert ws.auto_filter.ref == "A1:B3" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > 40  # fitted to the Chinese text, not to the header
    export(sample_db, tmp_path, fmt="xlsx")
    wb = load_workbook(tmp_path / "policytext.xlsx")
    assert wb.sheetnames == ["documents", "mentions", "sentences", "types 类型"]
    types = list(wb["types 类型"].iter_rows(values_only=True))
    assert types[0][:3] == ("id", "中文名称", "name") and ("eco_compensation", "生态补偿") in [
        r[:2] for r in types
    ]
    assert wb["documents"].auto_filter.ref and wb["documents"]["F1"].value == "date_start"
    with zipfile.ZipFile(tmp_path / "policytext.xlsx") as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())


def test_stata_read_by_pandas_with_chinese_labels(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path, fmt="stata")
    with pd.io.stata.StataReader(tmp_path / "mentions.dta") as r:
        df = r.read()
        variables = r.variable_labels()
        values = r.value_labels()
    assert variables["status"].startswith("机制状态")
    assert {"status", "stage", "kind", "type"} <= set(values)
    assert "已建立 (established)" in set(df["status"].dropna())
    assert "生态补偿 (eco_compensation)" in set(values["type"].values())
    assert pd.api.types.is_datetime64_any_dtype(df["date_start"]) and "end_" in df.columns
    docs = pd.read_stata(tmp_path / "documents.dta")
    assert len(docs) == len(pd.read_stata(tmp_path / "documents.dta", convert_categoricals=False))
    assert "关于推进成渝地区双城经济圈社会保险关系转移接续和异地就医直接结算的通知" in set(docs["title"])


def test_parquet_categoricals_and_dates(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path, fmt="parquet")
    m = pd.read_parquet(tmp_path / "mentions.parquet")
    assert isinstance(m["type"].dtype, pd.CategoricalDtype) and isinstance(
        m["status"].dtype, pd.CategoricalDtype
    )
    assert m["year"].dtype == "int64"
    d = pd.read_parquet(tmp_path / "documents.parquet")
    assert d["date_start"].notna().sum() == d["date"].notna().sum()


def test_codebook_names_every_column_and_type(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path, fmt="parquet")
    book = (tmp_path / "codebook.md").read_text(encoding="utf-8")
    for col in pd.read_parquet(tmp_path / "sentences.parquet").columns:
        assert f"| {col} |" in book
    assert "| eco_compensation | 生态补偿 |" in book and "| established | 已建立 |" in book
