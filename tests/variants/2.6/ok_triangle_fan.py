"""Adds the signed areas of the triangles (P0, Pi, Pi+1), each a 2x2 determinant."""
import numpy as np


def polygon_signed_area(P):
    P = np.asarray(P, dtype=float)
    total = 0.0
    for i in range(1, len(P) - 1):
        u, v = P[i] - P[0], P[i + 1] - P[0]
        total += 0.5 * (u[0] * v[1] - u[1] * v[0])
    return float(total)
