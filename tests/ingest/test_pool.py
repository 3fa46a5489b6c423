"""The isolating process pool: timeouts, crashes and exceptions are reported per task."""

from __future__ import annotations

import os
import signal
import time

import pytest

from policytext.ingest.pool import TaskQueue, TaskResult, default_workers, run_tasks


def square(x: int) -> int:
    return x * x


def task_fn(task: tuple[str, int]) -> int:
    kind, n = task
    if kind == "sleep":
        time.sleep(30)
    elif kind == "exit":
        os._exit(3)
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "raise":
        raise ValueError(f"bad task {n}")
    return n * 10


def _by_task(results: list[TaskResult]) -> dict:
    return {r.task: r for r in results}


def test_all_tasks_with_two_workers() -> None:
    results = list(run_tasks(square, range(10), workers=2))
    assert sorted(r.value for r in results) == [n * n for n in range(10)]
    assert all(r.ok and r.error is None for r in results)


def test_in_process_mode() -> None:
    results = list(run_tasks(task_fn, [("ok", 1), ("raise", 2), ("ok", 3)], workers=0))
    assert [(r.task, r.ok, r.value, r.error) for r in results] == [
        (("ok", 1), True, 10, None),
        (("raise", 2), False, None, "exception"),
        (("ok", 3), True, 30, None),
    ]
    assert "ValueError: bad task 2" in results[1].message


def test_timeout_reported_and_others_finish() -> None:
    tasks = [("ok", 1), ("sleep", 2), ("ok", 3), ("ok", 4), ("ok", 5)]
    t0 = time.perf_counter()
    res = _by_task(list(run_tasks(task_fn, tasks, workers=2, timeout=1.0)))
    assert time.perf_counter() - t0 < 15
    assert set(res) == set(tasks)
    assert res[("sleep", 2)].ok is False
    assert res[("sleep", 2)].error == "timeout"
    assert res[("sleep", 2)].seconds >= 1.0
    for t in tasks:
        if t[0] == "ok":
            assert res[t].ok and res[t].value == t[1] * 10


CRASH_TASKS = [("ok", 1), ("exit", 2), ("ok", 3), ("kill", 4), ("ok", 5), ("ok", 6)]


def test_crashes_reported() -> None:
    res = _by_task(list(run_tasks(task_fn, CRASH_TASKS, workers=2, timeout=20)))
    assert set(res) == set(CRASH_TASKS)
    for t in [("exit", 2), ("kill", 4)]:
        assert res[t].ok is False
        assert res[t].error == "crashed"
        assert "worker process died" in res[t].message


def test_crash_of_single_worker_others_finish() -> None:
    tasks = [("ok", 1), ("exit", 2), ("ok", 3)]
    res = _by_task(list(run_tasks(task_fn, tasks, workers=1, timeout=20)))
    assert res[("exit", 2)].error == "crashed"
    assert res[("ok", 1)].value == 10 and res[("ok", 3)].value == 30


@pytest.mark.slow
def test_crashes_never_take_healthy_tasks_down() -> None:
    wrong = []
    for _ in range(150):
        for r in run_tasks(task_fn, CRASH_TASKS, workers=2, timeout=20):
            if r.task[0] == "ok" and not (r.ok and r.value == r.task[1] * 10):
                wrong.append(r)
    assert wrong == []


def test_exception_reported() -> None:
    tasks = [("raise", 1), ("ok", 2), ("ok", 3)]
    res = _by_task(list(run_tasks(task_fn, tasks, workers=2)))
    assert res[("raise", 1)].error == "exception"
    assert "ValueError: bad task 1" in res[("raise", 1)].message
    assert res[("ok", 2)].value == 20 and res[("ok", 3)].value == 30


def test_default_workers_positive() -> None:
    assert default_workers() >= 1


def test_queue_runs_largest_first_and_tasks_added_while_running() -> None:
    """A TaskQueue is taken largest first; a task put in it while results come in is run too."""
    queue = TaskQueue()
    for n, size in [(1, 10), (2, 30), (3, 20)]:
        queue.put(("ok", n), size)
    seen = []
    for r in run_tasks(task_fn, queue, workers=1):
        seen.append(r.task)
        if r.task == ("ok", 2):  # the first result: two more tasks, the larger first
            queue.put(("ok", 4), 5)
            queue.put(("ok", 5), 50)
    assert seen == [("ok", 2), ("ok", 5), ("ok", 3), ("ok", 1), ("ok", 4)]


def test_queue_discard() -> None:
    queue = TaskQueue([3, 1, 2], size=float)
    assert queue.discard(lambda t: t == 2) == 1 and len(queue) == 2
    assert [queue.pop(), queue.pop()] == [3, 1] and not queue


def test_in_process_mode_takes_added_tasks() -> None:
    queue = TaskQueue([("ok", 1)])
    seen = []
    for r in run_tasks(task_fn, queue, workers=0):
        seen.append(r.value)
        if r.task == ("ok", 1):
            queue.put(("ok", 2))
    assert seen == [10, 20]


def test_workers_started_as_tasks_arrive() -> None:
    """One task at first, then four more: the pool grows to the workers asked for and runs them all."""
    queue = TaskQueue([("ok", 0)])
    pids: set[int] = set()
    for r in run_tasks(os_pid_after, queue, workers=2):
        pids.add(r.value)
        if r.task == ("ok", 0):
            for n in range(1, 5):
                queue.put(("ok", n))
    assert len(pids) == 2


def os_pid_after(task: tuple[str, int]) -> int:
    time.sleep(0.3)
    return os.getpid()
