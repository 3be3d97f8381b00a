"""The judge's handle on one sandbox: start it, send requests, kill it.

A :class:`Sandbox` owns one submission folder. Each request is a frame written to the
child; the answer is read back with a wall-clock timeout (CPU limits alone never stop a
``sleep``). A timeout, crash or exit kills the whole sandbox (its cgroup, its PID namespace,
or its process group) and fails that request with a plain message; the next request starts
a fresh one. Everything the child prints goes to a capped buffer never shown to learners.

The child is either started from scratch (a new bubblewrap sandbox and interpreter), or
forked by the worker's warm :class:`~grader.sandbox.zygote.Zygote`, which has the libraries
already imported; both answer the same protocol.
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import threading
import time
from pathlib import Path

from grader import wire
from grader.sandbox import seccomp
from grader.sandbox.cgroups import Cgroup
from grader.sandbox.launcher import CLEAN_ENV, Isolation, Limits, build_command
from grader.sandbox.memwatch import MemoryWatch
from grader.sandbox.zygote import Zygote, ZygoteError

_LAUNCH = threading.Lock()
_STOPPING = threading.Event()


class SandboxesStopped(RuntimeError):
    """Raised by a request made after :func:`stop_launching` (the worker is exiting)."""


def stop_launching(wait: float = 5.0) -> None:
    """From now on no sandbox of this process starts; returns once a start already under way
    (in another thread, such as the suites' thread) has finished, so the caller can kill
    every sandbox knowing none appears afterwards."""
    _STOPPING.set()
    _LAUNCH.acquire(timeout=wait)  # never released: the process is about to exit


class Sandbox:
    """One student's sandbox process, restarted on demand after a crash or timeout."""

    def __init__(self, submission: Path, isolation: Isolation, limits: Limits, slot: int = 0,
                 zygote: Zygote | None = None):
        self.submission = Path(submission).resolve()
        self.isolation = isolation
        self.limits = limits
        self.slot = slot
        self.zygote = zygote
        self.proc: subprocess.Popen | None = None
        self.sock = None
        self._rfd = self._wfd = self._out = -1
        self.running = False
        self.output = bytearray()
        self.output_dropped = 0
        self.started_at = time.monotonic()
        self.next_id = 0
        self.answers = 0  # requests made: a hidden test that made none failed on its own
        self._drain: threading.Thread | None = None
        self._owns_out = False  # the output pipe is ours to close (a zygote's child)
        self._memwatch: MemoryWatch | None = None
        self.cgroup: Cgroup | None = None
        self.oom_killed = False
        # What the judge learnt about this submission, kept across restarts:
        self.imported: set[str] = set()          # modules that import cleanly
        self.import_failures: dict[str, str] = {}  # module -> how importing it failed
        self.stuck: set[tuple[str, str]] = set()  # (module, function) that timed out
        self.not_started: set[tuple[str, str]] = set()  # (module, function) still a stub

    # ------------------------------------------------------------------ lifecycle

    def _start(self) -> None:
        with _LAUNCH:  # a worker that is stopping waits for a start under way, then bars more
            if _STOPPING.is_set():
                raise SandboxesStopped("this worker is stopping: no new sandbox")
            self._launch()

    def _launch(self) -> None:
        if self.zygote is not None:
            try:
                self.sock, self._out, self.cgroup = self.zygote.spawn(
                    self.limits.memory_bytes, self.limits.processes)
            except ZygoteError:
                self.zygote = None  # fall back to a sandbox started from scratch
            else:
                self._rfd = self._wfd = self.sock.fileno()
                self._owns_out = True
                self._begin_drain()
                return
        self._owns_out = False
        layers = self.isolation.layers
        fd = seccomp.filter_fd() if "seccomp" in layers else None
        if "cgroup" in layers:
            self.cgroup = Cgroup(self.limits.memory_bytes, self.limits.processes)
        argv = build_command(self.submission, self.isolation, self.limits, self.slot, fd)
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self.submission, env=dict(CLEAN_ENV), close_fds=True,
                start_new_session=True, pass_fds=() if fd is None else (fd,),
                preexec_fn=self.cgroup.join if self.cgroup else None,
            )
        finally:
            if fd is not None:
                os.close(fd)
        self._wfd, self._rfd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self._out = self.proc.stderr.fileno()
        if "memwatch" in layers and self.cgroup is None:
            self._memwatch = MemoryWatch(self.proc.pid, self.limits.memory_bytes,
                                         self._memory_exceeded)
        self._begin_drain()

    def _memory_exceeded(self) -> None:
        """Called by the memory watch: kill the whole sandbox; the pending call then fails
        as a crash over the memory limit."""
        self.oom_killed = True
        proc = self.proc
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.kill()
            except OSError:
                pass

    def _begin_drain(self) -> None:
        for fd in {self._rfd, self._wfd}:
            os.set_blocking(fd, False)
        self.running = True
        self._drain = threading.Thread(target=self._drain_output,
                                       args=(self._out, self._owns_out),
                                       daemon=True)
        self._drain.start()

    def _drain_output(self, fd: int, owned: bool) -> None:
        """Keep the child's output (up to the limit) until it ends. A zygote's child's pipe is
        ours alone, so it is closed here, when the child is gone: kill() does not wait."""
        try:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                room = max(self.limits.output_bytes - len(self.output), 0)
                self.output += chunk[:room]
                self.output_dropped += len(chunk) - len(chunk[:room])
        finally:
            if owned:  # this launch's pipe, whatever launch comes after it
                os.close(fd)

    def kill(self) -> None:
        """Kill the sandbox and everything it started; safe to call twice."""
        if not self.running:
            return
        self.running = False
        watch, self._memwatch = self._memwatch, None
        if watch is not None:
            watch.stop()
        cgroup, self.cgroup = self.cgroup, None
        if cgroup is not None:
            self.oom_killed = self.oom_killed or cgroup.oom_killed()
            if self.zygote is not None and self.proc is None:
                self.zygote.bury(cgroup)
            else:
                cgroup.kill_all()
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self._drain is not None and not self._owns_out:
            self._drain.join(timeout=1)
        self._out = -1

    close = kill

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    # ------------------------------------------------------------------ requests

    def time_left(self) -> float:
        return self.limits.submission_timeout - (time.monotonic() - self.started_at)

    def request(self, req: dict) -> dict:
        """Send one request; return the child's raw answer or a synthesised error answer."""
        self.answers += 1
        budget = min(self.limits.call_timeout, self.time_left())
        if budget <= 0:
            return _failure("submission_timeout")
        if not self.running:
            self._start()
        self.next_id += 1
        req = {**req, "id": self.next_id}
        body = json.dumps(req, separators=(",", ":")).encode()
        deadline = time.monotonic() + budget
        try:
            self._write(struct.pack(">I", len(body)) + body, deadline)
        except TimeoutError:
            self.kill()
            return _failure("timeout", seconds=budget)
        except OSError:
            return self._crashed()
        try:
            header = self._read(4, deadline)
            (n,) = struct.unpack(">I", header)
            if n > wire.MAX_MESSAGE_BYTES:
                self.kill()
                return _failure("unsupported", detail="answer too large")
            answer = json.loads(self._read(n, deadline))
        except TimeoutError:
            self.kill()
            return _failure("timeout", seconds=budget)
        except EOFError:
            return self._crashed()
        except ValueError:
            self.kill()
            return _failure("protocol")
        if not isinstance(answer, dict) or answer.get("id") != self.next_id:
            self.kill()
            return _failure("protocol")
        answer["from_sandbox"] = True  # whatever the child claimed: its text is untrusted
        return answer

    def _crashed(self) -> dict:
        proc, code = self.proc, None
        if proc is not None:
            try:
                code = proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        return _failure("crash", exitcode=code, memory=self.oom_killed)

    def _wait(self, fd: int, event: int, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        poller = select.poll()  # no system call until poll() itself
        poller.register(fd, event | select.POLLHUP | select.POLLERR)
        if remaining <= 0 or not poller.poll(remaining * 1000):
            raise TimeoutError

    def _write(self, data: bytes, deadline: float) -> None:
        while data:  # try first: the channel almost always has room
            try:
                data = data[os.write(self._wfd, data[: 1 << 16]):]
            except BlockingIOError:
                self._wait(self._wfd, select.POLLOUT, deadline)

    def _read(self, n: int, deadline: float) -> bytes:
        chunks = []
        while n:
            try:
                chunk = os.read(self._rfd, min(n, 1 << 20))
            except BlockingIOError:
                self._wait(self._rfd, select.POLLIN, deadline)
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)


def _failure(kind: str, **extra) -> dict:
    return {"ok": False, "error": {"kind": kind, **extra}}
