"""The learner's path through the real bundle (`mlmath build --release DIR --notebooks`):
the notebook is the graded file, the output is short with the table last, a crash, a syntax
error or an endless loop is said like a wrong answer, and the check command ships inside."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from grader.course.build import build_tree
from grader.course.tasks import exercise_files
from grader.grading.reading import NOTEBOOK_HEADER
from grader.grading.submissions import load_submission

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
HAVE_COURSE = bool(exercise_files(SOLUTIONS))
pytestmark = pytest.mark.skipif(not HAVE_COURSE, reason="no exercises yet")
ENV = {k: v for k, v in os.environ.items()
       if k not in ("MLMATH_EXERCISE_DIR", "PYTEST_ADDOPTS", "PYTHONPATH")} | {"MPLBACKEND": "Agg"}


def _bundle(dest: Path, *extra: str) -> Path:
    assert main(["build", "--release", str(dest), *extra]) == 0
    return dest


def _pytest(bundle: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "pytest", *args], cwd=bundle, env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)


def _solution_lines(exercise: str, task: str) -> list[str]:
    """The solution's code for one task's region (the lines between BEGIN and END)."""
    path = SOLUTIONS / f"{exercise}.py"
    lines = path.read_text(encoding="utf-8").splitlines()
    (begin, end), = [(b, e) for t, b, e in build_tree(SOLUTIONS)[path.name].regions if t == task]
    return lines[begin:end - 1]


def _solve_in_notebook(notebook: Path, exercise: str, task: str) -> None:
    """Do what a learner does in Jupyter: replace the task's stub line in its cell, save."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    stub = f'raise NotImplementedError("Task {task}:'
    body = _solution_lines(exercise, task)
    for cell in data["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and stub in source:
            lines = source.split("\n")
            at = next(i for i, line in enumerate(lines) if stub in line)
            cell["source"] = "\n".join([*lines[:at], *body, *lines[at + 1:]])
            break
    else:
        raise AssertionError(f"no stub of Task {task} in {notebook}")
    notebook.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _table(output: str) -> list[str]:
    assert "your tasks (public tests)" in output, output[-3000:]
    return output.split("your tasks (public tests)")[-1].strip().splitlines()[1:]


@pytest.fixture(scope="module")
def notebook_bundle(tmp_path_factory):
    return _bundle(tmp_path_factory.mktemp("release") / "course", "--notebooks")


def test_untouched_bundle_output_is_short_with_the_table_last(notebook_bundle):
    """On the untouched notebooks, is `pytest` under 80 lines, every exercise 'not started',
    no traceback, and the table the last thing printed?"""
    done = _pytest(notebook_bundle)
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert len(lines) < 80, done.stdout
    table = _table(done.stdout)
    names = [p.stem for p in exercise_files(SOLUTIONS)]
    assert [line.split(":")[0] for line in table[:-1]] == names
    assert all("not started" in line for line in table[:-1])
    assert lines[-1].startswith("Public tests passed for 0 of")
    assert "Traceback" not in done.stdout and "site-packages" not in done.stdout


def test_editing_the_notebook_is_what_the_tests_and_the_grader_see(notebook_bundle, tmp_path):
    """Solve Task 1.1 in the notebook (no .py anywhere): does pytest, the bundled
    mlmath-check and the grader's reader all see the edit?"""
    bundle = _bundle(tmp_path / "course", "--notebooks")
    assert not (bundle / "ex01_logs.py").exists()
    before = _table(_pytest(bundle, "test_ex01_logs.py").stdout)
    assert before[0] == "ex01_logs: not started (8 tasks, 15 points)"
    _solve_in_notebook(bundle / "ex01_logs.ipynb", "ex01_logs", "1.1")
    after = _table(_pytest(bundle, "test_ex01_logs.py").stdout)
    assert after[0] == "ex01_logs: 1 of 8 tasks pass", after
    assert not any(line.strip().startswith("Task 1.1 ") for line in after)
    check = subprocess.run([sys.executable, "tools/mlmath_check/mlmath_check.py", "ex01"],
                           cwd=bundle, env=ENV, capture_output=True, text=True, timeout=600,
                           check=False)
    assert check.returncode == 1
    assert _table(check.stdout) == after
    graded = load_submission("learner", bundle, ["ex01_logs"])
    source = graded.files["ex01_logs.py"].decode()  # the notebook's cells, as graded
    assert source.startswith(NOTEBOOK_HEADER)
    assert all(line.strip() in source for line in _solution_lines("ex01_logs", "1.1"))
    assert 'raise NotImplementedError("Task 1.1:' not in source


@pytest.fixture
def py_bundle(tmp_path):
    return _bundle(tmp_path / "course")


def _edit(path: Path, task: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f'raise NotImplementedError("Task {task}:')
    path.write_text(text[:start] + new + text[text.index("\n", start):], encoding="utf-8")


def test_a_syntax_error_in_one_exercise_still_tests_the_other_five(py_bundle):
    """Is an exercise that does not import named once, with its line, and the other five
    exercises still tested and listed?"""
    path = py_bundle / "ex02_determinants.py"
    path.write_text(path.read_text().replace("import numpy as np", "import numpy as np\n"
                                             "def oops(:\n    pass", 1))
    line = path.read_text().splitlines().index("def oops(:") + 1
    done = _pytest(py_bundle)
    table = _table(done.stdout)
    broken = [t for t in table if t.startswith("ex02_determinants:")]
    assert broken == [f"ex02_determinants: could not be imported at ex02_determinants.py "
                      f"line {line}: SyntaxError: invalid syntax"], table
    others = [p.stem for p in exercise_files(SOLUTIONS) if p.stem != "ex02_determinants"]
    assert [t.split(":")[0] for t in table if t.split(":")[0] in others] == others
    assert done.stdout.count("SyntaxError") == 1
    assert done.returncode == 1 and re.search(r"1 error, \d+ not started in", done.stdout)


def test_an_endless_loop_ends_with_its_tasks_timeout_message(py_bundle):
    """Does a `while True: pass` in Task 3.1 stop after the per-test timeout, named by task?"""
    _edit(py_bundle / "ex03_inner_products.py", "3.1", "while True:\n        pass")
    done = _pytest(py_bundle, "test_ex03_inner_products.py", "-o", "mlmath_timeout=1")
    row = [t for t in _table(done.stdout) if t.strip().startswith("Task 3.1 ")]
    assert len(row) == 1, done.stdout
    assert "FAILED" in row[0] and "stopped after 1 s" in row[0] and "endless loop" in row[0]
    assert "ex03_inner_products.py, line" in row[0] and "while True:" in row[0]


def test_a_crash_names_the_task_and_the_learners_line_without_numpy_frames(py_bundle):
    """Is a crash inside numpy shown as the task, the learner's own line and the error,
    by default in one line and with -v in detail, never with numpy's frames?"""
    _edit(py_bundle / "ex03_inner_products.py", "3.1", "return np.ones(3) @ np.ones(4)")
    done = _pytest(py_bundle, "test_ex03_inner_products.py")
    row = [t for t in _table(done.stdout) if t.strip().startswith("Task 3.1 ")]
    assert len(row) == 1
    assert "crashed" in row[0] and "ValueError" in row[0] and "Hint:" in row[0]
    assert "return np.ones(3) @ np.ones(4)" in row[0]
    detail = _pytest(py_bundle, "test_ex03_inner_products.py", "-v", "-m", "task_3_1")
    assert "Task 3.1 norm crashed." in detail.stdout
    assert re.search(r"where +ex03_inner_products\.py, line \d+: return np\.ones\(3\)",
                     detail.stdout)
    for noise in ("numpy/", "site-packages", "Traceback", "_pytest"):
        assert noise not in detail.stdout, noise


@pytest.mark.slow
def test_fresh_venv_gets_the_check_command_and_jupyter(notebook_bundle, tmp_path):
    """In a fresh venv, does `pip install -r requirements.txt` give mlmath-check (not the
    instructor's mlmath), a Jupyter kernel, and a check that runs?"""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                              "requirements.txt"], cwd=notebook_bundle, capture_output=True,
                             text=True, timeout=1800, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    env = ENV | {"PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
    env.pop("VIRTUAL_ENV", None)
    check = subprocess.run(["mlmath-check", "ex03"], cwd=notebook_bundle, env=env,
                           capture_output=True, text=True, timeout=600, check=False)
    assert check.returncode == 1, check.stdout + check.stderr
    assert _table(check.stdout)[0] == "ex03_inner_products: not started (7 tasks, 14 points)"
    assert not (venv / "bin" / "mlmath").exists()
    for module in ("ipykernel", "notebook", "grader"):
        found = subprocess.run([str(python), "-c", f"import {module}"], cwd=tmp_path,
                               env=env, capture_output=True, check=False)
        assert (found.returncode == 0) == (module != "grader"), module


def test_a_forbidden_call_in_the_notebook_fails_its_task_publicly(tmp_path):
    """Does np.linalg.det in det_elimination's notebook cell fail Task 2.3 in the public
    tests (the grader's scanner, shipped as _forbidden.py), naming the call and the cell,
    while the same call in the untouched Task 2.7 costs nothing?"""
    bundle = _bundle(tmp_path / "course", "--notebooks")
    assert (bundle / "_forbidden.py").read_bytes() == \
        (ROOT / "grader" / "judge" / "forbidden.py").read_bytes()
    notebook = bundle / "ex02_determinants.ipynb"
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if 'raise NotImplementedError("Task 2.3:' in source:
            cell["source"] = re.sub(r'raise NotImplementedError\("Task 2\.3:[^\n]*',
                                    "return float(np.linalg.det(A))", source)
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = _pytest(bundle, "test_ex02_determinants.py")
    rows = [t.strip() for t in _table(done.stdout) if t.strip().startswith("Task 2.")]
    row = [t for t in rows if t.startswith("Task 2.3 ")]
    assert len(row) == 1 and "FAILED" in row[0], rows
    assert "det_elimination: uses numpy.linalg.det (cell" in row[0]
    assert "which this task forbids" in row[0]
    assert all("not started" in t for t in rows if not t.startswith("Task 2.3 "))


# The right answers of the 'think it over' questions; the public tests hold only fingerprints.
ANSWERS = {"1a": "b", "1b": 2, "2a": 8, "2b": "c", "3a": -1, "3b": 3, "4a": 12, "4b": "b",
           "5a": 12, "5b": 4, "6a": 625, "6b": "b"}


def test_think_it_over_answers_are_checked_by_fingerprint(tmp_path):
    """With the right answers filled in, do all questions pass (one line per exercise in the
    table), does one wrong answer fail with the question named, and does no public test file
    hold an answer in plain text?"""
    folder = tmp_path / "mine"
    folder.mkdir()
    for path in exercise_files(SOLUTIONS):
        text = path.read_text(encoding="utf-8")
        for question, answer in ANSWERS.items():
            text = text.replace(f"answer_{question} = ...", f"answer_{question} = {answer!r}")
        (folder / path.name).write_text(text, encoding="utf-8")
    ones = folder / "ex06_denoising.py"
    ones.write_text(ones.read_text().replace("answer_6a = 625", "answer_6a = 624"))
    env = ENV | {"MLMATH_EXERCISE_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m",
                           "reflection", "-v"], cwd=ROOT / "exercises", env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1
    assert "11 passed" in done.stdout and "1 failed" in done.stdout, done.stdout[-3000:]
    assert "Question 6a: 624 is not it yet." in done.stdout
    table = _table(done.stdout)
    assert "  think it over: 2 of 2 answers right (not graded)" in table
    assert "  think it over: 1 of 2 answers right (not graded)" in table
    tests = "".join(p.read_text() for p in (ROOT / "exercises").glob("test_ex*.py"))
    assert "answer_6a = 625" not in tests and "625" not in tests.split("QUESTIONS")[-1]


def test_a_crash_in_a_notebook_cell_names_the_cell_and_the_line(tmp_path):
    """In a notebook bundle, is a crash shown with the notebook, its code cell (counted as
    the grader counts them) and the learner's own line?"""
    bundle = _bundle(tmp_path / "course", "--notebooks")
    notebook = bundle / "ex03_inner_products.ipynb"
    data = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if 'raise NotImplementedError("Task 3.1:' in source:
            cell["source"] = re.sub(r'raise NotImplementedError\("Task 3\.1:[^\n]*',
                                    "return np.ones(3) @ np.ones(4)", source)
    notebook.write_text(json.dumps(data), encoding="utf-8")
    done = _pytest(bundle, "test_ex03_inner_products.py")
    row = [t for t in _table(done.stdout) if t.strip().startswith("Task 3.1 ")]
    assert len(row) == 1
    assert re.search(r"\(ex03_inner_products\.ipynb, cell \d+, line \d+: "
                     r"return np\.ones\(3\) @ np\.ones\(4\)\)", row[0]), row[0]
    assert "site-packages" not in done.stdout
