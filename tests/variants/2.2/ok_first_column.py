"""Expands along the first column instead of the first row."""
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
    return float(sum((-1) ** i * A[i, 0] * det_laplace(np.delete(A, i, axis=0)[:, 1:])
                     for i in range(n)))
