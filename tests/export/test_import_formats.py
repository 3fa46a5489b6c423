"""import-annotations recognises each tool's export strictly and never invents or loses a label.

The Label Studio files are made by Label Studio's own code (label-studio-sdk: ``LabelInterface``
checks the tasks against the labelling config, ``Converter`` writes the JSON-MIN export from the
full JSON export). doccano's server does not install here; its JSONL export is built from its
documented format (``{"id", "text", "label", ...}``, one object per line, extra fields kept).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from policytext.cli import main
from policytext.export import export
from policytext.export.annotation_tools import import_annotations, label_studio_config, parse_annotations

sdk = pytest.importorskip("label_studio_sdk")


def _rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT doc_id, sentence_idx, action, type, old_type FROM annotations ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()


def _mention_state(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT doc_id, sentence_idx, type, status, deleted FROM mentions WHERE kind = 'mechanism' "
            "ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()


def _annotated_tasks(tmp_path: Path, db: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Tasks exported by policytext, annotated by accepting the predictions, with three edits:
    task 0 loses its first type, task 1 gets a hand-drawn span of a new type (span-only edit),
    the last task is left unannotated."""
    export(db, tmp_path / "ls", fmt="label-studio")
    tasks = json.loads((tmp_path / "ls" / "label_studio.json").read_text(encoding="utf-8"))
    with_types = [t for t in tasks if any(r["from_name"] == "types" for r in t["predictions"][0]["result"])]
    plain = [t for t in tasks if not t["predictions"][0]["result"]]
    chosen = with_types[:6] + plain[:3]
    edits: dict[str, Any] = {}
    for n, t in enumerate(chosen):
        result = [dict(r) for r in t["predictions"][0]["result"]]
        if n == 0:
            types = next(r for r in result if r["from_name"] == "types")
            edits["removed"] = (t["data"]["doc_id"], t["data"]["sentence_idx"], types["value"]["choices"][0])
            kept = types["value"]["choices"][1:]
            result = [r for r in result if r["from_name"] != "types"]
            result = [
                r
                for r in result
                if r["from_name"] != "spans" or r["value"]["labels"][0] in [*kept, "agglomeration", "measure"]
            ]
            if kept:
                result.append({**types, "value": {"choices": kept}})
        if n == len(with_types[:6]):  # first sentence without labels: a span drawn by hand, nothing else
            text = t["data"]["text"]
            result.append(
                {
                    "id": "hand",
                    "from_name": "spans",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": 0, "end": 2, "text": text[:2], "labels": ["tax_sharing"]},
                }
            )
            edits["added"] = (t["data"]["doc_id"], t["data"]["sentence_idx"], "tax_sharing")
        t["annotations"] = [
            {
                "id": 100 + n,
                "completed_by": 7,
                "result": result,
                "was_cancelled": False,
                "created_at": f"2026-01-01T00:00:{n:02d}Z",
                "updated_at": f"2026-01-01T00:00:{n:02d}Z",
                "lead_time": 1.5,
            }
        ]
        t["id"] = 1000 + n
    chosen[-1]["annotations"] = []
    return chosen, edits


def test_label_studio_tasks_pass_label_studios_own_checks(sample_db: Path, tmp_path: Path) -> None:
    from label_studio_sdk.label_interface import LabelInterface

    export(sample_db, tmp_path, fmt="label-studio")
    tasks = json.loads((tmp_path / "label_studio.json").read_text(encoding="utf-8"))
    li = LabelInterface((tmp_path / "label_studio_config.xml").read_text(encoding="utf-8"))
    assert tasks and isinstance(tasks, list)
    kinds = set()
    for t in tasks:
        assert li.validate_task({"data": t["data"]})  # (its own check of predictions needs one at a time)
        assert li.validate_prediction(t["predictions"][0], return_errors=True) == []
        kinds |= {r["value"]["labels"][0] for r in t["predictions"][0]["result"] if r["from_name"] == "spans"}
    assert {"agglomeration", "measure"} <= kinds  # measures are exported too


@pytest.mark.parametrize("kind", ["full", "min"])
def test_label_studio_round_trip_no_label_lost_or_invented(
    sample_db: Path, tmp_path: Path, copy_store, kind: str
) -> None:
    from label_studio_sdk.converter import Converter

    db = copy_store(sample_db, tmp_path / "copy.db")
    before = _mention_state(db)
    tasks, edits = _annotated_tasks(tmp_path, db)
    full = tmp_path / "ls-export.json"
    full.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    path = full
    if kind == "min":
        Converter(label_studio_config(), str(tmp_path), download_resources=False).convert(
            str(full), str(tmp_path / "min"), "JSON_MIN", is_dir=False
        )
        path = tmp_path / "min" / "result.json"
        records = json.loads(path.read_text(encoding="utf-8"))
        assert "annotation_id" in records[0] and "data" not in records[0]
    items, skipped = parse_annotations(path)
    assert skipped == 1 and len(items) == len(tasks) - 1
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    rows = _rows(db)
    removed, added = edits["removed"], edits["added"]
    assert [(r[0], r[1], r[2], r[4] or r[3]) for r in rows] == sorted(
        [(removed[0], removed[1], "delete", removed[2]), (added[0], added[1], "add", added[2])]
    )
    after = _mention_state(db)
    # every mechanism mention not edited by hand is exactly as before
    untouched = lambda rows: [r for r in rows if (r[0], r[1]) not in {removed[:2], added[:2]}]  # noqa: E731
    assert untouched(after) == untouched(before)
    # importing again changes nothing
    assert import_annotations(path, db=db).rows == 0


def test_json_min_is_not_read_as_doccano(sample_db: Path, tmp_path: Path, copy_store) -> None:
    from label_studio_sdk.converter import Converter

    db = copy_store(sample_db, tmp_path / "copy.db")
    tasks, _ = _annotated_tasks(tmp_path, db)
    full = tmp_path / "ls-export.json"
    full.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    Converter(label_studio_config(), str(tmp_path), download_resources=False).convert(
        str(full), str(tmp_path / "min"), "JSON_MIN", is_dir=False
    )
    path = tmp_path / "min" / "result.json"
    for fmt in ("doccano", "label-studio", "jsonl"):
        assert main(["import-annotations", str(path), "--db", str(db), "--format", fmt]) == 1
    assert _rows(db) == []


def test_unknown_shapes_are_refused(tmp_path: Path, sample_db: Path, copy_store, capsys) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    cases = {
        "csv_like.json": [{"text": "建立生态补偿机制。", "sentiment": "positive"}],
        "mixed.jsonl": [
            {"text": "建立生态补偿机制。", "label": []},
            {"sentence": "建立生态补偿机制。", "types": []},
        ],
        "no_types.jsonl": [{"sentence": "建立生态补偿机制。", "status": "proposed"}],
        "empty.json": [],
    }
    for name, objs in cases.items():
        p = tmp_path / name
        if name.endswith(".jsonl"):
            p.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), encoding="utf-8")
        else:
            p.write_text(json.dumps(objs, ensure_ascii=False), encoding="utf-8")
        assert main(["import-annotations", str(p), "--db", str(db)]) == 1, name
        err = capsys.readouterr().err
        assert name in err and "Traceback" not in err
    assert _rows(db) == []


def test_doccano_documented_export_round_trip_and_dry_run(
    sample_db: Path, tmp_path: Path, copy_store, capsys
) -> None:
    db = copy_store(sample_db, tmp_path / "copy.db")
    export(db, tmp_path / "d", fmt="doccano")
    ours = [
        json.loads(x) for x in (tmp_path / "d" / "doccano.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    # doccano's export of a text-classification project: id, text, label and the imported fields
    exported = [{"id": n + 1, **t, "Comments": []} for n, t in enumerate(ours[:30])]
    path = tmp_path / "all.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in exported), encoding="utf-8")
    before = _mention_state(db)
    assert import_annotations(path, db=db).rows == 0  # unchanged export: nothing lost, nothing invented
    assert _mention_state(db) == before

    target = next(o for o in exported if any(":" not in lab for lab in o["label"]))
    removed = next(lab for lab in target["label"] if ":" not in lab)
    target["label"] = [lab for lab in target["label"] if lab != removed]
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in exported), encoding="utf-8")
    capsys.readouterr()
    assert main(["import-annotations", str(path), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"{target['doc_id'][:12]}#{target['sentence_idx']} delete {removed}"]
    assert "dry run" in out.err
    assert _rows(db) == [] and _mention_state(db) == before
    assert main(["import-annotations", str(path), "--db", str(db)]) == 0
    assert [(r[2], r[4] or r[3]) for r in _rows(db)] == [("delete", removed)]
