"""Classical Gram-Schmidt run twice per column ("twice is enough"), relative tolerance."""
import numpy as np


def gram_schmidt(V, tol=1e-10):
    V = np.asarray(V, dtype=float)
    d, k = V.shape
    Q = np.zeros((d, k))
    for j in range(k):
        w = V[:, j].copy()
        start = np.sqrt(w @ w)
        for _ in range(2):
            w = w - Q[:, :j] @ (Q[:, :j].T @ w)
        length = np.sqrt(w @ w)
        if start == 0 or length <= tol * start:
            raise ValueError("dependent column")
        Q[:, j] = w / length
    return Q
