"""Tests for mlmath.likelihood: log-likelihoods, MLE, cross-entropy and Dice.

References: scipy.stats (bernoulli, multinomial, norm), scipy.special, PyTorch CPU for the
cross-entropies (skipped with a reason if torch is missing), and hypothesis properties.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special, stats

from mlmath import likelihood as L

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - depends on the machine
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch (the reference) is not installed")

SETTINGS = settings(max_examples=50, deadline=None)
RNG = np.random.default_rng(20240601)


@contextmanager
def no_warnings():
    """Turn every numpy floating-point warning (and any other warning) into an error."""
    with warnings.catch_warnings(), np.errstate(divide="warn", over="warn", invalid="warn"):
        warnings.simplefilter("error")
        yield


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


# ---------------------------------------------------------------- Bernoulli

Y = RNG.integers(0, 2, size=40).astype(float)
P = RNG.uniform(0.01, 0.99, size=40)


def test_bernoulli_log_pmf_matches_scipy():
    """Does bernoulli_log_pmf equal scipy.stats.bernoulli.logpmf sample by sample?"""
    assert_allclose(L.bernoulli_log_pmf(Y, P), stats.bernoulli.logpmf(Y, P), rtol=1e-14)
    assert L.bernoulli_log_likelihood(Y, P) == pytest.approx(
        np.sum(stats.bernoulli.logpmf(Y, P)), rel=1e-13
    )
    assert L.bernoulli_log_likelihood(Y, 0.3) == pytest.approx(
        np.sum(stats.bernoulli.logpmf(Y, 0.3)), rel=1e-13
    )


def test_bernoulli_at_p_zero_and_one():
    """Is a certain outcome log-probability 0 and an impossible one -inf, with no warning?"""
    y, p = [0, 1, 0, 1], [0.0, 0.0, 1.0, 1.0]
    with no_warnings():
        got = L.bernoulli_log_pmf(y, p)
    assert_array_equal(got, [0.0, -np.inf, -np.inf, 0.0])
    assert_array_equal(got, stats.bernoulli.logpmf(y, p))


def test_bernoulli_from_logits_matches_probabilities_and_extremes():
    """Does the logit form equal the probability form, and stay exact at z = ±1000?"""
    z = RNG.normal(0, 3, size=40)
    assert L.bernoulli_log_likelihood_from_logits(Y, z) == pytest.approx(
        np.sum(stats.bernoulli.logpmf(Y, special.expit(z))), rel=1e-12
    )
    with no_warnings():
        got = L.bernoulli_log_likelihood_from_logits([1, 0, 1, 0], [-1000.0, 1000.0, 1000, -1000])
    assert got == -2000.0


# ---------------------------------------------------------------- categorical

N, K = 30, 5
LABELS = RNG.integers(0, K, size=N)
LOGITS = RNG.normal(0, 2, size=(N, K))
PROBS = special.softmax(LOGITS, axis=1)


def test_categorical_log_likelihood_matches_multinomial():
    """Is the categorical log-likelihood the sum of scipy's one-draw multinomial logpmf?"""
    onehot = np.eye(K)[LABELS]
    want = np.sum(stats.multinomial.logpmf(onehot, 1, PROBS))
    assert L.categorical_log_likelihood(LABELS, PROBS) == pytest.approx(want, rel=1e-12)
    assert L.categorical_log_likelihood_from_logits(LABELS, LOGITS) == pytest.approx(
        want, rel=1e-12
    )


def test_categorical_zero_probability_and_huge_logits():
    """Does a zero probability on the true class give -inf, and logits of 1e3 stay finite?"""
    with no_warnings():
        assert L.categorical_log_likelihood([1], [[1.0, 0.0]]) == -np.inf
        assert L.categorical_log_likelihood([0], [[1.0, 0.0]]) == 0.0
        got = L.categorical_log_likelihood_from_logits([1, 0], [[1000.0, -1000.0], [0.0, 1e308]])
    assert got == pytest.approx(-2000.0 - 1e308)


@needs_torch
def test_cross_entropy_with_logits_matches_torch():
    """Does the mean cross-entropy from logits equal torch.nn.functional.cross_entropy?"""
    want = F.cross_entropy(_t(LOGITS), torch.tensor(LABELS)).item()
    assert L.cross_entropy_with_logits(LABELS, LOGITS) == pytest.approx(want, rel=1e-12)
    big = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    lab = np.array([1, 2])
    want = F.cross_entropy(_t(big), torch.tensor(lab)).item()
    with no_warnings():
        assert L.cross_entropy_with_logits(lab, big) == pytest.approx(want, rel=1e-12)


# ---------------------------------------------------------------- Gaussian


@pytest.mark.parametrize(("mean", "var"), [(0.0, 1.0), (3.0, 0.01), (-2.0, 1e6), ("array", 2.0)])
def test_gaussian_log_pdf_matches_scipy(mean, var):
    """Does gaussian_log_pdf equal scipy.stats.norm.logpdf with scale = sqrt(variance)?"""
    x = RNG.normal(0, 5, size=25)
    mean = RNG.normal(size=25) if mean == "array" else mean
    want = stats.norm.logpdf(x, loc=mean, scale=np.sqrt(var))
    assert_allclose(L.gaussian_log_pdf(x, mean, var), want, rtol=1e-13)
    assert L.gaussian_log_likelihood(x, mean, var) == pytest.approx(np.sum(want), rel=1e-13)


def test_gaussian_far_tail_is_finite():
    """Is the log-density 1e150 standard deviations out finite, though the density is 0?"""
    with no_warnings():
        got = L.gaussian_log_pdf(1e150, 0.0, 1.0)
    assert np.isfinite(got) and got == pytest.approx(-0.5e300)
    assert got == pytest.approx(stats.norm.logpdf(1e150))


# ---------------------------------------------------------------- binary cross-entropy


@needs_torch
def test_binary_cross_entropy_matches_torch():
    """Do both binary cross-entropies equal PyTorch's (mean reduction), soft targets too?"""
    y = np.concatenate([Y, RNG.uniform(size=10)])
    p = RNG.uniform(0.001, 0.999, size=50)
    z = RNG.normal(0, 4, size=50)
    want_p = F.binary_cross_entropy(_t(p), _t(y)).item()
    want_z = F.binary_cross_entropy_with_logits(_t(z), _t(y)).item()
    assert L.binary_cross_entropy(y, p) == pytest.approx(want_p, rel=1e-12)
    assert L.binary_cross_entropy_with_logits(y, z) == pytest.approx(want_z, rel=1e-12)


@needs_torch
def test_binary_cross_entropy_with_logits_extremes():
    """Are logits of ±1000 exact (0 when right, 1000 when wrong) and warning-free?"""
    y, z = [1.0, 0.0, 1.0, 0.0], [1000.0, -1000.0, -1000.0, 1000.0]
    with no_warnings():
        got = L.binary_cross_entropy_with_logits(y, z)
    assert got == 500.0
    assert got == pytest.approx(F.binary_cross_entropy_with_logits(_t(z), _t(y)).item())


BCE_EDGE = [  # (y, p, exact mean cross-entropy)
    ([0.0, 1.0], [0.0, 1.0], 0.0),
    ([1.0], [0.0], np.inf),
    ([0.0], [1.0], np.inf),
    ([0.5], [1.0], np.inf),
    ([1.0, 0.0], [0.5, 0.0], np.log(2.0) / 2),
]


@pytest.mark.parametrize(("y", "p", "want"), BCE_EDGE)
def test_binary_cross_entropy_at_p_zero_and_one(y, p, want):
    """Does p = 0 or 1 give the exact finite value or +inf, never NaN and never a warning?"""
    with no_warnings():
        got = L.binary_cross_entropy(y, p)
    assert got == pytest.approx(want) if np.isfinite(want) else got == np.inf


# ---------------------------------------------------------------- additivity and MLE

binary_lists = st.lists(st.integers(0, 1), min_size=1, max_size=40)
reals = st.lists(st.floats(-100, 100), min_size=2, max_size=40)


@SETTINGS
@given(binary_lists, binary_lists, st.floats(0.0, 1.0))
def test_bernoulli_log_likelihood_adds_over_samples(a, b, p):
    """Does concatenating two independent samples add their Bernoulli log-likelihoods?"""
    whole = L.bernoulli_log_likelihood(a + b, p)
    parts = L.bernoulli_log_likelihood(a, p) + L.bernoulli_log_likelihood(b, p)
    assert whole == pytest.approx(parts, rel=1e-12, abs=1e-12) or whole == parts == -np.inf


@SETTINGS
@given(reals, reals, st.floats(-10, 10), st.floats(0.01, 100))
def test_gaussian_log_likelihood_adds_over_samples(a, b, mu, var):
    """Does concatenating two independent samples add their Gaussian log-likelihoods?"""
    whole = L.gaussian_log_likelihood(a + b, mu, var)
    parts = L.gaussian_log_likelihood(a, mu, var) + L.gaussian_log_likelihood(b, mu, var)
    assert whole == pytest.approx(parts, rel=1e-12)


@SETTINGS
@given(st.integers(1, 20), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_categorical_log_likelihood_adds_over_samples(n1, n2, seed):
    """Does stacking two independent batches add their categorical log-likelihoods?"""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, size=(n1 + n2, 4))
    y = rng.integers(0, 4, size=n1 + n2)
    whole = L.categorical_log_likelihood_from_logits(y, z)
    parts = L.categorical_log_likelihood_from_logits(
        y[:n1], z[:n1]
    ) + L.categorical_log_likelihood_from_logits(y[n1:], z[n1:])
    assert whole == pytest.approx(parts, rel=1e-12)


@SETTINGS
@given(binary_lists.filter(lambda y: 0 < sum(y) < len(y)), st.floats(1e-4, 0.1))
def test_bernoulli_mle_maximises_likelihood(y, delta):
    """Does moving p away from the sample mean (either way) lower the log-likelihood?"""
    p_hat = L.bernoulli_mle(y)
    assert p_hat == pytest.approx(np.mean(y))
    best = L.bernoulli_log_likelihood(y, p_hat)
    for p in (p_hat - delta, p_hat + delta):
        if 0.0 <= p <= 1.0:
            assert L.bernoulli_log_likelihood(y, p) < best


@SETTINGS
@given(reals.filter(lambda x: np.ptp(x) > 1e-3), st.floats(1e-3, 0.5))
def test_gaussian_mle_maximises_likelihood(x, delta):
    """Does perturbing the ML mean or the (biased) ML variance lower the log-likelihood?"""
    mu, var = L.gaussian_mle(x)
    assert mu == pytest.approx(np.mean(x)) and var == pytest.approx(np.var(x, ddof=0))
    best = L.gaussian_log_likelihood(x, mu, var)
    sd = np.sqrt(var)
    for m, v in [(mu + delta * sd, var), (mu - delta * sd, var),
                 (mu, var * (1 + delta)), (mu, var * (1 - delta)),
                 (mu, np.var(x, ddof=1))]:  # the unbiased variance is not the maximiser
        assert L.gaussian_log_likelihood(x, m, v) < best


# ---------------------------------------------------------------- Dice


def _imbalanced_mask(h=100, w=100, fg=100):
    """One image, two classes, exactly ``fg`` foreground pixels (1% of 10,000)."""
    mask = np.zeros((h, w))
    mask.flat[RNG.choice(h * w, size=fg, replace=False)] = 1.0
    onehot = np.stack([1.0 - mask, mask])[None]  # (1, 2, H, W)
    return mask, onehot


def test_dice_punishes_all_background_where_cross_entropy_does_not():
    """On a 99%-background mask, is 'all background' cheap for cross-entropy but not Dice?"""
    mask, onehot = _imbalanced_mask()
    p_fg = np.full_like(mask, 0.01)  # confidently background everywhere
    probs = np.stack([1.0 - p_fg, p_fg])[None]
    ce = L.binary_cross_entropy(mask, p_fg)
    uninformed = L.binary_cross_entropy(mask, np.full_like(mask, 0.5))
    assert ce < 0.1 < np.log(2.0) == pytest.approx(uninformed)
    per_class = L.dice_loss(onehot, probs, smooth=1.0, reduction="none")
    assert per_class.shape == (2,)
    assert per_class[1] > 0.95  # foreground: almost no overlap
    assert per_class[0] < 0.01  # background: nearly perfect
    assert L.dice_loss(onehot, probs, smooth=1.0) == pytest.approx(per_class.mean())
    assert L.dice_loss(onehot, probs) > 0.45
    assert L.dice_loss(onehot, onehot, smooth=1.0) == pytest.approx(0.0, abs=1e-12)


def test_dice_coefficient_by_hand_and_layouts():
    """Does Dice match the formula by hand, and agree between (N, C, ...) and (C, ...)?"""
    g = RNG.integers(0, 2, size=(3, 2, 4, 5)).astype(float)
    p = RNG.uniform(size=(3, 2, 4, 5))
    s = 0.5
    want = [(2 * np.sum(g[:, c] * p[:, c]) + s) / (g[:, c].sum() + p[:, c].sum() + s)
            for c in range(2)]
    assert_allclose(L.dice_coefficient(g, p, smooth=s), want, rtol=1e-13)
    assert_allclose(L.dice_coefficient(g[0], p[0], smooth=s, class_axis=0),
                    L.dice_coefficient(g[:1], p[:1], smooth=s, class_axis=1), rtol=1e-13)


def test_dice_absent_class_with_no_smoothing_is_perfect():
    """With smooth = 0, is a class absent from target and prediction scored 1, not NaN?"""
    g = np.array([[1.0, 1.0], [0.0, 0.0]])  # (C=2, pixels=2), class 1 absent
    with no_warnings():
        got = L.dice_coefficient(g, g, smooth=0.0, class_axis=0)
    assert_array_equal(got, [1.0, 1.0])


# ---------------------------------------------------------------- bad input

BAD_INPUT = [
    ("p above 1", lambda: L.bernoulli_log_pmf([1], [1.5]), "p must be probabilities"),
    ("p negative", lambda: L.binary_cross_entropy([1.0], [-0.1]), "p must be probabilities"),
    ("y not binary", lambda: L.bernoulli_log_likelihood([0, 2], 0.5), "y must contain only"),
    ("y soft for MLE", lambda: L.bernoulli_mle([0.5]), "y must contain only"),
    ("bce shapes", lambda: L.binary_cross_entropy([0, 1], [0.5]), "same shape"),
    ("bce logits shapes", lambda: L.binary_cross_entropy_with_logits([1], [1, 2]), "same shape"),
    ("bernoulli shapes", lambda: L.bernoulli_log_pmf([0, 1], [0.5, 0.5, 0.5]), "same shape"),
    ("label too big", lambda: L.cross_entropy_with_logits([0, 3], np.zeros((2, 3))), "0..2"),
    ("label negative", lambda: L.categorical_log_likelihood([-1], [[1.0]]), "0..0"),
    ("label fraction", lambda: L.cross_entropy_with_logits([0.5], [[1.0, 2.0]]), "whole"),
    ("labels length", lambda: L.cross_entropy_with_logits([0], np.zeros((2, 3))), r"\(2,\)"),
    ("logits 1-d", lambda: L.cross_entropy_with_logits([0], [1.0, 2.0]), "2 dimension"),
    ("rows not summing", lambda: L.categorical_log_likelihood([0], [[0.5, 0.2]]), "sum to 1"),
    ("variance zero", lambda: L.gaussian_log_pdf([1.0], 0.0, 0.0), "variance must be positive"),
    ("variance negative", lambda: L.gaussian_log_likelihood([1.0], 0.0, -1.0), "positive"),
    ("variance shape", lambda: L.gaussian_log_pdf([1.0, 2.0], 0.0, [1.0]), "same shape"),
    ("mle empty", lambda: L.gaussian_mle([]), "at least one"),
    ("dice shapes", lambda: L.dice_loss(np.ones((1, 2, 3)), np.ones((1, 2, 4))), "same shape"),
    ("dice smooth", lambda: L.dice_loss(np.ones((1, 2)), np.ones((1, 2)), smooth=-1), "smooth"),
    ("dice axis", lambda: L.dice_coefficient(np.ones(3), np.ones(3)), "class_axis"),
    ("dice probs", lambda: L.dice_loss(np.ones((1, 2)), 2 * np.ones((1, 2))), "probs must be"),
    ("reduction", lambda: L.dice_loss(np.ones((1, 2)), np.ones((1, 2)), reduction="sum"),
     "reduction"),
]


@pytest.mark.parametrize(("name", "call", "match"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_raises_value_error_naming_the_problem(name, call, match):
    """Does bad input raise a ValueError that names the argument and the problem?"""
    with pytest.raises(ValueError, match=match):
        call()


def test_non_integer_labels_are_a_type_error():
    """Are string or boolean labels refused with a TypeError naming the labels?"""
    with pytest.raises(TypeError, match="labels must be integers"):
        L.cross_entropy_with_logits(np.array([True]), [[1.0, 2.0]])
