"""Tests of the agglomeration gazetteer: data, lookup, matching, extension."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.errors import LexiconError
from policytext.lexicons.gazetteer import KINDS, AggloMatch, Entry, Gazetteer

SPEC_IDS = [
    "jingjinji",
    "yangtze_delta",
    "pearl_delta",
    "chengyu",
    "middle_yangtze",
    "shandong_peninsula",
    "west_strait",
    "central_plains",
    "guanzhong",
    "beibu_gulf",
    "harbin_changchun",
    "central_south_liaoning",
    "central_shanxi",
    "central_guizhou",
    "central_yunnan",
    "hubaoeyu",
    "lanzhou_xining",
    "ningxia_yellow_river",
    "tianshan_north",
    "lhasa",
    "kashgar",
    "poyang_lake",
    "changzhutan",
    "gba",
    "nanjing_metro",
    "fuzhou_metro",
    "chengdu_metro",
    "changzhutan_metro",
    "xian_metro",
    "chongqing_metro",
    "wuhan_metro",
    "shenyang_metro",
    "hangzhou_metro",
    "zhengzhou_metro",
    "guangzhou_metro",
    "shenzhen_metro",
    "qingdao_metro",
    "jinan_metro",
    "hefei_metro",
    "shanghai_metro",
    "capital_metro",
    "guangfo_metro",
    "xiazhangquan_metro",
    "changchun_metro",
    "suxichang_metro",
    "ningbo_metro",
    "zhujiangkou_west_metro",
    "shantou_metro",
    "tokyo_metro",
    "newyork_metro",
    "sf_bay",
    "tokyo_bay",
    "london_metro",
    "paris_metro",
    "us_northeast",
    "osaka_metro",
    "seoul_metro",
    "ny_bay",
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def known_ids(gaz: Gazetteer, text: str) -> list[str]:
    return [m.id for m in gaz.find(text) if m.known]


# ---------------------------------------------------------------------- data


def test_data_header_and_version(gaz: Gazetteer) -> None:
    assert gaz.version == "2026.1"
    assert gaz.header["gazetteer"] == "policytext-agglomerations"
    assert re.fullmatch(r"\d{4}\.\d+", gaz.version)


def test_data_covers_every_spec_id(gaz: Gazetteer) -> None:
    missing = [i for i in SPEC_IDS if i not in gaz.entries]
    assert missing == []


def test_data_kinds_parents_dates_valid(gaz: Gazetteer) -> None:
    for entry in gaz:
        assert entry.kind in KINDS, entry.id
        assert entry.parent is None or entry.parent in gaz.entries, entry.id
        assert entry.plan_approved is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", entry.plan_approved)
        assert entry.name, entry.id
    assert gaz.entries["changzhutan"].parent == "middle_yangtze"
    assert gaz.entries["poyang_lake"].parent == "middle_yangtze"
    assert gaz.entries["gba"].kind == "region"
    assert gaz.entries["tokyo_metro"].kind == "foreign"


def test_data_every_form_maps_to_one_id_or_is_declared_ambiguous(gaz: Gazetteer) -> None:
    ambiguous = set(gaz.header.get("ambiguous") or {})
    owner: dict[str, str] = {}
    for entry in gaz:
        for form in entry.all_forms:
            if form in ambiguous:
                continue
            assert owner.setdefault(form, entry.id) == entry.id, (form, owner[form], entry.id)


def test_data_plan_dates(gaz: Gazetteer) -> None:
    assert gaz.entries["nanjing_metro"].plan_approved.startswith("2021")
    assert gaz.entries["nanjing_metro"].plan_order == 1
    assert gaz.entries["changchun_metro"].plan_approved.startswith("2025")
    assert gaz.entries["changchun_metro"].plan_order == 18
    assert gaz.entries["middle_yangtze"].plan_approved == "2015-03"
    assert gaz.entries["lanzhou_xining"].plan_approved == "2018-02"


def test_data_file_is_utf8_jsonl_with_header_first() -> None:
    path = Path(__file__).resolve().parents[2] / "policytext/data/gazetteers/agglomerations.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["gazetteer"] == "policytext-agglomerations" and header["version"]
    ids = [json.loads(line)["id"] for line in lines[1:] if line.strip()]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "key, expected",
    [
        ("长三角", "yangtze_delta"),
        ("yangtze_delta", "yangtze_delta"),
        ("YANGTZE_DELTA", "yangtze_delta"),
        ("长江三角洲城市群", "yangtze_delta"),
        (" 中原 ", "central_plains"),
        ("兰州-西宁", "lanzhou_xining"),
        ("兰州－西宁城市群", "lanzhou_xining"),
        ("首都经济圈", "jingjinji"),
        ("双城经济圈", "chengyu"),
        ("京阪神", "osaka_metro"),
    ],
)
def test_get_by_id_name_alias(gaz: Gazetteer, key: str, expected: str) -> None:
    entry = gaz.get(key)
    assert entry is not None and entry.id == expected


def test_get_unknown_is_none(gaz: Gazetteer) -> None:
    assert gaz.get("徐州都市圈") is None
    assert gaz.get("城市群") is None
    assert "长三角" in gaz and "火星城市群" not in gaz


# ---------------------------------------------------------------------- matching

# fmt: off
CASES = [
    # coordinated lists sharing one head
    ("优化提升京津冀、长三角、珠三角、成渝、长江中游等城市群",
     ["jingjinji", "yangtze_delta", "pearl_delta", "chengyu", "middle_yangtze"]),
    ("培育发展哈长、辽中南、山西中部、黔中、滇中、北部湾、天山北坡、宁夏沿黄、兰西、关中平原……等城市群",
     ["harbin_changchun", "central_south_liaoning", "central_shanxi", "central_guizhou", "central_yunnan",
      "beibu_gulf", "tianshan_north", "ningxia_yellow_river", "lanzhou_xining", "guanzhong"]),
    ("成渝、关中平原城市群", ["chengyu", "guanzhong"]),
    ("中原和山东城市群污染较重", ["central_plains", "shandong_peninsula"]),
    ("长江沿岸的长三角、长江中游以及成渝城市群", ["yangtze_delta", "middle_yangtze", "chengyu"]),
    ("“京津冀”、“中原”等城市群", ["jingjinji", "central_plains"]),
    ("京津冀、长三角、长中游、东北、中原、关中、晋中等10个城市群",
     ["jingjinji", "yangtze_delta", "middle_yangtze", "central_plains", "guanzhong", "central_shanxi"]),
    ("京津冀、长三角、长江中游等地区", ["jingjinji", "yangtze_delta", "middle_yangtze"]),
    # context aliases only where a city group is meant
    ("北部湾大学位于钦州", []),
    ("中原文化源远流长", []),
    ("关中地区农业发达", []),
    ("长江中游水位下降", []),
    ("长江中游地区", []),
    ("北部湾城市群", ["beibu_gulf"]),
    ("中原城市群", ["central_plains"]),
    ("长中游城市群", ["middle_yangtze"]),
    # the generic word is no entity
    ("城市群是城市发展的最高层次的空间组织形式", []),
    ("加快城市群一体化和都市圈同城化", []),
    # aliases
    ("粤港澳大湾区城市群", ["gba"]),
    ("深化粤港澳合作", ["gba"]),
    ("大湾区建设", ["gba"]),
    ("首都经济圈", ["jingjinji"]),
    ("推动成渝地区双城经济圈建设", ["chengyu"]),
    ("成渝两地共建双城经济圈", ["chengyu", "chengyu"]),
    ("推进双城经济圈建设", []),
    ("长株潭一体化", ["changzhutan"]),
    ("长株潭都市圈", ["changzhutan_metro"]),
    ("环长株潭城市群", ["changzhutan"]),
    ("武汉城市圈", ["wuhan_metro"]),
    ("广佛同城", ["guangfo_metro"]),
    ("京阪神地区", ["osaka_metro"]),
    ("纽约都市圈", ["newyork_metro"]),
    ("纽约大都市圈和纽约湾区", ["newyork_metro", "ny_bay"]),
    ("京津冀城市群", ["jingjinji"]),
    ("长江三角洲地区", ["yangtze_delta"]),
    ("兰西城市群", ["lanzhou_xining"]),
    ("兰州—西宁城市群", ["lanzhou_xining"]),
    ("兰州–西宁城市群", ["lanzhou_xining"]),
    ("兰州-西宁城市群", ["lanzhou_xining"]),
    ("关中—天水经济区", ["guanzhong"]),
    ("呼包鄂榆", ["hubaoeyu"]),
    ("落实现代化首都都市圈规划", ["capital_metro"]),
    ("上海大都市圈", ["shanghai_metro"]),
    ("环鄱阳湖城市群", ["poyang_lake"]),
    ("拉萨城市圈和喀什城市圈", ["lhasa", "kashgar"]),
    ("美国东北部大西洋沿岸城市群", ["us_northeast"]),
    ("首尔首都圈", ["seoul_metro"]),
    # blocked forms
    ("深化泛珠三角区域合作", []),
    ("全球四大湾区", []),
    ("其中三角形", []),
    # no punctuation between members
    ("主要有长三角城市群珠三角城市群京津冀城市群", ["yangtze_delta", "pearl_delta", "jingjinji"]),
]
# fmt: on


@pytest.mark.parametrize("text, expected", CASES)
def test_find_expected_ids(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert known_ids(gaz, text) == expected


@pytest.mark.parametrize(
    "text, surface",
    [
        ("加快建设徐州都市圈", "徐州都市圈"),
        ("提升阜阳城市圈", "阜阳城市圈"),
        ("完善济青都市圈", "济青都市圈"),
        ("金(义)衢丽城市群", "衢丽城市群"),
        ("推进南昌大都市圈建设", "南昌大都市圈"),
    ],
)
def test_find_unlisted_place_group(gaz: Gazetteer, text: str, surface: str) -> None:
    matches = gaz.find(text)
    assert [(m.surface, m.id, m.name, m.known) for m in matches] == [(surface, surface, surface, False)]
    assert matches[0].kind == ("agglomeration" if surface.endswith("城市群") else "metro")


@pytest.mark.parametrize(
    "text",
    [
        "建设现代化都市圈",
        "欧洲大都市圈",
        "成熟型城市群",
        "培育型城市群",
        "国家级城市群",
        "世界级城市群",
        "该城市群",
        "两大城市群",
        "19个城市群",
        "中国城市群",
        "十大城市群",
        "以中心城市为核心的城市圈",
        "西部重要的跨省区城市群",
        "发挥城市群作用",
        "实现城市群高质量发展",
        "来自城市群",
        "世界一流都市圈",
        "多中心城市群",
        "东部地区城市群",
        "各大城市群",
    ],
)
def test_find_generic_prefix_is_no_entity(gaz: Gazetteer, text: str) -> None:
    assert gaz.find(text) == []


def test_find_list_members_have_own_offsets(gaz: Gazetteer) -> None:
    text = "优化提升京津冀、长三角、珠三角、成渝、长江中游等城市群"
    matches = gaz.find(text)
    assert [m.surface for m in matches] == ["京津冀", "长三角", "珠三角", "成渝", "长江中游"]
    for m in matches:
        assert text[m.start : m.end] == m.surface
        assert m.name == gaz.entries[m.id].name


def test_find_longest_match_wins(gaz: Gazetteer) -> None:
    (m,) = gaz.find("推动成渝地区双城经济圈建设")
    assert (m.surface, m.start, m.end) == ("成渝地区双城经济圈", 2, 11)
    (m,) = gaz.find("长三角城市群")
    assert m.surface == "长三角城市群"


def test_find_conditional_alias_uses_document_context(gaz: Gazetteer) -> None:
    sentence = "加快双城经济圈建设"
    assert gaz.find(sentence) == []
    assert known_ids(gaz, sentence) == []
    assert [m.id for m in gaz.find(sentence, context="成渝地区……" + sentence)] == ["chengyu"]


@pytest.mark.parametrize(
    "traditional, expected",
    [("長三角一體化", ["yangtze_delta"]), ("京津冀城市羣", ["jingjinji"]), ("粵港澳大灣區", ["gba"])],
)
def test_find_after_t2s_conversion(gaz: Gazetteer, traditional: str, expected: list[str]) -> None:
    opencc = pytest.importorskip("opencc")
    assert known_ids(gaz, opencc.OpenCC("t2s").convert(traditional)) == expected


def test_find_results_sorted_and_non_overlapping(gaz: Gazetteer) -> None:
    text = "京津冀、长三角等城市群和徐州都市圈，长株潭都市圈与长株潭，纽约大都市圈。" * 3
    matches = gaz.find(text)
    assert matches == sorted(matches)
    for a, b in itertools.pairwise(matches):
        assert a.end <= b.start


def test_find_empty_text(gaz: Gazetteer) -> None:
    assert gaz.find("") == []


def _safe_alphabet(gaz: Gazetteer) -> str:
    """Han characters that occur in no form, blocked form, head word or place name."""
    used: set[str] = set("城市群都圈地区域等个大学文化")
    for entry in gaz:
        for form in gaz._expand_dashes(entry.all_forms):
            used.update(form)
    for form in gaz.header.get("blocked") or ():
        used.update(form)
    pool = (
        "的是了在我有他这为之来以们到说也子时道出而要于就下得可你年生自会那后能对着事其里所去"
        "行过家十用发天如然作方成者多日三小军二无同么经法当起与好看进种将还分此心前面又定见只主没公从"
    )
    return "".join(ch for ch in dict.fromkeys(pool) if ch not in used)


_GAZ = Gazetteer.load()
_ALPHABET = _safe_alphabet(_GAZ)
_ALIASES = sorted(
    {form: entry.id for entry in _GAZ for form in _GAZ._expand_dashes((entry.name, *entry.aliases))}.items()
)
_CONTEXT_ALIASES = sorted({(form, entry.id) for entry in _GAZ for form in entry.context_aliases})


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(_ALIASES),
    st.text(alphabet=_ALPHABET, max_size=12),
    st.text(alphabet=_ALPHABET, max_size=12),
)
def test_property_alias_in_random_context_is_found(alias: tuple[str, str], left: str, right: str) -> None:
    form, entry_id = alias
    text = left + form + right
    matches = [m for m in _GAZ.find(text) if m.known]
    assert matches == [
        AggloMatch(
            len(left),
            len(left) + len(form),
            form,
            entry_id,
            _GAZ.entries[entry_id].name,
            _GAZ.entries[entry_id].kind,
            True,
        )
    ]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(_CONTEXT_ALIASES), min_size=1, max_size=5, unique=True),
    st.text(alphabet=_ALPHABET, max_size=8),
)
def test_property_context_aliases_in_a_list_are_found(members: list[tuple[str, str]], left: str) -> None:
    text = left + "、".join(form for form, _ in members) + "等城市群"
    matches = _GAZ.find(text)
    assert [(m.surface, m.id) for m in matches] == members
    for m in matches:
        assert text[m.start : m.end] == m.surface


_NOISY = "".join(
    sorted({ch for form, _ in _ALIASES for ch in form} | set("城市群都圈地区等、和与大学文化0123456789,。 "))
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_NOISY, max_size=60))
def test_property_offsets_always_match_surface(text: str) -> None:
    matches = _GAZ.find(text)
    assert matches == sorted(matches)
    previous_end = 0
    for m in matches:
        assert text[m.start : m.end] == m.surface
        assert m.start >= previous_end
        previous_end = m.end
        if m.known:
            assert m.id in _GAZ.entries
        else:
            assert m.id == m.name == m.surface


# ---------------------------------------------------------------------- extension and errors


def test_load_extra_entries_from_dicts() -> None:
    gaz = Gazetteer.load(
        extra=[
            {
                "id": "xuzhou_metro",
                "name": "徐州都市圈",
                "kind": "metro",
                "aliases": ["淮海都市圈"],
                "parent": "yangtze_delta",
            }
        ]
    )
    assert gaz.get("淮海都市圈").id == "xuzhou_metro"
    (m,) = gaz.find("加快建设徐州都市圈")
    assert (m.id, m.known) == ("xuzhou_metro", True)
    assert len(gaz) == len(Gazetteer.load()) + 1


def test_load_extra_entries_from_file_and_entry_objects(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(
        json.dumps({"id": "xuzhou_metro", "name": "徐州都市圈", "kind": "metro"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert Gazetteer.load(extra=path).get("徐州都市圈").id == "xuzhou_metro"
    gaz = Gazetteer.load(extra=[Entry(id="xuzhou_metro", name="徐州都市圈", kind="metro")])
    assert gaz.find("徐州都市圈")[0].known


def test_load_extra_alias_conflict_is_an_error() -> None:
    with pytest.raises(LexiconError, match=r"长三角.*fix"):
        Gazetteer.load(
            extra=[{"id": "mine", "name": "我的城市群", "kind": "agglomeration", "aliases": ["长三角"]}]
        )


def test_load_other_gazetteer_replaces_default(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(
        '{"gazetteer": "policytext-agglomerations", "version": "9.9"}\n'
        '{"id": "a", "name": "甲乙城市群", "kind": "agglomeration", "aliases": ["甲乙"]}\n',
        encoding="utf-8",
    )
    gaz = Gazetteer.load(path)
    assert gaz.version == "9.9" and list(gaz.entries) == ["a"]
    assert known_ids(gaz, "甲乙和长三角") == ["a"]


@pytest.mark.parametrize(
    "content, line, words",
    [
        (
            '{"gazetteer": "policytext-agglomerations", "version": "1"}\n{"id": "a", "name": "甲", \n',
            2,
            "invalid JSON",
        ),
        ('{"id": "a", "name": "甲城市群", "kind": "agglomeration"}\n', 1, "header"),
        ('{"gazetteer": "policytext-agglomerations"}\n', 1, "version"),
        ('{"gazetteer": "x", "version": "1"}\n{"id": "a", "name": "甲", "kind": "city"}\n', 2, "kind"),
        (
            (
                '{"gazetteer": "x", "version": "1"}\n{"id": "a", "name": "甲", "kind": "metro"}\n'
                '{"id": "a", "name": "乙", "kind": "metro"}\n'
            ),
            3,
            "duplicate id",
        ),
        (
            '{"gazetteer": "x", "version": "1"}\n'
            '{"id": "a", "name": "甲", "kind": "metro", "parent": "zz"}\n',
            2,
            "parent",
        ),
        (
            '{"gazetteer": "x", "version": "1"}\n'
            '{"id": "a", "name": "甲", "kind": "metro", "aliases": "乙"}\n',
            2,
            "aliases",
        ),
        (
            (
                '{"gazetteer": "x", "version": "1"}\n{"id": "a", "name": "甲", "kind": "metro", '
                '"plan_approved": "2021/02"}\n'
            ),
            2,
            "ISO date",
        ),
    ],
)
def test_load_malformed_file_names_file_line_and_fix(
    tmp_path: Path, content: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        Gazetteer.load(path)
    message = str(info.value)
    assert "PT-E201" in message
    assert f"bad.jsonl, line {line}" in message
    assert words in message
    assert "fix:" in message


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="file not found"):
        Gazetteer.load(tmp_path / "nope.jsonl")


# ---------------------------------------------------------------------- exports


def test_jieba_userdict_keeps_forms_whole(gaz: Gazetteer) -> None:
    import jieba

    text = gaz.jieba_userdict()
    lines = text.splitlines()
    assert all(len(line.split(" ")) == 3 for line in lines)
    words = {line.split(" ")[0] for line in lines}
    assert {"京津冀城市群", "兰州-西宁城市群", "兰州—西宁城市群", "中原", "双城经济圈"} <= words
    tokenizer = jieba.Tokenizer()
    for line in lines:
        word, freq, tag = line.split(" ")
        tokenizer.add_word(word, int(freq), tag)
    for form in (
        "长江三角洲城市群",
        "成渝地区双城经济圈",
        "粤港澳大湾区",
        "兰州-西宁城市群",
        "关中平原城市群",
    ):
        assert form in list(tokenizer.cut(f"推动{form}高质量发展"))


def test_to_dict_and_jsonl_round_trip(gaz: Gazetteer, tmp_path: Path) -> None:
    data = gaz.to_dict()
    assert data["version"] == gaz.version and len(data["entries"]) == len(gaz)
    json.dumps(data, ensure_ascii=False)
    path = tmp_path / "copy.jsonl"
    path.write_text(gaz.to_jsonl(), encoding="utf-8")
    again = Gazetteer.load(path)
    assert again.entries == gaz.entries and again.version == gaz.version
