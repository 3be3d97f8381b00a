"""X^T X: the inner products of the features (columns), not of the vectors (rows)."""
import numpy as np


def gram_matrix(X, W=None):
    X = np.asarray(X, dtype=float)
    if W is None:
        return X.T @ X
    return X.T @ np.asarray(W, dtype=float) @ X
