"""Status rules of the taxonomy data: review parts, reported facts, plans and weaknesses."""

from __future__ import annotations

import pytest

from policytext.extract.rules import review_indexes, sentence_status
from policytext.lexicons.taxonomy import Taxonomy

REPORT = [
    "现在，我代表省人民政府，向大会报告政府工作。",
    "一、2025年工作回顾",
    "过去一年，我们坚定推进京津冀协同发展。",
    "建立黄河流域生态保护横向补偿机制，治理沙化土地93.5万亩。",
    "区域协同发展的体制机制尚不健全。",
    "二、2026年重点工作",
    "健全生态保护补偿机制。",
    "过去五年，我们建立了都市圈联席会议制度。",
]


def test_review_part_runs_from_its_heading_to_the_next_top_level_heading(tx: Taxonomy) -> None:
    assert review_indexes(REPORT, tx) == {1, 2, 3, 4, 7}


def test_an_unnumbered_short_review_heading_opens_the_part(tx: Taxonomy) -> None:
    lines = [
        "“十四五”时期发展成就和2025年工作回顾",
        "建立横向生态补偿机制。",
        "一、2026年主要任务",
        "建立横向生态补偿机制。",
    ]
    assert review_indexes(lines, tx) == {0, 1}


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (3, "established"),  # past year's work, told with a task verb
        (4, "lacking"),  # a weakness stays a weakness in the review
        (6, "proposed"),  # the same verb in the plan part
    ],
)
def test_status_in_a_work_report(index: int, expected: str, tx: Taxonomy) -> None:
    review = review_indexes(REPORT, tx)
    got = sentence_status(REPORT[index], tx, article_structured=False, review=index in review)
    assert got == expected


def test_a_plan_inside_the_review_part_stays_proposed(tx: Taxonomy) -> None:
    assert (
        sentence_status("今后要进一步健全生态补偿机制。", tx, article_structured=False, review=True)
        == "proposed"
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("京津冀三地共建115个医联体。", "established"),  # a reported count, with a task-like verb
        ("### 京津冀卫生健康协同发展向纵深推进共建115个医联体", "established"),  # a headline of a fact
        ("两地日前签署生态补偿协议。", "established"),
        ("国家发展改革委将扩大资质互认等事项范围。", "proposed"),  # a plan in the news
        ("要深入开展市场分割等问题专项整治，把各种障碍破除掉。", "proposed"),  # removing barriers: a task
        ("跨省生态补偿机制尚未建立。", "lacking"),
    ],
)
def test_status_in_the_news(sentence: str, expected: str, tx: Taxonomy) -> None:
    assert sentence_status(sentence, tx, article_structured=False, news=True) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("（四）明确跨行政区域河流管理保护责任，协调上下游落实联防联控；", "established"),  # a duty listed
        ("（四）各市应当建立联防联控机制；", "proposed"),
        ("第三章 联防联控", "proposed"),  # a heading is no provision
        ("民生事务需要珠海市承接的，由合作区和珠海市协商确定。", "established"),  # 需要 is no task
        ("专业人才在符合监管要求条件下，其从业经历可以视同境内从业经历。", "established"),  # 要求
        ("合作区和珠海市应当协商确定民生事务。", "proposed"),
        ("四、两省一市共同设立的示范区执行委员会，作为示范区开发建设管理机构。", "established"),
    ],
)
def test_list_items_of_a_law_are_provisions(sentence: str, expected: str, tx: Taxonomy) -> None:
    assert sentence_status(sentence, tx, article_structured=True) == expected


def test_removing_a_barrier_is_not_a_weakness(tx: Taxonomy) -> None:
    assert (
        sentence_status("破除市场准入壁垒，推进要素跨区域流动。", tx, article_structured=False) == "proposed"
    )
    assert sentence_status("要素跨区域流动仍存在壁垒。", tx, article_structured=False) == "lacking"


@pytest.mark.parametrize(
    "sentence",
    [
        "加快建立跨区域统筹协调机制，着力破解因行政分割导致的资源配置碎片化问题。",
        "消除商事主体异地迁址变更登记、施工企业异地备案手续等隐形阻碍，推行一照多址。",
        "从根本上改变合作难以持续的有效途径就是建立区域合作基金。",
    ],
)
def test_a_weakness_to_be_removed_is_a_task(sentence: str, tx: Taxonomy) -> None:
    assert sentence_status(sentence, tx, article_structured=False) == "proposed"
