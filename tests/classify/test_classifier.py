"""The sentence classifier: estimator contract, fit/predict, save/load with meta, version warning."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from sklearn.base import clone

from policytext.classify.model import LabelledSentence, MechanismClassifier, load_training_data, make_pipeline
from policytext.errors import ModelError, VersionMismatchWarning

POS_COST = [
    "两地共同承担污染治理费用。",
    "费用按比例分担。",
    "建立成本分担机制。",
    "三市共担建设成本。",
    "基础设施成本由各方共同承担。",
    "各市按比例承担运营费用。",
]
POS_FUND = [
    "设立区域合作基金。",
    "各市按财政收入比例缴纳基金。",
    "共同出资设立发展基金。",
    "基金由三市按年度注资。",
    "建立城市群合作基金。",
    "合作基金用于公共事务支出。",
]
NEG = [
    "加快发展现代服务业。",
    "提高城市治理水平。",
    "推进新型城镇化建设。",
    "加强生态文明建设。",
    "扩大对外开放。",
    "提升居民收入水平。",
    "优化营商环境。",
    "推进乡村振兴。",
]


def examples() -> list[LabelledSentence]:
    return (
        [LabelledSentence(s, ["cost_sharing"]) for s in POS_COST]
        + [LabelledSentence(s, ["joint_fund"]) for s in POS_FUND]
        + [LabelledSentence(s, []) for s in NEG]
    )


def test_pipeline_clone_and_params_round_trip() -> None:
    pipe = make_pipeline(C=2.0, random_state=3)
    params = pipe.get_params()
    twin = clone(pipe)
    assert twin.get_params()["clf__estimator__C"] == 2.0 == params["clf__estimator__C"]
    assert twin is not pipe


def test_fit_predict_on_small_data() -> None:
    clf = MechanismClassifier.train(
        examples(), labels=["cost_sharing", "joint_fund", "tax_sharing"], cv=0, threshold=0.5
    )
    assert clf.labels == ["cost_sharing", "joint_fund"]  # types without examples are never predicted
    pred = clf.predict(["两地按比例分担治理费用。", "各市出资设立合作基金。", "推进乡村振兴。"])
    assert [t for t, _ in pred[0]] == ["cost_sharing"]
    assert [t for t, _ in pred[1]] == ["joint_fund"]
    assert pred[2] == []


def test_training_is_deterministic() -> None:
    a = MechanismClassifier.train(examples(), labels=["cost_sharing", "joint_fund"], cv=0)
    b = MechanismClassifier.train(examples(), labels=["cost_sharing", "joint_fund"], cv=0)
    texts = ["费用共同承担。", "设立基金。"]
    assert (a.predict_proba(texts) == b.predict_proba(texts)).all()
    assert a.meta["data_sha256"] == b.meta["data_sha256"]


def test_cross_validation_metrics_in_meta() -> None:
    clf = MechanismClassifier.train(
        examples() * 2,
        labels=["cost_sharing", "joint_fund"],
        cv=2,
        rules=lambda s: {"cost_sharing"} if "费用" in s else set(),
    )
    m = clf.meta["metrics"]
    assert 0.0 <= m["micro_f1"] <= 1.0 and m["cv_folds"] == 2
    assert set(m["per_type"]) == {"cost_sharing", "joint_fund"}
    assert "add_threshold" in clf.meta and len(m["union"]["rules_only"]) == 3


def test_save_load_round_trip_and_meta(tmp_path: Path) -> None:
    clf = MechanismClassifier.train(examples(), labels=["cost_sharing", "joint_fund"], cv=0)
    clf.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert {"labels", "data_sha256", "versions", "metrics", "threshold", "n_examples"} <= set(meta)
    assert {"scikit-learn", "policytext", "numpy", "python"} <= set(meta["versions"])
    back = MechanismClassifier.load(tmp_path / "m")
    texts = ["两地共同承担费用。"]
    assert (back.predict_proba(texts) == clf.predict_proba(texts)).all()


def test_loading_a_model_from_another_version_warns(tmp_path: Path) -> None:
    clf = MechanismClassifier.train(examples(), labels=["cost_sharing", "joint_fund"], cv=0)
    clf.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["versions"]["scikit-learn"] = "0.0.1"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(VersionMismatchWarning, match="scikit-learn 0.0.1"):
        MechanismClassifier.load(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        meta["versions"] = clf.meta["versions"]
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        MechanismClassifier.load(tmp_path / "m")


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="policytext train"):
        MechanismClassifier.load(tmp_path)


def test_too_little_data_is_refused() -> None:
    with pytest.raises(ModelError, match="at least 20"):
        MechanismClassifier.train(examples()[:5], labels=["cost_sharing"], cv=0)


def test_training_data_reader_reads_both_formats(tmp_path: Path) -> None:
    ann = tmp_path / "annotations"
    (ann / "real").mkdir(parents=True)
    (ann / "sample").mkdir()
    (tmp_path / "sources").mkdir()
    (ann / "real" / "a.jsonl").write_text(
        '{"sentence": "建立成本共担机制。", "types": ["cost_sharing"], "status": "proposed"}\n'
        '{"sentence": "推进乡村振兴。", "types": []}\n',
        encoding="utf-8",
    )
    (tmp_path / "sources" / "d1.txt").write_text(
        "标题\n设立区域合作基金。\n加快发展服务业。\n", encoding="utf-8"
    )
    (ann / "sample" / "d1.json").write_text(
        json.dumps(
            {
                "file": "sample/d1.txt",
                "mechanisms": [{"sentence": "设立区域合作基金。", "types": ["joint_fund"]}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    data = {e.text: e.types for e in load_training_data([ann], corpora_root=tmp_path)}
    assert data["建立成本共担机制。"] == ["cost_sharing"]
    assert data["设立区域合作基金。"] == ["joint_fund"]
    assert data["加快发展服务业。"] == [] and data["推进乡村振兴。"] == []


def test_bad_jsonl_line_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text('{"sentence": "a", "types": []}\n{broken\n', encoding="utf-8")
    with pytest.raises(ModelError, match=r"x\.jsonl:2"):
        load_training_data([f])


def test_shipped_model_meta_matches_the_annotations() -> None:
    root = Path(__file__).resolve().parents[2]
    meta_path = root / "models" / "mechanisms" / "meta.json"
    if not meta_path.exists():
        pytest.skip("no shipped model")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["n_examples"] >= 800
    assert meta["n_positive"] > 0 and meta["metrics"]["cv_folds"] == 5


def test_single_type_model_predicts() -> None:
    data = [e for e in examples() if e.types != ["joint_fund"]] * 2
    clf = MechanismClassifier.train(data, labels=["cost_sharing"], cv=0, threshold=0.5)
    assert clf.predict_proba(["两地按比例分担治理费用。"]).shape == (1, 1)
    assert [t for t, _ in clf.predict(["两地按比例分担治理费用。"])[0]] == ["cost_sharing"]
    assert clf.predict(["推进乡村振兴。"]) == [[]]
