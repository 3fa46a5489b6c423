"""The report in a real headless Chromium: no console error, no network, the charts are drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (make setup installs it)"
)


@pytest.mark.slow
def test_report_in_headless_chromium(sample_report) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    errors: list[str] = []
    blocked: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(r) -> None:
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(sample_report.html.resolve().as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready")
            n_svg = page.locator("svg.chart").count()
            n_boxes = page.locator("[data-chart]").count()
            sizes = page.eval_on_selector_all(
                "svg.chart", "els => els.map(e => e.getBoundingClientRect().width)"
            )
            font_ok = page.evaluate("document.fonts.check('16px PolicytextCJK', '长三角')")
            page.screenshot(path=str(artifacts / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert blocked == []
    assert n_svg == 20 and n_boxes == 20
    assert all(w > 100 for w in sizes)
    assert font_ok
    assert (artifacts / "report.png").stat().st_size > 10_000
