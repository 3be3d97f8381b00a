"""lambda_max of X^T X (n x n): it has the same nonzero eigenvalues as X X^T."""
import numpy as np


def max_stable_learning_rate(noisy, d_out=None):
    d_in, n = noisy.shape
    d_out = d_in if d_out is None else d_out
    return float(d_out * n / np.linalg.eigvalsh(noisy.T @ noisy)[-1])
