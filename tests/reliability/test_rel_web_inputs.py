"""Malformed web inputs get a 4xx page with a message, never an HTTP 500."""

from __future__ import annotations

import shutil

import make_bad_inputs as mbi
import pytest
import starlette.testclient as starlette_testclient

from policytext import api

HUGE = "9" * 30  # beyond SQLite's 64-bit integers


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> starlette_testclient.TestClient:
    from policytext.web.app import create_app

    folder = tmp_path_factory.mktemp("web-in")
    (folder / "a.txt").write_text(mbi.policy_text("web-inputs"), encoding="utf-8")
    db = tmp_path_factory.mktemp("web-db") / "w.db"
    assert api.ingest([folder], db, workers=0, model=False).stored == 1
    shutil.copy(db, db.with_name("copy.db"))
    app = create_app(db, edit=True)
    return starlette_testclient.TestClient(
        app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False
    )


def test_six_malformed_inputs_get_4xx(client: starlette_testclient.TestClient) -> None:
    token = client.app.state.web.token  # type: ignore[attr-defined]
    json_headers = {"content-type": "application/json"}
    responses = {
        "huge offset": client.get("/", params={"offset": HUGE}),
        "huge offset (live fragment)": client.get("/", params={"offset": HUGE, "partial": "1"}),
        "huge mention id": client.post(f"/mentions/{HUGE}", data={"csrf": token, "type": "cost_sharing"}),
        "huge sentence index": client.post(
            f"/doc/x/sentences/{HUGE}/mechanisms", data={"csrf": token, "type": "cost_sharing"}
        ),
        "malformed JSON": client.post("/mentions/1", content=b"{bad json", headers=json_headers),
        "JSON that is not an object": client.post("/mentions/1", content=b"[1, 2]", headers=json_headers),
        "non-ASCII form token": client.post("/mentions/1", data={"csrf": "令牌", "type": "cost_sharing"}),
    }
    expected = {
        "huge offset": (200, "城市群"),  # an offset past the end: an empty page of results
        "huge offset (live fragment)": (200, ""),
        "huge mention id": (404, f"no mention {HUGE} in this store"),
        "huge sentence index": (404, f"no sentence {HUGE} in document x"),
        "malformed JSON": (400, "the request body is not a form or a JSON object"),
        "JSON that is not an object": (400, "the request body is not a form or a JSON object"),
        "non-ASCII form token": (403, "stale or missing form token"),
    }
    for what, r in responses.items():  # each was an HTTP 500
        status, phrase = expected[what]
        assert r.status_code == status, (what, r.status_code)
        assert phrase in r.text, what


def test_unknown_action_gets_400(client: starlette_testclient.TestClient) -> None:
    """A correction with an action other than set/delete (was: HTTP 500, an unbound local)."""
    token = client.app.state.web.token  # type: ignore[attr-defined]
    for action in ("zzz", "", "<script>", "删除"):
        r = client.post("/mentions/1", data={"csrf": token, "type": "cost_sharing", "action": action})
        assert r.status_code == 400, (action, r.status_code)
        assert "choose set or delete" in r.text


def test_no_query_or_form_value_gets_500(client: starlette_testclient.TestClient) -> None:
    """Every page and every write with hostile values in each parameter: never an HTTP 500."""
    import sqlite3

    token = client.app.state.web.token  # type: ignore[attr-defined]
    db = client.app.state.web.store.path  # type: ignore[attr-defined]
    doc = sqlite3.connect(db).execute("SELECT doc_id FROM documents").fetchone()[0]
    values = ["", "\x00", "%ff", "-1", "1e9", HUGE, "<script>", "' OR 1=1 --", "长" * 3000, "..", "１２"]
    keys = ["type", "agg", "year_from", "year_to", "status", "doc_type", "basis", "offset", "partial", "q"]
    keys.append("s")
    pages = ["/", "/search", f"/doc/{doc}", f"/doc/{doc}/original", "/annotations", "/annotations.jsonl"]
    bad = [
        (page, key, value[:10], r.status_code)
        for page in pages
        for key in keys
        for value in values
        if (r := client.get(page, params={key: value})).status_code >= 500
    ]
    writes = [f"/doc/{doc}/sentences/0/mechanisms", "/mentions/1", "/mentions/0"]
    bad += [
        (page, key, value[:10], r.status_code)
        for page in writes
        for key in ["type", "status", "note", "action", "next"]
        for value in values
        if (r := client.post(page, data={"csrf": token, "type": "cost_sharing", key: value})).status_code
        >= 500
    ]
    assert bad == []
