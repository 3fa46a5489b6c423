"""Small CLI fixes: --version, info --db, impossible dates refused, --output alias."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext import __version__
from policytext.cli import main
from policytext.errors import UsageError
from policytext.store.filters import check_date


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"policytext {__version__}"


def test_info_takes_db_option(sample_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--db", str(sample_db), "--json"]) == 0
    assert '"documents"' in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2020-13", "2020-00", "2019-02-30", "2020-1x"])
def test_impossible_dates_refused(bad: str) -> None:
    with pytest.raises(UsageError):
        check_date("--since", bad)


def test_possible_dates_kept() -> None:
    assert [check_date("--since", v) for v in ("2020", "2020-12", "2020-02-29")] == [
        "2020",
        "2020-12",
        "2020-02-29",
    ]


def test_export_output_alias(sample_db: Path, tmp_path: Path) -> None:
    assert main(["export", "--db", str(sample_db), "--output", str(tmp_path / "o"), "-f", "jsonl"]) == 0
    assert (tmp_path / "o" / "documents.jsonl").exists() and (tmp_path / "o" / "codebook.md").exists()
