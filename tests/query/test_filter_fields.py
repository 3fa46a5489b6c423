"""One list of filters: every entry of FILTER_FIELDS selects the same rows from the Python API, the
CLI (its flag) and the web page (its parameter); search takes the same filters, OR and paging."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from policytext import query as q
from policytext.cli import app, main
from policytext.export import mention_table
from policytext.store.filters import FILTER_FIELDS, Filters
from policytext.store.fts import fts_query, query_groups

starlette_testclient = pytest.importorskip("starlette.testclient")

#: A value per filter, written as a user would (names and aliases, not only ids). A filter added to
#: FILTER_FIELDS without a value here fails test_every_filter_has_a_test_value.
VALUES = {
    "types": "生态补偿",
    "agglomerations": "长三角",
    "since": "2020",
    "until": "2019-06",
    "status": "established",
    "stage": "implement",
    "doc_type": "official",
    "basis": "heading",
}
MENTION_RE = re.compile(r'data-mention="(\d+)"')
TOTAL_RE = re.compile(r'id="n-mentions">(\d+)<')


def web(db: Path) -> object:
    from policytext.web.app import create_app

    return starlette_testclient.TestClient(create_app(db), base_url="http://127.0.0.1:8765")


def test_every_filter_has_a_test_value() -> None:
    assert sorted(VALUES) == sorted(f.arg for f in FILTER_FIELDS)


@pytest.mark.parametrize("field", FILTER_FIELDS, ids=lambda f: f.arg)
def test_each_filter_is_the_same_from_api_cli_and_web(sample_db: Path, tmp_path: Path, field) -> None:
    value = VALUES[field.arg]
    api = q.mechanisms(sample_db, **{field.arg: value})
    assert 0 < len(api) < len(q.mechanisms(sample_db)), "the value must select some rows, not all"
    out = tmp_path / "rows.json"
    args = ["query", "mechanisms", "--db", str(sample_db), field.flag, value, "-f", "json", "-o", str(out)]
    assert main(args) == 0
    cli = {int(r["mention_id"]) for r in json.loads(out.read_text(encoding="utf-8"))}
    assert cli == set(api["mention_id"])
    page = web(sample_db).get("/", params={field.param: value, "partial": "1"})  # type: ignore[attr-defined]
    assert page.status_code == 200, page.text[:300]
    assert int(TOTAL_RE.search(page.text).group(1)) == len(api)
    shown = {int(m) for m in MENTION_RE.findall(page.text)}
    assert shown <= cli and len(shown) == min(50, len(cli))
    # the form shows a select for every filter, stage included, with the value selected
    assert f'name="{field.param}"' in page.text


def test_filter_errors_name_the_flag_or_the_parameter(sample_db: Path, capsys) -> None:
    assert main(["query", "mechanisms", "--db", str(sample_db), "--stage", "nonsense"]) == 2
    assert "--stage 'nonsense'" in capsys.readouterr().err
    page = web(sample_db).get("/", params={"stage": "nonsense"})  # type: ignore[attr-defined]
    assert page.status_code == 400 and "stage &#39;nonsense&#39;" in page.text
    with pytest.raises(Exception, match="unknown filter 'colour'"):
        Filters.make(None, colour="red")


@pytest.mark.parametrize("command", ["query mechanisms", "search", "timeline", "export", "report"])
def test_read_commands_offer_every_filter(command: str) -> None:
    import typer.main

    group = typer.main.get_command(app)
    cmd = group
    for part in command.split():
        cmd = cmd.commands[part]  # type: ignore[attr-defined]
    flags = {o for p in cmd.params if p.param_type_name == "option" for o in p.opts}
    assert {f.flag for f in FILTER_FIELDS} <= flags


def test_query_documents_offers_the_document_filters_only() -> None:
    import typer.main

    cmd = typer.main.get_command(app).commands["query"].commands["documents"]  # type: ignore[attr-defined]
    flags = {o for p in cmd.params if p.param_type_name == "option" for o in p.opts}
    assert {"--type", "--agglomeration", "--since", "--until", "--doc-type"} <= flags
    assert not {"--status", "--stage", "--basis"} & flags


# ----------------------------------------------------------------------------- one mention table


def test_export_mention_table_is_the_query_mention_table(sample_db: Path) -> None:
    exported = mention_table(sample_db)
    queried = q.mechanisms(sample_db)
    assert list(exported.columns) == q.MENTION_COLUMNS
    assert {"title", "doc_type", "type_zh"} <= set(exported.columns)
    mech = exported[exported["kind"] == "mechanism"].sort_values("mention_id").reset_index(drop=True)
    queried = queried.sort_values("mention_id").reset_index(drop=True)
    assert mech.astype(str).equals(queried.astype(str))
    assert set(mech["type_zh"]) >= {"生态补偿", "成本共担"}


# ----------------------------------------------------------------------------- search


def _sentences_with(db: Path, *terms: str) -> set[tuple[str, int]]:
    with sqlite3.connect(db) as c:
        return {
            (d, i)
            for d, i, text in c.execute("SELECT doc_id, idx, text FROM sentences")
            if any(t in text for t in terms)
        }


def test_search_or_finds_either_term(sample_db: Path) -> None:
    assert query_groups("生态补偿 OR 成本共担 长三角") == [["生态补偿"], ["成本共担", "长三角"]]
    assert fts_query('"OR"') == '"OR"'  # quoted, OR is a word to find
    both = q.search(sample_db, "生态补偿 OR 税收分成", limit=None)
    got = set(zip(both["doc_id"], both["sentence_idx"]))
    assert got == _sentences_with(sample_db, "生态补偿", "税收分成")
    one = q.search(sample_db, "生态补偿", limit=None)
    assert 0 < len(one) < len(both)


def test_search_filters_and_paging(sample_db: Path, tmp_path: Path) -> None:
    hits = q.search(sample_db, "机制", limit=None, types="生态补偿", since="2020")
    assert len(hits) > 0 and all(d[:4] >= "2020" for d in hits["date"])
    mech = q.mechanisms(sample_db, types="生态补偿", since="2020")
    holding = set(zip(mech["doc_id"], mech["sentence_idx"]))
    got = set(zip(hits["doc_id"], hits["sentence_idx"]))
    assert got == holding & _sentences_with(sample_db, "机制")
    assert q.search_count(sample_db, "机制", types="生态补偿", since="2020") == len(hits)
    # pages: --offset walks the same order without gaps or repeats
    every = q.search(sample_db, "机制", limit=None)
    pages = [q.search(sample_db, "机制", limit=7, offset=k) for k in range(0, len(every), 7)]
    walked = [(r["doc_id"], r["sentence_idx"]) for p in pages for r in p.to_dict("records")]
    assert walked == list(zip(every["doc_id"], every["sentence_idx"]))
    out = tmp_path / "hits.json"
    assert main(["search", "机制", "--db", str(sample_db), "--type", "生态补偿", "--since", "2020",
                 "--limit", "3", "--offset", "2", "-f", "json", "-o", str(out)]) == 0  # fmt: skip
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["doc_id"], r["sentence_idx"]) for r in rows] == list(
        zip(hits["doc_id"], hits["sentence_idx"])
    )[2:5]


def test_web_search_pages_and_filters(sample_db: Path) -> None:
    c = web(sample_db)
    total = q.search_count(sample_db, "机制")
    assert total > 100  # more than one page of the web search
    first = c.get("/search", params={"q": "机制"})  # type: ignore[attr-defined]
    assert first.status_code == 200 and f"<b>{total}</b>" in first.text
    assert 'id="search-next"' in first.text and "offset=100" in first.text
    second = c.get("/search", params={"q": "机制", "offset": "100"})  # type: ignore[attr-defined]
    assert second.status_code == 200 and 'start="101"' in second.text
    assert second.text.count("<li>") == min(100, total - 100)
    n = q.search_count(sample_db, "机制", agglomerations="长三角")
    filtered = c.get("/search", params={"q": "机制", "agg": "长三角"})  # type: ignore[attr-defined]
    assert 0 < n < total and f"<b>{n}</b>" in filtered.text
