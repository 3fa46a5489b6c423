"""Command: serve (a local web page over a store, for readers who do not write SQL)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from policytext.cli import app

err = Console(stderr=True, soft_wrap=True)


@app.command()
def serve(
    db: Path = typer.Option(Path("corpus.db"), "--db", help="The store to serve."),
    host: str | None = typer.Option(
        None, "--host", help="Interface to listen on (default 127.0.0.1, this machine only)."
    ),
    port: int = typer.Option(8765, "--port", help="TCP port (0 picks a free one)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
    edit: bool = typer.Option(
        False, "--edit", help="Allow correcting labels (saved in the store's annotations table)."
    ),
    annotator: str | None = typer.Option(
        None, "--annotator", help="Name recorded with each correction (default: the OS user)."
    ),
    taxonomy: Path | None = typer.Option(None, "--taxonomy", help="A taxonomy TOML file for the type names."),
) -> None:
    """Browse, search and correct a store in a local web page (read-only unless --edit).

    Example: policytext serve --db corpus.db --open
    """
    from policytext.web.app import is_loopback
    from policytext.web.app import serve as run

    if host is not None and not is_loopback(host):
        err.print(
            f"[yellow]warning[/yellow]: --host {host} makes the "
            "page reachable from other machines, without any login"
            + ("; with --edit anyone who reaches it can change labels" if edit else ""),
            highlight=False,
        )
    if annotator is not None and not edit:
        err.print("[yellow]warning[/yellow]: --annotator has no effect without --edit", highlight=False)
    run(
        db,
        host=host or "127.0.0.1",
        port=port,
        edit=edit,
        annotator=annotator,
        open_browser=open_browser,
        allow_remote=host is not None,
        taxonomy=str(taxonomy) if taxonomy else None,
        announce=lambda line: err.print(line, highlight=False),
    )
