"""The ``policytext`` command line: a thin layer over :mod:`policytext.api`.

Exit status: 0 all good; 1 some input files failed (the others were processed) or a
policytext error; 2 usage error (wrong options or arguments).
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from types import ModuleType
from typing import Any

import typer

from policytext.errors import PolicytextError, UsageError

app = typer.Typer(
    name="policytext",
    help="Mine Chinese policy texts on urban agglomerations (城市群) and metropolitan areas (都市圈).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class LazyModule(ModuleType):
    """A module imported on first attribute access.

    The command modules name their heavy back ends (:mod:`policytext.api`, pandas, numpy) through
    it, so that ``--help`` and the read commands never import what they do not run.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self.__name__)
        return getattr(self._module, attr)


def _version(value: bool) -> None:
    if value:
        from policytext import __version__

        typer.echo(f"policytext {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Mine Chinese policy texts on urban agglomerations (城市群) and metropolitan areas (都市圈)."""


# Each module registers its commands on `app` when imported.
from policytext.cli import core, export, query, report, serve, store  # noqa: E402,F401
from policytext.cli.names import printable_name  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; turns policytext errors into one line."""
    try:
        rc = app(args=argv, standalone_mode=False)
        return rc if isinstance(rc, int) else 0
    except SystemExit as exc:
        return int(exc.code or 0)
    except UsageError as exc:
        typer.echo(f"policytext: error: {printable_name(str(exc))}", err=True)
        return 2
    except PolicytextError as exc:
        typer.echo(f"policytext: error: {printable_name(str(exc))}", err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo(
            "policytext: interrupted; what was stored is kept; re-run the same command to resume", err=True
        )
        return 130
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        name = printable_name(os.fsdecode(exc.filename or ""))
        typer.echo(
            f"policytext: error: a file or folder name in {name[:120]}{'…' if len(name) > 120 else ''} "
            "is longer than the file system allows (255 bytes per name); choose a shorter name",
            err=True,
        )
        return 2
    except Exception as exc:
        # click's exceptions (typer may bundle its own copy of click, so match by shape)
        if type(exc).__name__ == "Abort":
            typer.echo("policytext: aborted", err=True)
            return 1
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(getattr(exc, "exit_code", 2) or 2)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
