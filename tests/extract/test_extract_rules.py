"""Rule matching of mechanism types and attributes, on the hard cases of TAXONOMY.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policytext.extract.rules import match_types, stage_of, status_of
from policytext.lexicons.taxonomy import Taxonomy

TypesOf = Callable[[str, Taxonomy], set[str]]

# fmt: off
POSITIVE = [
    ("建立成本共担、利益共享机制。", {"cost_sharing", "benefit_sharing"}),
    ("五、高效率畅通完善补偿共享机制", {"interest_compensation", "benefit_sharing"}),
    ("流域上下游补偿资金由两市财政部门按季度拨付。", {"eco_compensation"}),
    (
        "探索在产业移出地和移入地之间建立横向财政转移支付制度，实行税收两地分成。",
        {"fiscal_transfer", "tax_sharing"},
    ),
    ("探索建立合理的税收利益共享和征管协调机制。", {"tax_sharing"}),
    ("建立区域合作基金，用于公共事务支出。", {"joint_fund"}),
    ("探索联合组建区域性交通投资公司和公交集团公司。", {"joint_investment"}),
    ("建立都市圈市长联席会议制度。", {"coordination_body"}),
    ("实行城市群生态环境保护统一规划。", {"planning_coordination"}),
    ("把都市圈建设成效纳入各级领导班子政绩考核指标体系。", {"performance_assessment"}),
    ("推进人才资质互认，实现职业资格跨省通认。", {"mutual_recognition"}),
    ("强化区域大气污染、水污染的联防联控。", {"joint_enforcement"}),
    ("推进异地就医直接结算和养老保险关系转移接续。", {"service_sharing"}),
    ("以委托管理、投资合作等多种形式合作共建产业园区。", {"co_built_parks"}),
    ("加强建立全国性建设用地、补充耕地指标跨区域交易机制。", {"factor_market"}),
]
NEGATIVE = [
    "推动城市群一体化发展体制机制创新。",                      # generic
    "城市群是城市发展的最高层次的空间组织形式。",               # no mechanism
    "加强跨部门执法协作，提高执法效率。",                      # one government's departments
    "口岸管理部门监管互认，提升通关效率。",                    # one government's departments
    "依据《生态保护补偿条例》开展工作。",                      # a document title, not an arrangement
    "完善区域合作机制和联动机制。",                            # generic phrases
    "国家自然科学基金项目资助。",                              # a research grant, not a pooled fund
]
STATUS = [
    ("利益共享机制尚未有效建立。", "lacking"),
    ("都市圈协同发展体制机制不健全。", "lacking"),
    ("三市已建立生态补偿机制。", "established"),
    ("该基金由三市按年度注资。", "established"),
    ("应当建立流域生态保护补偿机制。", "proposed"),
]
STAGE = [
    ("探索建立成本共担机制。", "成本共担", "explore"),   # 探索 governs 建立
    ("建立成本共担机制。", "成本共担", "establish"),
    ("健全利益共享机制。", "利益共享", "improve"),
    ("落实生态补偿资金。", "生态补偿", "implement"),
    ("开展税收分成试点研究。", "税收分成", "explore"),
]
# fmt: on


@pytest.mark.parametrize("sentence,expected", POSITIVE)
def test_rules_find_every_type_asserted(
    sentence: str, expected: set[str], tx: Taxonomy, types: TypesOf
) -> None:
    assert types(sentence, tx) == expected


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_rules_skip_generic_and_non_jurisdictional(sentence: str, tx: Taxonomy, types: TypesOf) -> None:
    assert types(sentence, tx) == set()


@pytest.mark.parametrize("sentence,expected", STATUS)
def test_status(sentence: str, expected: str, tx: Taxonomy) -> None:
    assert status_of(sentence, tx) == expected


@pytest.mark.parametrize("sentence,cue,expected", STAGE)
def test_stage_is_the_governing_verb(sentence: str, cue: str, expected: str, tx: Taxonomy) -> None:
    assert stage_of(sentence, sentence.index(cue), tx) == expected


def test_cue_span_points_into_the_sentence(tx: Taxonomy) -> None:
    s = "各市应当建立横向生态保护补偿机制。"
    (m,) = match_types(s, tx)
    assert s[m.start : m.end] == m.cue and "补偿" in m.cue


def test_weak_cue_needs_cross_jurisdiction_context(tx: Taxonomy, types: TypesOf) -> None:
    assert "service_sharing" not in types("单位内部推进共建共享。", tx)
    assert "service_sharing" in types("推进三地公共服务共建共享。", tx)


def test_user_taxonomy_replaces_the_default(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '[taxonomy]\nname = "mine"\nversion = "1"\n\n[[types]]\nid = "water_rights"\ncues = ["水权交易"]\n',
        encoding="utf-8",
    )
    mine = Taxonomy.load(f)
    assert mine.ids == ["water_rights"]
    assert {m.type for m in match_types("推进黄河流域水权交易。", mine)} == {"water_rights"}
    assert match_types("建立成本共担机制。", mine) == []


@pytest.mark.parametrize(
    "content,needle",
    [
        ("not toml [[[", "not a valid UTF-8 TOML"),
        ('[taxonomy]\nname="x"\n[[types]]\nid="a"\ncues=["x"]\n', "version"),
        ('[taxonomy]\nversion="1"\n[[types]]\nid="a"\ncues=["(unclosed"]\n', "bad pattern"),
        (
            '[taxonomy]\nversion="1"\n[[types]]\nid="a"\ncues=["x"]\n[[types]]\nid="a"\ncues=["y"]\n',
            "duplicate",
        ),
    ],
)
def test_malformed_taxonomy_is_a_one_line_error(tmp_path: Path, content: str, needle: str) -> None:
    from policytext.errors import LexiconError

    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        Taxonomy.load(f)
    assert needle in str(info.value) and str(f) in str(info.value) and "\n" not in str(info.value)


def test_default_taxonomy_covers_the_spec_ids(tx: Taxonomy) -> None:
    assert set(tx.ids) == {
        "cost_sharing",
        "benefit_sharing",
        "tax_sharing",
        "eco_compensation",
        "interest_compensation",
        "fiscal_transfer",
        "joint_fund",
        "joint_investment",
        "coordination_body",
        "planning_coordination",
        "performance_assessment",
        "mutual_recognition",
        "joint_enforcement",
        "service_sharing",
        "co_built_parks",
        "factor_market",
    }
    assert tx.resolve("生态补偿") == "eco_compensation" and tx.resolve("Joint fund") == "joint_fund"


@pytest.mark.parametrize(
    "sentence,provision,expected",
    [
        ("第十条 补偿资金按年度拨付。", True, "established"),  # a standing procedure
        ("第三条 各市应当建立生态补偿机制。", True, "proposed"),  # a task
        (
            "本办法所称横向生态保护补偿，是指下游受益地区对上游地区给予补偿。",
            False,
            "established",
        ),  # a definition
        ("四市国有企业共同出资组建了轨道交通投资公司。", False, "established"),  # reported as done
        ("补偿资金按年度拨付。", False, "proposed"),  # outside a provision: no evidence
    ],
)
def test_status_of_provisions_and_reports(
    sentence: str, provision: bool, expected: str, tx: Taxonomy
) -> None:
    assert status_of(sentence, tx, provision=provision) == expected
