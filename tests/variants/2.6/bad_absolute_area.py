"""Returns the unsigned area (abs): the orientation is lost."""
import numpy as np


def polygon_signed_area(P):
    P = np.asarray(P, dtype=float)
    Q = np.roll(P, -1, axis=0)
    return float(abs(0.5 * np.sum(P[:, 0] * Q[:, 1] - Q[:, 0] * P[:, 1])))
