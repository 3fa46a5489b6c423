"""The per-file job: one picklable callable that reads, cleans and extracts one file.

``ingest``, ``extract`` and ``text`` build one :class:`FileJob` carrying the run's extractor and
options and hand it, through :func:`run_files`, to a runner: the local crash-isolating pool
(:func:`policytext.ingest.pool.run_tasks`) or the Dask engine send the *same* job to their
workers, so no worker state travels in module globals. The job returns a typed record,
:class:`FileDone` or :class:`FileFailed`, never raises for a bad input, and names the format it
found by content (a PDF named ``x.txt`` is ``pdf``).

A PDF of more than ``split_pages`` pages is read in pieces: its first task only counts the pages
and answers :class:`FileSplit`; :func:`run_files` then puts one :class:`PageRange` task per
``split_pages`` pages in the runner's queue (each under the run's time and memory bounds, on
whichever worker is free), joins the pieces' texts in page order and puts one
:class:`Assemble` task that cleans, splits and extracts the whole document, as an unsplit read
would.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from policytext.errors import IngestError
from policytext.ingest.discover import sha256_file
from policytext.ingest.document import assemble_document, build_document, file_format
from policytext.ingest.pool import TaskQueue, TaskResult, run_tasks
from policytext.types import Document, ExtractedText, Extraction

#: Pages of one piece of a long PDF (``--split-pages``); 0 never splits.
SPLIT_PAGES = 200


@dataclass(frozen=True)
class FileDone:
    """A file read and extracted.

    Attributes:
        path: the file.
        document: the clean document (text, pages, sentences, metadata).
        extraction: what the extractor found (empty when the run does not extract).
        format: the format read, by content first (``pdf``, ``txt``, ``md``, ``html``, ``docx``).
        seconds: time spent on the file in the worker.
    """

    path: str
    document: Document
    extraction: Extraction
    format: str
    seconds: float = 0.0
    ok: bool = field(default=True, init=False)


@dataclass(frozen=True)
class FileFailed:
    """A file that could not be read: a reason code (``corrupt``, ``no_text``, ``io``, ``encrypted``,
    ``unsupported``, …) and a one-line message that names the fix."""

    path: str
    reason: str
    message: str
    seconds: float = 0.0
    ok: bool = field(default=False, init=False)


FileResult = FileDone | FileFailed


@dataclass(frozen=True)
class FileSplit:
    """The answer to a long PDF's first task: it has ``pages`` pages and is read in pieces."""

    path: str
    doc_id: str
    pages: int
    size: int
    ok: bool = field(default=True, init=False)


@dataclass(frozen=True)
class PageRange:
    """A piece of a long PDF to read: pages ``[start, stop)`` (0-based) of ``path``."""

    path: str
    doc_id: str
    start: int
    stop: int


@dataclass(frozen=True)
class FilePart:
    """What a :class:`PageRange` task read: the pages' texts (numbered from ``start + 1``)."""

    path: str
    start: int
    stop: int
    extracted: ExtractedText
    ok: bool = field(default=True, init=False)


@dataclass(frozen=True)
class Assemble:
    """The last task of a long PDF: clean, split and extract its joined pages."""

    path: str
    doc_id: str
    extracted: ExtractedText
    size: int


@dataclass(frozen=True)
class FileJob:
    """Read, clean and (optionally) extract one file; call it with ``(path, doc_id or None)``.

    Args:
        extractor: the run's :class:`~policytext.extract.pipeline.Extractor`, or None to read only.
        pdf_engine: ``auto``, ``pypdfium2`` or ``pdfplumber``.
        ocr: OCR of PDF pages without a usable text layer: ``auto``, ``always`` or ``never``
            (see :mod:`policytext.ingest.ocr`).
        options: further keywords for :func:`~policytext.ingest.document.build_document` (kept open
            for reader options added later).
        split_pages: a PDF of more pages is answered with :class:`FileSplit` (read in pieces of
            this many pages by :func:`run_files`); 0 reads every file whole.
    """

    extractor: Any = None
    pdf_engine: str = "auto"
    ocr: str = "auto"
    options: tuple[tuple[str, Any], ...] = ()

    split_pages: int = 0

    def __call__(self, task: Any) -> FileResult | FileSplit | FilePart:
        if isinstance(task, PageRange):
            return self._read_range(task)
        if isinstance(task, Assemble):
            return self._guard(task.path, lambda: self._finish(task))
        path, doc_id = task
        spath = os.fspath(path)
        return self._guard(spath, lambda: self._whole(spath, doc_id))

    def read(self, path: str | os.PathLike[str], doc_id: str | None = None) -> FileResult:
        """Read (and extract) one whole file in this process, never split."""
        spath = os.fspath(path)
        whole = replace(self, split_pages=0)
        return whole._guard(spath, lambda: whole._whole(spath, doc_id))

    def _guard(self, path: str, work: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return work()
        except IngestError as exc:
            return FileFailed(path, exc.reason, exc.message, time.perf_counter() - t0)
        except RecursionError:
            return FileFailed(
                path,
                "corrupt",
                "the file's structure is nested too deeply to read; it may be damaged",
                time.perf_counter() - t0,
            )

    def _whole(self, path: str, doc_id: str | None) -> FileDone | FileSplit:
        t0 = time.perf_counter()
        if self.split_pages > 0:
            pages = self._pdf_pages(path)
            if pages > self.split_pages:
                return FileSplit(path, doc_id or sha256_file(path), pages, os.path.getsize(path))
        doc = build_document(
            path, doc_id=doc_id, pdf_engine=self.pdf_engine, ocr=self.ocr, **dict(self.options)
        )
        return self._done(path, doc, t0)

    def _done(self, path: str, doc: Document, t0: float) -> FileDone:
        ex = self.extractor.extract(doc) if self.extractor is not None else Extraction()
        return FileDone(path, doc, ex, file_format(path, doc), time.perf_counter() - t0)

    @staticmethod
    def _pdf_pages(path: str) -> int:
        """The page count of a file that is a PDF by content (0 for any other file)."""
        from policytext.ingest.readers import MAGIC_PDF

        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                return 0  # a FIFO or device is never opened: the whole read reports it
            with open(path, "rb") as fh:
                head = fh.read(1024)
        except OSError:
            return 0  # the whole read reports it
        if MAGIC_PDF not in head:
            return 0
        from policytext.ingest.pdf import page_count

        return page_count(path)

    def _read_range(self, task: PageRange) -> FilePart | FileFailed:
        from policytext.ingest.pdf import read_pdf

        def read() -> FilePart:
            got = read_pdf(task.path, engine=self.pdf_engine, ocr=self.ocr, pages=(task.start, task.stop))
            return FilePart(task.path, task.start, task.stop, got)

        return self._guard(task.path, read)

    def _finish(self, task: Assemble) -> FileDone:
        t0 = time.perf_counter()
        doc = assemble_document(task.extracted, doc_id=task.doc_id, path=task.path, size=task.size)
        return self._done(task.path, doc, t0)


#: The reason stored for a file whose task did not return, by the runner's error kind: a file past
#: the memory bound is not damaged, only too large for the bound (the message says how to raise it).
FAILURE_REASONS = {"timeout": "timeout", "memory": "unsupported"}


def failure_reason(error: str | None) -> str:
    """The reason code of a file whose task failed in the runner (``timeout``, ``memory``, ``crashed``)."""
    return FAILURE_REASONS.get(error or "", "corrupt")


@dataclass
class _Pieces:
    """The pieces of one long PDF read so far."""

    task: tuple[str, str | None]
    split: FileSplit
    parts: dict[int, ExtractedText] = field(default_factory=dict)
    expected: int = 0
    seconds: float = 0.0


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


Runner = Callable[..., Iterable[TaskResult]]


def _pieces_of(path: str) -> Callable[[Any], bool]:
    def match(task: Any) -> bool:
        return isinstance(task, (PageRange, Assemble)) and task.path == path

    return match


def run_files(
    job: FileJob,
    files: Iterable[tuple[str, str | None]],
    *,
    runner: Runner | None = None,
    workers: int = 1,
    timeout: float | None = None,
    max_memory: int | None = None,
) -> Iterator[tuple[tuple[str, str | None], FileResult]]:
    """Run ``job`` over ``files`` (``(path, doc_id or None)``) and yield each file's result once.

    The largest files start first. A long PDF (``job.split_pages``) is read as page ranges
    spread over the workers and joined in page order (see the module docstring); a piece that
    fails fails its file, with the piece's pages named, and the file's other pieces are dropped.
    A task the runner could not finish (time or memory bound, a dead worker) becomes
    :class:`FileFailed` with :func:`failure_reason`.

    Args:
        runner: :func:`~policytext.ingest.pool.run_tasks` (the default) or another engine's runner.
        workers: worker processes (0: in this process, without bounds).
        timeout: seconds one task (a file, or one piece of a long PDF) may take.
        max_memory: bytes all workers together may allocate (the local pool only).
    """
    queue = TaskQueue()
    for task in files:
        queue.put(task, _file_size(task[0]))
    pieces: dict[str, _Pieces] = {}
    limits = {"max_memory": max_memory} if max_memory and runner is None else {}
    run = runner or run_tasks
    for res in run(
        job, queue, workers=workers, timeout=timeout if workers > 0 else None, initializer=None, **limits
    ):
        task = res.task
        if isinstance(task, (PageRange, Assemble)):
            entry = pieces.get(task.path)
            if entry is None:  # a piece of a file that already failed
                continue
            value = res.value if res.ok else None
            if not isinstance(value, (FilePart, FileDone)):
                del pieces[task.path]
                queue.discard(_pieces_of(task.path))
                where = f"pages {task.start + 1}-{task.stop}: " if isinstance(task, PageRange) else ""
                if isinstance(value, FileFailed):
                    reason, message = value.reason, value.message
                else:
                    reason, message = failure_reason(res.error), res.message
                yield entry.task, FileFailed(task.path, reason, where + message, entry.seconds + res.seconds)
                continue
            entry.seconds += res.seconds
            if isinstance(value, FileDone):
                del pieces[task.path]
                yield (
                    entry.task,
                    FileDone(value.path, value.document, value.extraction, value.format, entry.seconds),
                )
                continue
            entry.parts[value.start] = value.extracted
            if len(entry.parts) == entry.expected:
                from policytext.ingest.pdf import join_ranges

                parts = [entry.parts[k] for k in sorted(entry.parts)]
                entry.parts.clear()
                try:
                    joined = join_ranges(task.path, parts, engine=job.pdf_engine, ocr=job.ocr)
                except IngestError as exc:  # no page of the whole file is readable
                    del pieces[task.path]
                    yield entry.task, FileFailed(task.path, exc.reason, exc.message, entry.seconds)
                    continue
                queue.put(Assemble(task.path, entry.split.doc_id, joined, entry.split.size), entry.split.size)
            continue
        path = os.fspath(task[0])
        if not res.ok:
            yield task, FileFailed(path, failure_reason(res.error), res.message, res.seconds)
        elif isinstance(res.value, FileSplit):
            split = res.value
            step = max(1, job.split_pages)
            ranges = [(a, min(a + step, split.pages)) for a in range(0, split.pages, step)]
            pieces[path] = _Pieces(task, split, expected=len(ranges), seconds=res.seconds)
            for a, b in ranges:  # a piece's work: its share of the file's bytes
                queue.put(PageRange(path, split.doc_id, a, b), split.size * (b - a) / split.pages)
        else:
            yield task, res.value


__all__ = [
    "FAILURE_REASONS",
    "SPLIT_PAGES",
    "Assemble",
    "FileDone",
    "FileFailed",
    "FileJob",
    "FilePart",
    "FileResult",
    "FileSplit",
    "PageRange",
    "failure_reason",
    "run_files",
]
