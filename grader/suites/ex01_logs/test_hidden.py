"""Hidden suite for exercise 1, logarithms and log-likelihood (tasks 1.1 to 1.8).

Every test calls only its own task's function, through the sandboxed ``student`` proxy, and
compares with a reference computed here (numpy, scipy.special, SymPy). Hints are learner-safe:
they name the idea, never the hidden inputs or the expected values.

Points per task (must match the ``# ### Task`` headers of solutions/ex01_logs.py):
1.1: 1, 1.2: 2, 1.3: 2, 1.4: 2, 1.5: 2, 1.6: 1, 1.7: 2, 1.8: 3.
"""

import numpy as np
import sympy as sp
from scipy.special import log_softmax, logsumexp

from grader.judge.api import task
from grader.judge.policy import array, close, fixed, scalar
from grader.symbolic import check_equivalent, substitute

# "Use numpy and sympy only (no scipy)". A bare top-level name is caught in the source (any
# use of scipy or a submodule in the task's functions) and costs the sandbox nothing at run
# time, where stubbing submodules such as scipy.special would import them (slow) and can break
# later imports. An unused `import scipy` at the top of the file costs nothing.
NO_SCIPY = ("scipy",)
# The symbolic tasks ask for a derivative typed by hand: no SymPy differentiation in the
# task's function (or the helpers it calls); sp.diff elsewhere, to check, is fine.
# (Names in sympy.core.function are not listed: they are also stubbed while the calls run,
# and SymPy's own lazy imports of them would then fail.)
NO_DIFF = ("sympy.diff", "sympy.Derivative", "sympy.Expr.diff", "sympy.idiff")


def _scope(*functions, forbid=NO_SCIPY) -> dict:
    """``forbid`` checked in the code of the task's ``functions`` (see grader/judge/api.py)."""
    return {"forbid": forbid, "functions": functions}


T11, T12, T13 = _scope("log_product"), _scope("log_sum_exp"), _scope("bernoulli_log_likelihood")
T14 = _scope("bernoulli_loglik_derivative", forbid=NO_DIFF)
T15 = _scope("gaussian_loglik_derivative_mu", forbid=NO_DIFF)
T16, T17 = _scope("gaussian_mle"), _scope("categorical_log_likelihood")
T18 = _scope("dice_loss")


def _close(got, expected, rtol=1e-9, atol=0.0) -> bool:
    """The policy's comparison (grader/judge/policy.py): form, dtype and stated tolerance."""
    return close(got, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- 1.1 log of a product


@task("1.1", points=0.5, hint="never form the product: add up log(p_i) over all entries.",
      **T11)
def test_log_product_random_probabilities(student):
    """Does log_product equal sum(log p) on random probabilities of several lengths?"""
    rng = np.random.default_rng(101)
    for n in (1, 7, 300):
        p = rng.uniform(1e-3, 1.0, size=n)
        assert close(student.log_product(p), np.sum(np.log(p)), rtol=1e-10)


@task("1.1", points=0.5, hint="a product of many small probabilities underflows to 0.0 and "
      "log(0) = -inf; the sum of the logs stays finite. A probability of 1 adds log 1 = 0.",
      **T11)
def test_log_product_never_underflows(student):
    """Is log_product finite and right where the product itself underflows to 0.0?"""
    cases = [np.full(5000, 1e-5), np.array([1e-300, 1e-300, 1e-300]),
             np.concatenate([np.ones(10), np.full(400, 0.01)]), np.ones(4)]
    for p in cases:
        got = scalar(student.log_product(p))
        assert np.isfinite(got)
        assert np.isclose(got, np.sum(np.log(p)), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- 1.2 log-sum-exp


@task("1.2", points=0.5, hint="exp(1000) overflows and exp(-1000) underflows: subtract the "
      "maximum m from every x_i first and add m back at the end.",
      **T12)
def test_log_sum_exp_extreme_values(student):
    """Is log_sum_exp finite and right on entries so large or so negative that exp overflows
    or underflows?"""
    cases = [([1000.0, 1000.0], 1000.0 + np.log(2.0)),
             ([-1000.0, -1000.0], -1000.0 + np.log(2.0)),
             ([1000.0, -1000.0, 0.0], 1000.0),
             ([-1e4, -1e4 + 1.0, -1e4 - 2.0], logsumexp([-1e4, -1e4 + 1.0, -1e4 - 2.0])),
             ([700.0, 710.0, 720.0], logsumexp([700.0, 710.0, 720.0]))]
    for x, expected in cases:
        got = scalar(student.log_sum_exp(np.array(x)))
        assert np.isclose(got, expected, rtol=1e-12, atol=0.0)


@task("1.2", points=0.5, hint="with axis=None reduce over every entry of x (any shape) and "
      "return one number.", **T12)
def test_log_sum_exp_random_axis_none(student):
    """Does log_sum_exp(x) agree with scipy's logsumexp on random 1-d, 2-d and 3-d arrays?"""
    rng = np.random.default_rng(102)
    for shape in [(1,), (9,), (4, 6), (2, 3, 5)]:
        x = rng.normal(scale=5.0, size=shape)
        assert close(student.log_sum_exp(x), logsumexp(x), rtol=1e-12)


@task("1.2", points=0.5, hint="take the max along the same axis (keepdims=True), and return an "
      "array with that axis removed; negative axes count from the end.", **T12)
def test_log_sum_exp_along_each_axis(student):
    """Does log_sum_exp(x, axis=k) reduce the right axis, stably, with the right shape?"""
    rng = np.random.default_rng(103)
    x = rng.normal(size=(3, 4, 5)) + rng.choice([-800.0, 0.0, 800.0], size=(3, 4, 5))
    for axis in (0, 1, 2, -1):
        got = student.log_sum_exp(x, axis=axis)
        assert _close(got, logsumexp(x, axis=axis), rtol=1e-12)


@task("1.2", points=0.5, hint="-inf - (-inf) is nan: when a maximum is -inf (every entry is "
      "-inf, the log of a sum of zeros), subtract 0 instead. The answer is then -inf.",
      **T12)
def test_log_sum_exp_minus_infinity(student):
    """Is all -inf worth -inf, and is -inf beside finite values ignored?"""
    assert np.isneginf(scalar(student.log_sum_exp(np.array([-np.inf, -np.inf, -np.inf]))))
    assert close(student.log_sum_exp(np.array([-np.inf, 0.0, -np.inf])), 0.0, atol=1e-15, rtol=1e-9)
    assert close(student.log_sum_exp(np.array([5.0])), 5.0, rtol=1e-15)
    x = np.array([[-np.inf, -np.inf], [0.0, 0.0], [-np.inf, 3.0]])
    got = array(student.log_sum_exp(x, axis=1), (3,), "an array with axis 1 removed")
    assert np.isneginf(got[0])
    assert np.allclose(got[1:], [np.log(2.0), 3.0], rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- 1.3 Bernoulli log-likelihood


@task("1.3", points=0.5, hint="label 1 contributes log p_i and label 0 contributes log(1 - p_i); "
      "return their sum as one number.", **T13)
def test_bernoulli_random_labels(student):
    """Does bernoulli_log_likelihood match the formula on random probabilities and labels?"""
    rng = np.random.default_rng(104)
    for n in (1, 10, 250):
        p = rng.uniform(0.02, 0.98, size=n)
        y = (rng.random(n) < 0.5).astype(int)
        expected = np.sum(y * np.log(p) + (1 - y) * np.log1p(-p))
        assert close(student.bernoulli_log_likelihood(p, y), expected, rtol=1e-10)


@task("1.3", points=0.5, hint="0 * log(0) is nan in numpy: pick the one term each label needs "
      "(np.where) instead of multiplying by y and 1 - y.", **T13)
def test_bernoulli_certain_predictions(student):
    """Are certain and right predictions (p = 0 or 1 matching the label) exactly 0, not nan?"""
    p = np.array([1.0, 0.0, 1.0, 0.0])
    y = np.array([1, 0, 1, 0])
    assert scalar(student.bernoulli_log_likelihood(p, y)) == 0.0
    p = np.array([0.0, 1.0, 0.5, 0.25])
    y = np.array([0, 1, 1, 0])
    expected = np.log(0.5) + np.log(0.75)
    assert close(student.bernoulli_log_likelihood(p, y), expected, rtol=1e-12)


@task("1.3", points=0.5, hint="a label the model gave probability 0 makes the likelihood 0, so "
      "its log is -inf (not nan, not an error).", **T13)
def test_bernoulli_impossible_label_is_minus_infinity(student):
    """Is the log-likelihood -inf when a label has probability 0 (p = 0, y = 1 or p = 1, y = 0)?"""
    for p, y in [([0.0, 0.5], [1, 0]), ([0.3, 1.0], [1, 0])]:
        got = scalar(student.bernoulli_log_likelihood(np.array(p), np.array(y)))
        assert np.isneginf(got)


@task("1.3", points=0.5, hint="add logs, never multiply probabilities; float labels 0.0/1.0 "
      "must work as well as integers.", **T13)
def test_bernoulli_many_float_labels(student):
    """Is the log-likelihood of 5000 labels (given as floats 0.0/1.0) finite and right?"""
    rng = np.random.default_rng(105)
    p = rng.uniform(0.01, 0.99, size=5000)
    y = (rng.random(5000) < p).astype(float)
    expected = np.sum(np.where(y == 1.0, np.log(p), np.log1p(-p)))
    got = scalar(student.bernoulli_log_likelihood(p, y))
    assert np.isfinite(got)
    assert np.isclose(got, expected, rtol=1e-10, atol=0.0)


# ---------------------------------------------------------------- symbolic tasks 1.4 and 1.5


def _symbolic_answer(student, fname, *symbols):
    got = getattr(student, fname)(*symbols)  # differentiating in it is forbidden (NO_DIFF)
    assert isinstance(got, sp.Basic)
    return got


def _equivalent(got, reference, domains) -> bool:
    verdict = check_equivalent(got, reference, domains, what="derivative")
    return verdict.status == "equivalent"


@task("1.4", points=1, hint="d/dp log p = 1/p, and by the chain rule d/dp log(1 - p) = "
      "-1/(1 - p). Type the derivative yourself (no sp.diff inside the function) and return a "
      "SymPy expression in the symbols you are given.", **T14)
def test_bernoulli_derivative_is_equivalent(student):
    """Is the answer d/dp [y log p + (1 - y) log(1 - p)] for p in (0, 1), typed by hand?"""
    p, y = sp.symbols("p y")
    got = _symbolic_answer(student, "bernoulli_loglik_derivative", p, y)
    reference = sp.diff(y * sp.log(p) + (1 - y) * sp.log(1 - p), p)
    assert _equivalent(got, reference, {"p": "unit", "y": "real"})
    assert _equivalent(substitute(got, {y: 0}), -1 / (1 - p), {"p": "unit"})


@task("1.4", points=1, hint="build the answer from the two symbols passed in as arguments "
      "(whatever their names), not from symbols you create yourself.", **T14)
def test_bernoulli_derivative_uses_the_given_symbols(student):
    """Does the derivative use the symbols it is given (here named theta and t)?"""
    theta, t = sp.symbols("theta t")
    got = _symbolic_answer(student, "bernoulli_loglik_derivative", theta, t)
    reference = t / theta - (1 - t) / (1 - theta)
    assert got.free_symbols <= {theta, t}
    assert _equivalent(got, reference, {"theta": "unit", "t": "unit"})


@task("1.5", points=1, hint="the -1/2 log(2 pi sigma^2) term has no mu in it; the chain rule "
      "on (x - mu)^2 brings out a factor -1. Type it yourself (no sp.diff in the function).", **T15)
def test_gaussian_derivative_is_equivalent(student):
    """Is the answer d/dmu log N(x; mu, sigma^2) = (x - mu) / sigma^2, typed by hand?"""
    x, mu, sigma = sp.symbols("x mu sigma")
    got = _symbolic_answer(student, "gaussian_loglik_derivative_mu", x, mu, sigma)
    logpdf = -sp.log(2 * sp.pi * sigma**2) / 2 - (x - mu) ** 2 / (2 * sigma**2)
    reference = sp.diff(logpdf, mu)
    assert _equivalent(got, reference, {"x": "real", "mu": "real", "sigma": "positive"})


@task("1.5", points=1, hint="build the answer from the three symbols passed in (whatever "
      "their names); the derivative must vanish when mu = x, where the density peaks.", **T15)
def test_gaussian_derivative_uses_the_given_symbols(student):
    """With symbols named a, m and s: is the derivative right and zero at m = a?"""
    a, m, s = sp.symbols("a m s")
    got = _symbolic_answer(student, "gaussian_loglik_derivative_mu", a, m, s)
    assert got.free_symbols <= {a, m, s}
    assert _equivalent(got, (a - m) / s**2, {"a": "real", "m": "real", "s": "positive"})
    assert _equivalent(substitute(got, {m: a}), sp.Integer(0), {"a": "real", "s": "positive"})


# ---------------------------------------------------------------- 1.6 Gaussian MLE


@task("1.6", points=0.5, hint="return (mu_hat, sigma_hat): the mean, and the square root of the "
      "mean squared deviation from it (divide by n, not n - 1).", **T16)
def test_gaussian_mle_random_samples(student):
    """Does gaussian_mle agree with (np.mean, np.std with ddof=0) on random samples?"""
    rng = np.random.default_rng(106)
    for n, mu, sigma in [(2, 0.0, 1.0), (17, -4.0, 0.3), (400, 1e3, 25.0)]:
        x = rng.normal(mu, sigma, size=n)
        mu_hat, sigma_hat = fixed(student.gaussian_mle(x), ("mu_hat", "sigma_hat"))
        assert _close(mu_hat, np.mean(x), rtol=1e-9) and _close(sigma_hat, np.std(x), rtol=1e-9)


@task("1.6", points=0.5, hint="sigma_hat is 0 for one observation or identical ones; compute "
      "the mean of (x - mu_hat)^2 rather than mean(x^2) - mu_hat^2, which can come out "
      "slightly negative (sqrt gives nan).", **T16)
def test_gaussian_mle_degenerate_samples(student):
    """Is sigma_hat about 0 (never nan) for one observation or for constant data?"""
    for x in [np.array([2.5]), np.full(7, 0.1), np.full(5, 1e8 + 0.3)]:
        mu_hat, sigma_hat = (scalar(v) for v in fixed(student.gaussian_mle(x),
                                                      ("mu_hat", "sigma_hat")))
        assert np.isclose(mu_hat, x[0], rtol=1e-12, atol=0.0)
        assert np.isfinite(sigma_hat)
        assert abs(sigma_hat) <= 1e-9 * max(1.0, abs(x[0]))


# ---------------------------------------------------------------- 1.7 categorical


@task("1.7", points=0.5, hint="for each row: the label's logit minus the log-sum-exp of the "
      "row; then add up over the rows.", **T17)
def test_categorical_random_logits(student):
    """Does categorical_log_likelihood match the sum of log-softmax entries on random logits?"""
    rng = np.random.default_rng(107)
    for n, k in [(1, 2), (8, 3), (50, 10)]:
        z = rng.normal(scale=3.0, size=(n, k))
        labels = rng.integers(0, k, size=n)
        expected = np.sum(log_softmax(z, axis=1)[np.arange(n), labels])
        got = scalar(student.categorical_log_likelihood(z, labels))
        assert np.isclose(got, expected, rtol=1e-10, atol=0.0)


@task("1.7", points=0.5, hint="exp(1000) overflows and exp(-1000) underflows: subtract each "
      "row's maximum before exponentiating, and never take the log of a softmax output.",
      **T17)
def test_categorical_extreme_logits(student):
    """Is the log-likelihood right for logits like +-1000, where softmax overflows or underflows?"""
    cases = [([[1000.0, 0.0], [0.0, 1000.0]], [0, 0], -1000.0),
             ([[-1000.0, -1000.0]], [1], -np.log(2.0)),
             ([[1000.0, 1000.0, 1000.0]], [2], -np.log(3.0)),
             ([[800.0, -800.0, 0.0], [0.0, 0.0, -900.0]], [1, 2], -1600.0 - 900.0 - np.log(2.0))]
    for z, labels, expected in cases:
        got = scalar(student.categorical_log_likelihood(np.array(z), np.array(labels)))
        assert np.isclose(got, expected, rtol=1e-12, atol=0.0)


@task("1.7", points=0.5, hint="softmax ignores a constant added to a whole row, so a stable "
      "implementation gives the same answer for shifted rows, however large the shift.",
      **T17)
def test_categorical_shift_invariance(student):
    """Does adding a large constant to each row of logits leave the log-likelihood unchanged?"""
    rng = np.random.default_rng(108)
    z = rng.normal(size=(5, 4))
    labels = np.array([3, 0, 2, 1, 1])
    shift = np.array([[600.0], [-750.0], [1e4], [-1e4], [0.0]])
    a = scalar(student.categorical_log_likelihood(z, labels))
    b = scalar(student.categorical_log_likelihood(z + shift, labels))
    assert np.isclose(a, np.sum(log_softmax(z, axis=1)[np.arange(5), labels]), rtol=1e-10, atol=0.0)
    assert np.isclose(b, a, rtol=1e-9, atol=0.0)


@task("1.7", points=0.5, hint="the result is one number <= 0 summed over every row; one class "
      "means probability 1 (log-likelihood 0), and the last class index K - 1 must work.",
      **T17)
def test_categorical_edge_shapes(student):
    """Is a single class worth 0, is the last class index handled, and is the answer <= 0?"""
    assert close(student.categorical_log_likelihood(np.array([[3.0], [-2.0]]),
                                                    np.array([0, 0])), 0.0, atol=1e-12,
                 rtol=1e-9)
    z = np.arange(12.0).reshape(3, 4)
    labels = np.array([3, 3, 3])
    expected = np.sum(log_softmax(z, axis=1)[:, 3])
    got = scalar(student.categorical_log_likelihood(z, labels))
    assert got <= 0.0
    assert np.isclose(got, expected, rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- 1.8 Dice loss


def _dice(p, y, eps=1e-6):
    return 1.0 - (2.0 * np.sum(p * y) + eps) / (np.sum(p) + np.sum(y) + eps)


@task("1.8", points=0.5, hint="sum over every entry, whatever the shape: intersection "
      "sum(p * y) and the two totals sum(p) and sum(y).", **T18)
def test_dice_random_soft_masks(student):
    """Does dice_loss match the formula on random soft predictions of several shapes?"""
    rng = np.random.default_rng(109)
    for shape in [(7,), (6, 5), (2, 4, 3)]:
        p = rng.random(shape)
        y = (rng.random(shape) < 0.3).astype(float)
        assert close(student.dice_loss(p, y), _dice(p, y), rtol=1e-5)


@task("1.8", points=0.5, hint="use the eps you are given, in both the numerator and the "
      "denominator.", **T18)
def test_dice_uses_eps(student):
    """Is the eps argument used (a large eps changes the answer as the formula says)?"""
    p = np.array([[0.9, 0.2], [0.4, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    for eps in (0.5, 3.0):
        assert close(student.dice_loss(p, y, eps=eps), _dice(p, y, eps), rtol=1e-12)
        assert close(student.dice_loss(p, y, eps), _dice(p, y, eps), rtol=1e-12)


@task("1.8", points=0.5, hint="with p = y the fraction is exactly 1, so the loss is 0; with no "
      "overlap sum(p * y) = 0 and the loss is close to 1.", **T18)
def test_dice_perfect_and_disjoint(student):
    """Is the loss 0 for a perfect mask and about 1 for a mask that misses entirely?"""
    y = np.zeros((12, 12))
    y[3:7, 2:9] = 1.0
    assert abs(scalar(student.dice_loss(y.copy(), y))) <= 1e-12
    p = np.zeros((12, 12))
    p[9:12, 9:12] = 1.0
    assert close(student.dice_loss(p, y), 1.0, atol=1e-6, rtol=1e-9)


@task("1.8", points=0.5, hint="eps keeps 0/0 away: two empty masks give (0 + eps)/(0 + eps) = 1, "
      "a loss of 0, never nan.", **T18)
def test_dice_empty_masks(student):
    """Is the loss 0 (not nan) for two empty masks, and about 1 when only the truth is empty?"""
    zeros = np.zeros((5, 6))
    got = scalar(student.dice_loss(zeros, zeros.copy()))
    assert np.isfinite(got) and abs(got) <= 1e-12
    p = np.full((5, 6), 0.7)
    assert close(student.dice_loss(p, zeros), 1.0, atol=1e-6, rtol=1e-9)


@task("1.8", points=0.5, hint="Dice only rewards overlap with the foreground: predicting the "
      "base rate everywhere must score badly (close to 1).", **T18)
def test_dice_punishes_lazy_background(student):
    """On a 2%-foreground mask, is the lazy model's Dice loss worse than an honest model's?"""
    y = np.zeros((40, 50))
    y[10:15, 20:28] = 1.0  # 40 of 2000 pixels
    lazy = np.full(y.shape, 0.02)
    honest = np.where(y == 1.0, 0.8, 0.1)
    dl, dh = scalar(student.dice_loss(lazy, y)), scalar(student.dice_loss(honest, y))
    assert np.isclose(dl, _dice(lazy, y), rtol=1e-5, atol=0.0)
    assert np.isclose(dh, _dice(honest, y), rtol=1e-5, atol=0.0)
    assert dh < dl


@task("1.8", points=0.5, hint="the loss depends only on the sums, so it is symmetric in p and y, "
      "the same for any shape of the same entries, and lies in [0, 1].", **T18)
def test_dice_properties(student):
    """Is dice_loss symmetric in (p, y), unchanged by flattening, and between 0 and 1?"""
    rng = np.random.default_rng(110)
    p = rng.random((4, 5))
    q = rng.random((4, 5))
    a = scalar(student.dice_loss(p, q))
    assert np.isclose(a, scalar(student.dice_loss(q, p)), rtol=1e-12, atol=0.0)
    assert np.isclose(a, scalar(student.dice_loss(p.ravel(), q.ravel())), rtol=1e-12, atol=0.0)
    assert 0.0 <= a <= 1.0
    assert np.isclose(a, _dice(p, q), rtol=1e-5, atol=0.0)
