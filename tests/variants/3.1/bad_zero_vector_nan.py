"""Scales by max|v| without checking for the zero vector: 0/0 is nan."""
import numpy as np


def norm(v):
    v = np.asarray(v, dtype=float)
    s = np.max(np.abs(v))
    with np.errstate(invalid="ignore"):
        return float(s * np.sqrt(np.sum((v / s) ** 2)))
