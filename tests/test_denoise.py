"""Tests for mlmath.denoise: the denoising-matrix experiment, crude search against GD."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlmath import denoise
from mlmath.denoise import (
    evaluations_to_reach,
    fit_by_gradient_descent,
    fit_by_perturbation,
    loss_gradient,
    make_clean_images,
    make_noisy,
    mean_squared_error,
    run_experiment,
    suggested_learning_rate,
)
from mlmath.gradcheck import numerical_gradient, relative_error

# A configuration small enough for tests, big enough for the comparison to mean something.
SMALL = {"copies": 6, "perturbation_steps": 15_000, "step_size": 0.5, "gradient_steps": 300}


@pytest.fixture(scope="module")
def small_result():
    return run_experiment(seed=0, **SMALL)


@pytest.fixture(scope="module")
def data():
    return make_noisy(make_clean_images(), 0.4, np.random.default_rng(1), copies=6)


# ---- the maths ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_gradient_matches_central_differences(d, n, seed):
    """Does (2/(dN)) (W X - Y) X^T agree with central differences of E at a random W?"""
    rng = np.random.default_rng(seed)
    X, Y, W = rng.normal(size=(d, n)), rng.normal(size=(d, n)), rng.normal(size=(d, d))
    numeric = numerical_gradient(lambda V: mean_squared_error(V, X, Y), W)
    assert relative_error(loss_gradient(W, X, Y), numeric) < 1e-6


def test_error_matches_its_definition(data):
    """Is E(W) the mean of the squared entries of W X - Y (checked by an explicit double sum)?"""
    X, Y = data
    W = np.random.default_rng(2).normal(size=(len(X), len(X))) * 0.1
    WX = W @ X
    total = sum((WX[i, n] - Y[i, n]) ** 2 for i in range(Y.shape[0]) for n in range(Y.shape[1]))
    assert mean_squared_error(W, X, Y) == pytest.approx(total / Y.size, rel=1e-12)


def test_gradient_descent_reaches_the_least_squares_optimum(data):
    """Does GD from W = ones converge to the error of numpy's least-squares solution?"""
    X, Y = data
    W_ls = np.linalg.lstsq(X.T, Y.T, rcond=None)[0].T  # min ||X^T W^T - Y^T||
    best = mean_squared_error(W_ls, X, Y)
    _, curve = fit_by_gradient_descent(X, Y, 500, suggested_learning_rate(X))
    assert curve[-1, 1] == pytest.approx(best, rel=1e-2)


def test_gradient_descent_with_safe_step_never_increases_the_error(data):
    """With lr = 1/L, is every gradient step a descent step on the quadratic E?"""
    X, Y = data
    _, curve = fit_by_gradient_descent(X, Y, 200, suggested_learning_rate(X))
    assert np.all(np.diff(curve[:, 1]) <= 1e-12)


def test_gradient_descent_diverges_above_two_over_l(data):
    """Beyond the stability bound (lr = 2.5/L), does the error blow up, as the bound says?"""
    X, Y = data
    _, curve = fit_by_gradient_descent(X, Y, 50, 2.5 * suggested_learning_rate(X))
    assert curve[-1, 1] > 1e3 * curve[0, 1]


# ---- the two fitters and their curves ------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 2.0))
def test_perturbation_error_never_increases(seed, step_size):
    """Is the perturbation search's error curve non-increasing, whatever the seed and step?"""
    X, Y = make_noisy(make_clean_images(), 0.4, np.random.default_rng(seed))
    W, curve = fit_by_perturbation(X, Y, 300, step_size, np.random.default_rng(seed + 1))
    assert np.all(np.diff(curve[:, 1]) <= 0.0)
    assert curve[-1, 1] == pytest.approx(mean_squared_error(W, X, Y), rel=1e-10)


@pytest.mark.parametrize("fit", ["perturbation", "gradient"])
@pytest.mark.parametrize("steps", [0, 1, 7])
def test_curves_count_one_evaluation_per_row(data, fit, steps):
    """Does each curve have steps + 1 rows numbered 1, 2, ..., starting at E(ones)?"""
    X, Y = data
    if fit == "perturbation":
        W, curve = fit_by_perturbation(X, Y, steps, 0.1, np.random.default_rng(0))
    else:
        W, curve = fit_by_gradient_descent(X, Y, steps, 1e-3)
    assert curve.shape == (steps + 1, 2)
    np.testing.assert_array_equal(curve[:, 0], np.arange(1, steps + 2))
    assert curve[0, 1] == pytest.approx(mean_squared_error(np.ones_like(W), X, Y), rel=1e-12)
    assert W.shape == (len(X), len(X))


def test_fitters_do_not_modify_their_inputs(data):
    """Are noisy and clean left unchanged by both fitters?"""
    X, Y = data
    X0, Y0 = X.copy(), Y.copy()
    fit_by_perturbation(X, Y, 50, 0.1, np.random.default_rng(0))
    fit_by_gradient_descent(X, Y, 5, 1e-3)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_gradient_descent_needs_at_least_ten_times_fewer_evaluations(small_result):
    """Does GD reach the perturbation search's final error in at least 10x fewer evaluations?"""
    r = small_result
    assert r.target_error < r.perturbation_curve[0, 1] / 10  # the search did make progress
    assert r.gradient_evaluations is not None
    assert 10 * r.gradient_evaluations <= r.perturbation_evaluations


def test_fitted_matrix_beats_doing_nothing_on_held_out_images(small_result):
    """On fresh noisy images, does the GD matrix beat the identity (error about sigma^2)?"""
    held_out = small_result.held_out_errors
    assert held_out["identity"] == pytest.approx(0.4**2, rel=0.1)
    assert held_out["gradient descent"] < 0.5 * held_out["identity"]
    W = small_result.W_gradient
    X, Y = make_noisy(make_clean_images(), 0.4, np.random.default_rng(99), copies=4)
    assert mean_squared_error(W, X, Y) < mean_squared_error(np.eye(len(X)), X, Y)


def test_experiment_is_reproducible():
    """Does the same seed give identical curves, and a different seed different ones?"""
    small = {**SMALL, "perturbation_steps": 500, "gradient_steps": 20}
    a, b, c = (run_experiment(seed=s, **small) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.perturbation_curve, b.perturbation_curve)
    np.testing.assert_array_equal(a.gradient_curve, b.gradient_curve)
    assert not np.array_equal(a.perturbation_curve, c.perturbation_curve)


def test_main_prints_both_numbers(monkeypatch, capsys, small_result):
    """Does `python -m mlmath.denoise` print the perturbation's and GD's evaluation counts?"""
    monkeypatch.setattr(denoise, "run_experiment", lambda: small_result)
    denoise.main()
    out = capsys.readouterr().out
    assert f"after {small_result.perturbation_evaluations} evaluations" in out
    assert f"after {small_result.gradient_evaluations} evaluations" in out


def test_main_says_when_gradient_descent_falls_short(monkeypatch, capsys, small_result):
    """If GD never reaches the target, does main say so instead of printing a bogus count?"""
    short = dataclasses.replace(small_result, gradient_evaluations=None)
    monkeypatch.setattr(denoise, "run_experiment", lambda: short)
    denoise.main()
    assert "did not reach" in capsys.readouterr().out


# ---- data -----------------------------------------------------------------------------------


def test_clean_images_are_distinct_binary_6x6_patterns():
    """Are the clean images 36-pixel binary columns, all different, the same every call?"""
    images = make_clean_images()
    assert images.shape == (36, 11)
    assert set(np.unique(images)) == {0.0, 1.0}
    assert len({col.tobytes() for col in images.T}) == images.shape[1]
    np.testing.assert_array_equal(images, make_clean_images())


def test_make_noisy_shapes_and_noise_level():
    """Does make_noisy tile the targets, and add noise of the requested standard deviation?"""
    clean = make_clean_images()
    X, Y = make_noisy(clean, 0.3, np.random.default_rng(0), copies=200)
    assert X.shape == Y.shape == (36, 11 * 200)
    np.testing.assert_array_equal(Y[:, 11:22], clean)
    assert np.std(X - Y) == pytest.approx(0.3, rel=0.02)
    X0, _ = make_noisy(clean, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(X0, clean)


@pytest.mark.parametrize(
    ("curve", "target", "expected"),
    [([[1, 5.0], [2, 3.0], [3, 1.0]], 3.0, 2), ([[1, 5.0], [2, 3.0]], 0.5, None),
     ([[1, 5.0]], 5.0, 1)],
)
def test_evaluations_to_reach(curve, target, expected):
    """Is the answer the first evaluation count at or below the target (None if never)?"""
    assert evaluations_to_reach(np.array(curve), target) == expected


# ---- bad input ------------------------------------------------------------------------------

X_OK, Y_OK = np.ones((4, 3)), np.zeros((4, 3))
RNG = np.random.default_rng(0)

BAD_CALLS = [
    ("shape mismatch", lambda: fit_by_gradient_descent(X_OK, np.zeros((4, 2)), 5, 0.1),
     ValueError, "same shape"),
    ("1-D images", lambda: fit_by_perturbation(np.ones(4), np.ones(4), 5, 0.1, RNG),
     ValueError, "noisy must have 2"),
    ("no images", lambda: mean_squared_error(np.eye(4), np.ones((4, 0)), np.ones((4, 0))),
     ValueError, "at least one"),
    ("nan in noisy", lambda: fit_by_gradient_descent(np.full((4, 3), np.nan), Y_OK, 5, 0.1),
     ValueError, "noisy must be finite"),
    ("W not d x d", lambda: mean_squared_error(np.eye(3), X_OK, Y_OK), ValueError, r"\(4, 4\)"),
    ("W 1-D", lambda: loss_gradient(np.ones(4), X_OK, Y_OK), ValueError, "W must have 2"),
    ("negative steps", lambda: fit_by_gradient_descent(X_OK, Y_OK, -1, 0.1), ValueError, "steps"),
    ("float steps", lambda: fit_by_perturbation(X_OK, Y_OK, 2.5, 0.1, RNG), ValueError, "steps"),
    ("zero step size", lambda: fit_by_perturbation(X_OK, Y_OK, 5, 0.0, RNG), ValueError,
     "step_size"),
    ("negative lr", lambda: fit_by_gradient_descent(X_OK, Y_OK, 5, -0.1), ValueError, "lr"),
    ("infinite lr", lambda: fit_by_gradient_descent(X_OK, Y_OK, 5, np.inf), ValueError, "lr"),
    ("seed not rng", lambda: fit_by_perturbation(X_OK, Y_OK, 5, 0.1, 0), TypeError, "rng"),
    ("text images", lambda: mean_squared_error(np.eye(2), [["a", "b"]] * 2, Y_OK), TypeError,
     "noisy"),
    ("negative noise", lambda: make_noisy(Y_OK, -1.0, RNG), ValueError, "noise_std"),
    ("zero copies", lambda: make_noisy(Y_OK, 0.1, RNG, copies=0), ValueError, "copies"),
    ("all-zero images", lambda: suggested_learning_rate(np.zeros((4, 3))), ValueError, "zeros"),
    ("curve not (k, 2)", lambda: evaluations_to_reach(np.ones((3, 3)), 1.0), ValueError, "curve"),
]


@pytest.mark.parametrize(("name", "call", "error", "match"), BAD_CALLS,
                         ids=[b[0] for b in BAD_CALLS])
def test_bad_input_gets_a_clear_error(name, call, error, match):
    """Is each kind of bad input a ValueError or TypeError that names the problem?"""
    with pytest.raises(error, match=match):
        call()
