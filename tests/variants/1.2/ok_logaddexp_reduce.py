"""numpy's logaddexp folded over the axis (a stable pairwise log(e^a + e^b))."""
import numpy as np


def log_sum_exp(x, axis=None):
    x = np.asarray(x, dtype=float)
    if axis is None:
        return float(np.logaddexp.reduce(x.ravel()))
    return np.logaddexp.reduce(x, axis=axis)
