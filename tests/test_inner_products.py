"""Tests for mlmath.inner_products: against numpy/scipy and as hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist

from mlmath import inner_products as ip

FLOATS = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)
FAST = settings(max_examples=50, deadline=None)


def vectors(d: int):
    return arrays(np.float64, (d,), elements=FLOATS)


def vector_pairs(max_d: int = 6):
    return st.integers(1, max_d).flatmap(lambda d: st.tuples(vectors(d), vectors(d)))


def matrices(max_d: int = 6, max_k: int = 5):
    return st.tuples(st.integers(1, max_d), st.integers(1, max_k)).flatmap(
        lambda s: arrays(np.float64, s, elements=FLOATS)
    )


# --- dot and norms --------------------------------------------------------------------------


@FAST
@given(vector_pairs())
def test_dot_matches_numpy(pair):
    """Does dot agree with np.dot?"""
    x, y = pair
    assert ip.dot(x, y) == pytest.approx(np.dot(x, y), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, 7.5, math.inf])
@pytest.mark.parametrize("seed", range(3))
def test_norm_matches_numpy(p, seed):
    """Does the p-norm agree with np.linalg.norm for p in {1, 1.5, 2, 3, 7.5, inf}?"""
    x = np.random.default_rng(seed).normal(size=9)
    assert ip.norm(x, p) == pytest.approx(np.linalg.norm(x, ord=p), rel=1e-13)


@pytest.mark.parametrize(
    ("x", "p", "expected"),
    [
        ([1e200, 1e200], 2, math.sqrt(2) * 1e200),  # x_i^2 would overflow
        ([3e-200, 4e-200], 2, 5e-200),  # x_i^2 would underflow to 0
        ([1e300, 1e300, 1e300], 3, 3 ** (1 / 3) * 1e300),
        ([0.0, 0.0], 2, 0.0),
        ([], 2, 0.0),
        ([-2.0, 1.0], math.inf, 2.0),
    ],
)
def test_norm_extreme_inputs(x, p, expected):
    """Does the p-norm stay finite and accurate at 1e200 and 1e-200?"""
    assert ip.norm(x, p) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("p", [0.5, 0, -1, -math.inf, math.nan, "2"])
def test_norm_refuses_p_below_one(p):
    """Is p < 1 (not a norm) refused with a clear error?"""
    with pytest.raises(ValueError, match="p must be a number >= 1"):
        ip.norm([1.0, 2.0], p)


@FAST
@given(vector_pairs())
def test_cauchy_schwarz(pair):
    """Is |x . y| <= ||x|| ||y||?"""
    x, y = pair
    assert abs(ip.dot(x, y)) <= ip.norm(x) * ip.norm(y) * (1 + 1e-12) + 1e-300


@FAST
@given(vector_pairs(), st.sampled_from([1, 1.5, 2, 4, math.inf]))
def test_triangle_inequality(pair, p):
    """Is ||x + y||_p <= ||x||_p + ||y||_p?"""
    x, y = pair
    assert ip.norm(x + y, p) <= (ip.norm(x, p) + ip.norm(y, p)) * (1 + 1e-12)


# --- angles and cosine similarity ------------------------------------------------------------


@FAST
@given(vector_pairs())
def test_angle_and_cosine_match_numpy(pair):
    """Do angle and cosine similarity agree with the arccos formula from numpy?"""
    x, y = pair
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    assume(nx > 1e-3 and ny > 1e-3)
    cos = np.clip(np.dot(x, y) / (nx * ny), -1, 1)
    assert ip.cosine_similarity(x, y) == pytest.approx(cos, abs=1e-12)
    theta = ip.angle(x, y)
    assert 0.0 <= theta <= math.pi
    assert math.cos(theta) == pytest.approx(cos, abs=1e-12)


@pytest.mark.parametrize("eps", [1e-5, 1e-9, 1e-12, 1e-15])
def test_angle_nearly_parallel_is_accurate(eps):
    """Is the angle between [1, eps] and [1, 0] atan(eps), not 0 (where arccos gives 0)?"""
    assert ip.angle([1.0, eps], [1.0, 0.0]) == pytest.approx(math.atan(eps), rel=1e-12)
    assert ip.angle([1.0, eps], [-1.0, 0.0]) == pytest.approx(math.pi - math.atan(eps), rel=1e-15)
    if eps <= 1e-9:
        assert ip.angle([1.0, eps], [1.0, 0.0], method="arccos") == 0.0  # why we do not use it


@pytest.mark.parametrize(
    ("x", "y", "theta"),
    [
        ([1.0, 0.0], [0.0, 1.0], math.pi / 2),
        ([1.0, 0.0], [-3.0, 0.0], math.pi),
        ([2.0, 2.0], [5.0, 5.0], 0.0),
        ([1e300, 1e300], [1e-300, 0.0], math.pi / 4),
        ([1.0, 0.0, 0.0], [1.0, 1.0, 0.0], math.pi / 4),
    ],
)
@pytest.mark.parametrize("method", ["stable", "arccos"])
def test_angle_cases(x, y, theta, method):
    """Are textbook angles right with both formulas, also at 1e300 and 1e-300 scale?"""
    assert ip.angle(x, y, method=method) == pytest.approx(theta, abs=1e-7)


def test_cosine_of_nearly_parallel_and_extreme_scales():
    """Is the cosine in [-1, 1] and correct for huge and tiny vectors?"""
    assert ip.cosine_similarity([1e300, 1e300], [1e-300, 1e-300]) == pytest.approx(1.0)
    assert ip.cosine_similarity([1.0, 1e-9], [1.0, 0.0]) <= 1.0
    assert ip.cosine_similarity([3.0, 4.0], [-3.0, -4.0]) == pytest.approx(-1.0)


@pytest.mark.parametrize("f", [ip.cosine_similarity, ip.angle])
def test_zero_vector_refused(f):
    """Is the cosine (and angle) of a zero vector refused with a clear message?"""
    with pytest.raises(ValueError, match="zero vector"):
        f([0.0, 0.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="zero vector"):
        f([1.0, 2.0], [0.0, 0.0])
    if f is ip.cosine_similarity:
        with pytest.raises(ValueError, match="cosine similarity is undefined for a zero vector"):
            f([0.0, 0.0], [1.0, 2.0])


# --- projections and Gram-Schmidt -----------------------------------------------------------


@FAST
@given(vector_pairs())
def test_project_onto_vector(pair):
    """Is the projection onto y parallel to y, with residual orthogonal to y?"""
    x, y = pair
    assume(np.linalg.norm(y) > 1e-3)
    p = ip.project_onto_vector(x, y)
    expected = np.dot(x, y) / np.dot(y, y) * y
    np.testing.assert_allclose(p, expected, rtol=1e-9, atol=1e-9 * np.linalg.norm(x) + 1e-300)
    assert abs(np.dot(x - p, y)) <= 1e-9 * np.linalg.norm(x) * np.linalg.norm(y) + 1e-12


@FAST
@given(matrices())
def test_gram_schmidt_orthonormal_and_spans(A):
    """Is Gram-Schmidt's output orthonormal, with the originals in its span?"""
    Q = ip.gram_schmidt(A)
    r = Q.shape[1]
    np.testing.assert_allclose(Q.T @ Q, np.eye(r), atol=1e-12)
    # The drop tolerance is per column, relative to its own length, so compare with the
    # singular values of A with unit columns: no clearly independent direction is dropped.
    B = A[:, np.abs(A).max(axis=0) > 0]
    B = B / np.abs(B).max(axis=0)  # scale first: squares of 1e-200 underflow
    sv = np.linalg.svd(B / np.linalg.norm(B, axis=0), compute_uv=False)
    assert np.sum(sv > 1e-8) <= r <= min(A.shape[0], len(sv))
    for j in range(A.shape[1]):
        a = A[:, j]
        atol = 1e-8 * np.abs(a).max() + 1e-300  # subnormals carry no relative precision
        np.testing.assert_allclose(ip.project_onto_subspace(a, A), a, rtol=0, atol=atol)


@pytest.mark.parametrize("seed", range(4))
def test_gram_schmidt_matches_numpy_qr(seed):
    """Does Gram-Schmidt give numpy's QR factor, up to the signs of the columns?"""
    A = np.random.default_rng(seed).normal(size=(7, 4))
    Q = ip.gram_schmidt(A)
    Qn, Rn = np.linalg.qr(A)
    signs = np.sign(np.diag(Rn))
    np.testing.assert_allclose(Q, Qn * signs, atol=1e-12)


def test_gram_schmidt_drops_dependent_columns():
    """Are dependent and zero columns dropped, leaving a basis of the right size?"""
    rng = np.random.default_rng(1)
    B = rng.normal(size=(6, 3))
    A = np.column_stack([B[:, 0], 2 * B[:, 0], np.zeros(6), B[:, 1], B[:, 0] - B[:, 1], B[:, 2]])
    Q = ip.gram_schmidt(A)
    assert Q.shape == (6, 3)
    assert ip.gram_schmidt(np.zeros((4, 2))).shape == (4, 0)


def test_reorthogonalisation_on_nearly_dependent_columns():
    """Does reorthogonalising keep Q^T Q = I on a Hilbert-like ill-conditioned matrix?"""
    n = 10
    H = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1.0)
    Q = ip.gram_schmidt(H, tol=1e-15)
    Q1 = ip.gram_schmidt(H, tol=1e-15, reorthogonalize=False)
    err2 = np.abs(Q.T @ Q - np.eye(Q.shape[1])).max()
    err1 = np.abs(Q1.T @ Q1 - np.eye(Q1.shape[1])).max()
    assert err2 < 1e-13
    assert err2 < err1


@FAST
@given(matrices(), st.data())
def test_projection_idempotent_and_residual_orthogonal(A, data):
    """Is P P x = P x, with x - P x orthogonal to every column of A?"""
    x = data.draw(vectors(A.shape[0]))
    p = ip.project_onto_subspace(x, A)
    scale = max(np.linalg.norm(x), 1.0)
    np.testing.assert_allclose(ip.project_onto_subspace(p, A), p, atol=1e-9 * scale)
    Q = ip.gram_schmidt(A)
    assert np.abs(Q.T @ (x - p)).max(initial=0.0) <= 1e-9 * scale
    P = ip.projection_matrix(A)
    np.testing.assert_allclose(P @ P, P, atol=1e-12)
    np.testing.assert_allclose(P, P.T, atol=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_projection_matches_lstsq(seed):
    """Is the projection onto a (rank-deficient) column space numpy's least-squares fit?"""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(8, 3))
    A = np.column_stack([A, A[:, 0] + 3 * A[:, 2]])  # dependent 4th column
    x = rng.normal(size=8)
    c, *_ = np.linalg.lstsq(A, x, rcond=None)
    np.testing.assert_allclose(ip.project_onto_subspace(x, A), A @ c, atol=1e-12)


# --- Gram matrices and weighted inner products ----------------------------------------------


@FAST
@given(matrices(6, 4))
def test_gram_matrix_symmetric_psd(X):
    """Is the Gram matrix X X^T, exactly symmetric and positive semidefinite?"""
    G = ip.gram_matrix(X)
    assert G.shape == (X.shape[0], X.shape[0])
    np.testing.assert_allclose(G, X @ X.T, rtol=1e-12, atol=1e-9)
    assert np.array_equal(G, G.T)
    assert np.linalg.eigvalsh(G).min() >= -1e-9 * max(np.abs(G).max(), 1.0)


def test_weighted_inner_matches_numpy():
    """Is <x, y>_M = x^T M y for an SPD M, and <x, y>_I the dot product?"""
    rng = np.random.default_rng(3)
    B = rng.normal(size=(4, 4))
    M = B @ B.T + 4 * np.eye(4)
    x, y = rng.normal(size=4), rng.normal(size=4)
    assert ip.weighted_inner(x, y, M) == pytest.approx(x @ M @ y, rel=1e-12)
    assert ip.weighted_inner(x, y, M) == pytest.approx(ip.weighted_inner(y, x, M), rel=1e-12)
    assert ip.weighted_inner(x, y, np.eye(4)) == pytest.approx(np.dot(x, y), rel=1e-12)


@pytest.mark.parametrize(
    ("M", "message"),
    [
        ([[2.0, 1.0], [0.0, 2.0]], "symmetric"),
        ([[1.0, 0.0], [0.0, -1.0]], "positive definite"),
        ([[1.0, 1.0], [1.0, 1.0]], "positive definite"),  # PSD but singular: <x, x> = 0
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], r"shape \(2, 2\)"),
    ],
)
def test_weighted_inner_refuses_non_spd(M, message):
    """Is a non-symmetric, indefinite or wrongly shaped M refused, saying why?"""
    with pytest.raises(ValueError, match=message):
        ip.weighted_inner([1.0, 2.0], [3.0, 4.0], M)


# --- nearest neighbours --------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("seed", range(5))
def test_k_nearest_matches_cdist(metric, seed):
    """Does k_nearest return scipy's cdist ranking, nearest first, ties by index?"""
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, size=(40, 3)).astype(float)  # small integers: many exact ties
    X[np.all(X == 0, axis=1)] = 1.0
    q = rng.integers(-3, 4, size=3).astype(float) + 0.5
    d = cdist(q[None, :], X, metric=metric)[0]
    d = np.round(d, 12)  # ties in exact arithmetic are ties
    expected = np.lexsort((np.arange(len(X)), d))[:7]
    idx, scores = ip.k_nearest(q, X, 7, metric=metric)
    assert idx.tolist() == expected.tolist()
    ref = 1 - d[expected] if metric == "cosine" else d[expected]
    np.testing.assert_allclose(scores, ref, atol=1e-11)


def test_k_nearest_ties_broken_by_index():
    """Do equal distances come back in index order?"""
    X = [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0], [5.0, 5.0]]
    assert ip.k_nearest([0.0, 0.0], X, 4, metric="euclidean").indices.tolist() == [0, 1, 2, 3]
    assert ip.k_nearest([1.0, 0.0], [[2.0, 0.0], [3.0, 0.0], [1.0, 0.0]], 3).indices.tolist() == [
        0, 1, 2]


@pytest.mark.parametrize(
    ("query", "X", "k", "metric", "message"),
    [
        ([1.0, 0.0], [[1.0, 0.0], [0.0, 0.0]], 1, "cosine", r"zero vector \(row 1 of X\)"),
        ([0.0, 0.0], [[1.0, 0.0]], 1, "cosine", "zero vector"),
        ([1.0, 0.0], [[1.0, 0.0]], 2, "cosine", r"k must be an integer in \[1, 1\]"),
        ([1.0, 0.0], [[1.0, 0.0]], 0, "euclidean", "k must be"),
        ([1.0, 0.0], [[1.0, 0.0, 0.0]], 1, "euclidean", "rows of length 2"),
        ([1.0, 0.0], [[1.0, 0.0]], 1, "manhattan", "metric must be"),
    ],
)
def test_k_nearest_bad_input(query, X, k, metric, message):
    """Is bad input to k_nearest refused with a message naming the problem?"""
    with pytest.raises(ValueError, match=message):
        ip.k_nearest(query, X, k, metric=metric)


@pytest.mark.parametrize(
    ("f", "args", "message"),
    [
        (ip.dot, ([1.0, 2.0], [1.0, 2.0, 3.0]), r"same shape, got \(2,\) and \(3,\)"),
        (ip.dot, ([[1.0, 2.0]], [1.0, 2.0]), r"x must have 1 dimension"),
        (ip.project_onto_vector, ([1.0, 2.0], [0.0, 0.0]), "zero vector"),
        (ip.project_onto_subspace, ([1.0, 2.0], np.ones((3, 2))), "one row per entry"),
        (ip.gram_schmidt, (np.ones(3),), "A must have 2 dimension"),
        (ip.angle, ([1.0, 0.0], [0.0, 1.0], "cosine"), "method must be"),
        (ip.dot, ([1.0, np.inf], [1.0, 2.0]), "finite"),
    ],
)
def test_bad_input(f, args, message):
    """Is each bad call refused with a ValueError naming the argument and problem?"""
    with pytest.raises(ValueError, match=message):
        f(*args)
