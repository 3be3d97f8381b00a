"""Divides by n - 1 (the unbiased variance), which is not the maximum likelihood estimate."""
import numpy as np


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.mean(x)), float(np.std(x, ddof=1))
