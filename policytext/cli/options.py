"""The filter options of the read commands, made from the one list of filters.

:func:`with_filters` adds one Typer option per entry of
:data:`~policytext.store.filters.FILTER_FIELDS` (flag, short form, help) to a command and hands the
command the values given as one ``filters`` dict keyed by the Python API's keywords, ready for
``query.mechanisms(db, **filters)`` or ``Filters.make(store, **filters)``. ``query``, ``search``,
``timeline``, ``export`` and ``report`` all take their filters this way, so a filter added to the
list reaches every command, the web form and the Python API at once.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Optional, TypeVar

import typer

from policytext.store.filters import DOCUMENT_FIELDS, FILTER_FIELDS, FilterField

F = TypeVar("F", bound=Callable[..., Any])


def _option(field: FilterField) -> tuple[Any, Any]:
    """The annotation and ``typer.Option`` of one filter."""
    names = [field.flag] + ([field.short] if field.short else [])
    annotation = Optional[list[str]] if field.multiple else Optional[str]
    return annotation, typer.Option(None, *names, help=field.help)


def with_filters(scope: str = "mention") -> Callable[[F], F]:
    """Give a command the filter options and pass their values as ``filters``.

    Args:
        scope: ``mention`` (every filter) or ``document`` (the filters that apply to documents,
            :data:`~policytext.store.filters.DOCUMENT_FIELDS`).

    The decorated function declares a ``filters: dict`` parameter (no default); it receives the
    filters given on the command line by their API keyword (``types``, ``agglomerations``, ``since``,
    ``until``, ``status``, ``stage``, ``doc_type``, ``basis``), unset ones left out.
    """
    chosen = FILTER_FIELDS if scope == "mention" else DOCUMENT_FIELDS
    if scope not in ("mention", "document"):
        raise ValueError(f"scope {scope!r}: mention or document")

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn, eval_str=True)
        if "filters" not in sig.parameters:
            raise TypeError(f"{fn.__name__}: declare a `filters` parameter to receive the filter values")
        keep = [p for p in sig.parameters.values() if p.name != "filters"]
        taken = {p.name for p in keep}
        added = []
        for field in chosen:
            name = f"filter_{field.arg}"
            if name in taken:  # pragma: no cover - a programming error
                raise TypeError(f"{fn.__name__}: parameter {name} clashes with a filter option")
            annotation, default = _option(field)
            added.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
                ),
            )
        params = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY) if p.kind != p.VAR_KEYWORD else p for p in keep
        ]

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> Any:
            values = {}
            for field in chosen:
                v = kwargs.pop(f"filter_{field.arg}", None)
                if v not in (None, [], ""):
                    values[field.arg] = v
            return fn(**kwargs, filters=values)

        del wrapper.__wrapped__  # typer must read the signature below, not the original's
        wrapper.__signature__ = sig.replace(parameters=[*params, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{p.name: p.annotation for p in params},
            **{p.name: p.annotation for p in added},
            "return": sig.return_annotation,
        }
        return wrapper  # type: ignore[return-value]

    return decorate


__all__ = ["with_filters"]


# -- the bounds of reading, one definition for ingest, extract and text --------------------------


def timeout_option() -> Any:
    """``--timeout``: seconds one file (or one page range of a long PDF) may take."""
    return typer.Option(
        120.0,
        "--timeout",
        help="Seconds one file (or one page range of a long PDF) may take before it is stopped "
        "(0 = no limit).",
    )


def max_memory_option() -> Any:
    """``--max-memory``: MB all reading workers together may allocate."""
    return typer.Option(
        4096,
        "--max-memory",
        help="MB all workers together may allocate while reading, shared out among them (0 = no limit).",
    )


def split_pages_option() -> Any:
    """``--split-pages``: a longer PDF is read in page ranges of this many pages across the workers."""
    return typer.Option(
        200,
        "--split-pages",
        help="Read a PDF of more pages in ranges of this many pages across the workers (0 = never).",
    )
