"""A process pool that isolates each file: per-task timeout, survives worker crashes.

``concurrent.futures`` cannot stop a task that hangs, and a worker that segfaults
breaks the whole executor. Here each worker is a process of its own; the parent
waits on the result pipes and on the process sentinels, kills a worker whose task
runs past the deadline, and starts a new one. A task whose worker died or timed out
is reported as failed; the others go on.
"""

from __future__ import annotations

import faulthandler
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


@dataclass
class TaskResult:
    """The outcome of one task."""

    task: Any
    ok: bool
    value: Any = None  # the function's return value when ok
    error: str | None = None  # "timeout" | "crashed" | "exception"
    message: str = ""
    seconds: float = 0.0


def _data_size() -> int | None:
    """This process's data segment (``VmData``: heap and private anonymous mappings), in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def limit_memory(extra: int) -> bool:
    """Let this process allocate at most ``extra`` more bytes (``RLIMIT_DATA``).

    Counted on top of the data the process holds now (a forked worker shares the
    parent's loaded models). Past the limit Python raises MemoryError and C
    libraries fail their allocation (PDFium then aborts the process). Returns False
    where the limit cannot be set (no ``resource`` module or no ``/proc``).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return False
    now = _data_size()
    if now is None:
        return False
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    want = now + max(0, int(extra))
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
    except (ValueError, OSError):
        return False
    return True


def _worker_main(
    conn: Connection,
    fn: Callable[[Any], Any],
    initializer: Callable[[], None] | None,
    max_memory: int | None = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's "stop the run" handler
    # A worker that dies on a signal is reported by the parent as that file's failure (with the
    # signal and the fix); the interpreter's own fatal-error dump, inherited from a parent that
    # enabled faulthandler (pytest, ``python -X faulthandler``), would only add a stray traceback.
    faulthandler.disable()
    if max_memory:
        limit_memory(max_memory)
    if initializer is not None:
        initializer()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send(("ok", fn(task)))
        except BaseException as exc:
            conn.send(("exception", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=6)))


class _Worker:
    def __init__(
        self,
        ctx: Any,
        fn: Callable[[Any], Any],
        initializer: Callable[[], None] | None,
        max_memory: int | None = None,
    ) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, initializer, max_memory), daemon=True)
        self.proc.start()
        child.close()
        self.task: Any = None
        self.started = 0.0

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=5)
        self.conn.close()


def run_tasks(
    fn: Callable[[Any], Any],
    tasks: Iterable[Any],
    *,
    workers: int = 0,
    timeout: float | None = None,
    initializer: Callable[[], None] | None = None,
    max_memory: int | None = None,
) -> Iterator[TaskResult]:
    """Run ``fn`` over ``tasks`` and yield a :class:`TaskResult` per task, in completion order.

    Args:
        fn: a picklable (module-level) function of one argument.
        workers: number of worker processes; 0 runs in this process (no timeout, no isolation).
        timeout: seconds one task may take before its worker is killed.
        initializer: called once in each worker before its first task.
        max_memory: bytes each worker may allocate beyond what it holds when it starts
            (see :func:`limit_memory`); None for no limit. Ignored when ``workers`` is 0.
    """
    if workers <= 0:
        if initializer is not None:
            initializer()
        for task in tasks:
            t0 = time.perf_counter()
            try:
                yield TaskResult(task, True, fn(task), seconds=time.perf_counter() - t0)
            except Exception as exc:
                yield TaskResult(
                    task,
                    False,
                    error="exception",
                    message=f"{type(exc).__name__}: {exc}",
                    seconds=time.perf_counter() - t0,
                )
        return

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    queue = deque(tasks)
    pool: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    try:
        for _ in range(min(workers, max(1, len(queue)))):
            pool.append(_Worker(ctx, fn, initializer, max_memory))

        def feed(w: _Worker) -> None:
            if queue:
                w.task = queue.popleft()
                w.started = time.perf_counter()
                w.conn.send(w.task)
                busy[w.conn] = w

        for w in pool:
            feed(w)
        while busy:
            deadline = None
            if timeout is not None:
                deadline = min(w.started for w in busy.values()) + timeout
            wait_for = deadline - time.perf_counter() if deadline is not None else None
            # Snapshot which worker each waitable belongs to: a dead worker's sentinel fd
            # number can be reused by its replacement within this same loop.
            owners: dict[Any, _Worker] = {}
            for w in busy.values():
                owners[w.conn] = w
                owners[w.proc.sentinel] = w
            ready = wait(list(owners.keys()), timeout=max(0.0, wait_for) if wait_for is not None else None)
            now = time.perf_counter()
            handled: set[int] = set()
            for r in ready:
                got = owners.get(r)
                if got is None or id(got) in handled or busy.get(got.conn) is not got:
                    continue
                w = got
                handled.add(id(w))
                msg = None
                try:
                    if w.conn.poll():
                        msg = w.conn.recv()
                except (EOFError, OSError):
                    msg = None
                del busy[w.conn]
                elapsed = now - w.started
                if msg is None:
                    w.proc.join(timeout=2)
                    code = w.proc.exitcode
                    w.kill()
                    pool.remove(w)
                    yield TaskResult(
                        w.task, False, error="crashed", message=_died(code, max_memory), seconds=elapsed
                    )
                    nw = _Worker(ctx, fn, initializer, max_memory)
                    pool.append(nw)
                    feed(nw)
                    continue
                if msg[0] == "ok":
                    yield TaskResult(w.task, True, msg[1], seconds=elapsed)
                else:
                    yield TaskResult(w.task, False, error="exception", message=msg[1], seconds=elapsed)
                feed(w)
            if timeout is not None:
                for w in list(busy.values()):
                    if time.perf_counter() - w.started > timeout:
                        del busy[w.conn]
                        w.kill()
                        pool.remove(w)
                        yield TaskResult(
                            w.task,
                            False,
                            error="timeout",
                            message=(
                                f"reading took longer than {timeout:g} s (the time limit) and was stopped; "
                                "raise it with --timeout SECONDS"
                            ),
                            seconds=time.perf_counter() - w.started,
                        )
                        nw = _Worker(ctx, fn, initializer, max_memory)
                        pool.append(nw)
                        feed(nw)
    finally:
        # Normally every worker is idle here and stops when told. On an interruption (Ctrl-C,
        # SIGTERM, the caller closing this generator) a task may still be in flight: its worker is
        # killed at once, so no process outlives the run.
        for w in pool:
            if busy.get(w.conn) is w:
                w.kill()
                continue
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        for w in pool:
            w.proc.join(timeout=2)
            if w.proc.is_alive():
                w.kill()


class Interrupted(KeyboardInterrupt):
    """A run stopped by a signal (SIGINT or SIGTERM); ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within this block SIGTERM stops the run as Ctrl-C does: :class:`Interrupted` is raised.

    The run then unwinds as on ``KeyboardInterrupt``: the pool kills its busy workers, the run is
    recorded as interrupted and what was stored stays stored. Outside the main thread (where
    Python cannot set signal handlers) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _died(code: int | None, max_memory: int | None) -> str:
    if code is not None and code < 0:
        try:
            how = f"died (killed by {signal.Signals(-code).name})"
        except ValueError:
            how = f"died (killed by signal {-code})"
    else:
        how = f"died (exit code {code})"
    message = f"the worker process {how} while reading this file"
    if max_memory and code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS, 1):
        message += (
            f"; it may have needed more than the memory limit ({max_memory >> 20} MB): "
            "raise it with --max-memory MB (0 = no limit)"
        )
    return message


def default_workers() -> int:
    """All cores (at least one)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
