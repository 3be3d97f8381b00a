"""Forgets the alternating signs (-1)^j."""
import numpy as np


def det_laplace(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("not square")
    n = A.shape[0]
    if n == 0:
        return 1.0
    if n == 1:
        return float(A[0, 0])
    return float(sum(A[0, j] * det_laplace(np.delete(A[1:], j, axis=1)) for j in range(n)))
