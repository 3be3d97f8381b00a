"""Every entry by its own inner product x_i^T W x_j, as nested lists."""
import numpy as np


def gram_matrix(X, W=None):
    X = np.asarray(X, dtype=float)
    W = np.eye(X.shape[1]) if W is None else np.asarray(W, dtype=float)
    return [[float(X[i] @ W @ X[j]) for j in range(len(X))] for i in range(len(X))]
