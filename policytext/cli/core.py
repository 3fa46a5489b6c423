"""Commands: ingest, text, info, extract, eval, train."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from policytext.cli import LazyModule, app
from policytext.cli.names import printable_name, shown
from policytext.cli.options import max_memory_option, split_pages_option, timeout_option
from policytext.errors import UsageError

api = LazyModule("policytext.api")  # imported by the command that runs it: `--help` stays light
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class _Progress:
    """A rich progress bar on stderr (hidden with --quiet)."""

    def __init__(self, label: str, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.enabled = enabled
        self.p = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=False,
            disable=not enabled,
        )
        self.task: TaskID | None = None

    def __call__(self, event: str, done: int, total: int) -> None:
        if event == "start":
            self.p.start()
            self.task = self.p.add_task("files", total=total)
        elif event == "advance" and self.task is not None:
            self.p.update(self.task, completed=done)
        elif event == "end":
            self.p.stop()


def _engine(value: str) -> str:
    if value not in {"auto", "pypdfium2", "pdfplumber"}:
        raise UsageError(f"--pdf-engine {value!r}: choose auto, pypdfium2 or pdfplumber")
    return value


def _ocr(value: str) -> str:
    if value not in {"auto", "always", "never"}:
        raise UsageError(f"--ocr {value!r}: choose auto, always or never")
    return value


_OCR_HELP = (
    "OCR of PDF pages: auto (pages without a usable text layer) | always | never. "
    "Needs the ocr extra: pip install 'policytext[ocr]'."
)


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., help="Folders (walked recursively), files or glob patterns."),
    db: Path = typer.Option(
        Path("corpus.db"), "--db", help="The SQLite store to write (created if missing)."
    ),
    workers: Optional[int] = typer.Option(
        None,
        "--workers",
        "-j",
        help="Worker processes (default: all cores; 0 = in this process, without the --timeout "
        "and --max-memory bounds).",
    ),
    timeout: float = timeout_option(),
    force: bool = typer.Option(False, "--force", help="Re-read files that are already stored."),
    pdf_engine: str = typer.Option("auto", "--pdf-engine", help="auto | pypdfium2 | pdfplumber."),
    ocr: str = typer.Option("auto", "--ocr", help=_OCR_HELP),
    no_extract: bool = typer.Option(False, "--no-extract", help="Only read and clean; skip extraction."),
    taxonomy: Optional[Path] = typer.Option(
        None, "--taxonomy", help="A taxonomy TOML file instead of the default."
    ),
    gazetteer: Optional[Path] = typer.Option(
        None,
        "--gazetteer",
        help="A gazetteer JSONL file: with a header line it replaces the default, entries only extend it.",
    ),
    model: Optional[Path] = typer.Option(
        None, "--model", help="A model folder (default: the shipped model)."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained model."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    max_memory: int = max_memory_option(),
    split_pages: int = split_pages_option(),
    engine: str = typer.Option(
        "local", "--engine", help="local (process pool) | dask (Dask distributed cluster)."
    ),
    follow_symlinks: bool = typer.Option(
        False,
        "--follow-symlinks",
        help="Follow symlinks leading outside the folders given (default: reported, not read).",
    ),
    exclude: list[str] = typer.Option(
        [],
        "--exclude",
        help="Do not read paths matching this glob pattern (file or folder name, or path inside the "
        "input folder); repeatable. Example: --exclude README.md --exclude 'drafts/*'.",
    ),
    scheduler: Optional[str] = typer.Option(
        None,
        "--scheduler",
        help="With --engine dask: scheduler address (tcp://HOST:PORT); default: a local cluster.",
    ),
) -> None:
    """Ingest a folder of policy documents into a store.

    Example: policytext ingest corpora/sample --db corpus.db
    """
    if engine not in {"local", "dask"}:
        raise UsageError(f"--engine {engine!r}: choose local or dask")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    runner = None
    if engine == "dask":
        from policytext.engines.dask_engine import make_runner

        runner = make_runner(scheduler=scheduler, n_workers=workers)
    progress = _Progress("ingest", enabled=not quiet)
    try:
        s = api.ingest(
            inputs,
            db,
            workers=workers,
            timeout=timeout,
            force=force,
            pdf_engine=_engine(pdf_engine),
            ocr=_ocr(ocr),
            extract=not no_extract,
            taxonomy=str(taxonomy) if taxonomy else None,
            gazetteer=str(gazetteer) if gazetteer else None,
            model=False if rules_only else (str(model) if model else None),
            progress=progress,
            runner=runner,
            max_memory=max_memory << 20 if max_memory > 0 else None,
            follow_symlinks=follow_symlinks,
            exclude=exclude,
            split_pages=max(0, split_pages),
        )
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the workers are stopped, the run marked interrupted
        progress.p.stop()
        err.print(
            "policytext: interrupted; what was stored is kept; re-run the same command to resume",
            highlight=False,
        )
        raise typer.Exit(128 + int(getattr(exc, "signum", 2))) from None  # 130 Ctrl-C, 143 SIGTERM
    for f in s.failures:
        err.print(
            f"[red]failed[/red] {shown(f['path'])}: {f['error']}: {shown(f['message'])}", highlight=False
        )
    for m in s.missing:
        err.print(f"[red]missing[/red] {shown(m)}: no such file or folder", highlight=False)
    for path, notes in s.warnings.items():  # stored, with something to say (one line per document)
        more = f" (and {len(notes) - 1} more note(s))" if len(notes) > 1 else ""
        err.print(f"[yellow]warning[/yellow] {shown(path)}: {shown(notes[0])}{more}", highlight=False)
    ignored = ", ".join(f"{k} ×{v}" for k, v in sorted(s.ignored.items()))
    rate = f"{s.pages / s.seconds:.1f} pages/s, {s.characters / s.seconds:,.0f} chars/s" if s.seconds else ""
    err.print(
        f"{s.stored} stored, {s.skipped} skipped (already stored), {s.failed} failed"
        + (f", {s.duplicates} duplicate files" if s.duplicates else "")
        + f" in {s.seconds:.1f} s ({rate}) → {shown(db)}"
        + ("" if db.exists() else " (nothing to read: no database written)")
        + (f"\nnot read (not a supported type): {ignored}" if ignored else "")
        + (
            f"\nnot followed: {len(s.escapes)} symlink(s) leading outside the input folders "
            f"(e.g. {shown(s.escapes[0])}; --follow-symlinks reads them)"
            if s.escapes
            else ""
        )
        + (
            f"\nsymlink loops: {len(s.loops)} folder(s) reached again through a symlink, walked once "
            f"(e.g. {shown(s.loops[0])})"
            if s.loops
            else ""
        )
        + (f"\nexcluded (--exclude): {len(s.excluded)} path(s)" if s.excluded else "")
        + (
            "\nread in this process (--workers 0): --timeout and --max-memory were not applied"
            if s.in_process
            else ""
        ),
        highlight=False,
    )
    raise typer.Exit(s.exit_code)


@app.command()
def text(
    path: Path = typer.Argument(..., help="A PDF, .txt, .md, .html or .docx file."),
    pdf_engine: str = typer.Option("auto", "--pdf-engine", help="auto | pypdfium2 | pdfplumber."),
    ocr: str = typer.Option("auto", "--ocr", help=_OCR_HELP),
    pages: bool = typer.Option(False, "--pages", help="Mark page breaks with a line '--- page N ---'."),
    original: bool = typer.Option(
        False, "--original", help="Print the text before traditional-to-simplified conversion."
    ),
    timeout: float = timeout_option(),
    max_memory: int = max_memory_option(),
    split_pages: int = split_pages_option(),
) -> None:
    """Print the clean reading-order text of one file (like pdftotext, for Chinese).

    Example: policytext text report.pdf > report.txt
    """
    from policytext.errors import IngestError

    try:
        doc = api.text(
            path,
            pdf_engine=_engine(pdf_engine),
            ocr=_ocr(ocr),
            timeout=timeout if timeout > 0 else None,
            max_memory=max_memory << 20 if max_memory > 0 else None,
            split_pages=max(0, split_pages),
        )
    except IngestError as exc:
        err.print(f"policytext: {shown(path)}: {exc.reason}: {shown(exc.message)}", highlight=False)
        raise typer.Exit(1) from None
    for note in doc.warnings:
        err.print(f"policytext: warning: {shown(note)}", highlight=False)
    body = doc.original_text if original else doc.text
    if pages and doc.pages:
        for p in doc.pages:
            sys.stdout.write(f"--- page {p.number} ---\n{body[p.start : p.end].strip()}\n")
    else:
        sys.stdout.write(body.rstrip("\n") + "\n")


@app.command()
def info(
    db: Path = typer.Argument(Path("corpus.db"), help="The store to describe."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    db_option: Optional[Path] = typer.Option(
        None, "--db", help="The store (as every other command takes it)."
    ),
) -> None:
    """Show what a store holds: documents, pages, mentions, failures, runs, versions.

    Example: policytext info corpus.db  (or: policytext info --db corpus.db)
    """
    if db_option is not None:
        db = db_option
    from policytext.classify.model import model_info
    from policytext.store.db import Store

    with Store(db, readonly=True) as store:
        data = store.info()
    data["installed_model"] = model_info()
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    t = Table(title=f"policytext store {data['path']} (schema v{data['schema_version']})", show_header=False)
    for k in ("documents", "pages", "sentences", "characters"):
        t.add_row(k, f"{data[k]:,}")
    t.add_row("mentions", ", ".join(f"{k} {v:,}" for k, v in sorted(data["mentions"].items())) or "0")
    t.add_row("document types", ", ".join(f"{k} {v}" for k, v in sorted(data["doc_types"].items())) or "-")
    t.add_row("failures", ", ".join(f"{k} {v}" for k, v in data["failures"].items()) or "none")
    t.add_row("versions", ", ".join(f"{k} {v}" for k, v in sorted(data["versions"].items())) or "-")
    im = data["installed_model"]
    t.add_row(
        "installed model",
        f"{im['model']} ({im.get('n_examples', '?')} sentences of {im.get('n_documents', '?')} documents)"
        + (f"; warning: {im['warning']}" if im.get("warning") else ""),
    )
    out.print(t)
    for f in data["failed_files"]:
        out.print(f"  failed: {shown(f['path'])}: {f['reason']}: {shown(f['message'])}", highlight=False)
    for r in data["runs"]:
        out.print(
            f"  run {r['run_id']} {r['command']} {r['started_at']} {r['status']}: "
            f"{r['stored']} stored, {r['skipped']} skipped, {r['failed']} failed",
            highlight=False,
        )


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help="Files, folders or globs."),
    fmt: str = typer.Option("json", "--format", "-f", help="json | jsonl | table."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write to this file instead of stdout."
    ),
    taxonomy: Optional[Path] = typer.Option(
        None, "--taxonomy", help="A taxonomy TOML file instead of the default."
    ),
    gazetteer: Optional[Path] = typer.Option(
        None,
        "--gazetteer",
        help="A gazetteer JSONL file: with a header line it replaces the default, entries only extend it.",
    ),
    model: Optional[Path] = typer.Option(
        None, "--model", help="A model folder (default: the shipped model)."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained model."),
    pdf_engine: str = typer.Option("auto", "--pdf-engine", help="auto | pypdfium2 | pdfplumber."),
    ocr: str = typer.Option("auto", "--ocr", help=_OCR_HELP),
    workers: int = typer.Option(
        1,
        "--workers",
        "-j",
        help="Worker processes (0 = in this process, without the --timeout and --max-memory bounds).",
    ),
    timeout: float = timeout_option(),
    max_memory: int = max_memory_option(),
    split_pages: int = split_pages_option(),
    follow_symlinks: bool = typer.Option(
        False,
        "--follow-symlinks",
        help="Follow symlinks leading outside the folders given (default: not read).",
    ),
    exclude: list[str] = typer.Option(
        [], "--exclude", help="Do not read paths matching this glob pattern; repeatable (see ingest --help)."
    ),
) -> None:
    """Extract agglomerations, mechanisms and measures from files (no database needed).

    Example: policytext extract plan.pdf --format table
    """
    if fmt not in {"json", "jsonl", "table"}:
        raise UsageError(f"--format {fmt!r}: choose json, jsonl or table")
    result = api.extract_files(
        inputs,
        taxonomy=str(taxonomy) if taxonomy else None,
        gazetteer=str(gazetteer) if gazetteer else None,
        model=False if rules_only else (str(model) if model else None),
        pdf_engine=_engine(pdf_engine),
        ocr=_ocr(ocr),
        workers=workers,
        timeout=timeout if timeout > 0 else None,
        max_memory=max_memory << 20 if max_memory > 0 else None,
        follow_symlinks=follow_symlinks,
        exclude=exclude,
        split_pages=max(0, split_pages),
    )
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - closed below
    try:
        if fmt == "json":
            json.dump(result, stream, ensure_ascii=False, indent=1)
            stream.write("\n")
        elif fmt == "jsonl":
            for d in result["documents"]:
                for m in d["mentions"]:
                    stream.write(
                        json.dumps({"document": d["path"], "date": d["date"], **m}, ensure_ascii=False) + "\n"
                    )
        else:
            t = Table("document", "page", "kind", "type", "status", "text", "sentence")
            for d in result["documents"]:
                for m in d["mentions"]:
                    if m["kind"] == "agglomeration":
                        continue
                    t.add_row(
                        printable_name(Path(d["path"]).name),
                        str(m["page"] or ""),
                        m["kind"],
                        m["type"],
                        str((m["attributes"] or {}).get("status") or ""),
                        m["text"][:20],
                        m["sentence"][:60],
                    )
            Console(file=stream, width=200).print(t)
    finally:
        if output:
            stream.close()
    for e in result["errors"]:
        err.print(
            f"[red]failed[/red] {shown(e['path'])}: {e['error']}: {shown(e['message'])}", highlight=False
        )
    raise typer.Exit(1 if result["errors"] else 0)


@app.command("eval")
def eval_(
    gold: Path = typer.Option(..., "--gold", help="A folder of gold annotation files (spec/GOLD.md)."),
    prediction: Optional[Path] = typer.Option(
        None, "--prediction", help="Score this extract JSON instead of running extraction."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained model."),
    baseline: bool = typer.Option(False, "--baseline", help="Score the cue-word baseline instead."),
    model: Optional[Path] = typer.Option(
        None, "--model", help="A model folder (default: the shipped model)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List misses and false alarms."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Score extraction against gold annotations (P/R/F1, status and date accuracy).

    Example: policytext eval --gold ../shared/gold
    """
    from policytext.evaluate import score, summary_line

    if not gold.is_dir():
        raise UsageError(f"--gold {gold}: not a folder of gold JSON files")
    if prediction is not None:
        result_obj = json.loads(prediction.read_text(encoding="utf-8"))
    else:
        inputs = api.gold_inputs(gold)
        if not inputs:
            raise UsageError(
                f"{gold}: the gold files name no source file that "
                f"exists (their `file` is relative to {gold.parent})"
            )
        if baseline:
            from policytext.baseline import baseline_extract

            result_obj = baseline_extract(inputs)
        else:
            result_obj = api.extract_files(
                inputs, model=False if rules_only else (str(model) if model else None)
            )
    res = score(result_obj, gold, details=verbose)
    if as_json:
        out.print_json(json.dumps(res, ensure_ascii=False))
        return
    for line in res.get("details", []):
        out.print(line, highlight=False)
    out.print(
        f"documents scored: {res['documents_scored']}; missing "
        f"from output: {len(res['documents_missing_from_output'])}"
    )
    for k in ("agglomerations", "mechanisms"):
        r = res[k]
        out.print(
            f"{k:15s} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
            f" (tp={r.get('tp', 0)} fp={r.get('fp', 0)} fn={r.get('fn', 0)})"
        )
    for t, r in res["per_type"].items():
        out.print(f"  {t:24s} P={r['precision']:.2f} R={r['recall']:.2f} F1={r['f1']:.2f}")
    out.print(summary_line(res), highlight=False)
    if not (rules_only or baseline or prediction is not None):
        from policytext.evaluate import model_cv_report

        out.print(model_cv_report(str(model) if model else None), highlight=False)


@app.command()
def train(
    annotations: list[Path] = typer.Argument(
        None, help="Annotation folders or files (default: corpora/annotations/adjudicated)."
    ),
    out_dir: Path = typer.Option(Path("models/mechanisms"), "--out", help="Where to save the model folder."),
    taxonomy: Optional[Path] = typer.Option(
        None, "--taxonomy", help="The taxonomy whose types are the labels."
    ),
    cv: int = typer.Option(5, "--cv", help="Document-grouped cross-validation folds (0 to skip)."),
    manifest: Optional[Path] = typer.Option(
        None, "--manifest", help="A corpus MANIFEST.csv giving each document's genre (for the genre table)."
    ),
    gold: Optional[Path] = typer.Option(
        None, "--gold", help="A gold folder: its documents are never used as training data."
    ),
    texts: Optional[Path] = typer.Option(
        None, "--texts", help="Folder of source texts (<doc>.txt) for labels that give sentence indices."
    ),
    genre_table: bool = typer.Option(
        False, "--genre-table", help="Also cross-validate by held-out genre and print the table."
    ),
    features: str = typer.Option("auto", "--features", help="auto (chosen by grouped CV) | rules | context."),
    ship: bool = typer.Option(
        False, "--ship", help="Also copy the model into the package (a checkout's shipped model)."
    ),
) -> None:
    """Train the mechanism and status classifiers on adjudicated sentences; save model.npz + meta.json.

    Example: policytext train corpora/annotations/adjudicated --gold ../shared/gold --out models/mechanisms
    """
    from policytext.classify.training import ship as ship_model
    from policytext.classify.training import train_model
    from policytext.evaluate import format_cv_table

    folders = annotations or [Path("corpora/annotations/adjudicated")]
    for f in folders:
        if not f.exists():
            raise UsageError(f"{f}: no such annotation folder or file")
    if features not in {"auto", "rules", "context"}:
        raise UsageError(f"--features {features!r}: choose auto, rules or context")
    for opt, path in (("--manifest", manifest), ("--gold", gold), ("--texts", texts)):
        if path is not None and not path.exists():
            raise UsageError(f"{opt} {path}: no such file or folder")
    err.print(f"training on {', '.join(map(str, folders))} (document-grouped CV, this takes minutes) …")
    clf, rows = train_model(
        list(folders),
        taxonomy=taxonomy,
        manifest=manifest,
        gold=gold,
        cv=cv,
        genre_table=genre_table,
        features=features,
        texts=texts,
    )
    meta = clf.meta
    err.print(
        f"trained on {meta['n_examples']} sentences of {meta['n_documents']} documents "
        f"({meta['n_positive']} with a type); genres {json.dumps(meta['genres'], ensure_ascii=False)}"
    )
    m = meta.get("metrics") or {}
    if m:
        err.print(
            f"document-grouped {cv}-fold CV: model P/R/F1 "
            f"{m['micro_precision']}/{m['micro_recall']}/{m['micro_f1']}; "
            f"rules {m['union']['rules_only']}; rules+model policy {m['union']['policy']}"
        )
    err.print(f"status: {json.dumps(meta.get('status'))}")
    err.print(f"features: {json.dumps(meta.get('feature_selection'))}")
    if rows:
        out.print(format_cv_table(rows), highlight=False)
    clf.save(out_dir)
    err.print(f"saved {out_dir} ({clf.version})")
    if ship:
        err.print(f"shipped into {ship_model(out_dir)}")
