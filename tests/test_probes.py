"""Probes return data, the judge decides (issue 10).

A probe runs inside the sandbox, after the learner's module has loaded, so whatever it
computes there is the learner's word: a probe that returned ``np.array_equal(A, before)``
gave the point to a learner who mutated the input and patched ``numpy.array_equal``. These
tests check the rule and its enforcement (grader/judge/probes.py, ``student.probe``), that
every probe of every hidden suite follows it, and, through the real CLI, that a learner who
patches the comparison helpers at import and scribbles over their inputs earns nothing they
did not compute, on any task.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from grader import wire
from grader.faults import GraderFault
from grader.judge.api import StudentCodeError, SuiteError
from grader.judge.probes import (
    VALUE_ERROR,
    call_and_observe,
    check_probe,
    observe,
    raised,
    top_level_bools,
    verdict_in_probe,
)
from grader.judge.proxy import StudentModule

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "grader" / "suites"
EXERCISES = ["ex01_logs", "ex02_determinants", "ex03_inner_products", "ex04_chain_rule",
             "ex05_neural_network", "ex06_denoising"]


# ------------------------------------------------------------------ what a verdict is
# Probes written the way issue 10 found them, and the ways around the rule a suite author
# might write without meaning to; each returns a verdict computed in the sandbox.


def v_array_equal(mod, A):
    import numpy as np

    before = np.array(A, copy=True)
    result = mod.f(A)
    return [bool(np.array_equal(A, before)), result]


def v_through_a_variable(mod, A):
    import numpy as np

    before = A.copy()
    got = mod.f(A)
    unchanged = np.allclose(A, before)
    return {"got": got, "unchanged": unchanged}


def v_constant_from_except(mod, x):
    try:
        mod.f(x)
    except ValueError:
        return {"refused": True}
    return {"refused": False}


def v_identity_as_float(mod, a0):
    a = mod.Value(a0)
    c = a * a
    return [float(c.data), float(len(c._children) == 2 and c._children[0] is a)]


def v_isinstance(mod, a0):
    c = mod.Value(a0)
    return {"data": c.data, "is_value": float(isinstance(c, mod.Value))}


def v_collected(mod, xs):
    flags = []
    for x in xs:
        flags.append(mod.f(x) is None)
    return flags


def v_aliased_helper(mod, A):
    import numpy as np

    same = np.array_equal
    before = A.copy()
    mod.f(A)
    return [same(A, before)]


def v_nested_helper(mod, A):
    def unchanged(a, b):
        return (a == b).all()

    before = A.copy()
    mod.f(A)
    return [unchanged(A, before)]


def v_lambda_helper(mod, x):
    check = lambda y: y > 0  # noqa: E731
    return [check(mod.f(x))]


def v_not(mod, x):
    return not mod.f(x)


def v_numpy_isclose(mod, x):
    import numpy as np

    return {"close": np.isclose(mod.f(x), 1.0)}


# Probes that return raw values.


def d_observe_like(mod, A):
    result = mod.f(A)
    return {"returned": [result], "args": [A]}


def d_option_is_not_a_verdict(mod, A):
    import numpy as np

    return {"got": np.array(mod.f(A), copy=True), "shape": list(np.shape(A))}


def d_a_choice_is_not_a_verdict(mod, x, eps=None):
    got = mod.f(x) if eps is None else mod.f(x, eps)
    rows = [v for v in got if v is not None]
    return {"rows": rows, "positive": got[got > 0], "calls": len(rows)}


def d_marks(mod, a0, tags):
    mod.Value._probe_class = tags["Value"]
    try:
        a = mod.Value(a0)
        a._probe_mark = tags["a"]
        c = a * a
        marks = [getattr(k, "_probe_mark", None) for k in c._children]
        return {"class": getattr(c, "_probe_class", None), "children": marks}
    finally:
        del mod.Value._probe_class


VERDICTS = [v_array_equal, v_through_a_variable, v_constant_from_except, v_identity_as_float,
            v_isinstance, v_collected, v_aliased_helper, v_nested_helper, v_lambda_helper,
            v_not, v_numpy_isclose]
DATA = [d_observe_like, d_option_is_not_a_verdict, d_a_choice_is_not_a_verdict, d_marks,
        call_and_observe]


@pytest.mark.parametrize("probe", VERDICTS, ids=lambda f: f.__name__)
def test_a_verdict_computed_in_the_sandbox_is_found(probe):
    """Is each way of returning a verdict found in the probe's source, with its line?"""
    problem = verdict_in_probe(probe)
    assert problem is not None and "returns a verdict computed in the sandbox" in problem
    assert re.search(rf"{probe.__name__} \(line \d+\)", problem)


@pytest.mark.parametrize("probe", DATA, ids=lambda f: f.__name__)
def test_raw_values_are_not_verdicts(probe):
    """Are results, arguments, counts, marks and choices (x if c else y) left alone?"""
    assert verdict_in_probe(probe) is None


def _suite_probes():
    """(suite, probe name) for every function a hidden suite hands to student.probe."""
    for name in EXERCISES:
        tree = ast.parse((SUITES / name / "test_hidden.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "probe" and node.args:
                yield name, ast.unparse(node.args[0])


SUITE_PROBES = sorted(set(_suite_probes()))


def test_the_suites_send_probes():
    """Does the audit below see the suites' probes (so that it can fail)?"""
    assert len(SUITE_PROBES) >= 10
    assert {suite for suite, _ in SUITE_PROBES} >= {"ex03_inner_products", "ex04_chain_rule",
                                                     "ex05_neural_network"}


def _load_suite(name: str):
    spec = importlib.util.spec_from_file_location(f"_probes_{name}",
                                                  SUITES / name / "test_hidden.py")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():  # mlmath_task is registered in the suites' own ini only
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("suite, probe", SUITE_PROBES, ids=[f"{s}:{p}" for s, p in SUITE_PROBES])
def test_every_probe_of_every_suite_returns_raw_values(suite, probe):
    """Does each probe a hidden suite sends pass the rule student.probe enforces?"""
    assert verdict_in_probe(getattr(_load_suite(suite), probe)) is None


# ------------------------------------------------------------------ student.probe


def fake_student(monkeypatch, value, module="ex02_determinants"):
    """A StudentModule whose sandbox answers every request with ``value`` (sent through the
    wire, as a real one is); returns it and the list of requests it received."""
    requests: list[dict] = []

    def request(self, req, args, kwargs):
        requests.append({**req, "args": args, "kwargs": kwargs})
        return wire.from_json(wire.to_json(value))

    monkeypatch.setattr(StudentModule, "_request", request)
    return StudentModule(SimpleNamespace(), module, task="2.3"), requests


def test_a_verdict_probe_is_refused_before_anything_is_sent(monkeypatch):
    """Is a probe that computes a verdict a SuiteError (a grader fault: never a score), raised
    before the sandbox is asked anything, whatever the submission?"""
    student, requests = fake_student(monkeypatch, [True, 1.0])
    with pytest.raises(SuiteError, match="v_array_equal") as info:
        student.probe(v_array_equal, np.eye(2))
    assert isinstance(info.value, GraderFault)
    assert requests == []
    with pytest.raises(SuiteError):
        check_probe(lambda mod: 1)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), [1.0, True],
                                   {"result": 1.0, "ok": False}, (np.array(True), 2)])
def test_a_yes_no_answer_from_the_sandbox_fails_the_check(monkeypatch, value):
    """If a clean probe's answer holds True/False at its top level anyway (the learner's code
    made it so), does the check fail as the learner's, not pass and not blame the grader?"""
    student, _ = fake_student(monkeypatch, value)
    with pytest.raises(StudentCodeError) as info:
        student.probe(d_observe_like, np.eye(2))
    assert info.value.kind == "unsupported"
    assert top_level_bools(value)


def test_raw_values_come_back_as_sent(monkeypatch):
    """Does a clean probe's raw answer (a bool deep inside is the learner's data) come back?"""
    student, requests = fake_student(monkeypatch, {"returned": [True], "args": [np.eye(2)]})
    got = student.probe(d_observe_like, np.eye(2))
    assert got["returned"] == [True] and np.array_equal(got["args"][0], np.eye(2))
    assert [(r["op"], r["name"]) for r in requests] == [("probe", "d_observe_like")]


def test_observe_and_raised_read_the_sandbox_answer(monkeypatch):
    """Do observe and raised turn the probe's answer into the call's result, exception
    classes and arguments after the call?"""
    A = np.arange(4.0).reshape(2, 2)
    after = A + 1
    student, requests = fake_student(
        monkeypatch, {"returned": [2.5], "raised": [], "args": [after], "kwargs": {}})
    obs = observe(student, "f", A)
    assert obs.returned == 2.5 and obs.raised == () and np.array_equal(obs.args[0], after)
    assert requests[-1]["source"].startswith("def call_and_observe(")
    assert requests[-1]["args"][0] == "f" and requests[-1]["args"][1] is A
    student, _ = fake_student(monkeypatch, {
        "returned": [], "raised": ["numpy.linalg.LinAlgError", "builtins.ValueError",
                                   "builtins.Exception"], "args": [A], "kwargs": {}})
    assert VALUE_ERROR in raised(student, "f", A)


@pytest.mark.parametrize("answer", [None, [1, 2], {"returned": [], "raised": [], "args": [1],
                                                     "kwargs": {}}, {"returned": [1]},
                                    {"returned": [1], "raised": [], "args": [], "kwargs": {}}])
def test_a_malformed_observation_fails_the_check(monkeypatch, answer):
    """Is an answer that is not what call_and_observe returns the learner's failure?"""
    student, _ = fake_student(monkeypatch, answer)
    with pytest.raises(StudentCodeError):
        observe(student, "f", 1)


def test_call_and_observe_runs_standalone_and_lets_not_started_through():
    """Run from its source text in a bare namespace, as the sandbox does: does it report the
    result, the exception classes and the arguments after the call, and re-raise a stub's
    NotImplementedError and a forbidden call (so that the sandbox reports them)?"""
    import inspect

    namespace: dict = {}
    exec(textwrap.dedent(inspect.getsource(call_and_observe)), namespace)
    probe = namespace["call_and_observe"]

    def scribble(a):
        a += 1
        return float(a.sum())

    def refuse(a):
        raise np.linalg.LinAlgError("singular")

    def stub(a):
        raise NotImplementedError("Task 2.3: not started")

    class Forbidden(Exception):  # the sandbox's stub for a forbidden call raises one
        pass

    def forbidden(a):
        raise Forbidden("numpy.linalg.det")

    mod = SimpleNamespace(scribble=scribble, refuse=refuse, stub=stub, forbidden=forbidden)
    got = probe(mod, "scribble", np.zeros(3))
    assert got["returned"] == [3.0] and got["raised"] == []
    assert np.array_equal(got["args"][0], np.ones(3))
    got = probe(mod, "refuse", np.zeros(3))
    assert got["returned"] == [] and VALUE_ERROR in got["raised"]
    with pytest.raises(NotImplementedError):
        probe(mod, "stub", np.zeros(3))
    with pytest.raises(Forbidden):
        probe(mod, "forbidden", np.zeros(3))


# ------------------------------------------------------------------ through the real CLI

MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION.*\n", re.MULTILINE)

# Prepended: every comparison helper the sandbox holds says "equal".
PATCHES = '''
import math as _math

import numpy as _np
import numpy.testing as _npt

_math.isclose = lambda *a, **k: True
_np.array_equal = lambda *a, **k: True
_np.array_equiv = lambda *a, **k: True
_np.allclose = lambda *a, **k: True
_np.isclose = lambda a, b, *r, **k: _np.ones(_np.broadcast(_np.asarray(a), _np.asarray(b)).shape,
                                             dtype=bool)
for _name in dir(_npt):
    if _name.startswith("assert_"):
        setattr(_npt, _name, lambda *a, **k: None)
'''

# Appended: every public function scribbles over its array arguments after computing (only
# when called from outside the module, so the results are what the functions computed).
MUTATE = '''

import functools as _functools
import types as _types

import numpy as _np_m

_DEPTH = [0]


def _scribble(value):
    if isinstance(value, _np_m.ndarray) and value.flags.writeable and value.size:
        if value.dtype.kind in "fciu":
            value += 1
    elif isinstance(value, dict):
        for item in value.values():
            _scribble(item)
    elif isinstance(value, list):
        for item in value:
            _scribble(item)


def _mutating(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _DEPTH[0] += 1
        try:
            result = fn(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
        if _DEPTH[0] == 0:
            for arg in [*args, *kwargs.values()]:
                _scribble(arg)
        return result

    return wrapper


for _name, _obj in list(globals().items()):
    if isinstance(_obj, _types.FunctionType) and _obj.__module__ == __name__ \\
            and not _name.startswith("_"):
        globals()[_name] = _mutating(_obj)
'''


def solution(name: str) -> str:
    return MARKER.sub("", (ROOT / "solutions" / f"{name}.py").read_text(encoding="utf-8"))


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


SOLVED = {f"{n}.py": solution(n) for n in EXERCISES}
# Wrong answers, among them three that change the caller's arrays in place (2.3, 5.7, 6.1).
WRONG = {
    **SOLVED,
    "ex01_logs.py": edit(SOLVED["ex01_logs.py"], "return y / p - (1 - y) / (1 - p)",
                         "return y / p + (1 - y) / (1 - p)"),
    "ex02_determinants.py": edit(
        SOLVED["ex02_determinants.py"], "    U = np.array(A, dtype=float)\n"
        "    if U.ndim != 2 or U.shape[0] != U.shape[1]:\n"
        "        raise ValueError(f\"A must be a square matrix, got shape {U.shape}\")\n"
        "    n = U.shape[0]\n    det = 1.0\n",
        "    U = np.asarray(A, dtype=float)\n"
        "    if U.ndim != 2 or U.shape[0] != U.shape[1]:\n"
        "        raise ValueError(f\"A must be a square matrix, got shape {U.shape}\")\n"
        "    n = U.shape[0]\n    det = 1.0\n"),
    "ex03_inner_products.py": edit(
        SOLVED["ex03_inner_products.py"], "    return float(np.clip(c, -1.0, 1.0))",
        "    return float(c)"),
    "ex05_neural_network.py": edit(
        SOLVED["ex05_neural_network.py"],
        "return {k: params[k] - lr * grads[k] for k in params}",
        "for k in params:\n        params[k] -= lr * grads[k]\n    return params"),
    "ex06_denoising.py": edit(
        SOLVED["ex06_denoising.py"],
        "    return images + sigma * rng.normal(size=np.shape(images))\n",
        "    images += sigma * rng.normal(size=np.shape(images))\n    return images\n"),
}
STUBS = {f"{n}.py": (ROOT / "exercises" / f"{n}.py").read_text(encoding="utf-8")
         for n in EXERCISES}


def variant(files: dict[str, str], *, patch: bool = False, mutate: bool = False):
    return {name: (PATCHES if patch else "") + text + (MUTATE if mutate else "")
            for name, text in files.items()}


STUDENTS = {
    "patched": variant(SOLVED, patch=True),
    "mutating": variant(SOLVED, mutate=True),
    "mutating_patched": variant(SOLVED, patch=True, mutate=True),
    "wrong": variant(WRONG),
    "wrong_patched": variant(WRONG, patch=True),
    "untouched_patched": variant(STUBS, patch=True, mutate=True),
}
# Tasks with a check that the caller's arrays are left unchanged.
INPUT_CHECKS = {"2.3", "2.4", "3.5", "4.7", "5.7", "5.11", "5.12", "6.1"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("patching_class")
    for student, files in STUDENTS.items():
        (root / student).mkdir()
        for name, text in files.items():
            (root / student / name).write_text(text, encoding="utf-8")
    out = root.parent / (root.name + "_out")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(root), "--out",
                           str(out), "--jobs", "2"], capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out / "grades.csv", encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    return {student: {k: float(v) for k, v in row.items() if re.fullmatch(r"\d+\.\d+", k)}
            for student, row in rows.items()}


def full_marks() -> dict[str, float]:
    header = re.compile(r"^# ### Task (\d+\.\d+) \((\d+) points?\)", re.MULTILINE)
    return {tid: float(p) for text in SOLVED.values() for tid, p in header.findall(text)}


def test_patching_the_comparisons_costs_honest_work_nothing(graded):
    """Do correct solutions that patch every comparison helper still earn every point?"""
    assert graded["patched"] == full_marks()


@pytest.mark.parametrize("honest, patched", [("mutating", "mutating_patched"),
                                             ("wrong", "wrong_patched")])
def test_patching_the_comparisons_earns_nothing(graded, honest, patched):
    """Does a submission that patches numpy.array_equal, allclose, isclose, numpy.testing and
    math.isclose at import (and scribbles over its inputs) score, task by task, exactly what
    the same answers score without the patches?"""
    assert graded[patched] == graded[honest]


def test_inputs_changed_in_place_are_seen(graded):
    """Do the tasks that check the caller's arrays see them changed, whatever is patched?"""
    full = full_marks()
    for student in ("mutating", "mutating_patched"):
        lost = {tid for tid, points in full.items() if graded[student][tid] < points}
        assert lost == INPUT_CHECKS, student
    for student in ("wrong", "wrong_patched"):
        assert all(graded[student][tid] < full[tid] for tid in ("2.3", "5.7", "6.1"))


def test_patching_the_comparisons_earns_nothing_from_nothing(graded):
    """Do untouched stubs with the patches still score 0?"""
    assert sum(graded["untouched_patched"].values()) == 0


VERDICT_TEST = '''


def _verdict_probe(mod, n):
    return mod.add(n, n) == 2 * n


@task("1.1", points=1, hint="add the two numbers")
def test_add_by_a_verdict(student):
    assert student.probe(_verdict_probe, 2) == 0
'''


def test_a_suite_that_sends_a_verdict_probe_is_a_grader_fault(tmp_path):
    """Graded through the CLI with a suite that sends a verdict probe: is that check a grader
    fault reported to the instructor with the probe's line, and no score stored?"""
    import shutil

    suites = tmp_path / "suites"
    shutil.copytree(ROOT / "tests" / "fixtures" / "toy_suites", suites)
    with open(suites / "ex01_toy" / "check_toy.py", "a", encoding="utf-8") as f:
        f.write(VERDICT_TEST)
    (tmp_path / "class" / "good").mkdir(parents=True)
    (tmp_path / "class" / "good" / "ex01_toy.py").write_text(
        "def add(a, b):\n    return a + b\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "class"),
                           "--out", str(tmp_path / "out"), "--suites", str(suites),
                           "--jobs", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "test_add_by_a_verdict raised SuiteError" in proc.stderr
    assert "_verdict_probe (line" in proc.stderr and "results were not stored" in proc.stderr
