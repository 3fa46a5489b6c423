"""Names a document defines as an arrangement count as cues across that document."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.extract.rules import document_names, match_document, match_types
from policytext.lexicons.taxonomy import LexiconError, Taxonomy

LAW = [
    "第六条 合作区管理委员会由广东省、澳门特别行政区双方按照《总体方案》联合组建，实行双主任制。",
    "合作区管理委员会是负责合作区开发管理的议事决策机构。",
    "重大项目的具体标准由合作区管理委员会另行制定。",
    "横琴新区管理委员会的职能由合作区承接。",
    "合作区应当加强地下空间开发利用。",
]


def test_a_jointly_formed_body_is_a_coordination_body_wherever_named(tx: Taxonomy) -> None:
    assert document_names(LAW, tx) == {"合作区管理委员会": "coordination_body"}
    hits = [{h.type for h in row} for row in match_document(LAW, tx)]
    assert hits[1] == hits[2] == {"coordination_body"}
    assert hits[3] == hits[4] == set()  # another body, and no body named
    # the sentence alone does not say that the body is joint: the document does
    assert "coordination_body" not in {h.type for h in match_types(LAW[2], tx)}


def test_short_forms_and_basin_mechanisms_are_defined_too(tx: Taxonomy) -> None:
    doc = [
        "四、两省一市共同设立的示范区执行委员会（以下简称示范区执委会），作为示范区开发建设管理机构。",
        "青浦区人民政府应当积极配合示范区执委会开展相关工作。",
        "第四条 国家建立长江流域协调机制，统一指导长江保护工作。",
        "第九条 长江流域协调机制应当健全监测网络体系。",
    ]
    names = document_names(doc, tx)
    assert names["示范区执委会"] == names["长江流域协调机制"] == "coordination_body"
    hits = [{h.type for h in row} for row in match_document(doc, tx)]
    assert "coordination_body" in hits[1] and "coordination_body" in hits[3]


def test_a_body_of_one_government_defines_nothing(tx: Taxonomy) -> None:
    doc = ["本市设立推进国际贸易中心建设委员会。", "推进国际贸易中心建设委员会负责协调工作。"]
    assert document_names(doc, tx) == {}


def test_a_defining_pattern_must_capture_a_name(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[taxonomy]\nversion = "1"\n[[types]]\nid = "a"\nwords = ["x"]\ndefines = ["由.*组建"]\n',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=r"a\.defines.*\(\?P<name>"):
        Taxonomy.load(path)
