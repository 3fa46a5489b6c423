"""Crashes and concurrency: SIGKILL of `policytext ingest`, dying workers, two runs on one store."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import CLI, REPO, integrity

from policytext import api

N_FILES = 30
TRIALS = 20


@pytest.fixture(scope="module")
def folder30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "in"
    folder.mkdir()
    for n in range(N_FILES):
        (folder / f"doc-{n:02d}.txt").write_text(mbi.policy_text(f"kill-{n}", lines=40) * 4, encoding="utf-8")
    return folder


def _doc_ids(db: Path) -> set[str] | None:
    """What a reader sees committed (None while the store does not exist yet)."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return {r[0] for r in conn.execute("SELECT doc_id FROM documents")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _start(folder: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "ingest", str(folder), "--db", str(db), "-q", "-j", "2", "--no-extract", *extra],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _check_store(db: Path) -> None:
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        dup = conn.execute(
            "SELECT doc_id, COUNT(*) FROM documents GROUP BY doc_id HAVING COUNT(*) > 1"
        ).fetchall()
        assert not dup
        orphans = conn.execute(
            "SELECT COUNT(*) FROM sentences WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        )
        assert orphans.fetchone()[0] == 0
        fts = conn.execute(
            "SELECT (SELECT COUNT(*) FROM sentences_fts), (SELECT COUNT(*) FROM sentences)"
        ).fetchone()
        assert fts[0] == fts[1]
    finally:
        conn.close()


def _progress(db: Path, runs_before: int) -> tuple[set[str], bool] | None:
    """(doc ids committed, whether the new run has started) as a reader sees them."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            ids = {r[0] for r in conn.execute("SELECT doc_id FROM documents")}
            new_run = conn.execute("SELECT MAX(run_id) FROM runs").fetchone()[0] or 0
            mine = conn.execute("SELECT COUNT(*) FROM documents WHERE run_id > ?", (runs_before,)).fetchone()[
                0
            ]
            return ids, new_run > runs_before, mine
        finally:
            conn.close()
    except sqlite3.Error:
        return None


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(folder30: Path, tmp_path: Path) -> None:
    """Each trial (after the first, all with --force: every document is rewritten) is killed
    after a random number of documents of its own run were committed, plus a random delay."""
    rng = random.Random(20260)
    db = tmp_path / "k.db"
    killed = 0
    for trial in range(TRIALS):
        runs_before = 0
        if db.exists():
            conn = sqlite3.connect(db)
            runs_before = conn.execute("SELECT COALESCE(MAX(run_id), 0) FROM runs").fetchone()[0]
            conn.close()
        before = _doc_ids(db) or set()
        proc = _start(folder30, db, *(("--force",) if before else ()))
        target = rng.randrange(0, N_FILES)
        seen = before
        deadline = time.monotonic() + 60
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                state = _progress(db, runs_before)
                if state is not None:
                    seen, started, mine = state
                    if started and mine >= target:
                        time.sleep(rng.uniform(0, 0.03))
                        break
                time.sleep(0.003)
            if proc.poll() is None:
                os.kill(
                    proc.pid, signal.SIGKILL
                )  # the ingest process only: its workers must go by themselves
                killed += 1
            proc.wait(timeout=30)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not db.exists():
            continue
        _check_store(db)
        after = _doc_ids(db) or set()
        assert seen <= after, f"trial {trial}: committed documents lost"
        assert before <= after, f"trial {trial}: documents lost"
    assert killed >= TRIALS * 3 // 4
    proc = _start(folder30, db)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    _check_store(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == N_FILES
    assert conn.execute("SELECT COUNT(DISTINCT path) FROM document_paths").fetchone()[0] == N_FILES
    assert conn.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0] == N_FILES
    assert conn.execute("SELECT COUNT(*) FROM failures").fetchone()[0] == 0
    runs = conn.execute(
        "SELECT status, stored, skipped, failed, finished_at FROM runs ORDER BY run_id"
    ).fetchall()
    assert runs[-1][0] == "done"
    for status, stored, skipped, failed, finished_at in runs:
        if status == "done":  # a run says done only after it went through every input
            assert stored + skipped + failed == N_FILES and finished_at is not None
        else:  # a run killed before its end never claims to have finished
            assert status == "running" and finished_at is None
    # (a kill can land after a run's last write, while the process exits: that run is done)
    assert sum(1 for r in runs if r[0] == "running") >= 1


def test_two_ingests_on_one_store_cooperate(folder30: Path, tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    a = _start(folder30, db)
    b = _start(folder30, db)
    _, err_a = a.communicate(timeout=300)
    _, err_b = b.communicate(timeout=300)
    for rc, err in ((a.returncode, err_a), (b.returncode, err_b)):
        text = err.decode("utf-8", "replace")
        assert "Traceback" not in text
        # cooperate (both finish), or the second stops at once with a clear one-line error
        assert rc == 0 or (rc == 1 and "another process" in text), text
    _check_store(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == N_FILES
    assert conn.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0] == N_FILES


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_worker_killed_by_a_signal_fails_that_file_only(tmp_path: Path) -> None:
    """A worker that segfaults (SIGSEGV sent from here while it reads a big file) fails that file only."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-big.txt").write_bytes(mbi.long_line_txt(1 << 20))  # minutes of work: first in the queue
    for n in range(4):
        (folder / f"b-ok-{n}.txt").write_text(mbi.policy_text(f"segv-{n}"), encoding="utf-8")
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for child in _children(os.getpid()):
                if _cpu_seconds(child) > 1.0:  # the worker busy with a-big.txt
                    os.kill(child, signal.SIGSEGV)
                    killed.append(child)
                    return
            time.sleep(0.05)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    s = api.ingest([folder], tmp_path / "w.db", workers=1 + 1, timeout=300, model=False)
    t.join(timeout=5)
    assert killed
    assert s.stored == 4
    assert len(s.failures) == 1 and s.failures[0]["path"].endswith("a-big.txt")
    assert s.failures[0]["error"] == "corrupt" and "SIGSEGV" in s.failures[0]["message"]
    _check_store(tmp_path / "w.db")
