"""Memory over all of a sandbox's processes, where no cgroup can limit it (an ordinary user).

``RLIMIT_AS`` bounds each process, but four processes under a 2 GiB limit can hold 8 GiB.
Without a cgroup the kernel keeps no total, so the judge keeps one: a thread reads, a few
times a second, the private resident memory (``resident - shared`` from
``/proc/PID/statm``, which every user may read) of each process descended from the
sandbox's first process, and kills the sandbox when the sum passes the limit. Memory a
forked child still shares copy-on-write with its parent is counted in both, so the sum
errs on the high side.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.1  # seconds between two readings


def _table() -> dict[int, list[int]]:
    """parent pid -> child pids, for every process now."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(name))
    return children


def private_bytes(root: int) -> int:
    """Resident private memory of ``root`` and all its descendants, in bytes."""
    table = _table()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                _size, resident, shared, *_ = (int(x) for x in f.read().split())
            total += max(resident - shared, 0) * PAGE
        except (OSError, ValueError):
            pass
        stack.extend(table.get(pid, ()))
    return total


class MemoryWatch:
    """Calls ``on_exceeded`` once if the processes under ``root`` pass ``limit`` bytes."""

    def __init__(self, root: int, limit: int, on_exceeded: Callable[[], None]):
        self.root, self.limit, self.on_exceeded = root, limit, on_exceeded
        self.peak = 0
        self.exceeded = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mlmath-memwatch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            used = private_bytes(self.root)
            self.peak = max(self.peak, used)
            if used > self.limit:
                self.exceeded = True
                self.on_exceeded()
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
