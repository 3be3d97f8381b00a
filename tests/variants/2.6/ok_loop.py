"""A loop over the edges with the wrap-around index (i + 1) % n."""
import numpy as np


def polygon_signed_area(P):
    P = np.asarray(P, dtype=float)
    n = len(P)
    s = 0.0
    for i in range(n):
        x0, y0 = P[i]
        x1, y1 = P[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return s / 2
