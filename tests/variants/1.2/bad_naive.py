"""The textbook formula as written: exp overflows for 1000 and underflows for -1000."""
import numpy as np


def log_sum_exp(x, axis=None):
    with np.errstate(over="ignore", divide="ignore"):
        out = np.log(np.sum(np.exp(np.asarray(x, dtype=float)), axis=axis))
    return float(out) if axis is None else out
