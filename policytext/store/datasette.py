"""Browse a store in Datasette (``policytext datasette corpus.db``), read-only, with Chinese search.

The store's views are what a reader browses: ``document_list`` (one row per document, its
mechanism count), ``mechanism_links`` (one row per mechanism mention and agglomeration link, with
its sentence), ``sentence_search`` (every sentence with its document, searchable) and
``annotations`` (the hand corrections of labels). Facets are set on each.

Chinese search: the full-text index holds every Han character as a token
(:func:`~policytext.store.fts.fts_tokens`), so a search string must be cut the same way. The
plugin :class:`ChineseSearch` registers ``policytext_fts(q)`` (:func:`~policytext.store.fts.fts_query`)
on every connection and makes Datasette's own search box (its ``escape_fts``) use it, so
``?_search=生态补偿`` finds the sentences that contain 生态补偿; the canned query ``search``
does the same with a form field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from policytext.errors import UsageError
from policytext.store.fts import fts_query
from policytext.store.schema import FTS_FROM

#: The canned search query: sentences containing every term, newest documents first.
#: (The index joined to its sentences by row id, as every search of the store reads it.)
SEARCH_SQL = f"""SELECT f.rowid AS sid, d.doc_id, d.filename AS document, d.title, d.date, d.doc_type,
       s.idx AS sentence_idx, s.page, s.text
  {FTS_FROM}
 WHERE sentences_fts MATCH policytext_fts(:q)
 ORDER BY d.date DESC, d.doc_id, s.idx
 LIMIT 500"""


def _fts(query: str | None) -> str:
    """``fts_query`` for SQLite: a query without a searchable term matches nothing (not an error)."""
    return fts_query(query or "") or '""'


class ChineseSearch:
    """The Datasette plugin: ``policytext_fts`` and a Chinese-aware ``escape_fts`` on every connection."""

    __name__ = "policytext-chinese-search"

    @staticmethod
    def prepare_connection(conn: Any) -> None:
        """Register the search functions (run last, so that ``escape_fts`` is this one)."""
        conn.create_function("policytext_fts", 1, _fts, deterministic=True)
        conn.create_function("escape_fts", 1, _fts, deterministic=True)


def metadata(name: str) -> dict[str, Any]:
    """Datasette metadata for a store opened under the database name ``name``."""
    search = {"fts_table": "sentences_fts", "fts_pk": "sid"}
    return {
        "title": "policytext store",
        "description": "Mechanisms of regional cooperation in Chinese policy texts, as stored by policytext.",
        "databases": {
            name: {
                "tables": {
                    "document_list": {
                        "facets": ["doc_type", "year", "primary_agglomeration", "format"],
                        "sort": "date",
                        "label_column": "title",
                    },
                    "mechanism_links": {
                        "facets": [
                            "type",
                            "status",
                            "stage",
                            "agglomeration",
                            "link_basis",
                            "doc_type",
                            "year",
                        ],
                        "sort": "date",
                    },
                    "sentence_search": {**search, "facets": ["doc_type", "year"], "sort_desc": "date"},
                    "sentences": search,
                    "annotations": {
                        "title": "annotations: hand corrections of the labels",
                        "facets": ["action", "type", "status", "annotator", "source"],
                        "sort_desc": "annotation_id",
                    },
                },
                "queries": {
                    "search": {
                        "title": "全文检索 Search the sentences",
                        "description": "Sentences containing every term (Chinese substrings work).",
                        "sql": SEARCH_SQL,
                    }
                },
            }
        },
    }


def make_app(db: str | os.PathLike[str]) -> Any:
    """A :class:`datasette.app.Datasette` over the store ``db`` (opened read-only, immutable).

    Raises:
        UsageError: Datasette is not installed (``pip install 'policytext[datasette]'``), or the
            file is not a policytext store.
    """
    try:
        from datasette import hookimpl
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError as exc:
        raise UsageError(
            "policytext datasette needs Datasette; install it with `pip install 'policytext[datasette]'`"
        ) from exc
    from policytext.store.db import Store
    from policytext.store.schema import SCHEMA_VERSION

    path = Path(db)
    with Store(path, readonly=True) as store:  # a clear error for a missing or foreign file
        version = store.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        raise UsageError(
            f"{path}: a store of schema version {version}; open it once for writing "
            f"(e.g. `policytext compact --db {path}`) to migrate it, then browse it"
        )
    if pm.get_plugin(ChineseSearch.__name__) is None:
        plugin = ChineseSearch()
        plugin.prepare_connection = hookimpl(trylast=True)(ChineseSearch.prepare_connection)  # type: ignore[method-assign]
        pm.register(plugin, name=ChineseSearch.__name__)
    return Datasette(
        immutables=[str(path)], metadata=metadata(path.stem), settings={"facet_time_limit_ms": 1000}
    )


def serve(
    db: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8001
) -> None:  # pragma: no cover
    """Serve the store with Datasette until interrupted."""
    import uvicorn

    app = make_app(db)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning")
