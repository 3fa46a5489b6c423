"""The gazetteer's data (loading, aliases, lookup) stands alone; the matcher builds on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.errors import LexiconError
from policytext.lexicons import gazetteer
from policytext.lexicons.gazetteer import Gazetteer
from policytext.lexicons.gazetteer_data import Entry, GazetteerData


def test_data_loads_and_looks_up_without_the_matcher() -> None:
    data = GazetteerData.load()
    assert type(data) is GazetteerData and not hasattr(data, "find")
    entry = data.get("长三角")
    assert entry is not None and entry.id == "yangtze_delta"
    assert data.get("兰州-西宁城市群") is data.get("兰州—西宁城市群") is not None
    assert repr(data).startswith("GazetteerData(version=")


def test_matcher_is_the_same_data_plus_find() -> None:
    data, gaz = GazetteerData.load(), Gazetteer.load()
    assert type(gaz) is Gazetteer and repr(gaz).startswith("Gazetteer(version=")
    assert gaz.entries == data.entries and gaz.version == data.version
    assert gaz.to_jsonl() == data.to_jsonl() and gaz.jieba_userdict() == data.jieba_userdict()
    assert [m.id for m in gaz.find("推动长三角一体化发展")] == ["yangtze_delta"]
    # the old import path still names the data types
    assert gazetteer.Entry is Entry and gazetteer.GazetteerData is GazetteerData


def test_data_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"id": "a", "name": "甲", "kind": "metro"}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"g\.jsonl, line 1: the first line must be the header"):
        GazetteerData.load(bad)
