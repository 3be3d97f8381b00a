"""lambda_max from the largest singular value of the noisy matrix, squared."""
import numpy as np


def max_stable_learning_rate(noisy, d_out=None):
    d_in, n = noisy.shape
    d_out = d_in if d_out is None else d_out
    s = np.linalg.svd(noisy, compute_uv=False)[0]
    return float(d_out * n / s**2)
