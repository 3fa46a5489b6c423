"""The per-file job: one picklable callable that reads, cleans and extracts one file.

``ingest`` and ``extract`` build one :class:`FileJob` carrying the run's extractor and options
and hand it to a runner: the local crash-isolating pool (:func:`policytext.ingest.pool.run_tasks`)
or the Dask engine send the *same* job to their workers, so no worker state travels in module
globals. The job returns a typed record, :class:`FileDone` or :class:`FileFailed`, never raises
for a bad input, and names the format it found by content (a PDF named ``x.txt`` is ``pdf``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from policytext.errors import IngestError
from policytext.ingest.document import build_document, file_format
from policytext.types import Document, Extraction


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
class FileJob:
    """Read, clean and (optionally) extract one file; call it with ``(path, doc_id or None)``.

    Args:
        extractor: the run's :class:`~policytext.extract.pipeline.Extractor`, or None to read only.
        pdf_engine: ``auto``, ``pypdfium2`` or ``pdfplumber``.
        ocr: OCR of PDF pages without a usable text layer: ``auto``, ``always`` or ``never``
            (see :mod:`policytext.ingest.ocr`).
        options: further keywords for :func:`~policytext.ingest.document.build_document` (kept open
            for reader options added later).
    """

    extractor: Any = None
    pdf_engine: str = "auto"
    ocr: str = "auto"
    options: tuple[tuple[str, Any], ...] = ()

    def __call__(self, task: tuple[str | os.PathLike[str], str | None]) -> FileResult:
        path, doc_id = task
        spath = os.fspath(path)
        t0 = time.perf_counter()
        try:
            doc = build_document(
                spath, doc_id=doc_id, pdf_engine=self.pdf_engine, ocr=self.ocr, **dict(self.options)
            )
            ex = self.extractor.extract(doc) if self.extractor is not None else Extraction()
            return FileDone(spath, doc, ex, file_format(spath, doc), time.perf_counter() - t0)
        except IngestError as exc:
            return FileFailed(spath, exc.reason, exc.message, time.perf_counter() - t0)
        except MemoryError:
            return FileFailed(
                spath,
                "corrupt",
                "reading the file needed more memory than available; "
                "the file may be damaged or far too large",
                time.perf_counter() - t0,
            )
        except RecursionError:
            return FileFailed(
                spath,
                "corrupt",
                "the file's structure is nested too deeply to read; it may be damaged",
                time.perf_counter() - t0,
            )


__all__ = ["FileDone", "FileFailed", "FileJob", "FileResult"]
