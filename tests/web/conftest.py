"""Fixtures of the web tests: a small store (sample corpus + a hostile document) and a live server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import CHROMIUM, CHROMIUM_ARGS, SAMPLE

SCRIPT_DOC = (
    "关于<script>window.__pwned = 1</script>长三角成本共担的通知\n"
    "长三角三省一市建立成本共担、利益共享机制，<b>共同承担</b>跨界基础设施建设费用。\n"
    "各市推进异地就医直接结算。\n"
)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus plus a document whose text contains markup, ingested once."""
    from policytext import api

    src = tmp_path_factory.mktemp("web-src")
    (src / "2023-script-notice.txt").write_text(SCRIPT_DOC, encoding="utf-8")
    db = tmp_path_factory.mktemp("web-db") / "corpus.db"
    summary = api.ingest([str(SAMPLE), str(src)], db, workers=2)
    assert summary.failed == 0, summary.failures
    return db


@pytest.fixture()
def store_copy(built_store: Path, tmp_path: Path) -> Path:
    """A private copy of the built store (tests that write get their own)."""
    dst = tmp_path / "corpus.db"
    shutil.copy(built_store, dst)
    for suffix in ("-wal", "-shm"):
        side = built_store.with_name(built_store.name + suffix)
        if side.exists():
            shutil.copy(side, dst.with_name(dst.name + suffix))
    return dst


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: `make system-deps`)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield b
        finally:
            b.close()
