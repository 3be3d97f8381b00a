"""Subtracts the maximum of the whole array even when reducing along an axis."""
import numpy as np


def log_sum_exp(x, axis=None):
    x = np.asarray(x, dtype=float)
    m = np.max(x)
    if not np.isfinite(m):
        m = 0.0
    with np.errstate(divide="ignore"):
        out = m + np.log(np.sum(np.exp(x - m), axis=axis))
    return float(out) if axis is None else out
