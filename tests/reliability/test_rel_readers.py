"""Readers on hostile or messy input: linear HTML, inert web pages named .pdf, text with markup."""

from __future__ import annotations

from pathlib import Path

import make_bad_inputs as mbi

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
