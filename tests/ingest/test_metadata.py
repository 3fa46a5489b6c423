"""Document metadata: tables of text -> expected date, date_source, 文号, type, title, issuer."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from policytext.ingest.metadata import (
    date_from_filename,
    extract_metadata,
    find_doc_number,
    find_title,
    parse_date,
    weak_year_guess,
)

TODAY = date(2026, 11, 21)

OFFICIAL = """国家发展改革委关于培育发展现代化都市圈的指导意见
发改规划〔2019〕328号
各省、自治区、直辖市人民政府：
城市群是新型城镇化主体形态，是支撑经济发展的空间载体。发改规划〔2018〕406号文件提出的任务要落实。
到2035年，现代化都市圈格局更加成熟。
国家发展改革委
2019年2月19日"""

OFFICIAL_CN_NUMERALS = """上海市人民政府办公厅关于印发本市推进长三角一体化若干措施的通知
沪府办发〔2020〕5号
各区人民政府，市政府各委、办、局：
现将《若干措施》印发给你们，请认真按照执行。
上海市人民政府办公厅
二〇二〇年三月十二日"""

PLAN = """长江三角洲城市群发展规划（2016—2030年）
为推动长江三角洲城市群发展，依据《国家新型城镇化规划（2014—2020年）》编制本规划。
规划期为2016—2030年，展望到2035年。
城市群要建立成本共担利益共享机制。"""

ARTICLE_REFERENCE = """加快构建现代化都市圈一体化发展机制的策略重点
齐 爽
摘 要：自2019年国家发展和改革委员会出台《关于培育发展现代化都市圈的指导意见》以来，都市圈同城化水平持续提高。
一、引言
2019年，国家发展和改革委员会出台的《关于培育发展现代化都市圈的指导意见》提出“构建都市圈一体化发展机制”。随后，2020年7月30日召开的中央政治局会议要求推进新型城镇化。《2022年国务院政府工作报告》提出深化都市圈建设（曾光，2022）。
关键词：都市圈；一体化；体制机制"""

JOURNAL_ISSUE = """城市群建设的几点思考
摘 要：城市群是城市发展的最高层次的空间组织形式。
正文第一段，讨论城市群的协调机制。
区域经济评论 2021年第3期
正文第二段。"""

LABELLED = """您现在的位置:首页>专题聚焦 > 区域合作
区域合作
城市群协同发展与城市间合作研究时间: 2020-05-20信息来源:《经济研究参考》2020年04期 作者:李博雅
摘要:区域合作是实现城市群协同发展的重要途径。"""

NEWS_DATELINE = """长三角一体化示范区建设提速
新华社上海2023年12月1日电（记者 张三）长三角生态绿色一体化发展示范区建设持续推进。
示范区执委会表示，将完善成本分担和利益共享机制。"""

NEWS_SOURCE = """从基础的空间布局、核心的动力机制、发展目标三个维度来看,加快城市群一体化和都市圈同城化具有重大意义。
党的二十届四中全会提出,推进超大特大城市治理现代化,加快城市群一体化和都市圈同城化。
推动区域共同迈向绿色低碳的高质量发展。(来源:中国建设新闻网)"""  # noqa: E501

REPORT = """下载
打印
全屏
收藏
【字号：
加大
还原
减小
】
2026年辽宁省政府工作报告
——2026年1月27日在辽宁省第十四届人民代表大会第五次会议上
来源：辽宁日报
时间：2026-02-01
省长 王新伟
各位代表：
现在，我代表省人民政府向大会报告工作，请予审议。"""

NATIONAL_REPORT = """政府工作报告
——2019年3月5日在第十三届全国人民代表大会第二次会议上
国务院总理 李克强
各位代表：
现在，我代表国务院，向大会报告政府工作。
一、2018年工作回顾"""

LAW = """# 中华人民共和国大气污染防治法
1987年9月5日 第六届全国人民代表大会常务委员会第二十二次会议通过
2015年8月29日 第十二届全国人民代表大会常务委员会第十六次会议第二次修订
2018年10月26日 第十三届全国人民代表大会常务委员会第六次会议第二次修正
第一条 为保护和改善环境，防治大气污染，制定本法。
第一百二十九条 本法自2016年1月1日起施行。"""

NEWS_PROGRAMME = """# 《新闻联播》 (20221115)
## 新闻摘要
本期节目主要内容：
1.习近平出席二十国集团领导人第十七次峰会并发表重要讲话；"""

ROUNDTABLE = """# 在新发展格局中加快城市群建设
加快城市群建设是构建双循环新发展格局的重要路径。“十四五”规划和2035年远景目标纲要提出，建立健全城市群一体化协调发展机制。
智库圆桌
嘉宾
国家发展改革委国土开发与地区经济研究所 张燕
主持人
经济日报社编委 孙世芳
城市群GDP、人口占全国的比重分别由2010年的87.5%和79.3%提升到2019年的88.3%和80.4%。据初步匡算,到2030年我国新增2亿城镇人口。"""

STAMP = """政府工作报告
——2026年1月27日在青海省第十四届人民代表大会第四次会议上
省长 罗东川
2026-01-31 07:00:44
来源：青海日报
各位代表：
现在，我代表省人民政府向大会报告工作。"""

# fmt: off
DATES = [
    # (name, text, path, format_meta, date, date_source)
    ("signature date, not the doc number year nor the target",
     OFFICIAL, "notice.txt", None, "2019-02-19", "text"),
    ("signature date in Chinese numerals", OFFICIAL_CN_NUMERALS, "x.txt", None, "2020-03-12", "text"),
    ("plan years are not its date: file name year", PLAN, "plan-2016.pdf", None, "2016", "filename"),
    ("plan years are not its date: metadata", PLAN, "plan.pdf", {"CreationDate": "D:20160603101010+08'00'"},
     "2016-06-03", "metadata"),
    ("quoted body events are not the date: weak year", ARTICLE_REFERENCE, "a.pdf", None, "2022", "text"),
    ("journal issue gives the year, not a month", JOURNAL_ISSUE, "b.pdf", None, "2021", "text"),
    ("journal year made precise by a file name that agrees", JOURNAL_ISSUE, "2021-03-05_report.pdf", None,
     "2021-03-05", "filename"),
    ("journal year beats a file name that disagrees", JOURNAL_ISSUE, "2019-03-05_report.pdf", None, "2021", "text"),  # noqa: E501
    ("labelled line wins over the journal line", LABELLED, "c.html", None, "2020-05-20", "text"),
    ("news dateline", NEWS_DATELINE, "d.txt", None, "2023-12-01", "text"),
    ("datable event gives a year", NEWS_SOURCE, "e.txt", None, "2025", "text"),
    ("labelled publication line wins over the session date", REPORT, "gwr.txt", None, "2026-02-01", "text"),
    ("session date of a report", NATIONAL_REPORT, "gwr.txt", None, "2019-03-05", "text"),
    ("latest adoption date of a law, not the effective date", LAW, "law.md", None, "2018-10-26", "text"),
    ("date in the title", NEWS_PROGRAMME, "xwlb.md", None, "2022-11-15", "text"),
    ("five-year outline, future targets ignored", ROUNDTABLE, "f.txt", None, "2021", "text"),
    ("date-time stamp line", STAMP, "g.txt", None, "2026-01-31", "text"),
    ("file name only", "没有日期的正文。", "xwlb-20221115.txt", None, "2022-11-15", "filename"),
    ("file name year", "没有日期的正文。", "gwr-national-2012.txt", None, "2012", "filename"),
    ("file name year-month", "没有日期的正文。", "chinaxiv-201606.00174.txt", None, "2016-06", "filename"),
    ("html meta date", "没有日期的正文。", "p.html", {"date": "2021-03-05T10:00:00+08:00"}, "2021-03-05",
     "metadata"),
    ("docx created datetime", "没有日期的正文。", "p.docx", {"created": datetime(2020, 7, 1, 8, 0)}, "2020-07-01",  # noqa: E501
     "metadata"),
    ("nothing at all", "没有日期的正文。", "notes.txt", None, None, None),
    ("future dates are ignored", "到2035年基本实现现代化。2030年前碳达峰。", "h.txt", None, None, None),
    ("effective date is ignored", "本条例自2013年1月1日起施行。", "i.txt", None, None, None),
]
# fmt: on


@pytest.mark.parametrize("name,text,path,meta,expected,source", DATES, ids=[d[0] for d in DATES])
def test_extract_metadata_date(
    name: str, text: str, path: str, meta: dict | None, expected: str | None, source: str | None
) -> None:
    result = extract_metadata(text, path=path, format_meta=meta, today=TODAY)
    assert (result.date, result.date_source) == (expected, source)
    if expected:
        assert result.sources["date"]


# fmt: off
DOC_TYPES = [
    (OFFICIAL, "official"),
    (OFFICIAL_CN_NUMERALS, "official"),
    (PLAN, "plan"),
    ("国务院关于印发《全国主体功能区规划》的通知\n国发〔2010〕46号\n正文。", "plan"),
    (ARTICLE_REFERENCE, "article"),
    (JOURNAL_ISSUE, "article"),
    (LABELLED, "article"),
    (NEWS_DATELINE, "news"),
    (NEWS_SOURCE, "news"),
    (REPORT, "official"),
    (NATIONAL_REPORT, "official"),
    (LAW, "official"),
    (NEWS_PROGRAMME, "news"),
    (ROUNDTABLE, "news"),
    ("# 《2017年政府工作报告》分析与解读\n陈明星\n摘要 政府工作报告的关键词分析。", "article"),
    ("一段没有任何标记的文字。", "other"),
]
# fmt: on


@pytest.mark.parametrize("text,expected", DOC_TYPES)
def test_extract_metadata_doc_type(text: str, expected: str) -> None:
    result = extract_metadata(text, path="x.txt", today=TODAY)
    assert result.doc_type == expected
    assert result.sources["doc_type"]


# fmt: off
DOC_NUMBERS = [
    (OFFICIAL, "发改规划〔2019〕328号"),
    (OFFICIAL_CN_NUMERALS, "沪府办发〔2020〕5号"),
    ("国务院关于印发全国主体功能区规划的通知\n国发[2016]18号\n正文。", "国发〔2016〕18号"),
    ("标题\n（国办发【2021】7号）\n正文。", "国办发〔2021〕7号"),
    ("标题\n粤府函（2022）15号", "粤府函〔2022〕15号"),
    ("标题\n正文引用了" + "很长的说明文字，" * 10 + "发改规划〔2019〕328号文件。", None),
    (PLAN, None),
]
# fmt: on


@pytest.mark.parametrize("text,expected", DOC_NUMBERS)
def test_find_doc_number(text: str, expected: str | None) -> None:
    found = find_doc_number(text)
    assert (found[0] if found else None) == expected


# fmt: off
TITLES = [
    (OFFICIAL, "国家发展改革委关于培育发展现代化都市圈的指导意见"),
    (REPORT, "2026年辽宁省政府工作报告"),
    (LABELLED, "城市群协同发展与城市间合作研究"),
    (LAW, "中华人民共和国大气污染防治法"),
    ("《长江三角洲区域一体化发展规划纲要》\n正文。", "长江三角洲区域一体化发展规划纲要"),
    (("# DOI:10.5846/stxb201701220183\n刘菁华,李伟峰.京津冀城市群扩张模式.生态学报,2018,38(5):1650-1660.\n"
      "# 京津冀城市群扩张模式对区域生态安全的影响预测\n作者"), "京津冀城市群扩张模式对区域生态安全的影响预测"),  # noqa: E501
    (" 加快构建现代化都市圈一体化发展机制的策略重点*\n齐 爽\n摘 要：正文", "加快构建现代化都市圈一体化发展机制的策略重点"),  # noqa: E501
    (" 摘 要：城市群是城市发展的最高层次的空间组织形式。\n正文", None),
    (NEWS_SOURCE, None),
]
# fmt: on


@pytest.mark.parametrize("text,expected", TITLES)
def test_find_title(text: str, expected: str | None) -> None:
    found = find_title(text)
    assert (found[0] if found else None) == expected


def test_title_falls_back_to_format_metadata() -> None:
    result = extract_metadata(
        NEWS_SOURCE, path="x.html", format_meta={"title": "加快城市群一体化"}, today=TODAY
    )
    assert result.title == "加快城市群一体化"
    assert result.sources["title"] == "format metadata title"


# fmt: off
ISSUERS = [
    (OFFICIAL, "国家发展改革委"),
    (OFFICIAL_CN_NUMERALS, "上海市人民政府办公厅"),
    (REPORT, "辽宁省人民政府"),
    (NATIONAL_REPORT, "国务院"),
    (LAW, "全国人民代表大会常务委员会"),
    (NEWS_SOURCE, "中国建设新闻网"),
    (LABELLED, "经济研究参考"),
]
# fmt: on


@pytest.mark.parametrize("text,expected", ISSUERS)
def test_extract_metadata_issuer(text: str, expected: str) -> None:
    assert extract_metadata(text, path="x.txt", today=TODAY).issuer == expected


# fmt: off
PARSED = [
    ("2019-02-19", "2019-02-19"),
    ("2019-02-19T10:00:00+08:00", "2019-02-19"),
    ("D:20190219103000+08'00'", "2019-02-19"),
    ("2019年2月19日", "2019-02-19"),
    ("二〇一九年二月十九日", "2019-02-19"),
    ("2020年12月", "2020-12"),
    ("2019", "2019"),
    ("2019-02-30", None),
    ("2099-01-01", None),
    ("", None),
    (datetime(2021, 3, 5, 9), "2021-03-05"),
    (date(2021, 3, 5), "2021-03-05"),
    (None, None),
]
# fmt: on


@pytest.mark.parametrize("value,expected", PARSED)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value, today=TODAY) == expected


# fmt: off
FILENAMES = [
    ("xwlb-20221115.txt", "2022-11-15"),
    ("2021-03-05_report.pdf", "2021-03-05"),
    ("gwr-national-2012.txt", "2012"),
    ("chinaxiv-201606.00174.txt", "2016-06"),
    ("dir/2019/plan.pdf", None),
    ("000_69c34e60a9283381.txt", None),
    ("scan-2099.pdf", None),
]
# fmt: on


@pytest.mark.parametrize("path,expected", FILENAMES)
def test_date_from_filename(path: str, expected: str | None) -> None:
    found = date_from_filename(path, today=TODAY)
    assert (found.value if found else None) == expected


# fmt: off
WEAK = [
    ("2010年的数据与2019年的数据相比。", "2019"),
    ("到2035年基本实现；2030年前达峰；2021—2035年规划期。2018年以来进展明显。", "2018"),
    ("规划期为2020年—2025年，2016年以来进展明显。", "2016"),
    ("党的二十大以来，2019年提出的任务。", "2022"),
    ("研究表明（张三，2020；李四，2023a）城市群在扩张。", "2023"),
    ("没有年份。", None),
]
# fmt: on


@pytest.mark.parametrize("text,expected", WEAK)
def test_weak_year_guess(text: str, expected: str | None) -> None:
    found = weak_year_guess(text, today=TODAY)
    assert (found.value if found else None) == expected


@pytest.mark.shared
def test_seed_dates_agree_with_gold() -> None:
    shared = Path(__file__).resolve().parents[2].parent / "shared"
    golds = sorted((shared / "gold").glob("*.json"))
    if not golds:
        pytest.skip("shared gold not beside the project")
    agree = 0
    for gold_path in golds:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (shared / gold["file"]).read_text(encoding="utf-8")
        result = extract_metadata(text, path=gold["file"], today=TODAY)
        agree += bool(result.date and result.date.startswith(gold["date"]))
    assert agree / len(golds) >= 0.9
