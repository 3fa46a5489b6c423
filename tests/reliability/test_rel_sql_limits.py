"""``policytext sql`` is bounded in time and work, and Ctrl-C stops it with one line."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import CLI, REPO, run_cli

from policytext import api
from policytext.errors import UsageError
from policytext.store.sql import sql

ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sql-in")
    (folder / "a.txt").write_text(mbi.policy_text("sql-a"), encoding="utf-8")
    db = tmp_path_factory.mktemp("sql-db") / "s.db"
    assert api.ingest([folder], db, workers=0, extract=False).stored == 1
    return db


def test_endless_cte_stops_at_the_time_limit(small_db: Path) -> None:
    t0 = time.monotonic()
    with pytest.raises(UsageError, match=r"stopped after 1 s \(--timeout\)"):
        sql(small_db, ENDLESS, timeout=1.0, max_steps=None)
    assert time.monotonic() - t0 < 10


def test_endless_cte_stops_at_the_step_limit(small_db: Path) -> None:
    with pytest.raises(UsageError, match=r"stopped after 1,000,000 steps \(--max-steps\)"):
        sql(small_db, ENDLESS, timeout=None, max_steps=1_000_000)
    # an ordinary statement runs well inside the defaults
    assert int(sql(small_db, "SELECT count(*) AS n FROM documents")["n"][0]) == 1


def test_cli_sql_timeout_one_line(small_db: Path) -> None:
    proc = run_cli(["sql", ENDLESS, "--db", str(small_db), "--timeout", "1"], timeout=60)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("policytext: error: ")
    assert line.endswith("sql: stopped after 1 s (--timeout); simplify the statement or raise --timeout")


def test_ctrl_c_stops_sql(small_db: Path) -> None:
    import os

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [*CLI, "sql", ENDLESS, "--db", str(small_db), "--timeout", "0", "--max-steps", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    # wait until the process has the store open (imports take seconds on a busy machine)
    fds = Path(f"/proc/{proc.pid}/fd")
    for _ in range(600):
        try:
            if any(str(small_db) in os.readlink(fd) for fd in fds.iterdir()):
                break
        except OSError:
            pass
        time.sleep(0.1)
    time.sleep(1)  # inside the endless statement
    assert proc.poll() is None, proc.communicate()
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("Ctrl-C did not stop the statement")
    assert time.monotonic() - t0 < 10
    assert proc.returncode == 130
    assert err.strip().splitlines() == ["policytext: sql interrupted (Ctrl-C); the store is unchanged"]
