"""Public tests for exercise 3, inner products.

Each task's tests call only that task's own function, with fixed data, so an unfinished
task shows up as "not started" and never as a failure of another task.
"""

import ex03_inner_products as ex
import numpy as np
import pytest
from _feedback import check_answer, check_close, check_not_used, check_raises, check_true

# ---------------------------------------------------------------- 3.1 norm


@pytest.mark.task_3_1
def test_norm_pythagoras():
    """Is the length of (3, 4) equal to 5, and of (1, 2, 2) equal to 3?"""
    for v, expected in [(np.array([3.0, 4.0]), 5.0), (np.array([1.0, -2.0, 2.0]), 3.0)]:
        check_close("3.1", "norm: a Pythagorean example", ex.norm(v), expected, inputs={"v": v},
                    hint="the square root of the sum of the squared entries.")


@pytest.mark.task_3_1
def test_norm_huge_and_tiny_entries():
    """Is norm([1e200, 1e200]) about 1.414e200 (not inf) and norm([1e-200, 1e-200]) not 0?"""
    for scale in (1e200, 1e-200):
        v = np.array([scale, scale])
        with np.errstate(all="ignore"):
            got = ex.norm(v)
        check_close("3.1", f"norm: entries of size {scale:g}", got, np.sqrt(2.0) * scale,
                    inputs={"v": v}, rtol=1e-12, atol=0.0,
                    hint="(1e200)**2 overflows to inf and (1e-200)**2 underflows to 0; divide "
                         "by s = max|v_i| first and multiply the result by s.")


@pytest.mark.task_3_1
def test_norm_zero_vector_and_random():
    """Is the zero vector's length 0 (not nan), and does norm agree with numpy on random vectors?"""
    zero = np.zeros(4)
    with np.errstate(all="ignore"):
        got = ex.norm(zero)
    check_close("3.1", "norm: the zero vector", got, 0.0, inputs={"v": zero},
                hint="if max|v_i| is 0, return 0.0 before dividing by it.")
    for v in np.random.default_rng(31).normal(size=(3, 7)):
        check_close("3.1", "norm: a random vector", ex.norm(v), np.linalg.norm(v),
                    inputs={"v": v}, rtol=1e-12, hint="sqrt(sum(v_i**2)).")


# ---------------------------------------------------------------- 3.2 cosine similarity


@pytest.mark.task_3_2
def test_cosine_similarity_basic_directions():
    """Is the cosine similarity 1 for the same direction, 0 for perpendicular, -1 for opposite?"""
    u = np.array([1.0, 2.0, 2.0])
    cases = [(3.5 * u, 1.0, "same direction"), (np.array([2.0, -1.0, 0.0]), 0.0, "perpendicular"),
             (-0.1 * u, -1.0, "opposite")]
    for v, expected, name in cases:
        check_close("3.2", f"cosine_similarity: {name}", ex.cosine_similarity(u, v), expected,
                    inputs={"u": u, "v": v}, atol=1e-12,
                    hint="<u, v> / (|u| |v|); length must not matter, only direction.")


@pytest.mark.task_3_2
def test_cosine_similarity_zero_vector_is_zero():
    """Is the cosine similarity with the zero vector 0.0 (not nan, no crash)?"""
    u, zero = np.array([1.0, -3.0]), np.zeros(2)
    with np.errstate(all="ignore"):
        got = ex.cosine_similarity(u, zero), ex.cosine_similarity(zero, zero)
    check_close("3.2", "cosine_similarity: with the zero vector", np.array(got, dtype=float),
                np.array([0.0, 0.0]), inputs={"u": u, "v": zero},
                hint="the zero vector has no direction; return 0.0 before dividing by its length.")


@pytest.mark.task_3_2
def test_cosine_similarity_stays_in_range_and_matches_numpy():
    """Is the cosine similarity within [-1, 1] and equal to numpy's formula, even for u = v?"""
    rng = np.random.default_rng(32)
    for _ in range(20):
        u = rng.normal(size=5) * 10.0 ** rng.integers(-3, 4)
        got_self = ex.cosine_similarity(u, u)
        check_true("3.2", "cosine_similarity(u, u) is at most 1", -1.0 <= got_self <= 1.0,
                   inputs={"u": u}, got=got_self,
                   hint="rounding can give 1.0000000000000002; clip to [-1, 1].")
        v = rng.normal(size=5)
        expected = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
        check_close("3.2", "cosine_similarity: random vectors", ex.cosine_similarity(u, v),
                    expected, inputs={"u": u, "v": v}, rtol=1e-9, atol=1e-12,
                    hint="<u, v> / (|u| |v|).")


@pytest.mark.task_3_2
def test_cosine_similarity_huge_entries():
    """Is cosine_similarity([1e200, 1e200], [1e200, 0]) equal to 1/sqrt(2), not nan?"""
    u, v = np.array([1e200, 1e200]), np.array([1e200, 0.0])
    with np.errstate(all="ignore"):
        got = ex.cosine_similarity(u, v)
    check_close("3.2", "cosine_similarity: huge entries", got, 1 / np.sqrt(2.0),
                inputs={"u": u, "v": v}, rtol=1e-12,
                hint="inf / inf is nan; scaling u and v by positive numbers doesn't change the "
                     "cosine, so divide each by its largest |entry| first.")


# ---------------------------------------------------------------- 3.3 angle


@pytest.mark.task_3_3
def test_angle_known_values():
    """Are the angles 0, pi/4, pi/2 and pi between the right pairs of vectors?"""
    cases = [([1.0, 0.0], [2.0, 0.0], 0.0), ([1.0, 0.0], [1.0, 1.0], np.pi / 4),
             ([1.0, 0.0], [0.0, -3.0], np.pi / 2), ([1.0, 1.0], [-2.0, -2.0], np.pi)]
    for u, v, expected in cases:
        u, v = np.array(u), np.array(v)
        check_close("3.3", "angle: a known angle", ex.angle(u, v), expected,
                    inputs={"u": u, "v": v}, atol=1e-7,
                    hint="np.arccos of the cosine similarity, in radians.")


@pytest.mark.task_3_3
def test_angle_parallel_is_not_nan():
    """Is the angle between a vector and itself 0, not nan?"""
    u = np.array([0.1, 0.2, 0.3, 0.7, 1.3])
    got = ex.angle(u, u)
    check_close("3.3", "angle: a vector with itself", got, 0.0, inputs={"u": u, "v": u},
                atol=1e-7,
                hint="the cosine may come out as 1.0000000000000002 and arccos of that is nan; "
                     "clip it to [-1, 1].")


@pytest.mark.task_3_3
def test_angle_rejects_zero_vector():
    """Does angle raise a ValueError when one vector is zero?"""
    with np.errstate(all="ignore"):
        check_raises("3.3", "angle: the zero vector is rejected", ex.angle,
                     np.array([1.0, 2.0]), np.zeros(2), exc=ValueError,
                     hint="check for a zero vector first and raise ValueError: there is no angle.")


# ---------------------------------------------------------------- 3.4 projection


@pytest.mark.task_3_4
def test_project_onto_axis():
    """Does projecting (3, 4) onto (2, 0) give (3, 0)?"""
    u, v = np.array([3.0, 4.0]), np.array([2.0, 0.0])
    check_close("3.4", "project: onto the x-axis", ex.project(u, v), np.array([3.0, 0.0]),
                inputs={"u": u, "v": v},
                hint="(<u, v> / <v, v>) v: divide by <v, v>, not by |v|, since v isn't a unit vector.")


@pytest.mark.task_3_4
def test_project_leftover_is_perpendicular():
    """Is u - project(u, v) perpendicular to v, and project(u, v) parallel to v?"""
    rng = np.random.default_rng(34)
    for _ in range(5):
        u, v = rng.normal(size=4), rng.normal(size=4)
        p = ex.project(u, v)
        check_close("3.4", "project: the leftover u - p is perpendicular to v",
                    np.dot(u - p, v), 0.0, inputs={"u": u, "v": v}, atol=1e-10,
                    hint="the coefficient is <u, v> / <v, v>.")
        check_close("3.4", "project: the result is a multiple of v",
                    p - (np.dot(p, v) / np.dot(v, v)) * v, np.zeros(4), inputs={"u": u, "v": v},
                    atol=1e-10, hint="return a number times v.")


@pytest.mark.task_3_4
def test_project_onto_zero_vector_rejected():
    """Does project raise a ValueError when v is the zero vector?"""
    with np.errstate(all="ignore"):
        check_raises("3.4", "project: onto the zero vector", ex.project,
                     np.array([1.0, 2.0]), np.zeros(2), exc=ValueError,
                     hint="<v, v> = 0 means there is no line to project onto: raise ValueError.")


# ---------------------------------------------------------------- 3.5 Gram-Schmidt


def _qr_reference(V):
    """numpy's QR with the signs fixed so that R has a positive diagonal."""
    Q, R = np.linalg.qr(V)
    return Q * np.sign(np.diag(R))


@pytest.mark.task_3_5
def test_gram_schmidt_small_example():
    """Does Gram-Schmidt of the columns (3, 4, 0) and (1, 1, 1) give the expected basis?"""
    V = np.array([[3.0, 1.0], [4.0, 1.0], [0.0, 1.0]])
    check_close("3.5", "gram_schmidt: a 3x2 example", ex.gram_schmidt(V), _qr_reference(V),
                inputs={"V": V}, rtol=1e-9, atol=1e-12,
                hint="q1 = v1 / |v1|; then w = v2 - <v2, q1> q1 and q2 = w / |w|. Columns, not rows.")


@pytest.mark.task_3_5
def test_gram_schmidt_orthonormal_and_same_span():
    """Are the output columns orthonormal, with Q.T @ V upper triangular (same nested spans)?"""
    V = np.random.default_rng(35).normal(size=(6, 4))
    before = V.copy()
    Q = ex.gram_schmidt(V)
    check_close("3.5", "gram_schmidt: Q.T @ Q is the identity", Q.T @ Q, np.eye(4),
                inputs={"V": before}, atol=1e-10,
                hint="normalise each new column, and subtract its projections on ALL earlier q's.")
    R = Q.T @ before
    check_close("3.5", "gram_schmidt: V = Q R with R upper triangular", np.tril(R, -1),
                np.zeros((4, 4)), inputs={"V": before}, atol=1e-10,
                hint="column j of Q must be built from columns 0..j of V only, in order.")
    check_true("3.5", "gram_schmidt: V is not modified", np.array_equal(V, before),
               inputs={"V": before}, got=V, hint="work on copies of the columns.")


@pytest.mark.task_3_5
def test_gram_schmidt_rejects_dependent_columns():
    """Does gram_schmidt raise a ValueError when the third column is the sum of the first two?"""
    V = np.array([[1.0, 0.0, 1.0], [2.0, 1.0, 3.0], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0]])
    with np.errstate(all="ignore"):
        check_raises("3.5", "gram_schmidt: dependent columns", ex.gram_schmidt, V,
                     exc=ValueError,
                     hint="if what is left of a column has norm <= tol * its original norm, "
                          "raise ValueError instead of dividing by (almost) zero.")


# ---------------------------------------------------------------- 3.6 Gram matrix


@pytest.mark.task_3_6
def test_gram_matrix_plain():
    """Is gram_matrix(X)[i, j] the inner product of rows i and j?"""
    X = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]])
    check_close("3.6", "gram_matrix: plain", ex.gram_matrix(X),
                np.array([[5.0, 2.0], [2.0, 2.0]]), inputs={"X": X},
                hint="X @ X.T: rows are the vectors, so the result is (n, n), not (d, d).")


@pytest.mark.task_3_6
def test_gram_matrix_weighted():
    """Does the weighted Gram matrix equal x_i^T W x_j for a diagonal and a full W?"""
    X = np.random.default_rng(36).normal(size=(4, 3))
    M = np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.5], [0.2, 0.0, 1.0]])
    for W in [np.diag([1.0, 2.0, 0.5]), M @ M.T]:
        expected = np.array([[X[i] @ W @ X[j] for j in range(4)] for i in range(4)])
        check_close("3.6", "gram_matrix: weighted", ex.gram_matrix(X, W), expected,
                    inputs={"X": X, "W": W}, rtol=1e-10,
                    hint="X @ W @ X.T gives all the x_i^T W x_j at once.")


@pytest.mark.task_3_6
def test_gram_matrix_symmetric_psd():
    """Is the Gram matrix symmetric with no negative eigenvalue?"""
    X = np.random.default_rng(361).normal(size=(5, 2))
    G = ex.gram_matrix(X)
    check_close("3.6", "gram_matrix: symmetric", G, G.T, inputs={"X": X},
                hint="<x_i, x_j> = <x_j, x_i>.")
    check_true("3.6", "gram_matrix: no negative eigenvalue",
               np.min(np.linalg.eigvalsh(G)) > -1e-10, inputs={"X": X}, got=G,
               hint="a Gram matrix X X^T satisfies a^T G a = |X^T a|^2 >= 0.")


# ---------------------------------------------------------------- 3.7 nearest neighbours

VECTORS = np.array([
    [1.0, 0.0, 0.0],
    [0.0, 2.0, 0.0],
    [5.0, 5.0, 0.0],
    [-1.0, 0.0, 0.0],
    [0.9, 0.1, 0.0],
    [0.0, 0.0, 0.0],
])


@pytest.mark.task_3_7
def test_nearest_neighbours_ranks_by_direction_not_length():
    """For query (1, 0, 0), are the 3 nearest rows 0, 4, 2 (a long row is not preferred)?"""
    q = np.array([1.0, 0.0, 0.0])
    got = ex.nearest_neighbours(q, VECTORS, 3)
    check_true("3.7", "nearest_neighbours: ranking by cosine similarity",
               np.array_equal(np.asarray(got), [0, 4, 2]),
               inputs={"query": q, "vectors": VECTORS, "k": 3}, got=got,
               hint="compare directions: divide each row's dot product by its length (and the "
                    "query's); sort from most to least similar.")


@pytest.mark.task_3_7
def test_nearest_neighbours_zero_row_and_ties():
    """With all 6 rows, is the zero row ranked by similarity 0 and are ties in index order?"""
    q = np.array([0.0, 0.0, 1.0])  # every row has similarity 0: a six-way tie
    with np.errstate(all="ignore"):
        got = ex.nearest_neighbours(q, VECTORS, 6)
    check_true("3.7", "nearest_neighbours: ties keep index order",
               np.array_equal(np.asarray(got), np.arange(6)),
               inputs={"query": q, "vectors": VECTORS, "k": 6}, got=got,
               hint="give the zero row similarity 0 (no nan), and sort with "
                    "np.argsort(-similarity, kind='stable').")


@pytest.mark.task_3_7
def test_nearest_neighbours_shape_dtype_and_bad_k():
    """Is the result an integer array of shape (k,), and is k = 0 rejected?"""
    q = np.array([0.2, 1.0, 0.0])
    got = ex.nearest_neighbours(q, VECTORS, 2)
    ok = isinstance(got, np.ndarray) and got.shape == (2,) and np.issubdtype(got.dtype, np.integer)
    check_true("3.7", "nearest_neighbours: integer array of shape (k,)", ok,
               inputs={"query": q, "vectors": VECTORS, "k": 2}, got=got,
               hint="return np.argsort(...)[:k], an integer numpy array.")
    check_true("3.7", "nearest_neighbours: the right two", np.array_equal(got, [1, 2]),
               inputs={"query": q, "vectors": VECTORS, "k": 2}, got=got,
               hint="row 1 points almost exactly along the query; row 2 comes next.")
    check_raises("3.7", "nearest_neighbours: k = 0 is rejected", ex.nearest_neighbours,
                 q, VECTORS, 0, exc=ValueError, hint="raise ValueError unless 1 <= k <= n.")


# ---------------------------------------------------------------- calls the text forbids

# The same declarations as the hidden tests (a course test compares them): the calls each
# task's text forbids, looked for in the task's functions and what they call.

NO_SCIPY = ("scipy",)
NO_NORM = ("numpy.linalg.norm", "numpy.linalg.vector_norm", "numpy.linalg.matrix_norm", "scipy")
NO_QR = ("numpy.linalg.qr", "scipy")
FORBIDDEN = {
    "3.1": (NO_NORM, ("norm",)),
    "3.2": (NO_SCIPY, ("cosine_similarity",)),
    "3.3": (NO_SCIPY, ("angle",)),
    "3.4": (NO_SCIPY, ("project",)),
    "3.5": (NO_QR, ("gram_schmidt",)),
    "3.6": (NO_SCIPY, ("gram_matrix",)),
    "3.7": (NO_SCIPY, ("nearest_neighbours",)),
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
    "3a": "abc1cc06fed44180",
    "3b": "19031a505eb49ca2",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
