"""`mlmath check`: a per-task table from the public tests, run in a subprocess."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.check.selfcheck import (
    FAILED,
    NOT_STARTED,
    PASSED,
    SetupError,
    resolve_exercise,
    run_public_tests,
)
from grader.cli import main
from grader.course.build import convert

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = ROOT / "exercises"

SOLUTION = '''\
# %% [markdown]
# # Exercise 9: a fixture
# ### Task 9.1 (1 point): Add
import numpy as np


def add(a, b):
    """a + b"""
    # BEGIN SOLUTION
    return a + b
    # END SOLUTION


# %% [markdown]
# ### Task 9.2 (2 points): Mean


def mean(x):
    """The mean of x."""
    # BEGIN SOLUTION
    return float(np.sum(x) / len(x))
    # END SOLUTION


# %% [markdown]
# ### Task 9.3 (3 points): Norm


def norm(x):
    """The Euclidean norm of x."""
    # BEGIN SOLUTION
    return float(np.sqrt(np.sum(np.square(x))))
    # END SOLUTION


# %% [markdown]
# ### Task 9.4 (1 point): Scale


def scale(x, c):
    """c times x."""
    # BEGIN SOLUTION
    return c * np.asarray(x)
    # END SOLUTION


# %% [markdown]
# ### Task 9.5 (1 point): Dot


def dot(x, y):
    """The dot product."""
    # BEGIN SOLUTION
    return float(np.dot(x, y))
    # END SOLUTION
'''

TESTS = '''\
import numpy as np
import pytest
from _feedback import check_close

import ex09_fixture as ex


@pytest.mark.task_9_1
def test_add():
    """Is 2 + 3 = 5?"""
    check_close("9.1", "add: small integers", ex.add(2, 3), 5, inputs={"a": 2, "b": 3},
                hint="use +")


@pytest.mark.task_9_2
def test_mean():
    """Is the mean of [1, 2, 3, 6] 3?"""
    x = np.array([1.0, 2.0, 3.0, 6.0])
    check_close("9.2", "mean: four numbers", ex.mean(x), 3.0, inputs={"x": x},
                hint="divide the sum by the count")


@pytest.mark.task_9_3
def test_norm():
    """Is the norm of [3, 4] 5?"""
    check_close("9.3", "norm: a 3-4-5 triangle", ex.norm(np.array([3.0, 4.0])), 5.0,
                hint="square, sum, square root")


@pytest.mark.task_9_3
def test_norm_zero():
    """Is the norm of the zero vector 0?"""
    check_close("9.3", "norm: zero vector", ex.norm(np.zeros(3)), 0.0, hint="no division")


@pytest.mark.task_9_4
def test_scale():
    """Is 2 * [1, 2] = [2, 4]?"""
    check_close("9.4", "scale: by two", ex.scale([1.0, 2.0], 2.0), [2.0, 4.0], hint="multiply")


@pytest.mark.task_9_5
def test_dot():
    """Is [1, 1] . [2, 4] = 6?"""
    check_close("9.5", "dot: small vectors", ex.dot(np.ones(2), np.array([2.0, 4.0])), 6.0,
                hint="sum of products")
'''

# Breaks the contract on purpose: a 9.5 test that needs Task 9.4's function.
CROSS_TASK_TEST = '''

@pytest.mark.task_9_5
def test_dot_with_scaled():
    """Is [1, 1] . (2 [1, 2]) = 6?"""
    x = np.ones(2)
    check_close("9.5", "dot: with a scaled vector", ex.dot(x, ex.scale([1.0, 2.0], 2.0)), 6.0,
                hint="sum of products")
'''


def _folder(tmp_path: Path, exercise: str, tests: str = TESTS) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    for name in ("conftest.py", "_feedback.py", "_symbolic.py"):
        shutil.copy(SUPPORT / name, folder / name)
    (folder / "ex09_fixture.py").write_text(exercise)
    (folder / "test_ex09_fixture.py").write_text(tests)
    return folder


STUBS = convert(SOLUTION, "ex09_fixture.py").text


def _status(report) -> dict[str, str]:
    return {t.id: t.status for t in report.tasks}


def test_untouched_exercise_is_not_started_everywhere(tmp_path, capsys):
    """Are all tasks of an untouched exercise 'not started', with exit status 1?"""
    folder = _folder(tmp_path, STUBS)
    assert main(["check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.count("not started") >= 5
    assert "Public tests passed for 0 of 5 tasks (0 of 8 points): 5 not started." in out
    assert "hidden tests" in out


def _replace_stub(text: str, task: str, code: str) -> str:
    """Put the learner's ``code`` where the stub of ``task`` is."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if f'NotImplementedError("Task {task}:' in line:
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}{code}\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A half-done exercise: 9.1 right, 9.2 wrong, 9.3 crashes, 9.4 untouched, 9.5 needs 9.4."""
    text = _replace_stub(STUBS, "9.1", "return a + b")
    text = _replace_stub(text, "9.2", "return float(np.sum(x))")
    text = _replace_stub(text, "9.3", "return x[7]")
    text = _replace_stub(text, "9.5", "return float(np.dot(x, y))")
    folder = _folder(tmp_path_factory.mktemp("mixed"), text, TESTS + CROSS_TASK_TEST)
    crash_line = next(i for i, line in enumerate(text.splitlines(), 1) if "x[7]" in line)
    return folder, run_public_tests(folder), crash_line


def test_mixed_progress_shows_each_status(mixed):
    """Does a half-done exercise show passed, failed and not started task by task?"""
    _, report, _ = mixed
    assert _status(report) == {"9.1": PASSED, "9.2": FAILED, "9.3": FAILED,
                               "9.4": NOT_STARTED, "9.5": FAILED}
    assert not report.all_passed


def test_failure_shows_the_learner_message(mixed):
    """Does a wrong answer show the task, the check, input, yours, expected and the hint?"""
    _, report, _ = mixed
    (failure,) = next(t for t in report.tasks if t.id == "9.2").failures
    assert failure.startswith("Task 9.2 mean: four numbers.")
    for part in ("input  x = [1. 2. 3. 6.]", "yours  12.0", "expected 3.0",
                 "hint   divide the sum by the count", "test_ex09_fixture.py::test_mean"):
        assert part in failure


def test_learner_crash_names_the_line_in_their_file(mixed):
    """Does an exception in the learner's code show its type and the line of their file?"""
    _, report, crash_line = mixed
    norm = next(t for t in report.tasks if t.id == "9.3")
    assert "IndexError" in norm.failures[0]
    assert f"ex09_fixture.py, line {crash_line}: return x[7]" in norm.failures[0]


def test_another_tasks_stub_is_a_failure_not_not_started(mixed):
    """Is a test that trips over ANOTHER task's stub a failure, not 'not started'?"""
    _, report, _ = mixed
    dot = next(t for t in report.tasks if t.id == "9.5")
    assert dot.status == FAILED
    assert any("Task 9.4: Scale - not started yet" in f for f in dot.failures)


def test_cli_table_of_mixed_progress(mixed, capsys):
    """Does `mlmath check 9` print the table, the failure messages and the careful summary?"""
    folder, _, _ = mixed
    assert main(["check", "9", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "Task 9.2 mean: four numbers." in out
    assert "Public tests passed for 1 of 5 tasks (1 of 8 points): 3 failed, 1 not started." in out


def test_finished_exercise_says_public_tests_passed_never_all(tmp_path, monkeypatch, capsys):
    """In the exercise folder, does plain `mlmath check` exit 0 and say 'public tests passed'?"""
    folder = _folder(tmp_path, SOLUTION)
    monkeypatch.chdir(folder)  # the default folder is the current one when it holds exercises
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert str(folder) in out
    assert "Public tests passed for 5 of 5 tasks (8 of 8 points)." in out
    assert "all tests passed" not in out.lower()
    assert "hidden tests run when your work is graded" in out


def test_syntax_error_in_learner_file_is_reported(tmp_path, capsys):
    """Does a syntax error in the exercise fail its tasks with the error, exit 1 (not 2)?"""
    folder = _folder(tmp_path, STUBS + "\ndef broken(:\n")
    assert main(["check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "could not be loaded" in out and "SyntaxError" in out


def test_module_dir_points_the_tests_at_another_folder(tmp_path):
    """Does module_dir (MLMATH_EXERCISE_DIR) import the exercise from another folder?"""
    folder = _folder(tmp_path, STUBS)
    other = tmp_path / "solved"
    other.mkdir()
    (other / "ex09_fixture.py").write_text(SOLUTION)
    report = run_public_tests(folder, module_dir=other)
    assert report.all_passed
    assert set(_status(report).values()) == {PASSED}


@pytest.mark.parametrize("spec", ["9", "09", "ex09", "ex9", "ex09_fixture", "ex09_fixture.py"])
def test_exercise_names_resolve(tmp_path, spec):
    """Do '9', 'ex09' and 'ex09_fixture' all name the same exercise?"""
    assert resolve_exercise(spec, _folder(tmp_path, STUBS)) == ["ex09_fixture"]


@pytest.mark.parametrize("spec", ["7", "ex09_other", "logs"])
def test_unknown_exercise_is_a_setup_error(tmp_path, spec):
    """Is an unknown exercise a clear setup error listing the exercises there?"""
    with pytest.raises(SetupError, match="ex09_fixture"):
        resolve_exercise(spec, _folder(tmp_path, STUBS))


def test_usage_errors_exit_2(tmp_path, capsys):
    """Do a missing folder and an unknown exercise exit 2 with a message?"""
    assert main(["check", "--dir", str(tmp_path / "nowhere")]) == 2
    folder = _folder(tmp_path, STUBS)
    assert main(["check", "ex42", "--dir", str(folder)]) == 2
    assert "no exercise 'ex42'" in capsys.readouterr().err


def test_check_reads_a_notebook_bundle(tmp_path, capsys):
    """On a --notebooks bundle (no .py files), does `mlmath check` find the exercises in the
    notebooks, and see Task 1.1 pass once it is solved in the notebook?"""
    import json
    import re

    from grader.cli import main
    from grader.course.build import build_tree

    root = Path(__file__).resolve().parent.parent
    bundle = tmp_path / "course"
    assert main(["build", "--release", str(bundle), "--notebooks"]) == 0
    assert main(["check", "ex01", "--dir", str(bundle)]) == 1
    before = capsys.readouterr().out
    assert re.search(r"^  1\.1 +1  not started", before, re.M), before
    assert "(no task marker)" not in before
    lines = (root / "solutions" / "ex01_logs.py").read_text().splitlines()
    (begin, end), = [(b, e) for t, b, e in build_tree(root / "solutions")["ex01_logs.py"].regions
                     if t == "1.1"]
    notebook = bundle / "ex01_logs.ipynb"
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if 'raise NotImplementedError("Task 1.1:' in source:
            cell["source"] = re.sub(r'^ *raise NotImplementedError\("Task 1\.1:[^\n]*',
                                    "\n".join(lines[begin:end - 1]), source, flags=re.M)
    notebook.write_text(json.dumps(data))
    assert main(["check", "ex01", "--dir", str(bundle)]) == 1
    after = capsys.readouterr().out
    assert re.search(r"^  1\.1 +1  passed", after, re.M), after
