"""The embedded SQLite store: one core used by the library, the CLI and the web page."""

from policytext.store.db import Store
from policytext.store.fts import fts_query, fts_tokens
from policytext.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "fts_query", "fts_tokens"]
