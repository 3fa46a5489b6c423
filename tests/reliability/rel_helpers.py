"""Helpers of the reliability suite (a module of its own: `conftest` names clash across folders)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PYTHON = sys.executable
CLI = [PYTHON, "-m", "policytext"]


def run_cli(
    args: list[str], *, timeout: float = 300, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    """Run ``policytext ARGS`` in a subprocess; text output, errors replaced."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        CLI + args, capture_output=True, text=True, errors="replace", timeout=timeout, cwd=REPO, env=env, **kw
    )  # type: ignore[call-overload]


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of a store (opened read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
