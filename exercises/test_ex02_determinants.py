"""Public tests for exercise 2, determinants.

Each task's tests call only that task's own function, with fixed data. numpy's own
``np.linalg.det`` and ``np.linalg.slogdet`` are used here as the reference; your code
must not use them (the grader checks).
"""

import ex02_determinants as ex
import numpy as np
import pytest
from _feedback import check_answer, check_close, check_not_used, check_raises, check_true

RNG = np.random.default_rng(2024)
A3 = np.array([[2.0, -1.0, 0.5], [1.0, 3.0, 2.0], [0.0, 4.0, -1.0]])
A5 = RNG.normal(size=(5, 5))
A8 = RNG.normal(size=(8, 8))

# ---------------------------------------------------------------- 2.1 3x3


@pytest.mark.task_2_1
def test_det_3x3_known_value():
    """Is det_3x3 right on a fixed matrix (det = -21)?"""
    check_close("2.1", "det_3x3: a fixed matrix", ex.det_3x3(A3), np.linalg.det(A3),
                inputs={"A": A3},
                hint="a(ei - fh) - b(di - fg) + c(dh - eg); mind the minus sign on the middle term.")


@pytest.mark.task_2_1
def test_det_3x3_identity_and_permutation():
    """Is det_3x3 equal to 1 for the identity and -1 after swapping two columns?"""
    I3 = np.eye(3)
    check_close("2.1", "det_3x3: identity", ex.det_3x3(I3), 1.0, inputs={"A": I3},
                hint="the identity keeps every volume: its determinant is 1.")
    P = I3[:, [1, 0, 2]]
    check_close("2.1", "det_3x3: two columns swapped", ex.det_3x3(P), -1.0, inputs={"A": P},
                hint="a swap is a reflection: it flips orientation, so the sign flips.")


@pytest.mark.task_2_1
def test_det_3x3_random_matrices():
    """Does det_3x3 agree with numpy on five random 3x3 matrices?"""
    for A in np.random.default_rng(21).normal(size=(5, 3, 3)):
        check_close("2.1", "det_3x3: a random matrix", ex.det_3x3(A), np.linalg.det(A),
                    inputs={"A": A}, rtol=1e-9, atol=1e-12,
                    hint="expand along the first row with alternating signs +, -, +.")


# ---------------------------------------------------------------- 2.2 Laplace


@pytest.mark.task_2_2
@pytest.mark.parametrize("A", [np.array([[4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), A3, A5],
                         ids=["1x1", "2x2", "3x3", "5x5"])
def test_det_laplace_matches_numpy(A):
    """Does det_laplace agree with numpy on 1x1 to 5x5 matrices?"""
    check_close("2.2", f"det_laplace: a {A.shape[0]}x{A.shape[0]} matrix", ex.det_laplace(A),
                np.linalg.det(A), inputs={"A": A}, rtol=1e-9, atol=1e-12,
                hint="sum over j of (-1)**j * A[0, j] * det_laplace(minor without row 0 and "
                     "column j); a 1x1 matrix is its own entry.")


@pytest.mark.task_2_2
def test_det_laplace_singular_matrix():
    """Is det_laplace zero for a matrix with two equal rows?"""
    A = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 5.0, 2.0], [1.0, 2.0, 3.0, 4.0],
                  [2.0, 0.0, 1.0, 1.0]])
    check_close("2.2", "det_laplace: two equal rows", ex.det_laplace(A), 0.0, inputs={"A": A},
                atol=1e-9, hint="two equal rows span no volume; check the signs of your cofactors.")


@pytest.mark.task_2_2
def test_det_laplace_rejects_non_square():
    """Does det_laplace raise a ValueError for a 2x3 matrix?"""
    check_raises("2.2", "det_laplace: a non-square matrix is rejected", ex.det_laplace,
                 np.ones((2, 3)), exc=ValueError,
                 hint="check A.ndim == 2 and A.shape[0] == A.shape[1] first; raise ValueError.")


# ---------------------------------------------------------------- 2.3 elimination


@pytest.mark.task_2_3
@pytest.mark.parametrize("A", [A3, A5, A8], ids=["3x3", "5x5", "8x8"])
def test_det_elimination_matches_numpy(A):
    """Does det_elimination agree with numpy on random matrices?"""
    check_close("2.3", f"det_elimination: a {A.shape[0]}x{A.shape[0]} matrix",
                ex.det_elimination(A), np.linalg.det(A), inputs={"A": A}, rtol=1e-9,
                hint="multiply the pivots, and flip the sign once for every row swap.")


@pytest.mark.task_2_3
def test_det_elimination_needs_pivoting():
    """Is det_elimination right when the top-left entry is 0, so a row swap is needed?"""
    A = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [4.0, -3.0, 8.0]])
    with np.errstate(all="ignore"):
        got = ex.det_elimination(A)
    check_close("2.3", "det_elimination: zero in the top-left corner", got, np.linalg.det(A),
                inputs={"A": A}, rtol=1e-9,
                hint="swap up the row with the largest |entry| in the column before dividing.")


@pytest.mark.task_2_3
def test_det_elimination_singular_and_does_not_modify_input():
    """Is det_elimination 0 for a singular matrix, and is A left untouched?"""
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    before = A.copy()
    with np.errstate(all="ignore"):
        got = ex.det_elimination(A)
    check_close("2.3", "det_elimination: a singular matrix", got, 0.0, inputs={"A": before},
                atol=1e-12, hint="if the whole column below the diagonal is 0, return 0.0.")
    check_true("2.3", "det_elimination: the input matrix is not modified",
               np.array_equal(A, before), inputs={"A before": before}, got=A,
               hint="work on a copy: U = np.array(A, dtype=float).")


# ---------------------------------------------------------------- 2.4 slogdet


@pytest.mark.task_2_4
def test_slogdet_matches_numpy():
    """Does slogdet agree with np.linalg.slogdet on random matrices of both signs?"""
    for A in [A3, A5, A8, A5[:, ::-1]]:
        got = ex.slogdet(A)
        sign, logabs = np.linalg.slogdet(A)
        check_close("2.4", "slogdet: a random matrix", np.array(got, dtype=float),
                    np.array([sign, logabs]), inputs={"A": A}, rtol=1e-9,
                    hint="log|det| is the sum of log|pivot|; the sign flips for each row swap "
                         "and each negative pivot.")


@pytest.mark.task_2_4
@pytest.mark.parametrize("scale", [10.0, 0.1])
def test_slogdet_no_overflow(scale):
    """Is slogdet finite for 400x400 scaled identities, whose det is 10**400 or 10**-400?"""
    A = scale * np.eye(400)
    got = ex.slogdet(A)
    check_close("2.4", f"slogdet: {scale} * eye(400)", np.array(got, dtype=float),
                np.array([1.0, 400 * np.log(scale)]), inputs={"A": f"{scale} * np.eye(400)"},
                rtol=1e-9,
                hint="the product of 400 pivots over- or underflows: add their logs instead.")


@pytest.mark.task_2_4
def test_slogdet_singular():
    """Is slogdet (0, -inf) for a singular matrix?"""
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    with np.errstate(all="ignore"):
        got = ex.slogdet(A)
    check_true("2.4", "slogdet: a singular matrix",
               len(got) == 2 and got[0] == 0 and np.isneginf(got[1]), inputs={"A": A}, got=got,
               hint="when no nonzero pivot is left, return (0.0, -inf).")


# ---------------------------------------------------------------- 2.5 orientation

ORIENTATION_CASES = [
    ([0, 0], [1, 0], [0, 1], 1),
    ([0, 0], [0, 1], [1, 0], -1),
    ([0, 0], [1, 1], [2, 2], 0),
    ([1, 1], [3, 2], [2, 5], 1),
    ([1e6, 1e6], [1e6 + 1, 1e6], [1e6 + 1, 1e6 - 1], -1),
]


@pytest.mark.task_2_5
@pytest.mark.parametrize(("a", "b", "c", "expected"), ORIENTATION_CASES,
                         ids=["ccw", "cw", "collinear", "ccw-offset", "cw-far-away"])
def test_orientation_cases(a, b, c, expected):
    """Does orientation tell left turns (+1), right turns (-1) and straight lines (0) apart?"""
    a, b, c = (np.array(v, dtype=float) for v in (a, b, c))
    got = ex.orientation(a, b, c)
    check_true("2.5", "orientation: a fixed triangle", got == expected,
               inputs={"a": a, "b": b, "c": c, "expected": expected}, got=got,
               hint="the sign of det [b - a, c - a] with the edge vectors as columns: "
                    "(b-a)_x (c-a)_y - (b-a)_y (c-a)_x.")


@pytest.mark.task_2_5
def test_orientation_cyclic_and_swap():
    """Is the orientation the same for (b, c, a) and opposite for (b, a, c)?"""
    a, b, c = np.array([0.3, -1.0]), np.array([2.0, 0.5]), np.array([-1.0, 2.0])
    first, cyclic, swapped = ex.orientation(a, b, c), ex.orientation(b, c, a), ex.orientation(b, a, c)
    check_true("2.5", "orientation: cyclic shift keeps, swap flips",
               first == cyclic == -swapped and first != 0,
               inputs={"a": a, "b": b, "c": c}, got=(first, cyclic, swapped),
               hint="a cyclic relabelling walks the same triangle; swapping two points walks it "
                    "backwards.")


# ---------------------------------------------------------------- 2.6 polygon area


@pytest.mark.task_2_6
def test_polygon_signed_area_unit_square_both_ways():
    """Is the unit square's signed area +1 counterclockwise and -1 clockwise?"""
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    check_close("2.6", "polygon_signed_area: unit square, counterclockwise",
                ex.polygon_signed_area(square), 1.0, inputs={"P": square},
                hint="0.5 * sum of x_i y_(i+1) - x_(i+1) y_i, wrapping around to the first vertex.")
    check_close("2.6", "polygon_signed_area: unit square, clockwise",
                ex.polygon_signed_area(square[::-1]), -1.0, inputs={"P": square[::-1]},
                hint="walking the other way flips the sign of every term.")


@pytest.mark.task_2_6
def test_polygon_signed_area_non_convex():
    """Is the area of an L-shape (a 2x2 square minus a 1x1 corner) equal to 3?"""
    L = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 2.0], [0.0, 2.0]])
    check_close("2.6", "polygon_signed_area: L-shape", ex.polygon_signed_area(L), 3.0,
                inputs={"P": L}, hint="the shoelace sum is exact for non-convex polygons too.")


@pytest.mark.task_2_6
def test_polygon_area_scales_by_det():
    """Does mapping a polygon through A multiply its signed area by det A (sign included)?"""
    P = np.array([[0.0, 0.0], [3.0, 0.5], [2.0, 2.0], [0.5, 1.5]])
    for A in [np.array([[1.5, 0.7], [-0.4, 1.2]]), np.array([[0.0, 1.0], [2.0, 0.5]])]:
        before, after = ex.polygon_signed_area(P), ex.polygon_signed_area(P @ A.T)
        check_close("2.6", "polygon_signed_area: area(A P) = det(A) area(P)", after,
                    np.linalg.det(A) * before, inputs={"P": P, "A": A}, rtol=1e-9,
                    hint="if this fails but the squares pass, check the wrap-around term "
                         "(last vertex to first).")


# ---------------------------------------------------------------- 2.7 gradient


@pytest.mark.task_2_7
def test_grad_logabsdet_diagonal():
    """For a diagonal matrix, is the gradient diag(1 / a_ii)?"""
    A = np.diag([2.0, -4.0, 0.5])
    check_close("2.7", "grad_logabsdet: diagonal matrix", ex.grad_logabsdet(A),
                np.diag([0.5, -0.25, 2.0]), inputs={"A": A},
                hint="log|det A| = sum log|a_ii| here, and d/da log|a| = 1/a.")


@pytest.mark.task_2_7
def test_grad_logabsdet_matches_central_differences():
    """Does the gradient agree with central differences of log|det A| (note the transpose)?"""
    A = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [1.0, -1.0, 1.5]])
    eps = 1e-6
    numeric = np.zeros_like(A)
    for i in range(3):
        for j in range(3):
            E = np.zeros_like(A)
            E[i, j] = eps
            numeric[i, j] = (np.linalg.slogdet(A + E)[1] - np.linalg.slogdet(A - E)[1]) / (2 * eps)
    check_close("2.7", "grad_logabsdet: a non-symmetric matrix", ex.grad_logabsdet(A), numeric,
                inputs={"A": A}, rtol=1e-6, atol=1e-8,
                hint="entry (i, j) of the gradient is entry (j, i) of the inverse: A^-T, "
                     "not A^-1.")


@pytest.mark.task_2_7
def test_grad_logabsdet_rejects_singular():
    """Does grad_logabsdet raise a ValueError for a singular matrix?"""
    check_raises("2.7", "grad_logabsdet: a singular matrix is rejected", ex.grad_logabsdet,
                 np.array([[1.0, 2.0], [2.0, 4.0]]), exc=ValueError,
                 hint="np.linalg.inv raises LinAlgError (a ValueError) for a singular matrix; "
                      "don't catch it and return something else.")


# ---------------------------------------------------------------- calls the text forbids

# The same declarations as the hidden tests (a course test compares them): the calls each
# task's text forbids, looked for in the task's functions and what they call.

NO_SCIPY = ("scipy",)
NO_DET = ("numpy.linalg.det", "numpy.linalg.slogdet", "scipy")
FORBIDDEN = {
    "2.1": (NO_DET, ("det_3x3",)),
    "2.2": (NO_DET, ("det_laplace",)),
    "2.3": (NO_DET, ("det_elimination",)),
    "2.4": (NO_DET, ("slogdet",)),
    "2.5": (NO_DET, ("orientation",)),
    "2.6": (NO_DET, ("polygon_signed_area",)),
    "2.7": (NO_SCIPY, ("grad_logabsdet",)),
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
    "2a": "cb5b937a7aa4e330",
    "2b": "05506541d3b756e6",
}


@pytest.mark.reflection
@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_think_it_over(question):
    """Is your answer to this question right (not graded)?"""
    check_answer(question, getattr(ex, f"answer_{question}", ...), QUESTIONS[question])
