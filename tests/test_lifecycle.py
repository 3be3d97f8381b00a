"""Nothing outlives the grader, and a stopped run resumes: kill -9, SIGTERM and Ctrl-C.

Each test starts the real CLI on a class whose `add` sleeps, waits for a *condition* (a
sandbox is running, some students are graded), signals the grading process, and then waits
for every process that descended from it (workers, fork server, resource tracker,
bubblewrap, sandboxes) to be gone, and for its private folders and cgroups to be removed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOY_SUITES = REPO / "tests" / "fixtures" / "toy_suites"
SLOW = '''
import time


def add(a, b):
    time.sleep(1.0)
    return a + b


def largest(xs):
    return max(xs)


class Counter:
    def __init__(self):
        self.n = 0

    def increment(self):
        self.n += 1
        return self.n
'''
STUDENTS = 8
GONE_WITHIN = 10.0  # seconds; the watch reacts at once, the slack is for a busy machine


def make_class(root: Path) -> Path:
    for i in range(STUDENTS):
        folder = root / f"s{i}"
        folder.mkdir(parents=True)
        (folder / "ex01_toy.py").write_text(SLOW)
    return root


def start(classdir: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(classdir), "--out", str(out),
           "--suites", str(TOY_SUITES), "--jobs", "2", "--timeout", "5"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True)


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process now."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            status = Path(f"/proc/{name}/status").read_text()
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(status.split("PPid:")[1].split()[0])
        table[int(name)] = (ppid, cmdline.decode(errors="replace"))
    return table


def descendants(root: int) -> dict[int, str]:
    table = processes()
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, cmd) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = cmd
                frontier.append(pid)
    return found


def graded(out: Path) -> int:
    try:
        db = sqlite3.connect(out / "gradebook.sqlite", timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # the file or its table does not exist yet


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def running_sandbox(proc: subprocess.Popen, out: Path, min_graded: int):
    """The grader's descendants once a sandbox runs and ``min_graded`` students are stored."""
    def ready():
        if proc.poll() is not None:
            pytest.fail(f"the grader ended early: {proc.communicate()[1][-2000:]}")
        tree = descendants(proc.pid)
        sandbox = any("child.py" in cmd for cmd in tree.values())
        return tree if sandbox and graded(out) >= min_graded else None
    return wait_until(ready, 180, f"a running sandbox and {min_graded} graded students")


def alive(pids) -> list[int]:
    return [p for p in pids if Path(f"/proc/{p}").exists()
            and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()]


def assert_all_gone(tree: dict[int, str]) -> float:
    start_t = time.monotonic()
    wait_until(lambda: not alive(tree), GONE_WITHIN,
               "these processes to end: " + "; ".join(
                   f"{p} {tree[p][:80]}" for p in alive(tree)))
    took = time.monotonic() - start_t
    owners = set()
    for root in Path(tempfile.gettempdir()).glob("mlmath-private-*"):
        try:
            owners.add(int((root / "owner.pid").read_text()))
        except (OSError, ValueError):
            continue
    assert not owners & set(tree), "a private folder of a stopped worker was left behind"
    for parent in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup/mlmath")):
        if parent.is_dir():
            left = [d.name for d in parent.iterdir()
                    if d.name.startswith("mlmath-") and int(d.name.split("-")[1]) in tree]
            assert not left, f"cgroups left behind: {left}"
    return took


def test_kill_9_of_the_grader_takes_every_process_with_it(tmp_path):
    """After kill -9 of `mlmath grade`, do its workers, fork server and sandboxes end too?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    proc = start(classdir, out)
    tree = running_sandbox(proc, out, 0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    took = assert_all_gone(tree)
    print(f"every descendant gone {took:.2f} s after kill -9")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_run_keeps_what_it_graded_and_resumes(tmp_path, signum):
    """After SIGTERM or Ctrl-C, does the run stop cleanly, keep its grades, say how to resume,
    and does the same command then grade exactly the rest?"""
    classdir, out = make_class(tmp_path / "class"), tmp_path / "out"
    proc = start(classdir, out)
    tree = running_sandbox(proc, out, 1)
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr[-2000:]
    assert "Run the same command again" in stderr
    assert "Traceback" not in stderr
    assert_all_gone(tree)
    kept = graded(out)
    assert 1 <= kept < STUDENTS
    again = start(classdir, out)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr[-2000:]
    assert f"{STUDENTS - kept} graded now, {kept} already in the gradebook" in stdout
    assert graded(out) == STUDENTS
