"""Commands of the `report` group (registered on the policytext app when imported)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from policytext.cli import app
from policytext.cli.options import with_filters
from policytext.errors import UsageError

err = Console(stderr=True, soft_wrap=True)


@app.command()
@with_filters()
def report(
    filters: dict[str, Any],
    db: Path = typer.Option(Path("corpus.db"), "--db", help="The store to report on."),
    out: Path = typer.Option(
        Path("report.html"), "--out", "-o", help="The HTML file to write (one self-contained file)."
    ),
    figures: Path | None = typer.Option(
        None, "--figures", help="Also write the charts here as 300 dpi PNG and SVG."
    ),
    taxonomy: Path | None = typer.Option(
        None, "--taxonomy", help="A taxonomy TOML file for the type names and order."
    ),
    examples: int = typer.Option(3, "--examples", help="Example sentences per mechanism type."),
    terms: bool = typer.Option(
        False,
        "--terms",
        help="Also count the key terms per period (segments every sentence: the slowest part).",
    ),
) -> None:
    """Write an HTML report of a store: overview, heatmap, co-occurrence network, timelines, first
    mentions, key terms, examples. The filters restrict it to the documents and mentions they select.

    The page opens offline: charts are inline SVG and the Chinese font is embedded.

    Example: policytext report --db corpus.db --out report.html --figures figures/ --terms
    """
    from policytext.export.report import build_report

    if examples < 0:
        raise UsageError(f"--examples {examples}: give 0 or more")
    if out.exists() and out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a file name such as {out / 'report.html'}")
    if figures is not None and figures.exists() and not figures.is_dir():
        raise UsageError(f"--figures {figures}: is a file; give a folder")
    result = build_report(
        db,
        out,
        figures_dir=figures,
        taxonomy=taxonomy,
        examples_per_type=examples,
        key_terms=terms,
        **filters,
    )
    o = result.data.overview
    err.print(
        f"wrote {result.html} ({o['documents']} documents, {o['mechanism_mentions']} mechanism mentions, "
        f"{o['agglomerations']} agglomerations)",
        highlight=False,
    )
    for p in result.figures:
        err.print(f"wrote {p}", highlight=False)
