r"""Task declarations in exercise files, read as text (no exercise code is ever imported).

A task is declared once, by a markdown header line of exactly this form::

    # ### Task 1.3 (2 points): A stable log-sum-exp

The ID (``1.3``) is threaded through the stub message, the pytest marker ``task_1_3``, the
points table, the feedback and the gradebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TASK_HEADER = re.compile(r"^# #+ Task (\d+)\.(\d+) \((\d+) points?\): (.+)$")
# Something that was meant to be a task header (caught so a typo is an error, not a lost task).
TASK_HEADER_LIKE = re.compile(r"^#\s*#+\s*Task\s+\d")
EXERCISE_FILE = re.compile(r"^ex(\d\d)_([A-Za-z0-9_]+)\.py$")
PUBLIC_TEST_FILE = re.compile(r"^test_ex(\d\d)_([A-Za-z0-9_]+)\.py$")


@dataclass(frozen=True)
class Task:
    """One declared task.

    Attributes:
        id: ``"1.3"``.
        points: points the task is worth.
        title: the header's title, e.g. ``"A stable log-sum-exp"``.
        exercise: the exercise module name, e.g. ``"ex01_logs"``.
        line: 1-based line of the header in its file.
    """

    id: str
    points: int
    title: str
    exercise: str
    line: int

    @property
    def marker(self) -> str:
        """The pytest marker of the task's tests, e.g. ``task_1_3``."""
        return marker_for(self.id)

    @property
    def key(self) -> tuple[int, int]:
        """Sort key: (exercise number, task number)."""
        return task_key(self.id)


def marker_for(task_id: str) -> str:
    """``"1.3"`` -> ``"task_1_3"``."""
    return "task_" + task_id.replace(".", "_")


def task_from_marker(name: str) -> str | None:
    """``"task_1_3"`` -> ``"1.3"``; None for any other marker name."""
    match = re.fullmatch(r"task_(\d+)_(\d+)", name)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def task_key(task_id: str) -> tuple[int, int]:
    major, _, minor = task_id.partition(".")
    return int(major), int(minor or 0)


def parse_header(line: str) -> tuple[str, int, str] | None:
    """``(id, points, title)`` if ``line`` is a task header, else None."""
    match = TASK_HEADER.match(line.rstrip("\r\n"))
    if not match:
        return None
    major, minor, points, title = match.groups()
    return f"{int(major)}.{int(minor)}", int(points), title.strip()


def parse_tasks(text: str, exercise: str) -> list[Task]:
    """Every task header in ``text`` (lenient: duplicates and typos are the build's business)."""
    tasks = []
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = parse_header(line)
        if parsed:
            tasks.append(Task(parsed[0], parsed[1], parsed[2], exercise, number))
    return tasks


def exercise_number(name: str) -> int | None:
    """``"ex03_inner_products.py"`` or ``"ex03_inner_products"`` -> 3."""
    match = EXERCISE_FILE.match(name if name.endswith(".py") else name + ".py")
    return int(match.group(1)) if match else None


def exercise_files(folder: Path) -> list[Path]:
    """The ``exNN_<slug>.py`` files of a folder, sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and EXERCISE_FILE.match(p.name))


def public_test_files(folder: Path) -> list[Path]:
    """The ``test_exNN_<slug>.py`` files of a folder, sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and PUBLIC_TEST_FILE.match(p.name))


def read_tasks(folder: Path) -> list[Task]:
    """All tasks declared in a folder's exercise files, in ID order."""
    tasks: list[Task] = []
    for path in exercise_files(folder):
        tasks.extend(parse_tasks(path.read_text(encoding="utf-8"), path.stem))
    return sorted(tasks, key=lambda t: t.key)


def find_repo_root(start: Path | None = None) -> Path | None:
    """The mlmath repository root: upward from ``start`` (default: the current directory),
    else the folder above this package when it holds ``solutions/`` (an editable install)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() and (folder / "grader").is_dir():
            return folder
    package_root = Path(__file__).resolve().parent.parent.parent
    if (package_root / "solutions").is_dir():
        return package_root
    return None
