"""The Dask engine on a real distributed LocalCluster (worker processes).

The stores written through the cluster must equal, document for document, the store
written by the local process pool (documents, sentences and mentions; run ids and
timestamps aside).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from policytext import api  # noqa: E402
from policytext.engines.dask_engine import make_runner  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "sample"

TABLES = {
    "documents": "SELECT * FROM documents ORDER BY doc_id",
    "sentences": 'SELECT doc_id, idx, start, "end", page, text, boilerplate FROM sentences '
    "ORDER BY doc_id, idx",
    "mentions": 'SELECT * FROM mentions ORDER BY doc_id, start, "end", kind, type',
}
IGNORED = {"run_id", "ingested_at", "mention_id"}


def _rows(db: Path, table: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        # a sqlite3.Row iterates its values, so its column names come from keys()
        return [{k: r[k] for k in r.keys() if k not in IGNORED} for r in con.execute(TABLES[table])]  # noqa: SIM118
    finally:
        con.close()


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as c:
        yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The bundled sample (PDF, text in five encodings, html, docx, md) plus a broken PDF."""
    folder = tmp_path_factory.mktemp("dask-inputs")
    for p in sorted(SAMPLE.iterdir()):
        if p.is_file():
            shutil.copy(p, folder / p.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a pdf\n")
    return [str(folder)]


@pytest.mark.slow
def test_dask_results_equal_local_engine(tmp_path, cluster, inputs):
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"
    local = api.ingest(inputs, local_db, workers=2)
    remote = api.ingest(inputs, dask_db, workers=2, runner=make_runner(scheduler=cluster.scheduler_address))
    assert (remote.stored, remote.failed, remote.pages, remote.characters) == (
        local.stored,
        local.failed,
        local.pages,
        local.characters,
    )
    assert local.stored >= 18 and local.failed == 1
    assert [(f["path"], f["error"]) for f in remote.failures] == [
        (f["path"], f["error"]) for f in local.failures
    ]
    for table in TABLES:
        a, b = _rows(local_db, table), _rows(dask_db, table)
        assert len(a) == len(b), table
        assert a == b, table


def test_local_cluster_started_when_no_scheduler(tmp_path, inputs):
    txt = sorted(str(p) for p in Path(inputs[0]).glob("*.txt"))[:3]
    s = api.ingest(txt, tmp_path / "own.db", runner=make_runner(n_workers=2), model=False)
    assert s.stored == 3 and s.failed == 0


def test_timeout_and_exception_become_failures(cluster):
    run = make_runner(scheduler=cluster.scheduler_address)
    t0 = time.perf_counter()
    # time.sleep(30) overruns the 2 s timeout; time.sleep("x") raises; the others succeed
    results = {repr(r.task): r for r in run(time.sleep, [0.05, 30, "x", 0.1, 0.2], workers=2, timeout=2)}
    assert time.perf_counter() - t0 < 25
    assert results["30"].ok is False and results["30"].error == "timeout"
    assert results["'x'"].ok is False and results["'x'"].error == "exception"
    assert "TypeError" in results["'x'"].message
    assert all(results[k].ok for k in ("0.05", "0.1", "0.2"))
    # the cluster is usable after the stuck worker was restarted
    after = list(run(time.sleep, [0.01, 0.02], workers=2, timeout=10))
    assert all(r.ok for r in after)


def test_long_pdf_split_on_the_cluster_equals_the_local_pool(tmp_path, cluster):
    """The pieces of a long PDF go through the cluster's queue too and join into the same document."""
    import sys

    sys.path.insert(0, str(REPO / "tests" / "reliability"))
    import make_bad_inputs as mbi

    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(mbi.text_pdf([mbi.policy_text(f"dask-page-{n}").splitlines() for n in range(45)]))
    local_db, dask_db = tmp_path / "local.db", tmp_path / "dask.db"
    local = api.ingest([pdf], local_db, workers=2, split_pages=10, model=False)
    remote = api.ingest(
        [pdf],
        dask_db,
        workers=2,
        split_pages=10,
        model=False,
        runner=make_runner(scheduler=cluster.scheduler_address),
    )
    assert (local.stored, remote.stored, remote.pages) == (1, 1, 45)
    for table in TABLES:
        assert _rows(local_db, table) == _rows(dask_db, table), table
