"""A cgroup per sandbox: a hard memory limit, a process-count limit, and a sure kill.

rlimits are per process and ``RLIMIT_NPROC`` counts every process of a uid (and is ignored for
root), so a fork bomb or memory spread over many processes needs a cgroup: the kernel sums
memory and counts processes over the whole group, whatever the children do (``setsid``,
double forks). At the end every process still in the group is killed, so nothing a
submission started survives its grading.

Both cgroup v1 (separate ``memory`` and ``pids`` hierarchies) and v2 (one unified tree) are
supported when the grader may write to them, which in practice means root. The sandbox
process joins its group between fork and exec, before any student code exists.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


def _writable(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def version() -> str | None:
    """``"v2"``, ``"v1"`` or None when this process cannot create cgroups with both limits."""
    if (ROOT / "cgroup.controllers").exists():
        controllers = (ROOT / "cgroup.controllers").read_text().split()
        if {"memory", "pids"} <= set(controllers) and _writable(ROOT):
            return "v2"
        return None
    if _writable(ROOT / "memory") and _writable(ROOT / "pids"):
        return "v1"
    return None


class Cgroup:
    """The cgroup(s) of one sandbox, created on construction."""

    def __init__(self, memory_bytes: int, max_pids: int):
        self.version = version()
        if self.version is None:
            raise OSError("cgroups are not writable here")
        name = f"mlmath-{os.getpid()}-{next(_counter)}"
        if self.version == "v1":
            self.dirs = [ROOT / "memory" / name, ROOT / "pids" / name]
            limits = {self.dirs[0] / "memory.limit_in_bytes": memory_bytes,
                      self.dirs[1] / "pids.max": max_pids}
        else:
            parent = ROOT / "mlmath"
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
            self.dirs = [parent / name]
            limits = {self.dirs[0] / "memory.max": memory_bytes,
                      self.dirs[0] / "memory.swap.max": 0,
                      self.dirs[0] / "pids.max": max_pids}
        for d in self.dirs:
            d.mkdir()
        for path, value in limits.items():
            if path.exists():
                path.write_text(str(value))
        self._procs_fds = [os.open(d / "cgroup.procs", os.O_WRONLY) for d in self.dirs]

    def attach(self, pid: int) -> None:
        """Move process ``pid`` (and the children it starts afterwards) into the group."""
        for fd in self._procs_fds:
            os.write(fd, str(pid).encode())

    def join(self) -> None:
        """Move the calling process into the group (used between fork and exec)."""
        for fd in self._procs_fds:
            os.write(fd, b"0")

    def pids(self) -> set[int]:
        out: set[int] = set()
        for d in self.dirs:
            try:
                out |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return out

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of this group for exceeding the memory limit."""
        events = self.dirs[0] / ("memory.events" if self.version == "v2" else "memory.failcnt")
        try:
            text = events.read_text()
        except OSError:
            return False
        if self.version == "v2":
            counts = dict(line.split() for line in text.splitlines() if line.strip())
            return counts.get("oom_kill", "0") != "0"
        return int(text.strip() or 0) > 0

    def signal_all(self) -> None:
        """SIGKILL every process now in the group, without waiting for them to go."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def kill_all(self, timeout: float = 5.0) -> None:
        """SIGKILL every process in the group until it is empty, then remove the group."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids or time.monotonic() > deadline:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        for fd in self._procs_fds:
            os.close(fd)
        self._procs_fds = []
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass


def _owner_alive(name: str) -> bool:
    """Whether the process that made group ``mlmath-<pid>-<n>`` still exists."""
    try:
        pid = int(name.split("-")[1])
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(owner: int | None = None) -> int:
    """Kill and remove the groups of grader processes that are gone (a run killed with
    ``kill -9``), or with ``owner`` every group that process made (a worker told to stop);
    return how many were removed. Groups of other live processes are left alone."""
    v = version()
    if v is None:
        return 0
    parents = [ROOT / "memory", ROOT / "pids"] if v == "v1" else [ROOT / "mlmath"]
    removed = 0
    for parent in parents:
        try:
            groups = [d for d in parent.iterdir() if d.is_dir() and d.name.startswith("mlmath-")]
        except OSError:
            continue
        for group in groups:
            if owner is not None:
                if not group.name.startswith(f"mlmath-{owner}-"):
                    continue
            elif _owner_alive(group.name):
                continue
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                try:
                    pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.01)
            try:
                group.rmdir()
                removed += 1
            except OSError:
                pass
    return removed
