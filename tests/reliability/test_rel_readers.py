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


def test_html_markup_in_text_and_markdown_is_stripped(tmp_path: Path) -> None:
    page = (
        "新闻联播文字版\n"
        "<p><strong>央视网消息</strong>（新闻联播）：长三角三省一市建立成本共担机制。<br></p>"
        "<p>各市推进异地就医&nbsp;直接结算。</p>\n"
        "指标 a<b 与 c>d 的比较保持原样。\n"
    )
    for name in ("news.txt", "news.md"):
        (tmp_path / name).write_text(page, encoding="utf-8")
        doc = api.text(tmp_path / name)
        assert "<p>" not in doc.text and "<strong>" not in doc.text and "<br>" not in doc.text, name
        assert "&nbsp;" not in doc.text
        assert "央视网消息（新闻联播）：长三角三省一市建立成本共担机制。" in doc.text
        assert "各市推进异地就医直接结算。" in doc.text  # the entity became a space, cleaned between Han
        if name.endswith(".txt"):  # a "<" in prose is not markup (Markdown's own inline-tag rule drops it)
            assert "a<b 与 c>d" in doc.text
        assert any("HTML markup removed from 1 line(s)" in w for w in doc.warnings), doc.warnings
