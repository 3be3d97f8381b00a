r"""Inner products: dot products, norms, angles, projections, Gram-Schmidt, neighbours.

An inner product :math:`\langle x, y \rangle` gives a vector space lengths
(:math:`\|x\| = \sqrt{\langle x, x \rangle}`) and angles
(:math:`\cos\theta = \langle x, y \rangle / (\|x\| \|y\|)`, which lies in [-1, 1] by the
Cauchy-Schwarz inequality :math:`|\langle x, y \rangle| \le \|x\| \|y\|`). With angles come
orthogonality, projections and orthonormal bases; with lengths, nearest neighbours.

Vectors are 1-D arrays of shape (d,). A set of N points is a matrix of shape (N, d), one
point per row; a subspace is given by a matrix of shape (d, k) whose columns span it.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from mlmath._checks import as_float_array, require_finite, require_same_shape

__all__ = [
    "Neighbours",
    "angle",
    "cosine_similarity",
    "dot",
    "gram_matrix",
    "gram_schmidt",
    "k_nearest",
    "norm",
    "project_onto_subspace",
    "project_onto_vector",
    "projection_matrix",
    "weighted_inner",
]


def _vector(x, name: str) -> np.ndarray:
    return require_finite(as_float_array(x, name, ndim=1), name)


def _pair(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = _vector(x, "x"), _vector(y, "y")
    require_same_shape(x, y, ("x", "y"))
    return x, y


def dot(x, y) -> float:
    r"""Dot product :math:`x \cdot y = \sum_i x_i y_i`.

    Args:
        x, y: arrays of shape (d,).
    Returns:
        a float.
    """
    x, y = _pair(x, y)
    return float(np.sum(x * y))


def norm(x, p: float = 2) -> float:
    r"""The p-norm :math:`\|x\|_p = (\sum_i |x_i|^p)^{1/p}`; :math:`\|x\|_\infty = \max_i |x_i|`.

    Only p >= 1 gives a norm: for p < 1 the triangle inequality fails
    (:math:`\|(1,0) + (0,1)\|_{1/2} = 4 > 2`).
    Stability: x is divided by :math:`m = \max_i |x_i|` first, :math:`\|x\|_p = m \|x/m\|_p`,
    so :math:`|x_i|^p` neither overflows (x = [1e200, 1e200]) nor underflows (x = [1e-200]).

    Args:
        x: array of shape (d,).
        p: a real number >= 1, or ``math.inf``.
    Returns:
        a float >= 0.
    """
    x = _vector(x, "x")
    if not isinstance(p, numbers.Real) or math.isnan(p) or p < 1:
        raise ValueError(f"p must be a number >= 1 (or inf) for a norm, got {p!r}")
    m = float(np.max(np.abs(x))) if x.size else 0.0
    if m == 0.0 or p == math.inf:
        return m
    scaled = np.abs(x) / m  # every entry in [0, 1], the largest exactly 1
    return m * float(np.sum(scaled**p)) ** (1.0 / p)


def _row_norms(X: np.ndarray) -> np.ndarray:
    """Euclidean length of each row of X (shape (N, d) -> (N,)), scaled like :func:`norm`."""
    m = np.max(np.abs(X), axis=1) if X.shape[1] else np.zeros(X.shape[0])
    safe = np.where(m == 0.0, 1.0, m)
    return m * np.sqrt(np.sum((X / safe[:, None]) ** 2, axis=1))


def _unit(x: np.ndarray, name: str) -> np.ndarray:
    length = norm(x)
    if length == 0.0:
        raise ValueError(f"{name} is the zero vector, which has no direction")
    m = np.max(np.abs(x))
    return (x / m) / (length / m)  # dividing by m first keeps x / m from overflowing


def angle(x, y, method: str = "stable") -> float:
    r"""Angle :math:`\theta \in [0, \pi]` between x and y, in radians.

    ``method="arccos"`` is the textbook :math:`\arccos(\cos\theta)` with the cosine clipped
    to [-1, 1] (rounding can push it just outside, where arccos is nan). It is inaccurate
    near 0 and :math:`\pi`: for :math:`\theta = 10^{-9}`, :math:`\cos\theta = 1 - 5 \cdot 10^{-19}`
    rounds to 1 and arccos returns 0.

    ``method="stable"`` (default, Kahan's formula) uses the unit vectors
    :math:`u = x/\|x\|, v = y/\|y\|`: :math:`\theta = 2 \operatorname{atan2}(\|u - v\|, \|u + v\|)`.
    Both lengths are computed to full relative accuracy, so small angles are too.

    Args:
        x, y: nonzero arrays of shape (d,).
        method: "stable" or "arccos".
    Returns:
        the angle in radians, a float in [0, pi].
    """
    x, y = _pair(x, y)
    u, v = _unit(x, "x"), _unit(y, "y")
    if method == "stable":
        return 2.0 * math.atan2(norm(u - v), norm(u + v))
    if method == "arccos":
        return math.acos(min(1.0, max(-1.0, float(np.sum(u * v)))))
    raise ValueError(f'method must be "stable" or "arccos", got {method!r}')


def cosine_similarity(x, y) -> float:
    r"""Cosine similarity :math:`\cos\theta = \dfrac{x \cdot y}{\|x\| \|y\|} \in [-1, 1]`.

    Computed as the dot product of the unit vectors (normalised with :func:`norm`, so huge
    or tiny vectors do not overflow), then clipped to [-1, 1] against rounding.

    Args:
        x, y: nonzero arrays of shape (d,).
    Returns:
        a float in [-1, 1].
    Raises:
        ValueError: x or y is the zero vector.
    """
    x, y = _pair(x, y)
    if norm(x) == 0.0 or norm(y) == 0.0:
        raise ValueError("cosine similarity is undefined for a zero vector")
    return min(1.0, max(-1.0, float(np.sum(_unit(x, "x") * _unit(y, "y")))))


def project_onto_vector(x, y) -> np.ndarray:
    r"""Orthogonal projection of x onto the line through y: :math:`\frac{x \cdot y}{y \cdot y} y`.

    Written as :math:`(x \cdot u) u` with :math:`u = y / \|y\|`, which does not overflow when
    :math:`y \cdot y` would. The residual :math:`x - p` is orthogonal to y.

    Args:
        x: array of shape (d,).
        y: nonzero array of shape (d,).
    Returns:
        array of shape (d,).
    """
    x, y = _pair(x, y)
    u = _unit(y, "y")
    return float(np.sum(x * u)) * u


def gram_schmidt(A, tol: float = 1e-10, reorthogonalize: bool = True) -> np.ndarray:
    r"""Orthonormal basis of the column space of A by modified Gram-Schmidt.

    Each column :math:`a_j` in turn has its components along the basis vectors found so far
    removed, :math:`v \leftarrow v - (q_i \cdot v) q_i`, and what is left is normalised to
    :math:`q = v / \|v\|`. The *modified* form projects the running v (not the original
    :math:`a_j`), so rounding errors made against :math:`q_1` are removed again against
    :math:`q_2`, and so on; with ``reorthogonalize`` the sweep is done twice ("twice is
    enough"), which keeps :math:`Q^\top Q = I` to rounding even for nearly dependent columns.

    A column is dropped as dependent when what is left of it is at most ``tol`` times its
    original length, :math:`\|v\| \le \text{tol} \|a_j\|` (zero columns always are).

    Args:
        A: array of shape (d, k); its columns span the subspace.
        tol: relative tolerance for dropping a (nearly) dependent column.
        reorthogonalize: do a second orthogonalisation sweep per column.
    Returns:
        Q of shape (d, r), r = numerical rank <= min(d, k), with orthonormal columns spanning
        the same space as the kept columns of A.
    """
    A = require_finite(as_float_array(A, "A", ndim=2), "A")
    if not 0.0 <= tol < 1.0:
        raise ValueError(f"tol must be in [0, 1), got {tol}")
    basis: list[np.ndarray] = []
    for j in range(A.shape[1]):
        original = norm(A[:, j]) if A.shape[0] else 0.0
        if original == 0.0:
            continue
        v = A[:, j] / original  # unit length: the sweeps below can neither overflow nor underflow
        for _ in range(2 if reorthogonalize else 1):
            for q in basis:
                v = v - float(np.sum(q * v)) * q
        remaining = norm(v)
        if remaining > tol:
            basis.append(v / remaining)
    return np.column_stack(basis) if basis else np.zeros((A.shape[0], 0))


def projection_matrix(A, tol: float = 1e-10) -> np.ndarray:
    r"""The matrix :math:`P = Q Q^\top` of the orthogonal projection onto the column space of A.

    Q is from :func:`gram_schmidt`, so dependent columns are fine. P is symmetric and
    idempotent (:math:`P^2 = P`); for independent columns it equals
    :math:`A (A^\top A)^{-1} A^\top`.

    Args:
        A: array of shape (d, k).
        tol: passed to :func:`gram_schmidt`.
    Returns:
        array of shape (d, d).
    """
    Q = gram_schmidt(A, tol)
    return Q @ Q.T


def project_onto_subspace(x, A, tol: float = 1e-10) -> np.ndarray:
    r"""Orthogonal projection of x onto the span of the columns of A.

    The closest point :math:`p = A c` to x solves the least-squares problem
    :math:`\min_c \|x - A c\|`; with an orthonormal basis Q of the span (from
    :func:`gram_schmidt`, which also drops dependent columns) it is :math:`p = Q (Q^\top x)`,
    and the residual :math:`x - p` is orthogonal to every column of A.

    Args:
        x: array of shape (d,).
        A: array of shape (d, k).
        tol: passed to :func:`gram_schmidt`.
    Returns:
        array of shape (d,).
    """
    x = _vector(x, "x")
    A = as_float_array(A, "A", ndim=2)
    if A.shape[0] != x.shape[0]:
        raise ValueError(
            f"A must have one row per entry of x: x has shape {x.shape}, A has shape {A.shape}"
        )
    Q = gram_schmidt(A, tol)
    return Q @ (Q.T @ x)


def gram_matrix(X) -> np.ndarray:
    r"""Gram matrix :math:`G_{ij} = x_i \cdot x_j` of N points: :math:`G = X X^\top`.

    G is symmetric positive semidefinite (:math:`c^\top G c = \|X^\top c\|^2 \ge 0`); it is
    the matrix a kernel method sees instead of the points.

    Args:
        X: array of shape (N, d), one point per row.
    Returns:
        array of shape (N, N), exactly symmetric.
    """
    X = require_finite(as_float_array(X, "X", ndim=2), "X")
    G = X @ X.T
    return (G + G.T) / 2.0  # exactly symmetric, whatever order the sums were done in


def weighted_inner(x, y, M, rtol: float = 1e-10) -> float:
    r"""Weighted inner product :math:`\langle x, y \rangle_M = x^\top M y`.

    This is an inner product exactly when M is symmetric (so :math:`\langle x, y \rangle_M =
    \langle y, x \rangle_M`) and positive definite (so :math:`\langle x, x \rangle_M > 0` for
    :math:`x \ne 0`). Both are checked: symmetry to within ``rtol * max|M|``, and positive
    definiteness by attempting a Cholesky factorisation :math:`M = L L^\top`, which exists
    if and only if M is symmetric positive definite.

    Args:
        x, y: arrays of shape (d,).
        M: array of shape (d, d), symmetric positive definite.
        rtol: relative tolerance for the symmetry check.
    Returns:
        a float.
    """
    x, y = _pair(x, y)
    M = require_finite(as_float_array(M, "M", ndim=2), "M")
    if M.shape != (x.shape[0], x.shape[0]):
        raise ValueError(f"M must have shape {(x.shape[0],) * 2} to match x, got {M.shape}")
    asym = float(np.max(np.abs(M - M.T))) if M.size else 0.0
    if asym > rtol * float(np.max(np.abs(M), initial=0.0)):
        raise ValueError(
            f"M must be symmetric for x^T M y to be an inner product, but max|M - M^T| = "
            f"{asym:.3g}, so <x, y>_M != <y, x>_M"
        )
    try:
        np.linalg.cholesky((M + M.T) / 2.0)
    except np.linalg.LinAlgError:
        raise ValueError(
            "M must be positive definite for x^T M y to be an inner product, but its Cholesky "
            "factorisation failed: x^T M x <= 0 for some x != 0 (M has an eigenvalue <= 0)"
        ) from None
    return float(x @ M @ y)


class Neighbours(NamedTuple):
    r"""Result of :func:`k_nearest`: indices into X, and the matching distances or similarities."""

    indices: np.ndarray
    scores: np.ndarray


def k_nearest(query, X, k: int, metric: str = "cosine") -> Neighbours:
    r"""The k rows of X nearest to ``query``, nearest first, ties broken by lower index.

    ``metric="euclidean"``: distances :math:`\|x_i - q\|`, ascending. They are computed from
    the differences, not as :math:`\|x\|^2 - 2 x \cdot q + \|q\|^2`, which can cancel to a
    small negative number for nearby points.
    ``metric="cosine"``: similarities :math:`\cos\theta_i`, descending (zero vectors refused).

    Args:
        query: array of shape (d,).
        X: array of shape (N, d), one point per row.
        k: number of neighbours, 1 <= k <= N.
        metric: "cosine" or "euclidean".
    Returns:
        Neighbours(indices, scores): integer array of shape (k,) and float array of shape (k,).
    """
    q = _vector(query, "query")
    X = require_finite(as_float_array(X, "X", ndim=2), "X")
    if X.shape[1] != q.shape[0]:
        raise ValueError(f"X must have rows of length {q.shape[0]} like query, got {X.shape}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= X.shape[0]:
        raise ValueError(f"k must be an integer in [1, {X.shape[0]}] (rows of X), got {k!r}")
    if metric == "euclidean":
        scores = _row_norms(X - q)
        key = scores
    elif metric == "cosine":
        if norm(q) == 0.0:
            raise ValueError("cosine similarity is undefined for a zero vector (query)")
        lengths = _row_norms(X)
        if np.any(lengths == 0.0):
            row = int(np.flatnonzero(lengths == 0.0)[0])
            raise ValueError(f"cosine similarity is undefined for a zero vector (row {row} of X)")
        m = np.max(np.abs(X), axis=1, keepdims=True)
        units = (X / m) / (lengths[:, None] / m)
        scores = np.clip(units @ _unit(q, "query"), -1.0, 1.0)
        key = -scores
    else:
        raise ValueError(f'metric must be "cosine" or "euclidean", got {metric!r}')
    order = np.argsort(key, kind="stable")[:k]  # stable: equal scores keep index order
    return Neighbours(order, scores[order])
