"""Returns the projection as a Python list of floats."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    vv = float(v @ v)
    if vv == 0.0:
        raise ValueError("cannot project onto the zero vector")
    c = float(u @ v) / vv
    return [c * float(x) for x in v]
