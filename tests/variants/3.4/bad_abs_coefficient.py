"""Takes |<u, v>|: the projection always points along +v."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    vv = np.sum(v * v)
    if vv == 0.0:
        raise ValueError("zero v")
    return (abs(np.sum(u * v)) / vv) * v
