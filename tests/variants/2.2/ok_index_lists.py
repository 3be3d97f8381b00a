"""Builds each minor from index lists (no np.delete), returns a numpy float."""
import numpy as np


def det_laplace(A):
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be square")
    n = len(A)
    if n == 0:
        return np.float64(1.0)
    if n == 1:
        return A[0, 0]
    total = np.float64(0.0)
    for j in range(n):
        cols = [c for c in range(n) if c != j]
        sign = 1.0 if j % 2 == 0 else -1.0
        total += sign * A[0, j] * det_laplace(A[1:][:, cols])
    return total
