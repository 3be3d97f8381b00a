"""np.sign of the determinant with no tolerance: rounding noise on collinear points gives
a turn."""
import numpy as np


def orientation(a, b, c, tol=1e-12):
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    u, v = b - a, c - a
    return int(np.sign(u[0] * v[1] - u[1] * v[0]))
