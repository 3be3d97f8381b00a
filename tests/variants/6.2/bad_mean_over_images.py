"""Averages over the n images only (sum over pixels, mean over columns)."""
import numpy as np


def denoising_error(W, noisy, clean):
    return float(np.mean(np.sum((W @ noisy - clean) ** 2, axis=0)))
