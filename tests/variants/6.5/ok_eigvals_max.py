"""np.linalg.eigvals of X X^T (complex dtype in general: the real part of the largest)."""
import numpy as np


def max_stable_learning_rate(noisy, d_out=None):
    d_out = noisy.shape[0] if d_out is None else d_out
    lam = np.max(np.real(np.linalg.eigvals(noisy @ noisy.T)))
    return d_out * noisy.shape[1] / lam
