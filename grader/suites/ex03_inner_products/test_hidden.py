"""Hidden suite for exercise 3, inner products (tasks 3.1 to 3.7).

References are computed here with numpy. Properties are checked on the learner's outputs:
Cauchy-Schwarz, projection idempotence and orthogonal residuals, Gram-Schmidt orthonormality
and nested spans, Gram matrix symmetry and positive semi-definiteness.

Points per task (must match the ``# ### Task`` headers of solutions/ex03_inner_products.py):
3.1: 2, 3.2: 2, 3.3: 1, 3.4: 2, 3.5: 3, 3.6: 2, 3.7: 2.

Task 3.1 may not use np.linalg.norm, but Task 3.5 may: ``forbid=`` is checked in the code of
the task's ``functions`` (and what they call), so the allowed use in gram_schmidt costs 3.1
nothing, and np.linalg.norm is stubbed only while 3.1's calls run.
"""

import numpy as np

from grader.judge.api import task
from grader.judge.policy import array, close, integers, scalar, tolerance
from grader.judge.probes import VALUE_ERROR, observe, raised

# "Numpy and sympy only": any use of scipy in a task's code is caught in the source (no
# run-time cost); an unused `import scipy` at the top of the file costs nothing.
NO_SCIPY = ("scipy",)
NO_NORM = ("numpy.linalg.norm", "numpy.linalg.vector_norm", "numpy.linalg.matrix_norm",
           *NO_SCIPY)
GS_FORBID = ("numpy.linalg.qr", *NO_SCIPY)


def _scope(*functions, forbid=NO_SCIPY) -> dict:
    """``forbid`` checked in the code of the task's ``functions`` (see grader/judge/api.py)."""
    return {"forbid": forbid, "functions": functions}


T31 = _scope("norm", forbid=NO_NORM)
T32, T33, T34 = _scope("cosine_similarity"), _scope("angle"), _scope("project")
T35 = _scope("gram_schmidt", forbid=GS_FORBID)
T36, T37 = _scope("gram_matrix"), _scope("nearest_neighbours")


def _norm(student, v) -> float:
    return scalar(student.norm(np.asarray(v, dtype=float)))


# ---------------------------------------------------------------- 3.1 norm


@task("3.1", points=0.5, hint="sqrt(sum(v_i**2)), written yourself: np.linalg.norm is not "
      "allowed in this task.", **T31)
def test_norm_random_vectors(student):
    """Does norm agree with numpy on random vectors, without calling a library norm?"""
    rng = np.random.default_rng(301)
    for d in (1, 2, 9, 50):
        v = rng.normal(scale=3.0, size=d)
        assert np.isclose(_norm(student, v), np.sqrt(np.sum(v * v)), rtol=1e-12, atol=0.0)


@task("3.1", points=0.5, hint="(1e200)**2 overflows to inf: divide by s = max|v_i| first, take "
      "the length of v / s, and multiply by s.", **T31)
def test_norm_huge_entries(student):
    """Is norm finite and right for entries like 1e200 and 1e300 (whose squares overflow)?"""
    cases = [([1e200, 1e200], np.sqrt(2.0) * 1e200), ([3e250, -4e250], 5e250),
             ([-1e300, 1e300, 0.0], np.sqrt(2.0) * 1e300), ([1e308], 1e308)]
    for v, expected in cases:
        got = _norm(student, v)
        assert np.isfinite(got)
        assert np.isclose(got, expected, rtol=1e-12, atol=0.0)


@task("3.1", points=0.5, hint="(1e-200)**2 underflows to 0, so a nonzero vector would get "
      "length 0; the same scaling by max|v_i| fixes it.", **T31)
def test_norm_tiny_entries(student):
    """Is a vector of tiny entries (1e-200, 1e-310) given its true, nonzero length?"""
    cases = [([1e-200, 1e-200], np.sqrt(2.0) * 1e-200), ([3e-180, 4e-180], 5e-180),
             ([1e-310, 0.0], 1e-310)]
    for v, expected in cases:
        got = _norm(student, v)
        assert got > 0.0
        assert np.isclose(got, expected, rtol=1e-9, atol=0.0)


@task("3.1", points=0.5, hint="the zero vector has length 0.0 (don't divide by s = 0); "
      "scaling v by c scales its length by |c|, and |u + v| <= |u| + |v|.", **T31)
def test_norm_zero_and_properties(student):
    """Is norm(0) = 0.0, norm(c v) = |c| norm(v), and does the triangle inequality hold?"""
    got = _norm(student, np.zeros(5))
    assert got == 0.0
    assert _norm(student, [-3.0]) == 3.0
    rng = np.random.default_rng(302)
    u, v = rng.normal(size=(2, 6))
    nu, nv = _norm(student, u), _norm(student, v)
    assert np.isclose(_norm(student, -2.5 * u), 2.5 * nu, rtol=1e-12, atol=0.0)
    assert _norm(student, u + v) <= nu + nv + 1e-12


# ---------------------------------------------------------------- 3.2 cosine similarity


def _cos(u, v):
    return float(np.dot(u, v) / (np.sqrt(np.dot(u, u)) * np.sqrt(np.dot(v, v))))


@task("3.2", points=0.5, hint="<u, v> / (|u| |v|): only the directions matter, not the lengths.",
      **T32)
def test_cosine_random_vectors(student):
    """Does cosine_similarity match <u, v>/(|u||v|) on random vectors of several dimensions?"""
    rng = np.random.default_rng(303)
    for d in (2, 3, 10, 40):
        u, v = rng.normal(size=(2, d))
        assert close(student.cosine_similarity(u, v), _cos(u, v), rtol=1e-10, atol=1e-14)


@task("3.2", points=0.5, hint="rounding can push the quotient a hair past 1 (try u = v): clip "
      "the result to [-1, 1].", **T32)
def test_cosine_parallel_and_clipped(student):
    """Is the similarity between -1 and 1 for u = v, -u and scaled copies, and 0 if
    perpendicular?"""
    rng = np.random.default_rng(304)
    for _ in range(15):
        u = rng.normal(size=7) * 10.0 ** rng.integers(-3, 4)
        for v, expected in [(u, 1.0), (3.0 * u, 1.0), (-u, -1.0), (-0.01 * u, -1.0)]:
            got = scalar(student.cosine_similarity(u, v))
            assert -1.0 <= got <= 1.0
            assert np.isclose(got, expected, atol=1e-12)
    assert abs(scalar(student.cosine_similarity(np.array([1.0, 2.0]),
                                               np.array([-2.0, 1.0])))) <= 1e-15


@task("3.2", points=0.5, hint="the zero vector has no direction: return 0.0 when u or v is zero, "
      "before dividing by a zero length.", **T32)
def test_cosine_zero_vector(student):
    """Is the similarity 0.0 (not nan) when either vector, or both, is zero?"""
    u, zero = np.array([1.0, -3.0, 2.0]), np.zeros(3)
    for a, b in [(u, zero), (zero, u), (zero, zero)]:
        got = scalar(student.cosine_similarity(a, b))
        assert got == 0.0


@task("3.2", points=0.5, hint="(1e200)**2 overflows and (1e-200)**2 underflows: scale each "
      "vector by its largest |entry| first (it doesn't change the direction).", **T32)
def test_cosine_huge_and_tiny_entries(student):
    """Is the similarity right for entries like 1e200 and 1e-200, and unchanged by scaling?"""
    r2 = 1.0 / np.sqrt(2.0)
    cases = [([1e200, 1e200], [1e200, 0.0], r2), ([1e-200, 1e-200], [0.0, 3e-200], r2),
             ([1e300, 0.0], [1e-300, 1e-300], r2), ([2e250, -2e250], [-1.0, 1.0], -1.0)]
    for u, v, expected in cases:
        got = scalar(student.cosine_similarity(np.array(u), np.array(v)))
        assert np.isclose(got, expected, rtol=1e-12, atol=0.0)
    rng = np.random.default_rng(305)
    u, v = rng.normal(size=(2, 5))
    assert close(student.cosine_similarity(1e180 * u, 1e-180 * v), _cos(u, v), rtol=1e-10,
                 atol=1e-14)


# ---------------------------------------------------------------- 3.3 angle


@task("3.3", points=0.5, hint="theta = arccos(cos theta) in radians, in [0, pi]; clip the cosine "
      "to [-1, 1] first or arccos(1.0000000000000002) is nan.", **T33)
def test_angle_values(student):
    """Are known angles (0, pi/4, pi/2, pi) and random ones right, and never nan for u = v?"""
    cases = [([1.0, 0.0], [0.0, 2.0], np.pi / 2), ([1.0, 0.0], [3.0, 3.0], np.pi / 4),
             ([1.0, 2.0, 3.0], [-2.0, -4.0, -6.0], np.pi), ([1e200, 0.0], [0.0, 1e200], np.pi / 2)]
    for u, v, expected in cases:
        assert close(student.angle(np.array(u), np.array(v)), expected, rtol=1e-12)
    rng = np.random.default_rng(306)
    for _ in range(10):
        u, v = rng.normal(size=(2, 4))
        expected = np.arccos(np.clip(_cos(u, v), -1.0, 1.0))
        assert close(student.angle(u, v), expected, rtol=1e-9, atol=1e-12)
        same = scalar(student.angle(u, 2.0 * u))
        assert np.isfinite(same) and 0.0 <= same <= 1e-7
    # parallel pairs whose unclipped cosine rounds to just above 1 with the usual formulas
    # (np.dot over np.linalg.norm, sums of products, after scaling by the largest entry)
    for u, c in [([1.304, 0.947, -0.704, -1.265], 1.0), ([0.041, -2.325, -0.219], 0.1),
                 ([1.96, 1.802, 1.315, 0.357], 3.0)]:
        same = scalar(student.angle(np.array(u), c * np.array(u)))
        assert np.isfinite(same) and 0.0 <= same <= 1e-7


@task("3.3", points=0.5, hint="an angle with the zero vector does not exist: raise ValueError "
      "(for either argument) instead of returning a number.", **T33)
def test_angle_zero_vector_raises(student):
    """Is a zero vector (either argument) a ValueError, and nearly parallel about 0?"""
    u, zero = np.array([1.0, 2.0]), np.zeros(2)
    assert VALUE_ERROR in raised(student, "angle", u, zero)
    assert VALUE_ERROR in raised(student, "angle", zero, u)
    got = scalar(student.angle(np.array([1.0, 0.0]), np.array([1.0, 1e-9])))
    assert np.isfinite(got) and 0.0 <= got <= 1e-7


def _f64(got) -> np.ndarray:
    """An array answer of a task that is checked to near float64 precision (its text says
    so: float32 is named as the problem instead of failing a tight tolerance)."""
    return array(got, what="a float64 array", float64=True)


# ---------------------------------------------------------------- 3.4 projection


@task("3.4", points=0.5, hint="(<u, v> / <v, v>) v: a multiple of v, returned as an array of "
      "shape (d,).", **T34)
def test_project_random(student):
    """Does project(u, v) match (<u,v>/<v,v>) v on random vectors, with shape (d,)?"""
    rng = np.random.default_rng(307)
    for d in (1, 2, 5, 30):
        u, v = rng.normal(size=(2, d))
        assert close(student.project(u, v), np.dot(u, v) / np.dot(v, v) * v, rtol=1e-10,
                     atol=1e-13, what="an array of shape (d,)")


@task("3.4", points=0.5, hint="projecting twice changes nothing, the leftover u - proj is "
      "perpendicular to v, and only the line through v matters, not v's length.",
      **T34)
def test_project_properties(student):
    """Is projection idempotent, the residual orthogonal to v, and v's length irrelevant?"""
    rng = np.random.default_rng(308)
    u, v = rng.normal(size=(2, 6))
    p = _f64(student.project(u, v))
    assert np.allclose(_f64(student.project(p, v)), p, rtol=1e-10,
                       atol=1e-13)
    assert abs(np.dot(u - p, v)) <= 1e-12 * np.linalg.norm(u) * np.linalg.norm(v)
    assert np.allclose(_f64(student.project(u, -7.0 * v)), p, rtol=1e-10,
                       atol=1e-13)
    assert np.allclose(_f64(student.project(v, v)), v, rtol=1e-12, atol=0.0)


@task("3.4", points=0.5, hint="there is no line to project onto when v is the zero vector: "
      "raise ValueError. Projecting the zero vector u gives zeros.", **T34)
def test_project_zero_vectors(student):
    """Is projecting onto 0 a ValueError, and is the projection of 0 the zero vector?"""
    assert VALUE_ERROR in raised(student, "project", np.array([1.0, 2.0]), np.zeros(2))
    got = _f64(student.project(np.zeros(3), np.array([1.0, -1.0, 2.0])))
    assert got.shape == (3,) and np.all(got == 0.0)


@task("3.4", points=0.5, hint="a u perpendicular to v projects to the zero vector; a u nearly "
      "parallel to v projects almost onto itself.", **T34)
def test_project_perpendicular_and_nearly_parallel(student):
    """Is a perpendicular u sent to 0, and a nearly parallel u to almost itself?"""
    got = _f64(student.project(np.array([2.0, -1.0, 0.0]), np.array([1.0, 2.0, 5.0])))
    assert np.allclose(got, 0.0, atol=1e-15)
    v = np.array([3.0, 4.0, 12.0])
    u = 2.0 * v + np.array([1e-9, 0.0, 0.0])
    got = _f64(student.project(u, v))
    assert np.allclose(got, np.dot(u, v) / np.dot(v, v) * v, rtol=1e-12, atol=0.0)
    big = _f64(student.project(np.array([1e100, 1e100]), np.array([1e-5, 0.0])))
    assert np.allclose(big, [1e100, 0.0], rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- 3.5 Gram-Schmidt


def _gs(student, V, **kw):
    Q = array(student.gram_schmidt(np.asarray(V, dtype=float), **kw), np.shape(V),
              "an array Q of V's shape", float64=True)
    return Q.astype(float)


def _hilbert(d, k):
    i, j = np.indices((d, k))
    return 1.0 / (i + j + 1.0)


@task("3.5", points=0.5, hint="each column: subtract its projection onto every earlier q_i, then "
      "divide by its length, so that Q.T @ Q is the identity.", **T35)
def test_gram_schmidt_orthonormal(student):
    """Is Q.T @ Q the identity for random V of shapes (3, 3), (6, 2), (10, 5)?"""
    rng = np.random.default_rng(309)
    for d, k in [(3, 3), (6, 2), (10, 5), (4, 1)]:
        Q = _gs(student, rng.normal(size=(d, k)))
        assert np.allclose(Q.T @ Q, np.eye(k), atol=1e-12)


@task("3.5", points=0.5, hint="q_j may only use v_1..v_j: then the first j columns of Q span "
      "the same space as the first j columns of V (Q.T @ V is upper triangular).",
      **T35)
def test_gram_schmidt_nested_spans(student):
    """Do Q's first j columns span V's first j (Q.T V upper triangular, V = Q R)?"""
    rng = np.random.default_rng(310)
    V = rng.normal(size=(7, 4))
    Q = _gs(student, V)
    R = Q.T @ V
    assert np.allclose(np.tril(R, -1), 0.0, atol=1e-12)
    assert np.allclose(Q @ R, V, atol=1e-12)


@task("3.5", points=0.5, hint="normalise w / |w| with the sign it has: then each q_j points "
      "along v_j (q_j . v_j > 0), and Q agrees with a QR factorisation with R's diagonal > 0.",
      **T35)
def test_gram_schmidt_matches_qr_with_positive_diagonal(student):
    """Is Q[:, j] . V[:, j] > 0, so that Q is the QR factor with a positive diagonal?"""
    rng = np.random.default_rng(311)
    V = rng.normal(size=(6, 4))
    Q = _gs(student, V)
    assert np.all(np.sum(Q * V, axis=0) > 0)
    Qr, Rr = np.linalg.qr(V)
    Qr = Qr * np.sign(np.diag(Rr))
    assert np.allclose(Q, Qr, atol=1e-10)


@task("3.5", points=0.5, hint="if what is left of a column after subtracting the projections "
      "is tiny compared to its ORIGINAL length (or the column is zero), raise ValueError: a "
      "relative test, so that columns of tiny or huge entries are judged like unit ones; use "
      "the tol you are given.",
      **T35)
def test_gram_schmidt_dependent_columns_raise(student):
    """Is a zero, repeated or combined column a ValueError at every scale, while independent
    columns of tiny or huge scale are accepted, and is the tolerance it is given used?"""
    rng = np.random.default_rng(312)
    a, b = rng.normal(size=(2, 5))
    for V in (np.column_stack([a, np.zeros(5)]), np.column_stack([a, b, a]),
              np.column_stack([a, b, 2.0 * a - 3.0 * b]), np.column_stack([np.zeros(5), a])):
        assert VALUE_ERROR in raised(student, "gram_schmidt", V)
    V = rng.normal(size=(5, 3))
    for scale in (1e-8, 1e-12, 1e8, 1e12):
        Q = _gs(student, scale * V)
        assert np.allclose(Q.T @ Q, np.eye(3), rtol=0, atol=1e-10)
        dependent = scale * np.column_stack([a, b, 2.0 * a - 3.0 * b])
        assert VALUE_ERROR in raised(student, "gram_schmidt", dependent)
    Q = _gs(student, np.column_stack([1e8 * a, 1e-8 * b]))  # very different lengths
    assert np.allclose(Q.T @ Q, np.eye(2), rtol=0, atol=1e-10)
    nearly = np.column_stack([a, a + 1e-7 * b])  # independent, but not by tol=1e-6
    assert _gs(student, nearly).shape == (5, 2)
    assert VALUE_ERROR in raised(student, "gram_schmidt", nearly, tol=1e-6)


@task("3.5", points=0.5, hint="use the MODIFIED version: subtract each projection from the "
      "current w (w -= <w, q_i> q_i), not all of them computed from the original column.",
      **T35)
def test_gram_schmidt_nearly_parallel_columns(student):
    """Does Q stay orthonormal (to 1e-6) for nearly parallel and ill-conditioned columns?"""
    rng = np.random.default_rng(0)
    v = rng.normal(size=6)
    V = np.column_stack([v, v + 1e-7 * rng.normal(size=6), v + 1e-7 * rng.normal(size=6)])
    for W in (V, _hilbert(10, 7)):
        Q = _gs(student, W)
        assert np.abs(Q.T @ Q - np.eye(W.shape[1])).max() <= 1e-6


@task("3.5", points=0.5, hint="work on copies of the columns (w = V[:, j].copy()): the caller's "
      "V must not change; a single column is just normalised.", **T35)
def test_gram_schmidt_keeps_input_and_single_column(student):
    """Is V left unchanged, and is a single column returned normalised?"""
    V = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, -1.0]])
    call = observe(student, "gram_schmidt", V)
    assert np.array_equal(call.args[0], V)  # compared here, with the test's own V
    Q = np.asarray(call.returned, dtype=float)
    assert np.allclose(Q.T @ Q, np.eye(2), atol=1e-12)
    Q1 = _gs(student, np.array([[3.0], [0.0], [-4.0]]))
    assert np.allclose(Q1[:, 0], [0.6, 0.0, -0.8], rtol=1e-12, atol=0.0)


# ---------------------------------------------------------------- 3.6 Gram matrix


@task("3.6", points=0.5, hint="with one vector per ROW of X, all the inner products at once are "
      "X @ X.T, of shape (n, n).", **T36)
def test_gram_plain_random(student):
    """Is gram_matrix(X) equal to X X^T for random X of several shapes?"""
    rng = np.random.default_rng(313)
    for n, d in [(1, 3), (4, 2), (5, 8)]:
        X = rng.normal(size=(n, d))
        assert close(student.gram_matrix(X), X @ X.T, rtol=1e-12, atol=1e-13,
                     what="an (n, n) array")


@task("3.6", points=0.5, hint="the weighted inner product is x_i^T W x_j, so the whole matrix "
      "is X @ W @ X.T.", **T36)
def test_gram_weighted_random(student):
    """Is gram_matrix(X, W) equal to X W X^T for random SPD W?"""
    rng = np.random.default_rng(314)
    for n, d in [(3, 3), (6, 4)]:
        X = rng.normal(size=(n, d))
        B = rng.normal(size=(d, d))
        W = B @ B.T + d * np.eye(d)
        assert close(student.gram_matrix(X, W), X @ W @ X.T, rtol=1e-11, atol=1e-12,
                     what="an (n, n) array")
        assert close(student.gram_matrix(X, W=W), X @ W @ X.T, rtol=1e-11, atol=1e-12,
                     what="an (n, n) array")


@task("3.6", points=0.5, hint="a Gram matrix is symmetric, has the squared lengths on its "
      "diagonal and no negative eigenvalue; W = I gives the plain one.", **T36)
def test_gram_properties(student):
    """Is G symmetric PSD with squared norms on its diagonal, and W = I the plain G?"""
    rng = np.random.default_rng(315)
    X = rng.normal(size=(6, 3))  # rank 3: G has three zero eigenvalues
    got = array(student.gram_matrix(X), (6, 6), "an (n, n) array")
    G = got.astype(float)
    slack = tolerance(got, 1e-12) * np.abs(G).max()  # float32 keeps ~7 digits (the policy)
    assert np.allclose(G, G.T, rtol=0, atol=slack)
    assert close(np.diag(got), np.sum(X * X, axis=1), rtol=1e-12)
    assert np.linalg.eigvalsh((G + G.T) / 2).min() >= -max(1e-10, 10 * slack)
    assert close(student.gram_matrix(X, np.eye(3)), X @ X.T, rtol=1e-12, atol=1e-13,
                 what="an (n, n) array")


@task("3.6", points=0.5, hint="a diagonal W weights each feature: entry (i, j) is "
      "sum_k w_k x_ik x_jk.", **T36)
def test_gram_diagonal_weights(student):
    """Does a diagonal W weight each feature as sum_k w_k x_ik x_jk?"""
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 4.0]])
    w = np.array([2.0, 0.5])
    expected = np.array([[sum(w[k] * X[i, k] * X[j, k] for k in range(2)) for j in range(3)]
                         for i in range(3)])
    assert close(student.gram_matrix(X, np.diag(w)), expected, rtol=1e-12,
                 what="an (n, n) array")


# ---------------------------------------------------------------- 3.7 nearest neighbours

WORD_VECTORS = np.array(
    [
        [0.9, 0.9, 0.0, 0.0, 0.0, 0.2],  # cat
        [0.9, 0.8, 0.0, 0.0, 0.1, 0.0],  # kitten
        [0.9, 0.9, 0.0, 0.0, 0.0, 0.4],  # dog
        [0.9, 0.0, 0.0, 0.0, 0.0, 0.5],  # wolf
        [0.0, 0.2, 0.9, 0.0, 0.0, 0.6],  # car
        [0.0, 0.0, 0.9, 0.0, 0.0, 1.0],  # truck
        [0.0, 0.3, 0.7, 0.0, 0.0, 0.1],  # bicycle
        [0.0, 0.0, 0.0, 0.9, 0.5, 0.1],  # apple
        [0.0, 0.0, 0.0, 0.9, 0.6, 0.1],  # banana
        [0.0, 0.1, 0.0, 0.8, 1.0, 0.2],  # cake
    ]
)


def _ranking(query, vectors, k):
    norms = np.sqrt(np.sum(vectors * vectors, axis=1)) * np.sqrt(np.sum(query * query))
    sim = np.divide(vectors @ query, norms, out=np.zeros(len(vectors)), where=norms > 0)
    return np.argsort(-sim, kind="stable")[:k]


def _nn(student, query, vectors, k):
    return integers(student.nearest_neighbours(query, vectors, k), (k,),
                    "an integer array of the k indices")


@task("3.7", points=0.5, hint="rank every row by its cosine similarity with the query, most "
      "similar first, and return the first k indices as an integer array.", **T37)
def test_nearest_neighbours_words_and_random(student):
    """Are the k nearest neighbours right for the word vectors and for random data (k = 1..n)?"""
    for i in (1, 5, 8):
        q = WORD_VECTORS[i] * 1.7
        assert np.array_equal(_nn(student, q, WORD_VECTORS, 4), _ranking(q, WORD_VECTORS, 4))
    rng = np.random.default_rng(316)
    vectors = rng.normal(size=(20, 6))
    query = rng.normal(size=6)
    for k in (1, 7, 20):
        assert np.array_equal(_nn(student, query, vectors, k), _ranking(query, vectors, k))


def _tied_rows():
    """72 rows in four levels of exactly equal similarity (multiples of four directions by
    powers of two, so every similarity of a level is the same float), interleaved. Ties this
    many are put out of index order by every unstable sort numpy has (introsort, heapsort,
    the SIMD sorts), whatever the CPU, so a missing kind='stable' fails everywhere."""
    directions = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0],
                           [-1.0, 0.5, 0.0]])
    scales = 2.0 ** np.arange(-9, 9)
    return np.array([directions[i % 4] * scales[(5 * i) % 18] for i in range(72)])


@task("3.7", points=0.5, hint="ties go to the smaller index: sort with a stable sort "
      "(np.argsort(-similarity, kind='stable')); numpy's default sort may put equal "
      "similarities in any order. A zero row has similarity 0, so it beats rows pointing "
      "away.", **T37)
def test_nearest_neighbours_ties_and_zero_rows(student):
    """Among many rows of exactly equal similarity, are the smaller indices first, and does a
    zero row score 0 (no nan, no crash)?"""
    query = np.array([1.0, 0.0])
    vectors = np.array([[-1.0, 0.0], [0.2, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.5],
                        [0.5, -2.0], [-1.0, 1.0]])
    assert np.array_equal(_nn(student, query, vectors, 7), [4, 2, 5, 1, 3, 6, 0])
    vectors = _tied_rows()
    for query in (np.array([1.0, 0.0, 0.0]), np.array([0.0, 2.0, 0.0])):
        for k in (72, 30, 5):
            assert np.array_equal(_nn(student, query, vectors, k), _ranking(query, vectors, k))


@task("3.7", points=0.5, hint="check k first: raise ValueError unless 1 <= k <= n (the number "
      "of rows).", **T37)
def test_nearest_neighbours_bad_k_raises(student):
    """Is k = 0, k < 0 or k > n a ValueError?"""
    vectors = np.eye(3)
    query = np.array([1.0, 1.0, 0.0])
    for k in (0, -1, 4):
        assert VALUE_ERROR in raised(student, "nearest_neighbours", query, vectors, k)


def _nn_counting_cosine(mod, query, vectors, k):
    """Run nearest_neighbours with cosine_similarity and angle replaced by a stub that
    counts its calls and stops the run; report the result (if any) and the count."""
    calls = []

    class _Unavailable(Exception):
        pass

    def unavailable(*_a, **_k):
        calls.append(1)
        raise _Unavailable

    saved = {name: getattr(mod, name) for name in ("cosine_similarity", "angle")
             if hasattr(mod, name)}
    returned = []
    for name in saved:
        setattr(mod, name, unavailable)
    try:
        returned = [mod.nearest_neighbours(query, vectors, k)]
    except _Unavailable:
        pass
    finally:
        for name, fn in saved.items():
            setattr(mod, name, fn)
    return {"returned": returned, "calls": len(calls)}


@task("3.7", points=0.5, hint="compute all similarities at once in numpy (vectors @ query "
      "divided by the row norms times the query norm), not by calling cosine_similarity in a "
      "loop.", **T37)
def test_nearest_neighbours_is_vectorised(student):
    """Does nearest_neighbours work without calling cosine_similarity (vectorised numpy)?"""
    rng = np.random.default_rng(317)
    vectors = rng.normal(size=(12, 4))
    query = rng.normal(size=4)
    got = student.probe(_nn_counting_cosine, query, vectors, 5)
    assert got["calls"] == 0  # it called cosine_similarity (or angle)
    assert len(got["returned"]) == 1
    assert np.array_equal(np.asarray(got["returned"][0]), _ranking(query, vectors, 5))
