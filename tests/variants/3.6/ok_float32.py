"""Computes the Gram matrix in float32: the task does not demand float64, so the policy
compares it to about 5 significant digits."""
import numpy as np


def gram_matrix(X, W=None):
    X = np.asarray(X, dtype=np.float32)
    if W is None:
        return X @ X.T
    return X @ np.asarray(W, dtype=np.float32) @ X.T
