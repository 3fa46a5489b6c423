"""Corrections by hand in the store, and their export as training JSONL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from policytext.errors import StoreError
from policytext.store.db import Store
from policytext.web.annotations import export_training_jsonl


def sentence_with_two_types(db: Path) -> tuple[str, int]:
    con = sqlite3.connect(db)
    row = con.execute(
        """SELECT doc_id, sentence_idx FROM mentions WHERE kind='mechanism' AND deleted=0 GROUP BY doc_id,
            sentence_idx
           HAVING COUNT(DISTINCT type) >= 2 ORDER BY doc_id, sentence_idx"""
    ).fetchone()
    con.close()
    return row[0], row[1]


def test_web_annotations_correct_and_export(store_copy: Path, tmp_path: Path) -> None:
    from policytext.classify.model import load_training_data

    doc_id, idx = sentence_with_two_types(store_copy)
    with Store(store_copy) as store:
        ms = store.rows(
            "SELECT mention_id, type FROM mentions WHERE doc_id=? AND sentence_idx=? AND kind='mechanism'",
            (doc_id, idx),
        )
        store.correct_mention(
            ms[0]["mention_id"], action="set", type="joint_fund", status="established", annotator="ana"
        )
        for m in ms[1:]:
            store.correct_mention(m["mention_id"], action="delete", annotator="bo")
        other_doc, other_idx = store.execute(
            "SELECT doc_id, idx FROM sentences WHERE doc_id != ? ORDER BY sid LIMIT 1", (doc_id,)
        ).fetchone()
        store.add_sentence_mechanism(
            other_doc, other_idx, type="tax_sharing", status="proposed", annotator="ana"
        )
        assert [a["action"] for a in store.annotations()] == ["set"] + ["delete"] * (len(ms) - 1) + ["add"]
        n = export_training_jsonl(store, tmp_path / "out" / "web.jsonl")
        assert store.info()["mentions"]["mechanism"] >= 1
    assert n == 2
    lines = [json.loads(x) for x in (tmp_path / "out" / "web.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(lines[0]) == {"doc", "sentence", "types", "status", "annotator", "created_at"}
    assert lines[0]["doc"] == doc_id and lines[0]["annotator"] == "bo"
    assert lines[0]["types"] == ["joint_fund"]  # the others were deleted as false
    assert "tax_sharing" in lines[1]["types"] and lines[1]["status"] == "proposed"
    examples = {e.text: e.types for e in load_training_data([tmp_path / "out"])}
    assert len(examples) == 2 and ["joint_fund"] in examples.values()


def test_web_annotations_deleting_every_label_exports_a_negative(store_copy: Path, tmp_path: Path) -> None:
    doc_id, idx = sentence_with_two_types(store_copy)
    with Store(store_copy) as store:
        for m in store.rows(
            "SELECT mention_id FROM mentions WHERE doc_id=? AND sentence_idx=? AND kind='mechanism'",
            (doc_id, idx),
        ):
            store.correct_mention(m["mention_id"], action="delete", annotator="ana")
        with pytest.raises(StoreError, match="no mention"):
            store.correct_mention(m["mention_id"], action="delete", annotator="ana")
        export_training_jsonl(store, tmp_path / "neg.jsonl")
    line = json.loads((tmp_path / "neg.jsonl").read_text(encoding="utf-8"))
    assert line["types"] == [] and line["status"] is None


def test_web_annotations_read_only_store_refuses(built_store: Path) -> None:
    with Store(built_store, readonly=True) as store:
        mention_id = store.execute(
            "SELECT mention_id FROM mentions WHERE kind='mechanism' LIMIT 1"
        ).fetchone()[0]
        with pytest.raises(StoreError, match="read-only"):
            store.correct_mention(mention_id, action="delete", annotator="ana")
        with pytest.raises(StoreError, match="annotator"):
            Store.correct_mention(store, mention_id, action="delete", annotator=" ")
