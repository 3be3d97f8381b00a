"""Always uses d_in for d_out."""
import numpy as np


def max_stable_learning_rate(noisy, d_out=None):
    d_in, n = noisy.shape
    return float(d_in * n / np.linalg.eigvalsh(noisy @ noisy.T)[-1])
