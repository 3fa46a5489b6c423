"""Long and hostile PDFs: streaming with bounded memory, decompression bombs, memory limits, timeouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import make_bad_inputs as mbi
import pytest
from rel_helpers import REPO, run_cli

from policytext import api
from policytext.ingest.pool import run_tasks

MB = 1 << 20

_PEAK = """
import json, sys
from policytext.errors import IngestError
from policytext.ingest.document import build_document
out = {}
try:
    doc = build_document(sys.argv[1])
    out.update(ok=True, pages=len(doc.pages), chars=len(doc.text), last=doc.text[-200:])
except IngestError as exc:
    out.update(ok=False, reason=exc.reason, message=exc.message)
# VmHWM belongs to this address space; ru_maxrss would carry the high-water mark of the
# (large) test process across fork + exec on Linux.
with open("/proc/self/status") as fh:
    hwm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
out["peak_mb"] = hwm_kb / 1024
print(json.dumps(out))
"""


def _fresh(code: str, *args: str) -> dict:
    """Run ``code`` (with ``args``) in a new interpreter and return the JSON it prints last.

    A fresh process is what a user's command is: the memory bound counts on top of the data a
    forked worker inherits, and a long-lived parent (this test process, after a thousand tests)
    hands its workers a large, partly free heap that an allocation can reuse without crossing it.
    """
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _read_in_subprocess(path: Path) -> dict:
    """Read one file in a fresh interpreter and report its outcome and peak RSS (MB)."""
    return _fresh(_PEAK, str(path))


def test_2000_page_pdf_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "many-pages.pdf"
    path.write_bytes(mbi.many_pages_pdf(2000))
    out = _read_in_subprocess(path)
    assert out["ok"] and out["pages"] == 2000
    assert "clause 2000" in out["last"]
    assert out["peak_mb"] < 400, out  # all 2,000 pages' characters at once would need far more


@pytest.mark.slow
def test_decompression_bomb_refused_with_bounded_memory(tmp_path: Path) -> None:
    for name, data in (
        ("bomb.pdf", mbi.bomb_pdf(1 << 30)),
        ("nested-bomb.pdf", mbi.nested_bomb_pdf(1 << 30)),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert path.stat().st_size < 2 * MB
        out = _read_in_subprocess(path)
        assert not out["ok"] and out["reason"] == "corrupt" and "decompression bomb" in out["message"], out
        assert out["peak_mb"] < 300, out  # never inflated in memory (the stream is 1 GB)


def test_bomb_in_a_batch_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(mbi.bomb_pdf(1 << 30))
    for n in range(3):
        (folder / f"ok-{n}.txt").write_text(mbi.policy_text(f"bomb-ok-{n}"), encoding="utf-8")
    s = api.ingest([folder], tmp_path / "b.db", workers=2, timeout=120, model=False)
    assert s.stored == 3 and [f["error"] for f in s.failures] == ["corrupt"]


def _allocate(n_mb: int) -> int:
    block = bytearray(n_mb * MB)
    return len(block)


def test_worker_memory_limit() -> None:
    """With max_memory a worker that needs more fails alone, its message naming the bound; the
    others are done."""
    results = {r.task: r for r in run_tasks(_allocate, [8, 2048, 16], workers=2, max_memory=256 * MB)}
    assert results[8].ok and results[16].ok
    assert not results[2048].ok and results[2048].error == "memory"
    assert "--max-memory 256 MB, 128 MB for each of 2 workers" in results[2048].message
    assert "raise it with --max-memory MB" in results[2048].message


def test_memory_bound_is_shared_by_the_workers() -> None:
    """--max-memory is one bound for all workers: 200 MB fits one worker's 320 MB, not two
    workers' 160 MB each (was: 320 MB for each worker, 640 MB in all)."""
    got = _fresh(
        """import json
from policytext.ingest.pool import run_tasks

MB = 1024 * 1024


def allocate(n_mb):
    return len(bytearray(n_mb * MB))


if __name__ == "__main__":
    alone = list(run_tasks(allocate, [200], workers=1, max_memory=320 * MB))
    shared = list(run_tasks(allocate, [200], workers=2, max_memory=320 * MB))
    print(json.dumps({"alone": [alone[0].ok, alone[0].message], "shared": [shared[0].ok, shared[0].error]}))
"""
    )
    assert got["alone"][0], got["alone"][1]
    assert got["shared"] == [False, "memory"]


def test_file_over_the_memory_bound_is_unsupported_not_damaged(tmp_path: Path) -> None:
    """A large text over the bound: `unsupported`, the message names the bound and how to raise it
    (was: `corrupt`, "the file may be damaged")."""
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"
    big.write_text(mbi.policy_text("big", lines=4) * 40_000, encoding="utf-8")  # ~12 MB
    (folder / "small.txt").write_text(mbi.policy_text("small"), encoding="utf-8")
    got = _fresh(
        f"""import json
from policytext import api

if __name__ == "__main__":
    s = api.ingest([{str(folder)!r}], {str(tmp_path / "m.db")!r}, workers=2, max_memory=200 * 1024 * 1024,
                   extract=False)
    print(json.dumps({{"stored": s.stored, "failures": s.failures}}))
"""
    )
    (failure,) = got["failures"]
    assert got["stored"] == 1 and failure["path"].endswith("big.txt")
    assert failure["error"] == "unsupported", failure
    assert "--max-memory 200 MB" in failure["message"] and "raise it with --max-memory" in failure["message"]
    assert "damaged" not in failure["message"]


def test_cli_max_memory_option_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(mbi.policy_text("mm-a"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(mbi.policy_text("mm-b"), encoding="utf-8")
    proc = run_cli(
        [
            "ingest",
            str(tmp_path / "a.txt"),
            str(tmp_path / "b.txt"),
            "--db",
            str(tmp_path / "m.db"),
            "-q",
            "-j",
            "2",
            "--rules-only",
            "--max-memory",
            "512",
        ]
    )
    assert proc.returncode == 0 and "2 stored" in proc.stderr, proc.stderr


def test_parser_that_runs_forever_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    """64 MB of deflated blanks as a page's content: PDFium finds no text, pdfminer then
    tokenises the blanks in pure Python for minutes. The worker is killed at --timeout."""
    folder = tmp_path / "in"
    folder.mkdir()
    slow = folder / "blank-content.pdf"
    slow.write_bytes(mbi.bomb_pdf(64 * MB))
    assert slow.stat().st_size < 100_000
    for n in range(3):
        (folder / f"ok-{n}.txt").write_text(mbi.policy_text(f"timeout-ok-{n}"), encoding="utf-8")
    proc = run_cli(
        [
            "ingest",
            str(folder),
            "--db",
            str(tmp_path / "t.db"),
            "-q",
            "-j",
            "2",
            "--rules-only",
            "--timeout",
            "3",
        ],
        timeout=240,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if "blank-content.pdf" in ln)
    assert ": timeout: " in line and "3 s" in line
    assert "3 stored" in proc.stderr
