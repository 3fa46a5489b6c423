"""Readers on hostile or messy input: linear HTML, inert web pages named .pdf, text with markup."""

from __future__ import annotations

from pathlib import Path

import make_bad_inputs as mbi
import pytest

from policytext import api


def deep_html(depth: int) -> str:
    """A page whose one sentence sits ``depth`` × 2 elements deep (about 24 bytes per level)."""
    return (
        "<html><head><title>深层嵌套</title></head><body>"
        + "<div><span>" * depth
        + mbi.policy_text("deep-html").replace("\n", "<br>")
        + "</span></div>" * depth
        + "</body></html>"
    )


def test_deeply_nested_html_reads_within_the_bound(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(deep_html(42_000), encoding="utf-8")
    assert page.stat().st_size > 1_000_000
    # was quadratic: > 400 s for 1.1 MB; the worker's bound turns a regression into a timeout
    doc = api.text(page, timeout=90)
    assert mbi.tag_line("deep-html") in doc.text


LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>用户登录 - 中国知网</title></head><body>"
    "<form><p>请登录后下载全文。您的会话已过期，请重新登录以继续访问本刊内容。</p></form></body></html>"
)


@pytest.mark.parametrize(
    ("name", "data", "hint"),
    [
        ("login.pdf", LOGIN_PAGE.encode("utf-8"), "is a web page (HTML), not a PDF"),
        (
            "paper.pdf",
            b"CAJ\x00" + bytes(range(256)) * 8,
            "is a CNKI CAJ file, not a PDF; open it in CAJViewer",
        ),
        ("paper2.pdf", b"KDH \x00" + bytes(range(256)) * 8, "is a CNKI KDH file, not a PDF"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "is a PNG image, not a PDF"),
    ],
)
def test_other_formats_named_pdf_are_unsupported_with_a_hint(
    tmp_path: Path, name: str, data: bytes, hint: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(data)
    s = api.ingest([folder], tmp_path / "p.db", workers=0, extract=False)
    assert s.stored == 0  # was: the login page stored as a document; the others `corrupt`
    (failure,) = s.failures
    assert failure["error"] == "unsupported"
    assert failure["message"].startswith(f"{name} ") and hint in failure["message"]
