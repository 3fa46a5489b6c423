"""``policytext.api.ingest`` end to end on a small folder of text files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policytext import api
from policytext.store import reads
from policytext.store.db import Store

DOC_A = "关于推动长三角一体化发展的实施意见\n建立成本共担、利益共享机制，推动长三角一体化发展。\n完善生态保护补偿机制。\n"  # noqa: E501
DOC_B = "关于粤港澳大湾区建设的意见\n推进基础设施互联互通，建立区域协调机制。\n"
DOC_C = "京津冀协同发展规划\n推动京津冀产业协同发展，建立税收分享机制。\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    (d / "b.txt").write_bytes(DOC_B.encode("gb18030"))
    (d / "sub" / "c.txt").write_text(DOC_C, encoding="utf-8")
    (d / "empty.pdf").write_bytes(b"")
    (d / "odd.xyz").write_text("城市群", encoding="utf-8")
    return d


def _inputs(folder: Path) -> list[str]:
    return [str(folder), str(folder / "odd.xyz")]


def _docs(db: Path) -> list[dict]:
    with Store(db, readonly=True) as s:
        return s.rows("SELECT doc_id, path, encoding, text FROM documents ORDER BY path")


def test_ingest_stores_good_files_and_records_failures(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    s = api.ingest(_inputs(folder), db, workers=0, model=False)
    assert (s.stored, s.skipped, s.failed) == (3, 0, 2)
    assert s.exit_code == 1
    assert {(Path(f["path"]).name, f["error"]) for f in s.failures} == {
        ("empty.pdf", "corrupt"),
        ("odd.xyz", "unsupported"),
    }
    assert s.ignored == {".xyz": 1}
    docs = _docs(db)
    assert [Path(d["path"]).name for d in docs] == ["a.txt", "b.txt", "c.txt"]
    assert {Path(d["path"]).name: d["encoding"] for d in docs}["b.txt"] == "gb18030"
    assert "粤港澳大湾区" in docs[1]["text"]
    with Store(db, readonly=True) as st:
        fails = st.rows("SELECT path, reason FROM failures ORDER BY path")
        assert [(Path(f["path"]).name, f["reason"]) for f in fails] == [
            ("empty.pdf", "corrupt"),
            ("odd.xyz", "unsupported"),
        ]
        run = st.rows("SELECT stored, skipped, failed, status FROM runs")[0]
        assert run == {"stored": 3, "skipped": 0, "failed": 2, "status": "done"}


def test_good_folder_exits_zero(tmp_path: Path) -> None:
    d = tmp_path / "good"
    d.mkdir()
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    s = api.ingest([d], tmp_path / "s.db", workers=0, model=False)
    assert (s.stored, s.failed, s.exit_code) == (1, 0, 0)


def test_rerun_skips_and_force_restores(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest(_inputs(folder), db, workers=0, model=False)
    again = api.ingest(_inputs(folder), db, workers=0, model=False)
    assert (again.stored, again.skipped, again.failed) == (0, 3, 2)
    forced = api.ingest(_inputs(folder), db, workers=0, model=False, force=True)
    assert (forced.stored, forced.skipped) == (3, 0)
    with Store(db, readonly=True) as st:
        assert st.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
        n_sent = st.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        assert n_sent == st.execute("SELECT COUNT(*) FROM sentences_fts").fetchone()[0]
        per_doc = st.rows(
            "SELECT doc_id, COUNT(*) AS n FROM mentions WHERE type='cost_sharing' GROUP BY doc_id"
        )
        assert [r["n"] for r in per_doc] == [1]


def test_missing_input_sets_exit_code(tmp_path: Path) -> None:
    s = api.ingest([tmp_path / "absent"], tmp_path / "s.db", workers=0, model=False)
    assert s.missing == [str(tmp_path / "absent")]
    assert s.exit_code == 1


def test_copy_under_other_name_stored_once(folder: Path, tmp_path: Path) -> None:
    shutil.copy(folder / "a.txt", folder / "a_copy.txt")
    db = tmp_path / "s.db"
    s = api.ingest([folder], db, workers=0, model=False)
    assert (s.stored, s.duplicates) == (3, 1)
    with Store(db, readonly=True) as st:
        assert st.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
        assert st.execute("SELECT COUNT(*) FROM mentions WHERE type='cost_sharing'").fetchone()[0] == 1
    again = api.ingest([folder], db, workers=0, model=False)
    assert (again.stored, again.skipped, again.duplicates) == (0, 3, 1)


def _paths_of_a(db: Path) -> set[str]:
    with Store(db, readonly=True) as st:
        doc_id = st.execute("SELECT doc_id FROM documents WHERE path LIKE '%a.txt'").fetchone()[0]
        return {
            Path(r[0]).name for r in st.execute("SELECT path FROM document_paths WHERE doc_id=?", (doc_id,))
        }


def test_copy_path_remembered_on_rerun(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest([folder], db, workers=0, model=False)
    shutil.copy(folder / "a.txt", folder / "a_copy.txt")
    api.ingest([folder], db, workers=0, model=False)
    assert _paths_of_a(db) == {"a.txt", "a_copy.txt"}


def test_copy_path_remembered_in_same_run(folder: Path, tmp_path: Path) -> None:
    shutil.copy(folder / "a.txt", folder / "a_copy.txt")
    db = tmp_path / "s.db"
    api.ingest([folder], db, workers=0, model=False)
    assert _paths_of_a(db) == {"a.txt", "a_copy.txt"}


def test_mentions_with_workers_and_model(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    s = api.ingest(_inputs(folder), db, workers=2, timeout=60)
    assert (s.stored, s.failed) == (3, 2)
    with Store(db, readonly=True) as st:
        row = st.rows(
            """SELECT d.text AS doc_text, m.text, m.start, m."end", m.sentence_idx, s.text AS sentence,
                s.start AS s_start,
              s."end" AS s_end, m.taxonomy_version, m.gazetteer_version, m.model_version, m.policytext_version
               FROM mentions m JOIN documents d ON d.doc_id = m.doc_id
               JOIN sentences s ON s.doc_id = m.doc_id AND s.idx = m.sentence_idx
               WHERE m.kind='mechanism' AND m.type='cost_sharing'"""
        )
        assert len(row) == 1
        r = row[0]
        assert r["sentence"] == "建立成本共担、利益共享机制，推动长三角一体化发展。"
        assert r["doc_text"][r["start"] : r["end"]] == r["text"]
        assert r["s_start"] <= r["start"] < r["end"] <= r["s_end"]
        assert r["doc_text"][r["s_start"] : r["s_end"]] == r["sentence"]
        assert r["taxonomy_version"] and r["gazetteer_version"] and r["model_version"]
        assert r["model_version"] != "none"
        aggs = st.rows(
            "SELECT d.path, a.agglomeration_id FROM document_agglomerations a JOIN documents d USING (doc_id)"
        )
        assert ("a.txt", "yangtze_delta") in {(Path(x["path"]).name, x["agglomeration_id"]) for x in aggs}
        assert reads.search(st, "补偿")[0]["text"] == "完善生态保护补偿机制。"


def test_text_reads_one_file(folder: Path) -> None:
    doc = api.text(folder / "b.txt")
    assert doc.text == DOC_B.strip()
    assert doc.encoding == "gb18030"
