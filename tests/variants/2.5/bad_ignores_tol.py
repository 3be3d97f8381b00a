"""Hard-codes tol = 1e-12 instead of using the tol it is given."""
import numpy as np


def orientation(a, b, c, tol=1e-12):
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    u, v = b - a, c - a
    det = u[0] * v[1] - u[1] * v[0]
    if abs(det) <= 1e-12 * np.hypot(*u) * np.hypot(*v):
        return 0
    return 1 if det > 0 else -1
