"""``policytext serve``: a local web page over a store, for readers who do not write SQL.

- :mod:`policytext.web.app`: the Starlette application (server-rendered Jinja2 pages);
- :mod:`policytext.web.queries`: the read-only queries behind it (filters, counts, charts, context);
- :mod:`policytext.web.annotations`: corrections by hand and their export as training JSONL;
- ``templates/`` and ``static/``: the pages, a stylesheet and dependency-free JS/SVG charts
  (nothing is fetched from the network: the page works offline).
"""

from __future__ import annotations

from policytext.web.app import create_app, serve

__all__ = ["create_app", "serve"]
