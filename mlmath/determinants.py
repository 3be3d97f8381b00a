r"""Determinants: formulas, permutations, cofactors, elimination, volume and a gradient.

The determinant of a square matrix :math:`A \in \mathbb{R}^{n \times n}` is the signed
volume of the parallelepiped spanned by its rows (or columns): its absolute value is the
factor by which :math:`x \mapsto Ax` scales volumes, its sign says whether the map keeps or
flips orientation. Four ways to compute it, from the definition to the practical one:

- closed forms for n = 2 and n = 3 (:func:`det2`, :func:`det3`);
- the Leibniz sum over all :math:`n!` permutations (:func:`det_leibniz`);
- Laplace (cofactor) expansion, recursively along one row (:func:`det_laplace`);
- Gaussian elimination with partial pivoting, :math:`O(n^3)` (:func:`det_gauss`).

Only the last is usable beyond toy sizes; the first three are here to be read. For large n
even the determinant itself over- or underflows a float64 (``det(2 I_{2000}) = 2^{2000}``),
so :func:`sign_and_logabsdet` returns the sign and :math:`\log|\det A|` instead.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from mlmath._checks import as_float_array, require_finite, require_square

__all__ = [
    "det",
    "det2",
    "det3",
    "det_gauss",
    "det_laplace",
    "det_leibniz",
    "grad_logabsdet",
    "orientation",
    "permutation_sign",
    "sign_and_logabsdet",
    "signed_volume",
]

LEIBNIZ_MAX_N = 8
LAPLACE_MAX_N = 9


def _square(A, name: str = "A", n: int | None = None) -> np.ndarray:
    """Return ``A`` as a finite float64 (n, n) array, or raise a ValueError naming its shape."""
    arr = require_finite(require_square(A, name), name)
    if n is not None and arr.shape != (n, n):
        raise ValueError(f"{name} must be a {n}x{n} matrix, got shape {arr.shape}")
    return arr


def det2(A) -> float:
    r"""Determinant of a 2x2 matrix: :math:`ad - bc`.

    .. math:: \det \begin{pmatrix} a & b \\ c & d \end{pmatrix} = ad - bc

    Args:
        A: array of shape (2, 2).
    Returns:
        the determinant, a float.
    """
    A = _square(A, n=2)
    return float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])


def det3(A) -> float:
    r"""Determinant of a 3x3 matrix by the rule of Sarrus.

    .. math::
        \det A = a_{11}a_{22}a_{33} + a_{12}a_{23}a_{31} + a_{13}a_{21}a_{32}
               - a_{13}a_{22}a_{31} - a_{11}a_{23}a_{32} - a_{12}a_{21}a_{33}

    Equivalently the triple product :math:`a_1 \cdot (a_2 \times a_3)` of the rows.

    Args:
        A: array of shape (3, 3).
    Returns:
        the determinant, a float.
    """
    A = _square(A, n=3)
    (a, b, c), (d, e, f), (g, h, i) = A
    return float(a * e * i + b * f * g + c * d * h - c * e * g - a * f * h - b * d * i)


def permutation_sign(perm) -> int:
    r"""Sign of a permutation of ``0..n-1``: +1 if even, -1 if odd.

    A permutation splits into cycles; a cycle of length L is L - 1 transpositions, so
    :math:`\operatorname{sgn}(\sigma) = (-1)^{n - \#\text{cycles}}`.

    Args:
        perm: sequence of length n holding each of 0..n-1 once.
    Returns:
        +1 or -1.
    """
    perm = [int(p) for p in perm]
    n = len(perm)
    if sorted(perm) != list(range(n)):
        raise ValueError(f"perm must hold each of 0..{n - 1} exactly once, got {perm}")
    seen = [False] * n
    cycles = 0
    for start in range(n):
        if not seen[start]:
            cycles += 1
            j = start
            while not seen[j]:
                seen[j] = True
                j = perm[j]
    return 1 if (n - cycles) % 2 == 0 else -1


def det_leibniz(A) -> float:
    r"""Determinant by the Leibniz formula, the definition itself.

    .. math::
        \det A = \sum_{\sigma \in S_n} \operatorname{sgn}(\sigma) \prod_{i=1}^n a_{i,\sigma(i)}

    The sum has :math:`n!` terms, so this is refused for n > 8 (9! = 362880 terms).

    Args:
        A: array of shape (n, n), n <= 8.
    Returns:
        the determinant, a float (1.0 for the empty 0x0 matrix).
    Raises:
        ValueError: A is not square, or n > 8.
    """
    A = _square(A)
    n = A.shape[0]
    if n > LEIBNIZ_MAX_N:
        raise ValueError(
            f"det_leibniz sums n! terms: n = {n} would need {math.factorial(n)} terms; "
            f"it is limited to n <= {LEIBNIZ_MAX_N}. Use det_gauss for larger matrices."
        )
    total = 0.0
    for sigma in itertools.permutations(range(n)):
        total += permutation_sign(sigma) * math.prod(A[i, sigma[i]] for i in range(n))
    return float(total)


def det_laplace(A) -> float:
    r"""Determinant by Laplace (cofactor) expansion along one row, recursively.

    .. math:: \det A = \sum_{j=1}^n (-1)^{i+j} a_{ij} \det M_{ij}

    where the minor :math:`M_{ij}` is A without row i and column j. The row chosen is the
    one with the most exact zeros (the first such row on a tie), since a zero entry needs no
    sub-determinant. The cost is still :math:`O(n!)` in general, so n > 9 is refused.

    Args:
        A: array of shape (n, n), n <= 9.
    Returns:
        the determinant, a float (1.0 for the empty 0x0 matrix).
    Raises:
        ValueError: A is not square, or n > 9.
    """
    A = _square(A)
    n = A.shape[0]
    if n > LAPLACE_MAX_N:
        raise ValueError(
            f"det_laplace costs O(n!) (about {math.factorial(n)} terms for n = {n}); it is "
            f"limited to n <= {LAPLACE_MAX_N}. Use det_gauss for larger matrices."
        )
    return _laplace(A)


def _laplace(A: np.ndarray) -> float:
    n = A.shape[0]
    if n == 0:
        return 1.0
    if n == 1:
        return float(A[0, 0])
    i = int(np.argmax(np.sum(A == 0.0, axis=1)))  # the row with the most zeros
    total = 0.0
    for j in range(n):
        if A[i, j] != 0.0:
            minor = np.delete(np.delete(A, i, axis=0), j, axis=1)
            total += (-1) ** (i + j) * A[i, j] * _laplace(minor)
    return float(total)


PANEL = 32  # pivots per block in _eliminate


def _eliminate(A: np.ndarray, rtol: float | None) -> tuple[int, np.ndarray | None]:
    r"""LU elimination with partial pivoting: return (sign of the row swaps, pivots).

    The pivots are the diagonal of U in PA = LU, so det A = sign * prod(pivots). Returns
    ``(0, None)`` when a pivot column is (numerically) zero: the matrix is singular.

    Plain elimination subtracts, for every pivot k, a rank-1 update
    :math:`\ell_k u_k^\top` (multipliers times the pivot row) from the whole trailing
    matrix: n passes over up to :math:`n^2` numbers, each building an :math:`(n-k)^2`
    temporary first. Here the same arithmetic is regrouped in blocks of :data:`PANEL`
    pivots (a right-looking blocked LU, as LAPACK's ``getrf`` does):

    1. eliminate inside the panel only (the block's columns, every row below), one pivot
       at a time, keeping each multiplier in the zeroed entry below its pivot (so the
       panel now holds :math:`L_{11}` over :math:`L_{21}`, and :math:`U_{11}`);
    2. finish the block's rows to the right, :math:`U_{12} = L_{11}^{-1} A_{12}`, by
       forward substitution (row i loses the multiplier-weighted rows above it);
    3. update the trailing matrix for all the block's pivots at once,
       :math:`A_{22} \leftarrow A_{22} - L_{21} U_{12}`: one matrix product instead of
       PANEL passes over :math:`A_{22}` with a temporary each.

    Right of the panel nothing changes until the block is done, so the row swaps of
    step 1 can move whole rows. Shapes: A (n, n); the pivots (n,).
    """
    n = A.shape[0]
    U = A.copy()
    scale = float(np.max(np.abs(U))) if n else 0.0
    threshold = (n * np.finfo(np.float64).eps if rtol is None else rtol) * scale
    sign = 1
    for k0 in range(0, n, PANEL):
        k1 = min(k0 + PANEL, n)  # this block's pivots are k0 .. k1-1
        for k in range(k0, k1):
            p = k + int(np.argmax(np.abs(U[k:, k])))  # partial pivoting: the largest |entry|
            pivot = U[p, k]
            if abs(pivot) <= threshold or pivot == 0.0:
                return 0, None
            if p != k:
                U[[k, p]] = U[[p, k]]
                sign = -sign
            multipliers = U[k + 1 :, k]  # a view: the multipliers replace the zeroed column
            multipliers /= pivot
            U[k + 1 :, k + 1 : k1] -= np.outer(multipliers, U[k, k + 1 : k1])  # 1. the panel
        if k1 < n:
            for i in range(k0 + 1, k1):  # 2. U12 = L11^-1 A12, forward substitution
                U[i, k1:] -= U[i, k0:i] @ U[k0:i, k1:]
            L21 = U[k1:, k0:k1]
            if L21.any():  # (an all-zero L21, as in a triangular or diagonal A, changes nothing)
                U[k1:, k1:] -= L21 @ U[k0:k1, k1:]  # 3. A22 -= L21 @ U12
    return sign, np.diagonal(U).copy()


def det_gauss(A, rtol: float | None = None) -> float:
    r"""Determinant by Gaussian elimination with partial pivoting, :math:`O(n^3)`.

    Elimination factors :math:`PA = LU` with L unit lower triangular, so
    :math:`\det A = \det(P)^{-1} \prod_k u_{kk}`, and each row swap flips the sign.
    Choosing the largest pivot in each column (partial pivoting) keeps the multipliers at
    most 1 in size, which is what makes elimination numerically stable in practice.

    Singularity is judged relative to the matrix scale: if every candidate pivot in a
    column has :math:`|u_{ik}| \le \text{rtol} \cdot \max_{ij}|a_{ij}|` the matrix is
    treated as singular and the result is exactly 0.0. The test is scale-free, so
    :math:`10^{-300} A` and :math:`10^{300} A` are judged like A; the product of the
    pivots may still under- or overflow (use :func:`sign_and_logabsdet` for that).

    Args:
        A: array of shape (n, n).
        rtol: relative pivot tolerance; default ``n * eps`` (eps = 2.2e-16). ``0.0`` treats
            only exactly zero pivot columns as singular.
    Returns:
        the determinant, a float (exactly 0.0 for a numerically singular matrix).
    """
    A = _square(A)
    sign, pivots = _eliminate(A, rtol)
    if pivots is None:
        return 0.0
    with np.errstate(over="ignore", under="ignore"):  # documented: the product may leave float64
        return float(sign * np.prod(pivots))


def det(A, method: str = "gauss") -> float:
    r"""Determinant of A by ``method``: "gauss" (default), "laplace", "leibniz" or "formula"."""
    methods = {"gauss": det_gauss, "laplace": det_laplace, "leibniz": det_leibniz}
    if method == "formula":
        n = np.shape(A)[0] if np.ndim(A) == 2 else -1
        if n not in (2, 3):
            raise ValueError(f'method="formula" needs a 2x2 or 3x3 matrix, got {np.shape(A)}')
        return det2(A) if n == 2 else det3(A)
    if method not in methods:
        raise ValueError(f"method must be one of {[*methods, 'formula']}, got {method!r}")
    return methods[method](A)


def sign_and_logabsdet(A, rtol: float | None = None) -> tuple[float, float]:
    r"""Sign and :math:`\log|\det A|`, like ``numpy.linalg.slogdet``: never overflows.

    With pivots :math:`u_{kk}` from :func:`det_gauss`,
    :math:`\log|\det A| = \sum_k \log|u_{kk}|` is a sum of moderate numbers even when the
    product overflows: :math:`\det(2 I_{2000}) = 2^{2000}` is inf in float64, but its log is
    :math:`2000 \log 2 \approx 1386.3`. Then
    :math:`\det A = \text{sign} \cdot e^{\text{logabsdet}}`.

    Args:
        A: array of shape (n, n).
        rtol: relative pivot tolerance, as in :func:`det_gauss`.
    Returns:
        (sign, logabsdet): sign is 1.0 or -1.0, or 0.0 with logabsdet = -inf when A is
        (numerically) singular.
    """
    A = _square(A)
    sign, pivots = _eliminate(A, rtol)
    if pivots is None:
        return 0.0, -math.inf
    sign = sign * int(np.prod(np.sign(pivots)))
    return float(sign), float(np.sum(np.log(np.abs(pivots))))


def _vectors(vectors) -> np.ndarray:
    V = require_finite(as_float_array(vectors, "vectors"), "vectors")
    if V.ndim != 2 or V.shape[0] != V.shape[1]:
        raise ValueError(
            f"vectors must be n vectors in R^n, one per row (shape (n, n)), got shape {V.shape}"
        )
    return V


def signed_volume(vectors) -> float:
    r"""Signed volume of the parallelepiped spanned by n vectors in :math:`\mathbb{R}^n`.

    The volume is :math:`\det V` where row i of V is vector i: in 2-D the signed area of
    the parallelogram with sides :math:`v_1, v_2`, positive when :math:`v_2` lies
    counter-clockwise of :math:`v_1`.

    Args:
        vectors: array of shape (n, n), one vector per row.
    Returns:
        the signed volume, a float.
    """
    return det_gauss(_vectors(vectors))


def orientation(vectors, tol: float = 1e-12) -> int:
    r"""Orientation of n vectors in :math:`\mathbb{R}^n`: +1, -1, or 0 if (nearly) degenerate.

    Hadamard's inequality :math:`|\det V| \le \prod_i \|v_i\|` bounds the volume by the
    lengths, so :math:`|\det V| / \prod_i \|v_i\| \in [0, 1]` measures how far the vectors
    are from lying in a hyperplane, independently of their scale (1 for orthogonal vectors,
    0 for dependent ones). The orientation is 0 when that ratio is at most ``tol``; it is
    computed in logs, so it neither overflows nor underflows.

    Args:
        vectors: array of shape (n, n), one vector per row.
        tol: scale-free degeneracy tolerance in [0, 1).
    Returns:
        +1 (right-handed, e.g. the standard basis), -1 (left-handed) or 0 (degenerate).
    """
    if not 0.0 <= tol < 1.0:
        raise ValueError(f"tol must be in [0, 1), got {tol}")
    V = _vectors(vectors)
    row_max = np.max(np.abs(V), axis=1, keepdims=True)
    if np.any(row_max == 0.0):
        return 0
    # ||v_i||, scaled first so that squaring neither overflows nor underflows.
    lengths = row_max * np.sqrt(np.sum((V / row_max) ** 2, axis=1, keepdims=True))
    sign, log_ratio = sign_and_logabsdet(V / lengths, rtol=0.0)  # unit rows: |det| <= 1
    if sign == 0.0 or (tol > 0.0 and log_ratio <= math.log(tol)):
        return 0
    return int(sign)


def grad_logabsdet(A) -> np.ndarray:
    r"""Gradient of :math:`\log|\det A|` with respect to A: :math:`A^{-\top}`.

    Expanding along row i, :math:`\det A = \sum_j a_{ij} C_{ij}` with cofactors
    :math:`C_{ij}` that do not involve :math:`a_{ij}`, so
    :math:`\partial \det A / \partial a_{ij} = C_{ij}`. The cofactor matrix is
    :math:`\det(A) A^{-\top}` (the adjugate, transposed), hence by the chain rule
    :math:`\partial \log|\det A| / \partial A = C / \det A = A^{-\top}`.

    Args:
        A: array of shape (n, n), nonsingular.
    Returns:
        array of shape (n, n).
    Raises:
        ValueError: A is singular (log|det A| = -inf has no gradient there).
    """
    A = _square(A)
    sign, _ = _eliminate(A, None)
    if sign == 0:
        raise ValueError(
            "grad_logabsdet: A is singular (a zero pivot column in elimination), so "
            "log|det A| = -inf and has no gradient"
        )
    return np.linalg.inv(A).T
