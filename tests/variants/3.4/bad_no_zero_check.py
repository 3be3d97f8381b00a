"""Returns nan for the zero v instead of raising ValueError."""
import numpy as np


def project(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (u @ v) / (v @ v) * v
