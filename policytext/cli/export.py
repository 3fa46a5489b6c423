"""Commands ``export`` and ``import-annotations`` (a thin layer over :mod:`policytext.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console

from policytext.cli import app
from policytext.cli.options import with_filters

err = Console(stderr=True, soft_wrap=True)


@app.command("export")
@with_filters()
def export_(
    filters: dict[str, Any],
    db: Path = typer.Option(Path("corpus.db"), "--db", help="The store written by `policytext ingest`."),
    fmt: str = typer.Option(
        "csv", "--format", "-f", help="csv | xlsx | parquet | jsonl | stata | spacy | doccano | label-studio."
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        "--output",
        "-o",
        help="The folder to write (created if missing); nothing is written outside it.",
    ),
    prefix: str = typer.Option("", "--prefix", help="File-name prefix (letters, digits, _ - .; no folders)."),
    no_boilerplate: bool = typer.Option(
        False, "--no-boilerplate", help="Leave boilerplate sentences out of the dataset."
    ),
    no_bom: bool = typer.Option(
        False, "--no-bom", help="CSV without the UTF-8 byte order mark (Excel needs it to read Chinese)."
    ),
    workers: Optional[int] = typer.Option(
        None,
        "--workers",
        "-j",
        help="Worker processes tokenising the spaCy export (default: all cores; 0 = in this process).",
    ),
) -> None:
    """Export documents, mentions and the sentence-level tagged dataset, or files for annotation tools.

    The filters keep the mentions that match them, and the documents (with their sentences) that
    match the document filters.

    Example: policytext export --db corpus.db --format parquet --out export/ --agglomeration 长三角
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from policytext.export import export

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=fmt != "spacy",
    ) as bar:
        task = bar.add_task("spaCy documents", total=None)
        files = export(
            db,
            out,
            fmt=fmt,
            prefix=prefix,
            include_boilerplate=not no_boilerplate,
            bom=not no_bom,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            workers=workers,
            **filters,
        )
    for f in files:
        typer.echo(str(out / f))


@app.command("import-annotations")
def import_annotations_(
    path: Path = typer.Argument(
        ..., help="A doccano or Label Studio export, or JSONL {sentence, types, status}."
    ),
    db: Optional[Path] = typer.Option(
        None, "--db", help="Record the corrections in this store's annotations table."
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", "--output", "-o", help="Write training JSONL here (a file, or a folder)."
    ),
    fmt: str = typer.Option(
        "auto", "--format", "-f", help="auto | doccano | label-studio | label-studio-min | jsonl."
    ),
    annotator: str = typer.Option("import", "--annotator", help="Who corrected, when the file does not say."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print what would change; write nothing (the store is opened read-only)."
    ),
) -> None:
    """Bring labels corrected by hand back, for the store and for `policytext train`.

    Example::

        policytext import-annotations doccano-export.jsonl --db corpus.db \\
            --out corpora/annotations/corrected.jsonl
    """
    from policytext.export.annotation_tools import import_annotations

    s = import_annotations(path, db=db, out=out, fmt=fmt, annotator=annotator, dry_run=dry_run)
    if dry_run:
        for line in s.changes:
            typer.echo(line)
    parts = [f"{s.read} read", f"{s.skipped} skipped (not annotated)"]
    if db is not None:
        parts += [
            f"{s.changed} sentences corrected ({s.rows} annotation rows)",
            f"{s.unchanged} unchanged",
            f"{s.not_in_store} not in the store",
        ]
    if dry_run:
        parts.append("dry run: nothing written")
    err.print(", ".join(parts) + (f" → {s.out}" if s.out else ""), highlight=False)


def _filters(store: Any, filters: dict[str, Any]) -> Any:
    """The filters given on the command line, resolved against ``store`` (None when none is set)."""
    from policytext.store.filters import Filters

    return Filters.make(store, **filters) if filters else None


@app.command("network")
@with_filters()
def network_(
    filters: dict[str, Any],
    db: Path = typer.Option(Path("corpus.db"), "--db", help="The store written by `policytext ingest`."),
    kind: str = typer.Option("citations", "--kind", help="citations | cooccurrence."),
    fmt: str = typer.Option("gexf", "--format", "-f", help="gexf | graphml | csv (nodes and edges files)."),
    out: Path = typer.Option(..., "--out", "--output", "-o", help="The file to write (e.g. citations.gexf)."),
    period: int = typer.Option(5, "--period", help="Years per period of co-occurrence weights."),
) -> None:
    """Write the policy citation network or the agglomeration × mechanism co-occurrence network.

    Filters: citations come from the documents they select; co-occurrence counts the mechanism
    mentions they keep (and the agglomerations named together in the documents they select).

    Example: policytext network --db corpus.db --kind citations --format gexf --out citations.gexf
    """
    from policytext.errors import UsageError
    from policytext.network import KINDS, citation_network, cooccurrence_network, write_graph
    from policytext.store.db import Store

    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: choose {', '.join(KINDS)}")
    with Store(db, readonly=True) as store:
        f = _filters(store, filters)
        if kind == "citations":
            g = citation_network(store, filters=f)
        else:
            g = cooccurrence_network(store, period=period, filters=f)
    for p in write_graph(g, out, fmt):
        typer.echo(str(p))
    if kind == "citations":
        docs = sum(1 for _, a in g.nodes(data=True) if a["kind"] == "document")
        resolved = sum(1 for _, v in g.edges() if g.nodes[v]["kind"] == "document")
        err.print(
            f"{docs} documents, {g.number_of_nodes() - docs} external titles, {g.number_of_edges()} citation "
            f"edges ({resolved} to stored documents)",
            highlight=False,
        )
    else:
        err.print(f"{g.number_of_nodes()} nodes, {g.number_of_edges()} weighted edges", highlight=False)


@app.command("terms")
@with_filters()
def terms_(
    filters: dict[str, Any],
    db: Path = typer.Option(Path("corpus.db"), "--db", help="The store written by `policytext ingest`."),
    period: int = typer.Option(1, "--period", help="Years per period."),
    by: str = typer.Option("none", "--by", help="none | doc_type | agglomeration (primary)."),
    top: int = typer.Option(30, "--top", help="Terms kept per period and group."),
    term: Optional[list[str]] = typer.Option(None, "--term", help="Count only these terms (repeatable)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv | json | jsonl."),
    out: Optional[Path] = typer.Option(None, "--out", "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Term-frequency tables over time (the project's tokenizer; body sentences only).

    Filters select the documents counted: their dates, type, agglomeration and mechanism types,
    and with --status, --stage or --basis those holding a mechanism mention that matches.

    Example: policytext terms --db corpus.db --period 5 --by doc_type --term 一体化 --agglomeration 长三角
    """
    from policytext.export.tables import format_frame
    from policytext.store.db import Store
    from policytext.terms import term_table

    with Store(db, readonly=True) as store:
        table = term_table(
            store, period=period, group=by, top=top, terms=term, filters=_filters(store, filters)
        )
    text = format_frame(table, fmt)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(str(out))
