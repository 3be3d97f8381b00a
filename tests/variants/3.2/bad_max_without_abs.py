"""Scales each vector by max(v), not max|v|: a negative maximum flips the sign."""
import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    su, sv = np.max(u), np.max(v)
    if su == 0.0 or sv == 0.0:
        return 0.0
    u, v = u / su, v / sv
    c = np.sum(u * v) / (np.sqrt(np.sum(u * u)) * np.sqrt(np.sum(v * v)))
    return float(np.clip(c, -1.0, 1.0))
