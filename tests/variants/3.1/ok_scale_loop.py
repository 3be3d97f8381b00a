"""Scales by the largest |entry| in a loop, with math.sqrt; returns a numpy float64."""
import math

import numpy as np


def norm(v):
    v = np.asarray(v, dtype=float)
    s = np.abs(v).max(initial=0.0)
    if s == 0:
        return np.float64(0.0)
    acc = 0.0
    for x in v:
        acc += (x / s) ** 2
    return s * math.sqrt(acc)
