"""The store under hostile conditions: read-only folder, full disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import integrity, run_cli


@contextlib.contextmanager
def _tmpfs(size: str, *, readonly: bool = False):  # type: ignore[no-untyped-def]
    """A small tmpfs mounted for the test (root only); skips when it cannot be mounted."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    where = Path(f"/tmp/pt-tmpfs-{uuid.uuid4().hex[:8]}")
    where.mkdir()
    opts = f"size={size}" + (",ro" if readonly else "")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        where.rmdir()


def test_db_in_a_read_only_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(mbi.policy_text("ro"), encoding="utf-8")
    with _tmpfs("1m", readonly=True) as ro:
        proc = run_cli(
            ["ingest", str(tmp_path / "a.txt"), "--db", str(ro / "corpus.db"), "-q", "--rules-only"]
        )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("policytext: error:") and "corpus.db" in lines[-1]
    assert "read-only" in lines[-1] and "--db" in lines[-1]


def test_full_disk_while_writing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):  # ~40 x 60 KB of text: far more than the 1.5 MB filesystem holds once indexed
        (folder / f"doc-{n:02d}.txt").write_text(
            mbi.policy_text(f"full-{n}", lines=60) * 12, encoding="utf-8"
        )
    with _tmpfs("1536k") as small:
        db = small / "corpus.db"
        proc = run_cli(["ingest", str(folder), "--db", str(db), "-q", "-j", "2", "--no-extract"])
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "disk is full" in proc.stderr or "database or disk is full" in proc.stderr, proc.stderr
        assert integrity(db) == "ok"
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert 0 < stored < 40
        # every stored document is complete: its sentences and index rows are there
        incomplete = conn.execute(
            "SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM sentences s WHERE s.doc_id = d.doc_id)"
        ).fetchone()[0]
        assert incomplete == 0
        conn.close()
        # move the store to a roomy disk and resume: nothing lost, nothing duplicated
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                shutil.copy(f"{db}{suffix}", tmp_path / f"corpus.db{suffix}")
    proc = run_cli(
        ["ingest", str(folder), "--db", str(tmp_path / "corpus.db"), "-q", "-j", "2", "--no-extract"]
    )
    assert proc.returncode == 0, proc.stderr
    assert f"{stored} skipped" in proc.stderr
    conn = sqlite3.connect(tmp_path / "corpus.db")
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 40
    assert integrity(tmp_path / "corpus.db") == "ok"
