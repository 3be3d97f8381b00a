"""Hard-codes the dependence tolerance 1e-10 instead of using the tol it is given."""
import numpy as np


def gram_schmidt(V, tol=1e-10):
    V = np.asarray(V, dtype=float)
    d, k = V.shape
    Q = np.zeros((d, k))
    for j in range(k):
        w = V[:, j].copy()
        original = np.linalg.norm(w)
        for i in range(j):
            w -= (Q[:, i] @ w) * Q[:, i]
        length = np.linalg.norm(w)
        if original == 0.0 or length <= 1e-10 * original:
            raise ValueError(f"column {j} of V is linearly dependent on the earlier columns")
        Q[:, j] = w / length
    return Q
