"""pytest support for the public tests (ships with the exercises; needs only pytest).

- ``import ex01_logs`` imports YOUR file from this folder. The course's own tests point the
  same public tests at another folder by setting the environment variable
  ``MLMATH_EXERCISE_DIR``.
- Every task header in the exercise files (``# ### Task 1.3 (2 points): ...``) becomes a
  pytest marker ``task_1_3``, so ``pytest -m task_1_3`` runs the tests of one task.
- A task whose stub still raises ``NotImplementedError`` is shown as "not started", and the
  summary at the end lists each task as passed / failed / not started.
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXERCISE_DIR = Path(os.environ.get("MLMATH_EXERCISE_DIR") or HERE).resolve()

TASK_HEADER = re.compile(r"^# #+ Task (\d+)\.(\d+) \((\d+) points?\): (.+)$")
EXERCISE_MODULE = re.compile(r"^ex\d\d_\w+$")
NOT_STARTED = re.compile(r"^Task (\d+\.\d+):")

# Exercise modules come from EXERCISE_DIR; _feedback (and anything else) from here.
for _path in (str(HERE), str(EXERCISE_DIR)):
    if _path in sys.path:
        sys.path.remove(_path)
    sys.path.insert(0, _path)


class _ExerciseFinder:
    """Import ``exNN_*`` modules from EXERCISE_DIR, whatever pytest puts on sys.path."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is not None or not EXERCISE_MODULE.match(name):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, [str(EXERCISE_DIR)])
        if spec is None:
            raise ModuleNotFoundError(f"No module named {name!r} in {EXERCISE_DIR}", name=name)
        return spec


sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__name__", "") != "_ExerciseFinder"]
sys.meta_path.insert(0, _ExerciseFinder)


def declared_tasks() -> dict[str, tuple[int, str]]:
    """``{"1.3": (points, title)}`` from the task headers of the exercise files."""
    tasks: dict[str, tuple[int, str]] = {}
    for folder in dict.fromkeys((EXERCISE_DIR, HERE)):
        for path in sorted(folder.glob("ex[0-9][0-9]_*.py")):
            for line in path.read_text(encoding="utf-8").splitlines():
                match = TASK_HEADER.match(line.rstrip())
                if match:
                    major, minor, points, title = match.groups()
                    task = f"{int(major)}.{int(minor)}"
                    tasks.setdefault(task, (int(points), title.strip()))
    return tasks


def _task_of(item) -> str | None:
    for mark in item.iter_markers():
        match = re.fullmatch(r"task_(\d+)_(\d+)", mark.name)
        if match:
            return f"{int(match.group(1))}.{int(match.group(2))}"
    return None


def pytest_configure(config):
    config._mlmath_tasks = declared_tasks()
    config._mlmath_status = {}
    for task, (points, title) in config._mlmath_tasks.items():
        marker = "task_" + task.replace(".", "_")
        config.addinivalue_line("markers", f"{marker}: Task {task} ({points} points): {title}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when != "call" or call.excinfo is None or report.outcome != "failed":
        if call.when == "call" and report.outcome == "passed":
            _record(item, "passed")
        return report
    exc = call.excinfo.value
    task = _task_of(item)
    if isinstance(exc, NotImplementedError):
        match = NOT_STARTED.match(str(exc))
        if match and match.group(1) == task:
            report.longrepr = str(exc)
            _record(item, "not started")
            return report
    if type(exc).__name__ == "TaskCheckFailed":
        report.longrepr = f"{exc}\n\n({item.location[0]}:{item.location[1] + 1})"
    _record(item, "failed")
    return report


def _record(item, outcome: str) -> None:
    task = _task_of(item)
    if task is None:
        return
    status = item.config._mlmath_status
    previous = status.get(task)
    if previous is None:
        status[task] = outcome
    elif previous != outcome:
        # passed + not started: some functions of the task are done, some are not yet.
        status[task] = "failed" if "failed" in (previous, outcome) else "in progress"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    status = getattr(config, "_mlmath_status", {})
    if not status:
        return
    tasks = getattr(config, "_mlmath_tasks", {})
    write = terminalreporter.write_line
    terminalreporter.section("tasks (public tests)")
    key = lambda t: tuple(int(p) for p in t.split("."))  # noqa: E731
    for task in sorted(status, key=key):
        points, title = tasks.get(task, (0, "?"))
        write(f"  Task {task:<6} {status[task]:<12} {points:>2} pt  {title}")
    done = sum(1 for s in status.values() if s == "passed")
    write(f"Public tests passed for {done} of {len(status)} task(s) run. "
          "Hidden tests run later, when your work is graded.")
