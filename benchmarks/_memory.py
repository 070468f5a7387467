"""Peak memory of a process *and its children*, sampled from ``/proc`` (private to the benchmarks).

``ru_maxrss`` of a process leaves out the worker processes it forks (our batch run normalises phones
and emails in one), and the children's own ``ru_maxrss`` counts the pages they share copy-on-write with
the parent as theirs, so adding the two overstates. The proportional set size (PSS) splits every shared
page between the processes that map it, so the sum of PSS over a process tree is the memory the tree
really holds. :class:`TreeMemory` samples that sum in a background thread while the process runs.

Sampling can miss a peak shorter than the interval; callers report the larger of the sampled tree peak
and the main process's own ``ru_maxrss``, which the kernel tracks exactly.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

__all__ = ["TreeMemory", "descendants", "pss_bytes"]

_PROC = Path("/proc")


def pss_bytes(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes; 0 once the process is gone (or without ``/proc``)."""
    try:
        with open(_PROC / str(pid) / "smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def descendants(pid: int) -> list[int]:
    """All living descendants of ``pid`` (children of every thread, recursively)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(_PROC / str(parent) / "task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = (_PROC / str(parent) / "task" / task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                stack.append(child)
    return found


class TreeMemory:
    """Sample the summed PSS of ``pid`` and its descendants every ``interval`` seconds.

    Use as a context manager around the life of the process; ``peak_bytes`` is the largest sum seen
    (0 where ``/proc`` has no ``smaps_rollup``, such as on macOS: callers fall back to ``ru_maxrss``).

    >>> import subprocess, sys
    >>> proc = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(50 * 2**20); time.sleep(0.5)"])
    >>> with TreeMemory(proc.pid, interval=0.02) as memory:
    ...     _ = proc.wait()
    >>> memory.peak_bytes == 0 or memory.peak_bytes > 50 * 2**20
    True
    """

    def __init__(self, pid: int, *, interval: float = 0.025) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def sample(self) -> int:
        """One sample now: the tree's summed PSS (also folded into ``peak_bytes``)."""
        total = sum(pss_bytes(p) for p in [self.pid, *descendants(self.pid)])
        self.peak_bytes = max(self.peak_bytes, total)
        self.samples += 1
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
