"""The symbolic checker's known defects (issue 11), one test each, against held-out pairs."""

from __future__ import annotations

import ast
import json
import random
import time
from fractions import Fraction
from types import SimpleNamespace

import mpmath
import numpy as np
import pytest
import sympy as sp

from grader import wire
from grader.symbolic import (
    REAL,
    Limits,
    ParseError,
    TreeError,
    check_equivalent,
    from_tree,
    parse_answer,
    to_tree,
)
from grader.symbolic._functions import TREE_FUNCTIONS, TYPED_FUNCTIONS
from grader.symbolic._realfuncs import FLOAT_OPS, MP_OPS
from grader.symbolic.domains import as_domain
from grader.symbolic.kinks import kink_points
from grader.symbolic.numeric import float_values, mp_value

x = sp.Symbol("x", real=True)
Px = sp.Symbol("x")  # a learner's plain symbol


# ------------------------------------------------------- 1. kinks and wide scales (ReLU6)
RELU6_REFERENCES = {
    "min_max": sp.diff(sp.Min(sp.Max(0, x), 6), x),
    "piecewise": sp.diff(sp.Piecewise((0, x < 0), (x, x < 6), (6, True)), x),
}


@pytest.mark.parametrize("name", list(RELU6_REFERENCES))
@pytest.mark.parametrize("answer", ["step(x)", sp.Heaviside(Px)], ids=["typed", "code"])
def test_relu6_derivative_answered_as_step_is_rejected(name, answer):
    """Is step(x) rejected for ReLU6' (they differ only for x > 6), with a point past 6?"""
    v = check_equivalent(answer, RELU6_REFERENCES[name])
    assert v.status == "not_equivalent", v.message
    assert v.counterexample["x"] > 6
    assert "x = " in v.message and "yours" in v.message


@pytest.mark.parametrize("name", list(RELU6_REFERENCES))
@pytest.mark.parametrize("answer", ["Heaviside(x)*Heaviside(6 - x)", "step(x) - step(x - 6)",
                                    sp.Piecewise((0, Px < 0), (1, Px < 6), (0, True))])
def test_relu6_derivative_right_answers_are_accepted(name, answer):
    """Are the right ReLU6' answers still accepted, kink points on both sides and all?"""
    assert check_equivalent(answer, RELU6_REFERENCES[name]).status == "equivalent"


@pytest.mark.parametrize(("expr", "root"), [
    (sp.Heaviside(6 - sp.Max(0, x)), 6.0), (sp.Abs(3 * x - 1), 1 / 3),
    (sp.Piecewise((1, x < -250), (0, True)), -250.0), (sp.Max(x, 2 * x - 7), 7.0),
    (sp.sign(x - 1000), 1000.0),
])
def test_kink_points_lie_on_both_sides(expr, root):
    """Are points added just below and just above each kink (Heaviside, Abs, Piecewise,
    Max, sign), within 2% of it?"""
    points = kink_points([expr], {"x": REAL}, [{"x": Fraction(1, 2)}], time.monotonic() + 5)
    xs = [float(p["x"]) for p in points]
    scale = max(abs(root), 1)
    assert any(root - 0.02 * scale < v < root for v in xs), xs
    assert any(root < v < root + 0.02 * scale for v in xs), xs


def test_kink_points_respect_the_domain():
    """Is a kink outside the variable's domain (at -1 for a positive variable) skipped?"""
    p = sp.Symbol("p", positive=True)
    points = kink_points([sp.Abs(p + 1) + sp.Heaviside(p - 2)], {"p": as_domain("positive")},
                         [{"p": Fraction(1)}], time.monotonic() + 5)
    assert points and all(float(q["p"]) > 0 for q in points)
    assert any(1.9 < float(q["p"]) < 2 for q in points)


def test_real_samples_reach_wide_scales():
    """Do real samples reach beyond 4 in size (10, 100, up to 1000) on both signs?"""
    values = [float(v) for v in REAL.sample(random.Random(0), 24)]
    assert max(values) > 10 and min(values) < -10
    assert max(abs(v) for v in values) > 100
    assert all(abs(v) <= 1000 for v in values)


# ------------------------------------------------------- 2. cancellation near x = 0
def test_cancellation_near_zero_is_accepted():
    """Is (1 - cos x)/x^2 accepted for 2 sin(x/2)^2/x^2 on (1e-7, 1e-6), where 50 digits
    leave only 37 after cancellation?"""
    v = check_equivalent("(1 - cos(x))/x^2", 2 * sp.sin(x / 2) ** 2 / x**2,
                         {"x": (1e-7, 1e-6)})
    assert v.status == "equivalent", v.message


def test_tiny_real_differences_are_still_seen():
    """Is an exp(-80) relative difference (2e-35) rejected, with shown values that differ?"""
    v = check_equivalent(x * (1 + sp.exp(-80)), x)
    assert v.status == "not_equivalent"
    yours = v.message.split("yours")[1].split("\n")[0].strip()
    correct = v.message.split("correct")[1].split("\n")[0].strip()
    assert yours != correct, v.message


def test_values_differing_beyond_40_digits_are_shown_as_a_difference():
    """Are two values that differ only at the 45th digit shown as 'correct + difference'?"""
    from grader.symbolic.slips import fmt_value

    with mpmath.workdps(60):
        r = mpmath.mpf(1) / 3
        a = r + mpmath.mpf(10) ** -45
        assert fmt_value(a, r) == "0.333333333333 + 1.0e-45"
        assert fmt_value(r, a, anchor=True) == "0.333333333333"
        assert fmt_value(r + mpmath.mpf(10) ** -20, r) != fmt_value(r, r + mpmath.mpf(10) ** -20)


@pytest.mark.parametrize("offset", [sp.exp(-40), sp.exp(-60), sp.exp(-80)])
def test_shown_values_differ_at_the_digits_shown(offset):
    """Does a rejection always print 'yours' and 'correct' differently?"""
    v = check_equivalent(sp.cos(x) + offset, sp.cos(x))
    assert v.status == "not_equivalent"
    lines = dict(line.split(None, 1) for line in v.message.splitlines()[1:4])
    assert lines["yours"] != lines["correct"], v.message


# ------------------------------------------------------- 3. float64 overflow (sigmoid)
SIGMOID_GRAD = sp.diff(1 / (1 + sp.exp(-x)), x)


@pytest.mark.parametrize("answer", ["sigmoid(x)*(1 - sigmoid(x))", "exp(x)/(1 + exp(x))^2",
                                    "exp(-x)/(1 + exp(-x))^2"])
def test_sigmoid_gradient_where_float64_overflows(answer):
    """Is the sigmoid gradient decided on x in (-800, -710), where exp(-x) overflows float64?"""
    v = check_equivalent(answer, SIGMOID_GRAD, {"x": (-800, -710)})
    assert v.status == "equivalent", v.message


def test_wrong_sigmoid_gradient_where_float64_overflows():
    """Is twice the gradient rejected there, with the factor named?"""
    v = check_equivalent("2*sigmoid(x)*(1 - sigmoid(x))", SIGMOID_GRAD, {"x": (-800, -710)})
    assert (v.status, v.slip) == ("not_equivalent", "constant_factor"), v.message


# ------------------------------------------------------- 4. size limits: undetermined
def _old_part_count(text: str) -> int:
    """The part count the checker used to apply (every ast node, contexts included)."""
    return sum(1 for _ in ast.walk(ast.parse(text.replace("^", "**"))))


ZERO_TERMS = "sigmoid(x)*(1 - sigmoid(x))" + "".join(
    f" + 0*x^{k} + (x{k} - x{k})*y" for k in range(1, 41))


def test_right_answer_with_many_zero_terms_is_accepted():
    """Is a right answer padded with zero terms accepted (it had 720+ parts, over 600)?"""
    assert _old_part_count(ZERO_TERMS) > 600
    v = check_equivalent(ZERO_TERMS, SIGMOID_GRAD)
    assert v.status == "equivalent", v.message


def test_size_limit_gives_undetermined_too_large():
    """Is an answer over a size limit 'undetermined: too large', never 'not equivalent'?"""
    long_sum = "+".join(["x*y"] * 400)  # 1599 parts
    for answer, limits in ((long_sum, Limits()), (ZERO_TERMS, Limits(max_nodes=100)),
                           ("x^2000", Limits()), ("[" + ",".join(["x"] * 500) + "]", Limits()),
                           (sp.zeros(21, 20), Limits()), ([x] * 401, Limits())):
        v = check_equivalent(answer, x, limits=limits)
        assert (v.status, v.slip) == ("undetermined", "too_large"), v.message
        assert "too large" in v.message and "not rejected" in v.message


def test_zero_terms_are_counted_after_they_cancel():
    """Does the built answer's size count x - x as nothing (so padding does not hit the
    limit of distinct parts)?"""
    padded = parse_answer(ZERO_TERMS)
    plain = parse_answer("sigmoid(x)*(1 - sigmoid(x))")
    assert padded == plain


# ------------------------------------------------------- 5. a variable called lambda
def test_lambda_can_be_a_variable():
    """Can an answer use a variable called lambda (a Python keyword)?"""
    lam, w = sp.Symbol("lambda"), sp.Symbol("w")
    assert parse_answer("2*lambda*w + lambda^2", ["lambda", "w"]) == 2 * lam * w + lam**2
    assert parse_answer("2lambda w^2".replace(" ", "*"), ["lambda", "w"]) == 2 * lam * w**2
    wr = sp.Symbol("w", real=True)
    ref = sp.diff(wr**2 + sp.Symbol("lambda", positive=True) * sp.Abs(wr), wr)
    v = check_equivalent("2*w + lambda*sign(w)", ref)
    assert v.status == "equivalent", v.message
    v = check_equivalent("2*w + lambda", ref)
    assert v.status == "not_equivalent"


@pytest.mark.parametrize(("text", "needle"), [
    ("lambda: 0", "lambda is not allowed"),
    ("(lambda y: y)(x)", "lambda is not allowed"),
    ("lambda y, z: y", "lambda is not allowed"),
    ("lambda y, z: __import__('os')", "not allowed"),
    ("lambda_", "underscores"),
    ("lambda(x)", "lambda is a variable, not a function"),
    ("lambda.real", "attribute access"),
])
def test_lambda_cannot_smuggle_anything(text, needle):
    """Is every use of lambda other than as a name refused, nothing executed?"""
    with pytest.raises(ParseError, match=needle.replace("(", r"\(")):
        parse_answer(text, ["lambda", "x"])


# ------------------------------------------------------- 6. every function crosses
def _example(name: str, cls) -> sp.Expr:
    y = sp.Symbol("y")
    two = {"atan2": (Px, y), "binomial": (Px, sp.Integer(3)), "polygamma": (sp.Integer(1), Px),
           "LambertW": (Px,), "Heaviside": (Px,), "DiracDelta": (Px,), "log": (Px,),
           "Max": (Px, y, sp.Integer(0)), "Min": (Px, y)}
    return cls(*two.get(name, (Px,)))


FUNCTIONS = sorted(TREE_FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_whitelisted_function_crosses_and_evaluates(name):
    """Does each whitelisted function survive the wire and evaluate like SymPy's evalf
    (the same real value, or undefined where SymPy's value is complex)?"""
    cls = TREE_FUNCTIONS[name][0]
    assert cls in FLOAT_OPS and cls in MP_OPS
    expr = _example(name, cls)
    back = wire.from_json(json.loads(json.dumps(wire.to_json(expr))), sympy_builder=from_tree)
    assert back == expr and from_tree(to_tree(expr)) == expr
    for xv in ("0.37", "1.7", "-2.3", "0.93", "-0.5", "3.0"):
        point = {"x": Fraction(xv), "y": Fraction(4, 5)}
        ours = mp_value(back, point, 30, time.monotonic() + 5).value
        fl = float_values(back, {k: np.array([float(v)]) for k, v in point.items()},
                          time.monotonic() + 5)[0][0]
        theirs = sp.N(expr.subs({Px: sp.Rational(xv), sp.Symbol("y"): sp.Rational(4, 5)}), 30)
        if theirs.is_real and theirs.is_finite:
            with mpmath.workdps(30):
                gap = abs(ours - mpmath.mpf(str(theirs)))
                assert gap <= mpmath.mpf(10) ** -25 * max(1, abs(ours)), (xv, ours)
            assert fl == pytest.approx(float(theirs), rel=1e-9, abs=1e-12), xv
        else:
            assert not mpmath.isfinite(ours) and not np.isfinite(fl), (xv, ours, fl)


def test_sech_squared_is_accepted_for_the_tanh_derivative():
    """Is sp.sech(x)**2 from code (and sech(x)^2 typed) right for tanh'?"""
    from grader.judge.proxy import _sympy_builder

    ref = sp.diff(sp.tanh(x), x)
    code = wire.from_json(wire.to_json(sp.sech(Px) ** 2), sympy_builder=_sympy_builder)
    assert check_equivalent(code, ref).status == "equivalent"
    assert check_equivalent("sech(x)^2", ref).status == "equivalent"
    assert check_equivalent("1/cosh(x)^2", ref).status == "equivalent"
    assert check_equivalent("coth(x)^2", ref).status == "not_equivalent"


@pytest.mark.parametrize("text", ["sec(x)", "csc(x)", "cot(x)", "acot(x)", "asec(x)",
                                  "acsc(x)", "coth(x)", "csch(x)", "asinh(x)", "acosh(x)",
                                  "atanh(x)", "acoth(x)", "asech(x)", "acsch(x)", "erfc(x)",
                                  "floor(x)", "ceiling(x)", "cbrt(x)", "root(x, 3)",
                                  "atan2(x, 2)", "gamma(x)", "factorial(x)", "binomial(x, 2)"])
def test_typed_functions_parse(text):
    """Can the reciprocal, inverse and special functions be typed too?"""
    name = text.split("(")[0]
    assert name in TYPED_FUNCTIONS
    assert parse_answer(text).free_symbols == {Px}


def test_gamma_alone_is_a_variable():
    """Is a bare `gamma` (a common variable name) a symbol, and gamma(x) the function?"""
    assert parse_answer("2*gamma") == 2 * sp.Symbol("gamma")
    assert parse_answer("gamma(x)") == sp.gamma(Px)


def _fake_module(value):
    from grader.judge.proxy import StudentModule

    box = SimpleNamespace(
        imported={"student"}, import_failures={}, stuck=set(), not_started=set(),
        submission=None, limits=SimpleNamespace(call_timeout=1.0),
        request=lambda req: {"ok": True, "value": value})
    return StudentModule(box, "student", task="4.1")


@pytest.mark.parametrize(("tree", "shown"), [
    (["besselj", ["Integer", "0"], ["Symbol", "x"]], "`besselj`"),
    (["Integral", ["Symbol", "x"], ["Tuple", ["Symbol", "x"]]], "Integral"),
    (["x; import os", ["Symbol", "x"]], None),
    (["A" * 41, ["Symbol", "x"]], None),
    (["sin\u200b", ["Symbol", "x"]], None),
])
def test_unsupported_function_is_named_to_the_learner(tree, shown):
    """Does an unsupported SymPy function reach the learner as such, named only if its name
    is a plain identifier of at most 40 characters (not 'not plain data')?"""
    from grader.judge.api import StudentCodeError

    with pytest.raises(StudentCodeError) as info:
        _fake_module({"$sym": tree}).f()
    message = info.value.message
    assert info.value.kind == "unsupported"
    assert "not plain data" not in message and "SymPy" in message
    if shown:
        assert shown in message
    else:
        assert tree[0] not in message and "an unsupported SymPy function" in message
    assert len(message) < 200


def test_plain_data_message_is_kept_for_other_values():
    """Is a malformed non-SymPy value still reported as unsupported plain data?"""
    from grader.judge.api import StudentCodeError

    with pytest.raises(StudentCodeError, match="not plain data"):
        _fake_module({"$weird": 1}).f()


def test_sech_answer_through_the_proxy():
    """Does sech(x)**2 returned by code come back from the proxy as a SymPy expression?"""
    got = _fake_module(wire.to_json(sp.sech(Px) ** 2)).f()
    assert got == sp.sech(Px) ** 2


def test_tree_errors_carry_safe_learner_text():
    """Do refusals carry short learner text that repeats nothing unsafe from the tree?"""
    with pytest.raises(TreeError) as info:
        from_tree(["Symbol", "x\n<script>", {}])
    assert "<script>" not in info.value.learner and "symbol" in info.value.learner
    with pytest.raises(TreeError) as info:
        from_tree(["Derivative", ["Symbol", "x"]])
    assert ".doit()" in info.value.learner
