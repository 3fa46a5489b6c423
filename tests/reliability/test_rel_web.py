"""The web page never serves active content: originals inert and checked by hash, a CSP everywhere."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import make_bad_inputs as mbi
import pytest
import starlette.testclient as starlette_testclient

from policytext import api

EVIL_HTML = (
    "<html><head><title>关于推进都市圈建设的通知</title></head><body>"
    "<script>fetch('/mentions/1',{method:'POST'})</script>"
    f"<p>{mbi.policy_text('web-evil')}</p></body></html>"
)


@pytest.fixture()
def served(tmp_path: Path) -> tuple[Path, Path]:
    """A store over an HTML page with a script, a text file and a PDF-named file: (db, folder)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil.html").write_text(EVIL_HTML, encoding="utf-8")
    (folder / "plain.txt").write_text(mbi.policy_text("web-plain"), encoding="utf-8")
    (folder / "secret.txt").write_text(mbi.policy_text("web-secret"), encoding="utf-8")
    db = tmp_path / "w.db"
    s = api.ingest([folder], db, workers=0, extract=False)
    assert s.stored == 3, s.failures
    return db, folder


def _client(db: Path, *, edit: bool = False) -> starlette_testclient.TestClient:
    from policytext.web.app import create_app

    return starlette_testclient.TestClient(create_app(db, edit=edit), base_url="http://127.0.0.1:8765")


def _doc_id(db: Path, name: str) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("SELECT doc_id FROM documents WHERE filename=?", (name,)).fetchone()[0])
    finally:
        con.close()


def test_html_original_is_never_served_as_html(served: tuple[Path, Path]) -> None:
    db, _ = served
    c = _client(db, edit=True)
    r = c.get(f"/doc/{_doc_id(db, 'evil.html')}/original")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert "sandbox" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" in r.text  # shown as source text, never run


def test_csp_on_every_response(served: tuple[Path, Path]) -> None:
    db, _ = served
    c = _client(db)
    doc = _doc_id(db, "plain.txt")
    for url in ("/", "/search?q=城市群", f"/doc/{doc}", "/doc/nope", "/static/app.js", "/annotations"):
        r = c.get(url)
        csp = r.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp
    bad_host = c.get("/", headers={"host": "evil.example"})
    assert bad_host.status_code == 400 and "content-security-policy" in bad_host.headers


def test_original_swapped_for_a_symlink_is_refused(served: tuple[Path, Path]) -> None:
    db, folder = served
    plain = folder / "plain.txt"
    doc = _doc_id(db, "plain.txt")
    c = _client(db)
    assert c.get(f"/doc/{doc}/original").text == plain.read_text(encoding="utf-8")
    plain.unlink()
    os.symlink(folder / "secret.txt", plain)
    r = c.get(f"/doc/{doc}/original")
    assert r.status_code == 409
    assert "symbolic link" in r.text and "web-secret" not in r.text
    assert hashlib.sha1(b"web-secret").hexdigest()[:8] not in r.text


def test_original_changed_on_disk_is_refused(served: tuple[Path, Path]) -> None:
    db, folder = served
    doc = _doc_id(db, "plain.txt")
    (folder / "plain.txt").write_text("<script>alert(1)</script>", encoding="utf-8")
    r = _client(db).get(f"/doc/{doc}/original")
    assert r.status_code == 409 and "has changed since it was ingested" in r.text
    (folder / "plain.txt").unlink()
    r = _client(db).get(f"/doc/{doc}/original")
    assert r.status_code == 404 and "no longer at" in r.text


def test_binary_original_is_a_download(tmp_path: Path) -> None:
    folder = tmp_path / "pdf"
    folder.mkdir()
    (folder / "p.pdf").write_bytes(mbi.good_pdf("web-pdf"))
    db = tmp_path / "p.db"
    assert api.ingest([folder], db, workers=0, extract=False).stored == 1
    r = _client(db).get(f"/doc/{_doc_id(db, 'p.pdf')}/original")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.content.startswith(b"%PDF")
