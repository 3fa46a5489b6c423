"""A long PDF read in page ranges across the pool's workers joins into the unsplit read."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policytext import api
from policytext.extract.pipeline import Extractor
from policytext.ingest.job import Assemble, FileDone, FileFailed, FileJob, PageRange, run_files
from policytext.ingest.pool import TaskResult, run_tasks

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
import make_bad_inputs as mbi

PAGES = 130


def _page(n: int) -> list[str]:
    """A running header, a sentence that starts here and ends on the next page, a mechanism."""
    return [
        "长三角区域一体化发展规划纲要",
        f"第{n}条 长三角三省一市建立成本共担和利益共享机制，",
        f"推动都市圈同城化发展，设立第{n}号跨区域投资基金，",
        "实行异地就医直接结算，并在下一阶段",
        f"{n}",
    ]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "plan.pdf"
    path.write_bytes(mbi.text_pdf([_page(n) for n in range(1, PAGES + 1)]))
    return path


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load(model=False)


def _recording(seen: list[Any]) -> Any:
    def runner(fn: Any, tasks: Any, **kw: Any) -> Iterator[TaskResult]:
        for res in run_tasks(fn, tasks, **kw):
            seen.append(res.task)
            yield res

    return runner


def test_split_read_equals_the_unsplit_read(long_pdf: Path, extractor: Extractor) -> None:
    whole = FileJob(extractor).read(long_pdf)
    assert isinstance(whole, FileDone) and len(whole.document.pages) == PAGES
    seen: list[Any] = []
    job = FileJob(extractor, split_pages=20)
    ((_task, split),) = list(
        run_files(job, [(str(long_pdf), None)], runner=_recording(seen), workers=2, timeout=120)
    )
    assert isinstance(split, FileDone), split
    ranges = [(t.start, t.stop) for t in seen if isinstance(t, PageRange)]
    assert sorted(ranges) == [(a, min(a + 20, PAGES)) for a in range(0, PAGES, 20)]
    assert sum(isinstance(t, Assemble) for t in seen) == 1
    a, b = split.document, whole.document
    assert a.doc_id == b.doc_id and a.text == b.text and a.original_text == b.original_text
    assert a.pages == b.pages and a.sentences == b.sentences and a.meta == b.meta
    assert a.warnings == b.warnings and a.engine == b.engine and split.format == "pdf"
    assert split.extraction.mentions == whole.extraction.mentions
    assert {m.type for m in split.extraction.mentions if m.kind == "mechanism"} >= {"joint_fund"}
    # the sentence running over page 20 -> 21 (a range boundary) is one sentence, as unsplit
    assert any("并在下一阶段" in s.text and s.page == 20 for s in a.sentences)


def test_ingest_splits_a_long_pdf_and_reads_short_files_whole(long_pdf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.pdf").write_bytes(long_pdf.read_bytes())
    (folder / "short.pdf").write_bytes(mbi.good_pdf("short"))
    (folder / "note.txt").write_text(mbi.policy_text("note"), encoding="utf-8")
    dbs = {}
    for split_pages in (0, 40):
        db = tmp_path / f"s{split_pages}.db"
        s = api.ingest([folder], db, workers=2, split_pages=split_pages, model=False)
        assert (s.stored, s.failed) == (3, 0), s.failures
        dbs[split_pages] = db

    def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(db) as con:
            return con.execute(sql).fetchall()

    for sql in (
        "SELECT doc_id, text FROM documents ORDER BY doc_id",
        'SELECT doc_id, number, start, "end" FROM pages ORDER BY doc_id, number',
        'SELECT doc_id, kind, type, start, "end" FROM mentions ORDER BY doc_id, start, kind, type',
    ):
        assert rows(dbs[0], sql) == rows(dbs[40], sql), sql
    assert rows(dbs[40], "SELECT COUNT(*) FROM pages")[0][0] == PAGES + 1 + 0  # short.pdf: 1 page


class _PieceDies(FileJob):
    """The real job, except that the worker reading pages 41-60 dies (as on a PDFium crash)."""

    def _read_range(self, task: PageRange) -> Any:
        if task.start == 40:
            import os

            os._exit(1)
        return super()._read_range(task)


def test_a_failing_piece_fails_its_file_with_its_pages_named(long_pdf: Path) -> None:
    seen: list[Any] = []
    job = _PieceDies(None, split_pages=20)
    ((_task, result),) = list(
        run_files(job, [(str(long_pdf), None)], runner=_recording(seen), workers=2, timeout=120)
    )
    assert isinstance(result, FileFailed) and result.reason == "corrupt"
    assert result.message.startswith("pages 41-60: the worker process died (exit code 1)"), result.message
    assert not any(isinstance(t, Assemble) for t in seen)  # the file's other pieces are dropped
