"""End to end in a real headless Chromium: load, filter, search, open a document, correct a label.

The server runs on a free loopback port (a daemon thread with a bounded lifetime, or the
``policytext serve`` command in a subprocess) and is stopped after each test.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from webtools import REPO, free_port, running, wait_for_port

ARTIFACTS = REPO / "test-artifacts"


def test_web_browser_filter_search_open_correct(browser: Any, store_copy: Path) -> None:
    from policytext.web.app import create_app

    app = create_app(store_copy, edit=True, annotator="tester")
    page_errors: list[str] = []
    with running(app) as url:
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        page.set_default_timeout(10_000)

        # load: counts, charts and results are there
        page.goto(url + "/")
        total = int(page.inner_text("#n-mentions"))
        assert total > 50
        assert page.locator("#timeline svg rect.bar").count() > 0
        assert page.locator("#heatmap svg rect.cell").count() > 0
        assert page.inner_text("#mode") == "editing as tester"

        # filter by type: the counts and the results update without a reload
        page.evaluate("window.__sameDocument = true")
        page.select_option("#f-type", "eco_compensation")
        expect(page.locator("#n-mentions")).not_to_have_text(str(total))  # the page's CSP forbids eval
        eco = int(page.inner_text("#n-mentions"))
        assert 0 < eco < total
        assert page.evaluate("window.__sameDocument") is True  # no full page load
        assert "type=eco_compensation" in page.url
        types = set(page.locator("#results tbody tr .chip small").all_inner_texts())
        assert types == {"eco_compensation"}
        # the other facets count under the type filter (status counts add up to the total)
        status_counts = [
            int(m)
            for m in re.findall(r"\((\d+)\)", " ".join(page.locator("#f-status option").all_inner_texts()))
        ]
        assert sum(status_counts) == eco

        # more filters: status, then a period by clicking a bar of the timeline
        page.select_option("#f-status", "proposed")
        expect(page.locator("#n-mentions")).not_to_have_text(str(eco))
        proposed = int(page.inner_text("#n-mentions"))
        assert 0 < proposed <= eco
        bar = page.locator("#timeline rect.bar").first
        year = bar.get_attribute("data-year")
        bar.click()
        page.wait_for_url(re.compile(f"year_from={year}"))
        assert page.locator("#f-year_from").input_value() == year
        assert all(
            d.startswith(year) for d in page.locator("#results tbody tr td:nth-child(5)").all_inner_texts()
        )

        # a heatmap cell sets type and agglomeration
        page.goto(url + "/")
        cell = page.locator("#heatmap rect.cell:not([data-n='0'])").first
        ctype, cagg, n = (
            cell.get_attribute("data-type"),
            cell.get_attribute("data-agg"),
            cell.get_attribute("data-n"),
        )
        cell.click()
        page.wait_for_url(re.compile(f"agg={re.escape(str(cagg))}"))
        assert page.locator("#f-type").input_value() == ctype
        assert int(page.inner_text("#n-mentions")) == int(n)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web.png"))

        # full-text search in Chinese
        page.click("text=全文检索 Search")
        page.fill("#q", "横向生态补偿")
        page.press("#q", "Enter")
        page.wait_for_selector("#hits li")
        assert "横向生态补偿" in page.locator("#hits li mark.hit").first.inner_text()

        # open a hit: the sentence in its document, highlighted, page shown, link to the original
        page.locator("#hits li a.sentence").first.click()
        page.wait_for_selector(".sent.target")
        assert "横向生态补偿" in page.inner_text(".sent.target")
        assert page.locator("h2.pageno").count() >= 1 or page.locator(".sent.target").count() == 1
        href = page.get_attribute("#original", "href")
        assert href and href.endswith("/original")
        assert page.request.get(url + href).status == 200

        # correct a label: change the type and status of the first mention of the sentence ...
        label = page.locator(".sent.target li.label").first
        mention_id = int(label.get_attribute("data-mention"))
        old_type = label.locator(".chip small").inner_text()
        new_type = "interest_compensation" if old_type != "interest_compensation" else "cost_sharing"
        label.locator("select[name=type]").select_option(new_type)
        label.locator("select[name=status]").select_option("established")
        label.locator("button[value=set]").click()
        page.wait_for_selector(f"li.label[data-mention='{mention_id}'] .chip small:text('{new_type}')")
        # ... and delete another label as false (a confirm dialog asks first)
        page.on("dialog", lambda d: d.accept())
        victim = page.locator(f"li.label:not([data-mention='{mention_id}'])").first
        victim_id = int(victim.get_attribute("data-mention"))
        victim.locator("button[value=delete]").click()
        page.wait_for_selector(f"li.label[data-mention='{victim_id}']", state="detached")

        # the corrections page lists both
        page.goto(url + "/annotations")
        assert page.inner_text("#n-annotations") == "2"
        page.close()
    assert not page_errors, page_errors

    # persisted: re-open the store file and read the annotations table and the mentions
    con = sqlite3.connect(store_copy)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM annotations ORDER BY annotation_id")]
    assert [(r["action"], r["mention_id"], r["annotator"]) for r in rows] == [
        ("set", mention_id, "tester"),
        ("delete", victim_id, "tester"),
    ]
    assert (
        rows[0]["type"] == new_type and rows[0]["old_type"] == old_type and rows[0]["status"] == "established"
    )
    assert all(re.match(r"\d{4}-\d\d-\d\dT", r["created_at"]) for r in rows)
    m = con.execute("SELECT type, status, deleted FROM mentions WHERE mention_id=?", (mention_id,)).fetchone()
    assert tuple(m) == (new_type, "established", 0)
    assert con.execute("SELECT deleted FROM mentions WHERE mention_id=?", (victim_id,)).fetchone()[0] == 1
    con.close()


def test_web_browser_markup_in_documents_is_text(browser: Any, built_store: Path) -> None:
    from policytext.web.app import create_app

    app = create_app(built_store)
    with running(app) as url:
        page = browser.new_page()
        page.goto(url + "/search?q=" + "成本共担 共同承担")
        page.locator("#hits li a.sentence").first.click()
        page.wait_for_selector("#doc-title")
        assert "<script>window.__pwned = 1</script>" in page.inner_text("body")
        assert "<b>共同承担</b>" in page.inner_text(".sent.target")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("article script, article b").count() == 0
        page.close()


def test_web_browser_serve_command_read_only(browser: Any, built_store: Path) -> None:
    """`policytext serve` (the real command) serves read-only: no edit form, edits answer 403."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "policytext", "serve", "--db", str(built_store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        wait_for_port(port, timeout=30)
        url = f"http://127.0.0.1:{port}"
        page = browser.new_page()
        page.goto(url + "/")
        assert page.inner_text("#mode") == "read-only"
        page.locator("#results tbody tr a").first.click()
        page.wait_for_selector(".sent.target")
        assert page.locator("form.correct").count() == 0
        mention = page.locator(".sent.target li.label").first.get_attribute("data-mention")
        status = page.evaluate(
            "async (id) => (await fetch('/mentions/' + id, {method: 'POST', body: 'action=delete',"
            " headers: {'Content-Type': 'application/x-www-form-urlencoded'}})).status",
            mention,
        )
        assert status == 403
        page.close()
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert f"http://127.0.0.1:{port}/ (read-only)" in err
    con = sqlite3.connect(built_store)
    assert con.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 0
    con.close()
