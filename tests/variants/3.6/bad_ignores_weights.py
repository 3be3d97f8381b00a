"""Always returns the plain Gram matrix: the weights are never used."""
import numpy as np


def gram_matrix(X, W=None):
    X = np.asarray(X, dtype=float)
    return X @ X.T
