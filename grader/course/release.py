r"""The learner bundle: what a learner downloads, and nothing the instructor keeps.

``mlmath build --release DIR`` writes into DIR:

- the generated exercises: ``exNN_*.py``, or with ``--notebooks`` the notebooks
  ``exNN_*.ipynb`` *instead* (one file per exercise: see below),
- the public tests (``test_exNN_*.py``), ``conftest.py`` and ``_feedback.py``, and any other
  hand-written file of ``exercises/`` (data files, say),
- ``_forbidden.py``, a copy of :mod:`grader.judge.forbidden` (pure ``ast`` code), so the
  public tests find a forbidden call with the same declaration and scanner as the grader,
- the learner's check command, ``mlmath-check``, as a tiny local package in
  ``tools/mlmath_check/`` (from :mod:`grader.check.learner_check`; stdlib and pytest only),
- ``requirements.txt`` (numpy, sympy, matplotlib, pytest, the check command, and with
  ``--notebooks`` Jupyter: notebook and ipykernel), ``pytest.ini`` and a ``README.md``.

One file per exercise. With ``--notebooks`` the bundle holds the notebook and no ``.py``:
the public tests import a notebook as the grader reads it (code cells run one by one, see
``exercises/conftest.py``), and the grader grades ``exNN_name.ipynb`` when no ``.py`` is
handed in. So what the learner edits is what pytest, ``mlmath-check`` and the grader see.
A jupytext pair was rejected: it syncs only where the jupytext extension runs (not in VS
Code, Colab or a plain Jupyter), and a stale ``.py`` beside the notebook is what the grader
would grade first.

The folder is created with mode 755 (files 644), whatever the umask of a private
temporary folder would give.

Never ``solutions/`` nor the hidden suites (``grader/suites``): the bundle is built from the
in-memory build and from ``exercises/`` only, and checked afterwards. It is written into a
temporary folder beside DIR and renamed into place, so a failure leaves no half bundle.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from grader.course.build import Converted, planned_files
from grader.course.tasks import EXERCISE_FILE, PUBLIC_TEST_FILE

MARKER = ".mlmath-bundle"
REQUIREMENTS = "numpy>=1.26\nsympy>=1.12\nmatplotlib>=3.8\npytest>=8\n"
NOTEBOOK_REQUIREMENTS = "notebook>=7\nipykernel>=6.29\n"
CHECK_PACKAGE = "tools/mlmath_check"
CHECK_REQUIREMENT = f"./{CHECK_PACKAGE}\n"
CHECK_PYPROJECT = """\
# The learner's check command, mlmath-check (installed by requirements.txt).
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "mlmath-check"
version = "1.0"
description = "Run the public tests of the exercises and show each task's status."
requires-python = ">=3.11"
dependencies = ["pytest>=8"]

[project.scripts]
mlmath-check = "mlmath_check:main"

[tool.setuptools]
py-modules = ["mlmath_check"]
"""
PYTEST_INI = """\
[pytest]
# Task markers (task_1_3, ...) are registered by conftest.py from the task headers.
testpaths = .
python_files = test_ex*.py
addopts = -p no:cacheprovider
# Seconds per test before it is stopped and named (an endless loop?).
mlmath_timeout = 20
"""
_SKIP_NAMES = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", "README.md",
               "requirements.txt", "pytest.ini"}
_FORBIDDEN = ("solutions", "suites")


class ReleaseError(Exception):
    """The bundle cannot be written (exit status 2)."""


# What the front page says about each exercise: (prerequisites, time to set aside).
EXERCISE_INFO = {
    "ex01_logs": ("exponents and logarithms from school; numpy arrays", "2 to 3 hours"),
    "ex02_determinants": ("matrices and matrix products", "2 to 3 hours"),
    "ex03_inner_products": ("vectors; exercise 1's stable tricks help", "2 to 3 hours"),
    "ex04_chain_rule": ("derivatives of one variable; Python classes", "3 to 4 hours"),
    "ex05_neural_network": ("exercises 1, 3 and 4", "4 to 5 hours"),
    "ex06_denoising": ("exercises 4 and 5 (gradients, SGD)", "2 to 3 hours"),
}
GLOSSARY = (
    ("task", "one graded function, with an ID like 1.2 used everywhere: the stub, "
             "`pytest -m task_1_2`, the points, your feedback"),
    ("stub", "the `raise NotImplementedError(\"Task 1.2: ...\")` line you replace"),
    ("public tests", "the tests in this folder; the grader runs more (hidden) tests"),
    ("not started", "the task's function still raises its stub"),
    ("shape", "the sizes of an array's axes, `x.shape`; docstrings state them"),
    ("log-likelihood", "the log of the probability a model gives to the data"),
    ("gradient", "the vector of partial derivatives; it points uphill"),
    ("SGD", "stochastic gradient descent: small steps downhill on random minibatches"),
    ("epoch", "one pass over the whole training set"),
)


def readme(built: dict[str, Converted], *, notebooks: bool = False,
           revealed: list[str] | None = None) -> str:
    """The learner's front page: the order, the time, how to work and check, the tasks."""
    rows, order = [], []
    for conv in built.values():
        for task in conv.tasks:
            rows.append(f"| {conv.name} | {task.id} | {task.points} | {task.title} |")
        needs, time = EXERCISE_INFO.get(conv.name, ("-", "-"))
        heading = conv.text.split("\n", 2)[1] if "\n" in conv.text else ""
        title = re.sub(r"^(Exercise \d+: *)?", "", heading.lstrip("# ")).strip()
        points = sum(t.points for t in conv.tasks)
        order.append(f"| {len(order) + 1} | {conv.name} | {title} | {needs} | {time} | "
                     f"{points} |")
    first = next(iter(built.values()))
    example = first.tasks[0] if first.tasks else None
    marker = example.marker if example else "task_1_1"
    number = first.name[2:4]
    suffix = ".ipynb" if notebooks else ".py"
    if notebooks:
        working = """\
Each exercise is one notebook, `exNN_<topic>.ipynb`: prose, maths and pictures around
functions for you to write. Open it with `jupyter notebook` (or JupyterLab, VS Code).
**The notebook is the file you hand in**, and it is what the tests read: save it
(Ctrl+S) before you check. The tests run its code cells one by one, as the grader does;
a cell with an error is skipped and named, the rest still counts."""
    else:
        working = """\
Each exercise is one Python file, `exNN_<topic>.py`: prose, maths and pictures around
functions for you to write. Edit it in any editor and run `python exNN_<topic>.py` to see
the demos. **The `.py` file is the file you hand in**, and it is what the tests read."""
    glossary = "\n".join(f"- **{word}**: {meaning}." for word, meaning in GLOSSARY)
    worked = ""
    if revealed:
        worked = ("\n## Worked solutions\n\nThe deadline has passed for "
                  + ", ".join(f"Task {t}" for t in revealed)
                  + ": their worked solutions are in `worked/`, one file per exercise, beside "
                    "(never instead of) your own.\n")
    return f"""\
# Maths for machine learning: exercises

{working}

Every function you have to write says so: its body is

    raise NotImplementedError("Task 1.2: ... - not started yet. Replace this line with your code.")

Replace that line with your code. The docstring above it says what to return, with shapes.
Cells starting `if __name__ == "__main__":` are demos and pictures: they run in the
notebook (or with `python`), not when the tests import your file. Use numpy, sympy and
matplotlib only, and nothing a task's text forbids (the grader checks).

## In what order

Do them in this order; each builds on the ones before.

| # | exercise | topic | before you start | time | points |
|---|---|---|---|---|---|
""" + "\n".join(order) + f"""

## Setting up (once)

    python -m venv .venv
    source .venv/bin/activate        # Windows: .venv\\Scripts\\activate
    pip install -r requirements.txt

## Checking your work

In this folder:

    pytest                          # every exercise
    pytest test_ex{number}_*.py           # one exercise
    pytest -m {marker}               # one task ({marker} is Task {marker[5:].replace("_", ".")})
    pytest -v -m {marker}            # the same, with every detail
    mlmath-check ex{number}                # the same as pytest on one exercise

The output is short: one line for each task that needs you, with a hint, and the table
of your tasks last. A task is

- **passed**: its public tests pass;
- **not started**: its function still raises the `NotImplementedError` stub;
- **failed**: something is wrong; the line says what, where, and gives a hint;
- **in progress**: some of its functions are done, some not started.

If your code crashes, the line names the task and *your* line that crashed. If one
exercise does not import at all (a syntax error, say), it is named once and the others
are still tested. A test that runs longer than 20 seconds is stopped and named (an endless
loop?).

These are the **public** tests. When you hand in your work it is graded with further,
hidden tests, so passing the public tests is a good sign, not a grade.

## Handing in

Hand in your `exNN_<topic>{suffix}` files, one per exercise, as they are.
{worked}
## Words you will meet

{glossary}

## Tasks

| exercise | task | points | title |
|---|---|---|---|
""" + "\n".join(rows) + "\n"


def worked_files(worked: dict[str, Converted], revealed: list[str],
                 notebooks: bool = False) -> dict[str, bytes]:
    """``worked/exNN_name.py`` (and ``.ipynb``) for each exercise with a revealed task: the
    exercise with those tasks' worked solutions in place, every other task still a stub, and
    a first cell saying which tasks it shows. The learner's own file is never replaced."""
    files: dict[str, bytes] = {}
    for name, conv in worked.items():
        mine = [t.id for t in conv.tasks if t.id in revealed]
        if not mine:
            continue
        tasks = ", ".join(f"Task {t}" for t in mine)
        head = (f"# %% [markdown]\n# **Worked solution of {tasks}**, released after the "
                "deadline. Compare it with your own file; the other tasks are still stubs.\n\n")
        text = head + conv.text
        files[f"worked/{name}"] = text.encode("utf-8")
        if notebooks:
            from grader.course.build import to_notebook

            files[f"worked/{name[:-3]}.ipynb"] = to_notebook(text).encode("utf-8")
    return files


def bundle_files(built: dict[str, Converted], exercises: Path, *,
                 notebooks: bool = False, worked: dict[str, Converted] | None = None,
                 revealed: list[str] | None = None) -> dict[str, bytes]:
    """``{relative path: bytes}`` of the whole bundle, in memory (with ``worked`` and
    ``revealed``, the worked solutions of the revealed tasks under ``worked/``)."""
    files = planned_files(built, notebooks=notebooks)
    if worked and revealed:
        files.update(worked_files(worked, revealed, notebooks))
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
    if notebooks:  # one file per exercise: the notebook is the graded file
        for name in built:
            files.pop(name, None)
    # The public tests look for forbidden calls with the grader's own scanner (pure ast).
    grader_dir = Path(__file__).resolve().parent.parent
    files["_forbidden.py"] = (grader_dir / "judge" / "forbidden.py").read_bytes()
    check_source = (grader_dir / "check" / "learner_check.py").read_bytes()
    files[f"{CHECK_PACKAGE}/mlmath_check.py"] = check_source
    files[f"{CHECK_PACKAGE}/pyproject.toml"] = CHECK_PYPROJECT.encode()
    files["requirements.txt"] = (REQUIREMENTS + (NOTEBOOK_REQUIREMENTS if notebooks else "")
                                 + CHECK_REQUIREMENT).encode()
    files["pytest.ini"] = PYTEST_INI.encode()
    files["README.md"] = readme(built, notebooks=notebooks, revealed=revealed or []).encode()
    files[MARKER] = b"A learner bundle written by `mlmath build --release`.\n"
    for rel in files:
        if any(part in _FORBIDDEN for part in Path(rel).parts):
            raise ReleaseError(f"refusing to put {rel} into the learner bundle")
    return files


def write_release(built: dict[str, Converted], exercises: Path, dest: Path, *,
                  notebooks: bool = False, worked: dict[str, Converted] | None = None,
                  revealed: list[str] | None = None) -> list[str]:
    """Write the learner bundle into ``dest`` (new, empty, or a previous bundle, replaced).

    ``worked`` (the build with ``revealed`` task IDs kept) adds their worked solutions under
    ``worked/``: ``mlmath build --release DIR --reveal 5.3``, after the deadline.

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
    files = bundle_files(built, exercises, notebooks=notebooks, worked=worked,
                         revealed=revealed)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it 700: a bundle is shared, not private
        for rel, data in files.items():
            target = staging / rel
            for folder in reversed(target.relative_to(staging).parents[:-1]):
                (staging / folder).mkdir(exist_ok=True)
                os.chmod(staging / folder, 0o755)
            target.write_bytes(data)
            os.chmod(target, 0o644)
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
