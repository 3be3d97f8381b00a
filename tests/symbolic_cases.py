r"""The symbolic checker's case registry: answer/reference pairs from this course's topics.

Each case is a learner's answer (text as typed, or a SymPy expression as code would return
it, built from *plain* symbols the way learners write them) against a reference (SymPy,
real symbols, usually ``sp.diff`` of the function), with the verdict a careful human
grader would give and, for wrong answers with a common slip, the slip's name.

Used by ``tests/test_symbolic_equivalence.py`` (every verdict must be right) and by
``bench/bench_symbolic.py`` (the same cases through our check, ``simplify(a-b)==0`` and
``a.equals(b)``).

:data:`TYPED_ATTACKS` and :data:`TREE_ATTACKS` are answers built to make reading hang
(issue 10: SymPy factoring merged radicands of 900-digit integers for minutes); each must
get a verdict within the checker's limit + 0.5 s (``tests/test_symbolic_limits.py``, and
timed by the benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class Case:
    id: str
    answer: object
    reference: object
    expected: str  # "equivalent" or "not_equivalent"
    variables: dict = field(default_factory=dict)
    slip: str | None = None


def _sig(z):
    return 1 / (1 + sp.exp(-z))


R = dict(real=True)
x, y, z, w, lam = sp.symbols("x y z w lam", **R)
mu, s, p = sp.symbols("mu s p", real=True)
x1, x2, x3 = sp.symbols("x1 x2 x3", **R)
a, b, c, d = sp.symbols("a b c d", **R)
w1, w2, w3, b1, b2, b3 = sp.symbols("w1 w2 w3 b1 b2 b3", **R)
Px, Pw, Py = sp.symbols("x w y")  # plain symbols, as a learner's code would make them

# ------------------------------------------------------------------ reusable references
SIG_D = sp.diff(_sig(x), x)
SOFTPLUS = sp.log(1 + sp.exp(x))
LSE = sp.log(sp.exp(x1) + sp.exp(x2) + sp.exp(x3))
LSE_GRAD = sp.Matrix([sp.diff(LSE, v) for v in (x1, x2, x3)])
_S = [sp.exp(v) / (sp.exp(x1) + sp.exp(x2) + sp.exp(x3)) for v in (x1, x2, x3)]
S2 = sp.exp(x1) / (sp.exp(x1) + sp.exp(x2))
SOFTMAX_JAC = sp.Matrix(3, 3, lambda i, j: sp.diff(_S[i], (x1, x2, x3)[j]))
BERN = y * sp.log(p) + (1 - y) * sp.log(1 - p)
GAUSS = -sp.log(s) - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * s**2)
A2 = sp.Matrix([[a, b], [c, d]])
LOGDET2 = sp.Matrix(2, 2, lambda i, j: sp.diff(sp.log(sp.Abs(A2.det())), A2[i, j]))
A3 = sp.Matrix(3, 3, sp.symbols("m0:9", real=True))
LOGDET3 = sp.Matrix(3, 3, lambda i, j: sp.diff(sp.log(sp.Abs(A3.det())), A3[i, j]))
CHAIN2 = sp.tanh(w2 * sp.tanh(w1 * x))
RELU6_D = sp.diff(sp.Min(sp.Max(0, x), 6), x)  # Heaviside(x)*Heaviside(6 - Max(0, x))
RELU6_PIECEWISE_D = sp.diff(sp.Piecewise((0, x < 0), (x, x < 6), (6, True)), x)
LAMBDA = sp.Symbol("lambda", positive=True)
CHAIN3 = w3 * _sig(w2 * _sig(w1 * x + b1) + b2) + b3


def _network():
    """A 1-2-2-1 sigmoid network; the gradient of its output w.r.t. the first layer."""
    a1, a2, c1, c2, e = sp.symbols("a1 a2 c1 c2 e", real=True)
    B = sp.Matrix(2, 2, sp.symbols("B11 B12 B21 B22", real=True))
    dd = sp.symbols("d1 d2", real=True)
    v = sp.symbols("v1 v2", real=True)
    z1 = [a1 * x + c1, a2 * x + c2]
    h1 = [_sig(t) for t in z1]
    z2 = [B[j, 0] * h1[0] + B[j, 1] * h1[1] + dd[j] for j in range(2)]
    h2 = [_sig(t) for t in z2]
    f = v[0] * h2[0] + v[1] * h2[1] + e
    reference = sp.Matrix([sp.diff(f, a1), sp.diff(f, a2)])
    delta2 = [v[j] * h2[j] * (1 - h2[j]) for j in range(2)]
    delta1 = [(B[0, i] * delta2[0] + B[1, i] * delta2[1]) * h1[i] * (1 - h1[i])
              for i in range(2)]
    return reference, sp.Matrix([delta1[0] * x, delta1[1] * x])


NET_REF, NET_BACKPROP = _network()

EQ, NE = "equivalent", "not_equivalent"

CASES: list[Case] = [
    # sigmoid
    Case("sigmoid_text", "sigmoid(x)*(1-sigmoid(x))", SIG_D, EQ),
    Case("sigmoid_exp_neg", sp.exp(-Px) / (1 + sp.exp(-Px)) ** 2, SIG_D, EQ),
    Case("sigmoid_exp_pos", "exp(x)/(1+exp(x))^2", SIG_D, EQ),
    Case("sigmoid_tanh_form", "(1 - tanh(x/2)^2)/4", SIG_D, EQ),
    Case("sigmoid_half", "0.5*sigmoid(x)*(1-sigmoid(x))", SIG_D, NE, slip="constant_factor"),
    Case("sigmoid_sign", "-sigmoid(x)*(1-sigmoid(x))", SIG_D, NE, slip="wrong_sign"),
    Case("sigmoid_chain_forgot_2", "sigmoid(2x)*(1-sigmoid(2x))",
         sp.diff(_sig(2 * x), x), NE, slip="constant_factor"),
    # softplus
    Case("softplus_sigmoid", "sigmoid(x)", sp.diff(SOFTPLUS, x), EQ),
    Case("softplus_one_minus", "1 - sigmoid(-x)", sp.diff(SOFTPLUS, x), EQ),
    Case("softplus_forgot_denominator", "exp(x)", sp.diff(SOFTPLUS, x), NE),
    Case("softplus_stable_form", "x + log(1 + exp(-x))", SOFTPLUS, EQ),
    # log-sum-exp and softmax
    Case("lse_grad_softmax", [sp.exp(v) / sum(sp.exp(u) for u in (x1, x2, x3))
                              for v in (x1, x2, x3)], LSE_GRAD, EQ),
    Case("lse_grad_shifted", "[1/(1+exp(x2-x1)+exp(x3-x1)), 1/(exp(x1-x2)+1+exp(x3-x2)),"
                             " 1/(exp(x1-x3)+exp(x2-x3)+1)]", LSE_GRAD, EQ),
    Case("lse_grad_unnormalised", "[exp(x1), exp(x2), exp(x3)]", LSE_GRAD, NE),
    Case("softmax_jacobian", sp.diag(*_S) - sp.Matrix(_S) * sp.Matrix(_S).T, SOFTMAX_JAC, EQ),
    Case("softmax_jacobian_sign", sp.Matrix(_S) * sp.Matrix(_S).T - sp.diag(*_S),
         SOFTMAX_JAC, NE, slip="wrong_sign"),
    Case("lse_stable_max", "max(x1, x2) + log(1 + exp(-abs(x1 - x2)))",
         sp.log(sp.exp(x1) + sp.exp(x2)), EQ),
    Case("softmax_ce_grad", "sigmoid(x1 - x2) - y",
         sp.diff(-y * sp.log(S2) - (1 - y) * sp.log(1 - S2), x1), EQ, {"y": "unit"}),
    # Bernoulli log-likelihood
    Case("bernoulli_dp", "y/p - (1-y)/(1-p)", sp.diff(BERN, p), EQ),
    Case("bernoulli_dp_combined", "(y - p)/(p*(1 - p))", sp.diff(BERN, p), EQ),
    Case("bernoulli_dp_sign", "(p - y)/(p*(1 - p))", sp.diff(BERN, p), NE, slip="wrong_sign"),
    Case("bernoulli_dp_plus", "y/p + (1-y)/(1-p)", sp.diff(BERN, p), NE),
    Case("bernoulli_logit", "y - sigmoid(z)",
         sp.diff(y * sp.log(_sig(z)) + (1 - y) * sp.log(1 - _sig(z)), z), EQ, {"y": "unit"}),
    # Gaussian log-likelihood
    Case("gauss_dmu", "(x - mu)/s^2", sp.diff(GAUSS, mu), EQ),
    Case("gauss_dmu_half", "(x - mu)/(2 s^2)", sp.diff(GAUSS, mu), NE, slip="constant_factor"),
    Case("gauss_ds", "(x - mu)^2/s^3 - 1/s", sp.diff(GAUSS, s), EQ),
    Case("gauss_ds_forgot_log", "(x - mu)^2/s^3", sp.diff(GAUSS, s), NE),
    Case("gauss_dlogvar", "-1/2 + (x - mu)^2*exp(-v)/2",
         sp.diff(GAUSS.subs(s, sp.exp(sp.Symbol("v", real=True) / 2)), sp.Symbol("v", real=True)),
         EQ),
    # log|det A|
    Case("logdet2_inverse_T", "[[d, -c], [-b, a]]/(a*d - b*c)", LOGDET2, EQ),
    Case("logdet2_inverse_not_T", A2.inv(), LOGDET2, NE, slip="transposed"),
    Case("logdet3_inverse_T", A3.adjugate().T / A3.det(), LOGDET3, EQ),
    Case("logdet3_inverse_not_T", A3.adjugate() / A3.det(), LOGDET3, NE, slip="transposed"),
    Case("logdet3_sign", -A3.inv().T, LOGDET3, NE, slip="wrong_sign"),
    Case("logdet_diag", "[[1/a, 0], [0, 1/d]]",
         sp.Matrix(2, 2, lambda i, j: sp.diff(sp.log(sp.Abs(a * d)), sp.diag(a, d)[i, j])
                   if (i == j) else 0), EQ),
    # chain rule: two and three layers
    Case("chain2_tanh", "(1 - tanh(w2*tanh(w1*x))^2)*w2*(1 - tanh(w1*x)^2)*x",
         sp.diff(CHAIN2, w1), EQ),
    Case("chain2_forgot_inner", "(1 - tanh(w2*tanh(w1*x))^2)*w2*(1 - tanh(w1*x)^2)",
         sp.diff(CHAIN2, w1), NE),
    Case("chain3_sigmoid",
         "w3*sigmoid(w2*sigmoid(w1*x+b1)+b2)*(1-sigmoid(w2*sigmoid(w1*x+b1)+b2))"
         "*w2*sigmoid(w1*x+b1)*(1-sigmoid(w1*x+b1))*x", sp.diff(CHAIN3, w1), EQ),
    Case("chain3_sigmoid_forgot_middle",
         "w3*sigmoid(w2*sigmoid(w1*x+b1)+b2)*(1-sigmoid(w2*sigmoid(w1*x+b1)+b2))"
         "*w2*x", sp.diff(CHAIN3, w1), NE),
    Case("network_backprop", NET_BACKPROP, NET_REF, EQ),
    Case("network_backprop_double", 2 * NET_BACKPROP, NET_REF, NE, slip="constant_factor"),
    # absolute values
    Case("abs_sign", "x/abs(x)", sp.diff(sp.Abs(x), x), EQ),
    Case("abs_grad_one", "1", sp.diff(sp.Abs(w), w), NE),
    Case("x_abs_x", "2*x*sign(x)", sp.diff(x * sp.Abs(x), x), EQ),
    Case("x_abs_x_wrong", "2*x", sp.diff(x * sp.Abs(x), x), NE),
    Case("l1_penalty", "2*w + lam", sp.diff(w**2 + lam * sp.Abs(w), w), NE,
         {"lam": "positive"}),
    Case("abs_code_answer", Px / sp.Abs(Px), sp.sign(x), EQ),
    # piecewise relu
    Case("relu_heaviside", sp.Heaviside(Px), sp.diff(sp.Max(0, x), x), EQ),
    Case("relu_piecewise", sp.Piecewise((0, Px < 0), (1, True)), sp.diff(sp.Max(0, x), x), EQ),
    Case("relu_step_text", "step(x)", sp.diff(sp.Max(0, x), x), EQ),
    Case("relu_grad_one", "1", sp.diff(sp.Max(0, x), x), NE),
    Case("leaky_relu", "0.01 + 0.99*Heaviside(x)",
         sp.diff(sp.Piecewise((x / 100, x < 0), (x, True)), x), EQ),
    Case("relu_chain", "x*Heaviside(w*x)", sp.diff(sp.Max(0, w * x), w), EQ),
    # tiny differences and cancellation
    Case("tiny_offset", x + sp.exp(-40), x, NE, slip="constant_term"),
    Case("tiny_factor", "x*(1 + exp(-40))", x, NE, slip="constant_factor"),
    Case("tiny_sin", sp.exp(-40) * sp.sin(Px) + sp.cos(Px), sp.cos(x), NE),
    Case("tiny_constants", sp.exp(-40) * Px, sp.log(1 + sp.exp(-40)) * x, NE),
    Case("cancellation_softplus", "log(1 + exp(x)) - x", sp.log(1 + sp.exp(-x)), EQ,
         {"x": (30, 40)}),
    Case("cancellation_cosine", "(1 - cos(x))/x^2", 2 * sp.sin(x / 2) ** 2 / x**2, EQ,
         {"x": (1e-5, 1e-4)}),
    # variables and shapes
    Case("wrong_variable", "2*y", sp.diff(x**2, x), NE, slip="different_variables"),
    Case("gradient_shape", "[2*x, 2*y, 0]", sp.Matrix([2 * x, 2 * y]), NE, slip="shape"),
    Case("float_third", Px**3 * (1 / 3), x**3 / 3, EQ),
    # held-out defects of issue 11: kinks beyond |x| = 4, cancellation, overflow, names
    Case("relu6_step", "step(x)", RELU6_D, NE),
    Case("relu6_step_code", sp.Heaviside(Px), RELU6_PIECEWISE_D, NE),
    Case("relu6_two_steps", "Heaviside(x)*Heaviside(6 - x)", RELU6_D, EQ),
    Case("relu6_piecewise_code", sp.Piecewise((0, Px < 0), (1, Px < 6), (0, True)), RELU6_D,
         EQ),
    Case("cancellation_cosine_tiny", "(1 - cos(x))/x^2", 2 * sp.sin(x / 2) ** 2 / x**2, EQ,
         {"x": (1e-7, 1e-6)}),
    Case("sigmoid_overflow", "sigmoid(x)*(1 - sigmoid(x))", SIG_D, EQ, {"x": (-800, -710)}),
    Case("sigmoid_overflow_double", "2*sigmoid(x)*(1 - sigmoid(x))", SIG_D, NE,
         {"x": (-800, -710)}, slip="constant_factor"),
    Case("tanh_sech_code", sp.sech(Px) ** 2, sp.diff(sp.tanh(x), x), EQ),
    Case("tanh_coth_wrong", "1 - coth(x)^2", sp.diff(sp.tanh(x), x), NE),
    Case("l1_lambda", "2*w + lambda*sign(w)", sp.diff(w**2 + LAMBDA * sp.Abs(w), w), EQ),
    Case("zero_terms", "sigmoid(x)*(1 - sigmoid(x))" + "".join(
        f" + 0*x^{k} + (x{k} - x{k})*y" for k in range(1, 41)), SIG_D, EQ),
    Case("big_radicals", "sqrt(7^999+3)*x*sqrt(7^999+1)", "x*sqrt(7^999+1)*sqrt(7^999+3)", EQ),
]

assert len({case.id for case in CASES}) == len(CASES)


# ------------------------------------------------------------------ reading attacks
RADICALS = [f"sqrt(7^999+{k})" for k in range(1, 60, 2)]


def _typed_attacks() -> list[tuple[str, str]]:
    """(id, text): typed answers that made SymPy factor, or compute, for seconds."""
    r = RADICALS
    return [
        ("issue_55_chars", "*".join(r[:4])),
        ("product_8", "*".join(r[:8])),
        ("product_16", "*".join(r[:16])),
        ("product_times_x", "x*" + "*".join(r[:8])),
        ("sum_16", "+".join(r[:16])),
        ("same_radical_30_times", "+".join([r[0]] * 30)),
        ("product_squared", "(" + "*".join(r[:6]) + ")^2"),
        ("cube_roots", "(7^999+1)^(1/3)*(7^999+3)^(1/3)*(7^999+5)^(2/3)"),
        ("rational_powers", "(7^999+1)^(3/2)*(5^999+3)^(1/5)"),
        ("nested_radicals", "sqrt(2+sqrt(7^999+1))*sqrt(3+sqrt(7^999+3))"),
        ("radical_of_radicals", f"sqrt({r[0]}*{r[1]}*{r[2]})"),
        ("radical_exponent", f"x^({r[0]})"),
        ("radicals_in_exp", f"exp({r[0]}*{r[1]})*exp({r[0]}*{r[1]})"),
        ("radicals_in_log", f"log({r[0]}*{r[1]})*x"),
        ("radicals_in_floor", f"floor({r[0]}*{r[1]})*x"),
        ("radicals_in_max", f"max({r[0]}*{r[1]}, {r[2]}*{r[3]})"),
        ("radicals_in_abs", f"abs({r[0]}*{r[1]} - {r[2]}*{r[3]})"),
        ("division_chain", "/".join(["1", *r[:8]])),
        ("radical_matrix", f"[{r[0]}*{r[1]}, {r[2]}*{r[3]}]*{r[4]}"),
        ("polynomial_in_radicals", f"(x+{r[0]})*(x+{r[1]})*(x-{r[2]})*(x-{r[3]})"),
        ("tower", "2^2^2^30"),
        ("huge_exponent", "2^(10^999)"),
        ("big_integer_power", "(10^30)^1000"),
        ("factorial", "factorial(10^6)"),
        ("factorials", "factorial(10^29)*factorial(7^30)*x"),
        ("binomial", "binomial(10^6, 5*10^5)"),
        ("gamma", "gamma(10^6 + 1/2)"),
        ("cancelling_huge_terms", f"2*x + {r[0]}*{r[1]} - 7^999 - 2"),
    ]


TYPED_ATTACKS = _typed_attacks()


def big(k: int) -> int:
    """A 400-digit integer (trees carry integers of at most 400 digits)."""
    return 10**399 + k


def sqrt_tree(n: int) -> list:
    """sqrt(n) as a tree from code."""
    return ["Pow", ["Integer", str(n)], ["Rational", "1", "2"]]


SYM_X = ["Symbol", "x"]


def _tree_attacks() -> list[tuple[str, object]]:
    """(id, tree): the same attacks as SymPy trees from code, as grader/wire.py sends them."""
    r = [sqrt_tree(big(k)) for k in range(1, 80, 2)]
    return [
        ("product_8", ["Mul", *r[:8]]),
        ("product_32", ["Mul", *r[:32]]),
        ("sum_32", ["Add", *r[:32]]),
        ("same_radical_40_times", ["Add", *[r[0]] * 40]),
        ("nested_products", ["Mul", SYM_X, ["Mul", *r[:4]], ["Mul", *r[4:8]], ["Mul", *r[:8]]]),
        ("radical_of_products", ["Pow", ["Mul", *r[:8]], ["Rational", "1", "3"]]),
        ("nested_radicals", ["Pow", ["Add", ["Integer", str(big(1))], r[1]],
                             ["Rational", "1", "2"]]),
        ("power_of_product", ["Pow", ["Mul", *r[:6]], ["Integer", "7"]]),
        ("radical_exponent", ["Pow", SYM_X, ["Mul", *r[:4]]]),
        ("exp_products", ["Mul", ["exp", ["Mul", *r[:4]]], ["exp", ["Mul", *r[:4]]]]),
        ("piecewise", ["Piecewise", ["ExprCondPair", ["Mul", *r[:4]],
                                     ["StrictLessThan", SYM_X, ["Mul", *r[4:8]]]],
                       ["ExprCondPair", SYM_X, ["BooleanTrue"]]]),
        ("max", ["Max", ["Mul", *r[:4]], ["Mul", *r[4:8]], SYM_X]),
        ("factorial", ["factorial", ["Integer", str(big(0))]]),
        ("binomial", ["binomial", ["Integer", "1000000"], ["Integer", "500000"]]),
        ("gamma", ["gamma", ["Integer", "1000000"]]),
        ("loggamma", ["loggamma", ["Integer", str(big(0))]]),
        ("polygamma", ["polygamma", ["Integer", "0"], ["Integer", str(10**30)]]),
        ("tower", ["Pow", ["Integer", "2"], ["Pow", ["Integer", "2"],
                                             ["Pow", ["Integer", "2"], ["Integer", "30"]]]]),
        ("many_big_rationals",
         ["Add", *[["Rational", "1", str(big(k))] for k in range(1, 400, 2)]]),
        ("float_huge_trig", ["sin", ["Float", "1", 100000, 2000]]),
        ("matrix", ["Matrix", [[["Mul", *r[:6]]], [["Mul", *r[6:12]]]]]),
        ("many_nodes", ["Add", *[["Mul", ["exp", ["Mul", ["Integer", str(k)], SYM_X]], SYM_X]
                                 for k in range(1, 3300)]]),
        ("many_variables", ["Add", *[["Symbol", f"x{k}"] for k in range(5000)]]),
    ]


TREE_ATTACKS = _tree_attacks()
