"""Grouped cross-validation, the per-type rule+model policy, context features, the status model,
the new reader."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from policytext.classify.model import (
    CONTEXT_FEATURES,
    LabelledSentence,
    MechanismClassifier,
    choose_policy,
    document_groups,
    genre_cv,
    genre_folds,
    load_training_data,
    manifest_genres,
    train_status,
)

COST = [
    "两地共同承担污染治理费用。",
    "费用按比例分担。",
    "建立成本分担机制。",
    "三市共担建设成本。",
    "基础设施成本由各方共同承担。",
    "各市按比例承担运营费用。",
    "投入共担，收益共享。",
    "两市分摊治理成本。",
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
    "明确事权和支出责任。",
    "完善社会保障体系。",
]


def corpus() -> list[LabelledSentence]:
    out = []
    for d, genre in enumerate(["law", "news", "paper", "report"]):
        for k, s in enumerate(COST):
            status = "established" if genre == "news" else "proposed"
            out.append(
                LabelledSentence(
                    s if k % 4 != d else s + "（试行）", ["cost_sharing"], status, doc=f"d{d}", genre=genre
                )
            )
        for s in NEG:
            out.append(LabelledSentence(s, [], None, doc=f"d{d}", genre=genre))
    return out


def rules(s: str) -> set[str]:
    return {"cost_sharing"} if "费用" in s or "支出责任" in s else set()


def status_rule(e: LabelledSentence) -> str:
    return "proposed"


def test_groups_are_documents() -> None:
    assert set(document_groups(corpus())) == {"d0", "d1", "d2", "d3"}


def test_policy_is_per_type_and_rare_types_keep_the_rules() -> None:
    y = np.array([[1, 0], [1, 0], [0, 0], [1, 1], [0, 0], [1, 0], [0, 0], [1, 0]])
    probs = np.array(
        [[0.9, 0.1], [0.8, 0.2], [0.3, 0.1], [0.7, 0.9], [0.2, 0.1], [0.4, 0.1], [0.1, 0.1], [0.95, 0.1]]
    )
    rule = np.array([[0, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 0], [0, 0], [0, 0]], dtype=bool)
    pol = choose_policy(y, probs, rule, ["a", "b"])
    assert pol["b"] == {"add": 1.01, "keep": 0.0, "cv_f1": 0.6667}  # one positive: rules alone
    a = pol["a"]
    pred = (probs[:, 0] >= a["add"]) | (rule[:, 0] & (probs[:, 0] >= a["keep"]))
    assert a["cv_f1"] == 1.0 and (pred == y[:, 0].astype(bool)).all()


def test_the_model_takes_part_only_where_it_beats_the_rules_by_the_margin() -> None:
    # rules: 3 of 4 positives, no false alarm (F1 0.857); the model finds all 4 but adds a false alarm
    y = np.array([[1], [1], [1], [1], [0], [0]])
    rule = np.array([[1], [1], [1], [0], [0], [0]], dtype=bool)
    probs = np.array([[0.9], [0.9], [0.9], [0.8], [0.85], [0.1]])
    # best pair: everything >= 0.8 (F1 0.889), a gain of 0.032 over the rules
    assert choose_policy(y, probs, rule, ["a"], min_support=1)["a"]["add"] <= 0.8
    kept = choose_policy(y, probs, rule, ["a"], min_support=1, margin=0.05)["a"]
    assert kept == {"add": 1.01, "keep": 0.0, "cv_f1": 0.8571}
    # stacked with a second CV where the model's extra find is a false alarm, the rules win
    y2 = np.array([[1], [1], [1], [0], [0], [0]])
    stacked = choose_policy(
        np.vstack([y, y2]), np.vstack([probs, probs]), np.vstack([rule, rule]), ["a"], min_support=1
    )
    assert stacked["a"]["add"] == 1.01


def test_genre_folds_hold_out_whole_genres() -> None:
    data = corpus()
    folds = genre_folds(data, document_groups(data))
    assert sorted(map(sorted, folds)) == [["d0"], ["d1"], ["d2"], ["d3"]]


def test_the_status_model_must_also_win_held_out_by_genre() -> None:
    # each genre states status its own way: a model trained on the other genres cannot learn it
    data = []
    for d, (genre, word, status) in enumerate(
        [("law", "应当", "proposed"), ("news", "已经", "established"), ("paper", "尚未", "lacking")]
    ):
        for k in range(12):
            data.append(
                LabelledSentence(
                    f"第{k}项{word}建立成本共担机制。",
                    ["cost_sharing"],
                    status,
                    doc=f"d{d}-{k % 3}",
                    genre=genre,
                )
            )
    groups = document_groups(data)
    model, by_doc = train_status(data, lambda e: "proposed", groups, folds=3)
    assert by_doc["used"] == "model" and "genre_accuracy_model" not in by_doc
    model, both = train_status(data, lambda e: "proposed", groups, folds=3, genres=True)
    assert (
        both["genre_accuracy_model"] <= both["cv_accuracy_rules"]
        and both["used"] == "rules"
        and model is None
    )


def test_train_with_rules_context_and_status(tmp_path: Path) -> None:
    data = corpus()
    clf = MechanismClassifier.train(
        data,
        labels=["cost_sharing", "tax_sharing"],
        cv=4,
        rules=rules,
        status_rule=status_rule,
        context=lambda e: {"ctx:news"} if e.genre == "news" else set(),
    )
    assert clf.uses_rules and clf.uses_context and set(CONTEXT_FEATURES) <= set(clf.weights.extra)
    assert set(clf.meta["policy"]) == {"cost_sharing"} and clf.meta["metrics"]["grouping"] == "document"
    assert clf.meta["n_documents"] == 4
    st = clf.meta["status"]
    assert st["used"] in ("model", "rules") and st["cv_accuracy_rules"] == 0.75  # the rule misses the news
    # a rule hit is a feature: the same text scores higher with it
    with_hit = clf.predict_proba(["两地分担费用。"], [["cost_sharing"]])[0, 0]
    without = clf.predict_proba(["两地分担费用。"], [[]])[0, 0]
    assert with_hit > without
    clf.save(tmp_path / "m")
    back = MechanismClassifier.load(tmp_path / "m")
    texts = ["投入共担。", "推进乡村振兴。"]
    ctx = [{"ctx:news"}, set()]
    assert (back.predict_proba(texts, [[], []], ctx) == clf.predict_proba(texts, [[], []], ctx)).all()
    assert back.predict_status(texts, ["proposed", "proposed"]) == clf.predict_status(
        texts, ["proposed", "proposed"]
    )
    if st["used"] == "model":
        assert clf.status_weights is not None and back.status_weights is not None
    else:
        assert back.predict_status(texts, ["proposed", "proposed"]) is None


def test_genre_table_holds_out_each_genre() -> None:
    rows = genre_cv(corpus(), labels=["cost_sharing"], rules=rules, status_rule=status_rule, folds=3)
    assert [r["genre"] for r in rows] == ["law", "report", "paper", "news", "all (by document)"]
    for r in rows:
        assert r["documents"] == (4 if r["genre"].startswith("all") else 1)
        assert all(0.0 <= v <= 1.0 for v in (*r["rules"], *r["model"], *r["policy"]))
    news = next(r for r in rows if r["genre"] == "news")
    assert news["status_rules"] == 0.0  # gold says established, the rule says proposed


def test_reader_takes_adjudicated_format_genres_and_excludes_gold(tmp_path: Path) -> None:
    adj = tmp_path / "adjudicated"
    adj.mkdir()
    rows = [
        {
            "doc": "law-a",
            "i": 0,
            "sentence": "第一条 建立成本共担机制。",
            "types": ["cost_sharing"],
            "status": "proposed",
        },
        {"doc": "law-a", "i": 1, "sentence": "第二条 加快发展。", "types": [], "status": None},
    ]
    (adj / "law-a.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (adj / "gold-doc.jsonl").write_text(
        json.dumps(
            {"doc": "gold-doc", "i": 0, "sentence": "设立合作基金。", "types": ["joint_fund"]},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "MANIFEST.csv"
    manifest.write_text(
        "id,doc_type,split\nlaw-a,other,dev\nnews-b,news,dev\nheld,report,heldout\n", encoding="utf-8"
    )
    genres = manifest_genres(manifest)
    assert genres == {"law-a": "law", "news-b": "news"}  # held-out rows are never read
    data = load_training_data([adj], genres=genres, exclude_docs={"gold-doc"})
    assert [(e.doc, e.genre, e.types) for e in data] == [
        ("law-a", "law", ["cost_sharing"]),
        ("law-a", "law", []),
    ]


def test_indexed_labels_read_their_sentences_from_the_source_and_refuse_a_changed_cut(tmp_path: Path) -> None:
    """Labels of third-party documents give a sentence index and fingerprint, not the text: training
    cuts the source as annotators saw it, and a source cut differently is refused, never misread."""
    from policytext.classify.model import annotation_sentences, sentence_digest
    from policytext.errors import ModelError

    texts = tmp_path / "txt"
    texts.mkdir()
    src = texts / "law-a.txt"
    src.write_text("总则\n第一条 建立成本共担机制。\n第二条 加快发展。\n", encoding="utf-8")
    sents = annotation_sentences(src)
    i = next(k for k, s in enumerate(sents) if "成本共担" in s)
    adj = tmp_path / "adjudicated"
    adj.mkdir()
    rows = [
        {
            "doc": "law-a",
            "i": k,
            "sha": sentence_digest(s),
            "types": ["cost_sharing"] if k == i else [],
            "status": "proposed" if k == i else None,
        }
        for k, s in enumerate(sents)
    ]
    (adj / "law-a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    data = load_training_data([adj], texts=texts)
    assert {e.text: e.types for e in data}[sents[i]] == ["cost_sharing"]
    assert len(data) == len(sents) and all("成本共担" not in (e.text) or e.types for e in data)
    with pytest.raises(ModelError, match="--texts"):
        load_training_data([adj])
    src.write_text("总则\n前言一句。\n第一条 建立成本共担机制。\n第二条 加快发展。\n", encoding="utf-8")
    with pytest.raises(ModelError, match="not the annotated one"):
        load_training_data([adj], texts=texts)


def test_eval_report_says_how_the_policy_was_chosen() -> None:
    from policytext.evaluate import model_cv_report

    clf = MechanismClassifier.train(corpus(), labels=["cost_sharing", "tax_sharing"], cv=4, rules=rules)
    by_genre = clf.meta["metrics"]["union"]["by_genre"]
    assert by_genre["rules_only"] == clf.meta["metrics"]["union"]["rules_only"]
    text = model_cv_report(clf)
    assert "held out by genre (train on the other genres): rules" in text
    pol = clf.meta["policy"]["cost_sharing"]
    chosen = "model with rules for cost_sharing" if pol["add"] <= 1.0 or pol["keep"] > 0 else "no type"
    assert "policy (chosen on the CVs by document and by genre" in text and chosen in text
