"""The squared Frobenius norm of the residual divided by its number of entries."""
import numpy as np


def denoising_error(W, noisy, clean):
    R = W @ noisy - clean
    return float(np.sum(R * R) / R.size)
