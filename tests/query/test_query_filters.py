"""Query filters (id and alias forms), search, read-only SQL and injection strings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from policytext import query as q
from policytext.cli import main
from policytext.errors import UsageError
from policytext.store import SCHEMA_VERSION


def raw(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(sql, params).fetchall()


@pytest.mark.parametrize("name", ["eco_compensation", "生态补偿", "Eco_Compensation"])
def test_query_type_filter_accepts_id_and_chinese_name(sample_db: Path, name: str) -> None:
    df = q.mechanisms(sample_db, types=name)
    expected = raw(
        sample_db, "SELECT mention_id FROM mentions WHERE kind='mechanism' AND type='eco_compensation'"
    )
    assert len(df) == len(expected) > 0
    assert set(df["type"]) == {"eco_compensation"}
    assert set(df["type_zh"]) == {"生态补偿"}


@pytest.mark.parametrize("name", ["yangtze_delta", "长三角", "长江三角洲城市群"])
def test_query_agglomeration_filter_accepts_id_alias_and_name(sample_db: Path, name: str) -> None:
    df = q.mechanisms(sample_db, agglomerations=name)
    linked = {
        r[0]
        for r in raw(
            sample_db,
            "SELECT m.mention_id FROM mentions m WHERE m.kind='mechanism' "
            "AND m.agglomerations_json LIKE '%\"yangtze_delta\"%'",
        )
    }
    assert set(df["mention_id"]) == linked and linked
    assert all("yangtze_delta" in a for a in df["agglomerations"])


def test_query_unlisted_agglomeration_from_store(sample_db: Path) -> None:
    df = q.mechanisms(sample_db, agglomerations="徐州都市圈")
    assert len(df) > 0 and all("徐州都市圈" in a for a in df["agglomerations"])


def test_query_date_status_stage_doc_type_filters(sample_db: Path) -> None:
    # (the multi-agglomeration 2020 article no longer hands its mechanisms to 长三角:
    # a plan of one metro area)
    df = q.mechanisms(
        sample_db, types="生态补偿", agglomerations="西安都市圈", since=2018, until=2022, status="proposed"
    )
    expected = raw(
        sample_db,
        """SELECT m.mention_id FROM mentions m JOIN documents d USING (doc_id)
        WHERE m.kind='mechanism' AND m.type='eco_compensation' AND m.status='proposed'
        AND m.agglomerations_json LIKE '%xian_metro%' AND d.year BETWEEN 2018 AND 2022""",
    )
    assert sorted(df["mention_id"]) == sorted(r[0] for r in expected) and len(expected) > 0
    assert all("2018" <= d[:4] <= "2022" for d in df["date"])
    assert q.mechanisms(sample_db, since="2023-01", until="2023-12-31")["date"].str[:4].eq("2023").all()
    st = q.mechanisms(sample_db, stage="improve", status=["lacking", "established"])
    assert len(st) and set(st["stage"]) == {"improve"} and set(st["status"]) <= {"lacking", "established"}
    off = q.mechanisms(sample_db, doc_type="official")
    assert set(off["doc_type"]) == {"official"}


def test_query_rows_carry_provenance(sample_db: Path) -> None:
    df = q.mechanisms(sample_db, types="tax_sharing", limit=5)
    assert len(df) == 5
    with sqlite3.connect(sample_db) as c:
        for r in df.to_dict("records"):
            text = c.execute("SELECT text FROM documents WHERE doc_id=?", (r["doc_id"],)).fetchone()[0]
            assert text[r["start"] : r["end"]] == r["text"]
            assert r["text"] in r["sentence"] and r["document"] and r["date"]


def test_query_documents_and_agglomerations(sample_db: Path) -> None:
    a = q.documents(sample_db, agglomerations="chengyu", doc_type="official")
    b = q.documents(sample_db, agglomerations="成渝", doc_type="official")
    expected = raw(
        sample_db,
        """SELECT d.doc_id FROM documents d JOIN document_agglomerations da USING (doc_id)
                                 WHERE da.agglomeration_id='chengyu' AND d.doc_type='official'""",
    )
    assert list(a["doc_id"]) == list(b["doc_id"]) == [r[0] for r in expected]
    aggs = q.agglomerations(sample_db)
    n = raw(sample_db, "SELECT COUNT(*) FROM document_agglomerations WHERE agglomeration_id='yangtze_delta'")[
        0
    ][0]
    assert aggs.set_index("agglomeration").loc["yangtze_delta", "documents"] == n
    assert len(q.documents(sample_db)) == 18


@pytest.mark.parametrize(
    "kwargs",
    [
        {"types": "no_such_type"},
        {"agglomerations": "火星城市群"},
        {"since": "2018/01"},
        {"status": "done"},
        {"stage": "dream"},
        {"doc_type": "poem"},
    ],
)
def test_query_bad_filters_are_usage_errors(sample_db: Path, kwargs: dict) -> None:
    with pytest.raises(UsageError):
        q.mechanisms(sample_db, **kwargs)


INJECTIONS = ["x' OR '1'='1", "长三角'; DROP TABLE documents; --", "yangtze_delta) OR 1=1 --", '" OR ""="']


@pytest.mark.parametrize("value", INJECTIONS)
def test_query_injection_strings_in_filters_are_harmless(sample_db: Path, value: str) -> None:
    for kw in ("types", "agglomerations"):
        with pytest.raises(UsageError):
            q.mechanisms(sample_db, **{kw: value})
    with pytest.raises(UsageError):
        q.mechanisms(sample_db, since=value)
    assert raw(sample_db, "SELECT COUNT(*) FROM documents")[0][0] == 18


@pytest.mark.parametrize(
    "text", ['"; DROP TABLE documents; --', "税收 OR *", "NEAR(税收 分成)", '"', "') --", "*"]
)
def test_search_injection_strings_are_harmless(sample_db: Path, text: str) -> None:
    df = q.search(sample_db, text)
    assert isinstance(df, pd.DataFrame)
    assert raw(sample_db, "SELECT COUNT(*) FROM documents")[0][0] == 18


def test_search_finds_chinese_substring_in_context(sample_db: Path) -> None:
    df = q.search(sample_db, "税收分成")
    expected = raw(sample_db, "SELECT COUNT(*) FROM sentences WHERE text LIKE '%税收分成%'")[0][0]
    assert len(df) == min(expected, 50) and expected > 0
    with sqlite3.connect(sample_db) as c:
        for r in df.to_dict("records"):
            assert "税收分成" in r["sentence"]
            text = c.execute("SELECT text FROM documents WHERE doc_id=?", (r["doc_id"],)).fetchone()[0]
            assert text[int(r["match_start"]) : int(r["match_end"])] == "税收分成"
            assert text[r["start"] : r["end"]].strip() == r["sentence"].strip()


def test_sql_reads(sample_db: Path) -> None:
    df = q.sql(
        sample_db,
        "SELECT type, COUNT(*) AS n FROM mentions WHERE kind = ? GROUP BY type ORDER BY type",
        ("mechanism",),
    )
    assert list(df.columns) == ["type", "n"] and df["n"].sum() > 0


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM documents",
        "UPDATE documents SET title = 'x'",
        "INSERT INTO runs (command, started_at) VALUES ('x', 'y')",
        "DROP TABLE mentions",
        "CREATE TABLE t (x)",
        "CREATE TEMP TABLE t (x)",
        "PRAGMA user_version = 7",
        "SELECT 1; DELETE FROM documents",
        "ATTACH DATABASE '{tmp}/attached.db' AS a",
        "VACUUM INTO '{tmp}/copy.db'",
        "VACUUM",
        "REINDEX",
    ],
)
def test_sql_refuses_writes(sample_db: Path, tmp_path: Path, statement: str) -> None:
    with pytest.raises(UsageError):
        q.sql(sample_db, statement.format(tmp=tmp_path))
    assert not list(tmp_path.iterdir())
    assert raw(sample_db, "SELECT COUNT(*) FROM documents")[0][0] == 18
    assert raw(sample_db, "PRAGMA user_version")[0][0] == SCHEMA_VERSION  # unchanged by the refused statement


def test_cli_query_formats_and_errors(sample_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the multi-agglomeration 2020 article no longer hands its mechanisms to 长三角 (link basis): a metro plan
    args = [
        "query",
        "mechanisms",
        "--db",
        str(sample_db),
        "--type",
        "生态补偿",
        "--agglomeration",
        "西安都市圈",
        "--since",
        "2018",
        "--until",
        "2022",
    ]
    assert main([*args, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["type"] == "eco_compensation" for r in rows)
    assert {"doc_id", "document", "date", "page", "sentence", "start", "end"} <= set(rows[0])
    assert main([*args, "--format", "jsonl"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(rows)
    assert main([*args, "--format", "table"]) == 0
    assert "2022-xian-metro-plan.pdf" in capsys.readouterr().out
    assert (
        main(
            [
                "query",
                "documents",
                "--db",
                str(sample_db),
                "--agglomeration",
                "chengyu",
                "--doc-type",
                "official",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert "2020-chengyu-social-insurance-notice.docx" in capsys.readouterr().out
    assert main(["query", "agglomerations", "--db", str(sample_db), "--format", "csv"]) == 0
    assert "yangtze_delta" in capsys.readouterr().out
    assert main(["search", "税收分成", "--db", str(sample_db), "--format", "jsonl"]) == 0
    assert "税收分成" in capsys.readouterr().out
    assert main([*args, "--type", "nonsense"]) == 2
    capsys.readouterr()
    assert main(["sql", "DELETE FROM documents", "--db", str(sample_db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "read-only" in err
