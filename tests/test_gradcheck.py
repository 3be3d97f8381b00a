"""Tests for mlmath.gradcheck: central differences and the relative error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from mlmath.gradcheck import numerical_gradient, relative_error

# (name, f, exact gradient): smooth functions whose gradients are known in closed form.
CASES = [
    ("sum of cubes", lambda x: np.sum(x**3), lambda x: 3 * x**2),
    ("sum of sines", lambda x: np.sum(np.sin(x)), np.cos),
    ("squared norm", lambda x: x.ravel() @ x.ravel(), lambda x: 2 * x),
    ("log-sum-exp", lambda x: np.log(np.sum(np.exp(x))), lambda x: np.exp(x) / np.exp(x).sum()),
]

SHAPES = [(), (1,), (5,), (2, 3), (2, 2, 2)]


@pytest.mark.parametrize(("name", "f", "grad"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_matches_exact_gradient(name, f, grad, shape):
    """Does the central difference agree with the exact gradient to about 1e-8?"""
    x = np.random.default_rng(0).uniform(-1.5, 1.5, size=shape)
    estimate = numerical_gradient(f, x)
    assert estimate.shape == x.shape
    assert estimate.dtype == np.float64
    assert relative_error(estimate, grad(x)) < 1e-8


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=4),
              elements=st.floats(-3, 3, allow_nan=False)))
def test_does_not_change_x(x):
    """Is the caller's x left exactly as it was, whatever f does with its argument?"""
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.tanh(v))), x)
    np.testing.assert_array_equal(x, before)


def test_error_is_second_order_in_eps():
    """Does shrinking eps tenfold shrink the error about a hundredfold (O(eps^2) truncation)?"""
    x = np.array([0.7])
    errors = [abs(numerical_gradient(lambda v: np.exp(v[0]), x, eps=e)[0] - np.exp(0.7))
              for e in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200


def test_too_small_eps_is_dominated_by_rounding():
    """Is eps = 1e-13 (rounding error ~ u/eps) worse than the default eps = 1e-6?"""
    x = np.array([0.7])
    f = lambda v: np.exp(v[0])  # noqa: E731
    err_default = abs(numerical_gradient(f, x)[0] - np.exp(0.7))
    err_tiny = abs(numerical_gradient(f, x, eps=1e-13)[0] - np.exp(0.7))
    assert err_tiny > 100 * err_default


def test_accepts_integer_and_list_input():
    """Does an integer list count as a float64 point (no integer truncation of x + eps)?"""
    g = numerical_gradient(lambda v: np.sum(v**2), [1, 2, 3])
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-8)


@pytest.mark.parametrize("eps", [0.0, -1e-6, np.inf, np.nan])
def test_rejects_bad_eps(eps):
    """Is a non-positive or non-finite eps a clear ValueError?"""
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(lambda v: np.sum(v), np.ones(2), eps=eps)


def test_rejects_vector_valued_f():
    """Is an f that returns a vector rejected with a message about scalars?"""
    with pytest.raises(ValueError, match="scalar"):
        numerical_gradient(lambda v: v * 2, np.ones(3))


def test_rejects_non_numeric_x():
    """Is a string x a TypeError naming x?"""
    with pytest.raises(TypeError, match="x"):
        numerical_gradient(lambda v: 0.0, "abc")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0),
        ([0.0, 0.0], [0.0, 0.0], 0.0),
        ([1.0], [-1.0], 1.0),
        ([1.0, 0.0], [1.1, 0.0], 0.1 / 2.1),
        (3.0, 1.0, 0.5),
    ],
)
def test_relative_error_values(a, b, expected):
    """Does relative_error give max|a-b| / max(|a|+|b|) on hand-worked cases?"""
    assert relative_error(a, b) == pytest.approx(expected, rel=1e-12, abs=0)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_relative_error_properties(data):
    """Is relative_error symmetric, in [0, 1], and 0 exactly when a == b?"""
    shape = data.draw(array_shapes(max_dims=2, max_side=4))
    elems = st.floats(-1e6, 1e6, allow_nan=False)
    a = data.draw(arrays(np.float64, shape, elements=elems))
    b = data.draw(arrays(np.float64, shape, elements=elems))
    r = relative_error(a, b)
    assert r == relative_error(b, a)
    assert 0.0 <= r <= 1.0
    assert relative_error(a, a) == 0.0
    assert (r == 0.0) == bool(np.array_equal(a, b))


def test_relative_error_rejects_shape_mismatch():
    """Are arrays of different shapes a ValueError naming both shapes?"""
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        relative_error(np.ones(2), np.ones(3))
