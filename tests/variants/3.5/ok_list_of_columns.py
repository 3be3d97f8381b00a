"""Modified Gram-Schmidt on a list of columns, stacked at the end; relative test."""
import numpy as np


def gram_schmidt(V, tol=1e-10):
    V = np.asarray(V, dtype=float)
    qs = []
    for j in range(V.shape[1]):
        w = np.array(V[:, j])
        original = np.linalg.norm(w)
        for q in qs:
            w = w - np.dot(q, w) * q
        if original == 0 or np.linalg.norm(w) < tol * original:
            raise ValueError(f"column {j} is dependent")
        qs.append(w / np.linalg.norm(w))
    return np.column_stack(qs)
