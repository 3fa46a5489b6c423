"""Commands on the store file itself: compact (and check), datasette."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from policytext.cli import app
from policytext.cli.names import shown
from policytext.errors import StoreError

err = Console(stderr=True, soft_wrap=True)
MB = 1024 * 1024


@app.command()
def compact(
    db: Path = typer.Argument(Path("corpus.db"), help="The store to compact."),
    db_option: Optional[Path] = typer.Option(
        None, "--db", help="The store (as every other command takes it)."
    ),
) -> None:
    """Rebuild the full-text index, give back free space, then check the store.

    Opening an older store migrates it; compact after a migration, or after many re-ingests.
    Example: policytext compact corpus.db
    """
    from policytext.store.db import Store

    path = db_option or db
    if not path.exists():
        raise StoreError(
            f"{shown(path)}: no such database; create it with `policytext ingest FOLDER --db {shown(path)}`"
        )
    with Store(path) as store:
        sizes = store.compact()
        problems = store.check()
    typer.echo(f"{shown(path)}: {sizes['before'] / MB:,.1f} MB -> {sizes['after'] / MB:,.1f} MB")
    if problems:
        raise StoreError(f"{shown(path)}: " + "; ".join(problems))
    typer.echo("integrity check: ok")


@app.command("datasette")
def datasette_(
    db: Path = typer.Argument(Path("corpus.db"), help="The store to browse."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface to listen on (this machine only by default)."
    ),
    port: int = typer.Option(8001, "--port", help="TCP port."),
) -> None:
    """Browse a store in Datasette (read-only), with Chinese full-text search and facets.

    Views: document_list, mechanism_links, sentence_search; the annotations table holds the hand
    corrections. Needs the datasette extra: pip install 'policytext[datasette]'.
    Example: policytext datasette corpus.db
    """
    from policytext.store.datasette import serve

    err.print(f"policytext datasette: http://{host}:{port}/ (Ctrl-C stops)", highlight=False)
    serve(db, host=host, port=port)
