"""Public tests for exercise 4, the chain rule.

Each task's tests call only that task's own function or method. The Value tests drive one
local ``_backward`` rule at a time (or walk the graph with a helper written here), so a
mistake in one rule never shows up as a failure of another task.
"""

import ex04_chain_rule as ex
import numpy as np
import pytest
import sympy as sp
from _feedback import check_answer, check_close, check_not_used, check_symbolic, check_true


def _central(f, x, eps=1e-6):
    """Central difference of a scalar function of one float, in float64."""
    return (f(x + eps) - f(x - eps)) / (2.0 * eps)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _walk_backward(root):
    """The tests' own backward pass: reverse topological order, grads reset first."""
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for child in v._children:
                visit(child)
            order.append(v)

    visit(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(order):
        v._backward()


# ---------------------------------------------------------------- 4.1 sigmoid derivative


@pytest.mark.task_4_1
def test_sigmoid_derivative_matches_s_times_something():
    """Is your expression equal to sigma'(z) for every output s in (0, 1)?"""
    s = sp.Symbol("s")
    got = ex.sigmoid_derivative_from_output(s)
    check_symbolic("4.1", "sigmoid_derivative_from_output: sigma'(z) in terms of s", got,
                   s * (1 - s), variables={s: "unit"},
                   hint="differentiate (1 + e^-z)^-1 with the chain rule, then write "
                        "e^-z/(1 + e^-z) as 1 - s.")


@pytest.mark.task_4_1
def test_sigmoid_derivative_agrees_with_sympy_diff():
    """Does substituting s = sigma(z) into your answer give SymPy's derivative of sigma?"""
    s, z = sp.Symbol("s"), sp.Symbol("z", real=True)
    got = ex.sigmoid_derivative_from_output(s)
    check_true("4.1", "sigmoid_derivative_from_output: uses only s", isinstance(got, sp.Expr)
               and got.free_symbols <= {s}, got=got,
               hint="return an expression built from the symbol s alone (no z, no exp).")
    sig = 1 / (1 + sp.exp(-z))
    check_symbolic("4.1", "sigmoid_derivative_from_output at s = sigma(z)", got.subs(s, sig),
                   sp.diff(sig, z), variables={z: "real"},
                   hint="the derivative is largest, 1/4, at s = 1/2 and vanishes at s = 0 and 1.")


# ---------------------------------------------------------------- 4.2 two-layer derivative


@pytest.mark.task_4_2
def test_two_layer_derivative_matches_sympy():
    """Is your d/dw1 of sigma(w2*tanh(w1*x)) the true partial derivative?"""
    x, w1, w2 = sp.symbols("x w1 w2", real=True)
    got = ex.two_layer_derivative(x, w1, w2)
    expected = sp.diff(1 / (1 + sp.exp(-w2 * sp.tanh(w1 * x))), w1)
    check_symbolic("4.2", "two_layer_derivative", got, expected,
                   variables={x: "real", w1: "real", w2: "real"},
                   hint="four factors: sigma'(z2) = y(1-y), dz2/dh = w2, dh/dz1 = 1 - h^2, "
                        "dz1/dw1 = x.")


@pytest.mark.task_4_2
def test_two_layer_derivative_value_at_a_point():
    """At x = 0.7, w1 = -1.3, w2 = 2.1, does your expression match a finite difference?"""
    x, w1, w2 = sp.symbols("x w1 w2", real=True)
    got = ex.two_layer_derivative(x, w1, w2)
    point = {x: 0.7, w1: -1.3, w2: 2.1}
    value = float(sp.N(got.subs(point)))
    expected = _central(lambda a: _sigmoid(2.1 * np.tanh(a * 0.7)), -1.3)
    check_close("4.2", "two_layer_derivative at a point", value, expected,
                inputs={"x": 0.7, "w1": -1.3, "w2": 2.1}, rtol=1e-6,
                hint="evaluate the outer derivative at the inner value: sigma' at z2 = w2*h.")


# ---------------------------------------------------------------- 4.3 backprop by hand

_NET_CASES = [(0.5, 0.2, 0.8, -1.1), (-1.5, 0.9, 1.3, 0.4), (2.0, 0.0, -0.7, 2.5)]


@pytest.mark.task_4_3
@pytest.mark.parametrize("x, t, w1, w2", _NET_CASES)
def test_backprop_scalar_net_gradients(x, t, w1, w2):
    """Do your dL/dw1 and dL/dw2 match central differences of the loss?"""
    def loss(a, b):
        return 0.5 * (_sigmoid(b * np.tanh(a * x)) - t) ** 2

    L, g1, g2 = ex.backprop_scalar_net(x, t, w1, w2)
    inputs = {"x": x, "t": t, "w1": w1, "w2": w2}
    check_close("4.3", "backprop_scalar_net: the loss L", L, loss(w1, w2), inputs=inputs,
                hint="L = 0.5 * (y - t)**2 with y = sigmoid(w2 * tanh(w1 * x)).")
    check_close("4.3", "backprop_scalar_net: dL/dw2", g2, _central(lambda b: loss(w1, b), w2),
                inputs=inputs, rtol=1e-6, atol=1e-9,
                hint="dL/dw2 = (y - t) * y * (1 - y) * h.")
    check_close("4.3", "backprop_scalar_net: dL/dw1", g1, _central(lambda a: loss(a, w2), w1),
                inputs=inputs, rtol=1e-6, atol=1e-9,
                hint="continue from dL/dz2: multiply by w2, then by 1 - h**2, then by x.")


@pytest.mark.task_4_3
def test_backprop_scalar_net_returns_three_floats():
    """Does backprop_scalar_net return a tuple of three plain numbers?"""
    got = ex.backprop_scalar_net(1.0, 0.5, 0.3, 0.2)
    check_true("4.3", "backprop_scalar_net: return shape",
               isinstance(got, tuple) and len(got) == 3
               and all(np.ndim(v) == 0 for v in got), got=got,
               hint="return (L, dL_dw1, dL_dw2), three floats.")


# ---------------------------------------------------------------- 4.4 __mul__


@pytest.mark.task_4_4
def test_mul_forward_and_local_gradients():
    """For c = a * b with a = 3, b = -2, is c.data = -6, and does c._backward give a.grad = b
    and b.grad = a?"""
    a, b = ex.Value(3.0), ex.Value(-2.0)
    c = a * b
    check_close("4.4", "Value.__mul__: forward value", c.data, -6.0,
                inputs={"a": 3.0, "b": -2.0}, hint="out.data = self.data * other.data.")
    check_true("4.4", "Value.__mul__: children", set(c._children) == {a, b},
               got=c._children, hint="build out with _children=(self, other).")
    c.grad = 1.5
    c._backward()
    check_close("4.4", "Value.__mul__: a.grad after c._backward() with c.grad = 1.5", a.grad,
                -2.0 * 1.5, inputs={"a": 3.0, "b": -2.0},
                hint="d(a*b)/da = b, times the upstream gradient out.grad.")
    check_close("4.4", "Value.__mul__: b.grad after c._backward() with c.grad = 1.5", b.grad,
                3.0 * 1.5, inputs={"a": 3.0, "b": -2.0},
                hint="d(a*b)/db = a, times the upstream gradient out.grad.")


@pytest.mark.task_4_4
def test_mul_same_value_twice_accumulates():
    """For c = a * a at a = 1.25, does one c._backward() leave a.grad = 2a (both uses add up)?"""
    a = ex.Value(1.25)
    c = a * a
    c.grad = 1.0
    c._backward()
    expected = _central(lambda v: v * v, 1.25)
    check_close("4.4", "Value.__mul__: a * a", a.grad, expected, inputs={"a": 1.25},
                rtol=1e-6, hint="use += in _backward: a is both self and other, and both "
                               "contributions must add up.")


@pytest.mark.task_4_4
def test_mul_adds_to_existing_grads():
    """If a.grad and b.grad already hold 0.5 (from other uses), does c._backward() add to them
    instead of overwriting them?"""
    a, b = ex.Value(2.0), ex.Value(5.0)
    c = a * b
    a.grad, b.grad = 0.5, 0.5
    c.grad = 1.0
    c._backward()
    check_close("4.4", "Value.__mul__: _backward accumulates", [a.grad, b.grad],
                [0.5 + 5.0, 0.5 + 2.0], inputs={"a": 2.0, "b": 5.0, "grads before": 0.5},
                hint="write self.grad += ... and other.grad += ..., never = : a value used in "
                     "several places collects a contribution from each.")


@pytest.mark.task_4_4
def test_mul_wraps_plain_numbers():
    """Do a * 4 and 4 * a both work and give the right value and gradient?"""
    a = ex.Value(0.5)
    c = a * 4
    d = 4 * a
    check_close("4.4", "Value.__mul__: a * 4 and 4 * a", [c.data, d.data], [2.0, 2.0],
                inputs={"a": 0.5}, hint="wrap a plain number with Value(other) first.")
    c.grad = 1.0
    c._backward()
    check_close("4.4", "Value.__mul__: gradient of a * 4", a.grad, 4.0, inputs={"a": 0.5},
                hint="the gradient into a is other.data * out.grad.")


# ---------------------------------------------------------------- 4.5 tanh


@pytest.mark.task_4_5
@pytest.mark.parametrize("a0", [-2.0, -0.3, 0.0, 0.8, 3.0])
def test_tanh_forward_and_local_gradient(a0):
    """Does tanh's local rule match a central difference of np.tanh?"""
    a = ex.Value(a0)
    out = a.tanh()
    check_close("4.5", "Value.tanh: forward value", out.data, np.tanh(a0), inputs={"a": a0},
                hint="out.data = np.tanh(self.data), as a float.")
    out.grad = 1.0
    out._backward()
    check_close("4.5", "Value.tanh: a.grad after out._backward() with out.grad = 1", a.grad,
                _central(np.tanh, a0), inputs={"a": a0}, rtol=1e-6, atol=1e-9,
                hint="d tanh(a)/da = 1 - tanh(a)**2, times out.grad.")


@pytest.mark.task_4_5
def test_tanh_in_a_graph():
    """In o = tanh(a + b) with a = 0.4, b = 0.3, does the gradient reach a and b
    (checked with the tests' own graph walk)?"""
    a, b = ex.Value(0.4), ex.Value(0.3)
    o = (a + b).tanh()
    check_true("4.5", "Value.tanh: children", abs(o._children[0].data - 0.7) < 1e-12
               and len(o._children) == 1, got=o._children,
               hint="build out with _children=(self,).")
    _walk_backward(o)
    expected = _central(np.tanh, 0.7)
    check_close("4.5", "Value.tanh: gradient through a + b", [a.grad, b.grad],
                [expected, expected], inputs={"a": 0.4, "b": 0.3}, rtol=1e-6,
                hint="use += in _backward and multiply by out.grad, the upstream gradient.")


# ---------------------------------------------------------------- 4.6 backward()


def _scale(v, k):
    """A node out = k * v built by hand, so backward() can be tested without __mul__."""
    out = ex.Value(k * v.data, _children=(v,), _op=f"*{k}")

    def _backward():
        v.grad += k * out.grad

    out._backward = _backward
    return out


@pytest.mark.task_4_6
def test_backward_chain_and_diamond():
    """For o = 3*(a + b) + 2*a (a diamond: a is used twice), does o.backward() give
    do/da = 5 and do/db = 3?"""
    a, b = ex.Value(1.0, "a"), ex.Value(2.0, "b")
    o = _scale(a + b, 3.0) + _scale(a, 2.0)
    o.backward()
    check_close("4.6", "Value.backward: grads of the leaves", [a.grad, b.grad], [5.0, 3.0],
                inputs={"o": "3*(a + b) + 2*a"},
                hint="reset grads, set o.grad = 1, then call _backward in reverse topological "
                     "order: every node after all nodes that use it.")
    check_close("4.6", "Value.backward: the root's own grad", o.grad, 1.0,
                inputs={"o": "3*(a + b) + 2*a"}, hint="d o / d o = 1.")


@pytest.mark.task_4_6
def test_backward_twice_gives_same_grads():
    """Does calling backward() twice give the same grads, not doubled ones?"""
    a = ex.Value(1.0, "a")
    o = _scale(a + a, 4.0)
    o.backward()
    o.backward()
    check_close("4.6", "Value.backward called twice", a.grad, 8.0,
                inputs={"o": "4*(a + a)"},
                hint="start backward() by setting grad = 0 on every node in the graph.")


@pytest.mark.task_4_6
def test_backward_shared_node_visited_once():
    """When a node feeds two later nodes, is its _backward called exactly once, after both?"""
    a = ex.Value(0.5, "a")
    h = _scale(a, 2.0)
    o = _scale(h, 3.0) + _scale(h, -1.0) + h
    calls = []
    inner = h._backward

    def counting():
        calls.append(h.grad)
        inner()

    h._backward = counting
    o.backward()
    check_true("4.6", "Value.backward: a shared node's _backward runs once, when complete",
               calls == [3.0], got=calls,
               hint="keep a set of visited nodes in the depth-first search, and walk the order "
                    "in reverse.")
    check_close("4.6", "Value.backward: gradient at the leaf", a.grad, 2.0 * 3.0,
                inputs={"o": "3h - h + h, h = 2a"}, hint="the total derivative sums all paths.")


# ---------------------------------------------------------------- 4.7 numerical gradient


@pytest.mark.task_4_7
def test_numerical_gradient_of_cubic():
    """For f(x) = sum(x**3) at x = [1, -2, 0.5], is the estimate close to 3x**2?"""
    x = np.array([1.0, -2.0, 0.5])
    got = ex.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    check_close("4.7", "numerical_gradient of sum(x**3)", got, 3 * x**2, inputs={"x": x},
                rtol=1e-6, atol=1e-8,
                hint="(f(x + eps*e_i) - f(x - eps*e_i)) / (2*eps) for each i.")


@pytest.mark.task_4_7
def test_numerical_gradient_is_central_not_one_sided():
    """With eps = 1e-3 on f(x) = sum(x**3), is the error of order eps**2 (central differences)
    rather than eps (one-sided)?"""
    x = np.array([1.0, -2.0])
    got = ex.numerical_gradient(lambda v: float(np.sum(v**3)), x, eps=1e-3)
    # central differences are off by exactly eps**2 here (f''' = 6); one-sided ones by ~3*eps*x
    check_close("4.7", "numerical_gradient with eps = 1e-3", got, 3 * x**2 + 1e-6,
                inputs={"x": x, "eps": 1e-3}, rtol=1e-9, atol=1e-9,
                hint="step both ways: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).")


@pytest.mark.task_4_7
def test_numerical_gradient_mixed_terms_and_no_mutation():
    """For f(x) = x0*x1 + sin(x2), is the estimate right, and is x left unchanged?"""
    x = np.array([0.3, -1.2, 2.0])
    x_before = x.copy()
    got = ex.numerical_gradient(lambda v: float(v[0] * v[1] + np.sin(v[2])), x)
    check_close("4.7", "numerical_gradient of x0*x1 + sin(x2)", got,
                [x[1], x[0], np.cos(x[2])], inputs={"x": x_before}, rtol=1e-6, atol=1e-8,
                hint="nudge one coordinate at a time, and put it back afterwards.")
    check_close("4.7", "numerical_gradient must not change x", x, x_before, inputs={"x": x_before},
                hint="work on a float64 copy: np.array(x, dtype=np.float64).")


@pytest.mark.task_4_7
def test_numerical_gradient_shape_and_int_input():
    """Given an int array of shape (2, 2), does it return floats of shape (2, 2)?"""
    x = np.array([[1, 2], [3, 4]])
    got = ex.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    check_close("4.7", "numerical_gradient keeps the shape and works in float64", got,
                2.0 * x, inputs={"x": x}, rtol=1e-6,
                hint="an int array would round x + eps back to x: convert to float64 first.")


# ---------------------------------------------------------------- calls the text forbids

# The same declarations as the hidden tests (a course test compares them): the calls each
# task's text forbids, looked for in the task's functions and what they call.

NO_DIFF = ("sympy.diff", "sympy.Derivative", "sympy.Expr.diff", "sympy.idiff")
FORBIDDEN = {
    "4.1": (NO_DIFF, ("sigmoid_derivative_from_output",)),
    "4.2": (NO_DIFF, ("two_layer_derivative",)),
}


@pytest.mark.parametrize("task", [pytest.param(t, marks=getattr(pytest.mark, "task_" + t.replace(".", "_")))
                                  for t in FORBIDDEN])
def test_no_forbidden_calls(task):
    """Does the task's code (and what it calls in your file) avoid the calls its text forbids?"""
    forbid, functions = FORBIDDEN[task]
    check_not_used(task, ex, forbid=forbid, functions=functions)


# ---------------------------------------------------------------- think it over

# Fingerprints of the answers (sha256 of 'question:answer'), so this file does not give
# them away. Not graded; an unanswered question is skipped.
QUESTIONS = {
    "4a": "f586a63555c4c9df",
    "4b": "75128de6c1cf99f3",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
