"""Helpers of tests/test_hostile.py: listeners, the process and disk scans, the outputs.

The only file in tests/hostile that is imported (``from hostile.harness import ...``); the
others are submission sources, read as text.
"""

from __future__ import annotations

import csv
import hashlib
import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

from grader.grading.names import student_slug

SANDBOX_UID_BASE = 61000  # grader.sandbox.launcher.SANDBOX_UID_BASE (checked by the tests)
SANDBOX_UIDS = range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + 1000)


# --------------------------------------------------------------------------- listeners


class Listener:
    """A bounded accept loop in a thread that records every connection it accepts."""

    def __init__(self, family: int, address):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind(address)
        if family == socket.AF_UNIX and isinstance(address, str) and address[0] != "\0":
            os.chmod(address, 0o777)  # only the sandbox's view of the disk may stop it
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.address = self.sock.getsockname()
        self.accepted: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set() and len(self.accepted) < 1000:
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def connect(family: int, address) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(address)


def wait_for(listener: Listener, count: int) -> None:
    deadline = time.monotonic() + 2
    while len(listener.accepted) < count and time.monotonic() < deadline:
        time.sleep(0.01)


# --------------------------------------------------------------------------- outputs


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(str(path.relative_to(root)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def scores(out: Path) -> dict[str, float]:
    with open(out / "grades.csv", encoding="utf-8") as f:
        return {row["student"]: float(row["total"]) for row in csv.DictReader(f)}


def gradebook(out: Path) -> dict[str, str]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return dict(db.execute("SELECT student, result FROM grades").fetchall())
    finally:
        db.close()


def learner_files(out: Path, student: str) -> list[Path]:
    slug = student_slug(student)
    return [out / "feedback" / f"{slug}.md", out / "feedback" / f"{slug}.html",
            out / "results" / slug / "results.json"]


# --------------------------------------------------------------------------- processes, disk


def _proc_info(pid: str) -> tuple[int, int, bytes] | None:
    """(uid, parent pid, cmdline) of a process, or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    uid = int(status.split("Uid:")[1].split()[0])
    ppid = int(status.split("PPid:")[1].split()[0])
    return uid, ppid, cmdline


def leftover_processes(marks: list[str]) -> list[str]:
    """Sandbox processes still alive: ours (a mark in their own or an ancestor's command line)
    or orphans (a sandbox uid or the sandbox child with no bubblewrap above them)."""
    table = {int(p): info for p in os.listdir("/proc") if p.isdigit()
             and (info := _proc_info(p)) is not None}
    found = []
    for pid, (uid, _, cmdline) in table.items():
        sandboxy = (uid in SANDBOX_UIDS
                    or b"/runtime/child.py" in cmdline or b"mlmath-hostile-sleeper" in cmdline)
        chain, cur, seen = [], pid, 0
        while cur in table and seen < 64:
            chain.append(table[cur][2])
            cur, seen = table[cur][1], seen + 1
        ours = any(m.encode() in c for m in marks for c in chain)
        orphan = sandboxy and not any(c.startswith(b"bwrap") or b"/bwrap\0" in c for c in chain)
        if (ours and (sandboxy or chain[0].startswith(b"bwrap"))) or orphan:
            shown = cmdline.replace(b"\0", b" ")[:160].decode(errors="replace")
            found.append(f"{pid} uid={uid} {shown}")
    return found


def wait_for_no_leftovers(marks: list[str], grace: float = 10.0) -> list[str]:
    """Leftover processes once a short grace period (for the kernel's teardown) is over."""
    deadline = time.monotonic() + grace
    while (left := leftover_processes(marks)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def host_files_from(token: str, roots=("/tmp", "/var/tmp", "/dev/shm")) -> list[str]:
    """Files on the host named with the run's token or owned by a sandbox uid (bounded walk)."""
    found, seen = [], 0
    for top in roots:
        for dirpath, dirs, files in os.walk(top):
            depth = dirpath[len(top):].count(os.sep)
            if depth >= 4:
                dirs[:] = []
            for name in dirs + files:
                seen += 1
                path = os.path.join(dirpath, name)
                try:
                    uid = os.lstat(path).st_uid
                except OSError:
                    continue
                if token in name or uid in SANDBOX_UIDS:
                    found.append(path)
            if seen > 200_000:
                break
    return found
