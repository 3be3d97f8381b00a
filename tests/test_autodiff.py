"""Tests for mlmath.autodiff: the scalar reverse-mode engine and its SymPy translation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mlmath.autodiff
from mlmath.autodiff import Value, to_sympy
from mlmath.gradcheck import numerical_gradient

LABELS = ("x", "y", "z")

# ---- random expression graphs ---------------------------------------------------------
# Each op maps two existing nodes (the unary ones ignore the second) to a new node. Domains
# are made safe by construction: log only ever sees 1 + something positive, a denominator is
# 1 + b^2, a Value exponent has the positive base a^2 + 1.
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "radd": lambda a, b: 1.5 + a,
    "rsub": lambda a, b: 2.0 - a,
    "rmul": lambda a, b: -0.5 * a,
    "rdiv": lambda a, b: 2.0 / (1.0 + a * a),
    "neg": lambda a, b: -a,
    "square": lambda a, b: a**2,
    "cube": lambda a, b: a**3,
    "sqrt": lambda a, b: (a * a + 1.0) ** 0.5,
    "inverse": lambda a, b: (a * a + 0.5) ** -1,
    "pow_value": lambda a, b: (a * a + 1.0) ** b.tanh(),
    "exp": lambda a, b: a.exp(),
    "log_softplus": lambda a, b: (a.exp() + 1.0).log(),
    "log_square": lambda a, b: (a * a + 1.0).log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(),
}

recipes = st.lists(
    st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1,
    max_size=7,
)
leaf_values = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=2, max_size=3)


def build(recipe, values):
    """Build the graph; return (output, leaves, every node, the inputs of every relu)."""
    leaves = [Value(float(v), label=LABELS[k]) for k, v in enumerate(values)]
    nodes, relu_inputs = list(leaves), []
    for op, i, j in recipe:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "relu":
            relu_inputs.append(a.data)
        nodes.append(OPS[op](a, b))
    return nodes[-1], leaves, nodes, relu_inputs


def build_safely(recipe, values):
    """Build the graph, or tell hypothesis to discard inputs that leave the safe region."""
    try:
        out, leaves, nodes, relu_inputs = build(recipe, values)
    except (OverflowError, ValueError):
        assume(False)
    assume(all(abs(n.data) < 1e3 for n in nodes))  # keeps rounding in the differences small
    assume(all(abs(r) > 1e-3 for r in relu_inputs))  # central differences across the kink lie
    return out, leaves


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipes, leaf_values)
def test_random_graph_matches_central_differences(recipe, values):
    """On a random expression graph, does backward() agree with central differences?"""
    out, leaves = build_safely(recipe, values)
    out.backward()
    analytic = np.array([leaf.grad for leaf in leaves])
    numeric = numerical_gradient(lambda v: build(recipe, v)[0].data, np.array(values))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipes, leaf_values)
def test_random_graph_matches_sympy_diff(recipe, values):
    """On a random expression graph, does backward() agree with sympy.diff(to_sympy(out))?"""
    out, leaves = build_safely(recipe, values)
    out.backward()
    expr = to_sympy(out)
    point = {sympy.Symbol(leaf.label): sympy.Float(leaf.data, 30) for leaf in leaves}
    assert float(expr.evalf(30, subs=point)) == pytest.approx(out.data, rel=1e-10, abs=1e-12)
    for leaf in leaves:
        exact = float(sympy.diff(expr, sympy.Symbol(leaf.label)).evalf(30, subs=point))
        assert leaf.grad == pytest.approx(exact, rel=1e-9, abs=1e-12), leaf.label


# ---- against PyTorch --------------------------------------------------------------------


def fixed_expression(x, y, z, *, sigmoid, tanh, relu, log, exp):
    """One expression written once, evaluated with either engine's functions."""
    a = sigmoid(x * y - z) / log(1.0 + x**2)
    b = tanh(z) ** 3 - 2.0 / (1.0 + y * y) + relu(x - y) * exp(-z)
    return a * b + (x * x + 1.0) ** y - 3.0 * x


def test_matches_torch_autograd():
    """Do the gradients of a fixed expression match PyTorch's autograd in float64?"""
    torch = pytest.importorskip("torch")
    point = (0.8, -1.3, 0.4)
    leaves = [Value(v, label) for v, label in zip(point, LABELS, strict=True)]
    ours = fixed_expression(*leaves, sigmoid=Value.sigmoid, tanh=Value.tanh,
                            relu=Value.relu, log=Value.log, exp=Value.exp)
    ours.backward()
    tleaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    theirs = fixed_expression(*tleaves, sigmoid=torch.sigmoid, tanh=torch.tanh,
                              relu=torch.relu, log=torch.log, exp=torch.exp)
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    for leaf, tleaf in zip(leaves, tleaves, strict=True):
        assert leaf.grad == pytest.approx(tleaf.grad.item(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", [-1.0, 0.0, 2.0])
def test_relu_derivative_matches_torch(x):
    """Is relu's derivative 1 above 0 and 0 at and below 0, as in PyTorch?"""
    torch = pytest.importorskip("torch")
    v = Value(x)
    v.relu().backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward()
    assert v.grad == t.grad.item() == (1.0 if x > 0 else 0.0)


# ---- gradient semantics: accumulate within a pass, reset between passes -----------------


@pytest.mark.parametrize(
    ("make", "derivative"),
    [
        (lambda x: x * x, lambda x: 2 * x),
        (lambda x: x * x * x, lambda x: 3 * x**2),
        (lambda x: x + x + x, lambda x: 3.0),
        (lambda x: (x + 1.0) * (x + 1.0) + (x + 1.0), lambda x: 2 * (x + 1) + 1),
        (lambda x: x / x, lambda x: 0.0),
        (lambda x: x - x, lambda x: 0.0),
    ],
    ids=["x*x", "x*x*x", "x+x+x", "diamond", "x/x", "x-x"],
)
def test_gradients_accumulate_over_every_use(make, derivative):
    """Does a node used several times in one graph receive the sum of all contributions?"""
    x = Value(1.7, "x")
    make(x).backward()
    assert x.grad == pytest.approx(derivative(1.7), abs=1e-12)


def test_shared_intermediate_node_accumulates():
    """Does an intermediate node used twice (a = x + 1; a * a) get 2a, and x get 2a too?"""
    x = Value(2.0)
    a = x + 1.0
    out = a * a
    out.backward()
    assert a.grad == 6.0
    assert x.grad == 6.0


def test_backward_twice_gives_the_same_gradients():
    """Does calling backward() twice reset first, so gradients are not doubled?"""
    x, y = Value(3.0), Value(-2.0)
    out = x * y + x.tanh()
    out.backward()
    first = (x.grad, y.grad)
    out.backward()
    assert (x.grad, y.grad) == first


def test_backward_on_a_second_output_overwrites_not_adds():
    """After backward() on a second output, is a shared leaf's grad that output's derivative?"""
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    (5.0 * x).backward()
    assert x.grad == 5.0


def test_intermediate_grads_are_partial_derivatives_of_the_output():
    """Does every node, not only leaves, hold d(output)/d(node)?"""
    x = Value(2.0)
    y = x * 2.0
    z = y * 3.0
    z.backward()
    assert (z.grad, y.grad, x.grad) == (1.0, 3.0, 6.0)


def test_docstring_example_runs():
    """Does the module docstring's example produce the output it shows?"""
    assert doctest.testmod(mlmath.autodiff).failed == 0


# ---- deep graphs --------------------------------------------------------------------------


def test_deep_chain_of_adds_does_not_recurse():
    """Does backward() on a chain of 10^4 additions finish (no RecursionError) and sum right?"""
    x = Value(0.5)
    out = x
    for _ in range(10_000):
        out = out + x
    out.backward()
    assert x.grad == 10_001.0


def test_deep_chain_of_tanh_does_not_recurse():
    """Does backward() through 10^4 nested tanh agree with the product of local derivatives?"""
    x = Value(0.1)
    out, expected, t = x, 1.0, 0.1
    for _ in range(10_000):
        out = out.tanh()
        t = math.tanh(t)
        expected *= 1.0 - t * t
    out.backward()
    assert x.grad == pytest.approx(expected, rel=1e-12)


# ---- stability and domain errors ----------------------------------------------------------


@pytest.mark.parametrize(("x", "s"), [(1000.0, 1.0), (-1000.0, 0.0), (0.0, 0.5)])
def test_sigmoid_is_finite_at_extremes(x, s):
    """Does sigmoid(+-1000) give a finite value and a finite (zero) derivative, no overflow?"""
    v = Value(x)
    out = v.sigmoid()
    out.backward()
    assert out.data == s
    assert math.isfinite(v.grad)
    assert v.grad == pytest.approx(s * (1 - s), abs=1e-300)


def test_tanh_is_finite_at_extremes():
    """Does tanh(+-1000) saturate at +-1 with derivative 0?"""
    for x in (1000.0, -1000.0):
        v = Value(x)
        out = v.tanh()
        out.backward()
        assert (out.data, v.grad) == (math.copysign(1.0, x), 0.0)


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_is_a_clear_error(x):
    """Is log(0) or log(-1) a ValueError that says log needs a positive input?"""
    with pytest.raises(ValueError, match=r"positive.*log\("):
        Value(x).log()


def test_exp_overflow_is_a_clear_error():
    """Is exp(1000) an OverflowError naming the input, not a bare 'math range error'?"""
    with pytest.raises(OverflowError, match="exp\\(1000"):
        Value(1000.0).exp()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Value(-8.0) ** (1 / 3), "not real"),
        (lambda: Value(0.0) ** -1, "x = 0"),
        (lambda: Value(0.0) ** 0.5, "x = 0"),
        (lambda: 1.0 / Value(0.0), "x = 0"),
        (lambda: Value(-1.0) ** Value(2.0), "positive"),
    ],
    ids=["cube-root-of-negative", "zero-to-minus-one", "sqrt-at-zero", "divide-by-zero",
         "value-power-negative-base"],
)
def test_power_domain_errors(make, match):
    """Is a power outside its real, differentiable domain a clear ValueError?"""
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(("base", "c", "value", "derivative"),
                         [(-2.0, 3, -8.0, 12.0), (0.0, 0, 1.0, 0.0), (0.0, 2, 0.0, 0.0),
                          (4.0, 0.5, 2.0, 0.25), (2.0, -2, 0.25, -0.25)])
def test_constant_powers(base, c, value, derivative):
    """Does x ** c give c x^(c-1), including negative bases with integer c and x = 0?"""
    x = Value(base)
    out = x**c
    out.backward()
    assert (out.data, x.grad) == pytest.approx((value, derivative))


@pytest.mark.parametrize(
    ("make", "derivative"),
    [
        (lambda x: 2.0 + x, lambda x: 1.0),
        (lambda x: 2.0 - x, lambda x: -1.0),
        (lambda x: 2.0 * x, lambda x: 2.0),
        (lambda x: 2.0 / x, lambda x: -2.0 / x**2),
        (lambda x: 2.0**x, lambda x: math.log(2.0) * 2.0**x),
        (lambda x: x**x, lambda x: x**x * (math.log(x) + 1.0)),
    ],
    ids=["radd", "rsub", "rmul", "rtruediv", "rpow", "value-pow-value"],
)
def test_reflected_and_value_powers(make, derivative):
    """Do the reflected operations with plain floats and Value ** Value differentiate right?"""
    x = Value(1.3)
    make(x).backward()
    assert x.grad == pytest.approx(derivative(1.3), rel=1e-12)


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True, 1 + 2j])
def test_rejects_non_real_data(bad):
    """Are strings, None, lists, bools and complex numbers rejected with a TypeError?"""
    with pytest.raises(TypeError, match="real number"):
        Value(bad)
    with pytest.raises(TypeError, match="cannot combine"):
        Value(1.0) + bad


# ---- to_sympy -------------------------------------------------------------------------------


def test_to_sympy_symbols_and_constants():
    """Do labelled leaves become Symbols, unlabelled ones constants, shared labels one Symbol?"""
    x, x_again, c = Value(2.0, "x"), Value(5.0, "x"), Value(3.0)
    X = sympy.Symbol("x")
    assert to_sympy(x * c + x_again) == 4 * X
    assert to_sympy(Value(0.25) * x) == sympy.Float(0.25) * X
    assert to_sympy((x - 1.0).relu()) == sympy.Max(0, X - 1)
    assert sympy.simplify(to_sympy(x.sigmoid()) - 1 / (1 + sympy.exp(-X))) == 0


def test_to_sympy_rejects_non_values():
    """Is to_sympy of a plain float a TypeError?"""
    with pytest.raises(TypeError, match="Value"):
        to_sympy(1.0)
