"""Scoring: equal to the shared reference scorer, and right on a hand-made case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policytext.cli import main
from policytext.evaluate import date_agrees, norm, prf, same_sentence, score, summary_line


def _gold(folder: Path, name: str, data: dict) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _mention(sentence: str, type_: str, status: str | None = None) -> dict:
    return {
        "kind": "mechanism",
        "type": type_,
        "text": sentence[:4],
        "sentence": sentence,
        "attributes": {"status": status},
    }


def test_hand_made_case(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    s1 = "建立成本共担、利益共享机制。"
    s2 = "完善生态保护补偿机制，探索跨省横向补偿。"
    _gold(
        gold,
        "d1",
        {
            "file": "docs/d1.txt",
            "date": "2021-03",
            "agglomerations": ["yangtze_delta", "jingjinji"],
            "mechanisms": [
                {"sentence": s1, "types": ["cost_sharing"], "status": "proposed"},
                {"sentence": s2, "types": ["ecological_compensation"], "status": "proposed"},
            ],
        },
    )
    output = {
        "schema": "policytext/v1",
        "documents": [
            {
                "path": "/somewhere/d1.txt",
                "date": "2021-03-05",
                "agglomerations": [{"id": "yangtze_delta"}, {"id": "gba"}],
                "mentions": [
                    _mention("建立成本共担、利益共享机制", "cost_sharing", "proposed"),
                    _mention("推进基础设施互联互通。", "infrastructure", "proposed"),
                ],
            }
        ],
    }
    res = score(output, gold)
    m = res["mechanisms"]
    assert (m["tp"], m["fp"], m["fn"]) == (1, 1, 1)
    assert (
        m["precision"] == pytest.approx(0.5)
        and m["recall"] == pytest.approx(0.5)
        and m["f1"] == pytest.approx(0.5)
    )
    a = res["agglomerations"]
    assert (a["precision"], a["recall"]) == (pytest.approx(0.5), pytest.approx(0.5))
    assert res["status_accuracy"] == 1.0
    assert res["date_accuracy"] == 1.0
    assert res["per_type"]["cost_sharing"]["f1"] == 1.0
    assert res["per_type"]["infrastructure"]["precision"] == 0.0
    assert res["per_type"]["ecological_compensation"]["recall"] == 0.0
    assert res["documents_missing_from_output"] == []
    assert summary_line(res) == "mechanism_f1=0.500 agglomeration_f1=0.500 date_acc=1.000 status_acc=1.000"


def test_missing_document_counts_as_misses(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    _gold(
        gold,
        "d1",
        {
            "file": "docs/d1.txt",
            "agglomerations": ["gba"],
            "mechanisms": [{"sentence": "建立成本共担机制。", "types": ["cost_sharing"]}],
        },
    )
    res = score({"documents": []}, gold)
    assert res["documents_missing_from_output"] == ["d1"]
    assert res["mechanisms"]["fn"] == 1 and res["agglomerations"]["fn"] == 1
    assert res["status_accuracy"] is None and res["date_accuracy"] is None
    assert summary_line(res).endswith("date_acc=na status_acc=na")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("建立成本共担机制", "一是建立成本共担机制", True),
        ("建立成本共担利益共享机制推动发展", "建立成本共担利益共享机制", True),
        ("建立成本共担机制", "完善生态补偿制度", False),
        ("", "建立", False),
    ],
)
def test_same_sentence(a: str, b: str, same: bool) -> None:
    assert same_sentence(a, b) is same


def test_helpers() -> None:
    assert norm("建立，成本 共担。") == "建立成本共担"
    assert norm("ＧＤＰ（增长）") == "GDP增长"
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(1, 1, 1) == (0.5, 0.5, 0.5)
    assert date_agrees("2021-03-05", "2021-03")
    assert date_agrees("2021-03", "2021-03")
    assert not date_agrees("2021", "2021-03")
    assert not date_agrees("2020-03", "2021")
    assert date_agrees(None, None)
    assert not date_agrees(None, "2021")


def _reference(scorer: Path, pred: Path, gold: Path) -> tuple[dict, str]:
    """The reference scorer's JSON metrics and its last (summary) line."""
    proc = subprocess.run(
        [sys.executable, str(scorer), str(pred), "--gold", str(gold), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    body, last = proc.stdout.rstrip("\n").rsplit("\n", 1)
    return json.loads(body), last


def _compare(ours: dict, ref: dict) -> None:
    for key in ("documents_scored", "documents_missing_from_output", "status_accuracy", "date_accuracy"):
        assert ours[key] == ref[key], key
    for key in ("agglomerations", "mechanisms"):
        for k, v in ref[key].items():
            assert ours[key].get(k, 0) == pytest.approx(v), (key, k)
    assert set(ours["per_type"]) == set(ref["per_type"])
    for t, r in ref["per_type"].items():
        for k, v in r.items():
            assert ours["per_type"][t][k] == pytest.approx(v), (t, k)


def test_equals_reference_scorer_on_seeds(shared_dir: Path, tmp_path: Path, capsys) -> None:
    scorer = shared_dir / "tools" / "score_extract.py"
    if not scorer.exists() or not (shared_dir / "seeds").is_dir():
        pytest.skip("the shared scorer or seeds are absent")
    out = tmp_path / "extract.json"
    code = main(["extract", str(shared_dir / "seeds"), "--format", "json", "-o", str(out)])
    capsys.readouterr()
    assert code == 0
    output = json.loads(out.read_text(encoding="utf-8"))
    assert output["schema"] == "policytext/v1"
    assert output["errors"] == []
    ref, last = _reference(scorer, out, shared_dir / "gold")
    ours = score(output, shared_dir / "gold")
    assert summary_line(ours) == last
    assert ours["documents_scored"] == len(list((shared_dir / "gold").glob("*.json")))
    assert ours["mechanisms"]["tp"] > 0
    _compare(ours, ref)


def test_hand_made_case_equals_reference_scorer(shared_dir: Path, tmp_path: Path) -> None:
    scorer = shared_dir / "tools" / "score_extract.py"
    if not scorer.exists():
        pytest.skip("the shared scorer is absent")
    gold = tmp_path / "gold"
    _gold(
        gold,
        "d1",
        {
            "file": "docs/d1.txt",
            "date": "2021",
            "agglomerations": ["yangtze_delta"],
            "mechanisms": [
                {
                    "sentence": "建立成本共担、利益共享机制。",
                    "types": ["cost_sharing", "benefit_sharing"],
                    "status": "proposed",
                },
                {
                    "sentence": "要素市场分割比商品市场分割更明显。",
                    "types": ["factor_market"],
                    "status": "lacking",
                },
            ],
        },
    )
    _gold(gold, "d2", {"file": "docs/d2.txt", "date": "2020-05", "agglomerations": ["gba"], "mechanisms": []})
    output = {
        "schema": "policytext/v1",
        "documents": [
            {
                "path": "d1.txt",
                "date": "2020",
                "agglomerations": [{"id": "yangtze_delta"}, {"id": "jingjinji"}],
                "mentions": [
                    _mention("建立成本共担、利益共享机制。", "cost_sharing", "lacking"),
                    _mention("建立成本共担、利益共享机制。", "benefit_sharing", "proposed"),
                    _mention("要素市场分割比商品市场分割更明显", "factor_market", "lacking"),
                    _mention("要素市场分割比商品市场分割更明显", "service_sharing", "lacking"),
                ],
            }
        ],
    }
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(output, ensure_ascii=False), encoding="utf-8")
    ref, last = _reference(scorer, pred, gold)
    ours = score(output, gold)
    _compare(ours, ref)
    assert summary_line(ours) == last
    assert ours["documents_missing_from_output"] == ["d2"]
    assert ours["status_accuracy"] == pytest.approx(2 / 3)


def test_zero_counts_are_reported(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    _gold(
        gold,
        "d1",
        {
            "file": "docs/d1.txt",
            "agglomerations": ["gba"],
            "mechanisms": [{"sentence": "建立成本共担机制。", "types": ["cost_sharing"]}],
        },
    )
    output = {
        "documents": [
            {
                "path": "d1.txt",
                "agglomerations": ["gba"],
                "mentions": [_mention("建立成本共担机制。", "cost_sharing")],
            }
        ]
    }
    res = score(output, gold)
    assert {k: res["mechanisms"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 0, "fn": 0}
    assert {k: res["agglomerations"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 0, "fn": 0}
