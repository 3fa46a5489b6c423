"""Run the per-file ingest work on a Dask distributed cluster.

``make_runner()`` returns a *runner* with the signature of
:func:`policytext.ingest.pool.run_tasks`; give it to :func:`policytext.api.ingest`
(``runner=``) or use ``policytext ingest ... --engine dask [--scheduler ADDRESS]``.

How it works:

* the per-file job (:class:`policytext.ingest.job.FileJob`, carrying the extractor —
  taxonomy, gazetteer, model — that ``ingest`` loaded in this process) is sent to the
  cluster once, inside a worker plugin; every worker, including workers that join or
  restart later, keeps one copy. Worker hosts need policytext installed (the same
  version), not the taxonomy, gazetteer or model files;
* each file is one task, :func:`_run_task`, which applies that job to the file: the
  same job the local pool runs; tasks come from the run's
  :class:`~policytext.ingest.pool.TaskQueue`, largest first, and tasks put in it while the
  results come in (the pieces of a long PDF) are submitted too;
* results come back in completion order as :class:`~policytext.ingest.pool.TaskResult`;
  the calling process writes the store, as with the local engine;
* at most one file per worker thread is in flight, so the per-file ``timeout`` counts
  from submission: a file that runs past it is reported as ``timeout``, its task is
  cancelled and its worker restarted (through its nanny), as the local pool kills a
  worker process;
* a worker that dies while reading a file makes Dask retry the file elsewhere; a file
  that keeps killing workers is reported as ``crashed``.

Workers open each file by the path the client gives, so the files must be readable at
the same path on every worker (a shared file system; use absolute paths).

Without a scheduler address a ``LocalCluster`` of worker processes is started for the run
and closed after it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from policytext.errors import UsageError
from policytext.ingest.pool import TaskResult, as_queue

try:
    from distributed import WorkerPlugin
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise UsageError(
        "the Dask engine needs dask.distributed: pip install 'policytext[dask]' (or 'dask[distributed]')"
    ) from exc

__all__ = ["JobPlugin", "make_runner"]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# worker side
# ---------------------------------------------------------------------------
# token -> the run's per-file job (a picklable callable carrying its extractor and options)
_JOBS: dict[str, Callable[[Any], Any]] = {}


class JobPlugin(WorkerPlugin):
    """A Dask worker plugin that gives every worker (also those joining later) the run's job once."""

    idempotent = False

    def __init__(
        self, token: str, job: Callable[[Any], Any], initializer: Callable[[], None] | None = None
    ) -> None:
        self.token = token
        self.job = job
        self.initializer = initializer

    def setup(self, worker: Any = None) -> None:
        _JOBS[self.token] = self.job
        if self.initializer is not None:
            self.initializer()

    def teardown(self, worker: Any = None) -> None:
        _JOBS.pop(self.token, None)


def _run_task(token: str, task: Any) -> Any:
    """The task run on a worker: the run's job applied to one file."""
    try:
        job = _JOBS[token]
    except KeyError:
        raise RuntimeError("this worker has no policytext job for the run (plugin not set up)") from None
    return job(task)


# ---------------------------------------------------------------------------
# client side
# ---------------------------------------------------------------------------
def _describe(exc: BaseException) -> tuple[str, str]:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return "crashed", "the worker process died while reading this file (Dask gave up after retries)"
    return "exception", f"{type(exc).__name__}: {exc}"


def make_runner(
    scheduler: str | None = None, n_workers: int | None = None, *, threads_per_worker: int = 1
) -> Callable[..., Iterator[TaskResult]]:
    """A runner for :func:`policytext.api.ingest` that uses a Dask distributed cluster.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` of worker processes for the run.
        n_workers: workers of the LocalCluster (default: the ``workers`` ``ingest`` asks
            for, i.e. ``--workers``, itself all cores by default). Ignored with ``scheduler``.
        threads_per_worker: threads of each LocalCluster worker (1: the work is CPU-bound
            Python, so processes, not threads, give parallelism).
    """

    def run(
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        *,
        workers: int = 0,
        timeout: float | None = None,
        initializer: Callable[[], None] | None = None,
    ) -> Iterator[TaskResult]:
        queue = as_queue(tasks)
        if not queue:
            return
        import dask
        from distributed import Client, LocalCluster, wait

        cluster = None
        if scheduler:
            client = Client(scheduler, set_as_default=False)
        else:
            with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                cluster = LocalCluster(
                    n_workers=max(1, n_workers or workers or 1),
                    threads_per_worker=threads_per_worker,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster, set_as_default=False)
        token = uuid.uuid4().hex[:12]
        plugin_name = f"policytext-{token}"
        try:
            client.wait_for_workers(1)
            client.register_plugin(JobPlugin(token, fn, initializer), name=plugin_name)
            inflight: dict[Any, tuple[Any, float]] = {}
            n = 0
            while queue or inflight:
                slots = max(1, sum(client.nthreads().values()))
                while queue and len(inflight) < slots:
                    task = queue.pop()
                    fut = client.submit(_run_task, token, task, pure=False, key=f"{plugin_name}-{n}")
                    n += 1
                    inflight[fut] = (task, time.perf_counter())
                wait_for = None
                if timeout is not None:
                    wait_for = max(0.0, min(t for _, t in inflight.values()) + timeout - time.perf_counter())
                try:
                    with client.as_current():
                        done = wait(list(inflight), timeout=wait_for, return_when="FIRST_COMPLETED").done
                except TimeoutError:
                    done = set()
                for fut in done:
                    task, t0 = inflight.pop(fut)
                    elapsed = time.perf_counter() - t0
                    if fut.status == "finished":
                        try:
                            value = fut.result()
                        except Exception as exc:
                            kind, msg = _describe(exc)
                            yield TaskResult(task, False, error=kind, message=msg, seconds=elapsed)
                        else:
                            yield TaskResult(task, True, value, seconds=elapsed)
                    else:
                        failure = (
                            fut.exception() if fut.status == "error" else RuntimeError(f"task {fut.status}")
                        )
                        kind, msg = _describe(failure)
                        yield TaskResult(task, False, error=kind, message=msg, seconds=elapsed)
                    fut.release()
                if timeout is not None:
                    now = time.perf_counter()
                    late = [f for f, (_, t0) in inflight.items() if now - t0 > timeout]
                    if late:
                        _stop(client, late)
                    for fut in late:
                        task, t0 = inflight.pop(fut)
                        yield TaskResult(
                            task,
                            False,
                            error="timeout",
                            message=f"reading took longer than {timeout:g} s and was stopped",
                            seconds=now - t0,
                        )
        finally:
            for fut in list(locals().get("inflight", {})):
                fut.cancel()
            try:
                client.unregister_worker_plugin(plugin_name)
            except Exception:
                pass
            client.close()
            if cluster is not None:
                cluster.close()

    return run


def _stop(client: Any, futures: list[Any]) -> None:
    """Cancel tasks that ran too long and restart the workers still running them."""
    keys = {f.key for f in futures}
    try:
        busy = [w for w, ks in client.processing().items() if keys & set(ks)]
    except Exception:
        busy = []
    for f in futures:
        f.cancel()
    if busy:
        try:
            client.restart_workers(busy, raise_for_error=False)
        except Exception as exc:
            log.warning("could not restart Dask workers %s after a timeout: %s", busy, exc)
