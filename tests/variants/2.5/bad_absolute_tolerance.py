"""Compares |det| with tol itself, not tol times the edge lengths: a tiny triangle is
called a straight line."""
import numpy as np


def orientation(a, b, c, tol=1e-12):
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    u, v = b - a, c - a
    det = u[0] * v[1] - u[1] * v[0]
    if abs(det) <= tol:
        return 0
    return 1 if det > 0 else -1
