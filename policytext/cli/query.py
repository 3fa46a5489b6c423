"""Commands ``query mechanisms|documents|agglomerations``, ``search``, ``sql`` and ``timeline``.

Each command opens the store read-only, calls one function of :mod:`policytext.query` or
:mod:`policytext.timeline` and prints the DataFrame as a table (CJK width-aware, by rich),
CSV, JSON or JSONL.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from rich.console import Console

from policytext.cli import LazyModule, app
from policytext.cli.names import printable_name
from policytext.cli.options import with_filters
from policytext.cli.render import Column, as_text, use_color, write_table
from policytext.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from policytext import query as q
    from policytext import timeline as tl
else:  # pandas and the store are imported by the command that runs, not by `--help`
    q = LazyModule("policytext.query")
    tl = LazyModule("policytext.timeline")

FORMATS = ("table", "csv", "json", "jsonl")

query_app = typer.Typer(help="Query a store: mechanisms, documents, agglomerations.", no_args_is_help=True)
app.add_typer(query_app, name="query")

_DB = typer.Option(Path("corpus.db"), "--db", help="The store written by `policytext ingest`.")
_FMT = typer.Option("table", "--format", "-f", help="table | csv | json | jsonl.")
_OUT = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
_LIMIT = typer.Option(None, "--limit", "-n", help="At most this many rows.")
_OFFSET = typer.Option(0, "--offset", help="Skip this many rows first (with --limit: pages).")

#: Columns shown by ``--format table`` (the other formats carry every column).
TABLE_VIEWS: dict[str, list[str]] = {
    "mechanism": [
        "document",
        "date",
        "page",
        "offsets",
        "type",
        "status",
        "stage",
        "agglomerations",
        "link_basis",
        "text",
        "sentence",
    ],
    "measure": ["document", "date", "page", "offsets", "domains", "agglomerations", "text", "sentence"],
    "agglomeration": ["document", "date", "page", "offsets", "type", "text", "sentence"],
    "documents": [
        "date",
        "doc_type",
        "document",
        "title",
        "primary_agglomeration",
        "agglomerations",
        "n_pages",
        "n_mechanisms",
    ],
    "search": ["document", "date", "page", "offsets", "sentence"],
}


_LONG = {"sentence", "text", "title", "stage_path", "status_path", "before", "after"}
_NAMES = {"document", "path", "filename"}  # file names: shown through printable_name

#: Rows ``--format table`` prints when no ``--limit`` is given (it says so when more match);
#: the other formats always carry every row.
TABLE_ROWS = 1000


def _fetch(fmt: str, limit: Optional[int]) -> Optional[int]:
    """Rows to read: one past :data:`TABLE_ROWS` for a table without ``--limit`` (to tell), else ``limit``."""
    return TABLE_ROWS + 1 if fmt == "table" and limit is None else limit


def emit(
    df: pd.DataFrame,
    fmt: str,
    output: Optional[Path] = None,
    *,
    view: Optional[list[str]] = None,
    title: Optional[str] = None,
    highlight: Optional[str] = None,
    paged: bool = False,
) -> None:
    """Print (or write) a frame in one of :data:`FORMATS`.

    With ``paged`` (a command read with :func:`_fetch` and no ``--limit``) the table shows the
    first :data:`TABLE_ROWS` rows and says on stderr when more match and how to get them.

    ``view`` picks the columns of the table format (``offsets`` = ``start–end``); ``highlight``
    marks the ``match_start``/``match_end`` span inside the ``sentence`` column of search hits.
    """
    from policytext.export.tables import flat, format_frame

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose table, csv, json or jsonl")
    if fmt != "table":
        text = format_frame(df, fmt)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return
    more = paged and len(df) > TABLE_ROWS
    if more:
        df = df.head(TABLE_ROWS)
    cols = view or list(df.columns)
    columns = [Column(c, fold=c in _LONG, ratio=3 if c == "sentence" else 2) for c in cols]
    rows: list[list[str]] = []
    marks: list[tuple[int, tuple[int, int]] | None] = []
    sentence_col = cols.index("sentence") if "sentence" in cols else -1
    for rec in df.to_dict("records"):
        values = [
            f"{rec.get('start')}–{rec.get('end')}"
            if c == "offsets"
            else (printable_name(str(flat(rec.get(c)) or "")) if c in _NAMES else flat(rec.get(c)))
            for c in cols
        ]
        rows.append(as_text(values))
        mark = None
        if highlight and sentence_col >= 0 and flat(rec.get("match_start")) is not None:
            a = int(rec["match_start"]) - int(rec["start"])
            mark = (sentence_col, (a, int(rec["match_end"]) - int(rec["start"])))
        marks.append(mark)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            write_table(fh, columns, rows, width=200, marks=marks, title=title)
    else:
        console = Console()
        width = console.width if console.is_terminal else 200
        write_table(
            sys.stdout, columns, rows, width=width, color=use_color(sys.stdout), marks=marks, title=title
        )
    if more:
        Console(stderr=True).print(
            f"showing the first {TABLE_ROWS:,} rows; more match: --limit N shows N rows, "
            "--format csv, json or jsonl writes them all",
            highlight=False,
        )
    if not len(df):
        Console(stderr=True).print("no rows match", highlight=False)


@query_app.command("mechanisms")
@with_filters()
def query_mechanisms(
    filters: dict[str, Any],
    db: Path = _DB,
    kind: str = typer.Option("mechanism", "--kind", help="mechanism | measure | agglomeration."),
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
    limit: Optional[int] = _LIMIT,
    offset: int = _OFFSET,
) -> None:
    """Mechanism mentions with their provenance (document, date, page, sentence, offsets).

    Example::

        policytext query mechanisms --db corpus.db --type 生态补偿 --agglomeration 长三角 \\
            --since 2018 --until 2022 --status proposed
    """
    df = q.mentions(db, kind=kind, limit=_fetch(fmt, limit), offset=offset, **filters)
    emit(df, fmt, output, view=TABLE_VIEWS.get(kind), paged=limit is None)


@query_app.command("documents")
@with_filters("document")
def query_documents(
    filters: dict[str, Any],
    db: Path = _DB,
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
    limit: Optional[int] = _LIMIT,
    offset: int = _OFFSET,
) -> None:
    """Stored documents with date, type, agglomerations and mechanism counts.

    ``--agglomeration`` keeps documents naming the group, ``--type`` documents with a mechanism
    mention of the type.

    Example: policytext query documents --db corpus.db --agglomeration chengyu --doc-type official
    """
    df = q.documents(db, limit=_fetch(fmt, limit), offset=offset, **filters)
    emit(df, fmt, output, view=TABLE_VIEWS["documents"], paged=limit is None)


@query_app.command("agglomerations")
@with_filters("document")
def query_agglomerations(
    filters: dict[str, Any],
    db: Path = _DB,
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
) -> None:
    """Agglomerations named in the store: documents, mentions, mechanisms, first and last dates.

    ``--type`` counts the mechanisms of those types only.

    Example: policytext query agglomerations --db corpus.db
    """
    df = q.agglomerations(db, **filters)
    view = [
        "agglomeration",
        "name",
        "kind",
        "documents",
        "primary_documents",
        "mentions",
        "mechanisms",
        "first_date",
        "last_date",
        "first_document",
    ]
    emit(df, fmt, output, view=view)


@app.command()
@with_filters()
def search(
    filters: dict[str, Any],
    text: str = typer.Argument(
        ...,
        help="Words or Chinese phrases to find (all must occur); OR between them gives alternatives; "
        "quotes group words.",
    ),
    db: Path = _DB,
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
    limit: int = typer.Option(50, "--limit", "-n", help="At most this many sentences."),
    offset: int = _OFFSET,
) -> None:
    """Full-text search of the stored sentences (Chinese substrings work), newest documents first.

    Document filters (dates, document type) select the sentence's document; the others keep
    sentences holding a matching mechanism mention.

    Example: policytext search "税收分成 OR 成本共担" --db corpus.db --agglomeration 长三角 --offset 50
    """
    df = q.search(db, text, limit=limit, offset=offset, **filters)
    emit(df, fmt, output, view=TABLE_VIEWS["search"], highlight=text)
    if fmt == "table" and len(df) == limit:
        total = q.search_count(db, text, **filters)
        if total > offset + limit:
            Console(stderr=True).print(
                f"showing {offset + 1}–{offset + limit} of {total:,} sentences; "
                f"--offset {offset + limit} shows the next ones",
                highlight=False,
            )


@app.command("sql")
def sql_(
    statement: str = typer.Argument(..., help="One SQL statement (read-only: writes are refused)."),
    db: Path = _DB,
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
    limit: Optional[int] = _LIMIT,
    timeout: float = typer.Option(
        60.0, "--timeout", help="Seconds the statement may run before it is stopped (0 = no limit)."
    ),
    max_steps: int = typer.Option(
        2_000_000_000,
        "--max-steps",
        help="SQLite steps (VM instructions) the statement may take before it is stopped (0 = no limit).",
    ),
) -> None:
    """Run one read-only SQL statement on the store and print its rows (Ctrl-C stops it).

    Example::

        policytext sql "SELECT type, COUNT(*) AS n FROM mentions WHERE kind = 'mechanism' GROUP BY type" \\
            --db corpus.db
    """
    try:
        df = q.sql(
            db, statement, limit=_fetch(fmt, limit), timeout=timeout or None, max_steps=max_steps or None
        )
    except KeyboardInterrupt:
        typer.echo("policytext: sql interrupted (Ctrl-C); the store is unchanged", err=True)
        raise typer.Exit(130) from None
    emit(df, fmt, output, paged=limit is None)


@app.command()
@with_filters()
def timeline(
    filters: dict[str, Any],
    db: Path = _DB,
    by: str = typer.Option("year", "--by", help="year | month."),
    normalize: bool = typer.Option(False, "--normalize", help="Add shares of the period's documents."),
    show: str = typer.Option("counts", "--show", help="counts | first | stages."),
    document_links: bool = typer.Option(
        False,
        "--document-links",
        help="Also count mentions linked to an agglomeration only at document level (default: direct links).",
    ),
    fmt: str = _FMT,
    output: Optional[Path] = _OUT,
) -> None:
    """Mechanisms over time: counts per period × type × agglomeration, first mentions, stage paths.

    Example: policytext timeline --db corpus.db --by year --type 生态补偿 --normalize
    """
    if by not in tl.PERIODS:
        raise UsageError(f"--by {by!r}: choose year or month")
    common: dict[str, Any] = {"by": by, "include_document_links": document_links, **filters}
    if show == "counts":
        df = tl.timeline_counts(db, normalize=normalize, **common)
        view = None
    elif show == "first":
        df = tl.first_mentions(db, **common)
        view = [
            "agglomeration",
            "type",
            "period",
            "date",
            "document",
            "page",
            "offsets",
            "status",
            "stage",
            "text",
        ]
    elif show == "stages":
        df = tl.stage_paths(db, **common)
        view = ["agglomeration", "type", "stage_path", "status_path", "mentions", "documents"]
    else:
        raise UsageError(f"--show {show!r}: choose counts, first or stages")
    emit(df, fmt, output, view=view)
