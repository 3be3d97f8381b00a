"""A warm zygote per worker: fresh sandboxed processes without paying the imports each time.

Starting Python and importing numpy, SymPy and matplotlib costs a sandbox most of a second;
the tests themselves often take less. So each worker keeps one sandbox, the *zygote*, that
has imported those libraries and never runs student code. For each submission the judge
copies the files into the worker's slot folder (bound read-only at ``/submission``), sends the
zygote a fresh socket, and the zygote forks a child that serves only that submission.

The child is moved into its own cgroup before it reads its first request, so its memory and
process limits are its own and killing the cgroup removes everything it started; the zygote
wipes ``/tmp`` before every fork and is not dumpable, so one submission can leave nothing
behind for the next. The zygote has loaded no hidden suite, solution or gradebook (it is
started by exec from the judge, not forked from it), which is the rule for any sandbox.
Used only with bubblewrap and cgroups (in practice: as root); otherwise every submission gets
a sandbox started from scratch.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from grader.sandbox import seccomp
from grader.sandbox.cgroups import Cgroup
from grader.sandbox.launcher import CLEAN_ENV, Isolation, Limits, build_command


class ZygoteError(RuntimeError):
    """The zygote could not fork a child (it died, or the child never appeared)."""


def usable(isolation: Isolation) -> bool:
    return {"bwrap", "cgroup"} <= set(isolation.layers)


class Zygote:
    """One worker's zygote sandbox and its slot folder."""

    def __init__(self, slot_dir: Path, isolation: Isolation, limits: Limits, slot: int):
        if not usable(isolation):  # its /tmp and /dev/shm must be bubblewrap's private ones
            raise ValueError(f"a zygote needs bubblewrap and cgroups, not {isolation.name}: "
                             "it wipes /tmp and /dev/shm before every fork")
        self.slot_dir = Path(slot_dir)
        self.isolation, self.limits, self.slot = isolation, limits, slot
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.cgroup: Cgroup | None = None
        self.key: tuple = ()
        self.starts = 0  # how many times the zygote process was (re)started
        self.graveyard: list[Cgroup] = []  # killed children's groups, removed when empty

    def load(self, files: dict[str, bytes]) -> None:
        """Replace the slot folder's contents with one submission's files."""
        for entry in self.slot_dir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for name, data in files.items():
            path = self.slot_dir / name
            path.write_bytes(data)
            path.chmod(0o644)

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        fd = seccomp.filter_fd() if "seccomp" in self.isolation.layers else None
        self.cgroup = Cgroup(self.limits.memory_bytes, self.limits.processes)
        self.starts += 1
        argv = build_command(self.slot_dir, self.isolation, self.limits, self.slot, fd,
                             child_options=(f"--zygote={theirs.fileno()}",))
        pass_fds = [theirs.fileno()] + ([] if fd is None else [fd])
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=self.slot_dir, env=dict(CLEAN_ENV),
                close_fds=True, start_new_session=True, pass_fds=pass_fds,
                preexec_fn=self.cgroup.join)
        finally:
            theirs.close()
            if fd is not None:
                os.close(fd)
        self.control = ours
        # Wait until the zygote has imported everything: only then is the set of processes
        # in its cgroup final, so that a fork shows up as the one new process.
        ours.settimeout(60)
        try:
            ready = ours.recv(5)
        except OSError:
            ready = b""
        ours.settimeout(None)
        if ready != b"ready":
            self.close()
            raise ZygoteError("the zygote did not start")

    def spawn(self, memory_bytes: int, processes: int, timeout: float = 10.0):
        """Fork a fresh server for the submission in the slot folder.

        A zygote that died (a submission may kill it: same uid) is replaced once.
        Returns ``(channel socket, output pipe read end, the child's cgroup)``.
        """
        for attempt in (1, 2):
            try:
                if self.proc is None or self.proc.poll() is not None:
                    self.close()
                    self._start()
                return self._fork(memory_bytes, processes, timeout)
            except ZygoteError:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def bury(self, group: Cgroup) -> None:
        """Kill a child's group now; its removal waits for the processes to be gone.

        Tearing down a forked copy of the zygote takes tens of milliseconds; the next fork
        does not need to wait for it (the zygote reaps its child before it forks again).
        """
        group.signal_all()
        self.graveyard.append(group)
        for old in list(self.graveyard):
            if not old.pids():
                old.kill_all()
                self.graveyard.remove(old)

    def _fork(self, memory_bytes: int, processes: int, timeout: float):
        judge_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        before = self.cgroup.pids()
        try:
            socket.send_fds(self.control, [b"fork"], [child_end.fileno(), out_w])
        except OSError as err:
            judge_end.close()
            os.close(out_r)
            raise ZygoteError(f"zygote is gone: {err}") from None
        finally:
            child_end.close()
            os.close(out_w)
        deadline = time.monotonic() + timeout
        while not (new := self.cgroup.pids() - before):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                judge_end.close()
                os.close(out_r)
                raise ZygoteError("the zygote did not fork")
            time.sleep(0.0005)
        group = Cgroup(memory_bytes, processes)
        for pid in new:
            group.attach(pid)
        return judge_end, out_r, group

    def close(self) -> None:
        for group in self.graveyard:
            group.kill_all()
        self.graveyard = []
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.cgroup is not None:
            self.cgroup.kill_all()
            self.cgroup = None
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


