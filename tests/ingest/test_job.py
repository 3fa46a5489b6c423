"""The one per-file job: picklable, typed records, the sniffed format travels with the text."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from pathlib import Path

from policytext import api
from policytext.extract.pipeline import Extractor
from policytext.ingest.job import FileDone, FileFailed, FileJob
from policytext.ingest.pool import run_tasks

PDFS = Path(__file__).resolve().parents[1] / "data" / "pdfs"


def _a_pdf() -> Path:
    return PDFS / "journal-footer.pdf"


def test_job_pickles_with_its_extractor_and_gives_typed_records(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(
        "关于建立长三角生态保护补偿机制的通知\n建立成本共担机制，推动长三角一体化发展。\n", encoding="utf-8"
    )
    empty = tmp_path / "b.txt"
    empty.write_text("   \n", encoding="utf-8")
    job = pickle.loads(pickle.dumps(FileJob(Extractor.load(model=False))))
    results = {r.task[0]: r.value for r in run_tasks(job, [(str(good), None), (str(empty), None)], workers=2)}
    done, failed = results[str(good)], results[str(empty)]
    assert isinstance(done, FileDone) and done.ok and done.format == "txt"
    assert {m.type for m in done.extraction.mentions if m.kind == "mechanism"} >= {"cost_sharing"}
    assert isinstance(failed, FileFailed) and not failed.ok and failed.reason == "no_text"


def test_pdf_named_txt_is_stored_as_pdf(tmp_path: Path) -> None:
    disguised = tmp_path / "report.txt"
    shutil.copy(_a_pdf(), disguised)
    done = FileJob()((str(disguised), None))
    assert isinstance(done, FileDone) and done.format == "pdf"
    db = tmp_path / "s.db"
    api.ingest([disguised], db, workers=0, extract=False)
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT format FROM documents").fetchall() == [("pdf",)]


def test_one_format_table_serves_discovery_reading_and_storage(tmp_path: Path) -> None:
    from policytext.ingest.discover import discover
    from policytext.ingest.formats import FORMATS

    page = tmp_path / "notice.shtml"
    page.write_text(
        "<html><body><p>建立成本共担机制，推动长三角一体化发展。</p></body></html>", encoding="utf-8"
    )
    found = discover([tmp_path])
    assert [Path(f).name for f in found.files] == ["notice.shtml"] and FORMATS[".shtml"] == "html"
    done = FileJob()((found.files[0], None))
    assert isinstance(done, FileDone) and done.format == "html"


def test_single_file_is_read_under_the_time_limit_with_a_message_naming_it(tmp_path: Path) -> None:
    import sys

    import pytest

    from policytext.errors import IngestError

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
    import make_bad_inputs as mbi

    slow = tmp_path / "blank-content.pdf"
    slow.write_bytes(mbi.bomb_pdf(64 * 2**20))
    with pytest.raises(IngestError, match=r"time limit.*--timeout") as got:
        api.text(slow, timeout=2)
    assert got.value.reason == "timeout"
    s = api.ingest([slow], tmp_path / "one.db", workers=1, timeout=2, extract=False)
    assert s.failed == 1 and s.failures[0]["error"] == "timeout" and "--timeout" in s.failures[0]["message"]
    assert main_text(["text", str(slow), "--timeout", "2"]) == 1


def main_text(args: list[str]) -> int:
    from policytext.cli import main

    return main(args)
