"""A warm zygote per worker: fresh sandboxed processes without paying the imports each time.

Starting Python and importing numpy, SymPy and matplotlib costs a sandbox most of a second;
the tests themselves often take less. So each worker keeps one sandbox, the *zygote*, that
has imported those libraries and never runs student code. For each submission the judge
copies the files into the worker's slot folder (bound read-only at ``/submission``), sends the
zygote a fresh socket, and a child forked from the zygote serves only that submission.

That child is forked ahead, as a *spare* that waits: while one submission is graded, the
judge moves the next spare into its own cgroup (a move waits for the kernel, about 8 ms
here) and onto the worker's CPU, so a submission's sandbox starts in about a millisecond.
The child is in its own cgroup before it reads its first request, so its memory and process
limits are its own and killing the cgroup removes everything it started; the zygote reaps
the last child and wipes ``/tmp`` and ``/dev/shm`` before it hands a spare its channel, and
is not dumpable, so one submission can leave nothing behind for the next. A submission can
see the spare (same uid and pid namespace) and kill or stop it; the spare then does not say
``ok`` and the zygote is replaced, so that costs the next submission time, never a score.
The zygote has loaded no hidden suite, solution or gradebook (it is
started by exec from the judge, not forked from it), which is the rule for any sandbox.
Used only with bubblewrap and cgroups (in practice: as root); otherwise every submission gets
a sandbox started from scratch.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from grader.sandbox import seccomp
from grader.sandbox.cgroups import Cgroup
from grader.sandbox.launcher import CLEAN_ENV, Isolation, Limits, build_command


def _unpin(pid: int = 0) -> None:
    """Let process ``pid`` (0: this one) run on any CPU again (see worker._pin_to_one_cpu)."""
    try:
        os.sched_setaffinity(pid, range(os.cpu_count() or 1))
    except OSError:
        pass


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
        self._own: set[int] = set()  # the zygote's own processes (bubblewrap, itself)
        self._preparing: threading.Thread | None = None  # places the next spare
        self._spare_group: Cgroup | None = None  # made for the spare, not yet handed over
        self._spare_error: ZygoteError | None = None  # why the spare could not be placed
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
        group = self.cgroup

        def before_exec() -> None:
            group.join()
            _unpin()  # the zygote forks while the worker's CPU runs the judge

        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=self.slot_dir, env=dict(CLEAN_ENV),
                close_fds=True, start_new_session=True, pass_fds=pass_fds,
                preexec_fn=before_exec)
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
        self._own = self.cgroup.pids()  # bubblewrap and the zygote itself
        try:
            self.control.sendall(b"spare")
        except OSError as err:
            raise ZygoteError(f"zygote is gone: {err}") from None
        self._prepare()

    def spawn(self, memory_bytes: int, processes: int, timeout: float = 10.0):
        """Hand the prepared spare the submission in the slot folder.

        A zygote that died (a submission may kill it: same uid) is replaced once, and so is
        one whose spare does not answer.
        Returns ``(channel socket, output pipe read end, the child's cgroup)``.
        """
        if (memory_bytes, processes) != (self.limits.memory_bytes, self.limits.processes):
            raise ZygoteError("the spare was prepared with other limits")
        for attempt in (1, 2):
            try:
                if self.proc is None or self.proc.poll() is not None:
                    self.close()
                    self._start()
                return self._hand_over(timeout)
            except ZygoteError:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def bury(self, group: Cgroup) -> None:
        """Kill a child's group now; its removal waits for the processes to be gone.

        Tearing down a forked copy of the zygote takes milliseconds; the judge does not wait
        for it (the zygote reaps its child before the next one starts). The dying processes
        are let off the worker's CPU first, so that the teardown can run beside the judge.
        """
        for pid in group.pids():
            _unpin(pid)
        group.signal_all()
        self.graveyard.append(group)
        for old in list(self.graveyard):
            if not old.pids():
                old.kill_all()
                self.graveyard.remove(old)

    def _prepare(self) -> None:
        """In the background: find the spare the zygote forked, move it into a cgroup of its
        own and onto this worker's CPU. Moving a process between cgroups waits for the
        kernel (about 8 ms here), so it is done while the judge grades the last submission."""
        self._spare_error = None
        self._preparing = threading.Thread(target=self._place_spare, daemon=True,
                                           name="mlmath-zygote-spare")
        self._preparing.start()

    def _place_spare(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not (new := self.cgroup.pids() - self._own):
            if time.monotonic() > deadline or self.proc is None or self.proc.poll() is not None:
                self._spare_error = ZygoteError("the zygote did not fork")
                return
            time.sleep(0.0005)
        if len(new) != 1:
            self._spare_error = ZygoteError(
                f"the zygote's group holds {len(new)} new processes")
            return
        (pid,) = new
        try:
            group = Cgroup(self.limits.memory_bytes, self.limits.processes)
        except OSError as err:
            self._spare_error = ZygoteError(f"no cgroup for the spare: {err}")
            return
        self._spare_group = group  # killed by close() until it is handed over
        try:
            group.attach(pid)
        except OSError as err:
            self._spare_error = ZygoteError(f"the spare could not be moved: {err}")
            return
        try:
            os.sched_setaffinity(pid, os.sched_getaffinity(0))
        except OSError:
            pass

    def _hand_over(self, timeout: float):
        if self._preparing is not None:
            self._preparing.join(timeout)
            if self._preparing.is_alive():
                raise ZygoteError("the spare was not placed in time")
        if self._spare_error is not None:
            raise self._spare_error
        group = self._spare_group
        if group is None:
            raise ZygoteError("no spare")
        judge_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        try:
            socket.send_fds(self.control, [b"go"], [child_end.fileno(), out_w])
        except OSError as err:
            judge_end.close()
            os.close(out_r)
            raise ZygoteError(f"zygote is gone: {err}") from None
        finally:
            child_end.close()
            os.close(out_w)
        self._spare_group = None
        self._prepare()  # the zygote forks the next spare now
        judge_end.settimeout(min(timeout, 5.0))
        ok = b""
        try:
            while len(ok) < 2 and (chunk := judge_end.recv(2 - len(ok))):
                ok += chunk
        except OSError:
            pass
        judge_end.settimeout(None)
        if ok != b"ok":  # killed or stopped by the last submission: start afresh
            judge_end.close()
            os.close(out_r)
            group.kill_all()
            raise ZygoteError("the spare did not answer")
        return judge_end, out_r, group

    def close(self) -> None:
        if self._preparing is not None and self._preparing is not threading.current_thread():
            self._preparing.join(10)
        self._preparing = self._spare_error = None
        if self._spare_group is not None:
            self._spare_group.kill_all()
            self._spare_group = None
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


