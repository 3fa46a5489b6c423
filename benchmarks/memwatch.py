"""Peak memory while code runs: a thread samples resident memory (Linux /proc).

``Watch()`` samples this process (RSS); ``Watch(tree=True)`` samples this process and
all its descendants (worker processes) and sums their proportional set size (PSS), so
pages shared after fork are not counted twice.
"""

from __future__ import annotations

import os
import threading
import time

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss(pid: int | str = "self") -> int:
    """Resident set size in bytes."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def pss(pid: int) -> int:
    """Proportional set size in bytes (falls back to RSS)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss(pid)


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


class Watch:
    """Context manager: ``peak`` (bytes) of resident memory while the block runs."""

    def __init__(self, *, tree: bool = False, interval: float | None = None) -> None:
        self.tree = tree
        self.interval = interval if interval is not None else (0.1 if tree else 0.005)
        self.peak = 0
        self.peak_rss = 0  # with tree: the largest sum of the processes' RSS (shared pages counted in each)
        self.start = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> int:
        if self.tree:
            pids = descendants(os.getpid())
            value = sum(pss(p) for p in pids)
            self.peak_rss = max(self.peak_rss, sum(rss(p) for p in pids))
        else:
            value = rss()
            self.peak_rss = max(self.peak_rss, value)
        self.peak = max(self.peak, value)
        return value

    def reset(self) -> int:
        """Start a new peak from the current value (returns it)."""
        self.peak = 0
        return self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Watch:
        self.start = self.sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


def peak_rss_self() -> int:
    """The kernel's high-water mark of this process's RSS (bytes)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def now() -> float:
    return time.perf_counter()
