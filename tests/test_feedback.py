"""exercises/_feedback.py: learner-facing checks whose failures explain themselves."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

PATH = Path(__file__).resolve().parent.parent / "exercises" / "_feedback.py"
_spec = importlib.util.spec_from_file_location("mlmath_exercise_feedback", PATH)
fb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fb)


def _message(func, *args, **kwargs) -> str:
    with pytest.raises(fb.TaskCheckFailed) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, AssertionError)
    return str(info.value)


def test_close_message_has_the_house_shape():
    """Does an overflowing log-sum-exp get the task, input, yours, expected and hint lines?"""
    x = np.array([1000.0, 1000.0])
    msg = _message(fb.check_close, "1.3", "log_sum_exp: overflow on large inputs", np.inf,
                   1000.0 + np.log(2.0), inputs={"x": x}, hint="subtract the max")
    assert msg.splitlines() == [
        "Task 1.3 log_sum_exp: overflow on large inputs.",
        "  input  x = [1000. 1000.]",
        "  why    your answer is inf",
        "  yours  inf",
        "  expected 1000.6931471805599",
        "  hint   subtract the max",
    ]


CLOSE_FAILURES = {
    "None returned": (None, 1.0, "returned None; is a `return` statement missing?"),
    "string": ("1.0", 1.0, "you returned a string"),
    "sympy object": (sp.Symbol("x"), 1.0, "SymPy object"),
    "wrong shape": (np.zeros((3, 1)), np.zeros(3), "shape (3, 1); expected shape (3,)"),
    "nan": (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "nan at index 1"),
    "-inf": (-np.inf, 0.0, "your answer is -inf"),
    "wrong entry": (np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]),
                    "largest difference is at index (1, 1)"),
    "complex": (np.array([1 + 1j]), np.array([1.0]), "complex"),
    "bool": (True, 1.0, "you returned a bool"),
}


@pytest.mark.parametrize("case", list(CLOSE_FAILURES), ids=list(CLOSE_FAILURES))
def test_close_explains_each_kind_of_wrong(case):
    """Is each kind of wrong answer (type, shape, nan/inf, value) explained in words?"""
    got, expected, words = CLOSE_FAILURES[case]
    msg = _message(fb.check_close, "2.1", "det: a case", got, expected, hint="h")
    assert msg.startswith("Task 2.1 det: a case.")
    assert words in msg


@pytest.mark.parametrize(("got", "expected"), [
    (1.0 + 1e-9, 1.0), (np.float32(0.5), 0.5), (3, 3.0), ([1.0, 2.0], np.array([1.0, 2.0])),
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0])), (np.array(2.0), 2.0),
])
def test_close_accepts_right_answers(got, expected):
    """Are right answers accepted whatever numeric form they come in?"""
    fb.check_close("1.1", "ok", got, expected, hint="h")


def test_ellipsis_counts_as_not_started():
    """Is a value still `...` (the one-line stub) reported as not started, naming the task?"""
    with pytest.raises(NotImplementedError, match=r"^Task 6\.2: "):
        fb.check_close("6.2", "learning rate", ..., 0.1, hint="h")


def test_true_shows_got_and_inputs():
    """Does a failed property show its inputs and the learner's value, and no 'expected'?"""
    msg = _message(fb.check_true, "3.4", "cauchy_schwarz: |<x,y>| <= |x||y|", False,
                   inputs={"x": [1, 2]}, got=7.5, hint="h")
    assert "input  x = [1, 2]" in msg and "yours  7.5" in msg and "expected" not in msg
    fb.check_true("3.4", "ok", np.array([True, True]), hint="h")
    assert "Task 3.4" in _message(fb.check_true, "3.4", "all", np.array([True, False]), hint="h")


def _raise(exc):
    def func(*args, **kwargs):
        raise exc
    return func


def test_raises_accepts_the_right_error_and_explains_the_wrong_one():
    """Does check_raises pass on ValueError, and explain a KeyError or a silent return?"""
    fb.check_raises("2.2", "det: not square", _raise(ValueError("no")), np.ones((2, 3)), hint="h")
    msg = _message(fb.check_raises, "2.2", "det: not square", _raise(KeyError("k")), 1, hint="h")
    assert "raised KeyError" in msg and "expected ValueError or TypeError" in msg
    msg = _message(fb.check_raises, "2.2", "det: not square", lambda a: 5.0, 1, hint="h")
    assert "returned 5.0 without raising" in msg


def test_raises_lets_the_stub_through():
    """Does a stub's NotImplementedError pass through check_raises untouched?"""
    stub = _raise(NotImplementedError("Task 2.2: Det - not started yet."))
    with pytest.raises(NotImplementedError, match=r"^Task 2\.2:"):
        fb.check_raises("2.2", "det: not square", stub, 1, hint="h")


x, y = sp.symbols("x y")


@pytest.mark.parametrize(("got", "expected", "variables"), [
    (sp.cos(x) ** 2 + sp.sin(x) ** 2, sp.Integer(1), {x: "real"}),
    (sp.log(x * y), sp.log(x) + sp.log(y), {x: "positive", y: "positive"}),
    (2 * x * sp.cos(x**2), sp.diff(sp.sin(x**2), x), {x: "real"}),
    (x / (1 - x), sp.exp(sp.log(x) - sp.log(1 - x)), {x: "unit"}),
    (sp.Matrix([2 * x, 3]), sp.Matrix([sp.diff(x**2, x), 3]), {x: (0.5, 2.0)}),
    (sp.exp(x) - 1 - x, sp.exp(x) - 1 - x, {x: (1e-9, 1e-8)}),  # cancellation near 0
    (1, sp.Integer(1), {}),
])
def test_symbolic_accepts_equivalent_expressions(got, expected, variables):
    """Are equivalent expressions accepted, including under cancellation and for matrices?"""
    fb.check_symbolic("4.2", "d/dx", got, expected, variables=variables, hint="h")


# The repository has the grader installed, so check_symbolic uses grader.symbolic's checker
# (the same one the hidden suites use); these are that checker's words for each slip.
@pytest.mark.parametrize(("got", "expected", "words"), [
    (-2 * x * sp.cos(x**2), 2 * x * sp.cos(x**2), "wrong sign"),
    (x * sp.cos(x**2), 2 * x * sp.cos(x**2), "0.5 x the correct derivative"),
    (sp.cos(x**2), 2 * x * sp.cos(x**2), "at       x = "),
    (2 * y, 2 * x, "not the same variables"),
    ("2*x", 2 * x, "you returned a string"),
    (sp.Matrix([[1, x]]), sp.Matrix([[1], [x]]), "transpose"),
])
def test_symbolic_rejects_and_names_the_slip(got, expected, words):
    """Is a wrong expression rejected with a counterexample point or the named slip?"""
    msg = _message(fb.check_symbolic, "4.2", "d/dx sin(x^2)", got, expected,
                   variables={x: "real"}, hint="h")
    assert words in msg
    assert "2*x*cos(x**2)" not in msg.split("yours")[0]  # the answer is never given away


def test_symbolic_counterexample_is_reproducible():
    """Is the counterexample the same on every run (points seeded by task and check)?"""
    args = ("4.2", "d/dx", sp.sin(x), sp.cos(x))
    first = _message(fb.check_symbolic, *args, variables={x: "real"}, hint="h")
    assert first == _message(fb.check_symbolic, *args, variables={x: "real"}, hint="h")


@pytest.mark.parametrize(("got", "expected", "words"), [
    (-2 * x * sp.cos(x**2), 2 * x * sp.cos(x**2), "(off by a sign?)"),
    (x * sp.cos(x**2), 2 * x * sp.cos(x**2), "(off by a constant factor 0.5?)"),
    (2 * y, 2 * x, "uses y, which is not a variable here"),
    (sp.Matrix([[1, x]]), sp.Matrix([[1], [x]]), "(transposed?)"),
])
def test_bundle_fallback_checker_names_the_slip(monkeypatch, got, expected, words):
    """Without the grader (the learner bundle), does the built-in sampler name the slip?"""
    engine = fb._symbolic_engine()
    monkeypatch.setattr(engine, "_grader_verdict", lambda *a: None)
    why = engine.mismatch(got, expected, {x: "real"}, seed=0)
    assert why is not None and words in why
