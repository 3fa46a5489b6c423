"""Each export format read back by its own reader; determinism; nothing written outside --out."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from policytext.cli import main
from policytext.errors import UsageError
from policytext.export import export


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(sql).fetchone()[0])


@pytest.fixture(scope="module")
def counts(sample_db: Path) -> dict[str, int]:
    return {
        "documents": count(sample_db, "SELECT COUNT(*) FROM documents"),
        "mentions": count(sample_db, "SELECT COUNT(*) FROM mentions WHERE deleted = 0"),
        "sentences": count(sample_db, "SELECT COUNT(*) FROM sentences"),
        "body": count(sample_db, "SELECT COUNT(*) FROM sentences WHERE boilerplate = 0"),
    }


def test_export_csv_and_jsonl_read_by_pandas(sample_db: Path, tmp_path: Path, counts: dict[str, int]) -> None:
    export(sample_db, tmp_path / "csv", fmt="csv")
    export(sample_db, tmp_path / "jsonl", fmt="jsonl")
    for key in ("documents", "mentions", "sentences"):
        a = pd.read_csv(tmp_path / "csv" / f"{key}.csv")
        b = pd.read_json(tmp_path / "jsonl" / f"{key}.jsonl", lines=True)
        assert len(a) == len(b) == counts[key]
    s = pd.read_json(tmp_path / "jsonl" / "sentences.jsonl", lines=True)
    assert {"text", "labels", "status", "spans", "attributes"} <= set(s.columns)
    tagged = s[s["labels"].map(len) > 0]
    assert len(tagged) and all(sp["end"] <= len(t) for t, sps in zip(s["text"], s["spans"]) for sp in sps)
    manifest = json.loads((tmp_path / "csv" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"]["documents"] == counts["documents"]


def test_export_parquet_keeps_types(sample_db: Path, tmp_path: Path, counts: dict[str, int]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    export(sample_db, tmp_path, fmt="parquet")
    m = pq.read_table(tmp_path / "mentions.parquet")
    assert m.num_rows == counts["mentions"]
    assert m.schema.field("start").type == pa.int64() and m.schema.field("score").type == pa.float64()
    assert m.schema.field("agglomerations").type == pa.list_(pa.string())
    s = pq.read_table(tmp_path / "sentences.parquet")
    assert s.schema.field("boilerplate").type == pa.bool_() and s.num_rows == counts["sentences"]
    d = pq.read_table(tmp_path / "documents.parquet").to_pandas()
    assert "关于推进成渝地区双城经济圈社会保险关系转移接续和异地就医直接结算的通知" in set(d["title"])


def test_export_xlsx_opens_with_chinese(sample_db: Path, tmp_path: Path, counts: dict[str, int]) -> None:
    from openpyxl import load_workbook

    export(sample_db, tmp_path, fmt="xlsx")
    wb = load_workbook(tmp_path / "policytext.xlsx", read_only=True)
    assert wb.sheetnames == ["documents", "mentions", "sentences", "types 类型"]
    rows = list(wb["documents"].iter_rows(values_only=True))
    assert len(rows) == counts["documents"] + 1
    title = rows[0].index("title")
    assert any(r[title] and "成渝地区双城经济圈" in r[title] for r in rows[1:])
    assert wb["mentions"].max_row == counts["mentions"] + 1


def test_export_spacy_docbin(sample_db: Path, tmp_path: Path, counts: dict[str, int]) -> None:
    pytest.importorskip("policytext.nlp.convert")
    import spacy
    from spacy.tokens import DocBin

    export(sample_db, tmp_path, fmt="spacy")
    docs = list(DocBin().from_disk(tmp_path / "docs.spacy").get_docs(spacy.blank("zh").vocab))
    assert len(docs) == counts["documents"]
    n_spans = sum(len(group) for d in docs for group in d.spans.values())
    assert n_spans == counts["mentions"]


def test_export_annotation_tool_files(sample_db: Path, tmp_path: Path, counts: dict[str, int]) -> None:
    export(sample_db, tmp_path / "d", fmt="doccano")
    export(sample_db, tmp_path / "ls", fmt="label-studio")
    d = [json.loads(x) for x in (tmp_path / "d" / "doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    sp = [
        json.loads(x)
        for x in (tmp_path / "d" / "doccano_spans.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ls = json.loads((tmp_path / "ls" / "label_studio.json").read_text(encoding="utf-8"))
    assert len(d) == len(sp) == len(ls) == counts["body"]
    assert all(t["text"][s:e] for t in sp for s, e, _ in t["label"])
    assert all({"doc_id", "sentence_idx"} <= set(t["data"]) for t in ls)
    assert '<Choices name="types"' in (tmp_path / "ls" / "label_studio_config.xml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl", "doccano", "label-studio", "spacy"])
def test_export_is_deterministic(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    if fmt == "spacy":
        pytest.importorskip("policytext.nlp.convert")
    a = export(sample_db, tmp_path / "a", fmt=fmt)
    b = export(sample_db, tmp_path / "b", fmt=fmt)
    assert a == b and a[-1] == "manifest.json"
    for name in a[:-1]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("prefix", ["../evil", "a/b", "..", ".hidden", "/abs", "x\\y"])
def test_export_refuses_names_outside_out(sample_db: Path, tmp_path: Path, prefix: str) -> None:
    with pytest.raises(UsageError):
        export(sample_db, tmp_path / "out", fmt="csv", prefix=prefix)
    assert not (tmp_path / "evil-documents.csv").exists()
    assert (
        main(
            [
                "export",
                "--db",
                str(sample_db),
                "--format",
                "csv",
                "--out",
                str(tmp_path / "out"),
                "--prefix",
                prefix,
            ]
        )
        == 2
    )


def test_export_does_not_follow_symlinks(sample_db: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.csv").symlink_to(outside)
    export(sample_db, out, fmt="csv")
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not (out / "documents.csv").is_symlink()


def test_export_bad_format(sample_db: Path, tmp_path: Path) -> None:
    assert main(["export", "--db", str(sample_db), "--format", "pdf", "--out", str(tmp_path)]) == 2
