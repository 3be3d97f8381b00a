"""The judge's handle on one sandbox: start it, send requests, kill it.

A :class:`Sandbox` owns one submission folder. Each request is a frame written to the
child's stdin; the answer is read from its stdout with a wall-clock timeout (CPU limits alone
never stop a ``sleep``). A timeout, crash or exit kills the whole sandbox (its process group,
or with bubblewrap its PID namespace) and fails that request with a plain message; the next
request starts a fresh sandbox. Everything the child prints goes to a capped buffer that is
never shown to learners.
"""

from __future__ import annotations

import json
import os
import selectors
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


class Sandbox:
    """One student's sandbox process, restarted on demand after a crash or timeout."""

    def __init__(self, submission: Path, isolation: Isolation, limits: Limits, slot: int = 0):
        self.submission = Path(submission).resolve()
        self.isolation = isolation
        self.limits = limits
        self.slot = slot
        self.proc: subprocess.Popen | None = None
        self.output = bytearray()
        self.output_dropped = 0
        self.started_at = time.monotonic()
        self.next_id = 0
        self._drain: threading.Thread | None = None
        self.cgroup: Cgroup | None = None
        self.oom_killed = False
        # What the judge learnt about this submission, kept across restarts:
        self.imported: set[str] = set()          # modules that import cleanly
        self.import_failures: dict[str, str] = {}  # module -> how importing it failed
        self.stuck: set[tuple[str, str]] = set()  # (module, function) that timed out

    # ------------------------------------------------------------------ lifecycle

    def _start(self) -> None:
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
        self._drain = threading.Thread(target=self._drain_output, args=(self.proc,), daemon=True)
        self._drain.start()

    def _drain_output(self, proc: subprocess.Popen) -> None:
        while True:
            chunk = proc.stderr.read1(65536) if proc.stderr else b""
            if not chunk:
                return
            room = self.limits.output_bytes - len(self.output)
            self.output += chunk[: max(room, 0)]
            self.output_dropped += max(len(chunk) - max(room, 0), 0)

    def kill(self) -> None:
        """Kill the sandbox and everything it started; safe to call twice."""
        proc, self.proc = self.proc, None
        cgroup, self.cgroup = self.cgroup, None
        if cgroup is not None:
            self.oom_killed = self.oom_killed or cgroup.oom_killed()
            cgroup.kill_all()
        if proc is None:
            return
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
        if self._drain is not None:
            self._drain.join(timeout=1)

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
        budget = min(self.limits.call_timeout, self.time_left())
        if budget <= 0:
            return _failure("submission_timeout")
        if self.proc is None:
            self._start()
        self.next_id += 1
        req = {**req, "id": self.next_id}
        body = json.dumps(req, separators=(",", ":")).encode()
        try:
            self.proc.stdin.write(struct.pack(">I", len(body)) + body)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._crashed()
        deadline = time.monotonic() + budget
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

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks = []
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while n:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise TimeoutError
                chunk = os.read(fd, min(n, 1 << 20))
                if not chunk:
                    raise EOFError
                chunks.append(chunk)
                n -= len(chunk)
        return b"".join(chunks)


def _failure(kind: str, **extra) -> dict:
    return {"ok": False, "error": {"kind": kind, **extra}}
