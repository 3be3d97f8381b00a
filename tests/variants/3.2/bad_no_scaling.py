"""Computes the lengths without scaling first: 1e200 entries overflow, 1e-200 underflow."""
import numpy as np


def cosine_similarity(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    with np.errstate(all="ignore"):
        nu, nv = np.sqrt(u @ u), np.sqrt(v @ v)
        if nu == 0 or nv == 0:
            return 0.0
        return float(np.clip((u @ v) / (nu * nv), -1.0, 1.0))
