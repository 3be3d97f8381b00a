"""Scales by max(v) instead of max|v|: a vector whose largest entry is negative breaks."""
import numpy as np


def norm(v):
    v = np.asarray(v, dtype=float)
    s = np.max(v) if v.size else 0.0
    if s == 0.0:
        return 0.0
    w = v / s
    return float(s * np.sqrt(np.sum(w * w)))
