"""Guards of the taxonomy data: false-positive patterns a cue alone would tag (ANNOTATING.md, Parties)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from policytext.extract.rules import document_scoped, match_document
from policytext.lexicons.taxonomy import LexiconError, Taxonomy

TypesOf = Callable[[str, Taxonomy], set[str]]

# fmt: off
VETOED = [
    # 多规合一 is one jurisdiction's planning reform, not planning between jurisdictions
    ("促进“多规合一”，提升城市规划设计水平。", "planning_coordination"),
    ("建立统一的空间规划体系，统领各类空间规划。", "planning_coordination"),
    ("县级以上地方人民政府组织编制本行政区域的国土空间规划。", "planning_coordination"),
    ("市有关部门应当统筹规划本市会展场馆的布局和建设。", "planning_coordination"),
    # assessment only when it concerns regional cooperation or integration
    ("完善政绩考核评价体系，切实把各方面积极性引导到加快转方式调结构上来。", "performance_assessment"),
    ("对空气质量恶化、应对不力的，必须严格问责。", "performance_assessment"),
    ("河长制责任单位和牵头单位履职情况的考核纳入本级目标管理绩效考核。", "performance_assessment"),
    # payments by the state to households are not compensation between jurisdictions
    ("农户在参与生态补偿项目的过程中获得的实际经济收入过低。", "eco_compensation"),
    ("落实退牧还草和禁牧补助，提高牧民生态补偿标准。", "eco_compensation"),
    # a basin's 横向补偿 is eco_compensation only; compensation of citizens is none
    ("建立黄河流域生态保护横向补偿机制。", "interest_compensation"),
    ("对野生动物造成人员伤亡的，依法给予补偿。", "interest_compensation"),
    # bodies inside one government, or of foreign states
    ("本市设立的国际航运中心建设议事协调机构，负责协调推进有关工作。", "coordination_body"),
    ("持续完善省政府与省总工会联席会议机制。", "coordination_body"),
    ("同意用好中美联合工作组，推动解决更多具体问题。", "coordination_body"),
    # the national epidemic-control mechanism is no joint enforcement of jurisdictions
    ("国务院联防联控机制今天举行新闻发布会。", "joint_enforcement"),
    # in-city factor reform pilots and statistics of technology trade
    ("推进要素市场化配置综合改革试点。", "factor_market"),
    ("技术交易额超过1万亿元。", "factor_market"),
    # a city's own medical consortia, farm services, revenue distribution inside institutions
    ("加快紧密型县域医共体和城市医联体建设。", "service_sharing"),
    ("完善农资采购、生产托管、农机作业等社会化服务体系。", "co_built_parks"),
    ("事业单位应当建立体现知识价值的收益分配机制。", "benefit_sharing"),
]

KEPT = [
    ("实行城市群生态环境保护统一规划。", "planning_coordination"),
    ("三、高质量建立健全规划协调机制", "planning_coordination"),
    ("把都市圈建设成效纳入各级领导班子政绩考核指标体系。", "performance_assessment"),
    ("国家鼓励长江流域上下游地方人民政府之间开展横向生态保护补偿。", "eco_compensation"),
    ("通过重点生态功能区转移支付对农牧民集中的县域予以生态补偿。", "eco_compensation"),
    ("建立都市圈市长联席会议制度。", "coordination_body"),
    ("完善突发公共卫生疫情联防联控机制，健全跨区域公共卫生应急管理体系。", "joint_enforcement"),
    ("推进京津冀医联体建设，共享优质医疗资源。", "service_sharing"),
    ("打破行政区划壁垒，建立统一的要素市场。", "factor_market"),
]

REFERENCES = [
    "14刘春腊，刘卫东，徐美.基于生态价值当量的中国省域生态补偿额度研究.资源科学，2014,36(1):148-155.",
    "[7] 张晏.国外生态补偿机制设计中的关键要素及启示[J].中国人口·资源与环境，2016,26（10）：121-129.",
    "23丁四保.主体功能区的生态补偿研究.北京：科学出版社，2009.",
]
# fmt: on


@pytest.mark.parametrize(("sentence", "type_id"), VETOED)
def test_guard_vetoes_the_false_positive(sentence: str, type_id: str, tx: Taxonomy, types: TypesOf) -> None:
    assert type_id not in types(sentence, tx)


@pytest.mark.parametrize(("sentence", "type_id"), KEPT)
def test_guard_keeps_the_cross_jurisdiction_case(
    sentence: str, type_id: str, tx: Taxonomy, types: TypesOf
) -> None:
    assert type_id in types(sentence, tx)


@pytest.mark.parametrize("sentence", REFERENCES)
def test_reference_entries_carry_no_type(sentence: str, tx: Taxonomy, types: TypesOf) -> None:
    assert types(sentence, tx) == set()
    # the same title as body text naming its parties does carry its type: the guard is the
    # citation form
    title = sentence.split(".")[1].removesuffix("[J]")
    assert "eco_compensation" in types("京津冀开展" + title + "。", tx)


def test_require_is_read_from_a_users_taxonomy(tmp_path: object, types: TypesOf) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "t.toml"
    path.write_text(
        '[taxonomy]\nversion = "1"\n[guards]\nno_mechanism = ["^注："]\n'
        '[[types]]\nid = "a"\nwords = ["考核"]\nrequire = ["区域"]\n',
        encoding="utf-8",
    )
    t = Taxonomy.load(path)
    assert types("区域合作考核。", t) == {"a"}
    assert types("年度考核。", t) == set()
    assert types("注：区域合作考核。", t) == set()


def test_a_bad_require_pattern_names_the_field(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "t.toml"
    path.write_text('[taxonomy]\nversion = "1"\n[[types]]\nid = "a"\nwords = ["x"]\nrequire = ["("]\n')
    with pytest.raises(LexiconError, match=r"a\.require"):
        Taxonomy.load(path)


# Paraphrases the adjudication notes type (ANNOTATING.md principles), found by the cues
# fmt: off
PARAPHRASES = [
    (
        "国家建立跨行政区域的重点区域、流域环境污染和生态破坏联合防治协调机制。",
        {"coordination_body", "joint_enforcement"},
    ),
    ("省有关部门应当与长三角区域省、直辖市以及其他相邻省相关部门建立沟通协调机制。", {"coordination_body"}),
    ("川渝两地联合成立汽车、电子产业工作专班。", {"coordination_body"}),
    ("有关设区的市人民政府应当加强沟通协调，协商解决跨界大气污染纠纷。", {"coordination_body"}),
    ("国家加大对生态保护地区的财政转移支付力度。", {"eco_compensation"}),
    ("设立10亿元绿色发展纵向补偿基金。", {"eco_compensation"}),
    ("常态化排查清理市场准入壁垒。", {"factor_market"}),
    ("清除妨碍全国统一市场的各种关卡。", {"factor_market"}),
    ("多地派出跨省招工团，通过点对点服务帮助务工人员返岗。", {"factor_market"}),
    ("“川渝通办”政务服务事项累计突破1500万件次。", {"service_sharing"}),
    ("京津冀成立了15个跨区域特色职教集团。", {"service_sharing"}),
    ("出台郑开同城化发展规划。", {"planning_coordination"}),
    ("成都和重庆两地共同设立技术研究院。", {"joint_investment"}),
    ("土地出让收入扣除成本后由合作区与珠海市均等共享。", {"benefit_sharing"}),
    ("民生事务由合作区和珠海市协商确定。", {"coordination_body"}),
    ("具有澳门执业资格的专业人才，其境外从业经历可以视同境内从业经历。", {"mutual_recognition"}),
    ("澳门公证机构出具的公证文书，可以按照国家规定在合作区内使用。", {"mutual_recognition"}),
    ("推动琴澳口岸实施信息互换、执法互助。", {"joint_enforcement"}),
    ("三省一市推进重要生态屏障和生态廊道共同保护。", {"joint_enforcement"}),
    ("中下游地区人民政府应当对上游地区实施生态环境修复给予支持。", {"eco_compensation"}),
    ("与周边城市结对，重点打造广州（阳江）产业转移工业园。", {"co_built_parks"}),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "expected"), PARAPHRASES)
def test_paraphrases_of_the_adjudicated_labels(
    sentence: str, expected: set[str], tx: Taxonomy, types: TypesOf
) -> None:
    assert expected <= types(sentence, tx)


def test_a_single_city_online_service_is_no_cross_border_service(tx: Taxonomy, types: TypesOf) -> None:
    assert "service_sharing" not in types("推进政务服务“一网通办”。", tx)
    assert "service_sharing" in types("140项政务服务事项实现长三角“一网通办”。", tx)


def test_a_weak_cue_needs_a_cross_jurisdiction_context(tx: Taxonomy, types: TypesOf) -> None:
    assert "joint_investment" not in types("三家企业共同设立技术研究院。", tx)


def test_a_place_in_brackets_is_no_paired_park(tx: Taxonomy, types: TypesOf) -> None:
    assert "co_built_parks" not in types("在长三角（宣城）产业合作区，电池项目正在建设。", tx)


# Parties (ANNOTATING.md): an arrangement is between jurisdictions. General statements that
# name no jurisdiction, region or government, and no policy instrument, carry no type.
# fmt: off
NO_PARTIES = [
    ("生态保护补偿是一种激励机制而不是惩罚机制，遵循受益者付费原则。", "eco_compensation"),
    ("国际上大多数的生态保护补偿项目的卖方是私人土地所有者。", "eco_compensation"),
    ("加快行业协会商会与行政机关脱钩改革。", "coordination_body"),
    ("深化医疗机构检查检验结果互通互认。", "mutual_recognition"),
    ("组建现代服务业创新发展基金。", "joint_fund"),
]
WITH_PARTIES = [
    ("京津冀建立横向生态保护补偿机制。", "eco_compensation"),
    ("健全生态保护补偿制度。", "eco_compensation"),  # a policy instrument, the object of a task
    ("中央财政加大对重点生态功能区的转移支付和补偿力度。", "eco_compensation"),
    ("川渝两地推动检查检验结果互认。", "mutual_recognition"),
    ("沪苏两地共同设立产业发展基金。", "joint_fund"),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "type_id"), NO_PARTIES)
def test_an_arrangement_without_parties_carries_no_type(
    sentence: str, type_id: str, tx: Taxonomy, types: TypesOf
) -> None:
    assert type_id not in types(sentence, tx)


@pytest.mark.parametrize(("sentence", "type_id"), WITH_PARTIES)
def test_an_arrangement_with_parties_keeps_its_type(
    sentence: str, type_id: str, tx: Taxonomy, types: TypesOf
) -> None:
    assert type_id in types(sentence, tx)


def test_a_document_about_several_jurisdictions_gives_its_arrangements_parties(
    tx: Taxonomy, types: TypesOf
) -> None:
    body = ["组建现代服务业创新发展基金。", "深化医疗机构检查检验结果互通互认。"]
    scoped = ["都市圈一体化发展的体制机制研究", "摘要：本文讨论都市圈的协同治理。", *body]
    plain = ["2025年政府工作报告", "各位代表：", *body]
    assert document_scoped(scoped, tx) and not document_scoped(plain, tx)
    in_scope = [{m.type for m in hits} for hits in match_document(scoped, tx)]
    outside = [{m.type for m in hits} for hits in match_document(plain, tx)]
    assert "joint_fund" in in_scope[2] and "mutual_recognition" in in_scope[3]
    assert "joint_fund" not in outside[2] and "mutual_recognition" not in outside[3]
    # a bare list of mechanism names counts wherever it stands (TAXONOMY.md)
    assert {"cost_sharing", "benefit_sharing"} <= types("建立成本共担、利益共享机制。", tx)


def test_parties_without_a_context_pattern_is_refused(tmp_path: object, types: TypesOf) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "t.toml"
    path.write_text(
        '[taxonomy]\nversion = "1"\n[[types]]\nid = "a"\nwords = ["基金"]\nrequire = ["@parties"]\n',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=r"a\.require holds \"@parties\" but \[context\] has no 'parties'"):
        Taxonomy.load(path)
    path.write_text(
        '[taxonomy]\nversion = "1"\n[context]\nparties = "两地"\nscope = "城市群"\n'
        '[[types]]\nid = "a"\nwords = ["基金"]\nrequire = ["@parties", "共同"]\n',
        encoding="utf-8",
    )
    t = Taxonomy.load(path)
    assert types("两地设立基金。", t) == {"a"} and types("共同设立基金。", t) == {"a"}
    assert types("设立基金。", t) == set()
    assert [{m.type for m in h} for h in match_document(["城市群发展研究", "设立基金。"], t)][1] == {"a"}
