"""Fixtures of the report tests: a store of the sample corpus and its report, built once."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "sample"
GENERATED = "2026-01-01 00:00:00 UTC"
HOSTILE = "长三角城市群<script>alert(1)</script>各城市建立成本共担、利益共享机制。\n"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made of corpora/sample (rules + shipped model, as `policytext ingest` does)."""
    from policytext import api

    db = tmp_path_factory.mktemp("sample-store") / "corpus.db"
    summary = api.ingest([str(SAMPLE)], db, workers=0)
    assert summary.stored == len([p for p in SAMPLE.iterdir() if p.is_file()]) and summary.failed == 0
    return db


@pytest.fixture(scope="session")
def sample_report(sample_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The report of the sample store, with its paper figures."""
    from policytext.export.report import build_report

    out = tmp_path_factory.mktemp("sample-report")
    return build_report(
        sample_db, out / "report.html", figures_dir=out / "figures", generated=GENERATED, key_terms=True
    )


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one .txt document whose mechanism sentence carries a <script> tag."""
    from policytext import api

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "2021-hostile.txt").write_text(HOSTILE, encoding="utf-8")
    db = folder / "hostile.db"
    summary = api.ingest([str(folder / "2021-hostile.txt")], db, workers=0, model=False)
    assert summary.stored == 1
    return db
