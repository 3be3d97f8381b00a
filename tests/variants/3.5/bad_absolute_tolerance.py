"""Tests what is left of a column against tol itself, not tol times its length."""
import numpy as np


def gram_schmidt(V, tol=1e-10):
    V = np.asarray(V, dtype=float)
    d, k = V.shape
    Q = np.zeros((d, k))
    for j in range(k):
        w = V[:, j].copy()
        for i in range(j):
            w -= (Q[:, i] @ w) * Q[:, i]
        length = np.linalg.norm(w)
        if length <= tol:
            raise ValueError(f"column {j} of V is linearly dependent on the earlier columns")
        Q[:, j] = w / length
    return Q
