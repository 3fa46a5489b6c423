"""Clean shutdown: SIGTERM or Ctrl-C stops `policytext ingest` with its workers; a re-run resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import CLI, REPO, integrity

N_FILES = 30


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("signals") / "in"
    out.mkdir()
    for n in range(N_FILES):
        (out / f"doc-{n:02d}.txt").write_text(mbi.policy_text(f"signal-{n}", lines=40) * 3, encoding="utf-8")
    return out


def _ingest(folder: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "ingest", str(folder), "--db", str(db), "-q", "-j", "2", "--rules-only"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a shell's background job ignores SIGINT and children inherit that; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_run_its_workers_and_a_rerun_resumes(
    folder: Path, tmp_path: Path, signum: int, code: int
) -> None:
    db = tmp_path / "sig.db"
    proc = _ingest(folder, db)
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and _stored(db) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be interrupted; give it more files"
        os.kill(proc.pid, signum)  # the ingest process only, as `kill PID` does
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == code
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        assert lines == [
            "policytext: interrupted; what was stored is kept; re-run the same command to resume"
        ], stderr
        time.sleep(0.2)
        assert not _group_alive(proc.pid), "a worker outlived the interrupted run"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        status = conn.execute("SELECT status FROM runs ORDER BY run_id").fetchall()
        first = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    finally:
        conn.close()
    assert [s[0] for s in status] == ["interrupted"]
    assert 3 <= first < N_FILES

    again = _ingest(folder, db)
    _, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert f"{N_FILES - first} stored, {first} skipped" in stderr
    conn = sqlite3.connect(db)
    try:
        status = conn.execute("SELECT status, stored, skipped FROM runs ORDER BY run_id").fetchall()
        total = conn.execute("SELECT COUNT(DISTINCT doc_id) FROM documents").fetchone()[0]
        fts, sentences = conn.execute(
            "SELECT (SELECT COUNT(*) FROM sentences_fts), (SELECT COUNT(*) FROM sentences)"
        ).fetchone()
    finally:
        conn.close()
    assert [tuple(s) for s in status][1] == ("done", N_FILES - first, first)
    assert total == N_FILES
    assert fts == sentences
