"""The web application without a browser (Starlette's test client): modes, guards, escaping."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

starlette_testclient = pytest.importorskip("starlette.testclient")


def client(db: Path, **kw: object) -> object:
    from policytext.web.app import create_app

    return starlette_testclient.TestClient(create_app(db, **kw), base_url="http://127.0.0.1:8765")


def first_mechanism(db: Path) -> tuple[int, str, int]:
    con = sqlite3.connect(db)
    row = con.execute(
        "SELECT mention_id, doc_id, sentence_idx FROM mentions WHERE kind='mechanism' ORDER BY mention_id"
    ).fetchone()
    con.close()
    return row


def test_web_app_pages_render(built_store: Path) -> None:
    c = client(built_store)
    _mention_id, doc_id, idx = first_mechanism(built_store)
    home = c.get("/")
    assert home.status_code == 200 and 'id="chart-data"' in home.text
    part = c.get(
        "/", params={"type": "cost_sharing", "status": "proposed", "year_from": "2015", "partial": "1"}
    )
    assert part.status_code == 200 and "<html" not in part.text and 'id="filters"' in part.text
    assert c.get("/search", params={"q": "生态补偿"}).text.count('<mark class="hit">') > 0
    doc = c.get(f"/doc/{doc_id}", params={"s": idx})
    assert doc.status_code == 200 and f'id="s-{idx}"' in doc.text and "sent target" in doc.text
    assert c.get(f"/doc/{doc_id}/original").status_code == 200
    assert c.get("/doc/nope").status_code == 404
    assert c.get("/annotations").status_code == 200
    assert c.get("/static/charts.js").status_code == 200


def test_web_app_escapes_document_text(built_store: Path) -> None:
    c = client(built_store)
    con = sqlite3.connect(built_store)
    doc_id = con.execute("SELECT doc_id FROM documents WHERE filename='2023-script-notice.txt'").fetchone()[0]
    con.close()
    for page in (
        c.get(f"/doc/{doc_id}"),
        c.get("/search", params={"q": "共同承担"}),
        c.get("/", params={"type": "cost_sharing"}),
    ):
        assert "<script>window" not in page.text and "<b>共同承担" not in page.text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in c.get(f"/doc/{doc_id}").text


def test_web_app_read_only_refuses_edits(built_store: Path) -> None:
    c = client(built_store)
    mention_id, doc_id, idx = first_mechanism(built_store)
    assert c.app.state.web.store.readonly
    r = c.post(f"/mentions/{mention_id}", data={"action": "delete"}, follow_redirects=False)
    assert r.status_code == 403 and "--edit" in r.text
    assert c.post(f"/doc/{doc_id}/sentences/{idx}/mechanisms", data={"type": "joint_fund"}).status_code == 403
    assert 'form class="correct"' not in c.get(f"/doc/{doc_id}").text


def test_web_app_edit_needs_token_and_same_origin(store_copy: Path) -> None:
    c = client(store_copy, edit=True, annotator="ana")
    token = c.app.state.web.token
    mention_id, doc_id, idx = first_mechanism(store_copy)
    assert c.post(f"/mentions/{mention_id}", data={"action": "delete"}).status_code == 403
    assert (
        c.post(
            f"/mentions/{mention_id}",
            data={"action": "delete", "csrf": token},
            headers={"Origin": "http://evil.example"},
        ).status_code
        == 403
    )
    assert (
        c.post(
            f"/mentions/{mention_id}", data={"action": "set", "type": "nonsense", "csrf": token}
        ).status_code
        == 400
    )
    r = c.post(
        f"/mentions/{mention_id}",
        data={"action": "set", "status": "lacking", "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    r = c.post(
        f"/doc/{doc_id}/sentences/{idx}/mechanisms",
        data={"type": "joint_fund", "status": "proposed", "csrf": token},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200 and r.json()["action"] == "add"
    con = sqlite3.connect(store_copy)
    got = con.execute(
        "SELECT action, annotator, status, type FROM annotations ORDER BY annotation_id"
    ).fetchall()
    con.close()
    assert got[0][:3] == ("set", "ana", "lacking") and got[1] == ("add", "ana", "proposed", "joint_fund")


def test_web_app_refuses_other_hosts(built_store: Path) -> None:
    from policytext.web.app import create_app

    app = create_app(built_store)
    bad = starlette_testclient.TestClient(app, base_url="http://evil.example")
    assert bad.get("/").status_code == 400
    for host in ("http://localhost:9", "http://[::1]:9"):
        assert starlette_testclient.TestClient(app, base_url=host).get("/").status_code == 200


def test_web_app_serve_binds_loopback_only(built_store: Path) -> None:
    from policytext.errors import UsageError
    from policytext.web.app import is_loopback, serve

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    with pytest.raises(UsageError, match="loopback"):
        serve(built_store, host="0.0.0.0", port=0)


def test_web_app_cli_help_and_missing_store(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policytext.cli import app, main

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--port", "--host", "--open", "--edit", "--annotator"):
        assert option in result.output
    assert main(["serve", "--db", str(tmp_path / "missing.db"), "--port", "0"]) == 1
