"""Shared fixtures: the shared data folder beside the project and small sample texts."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        default=False,
        help="also run tests marked slow (`make test` and CI do)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run with ``--slow`` only: the default local run stays quick."""
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (make test does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


SHARED = REPO.parent / "shared"

POLICY_SENTENCES = [
    "关于推动长三角区域一体化发展的实施意见",
    "建立成本共担、利益共享机制，推动长三角一体化发展。",
    "完善生态保护补偿机制，探索跨省横向补偿。",
    "加快建设粤港澳大湾区，推进基础设施互联互通。",
]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared folder (seeds, gold, tools) beside the project."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder {SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    """Small policy-like texts in simplified and traditional characters."""
    return {
        "policy": "\n".join(POLICY_SENTENCES) + "\n",
        "cost_sharing": "建立成本共担、利益共享机制，推动长三角一体化发展。\n",
        "compensation": "完善生态保护补偿机制，探索跨省横向补偿。\n",
        "traditional": "長三角城市羣一體化發展。\n",
    }


# -- a store of the sample corpus, built once per session (query, export tests) -----------


def build_sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest corpora/sample once per session; later calls reuse the file."""
    from policytext import api

    db = tmp_path_factory.getbasetemp() / "policytext-sample.db"
    if not db.exists():
        api.ingest([str(Path(__file__).resolve().parents[1] / "corpora" / "sample")], db, workers=0)
    return db


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested into a store (shared; copy it before writing)."""
    return build_sample_store(tmp_path_factory)


@pytest.fixture()
def copy_store():
    """A function that makes a private copy of a store (SQLite backup API, WAL included)."""
    import sqlite3

    def copy(src: Path, dst: Path) -> Path:
        with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
            a.backup(b)
        return dst

    return copy
