"""Forbidden calls cost only the task whose code uses them (issue 11), through the real CLI.

Each student below hands in reference solutions with one change per file, and the class is
graded once by ``python -m grader.cli grade`` with the real hidden suites. A forbidden call
costs the points of the task whose function (or a helper it calls) uses it, and nothing else:
``np.linalg.det`` in ``grad_logabsdet`` (Task 2.7 allows it) costs Tasks 2.1-2.6 nothing, an
unused ``import scipy`` costs nothing, ``sp.diff`` in the exercise's own worked example costs
Tasks 4.1 and 4.2 nothing. The suites' declarations themselves are checked too: every task
that forbids something names its functions, and they exist in the solutions.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from grader.judge.api import GLOBAL_FORBIDDEN
from grader.judge.forbidden import find_task_uses, task_uses

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "grader" / "suites"
MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION.*\n", re.MULTILINE)
EXERCISES = ["ex01_logs", "ex02_determinants", "ex03_inner_products", "ex04_chain_rule",
             "ex05_neural_network", "ex06_denoising"]


def solution(name: str) -> str:
    """A learner's finished file: the solution without its region markers."""
    return MARKER.sub("", (ROOT / "solutions" / f"{name}.py").read_text(encoding="utf-8"))


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the one line holding ``fragment``."""
    lines = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, fragment
    return lines[0]


def grade(submissions: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(submissions),
                           "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)


def task_scores(out: Path) -> dict[str, dict[str, float]]:
    """Per student, the score of every task, from grades.csv."""
    with open(out / "grades.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {row["student"]: {k: float(v) for k, v in row.items() if re.fullmatch(r"\d+\.\d+", k)}
            for row in rows}


def feedback(out: Path, student: str) -> str:
    (path,) = (out / "feedback").glob(f"{student}-*.md")
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the learner variants

EX02 = solution("ex02_determinants")

# Module-level imports of det and scipy, det used only in Task 2.7's function (which allows
# it); det_elimination (2.3) keeps its local variable named det.
DET_IN_GRAD = edit(edit(
    EX02, "import numpy as np\n",
    "import numpy as np\nimport scipy\nfrom numpy.linalg import det\n"),
    "    return np.linalg.inv(A).T\n",
    "    if det(A) == 0.0:\n        raise ValueError(\"singular matrix\")\n"
    "    return np.linalg.inv(A).T\n")

# Task 2.3's own function calls np.linalg.det.
DET_IN_OWN_FUNCTION = edit(EX02, "    det = 1.0\n",
                           "    return float(np.linalg.det(U))  # the library's\n"
                           "    det = 1.0\n")

# Task 2.1's function calls a helper of the learner's that calls np.linalg.det.
DET_IN_HELPER = edit(edit(
    EX02, "def det_3x3(A):\n",
    "def _library_det(A):\n    return float(np.linalg.det(A))  # the library's\n\n\n"
    "def det_3x3(A):\n"),
    "    return float(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g))\n",
    "    return _library_det(A)\n")

OTHERS = {
    # an unused scipy import; sp.diff in Task 1.4's function
    "ex01_logs.py": edit(edit(
        solution("ex01_logs"), "import sympy as sp\n", "import sympy as sp\nimport scipy\n"),
        "    return y / p - (1 - y) / (1 - p)\n",
        "    return sp.diff(y * sp.log(p) + (1 - y) * sp.log(1 - p), p)  # sympy's\n"),
    # det reached at run time only (no name in the source): the sandbox's stub catches it
    "ex02_determinants.py": edit(
        EX02, "    Q = np.roll(P, -1, axis=0)\n",
        "    Q = np.roll(P, -1, axis=0)\n    getattr(np.linalg, \"de\" + \"t\")(np.eye(2))\n"),
    # np.linalg.norm in Task 3.1's function; gram_schmidt (3.5) uses it too, as allowed
    "ex03_inner_products.py": edit(
        solution("ex03_inner_products"), "    return float(s * np.sqrt(np.sum(w * w)))\n",
        "    return float(np.linalg.norm(v))  # the library's\n"),
    # Task 4.2 through a helper that calls .diff; worked_tanh_of_square keeps its sp.diff
    "ex04_chain_rule.py": edit(edit(
        solution("ex04_chain_rule"), "def two_layer_derivative(x, w1, w2):\n",
        "def _derivative(expr, var):\n    return expr.diff(var)  # sympy's\n\n\n"
        "def two_layer_derivative(x, w1, w2):\n"),
        "    return dy_dz2 * dz2_dh * dh_dz1 * dz1_dw1\n", "    return _derivative(y, w1)\n"),
}

STUDENTS = {
    "det_in_grad": {"ex02_determinants.py": DET_IN_GRAD},
    "det_in_own_function": {"ex02_determinants.py": DET_IN_OWN_FUNCTION},
    "det_in_helper": {"ex02_determinants.py": DET_IN_HELPER},
    "others": OTHERS,
}

# The tasks each student loses, all of their points; every other submitted task is full.
LOST = {"det_in_grad": set(), "det_in_own_function": {"2.3"}, "det_in_helper": {"2.1"},
        "others": {"1.4", "2.6", "3.1", "4.2"}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoped_forbid")
    for student, files in STUDENTS.items():
        (root / student).mkdir()
        for name, text in files.items():
            (root / student / name).write_text(text, encoding="utf-8")
    out = root.parent / (root.name + "_out")
    proc = grade(root, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def full_marks() -> dict[str, float]:
    """Points per task, from the solutions' task headers."""
    header = re.compile(r"^# ### Task (\d+\.\d+) \((\d+) points?\)", re.MULTILINE)
    return {tid: float(points) for name in EXERCISES
            for tid, points in header.findall(solution(name))}


@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_a_forbidden_call_costs_exactly_its_task(graded, student):
    """Does each variant lose all of the points of the task whose code uses the forbidden
    call, and keep every point of every other task of the files it handed in?"""
    got = task_scores(graded)[student]
    full = full_marks()
    submitted = {f"{int(name[2:4])}." for name in STUDENTS[student]}
    expected = {tid: 0.0 if tid in LOST[student] else points
                for tid, points in full.items() if tid.startswith(tuple(submitted))}
    assert {tid: got[tid] for tid in expected} == expected


def test_det_in_task_2_7_costs_tasks_2_1_to_2_6_nothing(graded):
    """The case of issue 11: np.linalg.det in grad_logabsdet, an import of det and of scipy
    at the top. Are all 14 points of exercise 2 earned?"""
    got = task_scores(graded)["det_in_grad"]
    assert sum(v for k, v in got.items() if k.startswith("2.")) == 14.0
    assert "forbids" not in feedback(graded, "det_in_grad")


@pytest.mark.parametrize("student, message", [
    ("det_in_own_function", "Task 2.3: det_elimination uses numpy.linalg.det (line {}), "
                            "which this task forbids: write it yourself."),
    ("det_in_helper", "Task 2.1: det_3x3 uses numpy.linalg.det (line {}, in _library_det), "
                      "which this task forbids: write it yourself."),
])
def test_the_message_names_task_function_and_the_learners_line(graded, student, message):
    """Does the feedback name the task first, then the task's function, the forbidden call
    and the line of the learner's own file where it is?"""
    line = line_of(STUDENTS[student]["ex02_determinants.py"], "# the library's")
    assert message.format(line) in feedback(graded, student)


@pytest.mark.parametrize("fragment", [
    "Task 1.4: bernoulli_loglik_derivative uses sympy.diff (line {ex01_logs}), which this "
    "task forbids",
    "Task 3.1: norm uses numpy.linalg.norm (line {ex03_inner_products}), which this task "
    "forbids",
    "Task 4.2: two_layer_derivative uses sympy.Expr.diff (line {ex04_chain_rule}, in "
    "_derivative), which this task forbids",
    "Task 2.6: `polygon_signed_area` uses numpy.linalg.det, which this task forbids",  # run time
])
def test_other_exercises_name_the_use(graded, fragment):
    """Do the symbolic tasks, the norm and a use only seen at run time get a plain message?"""
    lines = {name[:-3]: line_of(text, "# sympy's" if name.startswith(("ex01", "ex04"))
                                else "# the library's")
             for name, text in OTHERS.items() if not name.startswith("ex02")}
    assert fragment.format(**lines) in feedback(graded, "others")


# ------------------------------------------------------------------ the suites' declarations


def _load_suite(name: str):
    path = SUITES / name / "test_hidden.py"
    spec = importlib.util.spec_from_file_location(f"_suite_{name}", path)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():  # mlmath_task is registered in the suites' own ini only
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        spec.loader.exec_module(module)
    return module


def _task_marks():
    for name in EXERCISES:
        module = _load_suite(name)
        for test_name, fn in vars(module).items():
            for mark in getattr(fn, "pytestmark", []) if test_name.startswith("test_") else []:
                if mark.name == "mlmath_task":
                    yield name, test_name, mark.kwargs


TASK_MARKS = list(_task_marks())


@pytest.mark.parametrize("exercise, test_name, kwargs", TASK_MARKS,
                         ids=[t for _, t, _ in TASK_MARKS])
def test_every_forbidding_task_names_its_functions(exercise, test_name, kwargs):
    """Does every hidden test that forbids names say in which functions, and do those
    functions exist in the solution, without any forbidden use?"""
    import ast

    if not kwargs["forbid"]:
        return
    assert kwargs["functions"], f"{test_name} forbids {kwargs['forbid']} in the whole file"
    tree = ast.parse(solution(exercise))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    assert set(kwargs["functions"]) <= defined
    assert find_task_uses(tree, kwargs["forbid"], kwargs["functions"]) == []
    assert task_uses(tree, kwargs["forbid"], kwargs["functions"], GLOBAL_FORBIDDEN) == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
def test_task_takes_functions_as_names():
    """Does task() accept one name or a tuple for forbid and functions, and refuse a dotted or
    empty function name (a typo would silently search nothing)?"""
    from grader.judge.api import task

    mark = task("2.3", hint="h", forbid="scipy", functions="det_elimination").mark
    assert mark.kwargs["forbid"] == ("scipy",)
    assert mark.kwargs["functions"] == ("det_elimination",)
    for bad in (("Value.__mul__",), ("",), (3,)):
        with pytest.raises(ValueError):
            task("4.4", hint="h", forbid=("numpy",), functions=bad)
