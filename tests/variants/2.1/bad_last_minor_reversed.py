"""Writes the last minor as dg - eh instead of dh - eg."""
import numpy as np


def det_3x3(A):
    (a, b, c), (d, e, f), (g, h, i) = np.asarray(A, dtype=float)
    return float(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * g - e * h))
