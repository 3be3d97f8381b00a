"""Normalises both vectors first (after scaling by their largest entry), then the dot."""
import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    su, sv = np.abs(u).max(), np.abs(v).max()
    if su == 0 or sv == 0:
        return 0.0
    u, v = u / su, v / sv
    u, v = u / np.sqrt(u @ u), v / np.sqrt(v @ v)
    return float(min(1.0, max(-1.0, u @ v)))
