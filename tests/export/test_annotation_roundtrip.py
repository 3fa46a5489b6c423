"""export → correct by hand → import-annotations → train."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from policytext.classify.model import LabelledSentence, MechanismClassifier, load_training_data
from policytext.cli import main
from policytext.export import export, sentence_table
from policytext.export.annotation_tools import import_annotations, parse_annotations


def lines(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_doccano_roundtrip_to_store_and_training(sample_db: Path, tmp_path: Path, copy_store) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    export(db, tmp_path / "ex", fmt="doccano")
    tasks = lines(tmp_path / "ex" / "doccano.jsonl")
    pos = [t for t in tasks if any(":" not in lab for lab in t["label"])][:3]
    neg = [t for t in tasks if not t["label"]][:2]
    for t in pos:  # the annotator removes every type
        t["label"] = []
    for t in neg:  # and adds one
        t["label"] = ["生态补偿", "status:proposed"]
    edited = tmp_path / "doccano-export.jsonl"
    edited.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in pos + neg), encoding="utf-8")

    out = tmp_path / "corrected.jsonl"
    assert main(["import-annotations", str(edited), "--db", str(db), "--out", str(out)]) == 0
    got = lines(out)
    assert len(got) == 5 and {"sentence", "types", "status"} <= set(got[0])
    assert [g["types"] for g in got[3:]] == [["eco_compensation"], ["eco_compensation"]]
    with sqlite3.connect(db) as c:
        actions = dict(c.execute("SELECT action, COUNT(*) FROM annotations GROUP BY action").fetchall())
    assert actions.get("add") == 2 and actions.get("delete", 0) >= 3
    # importing again changes nothing
    again = import_annotations(edited, db=db)
    assert again.rows == 0 and again.unchanged == 5
    # the dataset export reflects the corrections
    st = sentence_table(db).set_index(["doc_id", "sentence_idx"])
    for t in pos:
        assert list(st.loc[(t["doc_id"], t["sentence_idx"]), "labels"]) == []
    for t in neg:
        row = st.loc[(t["doc_id"], t["sentence_idx"])]
        assert list(row["labels"]) == ["eco_compensation"] and row["annotated"]

    examples = load_training_data([out])
    assert len(examples) == 5
    extra = [
        LabelledSentence(f"建立{n}市生态保护补偿机制，共同出资设立补偿资金。", ["eco_compensation"])
        for n in "甲乙丙丁戊庚辛壬"
    ]
    extra += [
        LabelledSentence(f"{n}地约定园区税收按比例分成，由两地共享。", ["tax_sharing"])
        for n in "甲乙丙丁戊庚"
    ]
    extra += [LabelledSentence(f"今年第{n}季度全市经济运行平稳，居民收入继续增长。", []) for n in range(8)]
    clf = MechanismClassifier.train(examples + extra, labels=["eco_compensation", "tax_sharing"], cv=0)
    clf.save(tmp_path / "model")
    loaded = MechanismClassifier.load(tmp_path / "model")
    assert (tmp_path / "model" / "meta.json").exists()
    assert loaded.predict(["两市建立生态保护补偿机制。"])


def test_label_studio_roundtrip(sample_db: Path, tmp_path: Path) -> None:
    export(sample_db, tmp_path, fmt="label-studio")
    tasks = json.loads((tmp_path / "label_studio.json").read_text(encoding="utf-8"))[:20]
    for n, t in enumerate(tasks):
        result = [dict(r) for r in t["predictions"][0]["result"]]
        if n == 0:
            result = [r for r in result if r["from_name"] != "types"] + [
                {
                    "from_name": "types",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["tax_sharing"]},
                }
            ]
        t["annotations"] = [{"id": n, "completed_by": 1, "result": result, "was_cancelled": False}]
    tasks[-1]["annotations"] = []  # nobody annotated this one
    exported = tmp_path / "ls-export.json"
    exported.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    items, skipped = parse_annotations(exported)
    assert skipped == 1 and len(items) == 19
    assert items[0].types == ["tax_sharing"] and items[0].source == "label-studio"
    summary = import_annotations(exported, out=tmp_path / "ls.jsonl")
    assert summary.read == 20 and len(lines(tmp_path / "ls.jsonl")) == 19


def test_import_annotations_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"sentence": "建立合作机制。", "types": ["not_a_type"]}) + "\n", encoding="utf-8"
    )
    assert main(["import-annotations", str(bad), "--out", str(tmp_path / "x.jsonl")]) == 1
    assert main(["import-annotations", str(bad)]) == 2
