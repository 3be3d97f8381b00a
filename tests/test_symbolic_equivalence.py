"""The symbolic checker's verdicts, slips, messages, domains and limits."""

from __future__ import annotations

import dataclasses
import json
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from symbolic_cases import CASES, NET_BACKPROP, NET_REF

from grader.symbolic import (
    POSITIVE,
    REAL,
    UNIT,
    Limits,
    check_equivalent,
    from_tree,
    infer_domains,
    parse_answer,
    to_tree,
)
from grader.symbolic._prove import prove_zero

x, y, w = sp.symbols("x y w", real=True)
p = sp.Symbol("p", real=True)


def _ids(cases):
    return [c.id for c in cases]


# ------------------------------------------------------------------- the case registry
def test_case_set_is_large_and_mixed():
    """Does the case set hold at least 40 pairs, with right and wrong answers?"""
    assert len(CASES) >= 40
    assert sum(c.expected == "equivalent" for c in CASES) >= 15
    assert sum(c.expected == "not_equivalent" for c in CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_case_verdict_is_right(case):
    """Is every verdict of the case set right (and the slip named where one is expected)?"""
    verdict = check_equivalent(case.answer, case.reference, case.variables)
    assert verdict.status == case.expected, verdict.message
    if case.slip is not None:
        assert verdict.slip == case.slip, verdict.message


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_verdicts_do_not_depend_on_the_seed(seed):
    """Are the verdicts the same with other random points?"""
    wrong = [c.id for c in CASES
             if check_equivalent(c.answer, c.reference, c.variables, seed=seed).status
             != c.expected]
    assert wrong == []


def _subs_by_name(expr, point):
    return {s: sp.Rational(Fraction(point[s.name]).limit_denominator(10**6))
            for s in expr.free_symbols}


REJECTED = [c for c in CASES if c.expected == "not_equivalent" and c.slip != "shape"]


@pytest.mark.parametrize("case", REJECTED, ids=_ids(REJECTED))
def test_counterexample_reproduces_with_evalf(case):
    """Does SymPy's own evalf confirm the two values shown at the counterexample point?"""
    v = check_equivalent(case.answer, case.reference, case.variables)
    assert v.counterexample is not None
    ref = case.reference
    ans = case.answer
    if isinstance(ans, str):
        ans = parse_answer(ans)
    if isinstance(ans, list):
        ans = sp.Matrix(ans)
    if v.entry is not None:
        ref, ans = ref[v.entry], ans[v.entry]
    r = ref.evalf(60, subs=_subs_by_name(ref, v.counterexample))
    a = ans.evalf(60, subs=_subs_by_name(ans, v.counterexample))
    assert float(r) == pytest.approx(v.reference_value, rel=1e-12, abs=1e-300)
    assert float(a) == pytest.approx(v.answer_value, rel=1e-12, abs=1e-300)
    assert abs(a - r) > 1e-30 * (abs(a) + abs(r))


def test_reference_value_can_be_withheld():
    """With show_reference=False, does the message leave out the correct value?"""
    v = check_equivalent("0.5*x", x, show_reference=False)
    assert "correct  " not in v.message and "yours    " in v.message
    assert v.reference_value is not None


def test_verdict_is_plain_data():
    """Can a verdict be stored as JSON (gradebook), counterexample and all?"""
    v = check_equivalent("0.5*x", x)
    text = json.dumps(dataclasses.asdict(v))
    assert "constant_factor" in text


# -------------------------------------------------------------------------- the slips
def test_wrong_sign_is_named():
    """Is -2x for 2x called a wrong sign, with the point and both values shown?"""
    v = check_equivalent("-2*x", 2 * x)
    assert (v.status, v.slip) == ("not_equivalent", "wrong_sign")
    assert "wrong sign" in v.message and "x = " in v.message
    assert "yours" in v.message and "correct" in v.message


def test_factor_one_half_is_stated_plainly():
    """Does a halved derivative say 'yours is 0.5 x the correct derivative'?"""
    sig = 1 / (1 + sp.exp(-x))
    v = check_equivalent("0.5*sigmoid(x)*(1-sigmoid(x))", sp.diff(sig, x))
    assert v.slip == "constant_factor"
    assert "yours is 0.5 x the correct derivative" in v.message
    assert v.answer_value == pytest.approx(0.5 * v.reference_value)


def test_constant_term_is_named():
    """Is 2x + 3 for 2x called off by a constant term (+ 3)?"""
    v = check_equivalent("2*x + 3", 2 * x)
    assert v.slip == "constant_term"
    assert "yours = correct + 3" in v.message


def test_tiny_constant_term_is_seen():
    """Is x + exp(-40) told apart from x, although float64 cannot see the difference?"""
    v = check_equivalent(x + sp.exp(-40), x)
    assert v.slip == "constant_term"
    px = v.counterexample["x"]
    assert px + float(sp.exp(-40)) == px  # a float-only check would have accepted it
    assert "4.248" in v.message


def test_transposed_square_jacobian_is_named():
    """Is a transposed 2x2 Jacobian recognised as transposed?"""
    f = sp.Matrix([x**2 * y, sp.sin(x) + y])
    jac = f.jacobian([x, y])
    v = check_equivalent(jac.T, jac)
    assert v.slip == "transposed" and "transpose" in v.message
    assert v.entry is not None


def test_transposed_rectangular_jacobian_is_named():
    """Is a 2x3 answer for a 3x2 Jacobian called transposed rather than a bad shape?"""
    f = sp.Matrix([x * y, sp.exp(x), y**2])
    jac = f.jacobian([x, y])
    v = check_equivalent(jac.T, jac)
    assert v.slip == "transposed"
    assert "2x3" in v.message and "3x2" in v.message


def test_different_variables_are_named():
    """Is 2y for the derivative 2x called 'not the same variables', naming y?"""
    v = check_equivalent("2*y", 2 * x)
    assert v.slip == "different_variables"
    assert "contains y" in v.message and "not the same variables" in v.message


def test_shape_mismatch_is_decided_first():
    """Is a 3-vector answer for a 2-vector gradient rejected by shape, before any maths?"""
    v = check_equivalent([2 * x, 2 * y, 0], sp.Matrix([2 * x, 2 * y]))
    assert v.slip == "shape" and "3x1" in v.message and "2x1" in v.message
    v = check_equivalent(2 * x, sp.Matrix([2 * x, 2 * y]))
    assert v.slip == "shape" and "scalar" in v.message


def test_flat_list_matches_a_row_gradient():
    """Is a flat list accepted for a 1xn gradient (a list has no orientation)?"""
    assert check_equivalent([2 * x, 1], sp.Matrix([[2 * x, 1]])).status == "equivalent"


def test_undefined_answer_is_named():
    """Is log(x) for log|x| rejected where it is undefined (x < 0)?"""
    v = check_equivalent("log(x)", sp.log(sp.Abs(x)))
    assert v.slip == "undefined" and v.counterexample["x"] < 0
    assert "undefined" in v.message


# ------------------------------------------------------------------------------ domains
def test_domains_are_inferred_from_the_reference():
    """Do log(p) and log(1-p) make p a probability, log(s) positive, |x| both signs?"""
    s, q = sp.symbols("s q")
    pos = sp.Symbol("t", positive=True)
    doms = infer_domains([sp.log(p) + sp.log(1 - p) + sp.log(s) + sp.Abs(x) + sp.sqrt(q) + pos],
                         {"p", "s", "x", "q", "t"})
    assert doms == {"p": UNIT, "s": POSITIVE, "x": REAL, "q": POSITIVE, "t": POSITIVE}


def test_sampled_points_respect_domains():
    """Do real points take both signs (some near 0, never 0) and unit points stay in (0,1)?"""
    import random

    rng = random.Random(0)
    real = REAL.sample(rng, 40)
    assert min(real) < 0 < max(real) and 0 not in real
    assert sum(abs(v) < Fraction(3, 10) for v in real) >= 5
    assert all(0 < v < 1 for v in UNIT.sample(rng, 40))
    assert all(v > 0 for v in POSITIVE.sample(rng, 40))


def test_abs_gradient_needs_both_signs():
    """Is 1 rejected as the derivative of |w| (it is right on [1, 5], wrong for w < 0)?"""
    ref = sp.diff(sp.Abs(w), w)
    assert check_equivalent("1", ref, {"w": (1, 5)}).status == "equivalent"
    v = check_equivalent("1", ref)
    assert v.status == "not_equivalent" and v.counterexample["w"] < 0


# ------------------------------------------------------------- limits and undetermined
def test_time_limit_gives_undetermined():
    """Does a check past its time limit answer 'undetermined' promptly, never hang?"""
    start = time.monotonic()
    v = check_equivalent(NET_BACKPROP, NET_REF, time_limit=0.001)
    assert v.status == "undetermined"
    assert time.monotonic() - start < 1.0


def test_reference_undefined_everywhere_is_undetermined():
    """Is a reference undefined on the whole domain answered 'undetermined', not accepted?"""
    v = check_equivalent("x", sp.log(-x**2 - 1))
    assert v.status == "undetermined" and "undefined" in v.message


@pytest.mark.parametrize("answer", [
    "exp(exp(exp(exp(exp(x)))))", "sin(exp(exp(exp(x))))", "x^1000*exp(x^1000)",
    "cosh(exp(exp(x)))^(1/3)",
])
def test_explosive_answers_finish_quickly(answer):
    """Do answers that overflow everything get a verdict in well under a second?"""
    start = time.monotonic()
    v = check_equivalent(answer, x)
    assert v.status == "not_equivalent"
    assert time.monotonic() - start < 1.0


def test_unparsable_answer_is_rejected_with_its_reason():
    """Is '2*x +' rejected as an invalid answer with a pointer into the text?"""
    v = check_equivalent("2*x +", 2 * x)
    assert (v.status, v.slip) == ("not_equivalent", "invalid_answer")
    assert "position" in v.message


def test_unevaluated_derivative_gets_a_fix():
    """Does an answer holding Derivative(...) say to call .doit() and declare symbols real?"""
    px = sp.Symbol("x")
    v = check_equivalent(sp.diff(sp.Abs(px), px), sp.sign(x))
    assert v.slip == "invalid_answer" and ".doit()" in v.message and "real" in v.message


def test_oversized_answer_is_undetermined_not_rejected():
    """Is an answer beyond the size limit 'undetermined: too large', neither evaluated nor
    counted wrong?"""
    v = check_equivalent(NET_BACKPROP, NET_REF, limits=Limits(max_tree_nodes=50))
    assert (v.status, v.slip) == ("undetermined", "too_large")
    assert "too large" in v.message and "50" in v.message and "not rejected" in v.message


def test_answers_arriving_as_trees_get_the_same_verdict():
    """Does a Jacobian sent across the sandbox boundary as a tree get the same verdict?"""
    case = next(c for c in CASES if c.id == "logdet3_inverse_not_T")
    v = check_equivalent(from_tree(to_tree(case.answer)), case.reference)
    assert v.slip == "transposed"


# -------------------------------------------------------------------------------- proof
def test_prove_labels_a_simple_identity():
    """Does prove=True label (x-mu)/s^2 'proved' for the Gaussian mean derivative?"""
    mu, s = sp.symbols("mu s", real=True)
    ll = -sp.log(s) - (x - mu) ** 2 / (2 * s**2)
    v = check_equivalent("(x - mu)/s^2", sp.diff(ll, mu), prove=True)
    assert v.status == "equivalent" and v.proved


def test_proof_is_killed_at_its_hard_limit():
    """Is a runaway simplify killed at its time limit, leaving the verdict to the numbers?"""
    start = time.monotonic()
    assert prove_zero([NET_REF[0] - 2 * NET_BACKPROP[0]], time_limit=0.5) is None
    assert time.monotonic() - start < 2.0
    start = time.monotonic()
    v = check_equivalent(NET_BACKPROP, NET_REF, prove=True, prove_time_limit=0.5)
    assert v.status == "equivalent" and not v.proved
    assert time.monotonic() - start < 2.5


def test_default_path_does_not_prove():
    """Is the hot path fork-free (proved only for identical expressions)?"""
    v = check_equivalent("x/abs(x)", sp.sign(x))
    assert v.status == "equivalent" and not v.proved
    assert check_equivalent(sp.Symbol("x") ** 2, x**2).proved


# ------------------------------------------------------------------- properties
_BLOCKS = [sp.exp(-x**2), sp.sin(x), sp.tanh(x), 1 / (1 + sp.exp(-x)), x**2, x**3 - x,
           sp.log(1 + sp.exp(x)), sp.cos(2 * x) * y, sp.Abs(x) * y]
_coef = st.fractions(min_value=-5, max_value=5, max_denominator=7).filter(lambda c: c != 0)


@st.composite
def _expressions(draw):
    terms = draw(st.lists(st.tuples(_coef, st.sampled_from(_BLOCKS)), min_size=1, max_size=3))
    e = sum(sp.Rational(c.numerator, c.denominator) * b for c, b in terms)
    if not e.has(x):
        e += x
    return e


@settings(max_examples=40, deadline=None)
@given(_expressions())
def test_property_rewritten_forms_are_equivalent(e):
    """Is any expression equivalent to its product with (x + 1), expanded, tanh in exp?"""
    target = e * (x + 1)
    rewritten = target.replace(sp.tanh, lambda u: (sp.exp(2 * u) - 1) / (sp.exp(2 * u) + 1))
    v = check_equivalent(sp.expand(rewritten), target)
    assert v.status == "equivalent", v.message


@settings(max_examples=40, deadline=None)
@given(_expressions(), _coef.filter(lambda c: c != 1))
def test_property_scaled_answers_name_the_factor(e, k):
    """Is k*e recognised as k times the reference, for any rational k != 0, 1?"""
    v = check_equivalent(sp.Rational(k.numerator, k.denominator) * e, e)
    assert v.status == "not_equivalent"
    assert v.slip == ("wrong_sign" if k == -1 else "constant_factor"), v.message


@settings(max_examples=40, deadline=None)
@given(_expressions(), _coef)
def test_property_shifted_answers_name_the_term(e, k):
    """Is e + k recognised as off by the constant term k?"""
    if sp.diff(e, x) == 0 and sp.diff(e, y) == 0:
        return
    v = check_equivalent(e + sp.Rational(k.numerator, k.denominator), e)
    assert v.slip == "constant_term", v.message
