"""Public tests for exercise 1, logarithms and log-likelihood.

Each task's tests call only that task's own function, with fixed data, so an unfinished
task shows up as "not started" and never as a failure of another task.
"""

import ex01_logs as ex
import numpy as np
import pytest
import sympy as sp
from _feedback import check_answer, check_close, check_not_used, check_symbolic, check_true

# ---------------------------------------------------------------- 1.1 log of a product


@pytest.mark.task_1_1
def test_log_product_small_example():
    """Is log_product([0.5, 0.25]) equal to log(0.125)?"""
    p = np.array([0.5, 0.25])
    check_close("1.1", "log_product: a two-element example", ex.log_product(p),
                np.log(0.125), inputs={"p": p},
                hint="the log of a product is the sum of the logs: np.sum(np.log(p)).")


@pytest.mark.task_1_1
def test_log_product_does_not_underflow():
    """Is the log of a product of 1000 probabilities 0.1 finite (about -2302.585)?"""
    p = np.full(1000, 0.1)
    check_close("1.1", "log_product: 1000 probabilities of 0.1", ex.log_product(p),
                1000 * np.log(0.1), inputs={"p": p},
                hint="0.1**1000 underflows to 0.0 and log(0) = -inf; never form the product, "
                     "add the logs instead.")


@pytest.mark.task_1_1
def test_log_product_matches_numpy_on_random_probabilities():
    """Does log_product agree with sum(log p) on 50 random probabilities?"""
    p = np.random.default_rng(11).uniform(0.01, 1.0, size=50)
    check_close("1.1", "log_product: random probabilities", ex.log_product(p),
                np.sum(np.log(p)), inputs={"p": p},
                hint="return one number: the sum over all entries of log p_i.")


# ---------------------------------------------------------------- 1.2 log-sum-exp


@pytest.mark.task_1_2
def test_log_sum_exp_large_inputs():
    """Does log_sum_exp stay finite on x = [1000, 1000]?"""
    x = np.array([1000.0, 1000.0])
    check_close("1.2", "log_sum_exp: overflow on large inputs", ex.log_sum_exp(x),
                1000.0 + np.log(2.0), inputs={"x": x},
                hint="exp(1000) overflows a float64; what can you subtract from every x_i first?")


@pytest.mark.task_1_2
def test_log_sum_exp_very_negative_inputs():
    """Is log_sum_exp([-1000, -1000]) equal to -1000 + log 2, not -inf?"""
    x = np.array([-1000.0, -1000.0])
    check_close("1.2", "log_sum_exp: underflow on very negative inputs", ex.log_sum_exp(x),
                -1000.0 + np.log(2.0), inputs={"x": x},
                hint="exp(-1000) underflows to 0; after subtracting the max, one term is exactly 1.")


@pytest.mark.task_1_2
def test_log_sum_exp_along_an_axis():
    """Does log_sum_exp(x, axis=1) reduce each row, matching the naive formula on small values?"""
    x = np.random.default_rng(12).normal(size=(4, 5))
    check_close("1.2", "log_sum_exp: axis=1 on a (4, 5) array", ex.log_sum_exp(x, axis=1),
                np.log(np.sum(np.exp(x), axis=1)), inputs={"x": x},
                hint="take the max along the same axis (keepdims=True helps), and return "
                     "shape (4,) with the axis removed.")


@pytest.mark.task_1_2
def test_log_sum_exp_all_minus_infinity():
    """Is log_sum_exp of [-inf, -inf] equal to -inf (the log of a sum of zeros), not nan?"""
    x = np.array([-np.inf, -np.inf])
    with np.errstate(all="ignore"):
        got = ex.log_sum_exp(x)
    check_true("1.2", "log_sum_exp: all entries -inf", np.isneginf(got), inputs={"x": x},
               got=got, hint="-inf - (-inf) is nan: if the max is not finite, subtract 0 instead.")


# ---------------------------------------------------------------- 1.3 Bernoulli log-likelihood


@pytest.mark.task_1_3
def test_bernoulli_log_likelihood_matches_formula():
    """Does bernoulli_log_likelihood match the formula on a small example?"""
    p = np.array([0.9, 0.2, 0.6, 0.5])
    y = np.array([1, 0, 0, 1])
    expected = np.log(0.9) + np.log(0.8) + np.log(0.4) + np.log(0.5)
    check_close("1.3", "bernoulli_log_likelihood: small example",
                ex.bernoulli_log_likelihood(p, y), expected, inputs={"p": p, "y": y},
                hint="label 1 contributes log p_i, label 0 contributes log(1 - p_i); add them up.")


@pytest.mark.task_1_3
def test_bernoulli_log_likelihood_certain_and_right_is_zero():
    """Is the log-likelihood exactly 0 (not nan) when p = [1, 0] and y = [1, 0]?"""
    p = np.array([1.0, 0.0])
    y = np.array([1, 0])
    with np.errstate(all="ignore"):
        got = ex.bernoulli_log_likelihood(p, y)
    check_close("1.3", "bernoulli_log_likelihood: certain and right", got, 0.0,
                inputs={"p": p, "y": y},
                hint="0 * log(0) is nan in numpy; choose the term for each label "
                     "(np.where) instead of multiplying by y and 1 - y.")


@pytest.mark.task_1_3
def test_bernoulli_log_likelihood_many_examples_finite():
    """Is the log-likelihood of 2000 labels finite and right, where the likelihood itself underflows?"""
    rng = np.random.default_rng(13)
    p = rng.uniform(0.05, 0.95, size=2000)
    y = (rng.random(2000) < p).astype(int)
    expected = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    check_close("1.3", "bernoulli_log_likelihood: 2000 random labels",
                ex.bernoulli_log_likelihood(p, y), expected, inputs={"p": p, "y": y},
                hint="sum the logs of the per-label probabilities; don't multiply probabilities.")


# ---------------------------------------------------------------- 1.4 Bernoulli derivative


@pytest.mark.task_1_4
def test_bernoulli_derivative_is_right():
    """Is your expression d/dp [y log p + (1 - y) log(1 - p)] for p in (0, 1)?"""
    p, y = sp.symbols("p y")
    got = ex.bernoulli_loglik_derivative(p, y)
    check_symbolic("1.4", "bernoulli_loglik_derivative", got, y / p - (1 - y) / (1 - p),
                   variables={p: "unit", y: "unit"},
                   hint="d/dp log p = 1/p, and by the chain rule d/dp log(1 - p) = -1/(1 - p).")


@pytest.mark.task_1_4
def test_bernoulli_derivative_for_label_one():
    """With y = 1, is your derivative 1/p (the second term vanishes)?"""
    p, y = sp.symbols("p y")
    got = ex.bernoulli_loglik_derivative(p, y)
    check_true("1.4", "bernoulli_loglik_derivative: a SymPy expression",
               hasattr(got, "subs"), got=got,
               hint="return a SymPy expression built from the symbols p and y.")
    check_symbolic("1.4", "bernoulli_loglik_derivative with y = 1", got.subs(y, 1), 1 / p,
                   variables={p: "unit"},
                   hint="with y = 1 only y log p is left, whose derivative is 1/p.")


# ---------------------------------------------------------------- 1.5 Gaussian derivative


@pytest.mark.task_1_5
def test_gaussian_derivative_in_mu_is_right():
    """Is your expression the derivative of log N(x; mu, sigma^2) with respect to mu?"""
    x, mu = sp.symbols("x mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    got = ex.gaussian_loglik_derivative_mu(x, mu, sigma)
    check_symbolic("1.5", "gaussian_loglik_derivative_mu", got, (x - mu) / sigma**2,
                   variables={x: "real", mu: "real", sigma: "positive"},
                   hint="the -1/2 log(2 pi sigma^2) term has no mu in it; the chain rule on "
                        "(x - mu)^2 brings out a factor -1.")


@pytest.mark.task_1_5
def test_gaussian_derivative_vanishes_at_the_mean():
    """Is your derivative zero when mu = x (the log-density is largest there)?"""
    x, mu = sp.symbols("x mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    got = ex.gaussian_loglik_derivative_mu(x, mu, sigma)
    check_true("1.5", "gaussian_loglik_derivative_mu: a SymPy expression",
               hasattr(got, "subs"), got=got,
               hint="return a SymPy expression built from the symbols x, mu and sigma.")
    check_symbolic("1.5", "gaussian_loglik_derivative_mu at mu = x", got.subs(mu, x),
                   sp.Integer(0), variables={x: "real", sigma: "positive"},
                   hint="the density peaks at mu = x, so the derivative must vanish there.")


# ---------------------------------------------------------------- 1.6 Gaussian MLE


@pytest.mark.task_1_6
def test_gaussian_mle_small_example():
    """Does gaussian_mle([1, 2, 3, 6]) return (3, sqrt(3.5))?"""
    x = np.array([1.0, 2.0, 3.0, 6.0])
    got = ex.gaussian_mle(x)
    check_true("1.6", "gaussian_mle: returns a pair (mu_hat, sigma_hat)",
               isinstance(got, tuple | list) and len(got) == 2, inputs={"x": x}, got=got,
               hint="return mu_hat, sigma_hat (a tuple of two floats).")
    check_close("1.6", "gaussian_mle: small example", np.array(got, dtype=float),
                np.array([3.0, np.sqrt(3.5)]), inputs={"x": x},
                hint="mu_hat is the mean; sigma_hat is the square root of the mean squared "
                     "deviation, dividing by n (not n - 1).")


@pytest.mark.task_1_6
def test_gaussian_mle_matches_numpy():
    """Does gaussian_mle agree with np.mean and np.std (ddof=0) on 300 random numbers?"""
    x = np.random.default_rng(16).normal(-2.0, 0.5, size=300)
    got = ex.gaussian_mle(x)
    check_close("1.6", "gaussian_mle: random data", np.array(got, dtype=float),
                np.array([np.mean(x), np.std(x)]), inputs={"x": x},
                hint="the maximum likelihood sigma divides by n; np.std(x, ddof=1) would not.")


@pytest.mark.task_1_6
def test_gaussian_mle_maximises_the_likelihood():
    """Is the Gaussian log-likelihood at your estimates higher than at nearby parameters?"""
    x = np.random.default_rng(17).normal(1.0, 2.0, size=100)

    def loglik(mu, sigma):
        return np.sum(-0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2))

    mu_hat, sigma_hat = ex.gaussian_mle(x)
    best = loglik(mu_hat, sigma_hat)
    others = [loglik(mu_hat + dm, sigma_hat * ds) for dm in (-0.05, 0, 0.05)
              for ds in (0.97, 1.0, 1.03) if (dm, ds) != (0, 1.0)]
    check_true("1.6", "gaussian_mle: no nearby parameters do better", best >= max(others),
               inputs={"x": x}, got=(mu_hat, sigma_hat),
               hint="set the derivatives in mu and sigma of the summed log-likelihood to zero.")


# ---------------------------------------------------------------- 1.7 categorical


@pytest.mark.task_1_7
def test_categorical_log_likelihood_matches_naive_formula():
    """Does categorical_log_likelihood match log(softmax) on small logits?"""
    rng = np.random.default_rng(17)
    z = rng.normal(size=(6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    probs = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    expected = np.sum(np.log(probs[np.arange(6), labels]))
    check_close("1.7", "categorical_log_likelihood: small logits",
                ex.categorical_log_likelihood(z, labels), expected,
                inputs={"logits": z, "labels": labels},
                hint="for each row: the label's logit minus the log-sum-exp of the row; "
                     "then add up the rows.")


@pytest.mark.task_1_7
def test_categorical_log_likelihood_huge_logits():
    """Is the log-likelihood finite for logits [[1000, 0], [0, 1000]] with labels [0, 0]?"""
    z = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    labels = np.array([0, 0])
    with np.errstate(all="ignore"):
        got = ex.categorical_log_likelihood(z, labels)
    check_close("1.7", "categorical_log_likelihood: huge logits", got, -1000.0,
                inputs={"logits": z, "labels": labels},
                hint="exp(1000) overflows; subtract each row's max before exponentiating, "
                     "and don't take log of a softmax that underflowed to 0.")


@pytest.mark.task_1_7
def test_categorical_log_likelihood_shift_invariant():
    """Does adding the same constant to every logit in a row leave the answer unchanged?"""
    z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]])
    labels = np.array([2, 0])
    shift = np.array([[500.0], [-700.0]])
    with np.errstate(all="ignore"):
        a = ex.categorical_log_likelihood(z, labels)
        b = ex.categorical_log_likelihood(z + shift, labels)
    check_close("1.7", "categorical_log_likelihood: shifted rows", b, a,
                inputs={"logits": z + shift, "labels": labels}, rtol=1e-9,
                hint="softmax ignores a constant added to a whole row; a stable version does too.")


# ---------------------------------------------------------------- 1.8 Dice loss


@pytest.mark.task_1_8
def test_dice_loss_small_example():
    """Does dice_loss match 1 - (2 sum(p y) + eps) / (sum p + sum y + eps) on a small mask?"""
    p = np.array([[0.9, 0.1], [0.6, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    eps = 1e-6
    expected = 1 - (2 * 1.5 + eps) / (1.6 + 2.0 + eps)
    check_close("1.8", "dice_loss: small example", ex.dice_loss(p, y, eps=eps), expected,
                inputs={"p": p, "y": y, "eps": eps},
                hint="sum over all pixels: intersection sum(p * y), and the two totals "
                     "sum(p) and sum(y).")


@pytest.mark.task_1_8
def test_dice_loss_perfect_and_disjoint():
    """Is the Dice loss 0 for a perfect mask and close to 1 when the masks don't overlap?"""
    y = np.zeros((10, 10))
    y[2:4, 3:6] = 1.0
    check_close("1.8", "dice_loss: perfect prediction", ex.dice_loss(y.copy(), y), 0.0,
                inputs={"p": y, "y": y}, atol=1e-9,
                hint="with p = y the fraction is (2 sum y + eps) / (2 sum y + eps) = 1.")
    p = np.zeros((10, 10))
    p[7:9, 7:9] = 1.0
    check_close("1.8", "dice_loss: no overlap", ex.dice_loss(p, y), 1.0,
                inputs={"p": p, "y": y}, atol=1e-6,
                hint="with no overlap sum(p * y) = 0, so the fraction is nearly 0.")


@pytest.mark.task_1_8
def test_dice_loss_punishes_predicting_background_everywhere():
    """On a 98%-background mask, does predicting 0.02 everywhere give a Dice loss of 0.98?"""
    y = np.zeros((50, 50))
    y[20:25, 20:30] = 1.0
    p = np.full(y.shape, 0.02)
    check_close("1.8", "dice_loss: lazy all-background prediction", ex.dice_loss(p, y), 0.98,
                inputs={"p": p, "y": y},
                rtol=1e-5,
                hint="intersection 0.02 * 50 = 1, sum p = 50, sum y = 50: 1 - 2/100.")


@pytest.mark.task_1_8
def test_dice_loss_two_empty_masks():
    """Is the Dice loss 0 (not nan) when both the prediction and the truth are empty?"""
    y = np.zeros((4, 4))
    p = np.zeros((4, 4))
    with np.errstate(all="ignore"):
        got = ex.dice_loss(p, y)
    check_close("1.8", "dice_loss: two empty masks", got, 0.0, inputs={"p": p, "y": y},
                hint="that is what eps is for: (0 + eps) / (0 + 0 + eps) = 1.")


# ---------------------------------------------------------------- calls the text forbids

# The same declarations as the hidden tests (a course test compares them): the calls each
# task's text forbids, looked for in the task's functions and what they call.

NO_SCIPY = ("scipy",)
NO_DIFF = ("sympy.diff", "sympy.Derivative", "sympy.Expr.diff", "sympy.idiff")
FORBIDDEN = {
    "1.1": (NO_SCIPY, ("log_product",)),
    "1.2": (NO_SCIPY, ("log_sum_exp",)),
    "1.3": (NO_SCIPY, ("bernoulli_log_likelihood",)),
    "1.4": (NO_DIFF, ("bernoulli_loglik_derivative",)),
    "1.5": (NO_DIFF, ("gaussian_loglik_derivative_mu",)),
    "1.6": (NO_SCIPY, ("gaussian_mle",)),
    "1.7": (NO_SCIPY, ("categorical_log_likelihood",)),
    "1.8": (NO_SCIPY, ("dice_loss",)),
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
    "1a": "fe1dad8fae692338",
    "1b": "f4da6f9c8336e39a",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
