"""A process pool that isolates each file: per-task timeout, survives worker crashes.

``concurrent.futures`` cannot stop a task that hangs, and a worker that segfaults
breaks the whole executor. Here each worker is a process of its own; the parent
waits on the result pipes and on the process sentinels, kills a worker whose task
runs past the deadline, and starts a new one. A task whose worker died or timed out
is reported as failed; the others go on.

The tasks come from a :class:`TaskQueue`, largest work first, and the caller may add tasks
while the results come in (a long PDF split into page ranges after its first task counted
its pages): the pool picks them up, starting workers as they are needed. ``max_memory`` is
one bound for all workers together, shared out among them.
"""

from __future__ import annotations

import faulthandler
import gc
import heapq
import itertools
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback
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
    error: str | None = None  # "timeout" | "memory" | "crashed" | "exception"
    message: str = ""
    seconds: float = 0.0


class TaskQueue:
    """The tasks of a run, largest work first; tasks may be added while the run goes on.

    ``put(task, size)`` adds a task with its amount of work (bytes, pages: any measure shared
    by the run); ``pop()`` takes the largest, ties in the order put. A runner takes tasks from
    the queue whenever a worker is free, so a task added while results come in is run too.
    """

    def __init__(self, tasks: Iterable[Any] = (), *, size: Callable[[Any], float] | None = None) -> None:
        self._heap: list[tuple[float, int, Any]] = []
        self._order = itertools.count()
        for task in tasks:
            self.put(task, size(task) if size is not None else 0.0)

    def put(self, task: Any, size: float = 0.0) -> None:
        """Add ``task`` with ``size`` units of work."""
        heapq.heappush(self._heap, (-float(size), next(self._order), task))

    def pop(self) -> Any:
        """The largest task left (the first put among equals); IndexError when empty."""
        return heapq.heappop(self._heap)[2]

    def discard(self, drop: Callable[[Any], bool]) -> int:
        """Remove the tasks for which ``drop(task)`` is true; returns how many."""
        kept = [item for item in self._heap if not drop(item[2])]
        removed = len(self._heap) - len(kept)
        if removed:
            heapq.heapify(kept)
            self._heap = kept
        return removed

    def __len__(self) -> int:
        return len(self._heap)

    def __bool__(self) -> bool:
        return bool(self._heap)


def as_queue(tasks: Iterable[Any] | TaskQueue) -> TaskQueue:
    """``tasks`` itself when it is a :class:`TaskQueue`, else a queue of them in the order given."""
    return tasks if isinstance(tasks, TaskQueue) else TaskQueue(tasks)


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


#: How often a bounded worker notes its data size (seconds), and the share of its bound past which
#: a worker that dies by a signal is taken to have run out of memory (C libraries such as PDFium
#: crash, rather than raise, when an allocation fails).
MEMORY_SAMPLE_SECONDS = 0.02
NEAR_BOUND = 0.75


def _watch_memory(gauge: Any, base: int) -> None:
    """Note the largest data size (bytes beyond ``base``) of this process in ``gauge[0]``, forever."""
    while True:
        try:
            now = _data_size()
            if now is not None and now - base > gauge[0]:
                gauge[0] = now - base
            time.sleep(MEMORY_SAMPLE_SECONDS)
        except MemoryError:  # the task's allocation failed first: noted on the next round
            continue


def _worker_main(
    conn: Connection,
    fn: Callable[[Any], Any],
    initializer: Callable[[], None] | None,
    max_memory: int | None = None,
    gauge: Any = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's "stop the run" handler
    # A worker that dies on a signal is reported by the parent as that file's failure (with the
    # signal and the fix); the interpreter's own fatal-error dump, inherited from a parent that
    # enabled faulthandler (pytest, ``python -X faulthandler``), would only add a stray traceback.
    faulthandler.disable()
    if max_memory:
        base = _data_size()
        if limit_memory(max_memory) and gauge is not None and base is not None:
            threading.Thread(target=_watch_memory, args=(gauge, base), daemon=True).start()
    if initializer is not None:
        initializer()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        out_of_memory = False
        try:
            conn.send(("ok", fn(task)))
        except MemoryError:
            out_of_memory = True  # reported below, once the traceback (and what it holds) is freed
        except BaseException as exc:
            conn.send(("exception", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=6)))
        if out_of_memory:
            gc.collect()
            conn.send(("memory", "MemoryError", ""))


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
        # the largest data size the worker reached beyond its start (bytes), shared with this process:
        # what a worker that died by a signal had reached tells a memory crash from another
        self.gauge = ctx.RawArray("q", 1) if max_memory else None
        self.max_memory = max_memory
        self.proc = ctx.Process(
            target=_worker_main, args=(child, fn, initializer, max_memory, self.gauge), daemon=True
        )
        self.proc.start()
        child.close()
        self.task: Any = None
        self.started = 0.0

    def near_bound(self) -> bool:
        """Whether this (bounded) worker's data size came near its share of the memory bound."""
        return bool(
            self.gauge is not None and self.max_memory and self.gauge[0] >= NEAR_BOUND * self.max_memory
        )

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=5)
        self.conn.close()


def worker_share(max_memory: int | None, workers: int) -> int | None:
    """Each worker's share of the memory bound ``max_memory`` (bytes, for all workers together)."""
    if not max_memory:
        return None
    return max(1, int(max_memory) // max(1, workers))


def memory_message(max_memory: int, workers: int) -> str:
    """The message of a file that needed more than its worker's share of the memory bound."""
    share = worker_share(max_memory, workers) or max_memory
    each = f", {share >> 20} MB for each of {workers} workers" if workers > 1 else ""
    return (
        f"reading the file needed more memory than the bound allows (--max-memory {max_memory >> 20} MB"
        f"{each}); raise it with --max-memory MB (0 = no limit)"
        + (" or read with fewer --workers" if workers > 1 else "")
    )


def run_tasks(
    fn: Callable[[Any], Any],
    tasks: Iterable[Any] | TaskQueue,
    *,
    workers: int = 0,
    timeout: float | None = None,
    initializer: Callable[[], None] | None = None,
    max_memory: int | None = None,
) -> Iterator[TaskResult]:
    """Run ``fn`` over ``tasks`` and yield a :class:`TaskResult` per task, in completion order.

    Args:
        fn: a picklable (module-level) function of one argument.
        tasks: the tasks; a :class:`TaskQueue` is run largest first, and tasks put in it while
            the results come in are run too (other iterables: in their order).
        workers: number of worker processes; 0 runs in this process (no timeout, no isolation).
        timeout: seconds one task may take before its worker is killed.
        initializer: called once in each worker before its first task.
        max_memory: bytes all workers together may allocate beyond what each holds when it
            starts, shared out equally (see :func:`limit_memory`); a task that needs more than
            its worker's share fails with ``error="memory"`` and :func:`memory_message`. None for
            no limit. Ignored when ``workers`` is 0.
    """
    queue = as_queue(tasks)
    if workers <= 0:
        if initializer is not None:
            initializer()
        while queue:
            task = queue.pop()
            t0 = time.perf_counter()
            try:
                value = fn(task)
            except Exception as exc:
                yield TaskResult(
                    task,
                    False,
                    error="exception",
                    message=f"{type(exc).__name__}: {exc}",
                    seconds=time.perf_counter() - t0,
                )
            else:
                yield TaskResult(task, True, value, seconds=time.perf_counter() - t0)
        return

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    share = worker_share(max_memory, workers)
    pool: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    try:

        def feed_idle() -> None:
            """Give a task to every idle worker, starting workers (up to ``workers``) as needed."""
            idle = [w for w in pool if busy.get(w.conn) is not w]
            while queue and (idle or len(pool) < workers):
                if idle:
                    w = idle.pop()
                else:
                    w = _Worker(ctx, fn, initializer, share)
                    pool.append(w)
                w.task = queue.pop()
                w.started = time.perf_counter()
                if w.gauge is not None:
                    w.gauge[0] = 0
                w.conn.send(w.task)
                busy[w.conn] = w

        def retire(w: _Worker) -> None:
            w.kill()
            pool.remove(w)

        feed_idle()
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
                    retire(w)
                    if max_memory and code is not None and code != 0 and w.near_bound():
                        yield TaskResult(
                            w.task,
                            False,
                            error="memory",
                            message=memory_message(max_memory, workers),
                            seconds=elapsed,
                        )
                    else:
                        yield TaskResult(
                            w.task,
                            False,
                            error="crashed",
                            message=_died(code, max_memory, workers),
                            seconds=elapsed,
                        )
                elif msg[0] == "ok":
                    yield TaskResult(w.task, True, msg[1], seconds=elapsed)
                elif msg[0] == "memory":
                    # a worker that ran out of its share may hold on to fragmented memory: replace it
                    retire(w)
                    yield TaskResult(
                        w.task,
                        False,
                        error="memory",
                        message=memory_message(max_memory, workers) if max_memory else "MemoryError",
                        seconds=elapsed,
                    )
                else:
                    yield TaskResult(w.task, False, error="exception", message=msg[1], seconds=elapsed)
                feed_idle()  # after the caller has seen the result (and maybe added tasks)
            if timeout is not None:
                for w in list(busy.values()):
                    if time.perf_counter() - w.started > timeout:
                        del busy[w.conn]
                        retire(w)
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
                        feed_idle()
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


def _died(code: int | None, max_memory: int | None, workers: int) -> str:
    if code is not None and code < 0:
        try:
            how = f"died (killed by {signal.Signals(-code).name})"
        except ValueError:
            how = f"died (killed by signal {-code})"
    else:
        how = f"died (exit code {code})"
    message = f"the worker process {how} while reading this file"
    if max_memory and code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS, 1):
        share = worker_share(max_memory, workers) or max_memory
        message += (
            f"; it may have needed more than its share of the memory bound ({share >> 20} MB of "
            f"--max-memory {max_memory >> 20} MB): raise it with --max-memory MB (0 = no limit)"
        )
    return message


def default_workers() -> int:
    """All cores (at least one)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
