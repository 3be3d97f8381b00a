"""Classical Gram-Schmidt (every projection from the original column), once: loses
orthogonality on nearly parallel columns."""
import numpy as np


def gram_schmidt(V, tol=1e-10):
    V = np.asarray(V, dtype=float)
    d, k = V.shape
    Q = np.zeros((d, k))
    for j in range(k):
        v = V[:, j]
        w = v.copy()
        for i in range(j):
            w -= (Q[:, i] @ v) * Q[:, i]
        length = np.linalg.norm(w)
        if np.linalg.norm(v) == 0 or length <= tol * np.linalg.norm(v):
            raise ValueError("dependent")
        Q[:, j] = w / length
    return Q
