"""Folds math.hypot over the entries: hypot never overflows or underflows."""
import math

import numpy as np


def norm(v):
    total = 0.0
    for x in np.ravel(v):
        total = math.hypot(total, float(x))
    return total
