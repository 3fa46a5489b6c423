"""One read layer, one correction path: the CLI, the Python API, the web page, the report, the
timelines and the export agree on the same store, before and after every kind of correction."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from policytext import api
from policytext import query as q
from policytext import timeline as tl
from policytext.cli import main
from policytext.export import mention_table, sentence_table
from policytext.export.report import collect
from policytext.store.db import Store

starlette_testclient = pytest.importorskip("starlette.testclient")

MENTION_RE = re.compile(r'data-mention="(\d+)"')
TOTAL_RE = re.compile(r'id="n-mentions">(\d+)<')


def web(db: Path, **kw: object) -> object:
    from policytext.web.app import create_app

    return starlette_testclient.TestClient(create_app(db, **kw), base_url="http://127.0.0.1:8765")


def web_rows(client: object, params: dict[str, str]) -> tuple[int, set[int]]:
    page = client.get("/", params={**params, "partial": "1"})  # type: ignore[attr-defined]
    assert page.status_code == 200, page.text[:300]
    return int(TOTAL_RE.search(page.text).group(1)), {int(m) for m in MENTION_RE.findall(page.text)}


def cli_rows(db: Path, args: list[str], tmp_path: Path) -> set[int]:
    out = tmp_path / "rows.json"
    assert (
        main(["query", "mechanisms", "--db", str(db), *args, "--format", "json", "--output", str(out)]) == 0
    )
    return {int(r["mention_id"]) for r in json.loads(out.read_text(encoding="utf-8"))}


# fmt: off
SAME_FILTERS = [
    ({"agg": "长三角"}, ["--agglomeration", "长三角"]),
    ({"agg": "yangtze_delta", "type": "生态补偿"},
     ["--agglomeration", "yangtze_delta", "--type", "生态补偿"]),
    ({"type": "eco_compensation", "status": "proposed", "year_from": "2018", "year_to": "2022"},
     ["--type", "eco_compensation", "--status", "proposed", "--since", "2018", "--until", "2022"]),
    ({"doc_type": "official", "status": "established"},
     ["--doc-type", "official", "--status", "established"]),
]
# fmt: on


@pytest.mark.parametrize(("params", "args"), SAME_FILTERS)
def test_cli_and_web_give_the_same_rows(
    sample_db: Path, tmp_path: Path, params: dict[str, str], args: list[str]
) -> None:
    expected = cli_rows(sample_db, args, tmp_path)
    total, shown = web_rows(web(sample_db), params)
    assert expected and total == len(expected)
    if total <= 50:  # one page
        assert shown == expected
    else:
        assert shown <= expected and len(shown) == 50


def test_web_names_an_unknown_filter_value(sample_db: Path) -> None:
    page = web(sample_db).get("/", params={"agg": "no-such-region"})
    assert page.status_code == 400 and "no-such-region" in page.text


def test_status_and_stage_filters_accept_values_the_store_holds(
    sample_db: Path, copy_store, tmp_path: Path
) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    with sqlite3.connect(db) as c:
        mid = c.execute(
            "SELECT mention_id FROM mentions WHERE kind='mechanism' ORDER BY mention_id"
        ).fetchone()[0]
        c.execute("UPDATE mentions SET status='pilot', stage='evaluate' WHERE mention_id=?", (mid,))
    df = q.mechanisms(db, status="pilot", stage="evaluate")
    assert list(df["mention_id"]) == [mid]
    with pytest.raises(Exception, match="--status 'nonsense'"):
        q.mechanisms(db, status="nonsense")


# ----------------------------------------------------------------------------- corrections


def _views(db: Path, type_id: str, key: tuple[str, int]) -> dict[str, object]:
    """What each reader shows for one type and one sentence."""
    mech = q.mechanisms(db)
    of_type = mech[mech["type"] == type_id]
    in_sentence = of_type[(of_type["doc_id"] == key[0]) & (of_type["sentence_idx"] == key[1])]
    total, _ = web_rows(web(db), {"type": type_id})
    with Store(db, readonly=True) as store:
        report = collect(store)
    report_total = next(t["total"] for t in report.timelines if t["id"] == type_id)
    exported = mention_table(db)
    exported = exported[exported["kind"] == "mechanism"]
    sentences = sentence_table(db).set_index(["doc_id", "sentence_idx"])
    counts = tl.timeline_counts(db, types=type_id, include_document_links=True)
    dated = of_type[of_type["year"].notna()]
    return {
        "query": len(of_type),
        "query_sentence": len(in_sentence),
        "web": total,
        "report": report_total,
        "report_dated": len(dated),
        "report_all": report.overview["mechanism_mentions"],
        "query_all": len(mech),
        "export_ids": set(exported["mention_id"]),
        "query_ids": set(mech["mention_id"]),
        "export_labels": list(sentences.loc[key, "labels"]),
        "timeline": int(counts["mentions"].sum()),
        "timeline_expected": int(sum(max(1, len(a)) for a in dated["agglomerations"])),
    }


def _assert_agree(v: dict[str, object], type_id: str, *, present: bool) -> None:
    assert v["web"] == v["query"]
    assert v["report"] == v["report_dated"] and v["report_all"] == v["query_all"]
    assert v["export_ids"] == v["query_ids"]
    assert v["timeline"] == v["timeline_expected"]
    assert (v["query_sentence"] > 0) is present
    assert (type_id in v["export_labels"]) is present  # type: ignore[operator]


def _one_mention_sentence(db: Path) -> tuple[int, str, tuple[str, int], str]:
    """A dated mechanism mention that is the only one of its type in its sentence."""
    with sqlite3.connect(db) as c:
        row = c.execute(
            """SELECT m.mention_id, m.type, m.doc_id, m.sentence_idx, d.path FROM mentions m
               JOIN documents d USING (doc_id) WHERE m.kind = 'mechanism' AND d.year IS NOT NULL
            AND (SELECT COUNT(*) FROM mentions o WHERE o.doc_id = m.doc_id AND o.sentence_idx = m.sentence_idx
                    AND o.kind = 'mechanism' AND o.type = m.type) = 1
               ORDER BY d.date, m.mention_id LIMIT 1"""
        ).fetchone()
    return row[0], row[1], (row[2], row[3]), row[4]


def test_correction_imported_shows_everywhere(sample_db: Path, copy_store, tmp_path: Path) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    mid, type_id, key, _ = _one_mention_sentence(db)
    before = _views(db, type_id, key)
    _assert_agree(before, type_id, present=True)
    with sqlite3.connect(db) as c:
        text = c.execute("SELECT text FROM sentences WHERE doc_id=? AND idx=?", key).fetchone()[0]
        others = sorted(
            {
                r[0]
                for r in c.execute(
                    "SELECT type FROM mentions WHERE doc_id=? AND "
                    "sentence_idx=? AND kind='mechanism' AND type != ?",
                    (*key, type_id),
                )
            }
        )
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text(
        json.dumps(
            {"sentence": text, "doc_id": key[0], "sentence_idx": key[1], "types": others}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["import-annotations", str(corrected), "--db", str(db)]) == 0
    after = _views(db, type_id, key)
    _assert_agree(after, type_id, present=False)
    assert after["query"] == before["query"] - 1 and after["report_all"] == before["report_all"] - 1  # type: ignore[operator]
    assert mid not in after["query_ids"]  # type: ignore[operator]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT deleted FROM mentions WHERE mention_id=?", (mid,)).fetchone()[0] == 1
        assert c.execute("SELECT action, old_type, mention_id FROM annotations").fetchall() == [
            ("delete", type_id, mid)
        ]


def test_correction_made_on_the_web_shows_everywhere_and_survives_reingest(
    sample_db: Path, copy_store, tmp_path: Path
) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    mid, type_id, key, path = _one_mention_sentence(db)
    before = _views(db, type_id, key)
    client = web(db, edit=True, annotator="ana")
    token = client.app.state.web.token  # type: ignore[attr-defined]
    r = client.post(f"/mentions/{mid}", data={"action": "delete", "csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    client.close()  # type: ignore[attr-defined]
    after = _views(db, type_id, key)
    _assert_agree(after, type_id, present=False)
    assert after["web"] == before["web"] - 1  # type: ignore[operator]

    # the same file ingested again (forced): new mention rows, the correction replayed onto them
    summary = api.ingest([path], db, workers=0, force=True)
    assert summary.stored == 1
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM mentions WHERE mention_id=?", (mid,)).fetchone()[0] == 0
        replayed = c.execute(
            "SELECT m.deleted FROM annotations a JOIN mentions m USING (mention_id)"
        ).fetchall()
    assert replayed == [(1,)]
    _assert_agree(_views(db, type_id, key), type_id, present=False)


def test_status_set_on_import_is_what_every_reader_shows(sample_db: Path, copy_store, tmp_path: Path) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    mid, type_id, key, _ = _one_mention_sentence(db)
    with sqlite3.connect(db) as c:
        text = c.execute("SELECT text FROM sentences WHERE doc_id=? AND idx=?", key).fetchone()[0]
        types = sorted(
            {
                r[0]
                for r in c.execute(
                    "SELECT type FROM mentions WHERE doc_id=? AND sentence_idx=? AND kind='mechanism'", key
                )
            }
        )
        old = c.execute("SELECT status FROM mentions WHERE mention_id=?", (mid,)).fetchone()[0]
    new = "lacking" if old != "lacking" else "established"
    corrected = tmp_path / "set.jsonl"
    corrected.write_text(
        json.dumps(
            {"sentence": text, "doc_id": key[0], "sentence_idx": key[1], "types": types, "status": new},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["import-annotations", str(corrected), "--db", str(db)]) == 0
    row = q.mechanisms(db).set_index("mention_id").loc[mid]
    assert row["status"] == new
    assert mention_table(db).set_index("mention_id").loc[mid, "status"] == new
    total, shown = web_rows(web(db), {"type": type_id, "status": new})
    assert total == len(q.mechanisms(db, types=type_id, status=new)) and (total > 50 or mid in shown)
