"""Hand corrections survive a forced re-ingest of the same document."""

from __future__ import annotations

from pathlib import Path

from policytext.extract import Extractor
from policytext.ingest.document import build_document
from policytext.store.db import Store

TEXT = (
    "关于推进长三角一体化的意见\n三省一市建立成本共担机制。\n推进异地就医直接结算。\n加快发展现代服务业。\n"
)


def _mechs(store: Store) -> dict[tuple[int, str], int]:
    return {
        (r["sentence_idx"], r["type"]): r["deleted"]
        for r in store.rows("SELECT sentence_idx, type, deleted FROM mentions WHERE kind='mechanism'")
    }


def test_corrections_are_reapplied_after_force(tmp_path: Path) -> None:
    p = tmp_path / "d.txt"
    p.write_text(TEXT, encoding="utf-8")
    doc = build_document(p)
    ex = Extractor.load(model=False)
    with Store(tmp_path / "s.db") as store:
        store.add_document(doc, ex.extract(doc))
        before = _mechs(store)
        assert before == {(1, "cost_sharing"): 0, (2, "service_sharing"): 0}
        cost = store.rows("SELECT mention_id FROM mentions WHERE type='cost_sharing'")[0]["mention_id"]
        svc = store.rows("SELECT mention_id FROM mentions WHERE type='service_sharing'")[0]["mention_id"]
        store.correct_mention(cost, action="set", status="established", annotator="ann")
        store.correct_mention(svc, action="delete", annotator="ann")
        store.add_sentence_mechanism(doc.doc_id, 3, type="factor_market", status="proposed", annotator="ann")
        ids = [
            r["annotation_id"]
            for r in store.rows("SELECT annotation_id FROM annotations ORDER BY annotation_id")
        ]

        store.add_document(doc, ex.extract(doc), replace=True)  # ingest --force

        after = store.rows(
            "SELECT sentence_idx, type, status, deleted, source FROM mentions WHERE kind='mechanism' "
            "ORDER BY sentence_idx, type"
        )
        assert [(r["sentence_idx"], r["type"], r["status"], r["deleted"]) for r in after] == [
            (1, "cost_sharing", "established", 0),
            (2, "service_sharing", "proposed", 1),
            (3, "factor_market", "proposed", 0),
        ]
        rows = store.rows(
            "SELECT annotation_id, action, annotator, mention_id FROM annotations ORDER BY annotation_id"
        )
        assert [r["annotation_id"] for r in rows] == ids and {r["annotator"] for r in rows} == {"ann"}
        assert all(r["mention_id"] is not None for r in rows)
        # a second re-ingest changes nothing more
        store.add_document(doc, ex.extract(doc), replace=True)
        again = store.rows(
            "SELECT sentence_idx, type, status, deleted FROM mentions WHERE kind='mechanism' "
            "ORDER BY sentence_idx, type"
        )
        assert [tuple(r.values()) for r in again] == [
            (r["sentence_idx"], r["type"], r["status"], r["deleted"]) for r in after
        ]
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
