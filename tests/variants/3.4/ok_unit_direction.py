"""Projects onto the unit vector along v: (u . v_hat) v_hat."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    length = np.sqrt(v @ v)
    if length == 0:
        raise ValueError("zero v")
    v_hat = v / length
    return (u @ v_hat) * v_hat
