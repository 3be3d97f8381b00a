"""Max-subtraction with an explicit -inf guard; returns a 0-d array when axis is None."""
import numpy as np


def log_sum_exp(x, axis=None):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m[~np.isfinite(m)] = 0.0
    with np.errstate(divide="ignore"):
        s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if axis is None:
        return s.reshape(())
    return s.squeeze(axis=axis)
