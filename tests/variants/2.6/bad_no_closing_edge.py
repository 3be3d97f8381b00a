"""Forgets the edge from the last vertex back to the first."""
import numpy as np


def polygon_signed_area(P):
    P = np.asarray(P, dtype=float)
    x, y = P[:, 0], P[:, 1]
    return float(0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))
