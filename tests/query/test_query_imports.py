"""The light commands import only what they run: no scikit-learn (nor the extraction back end)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "jieba", "spacy")

_PROBE = """
import json, sys
from policytext.cli import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in %r)}))
"""


def _loaded(*args: str) -> dict[str, object]:
    """Run ``policytext ARGS`` in a fresh interpreter; the exit code and which heavy modules it imported."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE % (HEAVY,), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["query", "mechanisms", "--limit", "5"],
        ["query", "documents"],
        ["search", "一体化", "--limit", "5"],
        ["timeline"],
        ["info"],
    ],
    ids=["help", "query-mechanisms", "query-documents", "search", "timeline", "info"],
)
def test_read_commands_never_import_the_model_libraries(sample_db: Path, args: list[str]) -> None:
    db = [] if args == ["--help"] else ["--db", str(sample_db)]
    if args == ["info"]:
        db = [str(sample_db)]
    got = _loaded(*args, *db)
    assert got["rc"] == 0
    assert got["loaded"] == [], f"policytext {' '.join(args)} imported {got['loaded']}"


def test_help_does_not_import_pandas_or_the_extraction_back_end() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom policytext.cli import main\nmain(['--help'])\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'policytext.api') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
