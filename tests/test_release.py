"""The learner bundle: generated exercises, public tests, support; nothing of the instructor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.cli import main
from grader.course.build import build_tree
from grader.course.release import ReleaseError, write_release
from grader.course.tasks import exercise_files, public_test_files

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
HAVE_COURSE = bool(exercise_files(SOLUTIONS)) and bool(public_test_files(EXERCISES))

SOLUTION = '''\
# %% [markdown]
# # Exercise 9
# ### Task 9.1 (2 points): Twice
import numpy as np


def twice(x):
    """2 x."""
    # BEGIN SOLUTION
    doubled_secret_value = 2 * np.asarray(x)
    return doubled_secret_value
    # END SOLUTION


# %% [markdown]
# ### Task 9.2 (1 point): Thrice


def thrice(x):
    """3 x."""
    # BEGIN SOLUTION
    return 3 * np.asarray(x)
    # END SOLUTION
'''

TESTS = '''\
import numpy as np
import pytest
from _feedback import check_close

import ex09_fixture as ex


@pytest.mark.task_9_1
def test_twice():
    """Is twice(2) 4?"""
    check_close("9.1", "twice: of 2", ex.twice(2.0), 4.0, hint="multiply by two")


@pytest.mark.task_9_2
def test_thrice():
    """Is thrice(2) 6?"""
    check_close("9.2", "thrice: of 2", ex.thrice(2.0), 6.0, hint="multiply by three")
'''


@pytest.fixture
def course(tmp_path):
    """A tiny course: one solution, its public tests, support files and some clutter."""
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    exercises.mkdir()
    (solutions / "ex09_fixture.py").write_text(SOLUTION)
    for name in ("conftest.py", "_feedback.py", "_symbolic.py"):
        shutil.copy(EXERCISES / name, exercises / name)
    (exercises / "test_ex09_fixture.py").write_text(TESTS)
    (exercises / "test_ex08_gone.py").write_text("# tests of an exercise not released\n")
    (exercises / "ex09_fixture.py").write_text("# stale committed copy\n")
    (exercises / "points.csv").write_text("x,y\n1,2\n")
    (exercises / "__pycache__").mkdir()
    (exercises / "__pycache__" / "junk.pyc").write_bytes(b"\0")
    return solutions, exercises


def _release(course, dest: Path, *extra: str) -> int:
    solutions, exercises = course
    return main(["build", "--solutions", str(solutions), "--exercises", str(exercises),
                 "--release", str(dest), *extra])


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_bundle_holds_exactly_the_learner_files(course, tmp_path):
    """Does the bundle hold the built exercise, public tests, support, config and README only?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest) == 0
    assert _files(dest) == [".mlmath-bundle", "README.md", "_feedback.py", "_forbidden.py",
                            "_symbolic.py",
                            "conftest.py", "ex09_fixture.py", "points.csv", "pytest.ini",
                            "requirements.txt", "test_ex09_fixture.py",
                            "tools/mlmath_check/mlmath_check.py",
                            "tools/mlmath_check/pyproject.toml"]
    text = (dest / "ex09_fixture.py").read_text()
    assert "doubled_secret_value" not in text and "BEGIN SOLUTION" not in text
    assert 'raise NotImplementedError("Task 9.1: Twice - not started yet.' in text
    requirements = (dest / "requirements.txt").read_text().split()
    assert [r.split(">=")[0] for r in requirements] == ["numpy", "sympy", "matplotlib", "pytest",
                                                        "./tools/mlmath_check"]


def test_bundle_folders_are_readable_by_everyone(course, tmp_path):
    """Is the bundle folder 755 and its files 644 (not mkdtemp's private 700)?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest) == 0
    assert dest.stat().st_mode & 0o777 == 0o755
    assert (dest / "tools" / "mlmath_check").stat().st_mode & 0o777 == 0o755
    assert (dest / "ex09_fixture.py").stat().st_mode & 0o777 == 0o644


def test_readme_explains_how_to_work_and_check(course, tmp_path):
    """Does the learner README say how to work, run pytest and one task, and what statuses mean?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest) == 0
    readme = (dest / "README.md").read_text()
    for words in ("pip install -r requirements.txt", "pytest -m task_9_1", "not started",
                  "hidden", "notebook", "| ex09_fixture | 9.1 | 2 | Twice |",
                  "mlmath-check ex09", "## In what order", "## Words you will meet",
                  "file you hand in"):
        assert words in readme, words


def test_plain_pytest_in_the_bundle_reports_tasks(course, tmp_path):
    """Inside the bundle, does plain `pytest` run, and `pytest -m task_9_2` run one task only?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest) == 0
    env = {k: v for k, v in os.environ.items() if k not in ("MLMATH_EXERCISE_DIR",
                                                          "PYTEST_ADDOPTS")}
    run = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    done = subprocess.run(run, cwd=dest, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout
    assert "2 not started in" in done.stdout and "failed" not in done.stdout
    table = done.stdout.split("your tasks (public tests)")[-1]
    assert "ex09_fixture: not started (2 tasks, 3 points)" in table, done.stdout
    assert "hidden tests" in table.lower()
    assert table.strip().splitlines()[-1].startswith("Public tests passed for 0 of 2 tasks")
    one = subprocess.run([*run, "-m", "task_9_2"], cwd=dest, env=env, capture_output=True,
                         text=True, check=False)
    assert "1 deselected, 1 not started" in one.stdout, one.stdout


def test_notebooks_replace_the_exercise_files(course, tmp_path):
    """Does --notebooks write a valid .ipynb for each exercise, without the solution, and no
    .py beside it (one file per exercise: the one the learner edits is the one graded)?"""
    import nbformat

    dest = tmp_path / "bundle"
    assert _release(course, dest, "--notebooks") == 0
    notebook = nbformat.reads((dest / "ex09_fixture.ipynb").read_text(), as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    sources = "\n".join(cell.source for cell in notebook.cells)
    assert "Task 9.2: Thrice - not started yet" in sources and "doubled_secret" not in sources
    assert not (dest / "ex09_fixture.py").exists()
    requirements = (dest / "requirements.txt").read_text().split()
    assert {"notebook>=7", "ipykernel>=6.29"} <= set(requirements)


def test_release_replaces_its_own_bundle_but_not_a_foreign_folder(course, tmp_path, capsys):
    """Is a previous bundle replaced, while a non-empty foreign folder is refused (exit 2)?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest) == 0
    (dest / "leftover.txt").write_text("old")
    assert _release(course, dest) == 0
    assert not (dest / "leftover.txt").exists()
    foreign = tmp_path / "homework"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    assert _release(course, foreign) == 2
    assert "not empty" in capsys.readouterr().err
    assert _files(foreign) == ["mine.txt"]


def test_release_refuses_instructor_paths(course, tmp_path):
    """Does the release refuse to copy anything under a 'solutions' or 'suites' folder?"""
    solutions, exercises = course
    (exercises / "suites").mkdir()
    (exercises / "suites" / "hidden.py").write_text("secret = 1\n")
    with pytest.raises(ReleaseError, match="suites"):
        write_release(build_tree(solutions), exercises, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


# ----------------------------------------------------------------- the real course


def _solution_texts() -> list[str]:
    """Each solution region's text, where it is long enough to be unmistakable."""
    texts = []
    for path in exercise_files(SOLUTIONS):
        lines = path.read_text(encoding="utf-8").splitlines()
        for conv in build_tree(SOLUTIONS)[path.name].regions:
            _, begin, end = conv
            body = [line.strip() for line in lines[begin:end - 1] if line.strip()]
            text = "\n".join(body)
            # A one-line answer may coincide with a test's reference computation.
            if len(body) >= 2 or len(text) >= 60:
                texts.append(text)
    return texts


@pytest.fixture(scope="module")
def course_bundle(tmp_path_factory):
    dest = tmp_path_factory.mktemp("release") / "bundle"
    assert main(["build", "--release", str(dest)]) == 0
    return dest


@pytest.mark.skipif(not HAVE_COURSE, reason="no exercises yet")
def test_course_bundle_has_no_instructor_files(course_bundle):
    """Is there no solutions/ or suites path, and no solution region's text, in the bundle?"""
    files = _files(course_bundle)
    assert not [f for f in files if "solutions" in f or "suites" in f]
    assert [p.name for p in exercise_files(course_bundle)] == \
        [p.name for p in exercise_files(SOLUTIONS)]
    contents = {f: (course_bundle / f).read_bytes().decode("utf-8", "replace") for f in files}
    flat = {f: "\n".join(line.strip() for line in text.splitlines())
            for f, text in contents.items()}
    leaks = [(f, text[:60]) for text in _solution_texts() for f, body in flat.items()
             if text in body]
    assert leaks == []


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_COURSE, reason="no exercises yet")
def test_course_bundle_works_in_a_fresh_virtual_environment(course_bundle, tmp_path):
    """In a fresh venv with only requirements.txt, do the public tests run, all 'not started'?"""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
        cwd=course_bundle, capture_output=True, text=True, timeout=900, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MLMATH_EXERCISE_DIR", "PYTEST_ADDOPTS", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    report = tmp_path / "junit.xml"
    done = subprocess.run(
        [str(python), "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=course_bundle, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 1, done.stdout[-3000:]
    cases = ET.parse(report).getroot().iter("testcase")
    results = [(case.get("name"), [child.get("message") or "" for child in case]) for case in cases]
    questions = [r for r in results if r[0].startswith("test_think_it_over[")]
    assert questions and all(msgs[0].endswith("not answered yet") for _, msgs in questions)
    results = [r for r in results if r not in questions]  # not graded; skipped until answered
    assert results
    not_started = [name for name, msgs in results
                   if len(msgs) == 1 and msgs[0].startswith("Task ") and "not started" in msgs[0]]
    assert len(not_started) == len(results), [r for r in results if r[0] not in not_started][:5]
    check = subprocess.run([str(python), "-c", "import grader"], capture_output=True, env=env,
                           cwd=tmp_path, check=False)
    assert check.returncode != 0  # the bundle ran without the instructor's package


def test_reveal_adds_a_worked_solution_beside_the_learners_file(course, tmp_path, capsys):
    """After the deadline, does --reveal 9.1 add worked/ex09_fixture.py with Task 9.1 solved
    and 9.2 still a stub, leave the learner's exercise a stub, and say so in the README,
    while an unknown task is refused (exit 2)?"""
    dest = tmp_path / "bundle"
    assert _release(course, dest, "--reveal", "9.1") == 0
    worked = (dest / "worked" / "ex09_fixture.py").read_text()
    assert "doubled_secret_value = 2 * np.asarray(x)" in worked
    assert "BEGIN SOLUTION" not in worked and "END SOLUTION" not in worked
    assert 'raise NotImplementedError("Task 9.2: Thrice' in worked
    assert "Worked solution of Task 9.1" in worked
    assert "doubled_secret_value" not in (dest / "ex09_fixture.py").read_text()
    assert "worked solutions are in `worked/`" in (dest / "README.md").read_text()
    assert _release(course, tmp_path / "other", "--reveal", "9.7") == 2
    assert "--reveal 9.7: no such task" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
