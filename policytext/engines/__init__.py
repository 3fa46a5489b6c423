"""Execution engines for ``ingest``: where the per-file work runs.

The default engine is the local process pool (:func:`policytext.ingest.pool.run_tasks`).
:mod:`policytext.engines.dask_engine` runs the same work on a Dask distributed cluster.
Every engine is a *runner* with the signature of ``run_tasks`` and yields one
:class:`~policytext.ingest.pool.TaskResult` per file; the store is always written by
the calling process.
"""

from __future__ import annotations

ENGINES = ("local", "dask")

__all__ = ["ENGINES"]
