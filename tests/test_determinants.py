"""Tests for mlmath.determinants: against numpy.linalg, SymPy, and as hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlmath import determinants as D

METHODS = {
    "gauss": D.det_gauss,
    "laplace": D.det_laplace,
    "leibniz": D.det_leibniz,
}
ALL_DETS = [*METHODS.values(), D.det]
rng = np.random.default_rng(20240521)


def small_matrices(max_n: int = 5):
    """Square float matrices with entries in [-10, 10], 1 <= n <= max_n."""
    elems = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)
    return st.integers(1, max_n).flatmap(lambda n: arrays(np.float64, (n, n), elements=elems))


def close(a: float, b: float, scale: float) -> bool:
    """Agreement up to rounding, relative to the size of the terms that were summed."""
    return abs(a - b) <= 1e-9 * max(scale, 1.0)


def term_scale(A: np.ndarray) -> float:
    """A bound on the size of any Leibniz term: prod of row norms (Hadamard's bound)."""
    return float(np.prod(np.linalg.norm(A, axis=1))) if A.size else 1.0


# --- closed forms and the definitions, against numpy -------------------------------------

CASES = {
    "identity3": np.eye(3),
    "swap2": np.array([[0.0, 1.0], [1.0, 0.0]]),
    "upper4": np.triu(rng.normal(size=(4, 4))),
    "random5": rng.normal(size=(5, 5)),
    "integers6": rng.integers(-5, 6, size=(6, 6)).astype(float),
    "sparse7": np.where(rng.random((7, 7)) < 0.6, 0.0, rng.normal(size=(7, 7))),
    "random8": rng.normal(size=(8, 8)),
    "one_by_one": np.array([[-3.5]]),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("method", list(METHODS))
def test_methods_match_numpy(name, method):
    """Does each method give numpy.linalg.det on the case registry?"""
    A = CASES[name]
    assert METHODS[method](A) == pytest.approx(np.linalg.det(A), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_closed_forms_match_numpy(seed):
    """Do the 2x2 and 3x3 formulas agree with numpy.linalg.det?"""
    r = np.random.default_rng(seed)
    A2, A3 = r.normal(size=(2, 2)), r.normal(size=(3, 3))
    assert D.det2(A2) == pytest.approx(np.linalg.det(A2), rel=1e-12)
    assert D.det3(A3) == pytest.approx(np.linalg.det(A3), rel=1e-12)
    assert D.det(A3, method="formula") == pytest.approx(np.linalg.det(A3), rel=1e-12)


def test_empty_matrix_has_determinant_one():
    """Is det of the 0x0 matrix 1 (the empty product), as in numpy?"""
    A = np.zeros((0, 0))
    assert np.linalg.det(A) == 1.0
    assert all(f(A) == 1.0 for f in METHODS.values())


@pytest.mark.parametrize(
    ("perm", "sign"),
    [((), 1), ((0, 1, 2), 1), ((1, 0, 2), -1), ((1, 2, 0), 1), ((3, 2, 1, 0), 1), ((1, 0), -1)],
)
def test_permutation_sign(perm, sign):
    """Is the sign of a permutation det of its permutation matrix?"""
    assert D.permutation_sign(perm) == sign
    P = np.eye(len(perm))[list(perm)] if perm else np.zeros((0, 0))
    assert round(np.linalg.det(P)) == sign


def test_permutation_sign_rejects_non_permutation():
    """Is a sequence that is not a permutation of 0..n-1 refused?"""
    with pytest.raises(ValueError, match="exactly once"):
        D.permutation_sign([0, 0, 2])


# --- hypothesis properties -----------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(small_matrices(5))
def test_all_methods_agree(A):
    """Do Leibniz, Laplace and elimination give the same determinant on random matrices?"""
    scale = term_scale(A)
    g = D.det_gauss(A, rtol=0.0)
    assert close(D.det_leibniz(A), D.det_laplace(A), scale)
    assert close(D.det_leibniz(A), g, scale)
    with np.errstate(divide="ignore"):
        assert close(np.linalg.det(A), g, scale)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(*[arrays(
    np.float64, (n, n), elements=st.floats(-3, 3, allow_nan=False, width=64))] * 2)))
def test_det_is_multiplicative(pair):
    """Is det(AB) = det(A) det(B)?"""
    A, B = pair
    lhs, rhs = D.det_gauss(A @ B, rtol=0.0), D.det_gauss(A, rtol=0.0) * D.det_gauss(B, rtol=0.0)
    assert close(lhs, rhs, term_scale(A) * term_scale(B))


@settings(max_examples=50, deadline=None)
@given(small_matrices(5))
def test_det_of_transpose(A):
    """Is det(A^T) = det(A)?"""
    assert close(D.det_gauss(A.T, rtol=0.0), D.det_gauss(A, rtol=0.0), term_scale(A))
    assert close(D.det_laplace(A.T), D.det_laplace(A), term_scale(A))


@settings(max_examples=50, deadline=None)
@given(small_matrices(5).filter(lambda A: A.shape[0] >= 2), st.data())
def test_row_swap_flips_sign(A, data):
    """Does swapping two rows flip the sign of the determinant?"""
    n = A.shape[0]
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i))
    B = A.copy()
    B[[i, j]] = B[[j, i]]
    assert close(D.det_leibniz(B), -D.det_leibniz(A), term_scale(A))
    assert close(D.det_laplace(B), -D.det_laplace(A), term_scale(A))
    assert close(D.det_gauss(B, rtol=0.0), -D.det_gauss(A, rtol=0.0), term_scale(A))


@settings(max_examples=50, deadline=None)
@given(small_matrices(5), st.floats(-5, 5, allow_nan=False), st.data())
def test_row_scaling_scales_det(A, c, data):
    """Does multiplying one row by c multiply the determinant by c?"""
    i = data.draw(st.integers(0, A.shape[0] - 1))
    B = A.copy()
    B[i] *= c
    assert close(D.det_laplace(B), c * D.det_laplace(A), 5 * term_scale(A))
    assert close(D.det_gauss(B, rtol=0.0), c * D.det_gauss(A, rtol=0.0), 5 * term_scale(A))


@settings(max_examples=50, deadline=None)
@given(small_matrices(7), st.booleans())
def test_triangular_det_is_product_of_diagonal(A, upper):
    """Is det of a triangular matrix the product of its diagonal?"""
    T = np.triu(A) if upper else np.tril(A)
    expected = float(np.prod(np.diag(T)))
    assert close(D.det_gauss(T, rtol=0.0), expected, term_scale(T))
    assert close(D.det_laplace(T), expected, term_scale(T))


# --- sign and log|det| ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 3, 10, 50])
def test_sign_and_logabsdet_matches_slogdet(seed, n):
    """Does sign_and_logabsdet agree with numpy.linalg.slogdet?"""
    A = np.random.default_rng(seed).normal(size=(n, n))
    sign, logabs = D.sign_and_logabsdet(A)
    ref = np.linalg.slogdet(A)
    assert sign == ref.sign
    assert logabs == pytest.approx(ref.logabsdet, rel=1e-10, abs=1e-10)


BLOCK_SIZES = sorted({1, 2, D.PANEL - 1, D.PANEL, D.PANEL + 1, 2 * D.PANEL + 3, 5 * D.PANEL - 1,
                      97})


@pytest.mark.parametrize("n", BLOCK_SIZES)
@pytest.mark.parametrize("kind", ["normal", "lower-heavy", "permuted-triangular"])
def test_blocked_elimination_matches_slogdet_across_block_edges(n, kind):
    """Around the block size of the elimination (n = PANEL - 1, PANEL, PANEL + 1, ...), with
    row swaps that pull rows up from below the current block, does sign_and_logabsdet equal
    numpy.linalg.slogdet and det_gauss equal numpy.linalg.det?"""
    r = np.random.default_rng(n)
    A = r.normal(size=(n, n))
    if kind == "lower-heavy":  # the largest entries sit low: nearly every pivot is a swap
        A += np.diag(np.full(n - 1, 10.0), k=-1) if n > 1 else 0.0
    elif kind == "permuted-triangular":  # exact pivots, zero multipliers after the swaps
        A = np.triu(A) + 5.0 * np.eye(n)
        A = A[r.permutation(n)]
    sign, logabs = D.sign_and_logabsdet(A)
    ref = np.linalg.slogdet(A)
    assert sign == ref.sign
    assert logabs == pytest.approx(ref.logabsdet, rel=1e-11, abs=1e-11)
    assert D.det_gauss(A) == pytest.approx(np.linalg.det(A), rel=1e-9)


@pytest.mark.parametrize("n", [D.PANEL + 1, 3 * D.PANEL + 2])
def test_singularity_found_in_a_later_block(n):
    """Is a matrix whose last row is a combination of the others singular (det exactly 0)
    when the dependency only shows at the last pivot, in the last block?"""
    A = np.random.default_rng(7).normal(size=(n, n))
    A[-1] = A[:-1].T @ np.random.default_rng(8).normal(size=n - 1)
    assert D.det_gauss(A) == 0.0
    assert D.sign_and_logabsdet(A) == (0.0, -math.inf)


def test_permutation_matrix_det_is_its_sign():
    """Is the determinant of a 40x40 permutation matrix exactly the permutation's sign?"""
    perm = np.random.default_rng(9).permutation(40)
    P = np.eye(40)[perm]
    assert D.det_gauss(P) == D.permutation_sign(perm)


def test_logabsdet_does_not_overflow():
    """Is log|det(2 I)| for n = 2000 finite (2000 log 2) although det itself overflows?"""
    A = 2.0 * np.eye(2000)
    with np.errstate(over="ignore"):
        assert np.isinf(np.linalg.det(A))
    sign, logabs = D.sign_and_logabsdet(A)
    assert sign == 1.0
    assert logabs == pytest.approx(2000 * math.log(2.0), rel=1e-13)


def test_logabsdet_does_not_underflow():
    """Is log|det(-0.5 I)| for n = 1501 finite with sign -1 although det underflows to 0?"""
    A = -0.5 * np.eye(1501)
    sign, logabs = D.sign_and_logabsdet(A)
    assert (sign, logabs) == (-1.0, pytest.approx(-1501 * math.log(2.0), rel=1e-13))


# --- singular, near-singular and extreme scales ---------------------------------------------

SINGULAR = {
    "zero_column": np.array([[1.0, 0.0], [2.0, 0.0]]),
    "rank1_2x2": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "rank2_3x3": np.arange(1.0, 10.0).reshape(3, 3),  # numpy gives ~6.7e-16 here
    "rank3_5x5": rng.normal(size=(5, 3)) @ rng.normal(size=(3, 5)),
    "zeros": np.zeros((4, 4)),
    "tiny_rank2": 1e-300 * np.arange(1.0, 10.0).reshape(3, 3),
    "huge_rank2": 1e300 * np.arange(1.0, 10.0).reshape(3, 3),
}


@pytest.mark.parametrize("name", list(SINGULAR))
def test_singular_gives_exact_zero(name):
    """Is a rank-deficient matrix, at any scale, given det exactly 0.0 and sign 0?"""
    A = SINGULAR[name]
    assert D.det_gauss(A) == 0.0
    assert D.sign_and_logabsdet(A) == (0.0, -math.inf)
    assert D.orientation(A) == 0


def test_exactly_singular_detected_with_zero_rtol():
    """With rtol = 0, is only an exactly zero pivot column treated as singular?"""
    assert D.det_gauss(SINGULAR["rank1_2x2"], rtol=0.0) == 0.0
    assert D.det_gauss([[1.0, 0.0], [0.0, 1e-20]], rtol=0.0) == 1e-20


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_scaled_matrix_is_judged_by_shape_not_size(scale):
    """Is a well-conditioned matrix at scale 1e-300 or 1e300 nonsingular, with the right log?"""
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])  # det 18
    sign, logabs = D.sign_and_logabsdet(scale * A)
    assert sign == 1.0
    assert logabs == pytest.approx(math.log(18.0) + 3 * math.log(scale), rel=1e-13)
    assert D.orientation(scale * A) == 1
    with np.errstate(over="ignore", under="ignore"):
        expected = np.linalg.det(scale * A)  # 0.0 or inf where the product leaves float64
    assert D.det_gauss(scale * A) == pytest.approx(expected, rel=1e-12)


def test_near_singular_relative_to_scale():
    """Is a matrix singular up to rounding (relative 1e-17) treated as singular, 1e-6 not?"""
    A = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-17]])  # rounds to exactly singular
    B = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-6]])
    assert D.det_gauss(A) == 0.0
    assert D.det_gauss(B) == pytest.approx(np.linalg.det(B), rel=1e-9)


# --- volume and orientation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("vectors", "volume", "orient"),
    [
        ([[1.0, 0.0], [0.0, 1.0]], 1.0, 1),
        ([[0.0, 1.0], [1.0, 0.0]], -1.0, -1),
        ([[2.0, 0.0], [1.0, 3.0]], 6.0, 1),
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -2.0]], -2.0, -1),
        ([[1.0, 2.0], [2.0, 4.0]], 0.0, 0),
        ([[1.0, 1.0], [1.0, 1.0 + 1e-14]], pytest.approx(1e-14, rel=1e-2), 0),
        ([[1e-200, 0.0], [0.0, 1e-200]], 0.0, 1),  # volume underflows; orientation does not
        ([[0.0, 0.0], [1.0, 1.0]], 0.0, 0),
    ],
)
def test_signed_volume_and_orientation(vectors, volume, orient):
    """Are the signed volume and orientation right, with tolerance and at extreme scales?"""
    assert D.signed_volume(vectors) == volume
    assert D.orientation(vectors) == orient


def test_orientation_tolerance_is_scale_free():
    """Is a 1e-10 tilt oriented at any scale by default, but flat with tol = 1e-9?"""
    V = [[1.0, 1.0], [1.0, 1.0 + 1e-10]]
    assert D.orientation(V) == 1
    assert D.orientation(np.array(V) * 1e250) == 1
    assert D.orientation(V, tol=1e-9) == 0


# --- gradient of log|det| -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [1, 2, 4])
def test_grad_logabsdet_central_differences(seed, n):
    """Does grad_logabsdet match central differences of log|det A| in float64?"""
    A = np.random.default_rng(seed).normal(size=(n, n)) + 2 * np.eye(n)
    G = D.grad_logabsdet(A)
    h = 1e-6
    fd = np.zeros_like(A)
    for i in range(n):
        for j in range(n):
            E = np.zeros_like(A)
            E[i, j] = h
            fd[i, j] = (np.linalg.slogdet(A + E)[1] - np.linalg.slogdet(A - E)[1]) / (2 * h)
    np.testing.assert_allclose(G, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(G, np.linalg.inv(A).T, rtol=1e-12)


@pytest.mark.parametrize("n", [2, 3])
def test_grad_logabsdet_matches_sympy(n):
    """Does grad_logabsdet equal SymPy's d log(det A) / d a_ij on an explicit matrix?"""
    symbols = sp.symbols(f"a0:{n * n}")
    M = sp.Matrix(n, n, symbols)
    logdet = sp.log(M.det())
    values = {0: [1.5, -0.3, 0.7, 2.0], 1: [2.0, 1.0, 0.5, -1.0, 3.0, 0.2, 0.4, 0.1, 1.7]}[n - 2]
    subs = dict(zip(symbols, values, strict=True))
    A = np.array(values).reshape(n, n)
    sign, _ = np.linalg.slogdet(A)
    expected = np.array(
        [[complex(sp.diff(logdet, M[i, j]).subs(subs).evalf()).real for j in range(n)]
         for i in range(n)]
    )
    assert sign != 0
    np.testing.assert_allclose(D.grad_logabsdet(A), expected, rtol=1e-12)


def test_grad_logabsdet_singular_raises():
    """Does a singular matrix get a clear error instead of a LinAlgError or infs?"""
    with pytest.raises(ValueError, match="singular"):
        D.grad_logabsdet([[1.0, 2.0], [2.0, 4.0]])


# --- bad input ------------------------------------------------------------------------------

BAD_INPUT = {
    "non_square": (np.ones((2, 3)), ValueError, r"square matrix, got shape \(2, 3\)"),
    "vector": (np.ones(3), ValueError, r"square matrix, got shape \(3,\)"),
    "nan": ([[1.0, np.nan], [0.0, 1.0]], ValueError, "finite"),
    "strings": ([["a", "b"], ["c", "d"]], TypeError, "numeric"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
@pytest.mark.parametrize("f", [*ALL_DETS, D.sign_and_logabsdet, D.grad_logabsdet],
                         ids=lambda f: f.__name__)
def test_bad_input_named(case, f):
    """Is bad input refused with an error that names the shape or problem?"""
    A, err, msg = BAD_INPUT[case]
    with pytest.raises(err, match=msg):
        f(A)


@pytest.mark.parametrize(("f", "n"), [(D.det2, 3), (D.det3, 2)])
def test_closed_forms_refuse_other_sizes(f, n):
    """Does det2 refuse a 3x3 matrix (and det3 a 2x2), naming the shape?"""
    with pytest.raises(ValueError, match=rf"got shape \({n}, {n}\)"):
        f(np.eye(n))


@pytest.mark.parametrize(("f", "n", "msg"), [(D.det_leibniz, 9, "n! terms"),
                                             (D.det_laplace, 10, "n <= 9")])
def test_factorial_methods_refuse_large_n(f, n, msg):
    """Do the O(n!) methods refuse large n with a message about the cost?"""
    with pytest.raises(ValueError, match=msg):
        f(np.eye(n))


def test_vectors_shape_error():
    """Is a (2, 3) array of vectors refused: n vectors must live in R^n?"""
    with pytest.raises(ValueError, match=r"n vectors in R\^n.*\(2, 3\)"):
        D.signed_volume(np.ones((2, 3)))
    with pytest.raises(ValueError, match="method must be one of"):
        D.det(np.eye(2), method="cramer")
