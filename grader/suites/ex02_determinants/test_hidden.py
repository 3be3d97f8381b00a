"""Hidden suite for exercise 2, determinants (tasks 2.1 to 2.7).

References are computed here with numpy.linalg (the judge may use it; the learner may not in
Tasks 2.1 to 2.6). Properties are checked on the learner's own outputs: det(AB) = det(A) det(B),
a row swap flips the sign, det(A^T) = det(A), area scales by det A.

Points per task (must match the ``# ### Task`` headers of solutions/ex02_determinants.py):
2.1: 1, 2.2: 2, 2.3: 3, 2.4: 2, 2.5: 2, 2.6: 2, 2.7: 2.
"""

import numpy as np

from grader.judge.api import task
from grader.judge.policy import array, close, fixed, scalar
from grader.judge.probes import VALUE_ERROR, observe, raised

# "numpy and sympy only, and no np.linalg.det or np.linalg.slogdet in Tasks 2.1 to 2.6".
# "scipy" (any use of it, scipy.linalg included) is caught in the source; no run-time cost.
# Each is checked in the code of the task's own function and what it calls (functions=), so
# np.linalg.det in grad_logabsdet (Task 2.7 allows it) costs no other task anything.
NO_SCIPY = ("scipy",)
NO_DET = ("numpy.linalg.det", "numpy.linalg.slogdet", *NO_SCIPY)


def _scope(*functions, forbid=NO_DET) -> dict:
    """``forbid`` checked in the code of the task's ``functions`` (see grader/judge/api.py)."""
    return {"forbid": forbid, "functions": functions}


T21, T22, T23 = _scope("det_3x3"), _scope("det_laplace"), _scope("det_elimination")
T24, T25, T26 = _scope("slogdet"), _scope("orientation"), _scope("polygon_signed_area")
T27 = _scope("grad_logabsdet", forbid=NO_SCIPY)


def _det(student, fname, A) -> float:
    """The learner's determinant as one number (the policy: grader/judge/policy.py)."""
    return scalar(getattr(student, fname)(np.asarray(A, dtype=float)), "one number (a float)",
                  float64=True)


def _f64(got) -> np.ndarray:
    """An array answer of a task that is checked to near float64 precision (its text says
    so: float32 is named as the problem instead of failing a tight tolerance)."""
    return array(got, what="a float64 array", float64=True)


def _random_matrices(seed, sizes, count=3):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, n)) for n in sizes for _ in range(count)]


# ---------------------------------------------------------------- 2.1 det 3x3


@task("2.1", points=0.5, hint="a(ei - fh) - b(di - fg) + c(dh - eg): mind the minus sign on "
      "the middle term and which entries each minor uses.", **T21)
def test_det_3x3_random_and_integer(student):
    """Does det_3x3 agree with numpy on random and integer 3x3 matrices?"""
    cases = [*_random_matrices(201, [3], count=8),
             np.array([[2, -1, 0], [1, 3, 4], [0, 5, -2]], dtype=float),
             np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)]
    for A in cases:
        assert np.isclose(_det(student, "det_3x3", A), np.linalg.det(A), rtol=1e-10, atol=1e-12)
    assert _det(student, "det_3x3", np.array([[2, -1, 0], [1, 3, 4], [0, 5, -2]])) == -54.0


@task("2.1", points=0.5, hint="swapping two rows flips the sign, det(A^T) = det(A), and a matrix "
      "with a repeated row has determinant 0: check your formula against these facts.",
      **T21)
def test_det_3x3_properties(student):
    """Do row swaps flip the sign, does transposing keep det, and is a repeated row worth 0?"""
    rng = np.random.default_rng(202)
    A = rng.normal(size=(3, 3))
    d = _det(student, "det_3x3", A)
    assert np.isclose(d, np.linalg.det(A), rtol=1e-10, atol=0.0)
    assert np.isclose(_det(student, "det_3x3", A[[1, 0, 2]]), -d, rtol=1e-10, atol=0.0)
    assert np.isclose(_det(student, "det_3x3", A[[0, 2, 1]]), -d, rtol=1e-10, atol=0.0)
    assert np.isclose(_det(student, "det_3x3", A.T), d, rtol=1e-10, atol=0.0)
    assert np.isclose(_det(student, "det_3x3", np.diag([2.0, -3.0, 0.5])), -3.0, rtol=1e-12,
                      atol=0.0)
    singular = np.array([A[0], A[1], A[0]])
    assert abs(_det(student, "det_3x3", singular)) <= 1e-12 * (1 + np.abs(A).max() ** 3)


# ---------------------------------------------------------------- 2.2 Laplace


@task("2.2", points=0.5, hint="expand along the first row with signs (-1)^j, recursing on the "
      "minor without row 0 and column j; the 1x1 determinant is its entry.", **T22)
def test_det_laplace_random_sizes(student):
    """Does det_laplace agree with numpy on random matrices of sizes 1 to 6?"""
    for A in _random_matrices(203, [1, 2, 3, 4, 5, 6], count=2):
        assert np.isclose(_det(student, "det_laplace", A), np.linalg.det(A), rtol=1e-9,
                          atol=1e-12)


@task("2.2", points=0.5, hint="by convention the empty 0x0 matrix has determinant 1.0; a "
      "matrix that is not square (or not 2-d) must raise ValueError.", **T22)
def test_det_laplace_edge_cases(student):
    """Is det of a 0x0 matrix 1.0, of [[a]] equal to a, and is a non-square input a ValueError?"""
    assert _det(student, "det_laplace", np.zeros((0, 0))) == 1.0
    assert _det(student, "det_laplace", np.array([[-2.5]])) == -2.5
    for bad in (np.ones((2, 3)), np.ones((4, 1)), np.ones(3)):
        assert VALUE_ERROR in raised(student, "det_laplace", bad)


@task("2.2", points=0.5, hint="an entry of 0 in the first row contributes nothing; a "
      "triangular matrix's determinant is the product of its diagonal; a permutation matrix "
      "gives +1 or -1.", **T22)
def test_det_laplace_structured_matrices(student):
    """Is det_laplace right on triangular, permutation and zero-rich matrices?"""
    rng = np.random.default_rng(204)
    U = np.triu(rng.normal(size=(5, 5)))
    assert np.isclose(_det(student, "det_laplace", U), np.prod(np.diag(U)), rtol=1e-10, atol=0.0)
    assert np.isclose(_det(student, "det_laplace", U.T), np.prod(np.diag(U)), rtol=1e-10, atol=0.0)
    P = np.eye(5)[[3, 0, 4, 1, 2]]
    assert np.isclose(_det(student, "det_laplace", P), np.linalg.det(P), rtol=1e-12, atol=0.0)
    S = np.array([[0, 0, 3, 0], [1, 0, 0, 2], [0, 4, 0, 0], [5, 0, 1, 6]], dtype=float)
    assert np.isclose(_det(student, "det_laplace", S), np.linalg.det(S), rtol=1e-10, atol=0.0)


@task("2.2", points=0.5, hint="the determinant is multiplicative and flips sign under a row "
      "swap; if yours doesn't, check the alternating signs and the minors.", **T22)
def test_det_laplace_properties(student):
    """Does det(AB) = det(A) det(B) and does a row swap flip the sign, for 4x4 and 5x5 matrices?"""
    rng = np.random.default_rng(205)
    for n in (4, 5):
        A, B = rng.normal(size=(n, n)), rng.normal(size=(n, n))
        da, db = _det(student, "det_laplace", A), _det(student, "det_laplace", B)
        assert np.isclose(_det(student, "det_laplace", A @ B), da * db, rtol=1e-8, atol=0.0)
        swapped = A.copy()
        swapped[[0, n - 1]] = swapped[[n - 1, 0]]
        assert np.isclose(_det(student, "det_laplace", swapped), -da, rtol=1e-9, atol=0.0)


# ---------------------------------------------------------------- 2.3 elimination


@task("2.3", points=0.5, hint="eliminate below each pivot, multiply the pivots, and flip the "
      "sign once per row swap.", **T23)
def test_det_elimination_random(student):
    """Does det_elimination agree with numpy on random matrices of sizes 1 to 8?"""
    for A in _random_matrices(206, [1, 2, 3, 5, 8], count=2):
        assert np.isclose(_det(student, "det_elimination", A), np.linalg.det(A), rtol=1e-9,
                          atol=1e-12)


@task("2.3", points=0.5, hint="a zero (or tiny) pivot must not be divided by: swap up the row "
      "with the largest ABSOLUTE value in the column (partial pivoting: np.abs before "
      "np.argmax; a large negative entry is a good pivot), and count the swap.", **T23)
def test_det_elimination_needs_pivoting(student):
    """Is det_elimination right where the natural pivot is zero or tiny, with positive or
    negative entries below it?"""
    cases = [np.array([[0.0, 1.0], [1.0, 0.0]]),
             np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 1.0], [2.0, 0.0, 3.0]]),
             np.array([[1e-20, 1.0, 1.0], [1.0, 1.0, 2.0], [1.0, 2.0, 1.0]]),
             np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
             # below the zero or tiny pivot only negative entries: the largest SIGNED entry
             # is the useless pivot itself
             np.array([[0.0, 1.0, 1.0], [-1.0, 0.0, 2.0], [-3.0, 1.0, 1.0]]),
             np.array([[1e-20, 1.0, 1.0], [-1.0, 1.0, 2.0], [-2.0, 2.0, 1.0]]),
             np.array([[1e-18, 0.0, 1.0, 2.0], [-3.0, 1.0, 0.0, 1.0],
                       [-1.0, -2.0, 1e-17, 1.0], [0.5, 1.0, -4.0, 2.0]])]
    rng = np.random.default_rng(216)
    cases += [-np.abs(rng.normal(size=(n, n))) * 10.0 ** rng.integers(-8, 9) for n in (4, 6)]
    for A in cases:
        assert np.isclose(_det(student, "det_elimination", A), np.linalg.det(A), rtol=1e-9,
                          atol=0.0)


@task("2.3", points=0.5, hint="if the whole column at and below the pivot is zero the matrix "
      "is singular: return 0.0 (never nan or an error).", **T23)
def test_det_elimination_singular(student):
    """Is a singular matrix worth 0 (exactly, when elimination meets a zero column)?"""
    assert _det(student, "det_elimination", np.array([[1.0, 2.0], [2.0, 4.0]])) == 0.0
    assert _det(student, "det_elimination", np.zeros((3, 3))) == 0.0
    Z = np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 4.0], [5.0, 0.0, 6.0]])
    assert _det(student, "det_elimination", Z) == 0.0
    rng = np.random.default_rng(207)
    low_rank = rng.normal(size=(6, 3)) @ rng.normal(size=(3, 6))
    got = _det(student, "det_elimination", low_rank)
    assert np.isfinite(got) and abs(got) <= 1e-9


@task("2.3", points=0.5, hint="work on np.array(A, dtype=float): never change the caller's array, "
      "and an integer matrix must not be eliminated in integer arithmetic.", **T23)
def test_det_elimination_copies_as_float(student):
    """Is the input left unchanged, and is an integer-typed matrix handled in floating point?"""
    A = np.array([[0.0, 2.0, 1.0], [4.0, 1.0, 3.0], [1.0, 5.0, 2.0]])
    call = observe(student, "det_elimination", A)
    assert np.array_equal(call.args[0], A)  # compared here, with the test's own copy
    assert np.isclose(float(call.returned), np.linalg.det(A), rtol=1e-10, atol=0.0)
    M = np.array([[2, 7, 1], [3, 1, 4], [5, 2, 9]], dtype=np.int64)
    assert close(student.det_elimination(M), np.linalg.det(M), rtol=1e-10)


@task("2.3", points=0.5, hint="for a non-square (or non-2-d) input raise ValueError before "
      "eliminating anything.", **T23)
def test_det_elimination_rejects_non_square(student):
    """Is a non-square or 1-d input a ValueError?"""
    for bad in (np.ones((2, 3)), np.ones((3, 2)), np.ones(4)):
        assert VALUE_ERROR in raised(student, "det_elimination", bad)


@task("2.3", points=0.5, hint="the determinant is multiplicative, det(cA) = c^n det(A), and "
      "det(A^T) = det(A): a wrong sign bookkeeping or pivot product breaks these, and so "
      "does calling a small pivot zero by an absolute threshold (only an exact zero column "
      "means singular).", **T23)
def test_det_elimination_properties(student):
    """Do det(AB) = det(A) det(B), det(cA) = c^n det(A) for tiny and huge c, and
    det(A^T) = det(A) hold (6x6)?"""
    rng = np.random.default_rng(208)
    A, B = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    da, db = _det(student, "det_elimination", A), _det(student, "det_elimination", B)
    assert np.isclose(da, np.linalg.det(A), rtol=1e-9, atol=0.0)
    assert np.isclose(_det(student, "det_elimination", A @ B), da * db, rtol=1e-8, atol=0.0)
    assert np.isclose(_det(student, "det_elimination", -2.0 * A), 64.0 * da, rtol=1e-9, atol=0.0)
    for c in (1e-12, 1e-8, 1e8):  # every scale the maths allows: no absolute thresholds
        assert np.isclose(_det(student, "det_elimination", c * A), c**6 * da, rtol=1e-9,
                          atol=0.0)
    assert np.isclose(_det(student, "det_elimination", A.T), da, rtol=1e-9, atol=0.0)


# ---------------------------------------------------------------- 2.4 slogdet


def _slog(student, A):
    sign, logabs = fixed(student.slogdet(np.asarray(A, dtype=float)), ("sign", "logabsdet"))
    return scalar(sign), scalar(logabs)


@task("2.4", points=0.5, hint="return (sign, logabsdet): add log|pivot| instead of multiplying "
      "pivots, and track the sign from the row swaps and the negative pivots.", **T24)
def test_slogdet_random(student):
    """Does slogdet agree with numpy's on random matrices of sizes 1 to 7?"""
    for A in _random_matrices(209, [1, 2, 4, 7], count=2):
        sign, logabs = _slog(student, A)
        ref_sign, ref_log = np.linalg.slogdet(A)
        assert sign == ref_sign
        assert np.isclose(logabs, ref_log, rtol=1e-9, atol=1e-10)


@task("2.4", points=0.5, hint="10^400 overflows and 10^-400 underflows: never form the product "
      "of the pivots, add their logs.", **T24)
def test_slogdet_extreme_scales(student):
    """Is logabsdet finite and right where det itself overflows or underflows?"""
    n = 120
    for c in (1e3, 1e-3):
        sign, logabs = _slog(student, c * np.eye(n))
        assert sign == 1.0
        assert np.isclose(logabs, n * np.log(c), rtol=1e-12, atol=0.0)
    rng = np.random.default_rng(210)
    A = 100.0 * (np.eye(200) + 0.05 * rng.normal(size=(200, 200)))  # det ~ 1e400
    sign, logabs = _slog(student, A)
    ref_sign, ref_log = np.linalg.slogdet(A)
    assert sign == ref_sign
    assert np.isclose(logabs, ref_log, rtol=1e-9, atol=0.0)


@task("2.4", points=0.5, hint="the sign flips for every row swap AND for every negative pivot.",
      **T24)
def test_slogdet_signs(student):
    """Are the signs right for negative diagonals, permutations and pivot-needing matrices?"""
    cases = [np.diag([-1.0, 2.0, 3.0]), np.diag([-1.0, -2.0, 3.0]),
             np.eye(4)[[1, 0, 3, 2]], np.eye(3)[[1, 2, 0]],
             np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 1.0], [2.0, 0.0, 3.0]]),
             np.array([[1e-20, 1.0, 1.0], [1.0, 1.0, 2.0], [1.0, 2.0, 1.0]]),
             np.array([[0.0, 1.0, 1.0], [-1.0, 0.0, 2.0], [-3.0, 1.0, 1.0]]),
             np.array([[1e-20, 1.0, 1.0], [-1.0, 1.0, 2.0], [-2.0, 2.0, 1.0]])]
    for A in cases:
        sign, logabs = _slog(student, A)
        ref_sign, ref_log = np.linalg.slogdet(A)
        assert sign == ref_sign
        assert np.isclose(logabs, ref_log, rtol=1e-9, atol=1e-12)


@task("2.4", points=0.5, hint="a singular matrix gives (0.0, -inf), not nan or an error; a "
      "non-square input raises ValueError; and the caller's array must not change.",
      **T24)
def test_slogdet_singular_and_errors(student):
    """Is singular (0.0, -inf), non-square a ValueError, and the input left unchanged?"""
    for A in (np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((3, 3)),
              np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 4.0], [5.0, 0.0, 6.0]])):
        sign, logabs = _slog(student, A)
        assert sign == 0.0 and np.isneginf(logabs)
    assert VALUE_ERROR in raised(student, "slogdet", np.ones((2, 3)))
    A = np.array([[0.0, 2.0, 1.0], [4.0, 1.0, 3.0], [1.0, 5.0, 2.0]])
    call = observe(student, "slogdet", A)
    assert np.array_equal(call.args[0], A)


# ---------------------------------------------------------------- 2.5 orientation


def _orient(student, a, b, c, **kw):
    got = student.orientation(np.asarray(a, float), np.asarray(b, float), np.asarray(c, float),
                              **kw)
    return int(got)


@task("2.5", points=0.5, hint="put b - a and c - a in the columns of a 2x2 matrix: its "
      "determinant is positive for a left (counterclockwise) turn. Return the int 1, -1 or 0.",
      **T25)
def test_orientation_basic(student):
    """Is a counterclockwise turn 1, a clockwise turn -1, and a straight line 0?"""
    got = student.orientation(np.array([0.0, 0.0]), np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert int(got) == 1 and float(got) == 1.0
    assert _orient(student, [0, 0], [0, 1], [1, 0]) == -1
    assert _orient(student, [0, 0], [1, 1], [3, 3]) == 0
    assert _orient(student, [2, 5], [4, 1], [7, 3]) == 1
    assert _orient(student, [1, 1], [1, 1], [4, 2]) == 0


@task("2.5", points=0.5, hint="the answer is the sign of det[b - a, c - a] with the edge "
      "vectors as columns.", **T25)
def test_orientation_random_triangles(student):
    """Does orientation match the sign of the determinant on random, clear triangles?"""
    rng = np.random.default_rng(211)
    checked = 0
    while checked < 12:
        a, b, c = rng.uniform(-10, 10, size=(3, 2))
        u, v = b - a, c - a
        d = u[0] * v[1] - u[1] * v[0]
        if abs(d) < 1e-3 * np.hypot(*u) * np.hypot(*v):
            continue
        assert _orient(student, a, b, c) == int(np.sign(d))
        checked += 1


@task("2.5", points=0.5, hint="compare |det| with tol * |b - a| * |c - a|, a RELATIVE test: "
      "collinear points must give 0 at every scale, and a clear turn must not become 0 just "
      "because the triangle is tiny.", **T25)
def test_orientation_relative_tolerance(student):
    """Is the collinearity test relative: right for tiny and huge triangles and rounding noise?"""
    assert _orient(student, [0.1, 0.1], [0.2, 0.2], [0.3, 0.3]) == 0
    assert _orient(student, [0.0, 0.0], [0.1, 0.3], [0.7, 2.1]) == 0
    assert _orient(student, [0.0, 0.0], [1e-9, 0.0], [0.0, 1e-9]) == 1
    assert _orient(student, [0.0, 0.0], [0.0, 1e-9], [1e-9, 0.0]) == -1
    assert _orient(student, [1e8, 1e8], [2e8, 2e8], [3e8, 3e8 + 1e-7]) == 0
    assert _orient(student, [0.0, 0.0], [1e8, 0.0], [0.0, 1e8]) == 1
    assert _orient(student, [0.0, 0.0], [1.0, 0.0], [2.0, 1e-6]) == 1
    assert _orient(student, [0.0, 0.0], [1.0, 0.0], [2.0, 1e-6], tol=1e-3) == 0


@task("2.5", points=0.5, hint="a cyclic relabelling (b, c, a) keeps the turn; swapping two "
      "points reverses it.", **T25)
def test_orientation_permutations(student):
    """Does a cyclic shift keep the orientation and a swap of two points flip it?"""
    rng = np.random.default_rng(212)
    for _ in range(4):
        a, b, c = rng.uniform(-5, 5, size=(3, 2))
        o = _orient(student, a, b, c)
        assert o in (1, -1)
        assert _orient(student, b, c, a) == o
        assert _orient(student, c, a, b) == o
        assert _orient(student, b, a, c) == -o
        assert _orient(student, a, c, b) == -o


# ---------------------------------------------------------------- 2.6 polygon area


def _area(P):
    Q = np.roll(P, -1, axis=0)
    return 0.5 * np.sum(P[:, 0] * Q[:, 1] - Q[:, 0] * P[:, 1])


@task("2.6", points=0.5, hint="sum x_i y_(i+1) - x_(i+1) y_i over all edges, INCLUDING the one "
      "from the last vertex back to the first, and halve it.", **T26)
def test_polygon_area_basic_shapes(student):
    """Is the unit square +1 counterclockwise and -1 clockwise, and a triangle right?"""
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert close(student.polygon_signed_area(square), 1.0, rtol=1e-12)
    assert close(student.polygon_signed_area(square[::-1]), -1.0, rtol=1e-12)
    tri = np.array([[1.0, 1.0], [4.0, 1.0], [1.0, 5.0]])
    assert close(student.polygon_signed_area(tri), 6.0, rtol=1e-12)


@task("2.6", points=0.5, hint="the shoelace sum is exact for every simple polygon, convex or "
      "not, with any number of vertices.", **T26)
def test_polygon_area_regular_and_nonconvex(student):
    """Is the area right for regular n-gons and a non-convex L-shape?"""
    for n in (3, 7, 50):
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        P = 2.0 * np.column_stack([np.cos(t), np.sin(t)])
        expected = 0.5 * n * 4.0 * np.sin(2 * np.pi / n)
        assert close(student.polygon_signed_area(P), expected, rtol=1e-10)
    L = np.array([[0, 0], [3, 0], [3, 1], [1, 1], [1, 2], [0, 2]], dtype=float)
    assert close(student.polygon_signed_area(L), 4.0, rtol=1e-12)


@task("2.6", points=0.5, hint="mapping every vertex through A multiplies the signed area by "
      "det A; a reflection makes it negative.", **T26)
def test_polygon_area_scales_by_det(student):
    """Does mapping the vertices through A multiply the signed area by det A, sign included?"""
    rng = np.random.default_rng(213)
    t = np.sort(rng.uniform(0, 2 * np.pi, size=9))
    P = np.column_stack([np.cos(t), np.sin(t)]) * rng.uniform(0.5, 1.5, size=(9, 1))
    base = scalar(student.polygon_signed_area(P))
    assert np.isclose(base, _area(P), rtol=1e-10, atol=0.0)
    for A in (rng.normal(size=(2, 2)), np.array([[0.0, 1.0], [1.0, 0.0]])):
        mapped = scalar(student.polygon_signed_area(P @ A.T))
        assert np.isclose(mapped, np.linalg.det(A) * base, rtol=1e-9, atol=0.0)


@task("2.6", points=0.5, hint="the area doesn't depend on where the polygon sits or on which "
      "vertex you start from.", **T26)
def test_polygon_area_invariances(student):
    """Is the area unchanged by a far translation and by starting at another vertex?"""
    P = np.array([[0.0, 0.0], [4.0, 0.0], [5.0, 3.0], [2.0, 5.0], [-1.0, 2.0]])
    base = scalar(student.polygon_signed_area(P))
    assert np.isclose(base, _area(P), rtol=1e-12, atol=0.0)
    assert close(student.polygon_signed_area(P + np.array([1e3, -2e3])), base, rtol=1e-9)
    assert close(student.polygon_signed_area(np.roll(P, 2, axis=0)), base, rtol=1e-12)


# ---------------------------------------------------------------- 2.7 gradient of log|det|


def _logabsdet(A):
    return np.linalg.slogdet(A)[1]


@task("2.7", points=0.5, hint="the gradient is the inverse TRANSPOSED: entry (i, j) is "
      "(A^-1)[j, i].", **T27)
def test_grad_logabsdet_random(student):
    """Is grad_logabsdet(A) equal to inv(A).T on random matrices, with shape (n, n)?"""
    for A in _random_matrices(214, [1, 2, 4, 6], count=2):
        assert close(student.grad_logabsdet(A), np.linalg.inv(A).T, rtol=1e-8, atol=1e-10,
                     what="an (n, n) array", float64=True)


@task("2.7", points=0.5, hint="check one entry with a central difference: nudge A[i, j] up and "
      "down and compare the change in log|det A| with your (i, j) entry.", **T27)
def test_grad_logabsdet_central_differences(student):
    """Does every entry match a central difference of log|det A| (non-symmetric, negative det)?"""
    rng = np.random.default_rng(215)
    A = rng.normal(size=(4, 4))
    if np.linalg.det(A) > 0:
        A[[0, 1]] = A[[1, 0]]
    got = _f64(student.grad_logabsdet(A))
    h = 1e-6
    numeric = np.zeros_like(A)
    for i in range(4):
        for j in range(4):
            E = np.zeros_like(A)
            E[i, j] = h
            numeric[i, j] = (_logabsdet(A + E) - _logabsdet(A - E)) / (2 * h)
    assert got.shape == (4, 4)
    assert np.allclose(got, numeric, rtol=1e-5, atol=1e-6)


@task("2.7", points=0.5, hint="for a diagonal matrix log|det A| = sum log|a_ii|, so the gradient "
      "is diag(1/a_ii); a 1x1 matrix [[a]] gives [[1/a]].", **T27)
def test_grad_logabsdet_diagonal(student):
    """Is the gradient diag(1/a_ii) for diagonal A, including negative entries and 1x1?"""
    D = np.diag([2.0, -0.5, 4.0])
    got = _f64(student.grad_logabsdet(D))
    assert np.allclose(got, np.diag([0.5, -2.0, 0.25]), rtol=1e-12, atol=1e-15)
    got1 = _f64(student.grad_logabsdet(np.array([[-8.0]])))
    assert got1.shape == (1, 1) and np.isclose(got1[0, 0], -0.125, rtol=1e-12, atol=0.0)


@task("2.7", points=0.5, hint="a singular matrix has no gradient of log|det| (it is -inf): raise "
      "ValueError (np.linalg.LinAlgError is one); so does a non-square input.",
      **T27)
def test_grad_logabsdet_errors(student):
    """Is a singular or non-square input a ValueError?"""
    for bad in (np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((3, 3)), np.ones((2, 3))):
        assert VALUE_ERROR in raised(student, "grad_logabsdet", bad)
