"""The training status rule sees each document's review part as extraction does."""

from __future__ import annotations

from pathlib import Path

from policytext.classify.model import LabelledSentence
from policytext.classify.training import status_rule_for
from policytext.lexicons.taxonomy import Taxonomy

REVIEW = "一、2025年工作回顾"
TASK = "建立黄河流域生态保护横向补偿机制，治理沙化土地93.5万亩。"


def test_a_review_heading_merged_into_an_earlier_document_still_counts(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"{REVIEW}\n过去一年，经济运行稳中有进。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"{REVIEW}\n{TASK}\n二、2026年重点工作\n", encoding="utf-8")
    # duplicated sentences are merged into the first document: b keeps only its own lines
    examples = [
        LabelledSentence(REVIEW, [], None, "", "a", "report"),
        LabelledSentence("过去一年，经济运行稳中有进。", [], None, "", "a", "report"),
        LabelledSentence(TASK, ["eco_compensation"], "established", "", "b", "report"),
        LabelledSentence("二、2026年重点工作", [], None, "", "b", "report"),
    ]
    tx = Taxonomy.load()
    assert status_rule_for(examples, tx)(examples[2]) == "proposed"  # b's heading is lost
    assert status_rule_for(examples, tx, texts=tmp_path)(examples[2]) == "established"
