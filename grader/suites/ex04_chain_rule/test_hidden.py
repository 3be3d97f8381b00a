"""Hidden suite for exercise 4, the chain rule (tasks 4.1 to 4.7).

Every test calls only its own task's function or method through the sandboxed ``student``
proxy. The ``Value`` tasks run as probes (top-level functions below, sent as source and run
in the sandbox): each drives one local ``_backward`` rule by hand, or (4.6) a graph built only
from the given ``+`` and nodes made here, so a slip in one rule never fails another task.
References are computed here in float64 (closed forms and central differences) or by SymPy.
Probes report raw values and never a verdict (grader/judge/probes.py): "c is a Value whose
children are a and b" is decided here, from marks (``TAGS``) the probe puts on the Value class
and on a and b and reads back from c and its children.

Points per task (the ``# ### Task`` headers of solutions/ex04_chain_rule.py):
4.1: 1, 4.2: 2, 4.3: 2, 4.4: 2, 4.5: 2, 4.6: 3, 4.7: 2.

Differentiating with SymPy is not allowed inside 4.1 and 4.2 (the prose asks for the chain
of local derivatives): ``forbid=NO_DIFF`` with ``functions=`` looks for it in the code of the
task's function and of the helpers it calls (sigmoid, for 4.2), and stubs it while the task's
calls run. The exercise's worked example (``worked_tanh_of_square``) and a learner's
self-check call ``sp.diff`` elsewhere in the file, which costs nothing.
"""

import numpy as np
import sympy as sp

from grader.judge.api import task
from grader.judge.policy import close, fixed, scalar
from grader.symbolic import check_equivalent, substitute

# (Names in sympy.core.function are not listed: they are also stubbed while the calls run,
# and SymPy's own lazy imports of them would then fail.)
NO_DIFF = ("sympy.diff", "sympy.Derivative", "sympy.Expr.diff", "sympy.idiff")
T41 = {"forbid": NO_DIFF, "functions": ("sigmoid_derivative_from_output",)}
T42 = {"forbid": NO_DIFF, "functions": ("two_layer_derivative",)}


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _close(got, expected, rtol=1e-9, atol=1e-12) -> bool:
    """The policy's comparison (grader/judge/policy.py): form, dtype and stated tolerance."""
    return close(got, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- symbolic tasks 4.1 and 4.2


def _symbolic_answer(student, fname, *symbols):
    got = getattr(student, fname)(*symbols)  # differentiating in it is forbidden (NO_DIFF)
    assert isinstance(got, sp.Basic) and not isinstance(got, sp.MatrixBase)
    assert not got.has(sp.Derivative)
    return got


def _equivalent(got, reference, domains) -> bool:
    # symbolic: check_equivalent is the grader's three-valued checker
    verdict = check_equivalent(got, reference, domains, what="derivative")
    return verdict.status == "equivalent"


def _value_at(expr, point: dict) -> float:
    """Evaluate a SymPy expression at a point without lambdify (no exec of its text)."""
    return float(sp.re(sp.N(substitute(expr, point), 30)))


_HINT_41 = ("differentiate (1 + e^-z)^-1 with the chain rule, then rewrite e^-z/(1 + e^-z) as "
            "1 - s. Return an expression in the symbol s only; type it yourself (no sp.diff "
            "inside the function, use it outside to check).")


@task("4.1", points=0.5, hint=_HINT_41, **T41)
def test_sigmoid_derivative_equivalent_in_s(student):
    """Is the answer s(1 - s) as a function of s in (0, 1), written in s alone?"""
    s = sp.Symbol("s")
    got = _symbolic_answer(student, "sigmoid_derivative_from_output", s)
    assert got.free_symbols <= {s}
    assert not got.has(sp.exp)
    assert _equivalent(got, s * (1 - s), {s: "unit"})


@task("4.1", points=0.5, hint="the derivative is largest, 1/4, where s = 1/2 and vanishes as s "
      "goes to 0 or 1; substituting s = sigma(z) must give the derivative of the sigmoid.",
      **T41)
def test_sigmoid_derivative_substituted_back(student):
    """Does the answer at s = sigma(z) equal SymPy's d sigma/dz, with the right values at
    s = 0, 1/2, 1?"""
    s, z = sp.Symbol("s"), sp.Symbol("z")
    got = _symbolic_answer(student, "sigmoid_derivative_from_output", s)
    assert got.free_symbols <= {s}
    sig = 1 / (1 + sp.exp(-z))
    # substitute, not .subs, and no simplify: SymPy re-evaluating a learner's expression
    # can take unbounded time (grader.symbolic keeps reading it inside the deadline)
    assert _equivalent(substitute(got, {s: sig}), sp.diff(sig, z), {z: "real"})
    for value, slope in ((0, 0), (1, 0), (sp.Rational(1, 2), sp.Rational(1, 4))):
        assert _equivalent(substitute(got, {s: value}), sp.Rational(slope), {})


_HINT_42 = ("multiply the four local derivatives: sigma'(z2) = y(1 - y), dz2/dh = w2, "
            "dh/dz1 = 1 - h^2, dz1/dw1 = x, with h = tanh(w1 x) and y = sigma(w2 h). Type them "
            "yourself (no sp.diff inside the function) and use only the symbols x, w1, w2.")


def _two_layer_reference(x, w1, w2):
    return sp.diff(1 / (1 + sp.exp(-w2 * sp.tanh(w1 * x))), w1)


@task("4.2", points=1, hint=_HINT_42, **T42)
def test_two_layer_derivative_equivalent(student):
    """Is the answer the partial derivative d/dw1 of sigma(w2 tanh(w1 x)) for all real x, w1,
    w2?"""
    x, w1, w2 = sp.symbols("x w1 w2")
    got = _symbolic_answer(student, "two_layer_derivative", x, w1, w2)
    assert got.free_symbols <= {x, w1, w2}
    assert _equivalent(got, _two_layer_reference(x, w1, w2),
                       {x: "real", w1: "real", w2: "real"})


@task("4.2", points=0.5, hint="evaluate each outer derivative at its inner value (sigma' at "
      "z2 = w2 tanh(w1 x), tanh' at z1 = w1 x), and multiply all four factors.", **T42)
def test_two_layer_derivative_matches_central_differences(student):
    """At seeded random points, does the answer match a float64 central difference in w1?"""
    x, w1, w2 = sp.symbols("x w1 w2")
    got = _symbolic_answer(student, "two_layer_derivative", x, w1, w2)
    rng = np.random.default_rng(402)
    for _ in range(6):
        x0, a0, b0 = rng.uniform(-2.0, 2.0, size=3)
        value = _value_at(got, {x: x0, w1: a0, w2: b0})
        eps = 1e-6
        fd = (_sigmoid(b0 * np.tanh((a0 + eps) * x0))
              - _sigmoid(b0 * np.tanh((a0 - eps) * x0))) / (2 * eps)
        assert np.isclose(value, fd, rtol=1e-6, atol=1e-9)


@task("4.2", points=0.5, hint="the derivative is a product: it is 0 when x = 0 (z1 does not "
      "depend on w1) and when w2 = 0 (y does not depend on h).", **T42)
def test_two_layer_derivative_vanishing_factors(student):
    """Is the answer 0 at x = 0 and at w2 = 0, and right at a saturated point?"""
    x, w1, w2 = sp.symbols("x w1 w2")
    got = _symbolic_answer(student, "two_layer_derivative", x, w1, w2)
    assert got.free_symbols <= {x, w1, w2}
    for point in ({x: 0, w1: sp.Rational(7, 10), w2: sp.Rational(-13, 10)},
                  {x: sp.Rational(3, 2), w1: sp.Rational(-1, 2), w2: 0}):
        assert abs(_value_at(got, point)) < 1e-25
    ref = _two_layer_reference(x, w1, w2)
    point = {x: 3, w1: 2, w2: 6}  # tanh and sigma both saturated: a tiny but nonzero answer
    assert np.isclose(_value_at(got, point), _value_at(ref, point), rtol=1e-8, atol=0.0)


# ---------------------------------------------------------------- 4.3 backprop by hand


def _net_reference(x, t, w1, w2):
    h = np.tanh(w1 * x)
    y = _sigmoid(w2 * h)
    dz2 = (y - t) * y * (1.0 - y)
    return 0.5 * (y - t) ** 2, dz2 * w2 * (1.0 - h * h) * x, dz2 * h


def _net_loss(x, t, w1, w2):
    return 0.5 * (_sigmoid(w2 * np.tanh(w1 * x)) - t) ** 2


def _three_numbers(got):
    return [scalar(v) for v in fixed(got, ("L", "dL_dw1", "dL_dw2"))]


@task("4.3", points=1, hint="forward: z1 = w1 x, h = tanh z1, z2 = w2 h, y = sigmoid z2, "
      "L = (y - t)^2 / 2. Backward: dL/dz2 = (y - t) y (1 - y); dL/dw2 = dL/dz2 * h; "
      "dL/dw1 = dL/dz2 * w2 * (1 - h^2) * x. Return (L, dL_dw1, dL_dw2) in that order.")
def test_backprop_random_networks(student):
    """On 12 seeded random (x, t, w1, w2), do L, dL/dw1, dL/dw2 match the closed form and
    central differences?"""
    rng = np.random.default_rng(403)
    eps = 1e-6
    for _ in range(12):
        x, w1, w2 = rng.uniform(-2.5, 2.5, size=3)
        t = rng.uniform(0.0, 1.0)
        L, g1, g2 = _three_numbers(student.backprop_scalar_net(x, t, w1, w2))
        ref = _net_reference(x, t, w1, w2)
        assert _close([L, g1, g2], ref, rtol=1e-8, atol=1e-13)
        fd1 = (_net_loss(x, t, w1 + eps, w2) - _net_loss(x, t, w1 - eps, w2)) / (2 * eps)
        fd2 = (_net_loss(x, t, w1, w2 + eps) - _net_loss(x, t, w1, w2 - eps)) / (2 * eps)
        assert _close([g1, g2], [fd1, fd2], rtol=1e-5, atol=1e-9)


@task("4.3", points=0.5, hint="a factor of zero stops the chain: with x = 0 nothing flows to "
      "w1, with w1 = 0 the hidden value h is 0 so nothing flows to w2, and y = t means no "
      "error at all.")
def test_backprop_zero_gradient_cases(student):
    """Are the gradients exactly zero where a factor of the chain is zero?"""
    L, g1, g2 = _three_numbers(student.backprop_scalar_net(0.0, 0.3, 1.7, -0.8))
    assert abs(g1) < 1e-15 and np.isclose(g2, _net_reference(0.0, 0.3, 1.7, -0.8)[2], atol=0.0)
    L, g1, g2 = _three_numbers(student.backprop_scalar_net(1.4, 0.9, 0.0, 2.0))
    assert abs(g2) < 1e-15 and np.isclose(L, 0.5 * 0.4**2, rtol=1e-12, atol=0.0)
    assert np.isclose(g1, _net_reference(1.4, 0.9, 0.0, 2.0)[1], rtol=1e-10, atol=0.0)
    L, g1, g2 = _three_numbers(student.backprop_scalar_net(0.6, 0.5, 0.0, 3.0))
    assert abs(L) < 1e-15 and abs(g1) < 1e-15 and abs(g2) < 1e-15


@task("4.3", points=0.5, hint="a saturated unit (tanh near +-1, sigmoid near 0 or 1) passes "
      "almost no gradient back; compute with floats and numpy so nothing becomes nan.")
def test_backprop_saturated_units(student):
    """With large weights (saturated tanh and sigmoid), are L and the gradients finite and
    right?"""
    for x, t, w1, w2 in [(2.0, 0.0, 15.0, 30.0), (-1.5, 1.0, 20.0, -25.0),
                         (3.0, 0.2, -40.0, 8.0), (1.0, 0.7, 0.01, 60.0)]:
        got = _three_numbers(student.backprop_scalar_net(x, t, w1, w2))
        assert np.all(np.isfinite(got))
        assert _close(got, _net_reference(x, t, w1, w2), rtol=1e-7, atol=1e-12)


# ---------------------------------------------------------------- 4.4 __mul__


# Marks the Value probes put on the Value class (as a class attribute) and on their inputs a
# and b (as instance attributes): reading them back from c and c._children tells the test
# whether c is a Value built on exactly a and b. Only the test knows the numbers.
TAGS = {"Value": 40961, "a": 70001, "b": 70003}


def _mul_probe(mod, cases, tags):
    """For each (a, b, upstream, a.grad before, b.grad before): build c = a * b, run one
    c._backward(), and report c.data, a.grad, b.grad, c's class mark and its children's
    marks."""
    mod.Value._probe_class = tags["Value"]
    out = []
    try:
        for a0, b0, g, ga, gb in cases:
            a, b = mod.Value(a0), mod.Value(b0)
            a._probe_mark, b._probe_mark = tags["a"], tags["b"]
            c = a * b
            marks = [getattr(k, "_probe_mark", None) for k in c._children]
            a.grad, b.grad = ga, gb
            c.grad = g
            c._backward()
            out.append({"values": [float(c.data), float(a.grad), float(b.grad)],
                        "class": getattr(c, "_probe_class", None), "children": marks})
    finally:
        del mod.Value._probe_class
    return out


def _mul_square_probe(mod, a0, g, ga):
    a = mod.Value(a0)
    c = a * a
    a.grad = ga
    c.grad = g
    c._backward()
    return [float(c.data), float(a.grad)]


def _mul_number_probe(mod, a0, k, g, tags):
    """a * k and k * a for a plain number k: data and a.grad after each _backward, the
    result's class mark and its children's marks."""
    mod.Value._probe_class = tags["Value"]
    try:
        a = mod.Value(a0)
        a._probe_mark = tags["a"]
        sides = {}
        for side in ("right", "left"):
            a.grad = 0.0
            c = a * k if side == "right" else k * a
            c.grad = g
            c._backward()
            sides[side] = {"values": [float(c.data), float(a.grad)],
                           "class": getattr(c, "_probe_class", None),
                           "children": [getattr(v, "_probe_mark", None) for v in c._children]}
    finally:
        del mod.Value._probe_class
    return sides


@task("4.4", points=0.5, hint="out.data = self.data * other.data with children (self, other); "
      "in _backward, self receives other.data * out.grad and other receives self.data * "
      "out.grad.")
def test_mul_forward_and_local_rule_random(student):
    """On seeded random a, b and upstream gradients, are c.data, a.grad, b.grad right after
    one c._backward(), and are a and b the children of c?"""
    rng = np.random.default_rng(404)
    cases = [[float(v) for v in rng.normal(scale=3.0, size=3)] + [0.0, 0.0] for _ in range(8)]
    cases.append([1e150, -2e140, 0.5, 0.0, 0.0])
    got = student.probe(_mul_probe, cases, TAGS)
    for row, (a0, b0, g, _, _) in zip(got, cases, strict=True):
        assert _close(row["values"], [a0 * b0, b0 * g, a0 * g], rtol=1e-12, atol=0.0)
        # the two inputs, in either order: the order of the children changes no gradient
        children = row["children"]
        assert row["class"] == TAGS["Value"] and isinstance(children, list)
        assert sorted(children, key=str) == sorted([TAGS["a"], TAGS["b"]], key=str)


@task("4.4", points=0.5, hint="use += in _backward, never =: a value used in several places "
      "collects one contribution from each, so a grad that is already there must be kept.")
def test_mul_adds_to_existing_grads(student):
    """If a.grad and b.grad already hold numbers, does c._backward() add to them?"""
    rng = np.random.default_rng(414)
    cases = [[float(v) for v in rng.normal(size=5)] for _ in range(5)]
    got = student.probe(_mul_probe, cases, TAGS)
    for row, (a0, b0, g, ga, gb) in zip(got, cases, strict=True):
        assert _close(row["values"][1:], [ga + b0 * g, gb + a0 * g], rtol=1e-12, atol=1e-15)


@task("4.4", points=0.5, hint="in a * a the same Value is both self and other: with += both "
      "contributions add up to 2a times out.grad.")
def test_mul_same_value_twice(student):
    """For c = a * a, does one c._backward() give a.grad = 2 a * upstream (plus what was
    there)?"""
    for a0, g, ga in [(1.25, 1.0, 0.0), (-0.7, 2.5, 0.0), (3.0, -0.5, 1.5)]:
        data, grad = student.probe(_mul_square_probe, a0, g, ga)
        assert np.isclose(data, a0 * a0, rtol=1e-12, atol=0.0)
        assert np.isclose(grad, ga + 2 * a0 * g, rtol=1e-12, atol=0.0)


@task("4.4", points=0.5, hint="wrap a plain number first (Value(other)) so both a * 3 and "
      "3 * a (which Python turns into a.__rmul__(3), that is a * 3) give a Value whose "
      "_backward sends 3 * out.grad to a.")
def test_mul_with_plain_numbers(student):
    """Do a * k and k * a work for plain numbers k (including 0 and negatives)?"""
    for a0, k, g in [(0.5, 3, 1.0), (-1.2, -2.5, 0.75), (2.0, 0.0, 1.0), (4.0, 1, -2.0)]:
        got = student.probe(_mul_number_probe, a0, k, g, TAGS)
        for side in ("right", "left"):
            assert _close(got[side]["values"], [a0 * k, k * g], rtol=1e-12)
            assert got[side]["class"] == TAGS["Value"] and TAGS["a"] in got[side]["children"]


# ---------------------------------------------------------------- 4.5 tanh


def _tanh_probe(mod, cases, tags):
    """For each (a, upstream, a.grad before): out = a.tanh(), one out._backward(); report
    out.data, a.grad, out's class mark and its children's marks."""
    mod.Value._probe_class = tags["Value"]
    result = []
    try:
        for a0, g, ga in cases:
            a = mod.Value(a0)
            a._probe_mark = tags["a"]
            out = a.tanh()
            marks = [getattr(k, "_probe_mark", None) for k in out._children]
            a.grad = ga
            out.grad = g
            out._backward()
            result.append({"values": [float(out.data), float(a.grad)],
                           "class": getattr(out, "_probe_class", None), "children": marks})
    finally:
        del mod.Value._probe_class
    return result


def _tanh_values(student, cases) -> np.ndarray:
    """[out.data, a.grad] per case, from the probe."""
    return np.array([row["values"] for row in student.probe(_tanh_probe, cases, TAGS)],
                    dtype=float)


def _tanh_reference(a0, g, ga):
    t = np.tanh(a0)
    return [t, ga + (1.0 - t * t) * g]


@task("4.5", points=0.75, hint="out.data = np.tanh(self.data) as a float; _backward adds "
      "(1 - t**2) * out.grad to self.grad, with t the forward value.")
def test_tanh_random_values(student):
    """On seeded random inputs and upstream gradients, are tanh's value and local gradient
    right (and do they match a central difference)?"""
    rng = np.random.default_rng(405)
    cases = [[float(a), float(g), 0.0] for a, g in rng.normal(scale=[2.0, 1.5], size=(10, 2))]
    got = _tanh_values(student, cases)
    for row, case in zip(got, cases, strict=True):
        assert _close(row[:2], _tanh_reference(*case), rtol=1e-10, atol=1e-14)
        a0, g, _ = case
        fd = (np.tanh(a0 + 1e-6) - np.tanh(a0 - 1e-6)) / 2e-6 * g
        assert np.isclose(row[1], fd, rtol=1e-6, atol=1e-9)


@task("4.5", points=0.5, hint="use += in _backward: a.grad may already hold a contribution "
      "from another use of a, and it must be kept.")
def test_tanh_adds_to_existing_grad(student):
    """If a.grad already holds a number, does out._backward() add to it?"""
    cases = [[0.4, 1.0, 2.0], [-1.1, -0.5, 0.25], [0.0, 3.0, -1.0]]
    got = _tanh_values(student, cases)
    for row, case in zip(got, cases, strict=True):
        assert _close(row[:2], _tanh_reference(*case), rtol=1e-10, atol=1e-14)


@task("4.5", points=0.5, hint="use np.tanh, which saturates cleanly at +-1; a hand-made "
      "(e^2a - 1)/(e^2a + 1) overflows to inf/inf = nan for large |a|. The gradient there is "
      "(1 - t**2) * out.grad, about 0.")
def test_tanh_extreme_inputs(student):
    """At a = +-1000, +-20 and tiny a, are value and gradient finite and right?"""
    cases = [[1000.0, 1.0, 0.0], [-1000.0, 2.0, 0.0], [20.0, 1.0, 0.0], [-20.0, 1.0, 0.0],
             [1e-12, 1.0, 0.0], [-710.0, 1.0, 0.0]]
    got = _tanh_values(student, cases)
    assert np.all(np.isfinite(got))
    for row, case in zip(got, cases, strict=True):
        assert _close(row[:2], _tanh_reference(*case), rtol=1e-10, atol=1e-15)


@task("4.5", points=0.25, hint="return a new Value built with _children=(self,): one child, the "
      "input itself.")
def test_tanh_builds_a_graph_node(student):
    """Is out a Value whose only child is the input?"""
    got = student.probe(_tanh_probe, [[0.3, 1.0, 0.0], [-2.0, 1.0, 0.0]], TAGS)
    assert all(row["class"] == TAGS["Value"] and row["children"] == [TAGS["a"]] for row in got)


# ---------------------------------------------------------------- 4.6 backward()


def _backward_diamond_probe(mod, a0, b0, k1, k2, k3):
    """o = k1 (a + b) + k2 a + k3 (k1 (a + b)): a diamond with a shared node, built only
    from + and hand-made scaling nodes; return [a.grad, b.grad, o.grad, s.grad]."""

    def scale(v, k):
        out = mod.Value(k * v.data, _children=(v,), _op=f"*{k}")

        def _backward():
            v.grad += k * out.grad

        out._backward = _backward
        return out

    a, b = mod.Value(a0, "a"), mod.Value(b0, "b")
    s = scale(a + b, k1)
    o = s + scale(a, k2) + scale(s, k3)
    o.backward()
    return [float(a.grad), float(b.grad), float(o.grad), float(s.grad)]


def _backward_twice_probe(mod, stale):
    """Pre-set stale grads everywhere, then call backward() twice; grads after each call."""

    def scale(v, k):
        out = mod.Value(k * v.data, _children=(v,), _op=f"*{k}")

        def _backward():
            v.grad += k * out.grad

        out._backward = _backward
        return out

    a, b = mod.Value(0.5, "a"), mod.Value(-1.0, "b")
    h = scale(a + a, 4.0)
    o = h + scale(b, -3.0) + h
    for v in (a, b, h, o):
        v.grad = stale
    o.backward()
    first = [float(a.grad), float(b.grad), float(h.grad), float(o.grad)]
    o.backward()
    second = [float(a.grad), float(b.grad), float(h.grad), float(o.grad)]
    return [first, second]


def _backward_order_probe(mod):
    """A node h shared by three users: record h.grad each time h._backward runs."""

    def scale(v, k):
        out = mod.Value(k * v.data, _children=(v,), _op=f"*{k}")

        def _backward():
            v.grad += k * out.grad

        out._backward = _backward
        return out

    a = mod.Value(0.5, "a")
    h = scale(a, 2.0)
    o = scale(scale(h, 3.0), 0.5) + scale(h, -1.0) + h
    calls = []
    inner = h._backward

    def counting():
        calls.append(float(h.grad))
        inner()

    h._backward = counting
    o.backward()
    return [calls, float(a.grad)]


def _backward_deep_probe(mod, depth, width):
    """A chain of `depth` scaling nodes with a skip connection, and a wide sum of `width`
    leaves with one leaf used three times."""

    def scale(v, k):
        out = mod.Value(k * v.data, _children=(v,), _op=f"*{k}")

        def _backward():
            v.grad += k * out.grad

        out._backward = _backward
        return out

    x = mod.Value(1.0, "x")
    v = x
    for i in range(depth):
        v = scale(v, 1.0 + 0.01 * (i % 3))
    o = v + x
    o.backward()
    chain = float(x.grad)
    leaves = [mod.Value(float(i), f"l{i}") for i in range(width)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    total = total + leaves[2] + leaves[2]
    total.backward()
    return [chain, [float(leaf.grad) for leaf in leaves]]


_HINT_46 = ("topological order by depth-first search (children first, then the node; a set of "
            "visited nodes), reset every grad to 0, set the root's grad to 1, then call "
            "_backward on each node in reverse order.")


@task("4.6", points=0.75, hint=_HINT_46)
def test_backward_diamond_random_weights(student):
    """On seeded random weights, does o.backward() give the sum over all paths at each leaf?"""
    rng = np.random.default_rng(406)
    for _ in range(4):
        a0, b0, k1, k2, k3 = (float(v) for v in rng.normal(size=5))
        ga, gb, go, gs = student.probe(_backward_diamond_probe, a0, b0, k1, k2, k3)
        assert _close([ga, gb, go, gs], [k1 * (1 + k3) + k2, k1 * (1 + k3), 1.0, 1 + k3],
                      rtol=1e-12, atol=1e-14)


@task("4.6", points=0.75, hint="start backward() by setting grad = 0 on every node of the graph "
      "(grads left over from earlier, or from a previous backward(), must not add up), then "
      "the root's grad to 1.")
def test_backward_resets_grads(student):
    """With stale grads on every node, and called twice, does backward() give the true grads
    both times?"""
    first, second = student.probe(_backward_twice_probe, 7.0)
    expected = [16.0, -3.0, 2.0, 1.0]  # o = 2h - 3b, h = 8a
    assert _close(first, expected, rtol=1e-12)
    assert _close(second, expected, rtol=1e-12)


@task("4.6", points=0.75, hint="walk the topological order in reverse so a node's _backward "
      "runs only after every node that uses it; keep a set of visited nodes so a shared node "
      "is listed (and its _backward called) once.")
def test_backward_shared_node_runs_once_when_complete(student):
    """Does a node used three times run its _backward exactly once, with its full grad?"""
    calls, leaf = student.probe(_backward_order_probe)
    assert calls == [1.5 - 1.0 + 1.0]
    assert np.isclose(leaf, 2.0 * 1.5, rtol=1e-12, atol=0.0)


@task("4.6", points=0.75, hint="every node, however deep, must appear once in the order; the "
      "root's grad is 1 and addition passes it to every leaf (a leaf used three times gets "
      "three contributions).")
def test_backward_deep_and_wide_graphs(student):
    """On a 150-node chain with a skip connection and a sum of 40 leaves, are the leaf grads
    right?"""
    chain, leaves = student.probe(_backward_deep_probe, 150, 40)
    factors = [1.0 + 0.01 * (i % 3) for i in range(150)]
    assert np.isclose(chain, np.prod(factors) + 1.0, rtol=1e-12, atol=0.0)
    expected = np.ones(40)
    expected[2] = 3.0
    assert _close(leaves, expected, rtol=1e-12)


# ---------------------------------------------------------------- 4.7 numerical gradient
# Task 4.7 returns "a float64 array": a float32 estimate is named as such (the policy).


def _numgrad_probe(mod, kind, x, eps=None):
    """Run numerical_gradient on a function chosen by `kind`; report the estimate, x after
    the call (the test compares it with its own x), and the dtypes and shapes f was called
    with."""
    import numpy as np

    seen = []

    def f(v):
        seen.append([str(np.asarray(v).dtype), list(np.shape(v)),
                     np.array(v, dtype=float).ravel().tolist()])
        v = np.asarray(v)
        if kind == "cubic":
            return float(np.sum(v**3))
        if kind == "mixed":
            return float(np.sum(np.sin(v) * v**2) + v.flat[0] * v.flat[-1])
        if kind == "square":
            return float(np.sum(v**2))
        raise ValueError(kind)

    got = mod.numerical_gradient(f, x) if eps is None else mod.numerical_gradient(f, x, eps)
    return {"grad": np.asarray(got), "x_after": np.asarray(x), "calls": seen}


def _mixed_grad(x):
    g = np.cos(x) * x**2 + 2 * x * np.sin(x)
    flat = g.reshape(-1)
    xf = x.reshape(-1)
    flat[0] += xf[-1]
    flat[-1] += xf[0]
    return g


@task("4.7", points=0.5, hint="for each entry i: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), "
      "with e_i the i-th unit vector; return an array shaped like x.")
def test_numerical_gradient_random_points(student):
    """At seeded random x (sizes 1, 5 and 8), does the estimate match the exact gradient of
    sum(sin(x) x^2) + x_first x_last?"""
    rng = np.random.default_rng(407)
    for n in (1, 5, 8):
        x = rng.normal(scale=1.5, size=n)
        out = student.probe(_numgrad_probe, "mixed", x)
        assert close(out["grad"], _mixed_grad(x), rtol=1e-6, atol=1e-8, float64=True)


@task("4.7", points=0.5, hint="step both ways, x + eps e_i and x - eps e_i, and divide by "
      "2 eps: a one-sided difference has an error of order eps, the central one of order "
      "eps^2.")
def test_numerical_gradient_is_central(student):
    """With eps = 1e-3 on sum(x^3), is the error exactly eps^2 (central), not ~3 eps x
    (one-sided)?"""
    x = np.array([1.0, -2.0, 0.5, 3.0])
    out = student.probe(_numgrad_probe, "cubic", x, 1e-3)
    assert close(out["grad"], 3 * x**2 + 1e-6, rtol=1e-8, atol=1e-9, float64=True)


@task("4.7", points=0.5, hint="use the eps you are given (a keyword with default 1e-6), "
      "not a fixed number.")
def test_numerical_gradient_uses_eps(student):
    """With a large eps = 0.1 on sum(x^3), is the estimate 3x^2 + eps^2, as the central
    formula with that eps gives, and is the default step 1e-6?"""
    x = np.array([0.5, -1.5])
    out = student.probe(_numgrad_probe, "cubic", x, 0.1)
    assert close(out["grad"], 3 * x**2 + 0.01, rtol=1e-9, atol=1e-9, float64=True)
    out = student.probe(_numgrad_probe, "cubic", x)
    assert close(out["grad"], 3 * x**2, rtol=1e-7, atol=1e-8, float64=True)
    # the step of every call of f, read off where f was called (x itself is the test's)
    steps = [np.max(np.abs(np.asarray(c[2], dtype=float) - x)) for c in out["calls"]]
    steps = [step for step in steps if step > 0]  # f(x) itself may be called too
    assert steps and np.allclose(steps, 1e-6, rtol=1e-6, atol=0.0)  # the default eps


@task("4.7", points=0.5, hint="work on a float64 copy (np.array(x, dtype=np.float64)): the "
      "caller's x must not change, an int array would round x + eps back to x, and the "
      "result keeps x's shape.")
def test_numerical_gradient_copy_shape_dtype(student):
    """Is x left unchanged, is f called with float64 arrays of x's shape, and does an int
    (2, 3) input give a float (2, 3) gradient?"""
    x = np.array([[1, -2, 3], [0, 4, -1]])
    out = student.probe(_numgrad_probe, "square", x)
    assert np.array_equal(out["x_after"], x)  # the test's own x: the sandbox's is the learner's
    assert out["x_after"].dtype == x.dtype
    assert close(out["grad"], 2.0 * x, rtol=1e-5, atol=1e-5, float64=True)
    assert all(c[:2] == ["float64", [2, 3]] for c in out["calls"])
    xf = np.random.default_rng(417).normal(size=(3, 2))
    out = student.probe(_numgrad_probe, "square", xf)
    assert np.array_equal(out["x_after"], xf)
    assert close(out["grad"], 2.0 * xf, rtol=1e-5, atol=1e-5, float64=True)
