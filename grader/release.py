r"""The learner bundle: what a learner downloads, and nothing the instructor keeps.

``mlmath build --release DIR`` writes into DIR:

- the generated exercises (``exNN_*.py``; with ``--notebooks`` also ``exNN_*.ipynb``),
- the public tests (``test_exNN_*.py``), ``conftest.py`` and ``_feedback.py``, and any other
  hand-written file of ``exercises/`` (data files, say),
- ``requirements.txt`` (numpy, sympy, matplotlib, pytest), ``pytest.ini`` and a ``README.md``.

Never ``solutions/`` nor the hidden suites (``grader/suites``): the bundle is built from the
in-memory build and from ``exercises/`` only, and checked afterwards. It is written into a
temporary folder beside DIR and renamed into place, so a failure leaves no half bundle.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from grader.build import Converted, planned_files
from grader.tasks import EXERCISE_FILE, PUBLIC_TEST_FILE

MARKER = ".mlmath-bundle"
REQUIREMENTS = "numpy>=1.26\nsympy>=1.12\nmatplotlib>=3.8\npytest>=8\n"
PYTEST_INI = """\
[pytest]
# Task markers (task_1_3, ...) are registered by conftest.py from the task headers.
testpaths = .
python_files = test_ex*.py
"""
_SKIP_NAMES = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", "README.md",
               "requirements.txt", "pytest.ini"}
_FORBIDDEN = ("solutions", "suites")


class ReleaseError(Exception):
    """The bundle cannot be written (exit status 2)."""


def readme(built: dict[str, Converted]) -> str:
    """The learner's README: how to work, how to check, what the statuses mean."""
    rows = []
    for conv in built.values():
        for task in conv.tasks:
            rows.append(f"| {conv.name} | {task.id} | {task.points} | {task.title} |")
    first = next(iter(built.values()))
    example = first.tasks[0] if first.tasks else None
    marker = example.marker if example else "task_1_1"
    return f"""\
# Maths for machine learning: exercises

Each exercise is one Python file, `exNN_<topic>.py`: prose, maths and pictures around
functions for you to write. Every function you have to write says so: its body is

    raise NotImplementedError("Task 1.2: ... - not started yet. Replace this line with your code.")

Replace that line with your code. The docstring above it says what to return, with shapes.

## Setting up

    python -m venv .venv
    source .venv/bin/activate        # Windows: .venv\\Scripts\\activate
    pip install -r requirements.txt

## Working

- **As a notebook**: open the `.ipynb` file if there is one, or install jupytext
  (`pip install jupytext jupyterlab`) and open the `.py` file with "Open With > Notebook".
  Cells guarded by `if __name__ == "__main__":` are demos and plots: they run in the
  notebook, not when the tests import your file.
- **As a script**: edit the `.py` file in any editor and run `python exNN_<topic>.py` to
  see the demos.

Use numpy, sympy and matplotlib only.

## Checking your work

    pytest                          # every exercise
    pytest test_ex01_logs.py        # one exercise
    pytest -m {marker}               # one task ({marker} is Task {marker[5:].replace("_", ".")})

Each failure says which task, which property, on which input, what you returned, what
was expected, and gives a hint. The summary at the end lists every task as

- **passed**: its public tests pass;
- **not started**: its function still raises the `NotImplementedError` stub;
- **failed**: something is wrong; read the message above it.

If the course's `mlmath` tool is installed, `mlmath check ex01` (or `mlmath check` for all)
prints the same as a table.

These are the **public** tests. When you hand in your work it is graded with further,
hidden tests, so passing the public tests is a good sign, not a grade.

## Tasks

| exercise | task | points | title |
|---|---|---|---|
""" + "\n".join(rows) + "\n"


def bundle_files(built: dict[str, Converted], exercises: Path, *,
                 notebooks: bool = False) -> dict[str, bytes]:
    """``{relative path: bytes}`` of the whole bundle, in memory."""
    files = planned_files(built, notebooks=notebooks)
    for name in ("conftest.py", "_feedback.py"):
        if not (exercises / name).is_file():
            raise ReleaseError(f"{exercises / name} is missing; the public tests need it")
    for path in sorted(exercises.rglob("*")):
        rel = path.relative_to(exercises)
        if not path.is_file() or any(p in _SKIP_NAMES or p.startswith(".") for p in rel.parts):
            continue
        if len(rel.parts) == 1 and (EXERCISE_FILE.match(path.name) or path.suffix == ".ipynb"):
            continue  # generated: comes from the build, not from the committed copy
        if path.suffix in (".pyc", ".pyo"):
            continue
        test = PUBLIC_TEST_FILE.match(path.name)
        if test and len(rel.parts) == 1 and path.name[len("test_"):] not in built:
            continue  # public tests of an exercise that is not in this release
        files[rel.as_posix()] = path.read_bytes()
    files["requirements.txt"] = REQUIREMENTS.encode()
    files["pytest.ini"] = PYTEST_INI.encode()
    files["README.md"] = readme(built).encode()
    files[MARKER] = b"A learner bundle written by `mlmath build --release`.\n"
    for rel in files:
        if any(part in _FORBIDDEN for part in Path(rel).parts):
            raise ReleaseError(f"refusing to put {rel} into the learner bundle")
    return files


def write_release(built: dict[str, Converted], exercises: Path, dest: Path, *,
                  notebooks: bool = False) -> list[str]:
    """Write the learner bundle into ``dest`` (new, empty, or a previous bundle, replaced).

    Returns:
        the relative paths written.
    """
    dest = dest.resolve()
    if dest == exercises.resolve() or exercises.resolve() in dest.parents:
        raise ReleaseError(f"{dest} is inside {exercises}; write the bundle somewhere else")
    if dest.exists():
        if not dest.is_dir():
            raise ReleaseError(f"{dest} exists and is not a folder")
        if any(dest.iterdir()) and not (dest / MARKER).is_file():
            raise ReleaseError(f"{dest} is not empty and is not a previous learner bundle; "
                               "choose a new folder")
    files = bundle_files(built, exercises, notebooks=notebooks)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
            dest.rename(old / dest.name)
            staging.rename(dest)
            shutil.rmtree(old)
        else:
            staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(files)
