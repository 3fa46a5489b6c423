"""The core verbs behind the CLI: ingest, text, extract, evaluate, train.

The CLI is a thin layer over these functions; they take explicit options and
return plain records, so they can be called from Python and tested directly.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policytext.errors import IngestError, PolicytextError
from policytext.extract.pipeline import Extractor, document_output, to_output
from policytext.ingest.discover import discover, sha256_file
from policytext.ingest.document import build_document
from policytext.ingest.job import SPLIT_PAGES, FileDone, FileFailed, FileJob, run_files
from policytext.ingest.pool import default_workers, stop_on_signals
from policytext.store.db import Store
from policytext.types import Document


# ---------------------------------------------------------------------------
# ingest
# ---------------------------------------------------------------------------
@dataclass
class IngestSummary:
    """What an ingest run did."""

    run_id: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)  # folders reached again through a symlink (walked once)
    escapes: list[str] = field(default_factory=list)  # symlinks leading outside the inputs (not followed)
    excluded: list[str] = field(default_factory=list)  # paths matching an exclude pattern
    in_process: bool = False  # read in this process (workers=0): no time or memory bound
    warnings: dict[str, list[str]] = field(default_factory=dict)  # path -> notes of a stored document
    pages: int = 0
    characters: int = 0
    seconds: float = 0.0
    busy_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 all good, 1 some files failed or inputs were missing."""
        return 1 if (self.failed or self.missing) else 0


ProgressFn = Callable[[str, int, int], None]  # (event, done, total)
Runner = Callable[..., Iterable[Any]]  # run_tasks(fn, tasks, *, workers, timeout, initializer) -> TaskResults


def ingest(
    inputs: Sequence[str | os.PathLike[str]],
    db: str | os.PathLike[str],
    *,
    workers: int | None = None,
    timeout: float | None = 120.0,
    force: bool = False,
    pdf_engine: str = "auto",
    ocr: str = "auto",
    extract: bool = True,
    taxonomy: str | None = None,
    gazetteer: str | None = None,
    model: str | bool | None = None,
    progress: ProgressFn | None = None,
    runner: Runner | None = None,
    max_memory: int | None = None,
    follow_symlinks: bool = False,
    exclude: Sequence[str] = (),
    split_pages: int = SPLIT_PAGES,
) -> IngestSummary:
    """Ingest files and folders into a store, resuming where an earlier run stopped.

    Files are identified by the sha256 of their bytes: one already stored is skipped
    (``force`` redoes it); each document is written in its own transaction, so an
    interrupted run loses nothing and a re-run duplicates nothing. A file that fails
    is recorded with a reason code and the batch goes on.

    ``runner`` runs the per-file job (:class:`~policytext.ingest.job.FileJob`) and yields a
    :class:`~policytext.ingest.pool.TaskResult` per file; the default is the local
    process pool (:func:`~policytext.ingest.pool.run_tasks`). Another engine (a
    distributed cluster) plugs in here; the store is always written by this process.
    ``max_memory`` (bytes) caps what all workers together may allocate, shared out among them: a
    file that needs more than its worker's share fails as ``unsupported`` with a message naming the
    bound. A PDF of more than ``split_pages`` pages (0: never) is read as page ranges spread over
    the workers, each under the same bounds, and joined into one document (see
    :func:`~policytext.ingest.job.run_files`).
    ``follow_symlinks`` follows symlinks leading outside the folders given (by default they
    are listed in ``escapes`` and not read); ``exclude`` holds glob patterns of paths not to
    read (see :func:`~policytext.ingest.discover.excluded_by`).
    """
    t_start = time.perf_counter()
    found = discover(inputs, follow_symlinks=follow_symlinks, exclude=exclude)
    summary = IngestSummary(
        ignored=dict(found.ignored),
        missing=list(found.missing),
        loops=list(found.loops),
        escapes=list(found.escapes),
        excluded=list(found.excluded),
        in_process=workers == 0 and runner is None,
    )
    if not found.files and not Path(db).exists():
        # nothing to read (a mistyped path): no empty database is left behind
        summary.seconds = time.perf_counter() - t_start
        return summary
    extractor = Extractor.load(taxonomy=taxonomy, gazetteer=gazetteer, model=model) if extract else None
    versions = dict(extractor.versions) if extractor else {"policytext": __import__("policytext").__version__}
    with stop_on_signals(), Store(db) as store:
        run_id = store.start_run(
            "ingest",
            {
                "inputs": [os.fspath(i) for i in inputs],
                "force": force,
                "pdf_engine": pdf_engine,
                "ocr": ocr,
                "workers": workers,
                "timeout": timeout,
                "follow_symlinks": follow_symlinks,
                "exclude": list(exclude),
            },
            versions,
        )
        summary.run_id = run_id
        known = store.known_ids()
        tasks: list[tuple[str, str | None]] = []
        # copies are grouped by content AND extension: the same bytes under another extension
        # (an empty .pdf and an empty .txt) are read on their own and may fail differently
        by_hash: dict[tuple[str, str], str] = {}
        same_run_copies: dict[tuple[str, str], list[str]] = {}
        stored_now: set[str] = set()
        for path in found.files:
            try:
                digest = sha256_file(path)
            except OSError as exc:
                hint = "check permissions" if isinstance(exc, PermissionError) else "check the file"
                _fail(store, summary, path, "io", f"cannot read the file ({exc.strerror}); {hint}", run_id)
                continue
            key = (digest, Path(path).suffix.lower())
            if key in by_hash:
                summary.duplicates += 1
                if digest in known:
                    store.add_path(digest, path, run_id)
                else:
                    same_run_copies.setdefault(key, []).append(path)
                continue
            by_hash[key] = path
            if digest in known and not force:
                summary.skipped += 1
                store.add_path(digest, path, run_id)
                continue
            tasks.append((path, digest))
        total = len(tasks)
        if progress:
            progress("start", 0, total)
        n_workers = default_workers() if workers is None else workers
        job = FileJob(extractor, pdf_engine=pdf_engine, ocr=ocr, split_pages=split_pages)
        done = 0
        try:
            # One file or many: with workers it runs in a worker process, under the same time
            # and memory bounds (``workers=0`` reads in this process, without bounds).
            for task, result in run_files(
                job,
                tasks,
                runner=runner,
                workers=max(0, n_workers),
                timeout=timeout,
                max_memory=max_memory,
            ):
                path, digest = task[0], str(task[1])
                copies = same_run_copies.get((digest, Path(path).suffix.lower()), [])
                done += 1
                if isinstance(result, FileFailed):
                    reason, message = result.reason, result.message
                    _fail(store, summary, path, reason, message, run_id, digest)
                    for failed in copies:  # said as what it is: the verdict on identical bytes
                        _fail(
                            store,
                            summary,
                            failed,
                            reason,
                            f"same bytes as {Path(path).name}, which failed: {message}",
                            run_id,
                            digest,
                        )
                else:
                    got: FileDone = result
                    doc = got.document
                    try:
                        if doc.doc_id in stored_now:  # the same bytes under another extension
                            summary.duplicates += 1
                            store.add_path(doc.doc_id, path, run_id)
                        else:
                            store.add_document(
                                doc, got.extraction, fmt=got.format, run_id=run_id, replace=force
                            )
                            stored_now.add(doc.doc_id)
                            summary.stored += 1
                            if doc.warnings:
                                summary.warnings[path] = list(doc.warnings)
                            summary.pages += len(doc.pages)
                            summary.characters += len(doc.text)
                        for copy in copies:
                            store.add_path(doc.doc_id, copy, run_id)
                    except PolicytextError as exc:
                        _fail(store, summary, path, "io", exc.message, run_id, digest)
                if progress:
                    progress("advance", done, total)
        finally:
            summary.seconds = time.perf_counter() - t_start
            store.finish_run(
                run_id,
                stored=summary.stored,
                skipped=summary.skipped,
                failed=summary.failed,
                status="done" if done == total else "interrupted",
            )
    if progress:
        progress("end", done, total)
    return summary


def _fail(
    store: Store,
    summary: IngestSummary,
    path: str,
    reason: str,
    message: str,
    run_id: int,
    digest: str | None = None,
) -> None:
    summary.failed += 1
    summary.failures.append({"path": path, "error": reason, "message": message})
    store.add_failure(path, reason, message, sha256=digest, run_id=run_id)


# ---------------------------------------------------------------------------
# text and extract (no database)
# ---------------------------------------------------------------------------
def text(
    path: str | os.PathLike[str],
    *,
    pdf_engine: str = "auto",
    ocr: str = "auto",
    timeout: float | None = None,
    max_memory: int | None = None,
    workers: int | None = None,
    split_pages: int = SPLIT_PAGES,
) -> Document:
    """Read and clean one file (what ``policytext text`` prints).

    With ``timeout`` (seconds) or ``max_memory`` (bytes, for all workers together) the file is read
    in a worker process under those bounds, as ``ingest`` reads each file (a PDF of more than
    ``split_pages`` pages in page ranges over ``workers``, default all cores); without them, in
    this process.

    Raises:
        IngestError: the file cannot be read, or a bound was hit (the message names it and the fix).
    """
    if timeout is None and max_memory is None:
        return build_document(path, pdf_engine=pdf_engine, ocr=ocr)
    spath = os.fspath(path)
    job = FileJob(None, pdf_engine=pdf_engine, ocr=ocr, split_pages=split_pages)
    n = workers if workers is not None else default_workers()
    ((_task, result),) = list(
        run_files(job, [(spath, None)], workers=max(1, n), timeout=timeout, max_memory=max_memory)
    )
    if isinstance(result, FileFailed):
        raise IngestError(result.reason, result.message, spath)
    return result.document


def extract_files(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    taxonomy: str | None = None,
    gazetteer: str | None = None,
    model: str | bool | None = None,
    pdf_engine: str = "auto",
    ocr: str = "auto",
    workers: int = 1,
    timeout: float | None = 120.0,
    progress: ProgressFn | None = None,
    max_memory: int | None = 4096 << 20,
    follow_symlinks: bool = False,
    exclude: Sequence[str] = (),
    split_pages: int = SPLIT_PAGES,
) -> dict[str, Any]:
    """Extract from files without a database; returns the ``policytext/v1`` object.

    Each file is read in a worker process under ``timeout`` (seconds) and ``max_memory``
    (bytes, for all workers together), as ``ingest`` reads it (long PDFs in page ranges, see
    ``split_pages``); ``workers=0`` reads in this process, without those bounds.
    """
    found = discover(inputs, follow_symlinks=follow_symlinks, exclude=exclude)
    extractor = Extractor.load(taxonomy=taxonomy, gazetteer=gazetteer, model=model)
    job = FileJob(extractor, pdf_engine=pdf_engine, ocr=ocr, split_pages=split_pages)
    docs: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, str]] = [
        {"path": m, "error": "io", "message": "no such file or folder; check the path"} for m in found.missing
    ]
    tasks = [(p, None) for p in found.files]
    if progress:
        progress("start", 0, len(tasks))
    for n, (task, result) in enumerate(
        run_files(job, tasks, workers=max(0, workers), timeout=timeout, max_memory=max_memory), start=1
    ):
        path = task[0]
        if isinstance(result, FileFailed):
            errors.append({"path": path, "error": result.reason, "message": result.message})
        else:
            docs[path] = document_output(result.document, result.extraction, path=path)
        if progress:
            progress("advance", n, len(tasks))
    ordered = [docs[p] for p in found.files if p in docs]
    return to_output(ordered, sorted(errors, key=lambda e: e["path"]))


# ---------------------------------------------------------------------------
# evaluation against gold
# ---------------------------------------------------------------------------
def evaluate(output: dict[str, Any], gold_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Score a ``policytext/v1`` object against gold files (same metrics as the shared scorer)."""
    from policytext.evaluate import score

    return score(output, gold_dir)


def gold_inputs(
    gold_dir: str | os.PathLike[str], *, search: Iterable[str | os.PathLike[str]] = ()
) -> list[str]:
    """The source files the gold annotations refer to (``file`` relative to the gold's parent)."""
    gold = Path(gold_dir)
    out = []
    for g in sorted(gold.glob("*.json")):
        rel = json.loads(g.read_text(encoding="utf-8")).get("file", "")
        for base in [gold.parent, gold.parent.parent, *map(Path, search)]:
            cand = base / rel
            if cand.exists():
                out.append(str(cand))
                break
    return out
