"""The cofactor matrix divided by det A (the adjugate formula), with det from numpy."""
import numpy as np


def grad_logabsdet(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    d = np.linalg.det(A)
    if d == 0.0:
        raise ValueError("singular")
    n = A.shape[0]
    if n == 1:
        return np.array([[1.0 / A[0, 0]]])
    C = np.empty_like(A)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(A, i, axis=0), j, axis=1)
            C[i, j] = (-1) ** (i + j) * np.linalg.det(minor)
    return C / d
