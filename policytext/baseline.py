"""The cue-word baseline: a type is asserted wherever one of the taxonomy's indicative
cue words (the plain words of the spec's table, no context, no exclusions) occurs.

It is what a keyword search in a spreadsheet would do; the shipped pipeline must beat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CUE_WORDS: dict[str, tuple[str, ...]] = {
    "cost_sharing": ("成本共担", "成本分担", "费用分担", "财政分担", "按比例出资"),
    "benefit_sharing": ("利益共享", "收益分享", "收益共享", "利益分配机制"),
    "tax_sharing": ("税收分成", "税收分享", "税收利益共享", "征管协调"),
    "eco_compensation": ("生态补偿", "生态保护补偿", "横向生态补偿"),
    "interest_compensation": ("利益补偿", "补偿机制", "赔偿机制"),
    "fiscal_transfer": ("横向财政转移支付", "横向转移支付"),
    "joint_fund": ("合作基金", "共同投资基金", "发展基金", "区域合作基金"),
    "joint_investment": ("投融资共同体", "联合出资", "共同出资", "股份制集团公司"),
    "coordination_body": (
        "联席会议",
        "领导小组",
        "推进委员会",
        "规划委员会",
        "协调办公室",
        "协商机制",
        "会商",
    ),
    "planning_coordination": ("统一规划", "规划协调", "规划衔接", "规划一张图", "统一编制"),
    "performance_assessment": ("政绩考核", "考核机制", "督查考核", "绩效评估"),
    "mutual_recognition": ("互认", "通用", "通兑", "一照多址"),
    "joint_enforcement": ("联防联控", "联合执法", "共保共治", "联合监测", "应急联动"),
    "service_sharing": ("异地就医", "跨省结算", "转移接续", "共建共享", "联合办学", "医疗联合体"),
    "co_built_parks": ("飞地经济", "委托管理", "托管"),
    "factor_market": ("指标跨区域交易", "技术交易市场", "统一市场准入", "要素自由流动"),
}


def baseline_extract(inputs: Sequence[str]) -> dict[str, Any]:
    """Run the baseline on files; returns a ``policytext/v1`` object (status always proposed).

    Agglomerations come from the shipped gazetteer (the baseline is about mechanisms);
    every sentence of the document is searched for the cue words.
    """
    from policytext.errors import IngestError
    from policytext.extract.pipeline import Extractor, document_output, to_output
    from policytext.ingest.document import build_document

    gazetteer_only = Extractor.load(model=False)
    gazetteer_only.measures = False
    docs: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for path in inputs:
        try:
            doc = build_document(path)
        except IngestError as exc:
            errors.append({"path": path, "error": exc.reason, "message": exc.message})
            continue
        out = document_output(doc, gazetteer_only.extract(doc), path=path)
        mentions = [m for m in out["mentions"] if m["kind"] == "agglomeration"]
        for s in doc.sentences:
            for t, words in CUE_WORDS.items():
                if any(w in s.text for w in words):
                    mentions.append(
                        {
                            "kind": "mechanism",
                            "type": t,
                            "text": s.text,
                            "sentence": s.text,
                            "sentence_index": s.index,
                            "page": s.page,
                            "start": s.start,
                            "end": s.end,
                            "score": 1.0,
                            "source": "rule",
                            "attributes": {"status": "proposed"},
                        }
                    )
        out["mentions"] = mentions
        docs.append(out)
    return to_output(docs, errors)
